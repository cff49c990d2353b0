/* SPDX-License-Identifier: Apache-2.0 */
/* cli_cache.c - where wpkg keeps its cache: WPKG_CACHE, else $XDG_CACHE_HOME/wpkg, else ~/.cache/wpkg. */
#include <stdio.h>
#include <stdlib.h>

#include "wpkg/digest_cache.h"
#include "cli.h"

void cli_cache_init(void)
{
	const char *dir = getenv("WPKG_CACHE"), *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char *owned = NULL;

	/* XDG: a relative XDG_CACHE_HOME is invalid and ignored */
	if (dir == NULL || dir[0] == '\0') {
		if (xdg != NULL && xdg[0] == '/')
			dir = asprintf(&owned, "%s/wpkg", xdg) < 0 ? NULL : owned;
		else if (home != NULL && home[0] == '/')
			dir = asprintf(&owned, "%s/.cache/wpkg", home) < 0 ? NULL : owned;
		else
			dir = NULL;
	}
	/* without a cache wpkg only hashes more: never a reason to fail */
	(void)wpkg_digest_cache_set_dir(dir);
	free(owned);
}

void cli_cache_disable(void)
{
	(void)wpkg_digest_cache_set_dir(NULL);
}
