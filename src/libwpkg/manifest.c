/* SPDX-License-Identifier: Apache-2.0 */
/* manifest.c - OCI image manifests (and Docker v2 schema 2): strict reading, spec-ordered writing. */
#include <stdlib.h>

#include "json_internal.h"
#include "wpkg/oci.h"

static int manifest_from_json(void *obj, json_t *root, struct wpkg_error *err)
{
	struct wpkg_manifest *m = obj;
	struct wpkg_doc_header h;
	const json_t *config;
	int rc;

	rc = wpkg_doc_header_from_json(&h, root, "", err);
	if (rc < 0)
		return rc;
	m->schema_version = 2;
	m->media_type = h.media_type;
	m->artifact_type = h.artifact_type;
	m->subject = h.subject;
	m->annotations = h.annotations;
	/* An index or anything else under a manifest's name must not be taken for one. */
	if (m->media_type != NULL && !wpkg_media_type_is_manifest(m->media_type))
		return wpkg_error_set(err, WPKG_E_UNSUPPORTED, "mediaType \"%s\" is not an image manifest",
				      m->media_type);
	/* CVE-2021-41190: a document that is both would be read by whichever Content-Type it came with */
	if (json_object_get(root, "manifests") != NULL)
		return wpkg_error_set(err, WPKG_E_INVALID,
				      "ambiguous document: both \"manifests\" and a manifest's fields");
	config = json_object_get(root, "config");
	if (config == NULL)
		return wpkg_error_set(err, WPKG_E_INVALID, "missing \"config\"");
	rc = wpkg_descriptor_from_json(&m->config, config, "config", err);
	if (rc < 0)
		return rc;
	/* layers may be empty (artifacts), but it must be there. */
	return wpkg_descriptors_from_json(&m->layers, &m->n_layers, root, "layers", "", err);
}

/* wpkg_doc_parse releases through a void * (calling a typed free through it would be undefined). */
static void manifest_release(void *obj)
{
	wpkg_manifest_free(obj);
}

int wpkg_manifest_parse(struct wpkg_manifest **out, const void *data, size_t len, struct wpkg_error *err)
{
	void *obj;
	int rc = wpkg_doc_parse(&obj, sizeof(struct wpkg_manifest), data, len, "manifest", manifest_from_json,
				manifest_release, err);

	if (rc == 0)
		*out = obj;
	return rc;
}

json_t *wpkg_manifest_to_json(const struct wpkg_manifest *m)
{
	bool ok = true;
	json_t *obj = wpkg_doc_begin(m->schema_version, m->media_type, m->artifact_type, &ok);

	if (obj != NULL) {
		wpkg_json_put(obj, "config", wpkg_descriptor_to_json(&m->config), &ok);
		wpkg_json_put(obj, "layers", wpkg_descriptors_to_json(m->layers, m->n_layers), &ok);
	}
	return wpkg_doc_end(obj, m->subject, m->annotations, ok);
}

void wpkg_manifest_free(struct wpkg_manifest *m)
{
	struct wpkg_doc_header h;

	if (m == NULL)
		return;
	h.media_type = m->media_type;
	h.artifact_type = m->artifact_type;
	h.subject = m->subject;
	h.annotations = m->annotations;
	wpkg_doc_header_clear(&h);
	wpkg_descriptor_clear(&m->config);
	wpkg_descriptors_free(m->layers, m->n_layers);
	free(m);
}
