/* SPDX-License-Identifier: Apache-2.0 */
/* blob_internal.h - filling a struct wpkg_blob from a file range (not public API). */
#ifndef WPKG_BLOB_INTERNAL_H
#define WPKG_BLOB_INTERNAL_H

#include <stdint.h>

#include <jansson.h>

#include "wpkg/blob.h"
#include "wpkg/error.h"

/*
 * Describes b as the range [offset, offset + size) of path, whose sha256 is
 * sha256_hex, titled title, with the user's annotations for it (borrowed,
 * may be NULL) after the title.
 */
int wpkg_blob_set(struct wpkg_blob *b, const char *media_type, const char *sha256_hex, uint64_t size,
		  const char *path, uint64_t offset, const char *title, json_t *annotations,
		  struct wpkg_error *err);

#endif
