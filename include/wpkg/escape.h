/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/escape.h - server-supplied text made safe for a terminal: control characters shown as \xHH. */
#ifndef WPKG_ESCAPE_H
#define WPKG_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

#include "wpkg/common.h"

WPKG_BEGIN_DECL

/* Keep "\n" and "\t" as they are (multi-line results); otherwise they are escaped too. */
#define WPKG_ESCAPE_KEEP_LINES 1u

/*
 * Writes s (len bytes) to out (size bytes, NUL-terminated) with every byte a
 * terminal would act on escaped: C0 controls (ESC, CR, BEL, ...), DEL and the
 * C1 controls U+0080..U+009F (UTF-8 c2 80..c2 9f) become "\xHH" (each byte).
 * Everything else, UTF-8 and backslashes included, is kept: escaping is then
 * idempotent, so text escaped by the library and again by a front end reads
 * the same (a literal "\x1b" in the text is harmless, it is not an ESC).  Output that does not fit is cut before an
 * escape, never inside one.  Returns the length written.
 */
WPKG_API size_t wpkg_escape(char *out, size_t size, const char *s, size_t len, unsigned flags);

/* True when s holds a byte wpkg_escape would escape. */
WPKG_API bool wpkg_has_control(const char *s);

WPKG_END_DECL

#endif
