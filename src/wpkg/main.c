/* main.c - the command table and the dispatch from "wpkg [OPTIONS] COMMAND ..." to a command. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_sign.h"
#include "wpkg_version.h"

enum { OPT_VERSION = 1 };

const struct cli_command *const cli_commands[] = {
	&cli_cmd_build, &cli_cmd_inspect, &cli_cmd_push, &cli_cmd_pull, &cli_cmd_tags, &cli_cmd_tag,
	&cli_cmd_delete, &cli_cmd_copy, &cli_cmd_attach, &cli_cmd_discover, &cli_cmd_login, &cli_cmd_logout,
	&cli_cmd_sign, &cli_cmd_verify, &cli_cmd_key, &cli_cmd_sbom,
	&cli_cmd_help, NULL,
};

static const struct cli_opt main_opts[] = {
	{ "version", 'V', NULL, "print the version and exit", OPT_VERSION },
	CLI_OPT_END,
};
static const struct cli_opt *const main_opt_tables[] = { main_opts, NULL };

const struct cli_command cli_main_command = {
	"wpkg", NULL, "Package WebAssembly components as OCI artifacts and move them to and from registries",
	"[OPTIONS] COMMAND [ARGS...]", main_opt_tables,
};

const struct cli_command *cli_find_command(const char *name)
{
	for (const struct cli_command *const *c = cli_commands; *c != NULL; c++)
		if (strcmp((*c)->name, name) == 0)
			return *c;
	return NULL;
}

/* Levenshtein distance, capped: command names are short. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t row[33];

	if (la > 32 || lb > 32)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* The closest command name to a mistyped one, or NULL. */
static const char *suggest_command(const char *name)
{
	const char *best = NULL;
	size_t best_d = 3;   /* more than two edits away is no longer a typo */

	for (const struct cli_command *const *c = cli_commands; *c != NULL; c++) {
		size_t d = edit_distance(name, (*c)->name);

		if (d < best_d) {
			best_d = d;
			best = (*c)->name;
		}
	}
	return best;
}

int cli_unknown_command(const struct cli_command *cmd, const char *name)
{
	const char *suggestion = suggest_command(name);

	if (suggestion != NULL)
		return cli_usage_error(cmd, "unknown command '%s' (did you mean '%s'?)", name, suggestion);
	return cli_usage_error(cmd, "unknown command '%s'", name);
}

int main(int argc, char **argv)
{
	struct cli_args a;
	const struct cli_command *cmd;
	const char *arg;
	int id;


	cli_args_init(&a, &cli_main_command, argc, argv);
	a.stop_at_positional = true;
	while ((id = cli_getopt(&a, &arg)) > 0) {
		if (id == OPT_VERSION) {
			printf("wpkg %s\n", WPKG_VERSION);
			return cli_finish(WPKG_EXIT_OK);
		}
	}
	if (id == CLI_HELP)
		return cli_finish(WPKG_EXIT_OK);
	if (id == CLI_ERROR)
		return WPKG_EXIT_USAGE;
	if (cli_npos(&a) == 0) {
		cli_print_help(stderr, &cli_main_command);
		return WPKG_EXIT_USAGE;
	}

	cmd = cli_find_command(cli_pos(&a, 0));
	if (cmd == NULL)
		return cli_unknown_command(&cli_main_command, cli_pos(&a, 0));
	return cli_finish(cmd->run(cmd, argc - a.index, argv + a.index));
}
