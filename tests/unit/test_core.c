/* SPDX-License-Identifier: Apache-2.0 */
/* test_core.c - the core helpers: buffers, digests, file utilities, error records. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "unit.h"

#include "wpkg/buf.h"
#include "wpkg/digest.h"
#include "wpkg/error.h"
#include "wpkg/fsutil.h"
#include "wpkg/settings.h"

#define ABC256 "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define ABC512 "sha512:ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a" \
	       "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
#define EMPTY256 "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define H63 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85"

static struct wpkg_error err;

static void setup(void)
{
	unit_tmp_make("test_core");
	wpkg_error_clear(&err);
}

static void teardown(void)
{
	unit_tmp_remove();
}

static void write_raw(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* ---- buf ---- */

START_TEST(test_buf_init_and_put)
{
	struct wpkg_buf b = WPKG_BUF_INIT;
	size_t i;

	ck_assert_ptr_nonnull(b.data);
	ck_assert_str_eq(b.data, "");
	ck_assert_int_eq(wpkg_buf_put(&b, "", 0), 0);
	ck_assert_str_eq(b.data, "");
	for (i = 0; i < 300; i++)
		ck_assert_int_eq(wpkg_buf_put(&b, "0123456", 7), 0);
	ck_assert_uint_eq(b.len, 2100);
	ck_assert_uint_ge(b.cap, 2101);
	ck_assert_int_eq(b.data[b.len], '\0');
	ck_assert_int_eq(memcmp(b.data + 2093, "0123456", 7), 0);
	ck_assert_int_eq(wpkg_buf_putc(&b, 'x'), 0);
	ck_assert_int_eq(wpkg_buf_puts(&b, "yz"), 0);
	ck_assert_str_eq(b.data + 2100, "xyz");
	wpkg_buf_clear(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(b.data, "");
	ck_assert_uint_ge(b.cap, 2104);
	/* binary data with NULs keeps its length */
	ck_assert_int_eq(wpkg_buf_put(&b, "a\0b", 3), 0);
	ck_assert_uint_eq(b.len, 3);
	ck_assert_int_eq(memcmp(b.data, "a\0b", 4), 0);
	wpkg_buf_free(&b);
	ck_assert_ptr_eq(b.data, wpkg_buf__empty);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_uint_eq(b.cap, 0);
}
END_TEST

START_TEST(test_buf_printf)
{
	struct wpkg_buf b = WPKG_BUF_INIT;
	char big[501];

	ck_assert_int_eq(wpkg_buf_printf(&b, "%s-%d", "v", 42), 0);
	ck_assert_str_eq(b.data, "v-42");
	memset(big, 'q', 500);
	big[500] = '\0';
	ck_assert_int_eq(wpkg_buf_printf(&b, "[%s]", big), 0);
	ck_assert_uint_eq(b.len, 4 + 502);
	ck_assert_int_eq(b.data[4], '[');
	ck_assert_int_eq(b.data[505], ']');
	ck_assert_int_eq(b.data[506], '\0');
	ck_assert_int_eq(wpkg_buf_printf(&b, "%s", ""), 0);
	ck_assert_uint_eq(b.len, 506);
	wpkg_buf_free(&b);
}
END_TEST

START_TEST(test_buf_detach_and_grow_limits)
{
	struct wpkg_buf b = WPKG_BUF_INIT;
	size_t len = 99;
	char *p;

	p = wpkg_buf_detach(&b, &len);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p, "");
	ck_assert_uint_eq(len, 0);
	ck_assert_ptr_ne(p, wpkg_buf__empty);
	free(p);

	wpkg_buf_puts(&b, "hello");
	p = wpkg_buf_detach(&b, &len);
	ck_assert_str_eq(p, "hello");
	ck_assert_uint_eq(len, 5);
	ck_assert_ptr_eq(b.data, wpkg_buf__empty);
	ck_assert_uint_eq(b.len, 0);
	free(p);

	wpkg_buf_puts(&b, "x");
	ck_assert_int_eq(wpkg_buf_grow(&b, SIZE_MAX), WPKG_E_NOMEM);
	ck_assert_int_eq(wpkg_buf_grow(&b, SIZE_MAX - 1), WPKG_E_NOMEM);
	ck_assert_str_eq(b.data, "x");
	wpkg_buf_free(&b);
}
END_TEST

