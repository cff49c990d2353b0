/* SPDX-License-Identifier: Apache-2.0 */
/* map.c - a file's private view, filled lazily with pread into anonymous memory, safe from truncation. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wpkg/fsutil.h"

#define WORD_BITS (sizeof(unsigned long) * CHAR_BIT)

struct wpkg_map_state {
	int fd;
	char *path;
	struct stat st;          /* at open: any change later means the file is being rewritten */
	unsigned long *filled;   /* one bit per WPKG_MAP_BLOCK */
	size_t left;             /* blocks not yet filled */
};

static bool same_file_state(const struct stat *a, const struct stat *b)
{
	return a->st_size == b->st_size && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec && a->st_ino == b->st_ino;
}

static void state_free(struct wpkg_map_state *s)
{
	if (s == NULL)
		return;
	if (s->fd >= 0)
		close(s->fd);
	free(s->path);
	free(s->filled);
	free(s);
}

static int changed(const struct wpkg_map_state *s, struct wpkg_error *err)
{
	return wpkg_error_set(err, WPKG_E_IO, "%s: file changed while reading; try again when it is written",
			      s->path);
}

/* Reads block b; data is writable here only (the view is handed out const). */
static int fill_block(struct wpkg_map *m, size_t b, struct wpkg_error *err)
{
	struct wpkg_map_state *s = m->state;
	size_t off = b * WPKG_MAP_BLOCK, want = m->len - off < WPKG_MAP_BLOCK ? m->len - off : WPKG_MAP_BLOCK;
	uint8_t *p = (uint8_t *)m->base + off;
	size_t got = 0;

	while (got < want) {
		ssize_t n = pread(s->fd, p + got, want - got, (off_t)(off + got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return wpkg_error_set(err, WPKG_E_IO, "%s: %s", s->path, strerror(errno));
		if (n == 0)
			return changed(s, err); /* shorter than at open: truncated meanwhile */
		got += (size_t)n;
	}
	s->filled[b / WORD_BITS] |= 1UL << (b % WORD_BITS);
	s->left--;
	return 0;
}

int wpkg_map_ensure(struct wpkg_map *m, size_t off, size_t len, struct wpkg_error *err)
{
	struct wpkg_map_state *s;
	struct stat now;
	bool read_any = false;
	size_t b, last;
	int rc;

	if (m == NULL || len == 0)
		return 0;
	if (off > m->len || len > m->len - off)
		return wpkg_error_set(err, WPKG_E_INVALID, "read of %zu bytes at offset 0x%zx is past the end "
				      "(%zu bytes)", len, off, m->len);
	s = m->state;
	if (s == NULL || s->left == 0)
		return 0;
	last = (off + len - 1) / WPKG_MAP_BLOCK;
	for (b = off / WPKG_MAP_BLOCK; b <= last; b++) {
		if (s->filled[b / WORD_BITS] & (1UL << (b % WORD_BITS)))
			continue;
		rc = fill_block(m, b, err);
		if (rc < 0)
			return rc;
		read_any = true;
	}
	/* the blocks read now must come from the file seen at open, not a rewrite of it */
	if (read_any && (fstat(s->fd, &now) < 0 || !same_file_state(&s->st, &now)))
		return changed(s, err);
	if (s->left == 0) { /* all read: the descriptor is not needed any more */
		close(s->fd);
		s->fd = -1;
	}
	return 0;
}

int wpkg_map_open(struct wpkg_map *m, const char *path, struct wpkg_error *err)
{
	static const uint8_t empty[1];
	struct wpkg_map_state *s;
	struct stat st;
	size_t blocks;
	void *base;
	int fd, rc;

	memset(m, 0, sizeof(*m));
	rc = wpkg_open_regular(&fd, path, &st, err);
	if (rc < 0)
		return rc;
	if (st.st_size == 0) {
		struct wpkg_buf buf = WPKG_BUF_INIT;

		close(fd);
		rc = wpkg_read_file(&buf, path, WPKG_MAP_UNSIZED_MAX, err);
		if (rc < 0 || buf.len == 0) {
			wpkg_buf_free(&buf);
			m->data = rc < 0 ? NULL : empty;
			return rc;
		}
		m->base = buf.data;
		m->data = (const uint8_t *)buf.data;
		m->len = buf.len;
		return 0;
	}
	blocks = (uint64_t)st.st_size > SIZE_MAX - WPKG_MAP_BLOCK ? 0 :
		 ((size_t)st.st_size + WPKG_MAP_BLOCK - 1) / WPKG_MAP_BLOCK;
	s = calloc(1, sizeof(*s));
	if (s == NULL || blocks == 0 || (s->path = strdup(path)) == NULL ||
	    (s->filled = calloc((blocks + WORD_BITS - 1) / WORD_BITS, sizeof(*s->filled))) == NULL) {
		if (s != NULL)
			s->fd = fd;
		else
			close(fd);
		state_free(s);
		return wpkg_error_set(err, WPKG_E_NOMEM, "%s: out of memory for %lld bytes", path,
				      (long long)st.st_size);
	}
	s->fd = fd;
	s->st = st;
	s->left = blocks;
	/* anonymous, not the file: pages never read stay unbacked, and a truncated file cannot SIGBUS us */
	base = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		    -1, 0);
	if (base == MAP_FAILED) {
		rc = wpkg_error_set(err, WPKG_E_NOMEM, "%s: cannot reserve %lld bytes: %s", path,
				    (long long)st.st_size, strerror(errno));
		state_free(s);
		return rc;
	}
	m->base = base;
	m->data = base;
	m->len = (size_t)st.st_size;
	m->state = s;
	return 0;
}

int wpkg_map_file(struct wpkg_map *m, const char *path, struct wpkg_error *err)
{
	int rc = wpkg_map_open(m, path, err);

	if (rc == 0)
		rc = wpkg_map_ensure(m, 0, m->len, err);
	if (rc < 0)
		wpkg_unmap_file(m);
	return rc;
}

void wpkg_unmap_file(struct wpkg_map *m)
{
	/* with a state, base came from mmap; without, it is the read-to-end buffer of an unsized file */
	if (m->state != NULL)
		munmap(m->base, m->len);
	else
		free(m->base);
	state_free(m->state);
	m->state = NULL;
	m->base = NULL;
	m->data = NULL;
	m->len = 0;
}
