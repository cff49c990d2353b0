/* store.c - opens a store for a reference and sends each operation to its registry or layout half. */
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

static int open_registry(struct wpkg_store *s, const struct wpkg_ref *ref, const struct wpkg_store_opts *opts,
			 struct wpkg_error *err)
{
	if (opts->registry == NULL)
		return wpkg_error_set(err, WPKG_E_INVALID, "%s/%s: no registry client", ref->registry, ref->repository);
	s->reg = opts->registry;
	s->repo = strdup(ref->repository);
	s->host = strdup(ref->registry);
	if (s->repo == NULL || s->host == NULL || asprintf(&s->name, "%s/%s", ref->registry, ref->repository) < 0) {
		s->name = NULL;
		return wpkg_error_nomem(err);
	}
	return 0;
}

int wpkg_store_open(struct wpkg_store **out, const struct wpkg_ref *ref, const struct wpkg_store_opts *opts,
		    struct wpkg_error *err)
{
	struct wpkg_store *s = calloc(1, sizeof(*s));
	int rc;

	if (s == NULL)
		return wpkg_error_nomem(err);
	s->transport = ref->transport;
	switch (ref->transport) {
	case WPKG_TRANSPORT_REGISTRY:
		rc = open_registry(s, ref, opts, err);
		break;
	case WPKG_TRANSPORT_OCI_LAYOUT:
		s->name = strdup(ref->path);
		rc = s->name == NULL ? wpkg_error_nomem(err) : wpkg_layout_open(&s->layout, ref->path, opts->writable, err);
		break;
	case WPKG_TRANSPORT_OCI_ARCHIVE:
		s->name = strdup(ref->path);
		s->archive = strdup(ref->path);
		rc = s->name == NULL || s->archive == NULL ? wpkg_error_nomem(err) : wpkg_store_archive_open(s, opts, err);
		break;
	default:
		rc = wpkg_error_set(err, WPKG_E_UNSUPPORTED, "unknown transport %d", (int)ref->transport);
		break;
	}
	if (rc < 0) {
		wpkg_store_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

int wpkg_store_commit(struct wpkg_store *s, struct wpkg_error *err)
{
	if (s->transport != WPKG_TRANSPORT_OCI_ARCHIVE || !s->dirty)
		return 0;
	return wpkg_store_archive_commit(s, err);
}

void wpkg_store_close(struct wpkg_store *s)
{
	if (s == NULL)
		return;
	if (s->transport == WPKG_TRANSPORT_OCI_ARCHIVE)
		wpkg_store_archive_close(s);
	wpkg_layout_close(s->layout);
	free(s->archive);
	free(s->tmpdir);
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

struct wpkg_registry *wpkg_store_registry(const struct wpkg_store *s)
{
	return s->reg;
}

const char *wpkg_store_repository(const struct wpkg_store *s)
{
	return s->repo;
}

const char *wpkg_store_host(const struct wpkg_store *s)
{
	return s->host;
}

int wpkg_store_manifest_get(struct wpkg_store *s, const char *reference, struct wpkg_buf *body,
			    char **media_type, struct wpkg_digest *digest, struct wpkg_error *err)
{
	if (s->reg != NULL)
		return wpkg_store_reg_manifest_get(s, reference, body, media_type, digest, err);
	return wpkg_store_layout_manifest_get(s, reference, body, media_type, digest, err);
}

int wpkg_store_manifest_resolve(struct wpkg_descriptor *out, struct wpkg_store *s, const char *reference,
				struct wpkg_error *err)
{
	struct wpkg_buf body = WPKG_BUF_INIT;
	struct wpkg_descriptor d = { 0 };
	int rc;

	if (s->reg != NULL)
		return wpkg_registry_manifest_resolve(out, s->reg, s->repo, reference, err);
	rc = wpkg_store_layout_manifest_get(s, reference, &body, &d.media_type, &d.digest, err);
	if (rc == 0) {
		d.size = (int64_t)body.len;
		*out = d;
	}
	wpkg_buf_free(&body);
	return rc;
}

int wpkg_store_manifest_put(struct wpkg_store *s, const char *reference, const char *media_type,
			    const struct wpkg_digest *d, const void *data, size_t len, struct wpkg_error *err)
{
	if (s->reg != NULL)
		return wpkg_store_reg_manifest_put(s, reference, media_type, d, data, len, err);
	s->dirty = true;
	return wpkg_store_layout_manifest_put(s, reference, media_type, d, data, len, err);
}

int wpkg_store_blob_exists(struct wpkg_store *s, const struct wpkg_digest *d, bool *present,
			   struct wpkg_error *err)
{
	if (s->reg != NULL)
		return wpkg_registry_blob_exists(s->reg, s->repo, d, present, err);
	return wpkg_layout_has_blob(s->layout, d, present, err);
}

int wpkg_store_blob_put(struct wpkg_store *s, const struct wpkg_blob *b, struct wpkg_error *err)
{
	if (s->reg != NULL)
		return wpkg_registry_blob_upload(s->reg, s->repo, b, err);
	s->dirty = true;
	return wpkg_layout_put_blob(s->layout, b, err);
}

int wpkg_store_blob_get(struct wpkg_store *s, const struct wpkg_digest *d, uint64_t size, int fd,
			struct wpkg_error *err)
{
	if (s->reg != NULL)
		return wpkg_registry_blob_get(s->reg, s->repo, d, size, fd, err);
	return wpkg_store_layout_blob_get(s, d, size, fd, err);
}

int wpkg_store_blob_get_buf(struct wpkg_store *s, const struct wpkg_digest *d, size_t max, struct wpkg_buf *out,
			    struct wpkg_error *err)
{
	if (s->reg != NULL)
		return wpkg_registry_blob_get_buf(s->reg, s->repo, d, max, out, err);
	return wpkg_store_layout_read_blob(s, d, max, out, err);
}

int wpkg_store_blob_open(struct wpkg_blob *out, struct wpkg_store *s, const struct wpkg_descriptor *desc,
			 struct wpkg_error *err)
{
	if (s->reg != NULL)
		return wpkg_store_reg_blob_open(out, s, desc, err);
	return wpkg_store_layout_blob_open(out, s, desc, err);
}

int wpkg_store_blob_mount(struct wpkg_store *s, const char *from_repo, const struct wpkg_digest *d, bool *mounted,
			  struct wpkg_error *err)
{
	if (s->reg == NULL)
		return wpkg_error_set(err, WPKG_E_UNSUPPORTED, "%s: blob mounts need a registry", s->name);
	return wpkg_registry_blob_mount(s->reg, s->repo, from_repo, d, mounted, err);
}

int wpkg_store_tags(struct wpkg_store *s, char ***tags, size_t *n_tags, struct wpkg_error *err)
{
	if (s->reg != NULL)
		return wpkg_registry_tags(s->reg, s->repo, tags, n_tags, err);
	return wpkg_store_layout_tags(s, tags, n_tags, err);
}

int wpkg_store_delete(struct wpkg_digest *digest, struct wpkg_store *s, const char *reference,
		      struct wpkg_error *err)
{
	if (s->reg != NULL)
		return wpkg_store_reg_delete(digest, s, reference, err);
	s->dirty = true;
	return wpkg_store_layout_delete(digest, s, reference, err);
}

int wpkg_store_referrers(struct wpkg_index **out, struct wpkg_store *s, const struct wpkg_digest *subject,
			 struct wpkg_error *err)
{
	if (s->reg != NULL)
		return wpkg_store_reg_referrers(out, s, subject, err);
	return wpkg_store_layout_referrers(out, s, subject, err);
}
