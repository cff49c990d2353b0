/* SPDX-License-Identifier: Apache-2.0 */
/* test_layout.c - the OCI image layout: files and bytes written, blob integrity, tags, resolution. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "unit.h"

#include "wpkg/fsutil.h"
#include "wpkg/layout.h"

#define MT_INDEX "\"mediaType\":\"application/vnd.oci.image.index.v1+json\""
#define EMPTY_INDEX "{\"schemaVersion\":2," MT_INDEX ",\"manifests\":[]}"
/* sha256("hello world") */
#define HELLO_DIG "sha256:b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"

static char dir[300];     /* unit_tmp/layout: the layout under test */
static struct wpkg_error err;

static void setup(void)
{
	unit_tmp_make("test_layout");
	snprintf(dir, sizeof(dir), "%s/layout", unit_tmp);
	wpkg_error_clear(&err);
}

static void teardown(void)
{
	unit_tmp_remove();
}

static void ck_file(const char *name, const char *want)
{
	struct wpkg_buf got = WPKG_BUF_INIT;
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unit_read_file(&got, path);
	ck_assert_str_eq(got.data, want);
	wpkg_buf_free(&got);
}

static void put_file(const char *path, const void *data, size_t len)
{
	struct wpkg_error e;

	ck_assert_msg(wpkg_write_file_atomic(path, data, len, 0644, &e) == 0, "%s", e.msg);
}

/* The names in a directory, sorted and joined with ' '. */
static char *list_dir(const char *path)
{
	struct dirent **names;
	struct wpkg_buf b = WPKG_BUF_INIT;
	int n, i;

	n = scandir(path, &names, NULL, alphasort);
	ck_assert_int_ge(n, 0);
	for (i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".") != 0 && strcmp(names[i]->d_name, "..") != 0)
			wpkg_buf_printf(&b, "%s%s", b.len ? " " : "", names[i]->d_name);
		free(names[i]);
	}
	free(names);
	return wpkg_buf_detach(&b, NULL);
}

static struct wpkg_layout *open_new(void)
{
	struct wpkg_layout *l = NULL;

	ck_assert_msg(wpkg_layout_open(&l, dir, true, &err) == 0, "%s", err.msg);
	return l;
}

static struct wpkg_descriptor manifest_desc(const char *bytes)
{
	struct wpkg_descriptor d = { .media_type = (char *)WPKG_MT_OCI_MANIFEST };

	wpkg_digest_bytes(&d.digest, WPKG_DIGEST_SHA256, bytes, strlen(bytes));
	d.size = (int64_t)strlen(bytes);
	return d;
}

static void ck_entry(char *out, size_t cap, const struct wpkg_descriptor *d, const char *tag)
{
	snprintf(out, cap,
		 "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"%s\",\"size\":%lld,"
		 "\"annotations\":{\"org.opencontainers.image.ref.name\":\"%s\"}}",
		 d->digest.str, (long long)d->size, tag);
}

START_TEST(test_create)
{
	struct wpkg_layout *l = open_new(), *again = NULL;
	char path[512];
	struct stat st;
	char *names;

	ck_assert_str_eq(wpkg_layout_dir(l), dir);
	ck_file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
	ck_file("index.json", EMPTY_INDEX);
	snprintf(path, sizeof(path), "%s/blobs/sha256", dir);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	names = list_dir(dir);
	ck_assert_str_eq(names, "blobs index.json oci-layout");
	free(names);
	/* an existing layout opens without create and is left alone with create */
	ck_assert_int_eq(wpkg_layout_open(&again, dir, false, &err), 0);
	wpkg_layout_close(again);
	ck_assert_int_eq(wpkg_layout_open(&again, dir, true, &err), 0);
	wpkg_layout_close(again);
	ck_file("index.json", EMPTY_INDEX);
	wpkg_layout_close(l);
}
END_TEST

