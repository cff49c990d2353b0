/* SPDX-License-Identifier: Apache-2.0 */
/* store_registry.c - the store backend of a registry repository: opens its own client, speaks the distribution API. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wpkg/fsutil.h"
#include "cache_store.h"
#include "http_multi.h"
#include "opts.h"
#include "registry_internal.h"
#include "store_registry.h"

/* The credentials opts give for registry: given, looked up, or none. */
static int credentials(struct wpkg_credentials *out, const char *registry, const struct wpkg_store_opts *opts,
		       struct wpkg_error *err)
{
	const struct wpkg_credentials *c = opts->credentials;
	struct wpkg_credentials copy = { NULL, NULL, NULL, NULL };

	if (c == NULL && opts->credentials_fn != NULL)
		return opts->credentials_fn(out, registry, opts->credentials_payload, err);
	if (c == NULL)
		return 0;
	if ((c->username != NULL && (copy.username = strdup(c->username)) == NULL) ||
	    (c->password != NULL && (copy.password = strdup(c->password)) == NULL) ||
	    (c->identity_token != NULL && (copy.identity_token = strdup(c->identity_token)) == NULL) ||
	    (c->bearer_token != NULL && (copy.bearer_token = strdup(c->bearer_token)) == NULL)) {
		wpkg_credentials_clear(&copy);
		return wpkg_error_nomem(err);
	}
	*out = copy;
	return 0;
}

/* A client for the API host of registry (a ref's), with opts' credentials, progress and log. */
static int open_client(struct wpkg_registry **out, const struct wpkg_ref *ref, const struct wpkg_store_opts *opts,
		       const struct wpkg_log_sink *log, struct wpkg_error *err)
{
	struct wpkg_credentials creds = { 0 };
	struct wpkg_registry_hooks hooks;
	int rc;

	memset(&hooks, 0, sizeof(hooks));
	hooks.progress = opts->progress;
	hooks.progress_payload = opts->progress_payload;
	hooks.log = *log;
	rc = credentials(&creds, ref->registry, opts, err);
	if (rc == 0)
		rc = wpkg_registry_open(out, wpkg_ref_api_host(ref), &opts->http, &hooks, &creds, err);
	wpkg_credentials_clear(&creds);
	return rc;
}

static int reg_open(struct wpkg_store *s, const struct wpkg_ref *ref, const struct wpkg_store_opts *opts,
		    struct wpkg_error *err)
{
	struct wpkg_store_reg *r = calloc(1, sizeof(*r));
	int rc;

	if (r == NULL)
		return wpkg_error_nomem(err);
	s->be = r;
	s->repo = strdup(ref->repository);
	s->host = strdup(ref->registry);
	if (s->repo == NULL || s->host == NULL || asprintf(&s->name, "%s/%s", ref->registry, ref->repository) < 0) {
		s->name = NULL;
		return wpkg_error_nomem(err);
	}
	/* offline, nothing is sent, and no credential helper is run either */
	rc = wpkg_cache_attach(s, opts, err);
	return rc < 0 || opts->offline ? rc : open_client(&r->client, ref, opts, &s->log, err);
}

static void reg_close(struct wpkg_store *s)
{
	struct wpkg_store_reg *r = s->be;

	wpkg_cache_detach(s);
	if (r == NULL)
		return;
	wpkg_registry_close(r->client);
	free(r);
	s->be = NULL;
}

int wpkg_store_ping(const char *host, const struct wpkg_store_opts *opts, struct wpkg_error *err)
{
	/* Docker Hub's names all lead to its one API host, which the reference knows */
	char *h = NULL;
	struct wpkg_ref ref = { .transport = WPKG_TRANSPORT_REGISTRY };
	struct wpkg_registry *r = NULL;
	struct wpkg_store_opts o;
	int rc;

	/* NULL is WPKG_STORE_OPTS_INIT */
	rc = wpkg_opts_load(&o, sizeof(o), opts, "store options", err);
	if (rc < 0)
		return rc;
	opts = &o;
	h = strdup(strcmp(wpkg_creds_key(host), host) != 0 ? "docker.io" : host);
	if (h == NULL)
		return wpkg_error_nomem(err);
	ref.registry = h;
	rc = open_client(&r, &ref, opts, &opts->log, err);
	if (rc == 0)
		rc = wpkg_registry_ping(r, err);
	wpkg_registry_close(r);
	free(h);
	return rc;
}

