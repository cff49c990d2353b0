/* SPDX-License-Identifier: Apache-2.0 */
/* archive_index.h - an oci-archive read in place: one scan records each entry; entries are read on demand. */
#ifndef WPKG_ARCHIVE_INDEX_H
#define WPKG_ARCHIVE_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wpkg/buf.h"
#include "wpkg/error.h"

/*
 * The name rules of an archive, separate so they can be tested alone: a
 * regular file must be "oci-layout", "index.json" or "blobs/ALG/HEX" (ALG
 * [a-z0-9+._-]+, HEX [a-zA-Z0-9=_-]+), a directory "blobs" or "blobs/ALG",
 * each optionally after "./" and a directory with a trailing '/'; "." and
 * "./" are the root and skipped (*skip true).  Anything else, absolute
 * names and ".." included, is WPKG_E_INVALID naming the entry.  norm
 * receives the name without "./" and trailing '/' (at most norm_size).
 */
int wpkg_archive_check_name(char *norm, size_t norm_size, const char *name, bool is_dir, bool *skip,
			    struct wpkg_error *err);

struct archive;
struct archive_entry;
/* Only directories and regular files, no links, no sparse entries: WPKG_E_INVALID naming the entry. */
int wpkg_archive_check_type(struct archive_entry *e, const char *name, struct wpkg_error *err);

/* What an archive may hold: per entry, entries, and all entries' bytes together. */
struct wpkg_archive_caps {
	uint64_t entry;
	size_t entries;
	uint64_t total;
};

/* One regular file of the archive. */
struct wpkg_archive_entry {
	char *name;            /* normalised: "oci-layout", "index.json", "blobs/ALG/HEX" */
	uint64_t size;
	uint64_t offset;       /* where its data starts in the file (an uncompressed tar) */
	size_t ordinal;        /* its header's place in the tar, from 0 (a compressed tar is read again up to it) */
	bool in_mem;           /* mem holds the data, read during the scan */
	struct wpkg_buf mem;
};

struct wpkg_archive_index {
	char *path;            /* for messages */
	int fd;                /* held from the scan on: a rename over path does not change what is read */
	uint64_t file_size;
	bool compressed;       /* gzip or zstd: entries are read by a fresh pass, not at an offset */
	struct wpkg_archive_entry *v;   /* in tar order */
	size_t n;
	struct json_t *names;  /* normalised name -> place in v */
};

/*
 * Scans the tar at path once (plain, gzip or zstd), refusing what an
 * extraction would refuse (names, types, caps, duplicates) with "PATH:
 * entry "NAME": ..." and writing nothing.  oci-layout must be there and of
 * version 1.x.  oci-layout, index.json and, in a compressed tar, small
 * entries are kept in memory.  WPKG_E_NOT_FOUND when path is missing.
 */
int wpkg_archive_index_open(struct wpkg_archive_index **out, const char *path, const struct wpkg_archive_caps *caps,
			    struct wpkg_error *err);
void wpkg_archive_index_free(struct wpkg_archive_index *ix);
/* The entry of normalised name, or NULL. */
const struct wpkg_archive_entry *wpkg_archive_index_find(const struct wpkg_archive_index *ix, const char *name);
/*
 * A fresh libarchive reader over ix's file (pread at its own offset, so
 * passes never disturb each other): tar, gzip and zstd only.  Caller frees
 * with archive_read_free.
 */
int wpkg_archive_index_pass(struct archive **out, const struct wpkg_archive_index *ix, struct wpkg_error *err);

/* archive_read.c: an entry's bytes go to fn in order, at most WPKG_IO_CHUNK at a time. */
typedef int (*wpkg_archive_sink_fn)(void *payload, const void *data, size_t len, struct wpkg_error *err);
int wpkg_archive_entry_each(const struct wpkg_archive_index *ix, const struct wpkg_archive_entry *e,
			    wpkg_archive_sink_fn fn, void *payload, struct wpkg_error *err);
/* An entry of at most max bytes (WPKG_E_TOO_LARGE beyond) into out, replaced only on success. */
int wpkg_archive_entry_read(const struct wpkg_archive_index *ix, const struct wpkg_archive_entry *e, size_t max,
			    struct wpkg_buf *out, struct wpkg_error *err);

#endif
