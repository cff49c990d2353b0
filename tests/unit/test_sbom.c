/* SPDX-License-Identifier: Apache-2.0 */
/* test_sbom.c - the .dep-v0 reader (found in nested modules, inflation capped, schema checked) and CycloneDX output. */
#include <string.h>

#include <check.h>
#include <zlib.h>

#include "unit.h"

#include "wpkg/sbom.h"

static const uint8_t module_hdr[8] = { 0, 'a', 's', 'm', 1, 0, 0, 0 };

/* A core module holding one custom section ".dep-v0" with payload (short enough for 1-byte LEBs). */
static void dep_module(struct wpkg_buf *out, const void *payload, size_t len)
{
	ck_assert_uint_lt(len + 8, 128);
	wpkg_buf_put(out, module_hdr, 8);
	wpkg_buf_putc(out, 0);
	wpkg_buf_putc(out, (char)(len + 8));
	wpkg_buf_putc(out, 7);
	wpkg_buf_puts(out, ".dep-v0");
	wpkg_buf_put(out, payload, len);
}

static void deflate_text(uint8_t *out, uLongf *len, const char *text)
{
	ck_assert_int_eq(compress(out, len, (const Bytef *)text, strlen(text)), Z_OK);
}

START_TEST(test_fixture_in_nested_module)
{
	struct wpkg_buf text = WPKG_BUF_INIT, doc = WPKG_BUF_INIT;
	struct wpkg_sbom_opts opts = { "calc.wasm", NULL, (time_t)-1, NULL, NULL };
	const uint8_t *payload;
	struct wpkg_error err;
	uint64_t offset;
	json_t *deps = NULL, *bom;
	size_t len;

	unit_read_file(&text, FIXTURES "/components/calc-qjs.component.wasm");
	ck_assert_int_eq(wpkg_sbom_find_deps(&payload, &len, &offset, (const uint8_t *)text.data, text.len, &err), 0);
	ck_assert_uint_eq(offset, 1599093 + 7);   /* just past the name, inside the nested core module */
	ck_assert_int_eq(wpkg_sbom_decode_deps(&deps, payload, len, offset, 0, &err), 0);
	ck_assert_uint_eq(json_array_size(json_object_get(deps, "packages")), 78);
	ck_assert_int_eq(wpkg_sbom_cyclonedx(&doc, (const uint8_t *)text.data, text.len, &opts, &err), 0);
	bom = json_loads(doc.data, 0, NULL);
	ck_assert_ptr_nonnull(bom);
	ck_assert_uint_eq(json_array_size(json_object_get(bom, "components")), 78);
	ck_assert_uint_eq(json_array_size(json_object_get(bom, "dependencies")), 79);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(json_object_get(bom, "metadata"),
									     "component"), "name")), "calc.wasm");
	ck_assert_ptr_null(json_object_get(json_object_get(bom, "metadata"), "tools"));
	json_decref(bom);
	json_decref(deps);
	wpkg_buf_free(&text);
	wpkg_buf_free(&doc);
}
END_TEST

