/* SPDX-License-Identifier: Apache-2.0 */
/* image_internal.h - the image packer's tar layer writer (not part of the public API). */
#ifndef WPKG_IMAGE_INTERNAL_H
#define WPKG_IMAGE_INTERNAL_H

#include <stdint.h>
#include <time.h>

#include "wpkg/digest.h"
#include "wpkg/error.h"

/* A tar+gzip layer written to a temporary file. */
struct wpkg_image_layer {
	char *path;                  /* the temporary; the caller unlinks it and frees path */
	struct wpkg_digest digest;   /* of the gzip stream: the layer blob's digest */
	uint64_t size;               /* of the gzip stream */
	struct wpkg_digest diff_id;  /* of the uncompressed tar: rootfs.diff_ids */
};

/*
 * Writes a tar holding exactly file (size bytes, checked while streaming) as
 * the regular file entry_name (mode 0644, uid/gid 0, no user or group name,
 * mtime), gzip'd without a timestamp, into a new temporary in $TMPDIR or
 * /tmp.  The file is read twice (one pass hashes the plain tar, one writes
 * the gzip stream) and never held in memory.  *out is set only on success.
 */
int wpkg_image_tar_write(struct wpkg_image_layer *out, const char *file, const char *entry_name,
			 uint64_t size, time_t mtime, struct wpkg_error *err);

#endif