/* ---- digest ---- */

START_TEST(test_digest_parse_valid)
{
	struct wpkg_digest d;

	ck_assert_int_eq(wpkg_digest_parse(&d, ABC256, &err), 0);
	ck_assert_int_eq(d.alg, WPKG_DIGEST_SHA256);
	ck_assert_str_eq(d.str, ABC256);
	ck_assert_str_eq(wpkg_digest_hex(&d), ABC256 + 7);
	ck_assert_int_eq(wpkg_digest_parse(&d, ABC512, &err), 0);
	ck_assert_int_eq(d.alg, WPKG_DIGEST_SHA512);
	ck_assert_str_eq(wpkg_digest_hex(&d), ABC512 + 7);
	ck_assert_str_eq(wpkg_digest_alg_name(WPKG_DIGEST_SHA256), "sha256");
	ck_assert_str_eq(wpkg_digest_alg_name(WPKG_DIGEST_SHA512), "sha512");
}
END_TEST

static const struct {
	const char *in;
	int code;
	const char *msg;
} bad_digests[] = {
	{ "", WPKG_E_INVALID, "invalid digest \"\": expected ALGORITHM:HEX" },
	{ "sha256", WPKG_E_INVALID, "invalid digest \"sha256\": expected ALGORITHM:HEX" },
	{ ":abc", WPKG_E_INVALID, "invalid digest \":abc\": expected ALGORITHM:HEX" },
	{ "SHA256:" H63 "5", WPKG_E_INVALID, "invalid digest \"SHA256:" H63 "5\": bad character in algorithm" },
	{ "md5:d41d8cd98f00b204e9800998ecf8427e", WPKG_E_UNSUPPORTED,
	  "unsupported digest algorithm \"md5\" (sha256 and sha512 are supported)" },
	{ "sha256:abc", WPKG_E_INVALID, "invalid digest \"sha256:abc\": sha256 needs 64 hex digits, found 3" },
	{ "sha256:", WPKG_E_INVALID, "invalid digest \"sha256:\": sha256 needs 64 hex digits, found 0" },
	{ "sha256:" H63 "55", WPKG_E_INVALID,
	  "invalid digest \"sha256:" H63 "55\": sha256 needs 64 hex digits, found 65" },
	{ "sha512:" H63 "5", WPKG_E_INVALID,
	  "invalid digest \"sha512:" H63 "5\": sha512 needs 128 hex digits, found 64" },
	{ "sha256:" H63 "G", WPKG_E_INVALID,
	  "invalid digest \"sha256:" H63 "G\": 'G' is not a lowercase hex digit" },
	{ "sha256:E" H63, WPKG_E_INVALID,
	  "invalid digest \"sha256:E" H63 "\": 'E' is not a lowercase hex digit" },
};

START_TEST(test_digest_parse_invalid)
{
	struct wpkg_digest d = { .str = "untouched" };

	ck_assert_int_eq(wpkg_digest_parse(&d, bad_digests[_i].in, &err), bad_digests[_i].code);
	ck_assert_int_eq(err.code, bad_digests[_i].code);
	ck_assert_str_eq(err.msg, bad_digests[_i].msg);
	ck_assert_str_eq(d.str, "untouched");
}
END_TEST

START_TEST(test_digest_known_vectors)
{
	struct wpkg_hasher h;
	struct wpkg_digest d;

	wpkg_digest_bytes(&d, WPKG_DIGEST_SHA256, "abc", 3);
	ck_assert_str_eq(d.str, ABC256);
	ck_assert_int_eq(d.alg, WPKG_DIGEST_SHA256);
	wpkg_digest_bytes(&d, WPKG_DIGEST_SHA512, "abc", 3);
	ck_assert_str_eq(d.str, ABC512);
	wpkg_digest_bytes(&d, WPKG_DIGEST_SHA256, "", 0);
	ck_assert_str_eq(d.str, EMPTY256);
	/* streaming in pieces gives the same digest and counts the bytes */
	ck_assert_int_eq(wpkg_hasher_init(&h, WPKG_DIGEST_SHA512, &err), 0);
	wpkg_hasher_update(&h, "a", 1);
	wpkg_hasher_update(&h, "", 0);
	wpkg_hasher_update(&h, "bc", 2);
	ck_assert_uint_eq(h.size, 3);
	wpkg_hasher_final(&h, &d);
	ck_assert_str_eq(d.str, ABC512);
	wpkg_hasher_discard(&h);   /* safe after final */
	ck_assert_int_eq(wpkg_hasher_init(&h, WPKG_DIGEST_SHA256, &err), 0);
	wpkg_hasher_discard(&h);
}
END_TEST

