/* SPDX-License-Identifier: Apache-2.0 */
/* cli_cache.c - where wpkg keeps its cache: WPKG_CACHE, else $XDG_CACHE_HOME/wpkg, else ~/.cache/wpkg. */
#include <stdio.h>
#include <stdlib.h>

#include "wpkg/cache.h"
#include "wpkg/digest_cache.h"
#include "cli_cache.h"

/* XDG_CACHE_HOME/NAME, else ~/.cache/NAME (a relative XDG_CACHE_HOME is invalid and ignored). Caller frees. */
static char *xdg_cache(const char *xdg, const char *home, const char *name)
{
	char *p = NULL;

	if (xdg != NULL && xdg[0] == '/')
		return asprintf(&p, "%s/%s", xdg, name) < 0 ? NULL : p;
	if (home != NULL && home[0] == '/')
		return asprintf(&p, "%s/.cache/%s", home, name) < 0 ? NULL : p;
	return NULL;
}

void cli_cache_init(const char *env, const char *xdg, const char *home)
{
	char *own = env != NULL && env[0] != '\0' ? NULL : xdg_cache(xdg, home, "wpkg");
	char *wkg = xdg_cache(xdg, home, "wasm-pkg");
	const char *dir = own != NULL ? own : env;

	/* without a cache wpkg only hashes and downloads more: never a reason to fail */
	(void)wpkg_digest_cache_set_dir(dir);
	(void)wpkg_cache_set_dirs(dir, wkg);
	free(own);
	free(wkg);
}

void cli_cache_disable(void)
{
	(void)wpkg_digest_cache_set_dir(NULL);
	(void)wpkg_cache_set_dirs(NULL, NULL);
}
