/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/referrers_index.h - the referrers model: fallback tag names, referrers indexes, the artifact attach builds. */
#ifndef WPKG_REFERRERS_INDEX_H
#define WPKG_REFERRERS_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "wpkg/common.h"
#include "wpkg/digest.h"
#include "wpkg/error.h"
#include "wpkg/oci.h"
#include "wpkg/pack.h"

WPKG_BEGIN_DECL

/* The truncated algorithm (32), '-', the truncated encoded part (64), NUL. */
#define WPKG_REFERRERS_TAG_MAX (32 + 1 + 64 + 1)

/*
 * The distribution spec's Referrers Tag Schema: the tag holding the image
 * index of the referrers of digest "alg:encoded" on a registry without the
 * referrers API.  The algorithm is truncated to 32 characters, the encoded
 * part to 64, and every character a tag may not hold becomes '-'
 * ("sha256:ab.." -> "sha256-ab..").  WPKG_E_INVALID when digest has no ':'.
 */
WPKG_API int wpkg_referrers_tag(char out[WPKG_REFERRERS_TAG_MAX], const char *digest, struct wpkg_error *err);

/*
 * The layer media type wpkg attach gives a file when --media-type is not
 * used, by the end of its name: .spdx.json application/spdx+json,
 * .cdx.json application/vnd.cyclonedx+json, .json application/json,
 * .wasm application/wasm, .wit and .txt text/plain, .md text/markdown,
 * anything else application/octet-stream.  A static string.
 */
WPKG_API const char *wpkg_attach_media_type(const char *file);

/*
 * The descriptor a referrers list holds for manifest m (whose own media
 * type, digest and size are in self): artifactType is m's artifactType or,
 * when that is missing or empty, its config's media type; m's annotations
 * are copied.  Clear out with wpkg_descriptor_clear.
 */
WPKG_API int wpkg_referrers_descriptor(struct wpkg_descriptor *out, const struct wpkg_manifest *m,
			      const struct wpkg_descriptor *self, struct wpkg_error *err);

/* An empty OCI image index (schemaVersion 2, mediaType, no manifests); free with wpkg_index_free. */
WPKG_API int wpkg_referrers_index_new(struct wpkg_index **out, struct wpkg_error *err);
/* True when ix lists a descriptor with digest d. */
WPKG_API bool wpkg_referrers_index_has(const struct wpkg_index *ix, const struct wpkg_digest *d);
/* Appends a copy of d to ix unless its digest is listed already; *added (may be NULL) tells which. */
WPKG_API int wpkg_referrers_index_add(struct wpkg_index *ix, const struct wpkg_descriptor *d, bool *added,
			     struct wpkg_error *err);
/* Adds every descriptor of from that ix lacks, in from's order. */
WPKG_API int wpkg_referrers_index_merge(struct wpkg_index *ix, const struct wpkg_index *from, struct wpkg_error *err);
/* Drops every descriptor of ix with digest d, keeping the others' order; true when one was dropped. */
WPKG_API bool wpkg_referrers_index_remove(struct wpkg_index *ix, const struct wpkg_digest *d);
/* True when every descriptor of part is listed in ix. */
WPKG_API bool wpkg_referrers_index_covers(const struct wpkg_index *ix, const struct wpkg_index *part);
/* Keeps only the descriptors whose artifactType is artifact_type (NULL: keeps all). */
WPKG_API void wpkg_referrers_index_filter(struct wpkg_index *ix, const char *artifact_type);

struct wpkg_attach_opts {
	const char *artifact_type;   /* required: the artifact manifest's artifactType */
	const char *media_type;      /* every layer's media type, or NULL: wpkg_attach_media_type per file */
	json_t *annotations;         /* borrowed object of strings for the manifest (-a), or NULL */
	time_t created;              /* org.opencontainers.image.created unless annotations set it */
};

/* The empty JSON object "{}", the config of an artifact that has none (WPKG_MT_OCI_EMPTY). */
#define WPKG_EMPTY_JSON "{}"

/*
 * Builds the artifact (no network): an OCI image manifest with
 * artifactType opts->artifact_type, the empty descriptor as config (an
 * in-memory blob "{}"), one layer per file (streamed from the file later,
 * titled with its base name; titles must differ), subject, and annotations
 * created first then opts->annotations.  Free with wpkg_package_free.
 */
WPKG_API int wpkg_attach_pack(struct wpkg_package **out, const struct wpkg_descriptor *subject,
		const char *const *files, size_t n_files, const struct wpkg_attach_opts *opts, struct wpkg_error *err);

WPKG_END_DECL

#endif
