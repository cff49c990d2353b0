/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_help.c - "wpkg help [COMMAND]": the overview, or one command's --help text. */
#include <stdio.h>

#include "cli_run.h"

static int run(struct cli_run *r)
{
	const struct cli_command *topic;

	if (r->pos.n > 1)
		return cli_usage_error(r->cmd->name, "too many arguments: '%s'", r->pos.v[1]);
	if (r->pos.n == 0) {
		cli_print_help(stdout, &cli_main_command);
		return WPKG_EXIT_OK;
	}
	topic = cli_find_command(r->pos.v[0]);
	if (topic == NULL)
		return cli_unknown_command(r->cmd->name, r->pos.v[0]);
	cli_print_help(stdout, topic);
	return WPKG_EXIT_OK;
}

const struct cli_command cli_cmd_help = {
	.name = "help",
	.summary = "Show help for wpkg or one of its commands",
	.usage = "[COMMAND]",
	.min_pos = 0, .max_pos = -1,
	.run = run,
};
