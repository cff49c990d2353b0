/* SPDX-License-Identifier: Apache-2.0 */
/* wasm_witpkg.c - binary WIT packages: the type index space and the fully qualified names in it (FORMAT-NOTES §7). */
#include <stdlib.h>
#include <string.h>

#include "wasm_internal.h"

/*
 * A WIT package exports short names ("types", "proxy") of component types;
 * the fully qualified name ("wasi:http/types@0.2.0") is the last export
 * declaration inside each.  Finding it means walking the type grammar of
 * [CM-Binary] "Type Definitions" (plus the later async, fixed-size list and
 * map additions) just far enough to skip every definition.
 */

static int bad(struct wasm_cur *c, const char *what, uint8_t b)
{
	return wpkg_error_set(c->err, WPKG_E_INVALID, "unknown %s 0x%02x at offset 0x%zx", what, b, c->pos - 1);
}

static int too_deep(struct wasm_cur *c)
{
	return wpkg_error_set(c->err, WPKG_E_INVALID, "type definitions at offset 0x%zx nest more than %d levels deep",
			      c->pos, WASM_MAX_DEPTH);
}

/* valtype ::= typeidx | primvaltype, both one s33 */
static int skip_valtype(struct wasm_cur *c)
{
	return wpkg_wasm_cur_skip_leb(c, 5);
}

/* T? ::= 0x00 | 0x01 T, for a valtype or (with idx) a u32 index */
static int skip_opt(struct wasm_cur *c, bool idx)
{
	uint32_t v;
	uint8_t b;
	int rc;

	rc = wpkg_wasm_cur_byte(c, &b, "optional flag");
	if (rc < 0 || b == 0x00)
		return rc;
	if (b != 0x01)
		return bad(c, "optional flag", b);
	return idx ? wpkg_wasm_cur_u32(c, &v) : skip_valtype(c);
}

/* vec(label' valtype?) with with_type, vec(label') without */
static int skip_labels(struct wasm_cur *c, bool with_type)
{
	struct wpkg_slice s;
	uint32_t n, i;
	int rc;

	rc = wpkg_wasm_cur_count(c, "label", &n);
	for (i = 0; rc == 0 && i < n; i++) {
		rc = wpkg_wasm_cur_name(c, "label", &s);
		if (rc == 0 && with_type)
			rc = skip_valtype(c);
	}
	return rc;
}

static int skip_valtypes(struct wasm_cur *c)
{
	uint32_t n, i;
	int rc;

	rc = wpkg_wasm_cur_count(c, "value type", &n);
	for (i = 0; rc == 0 && i < n; i++)
		rc = skip_valtype(c);
	return rc;
}

/* core value types: one negative s7 byte, or 0x63/0x64 (ref null? ht) followed by an s33 heap type */
static int skip_core_valtype(struct wasm_cur *c)
{
	uint8_t b;
	int rc;

	rc = wpkg_wasm_cur_byte(c, &b, "core value type");
	if (rc < 0)
		return rc;
	if (b == 0x63 || b == 0x64)
		return wpkg_wasm_cur_skip_leb(c, 5);
	return b >= 0x40 && b < 0x80 ? 0 : bad(c, "core value type", b);
}

/* limits: flags (bit 0 max present, bit 1 shared, bit 2 64-bit) then min and max */
static int skip_limits(struct wasm_cur *c)
{
	unsigned width;
	uint8_t f;
	int rc;

	rc = wpkg_wasm_cur_byte(c, &f, "limits flags");
	if (rc < 0)
		return rc;
	if (f > 0x07)
		return bad(c, "limits flags", f);
	width = (f & 0x04) ? 10 : 5;
	rc = wpkg_wasm_cur_skip_leb(c, width);
	if (rc == 0 && (f & 0x01))
		rc = wpkg_wasm_cur_skip_leb(c, width);
	return rc;
}

