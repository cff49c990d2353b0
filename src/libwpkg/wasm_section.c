/* SPDX-License-Identifier: Apache-2.0 */
/* wasm_section.c - the preamble and section headers of a module or component, and the public section iterator. */
#include <stdio.h>
#include <string.h>

#include "utf8_internal.h"
#include "wasm_internal.h"

const char *wpkg_wasm_kind_name(enum wpkg_wasm_kind kind)
{
	return kind == WPKG_WASM_MODULE ? "module" : kind == WPKG_WASM_COMPONENT ? "component" : "unknown";
}

const char *wpkg_wasm_os(enum wpkg_wasm_kind kind)
{
	return kind == WPKG_WASM_MODULE ? "wasip1" : kind == WPKG_WASM_COMPONENT ? "wasip2" : "unknown";
}

/* Looks like WAT text (FORMAT-NOTES bad/wat-text.wasm): say so, it is a common mistake. */
static const char *text_hint(const uint8_t *d, size_t len, struct wpkg_map *map)
{
	size_t i = 0;

	/* only the first block: leading white space longer than that is not worth reading a file for */
	if (len > WPKG_MAP_BLOCK)
		len = WPKG_MAP_BLOCK;
	if (wpkg_map_ensure(map, 0, len, NULL) < 0)
		return "";

	while (i < len && (d[i] == ' ' || d[i] == '\t' || d[i] == '\n' || d[i] == '\r'))
		i++;
	if (i < len && (d[i] == '(' || (d[i] == ';' && i + 1 < len && d[i + 1] == ';')))
		return "; this looks like WebAssembly text (WAT): compile it to a binary first";
	return "";
}

/*
 * FORMAT-NOTES §1: the layer (bytes 6..7) decides module or component, then
 * the version must be the one wpkg reads.  what is NULL for the file itself,
 * else "nested module at 0x5d" and messages are prefixed with it.
 */
int wpkg_wasm_read_preamble(const uint8_t *d, struct wpkg_map *map, size_t start, size_t end, const char *what,
			 enum wpkg_wasm_kind *kind, struct wpkg_error *err)
{
	const uint8_t *p = d + start;
	size_t len = end - start;
	unsigned version, layer;
	char pre[64] = "";
	int rc = wpkg_map_ensure(map, start, len < 8 ? len : 8, err);

	if (rc < 0)
		return rc;
	if (what)
		snprintf(pre, sizeof(pre), "%s: ", what);
	if (len == 0 && what == NULL)
		return wpkg_error_set(err, WPKG_E_INVALID, "empty file: not a WebAssembly binary");
	if (len >= 4 && memcmp(p, "\0asm", 4) != 0)
		return wpkg_error_set(err, WPKG_E_INVALID,
				      "%snot a WebAssembly binary: bad magic %02x %02x %02x %02x at offset 0x%zx "
				      "(expected 00 61 73 6d)%s",
				      pre, p[0], p[1], p[2], p[3], start, what ? "" : text_hint(p, len, map));
	/* a short text file is the likelier mistake than a cut-off Wasm binary: say so */
	if (len < 4 && what == NULL && memcmp(p, "\0asm", len) != 0)
		return wpkg_error_set(err, WPKG_E_INVALID, "not a WebAssembly binary: %zu bytes, not starting with "
				      "00 61 73 6d; give a .wasm file%s", len, text_hint(p, len, map));
	if (len < 8)
		return wpkg_error_set(err, WPKG_E_INVALID, "truncated preamble: %s has %zu bytes, need 8",
				      what ? what : "file", len);
	version = p[4] | (unsigned)p[5] << 8;
	layer = p[6] | (unsigned)p[7] << 8;
	if (layer == 0 && version == 0x01) {
		*kind = WPKG_WASM_MODULE;
		return 0;
	}
	if (layer == 1 && version == 0x0d) {
		*kind = WPKG_WASM_COMPONENT;
		return 0;
	}
	if (layer == 0)
		return wpkg_error_set(err, WPKG_E_INVALID, "%sunsupported core module version 0x%02x (layer 0) "
				      "at offset 0x%zx: wpkg reads version 0x01", pre, version, start + 4);
	if (layer == 1)
		return wpkg_error_set(err, WPKG_E_INVALID, "%sunsupported component version 0x%02x (layer 1) "
				      "at offset 0x%zx: wpkg reads version 0x0d", pre, version, start + 4);
	return wpkg_error_set(err, WPKG_E_INVALID, "%sunknown layer %u at offset 0x%zx "
			      "(0 is a core module, 1 a component)", pre, layer, start + 6);
}

