/* SPDX-License-Identifier: Apache-2.0 */
/* test_names.c - semver versions and requirements, labels and package names, against Cargo's rules. */
#include "unit.h"
#include "wpkg/pkgname.h"
#include "wpkg/semver.h"

/*
 * Version syntax: SemVer 2.0 (https://semver.org/spec/v2.0.0.html, sections 2, 9, 10);
 * precedence: section 11, its own example chain.
 */
static const char *good_versions[] = {
	"0.0.0", "1.2.3", "1.2.3-alpha", "1.2.3-alpha.1", "1.2.3-0.3.7", "1.2.3-x.7.z.92",
	"1.0.0+20130313144700", "1.0.0-beta+exp.sha.5114f85", "1.0.0+21AF26D3----117B344092BD",
	"1.2.3-alpha-1", "1.2.3--", "1.0.0+001", "18446744073709551615.0.0",
};

static const char *bad_versions[] = {
	"", "v1.0.0", "1.0", "1", "latest", "sha256-0123", "01.0.0", "1.02.0", "1.0.03",
	"1.0.0-", "1.0.0-01", "1.0.0-a..b", "1.0.0-a.", "1.0.0+", "1.0.0+a..b", "1.0.0-a_b",
	"1.0.0 ", " 1.0.0", "18446744073709551616.0.0", "1.0.0-\xce\xb1", "1.0.0.0", "1.0.0-rc.1+b+c",
	"-1.0.0", "1.-1.0",
};

START_TEST(test_version_good)
{
	struct wpkg_semver v;
	struct wpkg_error err = { 0 };
	char text[512];

	ck_assert_msg(wpkg_semver_parse(&v, good_versions[_i], &err) == 0, "%s: %s", good_versions[_i], err.msg);
	wpkg_semver_format(text, sizeof(text), &v);
	ck_assert_str_eq(text, good_versions[_i]);
}
END_TEST

START_TEST(test_version_bad)
{
	struct wpkg_semver v = { .major = 77 };
	struct wpkg_error err = { 0 };

	ck_assert_int_eq(wpkg_semver_parse(&v, bad_versions[_i], &err), WPKG_E_INVALID);
	ck_assert_msg(strncmp(err.msg, "invalid version \"", 17) == 0, "%s", err.msg);
	ck_assert_int_eq(v.major, 77);  /* outputs only on success */
}
END_TEST

START_TEST(test_version_messages)
{
	struct wpkg_semver v;
	struct wpkg_error err = { 0 };

	wpkg_semver_parse(&v, "1.02.0", &err);
	ck_assert_str_eq(err.msg, "invalid version \"1.02.0\": the minor number has a leading zero");
	wpkg_semver_parse(&v, "v1.0.0", &err);
	ck_assert_str_eq(err.msg, "invalid version \"v1.0.0\": expected the major number");
	wpkg_semver_parse(&v, "1.0", &err);
	ck_assert_str_eq(err.msg, "invalid version \"1.0\": expected MAJOR.MINOR.PATCH");
	wpkg_semver_parse(&v, "1.0.0-01", &err);
	ck_assert_str_eq(err.msg, "invalid version \"1.0.0-01\": numeric pre-release identifier with a leading zero");
}
END_TEST

/* Ascending, SemVer 2.0 section 11 (its example) and a few more. */
static const char *ascending[] = {
	"0.0.1", "0.1.0", "0.9.0", "0.10.0", "1.0.0-0", "1.0.0-2", "1.0.0-10", "1.0.0-alpha", "1.0.0-alpha.1",
	"1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "2.0.0",
	"2.1.0", "2.1.1", "10.0.0",
};

START_TEST(test_precedence)
{
	struct wpkg_semver a, b;

	for (int j = 0; j < UNIT_N(ascending); j++) {
		ck_assert_int_eq(wpkg_semver_parse(&a, ascending[_i], NULL), 0);
		ck_assert_int_eq(wpkg_semver_parse(&b, ascending[j], NULL), 0);
		ck_assert_msg(wpkg_semver_cmp(&a, &b) == (_i < j ? -1 : _i > j), "%s vs %s", ascending[_i], ascending[j]);
	}
}
END_TEST

START_TEST(test_build_ignored)
{
	struct wpkg_semver a, b;

	ck_assert_int_eq(wpkg_semver_parse(&a, "1.0.0+a", NULL), 0);
	ck_assert_int_eq(wpkg_semver_parse(&b, "1.0.0+b.2", NULL), 0);
	ck_assert_int_eq(wpkg_semver_cmp(&a, &b), 0);
}
END_TEST

