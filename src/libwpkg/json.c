/* SPDX-License-Identifier: Apache-2.0 */
/* json.c - loading and dumping JSON with wpkg's rules, media type syntax and document sniffing. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "json_internal.h"
#include "wpkg/oci.h"

void wpkg_json_error_oneline(struct wpkg_error *err)
{
	char out[WPKG_ERROR_MSG_MAX];
	size_t i, n = 0;

	if (err == NULL)
		return;
	for (i = 0; err->msg[i] != '\0' && n + 5 < sizeof(out); i++) {
		unsigned char c = (unsigned char)err->msg[i];

		if (c == '\n' || c == '\r' || c == '\t')
			n += (size_t)snprintf(out + n, sizeof(out) - n, "\\%c", c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
		else if (c < 0x20 || c == 0x7f)
			n += (size_t)snprintf(out + n, sizeof(out) - n, "\\x%02x", c);
		else
			out[n++] = (char)c;
	}
	out[n] = '\0';
	memcpy(err->msg, out, n + 1);
}

/* jansson says "duplicate object key near '"k"'"; the user wants the key and where it is. */
static int duplicate_key_error(struct wpkg_error *err, const char *what, const json_error_t *jerr)
{
	static const char prefix[] = "duplicate object key near '";
	size_t n = strlen(jerr->text), p = sizeof(prefix) - 1;

	if (n > p + 1 && strncmp(jerr->text, prefix, p) == 0 && jerr->text[n - 1] == '\'')
		return wpkg_error_set(err, WPKG_E_INVALID, "%s: duplicate key %.*s at line %d, column %d",
				      what, (int)(n - p - 1), jerr->text + p, jerr->line, jerr->column);
	return wpkg_error_set(err, WPKG_E_INVALID, "%s: duplicate key at line %d, column %d: %s",
			      what, jerr->line, jerr->column, jerr->text);
}

int wpkg_json_load(json_t **out, const void *data, size_t len, const char *what, struct wpkg_error *err)
{
	json_error_t jerr;
	json_t *root;
	int rc;

	if (len > WPKG_DOC_MAX)
		return wpkg_error_set(err, WPKG_E_TOO_LARGE, "%s: %zu bytes is over the limit of %zu bytes",
				      what, len, WPKG_DOC_MAX);
	/* Duplicate keys are refused: two readers could see two different documents. */
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		if (json_error_code(&jerr) == json_error_duplicate_key)
			rc = duplicate_key_error(err, what, &jerr);
		else if (json_error_code(&jerr) == json_error_out_of_memory)
			rc = wpkg_error_set(err, WPKG_E_NOMEM, "%s: out of memory", what);
		else
			rc = wpkg_error_set(err, WPKG_E_INVALID, "%s: invalid JSON at line %d, column %d: %s",
					    what, jerr.line, jerr.column, jerr.text);
		/* jansson quotes the offending token, which may hold control characters */
		wpkg_json_error_oneline(err);
		return rc;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		return wpkg_error_set(err, WPKG_E_INVALID, "%s: expected a JSON object at the top level", what);
	}
	*out = root;
	return 0;
}

static int dump_to_buf(const char *data, size_t size, void *payload)
{
	return wpkg_buf_put(payload, data, size) < 0 ? -1 : 0;
}

int wpkg_json_dump(struct wpkg_buf *out, const json_t *json, struct wpkg_error *err)
{
	struct wpkg_buf tmp = WPKG_BUF_INIT;

	/*
	 * No JSON_ESCAPE_SLASH and no JSON_ENSURE_ASCII: the bytes must match
	 * what serde_json writes for the same document (rust-oci-wasm).  The
	 * one difference left is the rare \u escape of a control character
	 * (jansson writes \u001F, serde_json \u001f).  jansson keeps object
	 * keys in insertion order.
	 */
	if (json_dump_callback(json, dump_to_buf, &tmp, JSON_COMPACT | JSON_ENCODE_ANY) != 0) {
		wpkg_buf_free(&tmp);
		return wpkg_error_set(err, WPKG_E_NOMEM, "serialise JSON: out of memory or invalid UTF-8");
	}
	wpkg_buf_free(out);
	*out = tmp;
	return 0;
}

