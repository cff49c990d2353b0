/* SPDX-License-Identifier: Apache-2.0 */
/* fsutil.c - whole-file reads safe from truncation, write-then-rename files, mkdir -p. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wpkg/fsutil.h"
#include "wpkg/settings.h"
#include "wpkg/tempreg.h"

static int errno_code(int e)
{
	return e == ENOENT || e == ENOTDIR ? WPKG_E_NOT_FOUND : WPKG_E_IO;
}

int wpkg_open_regular(int *out, const char *path, struct stat *st, struct wpkg_error *err)
{
	int fd, flags;

	/* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, forever */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return wpkg_error_set(err, errno_code(errno), "%s: %s", path, strerror(errno));
	if (fstat(fd, st) < 0) {
		int e = errno;
		close(fd);
		return wpkg_error_set(err, WPKG_E_IO, "%s: %s", path, strerror(e));
	}
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		return wpkg_error_set(err, WPKG_E_INVALID, "%s: not a regular file (%s); give wpkg a file", path,
				      S_ISFIFO(st->st_mode) ? "a FIFO" : S_ISDIR(st->st_mode) ? "a directory" :
				      S_ISSOCK(st->st_mode) ? "a socket" : "a device");
	}
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
		int e = errno;
		close(fd);
		return wpkg_error_set(err, WPKG_E_IO, "%s: %s", path, strerror(e));
	}
	*out = fd;
	return 0;
}

/* Reads fd to its end into buf: for files whose size says 0 but are not empty (/proc, sysfs). */
static int read_to_end(int fd, struct wpkg_buf *buf, size_t max, const char *path, struct wpkg_error *err)
{
	char chunk[65536];

	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return wpkg_error_set(err, WPKG_E_IO, "%s: %s", path, strerror(errno));
		if (n == 0)
			return 0;
		if (buf->len + (size_t)n > max)
			return wpkg_error_set(err, WPKG_E_TOO_LARGE, "%s: larger than %zu bytes", path, max);
		if (wpkg_buf_put(buf, chunk, (size_t)n) < 0)
			return wpkg_error_nomem(err);
	}
}

static bool same_file_state(const struct stat *a, const struct stat *b)
{
	return a->st_size == b->st_size && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec && a->st_ino == b->st_ino;
}

