/* SPDX-License-Identifier: Apache-2.0 */
/* toml.c - a strict TOML 1.0 reader for wkg's config and lock files (no floats, no dates). */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8_internal.h"
#include "wpkg/buf.h"
#include "wpkg/toml.h"

#define MAX_DEPTH 64       /* nested arrays and inline tables */
#define MAX_KEY_PARTS 64   /* a.b.c... */

struct parser {
	const char *s;
	size_t n;
	size_t pos;
	int line;
	size_t line_start;
	int depth;
	struct wpkg_toml *root;
	struct wpkg_toml *cur;   /* the table the current section's key/values go to */
	struct wpkg_error *err;
};

struct key {
	size_t count;
	char *part[MAX_KEY_PARTS];
	int line;
	int col;
};

static int fail_at(struct parser *p, int code, size_t at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Columns count bytes, as tomllib's positions count characters of ASCII lines. */
static int fail_at(struct parser *p, int code, size_t at, const char *fmt, ...)
{
	char msg[WPKG_ERROR_MSG_MAX];
	int line = p->line;
	size_t start = p->line_start;
	va_list ap;

	/* at may lie before the current line (a value spanning lines): recount. */
	if (at < start) {
		line = 1;
		start = 0;
		for (size_t i = 0; i < at; i++)
			if (p->s[i] == '\n') {
				line++;
				start = i + 1;
			}
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return wpkg_error_set(p->err, code, "line %d, column %zu: %s", line, at - start + 1, msg);
}

/* "'x'" for a printable ASCII character, "byte 0xHH" for anything else: messages stay one clean line. */
static const char *describe(int c, char buf[16])
{
	if (c > 0x20 && c < 0x7f)
		snprintf(buf, 16, "'%c'", c);
	else
		snprintf(buf, 16, "byte 0x%02X", (unsigned)c & 0xffu);
	return buf;
}

#define FAIL(p, ...) fail_at((p), WPKG_E_INVALID, (p)->pos, __VA_ARGS__)

static int peek(const struct parser *p, size_t ahead)
{
	return p->pos + ahead < p->n ? (unsigned char)p->s[p->pos + ahead] : -1;
}

static int starts(const struct parser *p, const char *lit)
{
	size_t l = strlen(lit);

	return p->n - p->pos >= l && memcmp(p->s + p->pos, lit, l) == 0;
}

static void newline_seen(struct parser *p)
{
	p->line++;
	p->line_start = p->pos;
}

/* Consumes "\n" or "\r\n" at pos; returns 1 if it did. */
static int eat_newline(struct parser *p)
{
	if (peek(p, 0) == '\n') {
		p->pos++;
		newline_seen(p);
		return 1;
	}
	if (peek(p, 0) == '\r' && peek(p, 1) == '\n') {
		p->pos += 2;
		newline_seen(p);
		return 1;
	}
	return 0;
}

static void skip_ws(struct parser *p)
{
	while (peek(p, 0) == ' ' || peek(p, 0) == '\t')
		p->pos++;
}

static int is_ctrl(int c)
{
	return (c >= 0 && c < 0x20 && c != '\t') || c == 0x7f;
}

/* A comment, if one starts here, up to (not including) the newline. */
static int skip_comment(struct parser *p)
{
	if (peek(p, 0) != '#')
		return 0;
	while (p->pos < p->n && p->s[p->pos] != '\n') {
		if (p->s[p->pos] == '\r' && peek(p, 1) == '\n')
			break;
		if (is_ctrl((unsigned char)p->s[p->pos]))
			return FAIL(p, "control character in a comment");
		p->pos++;
	}
	return 0;
}

/* Whitespace, comments and newlines (between array items and between lines). */
static int skip_blank(struct parser *p)
{
	for (;;) {
		skip_ws(p);
		if (skip_comment(p))
			return WPKG_E_INVALID;
		if (!eat_newline(p))
			return 0;
	}
}

/* After a key/value pair or a header: only a comment may follow on the line. */
static int end_of_line(struct parser *p)
{
	char what[16];

	skip_ws(p);
	if (skip_comment(p))
		return WPKG_E_INVALID;
	if (p->pos >= p->n || eat_newline(p))
		return 0;
	return FAIL(p, "expected the end of the line, found %s", describe((unsigned char)p->s[p->pos], what));
}

/* Checks the whole document is UTF-8 (TOML is), so strings need no further check. */
static int check_utf8(struct parser *p)
{
	size_t bad = wpkg_utf8_bad_at((const uint8_t *)p->s, p->n);

	if (bad == p->n)
		return 0;
	p->line_start = p->n + 1;  /* makes fail_at count the line of the bad byte */
	return fail_at(p, WPKG_E_INVALID, bad, p->s[bad] ? "invalid UTF-8" : "NUL byte");
}

static struct wpkg_toml *node_new(enum wpkg_toml_type type, int line)
{
	struct wpkg_toml *v = calloc(1, sizeof(*v));

	if (v) {
		v->type = type;
		v->line = line;
	}
	return v;
}

void wpkg_toml_free(struct wpkg_toml *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->count; i++) {
		if (v->keys)
			free(v->keys[i]);
		wpkg_toml_free(v->items[i]);
	}
	free(v->keys);
	free(v->items);
	free(v->str);
	free(v);
}

/* Appends item (and key, for tables); takes ownership of both, also on failure. */
static int node_add(struct wpkg_toml *v, char *key, struct wpkg_toml *item)
{
	if (v->count == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 4;
		struct wpkg_toml **items = realloc(v->items, cap * sizeof(*items));

		if (!items)
			goto nomem;
		v->items = items;
		if (v->type == WPKG_TOML_TABLE) {
			char **keys = realloc(v->keys, cap * sizeof(*keys));

			if (!keys)
				goto nomem;
			v->keys = keys;
		}
		v->cap = cap;
	}
	if (v->type == WPKG_TOML_TABLE)
		v->keys[v->count] = key;
	v->items[v->count++] = item;
	return 0;
nomem:
	free(key);
	wpkg_toml_free(item);
	return WPKG_E_NOMEM;
}

static struct wpkg_toml *table_find(const struct wpkg_toml *t, const char *key)
{
	for (size_t i = 0; i < t->count; i++)
		if (strcmp(t->keys[i], key) == 0)
			return t->items[i];
	return NULL;
}

const struct wpkg_toml *wpkg_toml_get(const struct wpkg_toml *t, const char *key)
{
	if (!t || t->type != WPKG_TOML_TABLE)
		return NULL;
	return table_find(t, key);
}

const char *wpkg_toml_type_str(enum wpkg_toml_type type)
{
	switch (type) {
	case WPKG_TOML_TABLE: return "table";
	case WPKG_TOML_ARRAY: return "array";
	case WPKG_TOML_STRING: return "string";
	case WPKG_TOML_INTEGER: return "integer";
	case WPKG_TOML_BOOL: return "boolean";
	}
	return "value";
}

static void freeze(struct wpkg_toml *v)
{
	if (v->type != WPKG_TOML_TABLE && v->type != WPKG_TOML_ARRAY)
		return;
	v->frozen = 1;
	for (size_t i = 0; i < v->count; i++)
		freeze(v->items[i]);
}

static int put_utf8(struct wpkg_buf *b, unsigned long cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp, n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6)), u[1] = (char)(0x80 | (cp & 0x3f)), n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12)), u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18)), u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f)), u[3] = (char)(0x80 | (cp & 0x3f)), n = 4;
	}
	return wpkg_buf_put(b, u, n);
}

