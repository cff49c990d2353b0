/* SPDX-License-Identifier: Apache-2.0 */
/* test_cache.c - the content cache's files: the streaming tee, served copies verified, index.json's records. */
#include "unit.h"

#include <fcntl.h>
#include <unistd.h>

#include <jansson.h>

#include "wpkg/cache.h"
#include "../../src/libwpkg/cache_internal.h"

static const char data[] = "the bytes of a blob that streams past";

static struct wpkg_cache *open_cache(void)
{
	struct wpkg_cache *c = NULL;
	struct wpkg_error err = { 0 };

	unit_tmp_make("test_cache");
	ck_assert_int_eq(wpkg_cache_open(&c, unit_tmp_path("c"), NULL, false, &err), 0);
	return c;
}

static const char *blob(const struct wpkg_digest *d)
{
	static char p[512];

	snprintf(p, sizeof(p), "%s/c/blobs/sha256/%s", unit_tmp, wpkg_digest_hex(d));
	return p;
}

START_TEST(test_tee_keeps_what_hashes_to_its_digest)
{
	struct wpkg_cache *c = open_cache();
	struct wpkg_buf got = WPKG_BUF_INIT;
	struct wpkg_cache_tee *t;
	struct wpkg_digest d;
	char dir[600];

	wpkg_digest_bytes(&d, WPKG_DIGEST_SHA256, data, sizeof(data) - 1);
	t = wpkg_cache_tee_open(c, &d);
	ck_assert_ptr_nonnull(t);
	wpkg_cache_tee_write(t, data, 10);
	wpkg_cache_tee_write(t, data + 10, sizeof(data) - 11);
	wpkg_cache_tee_close(t, true);
	unit_read_file(&got, blob(&d));
	ck_assert_mem_eq(got.data, data, sizeof(data) - 1);
	ck_assert_uint_eq(got.len, sizeof(data) - 1);
	/* kept already: nothing to write again */
	ck_assert_ptr_null(wpkg_cache_tee_open(c, &d));
	/* no temporaries left beside it */
	snprintf(dir, sizeof(dir), "%s/c/blobs/sha256", unit_tmp);
	ck_assert_int_eq(unit_count_entries(dir), 1);
	wpkg_buf_free(&got);
	wpkg_cache_close(c);
	unit_tmp_remove();
}
END_TEST

START_TEST(test_tee_drops_wrong_or_unfinished_bytes)
{
	struct wpkg_cache *c = open_cache();
	struct wpkg_cache_tee *t;
	struct wpkg_digest d;
	char dir[600];

	wpkg_digest_bytes(&d, WPKG_DIGEST_SHA256, data, sizeof(data) - 1);
	t = wpkg_cache_tee_open(c, &d);
	wpkg_cache_tee_write(t, "not the blob", 12);
	wpkg_cache_tee_close(t, true);
	ck_assert_int_ne(access(blob(&d), F_OK), 0);
	t = wpkg_cache_tee_open(c, &d);
	wpkg_cache_tee_write(t, data, sizeof(data) - 1);
	/* the stream failed on the way: even the right bytes are not trusted */
	wpkg_cache_tee_close(t, false);
	ck_assert_int_ne(access(blob(&d), F_OK), 0);
	snprintf(dir, sizeof(dir), "%s/c/blobs/sha256", unit_tmp);
	ck_assert_int_eq(unit_count_entries(dir), 0);
	/* every call takes the NULL of "nothing to keep" */
	wpkg_cache_tee_write(NULL, data, 1);
	wpkg_cache_tee_close(NULL, true);
	ck_assert_ptr_null(wpkg_cache_tee_open(NULL, &d));
	wpkg_cache_close(c);
	unit_tmp_remove();
}
END_TEST

