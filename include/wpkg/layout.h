/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/layout.h - an OCI image layout directory: oci-layout, index.json, blobs/<alg>/<hex>. */
#ifndef WPKG_LAYOUT_H
#define WPKG_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wpkg/common.h"
#include "wpkg/buf.h"
#include "wpkg/digest.h"
#include "wpkg/error.h"
#include "wpkg/oci.h"
#include "wpkg/pack.h"

WPKG_BEGIN_DECL

/*
 * An OCI image layout (image-spec image-layout.md): "oci-layout" holding
 * {"imageLayoutVersion":"1.0.0"}, "index.json" (an OCI image index whose
 * manifests[] entries are tagged with org.opencontainers.image.ref.name) and
 * blobs/<alg>/<hex>.  Every file is written to a temporary and renamed; a
 * blob is renamed into place only after its digest and size were checked.
 * Opaque; close with wpkg_layout_close().
 */
struct wpkg_layout;

/*
 * Opens dir.  An existing directory must hold an oci-layout file of version
 * 1.x (WPKG_E_INVALID otherwise; WPKG_E_NOT_FOUND if dir is missing and
 * create is false).  With create, a missing or empty directory becomes a
 * layout (oci-layout, an empty index.json, blobs/sha256/), and a layout
 * missing index.json gets one; a non-empty directory without oci-layout is
 * refused.
 */
WPKG_API int wpkg_layout_open(struct wpkg_layout **out, const char *dir, bool create, struct wpkg_error *err);
WPKG_API void wpkg_layout_close(struct wpkg_layout *l);
WPKG_API const char *wpkg_layout_dir(const struct wpkg_layout *l);

WPKG_API int wpkg_layout_has_blob(struct wpkg_layout *l, const struct wpkg_digest *d, bool *present,
			 struct wpkg_error *err);
/*
 * Stores a blob, streamed from its file range (pread, never loaded whole) or
 * from memory, hashing as it goes: WPKG_E_DIGEST and no file left behind when
 * the bytes do not match b->desc.digest and size.  A blob already present
 * (same name, same size) is not written again.
 */
WPKG_API int wpkg_layout_put_blob(struct wpkg_layout *l, const struct wpkg_blob *b, struct wpkg_error *err);
/* The same for bytes in memory whose digest is d (size is len). */
WPKG_API int wpkg_layout_put_bytes(struct wpkg_layout *l, const struct wpkg_digest *d, const void *data,
			  size_t len, struct wpkg_error *err);
/* Path of a blob inside the layout ("DIR/blobs/sha256/HEX"); caller frees; NULL on ENOMEM. */
WPKG_API char *wpkg_layout_blob_path(const struct wpkg_layout *l, const struct wpkg_digest *d);
/*
 * Reads a blob of at most max bytes (WPKG_E_TOO_LARGE beyond) and checks its
 * digest (WPKG_E_DIGEST "blob sha256:.. in DIR: content does not match its
 * digest"); WPKG_E_NOT_FOUND when absent.  out is replaced only on success.
 */
WPKG_API int wpkg_layout_read_blob(struct wpkg_layout *l, const struct wpkg_digest *d, size_t max,
			  struct wpkg_buf *out, struct wpkg_error *err);

/*
 * Adds or replaces the index.json entry annotated
 * org.opencontainers.image.ref.name=tag: {"mediaType", "digest", "size",
 * "annotations"} from manifest (its own annotations kept, ref.name added).
 * Other entries, their order and unknown fields of index.json are kept; the
 * file is rewritten atomically.  tag NULL adds an untagged entry unless the
 * digest is listed already.
 */
WPKG_API int wpkg_layout_tag(struct wpkg_layout *l, const char *tag, const struct wpkg_descriptor *manifest,
		    struct wpkg_error *err);
/*
 * Finds the first index.json entry whose ref.name is tag_or_digest or, when it
 * contains ':', whose digest is tag_or_digest.  WPKG_E_NOT_FOUND if none.
 * Caller clears out with wpkg_descriptor_clear().
 */
WPKG_API int wpkg_layout_resolve(struct wpkg_layout *l, const char *tag_or_digest, struct wpkg_descriptor *out,
			struct wpkg_error *err);
/*
 * Every tag (the ref.name annotations of index.json's entries, in its
 * order).  *tags is never NULL on success, even with *n_tags 0.  Caller
 * frees each and the array.
 */
WPKG_API int wpkg_layout_tags(struct wpkg_layout *l, char ***tags, size_t *n_tags, struct wpkg_error *err);
/*
 * Drops every index.json entry whose digest is digest, tagged or not; the
 * blobs stay.  *removed (may be NULL) receives how many went; when none did,
 * index.json is not rewritten.
 */
WPKG_API int wpkg_layout_untag_digest(struct wpkg_layout *l, const struct wpkg_digest *digest, size_t *removed,
			     struct wpkg_error *err);
/*
 * Every index.json entry as a descriptor, in order (an entry that is not a
 * valid descriptor is WPKG_E_INVALID).  *entries is never NULL on success.
 * Caller clears each with wpkg_descriptor_clear and frees the array.
 */
WPKG_API int wpkg_layout_entries(struct wpkg_layout *l, struct wpkg_descriptor **entries, size_t *n_entries,
			struct wpkg_error *err);
/* Every layer blob of p, the config, the manifest bytes, then the tag (NULL: untagged). */
WPKG_API int wpkg_layout_write_package(struct wpkg_layout *l, const struct wpkg_package *p, const char *tag,
			      struct wpkg_error *err);

WPKG_END_DECL

#endif
