/* SPDX-License-Identifier: Apache-2.0 */
/* test_http.c - the pure HTTP helpers: headers, URLs, Link, Retry-After, backoff, masking, error mapping. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "unit.h"

#include "../../src/libwpkg/http_internal.h"
#include "../../src/libwpkg/http_pager.h"
#include "../../src/libwpkg/registry_internal.h"

START_TEST(test_header_lookup)
{
	struct wpkg_buf h = WPKG_BUF_INIT;
	char *v;

	wpkg_buf_puts(&h, "Content-Type: application/json; charset=utf-8\r\n"
			  "www-authenticate: Basic realm=\"a\"\r\n"
			  "Location:/v2/x/blobs/uploads/1?_state=q  \r\n"
			  "WWW-Authenticate:   Bearer realm=\"b\"\r\n"
			  "X-Empty:\r\n");
	v = wpkg_http_header(&h, "content-type", 0);
	ck_assert_str_eq(v, "application/json; charset=utf-8");
	free(v);
	v = wpkg_http_header(&h, "WWW-Authenticate", 1);
	ck_assert_str_eq(v, "Bearer realm=\"b\"");
	free(v);
	ck_assert_ptr_null(wpkg_http_header(&h, "WWW-Authenticate", 2));
	v = wpkg_http_header(&h, "location", 0);
	ck_assert_str_eq(v, "/v2/x/blobs/uploads/1?_state=q");
	free(v);
	v = wpkg_http_header(&h, "X-Empty", 0);
	ck_assert_str_eq(v, "");
	free(v);
	/* a prefix of a name is not the name */
	ck_assert_ptr_null(wpkg_http_header(&h, "Content", 0));
	ck_assert_ptr_null(wpkg_http_header(&h, "Content-Type-X", 0));
	wpkg_buf_free(&h);
}
END_TEST

static const struct {
	const char *base, *ref, *want;
} resolve_rows[] = {
	{ "https://r.example/v2/a/blobs/uploads/", "/v2/a/blobs/uploads/u1?_state=x",
	  "https://r.example/v2/a/blobs/uploads/u1?_state=x" },
	{ "https://r.example/v2/a/blobs/uploads/", "u2", "https://r.example/v2/a/blobs/uploads/u2" },
	{ "https://r.example/v2/a/blobs/uploads/u1?_state=x", "u3?s=1", "https://r.example/v2/a/blobs/uploads/u3?s=1" },
	{ "http://127.0.0.1:5000/v2/a/blobs/sha256:ab", "http://localhost:6000/data/1",
	  "http://localhost:6000/data/1" },
	{ "https://r.example:443/v2/x", "//cdn.example/blob", "https://cdn.example/blob" },
	{ "https://r.example/v2/a/tags/list?n=2", "/v2/a/tags/list?n=2&last=b",
	  "https://r.example/v2/a/tags/list?n=2&last=b" },
	{ "https://r.example/v2/a/tags/list", "../../b/tags/list", "https://r.example/v2/b/tags/list" },
};

START_TEST(test_url_resolve)
{
	char *got = wpkg_url_resolve(resolve_rows[_i].base, resolve_rows[_i].ref);

	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, resolve_rows[_i].want);
	free(got);
}
END_TEST

START_TEST(test_same_origin)
{
	ck_assert(wpkg_url_same_origin("https://r.example/v2/", "https://R.EXAMPLE:443/other"));
	ck_assert(wpkg_url_same_origin("http://127.0.0.1:5000/a", "http://127.0.0.1:5000/b?x"));
	ck_assert(!wpkg_url_same_origin("http://127.0.0.1:5000/a", "http://localhost:5000/a"));
	ck_assert(!wpkg_url_same_origin("http://127.0.0.1:5000/a", "http://127.0.0.1:5001/a"));
	ck_assert(!wpkg_url_same_origin("http://r.example/a", "https://r.example/a"));
	ck_assert(!wpkg_url_same_origin("https://r.example/a", "not a url"));
}
END_TEST

