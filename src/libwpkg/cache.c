/* SPDX-License-Identifier: Apache-2.0 */
/* cache.c - the content cache's blob files: an OCI layout (plus wkg's cache, read-only), verified on read. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wpkg/cache.h"
#include "wpkg/fsutil.h"
#include "wpkg/tempreg.h"
#include "cache_internal.h"
#include "log_internal.h"

#define LAYOUT_FILE "{\"imageLayoutVersion\":\"1.0.0\"}"

/* A copy of src in *dst; NULL or "" is none. */
static int set_str(char **dst, const char *src)
{
	*dst = NULL;
	return src != NULL && src[0] != '\0' && (*dst = strdup(src)) == NULL ? WPKG_E_NOMEM : 0;
}

int wpkg_cache_open(struct wpkg_cache **out, const char *dir, const char *wkg, bool offline, struct wpkg_error *err)
{
	struct wpkg_cache *c = calloc(1, sizeof(*c));

	if (c == NULL || set_str(&c->dir, dir) < 0 || set_str(&c->wkg, wkg) < 0) {
		wpkg_cache_close(c);
		return wpkg_error_nomem(err);
	}
	c->offline = offline;
	*out = c;
	return 0;
}

void wpkg_cache_close(struct wpkg_cache *c)
{
	if (c == NULL)
		return;
	free(c->dir);
	free(c->wkg);
	free(c);
}

static char *blob_path(const struct wpkg_cache *c, const struct wpkg_digest *d)
{
	char *p = NULL;

	if (c->dir == NULL || asprintf(&p, "%s/blobs/%s/%s", c->dir, wpkg_digest_alg_name(d->alg),
					  wpkg_digest_hex(d)) < 0)
		return NULL;
	return p;
}

static char *wkg_path(const struct wpkg_cache *c, const struct wpkg_digest *d)
{
	char *p = NULL;

	if (c->wkg == NULL || d->alg != WPKG_DIGEST_SHA256 || asprintf(&p, "%s/%s", c->wkg, d->str) < 0)
		return NULL;
	return p;
}

/*
 * Copies size bytes from in (offset in_off) to out (offset out_off) with
 * pread/pwrite, hashing them; true when all arrived and the digest is d.
 * out -1: only hashes them.
 */
static bool copy_verified(int out, uint64_t out_off, int in, uint64_t in_off, uint64_t size,
			  const struct wpkg_digest *d)
{
	unsigned char *buf = malloc(WPKG_IO_CHUNK);
	struct wpkg_hasher h;
	struct wpkg_digest got;
	uint64_t done = 0;
	bool ok = buf != NULL && wpkg_hasher_init(&h, d->alg, NULL) == 0;

	if (!ok) {
		free(buf);
		return false;
	}
	while (ok && done < size) {
		size_t want = size - done < WPKG_IO_CHUNK ? (size_t)(size - done) : WPKG_IO_CHUNK;
		ssize_t n = pread(in, buf, want, (off_t)(in_off + done));

		if (n < 0 && errno == EINTR)
			continue;
		ok = n > 0;
		for (ssize_t w = 0; ok && out >= 0 && w < n;) {
			ssize_t k = pwrite(out, buf + w, (size_t)(n - w), (off_t)(out_off + done + (uint64_t)w));

			if (k < 0 && errno == EINTR)
				continue;
			ok = k > 0;
			w += k > 0 ? k : 0;
		}
		if (ok) {
			wpkg_hasher_update(&h, buf, (size_t)n);
			done += (uint64_t)n;
		}
	}
	if (ok) {
		wpkg_hasher_final(&h, &got);
		ok = strcmp(got.str, d->str) == 0;
	} else {
		wpkg_hasher_discard(&h);
	}
	free(buf);
	return ok;
}


