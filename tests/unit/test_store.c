/* SPDX-License-Identifier: Apache-2.0 */
/* test_store.c - stores: archive names, hostile archives, round trips, layout tags, options, the resolver. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <check.h>

#include "unit.h"

#include "wpkg/artifact.h"
#include "wpkg/fsutil.h"
#include "wpkg/store.h"
#include "../../src/libwpkg/store_internal.h"

#define LAYOUT_DOC "{\"imageLayoutVersion\":\"1.0.0\"}"
#define EMPTY_INDEX "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}"
#define HEX64 "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
/* sha256("hello world") */
#define HELLO_DIG "sha256:" HEX64

static struct wpkg_error err;

static void setup(void)
{
	unit_tmp_make("test_store");
	wpkg_error_clear(&err);
	unit_unsetenv("WPKG_ARCHIVE_MAX_ENTRY");
	unit_unsetenv("WPKG_ARCHIVE_MAX_ENTRIES");
	unit_unsetenv("SOURCE_DATE_EPOCH");
}

static void teardown(void)
{
	unit_tmp_remove();
}

/* ---- the entry-name table ---- */

struct name_case {
	const char *name;
	bool is_dir;
	int rc;
	const char *norm_or_msg;   /* the normalised name on success (NULL: skipped), else the message */
};

static const struct name_case names[] = {
	{ "oci-layout", false, 0, "oci-layout" },
	{ "./oci-layout", false, 0, "oci-layout" },
	{ "index.json", false, 0, "index.json" },
	{ "blobs", true, 0, "blobs" },
	{ "blobs/", true, 0, "blobs" },
	{ "./blobs/sha256/", true, 0, "blobs/sha256" },
	{ "blobs/sha256/" HEX64, false, 0, "blobs/sha256/" HEX64 },
	{ "blobs/sha512/AbC=_-", false, 0, "blobs/sha512/AbC=_-" },
	{ ".", true, 0, NULL },
	{ "./", true, 0, NULL },
	{ "/etc/passwd", false, WPKG_E_INVALID, "entry \"/etc/passwd\": absolute path refused" },
	{ "/blobs", true, WPKG_E_INVALID, "entry \"/blobs\": absolute path refused" },
	{ "../evil", false, WPKG_E_INVALID, "entry \"../evil\": \"..\" component refused" },
	{ "blobs/../../evil", false, WPKG_E_INVALID, "entry \"blobs/../../evil\": \"..\" component refused" },
	{ "blobs/sha256/..", false, WPKG_E_INVALID, "entry \"blobs/sha256/..\": \"..\" component refused" },
	{ "blobs//sha256", true, WPKG_E_INVALID, "entry \"blobs//sha256\": empty or \".\" component refused" },
	{ "blobs/./x", false, WPKG_E_INVALID, "entry \"blobs/./x\": empty or \".\" component refused" },
	{ ".", false, WPKG_E_INVALID, "entry \".\": not a file name" },
	{ "oci-layout/", false, WPKG_E_INVALID,
	  "entry \"oci-layout/\": empty or \".\" component refused" },
	{ "manifest.json", false, WPKG_E_INVALID,
	  "entry \"manifest.json\": not part of an OCI image layout (oci-layout, index.json, blobs/ALG/HEX)" },
	{ "blobs/sha256", false, WPKG_E_INVALID,
	  "entry \"blobs/sha256\": not part of an OCI image layout (oci-layout, index.json, blobs/ALG/HEX)" },
	{ "blobs/sha256/" HEX64, true, WPKG_E_INVALID,
	  "entry \"blobs/sha256/" HEX64 "\": not part of an OCI image layout (oci-layout, index.json, blobs/ALG/HEX)" },
	{ "blobs/SHA256/x", false, WPKG_E_INVALID,
	  "entry \"blobs/SHA256/x\": not part of an OCI image layout (oci-layout, index.json, blobs/ALG/HEX)" },
	{ "blobs/sha256/a b", false, WPKG_E_INVALID,
	  "entry \"blobs/sha256/a b\": not part of an OCI image layout (oci-layout, index.json, blobs/ALG/HEX)" },
	{ "blobs/sha256/x/y", false, WPKG_E_INVALID,
	  "entry \"blobs/sha256/x/y\": not part of an OCI image layout (oci-layout, index.json, blobs/ALG/HEX)" },
	{ "index.json", true, WPKG_E_INVALID,
	  "entry \"index.json\": not part of an OCI image layout (oci-layout, index.json, blobs/ALG/HEX)" },
};