START_TEST(test_serve_verifies_and_drops_a_corrupt_entry)
{
	struct wpkg_cache *c = open_cache();
	struct wpkg_buf got = WPKG_BUF_INIT;
	struct wpkg_digest d;
	int fd;

	wpkg_digest_bytes(&d, WPKG_DIGEST_SHA256, data, sizeof(data) - 1);
	wpkg_cache_keep_bytes(c, &d, "wrong", 5);
	ck_assert_int_ne(access(blob(&d), F_OK), 0);
	wpkg_cache_keep_bytes(c, &d, data, sizeof(data) - 1);
	fd = open(unit_tmp_path("out"), O_RDWR | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert(write(fd, "head:", 5) == 5);
	ck_assert_int_eq(wpkg_cache_serve(c, NULL, &d, sizeof(data) - 1, fd), 1);
	ck_assert(write(fd, ":tail", 5) == 5);
	unit_read_file(&got, unit_tmp_path("out"));
	ck_assert_uint_eq(got.len, sizeof(data) - 1 + 10);
	ck_assert_mem_eq(got.data + 5, data, sizeof(data) - 1);
	ck_assert_mem_eq(got.data + got.len - 5, ":tail", 5);
	/* the wrong size is a miss that leaves the entry alone */
	ck_assert_int_eq(wpkg_cache_serve(c, NULL, &d, 3, fd), 0);
	ck_assert_int_eq(access(blob(&d), F_OK), 0);
	/* a changed entry is a miss, and it is gone; the output is as it was */
	ck_assert_int_eq(wpkg_write_file_atomic(blob(&d), "the bytes of a blob that streams pasT", sizeof(data) - 1,
						0644, NULL), 0);
	ck_assert_int_eq(wpkg_cache_serve(c, NULL, &d, sizeof(data) - 1, fd), 0);
	ck_assert_int_ne(access(blob(&d), F_OK), 0);
	unit_read_file(&got, unit_tmp_path("out"));
	ck_assert_uint_eq(got.len, sizeof(data) - 1 + 10);
	close(fd);
	wpkg_buf_free(&got);
	wpkg_cache_close(c);
	unit_tmp_remove();
}
END_TEST

START_TEST(test_records_one_per_reference)
{
	struct wpkg_cache *c = open_cache();
	struct wpkg_descriptor a = { 0 }, b = { 0 }, got = { 0 };
	struct wpkg_buf text = WPKG_BUF_INIT;
	json_t *ix;

	wpkg_digest_bytes(&a.digest, WPKG_DIGEST_SHA256, "a", 1);
	wpkg_digest_bytes(&b.digest, WPKG_DIGEST_SHA256, "b", 1);
	a.size = b.size = 1;
	a.media_type = (char *)WPKG_MT_OCI_MANIFEST;
	b.media_type = (char *)WPKG_MT_OCI_INDEX;
	ck_assert(!wpkg_cache_lookup(&got, c, "h/r:v1", NULL));
	wpkg_cache_record(c, NULL, "h/r:v1", &a);
	wpkg_cache_record(c, NULL, "h/r:v2", &a);
	/* the tag moved: its one record now names b */
	wpkg_cache_record(c, NULL, "h/r:v1", &b);
	ck_assert(wpkg_cache_lookup(&got, c, "h/r:v1", NULL));
	ck_assert_str_eq(got.digest.str, b.digest.str);
	ck_assert_str_eq(got.media_type, WPKG_MT_OCI_INDEX);
	wpkg_descriptor_clear(&got);
	ck_assert(wpkg_cache_lookup(&got, c, NULL, &a.digest));
	ck_assert_str_eq(got.media_type, WPKG_MT_OCI_MANIFEST);
	wpkg_descriptor_clear(&got);
	unit_read_file(&text, unit_tmp_path("c/index.json"));
	ix = json_loadb(text.data, text.len, 0, NULL);
	ck_assert_ptr_nonnull(ix);
	ck_assert_uint_eq(json_array_size(json_object_get(ix, "manifests")), 2);
	ck_assert_str_eq(json_string_value(json_object_get(ix, "mediaType")), WPKG_MT_OCI_INDEX);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(json_array_get(json_object_get(ix,
			 "manifests"), 1), "annotations"), WPKG_CACHE_REF_ANNOTATION)), "h/r:v1");
	json_decref(ix);
	/* neither manifest is kept as a blob: both records go */
	wpkg_cache_sweep_records(unit_tmp_path("c"));
	ck_assert(!wpkg_cache_lookup(&got, c, "h/r:v2", NULL));
	wpkg_cache_keep_bytes(c, &a.digest, "a", 1);
	wpkg_cache_record(c, NULL, "h/r:v2", &a);
	wpkg_cache_sweep_records(unit_tmp_path("c"));
	ck_assert(wpkg_cache_lookup(&got, c, "h/r:v2", NULL));
	wpkg_descriptor_clear(&got);
	wpkg_buf_free(&text);
	wpkg_cache_close(c);
	unit_tmp_remove();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cache");
	TCase *tc = tcase_create("cache");

	tcase_add_test(tc, test_tee_keeps_what_hashes_to_its_digest);
	tcase_add_test(tc, test_tee_drops_wrong_or_unfinished_bytes);
	tcase_add_test(tc, test_serve_verifies_and_drops_a_corrupt_entry);
	tcase_add_test(tc, test_records_one_per_reference);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
