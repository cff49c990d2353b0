/* SPDX-License-Identifier: Apache-2.0 */
/* discover_kind.c - what a referrer is (cosign bundle, attestation, Notation, SBOM), and the legacy .sig tag. */
#include <string.h>

#include "wpkg/signature.h"
#include "signature_internal.h"

#define BUNDLE_PREDICATE_ANNOT "dev.sigstore.bundle.predicateType"

/* SBOM artifact types as their formats register them (SPDX 2.3 annex, CycloneDX media types). */
static const char *const spdx_types[] = { WPKG_MT_SPDX_JSON, WPKG_MT_SPDX_TEXT, WPKG_MT_SPDX_XML, WPKG_MT_SPDX_YAML,
					  WPKG_MT_SPDX_TAG_VALUE, NULL };
static const char *const cyclonedx_types[] = { WPKG_MT_CYCLONEDX_JSON, WPKG_MT_CYCLONEDX_XML, WPKG_MT_CYCLONEDX,
					       WPKG_MT_CYCLONEDX_PROTOBUF, NULL };

static bool listed(const char *const *list, const char *s)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

enum wpkg_referrer_kind wpkg_referrer_classify(const struct wpkg_descriptor *d, const char **predicate_type)
{
	/* a referrer's type: artifactType, else (OCI 1.1 image-spec) its config's media type, which the index lacks */
	const char *type = d->artifact_type, *pred;

	*predicate_type = NULL;
	if (type == NULL)
		return WPKG_REFERRER_OTHER;
	/* any bundle version: "application/vnd.dev.sigstore.bundle" then "." or "+" */
	if (strncmp(type, WPKG_MT_SIGSTORE_BUNDLE_PREFIX, strlen(WPKG_MT_SIGSTORE_BUNDLE_PREFIX)) == 0) {
		pred = json_string_value(json_object_get(d->annotations, BUNDLE_PREDICATE_ANNOT));
		*predicate_type = pred;
		/* cosign's own predicate is a signature; any other statement is an attestation */
		return pred == NULL || strcmp(pred, WPKG_COSIGN_SIGN_PREDICATE) == 0 ? WPKG_REFERRER_COSIGN_SIGNATURE
										   : WPKG_REFERRER_COSIGN_ATTESTATION;
	}
	if (strcmp(type, WPKG_MT_NOTATION_SIGNATURE) == 0)
		return WPKG_REFERRER_NOTATION_SIGNATURE;
	if (listed(spdx_types, type))
		return WPKG_REFERRER_SBOM_SPDX;
	if (listed(cyclonedx_types, type))
		return WPKG_REFERRER_SBOM_CYCLONEDX;
	return WPKG_REFERRER_OTHER;
}

const char *wpkg_referrer_kind_name(enum wpkg_referrer_kind k)
{
	static const char *const names[] = {
		[WPKG_REFERRER_OTHER] = "other",
		[WPKG_REFERRER_COSIGN_SIGNATURE] = "cosign-signature",
		[WPKG_REFERRER_COSIGN_ATTESTATION] = "cosign-attestation",
		[WPKG_REFERRER_LEGACY_SIGNATURE] = "legacy-signature",
		[WPKG_REFERRER_NOTATION_SIGNATURE] = "notation-signature",
		[WPKG_REFERRER_SBOM_SPDX] = "sbom-spdx",
		[WPKG_REFERRER_SBOM_CYCLONEDX] = "sbom-cyclonedx",
	};

	return (size_t)k < sizeof(names) / sizeof(names[0]) && names[k] != NULL ? names[k] : "other";
}

int wpkg_discover_legacy(struct wpkg_descriptor *out, size_t *n_signatures, struct wpkg_store *s,
			 const struct wpkg_digest *subject, struct wpkg_error *err)
{
	char tag[WPKG_SIG_TAG_MAX];
	struct wpkg_descriptor d = { 0 };
	json_t *layers = NULL;
	int rc;

	if ((rc = wpkg_sig_tag(tag, subject, err)) < 0)
		return rc;
	rc = wpkg_store_manifest_resolve(&d, s, tag, err);
	if (rc == WPKG_E_NOT_FOUND) {
		wpkg_error_clear(err);
		return 0;
	}
	/* a .sig tag that holds no manifest of signatures is still listed, with none counted */
	if (rc == 0 && wpkg_sig_layers_read(&layers, NULL, s, tag, err) < 0)
		wpkg_error_clear(err);
	if (rc < 0) {
		wpkg_error_wrap(err, "%s", tag);
		return rc;
	}
	*n_signatures = layers != NULL ? json_array_size(layers) : 0;
	*out = d;
	json_decref(layers);
	return 1;
}
