/* SPDX-License-Identifier: Apache-2.0 */
/* index.c - OCI image indexes (and Docker manifest lists): strict reading, spec-ordered writing. */
#include <stdlib.h>

#include "json_internal.h"
#include "wpkg/oci.h"

static int index_from_json(void *obj, json_t *root, struct wpkg_error *err)
{
	struct wpkg_index *ix = obj;
	struct wpkg_doc_header h;
	int rc;

	rc = wpkg_doc_header_from_json(&h, root, "", err);
	if (rc < 0)
		return rc;
	ix->schema_version = 2;
	ix->media_type = h.media_type;
	ix->artifact_type = h.artifact_type;
	ix->subject = h.subject;
	ix->annotations = h.annotations;
	if (ix->media_type != NULL && !wpkg_media_type_is_index(ix->media_type))
		return wpkg_error_set(err, WPKG_E_UNSUPPORTED, "mediaType \"%s\" is not an image index",
				      ix->media_type);
	/* CVE-2021-41190: a document that is both would be read by whichever Content-Type it came with */
	if (json_object_get(root, "config") != NULL || json_object_get(root, "layers") != NULL)
		return wpkg_error_set(err, WPKG_E_INVALID,
				      "ambiguous document: both \"manifests\" and a manifest's fields");
	return wpkg_descriptors_from_json(&ix->manifests, &ix->n_manifests, root, "manifests", "", err);
}

/* wpkg_doc_parse releases through a void * (calling a typed free through it would be undefined). */
static void index_release(void *obj)
{
	wpkg_index_free(obj);
}

int wpkg_index_parse(struct wpkg_index **out, const void *data, size_t len, struct wpkg_error *err)
{
	void *obj;
	int rc = wpkg_doc_parse(&obj, sizeof(struct wpkg_index), data, len, "index", index_from_json,
				index_release, err);

	if (rc == 0)
		*out = obj;
	return rc;
}

json_t *wpkg_index_to_json(const struct wpkg_index *ix)
{
	bool ok = true;
	json_t *obj = wpkg_doc_begin(ix->schema_version, ix->media_type, ix->artifact_type, &ok);

	if (obj != NULL)
		wpkg_json_put(obj, "manifests", wpkg_descriptors_to_json(ix->manifests, ix->n_manifests), &ok);
	return wpkg_doc_end(obj, ix->subject, ix->annotations, ok);
}

void wpkg_index_free(struct wpkg_index *ix)
{
	struct wpkg_doc_header h;

	if (ix == NULL)
		return;
	h.media_type = ix->media_type;
	h.artifact_type = ix->artifact_type;
	h.subject = ix->subject;
	h.annotations = ix->annotations;
	wpkg_doc_header_clear(&h);
	wpkg_descriptors_free(ix->manifests, ix->n_manifests);
	free(ix);
}
