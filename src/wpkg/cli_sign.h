/* SPDX-License-Identifier: Apache-2.0 */
/* cli_sign.h - the signing commands and the key password they share (COSIGN_PASSWORD, stdin, a prompt). */
#ifndef WPKG_CLI_SIGN_H
#define WPKG_CLI_SIGN_H

#include <stdbool.h>

#include "wpkg/referrers.h"
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

/*
 * The --verify-key gate of pull and copy: the document at reference in s
 * must carry a signature (bundle referrer or legacy .sig layer) that verifies
 * with key for its digest.  On success *pinned is that digest (a summary
 * says which signature verified); the caller then reads by it, so a tag
 * moved meanwhile is not what gets written.  Otherwise err is set ("nothing
 * was written") and the status is WPKG_EXIT_NO_SIGNATURE,
 * WPKG_EXIT_UNVERIFIED or the store's.  A package reference (ns:name@ver)
 * goes through the same call once it resolves to a store and a reference.
 */
int cli_verify_gate(struct wpkg_digest *pinned, struct wpkg_store *s, const char *reference,
		    const struct wpkg_sigkey *key, const char *key_path, struct wpkg_error *err);

/* push --sbom: the CycloneDX SBOM of the one FILE, made in check (before the push), attached after it. */
struct cli_push_sbom {
	char dir[4096];                 /* the private directory, or "" */
	char path[4200];                /* DIR/NAME.cdx.json */
	time_t created;
	bool attached;
	struct wpkg_attach_result res;
};
/* From file's .dep-v0 section (no section: WPKG_E_NOT_FOUND, as wpkg sbom says it). */
int cli_push_sbom_prepare(struct cli_push_sbom *p, const char *file, struct wpkg_error *err);
int cli_push_sbom_attach(struct cli_push_sbom *p, struct wpkg_store *s, const struct wpkg_digest *subject,
			 struct wpkg_error *err);
/* {"digest", "artifactType", "referrers"} of the SBOM attached. */
json_t *cli_push_sbom_json(const struct cli_push_sbom *p);
void cli_push_sbom_clear(struct cli_push_sbom *p);

#endif
