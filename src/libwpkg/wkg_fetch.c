/* SPDX-License-Identifier: Apache-2.0 */
/* wkg_fetch.c - the resolver's well-known document GET through the library's HTTP client (capped, verified). */
#include <string.h>

#include "wpkg/wkg_config.h"
#include "http_internal.h"

/* A registry document is small and its host is often not a registry at all: fail fast, do not retry. */
#define WKG_FETCH_CONNECT_S 10
#define WKG_FETCH_STALL_S 10

int wpkg_wkg_fetch_http(void *payload, const char *url, size_t max, struct wpkg_buf *body, long *status,
			struct wpkg_error *err)
{
	const struct wpkg_wkg_http_fetch *f = payload;
	struct wpkg_registry_hooks hooks = { 0 };
	struct wpkg_http_opts opts = { 0 };
	struct wpkg_http_req req = { 0 };
	struct wpkg_http_resp resp = { 0 };
	struct wpkg_http *h = NULL;
	int rc;

	if (f != NULL) {
		opts = f->http;
		hooks.log = f->log;
	}
	/* the URL's scheme decides: the resolver writes http:// only for localhost and 127.0.0.1 */
	opts.plain_http = strncmp(url, "http://", 7) == 0;
	opts.no_retries = true;
	if (opts.connect_timeout_s == 0 || opts.connect_timeout_s > WKG_FETCH_CONNECT_S)
		opts.connect_timeout_s = WKG_FETCH_CONNECT_S;
	if (opts.stall_timeout_s == 0 || opts.stall_timeout_s > WKG_FETCH_STALL_S)
		opts.stall_timeout_s = WKG_FETCH_STALL_S;
	rc = wpkg_http_new(&h, &opts, &hooks, err);
	if (rc < 0)
		return rc;
	req.method = "GET";
	req.url = url;
	req.max_body = max;
	req.no_retry = true;
	rc = wpkg_http_perform(h, &req, &resp, err);
	if (rc == 0) {
		/* resp.body is the library's own buffer: hand its bytes over */
		if (wpkg_buf_put(body, resp.body.data, resp.body.len) < 0)
			rc = wpkg_error_nomem(err);
		else
			*status = resp.status;
	}
	wpkg_http_resp_free(&resp);
	wpkg_http_free(h);
	return rc;
}
