/* SPDX-License-Identifier: Apache-2.0 */
/* wasm_world.c - a component's world (top-level imports and exports) and the producers section. */
#include <stdlib.h>
#include <string.h>

#include "wasm_internal.h"

static int bad_byte(struct wasm_cur *c, const char *what, uint8_t b, const char *expected)
{
	return wpkg_error_set(c->err, WPKG_E_INVALID, "unknown %s 0x%02x at offset 0x%zx (expected %s)",
			      what, b, c->pos - 1, expected);
}

/* FORMAT-NOTES §4: 0x00 and 0x01 read the same (Binary.md calls them redundant);
 * 0x02 adds attributes that only need walking over. */
int wpkg_wasm_read_nameattrs(struct wasm_cur *c, const char *what, char **name)
{
	struct wpkg_slice skip;
	uint32_t n, i;
	char *s = NULL;
	uint8_t tag;
	int rc;

	rc = wpkg_wasm_cur_byte(c, &tag, what);
	if (rc < 0)
		return rc;
	if (tag > 0x02)
		return bad_byte(c, "name prefix", tag, "0x00, 0x01 or 0x02");
	rc = name ? wpkg_wasm_cur_strdup(c, what, &s) : wpkg_wasm_cur_name(c, what, &skip);
	if (rc < 0)
		goto out;
	if (tag == 0x02) {
		rc = wpkg_wasm_cur_count(c, "name attribute", &n);
		for (i = 0; rc == 0 && i < n; i++) {
			uint8_t kind;

			rc = wpkg_wasm_cur_byte(c, &kind, "name attribute");
			if (rc == 0 && kind > 0x02)
				rc = bad_byte(c, "name attribute", kind, "0x00, 0x01 or 0x02");
			if (rc == 0)
				rc = wpkg_wasm_cur_name(c, "name attribute value", &skip);
		}
		if (rc < 0)
			goto out;
	}
	if (name) {
		*name = s;
		s = NULL;
	}
out:
	free(s);
	return rc;
}

int wpkg_wasm_skip_externdesc(struct wasm_cur *c, uint8_t *kind)
{
	uint8_t k, b;
	uint32_t idx;
	int rc;

	rc = wpkg_wasm_cur_byte(c, &k, "externtype");
	if (rc < 0)
		return rc;
	switch (k) {
	case 0x00: /* core module: 0x11 then a core type index */
		rc = wpkg_wasm_cur_byte(c, &b, "core module externtype");
		if (rc == 0 && b != 0x11)
			rc = bad_byte(c, "core sort of a core module externtype", b, "0x11");
		if (rc == 0)
			rc = wpkg_wasm_cur_u32(c, &idx);
		break;
	case 0x01: case 0x04: case 0x05: /* func, component, instance: a type index */
		rc = wpkg_wasm_cur_u32(c, &idx);
		break;
	case 0x02: /* value bound: 0x00 valueidx | 0x01 valtype (an s33) */
		rc = wpkg_wasm_cur_byte(c, &b, "value bound");
		if (rc == 0 && b > 0x01)
			rc = bad_byte(c, "value bound", b, "0x00 or 0x01");
		if (rc == 0)
			rc = b == 0x00 ? wpkg_wasm_cur_u32(c, &idx) : wpkg_wasm_cur_skip_leb(c, 5);
		break;
	case 0x03: /* type bound: 0x00 typeidx (eq) | 0x01 (sub resource) */
		rc = wpkg_wasm_cur_byte(c, &b, "type bound");
		if (rc == 0 && b > 0x01)
			rc = bad_byte(c, "type bound", b, "0x00 or 0x01");
		if (rc == 0 && b == 0x00)
			rc = wpkg_wasm_cur_u32(c, &idx);
		break;
	default:
		return bad_byte(c, "externtype", k, "0x00 to 0x05");
	}
	if (rc == 0 && kind)
		*kind = k;
	return rc;
}

int wpkg_wasm_read_sort(struct wasm_cur *c, uint8_t *sort)
{
	uint8_t s, cs;
	int rc;

	rc = wpkg_wasm_cur_byte(c, &s, "sort");
	if (rc < 0)
		return rc;
	if (s > 0x05)
		return bad_byte(c, "sort", s, "0x00 to 0x05");
	if (s == 0x00) {
		rc = wpkg_wasm_cur_byte(c, &cs, "core sort");
		if (rc < 0)
			return rc;
		if (cs > 0x04 && (cs < 0x10 || cs > 0x12))
			return bad_byte(c, "core sort", cs, "0x00 to 0x04 or 0x10 to 0x12");
	}
	*sort = s;
	return 0;
}

/* wasmparser refuses the whole binary when a top-level name is not a valid component name. */
static int check_name(struct wasm_cur *c, const char *what, size_t at, const char *name)
{
	if (wpkg_wasm_check_name(name, c->err) == 0)
		return 0;
	return wpkg_error_wrap(c->err, "%s at offset 0x%zx", what, at);
}

