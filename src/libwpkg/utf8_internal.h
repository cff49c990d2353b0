/* SPDX-License-Identifier: Apache-2.0 */
/* utf8_internal.h - the library's one strict UTF-8 check (defined in wasm_cursor.c, where it began). */
#ifndef WPKG_UTF8_INTERNAL_H
#define WPKG_UTF8_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* Shortest form, no surrogates, at most U+10FFFF, no NUL: the offset of the first bad byte, or len. */
size_t wpkg_utf8_bad_at(const uint8_t *s, size_t len);

#endif
