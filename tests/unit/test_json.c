/* SPDX-License-Identifier: Apache-2.0 */
/* test_json.c - JSON rules, media types, descriptors, manifests, indexes and the Wasm config. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "wpkg/oci.h"
#include "wpkg/wasm_config.h"

#define D1 "sha256:db9cacee54e7988a1ecd2ebb032aa46c826d1f8c5ca50ba694fd930112586e4a"
#define D2 "sha256:751fda3ba649f2787c8817411d4162170f7eb0f10c1fee68289ab6eb190508da"

/* Serialises j compactly, checks the bytes, releases j. */
static void ck_dump(json_t *j, const char *want)
{
	struct wpkg_buf b = WPKG_BUF_INIT;
	struct wpkg_error err = { 0 };

	ck_assert_ptr_nonnull(j);
	ck_assert_int_eq(wpkg_json_dump(&b, j, &err), 0);
	ck_assert_str_eq(b.data, want);
	ck_assert_uint_eq(b.len, strlen(want));
	wpkg_buf_free(&b);
	json_decref(j);
}

/* Expects parse to fail with code and exactly msg. */
#define ck_fail_msg(call, want_code, want_msg) do { \
		struct wpkg_error err_ = { 0 }; \
		struct wpkg_error *err = &err_; \
		ck_assert_int_eq((call), (want_code)); \
		ck_assert_str_eq(err_.msg, (want_msg)); \
	} while (0)

/* ---- wpkg_json_load / dump ---- */

START_TEST(load_object)
{
	struct wpkg_error err = { 0 };
	json_t *j = NULL;

	ck_assert_int_eq(wpkg_json_load(&j, "{\"a\":1}", 7, "doc", &err), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "a")), 1);
	json_decref(j);
}
END_TEST

START_TEST(load_duplicate_key)
{
	json_t *j = NULL;
	ck_fail_msg(wpkg_json_load(&j, "{\"a\":1,\"a\":2}", 13, "manifest", err), WPKG_E_INVALID,
		    "manifest: duplicate key \"a\" at line 1, column 10");
	ck_assert_ptr_null(j);
}
END_TEST

START_TEST(load_nested_duplicate_key)
{
	json_t *j = NULL;
	struct wpkg_error err = { 0 };
	const char *doc = "{\"x\":{\"b\":\"1\",\"b\":\"2\"}}";

	ck_assert_int_eq(wpkg_json_load(&j, doc, strlen(doc), "index.json", &err), WPKG_E_INVALID);
	ck_assert_msg(strncmp(err.msg, "index.json: duplicate key", 25) == 0, "%s", err.msg);
}
END_TEST

START_TEST(load_size_cap)
{
	/* A valid document of exactly the cap passes; one more byte is refused before parsing. */
	size_t n = WPKG_DOC_MAX + 1;
	char *big = malloc(n);
	json_t *j = NULL;
	struct wpkg_error err = { 0 };

	ck_assert_ptr_nonnull(big);
	memset(big, ' ', n);
	big[0] = '{';
	big[WPKG_DOC_MAX - 1] = '}';
	ck_assert_int_eq(wpkg_json_load(&j, big, WPKG_DOC_MAX, "manifest", &err), 0);
	json_decref(j);
	j = NULL;
	ck_assert_int_eq(wpkg_json_load(&j, big, n, "manifest", &err), WPKG_E_TOO_LARGE);
	ck_assert_str_eq(err.msg, "manifest: 4194305 bytes is over the limit of 4194304 bytes");
	ck_assert_ptr_null(j);
	free(big);
}
END_TEST

START_TEST(load_not_object)
{
	json_t *j = NULL;
	ck_fail_msg(wpkg_json_load(&j, "[1]", 3, "index.json", err), WPKG_E_INVALID,
		    "index.json: expected a JSON object at the top level");
}
END_TEST

START_TEST(load_syntax_error)
{
	json_t *j = NULL;
	ck_fail_msg(wpkg_json_load(&j, "{\n\"a\":}", 7, "config", err), WPKG_E_INVALID,
		    "config: invalid JSON at line 2, column 5: unexpected token near '}'");
	ck_fail_msg(wpkg_json_load(&j, "{} x", 4, "config", err), WPKG_E_INVALID,
		    "config: invalid JSON at line 1, column 4: end of file expected near 'x'");
	ck_fail_msg(wpkg_json_load(&j, "{\"a\":\"\\u0000\"}", 14, "config", err), WPKG_E_INVALID,
		    "config: invalid JSON at line 1, column 13: \\u0000 is not allowed without JSON_ALLOW_NUL near '\"\\u0000\"'");
}
END_TEST