/*
 * Requirements: the Cargo book, "Specifying Dependencies" (caret, tilde,
 * wildcard, comparison and multiple requirements, with their equivalent ranges)
 * and the Rust semver crate's eval.rs for the pre-release rule ("a version with
 * a pre-release only satisfies a requirement with a comparator of the same
 * major.minor.patch that has a pre-release").  Each row: requirement, version, 1 if it matches.
 */
static const struct {
	const char *req, *version;
	int match;
} matches[] = {
	/* ^1.2.3 := >=1.2.3, <2.0.0 */
	{ "^1.2.3", "1.2.3", 1 }, { "^1.2.3", "1.9.9", 1 }, { "^1.2.3", "2.0.0", 0 }, { "^1.2.3", "1.2.2", 0 },
	{ "1.2.3", "1.2.3", 1 }, { "1.2.3", "1.3.0", 1 }, { "1.2.3", "2.0.0", 0 },
	/* ^1.2 := >=1.2.0, <2.0.0; ^1 := >=1.0.0, <2.0.0 */
	{ "^1.2", "1.2.0", 1 }, { "^1.2", "1.1.9", 0 }, { "^1.2", "1.99.0", 1 }, { "1.2", "2.0.0", 0 },
	{ "^1", "1.0.0", 1 }, { "^1", "1.99.99", 1 }, { "^1", "0.9.0", 0 }, { "1", "2.0.0", 0 },
	/* ^0.2.3 := >=0.2.3, <0.3.0; ^0.2 := >=0.2.0, <0.3.0 */
	{ "^0.2.3", "0.2.3", 1 }, { "^0.2.3", "0.2.9", 1 }, { "^0.2.3", "0.3.0", 0 }, { "^0.2.3", "0.2.2", 0 },
	{ "^0.2", "0.2.0", 1 }, { "^0.2", "0.2.7", 1 }, { "^0.2", "0.3.0", 0 }, { "0.2", "0.1.9", 0 },
	/* ^0.0.3 := >=0.0.3, <0.0.4; ^0.0 := >=0.0.0, <0.1.0; ^0 := >=0.0.0, <1.0.0 */
	{ "^0.0.3", "0.0.3", 1 }, { "^0.0.3", "0.0.4", 0 }, { "^0.0.3", "0.0.2", 0 },
	{ "^0.0", "0.0.0", 1 }, { "^0.0", "0.0.9", 1 }, { "^0.0", "0.1.0", 0 },
	{ "^0", "0.0.0", 1 }, { "^0", "0.99.0", 1 }, { "^0", "1.0.0", 0 },
	/* ~1.2.3 := >=1.2.3, <1.3.0; ~1.2 := >=1.2.0, <1.3.0; ~1 := >=1.0.0, <2.0.0 */
	{ "~1.2.3", "1.2.3", 1 }, { "~1.2.3", "1.2.9", 1 }, { "~1.2.3", "1.3.0", 0 }, { "~1.2.3", "1.2.2", 0 },
	{ "~1.2", "1.2.0", 1 }, { "~1.2", "1.3.0", 0 }, { "~1", "1.9.0", 1 }, { "~1", "2.0.0", 0 },
	{ "~0.2.0", "0.2.5", 1 }, { "~0.2.0", "0.3.0", 0 },
	/* * := >=0.0.0; 1.* := >=1.0.0, <2.0.0; 1.2.* := >=1.2.0, <1.3.0 */
	{ "*", "0.0.0", 1 }, { "*", "99.0.0", 1 }, { "1.*", "1.5.0", 1 }, { "1.*", "2.0.0", 0 }, { "1.*", "0.9.0", 0 },
	{ "1.2.*", "1.2.9", 1 }, { "1.2.*", "1.3.0", 0 }, { "1.x", "1.0.0", 1 }, { "1.2.X", "1.2.0", 1 },
	/* comparison requirements */
	{ ">= 1.2.0", "1.2.0", 1 }, { ">= 1.2.0", "1.1.9", 0 }, { "> 1", "2.0.0", 1 }, { "> 1", "1.9.9", 0 },
	{ ">1.2", "1.3.0", 1 }, { ">1.2", "1.2.9", 0 }, { ">1.2.3", "1.2.4", 1 }, { ">1.2.3", "1.2.3", 0 },
	{ "< 2", "1.99.0", 1 }, { "< 2", "2.0.0", 0 }, { "<1.2", "1.1.9", 1 }, { "<1.2", "1.2.0", 0 },
	{ "<=1.2", "1.2.9", 1 }, { "<=1.2", "1.3.0", 0 }, { "<=1.2.3", "1.2.3", 1 }, { "<=1.2.3", "1.2.4", 0 },
	{ "= 1.2.3", "1.2.3", 1 }, { "=1.2.3", "1.2.4", 0 }, { "=1.2", "1.2.5", 1 }, { "=1", "1.3.0", 1 },
	{ "=1.2.3", "1.2.3+build", 1 },
	/* multiple requirements */
	{ ">= 1.2, < 1.5", "1.4.9", 1 }, { ">= 1.2, < 1.5", "1.5.0", 0 }, { ">= 1.2, < 1.5", "1.1.0", 0 },
	{ ">=0.1.0, <0.2.0", "0.1.5", 1 }, { ">=0.1.0,<0.2.0", "0.2.0", 0 },
	/* pre-releases: only where a comparator names one of the same major.minor.patch */
	{ "*", "1.0.0-rc.1", 0 }, { ">=1.0.0", "1.1.0-beta", 0 }, { "^1.0", "1.2.0-rc.1", 0 },
	{ "^1.2.3-alpha.1", "1.2.3-alpha.2", 1 }, { "^1.2.3-alpha.1", "1.2.3-alpha.0", 0 },
	{ "^1.2.3-alpha.1", "1.2.3", 1 }, { "^1.2.3-alpha.1", "1.3.0", 1 }, { "^1.2.3-alpha.1", "1.2.4-alpha.1", 0 },
	{ ">=1.0.0-rc.1, <2.0.0", "1.0.0-rc.2", 1 }, { ">=1.0.0-rc.1, <2.0.0", "1.5.0-rc.1", 0 },
	{ "=1.0.0-rc.1", "1.0.0-rc.1", 1 }, { "=1.0.0-rc.1", "1.0.0-rc.2", 0 },
	{ "~1.2.3-beta", "1.2.3-beta.4", 1 }, { "~1.2.3-beta", "1.2.3-alpha", 0 }, { "~1.2.3-beta", "1.2.5", 1 },
	{ "<1.0.0-rc.1", "1.0.0-beta", 1 }, { "<1.0.0", "1.0.0-beta", 0 },
	{ "^0.2.0-rc.1", "0.2.0-rc.1", 1 }, { "^0.2.0-rc.1", "0.2.1", 1 }, { "^0.2.0-rc.1", "0.3.0", 0 },
};

