/* SPDX-License-Identifier: Apache-2.0 */
/* store_archive.c - the oci-archive backend: read in place when read-only; else extracted safely, rewritten on commit. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "wpkg/tempreg.h"
#include "wpkg/fsutil.h"
#include "wpkg/settings.h"
#include "wpkg/wasm_config.h"
#include "store_internal.h"

#define NAME_MAX_LEN 512

/* ---- reading ---- */

/* the caps, and the bytes extracted so far */
struct caps {
	struct wpkg_archive_caps c;
	uint64_t used;
};

/* given (from the store options), else s (the settings' value for the variable name), else dflt. */
static uint64_t env_cap(const struct wpkg_log_sink *log, const char *name, const char *s, uint64_t given,
		       uint64_t dflt)
{
	char *end;
	unsigned long long v;

	if (given != 0)
		return given;
	if (s == NULL || s[0] == '\0')
		return dflt;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0) {
		wpkg_log_to(log, WPKG_LOG_WARN, "%s \"%s\" is not a positive number; using %llu", name, s,
			    (unsigned long long)dflt);
		return dflt;
	}
	return v;
}

/* Copies the entry's data into a new file at path, counting against the cap. */
static int extract_file(struct archive *a, const char *path, const char *name, struct caps *caps,
			struct wpkg_error *err)
{
	char *chunk = malloc(WPKG_IO_CHUNK);
	uint64_t total = 0;
	la_ssize_t n;
	int fd, rc = 0;

	if (chunk == NULL)
		return wpkg_error_nomem(err);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = errno == EEXIST ? wpkg_error_set(err, WPKG_E_INVALID, "entry \"%s\": duplicate entry", name)
				     : wpkg_error_set(err, WPKG_E_IO, "%s: %s", path, strerror(errno));
		free(chunk);
		return rc;
	}
	while (rc == 0 && (n = archive_read_data(a, chunk, WPKG_IO_CHUNK)) != 0) {
		if (n < 0) {
			rc = wpkg_error_set(err, WPKG_E_INVALID, "entry \"%s\": %s", name, archive_error_string(a));
			break;
		}
		total += (uint64_t)n;
		caps->used += (uint64_t)n;
		if (total > caps->c.entry) {
			rc = wpkg_error_set(err, WPKG_E_TOO_LARGE, "entry \"%s\": larger than %llu bytes", name,
					    (unsigned long long)caps->c.entry);
			break;
		}
		if (caps->used > caps->c.total) {
			rc = wpkg_error_set(err, WPKG_E_TOO_LARGE,
					    "entry \"%s\": more than %llu bytes extracted in all; pass --archive-max-size "
					    "SIZE to allow more", name, (unsigned long long)caps->c.total);
			break;
		}
		rc = wpkg_write_all(fd, chunk, (size_t)n, err);
	}
	if (close(fd) < 0 && rc == 0)
		rc = wpkg_error_set(err, WPKG_E_IO, "%s: %s", path, strerror(errno));
	free(chunk);
	return rc;
}

static int extract_entry(struct archive *a, struct archive_entry *e, const char *dir, struct caps *caps,
			  struct wpkg_error *err)
{
	const char *name = archive_entry_pathname(e);
	bool is_dir = archive_entry_filetype(e) == AE_IFDIR, skip = false;
	char norm[NAME_MAX_LEN], *path = NULL, *slash;
	int rc;

	if (name == NULL)
		return wpkg_error_set(err, WPKG_E_INVALID, "an entry without a name");
	rc = wpkg_archive_check_type(e, name, err);
	if (rc == 0)
		rc = wpkg_archive_check_name(norm, sizeof(norm), name, is_dir, &skip, err);
	if (rc < 0 || skip)
		return rc;
	if (!is_dir && archive_entry_size_is_set(e) && (uint64_t)archive_entry_size(e) > caps->c.entry)
		return wpkg_error_set(err, WPKG_E_TOO_LARGE, "entry \"%s\": %lld bytes, more than the cap of %llu",
				      name, (long long)archive_entry_size(e), (unsigned long long)caps->c.entry);
	path = wpkg_path_join(dir, norm);
	if (path == NULL)
		return wpkg_error_nomem(err);
	/* parents may come later in the tar, or not at all */
	slash = strrchr(path, '/');
	*slash = '\0';
	rc = wpkg_mkdir_p(path, 0755, err);
	*slash = '/';
	if (rc == 0)
		rc = is_dir ? wpkg_mkdir_p(path, 0755, err) : extract_file(a, path, name, caps, err);
	free(path);
	return rc;
}

