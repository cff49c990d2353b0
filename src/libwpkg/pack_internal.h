/* pack_internal.h - what the packers share: pack.c, pack_exploded.c, pack_image.c, referrers.c (not public API). */
#ifndef WPKG_PACK_INTERNAL_H
#define WPKG_PACK_INTERNAL_H

#include <stdint.h>

#include <jansson.h>

#include "wpkg/error.h"
#include "wpkg/pack.h"

/* Sets d to media type mt and the sha256 digest and size of bytes (which d does not keep). */
int wpkg_pack_describe_bytes(struct wpkg_descriptor *d, const char *mt, const struct wpkg_buf *bytes,
			     struct wpkg_error *err);

/*
 * Describes b as the range [offset, offset + size) of path, whose sha256 is
 * sha256_hex, titled title, with the user's annotations for it (borrowed,
 * may be NULL) after the title.
 */
int wpkg_pack_blob_set(struct wpkg_blob *b, const char *media_type, const char *sha256_hex, uint64_t size,
		       const char *path, uint64_t offset, const char *title, json_t *annotations,
		       struct wpkg_error *err);

/*
 * Fills p->layers, p->recipe and one entry of p->infos with the exploded
 * form of file: the skeleton as layer 0 (a temporary file), then each
 * distinct constituent.
 */
int wpkg_pack_explode(struct wpkg_package *p, const char *file, const struct wpkg_pack_opts *opts,
		      struct wpkg_error *err);

#endif
