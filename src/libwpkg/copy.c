/* copy.c - copies a manifest or index with its blobs, children and (optionally) referrers between two stores. */
#include <stdlib.h>
#include <string.h>

#include "wpkg/copy.h"
#include "wpkg/log.h"
#include "wpkg/referrers.h"

/* Indexes of indexes and referrers of referrers: deep enough for any real artifact, finite for a cycle. */
#define MAX_DEPTH 8

/* put_ref of a document stored under its own digest (known only once it is read). */
static const char by_digest[] = "@";

struct copier {
	struct wpkg_store *src, *dst;
	bool recursive;
	bool same_registry;     /* mount instead of copying */
	unsigned depth;
	struct wpkg_copy_result res;
};

void wpkg_copy_result_clear(struct wpkg_copy_result *res)
{
	wpkg_descriptor_clear(&res->root);
	memset(res, 0, sizeof(*res));
}

static int copy_blob(struct copier *c, const struct wpkg_descriptor *d, struct wpkg_error *err)
{
	struct wpkg_blob b = { 0 };
	uint64_t size = (uint64_t)d->size;
	bool present = false;
	int rc;

	wpkg_buf_init(&b.mem);
	rc = wpkg_store_blob_exists(c->dst, &d->digest, &present, err);
	if (rc == 0 && present) {
		c->res.blobs_skipped++;
		c->res.bytes_skipped += size;
		goto out;
	}
	if (rc == 0 && c->same_registry) {
		rc = wpkg_store_blob_mount(c->dst, wpkg_store_repository(c->src), &d->digest, &present, err);
		if (rc == 0 && present) {
			c->res.blobs_mounted++;
			c->res.bytes_mounted += size;
			goto out;
		}
	}
	if (rc == 0)
		rc = wpkg_store_blob_open(&b, c->src, d, err);
	if (rc == 0)
		rc = wpkg_store_blob_put(c->dst, &b, err);
	if (rc == 0) {
		c->res.blobs_copied++;
		c->res.bytes_copied += size;
	}
out:
	wpkg_blob_clear(&b);
	if (rc < 0)
		wpkg_error_wrap(err, "blob %s", d->digest.str);
	return rc;
}

static int copy_doc(struct copier *c, const char *reference, const char *put_ref, struct wpkg_descriptor *out,
		    struct wpkg_error *err);

static int copy_children(struct copier *c, const struct wpkg_buf *body, const struct wpkg_digest *d,
			 struct wpkg_error *err)
{
	struct wpkg_index *ix = NULL;
	size_t i;
	int rc;

	rc = wpkg_index_parse(&ix, body->data, body->len, err);
	for (i = 0; rc == 0 && ix != NULL && i < ix->n_manifests; i++)
		rc = copy_doc(c, ix->manifests[i].digest.str, NULL, NULL, err);
	if (rc < 0)
		wpkg_error_wrap(err, "index %s", d->str);
	wpkg_index_free(ix);
	return rc;
}

static int copy_blobs(struct copier *c, const struct wpkg_buf *body, const struct wpkg_digest *d,
		      struct wpkg_error *err)
{
	struct wpkg_manifest *m = NULL;
	size_t i;
	int rc;

	rc = wpkg_manifest_parse(&m, body->data, body->len, err);
	for (i = 0; rc == 0 && i < m->n_layers; i++)
		rc = copy_blob(c, &m->layers[i], err);
	if (rc == 0)
		rc = copy_blob(c, &m->config, err);
	if (rc < 0)
		wpkg_error_wrap(err, "manifest %s", d->str);
	wpkg_manifest_free(m);
	return rc;
}

/*
 * On a registry without the referrers API the destination's fallback tag
 * must list what was copied; it is merged (never replaced) so that what the
 * destination had stays.
 */
static int fallback_add(struct copier *c, const struct wpkg_digest *subject, const struct wpkg_index *found,
			struct wpkg_error *err)
{
	struct wpkg_buf body = WPKG_BUF_INIT, out = WPKG_BUF_INIT;
	struct wpkg_index *cur = NULL;
	struct wpkg_digest d;
	bool api = false, filtered = false;
	char tag[WPKG_REFERRERS_TAG_MAX], *mt = NULL;
	json_t *doc = NULL;
	int rc;

