/* SPDX-License-Identifier: Apache-2.0 */
/* http.c - the HTTP client under the registry code: one reused curl handle, own redirects, retries, debug log. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/rand.h>

#include "wpkg_version.h"
#include "blob_pipe.h"
#include "http_internal.h"
#include "log_internal.h"
#include "http_multi.h"

#define DEFAULT_CONNECT_TIMEOUT_S 30L
#define DEFAULT_STALL_TIMEOUT_S 60L
#define DEFAULT_MAX_RETRIES 5u
#define ERROR_BODY_MAX ((size_t)64 << 10)
#define MAX_REDIRECTS 10
#define RETRY_AFTER_CAP_MS 30000L       /* the longest single wait a Retry-After gets */
#define RETRY_WAIT_BUDGET_MS 60000L     /* all waits on 429 (and Retry-After) of one request */
#define RETRY_STALL_BUDGET_MS 120000L   /* no retry after a timeout once this much is spent */
#define ANNOUNCE_WAIT_MS 2000L

struct wpkg_http {
	CURL *curl;
	CURLSH *share;                /* connections, DNS and TLS sessions, shared with concurrent jobs */
	struct wpkg_http_opts opts;   /* its strings point at the copies below */
	struct wpkg_registry_hooks hooks;
	char *ca_copy, *ca_dir_copy, *cert_copy, *key_copy;
	char *cert_origin;            /* the one origin the client certificate goes to (NULL: none) */
};

/* The state of one HTTP exchange (one hop of one attempt). */
struct xfer {
	struct wpkg_http *h;
	const struct wpkg_http_req *req;
	struct wpkg_http_resp *resp;
	const struct wpkg_http_body *body;
	uint64_t body_pos;
	struct wpkg_error *err;
	int abort_rc;                      /* why a callback stopped the transfer */
	uint64_t start_ms;                 /* wpkg_http_now_ms() when the exchange began */
	uint64_t allowed_ms;               /* set when the deadline stopped it */
	CURL *curl;                        /* h->curl, or the concurrent job's own handle */
	char errbuf[CURL_ERROR_SIZE];
};

static const struct wpkg_http_body empty_body = { -1, 0, (const uint8_t *)"", 0, NULL };

