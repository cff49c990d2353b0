/* SPDX-License-Identifier: Apache-2.0 */
/* archive_index.c - one pass over an oci-archive: every entry checked and recorded, nothing extracted. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <jansson.h>

#include "wpkg/fsutil.h"
#include "wpkg/oci.h"
#include "archive_index.h"
#include "layout_index.h"

#define NAME_MAX_LEN 512
/* oci-layout is a one-line document */
#define LAYOUT_FILE_MAX 4096
/* a compressed tar keeps entries this small in memory (manifests, configs), so that reading them costs no pass */
#define KEEP_ENTRY_MAX ((uint64_t)1 << 20)
#define KEEP_TOTAL_MAX ((uint64_t)8 << 20)

/* ---- the name rules ---- */

static bool all_of(const char *s, size_t n, const char *extra)
{
	size_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr(extra, c) != NULL) || c == '\0')
			return false;
	}
	return true;
}

/* "ALG" or "ALG/HEX" after "blobs/": the characters the image-spec allows in digests. */
static bool blob_name_ok(const char *rest, bool is_dir)
{
	const char *slash = strchr(rest, '/');

	if (slash == NULL)
		return is_dir && all_of(rest, strlen(rest), "+._-");
	return !is_dir && all_of(rest, (size_t)(slash - rest), "+._-") &&
	       all_of(slash + 1, strlen(slash + 1), "ABCDEFGHIJKLMNOPQRSTUVWXYZ=_-");
}

int wpkg_archive_check_name(char *norm, size_t norm_size, const char *name, bool is_dir, bool *skip,
			    struct wpkg_error *err)
{
	const char *p = name, *c;
	size_t len;
	bool ok;

	*skip = false;
	if (name[0] == '/')
		return wpkg_error_set(err, WPKG_E_INVALID, "entry \"%s\": absolute path refused", name);
	if (strncmp(p, "./", 2) == 0)
		p += 2;
	len = strlen(p);
	if (is_dir && len > 0 && p[len - 1] == '/')
		len--;
	if (len == 0 || (len == 1 && p[0] == '.')) {
		*skip = is_dir;
		return is_dir ? 0 : wpkg_error_set(err, WPKG_E_INVALID, "entry \"%s\": not a file name", name);
	}
	if (len >= norm_size)
		return wpkg_error_set(err, WPKG_E_INVALID, "entry \"%.60s...\": name too long", name);
	memcpy(norm, p, len);
	norm[len] = '\0';
	/* every component: not empty, not ".", not ".." */
	for (c = norm; c != NULL; c = strchr(c, '/') ? strchr(c, '/') + 1 : NULL) {
		size_t n = strcspn(c, "/");

		if (n == 2 && strncmp(c, "..", 2) == 0)
			return wpkg_error_set(err, WPKG_E_INVALID, "entry \"%s\": \"..\" component refused", name);
		if (n == 0 || (n == 1 && c[0] == '.'))
			return wpkg_error_set(err, WPKG_E_INVALID, "entry \"%s\": empty or \".\" component refused",
					      name);
	}
	if (is_dir)
		ok = strcmp(norm, "blobs") == 0 || (strncmp(norm, "blobs/", 6) == 0 && blob_name_ok(norm + 6, true));
	else
		ok = strcmp(norm, "oci-layout") == 0 || strcmp(norm, "index.json") == 0 ||
		     (strncmp(norm, "blobs/", 6) == 0 && blob_name_ok(norm + 6, false));
	if (!ok)
		return wpkg_error_set(err, WPKG_E_INVALID,
				      "entry \"%s\": not part of an OCI image layout (oci-layout, index.json, "
				      "blobs/ALG/HEX)", name);
	return 0;
}

