/* SPDX-License-Identifier: Apache-2.0 */
/* cache_prune.c - lists the content cache and prunes it, least recently used first, under an flock. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wpkg/cache.h"
#include "cache_internal.h"

static int by_digest(const void *a, const void *b)
{
	return strcmp(((const struct wpkg_cache_entry *)a)->digest, ((const struct wpkg_cache_entry *)b)->digest);
}

static int by_use(const void *a, const void *b)
{
	const struct wpkg_cache_entry *x = a, *y = b;

	if (x->used != y->used)
		return x->used < y->used ? -1 : 1;
	return strcmp(x->digest, y->digest);
}

/* Every regular file DIR/blobs/sha256/HEX (temporaries start with '.'). */
static int scan(struct wpkg_cache_entry **out, size_t *n_out, const char *dir, struct wpkg_error *err)
{
	struct wpkg_cache_entry *v = NULL, *nv;
	size_t n = 0, cap = 0;
	char *blobs = NULL;
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if (asprintf(&blobs, "%s/blobs/sha256", dir) < 0)
		return wpkg_error_nomem(err);
	d = opendir(blobs);
	if (d == NULL) {
		rc = errno == ENOENT ? 0 : wpkg_error_set(err, WPKG_E_IO, "%s: %s", blobs, strerror(errno));
		goto out;
	}
	while ((de = readdir(d)) != NULL) {
		struct stat st;

		if (de->d_name[0] == '.' || strlen(de->d_name) != 64 ||
		    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			nv = realloc(v, cap * sizeof(*v));
			if (nv == NULL) {
				rc = wpkg_error_nomem(err);
				break;
			}
			v = nv;
		}
		snprintf(v[n].digest, sizeof(v[n].digest), "sha256:%s", de->d_name);
		v[n].size = (uint64_t)st.st_size;
		v[n].used = st.st_mtime;
		n++;
	}
	closedir(d);
out:
	free(blobs);
	if (rc < 0) {
		free(v);
		return rc;
	}
	*out = v;
	*n_out = n;
	return 0;
}

int wpkg_cache_list(struct wpkg_cache_entry **out, size_t *n, const char *dir, struct wpkg_error *err)
{
	int rc;

	if (dir == NULL)
		return wpkg_error_set(err, WPKG_E_INVALID, "the cache is off (--no-cache, or no WPKG_CACHE, "
				      "XDG_CACHE_HOME or HOME)");
	rc = scan(out, n, dir, err);
	if (rc == 0 && *n > 1)
		qsort(*out, *n, sizeof(**out), by_digest);
	return rc;
}

/* Removes every entry of DIR/digests (the input digests). */
static void drop_digests(const char *dir)
{
	char *path = NULL;
	struct dirent *de;
	DIR *d;

	if (asprintf(&path, "%s/digests", dir) < 0)
		return;
	d = opendir(path);
	while (d != NULL && (de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			(void)unlinkat(dirfd(d), de->d_name, 0);
	if (d != NULL)
		closedir(d);
	free(path);
}

int wpkg_cache_prune(const char *dir, uint64_t max_size, time_t older_than, time_t now, bool with_digests,
		     size_t *removed, uint64_t *bytes, struct wpkg_error *err)
{
	struct wpkg_lock lock = WPKG_LOCK_INIT;
	struct wpkg_cache_entry *v = NULL;
	uint64_t total = 0, gone = 0;
	size_t n = 0, i, k = 0;
	char *path = NULL;
	int rc;

	if (dir == NULL)
		return wpkg_error_set(err, WPKG_E_INVALID, "the cache is off (--no-cache, or no WPKG_CACHE, "
				      "XDG_CACHE_HOME or HOME)");
	/* the lock record writers take too, so that index.json is never rewritten from a stale read */
	if (access(dir, F_OK) != 0 && errno == ENOENT) {
		/* no cache directory yet: nothing to prune */
		rc = 0;
		goto done;
	}
	rc = wpkg_lock_dir(&lock, dir, err);
	if (rc < 0)
		goto out;
	rc = scan(&v, &n, dir, err);
	if (rc < 0)
		goto out;
	if (n > 1)
		qsort(v, n, sizeof(*v), by_use);
	for (i = 0; i < n; i++)
		total += v[i].size;
	for (i = 0; i < n; i++) {
		bool old = older_than > 0 && now - v[i].used >= older_than;

		if (total <= max_size && !old)
			continue;
		free(path);
		if (asprintf(&path, "%s/blobs/sha256/%s", dir, v[i].digest + 7) < 0) {
			path = NULL;
			rc = wpkg_error_nomem(err);
			goto out;
		}
		if (unlink(path) < 0 && errno != ENOENT) {
			rc = wpkg_error_set(err, WPKG_E_IO, "%s: %s", path, strerror(errno));
			goto out;
		}
		total -= v[i].size;
		gone += v[i].size;
		k++;
	}
	wpkg_cache_sweep_records(dir);
	if (with_digests)
		drop_digests(dir);
done:
	*removed = k;
	*bytes = gone;
out:
	wpkg_unlock(&lock);
	free(path);
	free(v);
	return rc;
}
