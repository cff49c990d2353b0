/* SPDX-License-Identifier: Apache-2.0 */
/* test_wasm.c - the wasm reader against every fixture of expected.json, the bad inputs, and hostile bytes. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "wpkg/buf.h"
#include "wpkg/fsutil.h"
#include "wpkg/wasm.h"

#define ALL_HASHES (WPKG_WASM_HASH_FILE | WPKG_WASM_HASH_PARTS)

static json_t *expected;        /* tests/fixtures/expected.json */
static json_t *peers;           /* tests/fixtures/peers/expected.json (written by gen-peers.py) */
static char fixtures_dir[4096];

/* ---- fixture access ---------------------------------------------------- */

static json_t *fixture_at(size_t i)
{
	return json_array_get(json_object_get(expected, "fixtures"), i);
}

/* The path of an expected.json entry, or NULL when it lives in the shared set and that is absent. */
static char *fixture_path(json_t *f)
{
	const char *file = json_string_value(json_object_get(f, "file"));
	const char *where = json_string_value(json_object_get(f, "where"));
	const char *shared = getenv("SHARED_FIXTURES");
	char *dir_path, *path;
	FILE *probe;

	if (strcmp(where, "fixtures") == 0)
		return wpkg_path_join(fixtures_dir, file);
	if (shared == NULL || *shared == '\0')
		return NULL;
	dir_path = wpkg_path_join(shared, file);
	probe = fopen(dir_path, "rb");
	if (probe == NULL) {
		free(dir_path);
		return NULL;
	}
	fclose(probe);
	path = dir_path;
	return path;
}

static void map_or_fail(struct wpkg_map *m, const char *path)
{
	struct wpkg_error err = { 0, "" };

	ck_assert_msg(wpkg_map_file(m, path, &err) == 0, "map %s: %s", path, err.msg);
}

/* Inspects tests/fixtures/REL, which must succeed. */
static struct wpkg_wasm_info *inspect_fixture(const char *rel, unsigned flags)
{
	char *path = wpkg_path_join(fixtures_dir, rel);
	struct wpkg_error err = { 0, "" };
	struct wpkg_wasm_info *info = NULL;

	ck_assert_msg(wpkg_wasm_inspect_file(&info, path, flags, &err) == 0, "%s: %s", rel, err.msg);
	free(path);
	return info;
}

static void assert_names(const char *file, const char *what, json_t *want, char **got, size_t n)
{
	size_t i;

	ck_assert_msg(json_array_size(want) == n, "%s: %zu %s, expected %zu", file, n, what, json_array_size(want));
	for (i = 0; i < n; i++)
		ck_assert_msg(strcmp(json_string_value(json_array_get(want, i)), got[i]) == 0,
			      "%s: %s[%zu] is \"%s\", expected \"%s\"", file, what, i, got[i],
			      json_string_value(json_array_get(want, i)));
}

static void assert_part(const char *file, json_t *want, const struct wpkg_wasm_part *p)
{
#define FIELD(name, value) \
	ck_assert_msg((json_int_t)(value) == json_integer_value(json_object_get(want, name)), \
		      "%s: part %zu %s is %lld, expected %lld", file, p->index, name, (long long)(value), \
		      (long long)json_integer_value(json_object_get(want, name)))
	FIELD("index", p->index);
	FIELD("parent", p->parent);
	FIELD("depth", p->depth);
	FIELD("section_offset", p->section_offset);
	FIELD("header_len", p->header_len);
	FIELD("offset", p->offset);
	FIELD("size", p->size);
#undef FIELD
	ck_assert_str_eq(wpkg_wasm_kind_name(p->kind), json_string_value(json_object_get(want, "kind")));
	ck_assert_str_eq(p->sha256, json_string_value(json_object_get(want, "sha256")));
}

/* ---- every good fixture ---------------------------------------------------- */

START_TEST(test_fixture_matches_manifest)
{
	json_t *f = fixture_at((size_t)_i), *cfg = json_object_get(f, "expected_config");
	json_t *nested = json_object_get(f, "nested");
	const char *file = json_string_value(json_object_get(f, "file"));
	struct wpkg_error err = { 0, "" };
	struct wpkg_wasm_info *info = NULL;
	char *path = fixture_path(f);
	size_t i;

	if (path == NULL)
		return; /* a shared fixture that is not on this machine */
	ck_assert_msg(wpkg_wasm_inspect_file(&info, path, ALL_HASHES, &err) == 0, "%s: %s", file, err.msg);
	ck_assert_str_eq(wpkg_wasm_kind_name(info->kind), json_string_value(json_object_get(f, "kind")));
	ck_assert_str_eq(wpkg_wasm_os(info->kind), json_string_value(json_object_get(cfg, "os")));
	ck_assert_uint_eq(info->size, (uint64_t)json_integer_value(json_object_get(f, "size")));
	ck_assert_str_eq(info->sha256, json_string_value(json_object_get(f, "sha256")));
	assert_names(file, "imports", json_object_get(cfg, "imports"), info->imports, info->n_imports);
	assert_names(file, "exports", json_object_get(cfg, "exports"), info->exports, info->n_exports);
	ck_assert_msg(info->is_wit_package == json_is_true(json_object_get(f, "is_wit_package")),
		      "%s: is_wit_package is %d", file, info->is_wit_package);
	ck_assert_msg(info->n_parts == json_array_size(nested), "%s: %zu nested parts, expected %zu",
		      file, info->n_parts, json_array_size(nested));
	for (i = 0; i < info->n_parts; i++)
		assert_part(file, json_array_get(nested, i), &info->parts[i]);
	wpkg_wasm_info_free(info);
	free(path);
}
END_TEST

/* Re-emitting each section's header and payload after the preamble gives back the file. */
static int append_section(void *payload, const struct wpkg_wasm_section *s)
{
	struct { struct wpkg_buf *out; const uint8_t *data; size_t n; } *st = payload;

	ck_assert_uint_eq(s->offset, st->out->len);
	ck_assert_uint_eq(s->payload_offset, s->offset + s->header_len);
	wpkg_buf_put(st->out, st->data + s->offset, s->header_len);
	wpkg_buf_put(st->out, st->data + s->payload_offset, s->payload_size);
	st->n++;
	return 0;
}

