/* SPDX-License-Identifier: Apache-2.0 */
/* http_pager.h - following a paginated listing (tags, referrers) by its Link rel="next" headers. */
#ifndef WPKG_HTTP_PAGER_H
#define WPKG_HTTP_PAGER_H

#include <stdbool.h>
#include <stddef.h>

#include "http_internal.h"

/*
 * The pages of one listing.  It remembers every page it handed out, so a
 * registry that links back to a page it already served cannot keep the
 * client looping, and it stops after max_pages pages.
 */
struct wpkg_pager {
	char *url;          /* the page to fetch now; NULL once the listing is over */
	char **visited;     /* the pages handed out before, owned */
	size_t n_visited;
	size_t max_pages;
	bool capped;        /* the listing went on past max_pages: what was fetched is not all of it */
};

/* Starts at first_url (taken over, also on failure). Returns 0 or WPKG_E_NOMEM. */
int wpkg_pager_init(struct wpkg_pager *p, char *first_url, size_t max_pages, struct wpkg_error *err);

/* The URL of the page to fetch now, or NULL when the listing is over. Borrowed from p. */
const char *wpkg_pager_url(const struct wpkg_pager *p);

/*
 * After the current page was fetched as resp: its Link rel="next", resolved
 * against resp->url, becomes the current page, unless there is none, it was
 * handed out before, or max_pages pages were (then p->capped is set).
 * Returns 0 or WPKG_E_NOMEM.
 */
int wpkg_pager_advance(struct wpkg_pager *p, const struct wpkg_http_resp *resp, struct wpkg_error *err);

/* Ends the listing at the current page (the caller saw it was the last). */
void wpkg_pager_stop(struct wpkg_pager *p);

void wpkg_pager_clear(struct wpkg_pager *p);

#endif