static int skip_importdesc(struct wasm_cur *c)
{
	uint32_t v;
	uint8_t b;
	int rc;

	rc = wpkg_wasm_cur_byte(c, &b, "core import kind");
	if (rc < 0)
		return rc;
	switch (b) {
	case 0x00: return wpkg_wasm_cur_u32(c, &v);                       /* func */
	case 0x01: rc = skip_core_valtype(c); return rc ? rc : skip_limits(c); /* table */
	case 0x02: return skip_limits(c);                                 /* memory */
	case 0x03:                                                        /* global */
		rc = skip_core_valtype(c);
		return rc ? rc : wpkg_wasm_cur_byte(c, &b, "global mutability");
	case 0x04:                                                        /* tag */
		rc = wpkg_wasm_cur_byte(c, &b, "tag attribute");
		return rc ? rc : wpkg_wasm_cur_u32(c, &v);
	}
	return bad(c, "core import kind", b);
}

static int skip_core_type(struct wasm_cur *c, unsigned depth)
{
	struct wpkg_slice s;
	uint32_t n, i, v;
	uint8_t b;
	int rc;

	if (depth > WASM_MAX_DEPTH)
		return too_deep(c);
	rc = wpkg_wasm_cur_byte(c, &b, "core type");
	if (rc < 0)
		return rc;
	if (b == 0x60) { /* func: vec(valtype) -> vec(valtype) */
		rc = wpkg_wasm_cur_count(c, "core value type", &n);
		for (i = 0; rc == 0 && i < n; i++)
			rc = skip_core_valtype(c);
		if (rc == 0)
			rc = wpkg_wasm_cur_count(c, "core value type", &n);
		for (i = 0; rc == 0 && i < n; i++)
			rc = skip_core_valtype(c);
		return rc;
	}
	if (b != 0x50)
		return bad(c, "core type", b);
	rc = wpkg_wasm_cur_count(c, "module declaration", &n); /* module type: vec(moduledecl) */
	for (i = 0; rc == 0 && i < n; i++) {
		rc = wpkg_wasm_cur_byte(c, &b, "module declaration");
		if (rc < 0)
			break;
		switch (b) {
		case 0x00: /* import: module name, field name, importdesc */
			rc = wpkg_wasm_cur_name(c, "core import module", &s);
			if (rc == 0)
				rc = wpkg_wasm_cur_name(c, "core import name", &s);
			if (rc == 0)
				rc = skip_importdesc(c);
			break;
		case 0x01:
			rc = skip_core_type(c, depth + 1);
			break;
		case 0x02: /* alias: core sort, 0x01 (outer), count, index */
			rc = wpkg_wasm_cur_byte(c, &b, "core sort");
			if (rc == 0)
				rc = wpkg_wasm_cur_byte(c, &b, "core alias target");
			if (rc == 0 && b != 0x01)
				rc = bad(c, "core alias target", b);
			if (rc == 0)
				rc = wpkg_wasm_cur_u32(c, &v);
			if (rc == 0)
				rc = wpkg_wasm_cur_u32(c, &v);
			break;
		case 0x03: /* export: name, importdesc */
			rc = wpkg_wasm_cur_name(c, "core export name", &s);
			if (rc == 0)
				rc = skip_importdesc(c);
			break;
		default:
			rc = bad(c, "module declaration", b);
		}
	}
	return rc;
}

/* alias ::= sort aliastarget; aliastarget ::= 0x00 idx name | 0x01 idx name | 0x02 ct idx */
static int read_alias(struct wasm_cur *c, uint8_t *sort)
{
	struct wpkg_slice s;
	uint32_t v;
	uint8_t t;
	int rc;

	rc = wpkg_wasm_read_sort(c, sort);
	if (rc == 0)
		rc = wpkg_wasm_cur_byte(c, &t, "alias target");
	if (rc == 0 && t > 0x02)
		rc = bad(c, "alias target", t);
	if (rc == 0)
		rc = wpkg_wasm_cur_u32(c, &v);
	if (rc == 0)
		rc = t == 0x02 ? wpkg_wasm_cur_u32(c, &v) : wpkg_wasm_cur_name(c, "alias name", &s);
	return rc;
}

