/* SPDX-License-Identifier: Apache-2.0 */
/* test_pack.c - the packer's golden bytes and digests, reproducibility, and annotation inputs. */
#include <check.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#include "wpkg/pack.h"
#include "wpkg/pack_image.h"

#define COMPOSED FIXTURES "/components/composed-wat.component.wasm"
#define MODULE FIXTURES "/modules/hello-c.core.wasm"
#define T1700000000 "2023-11-14T22:13:20Z"

/* Computed independently (python3 json.dumps(separators=(',', ':')) + hashlib) from the reference layout. */
#define COMPOSED_SHA "sha256:db9cacee54e7988a1ecd2ebb032aa46c826d1f8c5ca50ba694fd930112586e4a"
#define COMPOSED_CONFIG \
	"{\"created\":\"" T1700000000 "\",\"author\":null,\"architecture\":\"wasm\",\"os\":\"wasip2\"," \
	"\"layerDigests\":[\"" COMPOSED_SHA "\"],\"component\":{\"exports\":[\"local:composed/api@0.1.0\",\"run\"]," \
	"\"imports\":[\"wasi:clocks/monotonic-clock@0.2.0\"],\"target\":null}}"
#define COMPOSED_CONFIG_SHA "sha256:52c6616b933afc78527b7472e3e7edf71473905be7af71911cd556ff914b8c15"
#define MANIFEST_HEAD(cfg_sha, cfg_size) \
	"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"," \
	"\"config\":{\"mediaType\":\"application/vnd.wasm.config.v0+json\",\"digest\":\"" cfg_sha "\",\"size\":" \
	cfg_size "},"
#define COMPOSED_LAYER(annots) \
	"\"layers\":[{\"mediaType\":\"application/wasm\",\"digest\":\"" COMPOSED_SHA "\",\"size\":1106," \
	"\"annotations\":{\"org.opencontainers.image.title\":\"composed-wat.component.wasm\"" annots "}}],"
#define CREATED_ANNOT "\"org.opencontainers.image.created\":\"" T1700000000 "\""
#define COMPOSED_MANIFEST \
	MANIFEST_HEAD(COMPOSED_CONFIG_SHA, "296") COMPOSED_LAYER("") "\"annotations\":{" CREATED_ANNOT "}}"
#define COMPOSED_MANIFEST_SHA "sha256:b19e2c040c2a98efc9eb70b587178bef9b90c3f238c76ad6a2ab911e6b0f80bb"

#define MODULE_SHA "sha256:751fda3ba649f2787c8817411d4162170f7eb0f10c1fee68289ab6eb190508da"
#define MODULE_CONFIG \
	"{\"created\":\"" T1700000000 "\",\"author\":null,\"architecture\":\"wasm\",\"os\":\"wasip1\"," \
	"\"layerDigests\":[\"" MODULE_SHA "\"],\"component\":null}"
#define MODULE_CONFIG_SHA "sha256:5c0a3b821f2bde047cf1d71331298d7c3e03e0a94a53ed5d58f4dfc10aff26e3"
#define MODULE_MANIFEST \
	MANIFEST_HEAD(MODULE_CONFIG_SHA, "192") \
	"\"layers\":[{\"mediaType\":\"application/wasm\",\"digest\":\"" MODULE_SHA "\",\"size\":29880," \
	"\"annotations\":{\"org.opencontainers.image.title\":\"hello-c.core.wasm\"}}]," \
	"\"annotations\":{" CREATED_ANNOT "}}"
#define MODULE_MANIFEST_SHA "sha256:5b0e4dc6a81e5ca40b421be34c062e8dd595ea2f3cc190b682cf29f647b9ed9e"

static struct wpkg_package *pack_one(const char *file, const struct wpkg_pack_opts *opts)
{
	struct wpkg_package *p = NULL;
	struct wpkg_error err = { 0 };
	const char *files[] = { file };

	ck_assert_msg(wpkg_pack(&p, files, 1, opts, &err) == 0, "pack %s: %s", file, err.msg);
	return p;
}

