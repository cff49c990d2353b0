/* SPDX-License-Identifier: Apache-2.0 */
/* store.c - opens a store for a reference and sends each operation to its transport's backend. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wpkg/fsutil.h"

#include "opts.h"
#include "store_internal.h"

/* Offline, an operation that needs the registry fails, saying what. */
static int offline(const char *what, struct wpkg_error *err)
{
	return wpkg_error_set(err, WPKG_E_NETWORK, "%s needs the registry: run it without --offline", what);
}

/* A new transport is a backend file and one line here. */
static const struct wpkg_store_ops *const backends[] = {
	[WPKG_TRANSPORT_REGISTRY] = &wpkg_store_registry_ops,
	[WPKG_TRANSPORT_OCI_LAYOUT] = &wpkg_store_layout_ops,
	[WPKG_TRANSPORT_OCI_ARCHIVE] = &wpkg_store_archive_ops,
};

int wpkg_store_open(struct wpkg_store **out, const struct wpkg_ref *ref, const struct wpkg_store_opts *opts,
		    struct wpkg_error *err)
{
	struct wpkg_store_opts o;
	struct wpkg_store *s;
	int rc;

	/* NULL is WPKG_STORE_OPTS_INIT */
	rc = wpkg_opts_load(&o, sizeof(o), opts, "store options", err);
	if (rc < 0)
		return rc;
	opts = &o;
	if ((size_t)ref->transport >= sizeof(backends) / sizeof(backends[0]) || backends[ref->transport] == NULL)
		return wpkg_error_set(err, WPKG_E_UNSUPPORTED, "unknown transport %d", (int)ref->transport);
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return wpkg_error_nomem(err);
	s->ops = backends[ref->transport];
	s->transport = ref->transport;
	s->log = opts->log;
	s->label = opts->progress_label;
	s->label_payload = opts->progress_payload;
	/* a local store is local already: offline changes nothing there */
	s->offline = opts->offline && ref->transport == WPKG_TRANSPORT_REGISTRY;
	rc = s->ops->open(s, ref, opts, err);
	if (rc < 0) {
		wpkg_store_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

int wpkg_store_open_string(struct wpkg_store **out, const char *reference, const struct wpkg_store_opts *opts,
			   struct wpkg_error *err)
{
	struct wpkg_ref ref = { 0 };
	int rc;

	rc = wpkg_ref_parse(&ref, reference, 0, err);
	if (rc == 0)
		rc = wpkg_store_open(out, &ref, opts, err);
	wpkg_ref_free(&ref);
	return rc;
}

int wpkg_store_commit(struct wpkg_store *s, struct wpkg_error *err)
{
	int rc;

	if (!s->dirty || s->ops->commit == NULL)
		return 0;
	rc = s->ops->commit(s, err);
	if (rc == 0)
		s->dirty = false;
	return rc;
}

void wpkg_store_close(struct wpkg_store *s)
{
	if (s == NULL)
		return;
	if (s->ops->close != NULL)
		s->ops->close(s);
	free(s->name);
	free(s->repo);
	free(s->host);
	free(s);
}

enum wpkg_transport wpkg_store_transport(const struct wpkg_store *s)
{
	return s->transport;
}

const char *wpkg_store_name(const struct wpkg_store *s)
{
	return s->name;
}

const struct wpkg_log_sink *wpkg_store_log(const struct wpkg_store *s)
{
	return &s->log;
}

const char *wpkg_store_host(const struct wpkg_store *s)
{
	return s->host;
}

const char *wpkg_store_mount_source(const struct wpkg_store *dst, const struct wpkg_store *src)
{
	if (dst->ops != src->ops || dst->ops->blob_mount == NULL || dst->host == NULL || src->host == NULL ||
	    strcmp(dst->host, src->host) != 0)
		return NULL;
	return src->repo;
}

int wpkg_store_manifest_get(struct wpkg_store *s, const char *reference, struct wpkg_buf *body,
			    char **media_type, struct wpkg_digest *digest, struct wpkg_error *err)
{
	return (s->front != NULL ? s->front : s->ops)->manifest_get(s, reference, body, media_type, digest, err);
}

int wpkg_store_manifest_resolve(struct wpkg_descriptor *out, struct wpkg_store *s, const char *reference,
				struct wpkg_error *err)
{
	return (s->front != NULL ? s->front : s->ops)->manifest_resolve(out, s, reference, err);
}

int wpkg_store_manifest_put(struct wpkg_store *s, const char *reference, const char *media_type,
			    const struct wpkg_digest *d, const void *data, size_t len, struct wpkg_error *err)
{
	if (s->offline)
		return offline("a manifest push", err);
	s->dirty = true;
	return s->ops->manifest_put(s, reference, media_type, d, data, len, NULL, err);
}

int wpkg_store_manifest_put_subject(struct wpkg_store *s, const char *reference, const char *media_type,
				    const struct wpkg_digest *d, const void *data, size_t len, char **oci_subject,
				    struct wpkg_error *err)
{
	char *subject = NULL;
	int rc;

	if (s->offline)
		return offline("a manifest push", err);
	s->dirty = true;
	rc = s->ops->manifest_put(s, reference, media_type, d, data, len, &subject, err);
	if (rc == 0)
		*oci_subject = subject;
	else
		free(subject);
	return rc;
}

int wpkg_store_blob_exists(struct wpkg_store *s, const struct wpkg_digest *d, bool *present,
			   struct wpkg_error *err)
{
	if (s->offline)
		return offline("a blob check", err);
	return s->ops->blob_exists(s, d, present, err);
}

int wpkg_store_blob_put(struct wpkg_store *s, const struct wpkg_blob *b, struct wpkg_error *err)
{
	if (s->offline)
		return offline("a blob upload", err);
	s->dirty = true;
	return s->ops->blob_put(s, b, err);
}

int wpkg_store_blob_get(struct wpkg_store *s, const struct wpkg_digest *d, uint64_t size, int fd,
			struct wpkg_error *err)
{
	return (s->front != NULL ? s->front : s->ops)->blob_get(s, d, size, fd, err);
}

int wpkg_store_blob_get_buf(struct wpkg_store *s, const struct wpkg_digest *d, size_t max, struct wpkg_buf *out,
			    struct wpkg_error *err)
{
	return (s->front != NULL ? s->front : s->ops)->blob_get_buf(s, d, max, out, err);
}

int wpkg_store_blob_get_doc(struct wpkg_store *s, const struct wpkg_descriptor *desc, size_t max,
			    struct wpkg_buf *out, struct wpkg_error *err)
{
	int rc;

	if (desc->size < 0 || (uint64_t)desc->size > max)
		return wpkg_error_set(err, WPKG_E_TOO_LARGE, "blob %s: its descriptor gives %lld bytes, more than the "
				      "%zu a document may have", desc->digest.str, (long long)desc->size, max);
	rc = wpkg_store_blob_get_buf(s, &desc->digest, (size_t)desc->size, out, err);
	/* more bytes than the descriptor gives cannot be the blob it names: a corrupt (or endless) answer,
	 * stopped as soon as it ran over */
	if (rc == WPKG_E_TOO_LARGE)
		return wpkg_error_set(err, WPKG_E_DIGEST, "blob %s: more than the %lld bytes its descriptor gives; "
				      "refusing the answer", desc->digest.str, (long long)desc->size);
	return rc;
}

int wpkg_store_blob_open(struct wpkg_blob *out, struct wpkg_store *s, const struct wpkg_descriptor *desc,
			 struct wpkg_error *err)
{
	return s->ops->blob_open(out, s, desc, err);
}

/* For a destination that reads a local file: the blob streamed once, verified, into a temporary. */
int wpkg_store_spool_blob(struct wpkg_blob *out, struct wpkg_store *s, const struct wpkg_descriptor *desc,
			  struct wpkg_error *err)
{
	struct wpkg_blob b = { 0 };
	char *path = NULL;
	int fd = -1, rc;

	wpkg_buf_init(&b.mem);
	rc = wpkg_temp_open(&path, &fd, NULL, "wpkg-blob.", NULL, err);
	if (rc < 0)
		return rc;
	b.path = path;
	b.temp = true;
	rc = wpkg_descriptor_copy(&b.desc, desc) < 0 ? wpkg_error_nomem(err) : 0;
	if (rc == 0)
		rc = (s->front != NULL ? s->front : s->ops)->blob_get(s, &desc->digest, (uint64_t)desc->size, fd, err);
	if (close(fd) < 0 && rc == 0)
		rc = wpkg_error_set(err, WPKG_E_IO, "%s: %s", path, strerror(errno));
	if (rc < 0) {
		wpkg_blob_clear(&b);
		return rc;
	}
	*out = b;
	return 0;
}

int wpkg_store_blob_mount(struct wpkg_store *s, const char *from_repo, const struct wpkg_digest *d, bool *mounted,
			  struct wpkg_error *err)
{
	if (s->ops->blob_mount == NULL)
		return wpkg_error_set(err, WPKG_E_UNSUPPORTED, "%s: blob mounts need a registry", s->name);
	if (s->offline)
		return offline("a blob mount", err);
	s->dirty = true;
	return s->ops->blob_mount(s, from_repo, d, mounted, err);
}

int wpkg_store_tags(struct wpkg_store *s, char ***tags, size_t *n_tags, struct wpkg_error *err)
{
	if (s->offline)
		return offline("listing tags", err);
	return s->ops->tags(s, tags, n_tags, err);
}

int wpkg_store_tags_list(struct wpkg_store *s, const struct wpkg_tags_opts *o, char ***tags, size_t *n_tags,
			 bool *capped, struct wpkg_error *err)
{
	struct wpkg_tags_opts opts;
	char **got = NULL;
	size_t n = 0;
	bool cut = false;
	int rc = wpkg_opts_load(&opts, sizeof(opts), o, "tags options", err);

	if (rc < 0)
		return rc;
	if (s->offline)
		return offline("listing tags", err);
	if (s->ops->tags_paged != NULL)
		rc = s->ops->tags_paged(s, &opts, &got, &n, &cut, err);
	else
		rc = s->ops->tags(s, &got, &n, err);
	if (rc < 0)
		return rc;
	/* a local index is read whole; the limit still holds */
	for (; opts.limit != 0 && n > opts.limit; n--)
		free(got[n - 1]);
	*tags = got;
	*n_tags = n;
	*capped = cut;
	return 0;
}

int wpkg_store_delete(struct wpkg_digest *digest, struct wpkg_store *s, const char *reference,
		      struct wpkg_error *err)
{
	if (s->offline)
		return offline("a delete", err);
	s->dirty = true;
	return s->ops->delete(digest, s, reference, err);
}

int wpkg_store_referrers(struct wpkg_index **out, struct wpkg_store *s, const struct wpkg_digest *subject,
			 const char *artifact_type, struct wpkg_store_referrers_info *info, struct wpkg_error *err)
{
	struct wpkg_store_referrers_info scratch;
	struct wpkg_index *ix = NULL;
	bool filtered = false;
	int rc;

	memset(&scratch, 0, sizeof(scratch));
	if (s->offline)
		return offline("listing referrers", err);
	rc = s->ops->referrers_list(&ix, s, subject, artifact_type, &filtered, &scratch, err);
	if (rc < 0)
		return rc;
	/* a server that did not say it filtered may have sent everything */
	if (!filtered)
		wpkg_referrers_index_filter(ix, artifact_type);
	*out = ix;
	if (info != NULL)
		*info = scratch;
	return 0;
}

int wpkg_store_referrers_add(struct wpkg_store *s, const struct wpkg_digest *subject, const struct wpkg_index *add,
			     struct wpkg_store_referrers_info *info, struct wpkg_error *err)
{
	struct wpkg_store_referrers_info scratch;
	int rc;

	memset(&scratch, 0, sizeof(scratch));
	if (s->offline)
		return offline("adding referrers", err);
	if (s->ops->referrers_add == NULL)
		rc = 0;
	else
		rc = s->ops->referrers_add(s, subject, add, &scratch, err);
	if (rc == 0 && info != NULL)
		*info = scratch;
	return rc;
}

int wpkg_store_referrers_remove(struct wpkg_store *s, const struct wpkg_digest *subject,
				const struct wpkg_digest *gone, struct wpkg_error *err)
{
	if (s->ops->referrers_remove == NULL)
		return 0;
	if (s->offline)
		return offline("removing referrers", err);
	s->dirty = true;
	return s->ops->referrers_remove(s, subject, gone, err);
}

void wpkg_store_label(struct wpkg_store *s, const struct wpkg_descriptor *d)
{
	const json_t *title = d->annotations ? json_object_get(d->annotations, WPKG_ANNOT_TITLE) : NULL;
	const char *label = json_string_value(title);

	if (s->label == NULL)
		return;
	s->label(s->label_payload, d->digest.str, label != NULL ? label : d->media_type);
}
