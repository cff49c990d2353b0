/* SPDX-License-Identifier: Apache-2.0 */
/* test_auth.c - WWW-Authenticate parsing, token answers, scopes and the strings sent to token servers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "unit.h"

#include "../../src/libwpkg/auth_internal.h"

/* One row: a header value and the challenges it must give, flattened as "scheme{k=v;k=v}|scheme{...}". */
static const struct {
	const char *header;
	const char *want;
} challenge_rows[] = {
	{ "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/alpine:pull\"",
	  "bearer{realm=https://auth.docker.io/token;service=registry.docker.io;scope=repository:library/alpine:pull}" },
	/* a quoted comma must not split the parameter, several scopes separated by spaces stay one value */
	{ "Bearer realm=\"https://r.example/token\", scope=\"repository:a:pull,push repository:b:pull\"",
	  "bearer{realm=https://r.example/token;scope=repository:a:pull,push repository:b:pull}" },
	/* escaped quote and backslash inside a quoted string */
	{ "Basic realm=\"say \\\"hi\\\" \\\\ here\"", "basic{realm=say \"hi\" \\ here}" },
	/* case-insensitive scheme and keys, token values, spaces around '=' */
	{ "BEARER Realm = \"https://x/t\" , SERVICE=svc", "bearer{realm=https://x/t;service=svc}" },
	/* two challenges in one header */
	{ "Basic realm=\"basic-realm\", Bearer realm=\"https://x/token\",service=\"x\"",
	  "basic{realm=basic-realm}|bearer{realm=https://x/token;service=x}" },
	{ "Bearer realm=\"https://x/token\", Basic realm=\"r\", charset=\"UTF-8\"",
	  "bearer{realm=https://x/token}|basic{realm=r;charset=UTF-8}" },
	/* a scheme without parameters, then another challenge */
	{ "Negotiate, Basic realm=\"r\"", "negotiate{}|basic{realm=r}" },
	{ "Negotiate abc123==", "negotiate{#abc123==}" },
	{ "Bearer", "bearer{}" },
	{ "Bearer error=\"insufficient_scope\",realm=\"https://x/t\",scope=\"repository:r:push\"",
	  "bearer{error=insufficient_scope;realm=https://x/t;scope=repository:r:push}" },
	{ "Bearer realm=\"\"", "bearer{realm=}" },
	/* garbage: nothing usable, or the good part before it */
	{ "", "" },
	{ "   ,  , ", "" },
	{ "=realm", "" },
	{ "\"Bearer\" realm=x", "" },
	{ "Bearer realm=\"unterminated", "" },
	{ "Basic realm=\"r\", Bearer realm=\"open", "basic{realm=r}" },
	{ "Bearer realm=x y", "" },
	/* RFC 7235: "realm=" alone is a token68 (base64 padding), not an empty parameter */
	{ "Bearer realm=", "bearer{#realm=}" },
};

static void flatten(struct wpkg_buf *out, const struct wpkg_challenges *c)
{
	size_t i, j;

	for (i = 0; i < c->n; i++) {
		wpkg_buf_printf(out, "%s%s{", i ? "|" : "", c->v[i].scheme);
		if (c->v[i].token68)
			wpkg_buf_printf(out, "#%s", c->v[i].token68);
		for (j = 0; j < c->v[i].n_params; j++)
			wpkg_buf_printf(out, "%s%s=%s", j ? ";" : "", c->v[i].params[j].key, c->v[i].params[j].value);
		wpkg_buf_puts(out, "}");
	}
}

START_TEST(test_challenge_table)
{
	struct wpkg_challenges c = { 0 };
	struct wpkg_buf got = WPKG_BUF_INIT;
	int n = wpkg_auth_parse_challenges(&c, challenge_rows[_i].header);

	ck_assert_int_ge(n, 0);
	ck_assert_int_eq((size_t)n, c.n);
	flatten(&got, &c);
	ck_assert_msg(strcmp(got.data, challenge_rows[_i].want) == 0, "header [%s]: got [%s], want [%s]",
		      challenge_rows[_i].header, got.data, challenge_rows[_i].want);
	wpkg_buf_free(&got);
	wpkg_challenges_free(&c);
}
END_TEST

