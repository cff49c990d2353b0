/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/global.h - process-wide set-up of libwpkg and the libraries under it. */
#ifndef WPKG_GLOBAL_H
#define WPKG_GLOBAL_H

#include "wpkg/common.h"
#include "wpkg/error.h"

WPKG_BEGIN_DECL

/*
 * Initialises what libwpkg needs once per process (libcurl's global state).
 * Call it before any other libwpkg function, while the program has one
 * thread; calls nest, and each needs its wpkg_global_cleanup().
 * Returns 0 or WPKG_E_NETWORK (err says why; err may be NULL).
 */
WPKG_API int wpkg_global_init(struct wpkg_error *err);

/* Undoes one wpkg_global_init(); the last one releases libcurl's global state. */
WPKG_API void wpkg_global_cleanup(void);

WPKG_END_DECL

#endif
