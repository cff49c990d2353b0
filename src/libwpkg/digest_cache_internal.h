/* SPDX-License-Identifier: Apache-2.0 */
/* digest_cache_internal.h - the digest cache's lookup and store, kept per file and range, used by the Wasm reader's hashing. */
#ifndef WPKG_DIGEST_CACHE_INTERNAL_H
#define WPKG_DIGEST_CACHE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/* A sha256 the cache keeps: of the whole file (offset 0, the file's size) or of a range of it. */
struct wpkg_digest_range {
	uint64_t offset;
	uint64_t size;
	char sha256[65];          /* lowercase hex; "" when not known */
};

/*
 * Fills file->sha256 (want_file) and every part's sha256 (want_parts) from
 * the entry for st, when there is one that matches file's size and the n
 * parts' offsets and sizes exactly.  Returns true on a hit; a miss changes
 * nothing.  (The cache knows ranges, not Wasm: the reader maps its parts.)
 */
bool wpkg_digest_cache_lookup(const struct stat *st, struct wpkg_digest_range *file, struct wpkg_digest_range *parts,
			      size_t n, bool want_file, bool want_parts);
/* Records file and parts for st (best effort: failures are ignored). */
void wpkg_digest_cache_store(const struct stat *st, const struct wpkg_digest_range *file,
			     const struct wpkg_digest_range *parts, size_t n);

#endif
