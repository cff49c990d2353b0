/* SPDX-License-Identifier: Apache-2.0 */
/* wasm_internal.h - what the files of the wasm reader share: a bounds-checked cursor and the decoders. */
#ifndef WPKG_WASM_INTERNAL_H
#define WPKG_WASM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wpkg/buf.h"
#include "wpkg/error.h"
#include "wpkg/fsutil.h"
#include "wpkg/wasm.h"

/* Nesting cap for components in components and for types in types: a hostile
 * file must not be able to exhaust the stack. Real files nest 4 levels at most. */
#define WASM_MAX_DEPTH 64

/*
 * A reader over [pos, end) of data.  data is always the whole file, so every
 * offset a message names is a file offset, at any nesting level.  Every read
 * checks against end (the enclosing section, module or file) and fails with
 * WPKG_E_INVALID and a message naming the offset.  When map is not NULL, data
 * is its lazily filled view: every read first asks wpkg_wasm_cur_ensure for
 * its bytes, so payloads the walk skips are never read from the file.
 */
struct wasm_cur {
	const uint8_t *data;
	struct wpkg_map *map;
	size_t pos;
	size_t end;
	struct wpkg_error *err;
};

/* wpkg_wasm_sections over data, or over map's lazily filled view when map is not NULL. */
int wpkg_wasm_sections_in(const uint8_t *data, struct wpkg_map *map, size_t len, wpkg_wasm_section_fn fn,
			  void *payload, struct wpkg_error *err);
/* Makes [at, at+len) of c's data readable (the one place the lazy view is filled); len is clipped to c->end. */
int wpkg_wasm_cur_ensure(struct wasm_cur *c, size_t at, size_t len);
int wpkg_wasm_cur_byte(struct wasm_cur *c, uint8_t *out, const char *what);
int wpkg_wasm_cur_u32(struct wasm_cur *c, uint32_t *out);
/* Skips a signed or unsigned LEB128 of at most max_bytes bytes (s33: 5, u64: 10). */
int wpkg_wasm_cur_skip_leb(struct wasm_cur *c, unsigned max_bytes);
/* A name: u32 length then that many bytes, which must fit in the range. */
int wpkg_wasm_cur_name(struct wasm_cur *c, const char *what, struct wpkg_slice *out);
/* A name copied to a NUL-terminated string: it must be UTF-8 without NUL bytes. */
int wpkg_wasm_cur_strdup(struct wasm_cur *c, const char *what, char **out);
/* A vector count; each element takes at least one byte, so a count larger than
 * what remains is refused before anyone loops or allocates on it. */
int wpkg_wasm_cur_count(struct wasm_cur *c, const char *what, uint32_t *out);
/* Fails unless the cursor consumed its whole range. */
int wpkg_wasm_cur_done(struct wasm_cur *c, const char *what);

/* One binary being walked: the file itself (depth 0) or a nested part. */
struct wasm_scope {
	size_t start;
	size_t end;
	enum wpkg_wasm_kind kind;
	unsigned depth;
};

/* A section header as read, with a custom section's name. */
struct wasm_sec {
	struct wpkg_wasm_section s;
	struct wpkg_slice custom_name;
	size_t custom_data;       /* offset of a custom section's data, after its name */
};

/*
 * FORMAT-NOTES §1: reads the preamble of [start, end) of d into *kind; what is
 * NULL for the file itself, else names the nested binary in messages.
 */
int wpkg_wasm_read_preamble(const uint8_t *d, struct wpkg_map *map, size_t start, size_t end, const char *what,
			    enum wpkg_wasm_kind *kind, struct wpkg_error *err);
/* FORMAT-NOTES §2-3: the section header at c->pos (pos < end), its payload checked against sc. */
int wpkg_wasm_next_section(struct wasm_cur *c, const struct wasm_scope *sc, struct wasm_sec *out);

/* nameattributes: 0x00/0x01 len name, or 0x02 len name vec(attribute); name may be NULL to skip. */
int wpkg_wasm_read_nameattrs(struct wasm_cur *c, const char *what, char **name);
/* externdesc of imports and of import/export declarations. */
int wpkg_wasm_skip_externdesc(struct wasm_cur *c, uint8_t *kind);
/* sort of a sortidx or an alias; *sort is 0x00 for core sorts (the core sort byte is consumed). */
int wpkg_wasm_read_sort(struct wasm_cur *c, uint8_t *sort);

/* A growable array of owned strings. */
struct wasm_strv {
	char **v;
	size_t n;
	size_t cap;
};
int wpkg_wasm_strv_push(struct wasm_strv *s, char *str, struct wpkg_error *err);
void wpkg_wasm_strv_free(struct wasm_strv *s);

/* What the top-level export section says about one export, for WIT package recognition. */
struct wasm_export_ref {
	uint8_t sort;
	uint32_t idx;
};

/* Top-level import (10) and export (11) sections of a component: [c->pos, c->end) is the
 * payload, section names it in messages ("section 10 at offset 0x29"). refs[k] describes names->v[k],
 * sorts[k] import k's externdesc kind; every name is checked (wpkg_wasm_check_name). */
int wpkg_wasm_read_imports(struct wasm_cur *c, const char *section, struct wasm_strv *names, uint8_t **sorts,
			   size_t *sorts_cap);
int wpkg_wasm_read_exports(struct wasm_cur *c, const char *section, struct wasm_strv *names,
			   struct wasm_export_ref **refs, size_t *refs_cap);
/* The producers custom section's data (after its name). */
int wpkg_wasm_read_producers(struct wasm_cur *c, struct wpkg_wasm_producer **out, size_t *n);
void wpkg_wasm_producers_free(struct wpkg_wasm_producer *p, size_t n);

/*
 * Recognises a binary WIT package (FORMAT-NOTES §7) in the top-level component
 * [data, data+len) whose exports are already in names/refs: when every export
 * is a type that resolves to a component type ending in an instance or
 * component export, sets *is_pkg and replaces each name with that fully
 * qualified name, followed by every world's own export keys not already
 * listed (oci-wasm's from_package), and sets *package to the package's
 * "ns:name@version".  Malformed type definitions on that path are errors.
 */
int wpkg_wasm_wit_package(const uint8_t *data, struct wpkg_map *map, size_t len, struct wasm_strv *names,
			  const struct wasm_export_ref *refs, bool *is_pkg, char **package, struct wpkg_error *err);

#endif