START_TEST(test_challenges_from_several_headers)
{
	struct wpkg_challenges c = { 0 };
	const struct wpkg_challenge *b;

	ck_assert_int_eq(wpkg_auth_parse_challenges(&c, "Basic realm=\"one\""), 1);
	ck_assert_int_eq(wpkg_auth_parse_challenges(&c, "bEaReR realm=\"https://t/x\", Service=\"s\""), 1);
	ck_assert_uint_eq(c.n, 2);
	b = wpkg_challenges_find(&c, "Bearer");
	ck_assert_ptr_nonnull(b);
	ck_assert_str_eq(wpkg_challenge_param(b, "REALM"), "https://t/x");
	ck_assert_str_eq(wpkg_challenge_param(b, "service"), "s");
	ck_assert_ptr_null(wpkg_challenge_param(b, "scope"));
	ck_assert_ptr_null(wpkg_challenges_find(&c, "digest"));
	wpkg_challenges_free(&c);
	ck_assert_uint_eq(c.n, 0);
}
END_TEST

START_TEST(test_token_answer)
{
	struct wpkg_token t = { 0 };
	struct wpkg_error err = { 0 };
	const char *body;
	time_t now = 1700000000; /* 2023-11-14T22:13:20Z */

	body = "{\"token\":\"abc\",\"expires_in\":300}";
	ck_assert_int_eq(wpkg_auth_parse_token(&t, body, strlen(body), now, &err), 0);
	ck_assert_str_eq(t.token, "abc");
	ck_assert_int_eq(t.expires_at, now + 300);
	wpkg_token_clear(&t);
	ck_assert_ptr_null(t.token);

	/* an expires_in jansson cannot hold is named as what it is, not "not a JSON object" */
	body = "{\"token\":\"abc\",\"expires_in\":99999999999999999999999}";
	ck_assert_int_eq(wpkg_auth_parse_token(&t, body, strlen(body), now, &err), WPKG_E_PROTOCOL);
	ck_assert_str_eq(err.msg, "token server answered invalid JSON (line 1, column 51: too big integer)");
	ck_assert_ptr_null(t.token);

	/* OAuth2 name, no expires_in: 60 s */
	body = "{\"access_token\":\"xyz\"}";
	ck_assert_int_eq(wpkg_auth_parse_token(&t, body, strlen(body), now, &err), 0);
	ck_assert_str_eq(t.token, "xyz");
	ck_assert_int_eq(t.expires_at, now + 60);
	wpkg_token_clear(&t);

	/* both: "token" wins; issued 20 s ago shortens the life */
	body = "{\"access_token\":\"a\",\"token\":\"t\",\"expires_in\":100,\"issued_at\":\"2023-11-14T22:13:00Z\"}";
	ck_assert_int_eq(wpkg_auth_parse_token(&t, body, strlen(body), now, &err), 0);
	ck_assert_str_eq(t.token, "t");
	ck_assert_int_eq(t.expires_at, now - 20 + 100);
	wpkg_token_clear(&t);

	/* fractional seconds and an offset */
	body = "{\"token\":\"t\",\"expires_in\":100,\"issued_at\":\"2023-11-14T23:13:10.5+01:00\"}";
	ck_assert_int_eq(wpkg_auth_parse_token(&t, body, strlen(body), now, &err), 0);
	ck_assert_int_eq(t.expires_at, now - 10 + 100);
	wpkg_token_clear(&t);

	/* an issue time in the future (skewed clock) or unparsable is ignored */
	body = "{\"token\":\"t\",\"expires_in\":100,\"issued_at\":\"2030-01-01T00:00:00Z\"}";
	ck_assert_int_eq(wpkg_auth_parse_token(&t, body, strlen(body), now, &err), 0);
	ck_assert_int_eq(t.expires_at, now + 100);
	wpkg_token_clear(&t);
	body = "{\"token\":\"t\",\"expires_in\":-5,\"issued_at\":\"yesterday\"}";
	ck_assert_int_eq(wpkg_auth_parse_token(&t, body, strlen(body), now, &err), 0);
	ck_assert_int_eq(t.expires_at, now + 60);
	wpkg_token_clear(&t);
}
END_TEST

