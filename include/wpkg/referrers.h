/* wpkg/referrers.h - artifacts that refer to a manifest (its subject): attach, discover, the tag-schema fallback. */
#ifndef WPKG_REFERRERS_H
#define WPKG_REFERRERS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "wpkg/common.h"
#include "wpkg/digest.h"
#include "wpkg/error.h"
#include "wpkg/oci.h"
#include "wpkg/pack.h"
#include "wpkg/registry.h"
#include "wpkg/store.h"

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

/* What an attach did. */
struct wpkg_attach_result {
	struct wpkg_descriptor artifact;   /* as listed among the referrers (artifactType, annotations) */
	struct wpkg_descriptor subject;    /* media type, digest and size of the manifest referred to */
	struct wpkg_descriptor *layers;    /* one per file, in order (title annotation included) */
	size_t n_layers;
	bool api;                          /* the registry tracks referrers itself (OCI-Subject) */
	char tag[WPKG_REFERRERS_TAG_MAX];  /* else: the fallback tag that now lists the artifact; "" in a layout */
	unsigned rounds;                   /* fallback: read-merge-write rounds it took (1 without a race) */
};

WPKG_API void wpkg_attach_result_clear(struct wpkg_attach_result *res);

/*
 * Attaches files to the manifest at reference in store s: resolves the
 * subject, stores the blobs that are missing, then the artifact manifest by
 * digest.
 *
 * In a registry: when the answer to the PUT carries OCI-Subject the registry
 * keeps the referrers list; otherwise the fallback tag's index gets the
 * artifact's descriptor: read (404: a new index), merged, written, and read
 * back after a short pause to check that neither our entry nor any entry
 * seen before was lost to a concurrent writer, else merged and written again
 * (bounded, with backoff).  A fallback tag that holds something other than
 * an image index is left alone and reported.
 *
 * In a layout or archive the manifest becomes an untagged index.json entry
 * carrying its artifactType and annotations (the image layout's way of
 * holding referrers); an archive is rewritten only by wpkg_store_commit.
 * *out is set only on success.
 */
WPKG_API int wpkg_attach(struct wpkg_attach_result *out, struct wpkg_store *s, const char *reference,
		const char *const *files, size_t n_files, const struct wpkg_attach_opts *opts,
		struct wpkg_error *err);

/* What discover found. */
struct wpkg_referrers {
	struct wpkg_descriptor subject;
	struct wpkg_index *index;          /* the referrers (never NULL on success) */
	bool api;                          /* from the referrers API, else from tag (registry) or index.json */
	char tag[WPKG_REFERRERS_TAG_MAX];  /* "" unless read from the fallback tag */
};

WPKG_API void wpkg_referrers_clear(struct wpkg_referrers *x);

/*
 * Lists the referrers of the manifest at reference in store s.  A registry:
 * its referrers API when it has it (filtered by the server when it says so
 * in OCI-Filters-Applied, else here), else the fallback tag's index
 * (missing or not an index: no referrers).  A layout or archive: the
 * index.json entries whose manifest names the subject
 * (wpkg_store_referrers), in index.json order.  artifact_type NULL lists all.
 */
WPKG_API int wpkg_discover(struct wpkg_referrers *out, struct wpkg_store *s, const char *reference,
		  const char *artifact_type, struct wpkg_error *err);

WPKG_END_DECL

#endif
