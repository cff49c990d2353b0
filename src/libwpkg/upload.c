/* SPDX-License-Identifier: Apache-2.0 */
/* upload.c - blob uploads (monolithic or chunked, each falling back to the other) and cross-repository mounts. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chunk_policy.h"
#include "registry_internal.h"

/* Chunks above this may be refused by registries with a request size limit. */
#define CHUNK_REFUSAL_MIN ((uint64_t)4 << 20)
#define FALLBACK_CHUNK ((uint64_t)4 << 20)

/* One upload session and the blob being sent. */
struct up {
	struct wpkg_registry *r;
	const char *repo;
	const struct wpkg_blob *b;
	struct wpkg_http_body whole;   /* the blob, replayable unless it comes through a pipe */
	struct reg_scopes s;
	char *location;                /* newest Location of the session */
	uint64_t min_chunk;            /* OCI-Chunk-Min-Length */
	bool stale;                    /* the registry forgot the session (expired, restarted): POST again */
};

/* A PUT or PATCH answered 404 BLOB_UPLOAD_UNKNOWN or BLOB_UPLOAD_INVALID: the session, not the blob, is bad. */
static void up_check_stale(struct up *u, const struct wpkg_http_resp *resp)
{
	u->stale = wpkg_registry_error_is(resp->body.data, resp->body.len, "BLOB_UPLOAD_UNKNOWN") ||
		   wpkg_registry_error_is(resp->body.data, resp->body.len, "BLOB_UPLOAD_INVALID");
}

/* Remembers the session's newest Location (relative ones resolved against the URL that answered). */
static int up_follow(struct up *u, const struct wpkg_http_resp *resp, const char *method, struct wpkg_error *err)
{
	char *loc = wpkg_http_header(&resp->headers, "Location", 0);
	char *abs = loc ? wpkg_url_resolve(resp->url, loc) : NULL;

	free(loc);
	if (abs == NULL)
		return wpkg_error_set(err, WPKG_E_PROTOCOL, "%s %s: %ld without a usable Location", method,
				      resp->url, resp->status);
	free(u->location);
	u->location = abs;
	return 0;
}

/* Abandons the session (best effort: the registry expires it anyway). */
static void up_cancel(struct up *u)
{
	struct wpkg_http_req req = { .method = "DELETE", .no_retry = true };
	struct wpkg_http_resp resp = { 0 };

	if (u->location == NULL)
		return;
	req.url = u->location;
	reg_request(u->r, &req, &u->s, &resp, NULL);
	wpkg_http_resp_free(&resp);
	free(u->location);
	u->location = NULL;
}

/* POST .../blobs/uploads/[?query]; *status gets the answer's status (202 session, 201 mounted). */
static int up_start(struct up *u, const char *query, long *status, struct wpkg_error *err)
{
	struct wpkg_http_req req = { .method = "POST" };
	struct wpkg_http_resp resp = { 0 };
	char *url = reg_url(u->r, u->repo, "blobs/uploads/", NULL), *full = NULL, *min = NULL;
	int rc;

	if (url == NULL || asprintf(&full, "%s%s%s", url, query ? "?" : "", query ? query : "") < 0) {
		full = NULL;
		rc = wpkg_error_nomem(err);
		goto out;
	}
	req.url = full;
	rc = reg_request(u->r, &req, &u->s, &resp, err);
	if (rc < 0)
		goto out;
	*status = resp.status;
	if (resp.status == 201 && query)
		goto out;
	if (resp.status != 202) {
		rc = reg_status_error(err, "POST", &resp);
		goto out;
	}
	rc = up_follow(u, &resp, "POST", err);
	min = wpkg_http_header(&resp.headers, "OCI-Chunk-Min-Length", 0);
	u->min_chunk = min ? strtoull(min, NULL, 10) : 0;
out:
	wpkg_http_resp_free(&resp);
	free(url);
	free(full);
	free(min);
	return rc;
}