START_TEST(test_req_matches)
{
	struct wpkg_semver_req req;
	struct wpkg_semver v;
	struct wpkg_error err = { 0 };

	ck_assert_msg(wpkg_semver_req_parse(&req, matches[_i].req, &err) == 0, "%s: %s", matches[_i].req, err.msg);
	ck_assert_int_eq(wpkg_semver_parse(&v, matches[_i].version, NULL), 0);
	ck_assert_msg(wpkg_semver_req_matches(&req, &v) == matches[_i].match, "%s ~ %s should be %d",
		      matches[_i].req, matches[_i].version, matches[_i].match);
}
END_TEST

static const struct {
	const char *req, *msg;
} bad_reqs[] = {
	{ "", "expected a version" },
	{ "1.2.3 2.0.0", "expected ',' between comparators" },
	{ ">=", "expected a version" },
	{ "^1.2-alpha", "a pre-release needs a full MAJOR.MINOR.PATCH" },
	{ "*, 1.0", "\"*\" must be the only comparator" },
	{ "v1", "expected a version" },
	{ ">=1.*", "a wildcard takes no operator" },
	{ "1.*.3", "only wildcards may follow a wildcard" },
	{ "01.2", "expected a version" },
	{ "latest", "expected a version" },
	{ "1.2,", "expected a version" },
	{ "=>1.0", "expected a version" },
};

START_TEST(test_req_bad)
{
	struct wpkg_semver_req req = { .count = 99 };
	struct wpkg_error err = { 0 };
	char want[512];

	ck_assert_int_eq(wpkg_semver_req_parse(&req, bad_reqs[_i].req, &err), WPKG_E_INVALID);
	snprintf(want, sizeof(want), "invalid version requirement \"%s\": %s", bad_reqs[_i].req, bad_reqs[_i].msg);
	ck_assert_str_eq(err.msg, want);
	ck_assert_int_eq(req.count, 99);
}
END_TEST

