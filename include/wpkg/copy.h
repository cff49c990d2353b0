/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/copy.h - copying a manifest or index, with everything it needs, from one store to another. */
#ifndef WPKG_COPY_H
#define WPKG_COPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wpkg/common.h"
#include "wpkg/error.h"
#include "wpkg/oci.h"
#include "wpkg/store.h"

WPKG_BEGIN_DECL

struct wpkg_copy_opts {
	const char *tag;     /* the destination's tag; NULL: stored by digest (an untagged layout entry) */
	bool recursive;      /* also every referrer of every manifest copied (and theirs) */
};

/* What a copy did; bytes are the descriptors' sizes. */
struct wpkg_copy_result {
	struct wpkg_descriptor root;      /* media type, digest and size of the document copied */
	size_t manifests;                 /* manifests and indexes stored, root, children and referrers */
	size_t referrers;                 /* of them, referrers and legacy .sig tags (--recursive) */
	size_t blobs_copied, blobs_skipped, blobs_mounted;
	uint64_t bytes_copied, bytes_skipped, bytes_mounted;
};

WPKG_API void wpkg_copy_result_clear(struct wpkg_copy_result *res);

/*
 * Copies the manifest or index at reference in src to dst.  An index's
 * children (manifests or nested indexes) are copied first, then the index; a
 * manifest's config and layers are copied first (a blob dst has is skipped;
 * between two repositories of one registry host it is mounted; otherwise it
 * is streamed: a local blob file is read directly, a registry blob through a
 * verified temporary spool file), then the manifest.  Documents are stored
 * as their exact bytes, so every digest is unchanged; the root goes under
 * opts->tag.  With opts->recursive the referrers of every manifest copied
 * are copied too, and on a registry without the referrers API dst's
 * fallback tag (sha256-HEX) index gains them; cosign's legacy signature
 * tag (sha256-HEX.sig) of each is copied under the same tag.  dst is not committed here.
 * *out is set only on success; clear it with wpkg_copy_result_clear.
 */
WPKG_API int wpkg_copy(struct wpkg_copy_result *out, struct wpkg_store *src, const char *reference,
		struct wpkg_store *dst, const struct wpkg_copy_opts *opts, struct wpkg_error *err);

WPKG_END_DECL

#endif
