/* push.c - sends a package's blobs (skipping, mounting or uploading each) and then its manifest. */
#include <string.h>

#include "wpkg/log.h"
#include "wpkg/push.h"

/* Makes one blob present in repo and counts how it got there. */
static int push_blob(struct wpkg_push_result *res, struct wpkg_registry *r, const char *repo,
		     const struct wpkg_blob *b, const char *mount_from, struct wpkg_error *err)
{
	uint64_t size = (uint64_t)b->desc.size;
	bool present = false;
	int rc;

	rc = wpkg_registry_blob_exists(r, repo, &b->desc.digest, &present, err);
	if (rc < 0)
		goto out;
	if (present) {
		wpkg_log(WPKG_LOG_DEBUG, "blob %s already in %s", b->desc.digest.str, repo);
		res->bytes_skipped += size;
		res->blobs_skipped++;
		goto out;
	}
	if (mount_from != NULL) {
		rc = wpkg_registry_blob_mount(r, repo, mount_from, &b->desc.digest, &present, err);
		if (rc < 0)
			goto out;
		if (present) {
			res->bytes_mounted += size;
			res->blobs_mounted++;
			goto out;
		}
		wpkg_log(WPKG_LOG_DEBUG, "blob %s not mountable from %s; uploading", b->desc.digest.str,
			 mount_from);
	}
	rc = wpkg_registry_blob_upload(r, repo, b, err);
	if (rc < 0)
		goto out;
	res->bytes_uploaded += size;
	res->blobs_uploaded++;
out:
	if (rc < 0)
		wpkg_error_wrap(err, "blob %s", b->desc.digest.str);
	return rc;
}

int wpkg_push(struct wpkg_push_result *out, struct wpkg_registry *r, const char *repo,
	      const struct wpkg_package *p, const struct wpkg_push_opts *opts, struct wpkg_error *err)
{
	struct wpkg_push_result res;
	const char *mt = p->manifest_desc.media_type;
	size_t i;
	int rc = 0;

	memset(&res, 0, sizeof(res));
	res.digest = p->manifest_desc.digest;
	/* Layers first, config last, as other clients do; any failure stops before the manifest. */
	for (i = 0; i < p->n_layers && rc == 0; i++)
		rc = push_blob(&res, r, repo, &p->layers[i], opts->mount_from, err);
	if (rc == 0)
		rc = push_blob(&res, r, repo, &p->config, opts->mount_from, err);
	if (rc < 0)
		goto out;
	if (opts->n_tags == 0) {
		rc = wpkg_registry_manifest_put(r, repo, res.digest.str, mt, p->manifest.data, p->manifest.len, err);
		if (rc < 0)
			wpkg_error_wrap(err, "manifest %s", res.digest.str);
	}
	for (i = 0; i < opts->n_tags && rc == 0; i++) {
		rc = wpkg_registry_manifest_put(r, repo, opts->tags[i], mt, p->manifest.data, p->manifest.len, err);
		if (rc < 0)
			wpkg_error_wrap(err, "manifest %s as tag %s", res.digest.str, opts->tags[i]);
	}
	if (rc < 0)
		goto out;
	*out = res;
out:
	return rc;
}
