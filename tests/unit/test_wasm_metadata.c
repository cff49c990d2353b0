/* SPDX-License-Identifier: Apache-2.0 */
/* test_wasm_metadata.c - wasm-metadata's custom sections read leniently and mapped to OCI annotations. */
#include "unit.h"
#include "wpkg/log.h"
#include "wpkg/wasm_metadata.h"

static char warnings[2048];

static void capture(void *payload, enum wpkg_log_level level, const char *msg)
{
	if (level == WPKG_LOG_WARN) {
		strncat(warnings, msg, sizeof(warnings) - strlen(warnings) - 2);
		strcat(warnings, "\n");
	}
}

/* Reads tests/fixtures/metadata/NAME (made by gen-metadata.py there). */
static void read_meta(struct wpkg_wasm_metadata *m, const char *name)
{
	struct wpkg_buf b = WPKG_BUF_INIT;
	struct wpkg_error err = { 0 };
	struct wpkg_log_sink log = { capture, NULL, WPKG_LOG_DEBUG };
	char path[512];

	snprintf(path, sizeof(path), "%s/metadata/%s", FIXTURES, name);
	unit_read_file(&b, path);
	warnings[0] = '\0';
	ck_assert_msg(wpkg_wasm_metadata_read(m, (const uint8_t *)b.data, b.len, &log, &err) == 0, "%s", err.msg);
	wpkg_buf_free(&b);
}

START_TEST(test_good)
{
	struct wpkg_wasm_metadata m;
	json_t *a = json_object(), *want;
	char *got;

	read_meta(&m, "meta-good.component.wasm");
	ck_assert_str_eq(warnings, "");
	ck_assert_uint_eq(m.skipped, 0);
	/* the outermost level only: the nested module's "Inner Module" does not count */
	ck_assert_str_eq(m.authors, "Nori Cat <nori@example.com>, Chashu Cat");
	/* control characters never copied: the newline is a space, the BEL is gone */
	ck_assert_str_eq(m.description, "Says hello. Twice, loudly.");
	ck_assert_str_eq(m.licenses, "Apache-2.0 WITH LLVM-exception OR MIT");
	ck_assert_str_eq(m.version, "1.2.3");
	/* an annotation given with -a stays; the rest are filled in */
	json_object_set_new(a, "org.opencontainers.image.revision", json_string("from-the-command-line"));
	ck_assert_int_eq(wpkg_wasm_metadata_annotate(a, &m, 1), 0);
	want = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
			 "org.opencontainers.image.authors", "Nori Cat <nori@example.com>, Chashu Cat",
			 "org.opencontainers.image.description", "Says hello. Twice, loudly.",
			 "org.opencontainers.image.licenses", "Apache-2.0 WITH LLVM-exception OR MIT",
			 "org.opencontainers.image.source", "https://github.com/example/hello",
			 "org.opencontainers.image.url", "https://hello.example.com/",
			 "org.opencontainers.image.revision", "from-the-command-line",
			 "org.opencontainers.image.version", "1.2.3");
	got = json_dumps(a, JSON_SORT_KEYS);
	ck_assert_msg(json_equal(a, want), "%s", got);
	free(got);
	json_decref(a);
	json_decref(want);
	/* publishing by name: the name's version counts, not the section's */
	a = json_object();
	ck_assert_int_eq(wpkg_wasm_metadata_annotate(a, &m, 0), 0);
	ck_assert_ptr_null(json_object_get(a, "org.opencontainers.image.version"));
	ck_assert_uint_eq(json_object_size(a), 6);
	json_decref(a);
	wpkg_wasm_metadata_free(&m);
}
END_TEST

START_TEST(test_legacy_and_order)
{
	struct wpkg_wasm_metadata m;

	read_meta(&m, "meta-legacy.component.wasm");
	ck_assert_str_eq(m.authors, "Old Style Author");
	ck_assert_str_eq(m.revision, "second");
	ck_assert_ptr_null(m.description);
	wpkg_wasm_metadata_free(&m);
	read_meta(&m, "meta-both-authors.component.wasm");
	ck_assert_str_eq(m.authors, "New Style");
	wpkg_wasm_metadata_free(&m);
	read_meta(&m, "meta-none.component.wasm");
	ck_assert_ptr_null(m.authors);
	ck_assert_ptr_null(m.version);
	wpkg_wasm_metadata_free(&m);
}
END_TEST

