/* SPDX-License-Identifier: Apache-2.0 */
/* store_registry_referrers.c - a registry's referrers: its API, or the distribution spec's sha256-HEX fallback tag. */
#include <stdlib.h>
#include <string.h>

#include "http_internal.h"
#include "store_registry.h"

/* Read-merge-write rounds of the fallback index before giving up on a tag that keeps changing. */
#define ADD_ROUNDS 8
/*
 * How long a written index must survive before we trust it.  A concurrent
 * writer that read the tag before our write and writes after it drops our
 * entry; its read-to-write gap is one round trip, far below this.
 */
#define ADD_SETTLE_MS 250L

int wpkg_referrers_fallback_doc(struct wpkg_index **out, const char *tag, const struct wpkg_buf *body,
				const char *mt, const struct wpkg_digest *d, bool lenient,
				const struct wpkg_log_sink *log, struct wpkg_error *err)
{
	char own[WPKG_REFERRERS_TAG_MAX];
	int rc;

	/*
	 * GitLab resolves a "sha256-HEX" tag as the digest sha256:HEX and so
	 * answers the subject itself: that is no fallback index (never merge the
	 * subject's own entries into its referrers), and one written there could
	 * never be read back.
	 */
	if (wpkg_referrers_tag(own, d->str, NULL) == 0 && strcmp(own, tag) == 0) {
		if (lenient) {
			wpkg_log_to(log, WPKG_LOG_DEBUG, "tag %s answered the subject itself (the registry reads "
				    "it as a digest): no fallback index there", tag);
			return wpkg_referrers_index_new(out, err);
		}
		return wpkg_error_set(err, WPKG_E_UNSUPPORTED, "the registry answers tag %s with the subject "
				      "itself (it reads the tag as a digest), so it cannot list referrers by that "
				      "tag: use a registry with the referrers API", tag);
	}
	if (!wpkg_media_type_is_index(mt))
		rc = wpkg_error_set(err, WPKG_E_INVALID, "tag %s holds a %s, not an image index", tag, mt);
	else if ((rc = wpkg_index_parse(out, body->data, body->len, err)) < 0)
		wpkg_error_wrap(err, "tag %s", tag);
	if (rc < 0 && lenient) {
		/* the spec: a tag that is not a valid index means no referrers */
		wpkg_log_to(log, WPKG_LOG_WARN, "%s; listing no referrers from it", err ? err->msg : tag);
		wpkg_error_clear(err);
		rc = wpkg_referrers_index_new(out, err);
	}
	return rc;
}

/*
 * The index at the fallback tag; a new empty one when the tag does not
 * exist.  Anything else there is an error, or (lenient) no referrers.
 */
static int tag_read(struct wpkg_index **out, struct wpkg_store *s, const char *tag, bool lenient,
		    struct wpkg_error *err)
{
	struct wpkg_buf body = WPKG_BUF_INIT;
	struct wpkg_digest d;
	char *mt = NULL;
	int rc;

	rc = wpkg_registry_manifest_get(wpkg_store_reg(s)->client, s->repo, tag, &body, &mt, &d, err);
	if (rc == WPKG_E_NOT_FOUND) {
		wpkg_error_clear(err);
		rc = wpkg_referrers_index_new(out, err);
	} else if (rc == 0) {
		rc = wpkg_referrers_fallback_doc(out, tag, &body, mt, &d, lenient, &s->log, err);
	}
	wpkg_buf_free(&body);
	free(mt);
	return rc;
}

/* PUT ix under tag (given the OCI index media type when it has none). */
static int tag_write(struct wpkg_store *s, const char *tag, struct wpkg_index *ix, struct wpkg_error *err)
{
	struct wpkg_buf bytes = WPKG_BUF_INIT;
	json_t *doc;
	int rc;

	/* PUT's Content-Type must be the document's mediaType */
	if (ix->media_type == NULL && (ix->media_type = strdup(WPKG_MT_OCI_INDEX)) == NULL)
		return wpkg_error_nomem(err);
	doc = wpkg_index_to_json(ix);
	if (doc == NULL)
		return wpkg_error_nomem(err);
	rc = wpkg_json_dump(&bytes, doc, err);
	if (rc == 0)
		rc = wpkg_registry_manifest_put(wpkg_store_reg(s)->client, s->repo, tag, ix->media_type, bytes.data,
						bytes.len, err);
	json_decref(doc);
	wpkg_buf_free(&bytes);
	return rc;
}

/* Asks the registry (once per store) whether it has the referrers API; index_body gets the listing when it does. */
static int probe_api(struct wpkg_store *s, const struct wpkg_digest *subject, const char *artifact_type,
		     struct wpkg_buf *index_body, bool *filtered, struct wpkg_error *err)
{
	struct wpkg_store_reg *r = wpkg_store_reg(s);
	bool api = false;
	int rc;

	rc = wpkg_registry_referrers(r->client, s->repo, subject, artifact_type, index_body, &api, filtered, err);
	if (rc == 0)
		r->api = api ? REG_API_YES : REG_API_NO;
	return rc;
}

int wpkg_store_reg_referrers_list(struct wpkg_index **out, struct wpkg_store *s, const struct wpkg_digest *subject,
				  const char *artifact_type, bool *filtered, struct wpkg_store_referrers_info *info,
				  struct wpkg_error *err)
{
	struct wpkg_buf body = WPKG_BUF_INIT;
	int rc;

