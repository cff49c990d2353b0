/* SPDX-License-Identifier: Apache-2.0 */
/* registry_tags.c - one tags/list page: its tags appended, the listing moved on to its next page or ended. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "registry_tags.h"

/* All pages together: a hostile registry must not be able to fill memory one capped page at a time. */
#define TAGS_TOTAL_MAX ((size_t)64 << 20)

/* Appends the tags of one tags/list page; *count gets how many it had. */
static int add_tags(struct wpkg_tags_list *tl, const struct wpkg_buf *page, const char *url, size_t *count,
		    struct wpkg_error *err)
{
	json_t *doc = json_loadb(page->data, page->len, JSON_REJECT_DUPLICATES, NULL);
	json_t *list = json_object_get(doc, "tags"), *v;
	char **grown;
	size_t i;
	int rc = 0;

	*count = 0;
	if (!json_is_object(doc) || !(json_is_array(list) || json_is_null(list) || list == NULL)) {
		rc = wpkg_error_set(err, WPKG_E_PROTOCOL, "GET %s: the answer is not a tag list", url);
		goto out;
	}
	json_array_foreach(list, i, v) {
		if (!json_is_string(v)) {
			rc = wpkg_error_set(err, WPKG_E_PROTOCOL, "GET %s: a tag that is not a string", url);
			goto out;
		}
		grown = realloc(tl->tags, (tl->n + 1) * sizeof(*grown));
		if (grown == NULL || (grown[tl->n] = strdup(json_string_value(v))) == NULL) {
			if (grown)
				tl->tags = grown;
			rc = wpkg_error_nomem(err);
			goto out;
		}
		tl->tags = grown;
		tl->n++;
		(*count)++;
		free(tl->last);
		tl->last = strdup(json_string_value(v));
	}
out:
	json_decref(doc);
	return rc;
}

int wpkg_tags_list_page(struct wpkg_tags_list *tl, struct wpkg_pager *pg, const struct wpkg_http_resp *resp,
			const char *repo, struct wpkg_error *err)
{
	const char *url = wpkg_pager_url(pg);
	size_t count;
	int rc;

	tl->total += resp->body.len;
	if (tl->total > TAGS_TOTAL_MAX)
		return wpkg_error_set(err, WPKG_E_TOO_LARGE, "tags of %s: more than %zu MiB of tag lists", repo,
				      TAGS_TOTAL_MAX >> 20);
	free(tl->prev_last);
	tl->prev_last = tl->last;
	tl->last = NULL;
	rc = add_tags(tl, &resp->body, url, &count, err);
	if (rc < 0)
		return rc;
	/* an empty page, or the same page again under another URL, would keep us here forever */
	if (count == 0 || (tl->last && tl->prev_last && strcmp(tl->last, tl->prev_last) == 0) ||
	    (tl->limit != 0 && tl->n >= tl->limit)) {
		wpkg_pager_stop(pg);
		return 0;
	}
	return wpkg_pager_advance(pg, resp, err);
}

void wpkg_tags_list_clear(struct wpkg_tags_list *tl)
{
	size_t i;

	for (i = 0; i < tl->n; i++)
		free(tl->tags[i]);
	free(tl->tags);
	free(tl->last);
	free(tl->prev_last);
	memset(tl, 0, sizeof(*tl));
}
