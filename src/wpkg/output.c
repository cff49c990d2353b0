/* SPDX-License-Identifier: Apache-2.0 */
/* output.c - what the front end prints: results on stdout, errors, warnings, notes and library logs on stderr. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wpkg/escape.h"
#include "cli_auth_hint.h"
#include "cli_output.h"
#include "exitcodes.h"

struct cli_global cli_g = { false, false, false, CLI_PROGRESS_AUTO };

const char *cli_last_registry;

/* Set when a result could not even be formatted, so cli_finish does not report success. */
static bool out_failed;

/*
 * Writes text to f escaped (wpkg_escape): server-supplied strings (error text,
 * titles, media types, tags, annotations) reach a terminal only through here,
 * so none can move the cursor, retitle the window or forge a line.
 */
static void put_escaped(FILE *f, const char *text, unsigned flags)
{
	size_t len = strlen(text);
	char *shown = len < (SIZE_MAX - 1) / 4 ? malloc(4 * len + 1) : NULL;

	if (shown == NULL) {
		fputs("[text not shown: out of memory]", f);
		out_failed = true;
		return;
	}
	wpkg_escape(shown, 4 * len + 1, text, len, flags);
	fputs(shown, f);
	free(shown);
}

static void vput_escaped(FILE *f, const char *fmt, va_list ap, unsigned flags)
{
	char *text = NULL;

	if (vasprintf(&text, fmt, ap) < 0) {
		fputs("[text not shown: out of memory]", f);
		out_failed = true;
		return;
	}
	put_escaped(f, text, flags);
	free(text);
}

/* What to do about a registry's "no such tag" or "no such repository" (its error code is in the message). */
static const char *not_found_hint(const char *msg)
{
	if (strstr(msg, " MANIFEST_UNKNOWN"))
		return " (no such tag or digest: list the tags with 'wpkg tags REPO')";
	if (strstr(msg, " NAME_UNKNOWN"))
		return " (no such repository: check the name; a push creates it)";
	return "";
}

int cli_fail_host(const struct wpkg_error *err, const char *host)
{
	int code = err->code < 0 ? err->code : WPKG_E_IO;

	cli_progress_interrupt();
	fputs("wpkg: error: ", stderr);
	put_escaped(stderr, err->msg[0] != '\0' ? err->msg : wpkg_status_str(code), 0);
	if (code == WPKG_E_NOT_FOUND)
		fputs(not_found_hint(err->msg), stderr);
	fputc('\n', stderr);
	if ((code == WPKG_E_UNAUTHORIZED || code == WPKG_E_DENIED) && host != NULL && strstr(err->msg, host) != NULL)
		cli_auth_hint(code, host);
	return wpkg_exit_for_status(code);
}

int cli_fail(const struct wpkg_error *err)
{
	return cli_fail_host(err, cli_last_registry);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	cli_progress_interrupt();
	fputs("wpkg: warning: ", stderr);
	va_start(ap, fmt);
	vput_escaped(stderr, fmt, ap, 0);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_note(const char *fmt, ...)
{
	va_list ap;

	if (cli_g.quiet)
		return;
	cli_progress_interrupt();
	fputs("wpkg: note: ", stderr);
	va_start(ap, fmt);
	vput_escaped(stderr, fmt, ap, 0);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_out(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vput_escaped(stdout, fmt, ap, WPKG_ESCAPE_KEEP_LINES);
	va_end(ap);
}

void cli_summary(const char *fmt, ...)
{
	va_list ap;

	if (cli_g.quiet)
		return;
	cli_progress_interrupt();
	fputs("wpkg: ", stderr);
	va_start(ap, fmt);
	vput_escaped(stderr, fmt, ap, 0);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_human_bytes(char *out, size_t size, uint64_t n)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	size_t u = 0;

	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(out, size, "%" PRIu64 " B", n);
	else
		snprintf(out, size, "%.1f %s", v, units[u]);
}

void cli_out_json(json_t *doc)
{
	if (doc == NULL || json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0) {
		fputs("wpkg: error: cannot format the JSON result: out of memory\n", stderr);
		out_failed = true;
	} else {
		fputc('\n', stdout);
	}
	json_decref(doc);
}

int cli_finish(int rc)
{
	cli_progress_done();
	if (fflush(stdout) != 0 || ferror(stdout)) {
		int e = errno;

		if (rc == WPKG_EXIT_OK) {
			fprintf(stderr, "wpkg: error: write to standard output: %s\n", strerror(e));
			rc = WPKG_EXIT_FAILURE;
		}
	}
	if (out_failed && rc == WPKG_EXIT_OK)
		rc = WPKG_EXIT_FAILURE;
	return rc;
}

enum wpkg_log_level cli_log_level(void)
{
	if (cli_g.debug)
		return WPKG_LOG_DEBUG;
	return cli_g.quiet ? WPKG_LOG_WARN : WPKG_LOG_INFO;
}

void cli_log_sink(struct wpkg_log_sink *out)
{
	out->fn = cli_log_handler;
	out->payload = NULL;
	out->min = cli_log_level();
}

void cli_log_handler(void *payload, enum wpkg_log_level level, const char *msg)
{
	(void)payload;
	cli_progress_interrupt();
	fputs(level == WPKG_LOG_WARN ? "wpkg: warning: " : level == WPKG_LOG_DEBUG ? "wpkg: debug: " : "wpkg: ",
	      stderr);
	put_escaped(stderr, msg, 0);
	fputc('\n', stderr);
}