START_TEST(dump_compact_ordered)
{
	json_t *j = json_pack("{s:s, s:i, s:[s,n], s:b}", "z", "a/b é", "a", 1, "m", "x", "k", 1);

	/* Insertion order, no spaces, '/' and UTF-8 as they are, no trailing newline. */
	ck_dump(j, "{\"z\":\"a/b é\",\"a\":1,\"m\":[\"x\",null],\"k\":true}");
}
END_TEST

/* ---- media types ---- */

START_TEST(media_type_syntax)
{
	static const char *const good[] = {
		"application/wasm", WPKG_MT_OCI_MANIFEST, "application/vnd.wasm.config.v0+json",
		"text/plain; charset=utf-8", "a/b;x=\"q \\\" d\"", "A1!#$&^_.+-/x",
		"application/vnd.oci.image.layer.v1.tar+gzip",
	};
	static const char *const bad[] = {
		"", "application", "application/", "/wasm", "application/wasm/x", ".app/wasm",
		"application/wa sm", "application/wasm;", "application/wasm;x", "application/wasm;x=",
		"application/wasm;x=\"open", "app@/wasm", "application/wasm\n",
	};
	char long_name[200];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(wpkg_media_type_valid(good[i]), "%s should be valid", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!wpkg_media_type_valid(bad[i]), "%s should be invalid", bad[i]);
	ck_assert(!wpkg_media_type_valid(NULL));
	/* restricted-name is at most 127 characters. */
	memset(long_name, 'a', sizeof(long_name));
	memcpy(long_name + 127, "/b", 3);
	ck_assert(wpkg_media_type_valid(long_name));
	memcpy(long_name + 127, "a/b", 4);
	ck_assert(!wpkg_media_type_valid(long_name));
}
END_TEST

START_TEST(media_type_kinds)
{
	ck_assert(wpkg_media_type_is_manifest(WPKG_MT_OCI_MANIFEST));
	ck_assert(wpkg_media_type_is_manifest(WPKG_MT_DOCKER_MANIFEST));
	ck_assert(wpkg_media_type_is_manifest("Application/VND.oci.image.manifest.v1+json; charset=utf-8"));
	ck_assert(!wpkg_media_type_is_manifest(WPKG_MT_OCI_INDEX));
	ck_assert(!wpkg_media_type_is_manifest("application/vnd.oci.image.manifest.v1+jsonx"));
	ck_assert(!wpkg_media_type_is_manifest(NULL));
	ck_assert(wpkg_media_type_is_index(WPKG_MT_OCI_INDEX));
	ck_assert(wpkg_media_type_is_index(WPKG_MT_DOCKER_LIST));
	ck_assert(!wpkg_media_type_is_index(WPKG_MT_OCI_MANIFEST));
}
END_TEST

START_TEST(sniff)
{
	const char *m = "{\"schemaVersion\":2,\"config\":{},\"layers\":[]}";
	const char *i = "{\"schemaVersion\":2,\"manifests\":[]}";
	const char *d = "{\"mediaType\":\"" WPKG_MT_DOCKER_LIST "\",\"manifests\":[]}";
	const char *o = "{\"mediaType\":\"" WPKG_MT_OCI_MANIFEST "\",\"manifests\":[]}";

	ck_assert_str_eq(wpkg_doc_sniff_media_type(m, strlen(m)), WPKG_MT_OCI_MANIFEST);
	ck_assert_str_eq(wpkg_doc_sniff_media_type(i, strlen(i)), WPKG_MT_OCI_INDEX);
	ck_assert_str_eq(wpkg_doc_sniff_media_type(d, strlen(d)), WPKG_MT_DOCKER_LIST);
	ck_assert_str_eq(wpkg_doc_sniff_media_type(o, strlen(o)), WPKG_MT_OCI_MANIFEST);
	ck_assert_ptr_null(wpkg_doc_sniff_media_type("<html>", 6));
	ck_assert_ptr_null(wpkg_doc_sniff_media_type("[]", 2));
}
END_TEST

/* ---- descriptors ---- */

static int desc_parse(struct wpkg_descriptor *d, const char *text, struct wpkg_error *err)
{
	json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	int rc;

	ck_assert_ptr_nonnull(j);
	rc = wpkg_descriptor_from_json(d, j, "manifest: config", err);
	json_decref(j);
	return rc;
}

