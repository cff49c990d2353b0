/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/wasm.h - a structural reader for core modules and components: kind, world, nested parts. */
#ifndef WPKG_WASM_H
#define WPKG_WASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wpkg/common.h"
#include "wpkg/error.h"

WPKG_BEGIN_DECL

enum wpkg_wasm_kind {
	WPKG_WASM_MODULE = 1,     /* 00 61 73 6d 01 00 00 00 */
	WPKG_WASM_COMPONENT = 2,  /* 00 61 73 6d 0d 00 01 00 */
};

/* A core module (from a section 1) or component (from a section 4) nested in a component. */
struct wpkg_wasm_part {
	size_t index;             /* pre-order walk index, 1-based; 0 is the file itself */
	size_t parent;            /* walk index of the enclosing binary (0 = the file) */
	unsigned depth;           /* 1 for a direct child of the file */
	enum wpkg_wasm_kind kind;
	uint64_t section_offset;  /* file offset of the section's id byte */
	uint32_t header_len;      /* id byte + size LEB, exactly as encoded (padding included) */
	uint64_t offset;          /* file offset of the nested binary's first byte */
	uint64_t size;            /* its length (the section payload size) */
	char sha256[65];          /* lowercase hex; "" unless WPKG_WASM_HASH_PARTS */
};

/* One value of the producers custom section: field is "language", "processed-by" or "sdk". */
struct wpkg_wasm_producer {
	char *field;
	char *name;
	char *version;            /* "" when empty */
};

struct wpkg_wasm_info {
	enum wpkg_wasm_kind kind;
	uint64_t size;
	char sha256[65];          /* of the whole file; "" unless WPKG_WASM_HASH_FILE */
	char **imports;           /* top-level import names, binary order (components only) */
	size_t n_imports;
	char **exports;           /* top-level export names, binary order; for a WIT package, */
	size_t n_exports;         /* the fully qualified names of the exported types */
	struct wpkg_wasm_part *parts;   /* every nested part, pre-order */
	size_t n_parts;
	struct wpkg_wasm_producer *producers;  /* the file's own top-level producers section */
	size_t n_producers;
	bool is_wit_package;      /* a component that encodes a WIT package */
	size_t n_sections;        /* top-level sections */
	/* What each top-level import/export is (enum wpkg_wasm_sort), parallel to
	 * imports and exports; export_sorts is NULL for a WIT package, whose
	 * exports are then the names oci-wasm lists (see wasm_witpkg.c). */
	uint8_t *import_sorts;
	uint8_t *export_sorts;
	char *wit_package;        /* a WIT package's own "ns:name@version" ("ns:name" unversioned), else NULL */
};

/* A component import's externdesc kind, or an export's sort: the binary's own numbers. */
enum wpkg_wasm_sort {
	WPKG_WASM_SORT_MODULE = 0,    /* core module */
	WPKG_WASM_SORT_FUNC = 1,
	WPKG_WASM_SORT_VALUE = 2,
	WPKG_WASM_SORT_TYPE = 3,
	WPKG_WASM_SORT_COMPONENT = 4,
	WPKG_WASM_SORT_INSTANCE = 5,
};

/* "module", "func", "value", "type", "component" or "instance". */
WPKG_API const char *wpkg_wasm_sort_name(uint8_t sort);

/*
 * The component.imports and component.exports of the CNCF config, as
 * rust-oci-wasm derives them through wit-component: imports of core modules,
 * components and values are not part of the world and are left out; an
 * export that is not a function or an instance (a type, core module, value
 * or component) is refused with WPKG_E_INVALID ("component export `NAME` was
 * not a function or instance", wit-component's reason) unless lenient, which
 * leaves it out.  A WIT package's exports are taken as they are.  The
 * vectors are NULL-terminated copies (free each string and the vector);
 * *imports and *exports are set only on success.
 */
WPKG_API int wpkg_wasm_world_lists(const struct wpkg_wasm_info *info, bool lenient, char ***imports, size_t *n_imports,
				   char ***exports, size_t *n_exports, struct wpkg_error *err);

/*
 * Checks name as wasmparser checks a component import or export name: a
 * kebab-case label, [constructor]/[method]/[static]/[async...] forms, an
 * interface name ns:pkg/iface[@semver], or url=, integrity=,
 * locked-dep= and unlocked-dep= names.  WPKG_E_INVALID says what is wrong.
 */
WPKG_API int wpkg_wasm_check_name(const char *name, struct wpkg_error *err);

enum wpkg_wasm_flags {
	WPKG_WASM_HASH_FILE = 1u << 0,
	WPKG_WASM_HASH_PARTS = 1u << 1,
};

/*
 * Walks data (which must stay valid during the call; nothing is copied) and
 * fills *out.  Every size is bounds-checked against its enclosing range (the
 * file, or the nested binary) before use; nested binaries are walked to a
 * depth of 64.  Malformed input gives WPKG_E_INVALID with a one-line message
 * naming the file offset and the problem, e.g. "section 0 at offset 0x412
 * declares 63 bytes but only 62 remain in the file".  *out is set only on
 * success; caller frees it with wpkg_wasm_info_free().
 */
WPKG_API int wpkg_wasm_inspect(struct wpkg_wasm_info **out, const uint8_t *data, size_t len,
		      unsigned flags, struct wpkg_error *err);
/* Maps path read-only and inspects it. Error messages are prefixed with the path. */
WPKG_API int wpkg_wasm_inspect_file(struct wpkg_wasm_info **out, const char *path, unsigned flags,
			   struct wpkg_error *err);
WPKG_API void wpkg_wasm_info_free(struct wpkg_wasm_info *info);

/* "module" or "component". */
WPKG_API const char *wpkg_wasm_kind_name(enum wpkg_wasm_kind kind);
/* "wasip1" for a module, "wasip2" for a component. */
WPKG_API const char *wpkg_wasm_os(enum wpkg_wasm_kind kind);

/*
 * Top-level section walk, for tools that cut and re-join a binary.  Each
 * section is reported with its exact header bytes, so re-emitting header +
 * payload in order reproduces the input byte for byte.
 */
struct wpkg_wasm_section {
	uint8_t id;
	uint64_t offset;          /* of the id byte */
	uint32_t header_len;      /* id byte + LEB bytes */
	uint64_t payload_offset;
	uint64_t payload_size;
};

/* Checks the preamble, then calls fn for every top-level section of the binary
 * in [data, data+len), each framed and bounds-checked as inspect does (nested
 * binaries are not entered); a non-zero return from fn stops the walk and is
 * returned. */
typedef int (*wpkg_wasm_section_fn)(void *payload, const struct wpkg_wasm_section *s);
WPKG_API int wpkg_wasm_sections(const uint8_t *data, size_t len, wpkg_wasm_section_fn fn, void *payload,
		       struct wpkg_error *err);

/* Decodes an unsigned LEB128 of at most 32 bits at data[*pos], advancing *pos.
 * Returns 0, or WPKG_E_INVALID for truncation, more than 5 bytes, or > 32 bits. */
WPKG_API int wpkg_leb_u32(const uint8_t *data, size_t end, size_t *pos, uint32_t *out);

WPKG_END_DECL

#endif