START_TEST(test_open_refusals)
{
	struct wpkg_layout *l = (struct wpkg_layout *)&err;   /* must stay untouched */
	char want[1024], path[512];

	ck_assert_int_eq(wpkg_layout_open(&l, dir, false, &err), WPKG_E_NOT_FOUND);
	snprintf(want, sizeof(want), "%s: no such directory", dir);
	ck_assert_str_eq(err.msg, want);

	/* a directory with something else in it is not turned into a layout */
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/README", dir);
	put_file(path, "x", 1);
	ck_assert_int_eq(wpkg_layout_open(&l, dir, true, &err), WPKG_E_INVALID);
	snprintf(want, sizeof(want), "%s: directory is not empty and not an OCI image layout (no oci-layout file)",
		 dir);
	ck_assert_str_eq(err.msg, want);
	ck_assert_int_eq(wpkg_layout_open(&l, dir, false, &err), WPKG_E_INVALID);
	snprintf(want, sizeof(want), "%s: not an OCI image layout (no oci-layout file)", dir);
	ck_assert_str_eq(err.msg, want);
	ck_assert_ptr_eq(l, (struct wpkg_layout *)&err);

	/* a regular file */
	ck_assert_int_eq(wpkg_layout_open(&l, path, true, &err), WPKG_E_INVALID);
	snprintf(want, sizeof(want), "%s: not a directory", path);
	ck_assert_str_eq(err.msg, want);

	/* a layout version we do not know */
	unlink(path);
	snprintf(path, sizeof(path), "%s/oci-layout", dir);
	put_file(path, "{\"imageLayoutVersion\":\"2.0.0\"}", 30);
	ck_assert_int_eq(wpkg_layout_open(&l, dir, true, &err), WPKG_E_UNSUPPORTED);
	snprintf(want, sizeof(want), "%s: unsupported image layout version \"2.0.0\" (1.x is supported)", path);
	ck_assert_str_eq(err.msg, want);
}
END_TEST

START_TEST(test_create_in_empty_dir)
{
	struct wpkg_layout *l;

	ck_assert_int_eq(mkdir(dir, 0755), 0);
	l = open_new();
	ck_file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
	wpkg_layout_close(l);
}
END_TEST

START_TEST(test_put_memory_and_reput)
{
	struct wpkg_layout *l = open_new();
	struct wpkg_buf b = WPKG_BUF_INIT;
	struct wpkg_digest d;
	struct stat st1, st2;
	bool present = true;
	char *path, want[512];

	ck_assert_int_eq(wpkg_digest_parse(&d, HELLO_DIG, &err), 0);
	ck_assert_int_eq(wpkg_layout_has_blob(l, &d, &present, &err), 0);
	ck_assert(!present);
	ck_assert_int_eq(wpkg_layout_put_bytes(l, &d, "hello world", 11, &err), 0);
	ck_assert_int_eq(wpkg_layout_has_blob(l, &d, &present, &err), 0);
	ck_assert(present);
	path = wpkg_layout_blob_path(l, &d);
	snprintf(want, sizeof(want), "%s/blobs/sha256/%s", dir, wpkg_digest_hex(&d));
	ck_assert_str_eq(path, want);
	ck_assert_int_eq(stat(path, &st1), 0);
	ck_assert_int_eq(st1.st_mode & 0777, 0644);
	ck_assert_int_eq(wpkg_layout_read_blob(l, &d, 100, &b, &err), 0);
	ck_assert_uint_eq(b.len, 11);
	ck_assert_str_eq(b.data, "hello world");
	/* the second put finds the blob and does not replace the file */
	ck_assert_int_eq(wpkg_layout_put_bytes(l, &d, "hello world", 11, &err), 0);
	ck_assert_int_eq(stat(path, &st2), 0);
	ck_assert_uint_eq(st1.st_ino, st2.st_ino);
	ck_assert_int_eq(st1.st_mtim.tv_nsec, st2.st_mtim.tv_nsec);
	wpkg_buf_free(&b);
	free(path);
	wpkg_layout_close(l);
}
END_TEST

