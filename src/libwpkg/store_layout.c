/* SPDX-License-Identifier: Apache-2.0 */
/* store_layout.c - the store backend of an OCI image layout; the archive backend reuses its operations. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wpkg/fsutil.h"
#include "wpkg/referrers_index.h"
#include "store_internal.h"

/* wpkg_layout_read_blob, naming the store (an archive, not its temporary directory) in what goes wrong. */
static int dir_read_blob(struct wpkg_store *s, const struct wpkg_digest *d, size_t max, struct wpkg_buf *out,
			       struct wpkg_error *err)
{
	int rc = wpkg_layout_read_blob(wpkg_store_layout(s), d, max, out, err);

	if (rc == WPKG_E_NOT_FOUND)
		rc = wpkg_error_set(err, rc, "blob %s not found in %s", d->str, s->name);
	else if (rc == WPKG_E_DIGEST)
		rc = wpkg_error_set(err, rc, "blob %s in %s: content does not match its digest", d->str, s->name);
	return rc;
}

/* wpkg_layout_resolve, naming the store (an archive, not its temporary directory) when nothing is found. */
static int dir_resolve(struct wpkg_store *s, const char *reference, struct wpkg_descriptor *out, struct wpkg_error *err)
{
	int rc = wpkg_layout_resolve(wpkg_store_layout(s), reference, out, err);

	if (rc == WPKG_E_NOT_FOUND && strchr(reference, ':') == NULL)
		rc = wpkg_error_set(err, rc, "tag \"%s\" not found in %s", reference, s->name);
	else if (rc == WPKG_E_NOT_FOUND)
		rc = wpkg_error_set(err, rc, "manifest %s not found in %s", reference, s->name);
	return rc;
}

static int dir_entries(struct wpkg_store *s, struct wpkg_descriptor **entries, size_t *n, struct wpkg_error *err)
{
	return wpkg_layout_entries(wpkg_store_layout(s), entries, n, err);
}

static int dir_tags(struct wpkg_store *s, char ***tags, size_t *n_tags, struct wpkg_error *err)
{
	return wpkg_layout_tags(wpkg_store_layout(s), tags, n_tags, err);
}

const struct wpkg_local_source wpkg_local_dir_source = {
	.resolve = dir_resolve,
	.read_blob = dir_read_blob,
	.entries = dir_entries,
	.tags = dir_tags,
};

static const struct wpkg_local_source *src_of(const struct wpkg_store *s)
{
	return ((const struct wpkg_store_local *)s->be)->src;
}

static int resolve(struct wpkg_store *s, const char *reference, struct wpkg_descriptor *out, struct wpkg_error *err)
{
	return src_of(s)->resolve(s, reference, out, err);
}

int wpkg_store_local_read_blob(struct wpkg_store *s, const struct wpkg_digest *d, size_t max, struct wpkg_buf *out,
			       struct wpkg_error *err)
{
	return src_of(s)->read_blob(s, d, max, out, err);
}

/*
 * A digest need not be listed in index.json (an index's children are not),
 * so it is looked up in the blobs; the entry, when there is one, gives the
 * media type.
 */
int wpkg_store_local_manifest_get(struct wpkg_store *s, const char *reference, struct wpkg_buf *body,
				  char **media_type, struct wpkg_digest *digest, struct wpkg_error *err)
{
	struct wpkg_descriptor entry = { 0 };
	struct wpkg_digest want;
	struct wpkg_error ignored;
	const char *mt;
	int rc;

	if (strchr(reference, ':') != NULL) {
		rc = wpkg_digest_parse(&want, reference, err);
		if (rc < 0)
			return rc;
		if (resolve(s, reference, &entry, &ignored) < 0)
			wpkg_descriptor_clear(&entry);
	} else {
		rc = resolve(s, reference, &entry, err);
		if (rc < 0)
			return rc;
		want = entry.digest;
	}
	rc = wpkg_store_local_read_blob(s, &want, WPKG_DOC_MAX, body, err);
	if (rc == WPKG_E_NOT_FOUND)
		rc = wpkg_error_set(err, rc, "manifest %s not found in %s", want.str, s->name);
	if (rc < 0)
		goto out;
	mt = entry.media_type != NULL ? entry.media_type : wpkg_doc_sniff_media_type(body->data, body->len);
	*media_type = strdup(mt != NULL ? mt : WPKG_MT_OCI_MANIFEST);
	if (*media_type == NULL) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	*digest = want;
out:
	wpkg_descriptor_clear(&entry);
	return rc;
}

