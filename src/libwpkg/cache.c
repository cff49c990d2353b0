/* SPDX-License-Identifier: Apache-2.0 */
/* cache.c - the content cache: an OCI layout of fetched blobs (plus wkg's cache, read-only), verified on read. */
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
#include "store_internal.h"

#define LAYOUT_FILE "{\"imageLayoutVersion\":\"1.0.0\"}"

static char *cache_dir;
static char *wkg_dir;

static int set_str(char **dst, const char *src)
{
	char *d = NULL;

	if (src != NULL && src[0] != '\0' && (d = strdup(src)) == NULL)
		return WPKG_E_NOMEM;
	free(*dst);
	*dst = d;
	return 0;
}

int wpkg_cache_set_dirs(const char *dir, const char *wkg)
{
	if (set_str(&cache_dir, dir) < 0 || set_str(&wkg_dir, wkg) < 0)
		return WPKG_E_NOMEM;
	return 0;
}

const char *wpkg_cache_dir(void)
{
	return cache_dir;
}

static char *blob_path(const struct wpkg_digest *d)
{
	char *p = NULL;

	if (cache_dir == NULL || asprintf(&p, "%s/blobs/%s/%s", cache_dir, wpkg_digest_alg_name(d->alg),
					  wpkg_digest_hex(d)) < 0)
		return NULL;
	return p;
}

static char *wkg_path(const struct wpkg_digest *d)
{
	char *p = NULL;

	if (wkg_dir == NULL || d->alg != WPKG_DIGEST_SHA256 || asprintf(&p, "%s/%s", wkg_dir, d->str) < 0)
		return NULL;
	return p;
}

/*
 * Copies size bytes from in (offset in_off) to out (offset out_off) with
 * pread/pwrite, hashing them; true when all arrived and the digest is d.
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
		for (ssize_t w = 0; ok && w < n;) {
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

/* Serves the blob from path into fd at pos; a copy that is short or corrupt leaves fd as it was. */
static bool serve(const struct wpkg_log_sink *log, const char *path, bool drop_if_bad, const struct wpkg_digest *d, uint64_t size, int fd, off_t pos)
{
	struct stat st;
	bool ok;
	int in;

	if (path == NULL || (in = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return false;
	ok = fstat(in, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size == size &&
	     copy_verified(fd, (uint64_t)pos, in, 0, size, d);
	close(in);
	if (!ok) {
		if (ftruncate(fd, pos) < 0)
			wpkg_log_to(log, WPKG_LOG_DEBUG, "cache: could not truncate a bad copy: %s", strerror(errno));
		if (drop_if_bad) {
			wpkg_log_to(log, WPKG_LOG_WARN, "cache: %s is corrupt; dropped, fetching it again", d->str);
			unlink(path);
		}
		return false;
	}
	/* a hit: the output continues after it, and the entry is fresh for least-recently-used pruning */
	if (lseek(fd, pos + (off_t)size, SEEK_SET) < 0)
		return false;
	if (drop_if_bad)
		utimensat(AT_FDCWD, path, NULL, 0);
	wpkg_log_to(log, WPKG_LOG_DEBUG, "cache: %s from %s", d->str, path);
	return true;
}

/*
 * Keeps what fd holds at [pos, pos+size) as blob d: a hard link to src (the
 * whole verified file) when given and possible, else a checked temporary
 * renamed into place.
 */
static void keep(const struct wpkg_digest *d, uint64_t size, int fd, off_t pos, const char *src)
{
	char *path = blob_path(d), *dir = NULL, *name = NULL, *tmp = NULL, *marker = NULL;
	int out = -1;

	if (path == NULL || asprintf(&dir, "%s/blobs/%s", cache_dir, wpkg_digest_alg_name(d->alg)) < 0) {
		dir = NULL;
		goto out;
	}
	if (wpkg_mkdir_p(dir, 0700, NULL) < 0)
		goto out;
	/* a link shares the inode: if the pulled file is later changed in place, the read check drops the entry */
	if (src != NULL && pos == 0 && (link(src, path) == 0 || errno == EEXIST))
		goto marker;
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
marker:
	/* the cache directory is an OCI layout: say so once */
	if (asprintf(&marker, "%s/oci-layout", cache_dir) >= 0 && access(marker, F_OK) != 0)
		(void)wpkg_write_file_atomic(marker, LAYOUT_FILE, strlen(LAYOUT_FILE), 0644, NULL);
out:
	if (out >= 0)
		close(out);
	if (tmp != NULL) {
		unlink(tmp);
		wpkg_tempreg_drop(tmp);
	}
	free(tmp);
	free(name);
	free(marker);
	free(dir);
	free(path);
}

static int blob_get(struct wpkg_store *s, const struct wpkg_digest *d, uint64_t size, int fd, const char *src,
		    struct wpkg_error *err)
{
	off_t pos;
	char *path, *wkg;
	bool hit;
	int rc;

	if (cache_dir == NULL && wkg_dir == NULL)
		return wpkg_store_blob_get(s, d, size, fd, err);
	pos = lseek(fd, 0, SEEK_CUR);
	if (pos < 0)
		return wpkg_store_blob_get(s, d, size, fd, err);
	path = blob_path(d);
	wkg = wkg_path(d);
	hit = serve(wpkg_store_log(s), path, true, d, size, fd, pos) ||
	      serve(wpkg_store_log(s), wkg, false, d, size, fd, pos);
	rc = hit ? 0 : wpkg_store_blob_get(s, d, size, fd, err);
	/* only what came from a registry is worth keeping: a layout already is one */
	if (rc == 0 && !hit && cache_dir != NULL && wpkg_store_transport(s) == WPKG_TRANSPORT_REGISTRY)
		keep(d, size, fd, pos, src);
	free(path);
	free(wkg);
	return rc;
}

int wpkg_cache_blob_get(struct wpkg_store *s, const struct wpkg_digest *d, uint64_t size, int fd,
			struct wpkg_error *err)
{
	return blob_get(s, d, size, fd, NULL, err);
}

int wpkg_cache_blob_get_file(struct wpkg_store *s, const struct wpkg_digest *d, uint64_t size, int fd,
			     const char *path, struct wpkg_error *err)
{
	return blob_get(s, d, size, fd, path, err);
}