static const char *const bad_token_bodies[] = {
	"", "[]", "{\"token\":\"\"}", "{\"token\":5}", "{}", "not json", "{\"token\":\"a\",\"token\":\"b\"}",
};

START_TEST(test_token_answer_bad)
{
	struct wpkg_token t = { 0 };
	struct wpkg_error err = { 0 };
	const char *body = bad_token_bodies[_i];

	ck_assert_int_eq(wpkg_auth_parse_token(&t, body, strlen(body), 0, &err), WPKG_E_PROTOCOL);
	ck_assert_ptr_null(t.token);
	ck_assert_msg(strstr(err.msg, "token server") != NULL, "message: %s", err.msg);
}
END_TEST

START_TEST(test_scopes_and_token_url)
{
	char *s = wpkg_auth_scope("org/app", "pull,push");
	const char *scopes[] = { "repository:org/app:pull,push", "repository:lib/base:pull" };
	char *url, *key;

	ck_assert_str_eq(s, "repository:org/app:pull,push");
	free(s);
	url = wpkg_auth_token_url("https://auth.example/token", "registry.example", scopes, 2);
	ck_assert_str_eq(url, "https://auth.example/token?service=registry.example"
			      "&scope=repository%3Aorg%2Fapp%3Apull%2Cpush&scope=repository%3Alib%2Fbase%3Apull");
	free(url);
	/* a realm that has a query already; no service; no scope (login) */
	url = wpkg_auth_token_url("https://a/t?x=1", NULL, scopes, 1);
	ck_assert_str_eq(url, "https://a/t?x=1&scope=repository%3Aorg%2Fapp%3Apull%2Cpush");
	free(url);
	url = wpkg_auth_token_url("https://a/t", "s v", NULL, 0);
	ck_assert_str_eq(url, "https://a/t?service=s%20v");
	free(url);
	/* the cache key does not depend on the order */
	key = wpkg_auth_scope_key(scopes, 2);
	ck_assert_str_eq(key, "repository:lib/base:pull repository:org/app:pull,push");
	free(key);
	key = wpkg_auth_scope_key(NULL, 0);
	ck_assert_str_eq(key, "");
	free(key);
}
END_TEST

START_TEST(test_scope_covered)
{
	const char *mine[] = { "repository:org/app:pull,push", "repository:lib/base:pull", "repository:all/x:*" };

	ck_assert(wpkg_auth_scope_covered(mine, 3, "repository:org/app:pull"));
	ck_assert(wpkg_auth_scope_covered(mine, 3, "repository:org/app:push,pull"));
	ck_assert(wpkg_auth_scope_covered(mine, 3, "repository:lib/base:pull"));
	ck_assert(wpkg_auth_scope_covered(mine, 3, "repository:all/x:delete"));
	ck_assert(!wpkg_auth_scope_covered(mine, 3, "repository:lib/base:push"));
	ck_assert(!wpkg_auth_scope_covered(mine, 3, "repository:org/app:delete"));
	ck_assert(!wpkg_auth_scope_covered(mine, 3, "repository:org/ap:pull"));
	ck_assert(!wpkg_auth_scope_covered(mine, 3, "repository:org/app/sub:pull"));
	ck_assert(!wpkg_auth_scope_covered(mine, 3, "registry:catalog:*"));
	ck_assert(!wpkg_auth_scope_covered(mine, 3, "garbage"));
	ck_assert(!wpkg_auth_scope_covered(NULL, 0, "repository:org/app:pull"));
}
END_TEST