/* What a component or instance type ends with: enough to read a WIT package's name. */
struct last_decl {
	uint8_t tag;         /* 0x04 for an export declaration */
	size_t name_at;      /* offset of its nameattributes */
	uint8_t extern_kind; /* 0x04 component, 0x05 instance */
};

static int skip_deftype(struct wasm_cur *c, unsigned depth, struct last_decl *last);

/*
 * componentdecl ::= 0x03 importdecl | instancedecl
 * instancedecl  ::= 0x00 core:type | 0x01 type | 0x02 alias | 0x04 exportdecl
 */
static int skip_decls(struct wasm_cur *c, unsigned depth, bool component, struct last_decl *last)
{
	uint32_t n, i;
	uint8_t b;
	int rc;

	rc = wpkg_wasm_cur_count(c, "type declaration", &n);
	for (i = 0; rc == 0 && i < n; i++) {
		size_t name_at;

		rc = wpkg_wasm_cur_byte(c, &b, "type declaration");
		if (rc < 0)
			break;
		name_at = c->pos;
		switch (b) {
		case 0x00: rc = skip_core_type(c, depth + 1); break;
		case 0x01: rc = skip_deftype(c, depth + 1, NULL); break;
		case 0x02: rc = read_alias(c, &b); b = 0x02; break;
		case 0x03: case 0x04: /* import and export declarations have the same layout */
			if (b == 0x03 && !component)
				return bad(c, "instance type declaration", b);
			rc = wpkg_wasm_read_nameattrs(c, "declaration name", NULL);
			if (rc == 0)
				rc = wpkg_wasm_skip_externdesc(c, last ? &last->extern_kind : NULL);
			break;
		default:
			return bad(c, "type declaration", b);
		}
		if (last) {
			last->tag = b;
			last->name_at = name_at;
		}
	}
	return rc;
}

static int skip_deftype(struct wasm_cur *c, unsigned depth, struct last_decl *last)
{
	uint32_t v, n, i;
	uint8_t b;
	int rc;

	if (depth > WASM_MAX_DEPTH)
		return too_deep(c);
	rc = wpkg_wasm_cur_byte(c, &b, "type");
	if (rc < 0)
		return rc;
	if ((b >= 0x73 && b <= 0x7f) || b == 0x64) /* primitive value types, error-context */
		return 0;
	switch (b) {
	case 0x72: return skip_labels(c, true);                     /* record */
	case 0x71:                                                  /* variant */
		rc = wpkg_wasm_cur_count(c, "variant case", &n);
		for (i = 0; rc == 0 && i < n; i++) {
			struct wpkg_slice s;

			rc = wpkg_wasm_cur_name(c, "variant case", &s);
			if (rc == 0)
				rc = skip_opt(c, false);
			if (rc == 0) /* 0x00, or 0x01 refines (pre-2024 files) */
				rc = skip_opt(c, true);
		}
		return rc;
	case 0x70: case 0x6b: return skip_valtype(c);               /* list, option */
	case 0x67:                                                  /* fixed-size list */
		rc = skip_valtype(c);
		return rc ? rc : wpkg_wasm_cur_u32(c, &v);
	case 0x6f: case 0x6c: return skip_valtypes(c);              /* tuple, union (pre-2023) */
	case 0x6e: case 0x6d: return skip_labels(c, false);         /* flags, enum */
	case 0x6a:                                                  /* result */
		rc = skip_opt(c, false);
		return rc ? rc : skip_opt(c, false);
	case 0x69: case 0x68: return wpkg_wasm_cur_u32(c, &v);      /* own, borrow */
	case 0x66: case 0x65: return skip_opt(c, false);            /* stream, future */
	case 0x63:                                                  /* map */
		rc = skip_valtype(c);
		return rc ? rc : skip_valtype(c);
	case 0x40: case 0x43:                                       /* func, async func */
		rc = skip_labels(c, true);
		if (rc == 0)
			rc = wpkg_wasm_cur_byte(c, &b, "result list");
		if (rc == 0 && b > 0x01)
			rc = bad(c, "result list", b);
		if (rc == 0) /* 0x00 valtype | 0x01 vec(labelvaltype), today always empty */
			rc = b == 0x00 ? skip_valtype(c) : skip_labels(c, true);
		return rc;
	case 0x41: return skip_decls(c, depth, true, last);         /* component */
	case 0x42: return skip_decls(c, depth, false, NULL);        /* instance */
	case 0x3f: case 0x3e:                                       /* resource (sync, async) */
	{
		uint8_t rep;

		rc = wpkg_wasm_cur_byte(c, &rep, "resource representation");
		if (rc == 0 && rep != 0x7f)
			rc = bad(c, "resource representation", rep);
		if (rc == 0)
			rc = skip_opt(c, true);
		if (rc == 0 && b == 0x3e) /* the async form adds a callback */
			rc = skip_opt(c, true);
		return rc;
	}
	}
	return bad(c, "type", b);
}