START_TEST(test_digest_file_and_range)
{
	const size_t n = 700 * 1024 + 3;   /* more than one 256 KiB read */
	struct wpkg_digest d, want;
	unsigned char *data = malloc(n);
	uint64_t size = 0;
	char wantmsg[600];
	size_t i;
	int fd;

	write_raw(unit_tmp_path("abc"), "abc", 3);
	ck_assert_int_eq(wpkg_digest_file(&d, &size, WPKG_DIGEST_SHA256, unit_tmp_path("abc"), &err), 0);
	ck_assert_str_eq(d.str, ABC256);
	ck_assert_uint_eq(size, 3);
	write_raw(unit_tmp_path("empty"), "", 0);
	ck_assert_int_eq(wpkg_digest_file(&d, &size, WPKG_DIGEST_SHA256, unit_tmp_path("empty"), &err), 0);
	ck_assert_str_eq(d.str, EMPTY256);
	ck_assert_uint_eq(size, 0);

	ck_assert_int_eq(wpkg_digest_file(&d, &size, WPKG_DIGEST_SHA256, unit_tmp_path("missing"), &err),
			 WPKG_E_NOT_FOUND);
	snprintf(wantmsg, sizeof(wantmsg), "%s: No such file or directory", unit_tmp_path("missing"));
	ck_assert_str_eq(err.msg, wantmsg);

	write_raw(unit_tmp_path("range"), "xxabcyy", 7);
	fd = open(unit_tmp_path("range"), O_RDONLY);
	ck_assert_int_eq(wpkg_digest_fd_range(&d, WPKG_DIGEST_SHA512, fd, 2, 3, &err), 0);
	ck_assert_str_eq(d.str, ABC512);
	ck_assert_int_eq(wpkg_digest_fd_range(&d, WPKG_DIGEST_SHA256, fd, 2, 0, &err), 0);
	ck_assert_str_eq(d.str, EMPTY256);
	ck_assert_int_eq(wpkg_digest_fd_range(&d, WPKG_DIGEST_SHA256, fd, 5, 3, &err), WPKG_E_IO);
	ck_assert_str_eq(err.msg, "read: file shorter than expected");
	close(fd);

	for (i = 0; i < n; i++)
		data[i] = (unsigned char)(i ^ (i >> 9));
	write_raw(unit_tmp_path("big"), data, n);
	fd = open(unit_tmp_path("big"), O_RDONLY);
	wpkg_digest_bytes(&want, WPKG_DIGEST_SHA256, data + 100, n - 200);
	ck_assert_int_eq(wpkg_digest_fd_range(&d, WPKG_DIGEST_SHA256, fd, 100, n - 200, &err), 0);
	ck_assert_str_eq(d.str, want.str);
	close(fd);
	wpkg_digest_bytes(&want, WPKG_DIGEST_SHA512, data, n);
	ck_assert_int_eq(wpkg_digest_file(&d, &size, WPKG_DIGEST_SHA512, unit_tmp_path("big"), &err), 0);
	ck_assert_str_eq(d.str, want.str);
	ck_assert_uint_eq(size, n);
	free(data);
}
END_TEST

/* ---- fsutil ---- */

