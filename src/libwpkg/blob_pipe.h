/* SPDX-License-Identifier: Apache-2.0 */
/* blob_pipe.h - a bounded in-memory pipe from one blob's GET to its PUT, both transfers of one curl multi loop. */
#ifndef WPKG_BLOB_PIPE_H
#define WPKG_BLOB_PIPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#include "wpkg/error.h"

/* What a side gets when it must wait for the other (a positive value: not an error). */
#define WPKG_PIPE_WAIT 1

/*
 * The writer is the GET job (its sink), the reader the PUT job (its read
 * callback).  A full pipe pauses the GET and an empty one the PUT; the other
 * side's progress resumes it (wpkg_multi_unpause).  The last byte is held
 * back until the writer closes the pipe having checked the digest, so a PUT
 * never completes with bytes that turned out wrong: a failed writer makes
 * the reader fail with the writer's error.
 */
struct wpkg_pipe {
	uint8_t *buf;
	size_t cap, head, len;       /* ring buffer: len bytes from head */
	uint64_t size;               /* the blob's size: everything that will pass */
	uint64_t written, read;
	bool started;                /* the first bytes are in (or the writer is done): worth starting the PUT */
	bool closed;                 /* the writer verified everything it wrote */
	bool failed;                 /* the writer gave up: err says why */
	bool abandoned;              /* the reader gave up (its PUT failed): the writer stops, quietly */
	struct wpkg_error err;
	CURL *writer, *reader;       /* the two jobs' handles, to resume them */
	bool writer_paused, reader_paused;
};

int wpkg_pipe_init(struct wpkg_pipe *p, uint64_t size, size_t cap, struct wpkg_error *err);
void wpkg_pipe_free(struct wpkg_pipe *p);
/*
 * Writer: takes all len bytes, or none and returns WPKG_PIPE_WAIT (call again
 * with the same bytes); WPKG_E_IO once the reader abandoned the pipe.
 */
int wpkg_pipe_write(struct wpkg_pipe *p, const void *data, size_t len, struct wpkg_error *err);
/* Writer: every byte written and verified (rc 0), or the copy failed (rc < 0, with err). */
void wpkg_pipe_close(struct wpkg_pipe *p, int rc, const struct wpkg_error *err);
/* Reader: its PUT failed and it will fetch the blob another way; a paused writer is resumed to stop. */
void wpkg_pipe_abandon(struct wpkg_pipe *p);
/*
 * Reader: copies up to len bytes to out and sets *got; WPKG_PIPE_WAIT when
 * nothing may be read yet; < 0 (err filled) when the writer failed.
 */
int wpkg_pipe_read(struct wpkg_pipe *p, void *out, size_t len, size_t *got, struct wpkg_error *err);

#endif
