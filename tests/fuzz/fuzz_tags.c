/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_tags.c - libFuzzer target: tag-list pages (JSON body + Link header) through the pager wpkg tags uses. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../../src/libwpkg/registry_tags.h"

#include "fuzz_pages.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A small page cap, so that the cap itself is reached too. */
#define FUZZ_TAGS_PAGES 5

/* An independent count: the strings in the page's "tags" array (-1: not a tag list). */
static long count_tags(const struct fuzz_page *pg)
{
	json_t *doc = json_loadb(pg->body, pg->body_len, JSON_REJECT_DUPLICATES, NULL), *v;
	json_t *list = json_object_get(doc, "tags");
	long n = json_is_object(doc) && (list == NULL || json_is_null(list) || json_is_array(list)) ? 0 : -1;
	size_t i;

	json_array_foreach(list, i, v)
		n = n >= 0 && json_is_string(v) ? n + 1 : -1;
	json_decref(doc);
	return n;
}

static void check_error(const struct wpkg_error *err, int rc)
{
	if (err->code != rc || err->msg[0] == '\0' || strchr(err->msg, '\n') != NULL || strchr(err->msg, '\r') != NULL)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_page pages[FUZZ_PAGES_MAX];
	struct wpkg_tags_list tl = { 0 };
	struct wpkg_pager pg = { 0 };
	struct wpkg_error err;
	char *seen[FUZZ_PAGES_MAX];
	size_t n = fuzz_pages_split(data, size, pages), i, k, served = 0;
	long want = 0, got;
	int rc = 0;

	if (wpkg_pager_init(&pg, strdup("https://r.example/v2/a/b/tags/list?n=1000"), FUZZ_TAGS_PAGES, &err) < 0)
		abort();
	for (i = 0; i < n && wpkg_pager_url(&pg) != NULL; i++) {
		struct wpkg_http_resp resp;

		/* the pager never hands out a page twice, nor more than its cap, nor a URL unfit for a request */
		if (!fuzz_url_sane(wpkg_pager_url(&pg)) || served >= FUZZ_TAGS_PAGES)
			__builtin_trap();
		for (k = 0; k < served; k++)
			if (strcmp(seen[k], wpkg_pager_url(&pg)) == 0)
				__builtin_trap();
		if ((seen[served++] = strdup(wpkg_pager_url(&pg))) == NULL)
			abort();
		fuzz_page_resp(&resp, &pages[i], wpkg_pager_url(&pg));
		got = count_tags(&pages[i]);
		rc = wpkg_tags_list_page(&tl, &pg, &resp, "a/b", &err);
		wpkg_http_resp_free(&resp);
		if (rc < 0) {
			check_error(&err, rc);
			break;
		}
		/* a page it took is a tag list, and every tag on it was kept */
		if (got < 0)
			__builtin_trap();
		want += got;
	}
	if (rc == 0 && tl.n != (size_t)want)
		__builtin_trap();
	for (i = 0; i < tl.n; i++)
		if (tl.tags[i] == NULL)
			__builtin_trap();
	for (k = 0; k < served; k++)
		free(seen[k]);
	wpkg_tags_list_clear(&tl);
	wpkg_pager_clear(&pg);
	return 0;
}