/* The component's type index space, as far as exports of types can reach into it. */
enum tslot_kind { TSLOT_OPAQUE, TSLOT_DEF, TSLOT_ALIAS };

struct tslot {
	enum tslot_kind kind;
	uint32_t target;          /* TSLOT_ALIAS: the index it re-exports */
	size_t offset;            /* TSLOT_DEF: the definition's first byte ... */
	size_t end;               /* ... and the end of its section */
};

struct tspace {
	struct tslot *v;
	size_t n;
	size_t cap;
	const uint8_t *data;
	struct wpkg_map *map;
	const struct wasm_export_ref *refs;
	size_t next_export;
	struct wpkg_error *err;
};

static int tspace_add(struct tspace *t, struct tslot slot)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct tslot *v = realloc(t->v, cap * sizeof(*v));

		if (v == NULL)
			return wpkg_error_nomem(t->err);
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n++] = slot;
	return 0;
}

/* Appends the type indices each top-level section defines, in order (imports are absent here). */
static int index_section(void *payload, const struct wpkg_wasm_section *s)
{
	struct tspace *t = payload;
	struct wasm_cur c = { t->data, t->map, s->payload_offset, s->payload_offset + s->payload_size, t->err };
	uint32_t n, i;
	int rc = 0;

	if (s->id != 6 && s->id != 7 && s->id != 11)
		return 0;
	rc = wpkg_wasm_cur_count(&c, "entry", &n);
	for (i = 0; rc == 0 && i < n; i++) {
		struct tslot slot = { TSLOT_OPAQUE, 0, c.pos, c.end };
		uint8_t sort;

		if (s->id == 7) { /* every type definition is a new index */
			slot.kind = TSLOT_DEF;
			rc = skip_deftype(&c, 1, NULL);
		} else if (s->id == 6) { /* aliases of types are indices we cannot see into */
			rc = read_alias(&c, &sort);
			if (rc < 0 || sort != 0x03)
				continue;
		} else { /* exports were decoded already: an exported type re-exports an index */
			const struct wasm_export_ref *r = &t->refs[t->next_export++];

			if (r->sort != 0x03)
				continue;
			slot.kind = TSLOT_ALIAS;
			slot.target = r->idx;
		}
		if (rc == 0)
			rc = tspace_add(t, slot);
	}
	return rc;
}

/* Follows re-exports to a definition; every alias points strictly downwards, so this ends. */
static const struct tslot *resolve(const struct tspace *t, uint32_t idx)
{
	while (idx < t->n && t->v[idx].kind == TSLOT_ALIAS) {
		if (t->v[idx].target >= idx)
			return NULL;
		idx = t->v[idx].target;
	}
	return idx < t->n && t->v[idx].kind == TSLOT_DEF ? &t->v[idx] : NULL;
}