START_TEST(test_sections_reproduce_file)
{
	json_t *f = fixture_at((size_t)_i);
	struct { struct wpkg_buf *out; const uint8_t *data; size_t n; } st;
	struct wpkg_buf out = WPKG_BUF_INIT;
	struct wpkg_error err = { 0, "" };
	struct wpkg_wasm_info *info = NULL;
	char *path = fixture_path(f);
	struct wpkg_map m;

	if (path == NULL)
		return;
	map_or_fail(&m, path);
	st.out = &out;
	st.data = m.data;
	st.n = 0;
	wpkg_buf_put(&out, m.data, 8);
	ck_assert_int_eq(wpkg_wasm_sections(m.data, m.len, append_section, &st, &err), 0);
	ck_assert_uint_eq(out.len, m.len);
	ck_assert_msg(memcmp(out.data, m.data, m.len) == 0, "%s: re-joined sections differ", path);
	ck_assert_int_eq(wpkg_wasm_inspect(&info, m.data, m.len, 0, &err), 0);
	ck_assert_uint_eq(st.n, info->n_sections);
	wpkg_wasm_info_free(info);
	wpkg_buf_free(&out);
	wpkg_unmap_file(&m);
	free(path);
}
END_TEST

static int stop_at_third(void *payload, const struct wpkg_wasm_section *s)
{
	int *n = payload;

	(void)s;
	return ++*n == 3 ? 42 : 0;
}

START_TEST(test_sections_stop_on_callback_result)
{
	char *path = wpkg_path_join(fixtures_dir, "components/composed-wat.component.wasm");
	struct wpkg_error err = { 0, "" };
	struct wpkg_map m;
	int n = 0;

	map_or_fail(&m, path);
	ck_assert_int_eq(wpkg_wasm_sections(m.data, m.len, stop_at_third, &n, &err), 42);
	ck_assert_int_eq(n, 3);
	wpkg_unmap_file(&m);
	free(path);
}
END_TEST

START_TEST(test_producers_of_composed_wat)
{
	struct wpkg_wasm_info *info = inspect_fixture("components/composed-wat.component.wasm", 0);

	ck_assert_uint_eq(info->n_producers, 2);
	ck_assert_str_eq(info->producers[0].field, "processed-by");
	ck_assert_str_eq(info->producers[0].name, "handwritten-wat");
	ck_assert_str_eq(info->producers[0].version, "1.0.0");
	ck_assert_str_eq(info->producers[1].field, "language");
	ck_assert_str_eq(info->producers[1].name, "WAT");
	ck_assert_str_eq(info->producers[1].version, "");
	ck_assert_uint_eq(info->n_sections, 22);
	/* no flags: no hashing */
	ck_assert_str_eq(info->sha256, "");
	ck_assert_str_eq(info->parts[0].sha256, "");
	wpkg_wasm_info_free(info);
}
END_TEST

START_TEST(test_kind_names)
{
	ck_assert_str_eq(wpkg_wasm_kind_name(WPKG_WASM_MODULE), "module");
	ck_assert_str_eq(wpkg_wasm_kind_name(WPKG_WASM_COMPONENT), "component");
	ck_assert_str_eq(wpkg_wasm_os(WPKG_WASM_MODULE), "wasip1");
	ck_assert_str_eq(wpkg_wasm_os(WPKG_WASM_COMPONENT), "wasip2");
}
END_TEST

/* ---- LEB128 ------------------------------------------------------------------ */

static const struct leb_case {
	const char *name;
	uint8_t bytes[8];
	size_t len;
	int rc;
	uint32_t value;
	size_t used;
} leb_cases[] = {
	{ "zero", { 0x00 }, 1, 0, 0, 1 },
	{ "one byte max", { 0x7f }, 1, 0, 127, 1 },
	{ "minimal two bytes", { 0x80, 0x01 }, 2, 0, 128, 2 },
	{ "624485", { 0xe5, 0x8e, 0x26 }, 3, 0, 624485, 3 },
	{ "padded 113", { 0xf1, 0x80, 0x80, 0x80, 0x00 }, 5, 0, 113, 5 },
	{ "padded zero", { 0x80, 0x80, 0x00 }, 3, 0, 0, 3 },
	{ "stops at end", { 0x05, 0xff }, 2, 0, 5, 1 },
	{ "5-byte max", { 0xff, 0xff, 0xff, 0xff, 0x0f }, 5, 0, 0xffffffffu, 5 },
	{ "too long", { 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 }, 6, WPKG_E_INVALID, 0, 0 },
	{ "over 32 bits", { 0xff, 0xff, 0xff, 0xff, 0x1f }, 5, WPKG_E_INVALID, 0, 0 },
	{ "over 32 bits, high bit", { 0x80, 0x80, 0x80, 0x80, 0x70 }, 5, WPKG_E_INVALID, 0, 0 },
	{ "truncated", { 0x80, 0x80 }, 2, WPKG_E_INVALID, 0, 0 },
	{ "empty", { 0 }, 0, WPKG_E_INVALID, 0, 0 },
};

START_TEST(test_leb_u32)
{
	const struct leb_case *t = &leb_cases[_i];
	uint32_t v = 0xdeadbeef;
	size_t pos = 0;

	ck_assert_msg(wpkg_leb_u32(t->bytes, t->len, &pos, &v) == t->rc, "%s: wrong status", t->name);
	if (t->rc == 0) {
		ck_assert_msg(v == t->value, "%s: value %u", t->name, v);
		ck_assert_msg(pos == t->used, "%s: consumed %zu", t->name, pos);
	} else {
		ck_assert_msg(pos == 0 && v == 0xdeadbeef, "%s: outputs touched on failure", t->name);
	}
}
END_TEST

START_TEST(test_leb_u32_at_offset)
{
	static const uint8_t b[] = { 0xaa, 0xbb, 0x90, 0x03, 0x01 };
	size_t pos = 2;
	uint32_t v;

	ck_assert_int_eq(wpkg_leb_u32(b, sizeof(b), &pos, &v), 0);
	ck_assert_uint_eq(v, 400);
	ck_assert_uint_eq(pos, 4);
	pos = 2; /* end bounds the read even when the buffer goes on */
	ck_assert_int_eq(wpkg_leb_u32(b, 3, &pos, &v), WPKG_E_INVALID);
}
END_TEST

/* ---- bad inputs: exact messages ----------------------------------------------------- */

