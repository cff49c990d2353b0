/* SPDX-License-Identifier: Apache-2.0 */
/* cli_cache.c - where wpkg keeps its cache: WPKG_CACHE, else $XDG_CACHE_HOME/wpkg, else ~/.cache/wpkg. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wpkg/digest_cache.h"
#include "cli_cache.h"

bool cli_offline;
/* the process runs one command: these live until it exits */
static char *cache_dir, *wkg_dir;
static bool disabled;

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
	free(cache_dir);
	free(wkg_dir);
	/* without a cache wpkg only hashes and downloads more: never a reason to fail */
	cache_dir = env != NULL && env[0] != '\0' ? strdup(env) : xdg_cache(xdg, home, "wpkg");
	wkg_dir = xdg_cache(xdg, home, "wasm-pkg");
	disabled = false;
	(void)wpkg_digest_cache_set_dir(cache_dir);
}

void cli_cache_disable(void)
{
	disabled = true;
	(void)wpkg_digest_cache_set_dir(NULL);
}

const char *cli_cache_dir(void)
{
	return disabled ? NULL : cache_dir;
}

void cli_cache_store_opts(struct wpkg_store_opts *out)
{
	out->cache_dir = cache_dir;
	out->wkg_cache_dir = wkg_dir;
	out->no_cache = disabled;
	out->offline = cli_offline;
}

int cli_offline_fetch(void *payload, const char *url, size_t max, struct wpkg_buf *body, long *status,
		      struct wpkg_error *err)
{
	(void)payload;
	(void)max;
	(void)body;
	(void)status;
	return wpkg_error_set(err, WPKG_E_NETWORK, "GET %s needs the network: run it without --offline", url);
}
