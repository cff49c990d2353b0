/* SPDX-License-Identifier: Apache-2.0 */
/* test_archive.c - oci-archives read in place: data offsets, gzip and zstd passes, digests, nothing written. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <check.h>

#include "unit.h"

#include "wpkg/blob.h"
#include "wpkg/digest.h"
#include "wpkg/fsutil.h"
#include "wpkg/store.h"

#define LAYOUT_DOC "{\"imageLayoutVersion\":\"1.0.0\"}"
#define EMPTY_INDEX "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}"
#define N_BLOBS 6

static struct wpkg_error err;

/* sizes around the 512-byte tar blocks, and one over the 1 MiB a compressed scan keeps in memory */
static const size_t sizes[N_BLOBS] = { 0, 1, 511, 512, 513, ((size_t)1 << 20) + 4097 };

struct blob {
	struct wpkg_digest d;
	unsigned char *data;
	size_t len;
};

static struct blob blobs[N_BLOBS];
static struct wpkg_digest liar;   /* the name of "the right bytes", holding other bytes */

static const char *const filters[] = { "none", "gzip", "zstd" };

static void setup(void)
{
	unit_tmp_make("test_archive");
	wpkg_error_clear(&err);
	ck_assert_int_eq(mkdir(unit_tmp_path("tmpdir"), 0700), 0);
	/* the library's temporary directory: a reader must leave it empty */
	unit_setenv("TMPDIR", unit_tmp_path("tmpdir"));
	for (size_t k = 0; k < N_BLOBS; k++) {
		blobs[k].len = sizes[k];
		blobs[k].data = malloc(sizes[k] + 1);
		ck_assert_ptr_nonnull(blobs[k].data);
		for (size_t i = 0; i < sizes[k]; i++)
			blobs[k].data[i] = (unsigned char)(i * 31 + k * 7);
		/* every other one sha512: 141-character names, written with pax headers before the data */
		wpkg_digest_bytes(&blobs[k].d, k % 2 ? WPKG_DIGEST_SHA512 : WPKG_DIGEST_SHA256, blobs[k].data,
				  blobs[k].len);
	}
	wpkg_digest_bytes(&liar, WPKG_DIGEST_SHA256, "the right bytes", 15);
}

static void teardown(void)
{
	for (size_t k = 0; k < N_BLOBS; k++)
		free(blobs[k].data);
	unit_unsetenv("TMPDIR");
	unit_tmp_remove();
}

static void add(struct archive *a, const char *name, const void *data, size_t len, bool is_dir)
{
	struct archive_entry *ae = archive_entry_new();

	archive_entry_set_pathname(ae, name);
	archive_entry_set_filetype(ae, is_dir ? AE_IFDIR : AE_IFREG);
	archive_entry_set_perm(ae, is_dir ? 0755 : 0644);
	archive_entry_set_size(ae, (la_int64_t)len);
	ck_assert_int_eq(archive_write_header(a, ae), ARCHIVE_OK);
	if (len > 0)
		ck_assert_int_eq(archive_write_data(a, data, len), (la_ssize_t)len);
	archive_entry_free(ae);
}

static void blob_name(char *out, size_t size, const struct wpkg_digest *d)
{
	snprintf(out, size, "blobs/%s/%s", wpkg_digest_alg_name(d->alg), wpkg_digest_hex(d));
}