START_TEST(test_refresh_form_and_basic)
{
	struct wpkg_buf form = WPKG_BUF_INIT;
	const char *scopes[] = { "repository:a/b:pull,push", "repository:c:pull" };
	char *basic;

	ck_assert_int_eq(wpkg_auth_refresh_form(&form, "reg.example", scopes, 2, "r&t=1"), 0);
	ck_assert_str_eq(form.data, "grant_type=refresh_token&service=reg.example"
				    "&scope=repository%3Aa%2Fb%3Apull%2Cpush%20repository%3Ac%3Apull"
				    "&client_id=wpkg&refresh_token=r%26t%3D1");
	wpkg_buf_free(&form);
	basic = wpkg_auth_basic("Aladdin", "open sesame");
	ck_assert_str_eq(basic, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
	free(basic);
	basic = wpkg_auth_basic("u", "p:w");
	ck_assert_str_eq(basic, "Basic dTpwOnc=");
	free(basic);
}
END_TEST

/* Server text is masked before it is shown: every occurrence, any length, the rest kept. */
START_TEST(test_mask_secret)
{
	char text[128];

	snprintf(text, sizeof(text), "pw hunter2 and hunter2hunter2 end");
	wpkg_mask_secret(text, "hunter2");
	ck_assert_str_eq(text, "pw *** and ****** end");
	snprintf(text, sizeof(text), "a:b");
	wpkg_mask_secret(text, "b");
	ck_assert_str_eq(text, "a:*");
	wpkg_mask_secret(text, "");
	wpkg_mask_secret(text, NULL);
	ck_assert_str_eq(text, "a:*");
}
END_TEST

/* A JWT's access claim against the scopes asked: what is missing, what was granted, who the token is for. */
START_TEST(test_grant_shortfall)
{
	static const char *const push[] = { "repository:org/app:pull,push" };
	static const char *const pull[] = { "repository:org/app:pull" };
	static const char *const other[] = { "repository:org/other:pull,push" };
	/* {"sub":"reader","access":[{"type":"repository","name":"org/app","actions":["pull"]}]} */
	const char *reader = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJyZWFkZXIiLCJhY2Nlc3MiOlt7InR5cGUiOiJyZXBvc2l0b3J5IiwibmFtZSI6"
			     "Im9yZy9hcHAiLCJhY3Rpb25zIjpbInB1bGwiXX1dfQ.sig";
	/* {"sub":"w","access":[{"type":"repository","name":"org/app","actions":["*"]}]} */
	const char *all = "h.eyJzdWIiOiJ3IiwiYWNjZXNzIjpbeyJ0eXBlIjoicmVwb3NpdG9yeSIsIm5hbWUiOiJvcmcvYXBwIiwiYWN0aW9ucyI6"
			  "WyIqIl19XX0.s";
	struct wpkg_auth_shortfall f;

	ck_assert(wpkg_auth_grant_shortfall(&f, reader, push, 1));
	ck_assert_str_eq(f.subject, "reader");
	ck_assert_str_eq(f.repo, "org/app");
	ck_assert_str_eq(f.granted, "pull");
	ck_assert_str_eq(f.missing, "push");
	ck_assert(!wpkg_auth_grant_shortfall(&f, reader, pull, 1));
	ck_assert(wpkg_auth_grant_shortfall(&f, reader, other, 1));
	ck_assert_str_eq(f.granted, "");
	ck_assert_str_eq(f.missing, "pull,push");
	ck_assert(!wpkg_auth_grant_shortfall(&f, all, push, 1));
	/* {"access":[]}: nothing granted, and no subject */
	ck_assert(wpkg_auth_grant_shortfall(&f, "h.eyJhY2Nlc3MiOltdfQ.s", pull, 1));
	ck_assert_str_eq(f.subject, "");
	/* opaque or broken tokens say nothing */
	ck_assert(!wpkg_auth_grant_shortfall(&f, "opaque-token", push, 1));
	ck_assert(!wpkg_auth_grant_shortfall(&f, "a.!!!.b", push, 1));
	ck_assert(!wpkg_auth_grant_shortfall(&f, "a.WzFd.b", push, 1));   /* [1]: not an object */
	ck_assert(!wpkg_auth_grant_shortfall(&f, "a..b", push, 1));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("auth");
	TCase *tc = tcase_create("auth");

	tcase_add_loop_test(tc, test_challenge_table, 0, UNIT_N(challenge_rows));
	tcase_add_test(tc, test_challenges_from_several_headers);
	tcase_add_test(tc, test_token_answer);
	tcase_add_loop_test(tc, test_token_answer_bad, 0,
			    UNIT_N(bad_token_bodies));
	tcase_add_test(tc, test_scopes_and_token_url);
	tcase_add_test(tc, test_scope_covered);
	tcase_add_test(tc, test_refresh_form_and_basic);
	tcase_add_test(tc, test_mask_secret);
	tcase_add_test(tc, test_grant_shortfall);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
