/* SPDX-License-Identifier: Apache-2.0 */
/* creds_helper.h - running docker-credential-NAME helpers (internal to libwpkg). */
#ifndef WPKG_CREDS_HELPER_H
#define WPKG_CREDS_HELPER_H

#include <stddef.h>

#include "wpkg/buf.h"
#include "wpkg/error.h"

/* The protocol caps what a helper may answer; more is refused, not truncated. */
#define WPKG_CREDS_HELPER_OUTPUT_MAX (64 * 1024)
/* A helper that hangs (waiting on a keychain prompt no one sees) is killed after this. */
#define WPKG_CREDS_HELPER_TIMEOUT_MS (60 * 1000)

/*
 * Runs "docker-credential-NAME ACTION" found on PATH (no shell), feeds it
 * input on stdin, collects its stdout into out (at most
 * WPKG_CREDS_HELPER_OUTPUT_MAX bytes) and waits for it.  Returns 0 when it
 * ran to an exit, with the exit status in *exit_code; WPKG_E_NOT_FOUND when
 * the program is not on PATH; WPKG_E_TOO_LARGE, WPKG_E_IO on anything else
 * (killed, timed out).  stderr goes to /dev/null.  The caller wipes out.
 */
int wpkg_creds_helper_exec(const char *name, const char *action, const char *input, size_t input_len,
			   struct wpkg_buf *out, int *exit_code, struct wpkg_error *err);

/* Zeroes every byte b ever held, then frees it. */
void wpkg_creds_buf_wipe(struct wpkg_buf *b);

#endif