	rc = probe_api(s, subject, artifact_type, &body, filtered, err);
	if (rc < 0)
		goto out;
	info->api = wpkg_store_reg(s)->api == REG_API_YES;
	if (info->api) {
		rc = wpkg_index_parse(out, body.data, body.len, err);
		if (rc < 0)
			wpkg_error_wrap(err, "referrers of %s", subject->str);
		goto out;
	}
	rc = wpkg_referrers_tag(info->tag, subject->str, err);
	if (rc == 0)
		wpkg_log_to(&s->log, WPKG_LOG_DEBUG, "no referrers API; reading tag %s", info->tag);
	if (rc == 0)
		rc = tag_read(out, s, info->tag, true, err);
out:
	wpkg_buf_free(&body);
	return rc;
}

/* Reads the tag again and adds what it lists to known. */
static int reread(struct wpkg_index **cur, struct wpkg_index *known, struct wpkg_store *s, const char *tag,
		  struct wpkg_error *err)
{
	int rc;

	wpkg_index_free(*cur);
	*cur = NULL;
	rc = tag_read(cur, s, tag, false, err);
	if (rc == 0)
		rc = wpkg_referrers_index_merge(known, *cur, err);
	return rc;
}

/*
 * The fallback: every entry this store has seen in the tag (known) plus
 * ours, written, and checked after a pause; merged again while a concurrent
 * writer's older view keeps replacing it.
 */
static int fallback_update(unsigned *rounds, struct wpkg_store *s, const char *tag, const struct wpkg_index *ours,
			   struct wpkg_error *err)
{
	struct wpkg_index *known = NULL, *cur = NULL;
	unsigned n = 0;
	int rc;

	rc = wpkg_referrers_index_new(&known, err);
	if (rc == 0)
		rc = reread(&cur, known, s, tag, err);
	if (rc < 0 || wpkg_referrers_index_covers(cur, ours))
		goto out;
	for (;;) {
		rc = wpkg_referrers_index_merge(cur, known, err);
		if (rc == 0)
			rc = wpkg_referrers_index_merge(cur, ours, err);
		if (rc == 0)
			rc = tag_write(s, tag, cur, err);
		if (rc < 0)
			goto out;
		n++;
		wpkg_http_backoff(0, ADD_SETTLE_MS);
		wpkg_index_free(cur);
		cur = NULL;
		rc = tag_read(&cur, s, tag, false, err);
		if (rc < 0 || (wpkg_referrers_index_covers(cur, ours) && wpkg_referrers_index_covers(cur, known)))
			goto out;
		if (n == ADD_ROUNDS) {
			rc = wpkg_error_set(err, WPKG_E_NETWORK,
					    "concurrent writers kept replacing it; gave up after %u attempts", n);
			goto out;
		}
		wpkg_log_to(&s->log, WPKG_LOG_DEBUG,
			    "referrers tag %s lost an entry to a concurrent writer; merging again", tag);
		rc = wpkg_referrers_index_merge(known, cur, err);
		if (rc < 0)
			goto out;
		wpkg_http_backoff(n - 1, -1);
		rc = reread(&cur, known, s, tag, err);
		if (rc < 0)
			goto out;
	}
out:
	if (rc < 0)
		wpkg_error_wrap(err, "referrers tag %s", tag);
	else
		*rounds = n;
	wpkg_index_free(known);
	wpkg_index_free(cur);
	return rc;
}

int wpkg_store_reg_referrers_add(struct wpkg_store *s, const struct wpkg_digest *subject,
				 const struct wpkg_index *add, struct wpkg_store_referrers_info *info,
				 struct wpkg_error *err)
{
	struct wpkg_store_reg *r = wpkg_store_reg(s);
	struct wpkg_buf body = WPKG_BUF_INIT;
	bool filtered = false;
	int rc = 0;

	/* a push with OCI-Subject has answered already; else one GET of the referrers API tells */
	if (r->api == REG_API_UNKNOWN)
		rc = probe_api(s, subject, NULL, &body, &filtered, err);
	wpkg_buf_free(&body);
	if (rc < 0)
		return rc;
	info->api = r->api == REG_API_YES;
	if (info->api || add->n_manifests == 0)
		return 0;
	rc = wpkg_referrers_tag(info->tag, subject->str, err);
	if (rc == 0)
		rc = fallback_update(&info->rounds, s, info->tag, add, err);
	return rc;
}

/*
 * The distribution spec's "Deleting Manifests": on a registry without the
 * referrers API the client drops the deleted manifest from its subject's
 * fallback tag and pushes that index again (empty if it was the last).  A
 * tag that does not list it is left as it is, and never created.
 */
int wpkg_store_reg_referrers_remove(struct wpkg_store *s, const struct wpkg_digest *subject,
				    const struct wpkg_digest *gone, struct wpkg_error *err)
{
	struct wpkg_buf body = WPKG_BUF_INIT;
	struct wpkg_index *ix = NULL;
	char tag[WPKG_REFERRERS_TAG_MAX] = "";
	bool filtered = false;
	int rc;

	rc = probe_api(s, subject, NULL, &body, &filtered, err);
	if (rc < 0 || wpkg_store_reg(s)->api == REG_API_YES)
		goto out;
	rc = wpkg_referrers_tag(tag, subject->str, err);
	if (rc == 0)
		rc = tag_read(&ix, s, tag, false, err);
	if (rc == WPKG_E_UNSUPPORTED) {
		/* the tag answers the subject itself (tag_read): no index there lists anything */
		wpkg_error_clear(err);
		rc = 0;
		goto out;
	}
	if (rc < 0 || !wpkg_referrers_index_remove(ix, gone))
		goto out;
	rc = tag_write(s, tag, ix, err);
	if (rc == 0)
		wpkg_log_to(&s->log, WPKG_LOG_DEBUG, "referrers tag %s no longer lists %s", tag, gone->str);
out:
	if (rc < 0 && tag[0] != '\0')
		wpkg_error_wrap(err, "referrers tag %s", tag);
	wpkg_index_free(ix);
	wpkg_buf_free(&body);
	return rc;
}
