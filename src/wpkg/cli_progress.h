/* SPDX-License-Identifier: Apache-2.0 */
/* cli_progress.h - transfer progress on stderr: redrawn lines on a terminal, plain periodic lines elsewhere. */
#ifndef WPKG_CLI_PROGRESS_H
#define WPKG_CLI_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

/* The progress callback of wpkg_store_opts (id: a digest); draws per cli_g.progress. */
void cli_progress(void *payload, const char *id, uint64_t done, uint64_t total);
/* Names a blob's line (its file title or media type) before its transfer starts. */
void cli_progress_title(const char *digest, const char *title);
/* The same as the library's wpkg_progress_label_fn (a pull names its layers). */
void cli_progress_label(void *payload, const char *id, const char *label);
/* Ends every transfer line (cleared on a terminal). */
void cli_progress_done(void);
/* Ends a line being drawn, so a message can start at column 0. */
void cli_progress_interrupt(void);
/* True when progress is to be reported at all. */
bool cli_progress_enabled(void);

#endif