static bool is_redirect(long status)
{
	return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

static size_t on_header(char *data, size_t size, size_t n, void *payload)
{
	struct xfer *x = payload;
	size_t len = size * n;

	if (len >= 5 && memcmp(data, "HTTP/", 5) == 0) {
		/* a new answer (after 100 Continue, say): forget the previous one's headers */
		const char *sp = memchr(data, ' ', len);
		x->resp->status = sp ? strtol(sp + 1, NULL, 10) : 0;
		wpkg_buf_clear(&x->resp->headers);
		return len;
	}
	if (len <= 2)
		return len;
	if (wpkg_buf_put(&x->resp->headers, data, len) < 0) {
		x->abort_rc = WPKG_E_NOMEM;
		return 0;
	}
	return len;
}

static bool status_ok(long status)
{
	return status >= 200 && status <= 299;
}

static size_t on_body(char *data, size_t size, size_t n, void *payload)
{
	struct xfer *x = payload;
	size_t len = size * n;
	size_t max;

	if (status_ok(x->resp->status) && x->req->sink) {
		int rc = x->req->sink(x->req->sink_payload, data, len, x->err);
		if (rc == WPKG_HTTP_SINK_PAUSE)
			return CURL_WRITEFUNC_PAUSE;
		if (rc < 0) {
			x->abort_rc = rc;
			return 0;
		}
		x->resp->sunk += len;
		return len;
	}
	if (!status_ok(x->resp->status)) {
		/* error and redirect bodies are only read for their message: keep the start */
		size_t room = ERROR_BODY_MAX - x->resp->body.len;
		if (wpkg_buf_put(&x->resp->body, data, len < room ? len : room) < 0) {
			x->abort_rc = WPKG_E_NOMEM;
			return 0;
		}
		return len;
	}
	max = x->req->max_body ? x->req->max_body : ERROR_BODY_MAX;
	if (len > max - x->resp->body.len) {
		x->abort_rc = wpkg_error_set(x->err, WPKG_E_TOO_LARGE, "answer is larger than %zu bytes", max);
		return 0;
	}
	if (wpkg_buf_put(&x->resp->body, data, len) < 0) {
		x->abort_rc = WPKG_E_NOMEM;
		return 0;
	}
	return len;
}

static size_t on_read(char *out, size_t size, size_t n, void *payload)
{
	struct xfer *x = payload;
	const struct wpkg_http_body *b = x->body;
	uint64_t left = b->len - x->body_pos;
	size_t want = size * n;
	ssize_t got;

	if (want > left)
		want = (size_t)left;
	if (want == 0)
		return 0;
	if (b->pipe != NULL) {
		size_t taken = 0;
		int rc;

		b->pipe->reader = x->curl;
		rc = wpkg_pipe_read(b->pipe, out, want, &taken, x->err);

		if (rc == WPKG_PIPE_WAIT)
			return CURL_READFUNC_PAUSE;
		if (rc < 0) {
			x->abort_rc = rc;
			return CURL_READFUNC_ABORT;
		}
		got = (ssize_t)taken;
	} else if (b->fd >= 0) {
		do
			got = pread(b->fd, out, want, (off_t)(b->offset + x->body_pos));
		while (got < 0 && errno == EINTR);
		if (got <= 0) {
			x->abort_rc = wpkg_error_set(x->err, WPKG_E_IO, "read upload body: %s",
						     got < 0 ? strerror(errno) : "file shrank");
			return CURL_READFUNC_ABORT;
		}
	} else {
		memcpy(out, b->mem + x->body_pos, want);
		got = (ssize_t)want;
	}
	x->body_pos += (uint64_t)got;
	if (x->req->progress_id && x->h->hooks.progress)
		x->h->hooks.progress(x->h->hooks.progress_payload, x->req->progress_id,
				     x->req->progress_base + x->body_pos,
				     x->req->progress_total ? x->req->progress_total : b->len);
	return (size_t)got;
}

static int on_seek(void *payload, curl_off_t offset, int origin)
{
	struct xfer *x = payload;

	if (origin != SEEK_SET || offset < 0 || (uint64_t)offset > x->body->len)
		return CURL_SEEKFUNC_FAIL;
	/* a pipe's bytes are gone once read: only a rewind to where it stands costs nothing */
	if (x->body->pipe != NULL && (uint64_t)offset != x->body_pos)
		return CURL_SEEKFUNC_CANTSEEK;
	x->body_pos = (uint64_t)offset;
	return CURL_SEEKFUNC_OK;
}

/*
 * The deadline of every exchange: a small document (into memory) must be
 * complete within timeout_s; a sized transfer (a sink, an upload) gets
 * timeout_s more for each min_rate bytes per second of its size.  curl's own
 * low-speed limit (1 byte/s) lets a 2 bytes/s drip run for days.
 */
static int on_xferinfo(void *payload, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	struct xfer *x = payload;
	uint64_t size = x->req->sink != NULL && dltotal > 0 ? (uint64_t)dltotal : 0;
	uint64_t allowed;

	if (x->body->len > size)
		size = x->body->len;
	allowed = wpkg_http_allowed_ms(&x->h->opts, size);
	if (wpkg_http_now_ms() - x->start_ms <= allowed)
		return 0;
	x->allowed_ms = allowed;
	return 1;
}

/* Logs one block of header lines, each masked. */
static void log_header_block(const struct wpkg_log_sink *log, char prefix, const char *data, size_t len)
{
	const char *p = data, *end = data + len;
	char line[1024];

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol ? eol : end;

		if (le - p > 1 || (le - p == 1 && *p != '\r')) {
			wpkg_http_mask_header(line, sizeof(line), p, (size_t)(le - p));
			wpkg_log_to(log, WPKG_LOG_DEBUG, "%c %s", prefix, line);
		}
		p = eol ? eol + 1 : end;
	}
}

/* Only headers reach the log: bodies may carry tokens. */
static int on_debug(CURL *c, curl_infotype type, char *data, size_t len, void *payload)
{
	struct xfer *x = payload;

	if (type == CURLINFO_HEADER_OUT)
		log_header_block(&x->h->hooks.log, '>', data, len);
	else if (type == CURLINFO_HEADER_IN)
		log_header_block(&x->h->hooks.log, '<', data, len);
	return 0;
}

/*
 * All curl options in one place.  The handle is reset before every request
 * (curl keeps its connection cache, DNS and TLS sessions across a reset) and
 * set up again from opts and this request.
 */
