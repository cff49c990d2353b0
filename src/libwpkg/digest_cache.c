/* SPDX-License-Identifier: Apache-2.0 */
/* digest_cache.c - a file's sha256 and its parts', kept under the cache directory by (dev, inode, size, times). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wpkg/digest_cache.h"
#include "wpkg/fsutil.h"
#include "wpkg/tempreg.h"
#include "digest_cache_internal.h"

#define MAGIC "wpkg-digest-cache 1\n"
#define ENTRY_MAX ((size_t)4 << 20)

static char *cache_dir;

int wpkg_digest_cache_set_dir(const char *dir)
{
	char *d = NULL;

	if (dir != NULL && dir[0] != '\0' && (d = wpkg_path_join(dir, "digests")) == NULL)
		return WPKG_E_NOMEM;
	free(cache_dir);
	cache_dir = d;
	return 0;
}

/* DIR/digests/DEV-INODE-SIZE-MTIME-CTIME; NULL when the cache is off. Caller frees. */
static char *entry_path(const struct stat *st)
{
	char *p = NULL;

	if (cache_dir == NULL)
		return NULL;
	if (asprintf(&p, "%s/%" PRIx64 "-%" PRIx64 "-%" PRIu64 "-%lld.%09ld-%lld.%09ld", cache_dir,
		     (uint64_t)st->st_dev, (uint64_t)st->st_ino, (uint64_t)st->st_size, (long long)st->st_mtim.tv_sec,
		     st->st_mtim.tv_nsec, (long long)st->st_ctim.tv_sec, st->st_ctim.tv_nsec) < 0)
		return NULL;
	return p;
}

static bool is_hex64(const char *s)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return s[64] == '\0' || s[64] == '\n';
}

/* The whole entry, NUL-terminated, or NULL. */
static char *read_entry(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	char *buf = NULL;
	size_t len = 0;
	ssize_t got;

	if (fd < 0)
		return NULL;
	buf = malloc(ENTRY_MAX + 1);
	while (buf != NULL && len < ENTRY_MAX && (got = read(fd, buf + len, ENTRY_MAX - len)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			free(buf);
			buf = NULL;
			break;
		}
		len += (size_t)got;
	}
	close(fd);
	if (buf != NULL)
		buf[len] = '\0';
	return buf;
}

bool wpkg_digest_cache_lookup(const struct stat *st, struct wpkg_digest_range *file, struct wpkg_digest_range *parts,
			      size_t n_parts, bool want_file, bool want_parts)
{
	char *path = entry_path(st), *text = NULL, *line, *save = NULL;
	char file_hex[65] = "";
	char (*hex)[65] = NULL;
	size_t n = 0, i;
	bool hit = false;

	if (path == NULL || (text = read_entry(path)) == NULL || strncmp(text, MAGIC, strlen(MAGIC)) != 0)
		goto out;
	hex = calloc(n_parts + 1, sizeof(*hex));
	if (hex == NULL)
		goto out;
	/* every line must parse and the parts must be exactly the caller's, or the entry is not used */
	for (line = strtok_r(text + strlen(MAGIC), "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		unsigned long long off, size;
		int used = 0;

		if (strncmp(line, "file ", 5) == 0 && is_hex64(line + 5)) {
			memcpy(file_hex, line + 5, 65);
		} else if (sscanf(line, "part %llu %llu %n", &off, &size, &used) == 2 && used > 0 &&
			   is_hex64(line + used) && n < n_parts && parts[n].offset == off && parts[n].size == size) {
			memcpy(hex[n++], line + used, 65);
		} else if (strncmp(line, "size ", 5) == 0 && strtoull(line + 5, NULL, 10) == file->size) {
			continue;
		} else {
			goto out;
		}
	}
	if ((want_file && file_hex[0] == '\0') || (want_parts && n != n_parts))
		goto out;
	if (want_file)
		memcpy(file->sha256, file_hex, 65);
	for (i = 0; want_parts && i < n; i++)
		memcpy(parts[i].sha256, hex[i], 65);
	hit = true;
out:
	free(hex);
	free(text);
	free(path);
	return hit;
}

void wpkg_digest_cache_store(const struct stat *st, const struct wpkg_digest_range *file,
			     const struct wpkg_digest_range *parts, size_t n_parts)
{
	char *path = entry_path(st), *name = NULL, *tmp = NULL;
	size_t i;
	FILE *f = NULL;
	int fd = -1;
	bool ok, all_parts = true;

	if (path == NULL || file->sha256[0] == '\0' || wpkg_mkdir_p(cache_dir, 0700, NULL) < 0 ||
	    asprintf(&name, "%s.tmp.", wpkg_path_base(path)) < 0) {
		name = NULL;
		goto out;
	}
	if (wpkg_temp_open(&tmp, &fd, cache_dir, name, NULL, NULL) < 0 || (f = fdopen(fd, "w")) == NULL)
		goto out;
	fd = -1;
	ok = fprintf(f, MAGIC "size %" PRIu64 "\nfile %s\n", file->size, file->sha256) > 0;
	/* the parts go in all together or not at all (when only the file was hashed) */
	for (i = 0; i < n_parts; i++)
		all_parts = all_parts && parts[i].sha256[0] != '\0';
	for (i = 0; ok && all_parts && i < n_parts; i++)
		ok = fprintf(f, "part %" PRIu64 " %" PRIu64 " %s\n", parts[i].offset, parts[i].size, parts[i].sha256) > 0;
	/* readers see a whole entry or none: it is renamed into place complete */
	if (fclose(f) == 0 && ok && rename(tmp, path) == 0) {
		f = NULL;
		wpkg_tempreg_drop(tmp);
		free(tmp);
		tmp = NULL;
		goto out;
	}
	f = NULL;
out:
	if (f != NULL)
		fclose(f);
	if (fd >= 0)
		close(fd);
	if (tmp != NULL) {
		unlink(tmp);
		wpkg_tempreg_drop(tmp);
	}
	free(tmp);
	free(name);
	free(path);
}
