/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/fsutil.h - file helpers: whole-file reads, atomic writes, directory creation. */
#ifndef WPKG_FSUTIL_H
#define WPKG_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "wpkg/common.h"
#include "wpkg/buf.h"
#include "wpkg/error.h"

/* The buffer every streaming copy reads and writes through (hashing, copying blobs, tar layers,
 * archives): large enough that syscalls do not dominate, small enough to allocate per copy. */
#define WPKG_IO_CHUNK ((size_t)256 << 10)
WPKG_BEGIN_DECL

/*
 * A private copy of a whole regular file (an empty file gives a non-NULL empty
 * view).  Read with pread, never mapped: another process truncating the file
 * must cost an error ("file changed while reading"), not a SIGBUS.  A file
 * whose size says 0 (/proc, sysfs) is read to its end, up to
 * WPKG_MAP_UNSIZED_MAX bytes.
 */
struct wpkg_map {
	const uint8_t *data;
	size_t len;
	void *base;     /* what wpkg_unmap_file frees; NULL for the empty view */
};

#define WPKG_MAP_UNSIZED_MAX ((size_t)64 << 20)

WPKG_API int wpkg_map_file(struct wpkg_map *m, const char *path, struct wpkg_error *err);
WPKG_API void wpkg_unmap_file(struct wpkg_map *m);

/*
 * The one way a temporary file is made: a new empty file "DIR/NAMEXXXXXX"
 * (mode 0600, O_CLOEXEC so no helper process inherits it) in dir, the
 * destination's directory ("" the current one), or with dir NULL the
 * settings' temporary directory.  name carries its own separator
 * ("wpkg-layer.", ".out.wasm.").  On success *path (caller frees, and
 * unlinks the file) and *fd are set; on failure nothing is left and err says
 * "WHAT: cannot create temporary file: REASON", what defaulting to the directory.
 */
WPKG_API int wpkg_temp_open(char **path, int *fd, const char *dir, const char *name, const char *what,
		   struct wpkg_error *err);

/*
 * Opens path for reading and checks it is a regular file without blocking on
 * a FIFO (O_NONBLOCK, then fstat; the flag is cleared again).  *st is its
 * fstat.  Anything else (FIFO, device, directory, socket) is WPKG_E_INVALID.
 */
WPKG_API int wpkg_open_regular(int *fd, const char *path, struct stat *st, struct wpkg_error *err);

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
/*
 * Commits f[i] for every i with keep[i] (keep NULL: all) as one: every
 * destination is checked first (a directory in the way fails before anything
 * is renamed), files replaced are kept as hard links until the last rename,
 * and a failed rename puts back what the earlier ones replaced.  On success
 * the kept files are released; on failure they are left for wpkg_atomic_abort.
 */
WPKG_API int wpkg_atomic_commit_all(struct wpkg_atomic_file *f, const bool *keep, size_t n, struct wpkg_error *err);

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