static int setup_handle(struct xfer *x, const char *url, const char *method, struct curl_slist *headers)
{
	struct wpkg_http *h = x->h;
	const struct wpkg_http_opts *o = &h->opts;
	CURL *c = x->curl;
	CURLcode rc = CURLE_OK;

#define SET(opt, val) do { if (rc == CURLE_OK) rc = curl_easy_setopt(c, opt, val); } while (0)
	curl_easy_reset(c);
	x->errbuf[0] = '\0';
	SET(CURLOPT_ERRORBUFFER, x->errbuf);
	SET(CURLOPT_SHARE, h->share);
	/* over TLS a new transfer waits for the first connection's ALPN to multiplex on it (HTTP/2) */
	SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	SET(CURLOPT_PIPEWAIT, o->plain_http ? 0L : 1L);
	SET(CURLOPT_URL, url);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_USERAGENT, "wpkg/" WPKG_VERSION);
	/* http:// only when asked for; proxies come from the environment (curl's default) */
	SET(CURLOPT_PROTOCOLS_STR, o->plain_http ? "http,https" : "https");
	/* we follow redirects ourselves so Authorization never leaks to another host */
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_CONNECTTIMEOUT, o->connect_timeout_s ? o->connect_timeout_s : DEFAULT_CONNECT_TIMEOUT_S);
	SET(CURLOPT_LOW_SPEED_LIMIT, 1L);
	SET(CURLOPT_LOW_SPEED_TIME, o->stall_timeout_s ? o->stall_timeout_s : DEFAULT_STALL_TIMEOUT_S);
	SET(CURLOPT_TCP_KEEPALIVE, 1L);
	/*
	 * Buffer sizes are only a speed hint (curl refuses a change while it
	 * holds a buffer, which is fine).  Many transfers at once share the
	 * bandwidth, so each gets smaller buffers and peak memory stays flat.
	 */
	(void)curl_easy_setopt(c, CURLOPT_BUFFERSIZE, wpkg_multi_slots() > 2 ? 64L * 1024 : 256L * 1024);
	(void)curl_easy_setopt(c, CURLOPT_UPLOAD_BUFFERSIZE, wpkg_multi_slots() > 2 ? 128L * 1024 : 512L * 1024);
	SET(CURLOPT_SSL_VERIFYPEER, o->insecure ? 0L : 1L);
	SET(CURLOPT_SSL_VERIFYHOST, o->insecure ? 0L : 2L);
	if (o->ca_file)
		SET(CURLOPT_CAINFO, o->ca_file);
	if (o->ca_dir)
		SET(CURLOPT_CAPATH, o->ca_dir);
	/* CURLOPT_SSLCERT is the origin's; a proxy would need CURLOPT_PROXY_SSLCERT, which is never set */
	if (o->cert_file && h->cert_origin && wpkg_url_same_origin(url, h->cert_origin)) {
		SET(CURLOPT_SSLCERT, o->cert_file);
		SET(CURLOPT_SSLKEY, o->key_file ? o->key_file : o->cert_file);
	}
	SET(CURLOPT_HEADERFUNCTION, on_header);
	SET(CURLOPT_HEADERDATA, x);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, x);
	SET(CURLOPT_HTTPHEADER, headers);
	SET(CURLOPT_XFERINFOFUNCTION, on_xferinfo);
	SET(CURLOPT_XFERINFODATA, x);
	SET(CURLOPT_NOPROGRESS, 0L);
	if (wpkg_log_on(&h->hooks.log, WPKG_LOG_DEBUG)) {
		SET(CURLOPT_DEBUGFUNCTION, on_debug);
		SET(CURLOPT_DEBUGDATA, x);
		SET(CURLOPT_VERBOSE, 1L);
	}
	if (strcmp(method, "HEAD") == 0) {
		SET(CURLOPT_NOBODY, 1L);
	} else if (strcmp(method, "GET") == 0) {
		SET(CURLOPT_HTTPGET, 1L);
	} else if (strcmp(method, "DELETE") == 0) {
		SET(CURLOPT_CUSTOMREQUEST, method);
	} else {
		/* POST, PUT, PATCH: always a sized, replayable body (maybe empty) */
		SET(CURLOPT_UPLOAD, 1L);
		SET(CURLOPT_CUSTOMREQUEST, method);
		SET(CURLOPT_INFILESIZE_LARGE, (curl_off_t)x->body->len);
		SET(CURLOPT_READFUNCTION, on_read);
		SET(CURLOPT_READDATA, x);
		SET(CURLOPT_SEEKFUNCTION, on_seek);
		SET(CURLOPT_SEEKDATA, x);
	}