/* An escape after the backslash at pos (basic strings). */
static int parse_escape(struct parser *p, struct wpkg_buf *b)
{
	size_t at = p->pos;
	int c = peek(p, 1);
	const char *simple = "b\bt\tn\nf\fr\r\"\"\\\\";
	unsigned long cp = 0;
	size_t digits;

	for (const char *e = simple; *e; e += 2)
		if (c == *e) {
			p->pos += 2;
			return wpkg_buf_putc(b, e[1]);
		}
	if (c != 'u' && c != 'U')
		return fail_at(p, WPKG_E_INVALID, at, "invalid escape sequence in a string");
	digits = c == 'u' ? 4 : 8;
	p->pos += 2;
	for (size_t i = 0; i < digits; i++) {
		int h = peek(p, 0);

		if (h >= '0' && h <= '9')
			cp = cp * 16 + (unsigned long)(h - '0');
		else if (h >= 'a' && h <= 'f')
			cp = cp * 16 + (unsigned long)(h - 'a' + 10);
		else if (h >= 'A' && h <= 'F')
			cp = cp * 16 + (unsigned long)(h - 'A' + 10);
		else
			return fail_at(p, WPKG_E_INVALID, at, "\\%c needs %zu hex digits", c, digits);
		p->pos++;
	}
	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return fail_at(p, WPKG_E_INVALID, at, "escape is not a Unicode scalar value");
	/* Strings are NUL-terminated C strings for every consumer: refuse rather than truncate. */
	if (cp == 0)
		return fail_at(p, WPKG_E_UNSUPPORTED, at, "\\u0000 is not supported");
	return put_utf8(b, cp);
}

