/* SPDX-License-Identifier: Apache-2.0 */
/* test_transfer.c - the pure parts of push and pull: the tag grammar, layer titles, Wasm layer media types. */
#include <string.h>

#include <check.h>

#include "unit.h"

#include "wpkg/pull.h"
#include "wpkg/push.h"

#define T64 "tttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt"

static const char *const good_tags[] = {
	"latest", "v1", "1.0.0", "_", "_x", "A-b.C_d", "0", "v1--rc..2", T64 T64,
};

struct bad_tag {
	const char *tag;
	const char *msg;
};

static const struct bad_tag bad_tags[] = {
	{ "", "invalid tag \"\": empty" },
	{ ".hidden", "invalid tag \".hidden\": character '.' at position 1 is not allowed" },
	{ "-x", "invalid tag \"-x\": character '-' at position 1 is not allowed" },
	{ "a/b", "invalid tag \"a/b\": character '/' at position 2 is not allowed" },
	{ "v1:2", "invalid tag \"v1:2\": character ':' at position 3 is not allowed" },
	{ "a@sha256", "invalid tag \"a@sha256\": character '@' at position 2 is not allowed" },
	{ "with space", "invalid tag: byte 0x20 at position 5 is not allowed" },
	{ "tab\t", "invalid tag: byte 0x09 at position 4 is not allowed" },
	{ "caf\xc3\xa9", "invalid tag: byte 0xc3 at position 4 is not allowed" },
	{ T64 T64 "t", "invalid tag \"" "tttttttttttttttttttttttttttttttttttttttt" "...\": longer than 128 characters" },
};

START_TEST(test_good_tag)
{
	struct wpkg_error err;

	wpkg_error_clear(&err);
	ck_assert_int_eq(wpkg_push_check_tag(good_tags[_i], &err), 0);
	ck_assert_str_eq(err.msg, "");
}
END_TEST

START_TEST(test_bad_tag)
{
	struct wpkg_error err;

	wpkg_error_clear(&err);
	ck_assert_int_eq(wpkg_push_check_tag(bad_tags[_i].tag, &err), WPKG_E_INVALID);
	ck_assert_int_eq(err.code, WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, bad_tags[_i].msg);
	/* a NULL error record is allowed and changes nothing but the message */
	ck_assert_int_eq(wpkg_push_check_tag(bad_tags[_i].tag, NULL), WPKG_E_INVALID);
}
END_TEST

START_TEST(test_titles)
{
	static const char *const good[] = { "hello.wasm", "a", "...", "..x", "x..", ".hidden.wasm", "a b.wasm" };
	static const char *const bad[] = { "", ".", "..", "../x.wasm", "a/b.wasm", "/etc/passwd", "a\\b.wasm",
					   "..\\x", "x/" };
	struct wpkg_error err;
	char want[128];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(wpkg_pull_check_title(good[i], NULL) == 0, "title %s refused", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		wpkg_error_clear(&err);
		ck_assert_int_eq(wpkg_pull_check_title(bad[i], &err), WPKG_E_INVALID);
		snprintf(want, sizeof(want), "layer title \"%s\" is not a plain file name", bad[i]);
		ck_assert_str_eq(err.msg, want);
	}
}
END_TEST

START_TEST(test_wasm_layer_types)
{
	ck_assert(wpkg_pull_is_wasm_layer("application/wasm"));
	ck_assert(wpkg_pull_is_wasm_layer("application/vnd.bytecodealliance.wasm.component.layer.v0+wasm"));
	ck_assert(wpkg_pull_is_wasm_layer("application/vnd.wasm.content.layer.v1+wasm"));
	ck_assert(wpkg_pull_is_wasm_layer("application/vnd.module.wasm.content.layer.v1+wasm"));
	ck_assert(!wpkg_pull_is_wasm_layer("application/wasm+json"));
	ck_assert(!wpkg_pull_is_wasm_layer("application/WASM"));
	ck_assert(!wpkg_pull_is_wasm_layer("application/vnd.oci.image.layer.v1.tar+gzip"));
	ck_assert(!wpkg_pull_is_wasm_layer(""));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("transfer");
	TCase *tc = tcase_create("transfer");

	tcase_add_loop_test(tc, test_good_tag, 0, UNIT_N(good_tags));
	tcase_add_loop_test(tc, test_bad_tag, 0, UNIT_N(bad_tags));
	tcase_add_test(tc, test_titles);
	tcase_add_test(tc, test_wasm_layer_types);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