#undef SET
	return rc == CURLE_OK ? 0 : wpkg_error_set(x->err, WPKG_E_NETWORK, "set up HTTP request: %s",
						    curl_easy_strerror(rc));
}

static int add_header(struct curl_slist **list, const char *line)
{
	struct curl_slist *l = curl_slist_append(*list, line);

	if (l == NULL)
		return WPKG_E_NOMEM;
	*list = l;
	return 0;
}

static int build_headers(struct curl_slist **out, const struct wpkg_http_req *req, const char *auth)
{
	struct curl_slist *list = NULL;
	char *line = NULL;
	size_t i;
	int rc = 0;

	/* no 100-continue round trip: bodies are replayable and simple servers do not answer it */
	rc = add_header(&list, "Expect:");
	if (rc == 0 && auth) {
		if (asprintf(&line, "Authorization: %s", auth) < 0)
			rc = WPKG_E_NOMEM;
		else
			rc = add_header(&list, line);
	}
	for (i = 0; rc == 0 && req->headers && req->headers[i]; i++)
		rc = add_header(&list, req->headers[i]);
	if (line) {
		explicit_bzero(line, strlen(line));
		free(line);
	}
	if (rc < 0) {
		curl_slist_free_all(list);
		return rc;
	}
	*out = list;
	return 0;
}

static void resp_reset(struct wpkg_http_resp *resp)
{
	resp->status = 0;
	wpkg_buf_clear(&resp->headers);
	wpkg_buf_clear(&resp->body);
	resp->sunk = 0;
	resp->peer_plain_http = false;
}

/*
 * What OpenSSL says when the first "record" of the handshake is an HTTP
 * answer ("HTTP/1.1 400"): 1.1 and 3.0 "wrong version number", some builds
 * "packet length too long", 3.2+ "record layer failure".
 */
static bool tls_saw_plain_http(CURLcode cc, const char *url, const char *msg)
{
	return cc == CURLE_SSL_CONNECT_ERROR && strncasecmp(url, "https://", 8) == 0 &&
	       (strstr(msg, "wrong version number") || strstr(msg, "packet length too long") ||
		strstr(msg, "record layer failure"));
}

/*
 * The server's TLS alert when it wants a client certificate it did not get
 * ("certificate required", TLS 1.3) or cannot accept ("bad certificate",
 * "unknown ca"), or a CA of the server's own we do not trust: the fix, said
 * after OpenSSL's words.
 */
static const char *client_cert_hint(const char *msg, const char *url, bool have_cert)
{
	bool tls = strncasecmp(url, "https://", 8) == 0;

	if (strstr(msg, "alert certificate required") || (!have_cert && strstr(msg, "alert bad certificate")))
		return " (the registry requires a client certificate: pass --cert-file and --key-file, or put "
		       "client.cert and client.key in ~/.docker/certs.d/HOST/)";
	/* a registry refusing a missing certificate may just drop or reset the connection after the TLS 1.3
	 * handshake, before its alert is read */
	if (tls && !have_cert &&
	    (strstr(msg, "getpeername() failed") || strstr(msg, "failure: Connection reset by peer") ||
	     strstr(msg, "Send failure: Broken pipe") || strstr(msg, "was not closed cleanly")))
		return " (the connection broke after the TLS handshake: if the registry requires a client "
		       "certificate, pass --cert-file and --key-file, or put client.cert and client.key in "
		       "~/.docker/certs.d/HOST/)";
	if (strstr(msg, "SSL certificate problem: unable to get local issuer certificate") ||
	    strstr(msg, "SSL certificate problem: self-signed certificate") ||
	    strstr(msg, "SSL certificate problem: self signed certificate"))
		return " (pass --ca-file with the registry's CA certificate, or put it in ~/.docker/certs.d/HOST/ca.crt)";
	if (have_cert && (strstr(msg, "alert bad certificate") || strstr(msg, "alert unknown ca") ||
			  strstr(msg, "alert certificate expired")))
		return " (the registry refused the client certificate of --cert-file: check that it is signed by a CA "
		       "the registry trusts and not expired)";
	return "";
}