/* Only directories and regular files: an OCI layout needs nothing else, and links could lead out. */
int wpkg_archive_check_type(struct archive_entry *e, const char *name, struct wpkg_error *err)
{
	mode_t type = archive_entry_filetype(e);

	if (archive_entry_hardlink(e) != NULL)
		return wpkg_error_set(err, WPKG_E_INVALID, "entry \"%s\": hard link to \"%s\" refused", name,
				      archive_entry_hardlink(e));
	if (type == AE_IFLNK)
		return wpkg_error_set(err, WPKG_E_INVALID, "entry \"%s\": symbolic link to \"%s\" refused", name,
				      archive_entry_symlink(e) ? archive_entry_symlink(e) : "");
	if (type != AE_IFREG && type != AE_IFDIR)
		return wpkg_error_set(err, WPKG_E_INVALID, "entry \"%s\": device, fifo or socket refused", name);
	/* holes expand on extraction (a few KB of tar, gigabytes written), and have no one data offset */
	if (archive_entry_sparse_count(e) > 0)
		return wpkg_error_set(err, WPKG_E_INVALID, "entry \"%s\": sparse file refused", name);
	return 0;
}


/* ---- a pass: libarchive reading the held descriptor by pread ---- */

struct pass {
	int fd;
	uint64_t off, size;
	unsigned char *buf;
};

static la_ssize_t pass_read(struct archive *a, void *payload, const void **out)
{
	struct pass *p = payload;
	ssize_t n;

	do
		n = pread(p->fd, p->buf, WPKG_IO_CHUNK, (off_t)p->off);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		archive_set_error(a, errno, "%s", strerror(errno));
		return -1;
	}
	p->off += (uint64_t)n;
	*out = p->buf;
	return n;
}

/* An uncompressed tar skips each entry's data without reading it: the scan reads headers only. */
static la_int64_t pass_skip(struct archive *a, void *payload, la_int64_t request)
{
	struct pass *p = payload;
	uint64_t left = p->size > p->off ? p->size - p->off : 0;
	uint64_t n = request < 0 ? 0 : (uint64_t)request;

	(void)a;
	if (n > left)
		n = left;
	p->off += n;
	return (la_int64_t)n;
}

static int pass_close(struct archive *a, void *payload)
{
	struct pass *p = payload;

	(void)a;
	free(p->buf);
	free(p);
	return ARCHIVE_OK;
}

int wpkg_archive_index_pass(struct archive **out, const struct wpkg_archive_index *ix, struct wpkg_error *err)
{
	struct archive *a = archive_read_new();
	struct pass *p = calloc(1, sizeof(*p));
	int rc = 0;

	if (a == NULL || p == NULL || (p->buf = malloc(WPKG_IO_CHUNK)) == NULL) {
		archive_read_free(a);
		free(p);
		return wpkg_error_nomem(err);
	}
	p->fd = ix->fd;
	p->size = ix->file_size;
	/* a tar, maybe compressed: no other format, no external programs */
	archive_read_support_format_tar(a);
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_zstd(a);
	/* from here libarchive owns p: pass_close frees it, whether the open worked or not */
	if (archive_read_open2(a, p, NULL, pass_read, pass_skip, pass_close) != ARCHIVE_OK)
		rc = wpkg_error_set(err, WPKG_E_INVALID, "%s: %s", ix->path, archive_error_string(a));
	if (rc < 0) {
		archive_read_free(a);
		return rc;
	}
	*out = a;
	return 0;
}

/* ---- the scan ---- */

struct scan {
	struct wpkg_archive_index *ix;
	const struct wpkg_archive_caps *caps;
	size_t cap_v;
	uint64_t total, kept;
};

void wpkg_archive_index_free(struct wpkg_archive_index *ix)
{
	size_t i;

	if (ix == NULL)
		return;
	for (i = 0; i < ix->n; i++) {
		free(ix->v[i].name);
		wpkg_buf_free(&ix->v[i].mem);
	}
	free(ix->v);
	json_decref(ix->names);
	if (ix->fd >= 0)
		close(ix->fd);
	free(ix->path);
	free(ix);
}

