/* referrers_client.c - wpkg attach and discover on a store: a registry's API or fallback tag, a layout's index.json. */
#include <stdlib.h>
#include <string.h>

#include "http_internal.h"
#include "referrers_internal.h"
#include "wpkg/log.h"
#include "wpkg/referrers.h"
#include "wpkg/store.h"

/* Read-merge-write rounds of the fallback index before giving up on a tag that keeps changing. */
#define ATTACH_ROUNDS 8
/*
 * How long a written index must survive before we trust it.  A concurrent
 * writer that read the tag before our write and writes after it drops our
 * entry; its read-to-write gap is one round trip, far below this.
 */
#define ATTACH_SETTLE_MS 250L

void wpkg_attach_result_clear(struct wpkg_attach_result *res)
{
	wpkg_descriptor_clear(&res->artifact);
	wpkg_descriptor_clear(&res->subject);
	for (size_t i = 0; i < res->n_layers; i++)
		wpkg_descriptor_clear(&res->layers[i]);
	free(res->layers);
	memset(res, 0, sizeof(*res));
}

void wpkg_referrers_clear(struct wpkg_referrers *x)
{
	wpkg_descriptor_clear(&x->subject);
	wpkg_index_free(x->index);
	memset(x, 0, sizeof(*x));
}

/* What the artifact refers to; "subject: ..." in messages. */
static int resolve_subject(struct wpkg_descriptor *out, struct wpkg_store *s, const char *reference,
			   struct wpkg_error *err)
{
	int rc = wpkg_store_manifest_resolve(out, s, reference, err);

	if (rc < 0)
		wpkg_error_wrap(err, "subject");
	return rc;
}

int wpkg_referrers_tag_read(struct wpkg_index **out, struct wpkg_registry *r, const char *repo, const char *tag,
			  bool lenient, struct wpkg_error *err)
{
	struct wpkg_buf body = WPKG_BUF_INIT;
	struct wpkg_digest d;
	char *mt = NULL;
	int rc;

	rc = wpkg_registry_manifest_get(r, repo, tag, &body, &mt, &d, err);
	if (rc == WPKG_E_NOT_FOUND) {
		wpkg_error_clear(err);
		rc = wpkg_referrers_index_new(out, err);
		goto out;
	}
	if (rc < 0)
		goto out;
	if (!wpkg_media_type_is_index(mt))
		rc = wpkg_error_set(err, WPKG_E_INVALID, "tag %s holds a %s, not an image index", tag, mt);
	else if ((rc = wpkg_index_parse(out, body.data, body.len, err)) < 0)
		wpkg_error_wrap(err, "tag %s", tag);
	if (rc < 0 && lenient) {
		/* the spec: a tag that is not a valid index means no referrers */
		wpkg_log(WPKG_LOG_WARN, "%s; listing no referrers from it", err ? err->msg : tag);
		wpkg_error_clear(err);
		rc = wpkg_referrers_index_new(out, err);
	}
out:
	wpkg_buf_free(&body);
	free(mt);
	return rc;
}

int wpkg_referrers_tag_write(struct wpkg_registry *r, const char *repo, const char *tag, struct wpkg_index *ix,
			   struct wpkg_error *err)
{
	struct wpkg_buf bytes = WPKG_BUF_INIT;
	json_t *doc;
	int rc;

	/* PUT's Content-Type must be the document's mediaType */
	if (ix->media_type == NULL && (ix->media_type = strdup(WPKG_MT_OCI_INDEX)) == NULL)
		return wpkg_error_nomem(err);
	doc = wpkg_index_to_json(ix);
	if (doc == NULL)
		return wpkg_error_nomem(err);
	rc = wpkg_json_dump(&bytes, doc, err);
	if (rc == 0)
		rc = wpkg_registry_manifest_put(r, repo, tag, ix->media_type, bytes.data, bytes.len, err);
	json_decref(doc);
	wpkg_buf_free(&bytes);
	return rc;
}

/* Reads the tag again and adds what it lists to known. */
static int reread(struct wpkg_index **cur, struct wpkg_index *known, struct wpkg_registry *r, const char *repo,
		  const char *tag, struct wpkg_error *err)
{
	int rc;

	wpkg_index_free(*cur);
	*cur = NULL;
	rc = wpkg_referrers_tag_read(cur, r, repo, tag, false, err);
	if (rc == 0)
		rc = wpkg_referrers_index_merge(known, *cur, err);
	return rc;
}