int wpkg_map_file(struct wpkg_map *m, const char *path, struct wpkg_error *err)
{
	static const uint8_t empty[1];
	struct wpkg_buf buf = WPKG_BUF_INIT;
	struct stat st, after;
	uint8_t *p = NULL;
	size_t got = 0;
	int fd, rc;

	m->data = NULL;
	m->len = 0;
	m->base = NULL;
	rc = wpkg_open_regular(&fd, path, &st, err);
	if (rc < 0)
		return rc;
	if (st.st_size == 0) {
		rc = read_to_end(fd, &buf, WPKG_MAP_UNSIZED_MAX, path, err);
		close(fd);
		if (rc < 0) {
			wpkg_buf_free(&buf);
			return rc;
		}
		if (buf.len == 0) {
			wpkg_buf_free(&buf);
			m->data = empty;
			return 0;
		}
		m->base = buf.data;
		m->data = (const uint8_t *)buf.data;
		m->len = buf.len;
		return 0;
	}
	if ((uint64_t)st.st_size > SIZE_MAX || (p = malloc((size_t)st.st_size)) == NULL) {
		close(fd);
		return wpkg_error_set(err, WPKG_E_NOMEM, "%s: out of memory for %lld bytes", path,
				      (long long)st.st_size);
	}
	/* a copy, never a mapping: a file truncated by another process would kill us with SIGBUS */
	while (rc == 0 && got < (size_t)st.st_size) {
		ssize_t n = pread(fd, p + got, (size_t)st.st_size - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			rc = wpkg_error_set(err, WPKG_E_IO, "%s: %s", path, strerror(errno));
		else if (n == 0)
			break;
		else
			got += (size_t)n;
	}
	if (rc == 0 && (got != (size_t)st.st_size || fstat(fd, &after) < 0 || !same_file_state(&st, &after)))
		rc = wpkg_error_set(err, WPKG_E_IO, "%s: file changed while reading; try again when it is "
				    "written", path);
	close(fd);
	if (rc < 0) {
		free(p);
		return rc;
	}
	m->base = p;
	m->data = p;
	m->len = got;
	return 0;
}

void wpkg_unmap_file(struct wpkg_map *m)
{
	free(m->base);
	m->base = NULL;
	m->data = NULL;
	m->len = 0;
}

char *wpkg_path_join(const char *a, const char *b)
{
	size_t la = strlen(a);
	char *p;

	while (la > 0 && a[la - 1] == '/')
		la--;
	while (*b == '/')
		b++;
	if (la == 0 && a[0] != '/')
		return strdup(b);
	if (asprintf(&p, "%.*s/%s", (int)la, a, b) < 0)
		return NULL;
	return p;
}

const char *wpkg_path_base(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

int wpkg_temp_open(char **path, int *fd, const char *dir, const char *name, const char *what,
		   struct wpkg_error *err)
{
	const char *d = dir != NULL ? dir : wpkg_settings_tmpdir();
	size_t n = strlen(d);
	char *p;
	int f, e;

	if (asprintf(&p, "%s%s%sXXXXXX", d, n > 0 && d[n - 1] != '/' ? "/" : "", name) < 0)
		return wpkg_error_nomem(err);
	f = mkostemp(p, O_CLOEXEC);
	if (f < 0) {
		e = errno;
		free(p);
		return wpkg_error_set(err, errno_code(e), "%s: cannot create temporary file: %s",
				      what != NULL ? what : n > 0 ? d : ".", strerror(e));
	}
	/* registered, so a fatal signal removes it; whoever renames or unlinks it drops it */
	wpkg_tempreg_add(p, false);
	*path = p;
	*fd = f;
	return 0;
}

int wpkg_atomic_open(struct wpkg_atomic_file *f, const char *path, mode_t mode, struct wpkg_error *err)
{
	const char *base = wpkg_path_base(path);
	char *dir = strndup(path, (size_t)(base - path)), *name = NULL;
	int rc;

	f->fd = -1;
	f->mode = mode;
	f->tmp_path = NULL;
	f->final_path = strdup(path);
	if (dir == NULL || f->final_path == NULL || asprintf(&name, ".%s.", base) < 0) {
		name = NULL;
		rc = wpkg_error_nomem(err);
		goto out;
	}
	rc = wpkg_temp_open(&f->tmp_path, &f->fd, dir, name, path, err);
out:
	if (rc < 0) {
		free(f->final_path);
		f->final_path = NULL;
		f->fd = -1;
	}
	free(dir);
	free(name);
	return rc;
}

static void atomic_release(struct wpkg_atomic_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	if (f->tmp_path != NULL)
		wpkg_tempreg_drop(f->tmp_path);
	free(f->tmp_path);
	free(f->final_path);
	f->tmp_path = f->final_path = NULL;
}

int wpkg_atomic_commit(struct wpkg_atomic_file *f, struct wpkg_error *err)
{
	int rc = 0;

	if (fchmod(f->fd, f->mode) < 0 || fsync(f->fd) < 0) {
		rc = wpkg_error_set(err, WPKG_E_IO, "%s: %s", f->final_path, strerror(errno));
	} else if (close(f->fd) < 0) {
		f->fd = -1;
		rc = wpkg_error_set(err, WPKG_E_IO, "%s: %s", f->final_path, strerror(errno));
	} else {
		f->fd = -1;
		if (rename(f->tmp_path, f->final_path) < 0)
			rc = wpkg_error_set(err, WPKG_E_IO, "%s: rename: %s", f->final_path, strerror(errno));
	}
	if (rc < 0)
		unlink(f->tmp_path);
	atomic_release(f);
	return rc;
}

void wpkg_atomic_abort(struct wpkg_atomic_file *f)
{
	if (f->tmp_path)
		unlink(f->tmp_path);
	atomic_release(f);
}

/* Puts back what renames [0, done) of wpkg_atomic_commit_all replaced: the old file, or nothing. */
static void commit_all_undo(struct wpkg_atomic_file *f, const bool *keep, char **backup, size_t done)
{
	size_t i;

	for (i = 0; i < done; i++) {
		if (keep != NULL && !keep[i])
			continue;
		if (backup[i] != NULL)
			rename(backup[i], f[i].final_path);
		else
			unlink(f[i].final_path);
	}
}

/* A hard link "TMP.old" to the file f will replace, so that an undo can put it back. */
static int keep_replaced(char **backup, const struct wpkg_atomic_file *f, struct wpkg_error *err)
{
	char *p;

	if (asprintf(&p, "%s.old", f->tmp_path) < 0)
		return wpkg_error_nomem(err);
	if (link(f->final_path, p) < 0) {
		int rc = wpkg_error_set(err, WPKG_E_IO, "%s: cannot keep the file it replaces: %s", f->final_path,
					strerror(errno));
		free(p);
		return rc;
	}
	wpkg_tempreg_add(p, false);
	*backup = p;
	return 0;
}

int wpkg_atomic_commit_all(struct wpkg_atomic_file *f, const bool *keep, size_t n, struct wpkg_error *err)
{
	char **backup = calloc(n + 1, sizeof(*backup));
	size_t i;
	struct stat st;
	int rc = 0;

	if (backup == NULL)
		return wpkg_error_nomem(err);
	/* every destination first: nothing is renamed unless all of them can be */
	for (i = 0; i < n && rc == 0; i++) {
		if ((keep != NULL && !keep[i]) || f[i].tmp_path == NULL)
			continue;
		if (lstat(f[i].final_path, &st) == 0 && !S_ISREG(st.st_mode))
			rc = wpkg_error_set(err, WPKG_E_EXISTS, "%s: %s is in the way; nothing was written",
					    f[i].final_path, S_ISDIR(st.st_mode) ? "a directory" : "something not a file");
		else if (fchmod(f[i].fd, f[i].mode) < 0 || fsync(f[i].fd) < 0)
			rc = wpkg_error_set(err, WPKG_E_IO, "%s: %s", f[i].final_path, strerror(errno));
		else if (lstat(f[i].final_path, &st) == 0)
			rc = keep_replaced(&backup[i], &f[i], err);
	}
	for (i = 0; i < n && rc == 0; i++) {
		if ((keep != NULL && !keep[i]) || f[i].tmp_path == NULL)
			continue;
		if (rename(f[i].tmp_path, f[i].final_path) < 0) {
			rc = wpkg_error_set(err, WPKG_E_IO, "%s: rename: %s; the files renamed before it were put back",
					    f[i].final_path, strerror(errno));
			commit_all_undo(f, keep, backup, i);
		}
	}
	for (i = 0; i < n; i++) {
		if (backup[i] == NULL)
			continue;
		unlink(backup[i]);   /* after an undo the rename moved it back already */
		wpkg_tempreg_drop(backup[i]);
		free(backup[i]);
	}
	free(backup);
	for (i = 0; rc == 0 && i < n; i++)
		if ((keep == NULL || keep[i]) && f[i].tmp_path != NULL)
			atomic_release(&f[i]);
	return rc;
}

int wpkg_write_all(int fd, const void *data, size_t len, struct wpkg_error *err)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return wpkg_error_set(err, WPKG_E_IO, "write: %s", strerror(errno));
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int wpkg_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode,
			   struct wpkg_error *err)
{
	struct wpkg_atomic_file f;
	int rc;

	rc = wpkg_atomic_open(&f, path, mode, err);
	if (rc < 0)
		return rc;
	rc = wpkg_write_all(f.fd, data, len, err);
	if (rc < 0) {
		wpkg_atomic_abort(&f);
		wpkg_error_wrap(err, "%s", path);
		return rc;
	}
	return wpkg_atomic_commit(&f, err);
}

int wpkg_read_file(struct wpkg_buf *out, const char *path, size_t max, struct wpkg_error *err)
{
	struct stat st;
	int fd, rc;

	rc = wpkg_open_regular(&fd, path, &st, err);
	if (rc < 0)
		return rc;
	rc = read_to_end(fd, out, max, path, err);
	close(fd);
	return rc;
}

int wpkg_mkdir_p(const char *path, mode_t mode, struct wpkg_error *err)
{
	char *copy = strdup(path);
	char *p;
	int rc = 0;

	if (copy == NULL)
		return wpkg_error_nomem(err);
	if (copy[0] == '\0') {
		free(copy);
		return wpkg_error_set(err, WPKG_E_INVALID, "empty directory name");
	}
	for (p = copy + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(copy, mode) < 0 && errno != EEXIST) {
			rc = wpkg_error_set(err, errno == ENOENT ? WPKG_E_NOT_FOUND : WPKG_E_IO, "%s: %s", copy,
					    strerror(errno));
			break;
		}
		*p = saved;
		if (saved == '\0')
			break;
	}
	if (rc == 0) {
		struct stat st;
		if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
			rc = wpkg_error_set(err, WPKG_E_IO, "%s: not a directory", path);
	}
	free(copy);
	return rc;
}
