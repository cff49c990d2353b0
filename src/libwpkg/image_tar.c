/* SPDX-License-Identifier: Apache-2.0 */
/* image_tar.c - writes the one-file tar+gzip layer of an image package, reproducibly and streamed. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "wpkg/tempreg.h"
#include "image_internal.h"
#include "wpkg/fsutil.h"

/* Where libarchive's output goes: hashed always, written to fd when fd >= 0. */
struct sink {
	int fd;
	struct wpkg_hasher h;
	struct wpkg_error *err;
	bool failed;          /* err already holds the write error */
};

static la_ssize_t sink_write(struct archive *a, void *payload, const void *buf, size_t len)
{
	struct sink *s = payload;

	wpkg_hasher_update(&s->h, buf, len);
	if (s->fd >= 0 && wpkg_write_all(s->fd, buf, len, s->err) < 0) {
		s->failed = true;
		archive_set_error(a, EIO, "write failed");
		return -1;
	}
	return (la_ssize_t)len;
}

/* A libarchive failure as a wpkg error, unless the sink already recorded the real one. */
static int archive_fail(struct archive *a, const struct sink *s, const char *what, struct wpkg_error *err)
{
	if (s->failed)
		return wpkg_error_wrap(err, "%s", what);
	return wpkg_error_set(err, WPKG_E_IO, "%s: %s", what, archive_error_string(a));
}

/* Copies size bytes of the open file into the current entry; a file that changed size is an error. */
static int copy_data(struct archive *a, const struct sink *s, int in, const char *file, uint64_t size,
		     struct wpkg_error *err)
{
	uint64_t done = 0;
	char *buf = malloc(WPKG_IO_CHUNK);
	ssize_t n;
	int rc = 0;

	if (buf == NULL)
		return wpkg_error_nomem(err);
	for (;;) {
		n = read(in, buf, WPKG_IO_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = wpkg_error_set(err, WPKG_E_IO, "%s: read: %s", file, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		done += (uint64_t)n;
		if (done > size)
			break;
		if (archive_write_data(a, buf, (size_t)n) != n) {
			rc = archive_fail(a, s, "layer tar", err);
			goto out;
		}
	}
	if (done != size)
		rc = wpkg_error_set(err, WPKG_E_IO, "%s: changed size while being packaged", file);
out:
	free(buf);
	return rc;
}

/* One pass: the tar (gzip'd when gzip) of file as name, through s. */
static int write_pass(struct sink *s, bool gzip, const char *file, const char *name, uint64_t size,
		      time_t mtime, struct wpkg_error *err)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	struct stat st;
	int in = -1, rc = 0;

	if (a == NULL || e == NULL) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	/*
	 * ustar unless the name needs pax; no padding of the last block, so the
	 * plain pass hashes exactly the bytes the gzip stream holds (and the gzip
	 * stream ends with its trailer, which Go's multistream readers require).
	 * !timestamp: gzip's header mtime stays 0.
	 */
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    (gzip ? archive_write_add_filter_gzip(a) : archive_write_add_filter_none(a)) != ARCHIVE_OK ||
	    (gzip && archive_write_set_options(a, "gzip:!timestamp") != ARCHIVE_OK) ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open(a, s, NULL, sink_write, NULL) != ARCHIVE_OK) {
		rc = archive_fail(a, s, "layer tar", err);
		goto out;
	}
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)size);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	archive_entry_set_mtime(e, mtime, 0);
	rc = wpkg_open_regular(&in, file, &st, err);
	if (rc < 0)
		goto out;
	if (archive_write_header(a, e) != ARCHIVE_OK) {
		rc = archive_fail(a, s, "layer tar", err);
		goto out;
	}
	rc = copy_data(a, s, in, file, size, err);
	if (rc == 0 && archive_write_close(a) != ARCHIVE_OK)
		rc = archive_fail(a, s, "layer tar", err);
out:
	if (in >= 0)
		close(in);
	archive_entry_free(e);
	archive_write_free(a);
	return rc;
}

int wpkg_image_tar_write(struct wpkg_image_layer *out, const char *file, const char *entry_name,
			 uint64_t size, time_t mtime, struct wpkg_error *err)
{
	struct sink plain = { .fd = -1, .err = err }, gz = { .fd = -1, .err = err };
	struct wpkg_image_layer res = { 0 };
	int rc;

	rc = wpkg_hasher_init(&plain.h, WPKG_DIGEST_SHA256, err);
	if (rc < 0)
		return rc;
	rc = wpkg_hasher_init(&gz.h, WPKG_DIGEST_SHA256, err);
	if (rc < 0)
		goto out;
	rc = write_pass(&plain, false, file, entry_name, size, mtime, err);
	if (rc == 0)
		rc = wpkg_temp_open(&res.path, &gz.fd, NULL, "wpkg-layer-", NULL, err);
	if (rc == 0)
		rc = write_pass(&gz, true, file, entry_name, size, mtime, err);
	if (rc < 0)
		goto out;
	wpkg_hasher_final(&plain.h, &res.diff_id);
	res.size = gz.h.size;
	wpkg_hasher_final(&gz.h, &res.digest);
	*out = res;
	res.path = NULL;
out:
	wpkg_hasher_discard(&plain.h);
	wpkg_hasher_discard(&gz.h);
	if (gz.fd >= 0)
		close(gz.fd);
	if (res.path != NULL) {
		unlink(res.path);
		wpkg_tempreg_drop(res.path);
	}
	free(res.path);
	return rc;
}
