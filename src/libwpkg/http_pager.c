/* SPDX-License-Identifier: Apache-2.0 */
/* http_pager.c - the one Link paginator: tags and referrers lists walk their pages through it. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "http_pager.h"

int wpkg_pager_init(struct wpkg_pager *p, char *first_url, size_t max_pages, struct wpkg_error *err)
{
	memset(p, 0, sizeof(*p));
	if (first_url == NULL)
		return wpkg_error_nomem(err);
	p->url = first_url;
	p->max_pages = max_pages;
	return 0;
}

const char *wpkg_pager_url(const struct wpkg_pager *p)
{
	return p->url;
}

/*
 * The absolute URL of resp's rel="next" Link (*out NULL when there is none);
 * WPKG_E_PROTOCOL when the target is not a valid URL.  Caller frees.
 */
static int next_page(char **out, const struct wpkg_http_resp *resp, struct wpkg_error *err)
{
	char *link = wpkg_http_header(&resp->headers, "Link", 0);
	char *next = link ? wpkg_http_link_next(link) : NULL;
	char *url = NULL;
	int rc = 0;

	*out = NULL;
	if (next != NULL && !wpkg_url_chars_ok(next))
		rc = wpkg_error_set(err, WPKG_E_PROTOCOL, "GET %s: the Link header's next page is not a valid URL; "
				    "refusing the answer", resp->url);
	else if (next != NULL && (url = wpkg_url_resolve(resp->url, next)) == NULL)
		rc = wpkg_error_set(err, WPKG_E_PROTOCOL, "GET %s: the Link header's next page cannot be resolved; "
				    "refusing the answer", resp->url);
	if (rc == 0)
		*out = url;
	free(link);
	free(next);
	return rc;
}

static bool visited(const struct wpkg_pager *p, const char *url)
{
	size_t i;

	for (i = 0; i < p->n_visited; i++)
		if (strcmp(p->visited[i], url) == 0)
			return true;
	return false;
}

int wpkg_pager_advance(struct wpkg_pager *p, const struct wpkg_http_resp *resp, struct wpkg_error *err)
{
	char **v, *url;
	int rc;

	if (p->url == NULL)
		return 0;
	v = realloc(p->visited, (p->n_visited + 1) * sizeof(*v));
	if (v == NULL)
		return wpkg_error_nomem(err);
	p->visited = v;
	p->visited[p->n_visited++] = p->url;
	p->url = NULL;
	/* a next page that is not a valid URL is refused, never followed */
	rc = next_page(&url, resp, err);
	if (rc < 0)
		return rc;
	/* a registry that serves the same page again would keep us here forever */
	if (url != NULL && (p->n_visited >= p->max_pages || visited(p, url))) {
		p->capped = !visited(p, url);
		free(url);
		url = NULL;
	}
	p->url = url;
	return 0;
}

void wpkg_pager_stop(struct wpkg_pager *p)
{
	free(p->url);
	p->url = NULL;
}

void wpkg_pager_clear(struct wpkg_pager *p)
{
	size_t i;

	for (i = 0; i < p->n_visited; i++)
		free(p->visited[i]);
	free(p->visited);
	free(p->url);
	memset(p, 0, sizeof(*p));
}
