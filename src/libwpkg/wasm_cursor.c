/* SPDX-License-Identifier: Apache-2.0 */
/* wasm_cursor.c - the one place where wasm bytes are read: LEB128, names, UTF-8, every read bounds-checked. */
#include <stdlib.h>
#include <string.h>

#include "utf8_internal.h"
#include "wasm_internal.h"

enum leb_status { LEB_OK, LEB_TRUNCATED, LEB_TOO_LONG, LEB_TOO_BIG };

/* [Core-Binary] "Integers": at most ceil(32/7) = 5 bytes, and the unused high
 * bits of the 5th byte must be zero.  Non-minimal (padded) encodings are legal. */
static enum leb_status leb_u32(const uint8_t *data, size_t end, size_t *pos, uint32_t *out)
{
	uint32_t v = 0;
	size_t p = *pos;
	unsigned i;

	for (i = 0; i < 5; i++) {
		uint8_t b;

		if (p >= end)
			return LEB_TRUNCATED;
		b = data[p++];
		if (i == 4) {
			if (b & 0x80)
				return LEB_TOO_LONG;
			if (b > 0x0f)
				return LEB_TOO_BIG;
		}
		v |= (uint32_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80)) {
			*pos = p;
			*out = v;
			return LEB_OK;
		}
	}
	return LEB_TOO_LONG; /* not reached: the 5th byte either ends or fails */
}

int wpkg_leb_u32(const uint8_t *data, size_t end, size_t *pos, uint32_t *out)
{
	return leb_u32(data, end, pos, out) == LEB_OK ? 0 : WPKG_E_INVALID;
}

static int leb_error(struct wasm_cur *c, enum leb_status st)
{
	static const char *const why[] = {
		[LEB_TRUNCATED] = "is truncated",
		[LEB_TOO_LONG] = "is longer than 5 bytes",
		[LEB_TOO_BIG] = "does not fit in 32 bits",
	};

	return wpkg_error_set(c->err, WPKG_E_INVALID, "LEB128 at offset 0x%zx %s", c->pos, why[st]);
}

int wpkg_wasm_cur_u32(struct wasm_cur *c, uint32_t *out)
{
	enum leb_status st = leb_u32(c->data, c->end, &c->pos, out);

	return st == LEB_OK ? 0 : leb_error(c, st);
}

int wpkg_wasm_cur_skip_leb(struct wasm_cur *c, unsigned max_bytes)
{
	size_t p = c->pos;
	unsigned i;

	for (i = 0; i < max_bytes; i++) {
		if (p >= c->end)
			return leb_error(c, LEB_TRUNCATED);
		if (!(c->data[p++] & 0x80)) {
			c->pos = p;
			return 0;
		}
	}
	return wpkg_error_set(c->err, WPKG_E_INVALID, "LEB128 at offset 0x%zx is longer than %u bytes",
			      c->pos, max_bytes);
}

int wpkg_wasm_cur_byte(struct wasm_cur *c, uint8_t *out, const char *what)
{
	if (c->pos >= c->end)
		return wpkg_error_set(c->err, WPKG_E_INVALID,
				      "%s at offset 0x%zx is past the end of its section", what, c->pos);
	*out = c->data[c->pos++];
	return 0;
}

/* A u32 that counts bytes or entries still to come: more than remain is malformed. */
static int u32_fits(struct wasm_cur *c, uint32_t *out, bool *fits)
{
	int rc = wpkg_wasm_cur_u32(c, out);

	*fits = rc == 0 && *out <= c->end - c->pos;
	return rc;
}

int wpkg_wasm_cur_name(struct wasm_cur *c, const char *what, struct wpkg_slice *out)
{
	size_t at = c->pos;
	uint32_t len;
	bool fits;
	int rc;

	rc = u32_fits(c, &len, &fits);
	if (rc < 0)
		return rc;
	if (!fits)
		return wpkg_error_set(c->err, WPKG_E_INVALID,
				      "%s at offset 0x%zx runs past the end of its section (%u bytes declared, %zu left)",
				      what, at, len, c->end - c->pos);
	out->ptr = c->data + c->pos;
	out->len = len;
	c->pos += len;
	return 0;
}

/* Strict UTF-8 ([Core-Binary] "Names"): shortest form, no surrogates, at most U+10FFFF.
 * Returns the offset of the first bad byte, or len when all is well. */
size_t wpkg_utf8_bad_at(const uint8_t *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint8_t b = s[i];
		uint32_t cp, min;
		size_t n, k;

		if (b == 0)
			return i;
		if (b < 0x80) {
			i++;
			continue;
		}
		if (b >= 0xc2 && b <= 0xdf) {
			n = 1; cp = b & 0x1f; min = 0x80;
		} else if (b >= 0xe0 && b <= 0xef) {
			n = 2; cp = b & 0x0f; min = 0x800;
		} else if (b >= 0xf0 && b <= 0xf4) {
			n = 3; cp = b & 0x07; min = 0x10000;
		} else {
			return i;
		}
		if (n > len - i - 1)
			return i;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += n + 1;
	}
	return len;
}

int wpkg_wasm_cur_strdup(struct wasm_cur *c, const char *what, char **out)
{
	struct wpkg_slice s = { 0 };
	size_t bad;
	char *str;
	int rc;

	rc = wpkg_wasm_cur_name(c, what, &s);
	if (rc < 0)
		return rc;
	bad = wpkg_utf8_bad_at(s.ptr, s.len);
	if (bad != s.len) /* a NUL could not survive as a C string; the rest is not UTF-8 */
		return wpkg_error_set(c->err, WPKG_E_INVALID, "%s at offset 0x%zx %s at offset 0x%zx",
				      what, (size_t)(s.ptr - c->data),
				      s.ptr[bad] ? "is not valid UTF-8: bad byte" : "contains a NUL byte",
				      (size_t)(s.ptr - c->data) + bad);
	str = malloc(s.len + 1);
	if (str == NULL)
		return wpkg_error_nomem(c->err);
	memcpy(str, s.ptr, s.len);
	str[s.len] = '\0';
	*out = str;
	return 0;
}

int wpkg_wasm_cur_count(struct wasm_cur *c, const char *what, uint32_t *out)
{
	size_t at = c->pos;
	bool fits;
	int rc;

	rc = u32_fits(c, out, &fits);
	if (rc == 0 && !fits)
		return wpkg_error_set(c->err, WPKG_E_INVALID,
				      "%s count %u at offset 0x%zx exceeds the %zu bytes left in its section",
				      what, *out, at, c->end - c->pos);
	return rc;
}

int wpkg_wasm_cur_done(struct wasm_cur *c, const char *what)
{
	if (c->pos != c->end)
		return wpkg_error_set(c->err, WPKG_E_INVALID, "%s has %zu stray byte%s after its last entry, at offset 0x%zx",
				      what, c->end - c->pos, c->end - c->pos == 1 ? "" : "s", c->pos);
	return 0;
}

int wpkg_wasm_strv_push(struct wasm_strv *s, char *str, struct wpkg_error *err)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		char **v = realloc(s->v, cap * sizeof(*v));

		if (v == NULL) {
			free(str);
			return wpkg_error_nomem(err);
		}
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = str;
	return 0;
}

void wpkg_wasm_strv_free(struct wasm_strv *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}
