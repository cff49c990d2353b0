/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/buf.h - an owning growable byte buffer and a non-owning slice. */
#ifndef WPKG_BUF_H
#define WPKG_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "wpkg/common.h"

WPKG_BEGIN_DECL

/*
 * struct wpkg_buf owns its bytes.  data is never NULL and is always followed
 * by a NUL byte (not counted in len), so a buffer holding text can be used as
 * a C string.  Initialise with WPKG_BUF_INIT; release with wpkg_buf_free().
 */
struct wpkg_buf {
	char *data;
	size_t len;
	size_t cap;     /* 0 while data points at the shared empty string */
};

WPKG_API extern char wpkg_buf__empty[1];
#define WPKG_BUF_INIT { wpkg_buf__empty, 0, 0 }

WPKG_API void wpkg_buf_init(struct wpkg_buf *b);
/* Ensures room for extra more bytes (plus the NUL). Returns 0 or WPKG_E_NOMEM. */
WPKG_API int wpkg_buf_grow(struct wpkg_buf *b, size_t extra);
WPKG_API int wpkg_buf_put(struct wpkg_buf *b, const void *data, size_t len);
WPKG_API int wpkg_buf_puts(struct wpkg_buf *b, const char *s);
WPKG_API int wpkg_buf_putc(struct wpkg_buf *b, char c);
WPKG_API int wpkg_buf_printf(struct wpkg_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
WPKG_API void wpkg_buf_clear(struct wpkg_buf *b);       /* len = 0, keeps the allocation */
WPKG_API void wpkg_buf_free(struct wpkg_buf *b);        /* back to WPKG_BUF_INIT */
/* Hands the bytes to the caller (free() them); b is reset. Never NULL unless out of memory. */
WPKG_API char *wpkg_buf_detach(struct wpkg_buf *b, size_t *len);

/* A view of bytes someone else owns. */
struct wpkg_slice {
	const uint8_t *ptr;
	size_t len;
};

WPKG_END_DECL

#endif
