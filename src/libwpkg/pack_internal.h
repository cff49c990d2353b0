/* SPDX-License-Identifier: Apache-2.0 */
/* pack_internal.h - what the packers share: pack.c, pack_exploded.c, pack_image.c, referrers.c (not public API). */
#ifndef WPKG_PACK_INTERNAL_H
#define WPKG_PACK_INTERNAL_H

#include <stdint.h>

#include <jansson.h>

#include "wpkg/error.h"
#include "blob_internal.h"
#include "wpkg/pack.h"

/* Sets d to media type mt and the sha256 digest and size of bytes (which d does not keep). */
int wpkg_pack_describe_bytes(struct wpkg_descriptor *d, const char *mt, const struct wpkg_buf *bytes,
			     struct wpkg_error *err);

/*
 * Fills p->layers, p->recipe and one entry of p->infos with the exploded
 * form of file: the skeleton as layer 0 (a temporary file), then each
 * distinct constituent.
 */
int wpkg_pack_explode(struct wpkg_package *p, const char *file, const struct wpkg_pack_opts *opts,
		      struct wpkg_error *err);

#endif