/*
 * A string of any of the four kinds, starting at its opening quote.
 * allow_multi is 0 for keys.  On success *out is a malloc'd NUL-terminated copy.
 */
static int parse_string(struct parser *p, char **out, size_t *outlen, int allow_multi)
{
	struct wpkg_buf b = WPKG_BUF_INIT;
	char q = p->s[p->pos];
	int literal = q == '\'';
	int multi = allow_multi && (q == '"' ? starts(p, "\"\"\"") : starts(p, "'''"));
	size_t open = p->pos;
	int rc;

	p->pos += multi ? 3 : 1;
	if (multi)
		eat_newline(p);  /* a newline right after the opening quotes is trimmed */
	for (;;) {
		int c = peek(p, 0);

		if (c < 0) {
			rc = fail_at(p, WPKG_E_INVALID, open, "unterminated string");
			goto out;
		}
		if (c == q) {
			if (!multi) {
				p->pos++;
				break;
			}
			if (peek(p, 1) == q && peek(p, 2) == q) {
				size_t k = 3;

				while (peek(p, (size_t)k) == q)
					k++;
				if (k > 5) {
					rc = FAIL(p, "too many quotes closing a multi-line string");
					goto out;
				}
				if ((rc = wpkg_buf_put(&b, p->s + p->pos, k - 3)))
					goto out;
				p->pos += k;
				break;
			}
			if ((rc = wpkg_buf_putc(&b, (char)c)))
				goto out;
			p->pos++;
			continue;
		}
		if (multi && (c == '\n' || c == '\r')) {
			/* CRLF becomes LF, as tomllib reads it. */
			if (!eat_newline(p)) {
				rc = FAIL(p, "carriage return without a line feed");
				goto out;
			}
			if ((rc = wpkg_buf_putc(&b, '\n')))
				goto out;
			continue;
		}
		if (c == '\n' || (c == '\r' && peek(p, 1) == '\n')) {
			rc = fail_at(p, WPKG_E_INVALID, open, "unterminated string (a newline in a one-line string)");
			goto out;
		}
		if (is_ctrl(c)) {
			rc = FAIL(p, "control character in a string (write it as an escape)");
			goto out;
		}
		if (c == '\\' && !literal) {
			if (multi) {
				/* A line-ending backslash swallows the newline and the whitespace after it. */
				size_t k = 1;

				while (peek(p, k) == ' ' || peek(p, k) == '\t')
					k++;
				if (peek(p, k) == '\n' || (peek(p, k) == '\r' && peek(p, k + 1) == '\n')) {
					p->pos += k;
					for (;;) {
						skip_ws(p);
						if (!eat_newline(p))
							break;
					}
					continue;
				}
			}
			if ((rc = parse_escape(p, &b)))
				goto out;
			continue;
		}
		if ((rc = wpkg_buf_putc(&b, (char)c)))
			goto out;
		p->pos++;
	}
	*outlen = b.len;
	*out = wpkg_buf_detach(&b, NULL);
	rc = *out ? 0 : WPKG_E_NOMEM;
out:
	wpkg_buf_free(&b);
	return rc;
}

