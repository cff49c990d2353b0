/* SPDX-License-Identifier: Apache-2.0 */
/* env.c - the one place wpkg reads its environment, handed to the library as its settings. */
#include <stdlib.h>

#include "env.h"
#include "wpkg/settings.h"

int cli_env_load(struct wpkg_error *err)
{
	const struct wpkg_settings s = {
		.tmpdir = getenv("TMPDIR"),
		.source_date_epoch = getenv("SOURCE_DATE_EPOCH"),
		.helper_path = getenv("PATH"),
		.creds = {
			.home = getenv("HOME"),
			.docker_config = getenv("DOCKER_CONFIG"),
			.registry_auth_file = getenv("REGISTRY_AUTH_FILE"),
			.xdg_runtime_dir = getenv("XDG_RUNTIME_DIR"),
		},
		.archive_max_entry = getenv("WPKG_ARCHIVE_MAX_ENTRY"),
		.archive_max_entries = getenv("WPKG_ARCHIVE_MAX_ENTRIES"),
	};

	return wpkg_settings_set(&s, err);
}

void cli_env_cache(const char **wpkg_cache, const char **xdg_cache_home, const char **home)
{
	*wpkg_cache = getenv("WPKG_CACHE");
	*xdg_cache_home = getenv("XDG_CACHE_HOME");
	*home = getenv("HOME");
}
