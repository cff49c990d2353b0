/* SPDX-License-Identifier: Apache-2.0 */
/* cache_internal.h - the content cache's files: blobs and documents by digest, and the records of references. */
#ifndef WPKG_CACHE_INTERNAL_H
#define WPKG_CACHE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "wpkg/buf.h"
#include "wpkg/digest.h"
#include "wpkg/error.h"
#include "wpkg/log.h"
#include "wpkg/oci.h"
#include "lock_internal.h"

/* A registry store's content cache: where it is, and whether the network is off. */
struct wpkg_cache {
	char *dir;      /* the OCI layout read and filled; NULL: none */
	char *wkg;      /* wkg's cache, only read; NULL: none */
	bool offline;
};

/* A cache over dir and wkg (either NULL; copied). */
int wpkg_cache_open(struct wpkg_cache **out, const char *dir, const char *wkg, bool offline, struct wpkg_error *err);
void wpkg_cache_close(struct wpkg_cache *c);

/* cache.c: the blob files. */
/*
 * Serves blob d (size; UINT64_MAX, WPKG_SIZE_UNKNOWN: any) into fd from the
 * cache or wkg's: 1 on a verified hit, 0 on a miss (fd as it was),
 * WPKG_E_IO when a pipe took part of it and then failed.
 */
int wpkg_cache_serve(const struct wpkg_cache *c, const struct wpkg_log_sink *log, const struct wpkg_digest *d,
		     uint64_t size, int fd);
/* Reads blob d, verified, at most max bytes, into out (emptied first); true on a hit. */
bool wpkg_cache_read(const struct wpkg_cache *c, const struct wpkg_log_sink *log, const struct wpkg_digest *d,
		     size_t max, struct wpkg_buf *out);
/* Keeps what fd holds at [pos, pos+size) as blob d (a hard link to src, the whole file, when given). */
void wpkg_cache_keep_fd(const struct wpkg_cache *c, const struct wpkg_digest *d, uint64_t size, int fd, off_t pos,
			const char *src);
/* Keeps len bytes at data as blob d, when their digest is d. */
void wpkg_cache_keep_bytes(const struct wpkg_cache *c, const struct wpkg_digest *d, const void *data, size_t len);

/*
 * A blob kept as it streams past (a copy's registry-to-registry pipe): tee_open
 * gives NULL when there is nothing to keep (no cache, already kept, or it
 * cannot be written; every call takes NULL); tee_close keeps it when
 * complete and what was written hashes to d, else drops it.  d must live
 * until tee_close.
 */
struct wpkg_cache_tee;
struct wpkg_cache_tee *wpkg_cache_tee_open(const struct wpkg_cache *c, const struct wpkg_digest *d);
void wpkg_cache_tee_write(struct wpkg_cache_tee *t, const void *data, size_t len);
void wpkg_cache_tee_close(struct wpkg_cache_tee *t, bool complete);

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
