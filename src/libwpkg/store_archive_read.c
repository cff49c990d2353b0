/* SPDX-License-Identifier: Apache-2.0 */
/* store_archive_read.c - a read-only oci-archive served in place: index.json in memory, blobs read on demand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "wpkg/fsutil.h"
#include "layout_index.h"
#include "store_internal.h"

static struct wpkg_store_local *local(const struct wpkg_store *s)
{
	return s->be;
}

/* The entry of blob d, which must hold size bytes (WPKG_SIZE_UNKNOWN: any). */
static int find_blob(const struct wpkg_archive_entry **out, struct wpkg_store *s, const struct wpkg_digest *d,
		     uint64_t size, struct wpkg_error *err)
{
	const struct wpkg_archive_entry *e;
	char name[256];

	snprintf(name, sizeof(name), "blobs/%s/%s", wpkg_digest_alg_name(d->alg), wpkg_digest_hex(d));
	e = wpkg_archive_index_find(local(s)->in_place, name);
	if (e == NULL)
		return wpkg_error_set(err, WPKG_E_NOT_FOUND, "blob %s not found in %s", d->str, s->name);
	if (size != WPKG_SIZE_UNKNOWN && e->size != size)
		return wpkg_error_set(err, WPKG_E_DIGEST, "blob %s in %s: %llu bytes, but its descriptor says %llu",
				      d->str, s->name, (unsigned long long)e->size, (unsigned long long)size);
	*out = e;
	return 0;
}

static int index_of(const json_t **out, struct wpkg_store *s, struct wpkg_error *err)
{
	if (local(s)->index == NULL)
		return wpkg_error_set(err, WPKG_E_INVALID, "%s: not an OCI archive (no index.json entry)", s->name);
	*out = local(s)->index;
	return 0;
}

static int src_resolve(struct wpkg_store *s, const char *reference, struct wpkg_descriptor *out,
		       struct wpkg_error *err)
{
	const json_t *ix = NULL;
	char what[600];
	int rc = index_of(&ix, s, err);

	snprintf(what, sizeof(what), "%s: index.json", s->name);
	return rc < 0 ? rc : wpkg_layout_index_find(ix, reference, out, s->name, what, err);
}

static int src_read_blob(struct wpkg_store *s, const struct wpkg_digest *d, size_t max, struct wpkg_buf *out,
			 struct wpkg_error *err)
{
	const struct wpkg_archive_entry *e = NULL;
	struct wpkg_buf b = WPKG_BUF_INIT;
	struct wpkg_digest got;
	int rc;

	rc = find_blob(&e, s, d, WPKG_SIZE_UNKNOWN, err);
	if (rc == 0)
		rc = wpkg_archive_entry_read(local(s)->in_place, e, max, &b, err);
	if (rc < 0)
		goto out;
	wpkg_digest_bytes(&got, d->alg, b.data, b.len);
	if (strcmp(got.str, d->str) != 0) {
		rc = wpkg_error_set(err, WPKG_E_DIGEST, "blob %s in %s: content does not match its digest", d->str,
				    s->name);
		goto out;
	}
	wpkg_buf_free(out);
	*out = b;
	wpkg_buf_init(&b);
out:
	wpkg_buf_free(&b);
	return rc;
}

static int src_entries(struct wpkg_store *s, struct wpkg_descriptor **entries, size_t *n, struct wpkg_error *err)
{
	const json_t *ix = NULL;
	char what[600];
	int rc = index_of(&ix, s, err);

	snprintf(what, sizeof(what), "%s: index.json", s->name);
	return rc < 0 ? rc : wpkg_layout_index_entries(ix, entries, n, what, err);
}

static int src_tags(struct wpkg_store *s, char ***tags, size_t *n_tags, struct wpkg_error *err)
{
	const json_t *ix = NULL;
	int rc = index_of(&ix, s, err);

	return rc < 0 ? rc : wpkg_layout_index_tags(ix, tags, n_tags, err);
}

static const struct wpkg_local_source archive_source = {
	.resolve = src_resolve,
	.read_blob = src_read_blob,
	.entries = src_entries,
	.tags = src_tags,
};

static int read_exists(struct wpkg_store *s, const struct wpkg_digest *d, bool *present, struct wpkg_error *err)
{
	const struct wpkg_archive_entry *e = NULL;
	struct wpkg_error ignored;

	(void)err;
	*present = find_blob(&e, s, d, WPKG_SIZE_UNKNOWN, &ignored) == 0;
	return 0;
}

struct to_fd {
	struct wpkg_hasher h;
	int fd;
};

static int hash_and_write(void *payload, const void *data, size_t len, struct wpkg_error *err)
{
	struct to_fd *t = payload;

	wpkg_hasher_update(&t->h, data, len);
	return wpkg_write_all(t->fd, data, len, err);
}