static int is_bare(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static void key_free(struct key *k)
{
	for (size_t i = 0; i < k->count; i++)
		free(k->part[i]);
	k->count = 0;
}

/* A dotted key; whitespace around the dots is allowed. */
static int parse_key(struct parser *p, struct key *k)
{
	char what[16];
	int rc;

	k->count = 0;
	k->line = p->line;
	k->col = (int)(p->pos - p->line_start + 1);
	for (;;) {
		char *part;
		size_t len;
		int c;

		skip_ws(p);
		c = peek(p, 0);
		if (k->count == MAX_KEY_PARTS) {
			rc = FAIL(p, "key has more than %d parts", MAX_KEY_PARTS);
			goto fail;
		}
		if (c == '"' || c == '\'') {
			if ((rc = parse_string(p, &part, &len, 0)))
				goto fail;
		} else if (is_bare(c)) {
			size_t start = p->pos;

			while (is_bare(peek(p, 0)))
				p->pos++;
			part = strndup(p->s + start, p->pos - start);
			if (!part) {
				rc = WPKG_E_NOMEM;
				goto fail;
			}
		} else {
			rc = c < 0 || c == '\n' || c == '\r' ? FAIL(p, "expected a key") :
				FAIL(p, "expected a key, found %s", describe(c, what));
			goto fail;
		}
		k->part[k->count++] = part;
		skip_ws(p);
		if (peek(p, 0) != '.')
			return 0;
		p->pos++;
	}
fail:
	key_free(k);
	return rc;
}

/* Writes "a.b.c" (quoting parts that need it) for messages. */
static void key_str(const struct key *k, size_t upto, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < upto && used < size; i++) {
		int bare = k->part[i][0] != '\0';

		for (const char *c = k->part[i]; *c; c++)
			if (!is_bare((unsigned char)*c))
				bare = 0;
		used += (size_t)snprintf(out + used, size - used, bare ? "%s%s" : "%s\"%s\"",
					 i ? "." : "", k->part[i]);
	}
}

static int parse_value(struct parser *p, struct wpkg_toml **out);

static int parse_integer(struct parser *p, struct wpkg_toml **out)
{
	size_t start = p->pos, end = p->pos;
	int neg = 0, base = 10;
	unsigned long long acc = 0, limit;
	size_t i;
	int prev_digit = 0;

	while (end < p->n && (is_bare((unsigned char)p->s[end]) || p->s[end] == '+' || p->s[end] == '.' ||
			      p->s[end] == ':'))
		end++;
	for (i = start; i < end; i++) {
		char c = p->s[i];

		if (c == '.' || c == ':' || ((c == 'e' || c == 'E') && !(end - start > 1 && p->s[start + 1] == 'x')) ||
		    (c == '-' && i > start) || c == 'n' || c == 'i')
			return fail_at(p, WPKG_E_UNSUPPORTED, start, "floats, dates and times are not supported");
	}
	i = start;
	if (p->s[i] == '+' || p->s[i] == '-') {
		neg = p->s[i] == '-';
		i++;
	}
	if (i + 1 < end && p->s[i] == '0' && (p->s[i + 1] == 'x' || p->s[i + 1] == 'o' || p->s[i + 1] == 'b')) {
		if (i != start)
			return fail_at(p, WPKG_E_INVALID, start, "a sign is not allowed on a 0x/0o/0b integer");
		base = p->s[i + 1] == 'x' ? 16 : p->s[i + 1] == 'o' ? 8 : 2;
		i += 2;
	} else if (i + 1 < end && p->s[i] == '0') {
		return fail_at(p, WPKG_E_INVALID, start, "leading zeros are not allowed in an integer");
	}
	if (i == end)
		return fail_at(p, WPKG_E_INVALID, start, "expected a value");
	limit = neg ? (unsigned long long)INT64_MAX + 1 : (unsigned long long)INT64_MAX;
	for (; i < end; i++) {
		char c = p->s[i];
		int d;

		if (c == '_') {
			if (!prev_digit || i + 1 == end)
				return fail_at(p, WPKG_E_INVALID, i, "'_' must sit between digits");
			prev_digit = 0;
			continue;
		}
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			d = 99;
		if (d >= base)
			return fail_at(p, WPKG_E_INVALID, i, "invalid digit in an integer");
		if (acc > (limit - (unsigned long long)d) / (unsigned long long)base)
			return fail_at(p, WPKG_E_UNSUPPORTED, start, "integer out of the 64-bit range");
		acc = acc * (unsigned long long)base + (unsigned long long)d;
		prev_digit = 1;
	}
	if (!(*out = node_new(WPKG_TOML_INTEGER, p->line)))
		return WPKG_E_NOMEM;
	(*out)->integer = neg ? (acc == (unsigned long long)INT64_MAX + 1 ? INT64_MIN : -(int64_t)acc) : (int64_t)acc;
	p->pos = end;
	return 0;
}