/* PUT Location&digest=D with body (NULL: empty, closing a chunked upload). */
static int up_put(struct up *u, const struct wpkg_http_body *body, long *status, struct wpkg_error *err)
{
	static const char *const headers[] = { "Content-Type: application/octet-stream", NULL };
	struct wpkg_http_req req = { .method = "PUT", .body = body, .no_retry = true, .headers = headers };
	struct wpkg_http_resp resp = { 0 };
	char *url = wpkg_url_add_param(u->location, "digest", u->b->desc.digest.str);
	int rc;

	if (url == NULL)
		return wpkg_error_nomem(err);
	req.url = url;
	req.progress_id = body ? u->b->desc.digest.str : NULL;
	rc = reg_request(u->r, &req, &u->s, &resp, err);
	if (rc == 0) {
		*status = resp.status;
		if (resp.status != 201 && resp.status != 200 && resp.status != 204) {
			up_check_stale(u, &resp);
			rc = reg_status_error(err, "PUT", &resp);
		}
	}
	wpkg_http_resp_free(&resp);
	free(url);
	return rc;
}

static int up_monolithic(struct up *u, bool *refused, struct wpkg_error *err)
{
	long status = 0;
	int rc = up_put(u, &u->whole, &status, err);

	*refused = rc < 0 && status == 413;
	return rc;
}

/*
 * PATCH one chunk [start, start + len).  The answer's Range is not read:
 * GHCR answers 0-0 whatever it holds (nothing, or one byte?), ECR keeps the
 * first chunk's, and registries differ on whether it counts the chunk or the
 * blob.  The next chunk starts where this one ended, and a chunk that failed
 * starts the upload over from a new POST, so no offset is ever taken from it.
 */
static int up_patch(struct up *u, uint64_t start, uint64_t len, long *status, struct wpkg_error *err)
{
	struct wpkg_http_body body = u->whole;
	struct wpkg_http_req req = { .method = "PATCH", .body = &body, .no_retry = true };
	struct wpkg_http_resp resp = { 0 };
	char range[80];
	const char *headers[] = { "Content-Type: application/octet-stream", range, NULL };
	int rc;

	if (body.fd >= 0)
		body.offset += start;
	else
		body.mem += start;
	body.len = len;
	snprintf(range, sizeof(range), "Content-Range: %llu-%llu", (unsigned long long)start,
		 (unsigned long long)(start + len - 1));
	req.url = u->location;
	req.headers = headers;
	req.progress_id = u->b->desc.digest.str;
	req.progress_base = start;
	req.progress_total = u->whole.len;
	rc = reg_request(u->r, &req, &u->s, &resp, err);
	if (rc == 0) {
		*status = resp.status;
		/* 202 is the spec's; ECR answers 201, and the session still goes on at its Location */
		if (resp.status != 202 && resp.status != 201 && resp.status != 204) {
			up_check_stale(u, &resp);
			rc = reg_status_error(err, "PATCH", &resp);
		} else
			rc = up_follow(u, &resp, "PATCH", err);
	}
	wpkg_http_resp_free(&resp);
	return rc;
}

static int up_chunked(struct up *u, uint64_t chunk, bool *refused, struct wpkg_error *err)
{
	uint64_t start = 0, len;
	long status = 0;
	int rc = 0;

	if (chunk < u->min_chunk)
		chunk = u->min_chunk;
	*refused = false;
	for (start = 0; start < u->whole.len; start += len) {
		len = u->whole.len - start < chunk ? u->whole.len - start : chunk;
		status = 0;
		rc = up_patch(u, start, len, &status, err);
		if (rc < 0) {
			/* no PATCH at all, or chunks this big refused: monolithic may still work */
			*refused = status == 405 || status == 501 ||
				   ((status == 413 || status == 416) && len > CHUNK_REFUSAL_MIN);
			return rc;
		}
	}
	return up_put(u, NULL, &status, err);
}

static bool up_retryable(int rc)
{
	return rc == WPKG_E_NETWORK || rc == WPKG_E_TOO_MANY_REQUESTS;
}