/* wasm-pkg-common label.rs: words of [a-z0-9] split by '-', each starting with [a-z]. */
static const struct {
	const char *s;
	int name;
} names[] = {
	{ "wasi:http", 1 }, { "wasi:http@0.2.0", 1 }, { "ba:sample-wasi-http-rust", 1 }, { "my-ns:x2", 1 },
	{ "a1-b2:c3-d4", 1 }, { "ubuntu:latest", 1 }, { "wasi:http@^0.2", 1 }, { "wasi:http@", 1 },
	{ "localhost:5000", 0 }, { "localhost:5000/x", 0 }, { "ghcr.io/a/b:1", 0 }, { "wasi/http:x", 0 },
	{ "Wasi:http", 0 }, { "wasi:HTTP", 0 }, { "wasi:httpV2", 0 }, { "wasi:2http", 0 }, { "wasi:http-", 0 },
	{ "wasi:-http", 0 }, { "wasi:ht--tp", 0 }, { "wasi:a-1b", 0 }, { "wasi", 0 }, { "wasi:http:x", 0 },
	{ "wasi:", 0 }, { ":http", 0 }, { "wasi:ht_tp", 0 }, { "wasi:ht.tp", 0 }, { "", 0 },
	{ "example.com:tag", 0 }, { "wasi:http@1.0/x", 0 },
};

START_TEST(test_is_name)
{
	ck_assert_msg(wpkg_pkgname_is_name(names[_i].s) == names[_i].name, "%s", names[_i].s);
}
END_TEST

START_TEST(test_pkgname_parse)
{
	struct wpkg_pkgname p;
	struct wpkg_error err = { 0 };
	char text[512];

	ck_assert_int_eq(wpkg_pkgname_parse(&p, "wasi:http", &err), 0);
	ck_assert_str_eq(p.ns, "wasi");
	ck_assert_str_eq(p.name, "http");
	ck_assert_int_eq(p.kind, WPKG_PKGNAME_ANY);
	ck_assert_str_eq(p.spec, "");

	ck_assert_int_eq(wpkg_pkgname_parse(&p, "ba:sample-wasi-http-rust@0.2.0-rc.1+b", &err), 0);
	ck_assert_str_eq(p.name, "sample-wasi-http-rust");
	ck_assert_int_eq(p.kind, WPKG_PKGNAME_EXACT);
	wpkg_semver_format(text, sizeof(text), &p.version);
	ck_assert_str_eq(text, "0.2.0-rc.1+b");

	ck_assert_int_eq(wpkg_pkgname_parse(&p, "wasi:http@>=0.1.0, <0.2.0", &err), 0);
	ck_assert_int_eq(p.kind, WPKG_PKGNAME_REQ);
	ck_assert_int_eq(p.req.count, 2);
	ck_assert_str_eq(p.spec, ">=0.1.0, <0.2.0");

	ck_assert_int_eq(wpkg_pkgname_parse(&p, "wasi:http@0.2", &err), 0);
	ck_assert_int_eq(p.kind, WPKG_PKGNAME_REQ);  /* bare 0.2 is ^0.2 */
	ck_assert_int_eq(p.req.c[0].op, WPKG_SEMVER_CARET);

	ck_assert_int_eq(wpkg_pkgname_parse(&p, "wasi:http@latest", &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "package wasi:http: invalid version requirement \"latest\": expected a version");
	ck_assert_int_eq(wpkg_pkgname_parse(&p, "wasi:http@", &err), WPKG_E_INVALID);
	ck_assert_int_eq(wpkg_pkgname_parse(&p, "Wasi:http", &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "invalid package name \"Wasi:http\": expected NAMESPACE:NAME[@VERSION], each a label "
			 "of lower-case words joined by '-' (e.g. wasi:http@0.2.0)");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("names");
	TCase *tc = tcase_create("semver");
	TCase *tn = tcase_create("pkgname");

	tcase_add_loop_test(tc, test_version_good, 0, UNIT_N(good_versions));
	tcase_add_loop_test(tc, test_version_bad, 0, UNIT_N(bad_versions));
	tcase_add_test(tc, test_version_messages);
	tcase_add_loop_test(tc, test_precedence, 0, UNIT_N(ascending));
	tcase_add_test(tc, test_build_ignored);
	tcase_add_loop_test(tc, test_req_matches, 0, UNIT_N(matches));
	tcase_add_loop_test(tc, test_req_bad, 0, UNIT_N(bad_reqs));
	tcase_add_loop_test(tn, test_is_name, 0, UNIT_N(names));
	tcase_add_test(tn, test_pkgname_parse);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, tn);
	return unit_run(s);
}