/* Writes size bytes of in to a pipe or terminal out, in order. */
static bool stream_out(int out, int in, uint64_t size)
{
	unsigned char *buf = malloc(WPKG_IO_CHUNK);
	uint64_t done = 0;
	bool ok = buf != NULL;

	while (ok && done < size) {
		size_t want = size - done < WPKG_IO_CHUNK ? (size_t)(size - done) : WPKG_IO_CHUNK;
		ssize_t n = pread(in, buf, want, (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		ok = n > 0 && wpkg_write_all(out, buf, (size_t)n, NULL) == 0;
		done += n > 0 ? (uint64_t)n : 0;
	}
	free(buf);
	return ok;
}

/*
 * Serves the blob from path into fd (at pos when seekable, else verified
 * first and then streamed): 1 on a hit, 0 on a miss (a copy that is short
 * or corrupt leaves fd as it was), WPKG_E_IO when streaming it failed half
 * way (a pipe cannot be taken back).
 */
static int serve(const struct wpkg_log_sink *log, const char *path, bool drop_if_bad, const struct wpkg_digest *d,
		 uint64_t size, int fd)
{
	off_t pos = lseek(fd, 0, SEEK_CUR);
	struct stat st;
	bool intact;
	int in;

	if (path == NULL || (in = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return 0;
	/* another size is another blob's (or a wrong descriptor's) business: a miss that leaves the entry alone */
	if (fstat(in, &st) < 0 || !S_ISREG(st.st_mode) || (size != UINT64_MAX && (uint64_t)st.st_size != size)) {
		close(in);
		return 0;
	}
	size = (uint64_t)st.st_size;
	intact = copy_verified(pos >= 0 ? fd : -1, pos >= 0 ? (uint64_t)pos : 0, in, 0, size, d);
	if (intact && pos < 0 && !stream_out(fd, in, size)) {
		close(in);
		return WPKG_E_IO;
	}
	close(in);
	if (!intact) {
		if (pos >= 0 && ftruncate(fd, pos) < 0)
			wpkg_log_to(log, WPKG_LOG_DEBUG, "cache: could not truncate a bad copy: %s", strerror(errno));
		if (drop_if_bad) {
			wpkg_log_to(log, WPKG_LOG_WARN, "cache: %s is corrupt; dropped, fetching it again", d->str);
			unlink(path);
		}
		return 0;
	}
	/* a hit: the output continues after it, and the entry is fresh for least-recently-used pruning */
	if (pos >= 0 && lseek(fd, pos + (off_t)size, SEEK_SET) < 0)
		return WPKG_E_IO;
	if (drop_if_bad)
		utimensat(AT_FDCWD, path, NULL, 0);
	wpkg_log_to(log, WPKG_LOG_DEBUG, "cache: %s from %s", d->str, path);
	return 1;
}

int wpkg_cache_serve(const struct wpkg_cache *c, const struct wpkg_log_sink *log, const struct wpkg_digest *d,
		     uint64_t size, int fd)
{
	char *path = blob_path(c, d), *wkg = wkg_path(c, d);
	int rc = serve(log, path, true, d, size, fd);

	if (rc == 0)
		rc = serve(log, wkg, false, d, size, fd);
	free(path);
	free(wkg);
	return rc;
}

/* Reads the blob at path into out when it is at most max bytes and its digest is d. */
static bool read_verified(const struct wpkg_log_sink *log, const char *path, bool drop_if_bad,
			  const struct wpkg_digest *d, size_t max, struct wpkg_buf *out)
{
	struct wpkg_digest got;

	wpkg_buf_clear(out);
	if (path == NULL || wpkg_read_file(out, path, max, NULL) < 0)
		return false;
	wpkg_digest_bytes(&got, d->alg, out->data, out->len);
	if (strcmp(got.str, d->str) != 0) {
		wpkg_buf_clear(out);
		if (drop_if_bad) {
			wpkg_log_to(log, WPKG_LOG_WARN, "cache: %s is corrupt; dropped, fetching it again", d->str);
			unlink(path);
		}
		return false;
	}
	if (drop_if_bad)
		utimensat(AT_FDCWD, path, NULL, 0);
	wpkg_log_to(log, WPKG_LOG_DEBUG, "cache: %s from %s", d->str, path);
	return true;
}

bool wpkg_cache_read(const struct wpkg_cache *c, const struct wpkg_log_sink *log, const struct wpkg_digest *d,
		     size_t max, struct wpkg_buf *out)
{
	char *path = blob_path(c, d), *wkg = wkg_path(c, d);
	bool hit = read_verified(log, path, true, d, max, out) || read_verified(log, wkg, false, d, max, out);

	free(path);
	free(wkg);
	return hit;
}

/* DIR/blobs/ALG made, and DIR marked as an OCI layout; false when the directory cannot be made. */
static bool blob_dir(char **out, const struct wpkg_cache *c, const struct wpkg_digest *d)
{
	char *dir = NULL, *marker = NULL;

	if (asprintf(&dir, "%s/blobs/%s", c->dir, wpkg_digest_alg_name(d->alg)) < 0)
		return false;
	if (wpkg_mkdir_p(dir, 0700, NULL) < 0) {
		free(dir);
		return false;
	}
	/* the cache directory is an OCI layout: say so once */
	if (asprintf(&marker, "%s/oci-layout", c->dir) < 0)
		marker = NULL;
	else if (access(marker, F_OK) != 0)
		(void)wpkg_write_file_atomic(marker, LAYOUT_FILE, strlen(LAYOUT_FILE), 0644, NULL);
	free(marker);
	*out = dir;
	return true;
}

void wpkg_cache_keep_fd(const struct wpkg_cache *c, const struct wpkg_digest *d, uint64_t size, int fd, off_t pos,
			const char *src)
{
	char *path = NULL, *dir = NULL, *name = NULL, *tmp = NULL;
	int out = -1;

	if (c == NULL || c->dir == NULL || (path = blob_path(c, d)) == NULL || !blob_dir(&dir, c, d))
		goto out;
	/* a link shares the inode: if the pulled file is later changed in place, the read check drops the entry */
	if (src != NULL && pos == 0 && (link(src, path) == 0 || errno == EEXIST))
		goto out;
	if (asprintf(&name, ".tmp-%s.", wpkg_digest_hex(d)) < 0) {
		name = NULL;
		goto out;
	}
	if (wpkg_temp_open(&tmp, &out, dir, name, NULL, NULL) < 0)
		goto out;
	if (copy_verified(out, 0, fd, (uint64_t)pos, size, d) && close(out) == 0) {
		out = -1;
		if (rename(tmp, path) == 0) {
			wpkg_tempreg_drop(tmp);
			free(tmp);
			tmp = NULL;
		}
	}
out:
	if (out >= 0)
		close(out);
	if (tmp != NULL) {
		unlink(tmp);
		wpkg_tempreg_drop(tmp);
	}
	free(tmp);
	free(name);
	free(dir);
	free(path);
}

void wpkg_cache_keep_bytes(const struct wpkg_cache *c, const struct wpkg_digest *d, const void *data, size_t len)
{
	char *path = NULL, *dir = NULL;
	struct wpkg_digest got;

	if (c == NULL || c->dir == NULL)
		return;
	/* a registry's digest header is not proof: only bytes that hash to d are kept as d */
	wpkg_digest_bytes(&got, d->alg, data, len);
	if (strcmp(got.str, d->str) != 0 || (path = blob_path(c, d)) == NULL || !blob_dir(&dir, c, d)) {
		free(path);
		return;
	}
	/* an entry already there is the same bytes */
	if (access(path, F_OK) != 0)
		(void)wpkg_write_file_atomic(path, data, len, 0644, NULL);
	free(dir);
	free(path);
}

struct wpkg_cache_tee {
	struct wpkg_hasher h;
	const struct wpkg_digest *d;
	char *tmp, *path;
	int fd;
	bool ok;
};

struct wpkg_cache_tee *wpkg_cache_tee_open(const struct wpkg_cache *c, const struct wpkg_digest *d)
{
	struct wpkg_cache_tee *t;
	char *dir = NULL, *name = NULL;

	if (c == NULL || c->dir == NULL || (t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->fd = -1;
	t->d = d;
	t->path = blob_path(c, d);
	/* an entry already kept needs nothing written */
	if (t->path != NULL && access(t->path, F_OK) != 0 && blob_dir(&dir, c, d) &&
	    asprintf(&name, ".tmp-%s.", wpkg_digest_hex(d)) >= 0) {
		t->ok = wpkg_temp_open(&t->tmp, &t->fd, dir, name, NULL, NULL) == 0;
		free(name);
	}
	free(dir);
	if (t->ok && wpkg_hasher_init(&t->h, d->alg, NULL) == 0)
		return t;
	if (t->ok) {
		close(t->fd);
		unlink(t->tmp);
		wpkg_tempreg_drop(t->tmp);
		free(t->tmp);
	}
	free(t->path);
	free(t);
	return NULL;
}

void wpkg_cache_tee_write(struct wpkg_cache_tee *t, const void *data, size_t len)
{
	if (t == NULL || !t->ok)
		return;
	/* the cache only saves work: a failed write just means nothing is kept */
	t->ok = wpkg_write_all(t->fd, data, len, NULL) == 0;
	if (t->ok)
		wpkg_hasher_update(&t->h, data, len);
}

void wpkg_cache_tee_close(struct wpkg_cache_tee *t, bool complete)
{
	struct wpkg_digest got;

	if (t == NULL)
		return;
	wpkg_hasher_final(&t->h, &got);
	if (close(t->fd) < 0 || !t->ok || !complete || strcmp(got.str, t->d->str) != 0 || rename(t->tmp, t->path) < 0)
		unlink(t->tmp);
	wpkg_tempreg_drop(t->tmp);
	free(t->tmp);
	free(t->path);
	free(t);
}