/*
 * A referrer's entry carries its artifactType and annotations, as a
 * referrers list would, so that readers of index.json need not open it;
 * any other document gets media type, digest and size.
 */
static int entry_descriptor(struct wpkg_descriptor *out, const char *media_type, const struct wpkg_digest *d,
			    const void *data, size_t len, struct wpkg_error *err)
{
	struct wpkg_descriptor self = { 0 };
	struct wpkg_manifest *m = NULL;
	struct wpkg_error ignored;
	int rc = 0;

	self.media_type = strdup(media_type);
	if (self.media_type == NULL)
		return wpkg_error_nomem(err);
	self.digest = *d;
	self.size = (int64_t)len;
	/* not a manifest we can read: stored all the same, only not described further */
	if (wpkg_media_type_is_manifest(media_type) && wpkg_manifest_parse(&m, data, len, &ignored) == 0 &&
	    m->subject != NULL) {
		rc = wpkg_referrers_descriptor(out, m, &self, err);
		wpkg_descriptor_clear(&self);
	} else {
		*out = self;
	}
	wpkg_manifest_free(m);
	return rc;
}

/* A layout keeps no referrers list of its own (the entry is the listing): *oci_subject stays NULL. */
int wpkg_store_local_manifest_put(struct wpkg_store *s, const char *reference, const char *media_type,
				  const struct wpkg_digest *d, const void *data, size_t len, char **oci_subject,
				  struct wpkg_error *err)
{
	struct wpkg_descriptor desc = { 0 };
	int rc;

	if (oci_subject != NULL)
		*oci_subject = NULL;
	rc = wpkg_layout_put_bytes(wpkg_store_layout(s), d, data, len, err);
	if (rc < 0 || reference == NULL)
		return rc;
	rc = entry_descriptor(&desc, media_type, d, data, len, err);
	/* a digest as the reference lists the manifest untagged */
	if (rc == 0)
		rc = wpkg_layout_tag(wpkg_store_layout(s), strchr(reference, ':') != NULL ? NULL : reference, &desc, err);
	wpkg_descriptor_clear(&desc);
	return rc;
}

/* Opens blob d, which must be a regular file of size bytes. */
static int open_blob(int *fd, char **path, struct wpkg_store *s, const struct wpkg_digest *d, uint64_t size,
		     struct wpkg_error *err)
{
	struct stat st;
	int rc = 0;

