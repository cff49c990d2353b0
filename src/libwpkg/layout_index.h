/* SPDX-License-Identifier: Apache-2.0 */
/* layout_index.h - an image layout's oci-layout and index.json as documents, wherever their bytes come from. */
#ifndef WPKG_LAYOUT_INDEX_H
#define WPKG_LAYOUT_INDEX_H

#include <stddef.h>

#include <jansson.h>

#include "wpkg/error.h"
#include "wpkg/oci.h"

/*
 * A layout directory and an archive read in place share these (layout.c,
 * store_archive_read.c): what names the document in messages ("DIR/index.json",
 * "FILE: index.json").
 */

/* oci-layout must hold {"imageLayoutVersion": "1.x.y"}: WPKG_E_INVALID / WPKG_E_UNSUPPORTED otherwise. */
int wpkg_layout_version_check(const void *data, size_t len, const char *what, struct wpkg_error *err);
/* index.json: every field kept (for rewriting); "manifests": null reads as []; anything else not an array fails. */
int wpkg_layout_index_parse(json_t **out, const void *data, size_t len, const char *what, struct wpkg_error *err);
const char *wpkg_layout_entry_tag(const json_t *entry);
const char *wpkg_layout_entry_digest(const json_t *entry);
/*
 * The first entry whose ref.name is tag_or_digest, or (with ':') whose
 * digest is it; WPKG_E_NOT_FOUND "tag "T" / manifest D not found in NAME".
 */
int wpkg_layout_index_find(const json_t *root, const char *tag_or_digest, struct wpkg_descriptor *out,
			   const char *name, const char *what, struct wpkg_error *err);
/* The tags in index order; *tags never NULL on success (one spare NULL slot). */
int wpkg_layout_index_tags(const json_t *root, char ***tags, size_t *n_tags, struct wpkg_error *err);
/* Every entry as a descriptor (see wpkg_layout_entries). */
int wpkg_layout_index_entries(const json_t *root, struct wpkg_descriptor **entries, size_t *n_entries,
			      const char *what, struct wpkg_error *err);

#endif
