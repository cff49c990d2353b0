/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/settings.h - what the library would otherwise take from the environment, given to it once by its caller. */
#ifndef WPKG_SETTINGS_H
#define WPKG_SETTINGS_H

#include "wpkg/common.h"
#include "wpkg/error.h"

WPKG_BEGIN_DECL

/*
 * libwpkg never reads the environment: the program that embeds it decides
 * where temporaries go, which clock a build uses and where credentials live,
 * and hands that over here.  wpkg itself fills every field from the variable
 * named beside it (src/wpkg/env.c).  Every field may be NULL (or ""), which
 * means the default given.
 */
struct wpkg_creds_paths {
	const char *home;               /* HOME: ~/.docker/config.json; NULL: the password database's home */
	const char *docker_config;      /* DOCKER_CONFIG: the directory holding config.json */
	const char *registry_auth_file; /* REGISTRY_AUTH_FILE: a containers-auth.json file */
	const char *xdg_runtime_dir;    /* XDG_RUNTIME_DIR: containers/auth.json beneath it */
};

struct wpkg_settings {
	const char *tmpdir;             /* TMPDIR: temporaries with no destination; NULL: /tmp */
	/* SOURCE_DATE_EPOCH, as given: wpkg_build_time() checks it; NULL: the current time.  ("" is
	 * a value, and an invalid one, as reproducible-builds.org asks.) */
	const char *source_date_epoch;
	const char *helper_path;        /* PATH: where docker-credential-* helpers are found; NULL: /usr/local/bin:/usr/bin:/bin */
	struct wpkg_creds_paths creds;
	/* Default caps on oci-archive: entries (WPKG_ARCHIVE_MAX_ENTRY, _ENTRIES), as given: a
	 * value that is not a positive number is warned about and the built-in cap used. */
	const char *archive_max_entry;
	const char *archive_max_entries;
	/* One credentials file (docker config.json format: "auths", credHelpers, credsStore) that replaces
	 * config.json and auth.json for lookups, and that login writes: wpkg's --registry-config/--authfile. */
	const char *auth_file;
};

/*
 * Copies s (every string) as the settings of every later call; s NULL
 * restores the defaults.  Not thread-safe: call it before any other work.
 * Returns 0 or WPKG_E_NOMEM, keeping the previous settings on failure.
 */
WPKG_API int wpkg_settings_set(const struct wpkg_settings *s, struct wpkg_error *err);

/* The settings in force (never NULL; borrowed, valid until the next wpkg_settings_set). */
WPKG_API const struct wpkg_settings *wpkg_settings_get(void);

/* The directory for temporaries: settings' tmpdir, or "/tmp" when it is unset or empty. */
WPKG_API const char *wpkg_settings_tmpdir(void);

WPKG_END_DECL

#endif
