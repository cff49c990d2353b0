/* SPDX-License-Identifier: Apache-2.0 */
/* auth_parse.c - WWW-Authenticate challenges, token answers, scopes and credential strings; no I/O. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "auth_internal.h"

/* RFC 7230 tchar */
static bool tchar(char c)
{
	return isalnum((unsigned char)c) || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static bool token68_char(char c)
{
	return isalnum((unsigned char)c) || (c != '\0' && strchr("-._~+/", c) != NULL);
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static char *lower_dup(const char *s, size_t len)
{
	char *out = strndup(s, len);
	size_t i;

	for (i = 0; out && i < len; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
	return out;
}

static void challenge_clear(struct wpkg_challenge *c)
{
	size_t i;

	for (i = 0; i < c->n_params; i++) {
		free(c->params[i].key);
		free(c->params[i].value);
	}
	free(c->params);
	free(c->scheme);
	free(c->token68);
	memset(c, 0, sizeof(*c));
}

/* Reads a quoted-string at p (on the opening quote); NULL when unterminated. */
static const char *read_quoted(const char *p, char **out)
{
	struct wpkg_buf b = WPKG_BUF_INIT;

	for (p++; *p && *p != '"'; p++) {
		if (*p == '\\' && p[1])
			p++;
		if (wpkg_buf_putc(&b, *p) < 0)
			goto fail;
	}
	if (*p != '"')
		goto fail;
	*out = wpkg_buf_detach(&b, NULL);
	return *out ? p + 1 : NULL;
fail:
	wpkg_buf_free(&b);
	return NULL;
}

static int add_param(struct wpkg_challenge *c, const char *key, size_t key_len, char *value)
{
	struct wpkg_auth_param *v = realloc(c->params, (c->n_params + 1) * sizeof(*v));

	if (v == NULL)
		return WPKG_E_NOMEM;
	c->params = v;
	v[c->n_params].key = lower_dup(key, key_len);
	if (v[c->n_params].key == NULL)
		return WPKG_E_NOMEM;
	v[c->n_params++].value = value;
	return 0;
}

/* A token68 credential after the scheme: token68 chars, '=' padding, then end or ','. */
static const char *read_token68(const char *p, char **out)
{
	const char *s = p, *e;

	while (token68_char(*p))
		p++;
	if (p == s)
		return NULL;
	while (*p == '=')
		p++;
	e = p;
	p = skip_ws(p);
	if (*p != '\0' && *p != ',')
		return NULL;
	*out = strndup(s, (size_t)(e - s));
	return *out ? p : NULL;
}

/*
 * Parses the parameters of c starting at p.  Returns where the next
 * challenge starts (or the end), or NULL on a syntax error; *nomem on ENOMEM.
 */
static const char *read_params(struct wpkg_challenge *c, const char *p, bool *nomem)
{
	for (;;) {
		const char *key, *q = p;
		size_t key_len;
		char *value = NULL;

		while (*q == ' ' || *q == '\t' || *q == ',')
			q++;
		if (*q == '\0')
			return q;
		key = q;
		while (tchar(*q))
			q++;
		key_len = (size_t)(q - key);
		q = skip_ws(q);
		if (key_len == 0)
			return NULL;
		if (*q != '=')
			return key;     /* "Scheme ..." : the next challenge */
		q = skip_ws(q + 1);
		if (*q == '"') {
			q = read_quoted(q, &value);
			if (q == NULL)
				return NULL;
		} else {
			const char *v = q;
			while (tchar(*q))
				q++;
			if ((value = strndup(v, (size_t)(q - v))) == NULL) {
				*nomem = true;
				return NULL;
			}
		}
		if (add_param(c, key, key_len, value) < 0) {
			free(value);
			*nomem = true;
			return NULL;
		}
		q = skip_ws(q);
		if (*q != '\0' && *q != ',')
			return NULL;
		p = q;
	}
}

int wpkg_auth_parse_challenges(struct wpkg_challenges *out, const char *value)
{
	const char *p = value;
	int added = 0;

	for (;;) {
		struct wpkg_challenge c = { 0 };
		struct wpkg_challenge *v;
		const char *s, *next;
		bool nomem = false;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		for (s = p; tchar(*p); p++)
			;
		/* a scheme is a token followed by a space or the end, never by '=' */
		if (p == s || (*p != ' ' && *p != '\t' && *p != '\0' && *p != ','))
			break;
		if ((c.scheme = lower_dup(s, (size_t)(p - s))) == NULL)
			return WPKG_E_NOMEM;
		p = skip_ws(p);
		next = read_token68(p, &c.token68);
		if (next == NULL)
			next = read_params(&c, p, &nomem);
		if (next == NULL) {
			challenge_clear(&c);
			if (nomem)
				return WPKG_E_NOMEM;
			break;
		}
		v = realloc(out->v, (out->n + 1) * sizeof(*v));
		if (v == NULL) {
			challenge_clear(&c);
			return WPKG_E_NOMEM;
		}
		out->v = v;
		v[out->n++] = c;
		added++;
		p = next;
	}
	return added;
}

void wpkg_challenges_free(struct wpkg_challenges *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		challenge_clear(&c->v[i]);
	free(c->v);
	c->v = NULL;
	c->n = 0;
}

const char *wpkg_challenge_param(const struct wpkg_challenge *c, const char *key)
{
	size_t i;

	for (i = 0; i < c->n_params; i++)
		if (strcasecmp(c->params[i].key, key) == 0)
			return c->params[i].value;
	return NULL;
}

const struct wpkg_challenge *wpkg_challenges_find(const struct wpkg_challenges *c, const char *scheme)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcasecmp(c->v[i].scheme, scheme) == 0)
			return &c->v[i];
	return NULL;
}

/* RFC 3339 ("2024-05-01T10:00:00.123Z", "...+02:00") to time_t; -1 if malformed. */
static time_t parse_rfc3339(const char *s)
{
	struct tm tm = { 0 };
	int n = 0, oh = 0, om = 0;
	time_t t;
	const char *p;

	if (sscanf(s, "%4d-%2d-%2d%*[Tt ]%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
		   &tm.tm_min, &tm.tm_sec, &n) != 6 || n == 0)
		return -1;
	p = s + n;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	if (*p == 'Z' || *p == 'z')
		return p[1] == '\0' ? t : -1;
	if ((*p == '+' || *p == '-') && sscanf(p + 1, "%2d:%2d", &oh, &om) == 2 && strlen(p) == 6)
		return *p == '+' ? t - (oh * 3600 + om * 60) : t + (oh * 3600 + om * 60);
	return -1;
}

int wpkg_auth_parse_token(struct wpkg_token *out, const void *body, size_t len, time_t now, struct wpkg_error *err)
{
	json_t *doc = NULL, *v;
	const char *tok = NULL;
	json_int_t expires_in = 60;
	json_error_t jerr;
	time_t issued;
	int rc;

	doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL) {
		/* jansson's reason, not its excerpt: the text "near" the fault may be the token */
		char *near = strstr(jerr.text, " near ");
		if (near != NULL)
			*near = '\0';
		rc = wpkg_error_set(err, WPKG_E_PROTOCOL, "token server answered invalid JSON (line %d, column %d: %s)",
				    jerr.line, jerr.column, jerr.text);
		goto out;
	}
	if (!json_is_object(doc)) {
		rc = wpkg_error_set(err, WPKG_E_PROTOCOL, "token server answered something that is not a JSON object");
		goto out;
	}
	v = json_object_get(doc, "token");
	if (!json_is_string(v) || json_string_length(v) == 0)
		v = json_object_get(doc, "access_token");
	if (json_is_string(v) && json_string_length(v) > 0)
		tok = json_string_value(v);
	if (tok == NULL) {
		rc = wpkg_error_set(err, WPKG_E_PROTOCOL, "token server answered no token");
		goto out;
	}
	/* it goes into "Authorization: Bearer ...": a CR or LF there would inject headers or whole requests */
	if (!wpkg_http_token68_ok(tok)) {
		rc = wpkg_error_set(err, WPKG_E_PROTOCOL, "token server answered a token with characters a Bearer "
				    "header cannot carry (RFC 6750 allows letters, digits and -._~+/=); refusing it");
		goto out;
	}
	v = json_object_get(doc, "expires_in");
	if (json_is_integer(v) && json_integer_value(v) > 0)
		expires_in = json_integer_value(v);
	if (expires_in > 365L * 86400)
		expires_in = 365L * 86400;
	out->expires_at = now + (time_t)expires_in;
	v = json_object_get(doc, "issued_at");
	/* an issue time in the past (the request's latency) shortens the life; clocks that disagree do not */
	if (json_is_string(v) && (issued = parse_rfc3339(json_string_value(v))) != (time_t)-1 &&
	    issued <= now && now - issued < (time_t)expires_in)
		out->expires_at = issued + (time_t)expires_in;
	out->token = strdup(tok);
	rc = out->token ? 0 : wpkg_error_nomem(err);
out:
	json_decref(doc);
	return rc;
}

