/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/cache.h - the content cache: blobs a pull fetched, kept by digest so the next pull asks only for the rest. */
#ifndef WPKG_CACHE_H
#define WPKG_CACHE_H

#include "wpkg/common.h"

#include <stdbool.h>

/*
 * Sets the cache directories, or turns the cache off with NULL (the
 * default: the library reads no environment; the front end passes
 * $XDG_CACHE_HOME/wpkg in).  dir is an OCI image layout (oci-layout,
 * blobs/sha256/HEX) that pulls read and fill; wkg_dir, when set, is wkg's
 * cache ($XDG_CACHE_HOME/wasm-pkg, files named sha256:HEX), only read.
 * Everything read from either is verified by digest while it is copied out;
 * a corrupt entry of dir is deleted and the blob fetched again.  Writes go
 * to a temporary that is checked and renamed into place, so concurrent
 * wpkg processes never see half a blob.  The strings are copied.  Returns
 * 0 or WPKG_E_NOMEM.
 */
WPKG_API int wpkg_cache_set_dirs(const char *dir, const char *wkg_dir);

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "wpkg/digest.h"
#include "wpkg/error.h"

/* What wpkg cache prune keeps at most when given no --max-size. */
#define WPKG_CACHE_DEFAULT_MAX ((uint64_t)2 << 30)

struct wpkg_cache_entry {
	char digest[WPKG_DIGEST_STR_MAX];   /* "sha256:HEX" */
	uint64_t size;
	time_t used;                        /* last written or read (the file's mtime) */
};

/* The blobs of the cache, by digest.  WPKG_E_INVALID when the cache is off.  Caller frees *out. */
WPKG_API int wpkg_cache_list(struct wpkg_cache_entry **out, size_t *n, struct wpkg_error *err);
/*
 * Deletes blobs, least recently used first, until at most max_size bytes
 * remain, and every blob unused for older_than seconds (0: no age limit),
 * counted from now.  Pruners exclude each other with an flock on DIR/lock;
 * a reader never breaks: a blob it opened stays readable, and one deleted
 * before it looked is simply fetched again.  *removed / *bytes count what
 * went.  with_digests also empties the input-digest entries (clean).
 */
WPKG_API int wpkg_cache_prune(uint64_t max_size, time_t older_than, time_t now, bool with_digests, size_t *removed,
		     uint64_t *bytes, struct wpkg_error *err);

#endif