/* One request on the wire. *cc receives curl's result for the retry decision. */
static int exchange(struct wpkg_http *h, const struct wpkg_http_req *req, const char *url, const char *method,
		    const struct wpkg_http_body *body, const char *auth, struct wpkg_http_resp *resp,
		    CURLcode *cc, struct wpkg_error *err)
{
	struct xfer x = { h, req, resp, body ? body : &empty_body, 0, err, 0, wpkg_http_now_ms(), 0, NULL, "" };
	struct curl_slist *headers = NULL;
	char *shown = NULL;
	int rc;

	*cc = CURLE_OK;
	x.curl = wpkg_multi_easy() ? wpkg_multi_easy() : h->curl;
	resp_reset(resp);
	rc = build_headers(&headers, req, auth);
	if (rc < 0)
		goto out;
	rc = setup_handle(&x, url, method, headers);
	if (rc < 0)
		goto out;
	if (wpkg_log_on(&h->hooks.log, WPKG_LOG_DEBUG)) {
		/* a storage host's pre-signed URL carries its credential in the query */
		shown = wpkg_url_strip_query(url);
		wpkg_log_to(&h->hooks.log, WPKG_LOG_DEBUG, "* %s %s%s", method, shown ? shown : "(url)",
			    strchr(url, '?') ? "?***" : "");
		free(shown);
		shown = NULL;
	}
	*cc = wpkg_multi_perform(x.curl, method);
	if (*cc == CURLE_OK) {
		long status = 0;
		curl_easy_getinfo(x.curl, CURLINFO_RESPONSE_CODE, &status);
		resp->status = status;
		goto out;
	}
	if (x.allowed_ms != 0) {
		/* retried like a timeout curl itself noticed */
		*cc = CURLE_OPERATION_TIMEDOUT;
		shown = wpkg_url_strip_query(url);
		rc = wpkg_error_set(err, WPKG_E_NETWORK, "%s %s: no complete answer within %llu s (see --timeout and "
				    "--min-rate)", method, shown ? shown : url,
				    (unsigned long long)(x.allowed_ms + 999) / 1000);
		goto out;
	}
	if (x.abort_rc < 0) {
		rc = x.abort_rc == WPKG_E_NOMEM ? wpkg_error_nomem(err) : x.abort_rc;
		goto out;
	}
	resp->peer_plain_http = tls_saw_plain_http(*cc, url, x.errbuf);
	shown = wpkg_url_strip_query(url);
	rc = wpkg_error_set(err, WPKG_E_NETWORK, "%s %s: %s%s", method, shown ? shown : url,
			    x.errbuf[0] ? x.errbuf : *cc == CURLE_ABORTED_BY_CALLBACK && wpkg_multi_cancelled() ?
			    "cancelled (another transfer failed)" : curl_easy_strerror(*cc),
			    client_cert_hint(x.errbuf, url, h->opts.cert_file != NULL));
out:
	free(shown);
	curl_slist_free_all(headers);
	return rc;
}