START_TEST(test_malformed_skipped)
{
	struct wpkg_wasm_metadata m;

	read_meta(&m, "meta-bad.component.wasm");
	ck_assert_str_eq(warnings,
			 "custom section 'authors': not UTF-8; not copied into the annotations\n"
			 "custom section 'description': empty; not copied into the annotations\n"
			 "custom section 'licenses': not an SPDX license expression; not copied into the annotations\n"
			 "custom section 'source': not a URL; not copied into the annotations\n"
			 "custom section 'revision': empty; not copied into the annotations\n");
	ck_assert_uint_eq(m.skipped, 5);
	ck_assert_ptr_null(m.authors);
	ck_assert_ptr_null(m.licenses);
	ck_assert_ptr_null(m.source);
	ck_assert_str_eq(m.homepage, "https://ok.example.com");
	ck_assert_str_eq(m.version, "2.0.0");
	wpkg_wasm_metadata_free(&m);
}
END_TEST

START_TEST(test_not_wasm)
{
	struct wpkg_wasm_metadata m = { .skipped = 7 };
	struct wpkg_error err = { 0 };

	ck_assert_int_eq(wpkg_wasm_metadata_read(&m, (const uint8_t *)"nope", 4, NULL, &err), WPKG_E_INVALID);
	ck_assert_uint_eq(m.skipped, 7);
}
END_TEST

/* SPDX 2.3 annex D examples, and what is not an expression. */
static const struct {
	const char *s;
	int ok;
} spdx[] = {
	{ "MIT", 1 }, { "Apache-2.0", 1 }, { "GPL-2.0+", 1 }, { "GPL-2.0-or-later", 1 },
	{ "LGPL-2.1-only OR MIT", 1 }, { "(MIT OR Apache-2.0) AND BSD-3-Clause", 1 },
	{ "Apache-2.0 WITH LLVM-exception", 1 }, { "LicenseRef-my-own", 1 },
	{ "DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2", 1 }, { "mit or apache-2.0", 1 },
	{ "((MIT))", 1 },
	{ "", 0 }, { "MIT AND", 0 }, { "MIT AND (", 0 }, { "(MIT", 0 }, { "MIT)", 0 }, { "MIT Apache-2.0", 0 },
	{ "AND MIT", 0 }, { "MIT/Apache-2.0", 0 }, { "MIT WITH", 0 }, { "GPL+-2.0", 0 }, { "a:b", 0 },
	{ "MIT, Apache-2.0", 0 },
};

START_TEST(test_spdx)
{
	ck_assert_msg(wpkg_spdx_valid(spdx[_i].s) == spdx[_i].ok, "%s", spdx[_i].s);
}
END_TEST

static const struct {
	const char *s;
	int ok;
} urls[] = {
	{ "https://github.com/a/b", 1 }, { "http://x", 1 }, { "git+ssh://git@github.com/a/b.git", 1 },
	{ "mailto:a@b.example", 1 }, { "not a url", 0 }, { "github.com/a/b", 0 }, { "https://", 0 },
	{ "https:///path", 0 }, { ":x", 0 }, { "1http://x", 0 }, { "https://a b", 0 }, { "", 0 },
};

START_TEST(test_url)
{
	ck_assert_msg(wpkg_url_valid(urls[_i].s) == urls[_i].ok, "%s", urls[_i].s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("wasm_metadata");
	TCase *tc = tcase_create("wasm_metadata");

	tcase_add_test(tc, test_good);
	tcase_add_test(tc, test_legacy_and_order);
	tcase_add_test(tc, test_malformed_skipped);
	tcase_add_test(tc, test_not_wasm);
	tcase_add_loop_test(tc, test_spdx, 0, UNIT_N(spdx));
	tcase_add_loop_test(tc, test_url, 0, UNIT_N(urls));
	suite_add_tcase(s, tc);
	return unit_run(s);
}
