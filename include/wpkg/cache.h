/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/cache.h - the content cache: blobs a pull fetched, kept by digest so the next pull asks only for the rest. */
#ifndef WPKG_CACHE_H
#define WPKG_CACHE_H

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
int wpkg_cache_set_dirs(const char *dir, const char *wkg_dir);

#endif