static int parse_array(struct parser *p, struct wpkg_toml **out)
{
	struct wpkg_toml *a = node_new(WPKG_TOML_ARRAY, p->line);
	int rc;

	if (!a)
		return WPKG_E_NOMEM;
	p->pos++;
	for (;;) {
		struct wpkg_toml *item;

		if ((rc = skip_blank(p)))
			goto fail;
		if (peek(p, 0) == ']')
			break;
		if ((rc = parse_value(p, &item)))
			goto fail;
		if ((rc = node_add(a, NULL, item)))
			goto fail;
		if ((rc = skip_blank(p)))
			goto fail;
		if (peek(p, 0) == ',') {
			p->pos++;
			continue;
		}
		if (peek(p, 0) == ']')
			break;
		rc = FAIL(p, "expected ',' or ']' in an array");
		goto fail;
	}
	p->pos++;
	freeze(a);
	*out = a;
	return 0;
fail:
	wpkg_toml_free(a);
	return rc;
}

/*
 * Stores value under the dotted key k relative to table t, creating the tables
 * in between.  Takes ownership of value.  A dotted key may extend a table made
 * by dotted keys, never one made by a [header] or an inline table (TOML 1.0).
 */
static int put_dotted(struct parser *p, struct wpkg_toml *t, struct key *k, struct wpkg_toml *value)
{
	char name[256];
	int rc;

	for (size_t i = 0; i + 1 < k->count; i++) {
		struct wpkg_toml *child = table_find(t, k->part[i]);

		if (!child) {
			char *dup = strdup(k->part[i]);

			if (!dup || !(child = node_new(WPKG_TOML_TABLE, k->line))) {
				free(dup);
				rc = WPKG_E_NOMEM;
				goto fail;
			}
			if ((rc = node_add(t, dup, child)))
				goto fail;
		} else if (child->type != WPKG_TOML_TABLE || child->frozen || child->header) {
			key_str(k, i + 1, name, sizeof(name));
			rc = wpkg_error_set(p->err, WPKG_E_INVALID,
					    "line %d, column %d: key %s is already defined (line %d) and cannot be extended",
					    k->line, k->col, name, child->line);
			goto fail;
		}
		child->dotted = 1;
		t = child;
	}
	if (table_find(t, k->part[k->count - 1])) {
		key_str(k, k->count, name, sizeof(name));
		rc = wpkg_error_set(p->err, WPKG_E_INVALID, "line %d, column %d: duplicate key %s (first at line %d)",
				    k->line, k->col, name, table_find(t, k->part[k->count - 1])->line);
		goto fail;
	}
	value->line = k->line;
	rc = node_add(t, k->part[k->count - 1], value);
	k->part[k->count - 1] = NULL;
	return rc;
fail:
	wpkg_toml_free(value);
	return rc;
}