START_TEST(descriptor_roundtrip_order)
{
	/* Input in scrambled order with unknown fields; output in spec order without them. */
	const char *in = "{\"platform\":{\"os\":\"wasip2\",\"architecture\":\"wasm\",\"os.version\":\"1\"},"
			 "\"size\":1106,\"urls\":[\"http://x\"],\"annotations\":{\"b\":\"2\",\"a\":\"1\"},"
			 "\"digest\":\"" D1 "\",\"artifactType\":\"application/x\",\"mediaType\":\"application/wasm\","
			 "\"data\":\"AA==\"}";
	struct wpkg_descriptor d, c;
	struct wpkg_error err = { 0 };

	ck_assert_int_eq(desc_parse(&d, in, &err), 0);
	ck_assert_str_eq(d.media_type, "application/wasm");
	ck_assert_int_eq(d.size, 1106);
	ck_assert_str_eq(d.digest.str, D1);
	ck_assert_ptr_null(d.platform->variant);
	ck_dump(wpkg_descriptor_to_json(&d),
		"{\"mediaType\":\"application/wasm\",\"artifactType\":\"application/x\",\"digest\":\"" D1 "\","
		"\"size\":1106,\"annotations\":{\"b\":\"2\",\"a\":\"1\"},"
		"\"platform\":{\"architecture\":\"wasm\",\"os\":\"wasip2\"}}");
	ck_assert_int_eq(wpkg_descriptor_copy(&c, &d), 0);
	wpkg_descriptor_clear(&d);
	ck_dump(wpkg_descriptor_to_json(&c),
		"{\"mediaType\":\"application/wasm\",\"artifactType\":\"application/x\",\"digest\":\"" D1 "\","
		"\"size\":1106,\"annotations\":{\"b\":\"2\",\"a\":\"1\"},"
		"\"platform\":{\"architecture\":\"wasm\",\"os\":\"wasip2\"}}");
	wpkg_descriptor_clear(&c);
	ck_assert_ptr_null(c.media_type);
}
END_TEST

START_TEST(descriptor_minimal)
{
	struct wpkg_descriptor d;
	struct wpkg_error err = { 0 };

	ck_assert_int_eq(desc_parse(&d, "{\"mediaType\":\"a/b\",\"digest\":\"" D2 "\",\"size\":0}", &err), 0);
	ck_assert_ptr_null(d.annotations);
	ck_assert_ptr_null(d.platform);
	ck_assert_ptr_null(d.artifact_type);
	ck_dump(wpkg_descriptor_to_json(&d), "{\"mediaType\":\"a/b\",\"digest\":\"" D2 "\",\"size\":0}");
	wpkg_descriptor_clear(&d);
}
END_TEST

START_TEST(descriptor_errors)
{
	struct wpkg_descriptor d;

	ck_fail_msg(desc_parse(&d, "{\"mediaType\":\"a/b\",\"digest\":\"sha256:xyz\",\"size\":1}", err),
		    WPKG_E_INVALID,
		    "manifest: config.digest: invalid digest \"sha256:xyz\": sha256 needs 64 hex digits, found 3");
	ck_fail_msg(desc_parse(&d, "{\"mediaType\":\"a/b\",\"digest\":\"md5:00\",\"size\":1}", err),
		    WPKG_E_UNSUPPORTED,
		    "manifest: config.digest: unsupported digest algorithm \"md5\" (sha256 and sha512 are supported)");
	ck_fail_msg(desc_parse(&d, "{\"mediaType\":\"a/b\",\"digest\":\"" D1 "\",\"size\":-1}", err),
		    WPKG_E_INVALID, "manifest: config.size: expected an integer >= 0");
	ck_fail_msg(desc_parse(&d, "{\"mediaType\":\"a/b\",\"digest\":\"" D1 "\",\"size\":1.0}", err),
		    WPKG_E_INVALID, "manifest: config.size: expected an integer >= 0");
	ck_fail_msg(desc_parse(&d, "{\"mediaType\":\"a/b\",\"digest\":\"" D1 "\",\"size\":\"1\"}", err),
		    WPKG_E_INVALID, "manifest: config.size: expected an integer >= 0");
	ck_fail_msg(desc_parse(&d, "{\"mediaType\":\"wasm\",\"digest\":\"" D1 "\",\"size\":1}", err),
		    WPKG_E_INVALID, "manifest: config.mediaType: invalid media type \"wasm\"");
	ck_fail_msg(desc_parse(&d, "{\"mediaType\":7,\"digest\":\"" D1 "\",\"size\":1}", err),
		    WPKG_E_INVALID, "manifest: config.mediaType: expected a string");
	ck_fail_msg(desc_parse(&d, "{\"digest\":\"" D1 "\",\"size\":1}", err),
		    WPKG_E_INVALID, "manifest: config: missing \"mediaType\"");
	ck_fail_msg(desc_parse(&d, "{\"mediaType\":\"a/b\",\"size\":1}", err),
		    WPKG_E_INVALID, "manifest: config: missing \"digest\"");
	ck_fail_msg(desc_parse(&d, "{\"mediaType\":\"a/b\",\"digest\":\"" D1 "\"}", err),
		    WPKG_E_INVALID, "manifest: config: missing \"size\"");
	ck_fail_msg(desc_parse(&d, "{\"mediaType\":\"a/b\",\"digest\":\"" D1 "\",\"size\":1,"
				   "\"annotations\":{\"k\":1}}", err),
		    WPKG_E_INVALID, "manifest: config.annotations: \"k\": expected a string");
	ck_fail_msg(desc_parse(&d, "{\"mediaType\":\"a/b\",\"digest\":\"" D1 "\",\"size\":1,"
				   "\"annotations\":[]}", err),
		    WPKG_E_INVALID, "manifest: config.annotations: expected an object of strings");
	ck_fail_msg(desc_parse(&d, "{\"mediaType\":\"a/b\",\"digest\":\"" D1 "\",\"size\":1,"
				   "\"platform\":{\"architecture\":\"wasm\"}}", err),
		    WPKG_E_INVALID, "manifest: config.platform: missing \"os\"");
	ck_fail_msg(desc_parse(&d, "{\"mediaType\":\"a/b\",\"digest\":\"" D1 "\",\"size\":1,"
				   "\"artifactType\":\"x\"}", err),
		    WPKG_E_INVALID, "manifest: config.artifactType: invalid media type \"x\"");
	ck_fail_msg(desc_parse(&d, "[]", err), WPKG_E_INVALID, "manifest: config: expected an object");
	/* Quoted values never break the message's single line. */
	ck_fail_msg(desc_parse(&d, "{\"mediaType\":\"a\\nb\\u0001\",\"digest\":\"" D1 "\",\"size\":1}", err),
		    WPKG_E_INVALID, "manifest: config.mediaType: invalid media type \"a\\nb\\x01\"");
}
END_TEST

