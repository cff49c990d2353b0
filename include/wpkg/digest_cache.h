/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/digest_cache.h - remembers the digests of input files so an unchanged file is not hashed again. */
#ifndef WPKG_DIGEST_CACHE_H
#define WPKG_DIGEST_CACHE_H

#include "wpkg/common.h"

/*
 * Sets the directory of the digest cache (DIR/digests/), or turns it off
 * with NULL (the default: the library reads no environment, the front end
 * passes its cache directory in).  An entry is keyed by the file's device,
 * inode, size, mtime and ctime in nanoseconds, so any change to the file,
 * even a touch, misses; it holds the file's sha256 and those of its nested
 * parts.  A missing or unreadable cache only costs the hashing.  The string
 * is copied.  Returns 0 or WPKG_E_NOMEM.
 */
WPKG_API int wpkg_digest_cache_set_dir(const char *dir);

#endif
