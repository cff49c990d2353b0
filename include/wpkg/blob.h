/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/blob.h - a blob on its way to or from a store: its descriptor and where its bytes are. */
#ifndef WPKG_BLOB_H
#define WPKG_BLOB_H

#include <stdbool.h>
#include <stdint.h>

#include "wpkg/common.h"
#include "wpkg/buf.h"
#include "wpkg/oci.h"

WPKG_BEGIN_DECL

/*
 * A blob to be stored somewhere: either bytes in memory (path == NULL) or the
 * range [offset, offset + size) of a file, which is streamed and never loaded.
 */
struct wpkg_blob {
	struct wpkg_descriptor desc;   /* media type, digest, size, annotations */
	char *path;                    /* owned; NULL for in-memory blobs */
	uint64_t offset;
	struct wpkg_buf mem;           /* the bytes when path is NULL */
	bool temp;                     /* path is a temporary the blob owns: wpkg_blob_clear deletes it */
};

WPKG_API void wpkg_blob_clear(struct wpkg_blob *b);

WPKG_END_DECL

#endif
