/* SPDX-License-Identifier: Apache-2.0 */
/* env.h - reading wpkg's environment variables into the library's settings. */
#ifndef WPKG_CLI_ENV_H
#define WPKG_CLI_ENV_H

#include "wpkg/error.h"

/*
 * TMPDIR, SOURCE_DATE_EPOCH, PATH, HOME, DOCKER_CONFIG, REGISTRY_AUTH_FILE,
 * XDG_RUNTIME_DIR, WPKG_ARCHIVE_MAX_ENTRY and WPKG_ARCHIVE_MAX_ENTRIES, as
 * they are now, become wpkg_settings_get().  Returns 0 or WPKG_E_NOMEM.
 */
int cli_env_load(struct wpkg_error *err);

/* The settings of cli_env_load with one credentials file instead of config.json and auth.json (--authfile). */
int cli_env_set_auth_file(const char *file, struct wpkg_error *err);

/* WPKG_CACHE, XDG_CACHE_HOME and HOME, which name the cache directory (cli_cache_init); each may be NULL. */
void cli_env_cache(const char **wpkg_cache, const char **xdg_cache_home, const char **home);

/* SSL_CERT_FILE and SSL_CERT_DIR (OpenSSL's names for the trusted CAs); each may be NULL. */
void cli_env_tls(const char **ssl_cert_file, const char **ssl_cert_dir);
/* docker's certs.d directories: ~/.docker/certs.d (NULL without HOME) and /etc/docker/certs.d (WPKG_CERTS_D_SYSTEM
 * replaces it, for tests). */
void cli_env_tls_dirs(const char **home_certs_d, const char **system_certs_d);
/* WPKG_CONFIG, XDG_CONFIG_HOME and HOME, which name wpkg's config.toml (config_file.c); each may be NULL. */
void cli_env_config(const char **wpkg_config, const char **xdg_config_home, const char **home);

#endif