/* oci-layout, index.json (when index), the blobs and the liar, through filter */
static void write_archive(const char *path, const char *filter, bool index)
{
	struct archive *a = archive_write_new();
	char name[300];

	ck_assert_int_eq(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
	if (strcmp(filter, "gzip") == 0)
		ck_assert_int_eq(archive_write_add_filter_gzip(a), ARCHIVE_OK);
	else if (strcmp(filter, "zstd") == 0)
		ck_assert_int_eq(archive_write_add_filter_zstd(a), ARCHIVE_OK);
	ck_assert_int_eq(archive_write_open_filename(a, path), ARCHIVE_OK);
	add(a, "oci-layout", LAYOUT_DOC, strlen(LAYOUT_DOC), false);
	if (index)
		add(a, "./index.json", EMPTY_INDEX, strlen(EMPTY_INDEX), false);
	add(a, "./blobs/", NULL, 0, true);
	blob_name(name, sizeof(name), &liar);
	add(a, name, "the wrong bytes", 15, false);
	for (size_t k = 0; k < N_BLOBS; k++) {
		blob_name(name, sizeof(name), &blobs[k].d);
		add(a, name, blobs[k].data, blobs[k].len, false);
	}
	ck_assert_int_eq(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

static struct wpkg_store *open_read(const char *path)
{
	struct wpkg_store_opts opts = WPKG_STORE_OPTS_INIT;
	struct wpkg_store *s = NULL;
	char spec[600];

	opts.read_only = true;
	snprintf(spec, sizeof(spec), "oci-archive:%s", path);
	ck_assert_msg(wpkg_store_open_string(&s, spec, &opts, &err) == 0, "%s", err.msg);
	return s;
}

static void check_blob_open(struct wpkg_store *s, const struct blob *b, const char *path, bool compressed)
{
	struct wpkg_descriptor desc = { .media_type = (char *)"application/octet-stream", .digest = b->d,
					.size = (int64_t)b->len };
	struct wpkg_blob out = { 0 };
	struct wpkg_buf got = WPKG_BUF_INIT;
	char *spool = NULL;
	int fd;

	ck_assert_msg(wpkg_store_blob_open(&out, s, &desc, &err) == 0, "%s", err.msg);
	if (!compressed) {
		/* the blob is a range of the archive itself: nothing copied */
		ck_assert_str_eq(out.path, path);
		ck_assert(!out.temp);
		fd = open(path, O_RDONLY);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(wpkg_buf_grow(&got, b->len), 0);
		ck_assert_int_eq(pread(fd, got.data, b->len, (off_t)out.offset), (ssize_t)b->len);
		close(fd);
		ck_assert(memcmp(got.data, b->data, b->len) == 0);
	} else if (b->len <= ((size_t)1 << 20)) {
		/* kept from the scan */
		ck_assert_ptr_null(out.path);
		ck_assert_uint_eq(out.mem.len, b->len);
		ck_assert(memcmp(out.mem.data, b->data, b->len) == 0);
	} else {
		/* too big to keep: a verified spool file, gone with the blob */
		ck_assert_ptr_nonnull(out.path);
		ck_assert(out.temp);
		spool = strdup(out.path);
		unit_read_file(&got, out.path);
		ck_assert_uint_eq(got.len, b->len);
		ck_assert(memcmp(got.data, b->data, b->len) == 0);
	}
	wpkg_blob_clear(&out);
	if (spool != NULL)
		ck_assert_int_ne(access(spool, F_OK), 0);
	free(spool);
	wpkg_buf_free(&got);
}

START_TEST(test_blobs_exact)
{
	const char *filter = filters[_i];
	char path[512];
	struct wpkg_buf got = WPKG_BUF_INIT;
	struct wpkg_store *s;
	bool present = false;
	int fd;

	snprintf(path, sizeof(path), "%s", unit_tmp_path("a.tar"));
	write_archive(path, filter, true);
	s = open_read(path);
	for (size_t k = 0; k < N_BLOBS; k++) {
		const struct blob *b = &blobs[k];

		ck_assert_int_eq(wpkg_store_blob_exists(s, &b->d, &present, &err), 0);
		ck_assert(present);
		ck_assert_msg(wpkg_store_blob_get_buf(s, &b->d, (size_t)4 << 20, &got, &err) == 0, "%s", err.msg);
		ck_assert_uint_eq(got.len, b->len);
		ck_assert(memcmp(got.data, b->data, b->len) == 0);
		fd = open(unit_tmp_path("out"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
		ck_assert_int_ge(fd, 0);
		ck_assert_msg(wpkg_store_blob_get(s, &b->d, b->len, fd, &err) == 0, "%s", err.msg);
		close(fd);
		unit_read_file(&got, unit_tmp_path("out"));
		ck_assert_uint_eq(got.len, b->len);
		ck_assert(memcmp(got.data, b->data, b->len) == 0);
		check_blob_open(s, b, path, _i != 0);
	}
	/* nothing extracted, spooled or left anywhere in the temporary directory */
	ck_assert_int_eq(unit_count_entries(unit_tmp_path("tmpdir")), 0);
	wpkg_store_close(s);
	wpkg_buf_free(&got);
}
END_TEST

START_TEST(test_digest_and_size_checked)
{
	char path[512];
	struct wpkg_buf got = WPKG_BUF_INIT;
	struct wpkg_store *s;
	struct wpkg_digest missing;
	char want[800];
	int fd;

	snprintf(path, sizeof(path), "%s", unit_tmp_path("a.tar"));
	snprintf(path, sizeof(path), "%s", unit_tmp_path("a.tar"));
	write_archive(path, filters[_i], true);
	s = open_read(path);
	snprintf(want, sizeof(want), "blob %s in %s: content does not match its digest", liar.str, path);
	ck_assert_int_eq(wpkg_store_blob_get_buf(s, &liar, 1024, &got, &err), WPKG_E_DIGEST);
	ck_assert_str_eq(err.msg, want);
	fd = open(unit_tmp_path("out"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(wpkg_store_blob_get(s, &liar, 15, fd, &err), WPKG_E_DIGEST);
	ck_assert_str_eq(err.msg, want);
	/* a descriptor of another size is refused before a byte is read */
	ck_assert_int_eq(wpkg_store_blob_get(s, &blobs[2].d, 512, fd, &err), WPKG_E_DIGEST);
	snprintf(want, sizeof(want), "blob %s in %s: 511 bytes, but its descriptor says 512", blobs[2].d.str, path);
	ck_assert_str_eq(err.msg, want);
	close(fd);
	wpkg_digest_bytes(&missing, WPKG_DIGEST_SHA256, "absent", 6);
	ck_assert_int_eq(wpkg_store_blob_get_buf(s, &missing, 1024, &got, &err), WPKG_E_NOT_FOUND);
	snprintf(want, sizeof(want), "blob %s not found in %s", missing.str, path);
	ck_assert_str_eq(err.msg, want);
	/* a reader cannot write */
	ck_assert_int_eq(wpkg_store_manifest_put(s, "v1", "application/vnd.oci.image.manifest.v1+json", &liar,
						 "the right bytes", 15, &err), WPKG_E_UNSUPPORTED);
	snprintf(want, sizeof(want), "%s: opened for reading only", path);
	ck_assert_str_eq(err.msg, want);
	wpkg_store_close(s);
	wpkg_buf_free(&got);
}
END_TEST

/* The file is held open from the scan: a shorter file later is a clear error, not wrong bytes. */
START_TEST(test_truncated_after_scan)
{
	char path[512];
	const struct blob *big = &blobs[N_BLOBS - 1];
	struct wpkg_buf got = WPKG_BUF_INIT;
	struct wpkg_store *s;
	struct stat st;
	char want[800];

	snprintf(path, sizeof(path), "%s", unit_tmp_path("a.tar"));
	snprintf(path, sizeof(path), "%s", unit_tmp_path("a.tar"));
	write_archive(path, filters[_i], true);
	s = open_read(path);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(truncate(path, st.st_size / 2), 0);
	ck_assert_int_ne(wpkg_store_blob_get_buf(s, &big->d, (size_t)4 << 20, &got, &err), 0);
	if (_i == 0) {
		snprintf(want, sizeof(want), "%s: entry \"blobs/%s/%s\": file changed while reading", path,
			 wpkg_digest_alg_name(big->d.alg), wpkg_digest_hex(&big->d));
		ck_assert_str_eq(err.msg, want);
	} else {
		ck_assert_msg(strncmp(err.msg, path, strlen(path)) == 0, "%s", err.msg);
	}
	wpkg_store_close(s);
	wpkg_buf_free(&got);
}
END_TEST

START_TEST(test_no_index)
{
	char path[512];
	struct wpkg_store *s;
	char **tags = NULL, want[600];
	size_t n = 0;

	snprintf(path, sizeof(path), "%s", unit_tmp_path("a.tar"));
	snprintf(path, sizeof(path), "%s", unit_tmp_path("a.tar"));
	write_archive(path, filters[_i], false);
	s = open_read(path);
	ck_assert_int_eq(wpkg_store_tags(s, &tags, &n, &err), WPKG_E_INVALID);
	snprintf(want, sizeof(want), "%s: not an OCI archive (no index.json entry)", path);
	ck_assert_str_eq(err.msg, want);
	wpkg_store_close(s);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("archive");
	TCase *tc = tcase_create("archive");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_blobs_exact, 0, UNIT_N(filters));
	tcase_add_loop_test(tc, test_digest_and_size_checked, 0, UNIT_N(filters));
	tcase_add_loop_test(tc, test_truncated_after_scan, 0, UNIT_N(filters));
	tcase_add_loop_test(tc, test_no_index, 0, UNIT_N(filters));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(suite());
}
