/* SPDX-License-Identifier: Apache-2.0 */
/* descriptor.c - OCI content descriptors: strict reading, spec-ordered writing, copying. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_internal.h"
#include "wpkg/oci.h"

static void platform_free(struct wpkg_platform *p)
{
	if (p == NULL)
		return;
	free(p->architecture);
	free(p->os);
	free(p->variant);
	free(p);
}

static int platform_from_json(struct wpkg_platform **out, const json_t *obj, const char *what,
			      struct wpkg_error *err)
{
	const json_t *v = json_object_get(obj, "platform");
	struct wpkg_platform *p = NULL;
	char where[256];
	int rc;

	*out = NULL;
	if (v == NULL)
		return 0;
	wpkg_json_path(where, sizeof(where), what, "platform");
	if (!json_is_object(v))
		return wpkg_json_fail(err, WPKG_E_INVALID, where, NULL, "expected an object");
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return wpkg_error_nomem(err);
	/* os.version, os.features and features are not used by wpkg and are ignored. */
	rc = wpkg_json_get_string(&p->architecture, v, "architecture", true, false, where, err);
	if (rc == 0)
		rc = wpkg_json_get_string(&p->os, v, "os", true, false, where, err);
	if (rc == 0)
		rc = wpkg_json_get_string(&p->variant, v, "variant", false, false, where, err);
	if (rc < 0) {
		platform_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

int wpkg_descriptor_from_json(struct wpkg_descriptor *out, const json_t *obj, const char *what,
			      struct wpkg_error *err)
{
	struct wpkg_descriptor d = { 0 };
	char where[256];
	const json_t *v;
	int rc;

	if (!json_is_object(obj))
		return wpkg_json_fail(err, WPKG_E_INVALID, what, NULL, "expected an object");
	rc = wpkg_json_get_media_type(&d.media_type, obj, "mediaType", true, what, err);
	if (rc < 0)
		goto out;
	v = json_object_get(obj, "digest");
	if (v == NULL) {
		rc = wpkg_json_fail(err, WPKG_E_INVALID, what, NULL, "missing \"digest\"");
		goto out;
	}
	if (!json_is_string(v)) {
		rc = wpkg_json_fail(err, WPKG_E_INVALID, what, "digest", "expected a string");
		goto out;
	}
	rc = wpkg_digest_parse(&d.digest, json_string_value(v), err);
	if (rc < 0) {
		wpkg_error_wrap(err, "%s", wpkg_json_path(where, sizeof(where), what, "digest"));
		goto out;
	}
	v = json_object_get(obj, "size");
	if (v == NULL) {
		rc = wpkg_json_fail(err, WPKG_E_INVALID, what, NULL, "missing \"size\"");
		goto out;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		rc = wpkg_json_fail(err, WPKG_E_INVALID, what, "size", "expected an integer >= 0");
		goto out;
	}
	d.size = (int64_t)json_integer_value(v);
	rc = wpkg_json_get_media_type(&d.artifact_type, obj, "artifactType", false, what, err);
	if (rc == 0)
		rc = wpkg_json_get_annotations(&d.annotations, obj, "annotations", what, err);
	if (rc == 0)
		rc = platform_from_json(&d.platform, obj, what, err);
	if (rc < 0)
		goto out;
	*out = d;
	return 0;
out:
	wpkg_descriptor_clear(&d);
	wpkg_json_error_oneline(err);
	return rc;
}

json_t *wpkg_descriptor_to_json(const struct wpkg_descriptor *d)
{
	json_t *obj = json_object();
	bool ok = obj != NULL;

	if (!ok)
		return NULL;
	wpkg_json_put(obj, "mediaType", json_string(d->media_type), &ok);
	if (d->artifact_type != NULL)
		wpkg_json_put(obj, "artifactType", json_string(d->artifact_type), &ok);
	wpkg_json_put(obj, "digest", json_string(d->digest.str), &ok);
	wpkg_json_put(obj, "size", json_integer(d->size), &ok);
	if (d->annotations != NULL)
		wpkg_json_put(obj, "annotations", json_deep_copy(d->annotations), &ok);
	if (d->platform != NULL) {
		json_t *p = json_object();

		if (p != NULL) {
			wpkg_json_put(p, "architecture", json_string(d->platform->architecture), &ok);
			wpkg_json_put(p, "os", json_string(d->platform->os), &ok);
			if (d->platform->variant != NULL)
				wpkg_json_put(p, "variant", json_string(d->platform->variant), &ok);
		}
		wpkg_json_put(obj, "platform", p, &ok);
	}
	if (!ok) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

int wpkg_descriptor_copy(struct wpkg_descriptor *dst, const struct wpkg_descriptor *src)
{
	struct wpkg_descriptor d = { 0 };
	bool ok = true;

	d.media_type = wpkg_strdup_opt(src->media_type, &ok);
	d.digest = src->digest;
	d.size = src->size;
	d.artifact_type = wpkg_strdup_opt(src->artifact_type, &ok);
	if (src->annotations != NULL) {
		d.annotations = json_deep_copy(src->annotations);
		ok = ok && d.annotations != NULL;
	}
	if (src->platform != NULL) {
		d.platform = calloc(1, sizeof(*d.platform));
		if (d.platform == NULL) {
			ok = false;
		} else {
			d.platform->architecture = wpkg_strdup_opt(src->platform->architecture, &ok);
			d.platform->os = wpkg_strdup_opt(src->platform->os, &ok);
			d.platform->variant = wpkg_strdup_opt(src->platform->variant, &ok);
		}
	}
	if (!ok) {
		wpkg_descriptor_clear(&d);
		return WPKG_E_NOMEM;
	}
	*dst = d;
	return 0;
}

void wpkg_descriptor_clear(struct wpkg_descriptor *d)
{
	free(d->media_type);
	free(d->artifact_type);
	json_decref(d->annotations);
	platform_free(d->platform);
	memset(d, 0, sizeof(*d));
}

void wpkg_descriptors_free(struct wpkg_descriptor *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		wpkg_descriptor_clear(&v[i]);
	free(v);
}

int wpkg_descriptors_from_json(struct wpkg_descriptor **out, size_t *n, const json_t *obj,
			       const char *key, const char *what, struct wpkg_error *err)
{
	const json_t *arr = json_object_get(obj, key);
	struct wpkg_descriptor *v = NULL;
	size_t len = 0;
	char where[256];
	int rc = 0;

	if (arr == NULL)
		return wpkg_json_fail(err, WPKG_E_INVALID, what, NULL, "missing \"%s\"", key);
	if (!json_is_array(arr))
		return wpkg_json_fail(err, WPKG_E_INVALID, what, key, "expected an array");
	/* calloc of at least one element: an empty array is valid and *out is never NULL. */
	v = calloc(json_array_size(arr) ? json_array_size(arr) : 1, sizeof(*v));
	if (v == NULL)
		return wpkg_error_nomem(err);
	for (len = 0; len < json_array_size(arr); len++) {
		char elem[128];

		snprintf(elem, sizeof(elem), "%s[%zu]", key, len);
		wpkg_json_path(where, sizeof(where), what, elem);
		rc = wpkg_descriptor_from_json(&v[len], json_array_get(arr, len), where, err);
		if (rc < 0)
			goto out;
	}
	*out = v;
	*n = len;
	v = NULL;
out:
	wpkg_descriptors_free(v, len);
	return rc;
}

json_t *wpkg_descriptors_to_json(const struct wpkg_descriptor *v, size_t n)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; arr != NULL && i < n; i++) {
		if (json_array_append_new(arr, wpkg_descriptor_to_json(&v[i])) != 0) {
			json_decref(arr);
			arr = NULL;
		}
	}
	return arr;
}