/* ---- manifests ---- */

#define CONFIG_DESC "{\"mediaType\":\"application/vnd.wasm.config.v0+json\",\"digest\":\"" D2 "\",\"size\":250}"
#define LAYER(d) "{\"mediaType\":\"application/wasm\",\"digest\":\"" d "\",\"size\":1106}"

static int manifest_parse_str(struct wpkg_manifest **m, const char *text, struct wpkg_error *err)
{
	return wpkg_manifest_parse(m, text, strlen(text), err);
}

START_TEST(manifest_oci_roundtrip)
{
	const char *text = "{\"schemaVersion\":2,\"mediaType\":\"" WPKG_MT_OCI_MANIFEST "\","
			   "\"artifactType\":\"application/vnd.example+type\",\"config\":" CONFIG_DESC ","
			   "\"layers\":[" LAYER(D1) "," LAYER(D2) "],\"subject\":" LAYER(D1) ","
			   "\"annotations\":{\"org.opencontainers.image.created\":\"2023-11-14T22:13:20Z\"}}";
	struct wpkg_manifest *m = NULL;
	struct wpkg_error err = { 0 };

	ck_assert_int_eq(manifest_parse_str(&m, text, &err), 0);
	ck_assert_int_eq(m->schema_version, 2);
	ck_assert_uint_eq(m->n_layers, 2);
	ck_assert_str_eq(m->layers[1].digest.str, D2);
	ck_assert_str_eq(m->config.media_type, WPKG_MT_WASM_CONFIG);
	ck_assert_str_eq(m->subject->digest.str, D1);
	ck_assert_str_eq(m->artifact_type, "application/vnd.example+type");
	ck_dump(wpkg_manifest_to_json(m), text);
	wpkg_manifest_free(m);
}
END_TEST

START_TEST(manifest_empty_layers_unknown_fields)
{
	const char *text = "{\"x-extra\":{\"a\":[1,2]},\"layers\":[],\"config\":" CONFIG_DESC ",\"schemaVersion\":2}";
	struct wpkg_manifest *m = NULL;
	struct wpkg_error err = { 0 };

	ck_assert_int_eq(manifest_parse_str(&m, text, &err), 0);
	ck_assert_uint_eq(m->n_layers, 0);
	ck_assert_ptr_nonnull(m->layers);
	ck_assert_ptr_null(m->media_type);
	ck_assert_ptr_null(m->annotations);
	ck_assert_ptr_null(m->subject);
	ck_dump(wpkg_manifest_to_json(m), "{\"schemaVersion\":2,\"config\":" CONFIG_DESC ",\"layers\":[]}");
	wpkg_manifest_free(m);
}
END_TEST