	rc = wpkg_registry_referrers(wpkg_store_registry(c->dst), wpkg_store_repository(c->dst), subject, NULL, &body,
				     &api, &filtered, err);
	if (rc < 0 || api)
		goto out;
	rc = wpkg_referrers_tag(tag, subject->str, err);
	if (rc == 0)
		rc = wpkg_store_manifest_get(c->dst, tag, &body, &mt, &d, err);
	if (rc == WPKG_E_NOT_FOUND) {
		wpkg_error_clear(err);
		rc = wpkg_referrers_index_new(&cur, err);
	} else if (rc == 0) {
		rc = wpkg_index_parse(&cur, body.data, body.len, err);
	}
	if (rc < 0 || wpkg_referrers_index_covers(cur, found))
		goto out;
	rc = wpkg_referrers_index_merge(cur, found, err);
	if (rc == 0 && (doc = wpkg_index_to_json(cur)) == NULL)
		rc = wpkg_error_nomem(err);
	if (rc == 0)
		rc = wpkg_json_dump(&out, doc, err);
	if (rc < 0)
		goto out;
	wpkg_digest_bytes(&d, WPKG_DIGEST_SHA256, out.data, out.len);
	rc = wpkg_store_manifest_put(c->dst, tag, WPKG_MT_OCI_INDEX, &d, out.data, out.len, err);
out:
	if (rc < 0)
		wpkg_error_wrap(err, "referrers tag of %s", subject->str);
	json_decref(doc);
	wpkg_index_free(cur);
	wpkg_buf_free(&body);
	wpkg_buf_free(&out);
	free(mt);
	return rc;
}

static int copy_referrers(struct copier *c, const struct wpkg_digest *subject, struct wpkg_error *err)
{
	struct wpkg_index *ix = NULL;
	bool to_registry = wpkg_store_registry(c->dst) != NULL;
	size_t i;
	int rc;

	rc = wpkg_store_referrers(&ix, c->src, subject, err);
	/* a layout lists referrers as untagged entries; a registry finds them by their subject */
	for (i = 0; rc == 0 && i < ix->n_manifests; i++) {
		rc = copy_doc(c, ix->manifests[i].digest.str, to_registry ? NULL : ix->manifests[i].digest.str, NULL,
			      err);
		c->res.referrers += rc == 0;
	}
	if (rc == 0 && to_registry && ix->n_manifests > 0)
		rc = fallback_add(c, subject, ix, err);
	if (rc < 0)
		wpkg_error_wrap(err, "referrers of %s", subject->str);
	wpkg_index_free(ix);
	return rc;
}

/* Copies the document at reference (and what it needs), then stores it under put_ref. */
static int copy_doc(struct copier *c, const char *reference, const char *put_ref, struct wpkg_descriptor *out,
		    struct wpkg_error *err)
{
	struct wpkg_buf body = WPKG_BUF_INIT;
	struct wpkg_digest d;
	char *mt = NULL;
	int rc;

	if (++c->depth > MAX_DEPTH) {
		rc = wpkg_error_set(err, WPKG_E_UNSUPPORTED, "%s: nested more than %d deep", reference, MAX_DEPTH);
		goto out;
	}
	rc = wpkg_store_manifest_get(c->src, reference, &body, &mt, &d, err);
	if (rc < 0) {
		wpkg_error_wrap(err, "fetch manifest %s", reference);
		goto out;
	}
	if (wpkg_media_type_is_index(mt))
		rc = copy_children(c, &body, &d, err);
	else if (wpkg_media_type_is_manifest(mt))
		rc = copy_blobs(c, &body, &d, err);
	else
		rc = wpkg_error_set(err, WPKG_E_UNSUPPORTED, "%s: media type \"%s\" is neither a manifest nor an index",
				    d.str, mt);
	if (rc == 0)
		rc = wpkg_store_manifest_put(c->dst, put_ref == by_digest ? d.str : put_ref, mt, &d, body.data,
					     body.len, err);
	if (rc < 0)
		goto out;
	c->res.manifests++;
	wpkg_log(WPKG_LOG_DEBUG, "copied %s %s", mt, d.str);
	if (c->recursive)
		rc = copy_referrers(c, &d, err);
	if (rc == 0 && out != NULL) {
		out->media_type = mt;
		mt = NULL;
		out->digest = d;
		out->size = (int64_t)body.len;
	}
out:
	c->depth--;
	free(mt);
	wpkg_buf_free(&body);
	return rc;
}

int wpkg_copy(struct wpkg_copy_result *out, struct wpkg_store *src, const char *reference, struct wpkg_store *dst,
	      const struct wpkg_copy_opts *opts, struct wpkg_error *err)
{
	struct copier c;
	const char *sh = wpkg_store_host(src), *dh = wpkg_store_host(dst);
	int rc;

	memset(&c, 0, sizeof(c));
	c.src = src;
	c.dst = dst;
	c.recursive = opts->recursive;
	c.same_registry = sh != NULL && dh != NULL && strcmp(sh, dh) == 0;
	rc = copy_doc(&c, reference, opts->tag != NULL ? opts->tag : by_digest, &c.res.root, err);
	if (rc == 0) {
		*out = c.res;
		memset(&c.res, 0, sizeof(c.res));
	}
	wpkg_copy_result_clear(&c.res);
	return rc;
}