START_TEST(test_names)
{
	const struct name_case *c = &names[_i];
	char norm[128];
	bool skip = true;
	int rc;

	wpkg_error_clear(&err);
	rc = wpkg_archive_check_name(norm, sizeof(norm), c->name, c->is_dir, &skip, &err);
	ck_assert_msg(rc == c->rc, "%s: rc %d, expected %d (%s)", c->name, rc, c->rc, err.msg);
	if (rc < 0) {
		ck_assert_str_eq(err.msg, c->norm_or_msg);
	} else if (c->norm_or_msg == NULL) {
		ck_assert(skip);
	} else {
		ck_assert(!skip);
		ck_assert_str_eq(norm, c->norm_or_msg);
	}
}
END_TEST

START_TEST(test_name_too_long)
{
	char norm[16];
	bool skip;

	ck_assert_int_eq(wpkg_archive_check_name(norm, sizeof(norm), "blobs/sha256/0123456789", false, &skip, &err),
			 WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "entry \"blobs/sha256/0123456789...\": name too long");
}
END_TEST

/* ---- archives written by the test ---- */

enum kind { REG, DIR_, SYMLINK, HARDLINK, FIFO };

struct entry {
	const char *name;
	enum kind kind;
	const char *data;       /* REG: contents; links: target */
};