START_TEST(manifest_docker_v2)
{
	const char *text =
		"{\n   \"schemaVersion\": 2,\n   \"mediaType\": \"" WPKG_MT_DOCKER_MANIFEST "\",\n"
		"   \"config\": {\"mediaType\": \"application/vnd.docker.container.image.v1+json\",\n"
		"      \"size\": 7023, \"digest\": \"" D2 "\"},\n"
		"   \"layers\": [{\"mediaType\": \"application/vnd.docker.image.rootfs.diff.tar.gzip\",\n"
		"      \"size\": 32654, \"digest\": \"" D1 "\"}]\n}";
	struct wpkg_manifest *m = NULL;
	struct wpkg_error err = { 0 };

	ck_assert_int_eq(manifest_parse_str(&m, text, &err), 0);
	ck_assert_str_eq(m->media_type, WPKG_MT_DOCKER_MANIFEST);
	ck_assert_int_eq(m->config.size, 7023);
	ck_assert_int_eq(m->layers[0].size, 32654);
	wpkg_manifest_free(m);
}
END_TEST

START_TEST(manifest_errors)
{
	struct wpkg_manifest *m = NULL;

	ck_fail_msg(manifest_parse_str(&m, "{\"schemaVersion\":1,\"name\":\"x\",\"fsLayers\":[]}", err),
		    WPKG_E_UNSUPPORTED, "manifest: schemaVersion 1 is not supported (expected 2)");
	ck_fail_msg(manifest_parse_str(&m, "{\"schemaVersion\":\"2\",\"config\":" CONFIG_DESC ",\"layers\":[]}", err),
		    WPKG_E_INVALID, "manifest: schemaVersion: expected an integer");
	ck_fail_msg(manifest_parse_str(&m, "{\"config\":" CONFIG_DESC ",\"layers\":[]}", err),
		    WPKG_E_INVALID, "manifest: missing \"schemaVersion\"");
	ck_fail_msg(manifest_parse_str(&m, "{\"schemaVersion\":2,\"layers\":[]}", err),
		    WPKG_E_INVALID, "manifest: missing \"config\"");
	ck_fail_msg(manifest_parse_str(&m, "{\"schemaVersion\":2,\"config\":" CONFIG_DESC "}", err),
		    WPKG_E_INVALID, "manifest: missing \"layers\"");
	ck_fail_msg(manifest_parse_str(&m, "{\"schemaVersion\":2,\"config\":" CONFIG_DESC ",\"layers\":{}}", err),
		    WPKG_E_INVALID, "manifest: layers: expected an array");
	ck_fail_msg(manifest_parse_str(&m, "{\"schemaVersion\":2,\"config\":" CONFIG_DESC ",\"layers\":["
				   LAYER(D1) ",{\"mediaType\":\"application/wasm\",\"digest\":\"sha256:xyz\",\"size\":1}]}", err),
		    WPKG_E_INVALID,
		    "manifest: layers[1].digest: invalid digest \"sha256:xyz\": sha256 needs 64 hex digits, found 3");
	ck_fail_msg(manifest_parse_str(&m, "{\"schemaVersion\":2,\"config\":" CONFIG_DESC ",\"layers\":["
				   "{\"mediaType\":\"application/wasm\",\"digest\":\"" D1 "\",\"size\":-5}]}", err),
		    WPKG_E_INVALID, "manifest: layers[0].size: expected an integer >= 0");
	ck_fail_msg(manifest_parse_str(&m, "{\"schemaVersion\":2,\"mediaType\":\"" WPKG_MT_OCI_INDEX "\","
				   "\"config\":" CONFIG_DESC ",\"layers\":[]}", err),
		    WPKG_E_UNSUPPORTED, "manifest: mediaType \"" WPKG_MT_OCI_INDEX "\" is not an image manifest");
	ck_fail_msg(manifest_parse_str(&m, "{\"schemaVersion\":2,\"mediaType\":\"nonsense\","
				   "\"config\":" CONFIG_DESC ",\"layers\":[]}", err),
		    WPKG_E_INVALID, "manifest: mediaType: invalid media type \"nonsense\"");
	ck_fail_msg(manifest_parse_str(&m, "{\"schemaVersion\":2,\"schemaVersion\":2}", err),
		    WPKG_E_INVALID,
		    "manifest: duplicate key \"schemaVersion\" at line 1, column 34");
	ck_fail_msg(manifest_parse_str(&m, "{\"schemaVersion\":2,\"config\":" CONFIG_DESC ",\"layers\":[],"
				   "\"subject\":{}}", err),
		    WPKG_E_INVALID, "manifest: subject: missing \"mediaType\"");
	ck_fail_msg(manifest_parse_str(&m, "{\"schemaVersion\":2,\"config\":" CONFIG_DESC ",\"layers\":[],"
				   "\"manifests\":[]}", err),
		    WPKG_E_INVALID, "manifest: ambiguous document: both \"manifests\" and a manifest's fields");
	ck_assert_ptr_null(m);
}
END_TEST

/* ---- indexes ---- */

