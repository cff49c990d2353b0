/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/wasm_config.h - the CNCF TAG Runtime Wasm config (application/vnd.wasm.config.v0+json). */
#ifndef WPKG_WASM_CONFIG_H
#define WPKG_WASM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "wpkg/common.h"
#include "wpkg/buf.h"
#include "wpkg/error.h"

WPKG_BEGIN_DECL

struct wpkg_wasm_config {
	char *created;          /* RFC 3339, "2024-01-02T03:04:05Z" */
	char *author;           /* NULL serialises as null */
	char *architecture;     /* "wasm" */
	char *os;               /* "wasip2" or "wasip1" */
	char **layer_digests;
	size_t n_layer_digests;
	bool has_component;     /* false: "component": null (core modules) */
	char **exports;
	size_t n_exports;
	char **imports;
	size_t n_imports;
	char *target;           /* NULL serialises as null */
	json_t *extra;          /* wpkg extension fields kept in order after component; NULL if none */
};

/*
 * Exactly the bytes the reference implementation writes: compact JSON, keys
 * created, author, architecture, os, layerDigests, component{exports, imports,
 * target}, then any extra fields.
 */
WPKG_API int wpkg_wasm_config_serialize(struct wpkg_buf *out, const struct wpkg_wasm_config *c,
			       struct wpkg_error *err);
/* Reads a config; unknown fields ignored, duplicate keys refused. */
WPKG_API int wpkg_wasm_config_parse(struct wpkg_wasm_config **out, const void *data, size_t len,
			   struct wpkg_error *err);
WPKG_API void wpkg_wasm_config_free(struct wpkg_wasm_config *c);

/* The build time: SOURCE_DATE_EPOCH when set (it must be a whole number), else now. */
WPKG_API int wpkg_build_time(time_t *out, struct wpkg_error *err);
/* Formats t as "YYYY-MM-DDTHH:MM:SSZ" (UTC). */
WPKG_API void wpkg_format_rfc3339(char out[32], time_t t);

WPKG_END_DECL

#endif
