/* SPDX-License-Identifier: Apache-2.0 */
/* registry_error.c - maps a registry's error answers (status, distribution-spec error body) to WPKG_E_*. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "http_internal.h"
#include "registry_error.h"

#define SHOWN_MESSAGE_MAX 200

static const struct {
	const char *code;
	int status;
} codes[] = {
	{ "UNAUTHORIZED", WPKG_E_UNAUTHORIZED },
	{ "DENIED", WPKG_E_DENIED },
	{ "NAME_UNKNOWN", WPKG_E_NOT_FOUND },
	{ "MANIFEST_UNKNOWN", WPKG_E_NOT_FOUND },
	{ "BLOB_UNKNOWN", WPKG_E_NOT_FOUND },
	{ "MANIFEST_BLOB_UNKNOWN", WPKG_E_NOT_FOUND },
	{ "BLOB_UPLOAD_UNKNOWN", WPKG_E_NOT_FOUND },
	{ "DIGEST_INVALID", WPKG_E_DIGEST },
	{ "SIZE_INVALID", WPKG_E_DIGEST },
	{ "TOOMANYREQUESTS", WPKG_E_TOO_MANY_REQUESTS },
	{ "UNSUPPORTED", WPKG_E_UNSUPPORTED },
	{ "NAME_INVALID", WPKG_E_INVALID },
	{ "TAG_INVALID", WPKG_E_INVALID },
	{ "MANIFEST_INVALID", WPKG_E_INVALID },
	{ "MANIFEST_UNVERIFIED", WPKG_E_INVALID },
	{ "BLOB_UPLOAD_INVALID", WPKG_E_PROTOCOL },
};

int wpkg_registry_code_status(const char *code, long status)
{
	size_t i;

	for (i = 0; code && i < sizeof(codes) / sizeof(codes[0]); i++)
		if (strcmp(codes[i].code, code) == 0)
			return codes[i].status;
	switch (status) {
	case 400: return WPKG_E_INVALID;
	case 401: return WPKG_E_UNAUTHORIZED;
	case 403: return WPKG_E_DENIED;
	case 404: return WPKG_E_NOT_FOUND;
	case 408: return WPKG_E_NETWORK;
	case 413: return WPKG_E_TOO_LARGE;
	case 415: return WPKG_E_UNSUPPORTED;
	case 429: return WPKG_E_TOO_MANY_REQUESTS;
	}
	return status >= 500 && status <= 599 ? WPKG_E_NETWORK : WPKG_E_PROTOCOL;
}

/* Copies a server-supplied message as one printable line of bounded length. */
static void one_line(char *out, size_t size, const char *s)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < size && i < SHOWN_MESSAGE_MAX; i++)
		out[i] = (s[i] < 0x20 || s[i] == 0x7f) ? ' ' : s[i];
	out[i] = '\0';
}

int wpkg_registry_status_error(struct wpkg_error *err, const char *method, const char *url, long status,
			       const char *body, size_t len)
{
	char code[64] = "", msg[SHOWN_MESSAGE_MAX + 1] = "";
	json_t *doc = len ? json_loadb(body, len, 0, NULL) : NULL;
	json_t *first = json_array_get(json_object_get(doc, "errors"), 0);
	const char *c = json_string_value(json_object_get(first, "code"));
	const char *m = json_string_value(json_object_get(first, "message"));
	size_t url_len = strcspn(url, "?#");
	int rc;

	if (c)
		one_line(code, sizeof(code), c);
	if (m)
		one_line(msg, sizeof(msg), m);
	rc = wpkg_registry_code_status(c ? code : NULL, status);
	if (code[0] && msg[0])
		wpkg_error_set(err, rc, "%s %.*s: %ld %s: %s", method, (int)url_len, url, status, code, msg);
	else if (code[0])
		wpkg_error_set(err, rc, "%s %.*s: %ld %s", method, (int)url_len, url, status, code);
	else if (*wpkg_http_reason(status))
		wpkg_error_set(err, rc, "%s %.*s: %ld %s", method, (int)url_len, url, status, wpkg_http_reason(status));
	else
		wpkg_error_set(err, rc, "%s %.*s: %ld", method, (int)url_len, url, status);
	json_decref(doc);
	return rc;
}

void wpkg_registry_rate_note(struct wpkg_error *err, const struct wpkg_buf *headers)
{
	static const char *const names[] = { "Retry-After", "RateLimit-Limit", "RateLimit-Remaining" };
	char note[256] = "", shown[64];
	size_t i, used = 0;

	if (err == NULL)
		return;
	/* Docker Hub says why and until when in these; they are what the user needs to decide */
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *v = wpkg_http_header(headers, names[i], 0);
		int n;

		if (v == NULL)
			continue;
		one_line(shown, sizeof(shown), v);
		free(v);
		n = snprintf(note + used, sizeof(note) - used, "%s%s: %s", used ? ", " : "", names[i], shown);
		if (n < 0 || (size_t)n >= sizeof(note) - used)
			break;
		used += (size_t)n;
	}
	if (used > 0 && strlen(err->msg) + used + 4 < sizeof(err->msg))
		snprintf(err->msg + strlen(err->msg), sizeof(err->msg) - strlen(err->msg), " (%s)", note);
}