/* FORMAT-NOTES §2-3: id byte, u32 LEB size, payload within the enclosing binary. */
/* wasmparser reads a custom section's name as a string: one that is not UTF-8 fails the whole binary. */
static int custom_name_utf8(struct wasm_cur *c, const struct wpkg_slice *name)
{
	size_t off = 0;

	while (off < name->len) {
		size_t bad = off + wpkg_utf8_bad_at(name->ptr + off, name->len - off);

		if (bad == name->len)
			break;
		if (name->ptr[bad] != 0) /* a NUL is valid UTF-8, only not a C string: the name is never copied */
			return wpkg_error_set(c->err, WPKG_E_INVALID, "custom section name at offset 0x%zx is not "
					      "valid UTF-8: bad byte at offset 0x%zx", (size_t)(name->ptr - c->data),
					      (size_t)(name->ptr - c->data) + bad);
		off = bad + 1;
	}
	return 0;
}

int wpkg_wasm_next_section(struct wasm_cur *c, const struct wasm_scope *sc, struct wasm_sec *out)
{
	unsigned max_id = sc->kind == WPKG_WASM_COMPONENT ? 12 : 13;
	size_t at = c->pos;
	uint32_t size;
	uint8_t id;
	int rc;

	rc = wpkg_wasm_cur_ensure(c, c->pos, 1); /* the caller loops while pos < end */
	if (rc < 0)
		return rc;
	id = c->data[c->pos++];
	if (id > max_id)
		return wpkg_error_set(c->err, WPKG_E_INVALID, "unknown section id %u at offset 0x%zx "
				      "(a %s has ids 0 to %u)", id, at, wpkg_wasm_kind_name(sc->kind), max_id);
	rc = wpkg_wasm_cur_u32(c, &size);
	if (rc < 0)
		return rc;
	if (size > c->end - c->pos) {
		if (sc->depth == 0)
			return wpkg_error_set(c->err, WPKG_E_INVALID, "section %u at offset 0x%zx declares %u bytes "
					      "but only %zu remain in the file", id, at, size, c->end - c->pos);
		return wpkg_error_set(c->err, WPKG_E_INVALID, "section %u at offset 0x%zx in nested %s at 0x%zx "
				      "declares %u bytes but only %zu remain in the %s", id, at,
				      wpkg_wasm_kind_name(sc->kind), sc->start, size, c->end - c->pos,
				      wpkg_wasm_kind_name(sc->kind));
	}
	out->s.id = id;
	out->s.offset = at;
	out->s.header_len = (uint32_t)(c->pos - at);
	out->s.payload_offset = c->pos;
	out->s.payload_size = size;
	c->pos += size;
	if (id == 0) {
		struct wasm_cur nc = { c->data, c->map, out->s.payload_offset, c->pos, c->err };

		rc = wpkg_wasm_cur_name(&nc, "custom section name", &out->custom_name);
		if (rc < 0)
			return rc;
		rc = custom_name_utf8(c, &out->custom_name);
		if (rc < 0)
			return rc;
		out->custom_data = nc.pos;
	}
	return 0;
}

int wpkg_wasm_sections_in(const uint8_t *data, struct wpkg_map *map, size_t len, wpkg_wasm_section_fn fn,
			  void *payload, struct wpkg_error *err)
{
	struct wasm_scope sc = { 0, len, WPKG_WASM_MODULE, 0 };
	struct wasm_cur c = { data, map, 8, len, err };
	int rc;

	rc = wpkg_wasm_read_preamble(data, map, 0, len, NULL, &sc.kind, err);
	while (rc == 0 && c.pos < c.end) {
		struct wasm_sec s;

		rc = wpkg_wasm_next_section(&c, &sc, &s);
		if (rc == 0)
			rc = fn(payload, &s.s);
	}
	return rc;
}

int wpkg_wasm_sections(const uint8_t *data, size_t len, wpkg_wasm_section_fn fn, void *payload,
		       struct wpkg_error *err)
{
	return wpkg_wasm_sections_in(data, NULL, len, fn, payload, err);
}