/*
 * The fallback: every entry this attach has seen in the tag (known) plus
 * ours, written, and checked after a pause; merged again while a concurrent
 * writer's older view keeps replacing it.
 */
static int fallback_update(unsigned *rounds, struct wpkg_registry *r, const char *repo, const char *tag,
			   const struct wpkg_descriptor *ours, struct wpkg_error *err)
{
	struct wpkg_index *known = NULL, *cur = NULL;
	unsigned n = 0;
	int rc;

	rc = wpkg_referrers_index_new(&known, err);
	if (rc == 0)
		rc = reread(&cur, known, r, repo, tag, err);
	if (rc < 0 || wpkg_referrers_index_has(cur, &ours->digest))
		goto out;
	for (;;) {
		rc = wpkg_referrers_index_merge(cur, known, err);
		if (rc == 0)
			rc = wpkg_referrers_index_add(cur, ours, NULL, err);
		if (rc == 0)
			rc = wpkg_referrers_tag_write(r, repo, tag, cur, err);
		if (rc < 0)
			goto out;
		n++;
		wpkg_http_backoff(0, ATTACH_SETTLE_MS);
		wpkg_index_free(cur);
		cur = NULL;
		rc = wpkg_referrers_tag_read(&cur, r, repo, tag, false, err);
		if (rc < 0 || (wpkg_referrers_index_has(cur, &ours->digest) && wpkg_referrers_index_covers(cur, known)))
			goto out;
		if (n == ATTACH_ROUNDS) {
			rc = wpkg_error_set(err, WPKG_E_NETWORK,
					    "concurrent writers kept replacing it; gave up after %u attempts", n);
			goto out;
		}
		wpkg_log(WPKG_LOG_DEBUG, "referrers tag %s lost an entry to a concurrent writer; merging again", tag);
		rc = wpkg_referrers_index_merge(known, cur, err);
		if (rc < 0)
			goto out;
		wpkg_http_backoff(n - 1, -1);
		rc = reread(&cur, known, r, repo, tag, err);
		if (rc < 0)
			goto out;
	}
out:
	if (rc < 0)
		wpkg_error_wrap(err, "referrers tag %s", tag);
	else
		*rounds = n;
	wpkg_index_free(known);
	wpkg_index_free(cur);
	return rc;
}

/* Copies of the layers' descriptors, for the caller's report. */
static int copy_layers(struct wpkg_attach_result *res, const struct wpkg_package *p, struct wpkg_error *err)
{
	res->layers = calloc(p->n_layers, sizeof(*res->layers));
	if (res->layers == NULL)
		return wpkg_error_nomem(err);
	for (; res->n_layers < p->n_layers; res->n_layers++)
		if (wpkg_descriptor_copy(&res->layers[res->n_layers], &p->layers[res->n_layers].desc) < 0)
			return wpkg_error_nomem(err);
	return 0;
}

/*
 * Blobs first (each stored unless present), then the manifest by digest: a
 * registry is asked whether it tracks the subject (*oci_subject), a layout
 * lists it as an untagged index.json entry, which is how a layout holds
 * referrers.
 */
static int store_artifact(char **oci_subject, struct wpkg_store *s, const struct wpkg_package *p,
			  struct wpkg_error *err)
{
	const struct wpkg_descriptor *md = &p->manifest_desc;
	struct wpkg_registry *r = wpkg_store_registry(s);
	const struct wpkg_blob *b;
	bool present;
	size_t i;
	int rc = 0;

	for (i = 0; i <= p->n_layers && rc == 0; i++) {
		b = i < p->n_layers ? &p->layers[i] : &p->config;
		present = false;
		rc = wpkg_store_blob_exists(s, &b->desc.digest, &present, err);
		if (rc == 0 && !present)
			rc = wpkg_store_blob_put(s, b, err);
		if (rc < 0)
			wpkg_error_wrap(err, "blob %s", b->desc.digest.str);
	}
	if (rc < 0)
		return rc;
	if (r != NULL)
		rc = wpkg_registry_manifest_put_subject(r, wpkg_store_repository(s), md->digest.str, md->media_type,
							p->manifest.data, p->manifest.len, oci_subject, err);
	else
		rc = wpkg_store_manifest_put(s, md->digest.str, md->media_type, &md->digest, p->manifest.data,
					     p->manifest.len, err);
	if (rc < 0)
		wpkg_error_wrap(err, "manifest %s", md->digest.str);
	return rc;
}

