/* SPDX-License-Identifier: Apache-2.0 */
/* test_creds.c - credential lookup, store and erase against temp config files and scripted helpers. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

#include "wpkg/buf.h"
#include "wpkg/creds.h"
#include "wpkg/error.h"
#include "wpkg/log.h"

static struct wpkg_buf logged = WPKG_BUF_INIT;   /* every log line, "LEVEL msg\n" */

static void capture(void *payload, enum wpkg_log_level level, const char *msg);
/* What the functions under test report through: every level, into logged. */
static const struct wpkg_log_sink sink = { capture, NULL, WPKG_LOG_DEBUG };

static void capture(void *payload, enum wpkg_log_level level, const char *msg)
{
	(void)payload;
	wpkg_buf_printf(&logged, "%d %s\n", (int)level, msg);
}

static void write_text(const char *rel, const char *text, mode_t mode)
{
	char *dir = strdup(unit_tmp_path(rel));
	FILE *f;

	for (char *p = dir + strlen(unit_tmp) + 1; (p = strchr(p, '/')) != NULL; *p++ = '/') {
		*p = '\0';
		mkdir(dir, 0700);
	}
	free(dir);
	f = fopen(unit_tmp_path(rel), "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	chmod(unit_tmp_path(rel), mode);
}

static char *read_text(const char *rel)
{
	static char text[4][8192];
	static int i;
	FILE *f = fopen(unit_tmp_path(rel), "r");
	size_t n;

	i = (i + 1) % 4;
	if (f == NULL)
		return NULL;
	n = fread(text[i], 1, sizeof(text[i]) - 1, f);
	text[i][n] = '\0';
	fclose(f);
	return text[i];
}

static mode_t mode_of(const char *rel)
{
	struct stat st;

	ck_assert_int_eq(stat(unit_tmp_path(rel), &st), 0);
	return st.st_mode & 07777;
}

static void config(const char *json)
{
	write_text(".docker/config.json", json, 0600);
}

/*
 * A credential helper docker-credential-NAME: records the stdin of each
 * action in $HOME/NAME-ACTION.in; for `action` prints reply and exits rc,
 * every other action succeeds silently.
 */
static void helper(const char *name, const char *action, const char *reply, int rc)
{
	char rel[128], script[1024];

	snprintf(rel, sizeof(rel), "bin/docker-credential-%s", name);
	snprintf(script, sizeof(script),
		 "#!/bin/sh\ncat > \"$HOME/%s-$1.in\"\nif [ \"$1\" = %s ]; then\n%s\nexit %d\nfi\nexit 0\n",
		 name, action, reply, rc);
	write_text(rel, script, 0755);
}

static void setup(void)
{
	unit_tmp_make("test_creds");
	mkdir(unit_tmp_path("bin"), 0700);
	unit_setenv("HOME", unit_tmp);
	unit_setenv("DOCKER_CONFIG", unit_tmp_path(".docker"));
	unit_setenv("XDG_RUNTIME_DIR", unit_tmp_path("run"));
	unit_unsetenv("REGISTRY_AUTH_FILE");
	unit_setenv("PATH", unit_tmp_path("bin:/usr/bin:/bin"));
	wpkg_buf_clear(&logged);
}

static void teardown(void)
{
	unit_tmp_remove();
}

/* Looks registry up and expects exactly these fields (NULL = empty). */
static void expect_creds(const char *registry, const char *user, const char *pass, const char *token)
{
	struct wpkg_credentials c = { 0 };
	struct wpkg_error err = { 0 };

	ck_assert_msg(wpkg_creds_lookup(&c, registry, &sink, &err) == 0, "%s: %s", registry, err.msg);
	ck_assert_pstr_eq(c.username, user);
	ck_assert_pstr_eq(c.password, pass);
	ck_assert_pstr_eq(c.identity_token, token);
	wpkg_credentials_clear(&c);
}

START_TEST(lookup_auth_field)
{
	config("{\"auths\": {\"r.example\": {\"auth\": \"YWxpY2U6cGE6c3M=\"}}}");
	expect_creds("r.example", "alice", "pa:ss", NULL);
	expect_creds("other.example", NULL, NULL, NULL);
}
END_TEST

START_TEST(lookup_username_password_fields)
{
	config("{\"auths\": {\"r.example:5000\": {\"username\": \"bob\", \"password\": \"p w\"}}}");
	expect_creds("r.example:5000", "bob", "p w", NULL);
	expect_creds("r.example", NULL, NULL, NULL);
}
END_TEST

START_TEST(lookup_identitytoken)
{
	config("{\"auths\": {\"r.example\": {\"auth\": \"eDp5\", \"identitytoken\": \"tok-1\"},"
	       " \"t.example\": {\"identitytoken\": \"tok-2\"}}}");
	expect_creds("r.example", "x", "y", "tok-1");
	expect_creds("t.example", NULL, NULL, "tok-2");
}
END_TEST

START_TEST(lookup_key_variants)
{
	static const char *const keys[] = {
		"r.example", "https://r.example", "http://r.example", "https://r.example/",
		"https://r.example/v1/", "https://r.example/v2/", "r.example/v2", "HTTPS://R.Example/v1",
	};
	static const char *const others[] = {
		"r.example.evil", "https://r.example/org", "r.example:5000", "https://r.example/v3/",
	};
	char doc[256];

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(doc, sizeof(doc), "{\"auths\": {\"%s\": {\"auth\": \"eDp5\"}}}", keys[i]);
		config(doc);
		expect_creds("r.example", "x", "y", NULL);
		expect_creds("https://r.example/", "x", "y", NULL);
	}
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		snprintf(doc, sizeof(doc), "{\"auths\": {\"%s\": {\"auth\": \"eDp5\"}}}", others[i]);
		config(doc);
		expect_creds("r.example", NULL, NULL, NULL);
	}
}
END_TEST