/*
 * The fully qualified name of the component type at slot, or *name NULL when
 * it has none; *kind is what its final export declaration exports (0x04 a
 * world, 0x05 an interface) and *world_at, for a world, where the
 * declaration's type index is.
 */
static int qualified_name(struct tspace *t, const struct tslot *slot, char **name, uint8_t *kind, size_t *world_at)
{
	struct wasm_cur c = { t->data, t->map, slot->offset, slot->end, t->err };
	struct last_decl last = { 0, 0, 0 };
	int rc;

	*name = NULL;
	if (slot->offset >= slot->end)
		return 0;
	rc = wpkg_wasm_cur_ensure(&c, slot->offset, 1);
	if (rc < 0 || t->data[slot->offset] != 0x41)
		return rc;
	rc = skip_deftype(&c, 1, &last);
	if (rc < 0 || last.tag != 0x04 || (last.extern_kind != 0x04 && last.extern_kind != 0x05))
		return rc;
	c.pos = last.name_at;
	rc = wpkg_wasm_read_nameattrs(&c, "declaration name", name);
	*kind = last.extern_kind;
	*world_at = c.pos + 1;   /* after the externdesc's kind byte: the type index */
	return rc;
}

static bool listed(const struct wasm_strv *v, const char *s)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->v[i], s) == 0)
			return true;
	return false;
}

/* Pushes s (owned) unless it is listed already: oci-wasm collects the names into a set. */
static int push_new(struct wasm_strv *v, char *s, struct wpkg_error *err)
{
	if (listed(v, s)) {
		free(s);
		return 0;
	}
	return wpkg_wasm_strv_push(v, s, err);
}

/*
 * A world's own export keys, as wit-parser's name_world_key spells them: the
 * export declarations of the component type the world's declaration names.
 * The world type (at slot) declares that type first; its local type index
 * space counts type definitions, type aliases and type imports/exports.
 */
static int world_keys(struct tspace *t, const struct tslot *slot, size_t idx_at, struct wasm_strv *out)
{
	struct wasm_cur c = { t->data, t->map, slot->offset + 1, slot->end, t->err };
	size_t want_at = 0, k;
	uint32_t n, i, want, local = 0;
	uint8_t b;
	int rc;

	{
		struct wasm_cur ic = { t->data, t->map, idx_at, slot->end, t->err };

		rc = wpkg_wasm_cur_u32(&ic, &want);
		if (rc < 0)
			return rc;
	}
	rc = wpkg_wasm_cur_count(&c, "type declaration", &n);
	for (i = 0; rc == 0 && i < n && want_at == 0; i++) {
		uint8_t kind = 0;
		size_t at;

		rc = wpkg_wasm_cur_byte(&c, &b, "type declaration");
		if (rc < 0)
			break;
		at = c.pos;
		switch (b) {
		case 0x00: rc = skip_core_type(&c, 2); break;
		case 0x01:
			rc = skip_deftype(&c, 2, NULL);
			if (rc == 0 && local++ == want)
				want_at = at;
			break;
		case 0x02:
			rc = read_alias(&c, &kind);
			if (rc == 0 && kind == 0x03)
				local++;
			break;
		case 0x03: case 0x04:
			rc = wpkg_wasm_read_nameattrs(&c, "declaration name", NULL);
			if (rc == 0)
				rc = wpkg_wasm_skip_externdesc(&c, &kind);
			if (rc == 0 && kind == 0x03)
				local++;
			break;
		default:
			return bad(&c, "type declaration", b);
		}
	}
	if (rc < 0 || want_at == 0)
		return rc;
	/* the world's component type: its export declarations are the keys */
	c.pos = want_at;
	rc = wpkg_wasm_cur_byte(&c, &b, "world type");
	if (rc < 0 || b != 0x41)
		return rc;
	rc = wpkg_wasm_cur_count(&c, "world declaration", &n);
	for (i = 0; rc == 0 && i < n; i++) {
		char *name = NULL;

		rc = wpkg_wasm_cur_byte(&c, &b, "world declaration");
		if (rc < 0)
			break;
		switch (b) {
		case 0x00: rc = skip_core_type(&c, 2); break;
		case 0x01: rc = skip_deftype(&c, 2, NULL); break;
		case 0x02: rc = read_alias(&c, &b); break;
		case 0x03:
			rc = wpkg_wasm_read_nameattrs(&c, "declaration name", NULL);
			if (rc == 0)
				rc = wpkg_wasm_skip_externdesc(&c, NULL);
			break;
		case 0x04:
			k = c.pos;
			rc = wpkg_wasm_read_nameattrs(&c, "world export name", &name);
			if (rc == 0 && wpkg_wasm_check_name(name, t->err) < 0)
				rc = wpkg_error_wrap(t->err, "world export name at offset 0x%zx", k);
			if (rc == 0)
				rc = wpkg_wasm_skip_externdesc(&c, NULL);
			if (rc == 0)
				rc = push_new(out, name, t->err);
			else
				free(name);
			break;
		default:
			return bad(&c, "world declaration", b);
		}
	}
	return rc;
}

