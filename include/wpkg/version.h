/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/version.h - which libwpkg a program is running against. */
#ifndef WPKG_VERSION_H
#define WPKG_VERSION_H

#include "wpkg/common.h"

WPKG_BEGIN_DECL

/* The library's version, "MAJOR.MINOR.PATCH"; a static string. */
WPKG_API const char *wpkg_version(void);

/* The same as numbers; any pointer may be NULL. */
WPKG_API void wpkg_version_numbers(int *major, int *minor, int *patch);

WPKG_END_DECL

#endif
