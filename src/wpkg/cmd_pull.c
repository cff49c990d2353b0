/* cmd_pull.c - placeholder until its owner lands it. */
#include <stdio.h>

#include "cli.h"

static int run(const struct cli_command *cmd, int argc, char **argv)
{
	(void)cmd; (void)argc; (void)argv;
	fputs("wpkg: error: pull is not implemented yet\n", stderr);
	return WPKG_EXIT_FAILURE;
}

const struct cli_command cli_cmd_pull = { "pull", run, "", "", NULL };
