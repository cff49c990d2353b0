/* SPDX-License-Identifier: Apache-2.0 */
/* annotations.c - annotation inputs: KEY=VALUE arguments and annotation files (flat or ORAS form). */
#include <stdlib.h>
#include <string.h>

#include "json_internal.h"
#include "wpkg/fsutil.h"
#include "wpkg/oci.h"
#include "wpkg/pack.h"

int wpkg_annotation_add(json_t *obj, const char *key_eq_value, struct wpkg_error *err)
{
	const char *eq = strchr(key_eq_value, '=');
	char *key = NULL;
	json_t *value;
	int rc = 0;

	if (eq == NULL || eq == key_eq_value) {
		rc = wpkg_error_set(err, WPKG_E_INVALID, "annotation \"%s\": expected KEY=VALUE", key_eq_value);
		goto out;
	}
	key = strndup(key_eq_value, (size_t)(eq - key_eq_value));
	if (key == NULL) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	/* Both json_string and json_object_set_new refuse text that is not UTF-8. */
	value = json_string(eq + 1);
	if (value == NULL || json_object_set_new(obj, key, value) != 0)
		rc = wpkg_error_set(err, WPKG_E_INVALID, "annotation \"%s\": not valid UTF-8", key_eq_value);
out:
	free(key);
	if (rc < 0)
		wpkg_json_error_oneline(err);
	return rc;
}

/* Checks that obj (the value of key in the file) is an object of strings. */
static int check_strings(json_t *obj, const char *path, const char *key, struct wpkg_error *err)
{
	const char *k;
	json_t *v;

	if (!json_is_object(obj))
		return wpkg_error_set(err, WPKG_E_INVALID,
				      "annotation file: %s: \"%s\": expected an object of strings", path, key);
	json_object_foreach(obj, k, v)
		if (!json_is_string(v))
			return wpkg_error_set(err, WPKG_E_INVALID,
					      "annotation file: %s: \"%s\".\"%s\": expected a string", path, key, k);
	return 0;
}

/* "$manifest" and "$config" are ORAS's sections; every other key names a file. */
static bool is_section(const char *key)
{
	return strcmp(key, "$manifest") == 0 || strcmp(key, "$config") == 0;
}

/* True for ORAS's form: sections keyed "$manifest", "$config" or a file name, each an object. */
static bool is_oras_form(json_t *root)
{
	const char *k;
	json_t *v;

	json_object_foreach(root, k, v)
		if (json_is_object(v))
			return true;
	return false;
}

static int check_file(json_t *root, bool oras, bool per_file_ok, const char *path, struct wpkg_error *err)
{
	const char *k;
	json_t *v;
	int rc;

	json_object_foreach(root, k, v) {
		if (oras && !per_file_ok && !is_section(k)) {
			return wpkg_error_set(err, WPKG_E_UNSUPPORTED,
					      "annotation file: %s: \"%s\": per-file annotations are not supported here",
					      path, k);
		} else if (oras) {
			rc = check_strings(v, path, k, err);
			if (rc < 0)
				return rc;
		} else if (!json_is_string(v)) {
			return wpkg_error_set(err, WPKG_E_INVALID,
					      "annotation file: %s: \"%s\": expected a string", path, k);
		}
	}
	return 0;
}

int wpkg_annotations_merge(json_t *dst, json_t *src, const char *what, struct wpkg_error *err)
{
	const char *k;
	json_t *v;

	if (src == NULL)
		return 0;
	if (!json_is_object(src))
		return wpkg_error_set(err, WPKG_E_INVALID, "%s annotations: expected an object of strings", what);
	json_object_foreach(src, k, v) {
		if (!json_is_string(v))
			return wpkg_error_set(err, WPKG_E_INVALID, "%s annotation \"%s\": expected a string", what, k);
		if (json_object_set(dst, k, v) != 0)
			return wpkg_error_nomem(err);
	}
	return 0;
}

static int merge_oras(json_t *manifest_annots, json_t *layer_annots, json_t *root, struct wpkg_error *err)
{
	const char *k;
	json_t *v, *dst;
	int rc = 0;

	json_object_foreach(root, k, v) {
		if (strcmp(k, "$config") == 0)
			continue;   /* the Wasm config is fixed by the layout spec; nothing to annotate */
		if (strcmp(k, "$manifest") == 0) {
			rc = wpkg_annotations_merge(manifest_annots, v, "$manifest", err);
		} else {
			dst = json_object_get(layer_annots, k);
			if (dst == NULL) {
				dst = json_object();
				if (dst == NULL || json_object_set_new(layer_annots, k, dst) != 0)
					return wpkg_error_nomem(err);
			}
			rc = wpkg_annotations_merge(dst, v, k, err);
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

int wpkg_annotation_file_load(json_t *manifest_annots, json_t *layer_annots, const char *path,
			      struct wpkg_error *err)
{
	struct wpkg_buf text = WPKG_BUF_INIT;
	json_t *root = NULL;
	bool oras;
	int rc;

	rc = wpkg_read_file(&text, path, WPKG_DOC_MAX, err);
	if (rc < 0) {
		wpkg_error_wrap(err, "annotation file");
		goto out;
	}
	rc = wpkg_json_load(&root, text.data, text.len, path, err);
	if (rc < 0) {
		wpkg_error_wrap(err, "annotation file");
		goto out;
	}
	/* Everything is checked before anything is added: nothing changes on error. */
	oras = is_oras_form(root);
	rc = check_file(root, oras, layer_annots != NULL, path, err);
	if (rc < 0)
		goto out;
	if (oras)
		rc = merge_oras(manifest_annots, layer_annots, root, err);
	else
		rc = wpkg_annotations_merge(manifest_annots, root, path, err);
out:
	json_decref(root);
	wpkg_buf_free(&text);
	if (rc < 0)
		wpkg_json_error_oneline(err);
	return rc;
}
