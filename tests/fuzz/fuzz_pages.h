/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_pages.h - a fuzz input read as the answers of a paginated listing: pages of header block + body. */
#ifndef WPKG_FUZZ_PAGES_H
#define WPKG_FUZZ_PAGES_H

#include <stdlib.h>
#include <string.h>

#include "../../src/libwpkg/http_internal.h"

/*
 * The input is pages separated by FUZZ_PAGE_SEP; each page is its header
 * lines as curl hands them over (CRLF), an empty line, then its body (no
 * empty line: a body without headers).  The seeds (gen-seeds.py) write real answers in this form.
 */
#define FUZZ_PAGE_SEP "\n--page--\n"
#define FUZZ_PAGES_MAX 8

struct fuzz_page {
	const char *headers, *body;
	size_t headers_len, body_len;
};

static const char *fuzz_find(const char *p, size_t n, const char *what)
{
	size_t w = strlen(what);

	for (size_t i = 0; n >= w && i <= n - w; i++)
		if (memcmp(p + i, what, w) == 0)
			return p + i;
	return NULL;
}

/* Splits data into at most FUZZ_PAGES_MAX pages; returns how many. */
static size_t fuzz_pages_split(const uint8_t *data, size_t size, struct fuzz_page *pages)
{
	const char *p = (const char *)data, *end = p + size;
	size_t n = 0;

	while (n < FUZZ_PAGES_MAX) {
		const char *sep = fuzz_find(p, (size_t)(end - p), FUZZ_PAGE_SEP);
		const char *stop = sep != NULL ? sep : end;
		/* the empty line ends the header block, in curl's CRLF form or a bare LF */
		const char *crlf = fuzz_find(p, (size_t)(stop - p), "\n\r\n");
		const char *lf = fuzz_find(p, (size_t)(stop - p), "\n\n");
		const char *blank = crlf != NULL && (lf == NULL || crlf < lf) ? crlf : lf;

		pages[n].headers = p;
		pages[n].headers_len = blank != NULL ? (size_t)(blank - p) + 1 : 0;
		pages[n].body = blank == NULL ? p : blank == crlf ? blank + 3 : blank + 2;
		pages[n].body_len = (size_t)(stop - pages[n].body);
		n++;
		if (sep == NULL)
			break;
		p = sep + strlen(FUZZ_PAGE_SEP);
	}
	return n;
}

/* The answer to GET url as the transfer code leaves it: status 200, headers and body NUL-terminated. */
static void fuzz_page_resp(struct wpkg_http_resp *resp, const struct fuzz_page *pg, const char *url)
{
	memset(resp, 0, sizeof(*resp));
	resp->status = 200;
	wpkg_buf_init(&resp->headers);
	wpkg_buf_init(&resp->body);
	if (wpkg_buf_put(&resp->headers, pg->headers, pg->headers_len) < 0 ||
	    wpkg_buf_put(&resp->body, pg->body, pg->body_len) < 0 || (resp->url = strdup(url)) == NULL)
		abort();
}

/* A URL the pager may hand to curl: absolute http(s), no byte that could end a header or a request line. */
static int fuzz_url_sane(const char *url)
{
	if (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0)
		return 0;
	for (const unsigned char *c = (const unsigned char *)url; *c; c++)
		if (*c <= 0x20 || *c >= 0x7f)
			return 0;
	return 1;
}

#endif
