/* SPDX-License-Identifier: Apache-2.0 */
/* blob.c - describing and releasing the blobs packers make and stores move. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blob_internal.h"
#include "wpkg/pack.h"
#include "wpkg/tempreg.h"

void wpkg_blob_clear(struct wpkg_blob *b)
{
	if (b->temp && b->path != NULL) {
		unlink(b->path);
		wpkg_tempreg_drop(b->path);
	}
	wpkg_descriptor_clear(&b->desc);
	free(b->path);
	wpkg_buf_free(&b->mem);
	memset(b, 0, sizeof(*b));
	wpkg_buf_init(&b->mem);
}

int wpkg_blob_set(struct wpkg_blob *b, const char *media_type, const char *sha256_hex, uint64_t size,
		  const char *path, uint64_t offset, const char *title, json_t *annotations,
		  struct wpkg_error *err)
{
	char digest[WPKG_DIGEST_STR_MAX];
	int rc;

	snprintf(digest, sizeof(digest), "sha256:%s", sha256_hex);
	rc = wpkg_digest_parse(&b->desc.digest, digest, err);
	if (rc < 0)
		return wpkg_error_wrap(err, "%s", path);
	b->desc.size = (int64_t)size;
	b->offset = offset;
	b->desc.media_type = strdup(media_type);
	if (b->path == NULL)
		b->path = strdup(path);
	b->desc.annotations = json_object();
	if (b->desc.media_type == NULL || b->path == NULL || b->desc.annotations == NULL ||
	    json_object_set_new(b->desc.annotations, WPKG_ANNOT_TITLE, json_string(title)) != 0)
		return wpkg_error_set(err, WPKG_E_NOMEM, "out of memory (or file name %s is not UTF-8)", title);
	return wpkg_annotations_merge(b->desc.annotations, annotations, title, err);
}