START_TEST(test_atomic_commit_and_abort)
{
	struct wpkg_atomic_file f;
	struct wpkg_buf b = WPKG_BUF_INIT;
	char final[512];
	struct stat st;

	snprintf(final, sizeof(final), "%s", unit_tmp_path("out.json"));
	ck_assert_int_eq(wpkg_atomic_open(&f, final, 0640, &err), 0);
	ck_assert_int_eq(wpkg_write_all(f.fd, "{}", 2, &err), 0);
	/* nothing at the final path before commit, only the temporary */
	ck_assert_int_eq(access(final, F_OK), -1);
	ck_assert_int_eq(unit_count_entries(unit_tmp), 1);
	ck_assert_ptr_nonnull(strstr(f.tmp_path, "/.out.json."));
	ck_assert_int_eq(wpkg_atomic_commit(&f, &err), 0);
	ck_assert_ptr_null(f.tmp_path);
	ck_assert_int_eq(unit_count_entries(unit_tmp), 1);
	ck_assert_int_eq(stat(final, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0640);
	ck_assert_int_eq(wpkg_read_file(&b, final, 100, &err), 0);
	ck_assert_str_eq(b.data, "{}");

	/* abort leaves the old file alone and no temporary */
	ck_assert_int_eq(wpkg_atomic_open(&f, final, 0644, &err), 0);
	ck_assert_int_eq(wpkg_write_all(f.fd, "garbage", 7, &err), 0);
	wpkg_atomic_abort(&f);
	ck_assert_int_eq(unit_count_entries(unit_tmp), 1);
	wpkg_buf_clear(&b);
	ck_assert_int_eq(wpkg_read_file(&b, final, 100, &err), 0);
	ck_assert_str_eq(b.data, "{}");

	/* write_file_atomic replaces */
	ck_assert_int_eq(wpkg_write_file_atomic(final, "[1]", 3, 0600, &err), 0);
	wpkg_buf_clear(&b);
	ck_assert_int_eq(wpkg_read_file(&b, final, 100, &err), 0);
	ck_assert_str_eq(b.data, "[1]");
	ck_assert_int_eq(unit_count_entries(unit_tmp), 1);
	wpkg_buf_free(&b);
}
END_TEST

START_TEST(test_atomic_open_missing_dir)
{
	struct wpkg_atomic_file f;
	char path[512], want[600];

	snprintf(path, sizeof(path), "%s", unit_tmp_path("no/such/file"));
	ck_assert_int_eq(wpkg_atomic_open(&f, path, 0644, &err), WPKG_E_NOT_FOUND);
	snprintf(want, sizeof(want), "%s: cannot create temporary file: No such file or directory", path);
	ck_assert_str_eq(err.msg, want);
	ck_assert_ptr_null(f.tmp_path);
	ck_assert_int_eq(wpkg_write_file_atomic(path, "x", 1, 0644, &err), WPKG_E_NOT_FOUND);
}
END_TEST

START_TEST(test_mkdir_p)
{
	char path[512], want[600];
	struct stat st;

	snprintf(path, sizeof(path), "%s", unit_tmp_path("a/b/c"));
	ck_assert_int_eq(wpkg_mkdir_p(path, 0750, &err), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_int_eq(wpkg_mkdir_p(path, 0750, &err), 0);   /* again: nothing to do */
	snprintf(path, sizeof(path), "%s", unit_tmp_path("a/b/c/d/"));
	ck_assert_int_eq(wpkg_mkdir_p(path, 0750, &err), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_int_eq(wpkg_mkdir_p("", 0750, &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "empty directory name");

	write_raw(unit_tmp_path("file"), "x", 1);
	snprintf(path, sizeof(path), "%s", unit_tmp_path("file"));
	ck_assert_int_eq(wpkg_mkdir_p(path, 0750, &err), WPKG_E_IO);
	snprintf(want, sizeof(want), "%s: not a directory", path);
	ck_assert_str_eq(err.msg, want);
	snprintf(path, sizeof(path), "%s", unit_tmp_path("file/sub"));
	ck_assert_int_lt(wpkg_mkdir_p(path, 0750, &err), 0);
	snprintf(want, sizeof(want), "%s: Not a directory", path);
	ck_assert_str_eq(err.msg, want);
}
END_TEST

START_TEST(test_read_file_cap)
{
	struct wpkg_buf b = WPKG_BUF_INIT;
	char want[600];

	write_raw(unit_tmp_path("ten"), "0123456789", 10);
	ck_assert_int_eq(wpkg_read_file(&b, unit_tmp_path("ten"), 10, &err), 0);
	ck_assert_str_eq(b.data, "0123456789");
	wpkg_buf_clear(&b);
	ck_assert_int_eq(wpkg_read_file(&b, unit_tmp_path("ten"), 9, &err), WPKG_E_TOO_LARGE);
	snprintf(want, sizeof(want), "%s: larger than 9 bytes", unit_tmp_path("ten"));
	ck_assert_str_eq(err.msg, want);
	ck_assert_int_eq(wpkg_read_file(&b, unit_tmp_path("none"), 9, &err), WPKG_E_NOT_FOUND);
	snprintf(want, sizeof(want), "%s: No such file or directory", unit_tmp_path("none"));
	ck_assert_str_eq(err.msg, want);
	wpkg_buf_free(&b);
}
END_TEST

START_TEST(test_map_file)
{
	struct wpkg_buf b = WPKG_BUF_INIT;
	struct wpkg_map m;
	char want[600];

	write_raw(unit_tmp_path("empty"), "", 0);
	ck_assert_int_eq(wpkg_map_file(&m, unit_tmp_path("empty"), &err), 0);
	ck_assert_ptr_nonnull(m.data);
	ck_assert_uint_eq(m.len, 0);
	ck_assert_ptr_null(m.base);
	wpkg_unmap_file(&m);
	ck_assert_ptr_null(m.data);

	write_raw(unit_tmp_path("abc"), "abc", 3);
	ck_assert_int_eq(wpkg_map_file(&m, unit_tmp_path("abc"), &err), 0);
	ck_assert_uint_eq(m.len, 3);
	ck_assert_int_eq(memcmp(m.data, "abc", 3), 0);
	wpkg_unmap_file(&m);
	ck_assert_uint_eq(m.len, 0);

	ck_assert_int_eq(wpkg_map_file(&m, unit_tmp, &err), WPKG_E_INVALID);
	snprintf(want, sizeof(want), "%s: not a regular file (a directory); give wpkg a file", unit_tmp);
	ck_assert_str_eq(err.msg, want);
	ck_assert_int_eq(wpkg_map_file(&m, unit_tmp_path("none"), &err), WPKG_E_NOT_FOUND);

	/* a FIFO with no writer is refused at once, not waited on */
	ck_assert_int_eq(mkfifo(unit_tmp_path("fifo"), 0600), 0);
	ck_assert_int_eq(wpkg_map_file(&m, unit_tmp_path("fifo"), &err), WPKG_E_INVALID);
	snprintf(want, sizeof(want), "%s: not a regular file (a FIFO); give wpkg a file", unit_tmp_path("fifo"));
	ck_assert_str_eq(err.msg, want);
	ck_assert_int_eq(wpkg_read_file(&b, unit_tmp_path("fifo"), 100, &err), WPKG_E_INVALID);

	/* a file that says its size is 0 but is not empty (/proc) is read to its end */
	ck_assert_int_eq(wpkg_map_file(&m, "/proc/self/status", &err), 0);
	ck_assert_uint_gt(m.len, 5);
	ck_assert_int_eq(memcmp(m.data, "Name:", 5), 0);
	wpkg_unmap_file(&m);
	wpkg_buf_free(&b);
}
END_TEST

static const struct {
	const char *a, *b, *want;
} joins[] = {
	{ "a", "b", "a/b" },
	{ "a/", "b", "a/b" },
	{ "a//", "//b", "a/b" },
	{ "/x/y", "z/w", "/x/y/z/w" },
	{ ".", "index.json", "./index.json" },
	{ "/", "b", "/b" },
	{ "", "b", "b" },
};

START_TEST(test_path_join_base)
{
	size_t i;

	for (i = 0; i < sizeof(joins) / sizeof(joins[0]); i++) {
		char *p = wpkg_path_join(joins[i].a, joins[i].b);

		ck_assert_str_eq(p, joins[i].want);
		free(p);
	}
	ck_assert_str_eq(wpkg_path_base("/a/b/c.wasm"), "c.wasm");
	ck_assert_str_eq(wpkg_path_base("c.wasm"), "c.wasm");
	ck_assert_str_eq(wpkg_path_base("dir/"), "");
}
END_TEST

/* ---- error ---- */

START_TEST(test_error_wrap_chain)
{
	struct wpkg_error e;
	char longer[2000];

	ck_assert_int_eq(wpkg_error_set(&e, WPKG_E_UNAUTHORIZED, "%d %s", 401, "unauthorized"),
			 WPKG_E_UNAUTHORIZED);
	ck_assert_int_eq(wpkg_error_wrap(&e, "fetch manifest"), WPKG_E_UNAUTHORIZED);
	ck_assert_int_eq(wpkg_error_wrap(&e, "pull %s", "r.example/x:1"), WPKG_E_UNAUTHORIZED);
	ck_assert_str_eq(e.msg, "pull r.example/x:1: fetch manifest: 401 unauthorized");
	ck_assert_int_eq(e.code, WPKG_E_UNAUTHORIZED);

	/* messages are cut to fit, never overflow */
	memset(longer, 'm', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	wpkg_error_set(&e, WPKG_E_IO, "%s", longer);
	ck_assert_uint_eq(strlen(e.msg), WPKG_ERROR_MSG_MAX - 1);
	wpkg_error_wrap(&e, "ctx");
	ck_assert_uint_eq(strlen(e.msg), WPKG_ERROR_MSG_MAX - 1);
	ck_assert_int_eq(strncmp(e.msg, "ctx: mmm", 8), 0);

	/* quoted input cannot break the one-line rule or reach the terminal raw */
	wpkg_error_set(&e, WPKG_E_INVALID, "invalid digest \"%s\"", "sha256:a\nb\tc\x1b[31m");
	ck_assert_str_eq(e.msg, "invalid digest \"sha256:a\\nb\\tc\\x1b[31m\"");
	wpkg_error_wrap(&e, "file %s", "x\ry");
	ck_assert_str_eq(e.msg, "file x\\x0dy: invalid digest \"sha256:a\\nb\\tc\\x1b[31m\"");

	wpkg_error_clear(&e);
	ck_assert_int_eq(e.code, WPKG_OK);
	ck_assert_str_eq(e.msg, "");
	/* a NULL record is allowed everywhere */
	ck_assert_int_eq(wpkg_error_set(NULL, WPKG_E_DIGEST, "x"), WPKG_E_DIGEST);
	ck_assert_int_eq(wpkg_error_wrap(NULL, "x"), WPKG_E_IO);
	wpkg_error_clear(NULL);
	ck_assert_str_eq(wpkg_status_str(WPKG_E_NOT_FOUND), "not found");
	ck_assert_str_eq(wpkg_status_str(WPKG_E_DIGEST), "digest mismatch");
	ck_assert_str_eq(wpkg_status_str(WPKG_OK), "ok");
	ck_assert_str_eq(wpkg_status_str(-999), "unknown error");
}
END_TEST

/* Every status code lies far below any -errno, so the two can never be mistaken for each other. */
START_TEST(test_status_codes_apart_from_errno)
{
	int code;

	ck_assert_int_eq(WPKG_E_LAST, WPKG_E_NOMEM);
	ck_assert_int_eq(WPKG_E_FIRST, WPKG_E_EXISTS);
	ck_assert_int_le(WPKG_E_LAST, -1000);
	ck_assert_int_gt(WPKG_E_FIRST, -1100);
	for (code = WPKG_E_FIRST; code <= WPKG_E_LAST; code++) {
		/* errno values are small (Linux ends at EHWPOISON, 133); never in this range */
		ck_assert_int_gt(-code, 999);
		ck_assert_str_ne(wpkg_status_str(code), "unknown error");
	}
	ck_assert_str_eq(wpkg_status_str(-ENOENT), "unknown error");
	ck_assert_str_eq(wpkg_status_str(-ENOMEM), "unknown error");
}
END_TEST

START_TEST(test_error_nomem)
{
	wpkg_error_set(&err, WPKG_E_IO, "something else");
	ck_assert_int_eq(wpkg_error_nomem(&err), WPKG_E_NOMEM);
	ck_assert_int_eq(err.code, WPKG_E_NOMEM);
	ck_assert_str_eq(err.msg, "out of memory");
	ck_assert_int_eq(wpkg_error_nomem(NULL), WPKG_E_NOMEM);
}
END_TEST

/* Settings are copied, default when unset or empty, and reset by NULL. */
START_TEST(test_settings_copy_and_defaults)
{
	char dir[] = "/some/where";
	struct wpkg_settings s = { .tmpdir = dir, .source_date_epoch = "" };

	ck_assert_int_eq(wpkg_settings_set(&s, NULL), 0);
	dir[1] = 'X';
	ck_assert_str_eq(wpkg_settings_tmpdir(), "/some/where");
	ck_assert_str_eq(wpkg_settings_get()->source_date_epoch, "");
	ck_assert_ptr_null(wpkg_settings_get()->creds.home);
	s.tmpdir = "";
	ck_assert_int_eq(wpkg_settings_set(&s, NULL), 0);
	ck_assert_str_eq(wpkg_settings_tmpdir(), "/tmp");
	ck_assert_int_eq(wpkg_settings_set(NULL, NULL), 0);
	ck_assert_ptr_null(wpkg_settings_get()->tmpdir);
	ck_assert_ptr_null(wpkg_settings_get()->source_date_epoch);
	ck_assert_str_eq(wpkg_settings_tmpdir(), "/tmp");
	/* what wpkg's main() does: the environment as it is now */
	unit_setenv("TMPDIR", "/from/env");
	ck_assert_str_eq(wpkg_settings_tmpdir(), "/from/env");
	unit_unsetenv("TMPDIR");
	ck_assert_str_eq(wpkg_settings_tmpdir(), "/tmp");
}
END_TEST

/* The one temporary-file maker: in the given directory (or the settings' one), close-on-exec, 0600. */
START_TEST(test_temp_open)
{
	struct wpkg_settings s = { 0 };
	static char untouched[] = "untouched";
	char *path = NULL;
	int fd = -1, keep = -7;
	struct stat st;
	char want[600];

	ck_assert_int_eq(wpkg_temp_open(&path, &fd, unit_tmp, "x.wasm.", NULL, &err), 0);
	snprintf(want, sizeof(want), "%s/x.wasm.", unit_tmp);
	ck_assert_int_eq(strncmp(path, want, strlen(want)), 0);
	ck_assert_uint_eq(strlen(path), strlen(want) + 6);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(st.st_size, 0);
	close(fd);
	unlink(path);
	free(path);

	/* no directory: the settings' temporary directory */
	s.tmpdir = unit_tmp;
	ck_assert_int_eq(wpkg_settings_set(&s, NULL), 0);
	ck_assert_int_eq(wpkg_temp_open(&path, &fd, NULL, "wpkg-blob.", NULL, &err), 0);
	snprintf(want, sizeof(want), "%s/wpkg-blob.", unit_tmp);
	ck_assert_int_eq(strncmp(path, want, strlen(want)), 0);
	close(fd);
	unlink(path);
	free(path);
	ck_assert_int_eq(wpkg_settings_set(NULL, NULL), 0);

	/* failure: outputs untouched, nothing left, the directory (or what) named */
	path = untouched;
	fd = keep;
	ck_assert_int_eq(wpkg_temp_open(&path, &fd, unit_tmp_path("missing"), "t.", NULL, &err), WPKG_E_NOT_FOUND);
	snprintf(want, sizeof(want), "%s: cannot create temporary file: No such file or directory",
		 unit_tmp_path("missing"));
	ck_assert_str_eq(err.msg, want);
	ck_assert_ptr_eq(path, untouched);
	ck_assert_int_eq(fd, keep);
	ck_assert_int_eq(wpkg_temp_open(&path, &fd, unit_tmp_path("missing"), "t.", "out.wasm", &err),
			 WPKG_E_NOT_FOUND);
	ck_assert_str_eq(err.msg, "out.wasm: cannot create temporary file: No such file or directory");
	ck_assert_int_eq(unit_count_entries(unit_tmp), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("core");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_buf_init_and_put);
	tcase_add_test(tc, test_buf_printf);
	tcase_add_test(tc, test_buf_detach_and_grow_limits);
	tcase_add_test(tc, test_digest_parse_valid);
	tcase_add_loop_test(tc, test_digest_parse_invalid, 0, UNIT_N(bad_digests));
	tcase_add_test(tc, test_digest_known_vectors);
	tcase_add_test(tc, test_digest_file_and_range);
	tcase_add_test(tc, test_atomic_commit_and_abort);
	tcase_add_test(tc, test_atomic_open_missing_dir);
	tcase_add_test(tc, test_mkdir_p);
	tcase_add_test(tc, test_read_file_cap);
	tcase_add_test(tc, test_map_file);
	tcase_add_test(tc, test_path_join_base);
	tcase_add_test(tc, test_error_wrap_chain);
	tcase_add_test(tc, test_status_codes_apart_from_errno);
	tcase_add_test(tc, test_error_nomem);
	tcase_add_test(tc, test_settings_copy_and_defaults);
	tcase_add_test(tc, test_temp_open);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