/* One attempt: the request and the redirects it leads to. */
static int attempt(struct wpkg_http *h, const struct wpkg_http_req *req, struct wpkg_http_resp *resp,
		   CURLcode *cc, struct wpkg_error *err)
{
	const struct wpkg_http_body *body = req->body;
	const char *method = req->method;
	const char *auth = req->authorization;
	char *url = strdup(req->url), *loc = NULL, *next = NULL;
	int hops, rc;

	if (url == NULL)
		return wpkg_error_nomem(err);
	for (hops = 0;; hops++) {
		rc = exchange(h, req, url, method, body, auth, resp, cc, err);
		if (rc < 0 || !is_redirect(resp->status))
			break;
		loc = wpkg_http_header(&resp->headers, "Location", 0);
		if (loc == NULL)
			break;
		if (hops == MAX_REDIRECTS) {
			rc = wpkg_error_set(err, WPKG_E_PROTOCOL, "%s %s: more than %d redirects", req->method,
					    req->url, MAX_REDIRECTS);
			break;
		}
		next = wpkg_url_resolve(url, loc);
		if (next == NULL || (strncasecmp(next, "https://", 8) != 0 &&
				     !(h->opts.plain_http && strncasecmp(next, "http://", 7) == 0))) {
			char *shown = wpkg_url_strip_query(loc);
			rc = wpkg_error_set(err, WPKG_E_PROTOCOL, "%s %s: refusing redirect to \"%s\"%s", method,
					    url, shown ? shown : "?", next && strncasecmp(next, "http://", 7) == 0 ?
					    " (plain HTTP needs --plain-http)" : "");
			free(shown);
			break;
		}
		if (body != NULL && strcmp(method, "POST") == 0 && !wpkg_url_same_origin(url, next) &&
		    resp->status != 303) {
			/* a POSTed form is a token request, its body a refresh token or password: never resent elsewhere */
			char *shown = wpkg_url_strip_query(next);
			rc = wpkg_error_set(err, WPKG_E_PROTOCOL, "%s %s: refusing to resend the request body to another host (%s)",
					    method, url, shown ? shown : "?");
			free(shown);
			break;
		}
		if (auth && !wpkg_url_same_origin(url, next)) {
			wpkg_log_to(&h->hooks.log, WPKG_LOG_DEBUG, "* redirect to another host: Authorization dropped");
			auth = NULL;
		}
		if (resp->status == 303 && strcmp(method, "HEAD") != 0) {
			method = "GET";
			body = NULL;
		}
		free(url);
		free(loc);
		url = next;
		loc = next = NULL;
	}
	if (rc == 0) {
		resp->url = url;
		url = NULL;
	}
	free(url);
	free(loc);
	free(next);
	return rc;
}

static bool curl_retryable(CURLcode cc)
{
	switch (cc) {
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_GOT_NOTHING:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return true;
	default:
		return false;
	}
}

int wpkg_http_perform(struct wpkg_http *h, const struct wpkg_http_req *req, struct wpkg_http_resp *resp,
		      struct wpkg_error *err)
{
	unsigned max = wpkg_http_max_retries(h), n;
	uint64_t start = wpkg_http_now_ms();
	long waited = 0;
	int rc;

	/* callers may hand over a zero-initialised response */
	if (resp->headers.data == NULL)
		wpkg_buf_init(&resp->headers);
	if (resp->body.data == NULL)
		wpkg_buf_init(&resp->body);
	for (n = 0;; n++) {
		CURLcode cc = CURLE_OK;
		long wait_ms = -1;
		bool again;

		free(resp->url);
		resp->url = NULL;
		rc = attempt(h, req, resp, &cc, err);
		if (rc < 0)
			again = cc != CURLE_OK && curl_retryable(cc) && resp->sunk == 0;
		else
			again = wpkg_http_status_retryable(resp->status);
		if (!again || req->no_retry || n >= max)
			break;
		if (rc == 0) {
			char *ra = wpkg_http_header(&resp->headers, "Retry-After", 0);
			/* uncapped first: a wait beyond the budget is not worth starting */
			long asked = wpkg_http_retry_after_ms(ra, time(NULL), 10 * RETRY_WAIT_BUDGET_MS);

			wait_ms = asked > RETRY_AFTER_CAP_MS ? RETRY_AFTER_CAP_MS : asked;
			if (asked > RETRY_WAIT_BUDGET_MS - waited) {
				wpkg_log_to(&h->hooks.log, WPKG_LOG_DEBUG, "* %s %s: %ld, Retry-After %s: beyond the wait budget of %ld s",
					 req->method, req->url, resp->status, ra, RETRY_WAIT_BUDGET_MS / 1000);
				free(ra);
				break;
			}
			if (wait_ms > ANNOUNCE_WAIT_MS)
				wpkg_log_to(&h->hooks.log, WPKG_LOG_INFO, "waiting %ld s: the registry answered %ld, Retry-After %s%s",
					 wait_ms / 1000, resp->status, ra, asked > wait_ms ? " capped" : "");
			free(ra);
			wpkg_log_to(&h->hooks.log, WPKG_LOG_DEBUG, "* %s %s: %ld, retrying", req->method, req->url,
				    resp->status);
		} else {
			/* a stall costs a whole deadline per try: stop before the next one would pass the budget */
			if (cc == CURLE_OPERATION_TIMEDOUT &&
			    wpkg_http_now_ms() - start + wpkg_http_allowed_ms(&h->opts, 0) > RETRY_STALL_BUDGET_MS)
				break;
			wpkg_log_to(&h->hooks.log, WPKG_LOG_DEBUG, "* %s, retrying",
				    err ? err->msg : "transfer failed");
		}
		if (wait_ms >= 0)
			waited += wait_ms;
		wpkg_http_backoff(n, wait_ms);
	}
	return rc;
}