int wpkg_doc_header_from_json(struct wpkg_doc_header *out, const json_t *root, const char *what,
			      struct wpkg_error *err)
{
	struct wpkg_doc_header h = { 0 };
	const json_t *subject = json_object_get(root, "subject");
	char where[256];
	int rc;

	rc = wpkg_json_check_schema_version(root, what, err);
	if (rc == 0)
		rc = wpkg_json_get_media_type(&h.media_type, root, "mediaType", false, what, err);
	if (rc == 0)
		rc = wpkg_json_get_media_type(&h.artifact_type, root, "artifactType", false, what, err);
	if (rc == 0)
		rc = wpkg_json_get_annotations(&h.annotations, root, "annotations", what, err);
	if (rc == 0 && subject != NULL) {
		h.subject = calloc(1, sizeof(*h.subject));
		wpkg_json_path(where, sizeof(where), what, "subject");
		rc = h.subject == NULL ? wpkg_error_nomem(err)
				       : wpkg_descriptor_from_json(h.subject, subject, where, err);
	}
	if (rc < 0) {
		wpkg_doc_header_clear(&h);
		return rc;
	}
	*out = h;
	return 0;
}

void wpkg_doc_header_clear(struct wpkg_doc_header *h)
{
	free(h->media_type);
	free(h->artifact_type);
	if (h->subject != NULL)
		wpkg_descriptor_clear(h->subject);
	free(h->subject);
	json_decref(h->annotations);
	memset(h, 0, sizeof(*h));
}

json_t *wpkg_doc_begin(int schema_version, const char *media_type, const char *artifact_type, bool *ok)
{
	json_t *obj = json_object();

	if (obj == NULL) {
		*ok = false;
		return NULL;
	}
	wpkg_json_put(obj, "schemaVersion", json_integer(schema_version), ok);
	if (media_type != NULL)
		wpkg_json_put(obj, "mediaType", json_string(media_type), ok);
	if (artifact_type != NULL)
		wpkg_json_put(obj, "artifactType", json_string(artifact_type), ok);
	return obj;
}

json_t *wpkg_doc_end(json_t *obj, const struct wpkg_descriptor *subject, const json_t *annotations, bool ok)
{
	if (obj == NULL)
		return NULL;
	if (subject != NULL)
		wpkg_json_put(obj, "subject", wpkg_descriptor_to_json(subject), &ok);
	if (annotations != NULL)
		wpkg_json_put(obj, "annotations", json_deep_copy(annotations), &ok);
	if (!ok) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}
