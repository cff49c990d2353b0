/* SPDX-License-Identifier: Apache-2.0 */
/* test_referrers.c - referrers: fallback tag names, referrers index merging, the artifact wpkg attach builds. */
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "unit.h"

#include "wpkg/fsutil.h"
#include "wpkg/referrers.h"

#define A64 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HEX_A "f5b469c64a8cb1381090fb7109c20b9d93285ace57b9b51708c870d55934c035"
#define HEX_B "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
#define HEX_C "b5049adf21c20573bb63bb78b8b57a545754ef63269a8bf5fc2073104fa90a1c"

/* The distribution spec's own table of digests and their referrers tags. */
static const char *const tag_cases[][2] = {
	{ "sha256:" A64, "sha256-" A64 },
	{ "sha512:" A64 A64, "sha512-" A64 },
	{ "test+algorithm+using+algorithm+separators+and+lots+of+characters+to+excercise+overall+truncation:"
	  "alsoSome=InTheEncodedSectionToShowHyphenReplacementAndLotsAndLotsOfCharactersToExcerciseEncodedTruncation",
	  "test-algorithm-using-algorithm-s-alsoSome-InTheEncodedSectionToShowHyphenReplacementAndLotsAndLot" },
	{ "sha256:" HEX_A, "sha256-" HEX_A },
};

START_TEST(test_tag)
{
	char tag[WPKG_REFERRERS_TAG_MAX];
	struct wpkg_error err;

	memset(tag, 'x', sizeof(tag));
	ck_assert_int_eq(wpkg_referrers_tag(tag, tag_cases[_i][0], &err), 0);
	ck_assert_str_eq(tag, tag_cases[_i][1]);
}
END_TEST

START_TEST(test_tag_invalid)
{
	static const char *const bad[] = { "sha256", ":abc", "sha256:", "" };
	char tag[WPKG_REFERRERS_TAG_MAX] = "untouched";
	struct wpkg_error err;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(wpkg_referrers_tag(tag, bad[i], &err), WPKG_E_INVALID);
		ck_assert_str_eq(tag, "untouched");
	}
	ck_assert_str_eq(err.msg, "digest \"\" is not ALGORITHM:ENCODED");
}
END_TEST

START_TEST(test_media_types)
{
	ck_assert_str_eq(wpkg_attach_media_type("dir/sbom.spdx.json"), "application/spdx+json");
	ck_assert_str_eq(wpkg_attach_media_type("bom.CDX.JSON"), "application/vnd.cyclonedx+json");
	ck_assert_str_eq(wpkg_attach_media_type("x.json"), "application/json");
	ck_assert_str_eq(wpkg_attach_media_type("app.wasm"), "application/wasm");
	ck_assert_str_eq(wpkg_attach_media_type("world.wit"), "text/plain");
	ck_assert_str_eq(wpkg_attach_media_type("notes.txt"), "text/plain");
	ck_assert_str_eq(wpkg_attach_media_type("README.md"), "text/markdown");
	ck_assert_str_eq(wpkg_attach_media_type("sig.bin"), "application/octet-stream");
	/* a name that is only the suffix has no extension */
	ck_assert_str_eq(wpkg_attach_media_type(".json"), "application/octet-stream");
}
END_TEST

/* A descriptor of digest sha256:HEX with artifact type at. */
static void desc(struct wpkg_descriptor *d, const char *hex, const char *at)
{
	char s[WPKG_DIGEST_STR_MAX];

	memset(d, 0, sizeof(*d));
	snprintf(s, sizeof(s), "sha256:%s", hex);
	ck_assert_int_eq(wpkg_digest_parse(&d->digest, s, NULL), 0);
	d->media_type = strdup(WPKG_MT_OCI_MANIFEST);
	d->artifact_type = at ? strdup(at) : NULL;
	d->size = 100;
}

static struct wpkg_index *index_of(const char *json)
{
	struct wpkg_index *ix = NULL;
	struct wpkg_error err;

	ck_assert_msg(wpkg_index_parse(&ix, json, strlen(json), &err) == 0, "%s", err.msg);
	return ix;
}

#define ENTRY(hex, at) "{\"mediaType\":\"" WPKG_MT_OCI_MANIFEST "\",\"artifactType\":\"" at \
	"\",\"digest\":\"sha256:" hex "\",\"size\":100}"