void wpkg_http_backoff(unsigned attempt_no, long retry_after_ms)
{
	unsigned char r[2] = { 0, 0 };
	long ms;

	if (retry_after_ms >= 0) {
		ms = retry_after_ms;
	} else {
		/* jitter needs no cryptographic strength, but RAND_bytes is at hand and never repeats across processes */
		if (RAND_bytes(r, sizeof(r)) != 1)
			r[0] = r[1] = 0x80;
		ms = wpkg_http_backoff_ms(attempt_no, (double)(r[0] << 8 | r[1]) / 65536.0);
	}
	/* inside a concurrent batch the other transfers go on meanwhile */
	wpkg_multi_sleep(ms);
}

void wpkg_http_resp_free(struct wpkg_http_resp *resp)
{
	wpkg_buf_free(&resp->headers);
	wpkg_buf_free(&resp->body);
	free(resp->url);
	resp->url = NULL;
	resp->status = 0;
	resp->sunk = 0;
}

unsigned wpkg_http_max_retries(const struct wpkg_http *h)
{
	if (h->opts.no_retries)
		return 0;
	return h->opts.max_retries ? h->opts.max_retries : DEFAULT_MAX_RETRIES;
}

void wpkg_http_allow_plain(struct wpkg_http *h)
{
	h->opts.plain_http = true;
}

const struct wpkg_http_opts *wpkg_http_get_opts(const struct wpkg_http *h)
{
	return &h->opts;
}

/* *out = a copy of s (NULL stays NULL); -1 when out of memory. */
static int dup_opt(char **out, const char *s)
{
	*out = s ? strdup(s) : NULL;
	return s && *out == NULL ? -1 : 0;
}

int wpkg_http_set_cert_origin(struct wpkg_http *h, const char *origin)
{
	char *o = strdup(origin);

	if (o == NULL)
		return WPKG_E_NOMEM;
	free(h->cert_origin);
	h->cert_origin = o;
	return 0;
}

int wpkg_http_new(struct wpkg_http **out, const struct wpkg_http_opts *opts, const struct wpkg_registry_hooks *hooks,
		  struct wpkg_error *err)
{
	struct wpkg_http *h = NULL;
	int rc = WPKG_E_NOMEM;

	/* curl's global state is wpkg_global_init's (global.c) */
	h = calloc(1, sizeof(*h));
	if (h == NULL)
		goto fail;
	if (opts)
		h->opts = *opts;
	if (hooks)
		h->hooks = *hooks;
	if (opts && (dup_opt(&h->ca_copy, opts->ca_file) < 0 || dup_opt(&h->ca_dir_copy, opts->ca_dir) < 0 ||
		     dup_opt(&h->cert_copy, opts->cert_file) < 0 || dup_opt(&h->key_copy, opts->key_file) < 0))
		goto fail;
	h->opts.ca_file = h->ca_copy;
	h->opts.ca_dir = h->ca_dir_copy;
	h->opts.cert_file = h->cert_copy;
	h->opts.key_file = h->key_copy;
	h->curl = curl_easy_init();
	h->share = curl_share_init();
	if (h->curl == NULL || h->share == NULL)
		goto fail;
	if (curl_share_setopt(h->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT) != CURLSHE_OK ||
	    curl_share_setopt(h->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) != CURLSHE_OK ||
	    curl_share_setopt(h->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION) != CURLSHE_OK)
		goto fail;
	*out = h;
	return 0;
fail:
	wpkg_http_free(h);
	return wpkg_error_set(err, rc, "cannot create an HTTP client");
}

void wpkg_http_free(struct wpkg_http *h)
{
	if (h == NULL)
		return;
	if (h->curl)
		curl_easy_cleanup(h->curl);
	/* the share goes last: the handle above used it */
	if (h->share)
		curl_share_cleanup(h->share);
	free(h->ca_copy);
	free(h->ca_dir_copy);
	free(h->cert_copy);
	free(h->key_copy);
	free(h->cert_origin);
	free(h);
}

const struct wpkg_registry_hooks *wpkg_http_hooks(const struct wpkg_http *h)
{
	return &h->hooks;
}