START_TEST(test_url_params)
{
	char *u;

	u = wpkg_url_add_param("https://r/v2/a/blobs/uploads/u1", "digest", "sha256:ab");
	ck_assert_str_eq(u, "https://r/v2/a/blobs/uploads/u1?digest=sha256%3Aab");
	free(u);
	u = wpkg_url_add_param("https://r/v2/a/blobs/uploads/u1?_state=x%2By", "digest", "sha256:ab");
	ck_assert_str_eq(u, "https://r/v2/a/blobs/uploads/u1?_state=x%2By&digest=sha256%3Aab");
	free(u);
	u = wpkg_url_add_param("https://r/u?", "a", "b c");
	ck_assert_str_eq(u, "https://r/u?a=b%20c");
	free(u);
	u = wpkg_url_query_param("https://r/v2/a/tags/list?n=2&last=v1%2E0+x", "last");
	ck_assert_str_eq(u, "v1.0 x");
	free(u);
	ck_assert_ptr_null(wpkg_url_query_param("https://r/v2/a/tags/list?n=2&lastx=1", "last"));
	ck_assert_ptr_null(wpkg_url_query_param("https://r/v2/a/tags/list", "n"));
	u = wpkg_url_strip_query("https://r/v2/a/blobs/uploads/u?_state=secretish#f");
	ck_assert_str_eq(u, "https://r/v2/a/blobs/uploads/u");
	free(u);
}
END_TEST

static const struct {
	const char *value, *want;
} link_rows[] = {
	{ "</v2/a/tags/list?n=2&last=b>; rel=\"next\"", "/v2/a/tags/list?n=2&last=b" },
	{ "<https://r/v2/a/tags/list?last=b>;rel=next", "https://r/v2/a/tags/list?last=b" },
	{ "</prev>; rel=\"prev\", </next>; rel=\"next\"", "/next" },
	{ "</x>; title=\"a, b; c\"; rel=\"next\"", "/x" },
	{ "</x>; rel=\"prev next\"", "/x" },
	{ "</x>; REL=\"Next\"", "/x" },
	{ "</x>; rel=\"prev\"", NULL },
	{ "</x>; rel=\"nextish\"", NULL },
	{ "", NULL },
	{ "garbage", NULL },
	{ "</unterminated; rel=\"next\"", NULL },
};

START_TEST(test_link_next)
{
	char *got = wpkg_http_link_next(link_rows[_i].value);

	if (link_rows[_i].want == NULL) {
		ck_assert_msg(got == NULL, "[%s] gave [%s]", link_rows[_i].value, got);
	} else {
		ck_assert_ptr_nonnull(got);
		ck_assert_str_eq(got, link_rows[_i].want);
	}
	free(got);
}
END_TEST

START_TEST(test_retry_after)
{
	time_t now = 784111777; /* Sun, 06 Nov 1994 08:49:37 GMT */

	ck_assert_int_eq(wpkg_http_retry_after_ms("1", now, 60000), 1000);
	ck_assert_int_eq(wpkg_http_retry_after_ms("0", now, 60000), 0);
	ck_assert_int_eq(wpkg_http_retry_after_ms("120", now, 60000), 60000);
	ck_assert_int_eq(wpkg_http_retry_after_ms("99999999999999999999", now, 60000), 60000);
	ck_assert_int_eq(wpkg_http_retry_after_ms("Sun, 06 Nov 1994 08:49:47 GMT", now, 60000), 10000);
	ck_assert_int_eq(wpkg_http_retry_after_ms("Sun, 06 Nov 1994 08:49:00 GMT", now, 60000), 0);
	ck_assert_int_eq(wpkg_http_retry_after_ms("Mon, 07 Nov 1994 08:49:37 GMT", now, 60000), 60000);
	ck_assert_int_eq(wpkg_http_retry_after_ms("", now, 60000), -1);
	ck_assert_int_eq(wpkg_http_retry_after_ms(NULL, now, 60000), -1);
	ck_assert_int_eq(wpkg_http_retry_after_ms("soon", now, 60000), -1);
	ck_assert_int_eq(wpkg_http_retry_after_ms("5s", now, 60000), -1);
}
END_TEST

START_TEST(test_backoff_and_retryable)
{
	/* 500 ms doubling to a 4 s cap; jitter keeps at least half */
	ck_assert_int_eq(wpkg_http_backoff_ms(0, 0.0), 250);
	ck_assert_int_eq(wpkg_http_backoff_ms(0, 0.999), 499);
	ck_assert_int_eq(wpkg_http_backoff_ms(1, 0.0), 500);
	ck_assert_int_eq(wpkg_http_backoff_ms(2, 0.5), 1500);
	ck_assert_int_eq(wpkg_http_backoff_ms(3, 0.0), 2000);
	ck_assert_int_eq(wpkg_http_backoff_ms(40, 0.0), 2000);
	ck_assert_int_eq(wpkg_http_backoff_ms(40, 0.999), 3998);
	ck_assert(wpkg_http_status_retryable(408));
	ck_assert(wpkg_http_status_retryable(429));
	ck_assert(wpkg_http_status_retryable(500));
	ck_assert(wpkg_http_status_retryable(503));
	ck_assert(!wpkg_http_status_retryable(501));
	ck_assert(!wpkg_http_status_retryable(404));
	ck_assert(!wpkg_http_status_retryable(401));
	ck_assert(!wpkg_http_status_retryable(200));
}
END_TEST

