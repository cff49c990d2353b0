/* SPDX-License-Identifier: Apache-2.0 */
/* cli_cache.h - where the cache is (WPKG_CACHE, XDG_CACHE_HOME), or none; --offline; handed to each store. */
#ifndef WPKG_CLI_CACHE_H
#define WPKG_CLI_CACHE_H

#include <stdbool.h>

#include "wpkg/buf.h"
#include "wpkg/error.h"
#include "wpkg/store.h"

/* --offline: the stores this process opens send nothing. */
extern bool cli_offline;

/* env is WPKG_CACHE, xdg XDG_CACHE_HOME, home HOME (each may be NULL): src/wpkg/env.c reads them. */
void cli_cache_init(const char *env, const char *xdg, const char *home);
void cli_cache_disable(void);
/* The content cache directory, or NULL when it is off. */
const char *cli_cache_dir(void);
/* Sets out's cache_dir, wkg_cache_dir, no_cache and offline (the strings stay valid for the process). */
void cli_cache_store_opts(struct wpkg_store_opts *out);

/* A package name's registry lookup under --offline: refused (wpkg_wkg_fetch_fn), nothing is sent. */
int cli_offline_fetch(void *payload, const char *url, size_t max, struct wpkg_buf *body, long *status,
		      struct wpkg_error *err);

#endif
