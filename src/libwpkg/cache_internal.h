/* SPDX-License-Identifier: Apache-2.0 */
/* cache_internal.h - the content cache's blob lookup and fill, used by the pull paths. */
#ifndef WPKG_CACHE_INTERNAL_H
#define WPKG_CACHE_INTERNAL_H

#include <stdint.h>

#include "wpkg/digest.h"
#include "wpkg/error.h"
#include "wpkg/store.h"

/*
 * wpkg_store_blob_get through the cache: the blob d of size bytes is
 * written into fd (from its current position) from the cache when an
 * intact copy is there, else from s, and then kept in the cache.  Same
 * results and errors as wpkg_store_blob_get.
 */
/* The cache directory (an OCI layout), or NULL when the cache is off. */
const char *wpkg_cache_dir(void);

int wpkg_cache_blob_get(struct wpkg_store *s, const struct wpkg_digest *d, uint64_t size, int fd,
			struct wpkg_error *err);
/*
 * The same for a whole file at path (fd open on it, at offset 0): a blob
 * fetched is kept by a hard link to path where the cache is on the same
 * file system (no second copy of a large layer), else copied.
 */
int wpkg_cache_blob_get_file(struct wpkg_store *s, const struct wpkg_digest *d, uint64_t size, int fd,
			     const char *path, struct wpkg_error *err);

#endif
