/* cmd_help.c - "wpkg help [COMMAND]": the overview, or one command's --help text. */
#include <stdio.h>

#include "cli.h"

static const struct cli_opt *const help_opts[] = { NULL };

static int run(const struct cli_command *cmd, int argc, char **argv)
{
	struct cli_args a;
	const struct cli_command *topic;
	const char *arg;
	int id;

	cli_args_init(&a, cmd, argc, argv);
	while ((id = cli_getopt(&a, &arg)) > 0)
		;
	if (id == CLI_HELP)
		return WPKG_EXIT_OK;
	if (id == CLI_ERROR)
		return WPKG_EXIT_USAGE;
	if (cli_npos(&a) > 1)
		return cli_usage_error(cmd, "too many arguments: '%s'", cli_pos(&a, 1));
	if (cli_npos(&a) == 0) {
		cli_print_help(stdout, &cli_main_command);
		return WPKG_EXIT_OK;
	}
	topic = cli_find_command(cli_pos(&a, 0));
	if (topic == NULL)
		return cli_unknown_command(cmd, cli_pos(&a, 0));
	cli_print_help(stdout, topic);
	return WPKG_EXIT_OK;
}

const struct cli_command cli_cmd_help = {
	"help", run, "Show help for wpkg or one of its commands", "[COMMAND]", help_opts,
};