const struct wpkg_archive_entry *wpkg_archive_index_find(const struct wpkg_archive_index *ix, const char *name)
{
	const json_t *i = json_object_get(ix->names, name);

	return i != NULL ? &ix->v[json_integer_value(i)] : NULL;
}

/* The entry's data into e->mem, checking that the tar holds as many bytes as its header says. */
static int keep_data(struct archive *a, struct wpkg_archive_entry *e, const char *name, struct wpkg_error *err)
{
	la_ssize_t n;
	int rc;

	rc = wpkg_buf_grow(&e->mem, (size_t)e->size) < 0 ? wpkg_error_nomem(err) : 0;
	while (rc == 0 && e->mem.len < e->size) {
		n = archive_read_data(a, e->mem.data + e->mem.len, (size_t)e->size - e->mem.len);
		if (n <= 0)
			return wpkg_error_set(err, WPKG_E_INVALID, "entry \"%s\": %s", name,
					      n < 0 ? archive_error_string(a) : "shorter than its header says");
		e->mem.len += (size_t)n;
	}
	if (rc == 0) {
		e->mem.data[e->mem.len] = '\0';
		e->in_mem = true;
	}
	return rc;
}

/* Records one regular file, named norm after the checks. */
static int record(struct scan *sc, struct archive *a, struct archive_entry *ae, const char *name, const char *norm,
		  size_t ordinal, struct wpkg_error *err)
{
	struct wpkg_archive_index *ix = sc->ix;
	struct wpkg_archive_entry *e;
	uint64_t size = archive_entry_size_is_set(ae) && archive_entry_size(ae) > 0 ? (uint64_t)archive_entry_size(ae) : 0;
	bool layout_doc = strcmp(norm, "oci-layout") == 0 || strcmp(norm, "index.json") == 0;

	if (json_object_get(ix->names, norm) != NULL)
		return wpkg_error_set(err, WPKG_E_INVALID, "entry \"%s\": duplicate entry", name);
	if (size > sc->caps->entry)
		return wpkg_error_set(err, WPKG_E_TOO_LARGE, "entry \"%s\": %llu bytes, more than the cap of %llu",
				      name, (unsigned long long)size, (unsigned long long)sc->caps->entry);
	sc->total += size;
	if (sc->total > sc->caps->total)
		return wpkg_error_set(err, WPKG_E_TOO_LARGE,
				      "entry \"%s\": more than %llu bytes in all; pass --archive-max-size SIZE to allow "
				      "more", name, (unsigned long long)sc->caps->total);
	if (ix->n == sc->cap_v) {
		size_t want = sc->cap_v ? sc->cap_v * 2 : 16;
		struct wpkg_archive_entry *v = realloc(ix->v, want * sizeof(*v));

		if (v == NULL)
			return wpkg_error_nomem(err);
		ix->v = v;
		sc->cap_v = want;
	}
	e = &ix->v[ix->n];
	memset(e, 0, sizeof(*e));
	wpkg_buf_init(&e->mem);
	e->name = strdup(norm);
	if (e->name == NULL || json_object_set_new(ix->names, norm, json_integer((json_int_t)ix->n)) != 0) {
		free(e->name);
		return wpkg_error_nomem(err);
	}
	ix->n++;
	e->size = size;
	e->ordinal = ordinal;
	if (!ix->compressed) {
		/* right after its header: libarchive has consumed the header blocks and no more */
		e->offset = (uint64_t)archive_filter_bytes(a, 0);
		if (e->offset % 512 != 0 || e->offset > ix->file_size || size > ix->file_size - e->offset)
			return wpkg_error_set(err, WPKG_E_INVALID, "entry \"%s\": data past the end of the file", name);
	}
	if (layout_doc && size > WPKG_DOC_MAX)
		return wpkg_error_set(err, WPKG_E_TOO_LARGE, "entry \"%s\": %llu bytes, more than %zu", name,
				      (unsigned long long)size, WPKG_DOC_MAX);
	if (layout_doc || (ix->compressed && size <= KEEP_ENTRY_MAX && sc->kept + size <= KEEP_TOTAL_MAX)) {
		sc->kept += size;
		return keep_data(a, e, name, err);
	}
	return 0;
}