START_TEST(lookup_exact_key_first)
{
	/* a stale URL spelling must not shadow the entry login just wrote under the plain host */
	config("{\"auths\": {\"https://r.example\": {\"auth\": \"Ym9iOmh1Yg==\"}, \"r.example\": {\"auth\": \"eDp5\"}}}");
	expect_creds("r.example", "x", "y", NULL);
}
END_TEST

START_TEST(docker_hub_key)
{
	ck_assert_str_eq(wpkg_creds_key("docker.io"), "https://index.docker.io/v1/");
	ck_assert_str_eq(wpkg_creds_key("index.docker.io"), "https://index.docker.io/v1/");
	ck_assert_str_eq(wpkg_creds_key("registry-1.docker.io"), "https://index.docker.io/v1/");
	ck_assert_str_eq(wpkg_creds_key("ghcr.io"), "ghcr.io");
	config("{\"auths\": {\"https://index.docker.io/v1/\": {\"auth\": \"Ym9iOmh1Yg==\"}}}");
	expect_creds("docker.io", "bob", "hub", NULL);
	expect_creds("index.docker.io", "bob", "hub", NULL);
	expect_creds("registry-1.docker.io", "bob", "hub", NULL);
	expect_creds("docker.com", NULL, NULL, NULL);
}
END_TEST

START_TEST(lookup_nothing)
{
	expect_creds("r.example", NULL, NULL, NULL);   /* no config.json at all */
	config("{\"auths\": {\"r.example\": {}}, \"psFormat\": \"table\"}");
	expect_creds("r.example", NULL, NULL, NULL);   /* the secret-less entry docker leaves for a helper */
	ck_assert_str_eq(logged.data, "");
}
END_TEST

START_TEST(helper_precedence)
{
	helper("one", "get", "printf '{\"ServerURL\":\"r.example\",\"Username\":\"u1\",\"Secret\":\"s1\"}'", 0);
	helper("two", "get", "printf '{\"ServerURL\":\"r.example\",\"Username\":\"u2\",\"Secret\":\"s2\"}'", 0);
	config("{\"credHelpers\": {\"r.example\": \"one\"}, \"credsStore\": \"two\","
	       " \"auths\": {\"r.example\": {\"auth\": \"eDp5\"}}}");
	expect_creds("r.example", "u1", "s1", NULL);
	ck_assert_str_eq(read_text("one-get.in"), "r.example");
	ck_assert_ptr_null(read_text("two-get.in"));
	config("{\"credHelpers\": {\"q.example\": \"one\"}, \"credsStore\": \"two\","
	       " \"auths\": {\"r.example\": {\"auth\": \"eDp5\"}}}");
	expect_creds("r.example", "u2", "s2", NULL);
	config("{\"auths\": {\"r.example\": {\"auth\": \"eDp5\"}}}");
	expect_creds("r.example", "x", "y", NULL);
	ck_assert_ptr_null(strstr(logged.data, "2 "));
}
END_TEST

