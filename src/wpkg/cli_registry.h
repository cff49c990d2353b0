/* SPDX-License-Identifier: Apache-2.0 */
/* cli_registry.h - the transport and credential options of every command that talks to a registry. */
#ifndef WPKG_CLI_REGISTRY_H
#define WPKG_CLI_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "wpkg/creds.h"
#include "wpkg/ref.h"
#include "wpkg/registry.h"
#include "cli_opt.h"

struct cli_registry {
	struct wpkg_transport_opts transport;
	const char *username;      /* -u */
	const char *password;      /* -p (discouraged; warns) */
	bool password_stdin;       /* --password-stdin */
};

/* The values of cli_registry_opts (a process runs one command). */
extern struct cli_registry cli_reg;
extern const struct cli_opt_spec cli_registry_opts[];

void cli_registry_init(struct cli_registry *r);
/* Turns the parsed --connect-timeout and --retries into r's transport options (after parsing). */
void cli_registry_apply(struct cli_registry *r);
/*
 * Opens a client for ref's registry with r's transport options and
 * credentials from its flags, else from the credential stores
 * (wpkg_creds_lookup).  Reads --password-stdin once.  Only cli_store.c calls
 * it (and login, which checks credentials before storing them).
 */
int cli_registry_connect(struct wpkg_registry **out, struct cli_registry *r, const struct wpkg_ref *ref,
			 struct wpkg_error *err);
/*
 * Credentials from the flags alone (-u with -p, --password-stdin or a
 * prompt on a terminal); *given is false and out untouched when there was no
 * -u.  For login, which stores them.  Free out with wpkg_credentials_clear.
 */
int cli_registry_flag_credentials(struct wpkg_credentials *out, bool *given, struct cli_registry *r,
				  struct wpkg_error *err);
/* Prompts on the terminal (echo off when secret); NULL-free result in out. */
int cli_prompt(char *out, size_t size, const char *prompt, bool secret, struct wpkg_error *err);

#endif