static int scan_entry(struct scan *sc, struct archive *a, struct archive_entry *ae, size_t ordinal,
		      struct wpkg_error *err)
{
	const char *name = archive_entry_pathname(ae);
	bool is_dir = archive_entry_filetype(ae) == AE_IFDIR, skip = false;
	char norm[NAME_MAX_LEN];
	int rc;

	if (name == NULL)
		return wpkg_error_set(err, WPKG_E_INVALID, "an entry without a name");
	rc = wpkg_archive_check_type(ae, name, err);
	if (rc == 0)
		rc = wpkg_archive_check_name(norm, sizeof(norm), name, is_dir, &skip, err);
	if (rc < 0 || skip || is_dir)
		return rc;
	return record(sc, a, ae, name, norm, ordinal, err);
}

static int scan(struct scan *sc, struct wpkg_error *err)
{
	struct archive *a = NULL;
	struct archive_entry *ae;
	size_t count = 0;
	int r, rc;

	rc = wpkg_archive_index_pass(&a, sc->ix, err);
	while (rc == 0 && (r = archive_read_next_header(a, &ae)) != ARCHIVE_EOF) {
		if (r < ARCHIVE_WARN) {
			rc = wpkg_error_set(err, WPKG_E_INVALID, "not a tar archive: %s", archive_error_string(a));
			break;
		}
		if (count == 0)
			sc->ix->compressed = archive_filter_code(a, 0) != ARCHIVE_FILTER_NONE;
		if (++count > sc->caps->entries) {
			rc = wpkg_error_set(err, WPKG_E_TOO_LARGE, "more than %zu entries", sc->caps->entries);
			break;
		}
		rc = scan_entry(sc, a, ae, count - 1, err);
	}
	archive_read_free(a);
	return rc;
}

static int open_file(struct wpkg_archive_index *ix, const char *path, struct wpkg_error *err)
{
	struct stat st;
	int rc;

	ix->path = strdup(path);
	if (ix->path == NULL)
		return wpkg_error_nomem(err);
	rc = wpkg_open_regular(&ix->fd, path, &st, err);
	if (rc == 0)
		ix->file_size = (uint64_t)st.st_size;
	return rc;
}

int wpkg_archive_index_open(struct wpkg_archive_index **out, const char *path, const struct wpkg_archive_caps *caps,
			    struct wpkg_error *err)
{
	struct wpkg_archive_index *ix = calloc(1, sizeof(*ix));
	struct scan sc = { .ix = ix, .caps = caps };
	const struct wpkg_archive_entry *layout;
	char what[600];
	int rc;

	if (ix == NULL)
		return wpkg_error_nomem(err);
	ix->fd = -1;
	ix->names = json_object();
	rc = ix->names == NULL ? wpkg_error_nomem(err) : open_file(ix, path, err);
	if (rc < 0)
		goto out;
	rc = scan(&sc, err);
	if (rc < 0) {
		wpkg_error_wrap(err, "%s", path);
		goto out;
	}
	layout = wpkg_archive_index_find(ix, "oci-layout");
	snprintf(what, sizeof(what), "%s: oci-layout", path);
	if (layout == NULL)
		rc = wpkg_error_set(err, WPKG_E_INVALID, "%s: not an OCI archive (no oci-layout entry)", path);
	else if (layout->size > LAYOUT_FILE_MAX)
		rc = wpkg_error_set(err, WPKG_E_TOO_LARGE, "%s: more than %d bytes", what, LAYOUT_FILE_MAX);
	else
		rc = wpkg_layout_version_check(layout->mem.data, layout->mem.len, what, err);
out:
	if (rc == 0)
		*out = ix;
	else
		wpkg_archive_index_free(ix);
	return rc;
}
