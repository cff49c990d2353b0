/* SPDX-License-Identifier: Apache-2.0 */
/* cache_internal.h - the content cache a registry store reads through: blobs, documents, reference records. */
#ifndef WPKG_CACHE_INTERNAL_H
#define WPKG_CACHE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "wpkg/buf.h"
#include "wpkg/digest.h"
#include "wpkg/error.h"
#include "wpkg/log.h"
#include "wpkg/oci.h"
#include "wpkg/store.h"
#include "lock_internal.h"

/* What a registry store was opened with: where its cache is, and whether the network is off. */
struct wpkg_cache {
	char *dir;      /* the OCI layout read and filled; NULL: none */
	char *wkg;      /* wkg's cache, only read; NULL: none */
	bool offline;
};

/* The cache of opts (copied), or *out NULL when it has neither a cache nor offline. */
int wpkg_cache_open(struct wpkg_cache **out, const struct wpkg_store_opts *opts, struct wpkg_error *err);
void wpkg_cache_close(struct wpkg_cache *c);

/*
 * The store operations of a registry store that has a cache (store.c sends
 * them here): same meaning, results and errors as wpkg_store_*, answered
 * from the cache when an intact copy is there, else by the backend, and
 * then kept.  Offline, a miss is WPKG_E_NOT_FOUND naming what is not cached.
 * A manifest asked for by tag is fetched from the registry when online (a
 * tag moves), and the tag's digest recorded.  With no cache (s has none)
 * they are the backend's.
 */
int wpkg_cache_manifest_get(struct wpkg_store *s, const char *reference, struct wpkg_buf *body, char **media_type,
			    struct wpkg_digest *digest, struct wpkg_error *err);
int wpkg_cache_manifest_resolve(struct wpkg_descriptor *out, struct wpkg_store *s, const char *reference,
				struct wpkg_error *err);
int wpkg_cache_blob_get(struct wpkg_store *s, const struct wpkg_digest *d, uint64_t size, int fd,
			struct wpkg_error *err);
/*
 * The same for a whole file at path (fd open on it, at offset 0): a blob
 * fetched is kept by a hard link to path where the cache is on the same
 * file system (no second copy of a large layer), else copied.
 */
int wpkg_cache_blob_get_file(struct wpkg_store *s, const struct wpkg_digest *d, uint64_t size, int fd,
			     const char *path, struct wpkg_error *err);
int wpkg_cache_blob_get_buf(struct wpkg_store *s, const struct wpkg_digest *d, size_t max, struct wpkg_buf *out,
			    struct wpkg_error *err);
/* Offline, an operation that needs the registry fails: WPKG_E_NETWORK saying what; else 0. */
int wpkg_cache_need_network(const struct wpkg_store *s, const char *what, struct wpkg_error *err);

/* cache.c: the blob files. */
/* Serves blob d (size, or WPKG_SIZE_UNKNOWN) into fd from the cache or wkg's; true on a verified hit. */
bool wpkg_cache_serve(const struct wpkg_cache *c, const struct wpkg_log_sink *log, const struct wpkg_digest *d,
		      uint64_t size, int fd);
/* Reads blob d, verified, at most max bytes, into out (emptied first); true on a hit. */
bool wpkg_cache_read(const struct wpkg_cache *c, const struct wpkg_log_sink *log, const struct wpkg_digest *d,
		     size_t max, struct wpkg_buf *out);
/* Keeps what fd holds at [pos, pos+size) as blob d (a hard link to src, the whole file, when given). */
void wpkg_cache_keep_fd(const struct wpkg_cache *c, const struct wpkg_digest *d, uint64_t size, int fd, off_t pos,
			const char *src);
/* Keeps len bytes at data as blob d, when their digest is d. */
void wpkg_cache_keep_bytes(const struct wpkg_cache *c, const struct wpkg_digest *d, const void *data, size_t len);

/* cache_index.c: index.json's records, one per reference ("HOST/REPO:TAG" or "HOST/REPO@DIGEST"). */
/*
 * Records that key named the document d (best effort: the cache only saves
 * work), under wpkg_lock_dir on the cache directory, which pruners take too.
 */
void wpkg_cache_record(const struct wpkg_cache *c, const struct wpkg_log_sink *log, const char *key,
		       const struct wpkg_descriptor *d);
/*
 * The record of key (by_digest NULL), or the first record of by_digest
 * (key NULL), into *out (media type and digest; clear it with
 * wpkg_descriptor_clear); false when there is none.
 */
bool wpkg_cache_lookup(struct wpkg_descriptor *out, const struct wpkg_cache *c, const char *key,
		       const struct wpkg_digest *by_digest);
/* Drops the records whose manifest blob is gone; the caller holds the cache directory's lock. */
void wpkg_cache_sweep_records(const char *dir);

#endif
