/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_layoutdir.c - libFuzzer target: an oci-layout directory, opened and walked as `wpkg inspect oci-layout:` does. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wpkg/artifact.h"
#include "wpkg/digest.h"
#include "wpkg/fsutil.h"
#include "wpkg/referrers_index.h"
#include "wpkg/store.h"

#include "fuzz_scratch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The input is parts separated by FUZZ_PART_SEP: oci-layout, index.json,
 * then blobs, each stored as blobs/sha256/<its own digest> (so the index
 * and manifests can name them).  A missing part is a missing file.  The
 * seeds (gen-seeds.py) are layouts wpkg wrote, in this form.
 */
#define FUZZ_PART_SEP "\n--blob--\n"
#define FUZZ_BLOBS_MAX 8
#define FUZZ_BLOB_MAX ((size_t)1 << 20)

static char dir[320], blob_dir[400];
static char blob_names[FUZZ_BLOBS_MAX][480];
static size_t n_blob_names;

static void put(const char *path, const char *bytes, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || write(fd, bytes, len) != (ssize_t)len || close(fd) != 0)
		abort();
}

static const char *find(const char *p, const char *end, const char *what)
{
	size_t w = strlen(what);

	for (; (size_t)(end - p) >= w; p++)
		if (memcmp(p, what, w) == 0)
			return p;
	return NULL;
}

/* The layout of this input: the last one's files removed, this one's written. */
static void write_layout(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *sep;
	char path[480];
	size_t part = 0;

	if (dir[0] == '\0') {
		snprintf(dir, sizeof(dir), "%s/layout", fuzz_scratch_dir("fuzz_layoutdir"));
		snprintf(blob_dir, sizeof(blob_dir), "%s/blobs/sha256", dir);
		if (wpkg_mkdir_p(blob_dir, 0700, NULL) < 0)
			abort();
	}
	for (size_t i = 0; i < n_blob_names; i++)
		unlink(blob_names[i]);
	n_blob_names = 0;
	snprintf(path, sizeof(path), "%s/oci-layout", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/index.json", dir);
	unlink(path);
	for (; p != NULL && part < 2 + FUZZ_BLOBS_MAX; part++) {
		sep = find(p, end, FUZZ_PART_SEP);
		size_t len = (size_t)((sep != NULL ? sep : end) - p);
		struct wpkg_digest d;

		if (part == 0) {
			snprintf(path, sizeof(path), "%s/oci-layout", dir);
		} else if (part == 1) {
			snprintf(path, sizeof(path), "%s/index.json", dir);
		} else {
			wpkg_digest_bytes(&d, WPKG_DIGEST_SHA256, p, len);
			snprintf(blob_names[n_blob_names], sizeof(blob_names[0]), "%s/%s", blob_dir, wpkg_digest_hex(&d));
			snprintf(path, sizeof(path), "%s", blob_names[n_blob_names++]);
		}
		put(path, p, len);
		p = sep != NULL ? sep + strlen(FUZZ_PART_SEP) : NULL;
	}
}

static void check_error(const struct wpkg_error *err, int rc)
{
	if (err->code != rc || err->msg[0] == '\0' || strchr(err->msg, '\n') != NULL)
		__builtin_trap();
}

/* What inspect and pull read of a tag: the artifact, its blobs (digests checked), its referrers. */
static void walk_tag(struct wpkg_store *s, const char *tag)
{
	struct wpkg_artifact *a = NULL;
	struct wpkg_index *refs = NULL;
	struct wpkg_error err;
	struct wpkg_digest got;
	int rc;

	rc = wpkg_artifact_resolve(&a, s, tag, NULL, &err);
	if (rc < 0) {
		check_error(&err, rc);
		return;
	}
	/* the manifest read is the one its descriptor names */
	wpkg_digest_bytes(&got, a->desc.digest.alg, a->manifest_bytes.data, a->manifest_bytes.len);
	if (a->manifest == NULL || strcmp(got.str, a->desc.digest.str) != 0)
		__builtin_trap();
	for (size_t i = 0; i < a->manifest->n_layers && i < FUZZ_BLOBS_MAX; i++) {
		const struct wpkg_descriptor *l = &a->manifest->layers[i];
		struct wpkg_buf b = WPKG_BUF_INIT;

		rc = wpkg_store_blob_get_buf(s, &l->digest, FUZZ_BLOB_MAX, &b, &err);
		if (rc == 0) {
			/* a blob handed out has the bytes its digest names */
			wpkg_digest_bytes(&got, l->digest.alg, b.data, b.len);
			if (strcmp(got.str, l->digest.str) != 0)
				__builtin_trap();
		} else {
			check_error(&err, rc);
		}
		wpkg_buf_free(&b);
	}
	rc = wpkg_store_referrers(&refs, s, &a->desc.digest, NULL, NULL, &err);
	if (rc == 0)
		wpkg_index_free(refs);
	else
		check_error(&err, rc);
	wpkg_artifact_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wpkg_ref ref = { .transport = WPKG_TRANSPORT_OCI_LAYOUT };
	struct wpkg_store_opts opts = WPKG_STORE_OPTS_INIT;
	struct wpkg_store *s = NULL;
	struct wpkg_error err;
	char **tags = NULL;
	size_t n = 0, i;
	int rc;

	write_layout(data, size);
	ref.path = dir;
	rc = wpkg_store_open(&s, &ref, &opts, &err);
	if (rc < 0) {
		check_error(&err, rc);
		return 0;
	}
	rc = wpkg_store_tags(s, &tags, &n, &err);
	if (rc == 0) {
		for (i = 0; i < n; i++) {
			if (tags[i] == NULL)
				__builtin_trap();
			if (i < 4)
				walk_tag(s, tags[i]);
			free(tags[i]);
		}
		free(tags);
	} else {
		check_error(&err, rc);
	}
	wpkg_store_close(s);
	return 0;
}