START_TEST(index_roundtrip)
{
	const char *text = "{\"schemaVersion\":2,\"mediaType\":\"" WPKG_MT_OCI_INDEX "\",\"manifests\":["
			   "{\"mediaType\":\"" WPKG_MT_OCI_MANIFEST "\",\"digest\":\"" D1 "\",\"size\":512,"
			   "\"annotations\":{\"org.opencontainers.image.ref.name\":\"1.0\"},"
			   "\"platform\":{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"v7\"}}],"
			   "\"annotations\":{\"a\":\"b\"}}";
	struct wpkg_index *ix = NULL;
	struct wpkg_error err = { 0 };

	ck_assert_int_eq(wpkg_index_parse(&ix, text, strlen(text), &err), 0);
	ck_assert_uint_eq(ix->n_manifests, 1);
	ck_assert_str_eq(ix->manifests[0].platform->variant, "v7");
	ck_dump(wpkg_index_to_json(ix), text);
	wpkg_index_free(ix);
}
END_TEST

START_TEST(index_layout_and_docker)
{
	/* The image layout's index.json has no mediaType; a Docker list has its own. */
	const char *layout = "{\"schemaVersion\":2,\"manifests\":[]}";
	const char *docker = "{\"schemaVersion\":2,\"mediaType\":\"" WPKG_MT_DOCKER_LIST "\",\"manifests\":["
			     "{\"mediaType\":\"" WPKG_MT_DOCKER_MANIFEST "\",\"digest\":\"" D2 "\",\"size\":7,"
			     "\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}";
	struct wpkg_index *ix = NULL;
	struct wpkg_error err = { 0 };

	ck_assert_int_eq(wpkg_index_parse(&ix, layout, strlen(layout), &err), 0);
	ck_assert_uint_eq(ix->n_manifests, 0);
	ck_dump(wpkg_index_to_json(ix), layout);
	wpkg_index_free(ix);
	ck_assert_int_eq(wpkg_index_parse(&ix, docker, strlen(docker), &err), 0);
	ck_assert_str_eq(ix->manifests[0].platform->os, "linux");
	wpkg_index_free(ix);
}
END_TEST

START_TEST(index_errors)
{
	struct wpkg_index *ix = NULL;
	const char *m = "{\"schemaVersion\":2,\"mediaType\":\"" WPKG_MT_OCI_MANIFEST "\",\"manifests\":[]}";
	const char *bad = "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"a/b\",\"digest\":\"" D1 "\","
			  "\"size\":1,\"platform\":{\"architecture\":\"x\",\"os\":1}}]}";
	/* CVE-2021-41190: read as an index only because of its Content-Type */
	const char *both = "{\"schemaVersion\":2,\"manifests\":[],\"config\":" CONFIG_DESC ",\"layers\":[]}";

	ck_fail_msg(wpkg_index_parse(&ix, m, strlen(m), err), WPKG_E_UNSUPPORTED,
		    "index: mediaType \"" WPKG_MT_OCI_MANIFEST "\" is not an image index");
	ck_fail_msg(wpkg_index_parse(&ix, bad, strlen(bad), err), WPKG_E_INVALID,
		    "index: manifests[0].platform.os: expected a string");
	ck_fail_msg(wpkg_index_parse(&ix, "{\"schemaVersion\":2}", 19, err), WPKG_E_INVALID,
		    "index: missing \"manifests\"");
	ck_fail_msg(wpkg_index_parse(&ix, both, strlen(both), err), WPKG_E_INVALID,
		    "index: ambiguous document: both \"manifests\" and a manifest's fields");
	ck_fail_msg(wpkg_index_parse(&ix, "{\"schemaVersion\":2,\"manifests\":[],\"layers\":[]}", 46, err),
		    WPKG_E_INVALID, "index: ambiguous document: both \"manifests\" and a manifest's fields");
	ck_assert_ptr_null(ix);
}
END_TEST

/* ---- Wasm config ---- */

#define CONFIG_COMPOSED \
	"{\"created\":\"2023-11-14T22:13:20Z\",\"author\":null,\"architecture\":\"wasm\",\"os\":\"wasip2\"," \
	"\"layerDigests\":[\"" D1 "\"],\"component\":{\"exports\":[\"local:composed/api@0.1.0\",\"run\"]," \
	"\"imports\":[\"wasi:clocks/monotonic-clock@0.2.0\"],\"target\":null}}"

static void config_serialize_check(const struct wpkg_wasm_config *c, const char *want)
{
	struct wpkg_buf b = WPKG_BUF_INIT;
	struct wpkg_error err = { 0 };

	ck_assert_int_eq(wpkg_wasm_config_serialize(&b, c, &err), 0);
	ck_assert_str_eq(b.data, want);
	wpkg_buf_free(&b);
}

