/* SPDX-License-Identifier: Apache-2.0 */
/* escape.c - server-supplied text made safe for a terminal: C0, DEL and C1 controls shown as \xHH. */
#include <stdio.h>
#include <string.h>

#include "wpkg/escape.h"

/* How many bytes at s[i] form a control a terminal acts on (0: none); a C1 control is 2 UTF-8 bytes. */
static size_t control_at(const unsigned char *s, size_t i, size_t len, unsigned flags)
{
	if ((flags & WPKG_ESCAPE_KEEP_LINES) && (s[i] == '\n' || s[i] == '\t'))
		return 0;
	if (s[i] < 0x20 || s[i] == 0x7f)
		return 1;
	if (s[i] == 0xc2 && i + 1 < len && s[i + 1] >= 0x80 && s[i + 1] <= 0x9f)
		return 2;
	return 0;
}

size_t wpkg_escape(char *out, size_t size, const char *s, size_t len, unsigned flags)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, o = 0;

	if (size == 0)
		return 0;
	while (i < len) {
		size_t n = control_at(u, i, len, flags), k;

		if (n == 0) {
			if (o + 1 >= size)
				break;
			out[o++] = (char)u[i++];
			continue;
		}
		if (o + 4 * n >= size)
			break;
		for (k = 0; k < n; k++, o += 4)
			snprintf(out + o, 5, "\\x%02x", u[i + k]);
		i += n;
	}
	out[o] = '\0';
	return o;
}

bool wpkg_has_control(const char *s)
{
	size_t len = strlen(s), i;

	for (i = 0; i < len; i++)
		if (control_at((const unsigned char *)s, i, len, 0))
			return true;
	return false;
}
