/* SPDX-License-Identifier: Apache-2.0 */
/* registry.c - the OCI distribution client: open, authenticated requests, manifests, tags, blob HEAD. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "wpkg/oci.h"
#include "http_pager.h"
#include "registry_tags.h"
#include "log_internal.h"
#include "registry_internal.h"

#define MANIFEST_ACCEPT "Accept: " WPKG_MT_OCI_MANIFEST ", " WPKG_MT_OCI_INDEX ", " \
	WPKG_MT_DOCKER_MANIFEST ", " WPKG_MT_DOCKER_LIST
#define TAGS_PAGE_MAX ((size_t)16 << 20)
#define TAGS_PAGES_MAX 10000
#define TAGS_PAGE_WANT ((size_t)1000)

int wpkg_registry_open(struct wpkg_registry **out, const char *host, const struct wpkg_http_opts *opts,
		       const struct wpkg_registry_hooks *hooks, const struct wpkg_credentials *creds,
		       struct wpkg_error *err)
{
	struct wpkg_registry *r = calloc(1, sizeof(*r));
	int rc;

	if (r == NULL)
		return wpkg_error_nomem(err);
	rc = wpkg_http_new(&r->http, opts, hooks, err);
	if (rc < 0)
		goto fail;
	r->host = strdup(host);
	if (r->host == NULL || asprintf(&r->base, "%s://%s", opts && opts->plain_http ? "http" : "https", host) < 0 ||
	    wpkg_auth_new(&r->auth, creds) < 0) {
		r->base = NULL;
		rc = wpkg_error_nomem(err);
		goto fail;
	}
	if (wpkg_http_set_cert_origin(r->http, r->base) < 0) {
		rc = wpkg_error_nomem(err);
		goto fail;
	}
	*out = r;
	return 0;
fail:
	wpkg_registry_close(r);
	return rc;
}

void wpkg_registry_close(struct wpkg_registry *r)
{
	if (r == NULL)
		return;
	wpkg_http_free(r->http);
	wpkg_auth_free(r->auth);
	free(r->host);
	free(r->base);
	free(r);
}

int reg_scopes_init(struct reg_scopes *s, const char *repo, const char *actions, const char *from_repo)
{
	memset(s, 0, sizeof(*s));
	if (repo) {
		if ((s->owned[s->n] = wpkg_auth_scope(repo, actions)) == NULL)
			return WPKG_E_NOMEM;
		s->v[s->n] = s->owned[s->n];
		s->n++;
	}
	if (from_repo && (!repo || strcmp(from_repo, repo) != 0)) {
		if ((s->owned[s->n] = wpkg_auth_scope(from_repo, "pull")) == NULL)
			return WPKG_E_NOMEM;
		s->v[s->n] = s->owned[s->n];
		s->n++;
	}
	return 0;
}

void reg_scopes_free(struct reg_scopes *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->owned[i]);
	memset(s, 0, sizeof(*s));
}

/*
 * The peer answered our TLS handshake in plain HTTP.  A loopback registry is
 * then spoken to in plain HTTP from here on (oras and crane reach localhost
 * that way without a flag; HTTPS is tried first so that a loopback registry
 * with TLS stays verified).  Any other host gets an error naming the flag.
 * Returns 0 with *url (owned, caller frees) the request's URL over http://.
 */
static int reg_fall_back_to_http(struct wpkg_registry *r, const char *https_url, char **url, struct wpkg_error *err)
{
	char *base = NULL;

	if (!wpkg_host_is_loopback(r->host) || wpkg_http_get_opts(r->http)->require_tls)
		return wpkg_error_set(err, WPKG_E_NETWORK, "%s speaks plain HTTP, not HTTPS: pass --plain-http to use it "
				      "unencrypted", r->host);
	if (asprintf(&base, "http://%s", r->host) < 0 || asprintf(url, "http://%s", https_url + 8) < 0) {
		free(base);
		return wpkg_error_nomem(err);
	}
	free(r->base);
	r->base = base;
	wpkg_http_allow_plain(r->http);
	wpkg_log_to(&wpkg_http_hooks(r->http)->log, WPKG_LOG_DEBUG, "* %s: loopback without TLS, using plain HTTP",
		    r->host);
	return 0;
}