/* RFC 6838 restricted-name-chars after the first character. */
static bool restricted_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("!#$&-^_.+", c) != NULL);
}

static bool alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* RFC 9110 tchar, for parameter names and unquoted values. */
static bool token_char(char c)
{
	return alnum(c) || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* restricted-name = restricted-name-first *126restricted-name-chars; returns its length or 0. */
static size_t restricted_name(const char *s)
{
	size_t n;

	if (!alnum(s[0]))
		return 0;
	for (n = 1; restricted_char(s[n]); n++)
		if (n >= 127)
			return 0;
	return n;
}

/* ;name=value parameters (value a token or a quoted-string), with optional spaces. */
static bool params_valid(const char *p)
{
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p++ != ';')
			return false;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!token_char(*p))
			return false;
		while (token_char(*p))
			p++;
		if (*p++ != '=')
			return false;
		if (*p == '"') {
			for (p++; *p != '"'; p++) {
				if (*p == '\\' && p[1] != '\0')
					p++;
				else if (*p == '\0' || (unsigned char)*p < 0x20)
					return false;
			}
			p++;
		} else {
			if (!token_char(*p))
				return false;
			while (token_char(*p))
				p++;
		}
		while (*p == ' ' || *p == '\t')
			p++;
	}
	return true;
}

bool wpkg_media_type_valid(const char *mt)
{
	size_t n;

	if (mt == NULL)
		return false;
	n = restricted_name(mt);
	if (n == 0 || mt[n] != '/')
		return false;
	mt += n + 1;
	/* The +suffix is part of the subtype's restricted-name ('+' is a restricted char). */
	n = restricted_name(mt);
	if (n == 0)
		return false;
	return params_valid(mt + n);
}

/* Compares the type/subtype part of mt (case-insensitively, parameters ignored) with want. */
static bool media_type_is(const char *mt, const char *want)
{
	size_t n, wlen = strlen(want);

	if (mt == NULL)
		return false;
	while (*mt == ' ' || *mt == '\t')
		mt++;
	n = strcspn(mt, "; \t");
	return n == wlen && strncasecmp(mt, want, n) == 0;
}

bool wpkg_media_type_is_index(const char *mt)
{
	return media_type_is(mt, WPKG_MT_OCI_INDEX) || media_type_is(mt, WPKG_MT_DOCKER_LIST);
}

bool wpkg_media_type_is_manifest(const char *mt)
{
	return media_type_is(mt, WPKG_MT_OCI_MANIFEST) || media_type_is(mt, WPKG_MT_DOCKER_MANIFEST);
}

const char *wpkg_doc_sniff_media_type(const void *data, size_t len)
{
	static const char *const known[] = {
		WPKG_MT_OCI_MANIFEST, WPKG_MT_OCI_INDEX, WPKG_MT_DOCKER_MANIFEST, WPKG_MT_DOCKER_LIST,
	};
	const char *result = NULL, *mt;
	json_t *root;
	size_t i;

	if (wpkg_json_load(&root, data, len, "document", NULL) < 0)
		return NULL;
	mt = json_string_value(json_object_get(root, "mediaType"));
	for (i = 0; mt != NULL && i < sizeof(known) / sizeof(known[0]); i++)
		if (media_type_is(mt, known[i]))
			result = known[i];
	/* No (known) mediaType: the image-spec's rule of thumb, an index has "manifests". */
	if (result == NULL)
		result = json_object_get(root, "manifests") != NULL ? WPKG_MT_OCI_INDEX : WPKG_MT_OCI_MANIFEST;
	json_decref(root);
	return result;
}