static const struct {
	const char *line, *want;
} mask_rows[] = {
	{ "Authorization: Bearer eyJhbGciOiJFUzI1NiJ9.secret.sig\r\n", "Authorization: Bearer ***" },
	{ "authorization: Basic dXNlcjpwYXNz", "authorization: Basic ***" },
	{ "Proxy-Authorization: Basic Zm9vOmJhcg==", "Proxy-Authorization: Basic ***" },
	{ "Authorization: justatoken", "Authorization: ***" },
	{ "Set-Cookie: session=abc", "Set-Cookie: ***" },
	{ "X-Auth-Token: abc", "X-Auth-Token: ***" },
	{ "Content-Type: application/json\r\n", "Content-Type: application/json" },
	{ "WWW-Authenticate: Bearer realm=\"https://x/token\"", "WWW-Authenticate: Bearer realm=\"https://x/token\"" },
	{ "GET /v2/ HTTP/1.1\r\n", "GET /v2/ HTTP/1.1" },
	/* pre-signed storage URLs carry their credential in the query */
	{ "GET /blob?X-Amz-Signature=abc&X-Amz-Credential=k HTTP/1.1", "GET /blob?*** HTTP/1.1" },
	{ "PATCH /v2/r/blobs/uploads/u?_state=s:t HTTP/2", "PATCH /v2/r/blobs/uploads/u?*** HTTP/2" },
	{ "Location: https://s3.example/b?X-Amz-Signature=abc", "Location: https://s3.example/b?***" },
	{ "location: /v2/r/blobs/uploads/u", "location: /v2/r/blobs/uploads/u" },
	{ "HTTP/1.1 307 Temporary Redirect", "HTTP/1.1 307 Temporary Redirect" },
};

START_TEST(test_mask_header)
{
	char out[256];

	wpkg_http_mask_header(out, sizeof(out), mask_rows[_i].line, strlen(mask_rows[_i].line));
	ck_assert_str_eq(out, mask_rows[_i].want);
}
END_TEST

START_TEST(test_mask_never_leaks)
{
	const char *secret = "tok3n-S3CRET-value";
	char line[128], out[128];
	size_t cut;

	snprintf(line, sizeof(line), "Authorization: Bearer %s", secret);
	/* whatever the room, the secret never shows, not even a prefix of it */
	for (cut = 0; cut <= sizeof(out); cut++) {
		memset(out, 'Z', sizeof(out));
		wpkg_http_mask_header(out, cut, line, strlen(line));
		if (cut > 0) {
			ck_assert_ptr_null(strstr(out, "tok3n"));
			ck_assert_ptr_nonnull(memchr(out, '\0', cut));
		}
	}
}
END_TEST

