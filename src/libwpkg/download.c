/* SPDX-License-Identifier: Apache-2.0 */
/* download.c - blob GETs streamed into a file or buffer, hashed on the fly, resumed with Range after drops. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wpkg/fsutil.h"
#include "wpkg/store.h"
#include "blob_pipe.h"
#include "http_multi.h"
#include "registry_internal.h"

/* Where the bytes go: the rest of a file from start, or a buffer. */
struct dl {
	const struct wpkg_digest *want;
	uint64_t limit;            /* more bytes than this is an error */
	bool exact;                /* limit is the blob's size (not just a cap) */
	int fd;                    /* >= 0: write here */
	off_t start;               /* fd's position when we began (-1: not seekable) */
	struct wpkg_buf *buf;      /* fd < 0: append here */
	struct wpkg_pipe *pipe;    /* or pass the bytes on through this, to a PUT */
	struct wpkg_hasher hasher;
	bool hashing;
	uint64_t got;
	bool answer_checked;       /* the current answer's status was looked at */
	const struct wpkg_http_resp *resp;
	const struct wpkg_registry_hooks *hooks;
};

/* Forgets what was received: a server ignored our Range and sends everything again. */
static int dl_restart(struct dl *x, struct wpkg_error *err)
{
	if (x->pipe != NULL)
		return wpkg_error_set(err, WPKG_E_PROTOCOL, "blob %s: the server ignored Range after %llu bytes "
				      "already passed on", x->want->str, (unsigned long long)x->got);
	if (x->fd >= 0) {
		if (x->start < 0 || ftruncate(x->fd, x->start) < 0 || lseek(x->fd, x->start, SEEK_SET) < 0)
			return wpkg_error_set(err, WPKG_E_IO, "blob %s: cannot rewind the output to start again: %s",
					      x->want->str, x->start < 0 ? "not seekable" : strerror(errno));
	} else {
		wpkg_buf_clear(x->buf);
	}
	wpkg_hasher_discard(&x->hasher);
	x->hashing = false;
	x->got = 0;
	if (wpkg_hasher_init(&x->hasher, x->want->alg, err) < 0)
		return err ? err->code : WPKG_E_NOMEM;
	x->hashing = true;
	return 0;
}

/* Checks that a resumed answer continues where we stopped: "Content-Range: bytes GOT-.../...". */
static int dl_check_answer(struct dl *x, struct wpkg_error *err)
{
	char *cr;
	unsigned long long first = 0;
	int rc = 0;

	if (x->got == 0)
		return 0;
	if (x->resp->status == 200) {
		wpkg_log_to(&x->hooks->log, WPKG_LOG_DEBUG, "* blob %s: the server ignored Range, starting again",
			    x->want->str);
		return dl_restart(x, err);
	}
	cr = wpkg_http_header(&x->resp->headers, "Content-Range", 0);
	if (cr == NULL || sscanf(cr, "bytes %llu-", &first) != 1 || first != x->got)
		rc = wpkg_error_set(err, WPKG_E_PROTOCOL, "blob %s: asked for bytes from %llu, got \"%s\"",
				    x->want->str, (unsigned long long)x->got, cr ? cr : "no Content-Range");
	free(cr);
	return rc;
}

static int dl_sink(void *payload, const void *data, size_t len, struct wpkg_error *err)
{
	struct dl *x = payload;
	int rc;

	if (!x->answer_checked) {
		x->answer_checked = true;
		if ((rc = dl_check_answer(x, err)) < 0)
			return rc;
	}
	if (len > x->limit - x->got) {
		if (x->exact)
			return wpkg_error_set(err, WPKG_E_DIGEST, "blob %s: more than the expected %llu bytes",
					      x->want->str, (unsigned long long)x->limit);
		return wpkg_error_set(err, WPKG_E_TOO_LARGE, "blob %s: larger than %llu bytes", x->want->str,
				      (unsigned long long)x->limit);
	}
	if (x->pipe != NULL) {
		rc = wpkg_pipe_write(x->pipe, data, len, err);
		if (rc == WPKG_PIPE_WAIT)
			return WPKG_HTTP_SINK_PAUSE;
	} else if (x->fd >= 0)
		rc = wpkg_write_all(x->fd, data, len, err);
	else if ((rc = wpkg_buf_put(x->buf, data, len)) < 0)
		rc = wpkg_error_nomem(err);
	if (rc < 0)
		return rc;
	wpkg_hasher_update(&x->hasher, data, len);
	x->got += len;
	if (x->hooks->progress)
		x->hooks->progress(x->hooks->progress_payload, x->want->str, x->got, x->exact ? x->limit : 0);
	return 0;
}

static int dl_finish(struct dl *x, struct wpkg_error *err)
{
	struct wpkg_digest got;

	wpkg_hasher_final(&x->hasher, &got);
	x->hashing = false;
	if (x->exact && x->got != x->limit)
		return wpkg_error_set(err, WPKG_E_DIGEST, "blob %s: got %llu bytes, expected %llu", x->want->str,
				      (unsigned long long)x->got, (unsigned long long)x->limit);
	if (strcmp(got.str, x->want->str) != 0)
		return wpkg_error_set(err, WPKG_E_DIGEST, "blob %s: content does not match its digest (got %s)",
				      x->want->str, got.str);
	return 0;
}

