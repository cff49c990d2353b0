/* SPDX-License-Identifier: Apache-2.0 */
/* test_ref.c - table-driven tests of reference parsing, normalisation and printing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "unit.h"

#include "wpkg/ref.h"

#define HEX "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define DIG "sha256:" HEX
#define A50 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define T128 "tttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt" \
	     "tttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt"

struct ok_case {
	const char *in;
	unsigned flags;
	enum wpkg_transport transport;
	const char *registry, *repository, *tag, *digest, *path;
	const char *string;     /* wpkg_ref_string */
	const char *reference;  /* wpkg_ref_reference */
	const char *api_host;   /* wpkg_ref_api_host */
};

#define REG WPKG_TRANSPORT_REGISTRY
#define LAY WPKG_TRANSPORT_OCI_LAYOUT
#define ARC WPKG_TRANSPORT_OCI_ARCHIVE

static const struct ok_case ok_cases[] = {
	{ "alpine", 0, REG, "docker.io", "library/alpine", NULL, NULL, NULL,
	  "docker.io/library/alpine", "latest", "registry-1.docker.io" },
	{ "alpine:3.19", 0, REG, "docker.io", "library/alpine", "3.19", NULL, NULL,
	  "docker.io/library/alpine:3.19", "3.19", "registry-1.docker.io" },
	{ "user/app", 0, REG, "docker.io", "user/app", NULL, NULL, NULL,
	  "docker.io/user/app", "latest", "registry-1.docker.io" },
	{ "docker.io/alpine", 0, REG, "docker.io", "library/alpine", NULL, NULL, NULL,
	  "docker.io/library/alpine", "latest", "registry-1.docker.io" },
	{ "index.docker.io/user/app:v1", 0, REG, "docker.io", "user/app", "v1", NULL, NULL,
	  "docker.io/user/app:v1", "v1", "registry-1.docker.io" },
	{ "docker://ghcr.io/org/app:1.0", 0, REG, "ghcr.io", "org/app", "1.0", NULL, NULL,
	  "ghcr.io/org/app:1.0", "1.0", "ghcr.io" },
	{ "localhost/app", 0, REG, "localhost", "app", NULL, NULL, NULL,
	  "localhost/app", "latest", "localhost" },
	{ "localhost:5000/a/b/c:tag_1", 0, REG, "localhost:5000", "a/b/c", "tag_1", NULL, NULL,
	  "localhost:5000/a/b/c:tag_1", "tag_1", "localhost:5000" },
	{ "127.0.0.1:5000/wasm/hello", 0, REG, "127.0.0.1:5000", "wasm/hello", NULL, NULL, NULL,
	  "127.0.0.1:5000/wasm/hello", "latest", "127.0.0.1:5000" },
	{ "[::1]:5000/app:v2", 0, REG, "[::1]:5000", "app", "v2", NULL, NULL,
	  "[::1]:5000/app:v2", "v2", "[::1]:5000" },
	{ "[fe80::1]/app", 0, REG, "[fe80::1]", "app", NULL, NULL, NULL,
	  "[fe80::1]/app", "latest", "[fe80::1]" },
	{ "ghcr.io/org/app@" DIG, 0, REG, "ghcr.io", "org/app", NULL, DIG, NULL,
	  "ghcr.io/org/app@" DIG, DIG, "ghcr.io" },
	{ "ghcr.io/org/app:v1@" DIG, 0, REG, "ghcr.io", "org/app", "v1", DIG, NULL,
	  "ghcr.io/org/app:v1@" DIG, DIG, "ghcr.io" },
	{ "My-Registry.example.com/app", 0, REG, "My-Registry.example.com", "app", NULL, NULL, NULL,
	  "My-Registry.example.com/app", "latest", "My-Registry.example.com" },
	{ "r.example/a.b_c__d---e/f-g", 0, REG, "r.example", "a.b_c__d---e/f-g", NULL, NULL, NULL,
	  "r.example/a.b_c__d---e/f-g", "latest", "r.example" },
	{ "r.example/app:_Tag.With-Mixed_CASE", 0, REG, "r.example", "app", "_Tag.With-Mixed_CASE", NULL,
	  NULL, "r.example/app:_Tag.With-Mixed_CASE", "_Tag.With-Mixed_CASE", "r.example" },
	{ "r.example/app:" T128, 0, REG, "r.example", "app", T128, NULL, NULL,
	  "r.example/app:" T128, T128, "r.example" },
	/* a first component without '.' or ':' is a path: "localhost:5000" alone is a tagged name */
	{ "localhost:5000", 0, REG, "docker.io", "library/localhost", "5000", NULL, NULL,
	  "docker.io/library/localhost:5000", "5000", "registry-1.docker.io" },
	{ "ghcr.io/org/app", WPKG_REF_NO_TAG, REG, "ghcr.io", "org/app", NULL, NULL, NULL,
	  "ghcr.io/org/app", "latest", "ghcr.io" },
	/* 9 + 1 + 245 = 255 characters: the limit itself is allowed */
	{ "docker.io/x/" A50 A50 A50 A50 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0, REG, "docker.io",
	  "x/" A50 A50 A50 A50 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", NULL, NULL, NULL,
	  "docker.io/x/" A50 A50 A50 A50 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "latest",
	  "registry-1.docker.io" },
	{ "oci-layout:out", 0, LAY, NULL, NULL, NULL, NULL, "out", "oci-layout:out", "latest", NULL },
	{ "oci-layout:/tmp/out:v1", 0, LAY, NULL, NULL, "v1", NULL, "/tmp/out", "oci-layout:/tmp/out:v1",
	  "v1", NULL },
	{ "oci-layout:dir:with:colons:v1", 0, LAY, NULL, NULL, "v1", NULL, "dir:with:colons",
	  "oci-layout:dir:with:colons:v1", "v1", NULL },
	{ "oci-layout:out@" DIG, 0, LAY, NULL, NULL, NULL, DIG, "out", "oci-layout:out@" DIG, DIG, NULL },
	{ "oci-layout:/a@b/out", 0, LAY, NULL, NULL, NULL, NULL, "/a@b/out", "oci-layout:/a@b/out",
	  "latest", NULL },
	{ "oci-archive:app.tar:1.0", 0, ARC, NULL, NULL, "1.0", NULL, "app.tar", "oci-archive:app.tar:1.0",
	  "1.0", NULL },
	{ "oci-archive:./app.tar", 0, ARC, NULL, NULL, NULL, NULL, "./app.tar", "oci-archive:./app.tar",
	  "latest", NULL },
};