void wpkg_token_clear(struct wpkg_token *t)
{
	if (t->token) {
		explicit_bzero(t->token, strlen(t->token));
		free(t->token);
	}
	t->token = NULL;
	t->expires_at = 0;
}

char *wpkg_auth_scope(const char *repo, const char *actions)
{
	char *s;

	return asprintf(&s, "repository:%s:%s", repo, actions) < 0 ? NULL : s;
}

char *wpkg_auth_token_url(const char *realm, const char *service, const char *const *scopes, size_t n)
{
	char *url = strdup(realm), *next;
	size_t i;

	if (url && service && *service) {
		next = wpkg_url_add_param(url, "service", service);
		free(url);
		url = next;
	}
	for (i = 0; url && i < n; i++) {
		next = wpkg_url_add_param(url, "scope", scopes[i]);
		free(url);
		url = next;
	}
	return url;
}

int wpkg_auth_refresh_form(struct wpkg_buf *out, const char *service, const char *const *scopes, size_t n,
			   const char *refresh_token)
{
	struct wpkg_buf scope = WPKG_BUF_INIT;
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < n; i++)
		rc = wpkg_buf_printf(&scope, "%s%s", i ? " " : "", scopes[i]);
	if (rc == 0)
		rc = wpkg_buf_puts(out, "grant_type=refresh_token&service=");
	if (rc == 0)
		rc = wpkg_url_encode(out, service ? service : "");
	if (rc == 0 && n > 0) {
		rc = wpkg_buf_puts(out, "&scope=");
		if (rc == 0)
			rc = wpkg_url_encode(out, scope.data);
	}
	if (rc == 0)
		rc = wpkg_buf_puts(out, "&client_id=wpkg&refresh_token=");
	if (rc == 0)
		rc = wpkg_url_encode(out, refresh_token);
	wpkg_buf_free(&scope);
	return rc;
}

