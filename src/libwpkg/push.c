/* SPDX-License-Identifier: Apache-2.0 */
/* push.c - stores a package's blobs (skipping, mounting or sending each) and then its manifest, in any store. */
#include <string.h>

#include "wpkg/push.h"
#include "http_multi.h"
#include "store_internal.h"

/* Makes one blob present in the store and counts how it got there. */
static int push_blob(struct wpkg_push_result *res, struct wpkg_store *s, const struct wpkg_blob *b,
		     const char *mount_from, struct wpkg_error *err)
{
	uint64_t size = (uint64_t)b->desc.size;
	bool present = false;
	int rc;

	rc = wpkg_store_blob_exists(s, &b->desc.digest, &present, err);
	if (rc < 0)
		goto out;
	if (present) {
		wpkg_log_to(wpkg_store_log(s), WPKG_LOG_DEBUG, "blob %s already in %s", b->desc.digest.str,
			    wpkg_store_name(s));
		res->bytes_skipped += size;
		res->blobs_skipped++;
		goto out;
	}
	if (mount_from != NULL) {
		rc = wpkg_store_blob_mount(s, mount_from, &b->desc.digest, &present, err);
		if (rc < 0)
			goto out;
		if (present) {
			res->bytes_mounted += size;
			res->blobs_mounted++;
			goto out;
		}
		wpkg_log_to(wpkg_store_log(s), WPKG_LOG_DEBUG, "blob %s not mountable from %s; uploading",
			    b->desc.digest.str, mount_from);
	}
	rc = wpkg_store_blob_put(s, b, err);
	if (rc < 0)
		goto out;
	res->bytes_uploaded += size;
	res->blobs_uploaded++;
out:
	if (rc < 0)
		wpkg_error_wrap(err, "blob %s", b->desc.digest.str);
	return rc;
}

struct push_batch {
	struct wpkg_push_result *res;
	struct wpkg_store *s;
	const struct wpkg_package *p;
	const char *mount_from;
};

/* Job i of the batch: layer i, the config last. */
static int push_job(void *payload, size_t i, struct wpkg_error *err)
{
	struct push_batch *b = payload;

	return push_blob(b->res, b->s, i < b->p->n_layers ? &b->p->layers[i] : &b->p->config, b->mount_from, err);
}

int wpkg_push(struct wpkg_push_result *out, struct wpkg_store *s, const struct wpkg_package *p,
	      const struct wpkg_push_opts *opts, struct wpkg_error *err)
{
	struct wpkg_push_result res;
	struct push_batch batch = { &res, s, p, opts->mount_from };
	const char *mt = p->manifest_desc.media_type;
	size_t i;
	int rc = 0;

	memset(&res, 0, sizeof(res));
	res.digest = p->manifest_desc.digest;
	/* every blob at once (HEAD, then upload where missing); any failure cancels the rest, before the manifest */
	rc = wpkg_multi_run(p->n_layers + 1, wpkg_store_concurrency(s, NULL), push_job, &batch, err);
	if (rc < 0)
		goto out;
	if (opts->n_tags == 0) {
		rc = wpkg_store_manifest_put(s, res.digest.str, mt, &res.digest, p->manifest.data, p->manifest.len, err);
		if (rc < 0)
			wpkg_error_wrap(err, "manifest %s", res.digest.str);
	}
	for (i = 0; i < opts->n_tags && rc == 0; i++) {
		rc = wpkg_store_manifest_put(s, opts->tags[i], mt, &res.digest, p->manifest.data, p->manifest.len,
					     err);
		if (rc < 0)
			wpkg_error_wrap(err, "manifest %s as tag %s", res.digest.str, opts->tags[i]);
	}
	if (rc < 0)
		goto out;
	*out = res;
out:
	return rc;
}