static const struct {
	long status;
	const char *body, *want_msg;
	int want_code;
} error_rows[] = {
	{ 404, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\",\"detail\":{}}]}",
	  "GET https://r.example/v2/a/manifests/t: 404 MANIFEST_UNKNOWN: manifest unknown", WPKG_E_NOT_FOUND },
	{ 404, "{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"repository name not known to registry\"}]}",
	  "GET https://r.example/v2/a/manifests/t: 404 NAME_UNKNOWN: repository name not known to registry",
	  WPKG_E_NOT_FOUND },
	{ 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}",
	  "GET https://r.example/v2/a/manifests/t: 401 UNAUTHORIZED: authentication required", WPKG_E_UNAUTHORIZED },
	{ 403, "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"requested access to the resource is denied\"}]}",
	  "GET https://r.example/v2/a/manifests/t: 403 DENIED: requested access to the resource is denied",
	  WPKG_E_DENIED },
	{ 400, "{\"errors\":[{\"code\":\"DIGEST_INVALID\",\"message\":\"provided digest did not match\"}]}",
	  "GET https://r.example/v2/a/manifests/t: 400 DIGEST_INVALID: provided digest did not match", WPKG_E_DIGEST },
	{ 400, "{\"errors\":[{\"code\":\"SIZE_INVALID\"}]}",
	  "GET https://r.example/v2/a/manifests/t: 400 SIZE_INVALID", WPKG_E_DIGEST },
	{ 429, "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"slow down\"}]}",
	  "GET https://r.example/v2/a/manifests/t: 429 TOOMANYREQUESTS: slow down", WPKG_E_TOO_MANY_REQUESTS },
	{ 415, "{\"errors\":[{\"code\":\"UNSUPPORTED\",\"message\":\"the operation is unsupported\"}]}",
	  "GET https://r.example/v2/a/manifests/t: 415 UNSUPPORTED: the operation is unsupported",
	  WPKG_E_UNSUPPORTED },
	/* bare statuses and bodies that are not the spec's */
	{ 404, "404 page not found\n", "GET https://r.example/v2/a/manifests/t: 404 not found", WPKG_E_NOT_FOUND },
	{ 429, "", "GET https://r.example/v2/a/manifests/t: 429 too many requests", WPKG_E_TOO_MANY_REQUESTS },
	{ 415, "", "GET https://r.example/v2/a/manifests/t: 415 unsupported media type", WPKG_E_UNSUPPORTED },
	{ 503, "<html>busy</html>", "GET https://r.example/v2/a/manifests/t: 503 service unavailable",
	  WPKG_E_NETWORK },
	{ 599, "", "GET https://r.example/v2/a/manifests/t: 599", WPKG_E_NETWORK },
	{ 401, "{\"errors\":[]}", "GET https://r.example/v2/a/manifests/t: 401 unauthorized", WPKG_E_UNAUTHORIZED },
	{ 418, "{\"errors\":[{\"code\":\"TEAPOT\",\"message\":\"line1\\nline2\"}]}",
	  "GET https://r.example/v2/a/manifests/t: 418 TEAPOT: line1\\x0aline2", WPKG_E_PROTOCOL },
};

START_TEST(test_error_mapping)
{
	struct wpkg_error err = { 0 };
	int rc = wpkg_registry_status_error(&err, "GET", "https://r.example/v2/a/manifests/t?x=secret",
					    error_rows[_i].status, error_rows[_i].body, strlen(error_rows[_i].body));

	ck_assert_int_eq(rc, error_rows[_i].want_code);
	ck_assert_int_eq(err.code, error_rows[_i].want_code);
	ck_assert_str_eq(err.msg, error_rows[_i].want_msg);
}
END_TEST

START_TEST(test_code_status)
{
	ck_assert_int_eq(wpkg_registry_code_status("BLOB_UNKNOWN", 404), WPKG_E_NOT_FOUND);
	ck_assert_int_eq(wpkg_registry_code_status("MANIFEST_BLOB_UNKNOWN", 400), WPKG_E_NOT_FOUND);
	ck_assert_int_eq(wpkg_registry_code_status("NAME_INVALID", 400), WPKG_E_INVALID);
	ck_assert_int_eq(wpkg_registry_code_status("SOMETHING_NEW", 403), WPKG_E_DENIED);
	ck_assert_int_eq(wpkg_registry_code_status(NULL, 500), WPKG_E_NETWORK);
	ck_assert_int_eq(wpkg_registry_code_status(NULL, 413), WPKG_E_TOO_LARGE);
	ck_assert_int_eq(wpkg_registry_code_status(NULL, 409), WPKG_E_PROTOCOL);
}
END_TEST

/* Loopback hosts get plain HTTP when their TLS handshake is answered in HTTP; nothing else does. */
START_TEST(test_loopback_hosts)
{
	static const char *const yes[] = { "localhost", "localhost:5000", "LOCALHOST.", "reg.localhost:443",
					   "127.0.0.1", "127.0.0.1:5000", "127.255.1.2:1", "[::1]:5000", "[::1]", "::1" };
	static const char *const no[] = { "localhost.example", "mylocalhost", "128.0.0.1:5000", "10.0.0.1",
					  "[::2]:5000", "[::1", "[::1]x", "127.0.0", "", ".localhost", "example.com:5000" };
	struct wpkg_buf go = { (char *)"Client sent an HTTP request to an HTTPS server.\n", 48, 0 };
	struct wpkg_buf other = { (char *)"{\"errors\":[]}", 13, 0 };

	for (size_t i = 0; i < UNIT_N(yes); i++)
		ck_assert_msg(wpkg_host_is_loopback(yes[i]), "%s", yes[i]);
	for (size_t i = 0; i < UNIT_N(no); i++)
		ck_assert_msg(!wpkg_host_is_loopback(no[i]), "%s", no[i]);
	ck_assert(!wpkg_host_is_loopback(NULL));
	ck_assert(wpkg_http_body_says_tls_port(&go));
	ck_assert(!wpkg_http_body_says_tls_port(&other));
}
END_TEST