int wpkg_attach(struct wpkg_attach_result *out, struct wpkg_store *s, const char *reference,
		const char *const *files, size_t n_files, const struct wpkg_attach_opts *opts,
		struct wpkg_error *err)
{
	struct wpkg_registry *r = wpkg_store_registry(s);
	struct wpkg_attach_result res;
	struct wpkg_package *p = NULL;
	struct wpkg_manifest *m = NULL;
	char *oci_subject = NULL;
	int rc;

	memset(&res, 0, sizeof(res));
	rc = resolve_subject(&res.subject, s, reference, err);
	if (rc == 0)
		rc = wpkg_attach_pack(&p, &res.subject, files, n_files, opts, err);
	/* described from the bytes we send, as a registry with the API would */
	if (rc == 0)
		rc = wpkg_manifest_parse(&m, p->manifest.data, p->manifest.len, err);
	if (rc == 0)
		rc = wpkg_referrers_descriptor(&res.artifact, m, &p->manifest_desc, err);
	if (rc == 0)
		rc = copy_layers(&res, p, err);
	if (rc == 0)
		rc = store_artifact(&oci_subject, s, p, err);
	if (rc < 0)
		goto out;
	res.api = oci_subject != NULL;
	if (r == NULL)
		goto done;
	if (res.api) {
		wpkg_log(WPKG_LOG_DEBUG, "registry tracks referrers (OCI-Subject: %s)", oci_subject);
		goto done;
	}
	rc = wpkg_referrers_tag(res.tag, res.subject.digest.str, err);
	if (rc == 0)
		rc = fallback_update(&res.rounds, r, wpkg_store_repository(s), res.tag, &res.artifact, err);
	if (rc < 0)
		goto out;
done:
	*out = res;
	memset(&res, 0, sizeof(res));
out:
	wpkg_attach_result_clear(&res);
	wpkg_manifest_free(m);
	wpkg_package_free(p);
	free(oci_subject);
	return rc;
}

/* The registry's referrers of x->subject: its API (*filtered when it says so) or the fallback tag's index. */
static int registry_referrers(struct wpkg_referrers *x, bool *filtered, struct wpkg_registry *r, const char *repo,
			      const char *artifact_type, struct wpkg_error *err)
{
	struct wpkg_buf body = WPKG_BUF_INIT;
	int rc;

	rc = wpkg_registry_referrers(r, repo, &x->subject.digest, artifact_type, &body, &x->api, filtered, err);
	if (rc < 0)
		goto out;
	if (x->api) {
		rc = wpkg_index_parse(&x->index, body.data, body.len, err);
		if (rc < 0)
			wpkg_error_wrap(err, "referrers of %s", x->subject.digest.str);
		goto out;
	}
	rc = wpkg_referrers_tag(x->tag, x->subject.digest.str, err);
	if (rc == 0)
		wpkg_log(WPKG_LOG_DEBUG, "no referrers API; reading tag %s", x->tag);
	if (rc == 0)
		rc = wpkg_referrers_tag_read(&x->index, r, repo, x->tag, true, err);
out:
	wpkg_buf_free(&body);
	return rc;
}

int wpkg_discover(struct wpkg_referrers *out, struct wpkg_store *s, const char *reference,
		  const char *artifact_type, struct wpkg_error *err)
{
	struct wpkg_registry *r = wpkg_store_registry(s);
	struct wpkg_referrers x;
	bool filtered = false;
	int rc;

	memset(&x, 0, sizeof(x));
	rc = resolve_subject(&x.subject, s, reference, err);
	if (rc == 0 && r != NULL)
		rc = registry_referrers(&x, &filtered, r, wpkg_store_repository(s), artifact_type, err);
	else if (rc == 0)
		rc = wpkg_store_referrers(&x.index, s, &x.subject.digest, err);
	if (rc < 0)
		goto out;
	if (!filtered)
		wpkg_referrers_index_filter(x.index, artifact_type);
	*out = x;
	memset(&x, 0, sizeof(x));
out:
	wpkg_referrers_clear(&x);
	return rc;
}
