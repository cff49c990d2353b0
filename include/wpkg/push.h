/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/push.h - putting a package into a store (registry, layout, archive), and re-tagging what is there. */
#ifndef WPKG_PUSH_H
#define WPKG_PUSH_H

#include <stddef.h>
#include <stdint.h>

#include "wpkg/common.h"
#include "wpkg/digest.h"
#include "wpkg/error.h"
#include "wpkg/pack.h"
#include "wpkg/store.h"

WPKG_BEGIN_DECL

struct wpkg_push_opts {
	const char *const *tags;   /* borrowed; n_tags == 0: the manifest is PUT by its digest only */
	size_t n_tags;
	const char *mount_from;    /* repository on the same registry to mount blobs from, or NULL (registries only) */
};

/* What a push did with each blob; bytes are the descriptors' sizes. */
struct wpkg_push_result {
	struct wpkg_digest digest;  /* the manifest's */
	uint64_t bytes_uploaded, bytes_skipped, bytes_mounted;
	size_t blobs_uploaded, blobs_skipped, blobs_mounted;
};

/*
 * Pushes p to the store s.  Every blob (layers, then the config) is checked
 * and skipped when present, else mounted from opts->mount_from when that
 * works (registries), else stored.  Only when every blob is confirmed
 * present is the manifest stored, under the first tag, then the same bytes
 * under each further tag.  The store is not committed here.  *out is
 * written only on success.
 */
WPKG_API int wpkg_push(struct wpkg_push_result *out, struct wpkg_store *s, const struct wpkg_package *p,
	      const struct wpkg_push_opts *opts, struct wpkg_error *err);

/*
 * Fetches the manifest (or index) at reference and PUTs its exact bytes under
 * each of tags; no blob is sent.  digest receives the document's digest.
 */
WPKG_API int wpkg_push_retag(struct wpkg_digest *digest, struct wpkg_store *s, const char *reference,
		    const char *const *tags, size_t n_tags, struct wpkg_error *err);


/*
 * Checks a tag against the distribution spec's grammar
 * [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}; WPKG_E_INVALID says what is wrong.
 */
WPKG_API int wpkg_push_check_tag(const char *tag, struct wpkg_error *err);

WPKG_END_DECL

#endif
