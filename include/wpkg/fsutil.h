/* wpkg/fsutil.h - file helpers: read-only mappings, atomic writes, directory creation. */
#ifndef WPKG_FSUTIL_H
#define WPKG_FSUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "wpkg/common.h"
#include "wpkg/buf.h"
#include "wpkg/error.h"

WPKG_BEGIN_DECL

/* A read-only view of a whole file (mmap; an empty file maps to a non-NULL empty view). */
struct wpkg_map {
	const uint8_t *data;
	size_t len;
	void *base;     /* what munmap needs; NULL for the empty view */
};

WPKG_API int wpkg_map_file(struct wpkg_map *m, const char *path, struct wpkg_error *err);
WPKG_API void wpkg_unmap_file(struct wpkg_map *m);

/*
 * Write-to-temporary-then-rename.  open creates "DIR/.NAME.XXXXXX" beside the
 * final path; commit fsyncs, chmods to mode and renames into place; abort
 * unlinks the temporary.  Nothing is ever visible at path unless committed.
 */
struct wpkg_atomic_file {
	int fd;
	char *tmp_path;
	char *final_path;
	mode_t mode;
};

WPKG_API int wpkg_atomic_open(struct wpkg_atomic_file *f, const char *path, mode_t mode, struct wpkg_error *err);
WPKG_API int wpkg_atomic_commit(struct wpkg_atomic_file *f, struct wpkg_error *err);
WPKG_API void wpkg_atomic_abort(struct wpkg_atomic_file *f);

/* Writes all of data to fd (retrying short writes and EINTR). */
WPKG_API int wpkg_write_all(int fd, const void *data, size_t len, struct wpkg_error *err);
/* Atomically replaces path with data. */
WPKG_API int wpkg_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode,
			   struct wpkg_error *err);
/* Reads a whole file into out; more than max bytes gives WPKG_E_TOO_LARGE. */
WPKG_API int wpkg_read_file(struct wpkg_buf *out, const char *path, size_t max, struct wpkg_error *err);
/* mkdir -p with mode for every directory it creates. */
WPKG_API int wpkg_mkdir_p(const char *path, mode_t mode, struct wpkg_error *err);
/* Joins a and b with exactly one '/'. Caller frees. NULL on ENOMEM. */
WPKG_API char *wpkg_path_join(const char *a, const char *b);
/* The last component of path (points into path). */
WPKG_API const char *wpkg_path_base(const char *path);

WPKG_END_DECL

#endif