START_TEST(config_component_bytes)
{
	char *digests[] = { (char *)D1 };
	char *exports[] = { (char *)"local:composed/api@0.1.0", (char *)"run" };
	char *imports[] = { (char *)"wasi:clocks/monotonic-clock@0.2.0" };
	struct wpkg_wasm_config c = {
		.created = (char *)"2023-11-14T22:13:20Z", .architecture = (char *)"wasm", .os = (char *)"wasip2",
		.layer_digests = digests, .n_layer_digests = 1, .has_component = true,
		.exports = exports, .n_exports = 2, .imports = imports, .n_imports = 1,
	};

	config_serialize_check(&c, CONFIG_COMPOSED);
	c.author = (char *)"Ada <ada@example.com>";
	c.target = (char *)"wasi:http/proxy@0.2.0";
	config_serialize_check(&c,
		"{\"created\":\"2023-11-14T22:13:20Z\",\"author\":\"Ada <ada@example.com>\",\"architecture\":\"wasm\","
		"\"os\":\"wasip2\",\"layerDigests\":[\"" D1 "\"],\"component\":{\"exports\":[\"local:composed/api@0.1.0\","
		"\"run\"],\"imports\":[\"wasi:clocks/monotonic-clock@0.2.0\"],\"target\":\"wasi:http/proxy@0.2.0\"}}");
}
END_TEST

