/* SPDX-License-Identifier: Apache-2.0 */
/* config_file.h - wpkg's own config.toml: per-registry transport settings, mirrors and a location rewrite. */
#ifndef WPKG_CLI_CONFIG_FILE_H
#define WPKG_CLI_CONFIG_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wpkg/error.h"
#include "wpkg/http.h"

/* One [registry."HOST[:PORT]"] table; every field unset (NULL, 0, false) when the file leaves it out. */
struct cli_config_registry {
	char *name;            /* "HOST[:PORT]", lowercased, as in the table header */
	int line;              /* of the header, for messages */
	bool plain_http, insecure;
	char *ca_file, *cert_file, *key_file;   /* resolved against the file's directory */
	uint64_t chunk_size;   /* 0: not set (monolithic, the default) */
	long concurrency;      /* 0: not set */
	char *location;        /* "HOST[:PORT][/PREFIX]" the name is rewritten to, or NULL */
	char **mirrors;        /* "HOST[:PORT][/PREFIX]", tried in order before location for reads */
	size_t n_mirrors;
};

struct cli_config {
	char *path;            /* the file read, or NULL when there was none (a missing default file) */
	struct cli_config_registry *registries;
	size_t n;
};

/*
 * The config in force, read once: --config FILE, else $WPKG_CONFIG, else
 * $XDG_CONFIG_HOME/wpkg/config.toml (~/.config when unset).  A missing
 * default file is an empty config; a missing explicit one, bad TOML, an
 * unknown key or a wrong type is WPKG_E_INVALID naming the file and line.
 * Never NULL on success; valid for the process.
 */
int cli_config_get(const struct cli_config **out, struct wpkg_error *err);
/* --config FILE (NULL: the environment decides); call before cli_config_get. */
void cli_config_set_path(const char *path);

/* The table for host ("HOST[:PORT]", matched case-insensitively), or NULL. */
const struct cli_config_registry *cli_config_find(const struct cli_config *c, const char *host);

/*
 * Completes h with e's settings where the flags left them unset: the flags
 * (already in h) win, the file comes next, built-in host defaults last (a
 * chunk_size from the file is used as given, not fitted to chunk_policy's
 * table).  Files named in e are checked readable (WPKG_E_INVALID naming
 * the config file and line).  e may be NULL (nothing to do).
 */
int cli_config_apply(struct wpkg_http_opts *h, const struct cli_config *c, const struct cli_config_registry *e,
		     struct wpkg_error *err);

/* "HOST[:PORT][/PREFIX]" split: host (a copy in out, size bytes) and the prefix after '/' (or "") in *prefix. */
bool cli_config_split_location(char *out, size_t size, const char **prefix, const char *location);

#endif