static const struct bad_case {
	const char *file;
	const char *msg;
} bad_cases[] = {
	{ "bad/empty.wasm", "empty file: not a WebAssembly binary" },
	{ "bad/magic-only.wasm", "truncated preamble: file has 4 bytes, need 8" },
	{ "bad/truncated-half.component.wasm",
	  "section 1 at offset 0xb4f declares 29880 bytes but only 25971 remain in the file" },
	{ "bad/bad-magic.wasm",
	  "not a WebAssembly binary: bad magic 00 61 73 6e at offset 0x0 (expected 00 61 73 6d)" },
	{ "bad/bad-layer.wasm", "unknown layer 2 at offset 0x6 (0 is a core module, 1 a component)" },
	{ "bad/bad-version.wasm",
	  "unsupported component version 0x0e (layer 1) at offset 0x4: wpkg reads version 0x0d" },
	{ "bad/old-component-version.wasm",
	  "unsupported component version 0x0c (layer 1) at offset 0x4: wpkg reads version 0x0d" },
	{ "bad/random.bin",
	  "not a WebAssembly binary: bad magic 74 51 aa 08 at offset 0x0 (expected 00 61 73 6d)" },
	{ "bad/not-wasm.txt",
	  "not a WebAssembly binary: bad magic 54 68 69 73 at offset 0x0 (expected 00 61 73 6d)" },
	{ "bad/wat-text.wasm",
	  "not a WebAssembly binary: bad magic 28 63 6f 6d at offset 0x0 (expected 00 61 73 6d); "
	  "this looks like WebAssembly text (WAT): compile it to a binary first" },
	{ "bad/section-overflow-by-1.component.wasm",
	  "section 0 at offset 0x412 declares 63 bytes but only 62 remain in the file" },
	{ "bad/section-overflow-huge.component.wasm",
	  "section 0 at offset 0x412 declares 4294967295 bytes but only 62 remain in the file" },
	{ "bad/nested-section-overflow.component.wasm",
	  "section 0 at offset 0x18f in nested module at 0x103 declares 64 bytes but only 24 remain in the module" },
	{ "bad/leb-too-long.component.wasm", "LEB128 at offset 0x9 is longer than 5 bytes" },
	{ "bad/leb-truncated.component.wasm", "LEB128 at offset 0x9 is truncated" },
	{ "bad/unknown-section-id.component.wasm",
	  "unknown section id 13 at offset 0x8 (a component has ids 0 to 12)" },
	{ "bad/custom-name-overflow.component.wasm",
	  "custom section name at offset 0x454 runs past the end of its section (16 bytes declared, 2 left)" },
};

START_TEST(test_bad_file_message)
{
	const struct bad_case *t = &bad_cases[_i];
	struct wpkg_error err = { 0, "" };
	struct wpkg_wasm_info *info = NULL;
	char *path = wpkg_path_join(fixtures_dir, t->file);
	char want[2 * WPKG_ERROR_MSG_MAX];

	ck_assert_int_eq(wpkg_wasm_inspect_file(&info, path, ALL_HASHES, &err), WPKG_E_INVALID);
	ck_assert_int_eq(err.code, WPKG_E_INVALID);
	ck_assert_ptr_null(info);
	snprintf(want, sizeof(want), "%s: %s", path, t->msg);
	ck_assert_str_eq(err.msg, want);
	free(path);
}
END_TEST

/* Every bad/ file of expected.json has a case above (or is the structurally valid one). */
START_TEST(test_every_bad_file_is_covered)
{
	json_t *bad = json_object_get(expected, "bad"), *b;
	size_t i, k;

	ck_assert_uint_eq(json_array_size(bad), sizeof(bad_cases) / sizeof(bad_cases[0]) + 1);
	json_array_foreach(bad, i, b) {
		const char *file = json_string_value(json_object_get(b, "file"));
		int found = strcmp(file, "bad/export-dangling-index.component.wasm") == 0;

		for (k = 0; k < sizeof(bad_cases) / sizeof(bad_cases[0]); k++)
			found |= strcmp(file, bad_cases[k].file) == 0;
		ck_assert_msg(found, "%s has no expected message", file);
	}
}
END_TEST

START_TEST(test_dangling_export_is_read)
{
	struct wpkg_wasm_info *info = inspect_fixture("bad/export-dangling-index.component.wasm", 0);

	ck_assert_uint_eq(info->n_exports, 1);
	ck_assert_str_eq(info->exports[0], "t");
	ck_assert_uint_eq(info->n_imports, 0);
	ck_assert(!info->is_wit_package); /* type 0 does not exist: nothing to qualify */
	wpkg_wasm_info_free(info);
}
END_TEST

START_TEST(test_missing_file)
{
	struct wpkg_error err = { 0, "" };
	struct wpkg_wasm_info *info = NULL;

	ck_assert_int_eq(wpkg_wasm_inspect_file(&info, "/nonexistent/x.wasm", 0, &err), WPKG_E_NOT_FOUND);
	ck_assert_str_eq(err.msg, "/nonexistent/x.wasm: No such file or directory");
}
END_TEST

/* ---- truncation at every length ------------------------------------------------------ */

static const char *const truncated_files[] = {
	"components/composed-wat.component.wasm",
	"components/hello-dummy.component.wasm",
};

/* Marks the end of every top-level section: a cut there leaves a shorter but valid binary. */
static int mark_boundary(void *payload, const struct wpkg_wasm_section *s)
{
	uint8_t *boundary = payload;

	boundary[s->payload_offset + s->payload_size] = 1;
	return 0;
}

START_TEST(test_every_prefix_fails)
{
	char *path = wpkg_path_join(fixtures_dir, truncated_files[_i]);
	struct wpkg_error err = { 0, "" };
	size_t n, sections = 0, valid = 0;
	uint8_t *boundary;
	struct wpkg_map m;

	map_or_fail(&m, path);
	boundary = calloc(m.len + 1, 1);
	boundary[8] = 1; /* preamble only: a valid empty component */
	ck_assert_int_eq(wpkg_wasm_sections(m.data, m.len, mark_boundary, boundary, &err), 0);
	for (n = 0; n < m.len; n++) {
		struct wpkg_wasm_info *info = NULL;
		uint8_t *copy = malloc(n + 1); /* exactly n bytes visible to ASan */
		int rc;

		memcpy(copy, m.data, n);
		memset(&err, 0, sizeof(err));
		rc = wpkg_wasm_inspect(&info, copy, n, ALL_HASHES, &err);
		if (boundary[n]) {
			ck_assert_msg(rc == 0, "%s cut after section %zu (%zu bytes): %s", path, sections, n, err.msg);
			ck_assert_uint_eq(info->n_sections, sections);
			sections++;
			valid++;
			wpkg_wasm_info_free(info);
		} else {
			ck_assert_msg(rc == WPKG_E_INVALID, "%s cut to %zu bytes: status %d", path, n, rc);
			ck_assert_msg(err.msg[0] != '\0' && strchr(err.msg, '\n') == NULL, "cut to %zu: bad message", n);
			ck_assert_ptr_null(info);
		}
		free(copy);
	}
	ck_assert_uint_gt(valid, 1);
	free(boundary);
	wpkg_unmap_file(&m);
	free(path);
}
END_TEST