/* "ns:pkg/item@1.0.0" -> "ns:pkg@1.0.0" (the package the item belongs to). */
static char *package_of(const char *fq)
{
	const char *slash = strchr(fq, '/'), *at;
	size_t n;
	char *s;

	if (slash == NULL)
		return NULL;
	at = strchr(slash, '@');
	n = (size_t)(slash - fq);
	s = malloc(n + (at != NULL ? strlen(at) : 0) + 1);
	if (s == NULL)
		return NULL;
	memcpy(s, fq, n);
	strcpy(s + n, at != NULL ? at : "");
	return s;
}

int wpkg_wasm_wit_package(const uint8_t *data, struct wpkg_map *map, size_t len, struct wasm_strv *names,
			  const struct wasm_export_ref *refs, bool *is_pkg, char **package, struct wpkg_error *err)
{
	struct tspace t = { .data = data, .map = map, .refs = refs, .err = err };
	struct wasm_strv fq = { NULL, 0, 0 }, worlds = { NULL, 0, 0 };
	char *pkg = NULL;
	size_t i;
	int rc = 0;

	*is_pkg = false;
	for (i = 0; i < names->n; i++)
		if (refs[i].sort != 0x03)
			return 0;
	rc = wpkg_wasm_sections_in(data, map, len, index_section, &t, err);
	for (i = 0; rc == 0 && i < names->n; i++) {
		const struct tslot *slot = resolve(&t, refs[i].idx);
		char *name = NULL;
		uint8_t kind = 0;
		size_t world_at = 0;

		if (slot == NULL)
			goto out;
		rc = qualified_name(&t, slot, &name, &kind, &world_at);
		if (rc == 0 && name == NULL)
			goto out;
		if (rc == 0 && wpkg_wasm_check_name(name, err) < 0)
			rc = wpkg_error_wrap(err, "WIT package item \"%s\"", names->v[i]);
		if (rc == 0 && pkg == NULL && (pkg = package_of(name)) == NULL)
			rc = wpkg_error_nomem(err);
		if (rc == 0)
			rc = push_new(&fq, name, err);
		else
			free(name);
		/* oci-wasm's from_package: every world's own export keys besides the package's items */
		if (rc == 0 && kind == 0x04)
			rc = world_keys(&t, slot, world_at, &worlds);
	}
	for (i = 0; rc == 0 && i < worlds.n; i++) {
		rc = push_new(&fq, worlds.v[i], err);
		worlds.v[i] = NULL;
	}
	if (rc == 0) {
		wpkg_wasm_strv_free(names);
		*names = fq;
		fq = (struct wasm_strv){ NULL, 0, 0 };
		*is_pkg = true;
		*package = pkg;
		pkg = NULL;
	}
out:
	free(pkg);
	wpkg_wasm_strv_free(&worlds);
	wpkg_wasm_strv_free(&fq);
	free(t.v);
	return rc;
}