int reg_request(struct wpkg_registry *r, const struct wpkg_http_req *req, const struct reg_scopes *s,
		struct wpkg_http_resp *resp, struct wpkg_error *err)
{
	struct wpkg_http_req rq = *req;
	char *auth = NULL, *http_url = NULL;
	int tries, rc = 0;

	/* URLs the registry hands us (upload Location, Link next) may name another host: it gets no credentials */
	if (!wpkg_url_same_origin(req->url, r->base)) {
		rc = wpkg_http_perform(r->http, &rq, resp, err);
		resp->secrets = r->auth;
		return rc;
	}
	for (tries = 0; tries < 2; tries++) {
		rc = wpkg_auth_header(r->auth, r->http, s->v, s->n, &auth, err);
		if (rc < 0)
			break;
		rq.authorization = auth;
		rc = wpkg_http_perform(r->http, &rq, resp, err);
		if (auth)
			explicit_bzero(auth, strlen(auth));
		free(auth);
		auth = NULL;
		if (rc < 0 && resp->peer_plain_http && http_url == NULL) {
			rc = reg_fall_back_to_http(r, rq.url, &http_url, err);
			if (rc < 0)
				break;
			rq.url = http_url;
			tries--;  /* the same request again, over HTTP */
			continue;
		}
		if (rc == 0 && resp->status == 400 && wpkg_http_get_opts(r->http)->plain_http &&
		    wpkg_http_body_says_tls_port(&resp->body)) {
			rc = wpkg_error_set(err, WPKG_E_NETWORK, "%s speaks HTTPS, not plain HTTP: drop --plain-http "
					    "(and pass --ca-file if its certificate is from a private CA)", r->host);
			break;
		}
		/* a challenge from another origin (after a redirect) must not pick where our credentials go */
		if (rc < 0 || resp->status != 401 || tries == 1 || !wpkg_url_same_origin(resp->url, r->base))
			break;
		rc = wpkg_auth_challenged(r->auth, r->http, resp, s->v, s->n, err);
		if (rc < 0)
			break;
	}
	free(http_url);
	resp->secrets = r->auth;
	return rc;
}

char *reg_url(const struct wpkg_registry *r, const char *repo, const char *kind, const char *ref)
{
	char *url;

	if (asprintf(&url, "%s/v2/%s/%s%s%s", r->base, repo, kind, ref ? "/" : "", ref ? ref : "") < 0)
		return NULL;
	return url;
}

int reg_status_error(struct wpkg_error *err, const char *method, const struct wpkg_http_resp *resp)
{
	int rc = wpkg_registry_status_error(err, method, resp->url ? resp->url : "", resp->status, resp->body.data,
					    resp->body.len);

	if (resp->status == 429)
		wpkg_registry_rate_note(err, &resp->headers);
	if (err)
		wpkg_auth_mask(resp->secrets, err->msg); /* a registry echoing what we sent */
	/* refused although a token came: say what the token lacked, not "authentication required" */
	wpkg_auth_explain_refusal(resp->secrets, resp->status, err);
	return err != NULL && (resp->status == 401 || resp->status == 403) ? err->code : rc;
}

int reg_get_doc(struct wpkg_registry *r, const char *url, const char *const *headers, const struct reg_scopes *s,
		struct wpkg_http_resp *resp, struct wpkg_error *err)
{
	struct wpkg_http_req req = { .method = "GET", .url = url, .headers = headers, .max_body = WPKG_DOC_MAX };
	int rc = reg_request(r, &req, s, resp, err);

	if (rc == WPKG_E_TOO_LARGE)
		wpkg_error_wrap(err, "GET %s", url);
	return rc;
}