START_TEST(pack_component_golden)
{
	struct wpkg_pack_opts opts = { .size = sizeof(opts), .created = 1700000000 };
	struct wpkg_package *p = pack_one(COMPOSED, &opts);

	ck_assert_str_eq(p->config.mem.data, COMPOSED_CONFIG);
	ck_assert_ptr_null(p->config.path);
	ck_assert_str_eq(p->config.desc.media_type, "application/vnd.wasm.config.v0+json");
	ck_assert_str_eq(p->config.desc.digest.str, COMPOSED_CONFIG_SHA);
	ck_assert_int_eq(p->config.desc.size, 296);
	ck_assert_uint_eq(p->n_layers, 1);
	ck_assert_str_eq(p->layers[0].path, COMPOSED);
	ck_assert_uint_eq(p->layers[0].offset, 0);
	ck_assert_int_eq(p->layers[0].desc.size, 1106);
	ck_assert_str_eq(p->layers[0].desc.digest.str, COMPOSED_SHA);
	ck_assert_str_eq(p->layers[0].desc.media_type, "application/wasm");
	ck_assert_str_eq(p->manifest.data, COMPOSED_MANIFEST);
	ck_assert_uint_eq(p->manifest.len, 523);
	ck_assert_str_eq(p->manifest_desc.media_type, "application/vnd.oci.image.manifest.v1+json");
	ck_assert_str_eq(p->manifest_desc.digest.str, COMPOSED_MANIFEST_SHA);
	ck_assert_int_eq(p->manifest_desc.size, 523);
	ck_assert_uint_eq(p->n_infos, 1);
	ck_assert_int_eq(p->infos[0]->kind, WPKG_WASM_COMPONENT);
	wpkg_package_free(p);
}
END_TEST

START_TEST(pack_module_golden)
{
	struct wpkg_pack_opts opts = { .size = sizeof(opts), .created = 1700000000 };
	struct wpkg_package *p = pack_one(MODULE, &opts);

	ck_assert_str_eq(p->config.mem.data, MODULE_CONFIG);
	ck_assert_str_eq(p->config.desc.digest.str, MODULE_CONFIG_SHA);
	ck_assert_str_eq(p->manifest.data, MODULE_MANIFEST);
	ck_assert_str_eq(p->manifest_desc.digest.str, MODULE_MANIFEST_SHA);
	ck_assert_int_eq(p->manifest_desc.size, 514);
	ck_assert_int_eq(p->infos[0]->kind, WPKG_WASM_MODULE);
	wpkg_package_free(p);
}
END_TEST

START_TEST(pack_empty_component)
{
	/* The 8-byte component: a world with nothing in it still has a component object. */
	struct wpkg_pack_opts opts = { .size = sizeof(opts), .created = 1700000000 };
	struct wpkg_package *p = pack_one(FIXTURES "/components/empty.component.wasm", &opts);

	ck_assert_str_eq(p->config.mem.data,
		"{\"created\":\"" T1700000000 "\",\"author\":null,\"architecture\":\"wasm\",\"os\":\"wasip2\","
		"\"layerDigests\":[\"sha256:24eaf3439a60c96764c4f2c92a0a81b52bd4fe5d5b91f090184a0f6486b1bf29\"],"
		"\"component\":{\"exports\":[],\"imports\":[],\"target\":null}}");
	ck_assert_int_eq(p->layers[0].desc.size, 8);
	wpkg_package_free(p);
}
END_TEST

START_TEST(pack_reproducible)
{
	struct wpkg_pack_opts opts = { .size = sizeof(opts), .created = 1234567890, .author = "a" };
	struct wpkg_package *a = pack_one(COMPOSED, &opts), *b = pack_one(COMPOSED, &opts);

	ck_assert_uint_eq(a->manifest.len, b->manifest.len);
	ck_assert_mem_eq(a->manifest.data, b->manifest.data, a->manifest.len);
	ck_assert_uint_eq(a->config.mem.len, b->config.mem.len);
	ck_assert_mem_eq(a->config.mem.data, b->config.mem.data, a->config.mem.len);
	ck_assert_str_eq(a->manifest_desc.digest.str, b->manifest_desc.digest.str);
	/* A different time gives a different config, hence a different manifest. */
	wpkg_package_free(b);
	opts.created = 1234567891;
	b = pack_one(COMPOSED, &opts);
	ck_assert_str_ne(a->config.desc.digest.str, b->config.desc.digest.str);
	ck_assert_str_ne(a->manifest_desc.digest.str, b->manifest_desc.digest.str);
	wpkg_package_free(a);
	wpkg_package_free(b);
}
END_TEST