static int reg_manifest_get(struct wpkg_store *s, const char *reference, struct wpkg_buf *body, char **media_type,
			    struct wpkg_digest *digest, struct wpkg_error *err)
{
	return wpkg_registry_manifest_get(wpkg_store_reg(s)->client, s->repo, reference, body, media_type, digest, err);
}

static int reg_manifest_resolve(struct wpkg_descriptor *out, struct wpkg_store *s, const char *reference,
				struct wpkg_error *err)
{
	return wpkg_registry_manifest_resolve(out, wpkg_store_reg(s)->client, s->repo, reference, err);
}

static int reg_manifest_put(struct wpkg_store *s, const char *reference, const char *media_type,
			    const struct wpkg_digest *d, const void *data, size_t len, char **oci_subject,
			    struct wpkg_error *err)
{
	struct wpkg_store_reg *r = wpkg_store_reg(s);
	/* a registry finds every manifest by digest; an untagged one is simply PUT by it */
	const char *ref = reference != NULL ? reference : d->str;
	int rc;

	if (oci_subject == NULL)
		return wpkg_registry_manifest_put(r->client, s->repo, ref, media_type, data, len, err);
	rc = wpkg_registry_manifest_put_subject(r->client, s->repo, ref, media_type, data, len, oci_subject, err);
	/* a registry with the referrers API answers a manifest with a subject with OCI-Subject */
	if (rc == 0)
		r->api = *oci_subject != NULL ? REG_API_YES : REG_API_NO;
	if (rc == 0 && *oci_subject != NULL)
		wpkg_log_to(&s->log, WPKG_LOG_DEBUG, "registry tracks referrers (OCI-Subject: %s)", *oci_subject);
	return rc;
}

static int reg_blob_exists(struct wpkg_store *s, const struct wpkg_digest *d, bool *present, struct wpkg_error *err)
{
	return wpkg_registry_blob_exists(wpkg_store_reg(s)->client, s->repo, d, present, err);
}

static int reg_blob_get(struct wpkg_store *s, const struct wpkg_digest *d, uint64_t size, int fd,
			struct wpkg_error *err)
{
	return wpkg_registry_blob_get(wpkg_store_reg(s)->client, s->repo, d, size, fd, err);
}

static int reg_blob_get_buf(struct wpkg_store *s, const struct wpkg_digest *d, size_t max, struct wpkg_buf *out,
			    struct wpkg_error *err)
{
	return wpkg_registry_blob_get_buf(wpkg_store_reg(s)->client, s->repo, d, max, out, err);
}

static int reg_blob_put(struct wpkg_store *s, const struct wpkg_blob *b, struct wpkg_error *err)
{
	return wpkg_registry_blob_upload(wpkg_store_reg(s)->client, s->repo, b, err);
}

static int reg_blob_mount(struct wpkg_store *s, const char *from_repo, const struct wpkg_digest *d, bool *mounted,
			  struct wpkg_error *err)
{
	return wpkg_registry_blob_mount(wpkg_store_reg(s)->client, s->repo, from_repo, d, mounted, err);
}

static int reg_tags(struct wpkg_store *s, char ***tags, size_t *n_tags, struct wpkg_error *err)
{
	return wpkg_registry_tags(wpkg_store_reg(s)->client, s->repo, tags, n_tags, err);
}

static int reg_tags_paged(struct wpkg_store *s, const struct wpkg_tags_opts *o, char ***tags, size_t *n_tags,
			  bool *capped, struct wpkg_error *err)
{
	return wpkg_registry_tags_paged(wpkg_store_reg(s)->client, s->repo, o->limit, o->max_pages, tags, n_tags,
					capped, err);
}

