/* SPDX-License-Identifier: Apache-2.0 */
/* auth_grant.c - what a token server granted of the scopes asked (a JWT's access claim), for refusal messages. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "auth_internal.h"
#include "wpkg/buf.h"
#include "wpkg/sign.h"  /* wpkg_base64_decode */

/* The JSON payload of a JWT (header.payload.signature, base64url without padding), or NULL. */
static json_t *jwt_payload(const char *token)
{
	const char *dot = strchr(token, '.'), *end;
	struct wpkg_buf b64 = WPKG_BUF_INIT, raw = WPKG_BUF_INIT;
	json_t *doc = NULL;
	size_t n;

	if (dot == NULL || (end = strchr(dot + 1, '.')) == NULL || (n = (size_t)(end - dot - 1)) == 0 || n > 65536)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		char c = dot[1 + i];

		if (wpkg_buf_putc(&b64, c == '-' ? '+' : c == '_' ? '/' : c) < 0)
			goto out;
	}
	while (b64.len % 4 != 0)
		if (wpkg_buf_putc(&b64, '=') < 0)
			goto out;
	if (wpkg_base64_decode(&raw, b64.data, b64.len, "token", NULL) < 0)
		goto out;
	doc = json_loadb(raw.data, raw.len, JSON_REJECT_DUPLICATES, NULL);
	if (doc != NULL && !json_is_object(doc)) {
		json_decref(doc);
		doc = NULL;
	}
out:
	wpkg_buf_free(&b64);
	wpkg_buf_free(&raw);
	return doc;
}

/* The actions array the access claim grants on type:name, or NULL. */
static json_t *granted(json_t *access, const char *type, size_t type_len, const char *name, size_t name_len)
{
	size_t i;
	json_t *e;

	json_array_foreach(access, i, e) {
		const char *t = json_string_value(json_object_get(e, "type"));
		const char *nm = json_string_value(json_object_get(e, "name"));

		if (t != NULL && nm != NULL && strlen(t) == type_len && memcmp(t, type, type_len) == 0 &&
		    strlen(nm) == name_len && memcmp(nm, name, name_len) == 0)
			return json_object_get(e, "actions");
	}
	return NULL;
}

static bool has(json_t *actions, const char *a, size_t len)
{
	size_t i;
	json_t *v;

	json_array_foreach(actions, i, v) {
		const char *s = json_string_value(v);

		if (s != NULL && (strcmp(s, "*") == 0 || (strlen(s) == len && memcmp(s, a, len) == 0)))
			return true;
	}
	return false;
}

/* Appends s (len bytes) to a comma-separated list in out. */
static void add(char *out, size_t size, const char *s, size_t len)
{
	size_t used = strlen(out);

	snprintf(out + used, size - used, "%s%.*s", used > 0 ? "," : "", (int)len, s);
}

bool wpkg_auth_grant_shortfall(struct wpkg_auth_shortfall *out, const char *token, const char *const *scopes,
			       size_t n)
{
	json_t *doc = token != NULL ? jwt_payload(token) : NULL, *access;
	bool found = false;

	if (doc == NULL)
		return false;
	access = json_object_get(doc, "access");
	for (size_t i = 0; json_is_array(access) && !found && i < n; i++) {
		/* "repository:NAME:a,b" (NAME may hold ':' only before a port, never here: split at the last) */
		const char *s = scopes[i], *c1 = strchr(s, ':'), *c2 = strrchr(s, ':'), *a;
		struct wpkg_auth_shortfall f = { 0 };
		json_t *have;

		if (c1 == NULL || c2 == c1)
			continue;
		have = granted(access, s, (size_t)(c1 - s), c1 + 1, (size_t)(c2 - c1 - 1));
		for (a = c2 + 1; *a != '\0';) {
			size_t len = strcspn(a, ",");

			if (len > 0 && !has(have, a, len))
				add(f.missing, sizeof(f.missing), a, len);
			else if (len > 0)
				add(f.granted, sizeof(f.granted), a, len);
			a += len + (a[len] == ',');
		}
		if (f.missing[0] != '\0') {
			snprintf(f.repo, sizeof(f.repo), "%.*s", (int)(c2 - c1 - 1), c1 + 1);
			snprintf(f.subject, sizeof(f.subject), "%s",
				 json_string_value(json_object_get(doc, "sub")) ? json_string_value(json_object_get(doc, "sub")) : "");
			*out = f;
			found = true;
		}
	}
	json_decref(doc);
	return found;
}