static int up_open(struct up *u, struct wpkg_error *err)
{
	const struct wpkg_blob *b = u->b;

	u->whole.fd = -1;
	u->whole.len = (uint64_t)b->desc.size;
	if (u->whole.pipe != NULL)
		return 0;
	if (b->path == NULL) {
		if (b->mem.len != u->whole.len)
			return wpkg_error_set(err, WPKG_E_INVALID, "blob %s: %zu bytes in memory, descriptor says %lld",
					      b->desc.digest.str, b->mem.len, (long long)b->desc.size);
		u->whole.mem = (const uint8_t *)b->mem.data;
		return 0;
	}
	u->whole.fd = open(b->path, O_RDONLY | O_CLOEXEC);
	if (u->whole.fd < 0)
		return wpkg_error_set(err, WPKG_E_IO, "open %s: %s", b->path, strerror(errno));
	u->whole.offset = b->offset;
	return 0;
}

int wpkg_registry_blob_upload(struct wpkg_registry *r, const char *repo, const struct wpkg_blob *b,
			      struct wpkg_error *err)
{
	return wpkg_registry_blob_upload_gated(r, repo, b, NULL, NULL, NULL, err);
}

/* The chunk size asked for: the host's known limits (chunk_policy.c) shape it, unless a config set it for the host. */
static uint64_t up_chunk_size(struct wpkg_registry *r)
{
	const struct wpkg_http_opts *ho = wpkg_http_get_opts(r->http);

	if (ho->monolithic)
		return 0;
	return ho->chunk_size_exact ? ho->chunk_size : wpkg_chunk_policy_size(r->host, ho->chunk_size);
}

bool wpkg_registry_blob_streamable(struct wpkg_registry *r)
{
	return up_chunk_size(r) == 0;
}

/* "mount=D&from=REPO", URL-encoded. */
static int mount_query(struct wpkg_buf *q, const struct wpkg_digest *d, const char *from_repo)
{
	if (wpkg_buf_puts(q, "mount=") < 0 || wpkg_url_encode(q, d->str) < 0 || wpkg_buf_puts(q, "&from=") < 0 ||
	    wpkg_url_encode(q, from_repo) < 0)
		return WPKG_E_NOMEM;
	return 0;
}

/*
 * probe: the first POST asks to mount the blob from the repository itself,
 * which a registry answers 201 when the repository has it and otherwise
 * (or when it does not mount at all) with an upload session: the HEAD and
 * the POST in one round trip.
 */
