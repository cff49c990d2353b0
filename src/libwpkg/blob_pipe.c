/* SPDX-License-Identifier: Apache-2.0 */
/* blob_pipe.c - the bounded GET-to-PUT pipe of a registry-to-registry copy (see blob_pipe.h). */
#include <stdlib.h>
#include <string.h>

#include "blob_pipe.h"
#include "http_multi.h"

int wpkg_pipe_init(struct wpkg_pipe *p, uint64_t size, size_t cap, struct wpkg_error *err)
{
	memset(p, 0, sizeof(*p));
	p->size = size;
	/* a small blob needs no more room than itself (and at least a byte) */
	p->cap = size < (uint64_t)cap ? (size_t)size + 1 : cap;
	p->buf = malloc(p->cap);
	if (p->buf == NULL)
		return wpkg_error_nomem(err);
	return 0;
}

void wpkg_pipe_free(struct wpkg_pipe *p)
{
	free(p->buf);
	p->buf = NULL;
}

int wpkg_pipe_write(struct wpkg_pipe *p, const void *data, size_t len, struct wpkg_error *err)
{
	const uint8_t *d = data;
	size_t tail, first;

	if (p->abandoned)
		return wpkg_error_set(err, WPKG_E_IO, "the upload it fed was abandoned");
	if (len > p->size - p->written)
		return wpkg_error_set(err, WPKG_E_DIGEST, "more than the expected %llu bytes",
				      (unsigned long long)p->size);
	if (len > p->cap) {
		/* a callback's chunk larger than the pipe: grow once to hold it whole */
		uint8_t *nb = malloc(len + p->len);

		if (nb == NULL)
			return wpkg_error_nomem(err);
		for (size_t i = 0; i < p->len; i++)
			nb[i] = p->buf[(p->head + i) % p->cap];
		free(p->buf);
		p->buf = nb;
		p->cap = len + p->len;
		p->head = 0;
	}
	if (len > p->cap - p->len) {
		p->writer_paused = true;
		return WPKG_PIPE_WAIT;
	}
	tail = (p->head + p->len) % p->cap;
	first = p->cap - tail < len ? p->cap - tail : len;
	memcpy(p->buf + tail, d, first);
	memcpy(p->buf, d + first, len - first);
	p->len += len;
	p->written += len;
	p->started = true;
	if (p->reader_paused && len > 0) {
		p->reader_paused = false;
		wpkg_multi_unpause(p->reader);
	}
	return 0;
}

void wpkg_pipe_close(struct wpkg_pipe *p, int rc, const struct wpkg_error *err)
{
	p->started = true;
	if (rc < 0) {
		p->failed = true;
		if (err != NULL)
			p->err = *err;
		if (p->err.code == 0)
			p->err.code = rc;
	} else {
		p->closed = true;
	}
	if (p->reader_paused) {
		p->reader_paused = false;
		wpkg_multi_unpause(p->reader);
	}
}

void wpkg_pipe_abandon(struct wpkg_pipe *p)
{
	p->abandoned = true;
	if (p->writer_paused) {
		p->writer_paused = false;
		wpkg_multi_unpause(p->writer);
	}
}

int wpkg_pipe_read(struct wpkg_pipe *p, void *out, size_t len, size_t *got, struct wpkg_error *err)
{
	uint8_t *o = out;
	size_t n = p->len, first;

	*got = 0;
	if (p->failed) {
		if (err != NULL)
			*err = p->err;
		return p->err.code;
	}
	/* the last byte waits for the writer's verdict on the digest */
	if (!p->closed && n > 0 && p->read + n == p->size)
		n--;
	if (n > len)
		n = len;
	if (n == 0) {
		if (len == 0 || (p->closed && p->len == 0))
			return 0;
		p->reader_paused = true;
		return WPKG_PIPE_WAIT;
	}
	first = p->cap - p->head < n ? p->cap - p->head : n;
	memcpy(o, p->buf + p->head, first);
	memcpy(o + first, p->buf, n - first);
	p->head = (p->head + n) % p->cap;
	p->len -= n;
	p->read += n;
	*got = n;
	if (p->writer_paused) {
		p->writer_paused = false;
		wpkg_multi_unpause(p->writer);
	}
	return 0;
}