/*
 * True when what was received is already the whole blob: its size (when
 * known) or, for a buffer, its digest.  An answer that announced a larger
 * Content-Length and then closed has then given us everything; asking for
 * the rest would be a Range past the end, which registries answer 416.
 */
static bool dl_complete(const struct dl *x)
{
	struct wpkg_digest d;

	if (x->exact)
		return x->got == x->limit;
	if (x->buf == NULL || x->got != x->buf->len)
		return false;
	wpkg_digest_bytes(&d, x->want->alg, x->buf->data, x->buf->len);
	return strcmp(d.str, x->want->str) == 0;
}

static int blob_fetch(struct wpkg_registry *r, const char *repo, struct dl *x, struct wpkg_error *err)
{
	struct wpkg_http_req req = { .method = "GET", .sink = dl_sink, .sink_payload = x };
	struct wpkg_http_resp resp = { 0 };
	const char *headers[3] = { "Accept: */*", NULL, NULL };
	char range[64];
	struct reg_scopes s;
	char *url = reg_url(r, repo, "blobs", x->want->str);
	unsigned resumes = 0, max = wpkg_http_max_retries(r->http);
	int rc;

	rc = reg_scopes_init(&s, repo, "pull", NULL);
	if (url == NULL || rc < 0) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	x->hooks = wpkg_http_hooks(r->http);
	x->resp = &resp;
	if ((rc = wpkg_hasher_init(&x->hasher, x->want->alg, err)) < 0)
		goto out;
	x->hashing = true;
	req.url = url;
	req.headers = headers;
	for (;;) {
		if (x->got > 0) {
			snprintf(range, sizeof(range), "Range: bytes=%llu-", (unsigned long long)x->got);
			headers[1] = range;
		}
		x->answer_checked = false;
		rc = reg_request(r, &req, &s, &resp, err);
		if (rc == 0)
			break;
		if (rc == WPKG_E_NETWORK && resp.sunk > 0 && dl_complete(x)) {
			wpkg_log_to(&x->hooks->log, WPKG_LOG_DEBUG, "* blob %s: %s after all %llu bytes; kept",
				    x->want->str, err ? err->msg : "", (unsigned long long)x->got);
			wpkg_error_clear(err);
			rc = 0;
			break;
		}
		/* a dropped connection after some bytes: ask for the rest */
		if (rc != WPKG_E_NETWORK || resp.sunk == 0 || resumes >= max)
			goto out;
		wpkg_log_to(&x->hooks->log, WPKG_LOG_DEBUG, "* blob %s: %s; resuming at byte %llu", x->want->str,
			    err ? err->msg : "", (unsigned long long)x->got);
		wpkg_http_backoff(resumes++, -1);
	}
	if (resp.status != 200 && resp.status != 206) {
		rc = reg_status_error(err, "GET", &resp);
		goto out;
	}
	rc = dl_finish(x, err);
out:
	if (x->hashing)
		wpkg_hasher_discard(&x->hasher);
	x->hashing = false;
	reg_scopes_free(&s);
	wpkg_http_resp_free(&resp);
	free(url);
	return rc;
}

int wpkg_registry_blob_get(struct wpkg_registry *r, const char *repo, const struct wpkg_digest *d,
			   uint64_t size, int fd, struct wpkg_error *err)
{
	struct dl x = { .want = d, .limit = size, .exact = size != WPKG_SIZE_UNKNOWN, .fd = fd };

	x.start = lseek(fd, 0, SEEK_CUR);
	return blob_fetch(r, repo, &x, err);
}

int wpkg_registry_blob_get_buf(struct wpkg_registry *r, const char *repo, const struct wpkg_digest *d,
			       size_t max, struct wpkg_buf *out, struct wpkg_error *err)
{
	struct wpkg_buf buf = WPKG_BUF_INIT;
	struct dl x = { .want = d, .limit = max, .exact = false, .fd = -1, .start = -1, .buf = &buf };
	int rc = blob_fetch(r, repo, &x, err);

	if (rc == 0) {
		wpkg_buf_free(out);
		*out = buf;
	} else {
		wpkg_buf_free(&buf);
	}
	return rc;
}

int wpkg_registry_blob_get_pipe(struct wpkg_registry *r, const char *repo, const struct wpkg_digest *d,
				uint64_t size, struct wpkg_pipe *pipe, struct wpkg_error *err)
{
	struct dl x = { .want = d, .limit = size, .exact = true, .fd = -1, .start = -1, .pipe = pipe };
	int rc;

	pipe->writer = wpkg_multi_easy();
	rc = blob_fetch(r, repo, &x, err);
	/* the reader learns the verdict: the last byte goes on only now, or the PUT fails with this error */
	wpkg_pipe_close(pipe, rc, err);
	return rc;
}