char *wpkg_auth_basic(const char *user, const char *pass)
{
	struct wpkg_buf plain = WPKG_BUF_INIT;
	char *out = NULL;
	size_t enc_len;

	if (wpkg_buf_printf(&plain, "%s:%s", user, pass ? pass : "") < 0)
		goto out;
	enc_len = 4 * ((plain.len + 2) / 3);
	out = malloc(6 + enc_len + 1);
	if (out == NULL)
		goto out;
	memcpy(out, "Basic ", 6);
	EVP_EncodeBlock((unsigned char *)out + 6, (const unsigned char *)plain.data, (int)plain.len);
out:
	explicit_bzero(plain.data, plain.len);
	wpkg_buf_free(&plain);
	return out;
}

/* True when the comma-separated list has action. */
static bool has_action(const char *list, const char *action, size_t len)
{
	while (*list) {
		size_t n = strcspn(list, ",");

		if (n == len && strncmp(list, action, len) == 0)
			return true;
		list += n;
		if (*list == ',')
			list++;
	}
	return false;
}

bool wpkg_auth_scope_covered(const char *const *scopes, size_t n, const char *item)
{
	const char *colon = strrchr(item, ':'), *a;
	size_t prefix, i;

	if (colon == NULL)
		return false;
	prefix = (size_t)(colon - item) + 1;   /* "repository:NAME:" */
	for (i = 0; i < n; i++) {
		const char *mine = strrchr(scopes[i], ':');
		bool all = true;

		if (mine == NULL || (size_t)(mine - scopes[i]) + 1 != prefix || strncmp(scopes[i], item, prefix) != 0)
			continue;
		for (a = colon + 1; *a; ) {
			size_t len = strcspn(a, ",");
			if (len && !has_action(mine + 1, a, len) && !has_action(mine + 1, "*", 1))
				all = false;
			a += len;
			if (*a == ',')
				a++;
		}
		if (all)
			return true;
	}
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char *wpkg_auth_scope_key(const char *const *scopes, size_t n)
{
	struct wpkg_buf b = WPKG_BUF_INIT;
	const char **sorted = calloc(n ? n : 1, sizeof(*sorted));
	size_t i;
	int rc = 0;

	if (sorted == NULL)
		return NULL;
	if (n > 0)
		memcpy(sorted, scopes, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_str);
	for (i = 0; rc == 0 && i < n; i++)
		rc = wpkg_buf_printf(&b, "%s%s", i ? " " : "", sorted[i]);
	free(sorted);
	if (rc < 0) {
		wpkg_buf_free(&b);
		return NULL;
	}
	return wpkg_buf_detach(&b, NULL);
}