static void ck_str_or_null(const char *what, const char *got, const char *want)
{
	if (want == NULL)
		ck_assert_msg(got == NULL, "%s: expected NULL, got \"%s\"", what, got);
	else
		ck_assert_msg(got && strcmp(got, want) == 0, "%s: expected \"%s\", got \"%s\"", what, want,
			      got ? got : "(null)");
}

START_TEST(test_valid)
{
	const struct ok_case *c = &ok_cases[_i];
	struct wpkg_error err = { 0 };
	struct wpkg_ref r;
	char *s;
	int rc;

	rc = wpkg_ref_parse(&r, c->in, c->flags, &err);
	ck_assert_msg(rc == 0, "%s: %s", c->in, err.msg);
	ck_assert_int_eq(r.transport, c->transport);
	ck_str_or_null("registry", r.registry, c->registry);
	ck_str_or_null("repository", r.repository, c->repository);
	ck_str_or_null("tag", r.tag, c->tag);
	ck_str_or_null("digest", r.digest, c->digest);
	ck_str_or_null("path", r.path, c->path);
	s = wpkg_ref_string(&r);
	ck_str_or_null("string", s, c->string);
	ck_str_or_null("reference", wpkg_ref_reference(&r), c->reference);
	ck_str_or_null("api host", wpkg_ref_api_host(&r), c->api_host);
	free(s);
	wpkg_ref_free(&r);
	ck_assert_ptr_null(r.registry);
}
END_TEST

struct bad_case {
	const char *in;
	unsigned flags;
	const char *msg;   /* after "invalid reference \"IN\": " */
};

