/* SPDX-License-Identifier: Apache-2.0 */
/* cache_store.h - the content cache in front of a registry store: its reads, served when cached, else kept. */
#ifndef WPKG_CACHE_STORE_H
#define WPKG_CACHE_STORE_H

#include <stdint.h>

#include "wpkg/digest.h"
#include "wpkg/error.h"
#include "wpkg/store.h"
#include "cache_internal.h"

/*
 * Puts opts' cache (cache_dir, wkg_cache_dir, no_cache, offline) in front
 * of the registry store s: its manifest_get, manifest_resolve, blob_get and
 * blob_get_buf then answer from the cache when an intact copy is there,
 * else from the backend, and keep what it sent.  A document asked for by
 * tag is fetched when online (a tag moves), and the tag's digest recorded;
 * offline, the record names it, and a miss is WPKG_E_NOT_FOUND naming what
 * is not cached.  Nothing to do without a cache or offline.  The backend's
 * close calls wpkg_cache_detach.
 */
int wpkg_cache_attach(struct wpkg_store *s, const struct wpkg_store_opts *opts, struct wpkg_error *err);
void wpkg_cache_detach(struct wpkg_store *s);

/*
 * wpkg_store_blob_get through the cache (s's backend's alone when s has
 * none).  _file: the same for a whole file at path (fd open on it, at
 * offset 0): a blob fetched is kept by a hard link to path where the cache
 * is on the same file system (no second copy of a large layer), else
 * copied.
 */
int wpkg_cache_blob_get(struct wpkg_store *s, const struct wpkg_digest *d, uint64_t size, int fd,
			struct wpkg_error *err);
int wpkg_cache_blob_get_file(struct wpkg_store *s, const struct wpkg_digest *d, uint64_t size, int fd,
			     const char *path, struct wpkg_error *err);

/* The tee (cache_internal.h) that keeps blob d of s's registry as it streams past; NULL: nothing to keep. */
struct wpkg_cache_tee *wpkg_cache_tee_store(struct wpkg_store *s, const struct wpkg_digest *d);

#endif