/* The digest of the subject of the manifest or index in body; false when it has none or cannot be read. */
static bool doc_subject(struct wpkg_digest *out, const char *media_type, const struct wpkg_buf *body)
{
	const struct wpkg_descriptor *sub = NULL;
	struct wpkg_manifest *m = NULL;
	struct wpkg_index *ix = NULL;
	bool found;

	/* an unreadable document must not stop its own deletion: it simply names no subject */
	if (wpkg_media_type_is_index(media_type)) {
		if (wpkg_index_parse(&ix, body->data, body->len, NULL) == 0)
			sub = ix->subject;
	} else if (wpkg_manifest_parse(&m, body->data, body->len, NULL) == 0) {
		sub = m->subject;
	}
	found = sub != NULL;
	if (found)
		*out = sub->digest;
	wpkg_manifest_free(m);
	wpkg_index_free(ix);
	return found;
}

static int reg_delete(struct wpkg_digest *digest, struct wpkg_store *s, const char *reference,
		      struct wpkg_error *err)
{
	struct wpkg_buf body = WPKG_BUF_INIT;
	struct wpkg_digest d, subject;
	struct wpkg_error ferr = { 0 };
	char *mt = NULL;
	bool has_subject;
	int rc;

	/*
	 * Fetching first turns a tag into the digest DELETE needs, makes "no
	 * such manifest" a not-found, and gives the subject, which is gone from
	 * the registry once the manifest is.
	 */
	rc = reg_manifest_get(s, reference, &body, &mt, &d, err);
	if (rc < 0) {
		wpkg_error_wrap(err, "fetch manifest");
		goto out;
	}
	has_subject = doc_subject(&subject, mt, &body);
	rc = wpkg_registry_manifest_delete(wpkg_store_reg(s)->client, s->repo, &d, err);
	if (rc < 0) {
		wpkg_error_wrap(err, "delete manifest %s", d.str);
		goto out;
	}
	/* the manifest is gone: a stale fallback entry is worth a warning, not a failed delete */
	if (has_subject && wpkg_store_reg_referrers_remove(s, &subject, &d, &ferr) < 0)
		wpkg_log_to(&s->log, WPKG_LOG_WARN, "deleted %s, but could not update the referrers of %s: %s", d.str,
			    subject.str, ferr.msg);
	*digest = d;
out:
	wpkg_buf_free(&body);
	free(mt);
	return rc;
}

const struct wpkg_store_ops wpkg_store_registry_ops = {
	.name = "registry",
	.open = reg_open,
	.close = reg_close,
	.manifest_get = reg_manifest_get,
	.manifest_resolve = reg_manifest_resolve,
	.manifest_put = reg_manifest_put,
	.blob_exists = reg_blob_exists,
	.blob_get = reg_blob_get,
	.blob_get_buf = reg_blob_get_buf,
	/* spooled into a temporary file, verified while it streams: the destination reads a local file, never memory */
	.blob_open = wpkg_store_spool_blob,
	.blob_put = reg_blob_put,
	.blob_mount = reg_blob_mount,
	.tags = reg_tags,
	.tags_paged = reg_tags_paged,
	.delete = reg_delete,
	.referrers_list = wpkg_store_reg_referrers_list,
	.referrers_add = wpkg_store_reg_referrers_add,
	.referrers_remove = wpkg_store_reg_referrers_remove,
};

static unsigned store_concurrency(struct wpkg_store *s)
{
	struct wpkg_registry *r;
	unsigned c;

	if (s == NULL || s->transport != WPKG_TRANSPORT_REGISTRY || (r = wpkg_store_reg(s)->client) == NULL)
		return 1;
	c = wpkg_http_get_opts(r->http)->concurrency;
	return c ? c : WPKG_MULTI_DEFAULT;
}

unsigned wpkg_store_concurrency(struct wpkg_store *a, struct wpkg_store *b)
{
	unsigned ca = store_concurrency(a), cb = store_concurrency(b);

	return ca > cb ? ca : cb;
}
