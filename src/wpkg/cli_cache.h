/* SPDX-License-Identifier: Apache-2.0 */
/* cli_cache.h - points the library at the cache directory (WPKG_CACHE, XDG_CACHE_HOME), or at none. */
#ifndef WPKG_CLI_CACHE_H
#define WPKG_CLI_CACHE_H

void cli_cache_init(void);
void cli_cache_disable(void);

#endif
