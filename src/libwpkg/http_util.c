/* SPDX-License-Identifier: Apache-2.0 */
/* http_util.c - pure HTTP helpers: headers, URLs, Link, Retry-After, backoff, masking for the debug log. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "http_internal.h"

#define BACKOFF_BASE_MS 500L
#define BACKOFF_CAP_MS 4000L

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

char *wpkg_http_header(const struct wpkg_buf *headers, const char *name, size_t index)
{
	const char *p = headers->data, *end = headers->data + headers->len;
	size_t name_len = strlen(name);

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = eol ? eol : end;
		const char *v, *ve;

		if ((size_t)(line_end - p) > name_len && p[name_len] == ':' &&
		    strncasecmp(p, name, name_len) == 0 && index-- == 0) {
			v = skip_ws(p + name_len + 1, line_end);
			ve = line_end;
			while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t'))
				ve--;
			return strndup(v, (size_t)(ve - v));
		}
		p = eol ? eol + 1 : end;
	}
	return NULL;
}

char *wpkg_url_resolve(const char *base, const char *ref)
{
	CURLU *u = curl_url();
	char *s = NULL, *out = NULL;

	if (u == NULL)
		return NULL;
	/* a Location or Link target goes into the next request line: nothing there may be left to curl's taste */
	if (!wpkg_url_chars_ok(ref))
		goto out;
	if (curl_url_set(u, CURLUPART_URL, base, 0) != CURLUE_OK)
		goto out;
	/* with a base already set, curl resolves a relative reference (RFC 3986) */
	if (curl_url_set(u, CURLUPART_URL, ref, 0) != CURLUE_OK)
		goto out;
	if (curl_url_get(u, CURLUPART_URL, &s, 0) != CURLUE_OK)
		goto out;
	out = strdup(s);
out:
	curl_free(s);
	curl_url_cleanup(u);
	return out;
}

/* "scheme://host:port" with the default port spelt out and lowercase host, or NULL. */
static char *url_origin(const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *out = NULL;
	size_t i;

	if (u == NULL)
		return NULL;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK)
		goto out;
	if (asprintf(&out, "%s://%s:%s", scheme, host, port) < 0)
		out = NULL;
	for (i = 0; out && out[i]; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return out;
}

bool wpkg_url_same_origin(const char *a, const char *b)
{
	char *oa = url_origin(a), *ob = url_origin(b);
	bool same = oa && ob && strcmp(oa, ob) == 0;

	free(oa);
	free(ob);
	return same;
}

