/* SPDX-License-Identifier: Apache-2.0 */
/* exitcodes.h - wpkg's exit statuses, documented in wpkg(1) EXIT STATUS. */
#ifndef WPKG_CLI_EXITCODES_H
#define WPKG_CLI_EXITCODES_H

enum wpkg_exit {
	WPKG_EXIT_OK = 0,
	WPKG_EXIT_FAILURE = 1,     /* anything not below: local I/O, out of memory */
	WPKG_EXIT_USAGE = 2,       /* bad command line */
	WPKG_EXIT_BAD_INPUT = 3,   /* malformed Wasm, JSON, reference; unsupported media type */
	WPKG_EXIT_NOT_FOUND = 4,   /* file, repository, tag, manifest or blob missing */
	WPKG_EXIT_AUTH = 5,        /* credentials missing or refused, access denied */
	WPKG_EXIT_INTEGRITY = 6,   /* digest or size mismatch */
	WPKG_EXIT_NETWORK = 7,     /* connection, TLS, timeout, server errors after retries */
	/* wpkg verify, pull --verify-key and copy --verify-key (wpkg-verify(1)) */
	WPKG_EXIT_NO_SIGNATURE = 10,   /* no signature of the manifest was found */
	WPKG_EXIT_UNVERIFIED = 11,     /* signatures were found; none verifies with the key for this manifest */
};

/* Maps a negative WPKG_E_* status to the exit status above. */
int wpkg_exit_for_status(int status);

/*
 * Out of memory where no status can travel up (an option handler): says so
 * and exits WPKG_EXIT_FAILURE, never WPKG_EXIT_USAGE, for it is not the
 * user's mistake.
 */
_Noreturn void wpkg_exit_nomem(void);

#endif
