/* store_registry.c - the store operations on a registry repository, over the distribution API client. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wpkg/referrers.h"
#include "store_internal.h"

int wpkg_store_reg_manifest_get(struct wpkg_store *s, const char *reference, struct wpkg_buf *body,
				char **media_type, struct wpkg_digest *digest, struct wpkg_error *err)
{
	return wpkg_registry_manifest_get(s->reg, s->repo, reference, body, media_type, digest, err);
}

int wpkg_store_reg_manifest_put(struct wpkg_store *s, const char *reference, const char *media_type,
				const struct wpkg_digest *d, const void *data, size_t len, struct wpkg_error *err)
{
	/* a registry finds every manifest by digest; an untagged one is simply PUT by it */
	return wpkg_registry_manifest_put(s->reg, s->repo, reference != NULL ? reference : d->str, media_type, data,
					  len, err);
}

/*
 * Registry blobs are spooled into a temporary file, verified while they
 * stream, so that the destination reads a local file and never memory.
 */
int wpkg_store_reg_blob_open(struct wpkg_blob *out, struct wpkg_store *s, const struct wpkg_descriptor *desc,
			     struct wpkg_error *err)
{
	const char *tmp = getenv("TMPDIR");
	struct wpkg_blob b = { 0 };
	char *path = NULL;
	int fd = -1, rc;

	wpkg_buf_init(&b.mem);
	if (asprintf(&path, "%s/wpkg-blob.XXXXXX", tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp") < 0)
		return wpkg_error_set(err, WPKG_E_NOMEM, "out of memory");
	fd = mkstemp(path);
	if (fd < 0) {
		rc = wpkg_error_set(err, WPKG_E_IO, "%s: %s", path, strerror(errno));
		free(path);
		return rc;
	}
	b.path = path;
	b.temp = true;
	rc = wpkg_descriptor_copy(&b.desc, desc) < 0 ? wpkg_error_set(err, WPKG_E_NOMEM, "out of memory") : 0;
	if (rc == 0)
		rc = wpkg_registry_blob_get(s->reg, s->repo, &desc->digest, (uint64_t)desc->size, fd, err);
	if (close(fd) < 0 && rc == 0)
		rc = wpkg_error_set(err, WPKG_E_IO, "%s: %s", path, strerror(errno));
	if (rc < 0) {
		wpkg_blob_clear(&b);
		return rc;
	}
	*out = b;
	return 0;
}

int wpkg_store_reg_delete(struct wpkg_digest *digest, struct wpkg_store *s, const char *reference,
			  struct wpkg_error *err)
{
	struct wpkg_descriptor d = { 0 };
	int rc;

	/* Resolving first both turns a tag into the digest DELETE needs and makes "no such manifest" a not-found. */
	rc = wpkg_registry_manifest_resolve(&d, s->reg, s->repo, reference, err);
	if (rc < 0) {
		wpkg_error_wrap(err, "fetch manifest");
		goto out;
	}
	rc = wpkg_registry_manifest_delete(s->reg, s->repo, &d.digest, err);
	if (rc < 0) {
		wpkg_error_wrap(err, "delete manifest %s", d.digest.str);
		goto out;
	}
	*digest = d.digest;
out:
	wpkg_descriptor_clear(&d);
	return rc;
}

int wpkg_store_reg_referrers(struct wpkg_index **out, struct wpkg_store *s, const struct wpkg_digest *subject,
			     struct wpkg_error *err)
{
	struct wpkg_referrers x;
	int rc;

	memset(&x, 0, sizeof(x));
	rc = wpkg_discover(&x, s, subject->str, NULL, err);
	if (rc == 0) {
		*out = x.index;
		x.index = NULL;
	}
	wpkg_referrers_clear(&x);
	return rc;
}
