/* SPDX-License-Identifier: Apache-2.0 */
/* cli_registry.h - the transport and credential options of every command that talks to a registry. */
#ifndef WPKG_CLI_REGISTRY_H
#define WPKG_CLI_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "wpkg/creds.h"
#include "wpkg/ref.h"
#include "wpkg/store.h"
#include "cli_opt.h"

struct cli_registry {
	struct wpkg_http_opts transport;
	const char *username;      /* -u */
	const char *password;      /* -p (discouraged; warns) */
	bool password_stdin;       /* --password-stdin */
	bool identity_token_stdin; /* --identity-token-stdin: an OAuth2 refresh token on standard input */
	const char *wkg_config;    /* --wkg-config: package names' wkg config */
	const char *wkg_lock;      /* pull --lock: a package name's version and layer digest from wkg.lock */
	const struct wpkg_credentials *credentials;  /* a package name's (names.c), used instead of the lookup */
	const char *config;        /* --config: wpkg's config.toml (config_file.c) */
	const char *auth_file;     /* --registry-config / --authfile: the one credentials file */
};

/* The values of cli_registry_opts (a process runs one command). */
extern struct cli_registry cli_reg;
extern const struct cli_opt_spec cli_registry_opts[];
/* How blobs are uploaded (cli_upload.c): --chunk-size, --monolithic, into cli_reg.transport. */
extern const struct cli_opt_spec cli_upload_opts[];

void cli_registry_init(struct cli_registry *r);
/* Turns the parsed --connect-timeout and --retries into r's transport options (after parsing). */
void cli_registry_apply(struct cli_registry *r);
/*
 * The options wpkg_store_open needs: r's HTTP options (r may be NULL: a
 * local store), credentials from r's flags, else from the credential
 * stores (wpkg_creds_lookup; read only when a registry is opened,
 * --password-stdin once), progress and the log.  r must outlive the store.
 * writable: a destination (a missing layout or archive is created).  Only
 * cli_store.c and login's check call it.
 */
void cli_registry_store_opts(struct wpkg_store_opts *out, struct cli_registry *r, bool writable);
/*
 * Credentials from the flags alone (-u with -p, --password-stdin or a
 * prompt on a terminal; --identity-token-stdin, with or without -u); *given
 * is false and out untouched when there was neither.  For login, which stores them.  Free out with wpkg_credentials_clear.
 */
int cli_registry_flag_credentials(struct wpkg_credentials *out, bool *given, struct cli_registry *r,
				  struct wpkg_error *err);
/* Prompts on the terminal (echo off when secret); NULL-free result in out. */
int cli_prompt(char *out, size_t size, const char *prompt, bool secret, struct wpkg_error *err);

#endif
