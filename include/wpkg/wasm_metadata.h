/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/wasm_metadata.h - a component's own metadata (wasm-metadata's custom sections) as OCI annotations. */
#ifndef WPKG_WASM_METADATA_H
#define WPKG_WASM_METADATA_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "wpkg/common.h"
#include "wpkg/error.h"
#include "wpkg/log.h"

WPKG_BEGIN_DECL

/*
 * The outermost custom sections wasm-metadata writes, each a UTF-8 string:
 * authors (or the legacy author), description, licenses (an SPDX
 * expression), source and homepage (URLs), revision, version.  Each field is
 * NULL when absent or skipped.  Control characters are never kept (tab, CR
 * and LF become spaces; the others are dropped).
 */
struct wpkg_wasm_metadata {
	char *authors;
	char *description;
	char *licenses;
	char *source;
	char *homepage;
	char *revision;
	char *version;
	unsigned skipped;      /* sections dropped as malformed (each logged as a warning) */
};

/*
 * Reads the metadata of the binary's outermost level; nested modules and
 * components are not entered.  Lenient where wasm-metadata is fatal: a
 * malformed section (not UTF-8, an invalid SPDX expression, a bad URL, empty)
 * is skipped with a warning naming it, to log (may be NULL).  Fails only when the binary itself
 * cannot be walked.  Free with wpkg_wasm_metadata_free.
 */
WPKG_API int wpkg_wasm_metadata_read(struct wpkg_wasm_metadata *out, const uint8_t *data, size_t len,
			    const struct wpkg_log_sink *log, struct wpkg_error *err);
WPKG_API void wpkg_wasm_metadata_free(struct wpkg_wasm_metadata *m);

/*
 * Sets org.opencontainers.image.{authors,description,licenses,source,url,
 * revision[,version]} in annotations (an object) for each field present,
 * leaving keys already there alone (so -a KEY=VALUE wins).  with_version 0
 * when publishing by name (the name's version is the one that counts).
 * Returns 0 or WPKG_E_NOMEM.
 */
WPKG_API int wpkg_wasm_metadata_annotate(json_t *annotations, const struct wpkg_wasm_metadata *m, int with_version);

/* 1 when s is an SPDX license expression (ids, LicenseRef-, WITH, AND/OR, parentheses), checked leniently. */
WPKG_API int wpkg_spdx_valid(const char *s);
/* 1 when s looks like an absolute URL: scheme ":" then a non-empty rest without spaces. */
WPKG_API int wpkg_url_valid(const char *s);

WPKG_END_DECL

#endif
