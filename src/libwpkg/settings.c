/* SPDX-License-Identifier: Apache-2.0 */
/* settings.c - the copy of the caller's settings every module reads instead of the environment. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "wpkg/settings.h"

/* The fields in one list, so copying and freeing cannot miss one. */
#define SETTINGS_FIELDS(s) \
	&(s)->tmpdir, &(s)->source_date_epoch, &(s)->helper_path, &(s)->creds.home, \
	&(s)->creds.docker_config, &(s)->creds.registry_auth_file, &(s)->creds.xdg_runtime_dir, \
	&(s)->archive_max_entry, &(s)->archive_max_entries, &(s)->auth_file
#define SETTINGS_N 10

static struct wpkg_settings current;
static char *owned[SETTINGS_N];   /* the copies current points at */

int wpkg_settings_set(const struct wpkg_settings *s, struct wpkg_error *err)
{
	static const struct wpkg_settings defaults;
	const struct wpkg_settings *from = s != NULL ? s : &defaults;
	const char *const *src[] = { SETTINGS_FIELDS(from) };
	struct wpkg_settings next = { 0 };
	const char **dst[] = { SETTINGS_FIELDS(&next) };
	char *copy[SETTINGS_N] = { NULL };
	bool ok = true;
	size_t i;

	_Static_assert(sizeof(src) / sizeof(src[0]) == SETTINGS_N, "SETTINGS_N counts SETTINGS_FIELDS");
	for (i = 0; i < SETTINGS_N; i++) {
		if (*src[i] == NULL)
			continue;
		copy[i] = strdup(*src[i]);
		ok = ok && copy[i] != NULL;
		*dst[i] = copy[i];
	}
	if (!ok) {
		for (i = 0; i < SETTINGS_N; i++)
			free(copy[i]);
		return wpkg_error_nomem(err);
	}
	for (i = 0; i < SETTINGS_N; i++) {
		free(owned[i]);
		owned[i] = copy[i];
	}
	current = next;
	return 0;
}

const struct wpkg_settings *wpkg_settings_get(void)
{
	return &current;
}

const char *wpkg_settings_tmpdir(void)
{
	return current.tmpdir != NULL && current.tmpdir[0] != '\0' ? current.tmpdir : "/tmp";
}
