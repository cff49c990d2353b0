/* SPDX-License-Identifier: Apache-2.0 */
/* error.c - filling and wrapping struct wpkg_error. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "wpkg/error.h"

/*
 * Messages quote what the user gave us (a digest, a header, a file name),
 * which may hold newlines or escape sequences; a message must stay one line
 * and must not drive the terminal, so control bytes are written as \n, \xNN.
 */
static void make_one_line(char *dst, size_t cap, const char *src)
{
	size_t n = 0;

	for (; *src && n + 1 < cap; src++) {
		unsigned char c = (unsigned char)*src;
		char esc[5];
		size_t len;

		if (c >= 0x20 && c != 0x7f) {
			dst[n++] = (char)c;
			continue;
		}
		if (c == '\n')
			len = (size_t)snprintf(esc, sizeof(esc), "\\n");
		else if (c == '\t')
			len = (size_t)snprintf(esc, sizeof(esc), "\\t");
		else
			len = (size_t)snprintf(esc, sizeof(esc), "\\x%02x", c);
		if (n + len + 1 > cap)
			break;
		memcpy(dst + n, esc, len);
		n += len;
	}
	dst[n] = '\0';
}

int wpkg_error_set(struct wpkg_error *err, int code, const char *fmt, ...)
{
	char raw[WPKG_ERROR_MSG_MAX];
	va_list ap;

	if (err == NULL)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	make_one_line(err->msg, sizeof(err->msg), raw);
	return code;
}

int wpkg_error_wrap(struct wpkg_error *err, const char *fmt, ...)
{
	char prefix[WPKG_ERROR_MSG_MAX];
	char old[WPKG_ERROR_MSG_MAX];
	char raw[WPKG_ERROR_MSG_MAX];
	va_list ap;

	if (err == NULL)
		return WPKG_E_IO;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	make_one_line(prefix, sizeof(prefix), raw);
	memcpy(old, err->msg, sizeof(old));
	snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old);
	return err->code;
}

int wpkg_error_nomem(struct wpkg_error *err)
{
	return wpkg_error_set(err, WPKG_E_NOMEM, "out of memory");
}

void wpkg_error_clear(struct wpkg_error *err)
{
	if (err == NULL)
		return;
	err->code = WPKG_OK;
	err->msg[0] = '\0';
}

const char *wpkg_status_str(int code)
{
	switch (code) {
	case WPKG_OK: return "ok";
	case WPKG_E_NOMEM: return "out of memory";
	case WPKG_E_IO: return "i/o error";
	case WPKG_E_INVALID: return "invalid input";
	case WPKG_E_NOT_FOUND: return "not found";
	case WPKG_E_UNAUTHORIZED: return "unauthorized";
	case WPKG_E_DENIED: return "denied";
	case WPKG_E_DIGEST: return "digest mismatch";
	case WPKG_E_UNSUPPORTED: return "unsupported";
	case WPKG_E_TOO_LARGE: return "too large";
	case WPKG_E_NETWORK: return "network error";
	case WPKG_E_PROTOCOL: return "protocol error";
	case WPKG_E_TOO_MANY_REQUESTS: return "too many requests";
	case WPKG_E_EXISTS: return "already exists";
	}
	return "unknown error";
}