static void write_tar(const char *path, const struct entry *e, size_t n)
{
	struct archive *a = archive_write_new();
	struct archive_entry *ae;

	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
	ck_assert_int_eq(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		ae = archive_entry_new();
		archive_entry_set_pathname(ae, e[i].name);
		archive_entry_set_perm(ae, 0644);
		switch (e[i].kind) {
		case REG:
			archive_entry_set_filetype(ae, AE_IFREG);
			archive_entry_set_size(ae, (la_int64_t)strlen(e[i].data));
			break;
		case DIR_:
			archive_entry_set_filetype(ae, AE_IFDIR);
			break;
		case SYMLINK:
			archive_entry_set_filetype(ae, AE_IFLNK);
			archive_entry_set_symlink(ae, e[i].data);
			break;
		case HARDLINK:
			archive_entry_set_filetype(ae, AE_IFREG);
			archive_entry_set_hardlink(ae, e[i].data);
			break;
		case FIFO:
			archive_entry_set_filetype(ae, AE_IFIFO);
			break;
		}
		ck_assert_int_eq(archive_write_header(a, ae), ARCHIVE_OK);
		if (e[i].kind == REG)
			ck_assert_int_eq(archive_write_data(a, e[i].data, strlen(e[i].data)), (la_ssize_t)strlen(e[i].data));
		archive_entry_free(ae);
	}
	ck_assert_int_eq(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

/* Opens oci-archive:PATH (read_only: read in place); the result code, err filled. */
static int open_archive_mode(struct wpkg_store **s, const char *path, bool writable, bool read_only)
{
	struct wpkg_ref ref = { 0 };
	struct wpkg_store_opts opts = WPKG_STORE_OPTS_INIT;
	char spec[400];
	int rc;

	opts.writable = writable;
	opts.read_only = read_only;
	snprintf(spec, sizeof(spec), "oci-archive:%s", path);
	ck_assert_int_eq(wpkg_ref_parse(&ref, spec, 0, &err), 0);
	rc = wpkg_store_open(s, &ref, &opts, &err);
	wpkg_ref_free(&ref);
	return rc;
}

/* Opens oci-archive:PATH to read and maybe change (extracted); the result code, err filled. */
static int open_archive(struct wpkg_store **s, const char *path, bool writable)
{
	return open_archive_mode(s, path, writable, false);
}

static void archive_path(char *out, size_t size, const char *name)
{
	snprintf(out, size, "%s/%s", unit_tmp, name);
}

/* A hostile archive: refused with code and message, and nothing appears beside the canary's place. */
static void check_refused(const struct entry *e, size_t n, int code, const char *msg_tail)
{
	struct wpkg_store *s = NULL;
	char path[300], canary[300];
	const char *tail;

	archive_path(path, sizeof(path), "hostile.tar");
	archive_path(canary, sizeof(canary), "evil");
	write_tar(path, e, n);
	/* the scan of a reader refuses what an extraction refuses, with the same words */
	for (int read_only = 0; read_only <= 1; read_only++) {
		wpkg_error_clear(&err);
		ck_assert_int_eq(open_archive_mode(&s, path, false, read_only), code);
		ck_assert_ptr_null(s);
		tail = err.msg + strlen(err.msg) - strlen(msg_tail);
		ck_assert_msg(strlen(err.msg) >= strlen(msg_tail) && strcmp(tail, msg_tail) == 0, "message: %s",
			      err.msg);
		ck_assert_msg(strncmp(err.msg, path, strlen(path)) == 0, "message does not name the file: %s", err.msg);
		ck_assert_int_ne(access(canary, F_OK), 0);
	}
}

static const struct entry layout_head[] = {
	{ "oci-layout", REG, LAYOUT_DOC },
	{ "index.json", REG, EMPTY_INDEX },
};

START_TEST(test_refuse_absolute)
{
	char abs_name[320];
	struct entry e[3] = { layout_head[0], layout_head[1], { NULL, REG, "x" } };

	archive_path(abs_name, sizeof(abs_name), "evil");
	e[2].name = abs_name;
	check_refused(e, 3, WPKG_E_INVALID, ": absolute path refused");
}
END_TEST

/* Hostile archives with fixed names: entries after the layout head, the cap lowered by env. */
struct hostile_case {
	struct entry e[2];
	size_t n;
	const char *env, *value;
	int code;
	const char *msg_tail;
};

static const struct hostile_case hostile[] = {
	{ { { "blobs/../../evil", REG, "x" } }, 1, NULL, NULL, WPKG_E_INVALID,
	  "entry \"blobs/../../evil\": \"..\" component refused" },
	{ { { "blobs", SYMLINK, ".." }, { "blobs/evil", REG, "x" } }, 2, NULL, NULL, WPKG_E_INVALID,
	  "entry \"blobs\": symbolic link to \"..\" refused" },
	{ { { "blobs/sha256/" HEX64, HARDLINK, "/etc/passwd" } }, 1, NULL, NULL, WPKG_E_INVALID,
	  "entry \"blobs/sha256/" HEX64 "\": hard link to \"/etc/passwd\" refused" },
	{ { { "blobs/sha256/" HEX64, FIFO, NULL } }, 1, NULL, NULL, WPKG_E_INVALID,
	  "entry \"blobs/sha256/" HEX64 "\": device, fifo or socket refused" },
	{ { { "./index.json", REG, EMPTY_INDEX } }, 1, NULL, NULL, WPKG_E_INVALID,
	  "entry \"./index.json\": duplicate entry" },
	/* index.json (88 bytes) fits, the blob (176) does not */
	{ { { "blobs/sha256/" HEX64, REG, EMPTY_INDEX EMPTY_INDEX } }, 1, "WPKG_ARCHIVE_MAX_ENTRY", "100",
	  WPKG_E_TOO_LARGE, "entry \"blobs/sha256/" HEX64 "\": 176 bytes, more than the cap of 100" },
	{ { { "blobs", DIR_, NULL } }, 1, "WPKG_ARCHIVE_MAX_ENTRIES", "2", WPKG_E_TOO_LARGE, ": more than 2 entries" },
};

START_TEST(test_refuse_hostile)
{
	const struct hostile_case *c = &hostile[_i];
	struct entry e[4] = { layout_head[0], layout_head[1] };

	memcpy(&e[2], c->e, c->n * sizeof(c->e[0]));
	if (c->env != NULL)
		unit_setenv(c->env, c->value);
	check_refused(e, 2 + c->n, c->code, c->msg_tail);
}
END_TEST

START_TEST(test_refuse_not_layout)
{
	const struct entry e[] = { layout_head[1] };
	struct wpkg_store *s = NULL;
	char path[300], msg[400];

	archive_path(path, sizeof(path), "nolayout.tar");
	write_tar(path, e, 1);
	snprintf(msg, sizeof(msg), "%s: not an OCI archive (no oci-layout entry)", path);
	for (int read_only = 0; read_only <= 1; read_only++) {
		ck_assert_int_eq(open_archive_mode(&s, path, false, read_only), WPKG_E_INVALID);
		ck_assert_str_eq(err.msg, msg);
	}
}
END_TEST

START_TEST(test_missing_archive)
{
	struct wpkg_store *s = NULL;
	char path[300];

	archive_path(path, sizeof(path), "none.tar");
	ck_assert_int_eq(open_archive(&s, path, false), WPKG_E_NOT_FOUND);
	/* a destination that does not exist yet is fine, and nothing is written until a commit with changes */
	ck_assert_int_eq(open_archive(&s, path, true), 0);
	ck_assert_int_eq(wpkg_store_commit(s, &err), 0);
	wpkg_store_close(s);
	ck_assert_int_ne(access(path, F_OK), 0);
}
END_TEST

/* ---- round trips ---- */

/* Stores "hello world" as a manifest-like document under tag (digest HELLO_DIG) and commits. */
static void put_hello(struct wpkg_store *s, const char *tag)
{
	struct wpkg_digest d;

	ck_assert_int_eq(wpkg_digest_parse(&d, HELLO_DIG, &err), 0);
	ck_assert_int_eq(wpkg_store_manifest_put(s, tag, WPKG_MT_OCI_MANIFEST, &d, "hello world", 11, &err), 0);
	ck_assert_int_eq(wpkg_store_commit(s, &err), 0);
}

static void read_all(struct wpkg_buf *b, const char *path)
{
	wpkg_buf_clear(b);
	ck_assert_int_eq(wpkg_read_file(b, path, 1 << 20, &err), 0);
}

static void free_tags(char **tags, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(tags[i]);
	free(tags);
}

START_TEST(test_archive_round_trip)
{
	struct wpkg_store *s = NULL;
	struct wpkg_buf a = WPKG_BUF_INIT, b = WPKG_BUF_INIT, body = WPKG_BUF_INIT;
	struct wpkg_digest d;
	char path[300], other[300], **tags = NULL, *mt = NULL;
	size_t n = 0;

	archive_path(path, sizeof(path), "a.tar");
	ck_assert_int_eq(open_archive(&s, path, true), 0);
	put_hello(s, "v1");
	wpkg_store_close(s);
	/* reopening seeds from the file, so tags accumulate */
	ck_assert_int_eq(open_archive(&s, path, true), 0);
	put_hello(s, "v2");
	ck_assert_int_eq(wpkg_store_tags(s, &tags, &n, &err), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(tags[0], "v1");
	ck_assert_str_eq(tags[1], "v2");
	free_tags(tags, n);
	ck_assert_int_eq(wpkg_store_manifest_get(s, "v1", &body, &mt, &d, &err), 0);
	ck_assert_str_eq(body.data, "hello world");
	ck_assert_str_eq(mt, WPKG_MT_OCI_MANIFEST);
	ck_assert_str_eq(d.str, HELLO_DIG);
	/* delete drops every tag of the manifest, but nothing reaches the file without a commit */
	ck_assert_int_eq(wpkg_store_delete(&d, s, "v2", &err), 0);
	ck_assert_int_eq(wpkg_store_tags(s, &tags, &n, &err), 0);
	ck_assert_uint_eq(n, 0);
	free(tags);
	wpkg_store_close(s);
	/* read in place: what was committed */
	ck_assert_int_eq(open_archive_mode(&s, path, false, true), 0);
	ck_assert_int_eq(wpkg_store_tags(s, &tags, &n, &err), 0);
	ck_assert_uint_eq(n, 2);
	free_tags(tags, n);
	wpkg_store_close(s);
	/* the same content gives the same bytes: the tar is deterministic */
	archive_path(other, sizeof(other), "b.tar");
	ck_assert_int_eq(open_archive(&s, other, true), 0);
	put_hello(s, "v1");
	put_hello(s, "v2");
	wpkg_store_close(s);
	read_all(&a, path);
	read_all(&b, other);
	ck_assert_uint_eq(a.len, b.len);
	ck_assert(memcmp(a.data, b.data, a.len) == 0);
	free(mt);
	wpkg_buf_free(&a);
	wpkg_buf_free(&b);
	wpkg_buf_free(&body);
}
END_TEST

START_TEST(test_archive_entries)
{
	struct wpkg_store *s = NULL;
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	static const char *const want[] = { "oci-layout", "index.json", "blobs", "blobs/sha256",
					    "blobs/sha256/" HEX64 };
	char path[300];
	size_t i = 0;

	unit_setenv("SOURCE_DATE_EPOCH", "1700000000");
	archive_path(path, sizeof(path), "e.tar");
	ck_assert_int_eq(open_archive(&s, path, true), 0);
	put_hello(s, "latest");
	wpkg_store_close(s);
	archive_read_support_format_tar(a);
	ck_assert_int_eq(archive_read_open_filename(a, path, 10240), ARCHIVE_OK);
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		char name[300];
		size_t len = strlen(archive_entry_pathname(e));

		ck_assert_uint_lt(i, sizeof(want) / sizeof(want[0]));
		snprintf(name, sizeof(name), "%s", archive_entry_pathname(e));
		if (len > 0 && name[len - 1] == '/')
			name[len - 1] = '\0';
		ck_assert_str_eq(name, want[i]);
		ck_assert_int_eq(archive_entry_uid(e), 0);
		ck_assert_int_eq(archive_entry_gid(e), 0);
		ck_assert_int_eq(archive_entry_mtime(e), 1700000000);
		ck_assert_int_eq(archive_entry_perm(e), archive_entry_filetype(e) == AE_IFDIR ? 0755 : 0644);
		i++;
	}
	ck_assert_uint_eq(i, sizeof(want) / sizeof(want[0]));
	archive_read_free(a);
}
END_TEST

/* A child of an index is found by digest though index.json does not list it. */
START_TEST(test_layout_untagged)
{
	struct wpkg_ref ref = { 0 };
	struct wpkg_store_opts opts = WPKG_STORE_OPTS_INIT;
	struct wpkg_store *s = NULL;
	struct wpkg_buf body = WPKG_BUF_INIT, index = WPKG_BUF_INIT;
	struct wpkg_digest d;
	char spec[300], path[300], *mt = NULL, **tags = NULL;
	size_t n = 9;

	opts.writable = true;

	snprintf(spec, sizeof(spec), "oci-layout:%s/l", unit_tmp);
	ck_assert_int_eq(wpkg_ref_parse(&ref, spec, 0, &err), 0);
	ck_assert_int_eq(wpkg_store_open(&s, &ref, &opts, &err), 0);
	ck_assert_int_eq(wpkg_digest_parse(&d, HELLO_DIG, &err), 0);
	ck_assert_int_eq(wpkg_store_manifest_put(s, NULL, WPKG_MT_OCI_MANIFEST, &d, "hello world", 11, &err), 0);
	snprintf(path, sizeof(path), "%s/l/index.json", unit_tmp);
	read_all(&index, path);
	ck_assert_str_eq(index.data, EMPTY_INDEX);
	ck_assert_int_eq(wpkg_store_manifest_get(s, HELLO_DIG, &body, &mt, &d, &err), 0);
	ck_assert_str_eq(body.data, "hello world");
	ck_assert_int_eq(wpkg_store_tags(s, &tags, &n, &err), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(wpkg_store_manifest_get(s, "nope", &body, &mt, &d, &err), WPKG_E_NOT_FOUND);
	free(tags);
	free(mt);
	wpkg_buf_free(&body);
	wpkg_buf_free(&index);
	wpkg_store_close(s);
	wpkg_ref_free(&ref);
}
END_TEST

/* Options without their size (not from WPKG_STORE_OPTS_INIT) are refused, not misread. */
START_TEST(test_opts_version)
{
	struct wpkg_store_opts opts = { .writable = true };
	struct wpkg_store *s = NULL;
	char spec[300];

	snprintf(spec, sizeof(spec), "oci-layout:%s/v", unit_tmp);
	ck_assert_int_eq(wpkg_store_open_string(&s, spec, &opts, &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "store options: size is 0: initialise them with their _INIT macro");
	ck_assert_ptr_null(s);
}
END_TEST

struct seen_log {
	int n;
	char last[512];
};

static void record_log(void *payload, enum wpkg_log_level level, const char *msg)
{
	struct seen_log *seen = payload;

	(void)level;
	seen->n++;
	snprintf(seen->last, sizeof(seen->last), "%s", msg);
}

/* The log travels with the store: its own sink and level, nothing process-wide. */
START_TEST(test_store_log_sink)
{
	struct wpkg_store_opts opts = WPKG_STORE_OPTS_INIT;
	struct seen_log seen = { 0, "" };
	struct wpkg_store *s = NULL;
	struct wpkg_digest d, gone;
	char spec[300], want[600];

	opts.writable = true;
	opts.log.fn = record_log;
	opts.log.payload = &seen;
	opts.log.min = WPKG_LOG_DEBUG;
	snprintf(spec, sizeof(spec), "oci-layout:%s/logged", unit_tmp);
	ck_assert_int_eq(wpkg_store_open_string(&s, spec, &opts, &err), 0);
	ck_assert_int_eq(wpkg_digest_parse(&d, HELLO_DIG, &err), 0);
	ck_assert_int_eq(wpkg_store_manifest_put(s, "t", WPKG_MT_OCI_MANIFEST, &d, "hello world", 11, &err), 0);
	ck_assert_int_eq(wpkg_store_delete(&gone, s, "t", &err), 0);
	ck_assert_str_eq(gone.str, HELLO_DIG);
	ck_assert_int_eq(seen.n, 1);
	snprintf(want, sizeof(want), "%s/logged: 1 index.json entries of %s removed", unit_tmp, HELLO_DIG);
	ck_assert_str_eq(seen.last, want);
	wpkg_store_close(s);
	/* above the sink's level: dropped */
	opts.log.min = WPKG_LOG_INFO;
	ck_assert_int_eq(wpkg_store_open_string(&s, spec, &opts, &err), 0);
	ck_assert_int_eq(wpkg_store_manifest_put(s, "t", WPKG_MT_OCI_MANIFEST, &d, "hello world", 11, &err), 0);
	ck_assert_int_eq(wpkg_store_delete(&gone, s, "t", &err), 0);
	ck_assert_int_eq(seen.n, 1);
	wpkg_store_close(s);
}
END_TEST

/* ---- the artifact resolver ---- */

/* Stores doc (a manifest or index) untagged, or under tag; d gets its digest. */
static void put_doc(struct wpkg_store *s, const char *tag, const char *mt, const char *doc, struct wpkg_digest *d)
{
	wpkg_digest_bytes(d, WPKG_DIGEST_SHA256, doc, strlen(doc));
	ck_assert_msg(wpkg_store_manifest_put(s, tag, mt, d, doc, strlen(doc), &err) == 0, "%s", err.msg);
}

/* A manifest whose config is the blob "{}" labelled a Wasm config, which does not parse as one. */
static void put_manifest(struct wpkg_store *s, const char *layer_hex, struct wpkg_digest *d)
{
	struct wpkg_blob b = { 0 };
	struct wpkg_digest cd;
	char doc[1024];

	wpkg_buf_init(&b.mem);
	ck_assert_int_eq(wpkg_buf_puts(&b.mem, "{}"), 0);
	wpkg_digest_bytes(&cd, WPKG_DIGEST_SHA256, "{}", 2);
	b.desc.digest = cd;
	b.desc.size = 2;
	b.desc.media_type = strdup(WPKG_MT_WASM_CONFIG);
	ck_assert_int_eq(wpkg_store_blob_put(s, &b, &err), 0);
	wpkg_blob_clear(&b);
	snprintf(doc, sizeof(doc),
		 "{\"schemaVersion\":2,\"mediaType\":\"%s\",\"config\":{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":2},"
		 "\"layers\":[{\"mediaType\":\"application/wasm\",\"digest\":\"sha256:%s\",\"size\":1}]}",
		 WPKG_MT_OCI_MANIFEST, WPKG_MT_WASM_CONFIG, cd.str, layer_hex);
	put_doc(s, NULL, WPKG_MT_OCI_MANIFEST, doc, d);
}

/* One index rule: the first Wasm platform without --platform, an exact OS/ARCH with it; artifactType is not looked at. */
START_TEST(test_resolver_index_rule)
{
	struct wpkg_store_opts opts = WPKG_STORE_OPTS_INIT;
	struct wpkg_artifact *a = NULL;
	struct wpkg_store *s = NULL;
	struct wpkg_digest m1, m2, ix;
	char spec[300], doc[2048], want[400];

	opts.writable = true;
	snprintf(spec, sizeof(spec), "oci-layout:%s/r", unit_tmp);
	ck_assert_int_eq(wpkg_store_open_string(&s, spec, &opts, &err), 0);
	put_manifest(s, HEX64, &m1);
	put_manifest(s, "0000000000000000000000000000000000000000000000000000000000000000", &m2);
	snprintf(doc, sizeof(doc),
		 "{\"schemaVersion\":2,\"mediaType\":\"%s\",\"manifests\":["
		 "{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":1,\"artifactType\":\"%s\","
		 "\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}},"
		 "{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":1,\"platform\":{\"architecture\":\"wasm\",\"os\":\"wasip1\"}}]}",
		 WPKG_MT_OCI_INDEX, WPKG_MT_OCI_MANIFEST, m1.str, WPKG_MT_WASM_CONFIG, WPKG_MT_OCI_MANIFEST, m2.str);
	put_doc(s, "idx", WPKG_MT_OCI_INDEX, doc, &ix);

	ck_assert_msg(wpkg_artifact_resolve(&a, s, "idx", NULL, &err) == 0, "%s", err.msg);
	ck_assert(a->from_index);
	ck_assert_str_eq(a->index.digest.str, ix.str);
	ck_assert_uint_eq(a->index_bytes.len, strlen(doc));
	ck_assert_str_eq(a->desc.digest.str, m2.str);
	ck_assert_ptr_nonnull(a->manifest);
	ck_assert_str_eq(a->config_bytes.data, "{}");
	/* a config that does not parse is recorded, not fatal: the caller decides */
	ck_assert_ptr_null(a->config);
	ck_assert_int_ne(a->config_error.code, 0);
	ck_assert_ptr_nonnull(strstr(a->config_error.msg, "config sha256:"));
	wpkg_artifact_free(a);
	a = NULL;

	ck_assert_int_eq(wpkg_artifact_resolve(&a, s, "idx", "linux/amd64", &err), 0);
	ck_assert_str_eq(a->desc.digest.str, m1.str);
	wpkg_artifact_free(a);
	a = NULL;

	ck_assert_int_eq(wpkg_artifact_resolve(&a, s, "idx", "windows/arm64", &err), WPKG_E_NOT_FOUND);
	snprintf(want, sizeof(want), "index %s: no entry for platform windows/arm64 (it has linux/amd64, wasip1/wasm): "
		 "pass one of them with --platform", ix.str);
	ck_assert_str_eq(err.msg, want);
	ck_assert_ptr_null(a);
	/* an OS alone picks by os: Docker+Wasm's wasip1 and wasip2 entries */
	ck_assert_int_eq(wpkg_artifact_resolve(&a, s, "idx", "wasip1", &err), 0);
	ck_assert_str_eq(a->desc.digest.str, m2.str);
	wpkg_artifact_free(a);
	a = NULL;
	ck_assert_int_eq(wpkg_artifact_resolve(&a, s, "idx", "wasip2", &err), WPKG_E_NOT_FOUND);
	ck_assert_int_eq(wpkg_artifact_resolve(&a, s, "idx", "wasi/", &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "invalid platform \"wasi/\": expected OS/ARCH or OS (wasi/wasm, wasip2)");

	/* fetch names the document itself: the index, parsed, nothing followed */
	ck_assert_int_eq(wpkg_artifact_fetch(&a, s, "idx", &err), 0);
	ck_assert_str_eq(a->desc.digest.str, ix.str);
	ck_assert_ptr_nonnull(a->index_doc);
	ck_assert_uint_eq(a->index_doc->n_manifests, 2);
	ck_assert_ptr_null(a->manifest);
	wpkg_artifact_free(a);
	wpkg_store_close(s);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("store");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_names, 0, (int)(sizeof(names) / sizeof(names[0])));
	tcase_add_test(tc, test_name_too_long);
	tcase_add_test(tc, test_refuse_absolute);
	tcase_add_loop_test(tc, test_refuse_hostile, 0, (int)(sizeof(hostile) / sizeof(hostile[0])));
	tcase_add_test(tc, test_refuse_not_layout);
	tcase_add_test(tc, test_missing_archive);
	tcase_add_test(tc, test_archive_round_trip);
	tcase_add_test(tc, test_archive_entries);
	tcase_add_test(tc, test_layout_untagged);
	tcase_add_test(tc, test_opts_version);
	tcase_add_test(tc, test_store_log_sink);
	tcase_add_test(tc, test_resolver_index_rule);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(suite());
}
