/* SPDX-License-Identifier: Apache-2.0 */
/* cli_sign.h - the signing commands and the key password they share (COSIGN_PASSWORD, stdin, a prompt). */
#ifndef WPKG_CLI_SIGN_H
#define WPKG_CLI_SIGN_H

#include <stdbool.h>

#include "wpkg/sign.h"
#include "cli_run.h"

extern const struct cli_command cli_cmd_key, cli_cmd_sbom, cli_cmd_sign, cli_cmd_verify;

/* Where a key password comes from: COSIGN_PASSWORD when set, else stdin (--password-stdin), else the terminal. */
struct cli_key_password {
	bool from_stdin;
	bool confirm;        /* a new key: ask twice on a terminal */
	const char *what;    /* "password for cosign.key" */
};

/* A wpkg_password_fn: payload is a struct cli_key_password. */
int cli_key_password(void *payload, struct wpkg_buf *out, struct wpkg_error *err);

#endif
