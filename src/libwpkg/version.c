/* SPDX-License-Identifier: Apache-2.0 */
/* version.c - the library's version, as meson's project() declares it. */
#include <stddef.h>

#include "wpkg/version.h"
#include "wpkg_version.h"

const char *wpkg_version(void)
{
	return WPKG_VERSION;
}

void wpkg_version_numbers(int *major, int *minor, int *patch)
{
	if (major != NULL)
		*major = WPKG_VERSION_MAJOR;
	if (minor != NULL)
		*minor = WPKG_VERSION_MINOR;
	if (patch != NULL)
		*patch = WPKG_VERSION_PATCH;
}
