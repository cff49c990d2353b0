/* SPDX-License-Identifier: Apache-2.0 */
/* cache_store.c - a registry store's reads through the content cache: served when cached, else fetched and kept. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wpkg/fsutil.h"
#include "cache_internal.h"
#include "cache_store.h"
#include "log_internal.h"
#include "store_internal.h"

/* The record key of reference in s: "HOST/REPO:TAG" or "HOST/REPO@DIGEST". Caller frees. */
static char *ref_key(const struct wpkg_store *s, const char *reference, bool by_digest)
{
	char *k = NULL;

	return asprintf(&k, "%s%c%s", s->name, by_digest ? '@' : ':', reference) < 0 ? NULL : k;
}

static int not_cached(const struct wpkg_store *s, const char *what, struct wpkg_error *err)
{
	return wpkg_error_set(err, WPKG_E_NOT_FOUND, "%s is not in the cache (--offline): pull it once without "
			      "--offline", what != NULL ? what : s->name);
}

/*
 * The cached document reference names (a digest, or offline a tag through
 * its record) into body and *desc (media type: the record's, else sniffed);
 * false on a miss.
 */
static bool cached_doc(struct wpkg_descriptor *desc, struct wpkg_store *s, const char *key,
		       const struct wpkg_digest *d, struct wpkg_buf *body)
{
	struct wpkg_descriptor rec = { 0 };
	bool known = d != NULL ? wpkg_cache_lookup(&rec, s->cache, NULL, d) : wpkg_cache_lookup(&rec, s->cache, key, NULL);
	const char *mt;
	char *copy;
	bool hit;

	if (d == NULL && !known)
		return false;
	hit = wpkg_cache_read(s->cache, &s->log, d != NULL ? d : &rec.digest, WPKG_DOC_MAX, body);
	mt = rec.media_type != NULL ? rec.media_type : hit ? wpkg_doc_sniff_media_type(body->data, body->len) : NULL;
	copy = hit ? strdup(mt != NULL ? mt : WPKG_MT_OCI_MANIFEST) : NULL;
	/* only what a registry would say: the record's own annotation stays in the cache */
	if (copy != NULL) {
		memset(desc, 0, sizeof(*desc));
		desc->media_type = copy;
		desc->digest = d != NULL ? *d : rec.digest;
		desc->size = (int64_t)body->len;
	}
	wpkg_descriptor_clear(&rec);
	return copy != NULL;
}

/*
 * 1: the document reference names is served from the cache (desc, body);
 * 0: the registry is to be asked; < 0: offline and not cached.  *key is
 * the reference's record key (the caller frees it).
 */
static int cached_ref(struct wpkg_descriptor *desc, char **key, struct wpkg_store *s, const char *reference,
		      struct wpkg_buf *body, struct wpkg_error *err)
{
	struct wpkg_digest d;
	bool by_digest = wpkg_digest_parse(&d, reference, NULL) == 0;

	*key = ref_key(s, reference, by_digest);
	if (*key == NULL)
		return wpkg_error_nomem(err);
	/* a digest names the same bytes for ever; a tag moves, and only offline is its record trusted */
	if ((by_digest || s->cache->offline) && cached_doc(desc, s, *key, by_digest ? &d : NULL, body))
		return 1;
	return s->cache->offline ? not_cached(s, *key, err) : 0;
}

static int cache_manifest_get(struct wpkg_store *s, const char *reference, struct wpkg_buf *body, char **media_type,
			    struct wpkg_digest *digest, struct wpkg_error *err)
{
	struct wpkg_descriptor desc = { 0 };
	char *key = NULL;
	int rc = cached_ref(&desc, &key, s, reference, body, err);

	if (rc > 0) {
		*media_type = desc.media_type;
		*digest = desc.digest;
		rc = 0;
	} else if (rc == 0) {
		rc = s->ops->manifest_get(s, reference, body, media_type, digest, err);
		if (rc == 0) {
			desc.media_type = *media_type;
			desc.digest = *digest;
			desc.size = (int64_t)body->len;
			wpkg_cache_keep_bytes(s->cache, digest, body->data, body->len);
			wpkg_cache_record(s->cache, &s->log, key, &desc);
		}
	}
	free(key);
	return rc;
}

