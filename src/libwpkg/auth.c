/* SPDX-License-Identifier: Apache-2.0 */
/* auth.c - answers a registry's 401: Basic credentials or Bearer tokens fetched per scope set and cached. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wpkg/escape.h"
#include "auth_internal.h"
#include "log_internal.h"
#include "registry_error.h"
#include "http_multi.h"

/* A cached token is reused until this many seconds before it expires. */
#define TOKEN_MARGIN_S 10
#define TOKEN_ANSWER_MAX ((size_t)1 << 20)

enum auth_scheme { AUTH_NONE, AUTH_BASIC, AUTH_BEARER };

struct cached_token {
	char *key;              /* wpkg_auth_scope_key of the scopes it was asked for */
	struct wpkg_token tok;
};

struct wpkg_auth {
	struct wpkg_credentials creds;
	enum auth_scheme scheme;
	char *realm;
	char *service;
	struct cached_token *tokens;
	size_t n_tokens;
	bool fetching;          /* a concurrent transfer is asking the token server now */
	/* what a token fetched with credentials lacked, for the refusal that follows (wpkg_auth_explain_refusal) */
	struct wpkg_auth_shortfall short_of;
	bool have_short_of;
};

static char *dup_or_null(const char *s, bool *failed)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	if (d == NULL)
		*failed = true;
	return d;
}

int wpkg_auth_new(struct wpkg_auth **out, const struct wpkg_credentials *creds)
{
	struct wpkg_auth *a = calloc(1, sizeof(*a));
	bool failed = false;

	if (a == NULL)
		return WPKG_E_NOMEM;
	if (creds) {
		a->creds.username = dup_or_null(creds->username, &failed);
		a->creds.password = dup_or_null(creds->password, &failed);
		a->creds.identity_token = dup_or_null(creds->identity_token, &failed);
		a->creds.bearer_token = dup_or_null(creds->bearer_token, &failed);
	}
	if (failed) {
		wpkg_auth_free(a);
		return WPKG_E_NOMEM;
	}
	*out = a;
	return 0;
}

static void drop_tokens(struct wpkg_auth *a)
{
	size_t i;

	for (i = 0; i < a->n_tokens; i++) {
		free(a->tokens[i].key);
		wpkg_token_clear(&a->tokens[i].tok);
	}
	free(a->tokens);
	a->tokens = NULL;
	a->n_tokens = 0;
}

void wpkg_auth_free(struct wpkg_auth *a)
{
	if (a == NULL)
		return;
	drop_tokens(a);
	wpkg_credentials_clear(&a->creds);
	free(a->realm);
	free(a->service);
	free(a);
}

static bool have_password(const struct wpkg_auth *a)
{
	return a->creds.username && *a->creds.username && a->creds.password;
}

static struct cached_token *cache_find(struct wpkg_auth *a, const char *key)
{
	size_t i;

	for (i = 0; i < a->n_tokens; i++)
		if (strcmp(a->tokens[i].key, key) == 0)
			return &a->tokens[i];
	return NULL;
}

/* Stores tok under key (taking it over), replacing an older one. */
static int cache_put(struct wpkg_auth *a, const char *key, struct wpkg_token *tok)
{
	struct cached_token *c = cache_find(a, key), *v;

	if (c == NULL) {
		v = realloc(a->tokens, (a->n_tokens + 1) * sizeof(*v));
		if (v == NULL)
			return WPKG_E_NOMEM;
		a->tokens = v;
		c = &v[a->n_tokens];
		if ((c->key = strdup(key)) == NULL)
			return WPKG_E_NOMEM;
		c->tok.token = NULL;
		a->n_tokens++;
	}
	wpkg_token_clear(&c->tok);
	c->tok = *tok;
	tok->token = NULL;
	return 0;
}

/* secret as it is and as wpkg_escape shows it (a password with a backslash or a control character) */
static void mask_shown(char *text, const char *secret)
{
	char shown[1024];

	wpkg_mask_secret(text, secret);
	if (secret == NULL || strlen(secret) >= sizeof(shown) / 4)
		return;
	wpkg_escape(shown, sizeof(shown), secret, strlen(secret), 0);
	if (strcmp(shown, secret) != 0)
		wpkg_mask_secret(text, shown);
	explicit_bzero(shown, sizeof(shown));
}