static int upload(struct wpkg_registry *r, const char *repo, const struct wpkg_blob *b, struct wpkg_pipe *pipe,
		  bool probe, wpkg_upload_gate gate, void *gate_arg, bool *sent, struct wpkg_error *err)
{
	struct wpkg_buf probe_q = WPKG_BUF_INIT;
	struct up u = { .r = r, .repo = repo, .b = b, .whole = { .fd = -1, .pipe = pipe } };
	/* a pipe goes in one PUT */
	uint64_t chunk = pipe ? 0 : up_chunk_size(r);
	const struct wpkg_log_sink *log = &wpkg_http_hooks(r->http)->log;
	/* asked for one PUT (a pipe, or --monolithic), the caller gets one PUT: a refusal is an error, not chunks */
	bool chunked = chunk > 0, fell_back = pipe != NULL || wpkg_http_get_opts(r->http)->monolithic, refused,
	     skipped = false;
	/* a pipe's bytes pass once: a failed PUT cannot be sent again */
	unsigned attempts = 0, max = pipe ? 0 : wpkg_http_max_retries(r->http);
	long status;
	int rc;

	rc = reg_scopes_init(&u.s, repo, "pull,push", NULL);
	if (rc == 0 && probe)
		rc = mount_query(&probe_q, &b->desc.digest, repo);
	if (rc < 0) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	/* with a gate the bytes are only looked at once it says to send them: it may fetch them first */
	if (gate == NULL && (rc = up_open(&u, err)) < 0)
		goto out;
	for (;;) {
		status = 0;
		rc = up_start(&u, probe ? probe_q.data : NULL, &status, err);
		if (rc == 0 && probe && status == 201) {
			/* mounted from itself: the repository has the blob */
			skipped = true;
			break;
		}
		probe = false;
		if (rc < 0 && gate != NULL && gate(gate_arg, NULL) == 0) {
			/* the blob is there anyway: the failed session does not matter */
			wpkg_error_clear(err);
			skipped = true;
			rc = 0;
			break;
		}
		if (rc < 0)
			break;
		if (gate != NULL) {
			/* the session was opened while the caller asked whether the blob is needed at all */
			rc = gate(gate_arg, err);
			gate = NULL;
			if (rc <= 0) {
				skipped = rc == 0;
				up_cancel(&u);
				break;
			}
			if ((rc = up_open(&u, err)) < 0) {
				up_cancel(&u);
				break;
			}
		}
		refused = false;
		u.stale = false;
		rc = chunked ? up_chunked(&u, chunk ? chunk : FALLBACK_CHUNK, &refused, err)
			     : up_monolithic(&u, &refused, err);
		if (rc == 0)
			break;
		up_cancel(&u);
		if (refused && !fell_back) {
			wpkg_log_to(log, WPKG_LOG_DEBUG, "* %s; trying a %s upload", err ? err->msg : "refused",
				    chunked ? "monolithic" : "chunked");
			fell_back = true;
			chunked = !chunked;
			continue;
		}
		/* a failed PUT or PATCH leaves the session in an unknown state: start a new one */
		if ((!up_retryable(rc) && !u.stale) || attempts >= max)
			break;
		wpkg_log_to(log, WPKG_LOG_DEBUG, "* %s; starting the upload again", err ? err->msg : "upload failed");
		wpkg_http_backoff(attempts++, -1);
	}
out:
	if (rc < 0)
		wpkg_error_wrap(err, "upload blob %s", b->desc.digest.str);
	else if (sent != NULL)
		*sent = !skipped;
	free(u.location);
	if (u.whole.fd >= 0)
		close(u.whole.fd);
	reg_scopes_free(&u.s);
	wpkg_buf_free(&probe_q);
	return rc;
}

int wpkg_registry_blob_upload_gated(struct wpkg_registry *r, const char *repo, const struct wpkg_blob *b,
				    wpkg_upload_gate gate, void *gate_arg, bool *sent, struct wpkg_error *err)
{
	return upload(r, repo, b, NULL, false, gate, gate_arg, sent, err);
}

int wpkg_registry_blob_upload_pipe(struct wpkg_registry *r, const char *repo, const struct wpkg_blob *b,
				   struct wpkg_pipe *pipe, bool probe, wpkg_upload_gate gate, void *gate_arg, bool *sent,
				   struct wpkg_error *err)
{
	return upload(r, repo, b, pipe, probe, gate, gate_arg, sent, err);
}

int wpkg_registry_blob_upload_probe(struct wpkg_registry *r, const char *repo, const struct wpkg_blob *b, bool *sent,
				    struct wpkg_error *err)
{
	return upload(r, repo, b, NULL, true, NULL, NULL, sent, err);
}

int wpkg_registry_blob_mount(struct wpkg_registry *r, const char *repo, const char *from_repo,
			     const struct wpkg_digest *d, bool *mounted, struct wpkg_error *err)
{
	struct wpkg_blob none = { 0 };
	struct up u = { .r = r, .repo = repo, .b = &none, .whole = { .fd = -1 } };
	struct wpkg_buf q = WPKG_BUF_INIT;
	long status = 0;
	int rc;

	rc = reg_scopes_init(&u.s, repo, "pull,push", from_repo);
	if (rc == 0)
		rc = mount_query(&q, d, from_repo);
	if (rc < 0) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	rc = up_start(&u, q.data, &status, err);
	if (rc < 0)
		goto out;
	/* 202: the registry could not mount and opened an upload instead; we do not want it */
	up_cancel(&u);
	*mounted = status == 201;
out:
	if (rc < 0)
		wpkg_error_wrap(err, "mount blob %s from %s", d->str, from_repo);
	free(u.location);
	wpkg_buf_free(&q);
	reg_scopes_free(&u.s);
	return rc;
}
