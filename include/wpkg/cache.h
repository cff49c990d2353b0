/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/cache.h - the content cache: blobs a pull fetched, kept by digest so the next pull asks only for the rest. */
#ifndef WPKG_CACHE_H
#define WPKG_CACHE_H

#include "wpkg/common.h"

#include <stdbool.h>

/*
 * The cache is a directory given to each store in wpkg_store_opts
 * (cache_dir; the library reads no environment: the front end passes
 * $XDG_CACHE_HOME/wpkg in).  It is an OCI image layout (oci-layout,
 * blobs/sha256/HEX, index.json) that registry stores read and fill: every
 * manifest, config and blob fetched goes in, and index.json records the
 * digest each reference had when it was fetched (one entry per reference,
 * annotated WPKG_CACHE_REF_ANNOTATION: "HOST/REPO:TAG" or
 * "HOST/REPO@DIGEST").  wkg's cache ($XDG_CACHE_HOME/wasm-pkg, files named
 * sha256:HEX) is only read.  Everything read from either is verified by
 * digest; a corrupt entry of the cache is deleted and fetched again.
 * Writes go to a temporary that is checked and renamed into place, and
 * index.json is rewritten under an flock on DIR/lock, so concurrent wpkg
 * processes never see half a blob or lose a record.
 */
#define WPKG_CACHE_REF_ANNOTATION "dev.wpkg.cache.ref"

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

/* The blobs of the cache dir, by digest.  WPKG_E_INVALID when dir is NULL (the cache is off).  Caller frees *out. */
WPKG_API int wpkg_cache_list(struct wpkg_cache_entry **out, size_t *n, const char *dir, struct wpkg_error *err);
/*
 * Deletes blobs of the cache dir, least recently used first, until at most
 * max_size bytes remain, and every blob unused for older_than seconds (0:
 * no age limit), counted from now; index.json keeps only the records whose
 * manifest is still there.  Pruners and record writers exclude each other
 * with an flock on DIR/lock; a reader never breaks: a blob it opened stays
 * readable, and one deleted before it looked is simply fetched again.
 * *removed / *bytes count what went.  with_digests also empties the
 * input-digest entries (clean).
 */
WPKG_API int wpkg_cache_prune(const char *dir, uint64_t max_size, time_t older_than, time_t now, bool with_digests,
			      size_t *removed, uint64_t *bytes, struct wpkg_error *err);

#endif