int wpkg_registry_ping(struct wpkg_registry *r, struct wpkg_error *err)
{
	struct wpkg_http_req req = { .method = "GET" };
	struct wpkg_http_resp resp = { 0 };
	struct reg_scopes s = { 0 };
	char *url = NULL;
	int rc;

	if (asprintf(&url, "%s/v2/", r->base) < 0)
		return wpkg_error_nomem(err);
	req.url = url;
	rc = reg_request(r, &req, &s, &resp, err);
	if (rc == 0 && resp.status != 200)
		rc = reg_status_error(err, "GET", &resp);
	wpkg_http_resp_free(&resp);
	free(url);
	return rc;
}

int wpkg_registry_blob_exists(struct wpkg_registry *r, const char *repo, const struct wpkg_digest *d,
			      bool *present, struct wpkg_error *err)
{
	struct wpkg_http_req req = { .method = "HEAD" };
	struct wpkg_http_resp resp = { 0 };
	struct reg_scopes s;
	char *url = reg_url(r, repo, "blobs", d->str);
	int rc;

	/* asked while pushing: a push token covers it and is then reused for the upload */
	rc = reg_scopes_init(&s, repo, "pull,push", NULL);
	if (url == NULL || rc < 0) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	req.url = url;
	rc = reg_request(r, &req, &s, &resp, err);
	if (rc < 0)
		goto out;
	if (resp.status == 200 || resp.status == 404)
		*present = resp.status == 200;
	else
		rc = reg_status_error(err, "HEAD", &resp);
out:
	reg_scopes_free(&s);
	wpkg_http_resp_free(&resp);
	free(url);
	return rc;
}