int wpkg_wasm_read_imports(struct wasm_cur *c, const char *section, struct wasm_strv *names, uint8_t **sorts,
			   size_t *sorts_cap)
{
	uint32_t n, i;
	int rc;

	rc = wpkg_wasm_cur_count(c, "import", &n);
	for (i = 0; rc == 0 && i < n; i++) {
		size_t at = c->pos;
		char *name = NULL;
		uint8_t kind = 0;

		rc = wpkg_wasm_read_nameattrs(c, "import name", &name);
		if (rc == 0)
			rc = check_name(c, "import name", at, name);
		if (rc == 0)
			rc = wpkg_wasm_skip_externdesc(c, &kind);
		if (rc == 0 && names->n == *sorts_cap) {
			size_t ncap = *sorts_cap ? *sorts_cap * 2 : 8;
			uint8_t *v = realloc(*sorts, ncap);

			if (v == NULL)
				rc = wpkg_error_nomem(c->err);
			else
				*sorts = v, *sorts_cap = ncap;
		}
		if (rc == 0)
			(*sorts)[names->n] = kind;
		if (rc == 0)
			rc = wpkg_wasm_strv_push(names, name, c->err);
		else
			free(name);
	}
	return rc < 0 ? rc : wpkg_wasm_cur_done(c, section);
}

static int push_ref(struct wasm_export_ref **refs, size_t *cap, size_t n, struct wasm_export_ref r,
		    struct wpkg_error *err)
{
	if (n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		struct wasm_export_ref *v = realloc(*refs, ncap * sizeof(*v));

		if (v == NULL)
			return wpkg_error_nomem(err);
		*refs = v;
		*cap = ncap;
	}
	(*refs)[n] = r;
	return 0;
}

/* export ::= nameattributes sortidx externtype?  (externtype? = 0x00 | 0x01 externtype) */
int wpkg_wasm_read_exports(struct wasm_cur *c, const char *section, struct wasm_strv *names,
			   struct wasm_export_ref **refs, size_t *refs_cap)
{
	uint32_t n, i;
	int rc;

	rc = wpkg_wasm_cur_count(c, "export", &n);
	for (i = 0; rc == 0 && i < n; i++) {
		struct wasm_export_ref r;
		size_t at = c->pos;
		char *name = NULL;
		uint8_t has;

		rc = wpkg_wasm_read_nameattrs(c, "export name", &name);
		if (rc == 0)
			rc = check_name(c, "export name", at, name);
		if (rc == 0)
			rc = wpkg_wasm_read_sort(c, &r.sort);
		if (rc == 0)
			rc = wpkg_wasm_cur_u32(c, &r.idx);
		if (rc == 0)
			rc = wpkg_wasm_cur_byte(c, &has, "export type flag");
		if (rc == 0 && has > 0x01)
			rc = bad_byte(c, "export type flag", has, "0x00 or 0x01");
		if (rc == 0 && has == 0x01)
			rc = wpkg_wasm_skip_externdesc(c, NULL);
		/* refs[k] describes names->v[k]: push the ref first so both stay in step */
		if (rc == 0)
			rc = push_ref(refs, refs_cap, names->n, r, c->err);
		if (rc == 0)
			rc = wpkg_wasm_strv_push(names, name, c->err);
		else
			free(name);
	}
	return rc < 0 ? rc : wpkg_wasm_cur_done(c, section);
}

void wpkg_wasm_producers_free(struct wpkg_wasm_producer *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(p[i].field);
		free(p[i].name);
		free(p[i].version);
	}
	free(p);
}

/* [Producers]: vec(field name, vec(name, version)); each value is flattened with its field. */
int wpkg_wasm_read_producers(struct wasm_cur *c, struct wpkg_wasm_producer **out, size_t *n_out)
{
	struct wpkg_wasm_producer *v = *out;
	size_t n = *n_out, cap = n;
	uint32_t fields, values, i, j;
	int rc;

	rc = wpkg_wasm_cur_count(c, "producers field", &fields);
	for (i = 0; rc == 0 && i < fields; i++) {
		size_t field_at = c->pos;
		struct wpkg_slice field;

		rc = wpkg_wasm_cur_name(c, "producers field name", &field);
		if (rc == 0)
			rc = wpkg_wasm_cur_count(c, "producers value", &values);
		for (j = 0; rc == 0 && j < values; j++) {
			struct wpkg_wasm_producer p = { NULL, NULL, NULL };
			struct wasm_cur fc = { c->data, c->map, field_at, c->end, c->err };

			if (n == cap) {
				size_t ncap = cap ? cap * 2 : 4;
				struct wpkg_wasm_producer *nv = realloc(v, ncap * sizeof(*nv));

				if (nv == NULL) {
					rc = wpkg_error_nomem(c->err);
					break;
				}
				v = nv;
				cap = ncap;
			}
			/* re-read the field name as a string for each value it owns */
			rc = wpkg_wasm_cur_strdup(&fc, "producers field name", &p.field);
			if (rc == 0)
				rc = wpkg_wasm_cur_strdup(c, "producers name", &p.name);
			if (rc == 0)
				rc = wpkg_wasm_cur_strdup(c, "producers version", &p.version);
			if (rc < 0) {
				free(p.field);
				free(p.name);
				free(p.version);
				break;
			}
			v[n++] = p;
		}
	}
	*out = v;
	*n_out = n;
	return rc < 0 ? rc : wpkg_wasm_cur_done(c, "producers section");
}
