/* SPDX-License-Identifier: Apache-2.0 */
/* cli_sign.h - the signing commands and the key password they share (COSIGN_PASSWORD, stdin, a prompt). */
#ifndef WPKG_CLI_SIGN_H
#define WPKG_CLI_SIGN_H

#include <stdbool.h>

#include "cli.h"
#include "wpkg/sign.h"

extern const struct cli_command cli_cmd_key, cli_cmd_sbom, cli_cmd_sign, cli_cmd_verify;

/* wpkg verify's own exit statuses besides 0 (verified) and the common ones (wpkg(1), wpkg-verify(1)). */
enum {
	WPKG_EXIT_NO_SIGNATURE = 10,   /* no signature of the manifest was found */
	WPKG_EXIT_UNVERIFIED = 11,     /* signatures were found; none verifies with the key for this manifest */
};

/* Where a key password comes from: COSIGN_PASSWORD when set, else stdin (--password-stdin), else the terminal. */
struct cli_key_password {
	bool from_stdin;
	bool confirm;        /* a new key: ask twice on a terminal */
	const char *what;    /* "password for cosign.key" */
};

/* A wpkg_password_fn: payload is a struct cli_key_password. */
int cli_key_password(void *payload, struct wpkg_buf *out, struct wpkg_error *err);

#endif
