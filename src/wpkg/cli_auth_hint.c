/* SPDX-License-Identifier: Apache-2.0 */
/* cli_auth_hint.c - which credentials a registry was given, and the hint an auth failure gets from that. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "wpkg/error.h"
#include "cli_auth_hint.h"
#include "cli_output.h"

/* "--username alice", "docker-credential-pass", "/home/a/.docker/config.json"; "" when none were found */
static char source[512];
static bool looked_up;

void cli_auth_source_set(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(source, sizeof(source), fmt, ap);
	va_end(ap);
	looked_up = true;
}

/* The CLI's sink, except that the lookup's "credentials for HOST from WHERE" is kept as the source. */
static void lookup_sink(void *payload, enum wpkg_log_level level, const char *msg)
{
	const char *from = strstr(msg, " from ");

	(void)payload;
	if (level == WPKG_LOG_DEBUG && strncmp(msg, "credentials for ", 16) == 0 && from != NULL)
		cli_auth_source_set("%s", from + 6);
	if (level >= cli_log_level())
		cli_log_handler(NULL, level, msg);
}

void cli_auth_lookup_sink(struct wpkg_log_sink *out)
{
	out->fn = lookup_sink;
	out->payload = NULL;
	out->min = WPKG_LOG_DEBUG;
	source[0] = '\0';
	looked_up = true;
}

void cli_auth_check_env(const char *docker_config)
{
	struct stat st;

	if (docker_config != NULL && stat(docker_config, &st) == 0 && !S_ISDIR(st.st_mode))
		cli_warn("DOCKER_CONFIG=%s is a file, but it names the directory that holds config.json: "
			 "set DOCKER_CONFIG to that file's directory (it is ignored now)", docker_config);
}

void cli_auth_hint(int code, const char *host)
{
	if (host == NULL || !looked_up)
		return;
	if (code == WPKG_E_UNAUTHORIZED && source[0] == '\0')
		fprintf(stderr, "wpkg: hint: no credentials for %s were found (-u, config.json, credential helpers, "
			"auth.json): run: wpkg login %s, or pass -u USER --password-stdin\n", host, host);
	else if (code == WPKG_E_UNAUTHORIZED && strncmp(source, "--", 2) == 0)
		fprintf(stderr, "wpkg: hint: %s refused %s: check the user name and the password or token\n", host,
			source);
	else if (code == WPKG_E_UNAUTHORIZED)
		fprintf(stderr, "wpkg: hint: %s refused the credentials from %s: run: wpkg login %s to replace them\n",
			host, source, host);
	else if (code == WPKG_E_DENIED && source[0] == '\0')
		fprintf(stderr, "wpkg: hint: %s allows this to no anonymous user: run: wpkg login %s, or pass -u USER "
			"--password-stdin\n", host, host);
	else if (code == WPKG_E_DENIED)
		fprintf(stderr, "wpkg: hint: the credentials from %s are valid, but %s does not allow them this on "
			"that repository: check its name, or ask for push/pull access\n", source, host);
}