static int parse_inline_table(struct parser *p, struct wpkg_toml **out)
{
	struct wpkg_toml *t = node_new(WPKG_TOML_TABLE, p->line);
	struct key k = { 0 };
	int rc;

	if (!t)
		return WPKG_E_NOMEM;
	p->pos++;
	skip_ws(p);
	if (peek(p, 0) == '}') {
		p->pos++;
		goto done;
	}
	for (;;) {
		struct wpkg_toml *v;

		if ((rc = parse_key(p, &k)))
			goto fail;
		if (peek(p, 0) != '=') {
			rc = FAIL(p, "expected '=' after a key");
			goto fail;
		}
		p->pos++;
		skip_ws(p);
		if ((rc = parse_value(p, &v)))
			goto fail;
		rc = put_dotted(p, t, &k, v);
		key_free(&k);
		if (rc)
			goto fail;
		skip_ws(p);
		if (peek(p, 0) == ',') {
			p->pos++;
			skip_ws(p);
			continue;
		}
		if (peek(p, 0) == '}') {
			p->pos++;
			break;
		}
		rc = FAIL(p, "expected ',' or '}' in an inline table (it must fit on one line)");
		goto fail;
	}
done:
	freeze(t);
	*out = t;
	return 0;
fail:
	key_free(&k);
	wpkg_toml_free(t);
	return rc;
}

static int parse_value(struct parser *p, struct wpkg_toml **out)
{
	int c = peek(p, 0);
	int rc;

	if (++p->depth > MAX_DEPTH) {
		rc = FAIL(p, "arrays and inline tables nested deeper than %d", MAX_DEPTH);
		goto out;
	}
	if (c == '"' || c == '\'') {
		struct wpkg_toml *v = node_new(WPKG_TOML_STRING, p->line);

		if (!v) {
			rc = WPKG_E_NOMEM;
			goto out;
		}
		if ((rc = parse_string(p, &v->str, &v->len, 1))) {
			wpkg_toml_free(v);
			goto out;
		}
		*out = v;
	} else if (starts(p, "true") || starts(p, "false")) {
		int t = c == 't';

		if (!(*out = node_new(WPKG_TOML_BOOL, p->line))) {
			rc = WPKG_E_NOMEM;
			goto out;
		}
		(*out)->boolean = t;
		p->pos += t ? 4 : 5;
		rc = 0;
	} else if (c == '[') {
		rc = parse_array(p, out);
	} else if (c == '{') {
		rc = parse_inline_table(p, out);
	} else if ((c >= '0' && c <= '9') || c == '+' || c == '-') {
		rc = parse_integer(p, out);
	} else if (starts(p, "inf") || starts(p, "nan")) {
		rc = fail_at(p, WPKG_E_UNSUPPORTED, p->pos, "floats are not supported");
	} else {
		rc = FAIL(p, "expected a value");
	}
out:
	p->depth--;
	return rc;
}