	*path = wpkg_layout_blob_path(wpkg_store_layout(s), d);
	if (*path == NULL)
		return wpkg_error_nomem(err);
	*fd = open(*path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (*fd < 0)
		return wpkg_error_set(err, errno == ENOENT ? WPKG_E_NOT_FOUND : WPKG_E_IO, "blob %s %s in %s",
				      d->str, errno == ENOENT ? "not found" : strerror(errno), s->name);
	if (fstat(*fd, &st) < 0)
		rc = wpkg_error_set(err, WPKG_E_IO, "%s: %s", *path, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		rc = wpkg_error_set(err, WPKG_E_INVALID, "blob %s in %s: not a regular file", d->str, s->name);
	else if (size != WPKG_SIZE_UNKNOWN && (uint64_t)st.st_size != size)
		rc = wpkg_error_set(err, WPKG_E_DIGEST, "blob %s in %s: %lld bytes, but its descriptor says %llu",
				    d->str, s->name, (long long)st.st_size, (unsigned long long)size);
	if (rc < 0) {
		close(*fd);
		*fd = -1;
	}
	return rc;
}

int wpkg_store_local_blob_get(struct wpkg_store *s, const struct wpkg_digest *d, uint64_t size, int fd,
			      struct wpkg_error *err)
{
	struct wpkg_hasher h = { .ctx = NULL };
	struct wpkg_digest got;
	unsigned char *chunk = malloc(WPKG_IO_CHUNK);
	char *path = NULL;
	int in = -1, rc;
	ssize_t n;

	if (chunk == NULL)
		return wpkg_error_nomem(err);
	rc = open_blob(&in, &path, s, d, size, err);
	if (rc == 0)
		rc = wpkg_hasher_init(&h, d->alg, err);
	while (rc == 0 && (n = read(in, chunk, WPKG_IO_CHUNK)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = wpkg_error_set(err, WPKG_E_IO, "%s: %s", path, strerror(errno));
			break;
		}
		wpkg_hasher_update(&h, chunk, (size_t)n);
		rc = wpkg_write_all(fd, chunk, (size_t)n, err);
	}
	if (rc < 0)
		goto out;
	wpkg_hasher_final(&h, &got);
	if (strcmp(got.str, d->str) != 0 || (size != WPKG_SIZE_UNKNOWN && h.size != size))
		rc = wpkg_error_set(err, WPKG_E_DIGEST, "blob %s in %s: content does not match its digest", d->str,
				    s->name);
out:
	wpkg_hasher_discard(&h);
	if (in >= 0)
		close(in);
	free(path);
	free(chunk);
	return rc;
}

int wpkg_store_local_blob_open(struct wpkg_blob *out, struct wpkg_store *s, const struct wpkg_descriptor *desc,
			       struct wpkg_error *err)
{
	struct wpkg_blob b = { 0 };
	int fd = -1, rc;

	wpkg_buf_init(&b.mem);
	rc = open_blob(&fd, &b.path, s, &desc->digest, (uint64_t)desc->size, err);
	if (fd >= 0)
		close(fd);
	if (rc == 0 && wpkg_descriptor_copy(&b.desc, desc) < 0)
		rc = wpkg_error_nomem(err);
	if (rc < 0) {
		wpkg_blob_clear(&b);
		return rc;
	}
	*out = b;
	return 0;
}

int wpkg_store_local_tags(struct wpkg_store *s, char ***tags, size_t *n_tags, struct wpkg_error *err)
{
	return src_of(s)->tags(s, tags, n_tags, err);
}

int wpkg_store_local_delete(struct wpkg_digest *digest, struct wpkg_store *s, const char *reference,
			    struct wpkg_error *err)
{
	struct wpkg_descriptor d = { 0 };
	size_t removed = 0;
	int rc;

	rc = resolve(s, reference, &d, err);
	if (rc == 0)
		rc = wpkg_layout_untag_digest(wpkg_store_layout(s), &d.digest, &removed, err);
	if (rc == 0) {
		wpkg_log_to(&s->log, WPKG_LOG_DEBUG, "%s: %zu index.json entries of %s removed", s->name, removed,
			    d.digest.str);
		*digest = d.digest;
	}
	wpkg_descriptor_clear(&d);
	return rc;
}

/* Adds the manifest of index.json entry self to ix when its subject is subject. */
static int add_if_referrer(struct wpkg_index *ix, struct wpkg_store *s, const struct wpkg_descriptor *self,
			   const struct wpkg_digest *subject, struct wpkg_error *err)
{
	struct wpkg_descriptor ref = { 0 };
	struct wpkg_manifest *m = NULL;
	struct wpkg_buf body = WPKG_BUF_INIT;
	int rc;

	if (!wpkg_media_type_is_manifest(self->media_type))
		return 0;
	rc = wpkg_store_local_read_blob(s, &self->digest, WPKG_DOC_MAX, &body, err);
	if (rc == 0)
		rc = wpkg_manifest_parse(&m, body.data, body.len, err);
	if (rc < 0) {
		wpkg_error_wrap(err, "%s: manifest %s", s->name, self->digest.str);
		goto out;
	}
	if (m->subject == NULL || strcmp(m->subject->digest.str, subject->str) != 0)
		goto out;
	rc = wpkg_referrers_descriptor(&ref, m, self, err);
	if (rc == 0)
		rc = wpkg_referrers_index_add(ix, &ref, NULL, err);
out:
	wpkg_descriptor_clear(&ref);
	wpkg_manifest_free(m);
	wpkg_buf_free(&body);
	return rc;
}

/* A layout keeps referrers as index.json entries (as oras does); each manifest listed is read once. */
int wpkg_store_local_referrers(struct wpkg_index **out, struct wpkg_store *s, const struct wpkg_digest *subject,
			       const char *artifact_type, bool *filtered, struct wpkg_store_referrers_info *info,
			       struct wpkg_error *err)
{
	struct wpkg_descriptor *entries = NULL;
	struct wpkg_index *ix = NULL;
	size_t i, n = 0;
	int rc;

	(void)artifact_type;
	*filtered = false;
	info->api = false;
	rc = wpkg_referrers_index_new(&ix, err);
	if (rc == 0)
		rc = src_of(s)->entries(s, &entries, &n, err);
	for (i = 0; rc == 0 && i < n; i++)
		rc = add_if_referrer(ix, s, &entries[i], subject, err);
	if (rc == 0) {
		*out = ix;
		ix = NULL;
	}
	for (i = 0; i < n; i++)
		wpkg_descriptor_clear(&entries[i]);
	free(entries);
	wpkg_index_free(ix);
	return rc;
}

int wpkg_store_local_manifest_resolve(struct wpkg_descriptor *out, struct wpkg_store *s, const char *reference,
				      struct wpkg_error *err)
{
	struct wpkg_buf body = WPKG_BUF_INIT;
	struct wpkg_descriptor d = { 0 };
	int rc;

	rc = wpkg_store_local_manifest_get(s, reference, &body, &d.media_type, &d.digest, err);
	if (rc == 0) {
		d.size = (int64_t)body.len;
		*out = d;
	}
	wpkg_buf_free(&body);
	return rc;
}

int wpkg_store_local_blob_exists(struct wpkg_store *s, const struct wpkg_digest *d, bool *present,
				 struct wpkg_error *err)
{
	return wpkg_layout_has_blob(wpkg_store_layout(s), d, present, err);
}

int wpkg_store_local_blob_put(struct wpkg_store *s, const struct wpkg_blob *b, struct wpkg_error *err)
{
	return wpkg_layout_put_blob(wpkg_store_layout(s), b, err);
}

int wpkg_store_local_new(struct wpkg_store *s, const char *path, struct wpkg_error *err)
{
	struct wpkg_store_local *l = calloc(1, sizeof(*l));

	s->be = l;
	s->name = strdup(path);
	if (l == NULL || s->name == NULL)
		return wpkg_error_nomem(err);
	l->src = &wpkg_local_dir_source;
	return 0;
}

void wpkg_store_local_close(struct wpkg_store *s)
{
	struct wpkg_store_local *l = s->be;

	if (l == NULL)
		return;
	wpkg_layout_close(l->layout);
	free(l->archive);
	free(l->tmpdir);
	free(l);
	s->be = NULL;
}

static int layout_open(struct wpkg_store *s, const struct wpkg_ref *ref, const struct wpkg_store_opts *opts,
		       struct wpkg_error *err)
{
	int rc = wpkg_store_local_new(s, ref->path, err);

	if (rc == 0)
		rc = wpkg_layout_open(&((struct wpkg_store_local *)s->be)->layout, ref->path, opts->writable, err);
	return rc;
}

const struct wpkg_store_ops wpkg_store_layout_ops = {
	.name = "oci-layout",
	.open = layout_open,
	.close = wpkg_store_local_close,
	LOCAL_OPS,
};
