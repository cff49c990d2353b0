/* SPDX-License-Identifier: Apache-2.0 */
/* wkg_internal.h - what the wkg config, resolver and lock readers share inside the library. */
#ifndef WPKG_WKG_INTERNAL_H
#define WPKG_WKG_INTERNAL_H

#include "wpkg/wkg_config.h"

/* 1 when s is HOST or HOST:PORT, as wasm-pkg-common's Registry accepts it. */
int wpkg_wkg_registry_name_valid(const char *s);

/* Fills err with "PATH: line N: message" (WPKG_E_INVALID) and returns that code. */
int wpkg_wkg_fail(struct wpkg_error *err, const char *path, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