/* [header] or [[header]]: finds or makes the table the next key/values go to. */
static int parse_header(struct parser *p)
{
	int aot = starts(p, "[[");
	struct wpkg_toml *t = p->root, *child;
	struct key k = { 0 };
	char name[256];
	size_t last;
	int rc;

	p->pos += aot ? 2 : 1;
	if ((rc = parse_key(p, &k)))
		return rc;
	if (aot ? !starts(p, "]]") : peek(p, 0) != ']') {
		rc = FAIL(p, "expected '%s' to close the table header", aot ? "]]" : "]");
		goto out;
	}
	p->pos += aot ? 2 : 1;
	key_str(&k, k.count, name, sizeof(name));
	last = k.count - 1;
	for (size_t i = 0; i < last; i++) {
		child = table_find(t, k.part[i]);
		if (!child) {
			char *dup = strdup(k.part[i]);

			if (!dup || !(child = node_new(WPKG_TOML_TABLE, k.line))) {
				free(dup);
				rc = WPKG_E_NOMEM;
				goto out;
			}
			if ((rc = node_add(t, dup, child)))
				goto out;
		} else if (child->type == WPKG_TOML_ARRAY && child->aot) {
			child = child->items[child->count - 1];
		}
		if (child->type != WPKG_TOML_TABLE || child->frozen) {
			rc = wpkg_error_set(p->err, WPKG_E_INVALID, "line %d, column %d: [%s]: %s is not a table that can be extended (line %d)",
					    k.line, k.col, name, k.part[i], child->line);
			goto out;
		}
		t = child;
	}
	child = table_find(t, k.part[last]);
	if (!aot) {
		if (!child) {
			if (!(child = node_new(WPKG_TOML_TABLE, k.line))) {
				rc = WPKG_E_NOMEM;
				goto out;
			}
			if ((rc = node_add(t, k.part[last], child)))
				goto out_nokey;
			k.part[last] = NULL;
		} else if (child->type != WPKG_TOML_TABLE || child->header || child->dotted || child->frozen) {
			rc = wpkg_error_set(p->err, WPKG_E_INVALID, "line %d, column %d: table [%s] is already defined (line %d)",
					    k.line, k.col, name, child->line);
			goto out;
		}
		child->header = 1;
		child->line = k.line;
		p->cur = child;
	} else {
		struct wpkg_toml *elt;

		if (!child) {
			if (!(child = node_new(WPKG_TOML_ARRAY, k.line))) {
				rc = WPKG_E_NOMEM;
				goto out;
			}
			child->aot = 1;
			if ((rc = node_add(t, k.part[last], child)))
				goto out_nokey;
			k.part[last] = NULL;
		} else if (child->type != WPKG_TOML_ARRAY || !child->aot) {
			rc = wpkg_error_set(p->err, WPKG_E_INVALID, "line %d, column %d: [[%s]]: %s is already defined (line %d) and is not an array of tables",
					    k.line, k.col, name, name, child->line);
			goto out;
		}
		if (!(elt = node_new(WPKG_TOML_TABLE, k.line))) {
			rc = WPKG_E_NOMEM;
			goto out;
		}
		elt->header = 1;
		if ((rc = node_add(child, NULL, elt)))
			goto out;
		p->cur = elt;
	}
	rc = end_of_line(p);
	goto out;
out_nokey:
	k.part[last] = NULL;  /* node_add freed it */
out:
	key_free(&k);
	return rc;
}

static int parse_document(struct parser *p)
{
	int rc;

	for (;;) {
		if ((rc = skip_blank(p)))
			return rc;
		if (p->pos >= p->n)
			return 0;
		if (peek(p, 0) == '[') {
			if ((rc = parse_header(p)))
				return rc;
		} else {
			struct key k = { 0 };
			struct wpkg_toml *v;

			if ((rc = parse_key(p, &k)))
				return rc;
			if (peek(p, 0) != '=') {
				key_free(&k);
				return FAIL(p, "expected '=' after a key");
			}
			p->pos++;
			skip_ws(p);
			if ((rc = parse_value(p, &v))) {
				key_free(&k);
				return rc;
			}
			rc = put_dotted(p, p->cur, &k, v);
			key_free(&k);
			if (rc || (rc = end_of_line(p)))
				return rc;
		}
	}
}

int wpkg_toml_parse(struct wpkg_toml **out, const char *text, size_t len, struct wpkg_error *err)
{
	struct parser p = { .s = text, .n = len, .line = 1, .err = err };
	int rc;

	if ((rc = check_utf8(&p)))
		return rc;
	if (!(p.root = node_new(WPKG_TOML_TABLE, 1)))
		return wpkg_error_nomem(err);
	p.root->header = 1;
	p.cur = p.root;
	if ((rc = parse_document(&p))) {
		if (rc == WPKG_E_NOMEM)
			wpkg_error_nomem(err);
		wpkg_toml_free(p.root);
		return rc;
	}
	*out = p.root;
	return 0;
}
