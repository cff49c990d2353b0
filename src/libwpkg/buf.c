/* SPDX-License-Identifier: Apache-2.0 */
/* buf.c - the owning growable buffer behind HTTP bodies and serialised documents. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wpkg/buf.h"
#include "wpkg/error.h"

char wpkg_buf__empty[1];

void wpkg_buf_init(struct wpkg_buf *b)
{
	b->data = wpkg_buf__empty;
	b->len = 0;
	b->cap = 0;
}

int wpkg_buf_grow(struct wpkg_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > SIZE_MAX - b->len - 1)
		return WPKG_E_NOMEM;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(b->cap ? b->data : NULL, cap);
	if (p == NULL)
		return WPKG_E_NOMEM;
	if (b->cap == 0)
		p[0] = '\0';
	b->data = p;
	b->cap = cap;
	return 0;
}

int wpkg_buf_put(struct wpkg_buf *b, const void *data, size_t len)
{
	if (wpkg_buf_grow(b, len) < 0)
		return WPKG_E_NOMEM;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int wpkg_buf_puts(struct wpkg_buf *b, const char *s)
{
	return wpkg_buf_put(b, s, strlen(s));
}

int wpkg_buf_putc(struct wpkg_buf *b, char c)
{
	return wpkg_buf_put(b, &c, 1);
}

int wpkg_buf_printf(struct wpkg_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || wpkg_buf_grow(b, (size_t)n) < 0)
		return WPKG_E_NOMEM;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void wpkg_buf_clear(struct wpkg_buf *b)
{
	b->len = 0;
	b->data[0] = '\0';
}

void wpkg_buf_free(struct wpkg_buf *b)
{
	if (b->cap)
		free(b->data);
	wpkg_buf_init(b);
}

char *wpkg_buf_detach(struct wpkg_buf *b, size_t *len)
{
	char *p;

	if (b->cap == 0) {
		p = calloc(1, 1);
	} else {
		p = b->data;
	}
	if (len)
		*len = b->len;
	wpkg_buf_init(b);
	return p;
}
