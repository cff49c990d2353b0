/* SPDX-License-Identifier: Apache-2.0 */
/* cli_output.h - what the front end prints: results on stdout; errors, notes, summaries and progress on stderr. */
#ifndef WPKG_CLI_OUTPUT_H
#define WPKG_CLI_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "wpkg/error.h"
#include "wpkg/log.h"

enum cli_progress_mode {
	CLI_PROGRESS_AUTO,   /* tty when stderr is a terminal, else plain */
	CLI_PROGRESS_TTY,    /* redrawn lines */
	CLI_PROGRESS_PLAIN,  /* a line every 10 s or 10% of a large transfer, no control characters */
	CLI_PROGRESS_NONE,
};

/* The global flags, set wherever they appear on the command line. */
struct cli_global {
	bool json;          /* --format json (--json): one JSON document on stdout */
	bool quiet;         /* -q: no progress, no summaries; results are still printed */
	bool debug;         /* -d/--debug: HTTP exchange on stderr, credentials masked */
	int progress;       /* enum cli_progress_mode */
};
extern struct cli_global cli_g;

/* "wpkg: error: <err->msg>" (+ "wpkg: hint: run: wpkg login HOST" on a 401 naming HOST); the mapped exit status. */
int cli_fail(const struct wpkg_error *err);
int cli_fail_host(const struct wpkg_error *err, const char *host);
/* Remembered by the registry connection for cli_fail's login hint. */
extern const char *cli_last_registry;
/* "wpkg: warning: ..." on stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "wpkg: note: ..." on stderr unless -q: what wpkg assumed for the user. */
void cli_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A result (digest, tag, path, inspect line) on stdout; -q does not hide it. */
void cli_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A summary on stderr ("wpkg: pushed ..."), hidden by -q. */
void cli_summary(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints one JSON document (indented, newline) on stdout and steals the reference. */
void cli_out_json(json_t *doc);
/* Flushes stdout and turns a write error into WPKG_EXIT_FAILURE; use as "return cli_finish(rc)". */
int cli_finish(int rc);
/* "58.4 KiB" (powers of 1024, one decimal above bytes). */
void cli_human_bytes(char *out, size_t size, uint64_t n);

/* The least level shown: debug with --debug, warnings only with -q, else info. */
enum wpkg_log_level cli_log_level(void);
/* The sink the library reports through (stores, packers, credential lookups): cli_log_handler at that level. */
void cli_log_sink(struct wpkg_log_sink *out);
void cli_log_handler(void *payload, enum wpkg_log_level level, const char *msg);

#include "cli_progress.h"

#endif