static int extract(const char *file, const char *dir, struct caps *caps, struct wpkg_error *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	size_t count = 0;
	int r, rc = 0;

	if (a == NULL)
		return wpkg_error_nomem(err);
	/* tar only; compressed ones are recognised to be refused by name: they are read in place, never rewritten */
	archive_read_support_format_tar(a);
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_zstd(a);
	if (archive_read_open_filename(a, file, WPKG_IO_CHUNK) != ARCHIVE_OK) {
		/* libarchive's own errno: the global one may be stale (a compressed archive is bad input, not missing) */
		rc = wpkg_error_set(err, archive_errno(a) == ENOENT ? WPKG_E_NOT_FOUND : WPKG_E_INVALID, "%s: %s", file,
				    archive_error_string(a));
		goto out;
	}
	while (rc == 0 && (r = archive_read_next_header(a, &e)) != ARCHIVE_EOF) {
		if (r < ARCHIVE_WARN) {
			rc = wpkg_error_set(err, WPKG_E_INVALID, "not a tar archive: %s", archive_error_string(a));
			break;
		}
		if (count == 0 && archive_filter_code(a, 0) != ARCHIVE_FILTER_NONE) {
			rc = wpkg_error_set(err, WPKG_E_UNSUPPORTED, "a %s compressed archive is only read; write to a "
					    "plain tar (decompress it first)", archive_filter_name(a, 0));
			break;
		}
		if (++count > caps->c.entries) {
			rc = wpkg_error_set(err, WPKG_E_TOO_LARGE, "more than %zu entries", caps->c.entries);
			break;
		}
		rc = extract_entry(a, e, dir, caps, err);
	}
	if (rc < 0)
		wpkg_error_wrap(err, "%s", file);
out:
	archive_read_free(a);
	return rc;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int make_tmpdir(char **out, struct wpkg_error *err)
{
	if (asprintf(out, "%s/wpkg-archive.XXXXXX", wpkg_settings_tmpdir()) < 0) {
		*out = NULL;
		return wpkg_error_nomem(err);
	}
	if (mkdtemp(*out) != NULL) {
		wpkg_tempreg_add(*out, true);
	} else {
		int rc = wpkg_error_set(err, WPKG_E_IO, "%s: %s", *out, strerror(errno));

		free(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}

static int archive_open(struct wpkg_store *s, const struct wpkg_ref *ref, const struct wpkg_store_opts *opts,
			struct wpkg_error *err)
{
	struct wpkg_store_local *l;
	struct caps caps;
	struct stat st;
	char *layout_file = NULL;
	bool exists;
	int rc;

	rc = wpkg_store_local_new(s, ref->path, err);
	if (rc < 0)
		return rc;
	l = s->be;
	l->archive = strdup(ref->path);
	if (l->archive == NULL)
		return wpkg_error_nomem(err);
	/*
	 * A writer holds its folder's lock from the read to the rewrite, so that
	 * parallel pushes into one archive each add to what the last one wrote.
	 * A missing folder is left for the rewrite to report.
	 */
	if (opts->writable) {
		rc = wpkg_lock_parent(&l->lock, l->archive, err);
		if (rc < 0 && rc != WPKG_E_NOT_FOUND)
			return rc;
		l->locked = rc == 0;
	}
	exists = stat(l->archive, &st) == 0;
	if (!exists && (errno != ENOENT || !opts->writable))
		return wpkg_error_set(err, errno == ENOENT ? WPKG_E_NOT_FOUND : WPKG_E_IO, "%s: %s", l->archive,
				      strerror(errno));
	if (exists && !S_ISREG(st.st_mode))
		return wpkg_error_set(err, WPKG_E_INVALID, "%s: not a regular file", l->archive);
	caps.c.entry = env_cap(&s->log, "WPKG_ARCHIVE_MAX_ENTRY", wpkg_settings_get()->archive_max_entry,
			     opts->max_entry_size, WPKG_ARCHIVE_ENTRY_MAX);
	caps.c.entries = (size_t)env_cap(&s->log, "WPKG_ARCHIVE_MAX_ENTRIES", wpkg_settings_get()->archive_max_entries,
				       opts->max_entries, WPKG_ARCHIVE_ENTRIES_MAX);
	caps.c.total = opts->max_total_size != 0 ? opts->max_total_size : WPKG_ARCHIVE_TOTAL_MAX;
	caps.used = 0;
	/* a reader needs no copy: the tar is scanned once and read in place, nothing written anywhere */
	if (opts->read_only && !opts->writable)
		return wpkg_store_archive_read_open(s, &caps.c, err);
	/*
	 * A writer extracts, changes the layout and rewrites the whole tar on
	 * commit: a tar cannot be changed in place (index.json comes first and
	 * grows), and the lock held from this read to the rename keeps parallel
	 * writers from losing each other's changes.
	 */
	rc = make_tmpdir(&l->tmpdir, err);
	if (rc < 0)
		return rc;
	if (exists) {
		rc = extract(l->archive, l->tmpdir, &caps, err);
		layout_file = wpkg_path_join(l->tmpdir, "oci-layout");
		if (rc == 0 && layout_file == NULL)
			rc = wpkg_error_nomem(err);
		if (rc == 0 && access(layout_file, F_OK) != 0)
			rc = wpkg_error_set(err, WPKG_E_INVALID, "%s: not an OCI archive (no oci-layout entry)",
					    l->archive);
	}
	if (rc == 0)
		rc = wpkg_layout_open(&l->layout, l->tmpdir, opts->writable, err);
	free(layout_file);
	return rc;
}

static void archive_close(struct wpkg_store *s)
{
	struct wpkg_store_local *l = s->be;

	if (l != NULL && l->tmpdir != NULL) {
		nftw(l->tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
		wpkg_tempreg_drop(l->tmpdir);
	}
	if (l != NULL && l->locked)
		wpkg_unlock(&l->lock);
	wpkg_store_local_close(s);
}

/* ---- writing ---- */

struct writer {
	struct archive *a;
	const char *dir;      /* the layout */
	time_t mtime;
	struct wpkg_error *err;
};

static int write_failed(struct writer *w, const char *name)
{
	return wpkg_error_set(w->err, WPKG_E_IO, "write entry %s: %s", name, archive_error_string(w->a));
}

/* One entry with fixed metadata, so the same layout always gives the same bytes. */
static int add_entry(struct writer *w, const char *name, bool is_dir)
{
	struct archive_entry *e = archive_entry_new();
	char *path = wpkg_path_join(w->dir, name);
	char *chunk = NULL;
	struct stat st;
	int fd = -1, rc = 0;
	ssize_t n;

	if (e == NULL || path == NULL) {
		rc = wpkg_error_nomem(w->err);
		goto out;
	}
	if (!is_dir) {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0 || fstat(fd, &st) < 0) {
			rc = wpkg_error_set(w->err, WPKG_E_IO, "%s: %s", path, strerror(errno));
			goto out;
		}
	}
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, is_dir ? AE_IFDIR : AE_IFREG);
	archive_entry_set_perm(e, is_dir ? 0755 : 0644);
	archive_entry_set_size(e, is_dir ? 0 : st.st_size);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	archive_entry_set_mtime(e, w->mtime, 0);
	if (archive_write_header(w->a, e) != ARCHIVE_OK) {
		rc = write_failed(w, name);
		goto out;
	}
	if (!is_dir && (chunk = malloc(WPKG_IO_CHUNK)) == NULL)
		rc = wpkg_error_nomem(w->err);
	while (!is_dir && rc == 0 && (n = read(fd, chunk, WPKG_IO_CHUNK)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			rc = wpkg_error_set(w->err, WPKG_E_IO, "%s: %s", path, strerror(errno));
		else if (archive_write_data(w->a, chunk, (size_t)n) != n)
			rc = write_failed(w, name);
	}
out:
	if (fd >= 0)
		close(fd);
	free(chunk);
	free(path);
	archive_entry_free(e);
	return rc;
}

/* Byte order, whatever the locale: the tar's entry order must not depend on it. */
static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* True when dir/name is a directory (is_dir) or a regular file, not following links. */
static bool is_type(const char *dir, const char *name, bool is_dir)
{
	char *path = wpkg_path_join(dir, name);
	struct stat st;
	bool ok = path != NULL && lstat(path, &st) == 0 && (is_dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode));

	free(path);
	return ok;
}

/* sub ("blobs" or "blobs/ALG") and what is under it, sorted; only names the reader accepts. */
static int add_tree(struct writer *w, const char *sub)
{
	struct dirent **v = NULL;
	char *path = wpkg_path_join(w->dir, sub), *child = NULL;
	char norm[NAME_MAX_LEN];
	struct wpkg_error ignored;
	int n, i, rc;
	bool is_dir = strchr(sub, '/') == NULL, skip;

	if (path == NULL)
		return wpkg_error_nomem(w->err);
	rc = add_entry(w, sub, true);
	n = rc == 0 ? scandir(path, &v, NULL, by_name) : 0;
	if (n < 0)
		rc = wpkg_error_set(w->err, WPKG_E_IO, "%s: %s", path, strerror(errno));
	for (i = 0; i < n; i++) {
		if (rc == 0 && asprintf(&child, "%s/%s", sub, v[i]->d_name) < 0) {
			child = NULL;
			rc = wpkg_error_nomem(w->err);
		}
		/* temporaries and anything else a reader would refuse stay out */
		if (rc == 0 && wpkg_archive_check_name(norm, sizeof(norm), child, is_dir, &skip, &ignored) == 0 &&
		    !skip && is_type(w->dir, child, is_dir))
			rc = is_dir ? add_tree(w, child) : add_entry(w, child, false);
		free(child);
		child = NULL;
		free(v[i]);
	}
	free(v);
	free(path);
	return rc;
}

static int archive_mtime(time_t *out, struct wpkg_error *err)
{
	*out = 0;
	if (wpkg_settings_get()->source_date_epoch == NULL)
		return 0;
	return wpkg_build_time(out, err);
}

static int archive_commit(struct wpkg_store *s, struct wpkg_error *err)
{
	const struct wpkg_store_local *l = s->be;
	struct wpkg_atomic_file f = { .fd = -1 };
	struct writer w = { NULL, l->tmpdir, 0, err };
	int rc;

	rc = archive_mtime(&w.mtime, err);
	if (rc == 0)
		rc = wpkg_atomic_open(&f, l->archive, 0644, err);
	if (rc < 0)
		return rc;
	w.a = archive_write_new();
	if (w.a == NULL) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	archive_write_set_format_pax_restricted(w.a);
	if (archive_write_open_fd(w.a, f.fd) != ARCHIVE_OK) {
		rc = write_failed(&w, l->archive);
		goto out;
	}
	rc = add_entry(&w, "oci-layout", false);
	if (rc == 0)
		rc = add_entry(&w, "index.json", false);
	if (rc == 0)
		rc = add_tree(&w, "blobs");
	if (rc == 0 && archive_write_close(w.a) != ARCHIVE_OK)
		rc = write_failed(&w, l->archive);
	if (rc == 0)
		rc = wpkg_atomic_commit(&f, err);
out:
	if (w.a != NULL)
		archive_write_free(w.a);
	if (f.tmp_path != NULL && rc < 0)
		wpkg_atomic_abort(&f);
	if (rc < 0)
		wpkg_error_wrap(err, "write %s", l->archive);
	return rc;
}

const struct wpkg_store_ops wpkg_store_archive_ops = {
	.name = "oci-archive",
	.open = archive_open,
	.commit = archive_commit,
	.close = archive_close,
	LOCAL_OPS,
};