void wpkg_auth_mask(const struct wpkg_auth *a, char *text)
{
	char *basic;
	size_t i;

	if (a == NULL)
		return;
	if (a->creds.username && a->creds.password && a->creds.password[0] &&
	    (basic = wpkg_auth_basic(a->creds.username, a->creds.password)) != NULL) {
		wpkg_mask_secret(text, basic + 6); /* after "Basic " */
		explicit_bzero(basic, strlen(basic));
		free(basic);
	}
	mask_shown(text, a->creds.password);
	mask_shown(text, a->creds.identity_token);
	for (i = 0; i < a->n_tokens; i++)
		mask_shown(text, a->tokens[i].tok.token);
}

/* Asks the token server (realm) for a token covering scopes. */
static int fetch_token(struct wpkg_auth *a, struct wpkg_http *h, const char *const *scopes, size_t n,
		       struct wpkg_token *out, struct wpkg_error *err)
{
	struct wpkg_http_req req = { 0 };
	struct wpkg_http_resp resp = { 0 };
	struct wpkg_buf form = WPKG_BUF_INIT;
	struct wpkg_http_body body = { -1, 0, NULL, 0 };
	static const char *const form_headers[] = { "Content-Type: application/x-www-form-urlencoded", NULL };
	char *url = NULL, *basic = NULL, *shown = NULL;
	int rc;

	req.max_body = TOKEN_ANSWER_MAX;
	if (a->creds.identity_token && *a->creds.identity_token) {
		/* OAuth2 refresh-token grant: the identity token never appears in a URL */
		rc = wpkg_auth_refresh_form(&form, a->service, scopes, n, a->creds.identity_token);
		if (rc < 0)
			goto nomem;
		body.mem = (const uint8_t *)form.data;
		body.len = form.len;
		req.method = "POST";
		req.url = a->realm;
		req.body = &body;
		req.headers = form_headers;
	} else {
		url = wpkg_auth_token_url(a->realm, a->service, scopes, n);
		if (url == NULL)
			goto nomem;
		if (have_password(a) && (basic = wpkg_auth_basic(a->creds.username, a->creds.password)) == NULL)
			goto nomem;
		req.method = "GET";
		req.url = url;
		req.authorization = basic;
	}
	rc = wpkg_http_perform(h, &req, &resp, err);
	if (rc < 0) {
		wpkg_error_wrap(err, "fetch token");
		goto out;
	}
	if (resp.status != 200) {
		rc = wpkg_registry_status_error(err, req.method, req.url, resp.status, resp.body.data, resp.body.len);
		if (err)
			wpkg_auth_mask(a, err->msg); /* a realm echoing our Basic header or password */
		/* the token server refusing us means our credentials are wrong or missing */
		if (resp.status == 400 || resp.status == 401 || resp.status == 403) {
			rc = WPKG_E_UNAUTHORIZED;
			if (err)
				err->code = rc;
		}
		wpkg_error_wrap(err, "fetch token%s", have_password(a) || a->creds.identity_token ? "" :
				" (no credentials; try wpkg login)");
		goto out;
	}
	rc = wpkg_auth_parse_token(out, resp.body.data, resp.body.len, time(NULL), err);
	if (rc < 0) {
		shown = wpkg_url_strip_query(req.url);
		wpkg_error_wrap(err, "fetch token from %s", shown ? shown : "token server");
	}
	goto out;
nomem:
	rc = wpkg_error_nomem(err);
out:
	/* the answer holds the token: wipe it */
	if (resp.body.data)
		explicit_bzero(resp.body.data, resp.body.len);
	explicit_bzero(form.data, form.len);
	if (basic)
		explicit_bzero(basic, strlen(basic));
	wpkg_http_resp_free(&resp);
	wpkg_buf_free(&form);
	free(basic);
	free(url);
	free(shown);
	return rc;
}

/* Remembers what a token fetched with credentials grants short of scopes (anonymous tokens grant nothing anyway). */
static void note_grant(struct wpkg_auth *a, const char *token, const char *const *scopes, size_t n)
{
	struct wpkg_auth_shortfall f;

	if (!have_password(a) && !(a->creds.identity_token && *a->creds.identity_token))
		return;
	/* an opaque (non-JWT) token says nothing of what it grants: the registry's answer stands then */
	if (wpkg_auth_grant_shortfall(&f, token, scopes, n)) {
		a->short_of = f;
		a->have_short_of = true;
	}
}