static const struct bad_case bad_cases[] = {
	{ "", 0, "reference is empty" },
	{ "Foo/bar", 0, "repository name must be lowercase ('F' at position 1)" },
	{ "ghcr.io/org/App", 0, "repository name must be lowercase ('A' at position 13)" },
	{ "docker://ghcr.io/Org/app", 0, "repository name must be lowercase ('O' at position 18)" },
	{ "app:", 0, "tag is empty (position 5)" },
	{ "app:-x", 0, "tag must start with a letter, digit or '_' ('-' at position 5)" },
	{ "app:v1$", 0, "invalid character '$' in tag at position 7" },
	{ "app:" T128 "t", 0, "tag is longer than 128 characters (129)" },
	{ "app:v1:v2", 0, "invalid character ':' in repository name at position 4" },
	{ "app@sha256:abc", 0, "invalid digest \"sha256:abc\": sha256 needs 64 hex digits, found 3" },
	{ "app@md5:abc", 0, "unsupported digest algorithm \"md5\" (sha256 and sha512 are supported)" },
	{ "app@" "sha256:" "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", 0,
	  "invalid digest \"sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855\": "
	  "'E' is not a lowercase hex digit" },
	{ "app@", 0, "invalid digest \"\": expected ALGORITHM:HEX" },
	{ "localhost:99999/app", 0, "invalid port \"99999\" at position 11: expected a number from 1 to 65535" },
	{ "localhost:0/app", 0, "invalid port \"0\" at position 11: expected a number from 1 to 65535" },
	{ "localhost:/app", 0, "invalid port \"\" at position 11: expected a number from 1 to 65535" },
	{ "localhost:50a/app", 0, "invalid port \"50a\" at position 11: expected a number from 1 to 65535" },
	{ "app/", 0, "trailing '/' at position 4" },
	{ "ghcr.io/", 0, "trailing '/' at position 8" },
	{ "/app", 0, "leading '/' at position 1" },
	{ "ghcr.io/org//app", 0, "empty path component ('//' at position 12)" },
	{ "ghcr.io/a..b", 0, "invalid separator \"..\" in repository name at position 10" },
	{ "ghcr.io/a___b", 0, "invalid separator \"___\" in repository name at position 10" },
	{ "ghcr.io/a.-b", 0, "invalid separator \".-\" in repository name at position 10" },
	{ "ghcr.io/_a", 0, "a repository path component must start with a letter or digit ('_' at position 9)" },
	{ "ghcr.io/a-/b", 0, "a repository path component must end with a letter or digit ('-' at position 10)" },
	{ "ghcr.io/a!b", 0, "invalid character '!' in repository name at position 10" },
	{ "ghcr.io/a b", 0, "invalid character ' ' in repository name at position 10" },
	{ "bad_host.io/app", 0, "invalid character '_' in registry name at position 4" },
	{ "-r.io/app", 0, "a registry name label cannot start or end with '-' (position 1)" },
	{ "r..io/app", 0, "empty label in registry name at position 3" },
	{ "[::1/app", 0, "invalid IPv6 address in registry (position 1)" },
	{ "[::g]:5000/app", 0, "invalid character 'g' in IPv6 address at position 4" },
	{ "[::1]x/app", 0, "expected ':' after IPv6 address at position 6" },
	{ "docker.io/x/" A50 A50 A50 A50 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0,
	  "name is longer than 255 characters (256)" },
	{ HEX, 0, "a repository name cannot be 64 hexadecimal digits" },
	{ "ghcr.io/org/app:v1", WPKG_REF_NO_TAG, "a repository without :tag or @digest is expected here" },
	{ "ghcr.io/org/app@" DIG, WPKG_REF_NO_TAG, "a repository without :tag or @digest is expected here" },
	{ "oci-layout:", 0, "path is empty" },
	{ "oci-layout::v1", 0, "path is empty" },
	{ "oci-layout:dir:", 0, "tag is empty (position 16)" },
	{ "oci-layout:/a:b/c", 0, "invalid character '/' in tag at position 16" },
	{ "oci-layout:out@sha256:12", 0, "invalid digest \"sha256:12\": sha256 needs 64 hex digits, found 2" },
	{ "oci-archive:a.tar:v1", WPKG_REF_NO_TAG, "a repository without :tag or @digest is expected here" },
};

