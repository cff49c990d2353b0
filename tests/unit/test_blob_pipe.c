/* SPDX-License-Identifier: Apache-2.0 */
/* test_blob_pipe.c - the copy's GET-to-PUT pipe: bounded, in order, the last byte held until the digest verdict. */
#include "unit.h"

#include "../../src/libwpkg/blob_pipe.h"

static void fill(uint8_t *b, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(i * 31 + seed);
}

/* Everything passes in order through a pipe smaller than the blob, full and empty turns included. */
START_TEST(test_round_trip)
{
	enum { SIZE = 10007, CAP = 1000 };
	static uint8_t in[SIZE], out[SIZE];
	struct wpkg_pipe p;
	struct wpkg_error err;
	size_t w = 0, r = 0, got, step;
	int rc;

	fill(in, SIZE, 7);
	ck_assert_int_eq(wpkg_pipe_init(&p, SIZE, CAP, &err), 0);
	while (r < SIZE) {
		step = SIZE - w < 300 ? SIZE - w : 300;
		while (step > 0 && (rc = wpkg_pipe_write(&p, in + w, step, &err)) == 0)
			w += step, step = SIZE - w < 300 ? SIZE - w : 300;
		ck_assert(step == 0 || rc == WPKG_PIPE_WAIT);
		ck_assert_uint_le(p.len, CAP);
		if (w == SIZE && !p.closed)
			wpkg_pipe_close(&p, 0, NULL);
		rc = wpkg_pipe_read(&p, out + r, 777, &got, &err);
		ck_assert_int_eq(rc, 0);
		r += got;
	}
	ck_assert_mem_eq(in, out, SIZE);
	/* drained and closed: nothing more, and no wait */
	ck_assert_int_eq(wpkg_pipe_read(&p, out, 10, &got, &err), 0);
	ck_assert_uint_eq(got, 0);
	wpkg_pipe_free(&p);
}
END_TEST

/* The whole blob written: the reader gets all but the last byte until the writer says the digest matched. */
START_TEST(test_last_byte_waits_for_the_verdict)
{
	uint8_t in[100], out[100];
	struct wpkg_pipe p;
	struct wpkg_error err;
	size_t got = 0;

	fill(in, sizeof(in), 1);
	ck_assert_int_eq(wpkg_pipe_init(&p, sizeof(in), 4096, &err), 0);
	ck_assert_int_eq(wpkg_pipe_write(&p, in, sizeof(in), &err), 0);
	ck_assert_int_eq(wpkg_pipe_read(&p, out, sizeof(out), &got, &err), 0);
	ck_assert_uint_eq(got, 99);
	ck_assert_int_eq(wpkg_pipe_read(&p, out + 99, 1, &got, &err), WPKG_PIPE_WAIT);
	ck_assert(p.reader_paused);
	wpkg_pipe_close(&p, 0, NULL);
	ck_assert_int_eq(wpkg_pipe_read(&p, out + 99, 1, &got, &err), 0);
	ck_assert_uint_eq(got, 1);
	ck_assert_mem_eq(in, out, sizeof(in));
	wpkg_pipe_free(&p);
}
END_TEST

/* A wrong digest: the reader never sees the last byte and fails with the writer's error. */
START_TEST(test_writer_failure_reaches_the_reader)
{
	uint8_t in[100], out[100];
	struct wpkg_pipe p;
	struct wpkg_error err, bad;
	size_t got = 0;

	fill(in, sizeof(in), 2);
	ck_assert_int_eq(wpkg_pipe_init(&p, sizeof(in), 4096, &err), 0);
	ck_assert_int_eq(wpkg_pipe_write(&p, in, sizeof(in), &err), 0);
	ck_assert_int_eq(wpkg_pipe_read(&p, out, sizeof(out), &got, &err), 0);
	ck_assert_uint_eq(got, 99);
	wpkg_error_set(&bad, WPKG_E_DIGEST, "blob sha256:x: content does not match its digest");
	wpkg_pipe_close(&p, WPKG_E_DIGEST, &bad);
	ck_assert_int_eq(wpkg_pipe_read(&p, out + 99, 1, &got, &err), WPKG_E_DIGEST);
	ck_assert_uint_eq(got, 0);
	ck_assert_str_eq(err.msg, "blob sha256:x: content does not match its digest");
	wpkg_pipe_free(&p);
}
END_TEST

/* More than the descriptor's size is refused; an abandoned pipe refuses the writer too. */
START_TEST(test_overrun_and_abandon)
{
	uint8_t in[64] = { 0 };
	struct wpkg_pipe p;
	struct wpkg_error err;

	ck_assert_int_eq(wpkg_pipe_init(&p, 10, 4096, &err), 0);
	ck_assert_int_eq(wpkg_pipe_write(&p, in, 11, &err), WPKG_E_DIGEST);
	ck_assert_int_eq(wpkg_pipe_write(&p, in, 5, &err), 0);
	wpkg_pipe_abandon(&p);
	ck_assert_int_eq(wpkg_pipe_write(&p, in, 5, &err), WPKG_E_IO);
	wpkg_pipe_free(&p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("blob_pipe");
	TCase *tc = tcase_create("blob_pipe");

	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_last_byte_waits_for_the_verdict);
	tcase_add_test(tc, test_writer_failure_reaches_the_reader);
	tcase_add_test(tc, test_overrun_and_abandon);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