int wpkg_url_encode(struct wpkg_buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		int rc;

		if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
			rc = wpkg_buf_putc(out, (char)c);
		else
			rc = wpkg_buf_printf(out, "%%%c%c", hex[c >> 4], hex[c & 15]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

char *wpkg_url_add_param(const char *url, const char *name, const char *value)
{
	struct wpkg_buf b = WPKG_BUF_INIT;
	const char *q = strchr(url, '?');
	const char *frag = strchr(url, '#');
	size_t base_len = frag ? (size_t)(frag - url) : strlen(url);
	char sep = (q && (!frag || q < frag)) ? '&' : '?';

	if (q && (!frag || q < frag) && (url[base_len - 1] == '?' || url[base_len - 1] == '&'))
		sep = 0;
	if (wpkg_buf_put(&b, url, base_len) < 0 || (sep && wpkg_buf_putc(&b, sep) < 0) ||
	    wpkg_buf_puts(&b, name) < 0 || wpkg_buf_putc(&b, '=') < 0 || wpkg_url_encode(&b, value) < 0) {
		wpkg_buf_free(&b);
		return NULL;
	}
	return wpkg_buf_detach(&b, NULL);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

char *wpkg_url_query_param(const char *url, const char *name)
{
	const char *q = strchr(url, '?');
	size_t name_len = strlen(name);

	if (q == NULL)
		return NULL;
	for (q++; *q && *q != '#';) {
		const char *amp = q + strcspn(q, "&#");

		if ((size_t)(amp - q) > name_len && strncmp(q, name, name_len) == 0 && q[name_len] == '=') {
			const char *v = q + name_len + 1;
			char *out = malloc((size_t)(amp - v) + 1), *o = out;

			if (out == NULL)
				return NULL;
			while (v < amp) {
				if (*v == '%' && amp - v >= 3 && hexval(v[1]) >= 0 && hexval(v[2]) >= 0) {
					*o++ = (char)(hexval(v[1]) * 16 + hexval(v[2]));
					v += 3;
				} else {
					*o++ = *v == '+' ? ' ' : *v;
					v++;
				}
			}
			*o = '\0';
			return out;
		}
		q = *amp == '&' ? amp + 1 : amp;
	}
	return NULL;
}

char *wpkg_url_strip_query(const char *url)
{
	return strndup(url, strcspn(url, "?#"));
}

/* Reads a token or quoted-string parameter value; returns where it stopped. */
static const char *link_param_value(const char *p, const char *end, const char **v, size_t *vlen)
{
	if (p < end && *p == '"') {
		*v = ++p;
		while (p < end && *p != '"')
			p++;
		*vlen = (size_t)(p - *v);
		return p < end ? p + 1 : p;
	}
	*v = p;
	while (p < end && *p != ';' && *p != ',' && *p != ' ' && *p != '\t')
		p++;
	*vlen = (size_t)(p - *v);
	return p;
}

/* True when the space-separated relation list rel contains "next". */
static bool rel_has_next(const char *rel, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t j = i;

		while (j < len && rel[j] != ' ')
			j++;
		if (j - i == 4 && strncasecmp(rel + i, "next", 4) == 0)
			return true;
		i = j + 1;
	}
	return false;
}

char *wpkg_http_link_next(const char *value)
{
	const char *p = value, *end = value + strlen(value);

	while (p < end) {
		const char *target, *target_end;
		bool next = false;

		p = skip_ws(p, end);
		while (p < end && (*p == ',' || *p == ' ' || *p == '\t'))
			p++;
		if (p >= end || *p != '<')
			return NULL;
		target = ++p;
		target_end = memchr(p, '>', (size_t)(end - p));
		if (target_end == NULL)
			return NULL;
		p = target_end + 1;
		for (;;) {
			const char *key, *v;
			size_t key_len, vlen;

			p = skip_ws(p, end);
			if (p >= end || *p != ';')
				break;
			key = p = skip_ws(p + 1, end);
			while (p < end && *p != '=' && *p != ';' && *p != ',' && *p != ' ')
				p++;
			key_len = (size_t)(p - key);
			p = skip_ws(p, end);
			if (p >= end || *p != '=')
				continue;
			p = link_param_value(skip_ws(p + 1, end), end, &v, &vlen);
			if (key_len == 3 && strncasecmp(key, "rel", 3) == 0 && rel_has_next(v, vlen))
				next = true;
		}
		if (next)
			return strndup(target, (size_t)(target_end - target));
		/* skip anything up to the next link */
		while (p < end && *p != ',')
			p++;
	}
	return NULL;
}

long wpkg_http_retry_after_ms(const char *value, time_t now, long cap_ms)
{
	const char *p;
	long secs = 0;
	time_t when;

	if (value == NULL || *value == '\0')
		return -1;
	for (p = value; *p >= '0' && *p <= '9'; p++)
		secs = secs > cap_ms / 1000 ? secs : secs * 10 + (*p - '0');
	if (p != value && *p == '\0')
		return secs * 1000 > cap_ms ? cap_ms : secs * 1000;
	when = curl_getdate(value, NULL);
	if (when == (time_t)-1)
		return -1;
	if (when <= now)
		return 0;
	if ((when - now) > cap_ms / 1000)
		return cap_ms;
	return (long)(when - now) * 1000;
}

long wpkg_http_backoff_ms(unsigned attempt, double jitter)
{
	long d = BACKOFF_BASE_MS;

	while (attempt-- > 0 && d < BACKOFF_CAP_MS)
		d *= 2;
	if (d > BACKOFF_CAP_MS)
		d = BACKOFF_CAP_MS;
	/* "equal jitter": half fixed, half random, so retries of many clients spread out */
	return d / 2 + (long)((double)(d / 2) * jitter);
}

bool wpkg_http_status_retryable(long status)
{
	return status == 408 || status == 429 || (status >= 500 && status <= 599 && status != 501 && status != 505);
}

static bool name_is(const char *line, size_t name_len, const char *name)
{
	return strlen(name) == name_len && strncasecmp(line, name, name_len) == 0;
}

/* Header names whose whole value is a secret. */
static bool name_secret(const char *line, size_t name_len)
{
	static const char *const words[] = { "token", "secret", "password", "cookie", "api-key", "apikey" };
	char lower[128];
	size_t i;

	if (name_len >= sizeof(lower))
		return true;
	for (i = 0; i < name_len; i++)
		lower[i] = (char)tolower((unsigned char)line[i]);
	lower[name_len] = '\0';
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strstr(lower, words[i]))
			return true;
	return false;
}

/*
 * A query string may carry a credential (a storage host's pre-signed
 * "X-Amz-Signature=..."), so a URL is shown up to its '?' and "?***" after.
 * Copies line[0, len) to out with the query of the URL starting at url_at
 * masked; the URL ends at the next space.
 */
static void mask_query(char *out, size_t out_size, const char *line, size_t len, size_t url_at)
{
	const char *q = memchr(line + url_at, '?', len - url_at);
	const char *end;

	if (q == NULL) {
		snprintf(out, out_size, "%.*s", (int)len, line);
		return;
	}
	end = memchr(q, ' ', len - (size_t)(q - line));
	if (end == NULL)
		end = line + len;
	snprintf(out, out_size, "%.*s?***%.*s", (int)(q - line), line, (int)(line + len - end), end);
}

/* "METHOD TARGET HTTP/x": the request line, whose target may hold a query. */
static size_t request_target_at(const char *line, size_t len)
{
	size_t i = 0;

	while (i < len && line[i] >= 'A' && line[i] <= 'Z')
		i++;
	if (i == 0 || i >= len || line[i] != ' ')
		return 0;
	if (len < 9 || memcmp(line + len - 9, " HTTP/1.1", 9) != 0) {
		const char *sp = memchr(line + i + 1, ' ', len - i - 1);
		if (sp == NULL || (size_t)(line + len - sp) < 6 || memcmp(sp, " HTTP/", 6) != 0)
			return 0;
	}
	return i + 1;
}

void wpkg_http_mask_header(char *out, size_t out_size, const char *line, size_t len)
{
	const char *colon;
	size_t name_len, target;

	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == '\n'))
		len--;
	if (out_size == 0)
		return;
	target = request_target_at(line, len);
	if (target > 0) {
		mask_query(out, out_size, line, len, target);
		return;
	}
	colon = memchr(line, ':', len);
	if (colon == NULL) {
		snprintf(out, out_size, "%.*s", (int)len, line);
		return;
	}
	name_len = (size_t)(colon - line);
	if (name_is(line, name_len, "Authorization") || name_is(line, name_len, "Proxy-Authorization")) {
		const char *end = line + len;
		const char *s = skip_ws(colon + 1, end), *e = s;

		while (e < end && *e != ' ' && *e != '\t')
			e++;
		/* keep the scheme only: "Authorization: Bearer ***" */
		if (e < end)
			snprintf(out, out_size, "%.*s: %.*s ***", (int)name_len, line, (int)(e - s), s);
		else
			snprintf(out, out_size, "%.*s: ***", (int)name_len, line);
		return;
	}
	if (name_secret(line, name_len)) {
		snprintf(out, out_size, "%.*s: ***", (int)name_len, line);
		return;
	}
	if (name_is(line, name_len, "Location") || name_is(line, name_len, "Content-Location")) {
		mask_query(out, out_size, line, len, name_len + 1);
		return;
	}
	snprintf(out, out_size, "%.*s", (int)len, line);
}

const char *wpkg_http_reason(long status)
{
	switch (status) {
	case 400: return "bad request";
	case 401: return "unauthorized";
	case 403: return "forbidden";
	case 404: return "not found";
	case 405: return "method not allowed";
	case 408: return "request timeout";
	case 409: return "conflict";
	case 413: return "payload too large";
	case 415: return "unsupported media type";
	case 416: return "range not satisfiable";
	case 429: return "too many requests";
	case 500: return "internal server error";
	case 501: return "not implemented";
	case 502: return "bad gateway";
	case 503: return "service unavailable";
	case 504: return "gateway timeout";
	}
	return "";
}
