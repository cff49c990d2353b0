/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/creds.h - credentials: Docker config.json, credential helpers, containers auth.json. */
#ifndef WPKG_CREDS_H
#define WPKG_CREDS_H

#include "wpkg/common.h"
#include "wpkg/error.h"
#include "wpkg/log.h"

WPKG_BEGIN_DECL

/* All NULL: anonymous.  An identity token may come without a username. */
struct wpkg_credentials {
	char *username;
	char *password;
	char *identity_token;    /* OAuth2 refresh token ("identitytoken"), exchanged for access tokens */
	char *bearer_token;      /* a static token sent as "Authorization: Bearer TOKEN" to that registry only
				    (wkg's WKG_REGISTRY_<HOST>_AUTH_BEARER); wins over the others */
};

/* Zeroes the secrets before freeing them. */
WPKG_API void wpkg_credentials_clear(struct wpkg_credentials *c);

/*
 * Looks up credentials for a registry host ("ghcr.io", "localhost:5000";
 * "docker.io" uses the key "https://index.docker.io/v1/"), in this order:
 * Docker config.json ($DOCKER_CONFIG or ~/.docker): credHelpers[host], then
 * credsStore, then auths[host] ("auth" base64 user:pass, "identitytoken");
 * then containers auth.json ($REGISTRY_AUTH_FILE, else
 * $XDG_RUNTIME_DIR/containers/auth.json); the settings' auth_file, when
 * set, is the one file read instead.  Nothing found is not an error:
 * *out stays empty.  A helper that is missing or fails logs a warning and
 * counts as nothing found.  Warnings and debug messages go to log (may be NULL).
 */
WPKG_API int wpkg_creds_lookup(struct wpkg_credentials *out, const char *registry, const struct wpkg_log_sink *log,
		      struct wpkg_error *err);

/*
 * Stores credentials for registry: in credHelpers[host] or credsStore when
 * one is configured, else in config.json (or the settings' auth_file; created mode 0600, folder 0700,
 * replaced atomically, other entries kept).  Says where at info level on log (may be NULL).
 */
WPKG_API int wpkg_creds_store(const char *registry, const struct wpkg_credentials *c, const struct wpkg_log_sink *log,
		     struct wpkg_error *err);
/* Removes them from wherever store put them. WPKG_E_NOT_FOUND if there were none. */
WPKG_API int wpkg_creds_erase(const char *registry, struct wpkg_error *err);

/* The key config.json uses for a registry host. Static or pointer into registry. */
WPKG_API const char *wpkg_creds_key(const char *registry);

/*
 * The registry host a REGISTRY argument names, lowercased: "Host:5000",
 * "https://host/" and "http://host/v2/" all give "host:5000" / "host".  Every
 * function above accepts the same spellings.  Caller frees *out.
 */
WPKG_API int wpkg_creds_host(char **out, const char *registry, struct wpkg_error *err);

WPKG_END_DECL

#endif
