/* SPDX-License-Identifier: Apache-2.0 */
/* base64.c - standard padded base64, strict on the way in: key files and bundles carry it. */
#include <string.h>

#include "wpkg/sign.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int wpkg_base64_encode(struct wpkg_buf *out, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t i;
	int rc;

	if ((rc = wpkg_buf_grow(out, (len + 2) / 3 * 4)) < 0)
		return rc;
	for (i = 0; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		char q[4] = { alphabet[v >> 18], alphabet[(v >> 12) & 63], alphabet[(v >> 6) & 63], alphabet[v & 63] };

		wpkg_buf_put(out, q, 4);
	}
	if (len - i == 1) {
		uint32_t v = (uint32_t)p[i] << 16;
		char q[4] = { alphabet[v >> 18], alphabet[(v >> 12) & 63], '=', '=' };

		wpkg_buf_put(out, q, 4);
	} else if (len - i == 2) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
		char q[4] = { alphabet[v >> 18], alphabet[(v >> 12) & 63], alphabet[(v >> 6) & 63], '=' };

		wpkg_buf_put(out, q, 4);
	}
	return 0;
}

static int value_of(char c)
{
	const char *hit = c != '\0' ? strchr(alphabet, c) : NULL;

	return hit != NULL ? (int)(hit - alphabet) : -1;
}

int wpkg_base64_decode(struct wpkg_buf *out, const char *s, size_t len, const char *what, struct wpkg_error *err)
{
	struct wpkg_buf b = WPKG_BUF_INIT;
	size_t i, pad = 0;
	int rc = 0;

	if (len % 4 != 0)
		return wpkg_error_set(err, WPKG_E_INVALID, "%s: base64 of %zu characters (not a multiple of 4)", what, len);
	if (len > 0 && s[len - 1] == '=')
		pad = len > 1 && s[len - 2] == '=' ? 2 : 1;
	if ((rc = wpkg_buf_grow(&b, len / 4 * 3)) < 0)
		return wpkg_error_nomem(err);
	for (i = 0; i < len; i += 4) {
		bool last = i + 4 == len;
		int v[4];
		uint32_t w = 0;
		size_t k, n = last ? 3 - pad : 3;

		for (k = 0; k < 4; k++) {
			v[k] = last && k >= 4 - pad ? 0 : value_of(s[i + k]);
			if (v[k] < 0) {
				rc = wpkg_error_set(err, WPKG_E_INVALID, "%s: not base64 at character %zu", what, i + k);
				goto out;
			}
			w = w << 6 | (uint32_t)v[k];
		}
		/* bits the padding drops must be zero, or two texts would decode alike */
		if ((pad == 1 && last && (w & 0xff) != 0) || (pad == 2 && last && (w & 0xffff) != 0)) {
			rc = wpkg_error_set(err, WPKG_E_INVALID, "%s: base64 with stray bits before its padding", what);
			goto out;
		}
		{
			char bytes[3] = { (char)(w >> 16), (char)(w >> 8), (char)w };

			wpkg_buf_put(&b, bytes, n);
		}
	}
	wpkg_buf_free(out);
	*out = b;
	return 0;
out:
	wpkg_buf_free(&b);
	return rc;
}
