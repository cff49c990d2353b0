/* SPDX-License-Identifier: Apache-2.0 */
/* env.c - the one place wpkg reads its environment, handed to the library as its settings. */
#include <stdio.h>
#include <stdlib.h>

#include "env.h"
#include "wpkg/settings.h"

/* what cli_env_load handed the library, kept for cli_env_set_auth_file */
static struct wpkg_settings loaded;

int cli_env_load(struct wpkg_error *err)
{
	const char *upper_proxy = getenv("HTTP_PROXY");

	/* curl takes only the lower-case http_proxy (the CGI "httpoxy" guard); wpkg is no CGI script and
	 * wpkg(1) promises the upper-case form too */
	if (upper_proxy != NULL && *upper_proxy != '\0' && getenv("http_proxy") == NULL &&
	    setenv("http_proxy", upper_proxy, 0) != 0)
		return wpkg_error_nomem(err);
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

	loaded = s;
	return wpkg_settings_set(&s, err);
}

int cli_env_set_auth_file(const char *file, struct wpkg_error *err)
{
	struct wpkg_settings s = loaded;

	s.auth_file = file;
	return wpkg_settings_set(&s, err);
}

void cli_env_cache(const char **wpkg_cache, const char **xdg_cache_home, const char **home)
{
	*wpkg_cache = getenv("WPKG_CACHE");
	*xdg_cache_home = getenv("XDG_CACHE_HOME");
	*home = getenv("HOME");
}

void cli_env_tls(const char **ssl_cert_file, const char **ssl_cert_dir)
{
	*ssl_cert_file = getenv("SSL_CERT_FILE");
	*ssl_cert_dir = getenv("SSL_CERT_DIR");
}

void cli_env_tls_dirs(const char **home_certs_d, const char **system_certs_d)
{
	static char home_dir[4096];
	const char *home = getenv("HOME"), *sys = getenv("WPKG_CERTS_D_SYSTEM");
	int n;

	*home_certs_d = NULL;
	if (home != NULL && *home != '\0') {
		n = snprintf(home_dir, sizeof(home_dir), "%s/.docker/certs.d", home);
		if (n > 0 && (size_t)n < sizeof(home_dir))
			*home_certs_d = home_dir;
	}
	*system_certs_d = sys != NULL && *sys != '\0' ? sys : "/etc/docker/certs.d";
}

void cli_env_config(const char **wpkg_config, const char **xdg_config_home, const char **home)
{
	*wpkg_config = getenv("WPKG_CONFIG");
	*xdg_config_home = getenv("XDG_CONFIG_HOME");
	*home = getenv("HOME");
}
