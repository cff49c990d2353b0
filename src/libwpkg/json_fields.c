/* SPDX-License-Identifier: Apache-2.0 */
/* json_fields.c - typed field readers shared by the document parsers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_internal.h"
#include "wpkg/oci.h"

/*
 * These readers only see documents from wpkg_json_load, which refuses
 * "\u0000" in strings, so every jansson string is a whole C string.
 */

const char *wpkg_json_path(char *buf, size_t cap, const char *what, const char *key)
{
	if (key == NULL)
		snprintf(buf, cap, "%s", what);
	else if (what[0] == '\0')
		snprintf(buf, cap, "%s", key);
	else
		snprintf(buf, cap, "%s.%s", what, key);
	return buf;
}

int wpkg_json_fail(struct wpkg_error *err, int code, const char *what, const char *key, const char *fmt, ...)
{
	char path[256], msg[WPKG_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	wpkg_json_path(path, sizeof(path), what, key);
	if (path[0] == '\0')
		return wpkg_error_set(err, code, "%s", msg);
	return wpkg_error_set(err, code, "%s: %s", path, msg);
}

int wpkg_json_get_string(char **out, const json_t *obj, const char *key, bool required,
			 bool null_ok, const char *what, struct wpkg_error *err)
{
	const json_t *v = json_object_get(obj, key);
	char *s;

	if (v == NULL || (null_ok && json_is_null(v))) {
		if (required)
			return wpkg_json_fail(err, WPKG_E_INVALID, what, NULL, "missing \"%s\"", key);
		*out = NULL;
		return 0;
	}
	if (!json_is_string(v))
		return wpkg_json_fail(err, WPKG_E_INVALID, what, key, "expected a string");
	s = strdup(json_string_value(v));
	if (s == NULL)
		return wpkg_error_nomem(err);
	*out = s;
	return 0;
}

int wpkg_json_get_media_type(char **out, const json_t *obj, const char *key, bool required,
			     const char *what, struct wpkg_error *err)
{
	char *mt = NULL;
	int rc = wpkg_json_get_string(&mt, obj, key, required, false, what, err);

	if (rc < 0)
		return rc;
	if (mt != NULL && !wpkg_media_type_valid(mt)) {
		rc = wpkg_json_fail(err, WPKG_E_INVALID, what, key, "invalid media type \"%s\"", mt);
		free(mt);
		return rc;
	}
	*out = mt;
	return 0;
}

char *wpkg_strdup_opt(const char *s, bool *ok)
{
	char *c;

	if (s == NULL)
		return NULL;
	c = strdup(s);
	if (c == NULL)
		*ok = false;
	return c;
}

void wpkg_json_strv_free(char **v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

char **wpkg_json_strv_dup(char *const *v, size_t n)
{
	char **copy = calloc(n ? n : 1, sizeof(*copy));
	size_t i;

	if (copy == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		copy[i] = strdup(v[i]);
		if (copy[i] == NULL) {
			wpkg_json_strv_free(copy, i);
			return NULL;
		}
	}
	return copy;
}

int wpkg_json_get_strings(char ***out, size_t *n, const json_t *obj, const char *key,
			  const char *what, struct wpkg_error *err)
{
	const json_t *arr = json_object_get(obj, key);
	char **v = NULL;
	size_t i, len;
	int rc = 0;

	if (arr == NULL)
		return wpkg_json_fail(err, WPKG_E_INVALID, what, NULL, "missing \"%s\"", key);
	if (!json_is_array(arr))
		return wpkg_json_fail(err, WPKG_E_INVALID, what, key, "expected an array");
	len = json_array_size(arr);
	v = calloc(len ? len : 1, sizeof(*v));
	if (v == NULL)
		return wpkg_error_nomem(err);
	for (i = 0; i < len; i++) {
		const json_t *s = json_array_get(arr, i);

		if (!json_is_string(s)) {
			char elem[128];

			snprintf(elem, sizeof(elem), "%s[%zu]", key, i);
			rc = wpkg_json_fail(err, WPKG_E_INVALID, what, elem, "expected a string");
			goto out;
		}
		v[i] = strdup(json_string_value(s));
		if (v[i] == NULL) {
			rc = wpkg_error_nomem(err);
			goto out;
		}
	}
	*out = v;
	*n = len;
	v = NULL;
out:
	wpkg_json_strv_free(v, len);
	return rc;
}

int wpkg_json_get_annotations(json_t **out, const json_t *obj, const char *key,
			      const char *what, struct wpkg_error *err)
{
	json_t *v = json_object_get(obj, key);
	const char *k;
	json_t *val;

	if (v == NULL) {
		*out = NULL;
		return 0;
	}
	if (!json_is_object(v))
		return wpkg_json_fail(err, WPKG_E_INVALID, what, key, "expected an object of strings");
	json_object_foreach(v, k, val)
		if (!json_is_string(val))
			return wpkg_json_fail(err, WPKG_E_INVALID, what, key, "\"%s\": expected a string", k);
	*out = json_incref(v);
	return 0;
}

int wpkg_json_check_schema_version(const json_t *obj, const char *what, struct wpkg_error *err)
{
	const json_t *v = json_object_get(obj, "schemaVersion");

	if (v == NULL)
		return wpkg_json_fail(err, WPKG_E_INVALID, what, NULL, "missing \"schemaVersion\"");
	if (!json_is_integer(v))
		return wpkg_json_fail(err, WPKG_E_INVALID, what, "schemaVersion", "expected an integer");
	/* Version 1 is Docker's signed schema 1, long deprecated; nothing else exists. */
	if (json_integer_value(v) != 2)
		return wpkg_json_fail(err, WPKG_E_UNSUPPORTED, what, NULL,
				      "schemaVersion %lld is not supported (expected 2)",
				      (long long)json_integer_value(v));
	return 0;
}

void wpkg_json_put(json_t *obj, const char *key, json_t *value, bool *ok)
{
	if (value == NULL || json_object_set_new(obj, key, value) != 0)
		*ok = false;
}

int wpkg_doc_parse(void **out, size_t size, const void *data, size_t len, const char *what,
		   wpkg_doc_read_fn read, void (*release)(void *obj), struct wpkg_error *err)
{
	json_t *root = NULL;
	void *obj = NULL;
	int rc;

	rc = wpkg_json_load(&root, data, len, what, err);
	if (rc < 0)
		goto out;
	obj = calloc(1, size);
	if (obj == NULL) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	rc = read(obj, root, err);
	if (rc < 0) {
		wpkg_error_wrap(err, "%s", what);
		goto out;
	}
	*out = obj;
	obj = NULL;
out:
	if (obj != NULL)
		release(obj);
	json_decref(root);
	if (rc < 0)
		wpkg_json_error_oneline(err);
	return rc;
}
