/* wpkg/layout.h - an OCI image layout directory: oci-layout, index.json, blobs/<alg>/<hex>. */
#ifndef WPKG_LAYOUT_H
#define WPKG_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wpkg/buf.h"
#include "wpkg/digest.h"
#include "wpkg/error.h"
#include "wpkg/oci.h"
#include "wpkg/pack.h"

struct wpkg_layout;

/* Opens dir; with create, makes it (and oci-layout, index.json) if absent. */
int wpkg_layout_open(struct wpkg_layout **out, const char *dir, bool create, struct wpkg_error *err);
void wpkg_layout_close(struct wpkg_layout *l);
const char *wpkg_layout_dir(const struct wpkg_layout *l);

int wpkg_layout_has_blob(struct wpkg_layout *l, const struct wpkg_digest *d, bool *present,
			 struct wpkg_error *err);
/* Stores a blob (streamed from its file range or memory), verifying its digest and size. */
int wpkg_layout_put_blob(struct wpkg_layout *l, const struct wpkg_blob *b, struct wpkg_error *err);
int wpkg_layout_put_bytes(struct wpkg_layout *l, const struct wpkg_digest *d, const void *data,
			  size_t len, struct wpkg_error *err);
/* Path of a blob inside the layout; caller frees. */
char *wpkg_layout_blob_path(const struct wpkg_layout *l, const struct wpkg_digest *d);
/* Reads a blob of at most max bytes and checks its digest. */
int wpkg_layout_read_blob(struct wpkg_layout *l, const struct wpkg_digest *d, size_t max,
			  struct wpkg_buf *out, struct wpkg_error *err);

/* Adds or replaces the index.json entry annotated org.opencontainers.image.ref.name=tag. */
int wpkg_layout_tag(struct wpkg_layout *l, const char *tag, const struct wpkg_descriptor *manifest,
		    struct wpkg_error *err);
/* Finds the descriptor for a tag (ref.name) or a digest listed in index.json. */
int wpkg_layout_resolve(struct wpkg_layout *l, const char *tag_or_digest, struct wpkg_descriptor *out,
			struct wpkg_error *err);
/* Every blob of p, then the manifest, then the tag. */
int wpkg_layout_write_package(struct wpkg_layout *l, const struct wpkg_package *p, const char *tag,
			      struct wpkg_error *err);

#endif
