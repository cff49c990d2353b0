/* SPDX-License-Identifier: Apache-2.0 */
/* layout_index.c - oci-layout and index.json of an image layout, read from bytes: tags, lookups, entries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wpkg/digest.h"
#include "json_internal.h"
#include "layout_index.h"

int wpkg_layout_version_check(const void *data, size_t len, const char *what, struct wpkg_error *err)
{
	json_t *root = NULL;
	const char *v;
	int rc;

	rc = wpkg_json_load(&root, data, len, what, err);
	if (rc < 0)
		return rc;
	/* the major version is what matters */
	v = json_string_value(json_object_get(root, "imageLayoutVersion"));
	if (v == NULL)
		rc = wpkg_error_set(err, WPKG_E_INVALID, "%s: missing \"imageLayoutVersion\"", what);
	else if (strncmp(v, "1.", 2) != 0)
		rc = wpkg_error_set(err, WPKG_E_UNSUPPORTED,
				    "%s: unsupported image layout version \"%s\" (1.x is supported)", what, v);
	json_decref(root);
	return rc;
}

int wpkg_layout_index_parse(json_t **out, const void *data, size_t len, const char *what, struct wpkg_error *err)
{
	json_t *root = NULL;
	int rc;

	rc = wpkg_json_load(&root, data, len, what, err);
	/* umoci init writes "manifests": null (a nil Go slice): read it as an empty list. */
	if (rc == 0 && json_is_null(json_object_get(root, "manifests")) &&
	    json_object_set_new(root, "manifests", json_array()) != 0)
		rc = wpkg_error_nomem(err);
	if (rc == 0 && !json_is_array(json_object_get(root, "manifests")))
		rc = wpkg_error_set(err, WPKG_E_INVALID, "%s: \"manifests\" must be an array", what);
	if (rc == 0) {
		*out = root;
		root = NULL;
	}
	json_decref(root);
	return rc;
}

const char *wpkg_layout_entry_tag(const json_t *entry)
{
	return json_string_value(json_object_get(json_object_get(entry, "annotations"), WPKG_ANNOT_REF_NAME));
}

const char *wpkg_layout_entry_digest(const json_t *entry)
{
	return json_string_value(json_object_get(entry, "digest"));
}

int wpkg_layout_index_find(const json_t *root, const char *tag_or_digest, struct wpkg_descriptor *out,
			   const char *name, const char *what, struct wpkg_error *err)
{
	const json_t *arr = json_object_get(root, "manifests");
	struct wpkg_digest want;
	bool by_digest = strchr(tag_or_digest, ':') != NULL;   /* a tag cannot hold ':' */
	char where[512];
	size_t i;
	int rc;

	if (by_digest) {
		rc = wpkg_digest_parse(&want, tag_or_digest, err);
		if (rc < 0)
			return rc;
	}
	for (i = 0; i < json_array_size(arr); i++) {
		const json_t *e = json_array_get(arr, i);
		const char *key = by_digest ? wpkg_layout_entry_digest(e) : wpkg_layout_entry_tag(e);

		if (key == NULL || strcmp(key, by_digest ? want.str : tag_or_digest) != 0)
			continue;
		snprintf(where, sizeof(where), "%s: manifests[%zu]", what, i);
		return wpkg_descriptor_from_json(out, e, where, err);
	}
	if (by_digest)
		return wpkg_error_set(err, WPKG_E_NOT_FOUND, "manifest %s not found in %s", want.str, name);
	return wpkg_error_set(err, WPKG_E_NOT_FOUND, "tag \"%s\" not found in %s", tag_or_digest, name);
}

int wpkg_layout_index_tags(const json_t *root, char ***tags, size_t *n_tags, struct wpkg_error *err)
{
	const json_t *arr = json_object_get(root, "manifests");
	char **v;
	size_t i, n = 0;
	int rc = 0;

	/* one spare slot: calloc(0) may be NULL, and callers may treat the array as NULL-terminated */
	v = calloc(json_array_size(arr) + 1, sizeof(*v));
	if (v == NULL)
		return wpkg_error_nomem(err);
	for (i = 0; i < json_array_size(arr) && rc == 0; i++) {
		const char *t = wpkg_layout_entry_tag(json_array_get(arr, i));

		if (t != NULL && (v[n++] = strdup(t)) == NULL)
			rc = wpkg_error_nomem(err);
	}
	if (rc < 0) {
		for (i = 0; i < n; i++)
			free(v[i]);
		free(v);
		return rc;
	}
	*tags = v;
	*n_tags = n;
	return 0;
}

int wpkg_layout_index_entries(const json_t *root, struct wpkg_descriptor **entries, size_t *n_entries,
			      const char *what, struct wpkg_error *err)
{
	int rc = wpkg_descriptors_from_json(entries, n_entries, root, "manifests", "", err);

	if (rc < 0)
		wpkg_error_wrap(err, "%s", what);
	return rc;
}
