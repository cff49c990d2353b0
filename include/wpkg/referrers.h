/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/referrers.h - artifacts that refer to a manifest (its subject): attach and discover on a store. */
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
#include "wpkg/referrers_index.h"
#include "wpkg/store.h"

WPKG_BEGIN_DECL

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
 * (wpkg_store_referrers does the listing), in index.json order.  artifact_type NULL lists all.
 */
WPKG_API int wpkg_discover(struct wpkg_referrers *out, struct wpkg_store *s, const char *reference,
		  const char *artifact_type, struct wpkg_error *err);

WPKG_END_DECL

#endif