static void assert_index_json(const struct wpkg_index *ix, const char *want)
{
	struct wpkg_buf b = WPKG_BUF_INIT;
	json_t *doc = wpkg_index_to_json(ix);

	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(wpkg_json_dump(&b, doc, NULL), 0);
	ck_assert_str_eq(b.data, want);
	json_decref(doc);
	wpkg_buf_free(&b);
}

START_TEST(test_index_add_dedupes)
{
	struct wpkg_index *ix = NULL;
	struct wpkg_descriptor a, b;
	bool added = false;

	ck_assert_int_eq(wpkg_referrers_index_new(&ix, NULL), 0);
	assert_index_json(ix, "{\"schemaVersion\":2,\"mediaType\":\"" WPKG_MT_OCI_INDEX "\",\"manifests\":[]}");
	desc(&a, HEX_A, "application/x-a");
	desc(&b, HEX_B, "application/x-b");
	ck_assert_int_eq(wpkg_referrers_index_add(ix, &a, &added, NULL), 0);
	ck_assert(added);
	ck_assert_int_eq(wpkg_referrers_index_add(ix, &b, &added, NULL), 0);
	ck_assert(added);
	/* the same digest again, even described differently, is not a second entry */
	free(a.artifact_type);
	a.artifact_type = strdup("application/x-other");
	ck_assert_int_eq(wpkg_referrers_index_add(ix, &a, &added, NULL), 0);
	ck_assert(!added);
	assert_index_json(ix, "{\"schemaVersion\":2,\"mediaType\":\"" WPKG_MT_OCI_INDEX "\",\"manifests\":["
			  ENTRY(HEX_A, "application/x-a") "," ENTRY(HEX_B, "application/x-b") "]}");
	ck_assert(wpkg_referrers_index_has(ix, &b.digest));
	wpkg_descriptor_clear(&a);
	wpkg_descriptor_clear(&b);
	wpkg_index_free(ix);
}
END_TEST

START_TEST(test_index_merge_keeps_others)
{
	/* what a concurrent writer left (B, C) merged with what we saw before (A, B) */
	struct wpkg_index *cur = index_of("{\"schemaVersion\":2,\"manifests\":[" ENTRY(HEX_B, "application/x-b") ","
					  ENTRY(HEX_C, "application/x-c") "],\"annotations\":{\"k\":\"v\"}}");
	struct wpkg_index *known = index_of("{\"schemaVersion\":2,\"manifests\":[" ENTRY(HEX_A, "application/x-a")
					    "," ENTRY(HEX_B, "application/x-b") "]}");

	ck_assert(!wpkg_referrers_index_covers(cur, known));
	ck_assert(wpkg_referrers_index_covers(known, known));
	ck_assert_int_eq(wpkg_referrers_index_merge(cur, known, NULL), 0);
	ck_assert(wpkg_referrers_index_covers(cur, known));
	/* the others keep their place and the document its other fields; the missing one comes last */
	assert_index_json(cur, "{\"schemaVersion\":2,\"manifests\":[" ENTRY(HEX_B, "application/x-b") ","
			  ENTRY(HEX_C, "application/x-c") "," ENTRY(HEX_A, "application/x-a")
			  "],\"annotations\":{\"k\":\"v\"}}");
	ck_assert_uint_eq(cur->n_manifests, 3);
	wpkg_referrers_index_filter(cur, "application/x-c");
	ck_assert_uint_eq(cur->n_manifests, 1);
	ck_assert_str_eq(cur->manifests[0].digest.str, "sha256:" HEX_C);
	wpkg_referrers_index_filter(cur, NULL);
	ck_assert_uint_eq(cur->n_manifests, 1);
	wpkg_referrers_index_filter(cur, "application/x-none");
	ck_assert_uint_eq(cur->n_manifests, 0);
	wpkg_index_free(cur);
	wpkg_index_free(known);
}
END_TEST