/* ---- hand-built hostile and unusual binaries -------------------------------------------- */

static const uint8_t component_preamble[8] = { 0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00 };

static void put_leb(struct wpkg_buf *b, uint32_t v)
{
	do {
		uint8_t byte = v & 0x7f;

		v >>= 7;
		wpkg_buf_putc(b, (char)(byte | (v ? 0x80 : 0)));
	} while (v);
}

static void put_section(struct wpkg_buf *b, uint8_t id, const void *payload, size_t len)
{
	wpkg_buf_putc(b, (char)id);
	put_leb(b, (uint32_t)len);
	wpkg_buf_put(b, payload, len);
}

static void put_name(struct wpkg_buf *b, const char *s, size_t len)
{
	put_leb(b, (uint32_t)len);
	wpkg_buf_put(b, s, len);
}

static int inspect_buf(struct wpkg_wasm_info **info, const struct wpkg_buf *b, struct wpkg_error *err)
{
	return wpkg_wasm_inspect(info, (const uint8_t *)b->data, b->len, ALL_HASHES, err);
}

/* out = levels components, each the only section of the next one out. */
static void nest_components(struct wpkg_buf *out, int levels)
{
	struct wpkg_buf outer = WPKG_BUF_INIT;
	int level;

	wpkg_buf_clear(out);
	wpkg_buf_put(out, component_preamble, 8);
	for (level = 0; level < levels; level++) {
		wpkg_buf_clear(&outer);
		wpkg_buf_put(&outer, component_preamble, 8);
		put_section(&outer, 4, out->data, out->len);
		wpkg_buf_clear(out);
		wpkg_buf_put(out, outer.data, outer.len);
	}
	wpkg_buf_free(&outer);
}

