/* SPDX-License-Identifier: Apache-2.0 */
/* pull_image.c - pull from a container image: the Wasm file is extracted from its one tar layer. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wpkg/buf.h"
#include "wpkg/fsutil.h"
#include "wpkg/pack_image.h"
#include "wpkg/tempreg.h"
#include "pull_internal.h"
#include "store_internal.h"

/* An unlinked temporary in $TMPDIR: the layer never needs a name, and nothing is left behind on any exit. */
static int temp_fd(int *out, struct wpkg_error *err)
{
	char *path;
	int fd, rc;

	rc = wpkg_temp_open(&path, &fd, NULL, "wpkg-layer.", NULL, err);
	if (rc < 0)
		return rc;
	unlink(path);
	wpkg_tempreg_drop(path);
	free(path);
	*out = fd;
	return 0;
}

/* res->layer describes the file written: what the user got, not the tar it came in. */
static int describe_file(struct wpkg_pull_result *res, const char *name, struct wpkg_error *err)
{
	uint64_t size;
	int rc;

	rc = wpkg_digest_file(&res->layer.digest, &size, WPKG_DIGEST_SHA256, res->path, err);
	if (rc < 0)
		return rc;
	res->layer.size = (int64_t)size;
	res->layer.media_type = strdup(WPKG_MT_WASM_LAYER);
	res->layer.annotations = json_pack("{s:s}", WPKG_ANNOT_TITLE, wpkg_path_base(name));
	if (res->layer.media_type == NULL || res->layer.annotations == NULL)
		return wpkg_error_nomem(err);
	return 0;
}

int wpkg_pull_image(struct wpkg_pull_result *res, struct wpkg_store *s,
		    const struct wpkg_manifest *m, const struct wpkg_descriptor *tar, const struct wpkg_pull_opts *opts,
		    const char *what, struct wpkg_error *err)
{
	struct wpkg_atomic_file out = { .fd = -1 };
	struct wpkg_buf config = WPKG_BUF_INIT;
	char *entry = NULL, *found = NULL;
	int layer_fd = -1;
	int rc;

	if (opts->layers_dir != NULL)
		return wpkg_error_set(err, WPKG_E_INVALID, "%s is not exploded: it has no constituent layers to write",
				      what);
	rc = wpkg_store_blob_get_doc(s, &m->config, WPKG_DOC_MAX, &config, err);
	if (rc < 0) {
		wpkg_error_wrap(err, "config %s", m->config.digest.str);
		goto out;
	}
	rc = wpkg_image_config_entrypoint(&entry, config.data, config.len, err);
	if (rc < 0) {
		wpkg_error_wrap(err, "%s: config %s", what, m->config.digest.str);
		goto out;
	}
	rc = wpkg_pull_destination(&res->path, entry != NULL ? wpkg_path_base(entry) : NULL, s,
				   opts->output, what, err);
	if (rc == 0)
		rc = temp_fd(&layer_fd, err);
	if (rc < 0)
		goto out;
	wpkg_store_label(s, tar);
	rc = wpkg_store_blob_get(s, &tar->digest, (uint64_t)tar->size, layer_fd, err);
	if (rc < 0) {
		wpkg_error_wrap(err, "layer %s", tar->digest.str);
		goto out;
	}
	if (lseek(layer_fd, 0, SEEK_SET) < 0) {
		rc = wpkg_error_set(err, WPKG_E_IO, "layer %s: seek: %s", tar->digest.str, strerror(errno));
		goto out;
	}
	rc = wpkg_atomic_open(&out, res->path, 0644, err);
	if (rc < 0)
		goto out;
	rc = wpkg_image_extract_wasm(out.fd, layer_fd, tar->media_type, entry, WPKG_IMAGE_EXTRACT_MAX, &found, err);
	if (rc < 0) {
		wpkg_error_wrap(err, "%s: layer %s", what, tar->digest.str);
		goto out;
	}
	rc = wpkg_pull_check_wasm(&out, res->path, err);
	if (rc == 0)
		rc = wpkg_atomic_commit(&out, err);
	if (rc == 0)
		rc = describe_file(res, found, err);
out:
	if (out.tmp_path != NULL)
		wpkg_atomic_abort(&out);
	if (layer_fd >= 0)
		close(layer_fd);
	wpkg_buf_free(&config);
	free(entry);
	free(found);
	return rc;
}