START_TEST(pack_author_target)
{
	struct wpkg_pack_opts opts = { .size = sizeof(opts), .created = 1700000000, .author = "Ada",
				       .target = "wasi:cli/command@0.2.0" };
	struct wpkg_package *p = pack_one(COMPOSED, &opts);

	ck_assert_str_eq(p->config.mem.data,
		"{\"created\":\"" T1700000000 "\",\"author\":\"Ada\",\"architecture\":\"wasm\",\"os\":\"wasip2\","
		"\"layerDigests\":[\"" COMPOSED_SHA "\"],\"component\":{\"exports\":[\"local:composed/api@0.1.0\","
		"\"run\"],\"imports\":[\"wasi:clocks/monotonic-clock@0.2.0\"],\"target\":\"wasi:cli/command@0.2.0\"}}");
	wpkg_package_free(p);
	/* A core module has no component object, so the target has nowhere to go. */
	p = pack_one(MODULE, &opts);
	ck_assert_str_eq(p->config.mem.data,
		"{\"created\":\"" T1700000000 "\",\"author\":\"Ada\",\"architecture\":\"wasm\",\"os\":\"wasip1\","
		"\"layerDigests\":[\"" MODULE_SHA "\"],\"component\":null}");
	wpkg_package_free(p);
}
END_TEST

START_TEST(pack_annotations_order_override)
{
	json_t *m = json_object(), *l = json_object();
	struct wpkg_pack_opts opts = { .size = sizeof(opts), .created = 1700000000, .manifest_annotations = m,
				       .layer_annotations = l };
	struct wpkg_package *p;
	struct wpkg_error err = { 0 };

	ck_assert_int_eq(wpkg_annotation_add(m, "z.last=1", &err), 0);
	ck_assert_int_eq(wpkg_annotation_add(m, "a.first=x=y", &err), 0);
	ck_assert_int_eq(wpkg_annotation_add(m, "org.opencontainers.image.created=2000-01-01T00:00:00Z", &err), 0);
	json_object_set_new(l, "composed-wat.component.wasm", json_pack("{s:s}", "k", "v"));
	json_object_set_new(l, "other.wasm", json_pack("{s:s}", "k", "ignored"));
	p = pack_one(COMPOSED, &opts);
	/* created keeps its first place but takes the user's value; user keys follow in their order. */
	ck_assert_str_eq(p->manifest.data,
		MANIFEST_HEAD(COMPOSED_CONFIG_SHA, "296") COMPOSED_LAYER(",\"k\":\"v\"")
		"\"annotations\":{\"org.opencontainers.image.created\":\"2000-01-01T00:00:00Z\","
		"\"z.last\":\"1\",\"a.first\":\"x=y\"}}");
	/* The config's created is the build time, not the annotation. */
	ck_assert_str_eq(p->config.mem.data, COMPOSED_CONFIG);
	wpkg_package_free(p);

	/* The per-file title can be replaced too. */
	json_object_set_new(json_object_get(l, "composed-wat.component.wasm"), "org.opencontainers.image.title",
			    json_string("t"));
	p = pack_one(COMPOSED, &opts);
	ck_assert_ptr_nonnull(strstr(p->manifest.data, "\"annotations\":{\"org.opencontainers.image.title\":\"t\","
						       "\"k\":\"v\"}}]"));
	wpkg_package_free(p);
	json_decref(m);
	json_decref(l);
}
END_TEST

