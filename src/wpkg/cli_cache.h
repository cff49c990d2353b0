/* SPDX-License-Identifier: Apache-2.0 */
/* cli_cache.h - points the library at the cache directory (WPKG_CACHE, XDG_CACHE_HOME), or at none. */
#ifndef WPKG_CLI_CACHE_H
#define WPKG_CLI_CACHE_H

/* env is WPKG_CACHE, xdg XDG_CACHE_HOME, home HOME (each may be NULL): src/wpkg/env.c reads them. */
void cli_cache_init(const char *env, const char *xdg, const char *home);
void cli_cache_disable(void);

#endif