START_TEST(test_index_remove)
{
	/* the deleted one (B) listed twice by some other writer: both go, the others keep order and fields */
	struct wpkg_index *ix = index_of("{\"schemaVersion\":2,\"manifests\":[" ENTRY(HEX_A, "application/x-a") ","
					 ENTRY(HEX_B, "application/x-b") "," ENTRY(HEX_C, "application/x-c") ","
					 ENTRY(HEX_B, "application/x-b") "],\"annotations\":{\"k\":\"v\"}}");
	struct wpkg_descriptor a, b, c;

	desc(&a, HEX_A, NULL);
	desc(&b, HEX_B, NULL);
	desc(&c, HEX_C, NULL);
	ck_assert(wpkg_referrers_index_remove(ix, &b.digest));
	assert_index_json(ix, "{\"schemaVersion\":2,\"manifests\":[" ENTRY(HEX_A, "application/x-a") ","
			  ENTRY(HEX_C, "application/x-c") "],\"annotations\":{\"k\":\"v\"}}");
	/* not listed: nothing changes, and the caller learns it need not write */
	ck_assert(!wpkg_referrers_index_remove(ix, &b.digest));
	ck_assert_uint_eq(ix->n_manifests, 2);
	ck_assert(wpkg_referrers_index_remove(ix, &a.digest));
	ck_assert(wpkg_referrers_index_remove(ix, &c.digest));
	/* the last one gone: an empty index, still a valid document */
	assert_index_json(ix, "{\"schemaVersion\":2,\"manifests\":[],\"annotations\":{\"k\":\"v\"}}");
	wpkg_descriptor_clear(&a);
	wpkg_descriptor_clear(&b);
	wpkg_descriptor_clear(&c);
	wpkg_index_free(ix);
}
END_TEST

START_TEST(test_descriptor_artifact_type)
{
	static const char *const docs[][2] = {
		{ "{\"schemaVersion\":2,\"mediaType\":\"" WPKG_MT_OCI_MANIFEST "\",\"artifactType\":\"application/x-sig\","
		  "\"config\":{\"mediaType\":\"" WPKG_MT_OCI_EMPTY "\",\"digest\":\"sha256:" HEX_B "\",\"size\":2},"
		  "\"layers\":[],\"annotations\":{\"a\":\"1\",\"b\":\"2\"}}",
		  "{\"mediaType\":\"" WPKG_MT_OCI_MANIFEST "\",\"artifactType\":\"application/x-sig\",\"digest\":\"sha256:"
		  HEX_A "\",\"size\":321,\"annotations\":{\"a\":\"1\",\"b\":\"2\"}}" },
		/* no artifactType: the config's media type stands in */
		{ "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/x-cfg\","
		  "\"digest\":\"sha256:" HEX_B "\",\"size\":2},\"layers\":[]}",
		  "{\"mediaType\":\"" WPKG_MT_OCI_MANIFEST "\",\"artifactType\":\"application/x-cfg\",\"digest\":\"sha256:"
		  HEX_A "\",\"size\":321}" },
	};
	struct wpkg_descriptor self, out;
	struct wpkg_manifest *m;
	struct wpkg_buf b = WPKG_BUF_INIT;
	struct wpkg_error err;
	json_t *j;

	desc(&self, HEX_A, NULL);
	self.size = 321;
	ck_assert_msg(wpkg_manifest_parse(&m, docs[_i][0], strlen(docs[_i][0]), &err) == 0, "%s", err.msg);
	ck_assert_int_eq(wpkg_referrers_descriptor(&out, m, &self, &err), 0);
	j = wpkg_descriptor_to_json(&out);
	ck_assert_int_eq(wpkg_json_dump(&b, j, NULL), 0);
	ck_assert_str_eq(b.data, docs[_i][1]);
	json_decref(j);
	wpkg_buf_free(&b);
	wpkg_descriptor_clear(&out);
	wpkg_descriptor_clear(&self);
	wpkg_manifest_free(m);
}
END_TEST

/* Writes data to unit_tmp/name; returns the path (a unit_tmp_path buffer). */
static const char *tmp_file(const char *name, const char *data)
{
	const char *path = unit_tmp_path(name);
	struct wpkg_error err;

	ck_assert_int_eq(wpkg_write_file_atomic(path, data, strlen(data), 0644, &err), 0);
	return path;
}

static void subject_of(struct wpkg_descriptor *s)
{
	desc(s, HEX_A, NULL);
	s->size = 519;
}