/* A file range bigger than the copy buffer, at an offset, is stored byte for byte. */
START_TEST(test_put_file_range)
{
	const size_t n = 600 * 1024 + 7, off = 13;
	struct wpkg_layout *l = open_new();
	struct wpkg_blob blob = { .mem = WPKG_BUF_INIT };
	struct wpkg_buf got = WPKG_BUF_INIT;
	char src[512];
	unsigned char *data = malloc(n + off + 5);
	size_t i;

	for (i = 0; i < n + off + 5; i++)
		data[i] = (unsigned char)(i * 7 + i / 251);
	snprintf(src, sizeof(src), "%s/input.bin", unit_tmp);
	put_file(src, data, n + off + 5);
	wpkg_digest_bytes(&blob.desc.digest, WPKG_DIGEST_SHA256, data + off, n);
	blob.desc.size = (int64_t)n;
	blob.path = src;
	blob.offset = off;
	ck_assert_msg(wpkg_layout_put_blob(l, &blob, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(wpkg_layout_read_blob(l, &blob.desc.digest, n, &got, &err), 0);
	ck_assert_uint_eq(got.len, n);
	ck_assert(memcmp(got.data, data + off, n) == 0);
	/* one byte less allowed than the blob holds */
	ck_assert_int_eq(wpkg_layout_read_blob(l, &blob.desc.digest, n - 1, &got, &err), WPKG_E_TOO_LARGE);
	ck_assert_uint_eq(got.len, n);   /* untouched on failure */
	wpkg_buf_free(&got);
	free(data);
	wpkg_layout_close(l);
}
END_TEST

START_TEST(test_put_wrong_digest_leaves_nothing)
{
	struct wpkg_layout *l = open_new();
	struct wpkg_blob blob = { .mem = WPKG_BUF_INIT };
	struct wpkg_digest d, actual;
	char blobs[512], src[512], want[1024];
	char *names;

	ck_assert_int_eq(wpkg_digest_parse(&d, HELLO_DIG, &err), 0);
	ck_assert_int_eq(wpkg_layout_put_bytes(l, &d, "hello worlD", 11, &err), WPKG_E_DIGEST);
	wpkg_digest_bytes(&actual, WPKG_DIGEST_SHA256, "hello worlD", 11);
	snprintf(want, sizeof(want), "blob %s: content does not match its digest (computed %s)", HELLO_DIG,
		 actual.str);
	ck_assert_str_eq(err.msg, want);
	snprintf(blobs, sizeof(blobs), "%s/blobs/sha256", dir);
	names = list_dir(blobs);
	ck_assert_str_eq(names, "");
	free(names);

	/* from a file: a range that is too short for the descriptor's size */
	snprintf(src, sizeof(src), "%s/short.bin", unit_tmp);
	put_file(src, "hello", 5);
	blob.desc.digest = d;
	blob.desc.size = 11;
	blob.path = src;
	ck_assert_int_eq(wpkg_layout_put_blob(l, &blob, &err), WPKG_E_IO);
	snprintf(want, sizeof(want), "%s: file shorter than expected", src);
	ck_assert_str_eq(err.msg, want);
	names = list_dir(blobs);
	ck_assert_str_eq(names, "");
	free(names);

	/* in memory: the size in the descriptor is part of the contract */
	blob.path = NULL;
	wpkg_buf_puts(&blob.mem, "hello world!");
	ck_assert_int_eq(wpkg_layout_put_blob(l, &blob, &err), WPKG_E_DIGEST);
	ck_assert_str_eq(err.msg, "blob " HELLO_DIG ": 12 bytes, but its descriptor says 11");
	wpkg_buf_free(&blob.mem);
	wpkg_layout_close(l);
}
END_TEST

START_TEST(test_read_corrupted_and_missing)
{
	struct wpkg_layout *l = open_new();
	struct wpkg_buf b = WPKG_BUF_INIT;
	struct wpkg_digest d;
	char want[1024];
	char *path;

	ck_assert_int_eq(wpkg_digest_parse(&d, HELLO_DIG, &err), 0);
	ck_assert_int_eq(wpkg_layout_read_blob(l, &d, 100, &b, &err), WPKG_E_NOT_FOUND);
	snprintf(want, sizeof(want), "blob %s not found in %s", HELLO_DIG, dir);
	ck_assert_str_eq(err.msg, want);
	ck_assert_int_eq(wpkg_layout_put_bytes(l, &d, "hello world", 11, &err), 0);
	path = wpkg_layout_blob_path(l, &d);
	put_file(path, "HELLO WORLD", 11);
	ck_assert_int_eq(wpkg_layout_read_blob(l, &d, 100, &b, &err), WPKG_E_DIGEST);
	snprintf(want, sizeof(want), "blob %s in %s: content does not match its digest", HELLO_DIG, dir);
	ck_assert_str_eq(err.msg, want);
	ck_assert_uint_eq(b.len, 0);
	free(path);
	wpkg_layout_close(l);
}
END_TEST

START_TEST(test_tag_exact_bytes)
{
	struct wpkg_layout *l = open_new();
	struct wpkg_descriptor m = manifest_desc("{\"schemaVersion\":2}");
	char want[2048], entry[1024];

	ck_assert_msg(wpkg_layout_tag(l, "v1", &m, &err) == 0, "%s", err.msg);
	ck_entry(entry, sizeof(entry), &m, "v1");
	snprintf(want, sizeof(want), "{\"schemaVersion\":2," MT_INDEX ",\"manifests\":[%s]}", entry);
	ck_file("index.json", want);
	ck_file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
	wpkg_layout_close(l);
}
END_TEST

START_TEST(test_retag_and_several_tags)
{
	struct wpkg_layout *l = open_new();
	struct wpkg_descriptor m1 = manifest_desc("{\"one\":1}"), m2 = manifest_desc("{\"two\":2}");
	struct wpkg_descriptor got = { 0 };
	char want[4096], e1[1024], e2[1024], e3[1024];

	ck_assert_int_eq(wpkg_layout_tag(l, "v1", &m1, &err), 0);
	ck_assert_int_eq(wpkg_layout_tag(l, "v2", &m2, &err), 0);
	ck_assert_int_eq(wpkg_layout_tag(l, "latest", &m1, &err), 0);
	/* v1 moves to m2 and keeps its place; latest still names m1 */
	ck_assert_int_eq(wpkg_layout_tag(l, "v1", &m2, &err), 0);
	ck_entry(e1, sizeof(e1), &m2, "v1");
	ck_entry(e2, sizeof(e2), &m2, "v2");
	ck_entry(e3, sizeof(e3), &m1, "latest");
	snprintf(want, sizeof(want), "{\"schemaVersion\":2," MT_INDEX ",\"manifests\":[%s,%s,%s]}", e1, e2, e3);
	ck_file("index.json", want);

	ck_assert_int_eq(wpkg_layout_resolve(l, "latest", &got, &err), 0);
	ck_assert_str_eq(got.digest.str, m1.digest.str);
	ck_assert_int_eq(got.size, m1.size);
	ck_assert_str_eq(got.media_type, WPKG_MT_OCI_MANIFEST);
	ck_assert_str_eq(json_string_value(json_object_get(got.annotations, WPKG_ANNOT_REF_NAME)), "latest");
	wpkg_descriptor_clear(&got);
	ck_assert_int_eq(wpkg_layout_resolve(l, "v1", &got, &err), 0);
	ck_assert_str_eq(got.digest.str, m2.digest.str);
	wpkg_descriptor_clear(&got);
	/* by digest: the first entry listing it */
	ck_assert_int_eq(wpkg_layout_resolve(l, m1.digest.str, &got, &err), 0);
	ck_assert_str_eq(got.digest.str, m1.digest.str);
	ck_assert_str_eq(json_string_value(json_object_get(got.annotations, WPKG_ANNOT_REF_NAME)), "latest");
	wpkg_descriptor_clear(&got);
	wpkg_layout_close(l);
}
END_TEST

START_TEST(test_resolve_missing)
{
	struct wpkg_layout *l = open_new();
	struct wpkg_descriptor m = manifest_desc("{}"), got = { 0 };
	char want[1024];

	ck_assert_int_eq(wpkg_layout_tag(l, "v1", &m, &err), 0);
	ck_assert_int_eq(wpkg_layout_resolve(l, "v2", &got, &err), WPKG_E_NOT_FOUND);
	snprintf(want, sizeof(want), "tag \"v2\" not found in %s", dir);
	ck_assert_str_eq(err.msg, want);
	ck_assert_int_eq(wpkg_layout_resolve(l, HELLO_DIG, &got, &err), WPKG_E_NOT_FOUND);
	snprintf(want, sizeof(want), "manifest %s not found in %s", HELLO_DIG, dir);
	ck_assert_str_eq(err.msg, want);
	ck_assert_int_eq(wpkg_layout_resolve(l, "sha256:00", &got, &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "invalid digest \"sha256:00\": sha256 needs 64 hex digits, found 2");
	ck_assert_ptr_null(got.media_type);
	wpkg_layout_close(l);
}
END_TEST

/* Fields wpkg does not know, and entries it did not write, survive a tag. */
START_TEST(test_unknown_fields_preserved)
{
	struct wpkg_layout *l = open_new();
	struct wpkg_descriptor m = manifest_desc("{\"m\":1}");
	char path[512], want[4096], e1[1024];
	static const char other[] =
		"{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"digest\":\"" HELLO_DIG "\","
		"\"size\":11,\"platform\":{\"architecture\":\"wasm\",\"os\":\"wasip2\"},\"x-entry\":[1,2]}";
	static const char old_v1[] =
		"{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" HELLO_DIG "\","
		"\"size\":11,\"annotations\":{\"org.opencontainers.image.ref.name\":\"v1\"}}";

	snprintf(path, sizeof(path), "%s/index.json", dir);
	snprintf(want, sizeof(want),
		 "{\"schemaVersion\":2,\"x-top\":{\"k\":\"v\"},\"manifests\":[%s,%s],"
		 "\"annotations\":{\"a\":\"b\"}}", other, old_v1);
	put_file(path, want, strlen(want));
	ck_assert_msg(wpkg_layout_tag(l, "v1", &m, &err) == 0, "%s", err.msg);
	ck_entry(e1, sizeof(e1), &m, "v1");
	snprintf(want, sizeof(want),
		 "{\"schemaVersion\":2,\"x-top\":{\"k\":\"v\"},\"manifests\":[%s,%s],"
		 "\"annotations\":{\"a\":\"b\"}}", other, e1);
	ck_file("index.json", want);
	wpkg_layout_close(l);
}
END_TEST

START_TEST(test_bad_index)
{
	struct wpkg_layout *l = open_new();
	struct wpkg_descriptor m = manifest_desc("{}"), got = { 0 };
	char path[512], want[1024];

	snprintf(path, sizeof(path), "%s/index.json", dir);
	put_file(path, "{\"schemaVersion\":2,\"manifests\":{}}", 34);
	ck_assert_int_eq(wpkg_layout_tag(l, "v1", &m, &err), WPKG_E_INVALID);
	snprintf(want, sizeof(want), "%s: \"manifests\" must be an array", path);
	ck_assert_str_eq(err.msg, want);
	ck_assert_int_eq(wpkg_layout_resolve(l, "v1", &got, &err), WPKG_E_INVALID);
	put_file(path, "{\"manifests\":[],\"manifests\":[]}", 31);
	ck_assert_int_eq(wpkg_layout_resolve(l, "v1", &got, &err), WPKG_E_INVALID);
	snprintf(want, sizeof(want), "%s: duplicate key", path);
	ck_assert_int_eq(strncmp(err.msg, want, strlen(want)), 0);
	wpkg_layout_close(l);
}
END_TEST

/* umoci init writes "manifests": null; tagging such a layout works. */
START_TEST(test_null_manifests)
{
	struct wpkg_layout *l = open_new();
	struct wpkg_descriptor m = manifest_desc("{}");
	char path[512], want[2048], e1[1024];

	snprintf(path, sizeof(path), "%s/index.json", dir);
	put_file(path, "{\"schemaVersion\":2,\"manifests\":null}", 36);
	ck_assert_msg(wpkg_layout_tag(l, "v1", &m, &err) == 0, "%s", err.msg);
	ck_entry(e1, sizeof(e1), &m, "v1");
	snprintf(want, sizeof(want), "{\"schemaVersion\":2,\"manifests\":[%s]}", e1);
	ck_file("index.json", want);
	wpkg_layout_close(l);
}
END_TEST

/* A package's blobs land in blobs/sha256 and its manifest is tagged. */
START_TEST(test_write_package)
{
	static const char wasm[] = "\0asm\x0d\0\x01\0";
	static const char config[] = "{\"architecture\":\"wasm\"}";
	struct wpkg_layout *l = open_new();
	struct wpkg_package p = { .manifest = WPKG_BUF_INIT };
	struct wpkg_blob layer = { .mem = WPKG_BUF_INIT };
	struct wpkg_descriptor got = { 0 };
	char src[512], manifest[1024], blobs[512], want[1024];
	struct wpkg_buf b = WPKG_BUF_INIT;
	char *names;

	snprintf(src, sizeof(src), "%s/c.wasm", unit_tmp);
	put_file(src, wasm, 8);
	layer.path = src;
	layer.desc.size = 8;
	layer.desc.media_type = (char *)WPKG_MT_WASM_LAYER;
	wpkg_digest_bytes(&layer.desc.digest, WPKG_DIGEST_SHA256, wasm, 8);
	p.layers = &layer;
	p.n_layers = 1;
	p.config.mem = (struct wpkg_buf)WPKG_BUF_INIT;
	wpkg_buf_puts(&p.config.mem, config);
	p.config.desc.size = (int64_t)strlen(config);
	wpkg_digest_bytes(&p.config.desc.digest, WPKG_DIGEST_SHA256, config, strlen(config));
	snprintf(manifest, sizeof(manifest), "{\"schemaVersion\":2,\"config\":\"%s\",\"layers\":[\"%s\"]}",
		 p.config.desc.digest.str, layer.desc.digest.str);
	wpkg_buf_puts(&p.manifest, manifest);
	p.manifest_desc = manifest_desc(manifest);

	ck_assert_msg(wpkg_layout_write_package(l, &p, "1.0", &err) == 0, "%s", err.msg);
	snprintf(blobs, sizeof(blobs), "%s/blobs/sha256", dir);
	names = list_dir(blobs);
	/* three blobs, no temporaries */
	ck_assert_int_eq((int)strlen(names), 3 * 64 + 2);
	free(names);
	ck_assert_int_eq(wpkg_layout_resolve(l, "1.0", &got, &err), 0);
	ck_assert_str_eq(got.digest.str, p.manifest_desc.digest.str);
	ck_assert_int_eq(wpkg_layout_read_blob(l, &got.digest, WPKG_DOC_MAX, &b, &err), 0);
	ck_assert_str_eq(b.data, manifest);
	ck_assert_int_eq(wpkg_layout_read_blob(l, &layer.desc.digest, 8, &b, &err), 0);
	ck_assert(b.len == 8 && memcmp(b.data, wasm, 8) == 0);
	ck_assert_int_eq(wpkg_layout_read_blob(l, &p.config.desc.digest, 100, &b, &err), 0);
	ck_assert_str_eq(b.data, config);

	/* untagged: listed once by digest, with no ref.name */
	wpkg_descriptor_clear(&got);
	ck_assert_int_eq(wpkg_layout_write_package(l, &p, NULL, &err), 0);
	p.manifest_desc.digest.str[7] ^= 1;   /* another digest, same bytes: refused */
	ck_assert_int_eq(wpkg_layout_write_package(l, &p, "bad", &err), WPKG_E_DIGEST);
	p.manifest_desc.digest.str[7] ^= 1;
	ck_entry(want, sizeof(want), &p.manifest_desc, "1.0");
	{
		char index[2048];

		snprintf(index, sizeof(index), "{\"schemaVersion\":2," MT_INDEX ",\"manifests\":[%s]}", want);
		ck_file("index.json", index);
	}
	wpkg_buf_free(&b);
	wpkg_buf_free(&p.config.mem);
	wpkg_buf_free(&p.manifest);
	wpkg_layout_close(l);
}
END_TEST

START_TEST(test_untagged_entry)
{
	struct wpkg_layout *l = open_new();
	struct wpkg_descriptor m = manifest_desc("{\"u\":1}");
	char want[2048];

	ck_assert_int_eq(wpkg_layout_tag(l, NULL, &m, &err), 0);
	ck_assert_int_eq(wpkg_layout_tag(l, NULL, &m, &err), 0);
	snprintf(want, sizeof(want),
		 "{\"schemaVersion\":2," MT_INDEX ",\"manifests\":[{\"mediaType\":\"" WPKG_MT_OCI_MANIFEST
		 "\",\"digest\":\"%s\",\"size\":%lld}]}", m.digest.str, (long long)m.size);
	ck_file("index.json", want);
	wpkg_layout_close(l);
}
END_TEST

/* Tags in index.json order; untagged entries and entries of other tools without ref.name are skipped. */
START_TEST(test_tags)
{
	struct wpkg_layout *l = open_new();
	struct wpkg_descriptor m1 = manifest_desc("{\"one\":1}"), m2 = manifest_desc("{\"two\":2}");
	char **tags = NULL, path[512];
	size_t n = 99, i;

	ck_assert_msg(wpkg_layout_tags(l, &tags, &n, &err) == 0, "%s", err.msg);
	ck_assert_ptr_nonnull(tags);
	ck_assert_uint_eq(n, 0);
	free(tags);
	ck_assert_int_eq(wpkg_layout_tag(l, "v2", &m2, &err), 0);
	ck_assert_int_eq(wpkg_layout_tag(l, NULL, &m1, &err), 0);
	ck_assert_int_eq(wpkg_layout_tag(l, "v1", &m1, &err), 0);
	ck_assert_int_eq(wpkg_layout_tag(l, "latest", &m2, &err), 0);
	ck_assert_msg(wpkg_layout_tags(l, &tags, &n, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(tags[0], "v2");
	ck_assert_str_eq(tags[1], "v1");
	ck_assert_str_eq(tags[2], "latest");
	for (i = 0; i < n; i++)
		free(tags[i]);
	free(tags);
	/* a broken index.json is an error naming the file, and *tags is left alone */
	snprintf(path, sizeof(path), "%s/index.json", dir);
	put_file(path, "{\"manifests\":7}", 15);
	tags = NULL;
	ck_assert_int_eq(wpkg_layout_tags(l, &tags, &n, &err), WPKG_E_INVALID);
	ck_assert_ptr_null(tags);
	snprintf(path, sizeof(path), "%s/index.json: \"manifests\" must be an array", dir);
	ck_assert_str_eq(err.msg, path);
	wpkg_layout_close(l);
}
END_TEST

/* Every entry of the digest goes, tagged or not; others keep their order and bytes. */
START_TEST(test_untag_digest)
{
	struct wpkg_layout *l = open_new();
	struct wpkg_descriptor m1 = manifest_desc("{\"one\":1}"), m2 = manifest_desc("{\"two\":2}");
	struct wpkg_descriptor m3 = manifest_desc("{\"three\":3}");
	char want[4096], e1[1024], e2[1024];
	size_t removed = 99;

	ck_assert_int_eq(wpkg_layout_tag(l, "a", &m1, &err), 0);
	ck_assert_int_eq(wpkg_layout_tag(l, "b", &m2, &err), 0);
	ck_assert_int_eq(wpkg_layout_tag(l, NULL, &m1, &err), 0);   /* listed already: no new entry */
	ck_assert_int_eq(wpkg_layout_tag(l, "c", &m1, &err), 0);
	ck_assert_int_eq(wpkg_layout_tag(l, "d", &m2, &err), 0);
	ck_assert_msg(wpkg_layout_untag_digest(l, &m1.digest, &removed, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(removed, 2);
	ck_entry(e1, sizeof(e1), &m2, "b");
	ck_entry(e2, sizeof(e2), &m2, "d");
	snprintf(want, sizeof(want), "{\"schemaVersion\":2," MT_INDEX ",\"manifests\":[%s,%s]}", e1, e2);
	ck_file("index.json", want);
	/* a digest not listed: nothing removed, the file untouched (unknown formatting kept) */
	{
		char path[512], odd[4096];

		snprintf(path, sizeof(path), "%s/index.json", dir);
		snprintf(odd, sizeof(odd), "{ \"schemaVersion\": 2, \"manifests\": [%s] }", e1);
		put_file(path, odd, strlen(odd));
		ck_assert_int_eq(wpkg_layout_untag_digest(l, &m3.digest, &removed, &err), 0);
		ck_assert_uint_eq(removed, 0);
		ck_file("index.json", odd);
		ck_assert_int_eq(wpkg_layout_untag_digest(l, &m2.digest, NULL, &err), 0);
		ck_file("index.json", "{\"schemaVersion\":2,\"manifests\":[]}");
	}
	wpkg_layout_close(l);
}
END_TEST

/* Entries as descriptors, artifactType and annotations included; a bad entry is named. */
START_TEST(test_entries)
{
	struct wpkg_layout *l = open_new();
	struct wpkg_descriptor m1 = manifest_desc("{\"one\":1}"), *v = NULL;
	char path[512], want[1024];
	size_t n = 99;

	ck_assert_msg(wpkg_layout_entries(l, &v, &n, &err) == 0, "%s", err.msg);
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(n, 0);
	free(v);
	m1.artifact_type = (char *)"application/spdx+json";
	ck_assert_int_eq(wpkg_layout_tag(l, NULL, &m1, &err), 0);
	m1.artifact_type = NULL;
	ck_assert_int_eq(wpkg_layout_tag(l, "v1", &m1, &err), 0);
	ck_assert_msg(wpkg_layout_entries(l, &v, &n, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(v[0].digest.str, m1.digest.str);
	ck_assert_str_eq(v[0].artifact_type, "application/spdx+json");
	ck_assert_ptr_null(v[0].annotations);
	ck_assert_ptr_null(v[1].artifact_type);
	ck_assert_str_eq(json_string_value(json_object_get(v[1].annotations, WPKG_ANNOT_REF_NAME)), "v1");
	ck_assert_int_eq(v[1].size, m1.size);
	wpkg_descriptor_clear(&v[0]);
	wpkg_descriptor_clear(&v[1]);
	free(v);
	snprintf(path, sizeof(path), "%s/index.json", dir);
	snprintf(want, sizeof(want), "{\"manifests\":[{\"mediaType\":\"a/b\",\"size\":1}]}");
	put_file(path, want, strlen(want));
	v = NULL;
	ck_assert_int_eq(wpkg_layout_entries(l, &v, &n, &err), WPKG_E_INVALID);
	ck_assert_ptr_null(v);
	snprintf(want, sizeof(want), "%s: manifests[0]: missing \"digest\"", path);
	ck_assert_str_eq(err.msg, want);
	wpkg_layout_close(l);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("layout");
	TCase *tc = tcase_create("layout");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_create);
	tcase_add_test(tc, test_open_refusals);
	tcase_add_test(tc, test_create_in_empty_dir);
	tcase_add_test(tc, test_put_memory_and_reput);
	tcase_add_test(tc, test_put_file_range);
	tcase_add_test(tc, test_put_wrong_digest_leaves_nothing);
	tcase_add_test(tc, test_read_corrupted_and_missing);
	tcase_add_test(tc, test_tag_exact_bytes);
	tcase_add_test(tc, test_retag_and_several_tags);
	tcase_add_test(tc, test_resolve_missing);
	tcase_add_test(tc, test_unknown_fields_preserved);
	tcase_add_test(tc, test_bad_index);
	tcase_add_test(tc, test_null_manifests);
	tcase_add_test(tc, test_write_package);
	tcase_add_test(tc, test_untagged_entry);
	tcase_add_test(tc, test_tags);
	tcase_add_test(tc, test_untag_digest);
	tcase_add_test(tc, test_entries);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
