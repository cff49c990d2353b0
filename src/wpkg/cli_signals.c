/* SPDX-License-Identifier: Apache-2.0 */
/* cli_signals.c - on SIGINT, SIGTERM or SIGHUP: remove the registered temporaries, then die of that signal. */
#include <signal.h>
#include <string.h>

#include "wpkg/tempreg.h"
#include "cli_signals.h"

static void on_fatal_signal(int sig)
{
	wpkg_tempreg_remove_all();
	/*
	 * SA_RESETHAND put the default action back and SA_NODEFER leaves sig
	 * unblocked: raising it ends the process by that signal, so a shell
	 * still sees 130 (SIGINT) or 143 (SIGTERM).
	 */
	raise(sig);
}

void cli_signals_install(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal_signal;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction old;

		/* a signal ignored by whoever started us (nohup, a shell's background job) stays ignored */
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
}
