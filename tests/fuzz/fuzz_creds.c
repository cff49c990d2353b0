/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_creds.c - libFuzzer target: config.json parsing, key matching, auth decoding and rewriting on arbitrary bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wpkg/settings.h"
#include "wpkg/creds.h"

#include "fuzz_scratch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char config_path[320];

/* A private DOCKER_CONFIG, and a PATH where no credential helper can be found. */
static void setup(void)
{
	const char *dir = fuzz_scratch_dir("wpkg-fuzz-creds");
	struct wpkg_settings settings = { 0 };

	snprintf(config_path, sizeof(config_path), "%s/config.json", dir);
	/* no auth.json, no helper: only the config.json under test is read */
	settings.creds.docker_config = dir;
	settings.helper_path = "/nonexistent";
	if (wpkg_settings_set(&settings, NULL) < 0)
		abort();
}

/* Results are all-or-nothing and errors are one line. */
static void check(int rc, const struct wpkg_error *err, const struct wpkg_credentials *c)
{
	if (rc < 0 && (err->code != rc || err->msg[0] == '\0' || strchr(err->msg, '\n') != NULL))
		__builtin_trap();
	if (rc < 0 && (c->username || c->password || c->identity_token))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const hosts[] = { "r.example", "docker.io", "localhost:5000" };
	FILE *f;

	if (config_path[0] == '\0')
		setup();
	f = fopen(config_path, "wb");
	if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
	for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		struct wpkg_credentials c = { 0 };
		struct wpkg_error err = { 0 };
		int rc = wpkg_creds_lookup(&c, hosts[i], NULL, &err);

		check(rc, &err, &c);
		wpkg_credentials_clear(&c);
	}
	{
		struct wpkg_error err = { 0 };
		int rc = wpkg_creds_erase("r.example", &err);

		if (rc < 0 && (err.code != rc || strchr(err.msg, '\n') != NULL))
			__builtin_trap();
	}
	return 0;
}
