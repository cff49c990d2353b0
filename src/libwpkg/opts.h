/* SPDX-License-Identifier: Apache-2.0 */
/* opts.h - reading a caller's sized option struct (the rule is in wpkg/common.h). */
#ifndef WPKG_OPTS_H
#define WPKG_OPTS_H

#include <stddef.h>

#include "wpkg/error.h"

/*
 * Copies the caller's struct src, which says in its leading size_t that it is
 * src_size bytes long, into dst (dst_size bytes, the library's own struct):
 * the bytes the caller has, zero after them.  A NULL src gives all zeros but
 * the size.  A size of 0 (not initialised with the *_INIT macro) or larger
 * than dst_size (a newer libwpkg's struct) is WPKG_E_INVALID; what names the
 * struct in the message ("pack options").  dst is written only on success.
 */
int wpkg_opts_load(void *dst, size_t dst_size, const void *src, const char *what, struct wpkg_error *err);

#endif
