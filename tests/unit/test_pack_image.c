/* SPDX-License-Identifier: Apache-2.0 */
/* test_pack_image.c - image and runwasi packages: golden bytes, the tar layer, reproducibility, safe extraction. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "unit.h"
#include "wpkg/fsutil.h"
#include "wpkg/pack_image.h"

#define COMPOSED FIXTURES "/components/composed-wat.component.wasm"
#define MODULE FIXTURES "/modules/hello-c.core.wasm"
#define BAD FIXTURES "/bad/not-wasm.txt"
#define T1700000000 "2023-11-14T22:13:20Z"
#define MT_TGZ "application/vnd.oci.image.layer.v1.tar+gzip"
#define MT_TAR "application/vnd.oci.image.layer.v1.tar"

/*
 * Expected values computed independently: the diff_id with gzip -dc | sha256sum
 * on the layer; every document digest with python3 hashlib over the bytes below.
 */
#define COMPOSED_SHA "db9cacee54e7988a1ecd2ebb032aa46c826d1f8c5ca50ba694fd930112586e4a"
#define COMPOSED_DIFF_ID "sha256:17fbad1c7340b903bc76e4706d762d95d3bbea0c74ef97691ecf629e411811ab"
#define IMAGE_CONFIG \
	"{\"created\":\"" T1700000000 "\",\"architecture\":\"wasm\",\"os\":\"wasip2\"," \
	"\"config\":{\"Entrypoint\":[\"/composed-wat.component.wasm\"]," \
	"\"Labels\":{\"module.wasm.image/variant\":\"compat-smart\"}}," \
	"\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" COMPOSED_DIFF_ID "\"]}," \
	"\"history\":[{\"created\":\"" T1700000000 "\",\"created_by\":\"wpkg build --format image\"}]}"
#define IMAGE_CONFIG_SHA "sha256:881bb794a04bc7fcb205f36849728acfa3eb5a3e27ae93c507c1784b419f3402"
#define MANIFEST_HEAD(cfg_sha, cfg_size) \
	"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"," \
	"\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" cfg_sha \
	"\",\"size\":" cfg_size "},"
#define CREATED_ANNOT "\"org.opencontainers.image.created\":\"" T1700000000 "\""
#define VARIANT_ANNOT "\"module.wasm.image/variant\":\"compat-smart\""

/* sha256 of the hex digest string, as runwasi's oci-tar-builder labels its config. */
#define RUNWASI_CONFIG \
	"{\"created\":\"" T1700000000 "\",\"architecture\":\"wasm\",\"os\":\"wasip2\"," \
	"\"config\":{\"Entrypoint\":[\"composed-wat.component.wasm\"],\"Labels\":{\"containerd.runwasi.layers\":" \
	"\"35f9f906cb82e20ef69f60aa9b61871cb2c8f3d506c2c76431c55d61962c6b65\"}}," \
	"\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
#define RUNWASI_CONFIG_SHA "sha256:20803b79166c56c7314bc8e5789f4bb7e1a7b3c073240baca98f97ac34161d5a"
#define RUNWASI_MANIFEST \
	MANIFEST_HEAD(RUNWASI_CONFIG_SHA, "273") \
	"\"layers\":[{\"mediaType\":\"application/vnd.bytecodealliance.wasm.component.layer.v0+wasm\"," \
	"\"digest\":\"sha256:" COMPOSED_SHA "\",\"size\":1106}],\"annotations\":{" CREATED_ANNOT "}}"
#define RUNWASI_MANIFEST_SHA "sha256:077e11b4690f7915ee1bdf8f572f9616f7df3985666705ed4793979cf06e9e8f"
#define RUNWASI_MODULE_CONFIG \
	"{\"created\":\"" T1700000000 "\",\"architecture\":\"wasm\",\"os\":\"wasip1\"," \
	"\"config\":{\"Entrypoint\":[\"hello-c.core.wasm\"],\"Labels\":{\"containerd.runwasi.layers\":" \
	"\"76cca61bb767d7165316708e52c7c5bc50b79b731cf6006f5cafc17a4f6fba5e\"}}," \
	"\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
#define RUNWASI_MODULE_CONFIG_SHA "sha256:7531906e455997ec3021ffce5e42a6b53215ebd4ae7e85e58c3d5a1acf1d2235"
#define RUNWASI_MODULE_MANIFEST_SHA "sha256:1dc65d0586d15af7f48272ffc8848e2f09accce622dd0316e4832e3ef2f94b8e"

static char orig_tmpdir[256];
static char layer_dir[300];   /* the packer's TMPDIR during a test */

