/* store_registry.c - the store operations on a registry repository, over the distribution API client. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wpkg/fsutil.h"
#include "wpkg/log.h"
#include "wpkg/referrers.h"
#include "referrers_internal.h"
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

/* The digest of the subject of the manifest or index in body; false when it has none or cannot be read. */
static bool doc_subject(struct wpkg_digest *out, const char *media_type, const struct wpkg_buf *body)
{
	const struct wpkg_descriptor *sub = NULL;
	struct wpkg_manifest *m = NULL;
	struct wpkg_index *ix = NULL;
	bool found;

	/* an unreadable document must not stop its own deletion: it simply names no subject */
	if (wpkg_media_type_is_index(media_type)) {
		if (wpkg_index_parse(&ix, body->data, body->len, NULL) == 0)
			sub = ix->subject;
	} else if (wpkg_manifest_parse(&m, body->data, body->len, NULL) == 0) {
		sub = m->subject;
	}
	found = sub != NULL;
	if (found)
		*out = sub->digest;
	wpkg_manifest_free(m);
	wpkg_index_free(ix);
	return found;
}

/*
 * The distribution spec's "Deleting Manifests": on a registry without the
 * referrers API the client drops the deleted manifest from its subject's
 * fallback tag and pushes that index again (empty if it was the last).  A
 * tag that does not list it is left as it is, and never created.
 */
static int fallback_remove(struct wpkg_store *s, const struct wpkg_digest *subject, const struct wpkg_digest *deleted,
			   struct wpkg_error *err)
{
	struct wpkg_buf body = WPKG_BUF_INIT;
	struct wpkg_index *ix = NULL;
	char tag[WPKG_REFERRERS_TAG_MAX] = "";
	bool api = false, filtered = false;
	int rc;

	rc = wpkg_registry_referrers(s->reg, s->repo, subject, NULL, &body, &api, &filtered, err);
	if (rc < 0 || api)
		goto out;
	rc = wpkg_referrers_tag(tag, subject->str, err);
	if (rc == 0)
		rc = wpkg_referrers_tag_read(&ix, s->reg, s->repo, tag, false, err);
	if (rc < 0 || !wpkg_referrers_index_remove(ix, deleted))
		goto out;
	rc = wpkg_referrers_tag_write(s->reg, s->repo, tag, ix, err);
	if (rc == 0)
		wpkg_log(WPKG_LOG_DEBUG, "referrers tag %s no longer lists %s", tag, deleted->str);
out:
	if (rc < 0 && tag[0] != '\0')
		wpkg_error_wrap(err, "referrers tag %s", tag);
	wpkg_index_free(ix);
	wpkg_buf_free(&body);
	return rc;
}

int wpkg_store_reg_delete(struct wpkg_digest *digest, struct wpkg_store *s, const char *reference,
			  struct wpkg_error *err)
{
	struct wpkg_buf body = WPKG_BUF_INIT;
	struct wpkg_digest d, subject;
	struct wpkg_error ferr = { 0 };
	char *mt = NULL;
	bool has_subject;
	int rc;

	/*
	 * Fetching first turns a tag into the digest DELETE needs, makes "no
	 * such manifest" a not-found, and gives the subject, which is gone from
	 * the registry once the manifest is.
	 */
	rc = wpkg_registry_manifest_get(s->reg, s->repo, reference, &body, &mt, &d, err);
	if (rc < 0) {
		wpkg_error_wrap(err, "fetch manifest");
		goto out;
	}
	has_subject = doc_subject(&subject, mt, &body);
	rc = wpkg_registry_manifest_delete(s->reg, s->repo, &d, err);
	if (rc < 0) {
		wpkg_error_wrap(err, "delete manifest %s", d.str);
		goto out;
	}
	/* the manifest is gone: a stale fallback entry is worth a warning, not a failed delete */
	if (has_subject && fallback_remove(s, &subject, &d, &ferr) < 0)
		wpkg_log(WPKG_LOG_WARN, "deleted %s, but could not update the referrers of %s: %s", d.str,
			 subject.str, ferr.msg);
	*digest = d;
out:
	wpkg_buf_free(&body);
	free(mt);
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
