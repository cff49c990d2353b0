/* SPDX-License-Identifier: Apache-2.0 */
/* digest_cache_internal.h - the digest cache's lookup and store, used by the Wasm reader's hashing. */
#ifndef WPKG_DIGEST_CACHE_INTERNAL_H
#define WPKG_DIGEST_CACHE_INTERNAL_H

#include <stdbool.h>
#include <sys/stat.h>

#include "wpkg/wasm.h"

/*
 * Fills info->sha256 (want_file) and every part's sha256 (want_parts) from
 * the entry for st, when there is one that matches info's size and parts
 * exactly.  Returns true on a hit; a miss changes nothing.
 */
bool wpkg_digest_cache_lookup(const struct stat *st, struct wpkg_wasm_info *info, bool want_file, bool want_parts);
/* Records what info holds for st (best effort: failures are ignored). */
void wpkg_digest_cache_store(const struct stat *st, const struct wpkg_wasm_info *info);

#endif