START_TEST(config_module_and_extra)
{
	char *digests[] = { (char *)D2 };
	struct wpkg_wasm_config c = {
		.created = (char *)"2023-11-14T22:13:20Z", .architecture = (char *)"wasm", .os = (char *)"wasip1",
		.layer_digests = digests, .n_layer_digests = 1,
	};
	struct wpkg_buf b = WPKG_BUF_INIT;
	struct wpkg_error err = { 0 };

	config_serialize_check(&c,
		"{\"created\":\"2023-11-14T22:13:20Z\",\"author\":null,\"architecture\":\"wasm\",\"os\":\"wasip1\","
		"\"layerDigests\":[\"" D2 "\"],\"component\":null}");
	c.extra = json_pack("{s:[i], s:s}", "z", 1, "a", "b");
	config_serialize_check(&c,
		"{\"created\":\"2023-11-14T22:13:20Z\",\"author\":null,\"architecture\":\"wasm\",\"os\":\"wasip1\","
		"\"layerDigests\":[\"" D2 "\"],\"component\":null,\"z\":[1],\"a\":\"b\"}");
	json_object_set_new(c.extra, "os", json_string("linux"));
	ck_assert_int_eq(wpkg_wasm_config_serialize(&b, &c, &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "wasm config: extra field \"os\" would replace a standard field");
	json_decref(c.extra);
	c.author = (char *)"\xff";
	c.extra = NULL;
	ck_assert_int_eq(wpkg_wasm_config_serialize(&b, &c, &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "wasm config: author: \"\xff\" is not valid UTF-8");
	ck_assert_uint_eq(b.len, 0);
}
END_TEST

START_TEST(config_parse_roundtrip)
{
	const char *with_extra = "{\"created\":\"2023-11-14T22:13:20Z\",\"author\":null,\"architecture\":\"wasm\","
				 "\"os\":\"wasip1\",\"layerDigests\":[\"" D2 "\"],\"component\":null,"
				 "\"wpkg.recipe\":{\"v\":1}}";
	struct wpkg_wasm_config *c = NULL;
	struct wpkg_error err = { 0 };

	ck_assert_int_eq(wpkg_wasm_config_parse(&c, CONFIG_COMPOSED, strlen(CONFIG_COMPOSED), &err), 0);
	ck_assert(c->has_component);
	ck_assert_ptr_null(c->author);
	ck_assert_ptr_null(c->target);
	ck_assert_ptr_null(c->extra);
	ck_assert_uint_eq(c->n_exports, 2);
	ck_assert_str_eq(c->exports[1], "run");
	ck_assert_str_eq(c->imports[0], "wasi:clocks/monotonic-clock@0.2.0");
	config_serialize_check(c, CONFIG_COMPOSED);
	wpkg_wasm_config_free(c);

	ck_assert_int_eq(wpkg_wasm_config_parse(&c, with_extra, strlen(with_extra), &err), 0);
	ck_assert(!c->has_component);
	ck_assert_ptr_nonnull(c->extra);
	config_serialize_check(c, with_extra);
	wpkg_wasm_config_free(c);
}
END_TEST

START_TEST(config_parse_errors)
{
	struct wpkg_wasm_config *c = NULL;
	const char *dup = "{\"created\":\"x\",\"created\":\"y\"}";
	const char *bad_digest = "{\"created\":\"x\",\"architecture\":\"wasm\",\"os\":\"wasip1\","
				 "\"layerDigests\":[\"" D1 "\",\"sha256:00\"]}";
	const char *bad_comp = "{\"created\":\"x\",\"architecture\":\"wasm\",\"os\":\"wasip2\","
			       "\"layerDigests\":[],\"component\":{\"exports\":[\"a\",2],\"imports\":[]}}";
	const char *no_os = "{\"created\":\"x\",\"architecture\":\"wasm\",\"layerDigests\":[]}";

	ck_fail_msg(wpkg_wasm_config_parse(&c, dup, strlen(dup), err), WPKG_E_INVALID,
		    "wasm config: duplicate key \"created\" at line 1, column 24");
	ck_fail_msg(wpkg_wasm_config_parse(&c, bad_digest, strlen(bad_digest), err), WPKG_E_INVALID,
		    "wasm config: layerDigests[1]: invalid digest \"sha256:00\": sha256 needs 64 hex digits, found 2");
	ck_fail_msg(wpkg_wasm_config_parse(&c, bad_comp, strlen(bad_comp), err), WPKG_E_INVALID,
		    "wasm config: component.exports[1]: expected a string");
	ck_fail_msg(wpkg_wasm_config_parse(&c, no_os, strlen(no_os), err), WPKG_E_INVALID,
		    "wasm config: missing \"os\"");
	ck_assert_ptr_null(c);
}
END_TEST

/* ---- build time ---- */

START_TEST(build_time)
{
	struct wpkg_error err = { 0 };
	char text[32];
	time_t t = 0, before = time(NULL);

	unit_unsetenv("SOURCE_DATE_EPOCH");
	ck_assert_int_eq(wpkg_build_time(&t, &err), 0);
	ck_assert(t >= before && t <= time(NULL));
	unit_setenv("SOURCE_DATE_EPOCH", "1700000000");
	ck_assert_int_eq(wpkg_build_time(&t, &err), 0);
	ck_assert_int_eq(t, 1700000000);
	wpkg_format_rfc3339(text, t);
	ck_assert_str_eq(text, "2023-11-14T22:13:20Z");
	wpkg_format_rfc3339(text, 0);
	ck_assert_str_eq(text, "1970-01-01T00:00:00Z");
	unit_setenv("SOURCE_DATE_EPOCH", "253402300799");
	ck_assert_int_eq(wpkg_build_time(&t, &err), 0);
	wpkg_format_rfc3339(text, t);
	ck_assert_str_eq(text, "9999-12-31T23:59:59Z");
	t = 42;
	unit_setenv("SOURCE_DATE_EPOCH", "17e8");
	ck_assert_int_eq(wpkg_build_time(&t, &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "SOURCE_DATE_EPOCH \"17e8\" is not a whole number of seconds");
	unit_setenv("SOURCE_DATE_EPOCH", "");
	ck_assert_int_eq(wpkg_build_time(&t, &err), WPKG_E_INVALID);
	unit_setenv("SOURCE_DATE_EPOCH", "-1");
	ck_assert_int_eq(wpkg_build_time(&t, &err), WPKG_E_INVALID);
	unit_setenv("SOURCE_DATE_EPOCH", "99999999999999999999999");
	ck_assert_int_eq(wpkg_build_time(&t, &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "SOURCE_DATE_EPOCH \"99999999999999999999999\" is after the year 9999");
	ck_assert_int_eq(t, 42);
	unit_unsetenv("SOURCE_DATE_EPOCH");
}
END_TEST

static Suite *json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, load_object);
	tcase_add_test(tc, load_duplicate_key);
	tcase_add_test(tc, load_nested_duplicate_key);
	tcase_add_test(tc, load_size_cap);
	tcase_add_test(tc, load_not_object);
	tcase_add_test(tc, load_syntax_error);
	tcase_add_test(tc, dump_compact_ordered);
	tcase_add_test(tc, media_type_syntax);
	tcase_add_test(tc, media_type_kinds);
	tcase_add_test(tc, sniff);
	tcase_add_test(tc, descriptor_roundtrip_order);
	tcase_add_test(tc, descriptor_minimal);
	tcase_add_test(tc, descriptor_errors);
	tcase_add_test(tc, manifest_oci_roundtrip);
	tcase_add_test(tc, manifest_empty_layers_unknown_fields);
	tcase_add_test(tc, manifest_docker_v2);
	tcase_add_test(tc, manifest_errors);
	tcase_add_test(tc, index_roundtrip);
	tcase_add_test(tc, index_layout_and_docker);
	tcase_add_test(tc, index_errors);
	tcase_add_test(tc, config_component_bytes);
	tcase_add_test(tc, config_module_and_extra);
	tcase_add_test(tc, config_parse_roundtrip);
	tcase_add_test(tc, config_parse_errors);
	tcase_add_test(tc, build_time);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(json_suite());
}