static void setup(void)
{
	if (orig_tmpdir[0] != '\0')
		unit_setenv("TMPDIR", orig_tmpdir);
	else
		unit_unsetenv("TMPDIR");
	unit_tmp_make("test_pack_image");
	snprintf(layer_dir, sizeof(layer_dir), "%s/layers", unit_tmp);
	ck_assert_int_eq(mkdir(layer_dir, 0700), 0);
	unit_setenv("TMPDIR", layer_dir);
}

static void teardown(void)
{
	unit_tmp_remove();
}

static struct wpkg_package *pack(const char *file, enum wpkg_pack_format fmt, const struct wpkg_pack_opts *opts)
{
	struct wpkg_package *p = NULL;
	struct wpkg_error err = { 0 };

	ck_assert_msg(wpkg_pack_image(&p, file, fmt, opts, &err) == 0, "pack %s: %s", file, err.msg);
	ck_assert_ptr_nonnull(p);
	return p;
}

START_TEST(format_parse)
{
	struct wpkg_error err = { 0 };
	enum wpkg_pack_format f = WPKG_FORMAT_WASM;

	ck_assert_int_eq(wpkg_pack_format_parse(&f, "image", &err), 0);
	ck_assert_int_eq(f, WPKG_FORMAT_IMAGE);
	ck_assert_int_eq(wpkg_pack_format_parse(&f, "runwasi", &err), 0);
	ck_assert_int_eq(f, WPKG_FORMAT_RUNWASI);
	ck_assert_int_eq(wpkg_pack_format_parse(&f, "wasm", &err), 0);
	ck_assert_int_eq(f, WPKG_FORMAT_WASM);
	f = WPKG_FORMAT_IMAGE;
	ck_assert_int_eq(wpkg_pack_format_parse(&f, "Image", &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "unknown package format \"Image\": expected wasm, image or runwasi");
	ck_assert_int_eq(f, WPKG_FORMAT_IMAGE);
	ck_assert_str_eq(wpkg_pack_format_name(WPKG_FORMAT_RUNWASI), "runwasi");
}
END_TEST

START_TEST(entry_names)
{
	static const char *const cases[][2] = {
		{ "dir/hello-c.component.wasm", "hello-c.component.wasm" },
		{ "hello.wasm", "hello.wasm" },
		{ "/x/hello", "hello.wasm" },
		{ "hello.WASM", "hello.WASM.wasm" },
		{ "a.was", "a.was.wasm" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *n = wpkg_image_entry_name(cases[i][0]);

		ck_assert_str_eq(n, cases[i][1]);
		free(n);
	}
}
END_TEST

START_TEST(image_component_golden)
{
	struct wpkg_pack_opts opts = { .size = sizeof(opts), .created = 1700000000 };
	struct wpkg_package *p = pack(COMPOSED, WPKG_FORMAT_IMAGE, &opts);
	static const unsigned char gzip_header[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };
	struct wpkg_buf layer = WPKG_BUF_INIT, want = WPKG_BUF_INIT;
	struct wpkg_error err = { 0 };
	struct wpkg_digest d;
	uint64_t size = 0;
	char *path;

	ck_assert_str_eq(p->config.mem.data, IMAGE_CONFIG);
	ck_assert_str_eq(p->config.desc.media_type, "application/vnd.oci.image.config.v1+json");
	ck_assert_str_eq(p->config.desc.digest.str, IMAGE_CONFIG_SHA);
	ck_assert_int_eq(p->config.desc.size, 383);
	ck_assert_uint_eq(p->n_layers, 1);
	ck_assert_str_eq(p->layers[0].desc.media_type, MT_TGZ);
	/* image layers carry no title: the tar names the file */
	ck_assert_ptr_null(p->layers[0].desc.annotations);
	ck_assert_uint_eq(p->layers[0].offset, 0);
	ck_assert_ptr_nonnull(p->layers[0].path);
	ck_assert_int_eq(strncmp(p->layers[0].path, layer_dir, strlen(layer_dir)), 0);
	ck_assert_int_eq(wpkg_digest_file(&d, &size, WPKG_DIGEST_SHA256, p->layers[0].path, &err), 0);
	ck_assert_str_eq(p->layers[0].desc.digest.str, d.str);
	ck_assert_int_eq(p->layers[0].desc.size, (int64_t)size);
	unit_read_file(&layer, p->layers[0].path);
	/* no timestamp, no name, OS unix: the same bytes whenever it is built */
	ck_assert_mem_eq(layer.data, gzip_header, sizeof(gzip_header));
	wpkg_buf_printf(&want,
			MANIFEST_HEAD(IMAGE_CONFIG_SHA, "383") "\"layers\":[{\"mediaType\":\"" MT_TGZ
			"\",\"digest\":\"%s\",\"size\":%lld}],\"annotations\":{" VARIANT_ANNOT "," CREATED_ANNOT "}}",
			d.str, (long long)size);
	ck_assert_str_eq(p->manifest.data, want.data);
	wpkg_digest_bytes(&d, WPKG_DIGEST_SHA256, want.data, want.len);
	ck_assert_str_eq(p->manifest_desc.digest.str, d.str);
	ck_assert_str_eq(p->manifest_desc.media_type, "application/vnd.oci.image.manifest.v1+json");
	ck_assert_int_eq(p->manifest_desc.size, (int64_t)want.len);
	ck_assert_uint_eq(p->n_infos, 1);
	ck_assert_int_eq(p->infos[0]->kind, WPKG_WASM_COMPONENT);
	path = strdup(p->layers[0].path);
	ck_assert_int_eq(unit_count_entries(layer_dir), 1);
	wpkg_package_free(p);
	/* the temporary goes with the package */
	ck_assert_int_eq(access(path, F_OK), -1);
	ck_assert_int_eq(unit_count_entries(layer_dir), 0);
	free(path);
	wpkg_buf_free(&layer);
	wpkg_buf_free(&want);
}
END_TEST

/* Octal tar header field at off, len bytes. */
static unsigned long long octal(const char *hdr, size_t off, size_t len)
{
	char tmp[16] = { 0 };

	memcpy(tmp, hdr + off, len < sizeof(tmp) - 1 ? len : sizeof(tmp) - 1);
	return strtoull(tmp, NULL, 8);
}

/* The gzip stream decompressed (libarchive raw format), for checking the tar inside. */
static void gunzip(struct wpkg_buf *out, const char *path)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	char buf[4096];
	la_ssize_t n;

	archive_read_support_filter_gzip(a);
	archive_read_support_format_raw(a);
	ck_assert_int_eq(archive_read_open_filename(a, path, 4096), ARCHIVE_OK);
	ck_assert_int_eq(archive_read_next_header(a, &e), ARCHIVE_OK);
	while ((n = archive_read_data(a, buf, sizeof(buf))) > 0)
		wpkg_buf_put(out, buf, (size_t)n);
	ck_assert_int_eq(n, 0);
	archive_read_free(a);
}

START_TEST(image_tar_layout)
{
	struct wpkg_pack_opts opts = { .size = sizeof(opts), .created = 1700000000 };
	struct wpkg_package *p = pack(COMPOSED, WPKG_FORMAT_IMAGE, &opts);
	struct wpkg_buf tar = WPKG_BUF_INIT, wasm = WPKG_BUF_INIT;
	static const char zeros[1024];
	struct wpkg_digest d;
	const char *h;

	gunzip(&tar, p->layers[0].path);
	unit_read_file(&wasm, COMPOSED);
	/* header, the file padded to 512, the two zero blocks of the end: no trailing block padding */
	ck_assert_uint_eq(tar.len, 512 + 1536 + 1024);
	wpkg_digest_bytes(&d, WPKG_DIGEST_SHA256, tar.data, tar.len);
	ck_assert_str_eq(d.str, COMPOSED_DIFF_ID);
	h = tar.data;
	ck_assert_str_eq(h, "composed-wat.component.wasm");
	ck_assert_uint_eq(octal(h, 100, 8), 0644);
	ck_assert_uint_eq(octal(h, 108, 8), 0);
	ck_assert_uint_eq(octal(h, 116, 8), 0);
	ck_assert_uint_eq(octal(h, 124, 12), 1106);
	ck_assert_uint_eq(octal(h, 136, 12), 1700000000);
	ck_assert_int_eq(h[156], '0');
	ck_assert_mem_eq(h + 257, "ustar\0" "00", 8);
	ck_assert_str_eq(h + 265, "");   /* uname */
	ck_assert_str_eq(h + 297, "");   /* gname */
	ck_assert_mem_eq(tar.data + 512, wasm.data, wasm.len);
	ck_assert_mem_eq(tar.data + tar.len - 1024, zeros, 1024);
	wpkg_package_free(p);
	wpkg_buf_free(&tar);
	wpkg_buf_free(&wasm);
}
END_TEST

START_TEST(image_module_author_annotations)
{
	json_t *annots = json_pack("{s:s, s:s}", "org.opencontainers.image.created", "override", "a", "1");
	json_t *per_file = json_pack("{s:{s:s}}", "hello-c.core.wasm", "k", "v");
	struct wpkg_pack_opts opts = { .size = sizeof(opts), .created = 1700000000, .author = "Ann <a@x>",
				       .manifest_annotations = annots, .layer_annotations = per_file };
	struct wpkg_package *p = pack(MODULE, WPKG_FORMAT_IMAGE, &opts);
	static const char head[] =
		"{\"created\":\"" T1700000000 "\",\"author\":\"Ann <a@x>\",\"architecture\":\"wasm\",\"os\":\"wasip1\","
		"\"config\":{\"Entrypoint\":[\"/hello-c.core.wasm\"],"
		"\"Labels\":{\"module.wasm.image/variant\":\"compat-smart\"}},\"rootfs\":{\"type\":\"layers\","
		"\"diff_ids\":[\"sha256:";
	static const char tail[] = "\"annotations\":{" VARIANT_ANNOT ",\"org.opencontainers.image.created\":\"override\","
				   "\"a\":\"1\"}}";
	const char *m = p->manifest.data;

	ck_assert_int_eq(strncmp(p->config.mem.data, head, sizeof(head) - 1), 0);
	ck_assert_int_eq(p->infos[0]->kind, WPKG_WASM_MODULE);
	ck_assert_uint_ge(p->manifest.len, sizeof(tail));
	ck_assert_str_eq(m + p->manifest.len - (sizeof(tail) - 1), tail);
	ck_assert_str_eq(json_string_value(json_object_get(p->layers[0].desc.annotations, "k")), "v");
	ck_assert_int_eq(json_object_size(p->layers[0].desc.annotations), 1);
	wpkg_package_free(p);
	json_decref(annots);
	json_decref(per_file);
}
END_TEST

START_TEST(runwasi_component_golden)
{
	struct wpkg_pack_opts opts = { .size = sizeof(opts), .created = 1700000000 };
	struct wpkg_package *p = pack(COMPOSED, WPKG_FORMAT_RUNWASI, &opts);

	ck_assert_str_eq(p->config.mem.data, RUNWASI_CONFIG);
	ck_assert_str_eq(p->config.desc.digest.str, RUNWASI_CONFIG_SHA);
	ck_assert_int_eq(p->config.desc.size, 273);
	ck_assert_str_eq(p->layers[0].desc.media_type, "application/vnd.bytecodealliance.wasm.component.layer.v0+wasm");
	/* the file itself, streamed from its path */
	ck_assert_str_eq(p->layers[0].path, COMPOSED);
	ck_assert_uint_eq(p->layers[0].offset, 0);
	ck_assert_str_eq(p->layers[0].desc.digest.str, "sha256:" COMPOSED_SHA);
	ck_assert_int_eq(p->layers[0].desc.size, 1106);
	ck_assert_str_eq(p->manifest.data, RUNWASI_MANIFEST);
	ck_assert_uint_eq(p->manifest.len, 494);
	ck_assert_str_eq(p->manifest_desc.digest.str, RUNWASI_MANIFEST_SHA);
	ck_assert_int_eq(unit_count_entries(layer_dir), 0);
	wpkg_package_free(p);
	/* the user's file is not a temporary */
	ck_assert_int_eq(access(COMPOSED, R_OK), 0);
}
END_TEST

START_TEST(runwasi_module_golden)
{
	struct wpkg_pack_opts opts = { .size = sizeof(opts), .created = 1700000000 };
	struct wpkg_package *p = pack(MODULE, WPKG_FORMAT_RUNWASI, &opts);

	ck_assert_str_eq(p->config.mem.data, RUNWASI_MODULE_CONFIG);
	ck_assert_str_eq(p->config.desc.digest.str, RUNWASI_MODULE_CONFIG_SHA);
	/* runwasi uses the component layer type for core modules too */
	ck_assert_str_eq(p->layers[0].desc.media_type, "application/vnd.bytecodealliance.wasm.component.layer.v0+wasm");
	ck_assert_str_eq(p->manifest_desc.digest.str, RUNWASI_MODULE_MANIFEST_SHA);
	wpkg_package_free(p);
}
END_TEST

START_TEST(wasm_format_is_cncf_artifact)
{
	struct wpkg_pack_opts opts = { .size = sizeof(opts), .created = 1700000000 };
	struct wpkg_package *p = pack(COMPOSED, WPKG_FORMAT_WASM, &opts);

	ck_assert_str_eq(p->config.desc.media_type, "application/vnd.wasm.config.v0+json");
	ck_assert_str_eq(p->layers[0].desc.media_type, "application/wasm");
	ck_assert_str_eq(p->manifest_desc.digest.str,
			 "sha256:b19e2c040c2a98efc9eb70b587178bef9b90c3f238c76ad6a2ab911e6b0f80bb");
	wpkg_package_free(p);
}
END_TEST

START_TEST(image_reproducible)
{
	struct wpkg_pack_opts opts = { .size = sizeof(opts), .created = 1700000000 };
	struct wpkg_pack_opts later = { .size = sizeof(later), .created = 1700000001 };
	struct wpkg_package *a = pack(COMPOSED, WPKG_FORMAT_IMAGE, &opts);
	struct wpkg_package *b, *c;
	struct wpkg_buf ba = WPKG_BUF_INIT, bb = WPKG_BUF_INIT;

	sleep(1);   /* a gzip or tar time taken from the clock would now differ */
	b = pack(COMPOSED, WPKG_FORMAT_IMAGE, &opts);
	c = pack(COMPOSED, WPKG_FORMAT_IMAGE, &later);
	ck_assert_str_ne(a->layers[0].path, b->layers[0].path);
	unit_read_file(&ba, a->layers[0].path);
	unit_read_file(&bb, b->layers[0].path);
	ck_assert_uint_eq(ba.len, bb.len);
	ck_assert_mem_eq(ba.data, bb.data, ba.len);
	ck_assert_str_eq(a->layers[0].desc.digest.str, b->layers[0].desc.digest.str);
	ck_assert_str_eq(a->config.mem.data, b->config.mem.data);
	ck_assert_str_eq(a->manifest.data, b->manifest.data);
	/* created is the only time in it: the tar's mtime follows it */
	ck_assert_str_ne(a->layers[0].desc.digest.str, c->layers[0].desc.digest.str);
	ck_assert_str_ne(a->manifest_desc.digest.str, c->manifest_desc.digest.str);
	wpkg_package_free(a);
	wpkg_package_free(b);
	wpkg_package_free(c);
	ck_assert_int_eq(unit_count_entries(layer_dir), 0);
	wpkg_buf_free(&ba);
	wpkg_buf_free(&bb);
}
END_TEST

START_TEST(pack_errors_leave_nothing)
{
	struct wpkg_pack_opts opts = { .size = sizeof(opts), .created = 1700000000 };
	struct wpkg_package *p = NULL;
	struct wpkg_error err = { 0 };

	ck_assert_int_eq(wpkg_pack_image(&p, BAD, WPKG_FORMAT_IMAGE, &opts, &err), WPKG_E_INVALID);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(strncmp(err.msg, BAD ": ", strlen(BAD ": ")), 0);
	ck_assert_int_lt(wpkg_pack_image(&p, FIXTURES "/nope.wasm", WPKG_FORMAT_RUNWASI, &opts, &err), 0);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(wpkg_pack_image(&p, COMPOSED, (enum wpkg_pack_format)7, &opts, &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "unknown package format 7");
	opts.exploded = true;
	ck_assert_int_eq(wpkg_pack_image(&p, COMPOSED, WPKG_FORMAT_RUNWASI, &opts, &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "an exploded package is a Wasm artifact: format runwasi cannot be exploded");
	opts.exploded = false;
	unit_setenv("TMPDIR", "/nonexistent-wpkg-dir");
	ck_assert_int_eq(wpkg_pack_image(&p, COMPOSED, WPKG_FORMAT_IMAGE, &opts, &err), WPKG_E_NOT_FOUND);
	ck_assert_str_eq(err.msg, COMPOSED ": /nonexistent-wpkg-dir: cannot create temporary file: "
			 "No such file or directory");
	ck_assert_ptr_null(p);
	ck_assert_int_eq(unit_count_entries(layer_dir), 0);
}
END_TEST

/* Extracts from path and returns the status; the bytes land in out, the name in *found. */
static int extract(struct wpkg_buf *out, const char *path, const char *mt, const char *entry, uint64_t max,
		   char **found, struct wpkg_error *err)
{
	char out_path[320];
	int in, fd, rc;

	snprintf(out_path, sizeof(out_path), "%s/out.wasm", unit_tmp);
	in = open(path, O_RDONLY);
	fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(in, 0);
	ck_assert_int_ge(fd, 0);
	rc = wpkg_image_extract_wasm(fd, in, mt, entry, max, found, err);
	close(in);
	close(fd);
	unit_read_file(out, out_path);
	return rc;
}

START_TEST(extract_round_trip)
{
	struct wpkg_pack_opts opts = { .size = sizeof(opts), .created = 1700000000 };
	struct wpkg_package *p = pack(COMPOSED, WPKG_FORMAT_IMAGE, &opts);
	struct wpkg_buf got = WPKG_BUF_INIT, wasm = WPKG_BUF_INIT;
	struct wpkg_error err = { 0 };
	char *found = NULL, *ep = NULL;

	unit_read_file(&wasm, COMPOSED);
	/* the way pull does it: the config's Entrypoint names the file */
	ck_assert_int_eq(wpkg_image_config_entrypoint(&ep, p->config.mem.data, p->config.mem.len, &err), 0);
	ck_assert_str_eq(ep, "/composed-wat.component.wasm");
	ck_assert_msg(extract(&got, p->layers[0].path, MT_TGZ, ep, 1106, &found, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(found, "composed-wat.component.wasm");
	ck_assert_uint_eq(got.len, wasm.len);
	ck_assert_mem_eq(got.data, wasm.data, wasm.len);
	free(found);
	found = NULL;
	ck_assert_msg(extract(&got, p->layers[0].path, MT_TGZ, NULL, UINT64_MAX, &found, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(found, "composed-wat.component.wasm");
	ck_assert_mem_eq(got.data, wasm.data, wasm.len);
	/* one byte under the file's size is refused */
	ck_assert_int_eq(extract(&got, p->layers[0].path, MT_TGZ, NULL, 1105, NULL, &err), WPKG_E_TOO_LARGE);
	ck_assert_str_eq(err.msg, "layer entry \"composed-wat.component.wasm\" is 1106 bytes, over the limit of 1105");
	free(found);
	free(ep);
	wpkg_package_free(p);
	wpkg_buf_free(&got);
	wpkg_buf_free(&wasm);
}
END_TEST

enum { REG, SYMLINK, HARDLINK, DIRECTORY };

struct tentry {
	const char *name;
	int type;
	const char *data;     /* REG: the content; links: the target */
};

/* Writes a tar (gzip'd when gzip) of the entries into the test directory and returns its path. */
static const char *make_tar(const char *file, bool gzip, const struct tentry *v, size_t n)
{
	static char path[320];
	struct archive *a = archive_write_new();
	size_t i;

	snprintf(path, sizeof(path), "%s/%s", unit_tmp, file);
	archive_write_set_format_pax_restricted(a);
	if (gzip)
		archive_write_add_filter_gzip(a);
	ck_assert_int_eq(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		size_t len = v[i].type == REG ? strlen(v[i].data) : 0;

		archive_entry_set_pathname(e, v[i].name);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)len);
		if (v[i].type == REG)
			archive_entry_set_filetype(e, AE_IFREG);
		else if (v[i].type == DIRECTORY)
			archive_entry_set_filetype(e, AE_IFDIR);
		else if (v[i].type == SYMLINK)
			archive_entry_set_filetype(e, AE_IFLNK), archive_entry_set_symlink(e, v[i].data);
		else
			archive_entry_set_filetype(e, AE_IFREG), archive_entry_set_hardlink(e, v[i].data);
		ck_assert_int_eq(archive_write_header(a, e), ARCHIVE_OK);
		if (len > 0)
			ck_assert_int_eq(archive_write_data(a, v[i].data, len), (la_ssize_t)len);
		archive_entry_free(e);
	}
	ck_assert_int_eq(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	return path;
}

struct hostile {
	struct tentry entries[3];
	size_t n;
	const char *entry_name;
	uint64_t max;
	int code;
	const char *msg;
};

static const struct hostile hostile[] = {
	{ { { "/etc/x", REG, "root::0:0" } }, 1, "/etc/x", 100, WPKG_E_INVALID,
	  "layer entry \"/etc/x\": absolute path refused" },
	{ { { "../x.wasm", REG, "WASM" } }, 1, NULL, 100, WPKG_E_INVALID,
	  "layer entry \"../x.wasm\": \"..\" in path refused" },
	{ { { "a/../../hello.wasm", REG, "x" } }, 1, NULL, 100, WPKG_E_INVALID,
	  "layer entry \"a/../../hello.wasm\": \"..\" in path refused" },
	{ { { "hello.wasm", SYMLINK, "/etc/shadow" } }, 1, "/hello.wasm", 100, WPKG_E_INVALID,
	  "layer entry \"hello.wasm\" is a symbolic link to \"/etc/shadow\", not a regular file" },
	{ { { "a.txt", REG, "abc" }, { "hello.wasm", HARDLINK, "a.txt" } }, 2, NULL, 100, WPKG_E_INVALID,
	  "layer entry \"hello.wasm\" is a hard link to \"a.txt\", not a regular file" },
	{ { { "hello.wasm", DIRECTORY, NULL } }, 1, "/hello.wasm", 100, WPKG_E_INVALID,
	  "layer entry \"hello.wasm/\" is not a regular file" },
	{ { { "a.wasm", REG, "a" }, { "b.wasm", REG, "b" } }, 2, NULL, 100, WPKG_E_INVALID,
	  "layer holds more than one .wasm file (\"a.wasm\" and \"b.wasm\"): name the one to extract" },
	{ { { "hello.wasm", REG, "a" }, { "./hello.wasm", REG, "b" } }, 2, "/hello.wasm", 100, WPKG_E_INVALID,
	  "layer holds \"hello.wasm\" more than once" },
	{ { { "big.wasm", REG, "0123456789" } }, 1, NULL, 9, WPKG_E_TOO_LARGE,
	  "layer entry \"big.wasm\" is 10 bytes, over the limit of 9" },
	{ { { "hello.wasm", REG, "a" } }, 1, "/nope.wasm", 100, WPKG_E_NOT_FOUND, "layer has no file \"/nope.wasm\"" },
	{ { { "readme.txt", REG, "a" }, { "d.wasm/", DIRECTORY, NULL } }, 2, NULL, 100, WPKG_E_NOT_FOUND,
	  "layer holds no .wasm file" },
	{ { { "x", REG, "a" } }, 1, "/a/../x", 100, WPKG_E_INVALID,
	  "entry name \"/a/../x\": not a file inside the image" },
	{ { { "x", REG, "a" } }, 1, "/", 100, WPKG_E_INVALID, "entry name \"/\": not a file inside the image" },
};

START_TEST(extract_hostile)
{
	const struct hostile *h = &hostile[_i];
	struct wpkg_buf got = WPKG_BUF_INIT;
	struct wpkg_error err = { 0 };
	char *found = NULL;
	const char *path = make_tar("hostile.tar.gz", true, h->entries, h->n);

	ck_assert_int_eq(extract(&got, path, MT_TGZ, h->entry_name, h->max, &found, &err), h->code);
	ck_assert_str_eq(err.msg, h->msg);
	ck_assert_ptr_null(found);
	wpkg_buf_free(&got);
}
END_TEST

START_TEST(extract_media_types)
{
	static const struct tentry files[] = {
		{ "./bin/", DIRECTORY, NULL }, { "./bin/tool.wasm/", DIRECTORY, NULL }, { "./hello.wasm", REG, "WASM" },
	};
	struct wpkg_buf got = WPKG_BUF_INIT;
	struct wpkg_error err = { 0 };
	char *found = NULL;
	const char *path = make_tar("plain.tar", false, files, 3);

	/* directories never count as candidates; "./" is dropped from the name */
	ck_assert_msg(extract(&got, path, MT_TAR, NULL, 4, &found, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(found, "hello.wasm");
	ck_assert_uint_eq(got.len, 4);
	ck_assert_mem_eq(got.data, "WASM", 4);
	free(found);
	ck_assert_int_eq(extract(&got, path, MT_TGZ, NULL, 4, NULL, &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "layer: content is not compressed as " MT_TGZ " says");
	ck_assert_int_eq(extract(&got, path, "application/wasm", NULL, 4, NULL, &err), WPKG_E_UNSUPPORTED);
	ck_assert_str_eq(err.msg, "layer media type \"application/wasm\" is not a tar layer");
	path = make_tar("docker.tar.gz", true, files, 3);
	ck_assert_int_eq(extract(&got, path, "application/vnd.docker.image.rootfs.diff.tar.gzip", "hello.wasm", 4,
				 NULL, &err), 0);
	ck_assert_int_eq(extract(&got, path, MT_TAR, NULL, 4, NULL, &err), WPKG_E_INVALID);
	ck_assert_int_eq(extract(&got, COMPOSED, MT_TAR, NULL, 4, NULL, &err), WPKG_E_INVALID);
	ck_assert_int_eq(strncmp(err.msg, "layer: ", 7), 0);
	ck_assert(wpkg_image_is_tar_layer(MT_TGZ));
	ck_assert(wpkg_image_is_tar_layer("application/vnd.oci.image.layer.v1.tar+zstd"));
	ck_assert(!wpkg_image_is_tar_layer("application/wasm"));
	ck_assert(!wpkg_image_is_tar_layer(NULL));
	wpkg_buf_free(&got);
}
END_TEST

START_TEST(config_entrypoint)
{
	struct wpkg_error err = { 0 };
	char *ep = (char *)"unchanged";
	static const char none[] = "{\"architecture\":\"wasm\",\"config\":{}}";
	static const char bad[] = "{\"config\":{\"Entrypoint\":\"/x.wasm\"}}";
	static const char bad_item[] = "{\"config\":{\"Entrypoint\":[\"/x.wasm\",1]}}";
	static const char dup[] = "{\"config\":{},\"config\":{}}";
	static const char sh[] = "{\"config\":{\"Entrypoint\":[\"/bin/sh\",\"-c\"]}}";
	static const char two[] = "{\"config\":{\"Entrypoint\":[\"/x.wasm\",\"arg\"]}}";

	ck_assert_int_eq(wpkg_image_config_entrypoint(&ep, none, strlen(none), &err), 0);
	ck_assert_ptr_null(ep);
	ep = (char *)"unchanged";
	ck_assert_int_eq(wpkg_image_config_entrypoint(&ep, sh, strlen(sh), &err), 0);
	ck_assert_ptr_null(ep);
	ck_assert_int_eq(wpkg_image_config_entrypoint(&ep, two, strlen(two), &err), 0);
	ck_assert_str_eq(ep, "/x.wasm");
	free(ep);
	ep = (char *)"unchanged";
	ck_assert_int_eq(wpkg_image_config_entrypoint(&ep, bad, strlen(bad), &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "image config: config.Entrypoint: expected an array of strings");
	ck_assert_int_eq(wpkg_image_config_entrypoint(&ep, bad_item, strlen(bad_item), &err), WPKG_E_INVALID);
	ck_assert_int_eq(wpkg_image_config_entrypoint(&ep, dup, strlen(dup), &err), WPKG_E_INVALID);
	ck_assert_int_eq(wpkg_image_config_entrypoint(&ep, "[", 1, &err), WPKG_E_INVALID);
	ck_assert_str_eq(ep, "unchanged");
}
END_TEST

/* The layer pull would extract from, for the manifest bytes given. */
static const struct wpkg_descriptor *tar_layer_of(struct wpkg_manifest **m, const char *manifest)
{
	struct wpkg_error err = { 0 };

	ck_assert_msg(wpkg_manifest_parse(m, manifest, strlen(manifest), &err) == 0, "%s", err.msg);
	return wpkg_image_tar_layer(*m);
}

START_TEST(tar_layer_selection)
{
	struct wpkg_pack_opts opts = { .size = sizeof(opts), .created = 1700000000 };
	struct wpkg_package *img = pack(COMPOSED, WPKG_FORMAT_IMAGE, &opts);
	struct wpkg_package *rw = pack(COMPOSED, WPKG_FORMAT_RUNWASI, &opts);
	struct wpkg_package *art = pack(COMPOSED, WPKG_FORMAT_WASM, &opts);
	/* a Wasm artifact whose layer claims to be a tar: not an image, so not extracted */
	static const char wasm_cfg_tar[] =
		"{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.wasm.config.v0+json\",\"digest\":\"sha256:"
		COMPOSED_SHA "\",\"size\":1},\"layers\":[{\"mediaType\":\"" MT_TGZ "\",\"digest\":\"sha256:" COMPOSED_SHA
		"\",\"size\":1}]}";
	static const char docker[] =
		"{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\","
		"\"digest\":\"sha256:" COMPOSED_SHA "\",\"size\":1},\"layers\":[{\"mediaType\":"
		"\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"digest\":\"sha256:" COMPOSED_SHA "\",\"size\":1}]}";
	struct wpkg_manifest *m = NULL;
	const struct wpkg_descriptor *d;

	d = tar_layer_of(&m, img->manifest.data);
	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(d->digest.str, img->layers[0].desc.digest.str);
	wpkg_manifest_free(m);
	ck_assert_ptr_null(tar_layer_of(&m, rw->manifest.data));
	wpkg_manifest_free(m);
	ck_assert_ptr_null(tar_layer_of(&m, art->manifest.data));
	wpkg_manifest_free(m);
	ck_assert_ptr_null(tar_layer_of(&m, wasm_cfg_tar));
	wpkg_manifest_free(m);
	ck_assert_ptr_nonnull(tar_layer_of(&m, docker));
	wpkg_manifest_free(m);
	wpkg_package_free(img);
	wpkg_package_free(rw);
	wpkg_package_free(art);
}
END_TEST

static Suite *pack_image_suite(void)
{
	Suite *s = suite_create("pack_image");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, format_parse);
	tcase_add_test(tc, entry_names);
	tcase_add_test(tc, image_component_golden);
	tcase_add_test(tc, image_tar_layout);
	tcase_add_test(tc, image_module_author_annotations);
	tcase_add_test(tc, runwasi_component_golden);
	tcase_add_test(tc, runwasi_module_golden);
	tcase_add_test(tc, wasm_format_is_cncf_artifact);
	tcase_add_test(tc, image_reproducible);
	tcase_add_test(tc, pack_errors_leave_nothing);
	tcase_add_test(tc, extract_round_trip);
	tcase_add_loop_test(tc, extract_hostile, 0, UNIT_N(hostile));
	tcase_add_test(tc, extract_media_types);
	tcase_add_test(tc, config_entrypoint);
	tcase_add_test(tc, tar_layer_selection);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	const char *t = getenv("TMPDIR");

	if (t != NULL)
		snprintf(orig_tmpdir, sizeof(orig_tmpdir), "%s", t);
	return unit_run(pack_image_suite());
}