/* A page as the pager sees it: the URL that answered and its Link header (NULL: none). */
static void pager_page(struct wpkg_http_resp *resp, const char *url, const char *link)
{
	wpkg_http_resp_free(resp);
	wpkg_buf_init(&resp->headers);
	wpkg_buf_init(&resp->body);
	ck_assert_int_eq(wpkg_buf_puts(&resp->headers, "Content-Type: application/json\n"), 0);
	if (link != NULL)
		ck_assert_int_eq(wpkg_buf_printf(&resp->headers, "Link: %s\n", link), 0);
	resp->url = strdup(url);
	ck_assert_ptr_nonnull(resp->url);
}

/* Link rel="next" is followed relative to the page that answered, to the last page. */
START_TEST(test_pager_follows_links)
{
	struct wpkg_http_resp resp = { 0 };
	struct wpkg_pager pg;

	ck_assert_int_eq(wpkg_pager_init(&pg, strdup("http://r/v2/a/tags/list?n=2"), 10, NULL), 0);
	ck_assert_str_eq(wpkg_pager_url(&pg), "http://r/v2/a/tags/list?n=2");
	/* redirected: the next link is relative to where the answer came from */
	pager_page(&resp, "http://m/v2/a/tags/list?n=2", "</v2/a/tags/list?n=2&last=b>; rel=\"next\"");
	ck_assert_int_eq(wpkg_pager_advance(&pg, &resp, NULL), 0);
	ck_assert_str_eq(wpkg_pager_url(&pg), "http://m/v2/a/tags/list?n=2&last=b");
	pager_page(&resp, "http://m/v2/a/tags/list?n=2&last=b", "</prev>; rel=\"prev\"");
	ck_assert_int_eq(wpkg_pager_advance(&pg, &resp, NULL), 0);
	ck_assert_ptr_null(wpkg_pager_url(&pg));
	ck_assert_uint_eq(pg.n_visited, 2);
	/* advancing past the end stays at the end */
	ck_assert_int_eq(wpkg_pager_advance(&pg, &resp, NULL), 0);
	ck_assert_ptr_null(wpkg_pager_url(&pg));
	wpkg_pager_clear(&pg);
	wpkg_http_resp_free(&resp);
}
END_TEST

/* A registry that links back to a page it served, or on without end, does not keep us looping. */
START_TEST(test_pager_stops_loops_and_at_cap)
{
	struct wpkg_http_resp resp = { 0 };
	struct wpkg_pager pg;
	char url[64], next[80];
	int i;

	ck_assert_int_eq(wpkg_pager_init(&pg, strdup("http://r/l?p=0"), 10, NULL), 0);
	pager_page(&resp, "http://r/l?p=0", "</l?p=1>; rel=\"next\"");
	ck_assert_int_eq(wpkg_pager_advance(&pg, &resp, NULL), 0);
	ck_assert_str_eq(wpkg_pager_url(&pg), "http://r/l?p=1");
	pager_page(&resp, "http://r/l?p=1", "</l?p=0>; rel=\"next\"");
	ck_assert_int_eq(wpkg_pager_advance(&pg, &resp, NULL), 0);
	ck_assert_ptr_null(wpkg_pager_url(&pg));
	ck_assert(!pg.capped);   /* a loop is over, not cut short */
	wpkg_pager_clear(&pg);

	ck_assert_int_eq(wpkg_pager_init(&pg, strdup("http://r/l?p=0"), 3, NULL), 0);
	for (i = 0; i < 3; i++) {
		ck_assert_ptr_nonnull(wpkg_pager_url(&pg));
		snprintf(url, sizeof(url), "http://r/l?p=%d", i);
		ck_assert_str_eq(wpkg_pager_url(&pg), url);
		snprintf(next, sizeof(next), "</l?p=%d>; rel=\"next\"", i + 1);
		pager_page(&resp, url, next);
		ck_assert(!pg.capped);
		ck_assert_int_eq(wpkg_pager_advance(&pg, &resp, NULL), 0);
	}
	ck_assert_ptr_null(wpkg_pager_url(&pg));
	ck_assert(pg.capped);    /* page 3 was linked to and not fetched: the listing is incomplete */
	wpkg_pager_clear(&pg);

	/* the caller may end it early; a NULL first URL is out of memory */
	ck_assert_int_eq(wpkg_pager_init(&pg, strdup("http://r/l"), 3, NULL), 0);
	wpkg_pager_stop(&pg);
	ck_assert_ptr_null(wpkg_pager_url(&pg));
	wpkg_pager_clear(&pg);
	ck_assert_int_eq(wpkg_pager_init(&pg, NULL, 3, NULL), WPKG_E_NOMEM);
	wpkg_pager_clear(&pg);
	wpkg_http_resp_free(&resp);
}
END_TEST