START_TEST(test_invalid)
{
	const struct bad_case *c = &bad_cases[_i];
	struct wpkg_error err = { 0 };
	struct wpkg_ref r = { .tag = (char *)"untouched" };
	char want[WPKG_ERROR_MSG_MAX];
	int rc;

	snprintf(want, sizeof(want), "invalid reference \"%s\": %s", c->in, c->msg);
	rc = wpkg_ref_parse(&r, c->in, c->flags, &err);
	ck_assert_msg(rc == WPKG_E_INVALID, "%s: rc %d", c->in, rc);
	ck_assert_int_eq(err.code, WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, want);
	/* outputs are set only on success */
	ck_assert_str_eq(r.tag, "untouched");
}
END_TEST

START_TEST(test_null_error)
{
	struct wpkg_ref r;

	ck_assert_int_eq(wpkg_ref_parse(&r, "Bad", 0, NULL), WPKG_E_INVALID);
	ck_assert_int_eq(wpkg_ref_parse(&r, "ok", 0, NULL), 0);
	wpkg_ref_free(&r);
}
END_TEST

/* The one tag grammar, [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}, that references and new tags share. */
static const struct {
	const char *tag;
	size_t len;                  /* 0: strlen(tag) */
	enum wpkg_tag_problem want;
	size_t at;
} tag_cases[] = {
	{ "v1", 0, WPKG_TAG_OK, 0 },
	{ "latest", 0, WPKG_TAG_OK, 0 },
	{ "_x", 0, WPKG_TAG_OK, 0 },
	{ "1.0.0-rc.1_b", 0, WPKG_TAG_OK, 0 },
	{ "A", 0, WPKG_TAG_OK, 0 },
	{ "sha256-0123abcdef", 0, WPKG_TAG_OK, 0 },
	{ "", 0, WPKG_TAG_EMPTY, 0 },
	{ ".v1", 0, WPKG_TAG_BAD_FIRST, 0 },
	{ "-v1", 0, WPKG_TAG_BAD_FIRST, 0 },
	{ "v1+build", 0, WPKG_TAG_BAD_CHAR, 2 },
	{ "v1:2", 0, WPKG_TAG_BAD_CHAR, 2 },
	{ "v 1", 0, WPKG_TAG_BAD_CHAR, 1 },
	{ "ab/c", 0, WPKG_TAG_BAD_CHAR, 2 },
	{ "t\xc3\xa9", 0, WPKG_TAG_BAD_CHAR, 1 },
	{ "ab\0cd", 5, WPKG_TAG_BAD_CHAR, 2 },
};

START_TEST(test_tag_grammar)
{
	size_t n = tag_cases[_i].len ? tag_cases[_i].len : strlen(tag_cases[_i].tag);
	size_t at = 999;

	ck_assert_int_eq(wpkg_tag_check(tag_cases[_i].tag, n, &at), tag_cases[_i].want);
	if (tag_cases[_i].want == WPKG_TAG_BAD_FIRST || tag_cases[_i].want == WPKG_TAG_BAD_CHAR)
		ck_assert_uint_eq(at, tag_cases[_i].at);
	else
		ck_assert_uint_eq(at, 999);
}
END_TEST

/* 128 characters is the longest tag; 129 is refused. */
START_TEST(test_tag_length)
{
	char tag[WPKG_TAG_MAX + 2];
	size_t at = 0;

	memset(tag, 'a', sizeof(tag));
	tag[sizeof(tag) - 1] = '\0';
	ck_assert_int_eq(wpkg_tag_check(tag, WPKG_TAG_MAX, &at), WPKG_TAG_OK);
	ck_assert_int_eq(wpkg_tag_check(tag, WPKG_TAG_MAX + 1, &at), WPKG_TAG_TOO_LONG);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ref");
	TCase *tc = tcase_create("ref");

	tcase_add_loop_test(tc, test_valid, 0, UNIT_N(ok_cases));
	tcase_add_loop_test(tc, test_invalid, 0, UNIT_N(bad_cases));
	tcase_add_test(tc, test_null_error);
	tcase_add_loop_test(tc, test_tag_grammar, 0, UNIT_N(tag_cases));
	tcase_add_test(tc, test_tag_length);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
