/* SPDX-License-Identifier: Apache-2.0 */
/* cli_signals.h - SIGINT/SIGTERM/SIGHUP remove every temporary, then end the process by the same signal. */
#ifndef WPKG_CLI_SIGNALS_H
#define WPKG_CLI_SIGNALS_H

/* Installs the handlers; call once, before any command runs. */
void cli_signals_install(void);

#endif