/* ": " and the formatted text after err's message. */
static void append(struct wpkg_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void append(struct wpkg_error *err, const char *fmt, ...)
{
	size_t used = strlen(err->msg);
	va_list ap;

	if (used + 2 >= sizeof(err->msg))
		return;
	memcpy(err->msg + used, ": ", 3);
	va_start(ap, fmt);
	vsnprintf(err->msg + used + 2, sizeof(err->msg) - used - 2, fmt, ap);
	va_end(ap);
}

void wpkg_auth_explain_refusal(const struct wpkg_auth *a, long status, struct wpkg_error *err)
{
	char who[200], *cut;
	const char *user;

	if (a == NULL || err == NULL || (status != 401 && status != 403) || !a->have_short_of)
		return;
	user = a->short_of.subject[0] ? a->short_of.subject : a->creds.username;
	if (user != NULL && *user)
		snprintf(who, sizeof(who), "authenticated as %s", user);
	else
		snprintf(who, sizeof(who), "authenticated with the identity token");
	/* the registry's "authentication required" is wrong here: drop it, keep the request */
	cut = strstr(err->msg, status == 401 ? ": 401" : ": 403");
	if (cut != NULL)
		*cut = '\0';
	if (a->short_of.granted[0])
		append(err, "%s but the token grants only %s on %s; ask for %s access", who, a->short_of.granted,
		       a->short_of.repo, a->short_of.missing);
	else
		append(err, "%s but the token grants nothing on %s; ask for %s access", who, a->short_of.repo,
		       a->short_of.missing);
	err->code = WPKG_E_DENIED;
}

/* Fetches a token for scopes (plus extra, when the registry named more) and caches it under scopes' key. */
static bool token_fresh(const struct cached_token *c);

static int obtain(struct wpkg_auth *a, struct wpkg_http *h, const char *const *scopes, size_t n,
		  const char *const *extra, size_t n_extra, struct wpkg_error *err)
{
	struct wpkg_token tok = { 0 };
	const char **all = calloc(n + n_extra + 1, sizeof(*all));
	char *key = wpkg_auth_scope_key(scopes, n);
	bool waited = false;
	int rc;

	if (all == NULL || key == NULL) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	/* transfers challenged together share one token request: the others wait for it, then use its token */
	for (; a->fetching; waited = true)
		wpkg_multi_sleep(2);
	if (waited && token_fresh(cache_find(a, key))) {
		rc = 0;
		goto out;
	}
	if (n > 0)
		memcpy(all, scopes, n * sizeof(*all));
	if (n_extra > 0)
		memcpy(all + n, extra, n_extra * sizeof(*all));
	a->fetching = true;
	rc = fetch_token(a, h, all, n + n_extra, &tok, err);
	a->fetching = false;
	if (rc < 0)
		goto out;
	note_grant(a, tok.token, all, n + n_extra);
	if (cache_put(a, key, &tok) < 0) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	wpkg_log_to(&wpkg_http_hooks(h)->log, WPKG_LOG_DEBUG, "* got a token for \"%s\"", key);
out:
	wpkg_token_clear(&tok);
	free(all);
	free(key);
	return rc;
}

static bool token_fresh(const struct cached_token *c)
{
	return c && c->tok.token && time(NULL) < c->tok.expires_at - TOKEN_MARGIN_S;
}

int wpkg_auth_header(struct wpkg_auth *a, struct wpkg_http *h, const char *const *scopes, size_t n, char **out,
		     struct wpkg_error *err)
{
	struct cached_token *c;
	char *key = NULL;
	int rc = 0;

	*out = NULL;
	/* a static token is sent from the first request on, as wkg sends it; the HTTP layer keeps it to this origin */
	if (a->creds.bearer_token != NULL && *a->creds.bearer_token) {
		if (asprintf(out, "Bearer %s", a->creds.bearer_token) < 0) {
			*out = NULL;
			return wpkg_error_nomem(err);
		}
		return 0;
	}
	if (a->scheme == AUTH_BASIC) {
		*out = wpkg_auth_basic(a->creds.username, a->creds.password);
		return *out ? 0 : wpkg_error_nomem(err);
	}
	if (a->scheme != AUTH_BEARER)
		return 0;
	key = wpkg_auth_scope_key(scopes, n);
	if (key == NULL)
		return wpkg_error_nomem(err);
	c = cache_find(a, key);
	if (!token_fresh(c)) {
		rc = obtain(a, h, scopes, n, NULL, 0, err);
		c = cache_find(a, key);
	}
	/* a token just obtained is used even if it lives less than the margin */
	if (rc == 0 && c && c->tok.token && asprintf(out, "Bearer %s", c->tok.token) < 0) {
		*out = NULL;
		rc = wpkg_error_nomem(err);
	}
	free(key);
	return rc;
}

/* Collects every WWW-Authenticate header of resp. */
static int read_challenges(struct wpkg_challenges *out, const struct wpkg_http_resp *resp)
{
	size_t i;
	char *v;
	int rc = 0;

	for (i = 0; rc >= 0 && (v = wpkg_http_header(&resp->headers, "WWW-Authenticate", i)) != NULL; i++) {
		rc = wpkg_auth_parse_challenges(out, v);
		free(v);
	}
	return rc < 0 ? rc : 0;
}

static int set_str(char **dst, const char *src)
{
	char *d = src ? strdup(src) : NULL;

	if (src && d == NULL)
		return WPKG_E_NOMEM;
	free(*dst);
	*dst = d;
	return 0;
}

/* The scopes a Bearer challenge names (space-separated) that ours do not cover. Returns how many. */
static size_t missing_scopes(char *named, const char *const *scopes, size_t n, const char **out, size_t max)
{
	size_t k = 0;
	char *save = NULL, *item;

	for (item = strtok_r(named, " ", &save); item && k < max; item = strtok_r(NULL, " ", &save))
		if (!wpkg_auth_scope_covered(scopes, n, item))
			out[k++] = item;
	return k;
}

int wpkg_auth_challenged(struct wpkg_auth *a, struct wpkg_http *h, const struct wpkg_http_resp *resp,
			 const char *const *scopes, size_t n, struct wpkg_error *err)
{
	struct wpkg_challenges ch = { 0 };
	const struct wpkg_challenge *c;
	const char *extra[4];
	char *named = NULL;
	size_t n_extra = 0;
	int rc;

	if (a->creds.bearer_token != NULL && *a->creds.bearer_token) {
		/* nothing to negotiate: the registry refused the token it was given */
		return wpkg_error_set(err, WPKG_E_UNAUTHORIZED, "%.*s: 401 unauthorized: the registry refused the "
				      "static bearer token", (int)strcspn(resp->url ? resp->url : "", "?#"),
				      resp->url ? resp->url : "");
	}
	rc = read_challenges(&ch, resp);
	if (rc < 0)
		goto nomem;
	if ((c = wpkg_challenges_find(&ch, "bearer")) != NULL && wpkg_challenge_param(c, "realm")) {
		a->scheme = AUTH_BEARER;
		if (set_str(&a->realm, wpkg_challenge_param(c, "realm")) < 0 ||
		    set_str(&a->service, wpkg_challenge_param(c, "service")) < 0)
			goto nomem;
		/* the registry may want a scope we did not think of (insufficient_scope) */
		if (wpkg_challenge_param(c, "scope")) {
			if ((named = strdup(wpkg_challenge_param(c, "scope"))) == NULL)
				goto nomem;
			n_extra = missing_scopes(named, scopes, n, extra, sizeof(extra) / sizeof(extra[0]));
		}
		rc = obtain(a, h, scopes, n, extra, n_extra, err);
	} else if (wpkg_challenges_find(&ch, "basic")) {
		if (!have_password(a)) {
			rc = wpkg_error_set(err, WPKG_E_UNAUTHORIZED,
					    "%.*s: 401 unauthorized: the registry requires credentials (use wpkg login or -u)",
					    (int)strcspn(resp->url ? resp->url : "", "?#"), resp->url ? resp->url : "");
			goto out;
		}
		a->scheme = AUTH_BASIC;
		rc = 0;
	} else {
		rc = wpkg_error_set(err, WPKG_E_UNAUTHORIZED,
				    "401 unauthorized with no usable challenge (Basic or Bearer)");
	}
	goto out;
nomem:
	rc = wpkg_error_nomem(err);
out:
	wpkg_challenges_free(&ch);
	free(named);
	return rc;
}
