/* SPDX-License-Identifier: Apache-2.0 */
/* pem.c - reading and writing PEM blocks, bounds-checked, for key files. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "wpkg/sign.h"
#include "sign_internal.h"

static const char *find(const char *text, size_t len, size_t from, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = from; i + n <= len; i++)
		if (memcmp(text + i, needle, n) == 0)
			return text + i;
	return NULL;
}

int wpkg_pem_next(struct pem_block *out, const char *text, size_t len, size_t from, const char *name,
		  struct wpkg_error *err)
{
	struct wpkg_buf b64 = WPKG_BUF_INIT;
	char end_line[96];
	const char *begin, *label, *label_end, *body, *end;
	size_t label_len;
	int rc;

	begin = find(text, len, from, "-----BEGIN ");
	if (begin == NULL)
		return 0;
	label = begin + strlen("-----BEGIN ");
	label_end = find(text, len, (size_t)(label - text), "-----");
	if (label_end == NULL || memchr(label, '\n', (size_t)(label_end - label)) != NULL)
		return wpkg_error_set(err, WPKG_E_INVALID, "%s: truncated PEM: a BEGIN line without its end", name);
	label_len = (size_t)(label_end - label);
	if (label_len == 0 || label_len >= sizeof(out->label))
		return wpkg_error_set(err, WPKG_E_INVALID, "%s: PEM block with a label of %zu characters", name,
				      label_len);
	snprintf(end_line, sizeof(end_line), "-----END %.*s-----", (int)label_len, label);
	body = label_end + 5;
	end = find(text, len, (size_t)(body - text), end_line);
	if (end == NULL)
		return wpkg_error_set(err, WPKG_E_INVALID,
				      "%s: truncated PEM: no \"%s\" line; copy the whole key file", name, end_line);
	for (const char *p = body; p < end; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			continue;
		if (*p == ':') {
			wpkg_buf_free(&b64);
			return wpkg_error_set(err, WPKG_E_UNSUPPORTED,
					      "%s: PEM block \"%.*s\" has headers (legacy OpenSSL encryption); "
					      "convert it with: openssl pkcs8 -topk8 -nocrypt",
					      name, (int)label_len, label);
		}
		if (wpkg_buf_putc(&b64, *p) < 0) {
			wpkg_buf_free(&b64);
			return wpkg_error_nomem(err);
		}
	}
	memcpy(out->label, label, label_len);
	out->label[label_len] = '\0';
	wpkg_buf_init(&out->der);
	rc = wpkg_base64_decode(&out->der, b64.data, b64.len, "PEM body", err);
	wpkg_buf_free(&b64);
	if (rc < 0)
		return wpkg_error_wrap(err, "%s: block \"%s\"", name, out->label);
	out->next = (size_t)(end - text) + strlen(end_line);
	return 1;
}

int wpkg_pem_write(struct wpkg_buf *out, const char *label, const void *der, size_t len)
{
	struct wpkg_buf b64 = WPKG_BUF_INIT;
	int rc;

	if ((rc = wpkg_base64_encode(&b64, der, len)) < 0)
		return rc;
	rc = wpkg_buf_printf(out, "-----BEGIN %s-----\n", label);
	for (size_t i = 0; rc == 0 && i < b64.len; i += 64) {
		rc = wpkg_buf_put(out, b64.data + i, b64.len - i < 64 ? b64.len - i : 64);
		if (rc == 0)
			rc = wpkg_buf_putc(out, '\n');
	}
	if (rc == 0)
		rc = wpkg_buf_printf(out, "-----END %s-----\n", label);
	wpkg_buf_free(&b64);
	return rc;
}

int wpkg_go_json_string(struct wpkg_buf *out, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	int rc = wpkg_buf_putc(out, '"');

	for (; rc == 0 && *p; p++) {
		unsigned char c = *p;

		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };

			rc = wpkg_buf_put(out, e, 2);
		} else if (c == '\n') {
			rc = wpkg_buf_puts(out, "\\n");
		} else if (c == '\r') {
			rc = wpkg_buf_puts(out, "\\r");
		} else if (c == '\t') {
			rc = wpkg_buf_puts(out, "\\t");
		} else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
			char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

			rc = wpkg_buf_put(out, e, 6);
		} else if (c == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9)) {
			/* U+2028 and U+2029: Go escapes them so the text is safe inside JavaScript */
			rc = wpkg_buf_puts(out, p[2] == 0xa8 ? "\\u2028" : "\\u2029");
			p += 2;
		} else {
			rc = wpkg_buf_putc(out, (char)c);
		}
	}
	if (rc == 0)
		rc = wpkg_buf_putc(out, '"');
	return rc;
}