START_TEST(test_attach_pack_golden)
{
	static const char want[] =
		"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
		"\"artifactType\":\"application/vnd.wasm.wit.v1+text\",\"config\":{\"mediaType\":"
		"\"application/vnd.oci.empty.v1+json\",\"digest\":\"sha256:" HEX_B "\",\"size\":2},"
		"\"layers\":[{\"mediaType\":\"text/plain\",\"digest\":\"sha256:" HEX_C "\",\"size\":13,"
		"\"annotations\":{\"org.opencontainers.image.title\":\"x.wit\"}}],\"subject\":{\"mediaType\":"
		"\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" HEX_A "\",\"size\":519},"
		"\"annotations\":{\"org.opencontainers.image.created\":\"2023-11-14T22:13:20Z\",\"k\":\"v\"}}";
	struct wpkg_attach_opts opts = { "application/vnd.wasm.wit.v1+text", NULL, json_pack("{s:s}", "k", "v"),
					 1700000000 };
	struct wpkg_package *p = NULL;
	struct wpkg_descriptor subject;
	struct wpkg_error err;
	const char *files[1];

	unit_tmp_make("test_referrers");
	files[0] = tmp_file("x.wit", "package a:b;\n");
	subject_of(&subject);
	ck_assert_msg(wpkg_attach_pack(&p, &subject, files, 1, &opts, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(p->manifest.data, want);
	ck_assert_str_eq(p->manifest_desc.digest.str,
			 "sha256:2ce62d1a14169f9752059e92c83279e3634004e3757b97334a94414e7d6b64b2");
	ck_assert_int_eq(p->manifest_desc.size, 710);
	ck_assert_str_eq(p->manifest_desc.media_type, WPKG_MT_OCI_MANIFEST);
	/* the config is the two bytes {} in memory; the layer is streamed from the file */
	ck_assert_str_eq(p->config.mem.data, "{}");
	ck_assert_ptr_null(p->config.path);
	ck_assert_str_eq(p->layers[0].path, files[0]);
	ck_assert_uint_eq(p->n_layers, 1);
	wpkg_package_free(p);

	/* a user's created replaces the build time in place */
	json_object_set_new(opts.annotations, WPKG_ANNOT_CREATED, json_string("2000-01-01T00:00:00Z"));
	opts.media_type = "application/x-wit";
	ck_assert_int_eq(wpkg_attach_pack(&p, &subject, files, 1, &opts, &err), 0);
	ck_assert_ptr_nonnull(strstr(p->manifest.data, "\"layers\":[{\"mediaType\":\"application/x-wit\","));
	ck_assert_ptr_nonnull(strstr(p->manifest.data, "\"annotations\":{\"org.opencontainers.image.created\":"
					"\"2000-01-01T00:00:00Z\",\"k\":\"v\"}}"));
	wpkg_package_free(p);
	json_decref(opts.annotations);
	wpkg_descriptor_clear(&subject);
	unit_tmp_remove();
}
END_TEST

START_TEST(test_attach_pack_refuses)
{
	struct wpkg_attach_opts opts = { "application/json", NULL, NULL, 0 };
	struct wpkg_package *p = NULL;
	struct wpkg_descriptor subject;
	struct wpkg_error err;
	const char *files[2];
	char other[600];

	unit_tmp_make("test_referrers");
	subject_of(&subject);
	files[0] = tmp_file("a.json", "{}");
	snprintf(other, sizeof(other), "%s/sub", unit_tmp);
	ck_assert_int_eq(wpkg_mkdir_p(other, 0755, &err), 0);
	files[1] = tmp_file("sub/a.json", "[]");
	ck_assert_int_eq(wpkg_attach_pack(&p, &subject, files, 2, &opts, &err), WPKG_E_INVALID);
	ck_assert_ptr_nonnull(strstr(err.msg, "another file is also named \"a.json\""));
	ck_assert_ptr_null(p);
	ck_assert_int_eq(wpkg_attach_pack(&p, &subject, files, 0, &opts, &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "nothing to attach: no file given");
	opts.artifact_type = "not a type";
	ck_assert_int_eq(wpkg_attach_pack(&p, &subject, files, 1, &opts, &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "artifact type \"not a type\" is not a media type");
	opts.artifact_type = "application/json";
	opts.media_type = "text";
	ck_assert_int_eq(wpkg_attach_pack(&p, &subject, files, 1, &opts, &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "media type \"text\" is not a media type");
	ck_assert_ptr_null(p);
	wpkg_descriptor_clear(&subject);
	unit_tmp_remove();
}
END_TEST

static Suite *referrers_suite(void)
{
	Suite *s = suite_create("referrers");
	TCase *tc = tcase_create("referrers");

	tcase_add_loop_test(tc, test_tag, 0, UNIT_N(tag_cases));
	tcase_add_test(tc, test_tag_invalid);
	tcase_add_test(tc, test_media_types);
	tcase_add_test(tc, test_index_add_dedupes);
	tcase_add_test(tc, test_index_merge_keeps_others);
	tcase_add_test(tc, test_index_remove);
	tcase_add_loop_test(tc, test_descriptor_artifact_type, 0, 2);
	tcase_add_test(tc, test_attach_pack_golden);
	tcase_add_test(tc, test_attach_pack_refuses);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(referrers_suite());
}
