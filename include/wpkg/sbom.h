/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/sbom.h - CycloneDX SBOMs from the dependency list cargo-auditable embeds in a Wasm binary (.dep-v0). */
#ifndef WPKG_SBOM_H
#define WPKG_SBOM_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "wpkg/common.h"
#include "wpkg/mediatype.h"
#include "wpkg/buf.h"
#include "wpkg/error.h"

WPKG_BEGIN_DECL

#define WPKG_DEP_SECTION ".dep-v0"
/* The most a .dep-v0 section may inflate to. */
#define WPKG_DEP_INFLATED_MAX (2 * 1024 * 1024)
#define WPKG_CYCLONEDX_MT WPKG_MT_CYCLONEDX_JSON

/*
 * Finds the first custom section named ".dep-v0" in the binary, at its top
 * level or, in a component, in a nested module or component (pre-order).
 * *payload is the compressed data after the name, *offset its file offset.
 * WPKG_E_NOT_FOUND when there is none ("no .dep-v0 section: build with
 * cargo auditable"); malformed Wasm as wpkg_wasm_inspect reports it.
 */
WPKG_API int wpkg_sbom_find_deps(const uint8_t **payload, size_t *len, uint64_t *offset, const uint8_t *wasm,
			size_t wasm_len, struct wpkg_error *err);

/*
 * Inflates a .dep-v0 payload (zlib, at most max bytes, 0: WPKG_DEP_INFLATED_MAX)
 * and checks cargo-auditable's schema: {"packages":[{"name":S,"version":S,
 * "source":S,"kind"?:"build"|"runtime","dependencies"?:[index...],
 * "root"?:bool}], "format"?:N}, every index in range.  Errors name the file
 * offset of the section: ".dep-v0 section at offset 0x5e2a1: zlib: incorrect
 * header check".  *out gets the document (a new reference).
 */
WPKG_API int wpkg_sbom_decode_deps(json_t **out, const uint8_t *payload, size_t len, uint64_t offset, size_t max,
			  struct wpkg_error *err);

struct wpkg_sbom_opts {
	const char *name;           /* metadata.component.name, e.g. the file's base name (required) */
	const char *serial_number;  /* "urn:uuid:..." or NULL: no serialNumber (the output stays reproducible) */
	time_t timestamp;           /* metadata.timestamp; (time_t)-1: none */
	const char *tool_name;      /* metadata.tools.components[0], or NULL: no tools */
	const char *tool_version;
};

/*
 * A CycloneDX 1.5 JSON document (indented, ending in a newline) appended to
 * out: metadata.component is the binary itself (type application, its
 * SHA-256), components the packages in the section's order (crates.io
 * packages with a pkg:cargo purl; scope "excluded" for build dependencies,
 * else "required"; the source in a cargo:source property), dependencies
 * the graph, the binary depending on the root package(s).  The same input
 * and options give the same bytes.
 */
WPKG_API int wpkg_sbom_cyclonedx(struct wpkg_buf *out, const uint8_t *wasm, size_t len,
				 const struct wpkg_sbom_opts *opts, struct wpkg_error *err);

WPKG_END_DECL

#endif
