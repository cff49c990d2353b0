/* SPDX-License-Identifier: Apache-2.0 */
/* cli_auth_hint.h - the credentials' source for auth-failure hints ("which credentials, what failed, what to do"). */
#ifndef WPKG_CLI_AUTH_HINT_H
#define WPKG_CLI_AUTH_HINT_H

#include "wpkg/log.h"

/* Records where the credentials came from ("--username alice"); "" means none were found. */
void cli_auth_source_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A sink for wpkg_creds_lookup: the CLI's, also recording the source the lookup names (cleared first). */
void cli_auth_lookup_sink(struct wpkg_log_sink *out);
/* Warns about a DOCKER_CONFIG (its value, or NULL) that names a file, not a directory. */
void cli_auth_check_env(const char *docker_config);
/* After "wpkg: error: ...": the hint for WPKG_E_UNAUTHORIZED / WPKG_E_DENIED at host, naming the source. */
void cli_auth_hint(int code, const char *host);

#endif