START_TEST(pack_errors)
{
	struct wpkg_pack_opts opts = { .size = sizeof(opts), .created = 1 };
	struct wpkg_package *p = NULL;
	struct wpkg_error err = { 0 };
	const char *two[] = { COMPOSED, MODULE };
	const char *bad[] = { FIXTURES "/bad/not-wasm.txt" };
	const char *missing[] = { FIXTURES "/does-not-exist.wasm" };
	json_t *m = json_pack("{s:i}", "k", 1);

	ck_assert_int_eq(wpkg_pack(&p, two, 0, &opts, &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "no file to package");
	opts.exploded = true;
	ck_assert_int_eq(wpkg_pack(&p, two, 2, &opts, &err), WPKG_E_UNSUPPORTED);
	ck_assert_str_eq(err.msg, "2 files given: an exploded artifact holds one component");
	ck_assert_int_eq(wpkg_pack(&p, &two[1], 1, &opts, &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, FIXTURES "/modules/hello-c.core.wasm: only a component can be exploded: this is a core module");
	opts.exploded = false;
	{
		const char *same[] = { COMPOSED, COMPOSED };
		ck_assert_int_eq(wpkg_pack(&p, same, 2, &opts, &err), WPKG_E_INVALID);
		ck_assert_str_eq(err.msg, COMPOSED " and " COMPOSED ": both would be titled "
				 "\"composed-wat.component.wasm\" (layer titles must differ)");
	}
	ck_assert_int_eq(wpkg_pack(&p, bad, 1, &opts, &err), WPKG_E_INVALID);
	ck_assert_msg(strstr(err.msg, "not-wasm.txt") != NULL, "%s", err.msg);
	ck_assert_int_eq(wpkg_pack(&p, missing, 1, &opts, &err), WPKG_E_NOT_FOUND);
	ck_assert_msg(strstr(err.msg, "does-not-exist.wasm") != NULL, "%s", err.msg);
	opts.manifest_annotations = m;
	ck_assert_int_eq(wpkg_pack(&p, two, 1, &opts, &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "manifest annotation \"k\": expected a string");
	ck_assert_ptr_null(p);
	json_decref(m);
}
END_TEST

/* The growth rule of wpkg/common.h: the library reads only the bytes the caller's struct has. */
START_TEST(pack_opts_size)
{
	union {
		struct wpkg_pack_opts o;
		unsigned char bytes[sizeof(struct wpkg_pack_opts) + 16];
	} old;
	struct wpkg_pack_opts zero = { 0 }, now = WPKG_PACK_OPTS_INIT, big = WPKG_PACK_OPTS_INIT;
	struct wpkg_package *p = NULL, *q;
	struct wpkg_error err = { 0 };
	const char *files[] = { COMPOSED };

	ck_assert_uint_eq(now.size, sizeof(struct wpkg_pack_opts));
	zero.created = 1700000000;
	ck_assert_int_eq(wpkg_pack(&p, files, 1, &zero, &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "pack options: size is 0: initialise them with their _INIT macro");
	big.size = sizeof(big) + 8;
	ck_assert_int_eq(wpkg_pack_image(&p, COMPOSED, WPKG_FORMAT_IMAGE, &big, &err), WPKG_E_INVALID);
	ck_assert_msg(strstr(err.msg, "the program was built against a newer libwpkg") != NULL, "%s", err.msg);
	ck_assert_ptr_null(p);

	/* An older caller's struct ends before "exploded": whatever follows it in memory is not read. */
	memset(old.bytes, 0xff, sizeof(old.bytes));
	old.o.size = offsetof(struct wpkg_pack_opts, exploded);
	old.o.author = NULL;
	old.o.target = NULL;
	old.o.manifest_annotations = NULL;
	old.o.layer_annotations = NULL;
	old.o.created = 1700000000;
	now.created = 1700000000;
	ck_assert_msg(wpkg_pack(&p, files, 1, &old.o, &err) == 0, "%s", err.msg);
	q = pack_one(COMPOSED, &now);
	ck_assert_uint_eq(p->n_layers, 1);
	ck_assert_str_eq(p->manifest.data, q->manifest.data);
	wpkg_package_free(p);
	wpkg_package_free(q);
}
END_TEST

/* ---- several files, exploded ---- */

/* Expected digests computed independently (python3 json.dumps(separators=(',', ':')) + hashlib). */
#define MULTI_CONFIG_SHA "sha256:6a8f11c60ab370ffc8408e7f58518379171ba593f605ecfcf7a4c5ee16b88b41"
#define MULTI_MANIFEST_SHA "sha256:37a745ca7e0f1c0b8f7b9191d7afc9702812e46dc862b5e946f75ca6b8e327a3"

START_TEST(pack_multi_component)
{
	struct wpkg_pack_opts opts = { .size = sizeof(opts), .created = 1700000000 };
	struct wpkg_package *p = NULL;
	struct wpkg_error err = { 0 };
	const char *two[] = { COMPOSED, MODULE };

	ck_assert_msg(wpkg_pack(&p, two, 2, &opts, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(p->n_layers, 2);
	ck_assert_str_eq(p->layers[0].desc.digest.str, COMPOSED_SHA);
	ck_assert_str_eq(p->layers[1].desc.digest.str, MODULE_SHA);
	ck_assert_str_eq(json_string_value(json_object_get(p->layers[1].desc.annotations, WPKG_ANNOT_TITLE)),
			 "hello-c.core.wasm");
	/* the first file's world, then every file's under the extension key */
	ck_assert_str_eq(p->config.mem.data,
		"{\"created\":\"" T1700000000 "\",\"author\":null,\"architecture\":\"wasm\",\"os\":\"wasip2\","
		"\"layerDigests\":[\"" COMPOSED_SHA "\",\"" MODULE_SHA "\"],\"component\":{\"exports\":"
		"[\"local:composed/api@0.1.0\",\"run\"],\"imports\":[\"wasi:clocks/monotonic-clock@0.2.0\"],\"target\":null},"
		"\"dev.wpkg.components.v1\":[{\"title\":\"composed-wat.component.wasm\",\"kind\":\"component\","
		"\"imports\":[\"wasi:clocks/monotonic-clock@0.2.0\"],\"exports\":[\"local:composed/api@0.1.0\",\"run\"]},"
		"{\"title\":\"hello-c.core.wasm\",\"kind\":\"module\",\"imports\":[],\"exports\":[]}]}");
	ck_assert_str_eq(p->config.desc.digest.str, MULTI_CONFIG_SHA);
	ck_assert_str_eq(p->manifest_desc.digest.str, MULTI_MANIFEST_SHA);
	ck_assert_ptr_null(p->recipe);
	wpkg_package_free(p);
}
END_TEST

#define EXPLODED_CONFIG_SHA "sha256:3ebb8c85fa3acae15a99c03d3598dcef75b30e1d4caf0c6d9f0efef4a1762975"
#define EXPLODED_MANIFEST_SHA "sha256:75844ac2cf0c978e87760fc1c5baa1679d49db8daa43a6556a55d47eda1c62dd"
#define SKELETON_SHA "sha256:3d950d05af050c4464f2cef84bbfcdfbfcf2e80576a3e7bf2ab78a56cac3cb6f"

START_TEST(pack_exploded_composed)
{
	static const char *const titles[] = { "composed-wat.component.wasm.skeleton", "01-module.wasm",
					      "02-module.wasm", "03-component.wasm" };
	static const uint64_t offsets[] = { 0, 93, 259, 506 };
	struct wpkg_pack_opts opts = { .size = sizeof(opts), .created = 1700000000, .exploded = true, .explode = { 1, 0 } };
	struct wpkg_package *p = pack_one(COMPOSED, &opts);
	char *skeleton;
	size_t i;

	ck_assert_uint_eq(p->n_layers, 4);
	ck_assert_str_eq(p->layers[0].desc.media_type, WPKG_MT_SKELETON);
	ck_assert_str_eq(p->layers[0].desc.digest.str, SKELETON_SHA);
	ck_assert_int_eq(p->layers[0].desc.size, 637);
	ck_assert(p->layers[0].temp);
	for (i = 0; i < 4; i++) {
		ck_assert_str_eq(json_string_value(json_object_get(p->layers[i].desc.annotations, WPKG_ANNOT_TITLE)),
				 titles[i]);
		ck_assert_uint_eq(p->layers[i].offset, offsets[i]);
		if (i > 0) {
			ck_assert_str_eq(p->layers[i].desc.media_type, WPKG_MT_WASM_LAYER);
			ck_assert_str_eq(p->layers[i].path, COMPOSED);
			ck_assert(!p->layers[i].temp);
		}
	}
	ck_assert_str_eq(p->layers[3].desc.digest.str,
			 "sha256:aa27649e8298bf382c2f1429721bbc0bccd64f4ea1d1a40602a4b298b9b3779d");
	ck_assert_msg(strstr(p->config.mem.data, ",\"dev.wpkg.exploded.v1\":{\"version\":1,\"size\":1106,\"digest\":\""
			     COMPOSED_SHA "\",\"parts\":[{\"offset\":93,\"size\":113,\"layer\":1},") != NULL,
		      "%s", p->config.mem.data);
	ck_assert_str_eq(p->config.desc.digest.str, EXPLODED_CONFIG_SHA);
	ck_assert_str_eq(p->manifest_desc.digest.str, EXPLODED_MANIFEST_SHA);
	ck_assert_uint_eq(p->manifest.len, 1189);
	ck_assert_uint_eq(p->recipe->n_parts, 3);
	/* the skeleton is a temporary that lives exactly as long as the package */
	skeleton = strdup(p->layers[0].path);
	ck_assert_int_eq(access(skeleton, R_OK), 0);
	wpkg_package_free(p);
	ck_assert_int_ne(access(skeleton, F_OK), 0);
	free(skeleton);
}
END_TEST

/* ---- annotation inputs ---- */

static void dump_eq(const json_t *j, const char *want)
{
	char *s = json_dumps(j, JSON_COMPACT);

	ck_assert_str_eq(s, want);
	free(s);
}

START_TEST(annotation_add)
{
	json_t *obj = json_object();
	struct wpkg_error err = { 0 };

	ck_assert_int_eq(wpkg_annotation_add(obj, "a=1", &err), 0);
	ck_assert_int_eq(wpkg_annotation_add(obj, "b=", &err), 0);
	ck_assert_int_eq(wpkg_annotation_add(obj, "a=2", &err), 0);
	dump_eq(obj, "{\"a\":\"2\",\"b\":\"\"}");
	ck_assert_int_eq(wpkg_annotation_add(obj, "novalue", &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "annotation \"novalue\": expected KEY=VALUE");
	ck_assert_int_eq(wpkg_annotation_add(obj, "=v", &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "annotation \"=v\": expected KEY=VALUE");
	ck_assert_int_eq(wpkg_annotation_add(obj, "k=\xc3", &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "annotation \"k=\xc3\": not valid UTF-8");
	dump_eq(obj, "{\"a\":\"2\",\"b\":\"\"}");
	json_decref(obj);
}
END_TEST

static char *write_tmp(const char *text)
{
	char *path = strdup("/tmp/wpkg-test-annot-XXXXXX");
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

/* Loads text as an annotation file into fresh objects; returns the status and the message. */
static int load_text(const char *text, json_t *m, json_t *l, struct wpkg_error *err, char **path_out)
{
	char *path = write_tmp(text);
	int rc = wpkg_annotation_file_load(m, l, path, err);

	unlink(path);
	if (path_out != NULL)
		*path_out = path;
	else
		free(path);
	return rc;
}

START_TEST(annotation_file_flat)
{
	json_t *m = json_pack("{s:s}", "keep", "1"), *l = json_object();
	struct wpkg_error err = { 0 };

	ck_assert_int_eq(load_text("{\"b\":\"2\",\"keep\":\"3\"}", m, l, &err, NULL), 0);
	dump_eq(m, "{\"keep\":\"3\",\"b\":\"2\"}");
	dump_eq(l, "{}");
	json_decref(m);
	json_decref(l);
}
END_TEST

START_TEST(annotation_file_oras)
{
	json_t *m = json_object(), *l = json_object();
	struct wpkg_error err = { 0 };

	ck_assert_int_eq(load_text("{\"$config\":{\"c\":\"x\"},\"$manifest\":{\"m\":\"1\"},"
				   "\"app.wasm\":{\"t\":\"2\",\"u\":\"3\"}}", m, l, &err, NULL), 0);
	dump_eq(m, "{\"m\":\"1\"}");
	dump_eq(l, "{\"app.wasm\":{\"t\":\"2\",\"u\":\"3\"}}");
	/* A second file adds to what is there. */
	ck_assert_int_eq(load_text("{\"app.wasm\":{\"t\":\"9\"}}", m, l, &err, NULL), 0);
	dump_eq(l, "{\"app.wasm\":{\"t\":\"9\",\"u\":\"3\"}}");
	json_decref(m);
	json_decref(l);
}
END_TEST

/* Loads text and expects code and the message "annotation file: PATH: tail". */
static void expect_load_error(json_t *m, json_t *l, const char *text, int code, const char *tail)
{
	struct wpkg_error err = { 0 };
	char want[WPKG_ERROR_MSG_MAX], *path;

	ck_assert_int_eq(load_text(text, m, l, &err, &path), code);
	snprintf(want, sizeof(want), "annotation file: %s: %s", path, tail);
	ck_assert_str_eq(err.msg, want);
	free(path);
}

START_TEST(annotation_file_errors)
{
	json_t *m = json_object(), *l = json_object();
	struct wpkg_error err = { 0 };

	expect_load_error(m, l, "{\"a\":1}", WPKG_E_INVALID, "\"a\": expected a string");
	expect_load_error(m, l, "{\"$manifest\":{\"ok\":\"1\"},\"f.wasm\":{\"n\":2}}", WPKG_E_INVALID,
			  "\"f.wasm\".\"n\": expected a string");
	expect_load_error(m, l, "{\"$manifest\":{\"ok\":\"1\"},\"flat\":\"x\"}", WPKG_E_INVALID,
			  "\"flat\": expected an object of strings");
	expect_load_error(m, l, "{\"a\":\"1\",\"a\":\"2\"}", WPKG_E_INVALID,
			  "duplicate key \"a\" at line 1, column 12");
	expect_load_error(m, l, "[]", WPKG_E_INVALID, "expected a JSON object at the top level");
	expect_load_error(m, NULL, "{\"$manifest\":{\"ok\":\"1\"},\"f.wasm\":{}}", WPKG_E_UNSUPPORTED,
			  "\"f.wasm\": per-file annotations are not supported here");
	ck_assert_int_eq(wpkg_annotation_file_load(m, l, "/nonexistent/annots.json", &err), WPKG_E_NOT_FOUND);
	ck_assert_str_eq(err.msg, "annotation file: /nonexistent/annots.json: No such file or directory");
	/* Nothing was added by any failed load. */
	dump_eq(m, "{}");
	dump_eq(l, "{}");
	json_decref(m);
	json_decref(l);
}
END_TEST

static Suite *pack_suite(void)
{
	Suite *s = suite_create("pack");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, pack_component_golden);
	tcase_add_test(tc, pack_module_golden);
	tcase_add_test(tc, pack_empty_component);
	tcase_add_test(tc, pack_reproducible);
	tcase_add_test(tc, pack_author_target);
	tcase_add_test(tc, pack_annotations_order_override);
	tcase_add_test(tc, pack_errors);
	tcase_add_test(tc, pack_multi_component);
	tcase_add_test(tc, pack_exploded_composed);
	tcase_add_test(tc, pack_opts_size);
	tcase_add_test(tc, annotation_add);
	tcase_add_test(tc, annotation_file_flat);
	tcase_add_test(tc, annotation_file_oras);
	tcase_add_test(tc, annotation_file_errors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(pack_suite());
}