/* The media type named by Content-Type, if it is a specific one. Caller frees; NULL if none. */
static char *content_type(const struct wpkg_http_resp *resp)
{
	char *ct = wpkg_http_header(&resp->headers, "Content-Type", 0);
	size_t n;

	if (ct == NULL)
		return NULL;
	n = strcspn(ct, ";");
	while (n > 0 && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
		n--;
	ct[n] = '\0';
	/* generic types say nothing about which document this is */
	if (n == 0 || strcasecmp(ct, WPKG_MT_JSON) == 0 || strcasecmp(ct, WPKG_MT_TEXT) == 0 ||
	    strcasecmp(ct, WPKG_MT_OCTET_STREAM) == 0) {
		free(ct);
		return NULL;
	}
	return ct;
}

/* Checks body against want (same algorithm); WPKG_E_DIGEST naming what. */
static int check_doc_digest(const struct wpkg_digest *want, const struct wpkg_buf *body, const char *what,
			    struct wpkg_error *err)
{
	struct wpkg_digest got;

	wpkg_digest_bytes(&got, want->alg, body->data, body->len);
	if (strcmp(got.str, want->str) != 0)
		return wpkg_error_set(err, WPKG_E_DIGEST, "manifest %s: content does not match %s (got %s)",
				      want->str, what, got.str);
	return 0;
}

int wpkg_registry_manifest_get(struct wpkg_registry *r, const char *repo, const char *reference,
			       struct wpkg_buf *body, char **media_type, struct wpkg_digest *digest,
			       struct wpkg_error *err)
{
	static const char *const headers[] = { MANIFEST_ACCEPT, NULL };
	struct wpkg_http_resp resp = { 0 };
	struct wpkg_digest want, got, server;
	struct reg_scopes s;
	bool by_digest = strchr(reference, ':') != NULL;
	char *url = reg_url(r, repo, "manifests", reference), *dcd = NULL, *mt = NULL;
	const char *sniffed;
	int rc;

	rc = reg_scopes_init(&s, repo, "pull", NULL);
	if (url == NULL || rc < 0) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	if (by_digest && (rc = wpkg_digest_parse(&want, reference, err)) < 0)
		goto out;
	rc = reg_get_doc(r, url, headers, &s, &resp, err);
	if (rc < 0)
		goto out;
	if (resp.status != 200) {
		rc = reg_status_error(err, "GET", &resp);
		goto out;
	}
	if (by_digest && (rc = check_doc_digest(&want, &resp.body, "its digest", err)) < 0)
		goto out;
	dcd = wpkg_http_header(&resp.headers, "Docker-Content-Digest", 0);
	if (dcd && wpkg_digest_parse(&server, dcd, NULL) == 0 &&
	    (rc = check_doc_digest(&server, &resp.body, "the registry's Docker-Content-Digest", err)) < 0)
		goto out;
	wpkg_digest_bytes(&got, by_digest ? want.alg : WPKG_DIGEST_SHA256, resp.body.data, resp.body.len);
	mt = content_type(&resp);
	if (mt == NULL && (sniffed = wpkg_doc_sniff_media_type(resp.body.data, resp.body.len)) != NULL)
		mt = strdup(sniffed);
	if (mt == NULL) {
		rc = wpkg_error_set(err, WPKG_E_PROTOCOL, "GET %s: the answer is not a manifest or index", url);
		goto out;
	}
	wpkg_buf_free(body);
	*body = resp.body;
	wpkg_buf_init(&resp.body);
	*media_type = mt;
	mt = NULL;
	*digest = got;
out:
	reg_scopes_free(&s);
	wpkg_http_resp_free(&resp);
	free(url);
	free(dcd);
	free(mt);
	return rc;
}

int wpkg_registry_manifest_resolve(struct wpkg_descriptor *out, struct wpkg_registry *r, const char *repo,
				   const char *reference, struct wpkg_error *err)
{
	struct wpkg_buf body = WPKG_BUF_INIT;
	struct wpkg_digest d;
	char *mt = NULL;
	int rc;

	rc = wpkg_registry_manifest_get(r, repo, reference, &body, &mt, &d, err);
	if (rc == 0) {
		memset(out, 0, sizeof(*out));
		out->media_type = mt;
		out->digest = d;
		out->size = (int64_t)body.len;
	}
	wpkg_buf_free(&body);
	return rc;
}

/*
 * A request that sends bytes (or nothing) and expects one of the 2xx
 * statuses; when resp_headers is not NULL it receives the answer's header lines.
 */
static int simple_request(struct wpkg_registry *r, const char *method, const char *url, const char *actions,
			  const char *repo, const char *const *headers, const struct wpkg_http_body *body,
			  struct wpkg_buf *resp_headers, struct wpkg_error *err)
{
	struct wpkg_http_req req = { .method = method, .url = url, .headers = headers, .body = body };
	struct wpkg_http_resp resp = { 0 };
	struct reg_scopes s;
	int rc;

	rc = reg_scopes_init(&s, repo, actions, NULL);
	if (rc < 0) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	rc = reg_request(r, &req, &s, &resp, err);
	if (rc == 0 && (resp.status < 200 || resp.status > 299))
		rc = reg_status_error(err, method, &resp);
	if (rc == 0 && resp_headers != NULL) {
		wpkg_buf_free(resp_headers);
		*resp_headers = resp.headers;
		wpkg_buf_init(&resp.headers);
	}
out:
	reg_scopes_free(&s);
	wpkg_http_resp_free(&resp);
	return rc;
}

/* PUT of a manifest; oci_subject (when not NULL) gets the answer's OCI-Subject header or NULL. */
static int manifest_put(struct wpkg_registry *r, const char *repo, const char *reference, const char *media_type,
			const void *data, size_t len, char **oci_subject, struct wpkg_error *err)
{
	struct wpkg_http_body body = { -1, 0, data, len, NULL };
	struct wpkg_buf resp_headers = WPKG_BUF_INIT;
	const char *headers[2] = { NULL, NULL };
	char *url = reg_url(r, repo, "manifests", reference), *ct = NULL;
	int rc;

	if (url == NULL || asprintf(&ct, "Content-Type: %s", media_type) < 0) {
		ct = NULL;
		rc = wpkg_error_nomem(err);
		goto out;
	}
	headers[0] = ct;
	rc = simple_request(r, "PUT", url, "pull,push", repo, headers, &body, oci_subject ? &resp_headers : NULL, err);
	if (rc == 0 && oci_subject != NULL)
		*oci_subject = wpkg_http_header(&resp_headers, "OCI-Subject", 0);
out:
	wpkg_buf_free(&resp_headers);
	free(url);
	free(ct);
	return rc;
}

int wpkg_registry_manifest_put(struct wpkg_registry *r, const char *repo, const char *reference,
			       const char *media_type, const void *data, size_t len, struct wpkg_error *err)
{
	return manifest_put(r, repo, reference, media_type, data, len, NULL, err);
}

int wpkg_registry_manifest_put_subject(struct wpkg_registry *r, const char *repo, const char *reference,
				       const char *media_type, const void *data, size_t len, char **oci_subject,
				       struct wpkg_error *err)
{
	return manifest_put(r, repo, reference, media_type, data, len, oci_subject, err);
}

int wpkg_registry_manifest_delete(struct wpkg_registry *r, const char *repo, const struct wpkg_digest *d,
				  struct wpkg_error *err)
{
	char *url = reg_url(r, repo, "manifests", d->str);
	int rc;

	if (url == NULL)
		return wpkg_error_nomem(err);
	rc = simple_request(r, "DELETE", url, "pull,delete", repo, NULL, NULL, NULL, err);
	free(url);
	return rc;
}

int wpkg_registry_tags(struct wpkg_registry *r, const char *repo, char ***tags, size_t *n_tags,
		       struct wpkg_error *err)
{
	bool capped;

	return wpkg_registry_tags_paged(r, repo, 0, 0, tags, n_tags, &capped, err);
}

int wpkg_registry_tags_paged(struct wpkg_registry *r, const char *repo, size_t limit, size_t max_pages,
			     char ***tags, size_t *n_tags, bool *capped, struct wpkg_error *err)
{
	struct wpkg_http_req req = { .method = "GET", .max_body = TAGS_PAGE_MAX };
	struct wpkg_http_resp resp = { 0 };
	struct wpkg_pager pg = { 0 };
	struct wpkg_tags_list tl = { .limit = limit };
	struct reg_scopes s;
	char *url = NULL;
	int rc;

	rc = reg_scopes_init(&s, repo, "pull", NULL);
	/* n is only a wish: registries may send fewer a page, or more */
	if (rc < 0 || asprintf(&url, "%s/v2/%s/tags/list?n=%zu", r->base, repo,
			       limit != 0 && limit < TAGS_PAGE_WANT ? limit : TAGS_PAGE_WANT) < 0) {
		url = NULL;
		rc = wpkg_error_nomem(err);
		goto out;
	}
	rc = wpkg_pager_init(&pg, url, max_pages ? max_pages : TAGS_PAGES_MAX, err);
	url = NULL;     /* the pager owns it now */
	if (rc < 0)
		goto out;
	while ((req.url = wpkg_pager_url(&pg)) != NULL) {
		rc = reg_request(r, &req, &s, &resp, err);
		if (rc < 0)
			goto out;
		if (resp.status != 200) {
			rc = reg_status_error(err, "GET", &resp);
			goto out;
		}
		rc = wpkg_tags_list_page(&tl, &pg, &resp, repo, err);
		if (rc < 0)
			goto out;
	}
	for (; limit != 0 && tl.n > limit; tl.n--)
		free(tl.tags[tl.n - 1]);
	*tags = tl.tags;
	*n_tags = tl.n;
	*capped = pg.capped;
	tl.tags = NULL;
	tl.n = 0;
out:
	wpkg_tags_list_clear(&tl);
	wpkg_pager_clear(&pg);
	reg_scopes_free(&s);
	wpkg_http_resp_free(&resp);
	return rc;
}
