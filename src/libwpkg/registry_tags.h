/* SPDX-License-Identifier: Apache-2.0 */
/* registry_tags.h - reading a tag listing page by page (registry.c's tags, and the fuzz target). */
#ifndef WPKG_REGISTRY_TAGS_H
#define WPKG_REGISTRY_TAGS_H

#include <stddef.h>

#include "http_pager.h"

/* The tags read so far, and what tells a page served again. Start zeroed (but for limit); wpkg_tags_list_clear frees. */
struct wpkg_tags_list {
	char **tags;
	size_t n;
	char *last;        /* the last tag of the latest page */
	char *prev_last;   /* and of the page before */
	size_t total;      /* bytes of every page */
	size_t limit;      /* stop once this many tags are in (0: read every page) */
};

/*
 * The page at wpkg_pager_url(pg), answered 200 as resp: its tags appended
 * to tl, then pg moved on to the next page (or ended: an empty page, a page
 * served again, no "next").  Returns 0, or WPKG_E_PROTOCOL (not a tag list,
 * a bad next link), WPKG_E_TOO_LARGE (more than 64 MiB of pages) or
 * WPKG_E_NOMEM, with err naming the page or repo.
 */
int wpkg_tags_list_page(struct wpkg_tags_list *tl, struct wpkg_pager *pg, const struct wpkg_http_resp *resp,
			const char *repo, struct wpkg_error *err);

void wpkg_tags_list_clear(struct wpkg_tags_list *tl);

#endif
