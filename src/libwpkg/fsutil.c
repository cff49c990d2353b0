/* fsutil.c - read-only mappings, write-then-rename files, mkdir -p. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wpkg/fsutil.h"
#include "wpkg/settings.h"

static int errno_code(int e)
{
	return e == ENOENT || e == ENOTDIR ? WPKG_E_NOT_FOUND : WPKG_E_IO;
}

int wpkg_map_file(struct wpkg_map *m, const char *path, struct wpkg_error *err)
{
	static const uint8_t empty[1];
	struct stat st;
	void *p;
	int fd;

	m->data = NULL;
	m->len = 0;
	m->base = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return wpkg_error_set(err, errno_code(errno), "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return wpkg_error_set(err, WPKG_E_IO, "%s: %s", path, strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return wpkg_error_set(err, WPKG_E_INVALID, "%s: not a regular file", path);
	}
	if (st.st_size == 0) {
		close(fd);
		m->data = empty;
		return 0;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		int e = errno;
		close(fd);
		return wpkg_error_set(err, WPKG_E_IO, "%s: mmap: %s", path, strerror(e));
	}
	close(fd);
	m->base = p;
	m->data = p;
	m->len = (size_t)st.st_size;
	return 0;
}

void wpkg_unmap_file(struct wpkg_map *m)
{
	if (m->base)
		munmap(m->base, m->len);
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
	char chunk[65536];
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return wpkg_error_set(err, errno_code(errno), "%s: %s", path, strerror(errno));
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = wpkg_error_set(err, WPKG_E_IO, "%s: %s", path, strerror(errno));
			break;
		}
		if (n == 0)
			break;
		if (out->len + (size_t)n > max) {
			rc = wpkg_error_set(err, WPKG_E_TOO_LARGE, "%s: larger than %zu bytes", path, max);
			break;
		}
		if (wpkg_buf_put(out, chunk, (size_t)n) < 0) {
			rc = wpkg_error_nomem(err);
			break;
		}
	}
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