START_TEST(test_small_golden)
{
	static const char deps[] = "{\"packages\":[{\"name\":\"app\",\"version\":\"0.1.0\",\"source\":\"local\","
				   "\"dependencies\":[1],\"root\":true},{\"name\":\"log\",\"version\":\"0.4.0\","
				   "\"source\":\"crates.io\"}]}";
	struct wpkg_sbom_opts opts = { "app.wasm", "urn:uuid:00000000-0000-4000-8000-000000000000", 0, "wpkg", "1" };
	struct wpkg_buf wasm = WPKG_BUF_INIT, doc = WPKG_BUF_INIT;
	struct wpkg_error err;
	uint8_t z[128];
	uLongf zlen = sizeof(z);

	deflate_text(z, &zlen, deps);
	dep_module(&wasm, z, zlen);
	ck_assert_int_eq(wpkg_sbom_cyclonedx(&doc, (const uint8_t *)wasm.data, wasm.len, &opts, &err), 0);
	ck_assert(strstr(doc.data, "\"serialNumber\": \"urn:uuid:00000000-0000-4000-8000-000000000000\"") != NULL);
	ck_assert(strstr(doc.data, "\"timestamp\": \"1970-01-01T00:00:00Z\"") != NULL);
	ck_assert(strstr(doc.data, "    {\n      \"ref\": \"component\",\n      \"dependsOn\": [\n"
			 "        \"pkg:cargo/app@0.1.0\"\n      ]\n    },\n    {\n      \"ref\": \"pkg:cargo/app@0.1.0\",\n"
			 "      \"dependsOn\": [\n        \"pkg:cargo/log@0.4.0\"\n      ]\n    }") != NULL);
	ck_assert(strstr(doc.data, "\"purl\": \"pkg:cargo/log@0.4.0\"") != NULL);
	ck_assert(strstr(doc.data, "\"purl\": \"pkg:cargo/app") == NULL);   /* a local crate has no registry purl */
	ck_assert_int_eq(doc.data[doc.len - 1], '\n');
	wpkg_buf_free(&wasm);
	wpkg_buf_free(&doc);
}
END_TEST

START_TEST(test_bad_sections)
{
	struct wpkg_buf wasm = WPKG_BUF_INIT, doc = WPKG_BUF_INIT;
	struct wpkg_sbom_opts opts = { "x.wasm", NULL, (time_t)-1, NULL, NULL };
	struct wpkg_error err;
	json_t *deps = NULL;
	uint8_t z[128];
	uLongf zlen = sizeof(z);

	wpkg_buf_put(&wasm, module_hdr, 8);
	ck_assert_int_eq(wpkg_sbom_cyclonedx(&doc, (const uint8_t *)wasm.data, wasm.len, &opts, &err), WPKG_E_NOT_FOUND);
	wpkg_buf_clear(&wasm);
	dep_module(&wasm, "\x78\x9c\x01\x02", 4);
	ck_assert_int_eq(wpkg_sbom_cyclonedx(&doc, (const uint8_t *)wasm.data, wasm.len, &opts, &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, ".dep-v0 section at offset 0x12: zlib data ends early");
	deflate_text(z, &zlen, "{\"packages\":[{\"name\":\"a\",\"version\":1,\"source\":\"local\"}]}");
	ck_assert_int_eq(wpkg_sbom_decode_deps(&deps, z, zlen, 0x40, 0, &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, ".dep-v0 section at offset 0x40: packages[0].version is missing or not a string");
	zlen = sizeof(z);
	deflate_text(z, &zlen, "{\"packages\":[{\"name\":\"a\",\"version\":\"1\",\"source\":\"local\",\"kind\":\"dev\"}]}");
	ck_assert_int_eq(wpkg_sbom_decode_deps(&deps, z, zlen, 0x40, 0, &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, ".dep-v0 section at offset 0x40: packages[0].kind is not \"build\" or \"runtime\"");
	/* the cap: 70 bytes of text against a 64-byte limit */
	zlen = sizeof(z);
	deflate_text(z, &zlen, "{\"packages\":[],\"padding\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}");
	ck_assert_int_eq(wpkg_sbom_decode_deps(&deps, z, zlen, 0x40, 64, &err), WPKG_E_TOO_LARGE);
	ck_assert_str_eq(err.msg, ".dep-v0 section at offset 0x40: inflates to more than 64 bytes");
	ck_assert_int_eq(wpkg_sbom_decode_deps(&deps, z, zlen, 0x40, 128, &err), 0);
	json_decref(deps);
	wpkg_buf_free(&wasm);
	wpkg_buf_free(&doc);
}
END_TEST

static Suite *sbom_suite(void)
{
	Suite *s = suite_create("sbom");
	TCase *tc = tcase_create("sbom");

	tcase_add_test(tc, test_fixture_in_nested_module);
	tcase_add_test(tc, test_small_golden);
	tcase_add_test(tc, test_bad_sections);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(sbom_suite());
}
