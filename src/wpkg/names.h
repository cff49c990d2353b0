/* SPDX-License-Identifier: Apache-2.0 */
/* names.h - the front end's side of package names: which wkg config, the well-known fetch, credentials. */
#ifndef WPKG_NAMES_H
#define WPKG_NAMES_H

#include "wpkg/creds.h"
#include "wpkg/wkg_config.h"

struct names {
	struct wpkg_wkg_config cfg;
	struct wpkg_wkg_resolver resolver;
	char path[4096];          /* the config file chosen (read or not) */
	const char *path_from;    /* "--wkg-config", "WKG_CONFIG_FILE" or "default" */
	int explicit_file;
	int loaded;
};

/*
 * Chooses and reads the wkg config: flag_path (--wkg-config), else
 * $WKG_CONFIG_FILE (both explicit: no built-in fallbacks, the file must
 * exist), else $XDG_CONFIG_HOME/wasm-pkg/config.toml (~/.config when unset).
 */
int names_open(struct names *n, const char *flag_path, struct wpkg_error *err);
void names_close(struct names *n);

/*
 * Credentials for t's OCI host in wkg's order: WKG_REGISTRY_<HOST>_AUTH_BEARER,
 * the config's auth, Docker credentials, anonymous.  *source names the one
 * used ("env", "config", "docker", "anonymous").
 */
int names_credentials(struct wpkg_credentials *out, const char **source, const struct wpkg_wkg_target *t,
		      const struct wpkg_log_sink *log, struct wpkg_error *err);

/*
 * Writes r's extra_root_certificates (PEM as given, DER converted) to a new
 * temporary file and puts its path in path (caller unlinks it).  For the
 * transport's CA bundle, as --ca-file.
 */
int names_ca_file(char *path, size_t size, const struct wpkg_wkg_registry *r, struct wpkg_error *err);

#endif
