/* SPDX-License-Identifier: Apache-2.0 */
/* cli_password.c - the password of a signing key, from COSIGN_PASSWORD, standard input or the terminal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_sign.h"

#define PASSWORD_MAX 4096

static int from_stdin(struct wpkg_buf *out, struct wpkg_error *err)
{
	int c;

	while ((c = getchar()) != EOF && c != '\n') {
		if (out->len >= PASSWORD_MAX)
			return wpkg_error_set(err, WPKG_E_INVALID, "--password-stdin: password over %d bytes",
					      PASSWORD_MAX);
		if (wpkg_buf_putc(out, (char)c) < 0)
			return wpkg_error_nomem(err);
	}
	if (out->len > 0 && out->data[out->len - 1] == '\r')
		out->data[--out->len] = '\0';
	if (ferror(stdin))
		return wpkg_error_set(err, WPKG_E_IO, "--password-stdin: reading standard input failed");
	return 0;
}

int cli_key_password(void *payload, struct wpkg_buf *out, struct wpkg_error *err)
{
	const struct cli_key_password *p = payload;
	const char *env = getenv("COSIGN_PASSWORD");
	char first[PASSWORD_MAX], again[PASSWORD_MAX];
	int rc;

	/* cosign's own variable, so one CI secret serves both tools; an empty value is a valid password */
	if (env != NULL)
		return wpkg_buf_puts(out, env) < 0 ? wpkg_error_nomem(err) : 0;
	if (p->from_stdin)
		return from_stdin(out, err);
	rc = cli_prompt(first, sizeof(first), p->what, true, err);
	if (rc == 0 && p->confirm) {
		rc = cli_prompt(again, sizeof(again), "the same password again", true, err);
		if (rc == 0 && strcmp(first, again) != 0)
			rc = wpkg_error_set(err, WPKG_E_INVALID, "the two passwords differ");
		explicit_bzero(again, sizeof(again));
	}
	if (rc < 0 && strstr(err->msg, "no terminal") != NULL)
		rc = wpkg_error_set(err, WPKG_E_INVALID, "%s: no terminal to ask on; set COSIGN_PASSWORD or use "
				    "--password-stdin", p->what);
	if (rc == 0 && wpkg_buf_puts(out, first) < 0)
		rc = wpkg_error_nomem(err);
	explicit_bzero(first, sizeof(first));
	return rc;
}