/* Streamed and hashed as it goes: the bytes written before a mismatch are the caller's to discard. */
static int read_blob_get(struct wpkg_store *s, const struct wpkg_digest *d, uint64_t size, int fd,
			 struct wpkg_error *err)
{
	const struct wpkg_archive_entry *e = NULL;
	struct to_fd t = { .h = { .ctx = NULL }, .fd = fd };
	struct wpkg_digest got;
	int rc;

	rc = find_blob(&e, s, d, size, err);
	if (rc == 0)
		rc = wpkg_hasher_init(&t.h, d->alg, err);
	if (rc == 0)
		rc = wpkg_archive_entry_each(local(s)->in_place, e, hash_and_write, &t, err);
	if (rc == 0) {
		wpkg_hasher_final(&t.h, &got);
		if (strcmp(got.str, d->str) != 0)
			rc = wpkg_error_set(err, WPKG_E_DIGEST, "blob %s in %s: content does not match its digest",
					    d->str, s->name);
	}
	wpkg_hasher_discard(&t.h);
	return rc;
}

/*
 * An uncompressed archive hands out the blob's range of the file itself
 * (the destination verifies it as it reads); a compressed one its copy in
 * memory when the scan kept it, else a verified temporary spool file: one
 * blob at a time, the only case that writes to the temporary directory.
 */
static int read_blob_open(struct wpkg_blob *out, struct wpkg_store *s, const struct wpkg_descriptor *desc,
			  struct wpkg_error *err)
{
	const struct wpkg_archive_index *ix = local(s)->in_place;
	const struct wpkg_archive_entry *e = NULL;
	struct wpkg_blob b = { 0 };
	int rc;

	wpkg_buf_init(&b.mem);
	rc = find_blob(&e, s, &desc->digest, (uint64_t)desc->size, err);
	if (rc == 0 && ix->compressed && !e->in_mem)
		return wpkg_store_spool_blob(out, s, desc, err);
	if (rc == 0 && wpkg_descriptor_copy(&b.desc, desc) < 0)
		rc = wpkg_error_nomem(err);
	if (rc == 0 && e->in_mem && wpkg_buf_put(&b.mem, e->mem.data, e->mem.len) < 0)
		rc = wpkg_error_nomem(err);
	if (rc == 0 && !e->in_mem) {
		b.path = strdup(ix->path);
		b.offset = e->offset;
		if (b.path == NULL)
			rc = wpkg_error_nomem(err);
	}
	if (rc < 0) {
		wpkg_blob_clear(&b);
		return rc;
	}
	*out = b;
	return 0;
}

static int read_only(const struct wpkg_store *s, struct wpkg_error *err)
{
	return wpkg_error_set(err, WPKG_E_UNSUPPORTED, "%s: opened for reading only", s->name);
}

static int read_manifest_put(struct wpkg_store *s, const char *reference, const char *media_type,
			     const struct wpkg_digest *d, const void *data, size_t len, char **oci_subject,
			     struct wpkg_error *err)
{
	(void)reference, (void)media_type, (void)d, (void)data, (void)len, (void)oci_subject;
	return read_only(s, err);
}

static int read_blob_put(struct wpkg_store *s, const struct wpkg_blob *b, struct wpkg_error *err)
{
	(void)b;
	return read_only(s, err);
}

static int read_delete(struct wpkg_digest *digest, struct wpkg_store *s, const char *reference,
		       struct wpkg_error *err)
{
	(void)digest, (void)reference;
	return read_only(s, err);
}

static void read_close(struct wpkg_store *s)
{
	struct wpkg_store_local *l = s->be;

	if (l != NULL) {
		wpkg_archive_index_free(l->in_place);
		json_decref(l->index);
	}
	wpkg_store_local_close(s);
}

int wpkg_store_archive_read_open(struct wpkg_store *s, const struct wpkg_archive_caps *caps, struct wpkg_error *err)
{
	struct wpkg_store_local *l = s->be;
	const struct wpkg_archive_entry *e;
	char what[600];
	int rc;

	rc = wpkg_archive_index_open(&l->in_place, l->archive, caps, err);
	if (rc < 0)
		return rc;
	l->src = &archive_source;
	s->ops = &wpkg_store_archive_read_ops;
	e = wpkg_archive_index_find(l->in_place, "index.json");
	snprintf(what, sizeof(what), "%s: index.json", l->archive);
	/* kept in memory by the scan */
	return e == NULL ? 0 : wpkg_layout_index_parse(&l->index, e->mem.data, e->mem.len, what, err);
}

const struct wpkg_store_ops wpkg_store_archive_read_ops = {
	.name = "oci-archive",
	.close = read_close,
	.manifest_get = wpkg_store_local_manifest_get,
	.manifest_resolve = wpkg_store_local_manifest_resolve,
	.manifest_put = read_manifest_put,
	.blob_exists = read_exists,
	.blob_get = read_blob_get,
	.blob_get_buf = wpkg_store_local_read_blob,
	.blob_open = read_blob_open,
	.blob_put = read_blob_put,
	.tags = wpkg_store_local_tags,
	.delete = read_delete,
	.referrers_list = wpkg_store_local_referrers,
};
