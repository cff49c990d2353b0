/* SPDX-License-Identifier: Apache-2.0 */
/* registry_referrers.h - a referrers-API listing read page by page (registry_referrers.c, and the fuzz target). */
#ifndef WPKG_REGISTRY_REFERRERS_H
#define WPKG_REGISTRY_REFERRERS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "http_pager.h"

/* The pages read so far. */
struct wpkg_referrers_pages {
	json_t *all;            /* every page's manifests */
	struct wpkg_buf first;  /* the first page's body, the answer when it is the only page */
	unsigned pages;
	bool filtered;          /* every page said OCI-Filters-Applied: artifactType */
};

/* filtered: an artifactType filter was asked for. Returns 0 or WPKG_E_NOMEM. */
int wpkg_referrers_pages_init(struct wpkg_referrers_pages *rp, bool filtered, struct wpkg_error *err);

/*
 * The page at wpkg_pager_url(pg), answered 200 as resp (its body may be
 * taken): its manifests kept, then pg moved on by its Link rel="next".
 * Returns 0, or WPKG_E_INVALID/WPKG_E_PROTOCOL (not an image index, a bad
 * next link) or WPKG_E_NOMEM, err naming the page.
 */
int wpkg_referrers_page(struct wpkg_referrers_pages *rp, struct wpkg_pager *pg, struct wpkg_http_resp *resp,
			struct wpkg_error *err);

/* index_body gets the listing: the only page as served, or one index of every page's manifests. */
int wpkg_referrers_pages_finish(struct wpkg_referrers_pages *rp, struct wpkg_buf *index_body, struct wpkg_error *err);

void wpkg_referrers_pages_clear(struct wpkg_referrers_pages *rp);

#endif