START_TEST(helper_hub_server_url)
{
	helper("one", "get", "printf '{\"Username\":\"u1\",\"Secret\":\"s1\"}'", 0);
	config("{\"credsStore\": \"one\"}");
	expect_creds("docker.io", "u1", "s1", NULL);
	ck_assert_str_eq(read_text("one-get.in"), "https://index.docker.io/v1/");
}
END_TEST

START_TEST(helper_token_username)
{
	helper("one", "get", "printf '{\"ServerURL\":\"r.example\",\"Username\":\"<token>\",\"Secret\":\"rt-9\"}'", 0);
	config("{\"credsStore\": \"one\"}");
	expect_creds("r.example", NULL, NULL, "rt-9");
}
END_TEST

START_TEST(helper_not_found_is_quiet)
{
	helper("one", "get", "echo 'credentials not found in native keychain'", 1);
	config("{\"credsStore\": \"one\", \"auths\": {\"r.example\": {\"auth\": \"eDp5\"}}}");
	expect_creds("r.example", "x", "y", NULL);   /* falls through to auths */
	ck_assert_ptr_null(strstr(logged.data, "2 "));
}
END_TEST

/* Each way a helper can fail: nothing found, and exactly one warning that names the helper, never a secret. */
START_TEST(helper_failures_warn)
{
	static const struct {
		const char *name, *script;   /* script NULL: no such helper on PATH */
		int rc;
		const char *warning;
	} cases[] = {
		{ "nosuch", NULL, 0, "credential helper for r.example: docker-credential-nosuch: not found on PATH" },
		{ "bad", "echo 'keychain locked'", 3, "credential helper docker-credential-bad get r.example: exit status 3" },
		{ "bad", "echo 'hello'", 0, "credential helper docker-credential-bad get r.example: answer is not"
					    " {\"Username\", \"Secret\"} JSON" },
		{ "big", "yes a | head -c 70000", 0, "credential helper for r.example: docker-credential-big get:"
						     " output larger than 65536 bytes" },
		{ "sig", "kill -9 $$", 0, "credential helper for r.example: docker-credential-sig get: killed by a signal" },
	};
	char doc[128], want[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cases[i].script != NULL)
			helper(cases[i].name, "get", cases[i].script, cases[i].rc);
		snprintf(doc, sizeof(doc), "{\"credsStore\": \"%s\"}", cases[i].name);
		config(doc);
		wpkg_buf_clear(&logged);
		expect_creds("r.example", NULL, NULL, NULL);
		snprintf(want, sizeof(want), "2 %s; continuing without it\n", cases[i].warning);
		ck_assert_str_eq(logged.data, want);
	}
}
END_TEST

START_TEST(helper_name_with_slash)
{
	config("{\"credsStore\": \"../../bin/sh\"}");
	expect_creds("r.example", NULL, NULL, NULL);
	ck_assert_ptr_nonnull(strstr(logged.data, "is not a plain name"));
}
END_TEST

START_TEST(auth_json_fallback)
{
	write_text("run/containers/auth.json", "{\"auths\": {\"r.example\": {\"auth\": \"eDp5\"}}}", 0600);
	expect_creds("r.example", "x", "y", NULL);
	write_text("elsewhere/auth.json", "{\"auths\": {\"r.example\": {\"auth\": \"Ym9iOmh1Yg==\"}}}", 0600);
	unit_setenv("REGISTRY_AUTH_FILE", unit_tmp_path("elsewhere/auth.json"));
	expect_creds("r.example", "bob", "hub", NULL);
	config("{\"auths\": {\"r.example\": {\"auth\": \"YWxpY2U6cGE6c3M=\"}}}");
	expect_creds("r.example", "alice", "pa:ss", NULL);   /* config.json comes first */
	expect_creds("q.example", NULL, NULL, NULL);
}
END_TEST

