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