/* A component nesting 10,000 components must stop at the depth cap, not blow the stack. */
START_TEST(test_deep_nesting_is_capped)
{
	struct wpkg_buf inner = WPKG_BUF_INIT;
	struct wpkg_error err = { 0, "" };
	struct wpkg_wasm_info *info = NULL;
	size_t start = 0, d;
	char want[128];

	nest_components(&inner, 10000);
	/* find the section that would create depth 65: the one inside the binary at depth 64 */
	for (d = 0; d < 64; d++) {
		size_t pos = start + 9;
		uint32_t size;

		ck_assert_int_eq(wpkg_leb_u32((const uint8_t *)inner.data, inner.len, &pos, &size), 0);
		start = pos;
	}
	snprintf(want, sizeof(want), "section 4 at offset 0x%zx nests binaries more than 64 levels deep", start + 8);
	ck_assert_int_eq(inspect_buf(&info, &inner, &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, want);
	wpkg_buf_free(&inner);
}
END_TEST

/* 64 levels are fine. */
START_TEST(test_depth_64_is_read)
{
	struct wpkg_buf inner = WPKG_BUF_INIT;
	struct wpkg_error err = { 0, "" };
	struct wpkg_wasm_info *info = NULL;

	nest_components(&inner, 64);
	ck_assert_int_eq(inspect_buf(&info, &inner, &err), 0);
	ck_assert_uint_eq(info->n_parts, 64);
	ck_assert_uint_eq(info->parts[63].depth, 64);
	ck_assert_uint_eq(info->parts[63].parent, 63);
	ck_assert_uint_eq(info->parts[63].size, 8);
	wpkg_wasm_info_free(info);
	wpkg_buf_free(&inner);
}
END_TEST

/* A type section of component types nested 10,000 deep, exported as a type: the WIT path
 * walks types and must hit its own cap. */
START_TEST(test_deep_types_are_capped)
{
	struct wpkg_buf t = WPKG_BUF_INIT, sec = WPKG_BUF_INIT, file = WPKG_BUF_INIT;
	static const uint8_t export_t[] = { 0x01, 0x00, 0x01, 't', 0x03, 0x00, 0x00 };
	struct wpkg_error err = { 0, "" };
	struct wpkg_wasm_info *info = NULL;
	int level;

	for (level = 0; level < 10000; level++) /* (component (type (component (type ... */
		wpkg_buf_put(&t, "\x41\x01\x01", 3);
	wpkg_buf_put(&t, "\x41\x00", 2);
	wpkg_buf_putc(&sec, 0x01);
	wpkg_buf_put(&sec, t.data, t.len);
	wpkg_buf_put(&file, component_preamble, 8);
	put_section(&file, 7, sec.data, sec.len);
	put_section(&file, 11, export_t, sizeof(export_t));
	ck_assert_int_eq(inspect_buf(&info, &file, &err), WPKG_E_INVALID);
	ck_assert_msg(strstr(err.msg, "nest more than 64 levels deep") != NULL, "%s", err.msg);
	wpkg_buf_free(&t);
	wpkg_buf_free(&sec);
	wpkg_buf_free(&file);
}
END_TEST

/* A small WIT package: the exported type's last export declaration gives the name. */
START_TEST(test_wit_package_names)
{
	/* (type (component (type (instance)) (export "a:b/c@1.0.0" (instance (type 0))))) */
	static const uint8_t types[] = { 0x01, 0x41, 0x02, 0x01, 0x42, 0x00,
					 0x04, 0x00, 0x0b, 'a', ':', 'b', '/', 'c', '@', '1', '.', '0', '.', '0',
					 0x05, 0x00 };
	/* (export "c" (type 0)) with the 0x01 name prefix of older producers */
	static const uint8_t exports[] = { 0x01, 0x01, 0x01, 'c', 0x03, 0x00, 0x00 };
	struct wpkg_buf file = WPKG_BUF_INIT;
	struct wpkg_error err = { 0, "" };
	struct wpkg_wasm_info *info = NULL;

	wpkg_buf_put(&file, component_preamble, 8);
	put_section(&file, 7, types, sizeof(types));
	put_section(&file, 11, exports, sizeof(exports));
	ck_assert_int_eq(inspect_buf(&info, &file, &err), 0);
	ck_assert(info->is_wit_package);
	ck_assert_uint_eq(info->n_exports, 1);
	ck_assert_str_eq(info->exports[0], "a:b/c@1.0.0");
	wpkg_wasm_info_free(info);
	wpkg_buf_free(&file);
}
END_TEST

/* Imports with each name prefix, attributes included, and every externtype. */
START_TEST(test_import_forms)
{
	struct wpkg_buf imp = WPKG_BUF_INIT, file = WPKG_BUF_INIT;
	struct wpkg_error err = { 0, "" };
	struct wpkg_wasm_info *info = NULL;

	put_leb(&imp, 7);
	wpkg_buf_putc(&imp, 0x00); put_name(&imp, "a:b/c", 5); wpkg_buf_put(&imp, "\x05\x00", 2);
	wpkg_buf_putc(&imp, 0x01); put_name(&imp, "f", 1); wpkg_buf_put(&imp, "\x01\x80\x01", 3);
	wpkg_buf_putc(&imp, 0x02); put_name(&imp, "x:y/z", 5);
	put_leb(&imp, 2); wpkg_buf_putc(&imp, 0x00); put_name(&imp, "x:y/w", 5);
	wpkg_buf_putc(&imp, 0x01); put_name(&imp, "@1", 2);
	wpkg_buf_put(&imp, "\x04\x02", 2);
	wpkg_buf_putc(&imp, 0x00); put_name(&imp, "m", 1); wpkg_buf_put(&imp, "\x00\x11\x00", 3);
	wpkg_buf_putc(&imp, 0x00); put_name(&imp, "r", 1); wpkg_buf_put(&imp, "\x03\x01", 2);
	wpkg_buf_putc(&imp, 0x00); put_name(&imp, "t", 1); wpkg_buf_put(&imp, "\x03\x00\x03", 3);
	wpkg_buf_putc(&imp, 0x00); put_name(&imp, "ve", 2); wpkg_buf_put(&imp, "\x02\x01\x73", 3);
	wpkg_buf_put(&file, component_preamble, 8);
	put_section(&file, 10, imp.data, imp.len);
	ck_assert_msg(inspect_buf(&info, &file, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(info->n_imports, 7);
	ck_assert_str_eq(info->imports[0], "a:b/c");
	ck_assert_str_eq(info->imports[1], "f");
	ck_assert_str_eq(info->imports[2], "x:y/z");
	ck_assert_str_eq(info->imports[3], "m");
	ck_assert_str_eq(info->imports[4], "r");
	ck_assert_str_eq(info->imports[5], "t");
	ck_assert_str_eq(info->imports[6], "ve");
	/* instance, func, component, module, type, type, value: only instances, funcs and types form the world */
	ck_assert_mem_eq(info->import_sorts, "\x05\x01\x04\x00\x03\x03\x02", 7);
	wpkg_wasm_info_free(info);
	wpkg_buf_free(&file);
	/* a name that is UTF-8 but not kebab-case: wasmparser refuses the binary, and so does the reader */
	wpkg_buf_free(&imp);
	put_leb(&imp, 1);
	wpkg_buf_putc(&imp, 0x00); put_name(&imp, "v\xc3\xa9", 3); wpkg_buf_put(&imp, "\x02\x01\x73", 3);
	wpkg_buf_put(&file, component_preamble, 8);
	put_section(&file, 10, imp.data, imp.len);
	ck_assert_int_eq(inspect_buf(&info, &file, &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "import name at offset 0xb: \"v\xc3\xa9\" is not a valid component name: it is not "
			 "kebab-case (words of letters and digits, each starting with a letter, all lower or all upper "
			 "case, joined by '-')");
	wpkg_buf_free(&imp);
	wpkg_buf_free(&file);
}
END_TEST

/* Malformed world sections: one payload each, and the message it must give. */
static const struct world_case {
	uint8_t id;
	const char *payload;
	size_t len;
	const char *msg;
} world_cases[] = {
	{ 10, "\xff\xff\xff\xff\x0f", 5,
	  "import count 4294967295 at offset 0xa exceeds the 0 bytes left in its section" },
	{ 10, "\x01\x03\x01" "a\x05\x00", 6,
	  "unknown name prefix 0x03 at offset 0xb (expected 0x00, 0x01 or 0x02)" },
	{ 10, "\x01\x00\x05" "a", 4,
	  "import name at offset 0xc runs past the end of its section (5 bytes declared, 1 left)" },
	{ 10, "\x01\x00\x01" "a\x09\x00", 6, "unknown externtype 0x09 at offset 0xe (expected 0x00 to 0x05)" },
	{ 10, "\x01\x00\x01" "a\x00\x10\x00", 7,
	  "unknown core sort of a core module externtype 0x10 at offset 0xf (expected 0x11)" },
	{ 10, "\x01\x00\x01" "a\x05", 5, "LEB128 at offset 0xf is truncated" },
	{ 10, "\x01\x00\x02\xc3\x28\x05\x00", 7,
	  "import name at offset 0xd is not valid UTF-8: bad byte at offset 0xd" },
	{ 10, "\x01\x00\x02" "a\x00\x05\x00", 7, "import name at offset 0xd contains a NUL byte at offset 0xe" },
	{ 10, "\x01\x00\x01" "a\x05\x00\xee", 7,
	  "section 10 at offset 0x8 has 1 stray byte after its last entry, at offset 0x10" },
	{ 11, "\x01\x00\x01" "a\x07\x00\x00", 7, "unknown sort 0x07 at offset 0xe (expected 0x00 to 0x05)" },
	{ 11, "\x01\x00\x01" "a\x00\x05\x00\x00", 8,
	  "unknown core sort 0x05 at offset 0xf (expected 0x00 to 0x04 or 0x10 to 0x12)" },
	{ 11, "\x01\x00\x01" "a\x01\x00\x02", 7,
	  "unknown export type flag 0x02 at offset 0x10 (expected 0x00 or 0x01)" },
	{ 11, "\x01\x00\x01" "a\x01\x00", 6, "export type flag at offset 0x10 is past the end of its section" },
	{ 0, "\x09producers\x01\x08language\x01\x01" "C", 23, "LEB128 at offset 0x21 is truncated" },
	{ 0, "\x09producers\x01\x08language\x01\x03" "C\x00", 24,
	  "producers name at offset 0x1f runs past the end of its section (3 bytes declared, 2 left)" },
};

START_TEST(test_bad_world)
{
	const struct world_case *t = &world_cases[_i];
	struct wpkg_buf file = WPKG_BUF_INIT;
	struct wpkg_error err = { 0, "" };
	struct wpkg_wasm_info *info = NULL;

	wpkg_buf_put(&file, component_preamble, 8);
	put_section(&file, t->id, t->payload, t->len);
	ck_assert_int_eq(inspect_buf(&info, &file, &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, t->msg);
	ck_assert_ptr_null(info);
	wpkg_buf_free(&file);
}
END_TEST

/* Nested binaries must carry the preamble their section promises. */
START_TEST(test_nested_kind_mismatch)
{
	struct wpkg_buf file = WPKG_BUF_INIT;
	struct wpkg_error err = { 0, "" };
	struct wpkg_wasm_info *info = NULL;

	wpkg_buf_put(&file, component_preamble, 8);
	put_section(&file, 1, component_preamble, 8);
	ck_assert_int_eq(inspect_buf(&info, &file, &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "nested module at 0xa: section 1 at offset 0x8 holds a component, expected a module");
	wpkg_buf_clear(&file);
	wpkg_buf_put(&file, component_preamble, 8);
	put_section(&file, 4, "\x00\x61\x73", 3);
	ck_assert_int_eq(inspect_buf(&info, &file, &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "truncated preamble: nested component at 0xa has 3 bytes, need 8");
	wpkg_buf_free(&file);
}
END_TEST

/* In a core module, 13 (tag) exists and 1 is the type section, never a nested binary. */
START_TEST(test_module_section_table)
{
	static const uint8_t module_preamble[8] = { 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00 };
	struct wpkg_buf file = WPKG_BUF_INIT;
	struct wpkg_error err = { 0, "" };
	struct wpkg_wasm_info *info = NULL;

	wpkg_buf_put(&file, module_preamble, 8);
	put_section(&file, 1, "\x01\x60\x00\x00", 4);
	put_section(&file, 13, "\x00", 1);
	ck_assert_int_eq(inspect_buf(&info, &file, &err), 0);
	ck_assert_uint_eq(info->n_parts, 0);
	ck_assert_uint_eq(info->n_sections, 2);
	wpkg_wasm_info_free(info);
	put_section(&file, 14, "", 0);
	ck_assert_int_eq(inspect_buf(&info, &file, &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "unknown section id 14 at offset 0x11 (a module has ids 0 to 13)");
	wpkg_buf_free(&file);
}
END_TEST

/* ---- component names, as wasmparser's ComponentNameParser takes them ----------------------- */

static const struct {
	const char *name;
	const char *why;   /* NULL: valid */
} name_cases[] = {
	{ "greet", NULL },
	{ "a1-b2", NULL },
	{ "HTTP-client", NULL },
	{ "wasi:http/types@0.2.0", NULL },
	{ "wasi:http/types", NULL },
	{ "my-ns:my-pkg/my-iface@1.0.0-rc.1+build.5", NULL },
	{ "[constructor]res", NULL },
	{ "[method]res.get-x", NULL },
	{ "[static]res.new", NULL },
	{ "[async]run", NULL },
	{ "[async method]res.m", NULL },
	{ "url=<https://example.com/x.wasm>", NULL },
	{ "url=<https://example.com/x.wasm>,integrity=<sha256-YWJj>", NULL },
	{ "integrity=<sha256-YWJj sha512-ZGVm>", NULL },
	{ "locked-dep=<a:b@1.0.0>", NULL },
	{ "locked-dep=<a:b>,integrity=<sha384-YWJj>", NULL },
	{ "unlocked-dep=<a:b@*>", NULL },
	{ "unlocked-dep=<a:b@{>=1.0.0 <2.0.0}>", NULL },
	{ "unlocked-dep=<a:b>", NULL },
	{ "", "it is not kebab-case" },
	{ "Bad-Name", "it is not kebab-case" },
	{ "a-", "it is not kebab-case" },
	{ "-a", "it is not kebab-case" },
	{ "a--b", "it is not kebab-case" },
	{ "1a", "it is not kebab-case" },
	{ "a_b", "it is not kebab-case" },
	{ "a b", "it is not kebab-case" },
	{ "a:b", "an interface name needs '/' after the package name" },
	{ "a:b/c@1", "the version is not a semver version" },
	{ "a:b/c/d", "the interface name is not kebab-case" },
	{ "A:b/c", NULL },
	{ "a:B_/c", "the package name is not kebab-case" },
	{ "[method]res", "expected '.' between the resource and the function" },
	{ "[static]res.", "the function name is not kebab-case" },
	{ "[constructor]", "the name is not kebab-case" },
	{ "url=<a<b>", "a URL cannot contain '<'" },
	{ "url=<https://x", "expected '>' after the URL" },
	{ "integrity=<md5-YWJj>", "unrecognized hash algorithm (sha256, sha384 or sha512)" },
	{ "locked-dep=<a:b@1>", "the version is not a semver version" },
	{ "unlocked-dep=<a:b@1.0.0>", "expected '*' or '{' after '@' in a dependency range" },
	{ "url=<x>junk", "trailing characters after the name" },
};

/*
 * Every name of wasm-tools' tests/local/component-model/import.wast (the
 * validator's own test of ComponentNameParser), valid or not as it says.
 */
static const struct {
	const char *name;
	bool valid;
} wast_names[] = {
	{ "a", true }, { "b", true }, { "wasi:http/types", true }, { "wasi:http/types@1.0.0", true },
	{ "wasi:http/types@2.0.0", true }, { "a-b:c-d/e-f@123456.7890.488", true }, { "a:b/c@1.2.3", true },
	{ "a:b/c@0.0.0", true }, { "a:b/c@0.0.0+abcd", true }, { "a:b/c@0.0.0+abcd-efg", true },
	{ "a:b/c@0.0.0-abcd+efg", true }, { "a:b/c@0.0.0-abcd.1.2+efg.4.ee.5", true },
	{ "", false }, { "wasi:", false }, { "wasi:/", false }, { ":/", false }, { "wasi/http", false },
	{ "wasi:http/TyPeS", false }, { "WaSi:http/types", false }, { "wasi:HtTp/types", false },
	{ "wasi:http/types@", false }, { "wasi:http/types@.", false }, { "wasi:http/types@1.", false },
	{ "wasi:http/types@a.2", false }, { "wasi:http/types@2.b", false }, { "wasi:http/types@2.0x0", false },
	{ "wasi:http/types@2.0.0+", false }, { "wasi:http/types@2.0.0-", false }, { "foo:bar:baz/qux", false },
	{ "foo:bar/baz/qux", false },
	{ "unlocked-dep=<a:b>", true }, { "unlocked-dep=<a:b@*>", true }, { "unlocked-dep=<a:b@{>=1.2.3}>", true },
	{ "unlocked-dep=<a:b@{>=1.2.3-rc}>", true }, { "unlocked-dep=<a:b@{<1.2.3}>", true },
	{ "unlocked-dep=<a:b@{<1.2.3-rc}>", true }, { "unlocked-dep=<a:b@{>=1.2.3 <1.2.3}>", true },
	{ "unlocked-dep=<a:b@{>=1.2.3-rc <1.2.3}>", true },
	{ "unlocked-dep=", false }, { "unlocked-dep=<", false }, { "unlocked-dep=<>", false },
	{ "unlocked-dep=<:>", false }, { "unlocked-dep=<a:>", false }, { "unlocked-dep=<:a>", false },
	{ "unlocked-dep=<a:a@>", false }, { "unlocked-dep=<a:a@{xyz}>", false }, { "unlocked-dep=<a:a@{<xyz}>", false },
	{ "unlocked-dep=<a:a@{<1.2.3 >=2.3.4}>", false },
	{ "locked-dep=<a:b>", true }, { "locked-dep=<a:b@1.2.3>", true }, { "locked-dep=<a:b>,integrity=<sha256-a>", true },
	{ "locked-dep=<a:b@1.2.3>,integrity=<sha256-a>", true },
	{ "locked-dep=", false }, { "locked-dep=<", false }, { "locked-dep=<:", false }, { "locked-dep=<:>", false },
	{ "locked-dep=<a:>", false }, { "locked-dep=<:a>", false }, { "locked-dep=<a:a", false },
	{ "locked-dep=<a:a@>", false }, { "locked-dep=<a:a@1.2.3", false }, { "locked-dep=<a:a@1.2.3>,", false },
	{ "locked-dep=<a:a@1.2.3>x", false },
	{ "url=<>", true }, { "url=<a>", true }, { "url=<a>,integrity=<sha256-a>", true },
	{ "url=", false }, { "url=<", false }, { "url=<<>", false },
	{ "relative-url=<>", false }, { "relative-url=<a>", false }, { "relative-url=<a>,integrity=<sha256-a>", false },
	{ "relative-url=", false }, { "relative-url=<", false }, { "relative-url=<<>", false },
	{ "integrity=<sha256-a>", true }, { "integrity=<sha384-a>", true }, { "integrity=<sha512-a>", true },
	{ "integrity=<sha512-a sha256-b>", true }, { "integrity=< sha512-a sha256-b >", true },
	{ "integrity=<  sha512-a?abcd  >", true }, { "integrity=<sha256-abcdefghijklmnopqrstuvwxyz>", true },
	{ "integrity=<sha256-ABCDEFGHIJKLMNOPQRSTUVWXYZ>", true }, { "integrity=<sha256-++++++++++++++++++++==>", true },
	{ "integrity=<sha256-////////////////////==>", true },
	{ "integrity=<>", false }, { "integrity=<sha256>", false }, { "integrity=<sha256->", false },
	{ "integrity=<sha256-^^^^>", false }, { "integrity=<sha256-=========>", false }, { "integrity=<sha256-=>", false },
	{ "integrity=<sha256-==>", false }, { "integrity=<md5-ABC>", false },
	/* wasmparser's own unit tests of KebabStr and the [..] forms */
	{ "aB", false }, { "a-B", true }, { "a-", false }, { "-", false }, { "\xc2\xb6", false }, { "0", false },
	{ "a0", true }, { "a-0", false }, { "[foo]a", false }, { "[constructor]a", true }, { "[method]a", false },
	{ "[method]a.b", true }, { "[method]a.b.c", false }, { "[static]a.b", true }, { "[static]a", false },
};

/* import.wast: a repeated import name is refused ([method] and [static] count as one); imports and exports apart. */
START_TEST(test_unique_names)
{
	static const struct {
		const char *a, *b;
		bool ok;
	} cases[] = {
		{ "a", "a", false }, { "[method]r.f", "[static]r.f", false }, { "wasi:http/types", "wasi:http/types", false },
		{ "a", "b", true }, { "f", "[method]r.f", true }, { "wasi:http/types", "wasi:http/types@1.0.0", true },
	};
	struct wpkg_error err = { 0, "" };
	struct wpkg_wasm_info *info = NULL;

	for (size_t k = 0; k < UNIT_N(cases); k++) {
		struct wpkg_buf imp = WPKG_BUF_INIT, file = WPKG_BUF_INIT;
		int rc;

		put_leb(&imp, 2);
		wpkg_buf_putc(&imp, 0x00); put_name(&imp, cases[k].a, strlen(cases[k].a)); wpkg_buf_put(&imp, "\x03\x01", 2);
		wpkg_buf_putc(&imp, 0x00); put_name(&imp, cases[k].b, strlen(cases[k].b)); wpkg_buf_put(&imp, "\x03\x01", 2);
		wpkg_buf_put(&file, component_preamble, 8);
		put_section(&file, 10, imp.data, imp.len);
		rc = inspect_buf(&info, &file, &err);
		if (cases[k].ok) {
			ck_assert_msg(rc == 0, "%s, %s: %s", cases[k].a, cases[k].b, err.msg);
			wpkg_wasm_info_free(info);
		} else {
			char want[256];

			snprintf(want, sizeof(want), "import name \"%s\" conflicts with previous name \"%s\": a component's "
				 "imports must have distinct names", cases[k].b, cases[k].a);
			ck_assert_int_eq(rc, WPKG_E_INVALID);
			ck_assert_str_eq(err.msg, want);
		}
		wpkg_buf_free(&imp);
		wpkg_buf_free(&file);
	}
}
END_TEST

START_TEST(test_wast_names)
{
	struct wpkg_error err = { 0 };
	int rc = wpkg_wasm_check_name(wast_names[_i].name, &err);

	ck_assert_msg((rc == 0) == wast_names[_i].valid, "\"%s\": %s", wast_names[_i].name,
		      rc == 0 ? "accepted, wasmparser refuses it" : err.msg);
}
END_TEST

START_TEST(test_component_names)
{
	struct wpkg_error err = { 0 };
	int rc = wpkg_wasm_check_name(name_cases[_i].name, &err);

	if (name_cases[_i].why == NULL) {
		ck_assert_msg(rc == 0, "%s: %s", name_cases[_i].name, err.msg);
	} else {
		char want[512];

		ck_assert_int_eq(rc, WPKG_E_INVALID);
		snprintf(want, sizeof(want), "\"%s\" is not a valid component name: %s", name_cases[_i].name,
			 name_cases[_i].why);
		ck_assert_msg(strncmp(err.msg, want, strlen(want)) == 0, "%s: got %s", name_cases[_i].name, err.msg);
	}
}
END_TEST

/* ---- the config's world, as rust-oci-wasm writes it (tests/fixtures/peers) ------------------ */

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Every hand-encoded peer case: the lists oci-wasm writes, its refusals, the WIT package's name, bad names. */
START_TEST(test_peer_worlds)
{
	const char *fname;
	json_t *exp;
	size_t seen = 0;

	json_object_foreach(peers, fname, exp) {
		char rel[256], *path;
		struct wpkg_error err = { 0, "" };
		struct wpkg_wasm_info *info = NULL;
		char **im = NULL, **ex = NULL;
		size_t ni = 0, ne = 0;
		const char *invalid = json_string_value(json_object_get(exp, "invalid"));
		const char *refused = json_string_value(json_object_get(exp, "refused"));
		const char *pkg = json_string_value(json_object_get(exp, "package"));
		int rc;

		snprintf(rel, sizeof(rel), "peers/%s", fname);
		path = wpkg_path_join(fixtures_dir, rel);
		rc = wpkg_wasm_inspect_file(&info, path, 0, &err);
		if (invalid != NULL) {
			char want[1024];

			snprintf(want, sizeof(want), "%s: %s", path, invalid);
			ck_assert_int_eq(rc, WPKG_E_INVALID);
			ck_assert_msg(strncmp(err.msg, want, strlen(want)) == 0, "%s: got %s", fname, err.msg);
			free(path);
			seen++;
			continue;
		}
		ck_assert_msg(rc == 0, "%s: %s", fname, err.msg);
		rc = wpkg_wasm_world_lists(info, false, &im, &ni, &ex, &ne, &err);
		if (refused != NULL) {
			ck_assert_int_eq(rc, WPKG_E_INVALID);
			ck_assert_msg(strncmp(err.msg, refused, strlen(refused)) == 0, "%s: got %s", fname, err.msg);
			ck_assert_ptr_null(im);
			rc = wpkg_wasm_world_lists(info, true, &im, &ni, &ex, &ne, &err);
		}
		ck_assert_msg(rc == 0, "%s: %s", fname, err.msg);
		assert_names(fname, "imports", json_object_get(exp, "imports"), im, ni);
		assert_names(fname, "exports", json_object_get(exp, "exports"), ex, ne);
		ck_assert_ptr_null(im[ni]);
		ck_assert_ptr_null(ex[ne]);
		if (pkg != NULL) {
			ck_assert(info->is_wit_package);
			ck_assert_ptr_null(info->export_sorts);
			ck_assert_str_eq(info->wit_package, pkg);
		} else {
			ck_assert_ptr_null(info->wit_package);
		}
		free_strv(im, ni);
		free_strv(ex, ne);
		wpkg_wasm_info_free(info);
		free(path);
		seen++;
	}
	ck_assert_uint_ge(seen, 11);
}
END_TEST

/* ---- runner --------------------------------------------------------------------------- */

static Suite *wasm_suite(void)
{
	Suite *s = suite_create("wasm");
	TCase *tc = tcase_create("wasm");
	int n_fixtures = (int)json_array_size(json_object_get(expected, "fixtures"));

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_fixture_matches_manifest, 0, n_fixtures);
	tcase_add_loop_test(tc, test_sections_reproduce_file, 0, n_fixtures);
	tcase_add_test(tc, test_sections_stop_on_callback_result);
	tcase_add_test(tc, test_producers_of_composed_wat);
	tcase_add_test(tc, test_kind_names);
	tcase_add_loop_test(tc, test_leb_u32, 0, UNIT_N(leb_cases));
	tcase_add_test(tc, test_leb_u32_at_offset);
	tcase_add_loop_test(tc, test_bad_file_message, 0, UNIT_N(bad_cases));
	tcase_add_test(tc, test_every_bad_file_is_covered);
	tcase_add_test(tc, test_dangling_export_is_read);
	tcase_add_test(tc, test_missing_file);
	tcase_add_loop_test(tc, test_every_prefix_fails, 0,
			    UNIT_N(truncated_files));
	tcase_add_test(tc, test_deep_nesting_is_capped);
	tcase_add_test(tc, test_depth_64_is_read);
	tcase_add_test(tc, test_deep_types_are_capped);
	tcase_add_test(tc, test_wit_package_names);
	tcase_add_test(tc, test_import_forms);
	tcase_add_loop_test(tc, test_bad_world, 0, UNIT_N(world_cases));
	tcase_add_test(tc, test_nested_kind_mismatch);
	tcase_add_test(tc, test_module_section_table);
	tcase_add_loop_test(tc, test_component_names, 0, UNIT_N(name_cases));
	tcase_add_loop_test(tc, test_wast_names, 0, UNIT_N(wast_names));
	tcase_add_test(tc, test_unique_names);
	tcase_add_test(tc, test_peer_worlds);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	const char *dir = getenv("FIXTURES");
	json_error_t jerr;
	char *path;
	int status;

	snprintf(fixtures_dir, sizeof(fixtures_dir), "%s", dir && *dir ? dir : FIXTURES);
	path = wpkg_path_join(fixtures_dir, "expected.json");
	expected = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (expected == NULL) {
		printf("Bail out! %s: %s\n", path, jerr.text);
		return 1;
	}
	free(path);
	path = wpkg_path_join(fixtures_dir, "peers/expected.json");
	peers = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (peers == NULL) {
		printf("Bail out! %s: %s\n", path, jerr.text);
		return 1;
	}
	free(path);
	status = unit_run(wasm_suite());
	json_decref(expected);
	json_decref(peers);
	return status;
}