START_TEST(malformed_config)
{
	struct wpkg_credentials c = { 0 };
	struct wpkg_error err = { 0 };
	char want[1024];

	config("{\n  \"auths\": {\n    \"r.example\": ,\n  }\n}\n");
	ck_assert_int_eq(wpkg_creds_lookup(&c, "r.example", &sink, &err), WPKG_E_INVALID);
	/* the reason and the place, never the bytes near it (they may be a secret) */
	snprintf(want, sizeof(want), "%s: invalid JSON at line 3, column 18: unexpected token",
		 unit_tmp_path(".docker/config.json"));
	ck_assert_str_eq(err.msg, want);
	ck_assert_int_eq(wpkg_creds_store("r.example", &(struct wpkg_credentials){ "a", "b", NULL, NULL }, &sink, &err),
			 WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, want);
	ck_assert_int_eq(wpkg_creds_erase("r.example", &err), WPKG_E_INVALID);

	config("{\"auths\": []}");
	ck_assert_int_eq(wpkg_creds_lookup(&c, "r.example", &sink, &err), WPKG_E_INVALID);
	snprintf(want, sizeof(want), "%s: \"auths\" is not an object", unit_tmp_path(".docker/config.json"));
	ck_assert_str_eq(err.msg, want);

	config("{\"auths\": {\"r.example\": {\"auth\": \"not base64!\"}}}");
	ck_assert_int_eq(wpkg_creds_lookup(&c, "r.example", &sink, &err), WPKG_E_INVALID);
	snprintf(want, sizeof(want), "%s: auths[\"r.example\"].auth: not base64 of \"user:password\"",
		 unit_tmp_path(".docker/config.json"));
	ck_assert_str_eq(err.msg, want);

	config("{\"auths\": {\"r.example\": {\"auth\": \"bm9jb2xvbg==\"}}}");   /* "nocolon" */
	ck_assert_int_eq(wpkg_creds_lookup(&c, "r.example", &sink, &err), WPKG_E_INVALID);
	ck_assert_ptr_null(c.username);

	ck_assert_int_eq(wpkg_creds_lookup(&c, "", &sink, &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "invalid registry \"\": expected HOST[:PORT]");
}
END_TEST

START_TEST(store_creates_private_file)
{
	struct wpkg_credentials c = { "alice", "pa:ss", NULL, NULL };
	struct wpkg_error err = { 0 };

	ck_assert_msg(wpkg_creds_store("R.example:5000", &c, &sink, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(mode_of(".docker"), 0700);
	ck_assert_int_eq(mode_of(".docker/config.json"), 0600);
	ck_assert_str_eq(read_text(".docker/config.json"),
			 "{\n  \"auths\": {\n    \"r.example:5000\": {\n      \"auth\": \"YWxpY2U6cGE6c3M=\"\n    }\n  }\n}\n");
	expect_creds("r.example:5000", "alice", "pa:ss", NULL);
}
END_TEST

START_TEST(store_keeps_everything_else)
{
	struct wpkg_credentials c = { "alice", "s3cr3t", NULL, NULL };
	struct wpkg_error err = { 0 };

	config("{\"auths\": {\"a.example\": {\"auth\": \"eDp5\"}, \"r.example\": {\"email\": \"e@x\", \"password\": \"old\"}},"
	       " \"psFormat\": \"table\", \"proxies\": {\"default\": {\"httpProxy\": \"http://p:3128\"}}}");
	chmod(unit_tmp_path(".docker/config.json"), 0644);
	ck_assert_msg(wpkg_creds_store("r.example", &c, &sink, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(mode_of(".docker/config.json"), 0600);
	ck_assert_str_eq(read_text(".docker/config.json"),
			 "{\n"
			 "  \"auths\": {\n"
			 "    \"a.example\": {\n"
			 "      \"auth\": \"eDp5\"\n"
			 "    },\n"
			 "    \"r.example\": {\n"
			 "      \"email\": \"e@x\",\n"
			 "      \"auth\": \"YWxpY2U6czNjcjN0\"\n"
			 "    }\n"
			 "  },\n"
			 "  \"psFormat\": \"table\",\n"
			 "  \"proxies\": {\n"
			 "    \"default\": {\n"
			 "      \"httpProxy\": \"http://p:3128\"\n"
			 "    }\n"
			 "  }\n"
			 "}\n");
}
END_TEST

START_TEST(store_hub_and_token)
{
	struct wpkg_credentials c = { "bob", "hub", "rt-1", NULL };
	struct wpkg_error err = { 0 };

	ck_assert_msg(wpkg_creds_store("docker.io", &c, &sink, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(read_text(".docker/config.json"),
			 "{\n  \"auths\": {\n    \"https://index.docker.io/v1/\": {\n      \"auth\": \"Ym9iOmh1Yg==\",\n"
			 "      \"identitytoken\": \"rt-1\"\n    }\n  }\n}\n");
	expect_creds("registry-1.docker.io", "bob", "hub", "rt-1");
	ck_assert_int_eq(wpkg_creds_store("x", &(struct wpkg_credentials){ "bob", NULL, NULL, NULL }, &sink, &err), WPKG_E_INVALID);
}
END_TEST

START_TEST(store_through_helper)
{
	const char *before = "{\"credsStore\": \"one\", \"auths\": {\"r.example\": {}}}";
	struct wpkg_credentials c = { "alice", "s3cr3t", NULL, NULL };
	struct wpkg_error err = { 0 };

	helper("one", "get", ":", 0);
	config(before);
	ck_assert_msg(wpkg_creds_store("r.example", &c, &sink, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(read_text("one-store.in"), "{\"ServerURL\":\"r.example\",\"Username\":\"alice\",\"Secret\":\"s3cr3t\"}");
	ck_assert_str_eq(read_text(".docker/config.json"), before);

	c = (struct wpkg_credentials){ NULL, NULL, "rt-2", NULL };
	config("{\"credHelpers\": {\"docker.io\": \"one\"}}");
	ck_assert_msg(wpkg_creds_store("docker.io", &c, &sink, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(read_text("one-store.in"),
			 "{\"ServerURL\":\"https://index.docker.io/v1/\",\"Username\":\"<token>\",\"Secret\":\"rt-2\"}");
}
END_TEST

START_TEST(store_helper_errors)
{
	struct wpkg_credentials c = { "alice", "s3cr3t", NULL, NULL };
	struct wpkg_error err = { 0 };

	helper("bad", "store", "echo nope", 1);
	config("{\"credsStore\": \"bad\"}");
	ck_assert_int_eq(wpkg_creds_store("r.example", &c, &sink, &err), WPKG_E_IO);
	ck_assert_str_eq(err.msg, "docker-credential-bad store r.example: exit status 1");
	config("{\"credsStore\": \"nosuch\"}");
	ck_assert_int_eq(wpkg_creds_store("r.example", &c, &sink, &err), WPKG_E_IO);
	ck_assert_str_eq(err.msg, "docker-credential-nosuch: not found on PATH");
}
END_TEST

START_TEST(erase_entries)
{
	struct wpkg_error err = { 0 };

	config("{\"auths\": {\"https://r.example/v1/\": {\"auth\": \"eDp5\"}, \"a.example\": {\"auth\": \"eDp5\"},"
	       " \"r.example\": {\"auth\": \"eDp5\"}}, \"psFormat\": \"table\"}");
	ck_assert_msg(wpkg_creds_erase("r.example", &err) == 0, "%s", err.msg);
	ck_assert_str_eq(read_text(".docker/config.json"),
			 "{\n  \"auths\": {\n    \"a.example\": {\n      \"auth\": \"eDp5\"\n    }\n  },\n"
			 "  \"psFormat\": \"table\"\n}\n");
	expect_creds("r.example", NULL, NULL, NULL);
	ck_assert_int_eq(wpkg_creds_erase("r.example", &err), WPKG_E_NOT_FOUND);
	ck_assert_str_eq(err.msg, "no credentials stored for r.example");
	unlink(unit_tmp_path(".docker/config.json"));
	ck_assert_int_eq(wpkg_creds_erase("https://r.example/", &err), WPKG_E_NOT_FOUND);
	ck_assert_str_eq(err.msg, "no credentials stored for r.example");
}
END_TEST

START_TEST(erase_through_helper)
{
	struct wpkg_error err = { 0 };

	helper("one", "get", ":", 0);
	config("{\"credsStore\": \"one\"}");
	ck_assert_msg(wpkg_creds_erase("r.example", &err) == 0, "%s", err.msg);
	ck_assert_str_eq(read_text("one-erase.in"), "r.example");

	helper("one", "erase", "echo 'credentials not found in native keychain'", 1);
	ck_assert_int_eq(wpkg_creds_erase("r.example", &err), WPKG_E_NOT_FOUND);

	helper("one", "erase", "echo 'keychain locked'", 2);
	ck_assert_int_eq(wpkg_creds_erase("r.example", &err), WPKG_E_IO);
	ck_assert_str_eq(err.msg, "docker-credential-one erase r.example: exit status 2");
}
END_TEST

START_TEST(secrets_never_logged)
{
	struct wpkg_credentials c = { "alice", "Sup3rS3cret", "T0kenT0ken", NULL };
	struct wpkg_error err = { 0 };

	ck_assert_int_eq(wpkg_creds_store("r.example", &c, &sink, &err), 0);
	expect_creds("r.example", "alice", "Sup3rS3cret", "T0kenT0ken");
	helper("one", "get", "printf '{\"Username\":\"u\",\"Secret\":\"Sup3rS3cret\"}'", 0);
	config("{\"credsStore\": \"one\"}");
	ck_assert_int_eq(wpkg_creds_store("r.example", &c, &sink, &err), 0);
	expect_creds("r.example", "u", "Sup3rS3cret", NULL);
	ck_assert_int_eq(wpkg_creds_erase("r.example", &err), 0);
	ck_assert_str_ne(logged.data, "");
	ck_assert_ptr_null(strstr(logged.data, "Sup3rS3cret"));
	ck_assert_ptr_null(strstr(logged.data, "T0kenT0ken"));
}
END_TEST

START_TEST(clear_frees_and_nulls)
{
	struct wpkg_credentials c = { strdup("u"), strdup("p"), strdup("t"), strdup("b") };

	wpkg_credentials_clear(&c);
	ck_assert_ptr_null(c.username);
	ck_assert_ptr_null(c.password);
	ck_assert_ptr_null(c.identity_token);
	ck_assert_ptr_null(c.bearer_token);
	wpkg_credentials_clear(&c);
}
END_TEST

static Suite *creds_suite(void)
{
	Suite *s = suite_create("creds");
	TCase *t = tcase_create("creds");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, lookup_auth_field);
	tcase_add_test(t, lookup_username_password_fields);
	tcase_add_test(t, lookup_identitytoken);
	tcase_add_test(t, lookup_key_variants);
	tcase_add_test(t, lookup_exact_key_first);
	tcase_add_test(t, docker_hub_key);
	tcase_add_test(t, lookup_nothing);
	tcase_add_test(t, helper_precedence);
	tcase_add_test(t, helper_hub_server_url);
	tcase_add_test(t, helper_token_username);
	tcase_add_test(t, helper_not_found_is_quiet);
	tcase_add_test(t, helper_failures_warn);
	tcase_add_test(t, helper_name_with_slash);
	tcase_add_test(t, auth_json_fallback);
	tcase_add_test(t, malformed_config);
	tcase_add_test(t, store_creates_private_file);
	tcase_add_test(t, store_keeps_everything_else);
	tcase_add_test(t, store_hub_and_token);
	tcase_add_test(t, store_through_helper);
	tcase_add_test(t, store_helper_errors);
	tcase_add_test(t, erase_entries);
	tcase_add_test(t, erase_through_helper);
	tcase_add_test(t, secrets_never_logged);
	tcase_add_test(t, clear_frees_and_nulls);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	int status = unit_run(creds_suite());

	wpkg_buf_free(&logged);
	return status;
}
