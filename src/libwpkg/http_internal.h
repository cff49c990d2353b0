/* SPDX-License-Identifier: Apache-2.0 */
/* http_internal.h - libwpkg's HTTP client (one curl handle per registry) and its pure helpers. */
#ifndef WPKG_HTTP_INTERNAL_H
#define WPKG_HTTP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "wpkg/buf.h"
#include "wpkg/error.h"
#include "wpkg/http.h"
#include "registry_hooks.h"

/*
 * A request body that can be sent again (retries, re-authentication): the
 * range [offset, offset + len) of fd, read with pread, or len bytes at mem.
 */
struct wpkg_pipe;

struct wpkg_http_body {
	int fd;                 /* >= 0: stream from this file; < 0: use mem */
	uint64_t offset;
	const uint8_t *mem;
	uint64_t len;
	struct wpkg_pipe *pipe; /* non-NULL: read once, as it arrives, from this pipe (not replayable) */
};

/*
 * Receives the body of a 2xx answer as it arrives.  Returns 0 to go on, a
 * negative WPKG_E_* (with err filled) to abort the transfer, or
 * WPKG_HTTP_SINK_PAUSE having taken nothing: the transfer pauses, and the
 * same bytes come again once it is resumed (wpkg_multi_unpause).
 */
#define WPKG_HTTP_SINK_PAUSE 1
typedef int (*wpkg_http_sink_fn)(void *payload, const void *data, size_t len, struct wpkg_error *err);

struct wpkg_http_req {
	const char *method;           /* GET HEAD PUT POST PATCH DELETE */
	const char *url;
	const char *authorization;    /* "Bearer x", "Basic y" or NULL; never sent to another origin */
	const char *const *headers;   /* extra "Name: value" lines, NULL-terminated, or NULL */
	const struct wpkg_http_body *body;  /* NULL: no body (POST/PUT/PATCH send Content-Length: 0) */
	wpkg_http_sink_fn sink;       /* where 2xx bodies go; NULL: into resp->body */
	void *sink_payload;
	size_t max_body;              /* cap of resp->body; 0: 64 KiB; more gives WPKG_E_TOO_LARGE */
	bool no_retry;                /* the caller recovers by itself (blob uploads) */
	const char *progress_id;      /* report upload progress of body under this id: */
	uint64_t progress_base;       /* ... as progress_base + bytes sent of this body */
	uint64_t progress_total;      /* ... out of this (0: the body's length) */
};

/* May start zero-initialised ({ 0 }): wpkg_http_perform initialises the buffers. */
struct wpkg_auth;

struct wpkg_http_resp {
	long status;                  /* of the final answer (after redirects) */
	struct wpkg_buf headers;      /* its header lines, each ending in "\n" */
	struct wpkg_buf body;         /* its body unless a sink took it (error bodies always land here) */
	char *url;                    /* the URL that gave it (after redirects) */
	uint64_t sunk;                /* bytes handed to the sink in the last attempt */
	const struct wpkg_auth *secrets; /* set by the registry client: masked out of error text shown from it */
	bool peer_plain_http;         /* the TLS handshake failed on a plain-HTTP answer (wrong version number) */
};

struct wpkg_http;

/* opts and hooks (progress, log) are copied; either may be NULL. */
int wpkg_http_new(struct wpkg_http **out, const struct wpkg_http_opts *opts, const struct wpkg_registry_hooks *hooks,
		  struct wpkg_error *err);
void wpkg_http_free(struct wpkg_http *h);

/*
 * Performs req, following redirects itself (Authorization dropped when the
 * origin changes) and retrying 408, 429, 5xx and dropped connections with
 * backoff unless req->no_retry or bytes already reached the sink.  Returns 0
 * when an answer arrived, whatever its status (the caller maps it), or a
 * negative code: WPKG_E_NETWORK for transport failures, the sink's code, ...
 * resp is reset first; release it with wpkg_http_resp_free.
 */
int wpkg_http_perform(struct wpkg_http *h, const struct wpkg_http_req *req, struct wpkg_http_resp *resp,
		      struct wpkg_error *err);
