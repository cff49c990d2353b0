/* SPDX-License-Identifier: Apache-2.0 */
/* archive_read.c - one entry of an oci-archive read in place: from memory, at its offset, or by a fresh pass. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "wpkg/fsutil.h"
#include "archive_index.h"

static int changed(const struct wpkg_archive_index *ix, const struct wpkg_archive_entry *e, struct wpkg_error *err)
{
	return wpkg_error_set(err, WPKG_E_IO, "%s: entry \"%s\": file changed while reading", ix->path, e->name);
}

/* An uncompressed tar: the data is a range of the file. */
static int each_at_offset(const struct wpkg_archive_index *ix, const struct wpkg_archive_entry *e,
			  wpkg_archive_sink_fn fn, void *payload, unsigned char *chunk, struct wpkg_error *err)
{
	uint64_t done = 0;
	ssize_t n;
	int rc = 0;

	while (rc == 0 && done < e->size) {
		size_t want = e->size - done < WPKG_IO_CHUNK ? (size_t)(e->size - done) : WPKG_IO_CHUNK;

		n = pread(ix->fd, chunk, want, (off_t)(e->offset + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return wpkg_error_set(err, WPKG_E_IO, "%s: %s", ix->path, strerror(errno));
		if (n == 0)
			return changed(ix, e, err);
		done += (uint64_t)n;
		rc = fn(payload, chunk, (size_t)n, err);
	}
	return rc;
}

/* Finds e's header again in a fresh pass: same place, same name, same size, or the file changed. */
static int seek_entry(struct archive *a, const struct wpkg_archive_index *ix, const struct wpkg_archive_entry *e,
		      struct wpkg_error *err)
{
	struct archive_entry *ae;
	struct wpkg_error ignored;
	char norm[512];
	bool skip;
	size_t i;

	for (i = 0; i <= e->ordinal; i++)
		if (archive_read_next_header(a, &ae) < ARCHIVE_WARN)
			return wpkg_error_set(err, WPKG_E_INVALID, "%s: entry \"%s\": %s", ix->path, e->name,
					      archive_error_string(a));
	if (archive_entry_pathname(ae) == NULL ||
	    wpkg_archive_check_name(norm, sizeof(norm), archive_entry_pathname(ae), false, &skip, &ignored) < 0 ||
	    strcmp(norm, e->name) != 0 || archive_entry_size(ae) != (la_int64_t)e->size)
		return changed(ix, e, err);
	return 0;
}

/* A compressed tar: decompressed from the start up to the entry, the only way to reach it. */
static int each_by_pass(const struct wpkg_archive_index *ix, const struct wpkg_archive_entry *e,
			wpkg_archive_sink_fn fn, void *payload, unsigned char *chunk, struct wpkg_error *err)
{
	struct archive *a = NULL;
	uint64_t done = 0;
	la_ssize_t n;
	int rc;

	rc = wpkg_archive_index_pass(&a, ix, err);
	if (rc == 0)
		rc = seek_entry(a, ix, e, err);
	while (rc == 0 && (n = archive_read_data(a, chunk, WPKG_IO_CHUNK)) != 0) {
		if (n < 0) {
			rc = wpkg_error_set(err, WPKG_E_INVALID, "%s: entry \"%s\": %s", ix->path, e->name,
					    archive_error_string(a));
			break;
		}
		done += (uint64_t)n;
		rc = fn(payload, chunk, (size_t)n, err);
	}
	if (rc == 0 && done != e->size)
		rc = changed(ix, e, err);
	archive_read_free(a);
	return rc;
}

int wpkg_archive_entry_each(const struct wpkg_archive_index *ix, const struct wpkg_archive_entry *e,
			    wpkg_archive_sink_fn fn, void *payload, struct wpkg_error *err)
{
	unsigned char *chunk;
	int rc;

	if (e->in_mem)
		return e->size == 0 ? 0 : fn(payload, e->mem.data, e->mem.len, err);
	chunk = malloc(WPKG_IO_CHUNK);
	if (chunk == NULL)
		return wpkg_error_nomem(err);
	rc = ix->compressed ? each_by_pass(ix, e, fn, payload, chunk, err)
			    : each_at_offset(ix, e, fn, payload, chunk, err);
	free(chunk);
	return rc;
}

static int to_buf(void *payload, const void *data, size_t len, struct wpkg_error *err)
{
	return wpkg_buf_put(payload, data, len) < 0 ? wpkg_error_nomem(err) : 0;
}

int wpkg_archive_entry_read(const struct wpkg_archive_index *ix, const struct wpkg_archive_entry *e, size_t max,
			    struct wpkg_buf *out, struct wpkg_error *err)
{
	struct wpkg_buf b = WPKG_BUF_INIT;
	int rc;

	if (e->size > max)
		return wpkg_error_set(err, WPKG_E_TOO_LARGE, "%s: entry \"%s\": %llu bytes, more than %zu", ix->path,
				      e->name, (unsigned long long)e->size, max);
	rc = wpkg_archive_entry_each(ix, e, to_buf, &b, err);
	if (rc == 0) {
		wpkg_buf_free(out);
		*out = b;
	} else {
		wpkg_buf_free(&b);
	}
	return rc;
}