/* A next page that is not a valid URL is refused with WPKG_E_PROTOCOL, never requested. */
START_TEST(test_pager_refuses_bad_link)
{
	struct wpkg_http_resp resp = { 0 };
	struct wpkg_error err = { 0 };
	struct wpkg_pager pg;

	ck_assert_int_eq(wpkg_pager_init(&pg, strdup("http://r/v2/a/tags/list"), 10, NULL), 0);
	pager_page(&resp, "http://r/v2/a/tags/list", "</v2/a/tags/list?last=a\"b>; rel=\"next\"");
	ck_assert_int_eq(wpkg_pager_advance(&pg, &resp, &err), WPKG_E_PROTOCOL);
	ck_assert_str_eq(err.msg, "GET http://r/v2/a/tags/list: the Link header's next page is not a valid URL; "
			 "refusing the answer");
	ck_assert_ptr_null(wpkg_pager_url(&pg));
	wpkg_pager_clear(&pg);
	wpkg_http_resp_free(&resp);
}
END_TEST

START_TEST(test_server_values_checked)
{
	/* token68: what a Bearer header may carry */
	ck_assert(wpkg_http_token68_ok("eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"));
	ck_assert(wpkg_http_token68_ok("djE6Z2hjci5pbzp3cGtn-._~+/=="));
	ck_assert(!wpkg_http_token68_ok(""));
	ck_assert(!wpkg_http_token68_ok("=="));
	ck_assert(!wpkg_http_token68_ok("abc\r\nX-Injected: 1"));
	ck_assert(!wpkg_http_token68_ok("abc def"));
	ck_assert(!wpkg_http_token68_ok("ab=c"));
	ck_assert(!wpkg_http_token68_ok("abc\""));
	/* URL characters: Location and Link targets */
	ck_assert(wpkg_url_chars_ok("/v2/a/blobs/uploads/1?_state=x%20y&n=1"));
	ck_assert(wpkg_url_chars_ok("https://r.example:5000/v2/a/tags/list?last=v1;x=%7B"));
	ck_assert(!wpkg_url_chars_ok(""));
	ck_assert(!wpkg_url_chars_ok("/v2/a b"));
	ck_assert(!wpkg_url_chars_ok("/v2/a\r\nHost: evil"));
	ck_assert(!wpkg_url_chars_ok("/v2/\x7f"));
	ck_assert(!wpkg_url_chars_ok("/v2/\xc3\xa9"));
	ck_assert(!wpkg_url_chars_ok("/v2/<x>"));
	ck_assert_ptr_null(wpkg_url_resolve("http://r.example/v2/", "/v2/a\tb"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("http");
	TCase *tc = tcase_create("http");

	tcase_add_test(tc, test_header_lookup);
	tcase_add_loop_test(tc, test_url_resolve, 0, UNIT_N(resolve_rows));
	tcase_add_test(tc, test_same_origin);
	tcase_add_test(tc, test_url_params);
	tcase_add_loop_test(tc, test_link_next, 0, UNIT_N(link_rows));
	tcase_add_test(tc, test_pager_follows_links);
	tcase_add_test(tc, test_pager_stops_loops_and_at_cap);
	tcase_add_test(tc, test_pager_refuses_bad_link);
	tcase_add_test(tc, test_retry_after);
	tcase_add_test(tc, test_backoff_and_retryable);
	tcase_add_loop_test(tc, test_mask_header, 0, UNIT_N(mask_rows));
	tcase_add_test(tc, test_mask_never_leaks);
	tcase_add_loop_test(tc, test_error_mapping, 0, UNIT_N(error_rows));
	tcase_add_test(tc, test_code_status);
	tcase_add_test(tc, test_loopback_hosts);
	tcase_add_test(tc, test_server_values_checked);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