static int cache_manifest_resolve(struct wpkg_descriptor *out, struct wpkg_store *s, const char *reference,
				struct wpkg_error *err)
{
	struct wpkg_buf body = WPKG_BUF_INIT;
	struct wpkg_descriptor desc = { 0 };
	char *key = NULL;
	int rc = cached_ref(&desc, &key, s, reference, &body, err);

	if (rc > 0) {
		*out = desc;
		rc = 0;
	} else if (rc == 0) {
		rc = s->ops->manifest_resolve(out, s, reference, err);
		/* a tag's digest, recorded even before its document is fetched (copy resolves first) */
		if (rc == 0)
			wpkg_cache_record(s->cache, &s->log, key, out);
	}
	wpkg_buf_free(&body);
	free(key);
	return rc;
}

/* "HOST/REPO: blob DIGEST", for the offline miss. Caller frees. */
static char *blob_what(const struct wpkg_store *s, const struct wpkg_digest *d)
{
	char *w = NULL;

	return asprintf(&w, "%s: blob %s", s->name, d->str) < 0 ? NULL : w;
}

static int blob_miss(const struct wpkg_store *s, const struct wpkg_digest *d, struct wpkg_error *err)
{
	char *what = blob_what(s, d);
	int rc = what == NULL ? wpkg_error_nomem(err) : not_cached(s, what, err);

	free(what);
	return rc;
}

int wpkg_cache_blob_get_file(struct wpkg_store *s, const struct wpkg_digest *d, uint64_t size, int fd,
			     const char *path, struct wpkg_error *err)
{
	off_t pos, end;
	int rc;

	if (s->cache == NULL)
		return s->ops->blob_get(s, d, size, fd, err);
	rc = wpkg_cache_serve(s->cache, &s->log, d, size, fd);
	if (rc != 0)
		return rc > 0 ? 0 : wpkg_error_set(err, WPKG_E_IO, "write %s: %s", d->str, strerror(errno));
	if (s->cache->offline)
		return blob_miss(s, d, err);
	pos = lseek(fd, 0, SEEK_CUR);
	rc = s->ops->blob_get(s, d, size, fd, err);
	/* only a seekable output can be read back into the cache */
	if (rc == 0 && pos >= 0 && (end = lseek(fd, 0, SEEK_CUR)) >= pos)
		wpkg_cache_keep_fd(s->cache, d, (uint64_t)(end - pos), fd, pos, path);
	return rc;
}

int wpkg_cache_blob_get(struct wpkg_store *s, const struct wpkg_digest *d, uint64_t size, int fd,
			struct wpkg_error *err)
{
	return wpkg_cache_blob_get_file(s, d, size, fd, NULL, err);
}

static int cache_blob_get_buf(struct wpkg_store *s, const struct wpkg_digest *d, size_t max, struct wpkg_buf *out,
			    struct wpkg_error *err)
{
	int rc;

	if (wpkg_cache_read(s->cache, &s->log, d, max, out))
		return 0;
	if (s->cache->offline)
		return blob_miss(s, d, err);
	rc = s->ops->blob_get_buf(s, d, max, out, err);
	if (rc == 0)
		wpkg_cache_keep_bytes(s->cache, d, out->data, out->len);
	return rc;
}

static const struct wpkg_store_ops front = {
	.name = "cache",
	.manifest_get = cache_manifest_get,
	.manifest_resolve = cache_manifest_resolve,
	.blob_get = wpkg_cache_blob_get,
	.blob_get_buf = cache_blob_get_buf,
};

int wpkg_cache_attach(struct wpkg_store *s, const struct wpkg_store_opts *opts, struct wpkg_error *err)
{
	bool on = !opts->no_cache && (opts->cache_dir != NULL || opts->wkg_cache_dir != NULL);
	int rc;

	if (!on && !opts->offline)
		return 0;
	rc = wpkg_cache_open(&s->cache, on ? opts->cache_dir : NULL, on ? opts->wkg_cache_dir : NULL, opts->offline,
			     err);
	if (rc == 0)
		s->front = &front;
	return rc;
}

void wpkg_cache_detach(struct wpkg_store *s)
{
	wpkg_cache_close(s->cache);
	s->cache = NULL;
	s->front = NULL;
}

struct wpkg_cache_tee *wpkg_cache_tee_store(struct wpkg_store *s, const struct wpkg_digest *d)
{
	return s->cache != NULL ? wpkg_cache_tee_open(s->cache, d) : NULL;
}