void wpkg_http_resp_free(struct wpkg_http_resp *resp);
/* Sleeps the backoff before retry number attempt (0-based); retry_after_ms > 0 overrides (capped). */
void wpkg_http_backoff(unsigned attempt, long retry_after_ms);
unsigned wpkg_http_max_retries(const struct wpkg_http *h);
const struct wpkg_http_opts *wpkg_http_get_opts(const struct wpkg_http *h);
/* From now on http:// URLs are allowed too (a loopback registry found to speak plain HTTP). */
void wpkg_http_allow_plain(struct wpkg_http *h);
/* The origin ("https://host:port") that alone is offered opts.cert_file; 0 or WPKG_E_NOMEM. */
int wpkg_http_set_cert_origin(struct wpkg_http *h, const char *origin);
/* The client's hooks: progress callback and log sink. */
const struct wpkg_registry_hooks *wpkg_http_hooks(const struct wpkg_http *h);

/* ---- pure helpers (http_util.c), unit tested ---- */

/*
 * The value of the index-th header called name (case-insensitive) in a block
 * of "Name: value\n" lines, trimmed, as a new string; NULL when absent.
 */
char *wpkg_http_header(const struct wpkg_buf *headers, const char *name, size_t index);

/* Resolves ref (absolute, scheme-relative, absolute-path or relative) against base. Caller frees; NULL if invalid. */
char *wpkg_url_resolve(const char *base, const char *ref);
/* True when a and b share scheme, host and port (default ports made explicit). */
bool wpkg_url_same_origin(const char *a, const char *b);
/* Appends "name=value" (value percent-encoded) to url with '?' or '&' as needed. Caller frees. */
char *wpkg_url_add_param(const char *url, const char *name, const char *value);
/* Percent-encodes everything but RFC 3986 unreserved characters into out. */
int wpkg_url_encode(struct wpkg_buf *out, const char *s);
/* The value of query parameter name in url (decoded), or NULL. Caller frees. */
char *wpkg_url_query_param(const char *url, const char *name);
/* url without its query and fragment, for messages. Caller frees. */
char *wpkg_url_strip_query(const char *url);

/* The target of the rel="next" link in a Link header value, or NULL. Caller frees. */
char *wpkg_http_link_next(const char *value);

/* ---- server values checked before they go into a request (http_check.c), unit tested ---- */

/* A monotonic clock in milliseconds. */
uint64_t wpkg_http_now_ms(void);
/* How long an exchange moving size bytes may take under opts' --timeout and --min-rate (defaults filled in). */
uint64_t wpkg_http_allowed_ms(const struct wpkg_http_opts *opts, uint64_t size);

/* True when s is an RFC 7235 token68, the only thing a Bearer header may carry (no CR, LF, space...). */
bool wpkg_http_token68_ok(const char *s);
/* True when s has only the characters RFC 3986 allows in a URL (no controls, spaces or non-ASCII). */
bool wpkg_url_chars_ok(const char *s);

/*
 * Retry-After as milliseconds to wait: delay-seconds or an HTTP-date
 * (relative to now), capped at cap_ms; -1 when absent or unparsable.
 */
long wpkg_http_retry_after_ms(const char *value, time_t now, long cap_ms);

/* The backoff before retry number attempt: exponential, capped, jittered with jitter in [0,1). */
long wpkg_http_backoff_ms(unsigned attempt, double jitter);

/* True for the statuses worth retrying: 408, 429 and 5xx except 501 and 505. */
bool wpkg_http_status_retryable(long status);

/*
 * Copies a header line for the debug log, masking credentials: the value of
 * Authorization and Proxy-Authorization keeps its scheme ("Bearer ***"),
 * Cookie / Set-Cookie and anything named like a token or secret become "***".
 */
void wpkg_http_mask_header(char *out, size_t out_size, const char *line, size_t len);

/*
 * True for a loopback registry host ("HOST" or "HOST:PORT"): localhost,
 * *.localhost, 127.0.0.0/8, ::1 (bracketed with a port).
 */
bool wpkg_host_is_loopback(const char *hostport);

/* True for a 400 body an HTTPS server sends to a plain-HTTP request (Go net/http, nginx). */
bool wpkg_http_body_says_tls_port(const struct wpkg_buf *body);

/* A short reason phrase for a status ("not found"); "" for unknown ones. */
const char *wpkg_http_reason(long status);

#endif
