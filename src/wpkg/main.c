/* SPDX-License-Identifier: Apache-2.0 */
/* main.c - the command table and the dispatch from "wpkg [OPTIONS] COMMAND ..." to a command. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_cache.h"
#include "cli_run.h"
#include "cli_sign.h"
#include "cli_signals.h"
#include "env.h"
#include "exitcodes.h"
#include "wpkg/global.h"

const struct cli_command *const cli_commands[] = {
	&cli_cmd_build, &cli_cmd_inspect, &cli_cmd_push, &cli_cmd_publish, &cli_cmd_pull, &cli_cmd_tags, &cli_cmd_tag,
	&cli_cmd_delete, &cli_cmd_resolve, &cli_cmd_manifest, &cli_cmd_blob, &cli_cmd_copy, &cli_cmd_attach, &cli_cmd_discover,
	&cli_cmd_login, &cli_cmd_logout, &cli_cmd_sign, &cli_cmd_verify, &cli_cmd_key, &cli_cmd_sbom,
	&cli_cmd_cache, &cli_cmd_config, &cli_cmd_completion, &cli_cmd_version, &cli_cmd_help, NULL,
};

static bool show_version;

static const struct cli_opt_spec main_opts[] = {
	{ CLI_OPT_SWITCH, "version", 'V', &show_version, NULL, "print the versions (as wpkg version) and exit" },
	CLI_OPT_END,
};

const struct cli_command cli_main_command = {
	.name = "wpkg",
	.summary = "Package WebAssembly components as OCI artifacts and move them to and from registries",
	.usage = "[OPTIONS] COMMAND [ARGS...]",
	.opts = main_opts,
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

int cli_unknown_command(const char *prog, const char *name)
{
	const char *suggestion = suggest_command(name);

	if (suggestion != NULL)
		return cli_usage_error(prog, "unknown command '%s' (did you mean '%s'?)", name, suggestion);
	return cli_usage_error(prog, "unknown command '%s'", name);
}

/* Everything main does between the library's global set-up and clean-up. */
static int run(int argc, char **argv)
{
	const struct cli_opt_spec *const tables[] = { main_opts, cli_global_opts, NULL };
	const struct cli_command *cmd;
	struct cli_pos pos;
	int rc;

	rc = cli_opt_parse(&pos, tables, NULL, argc, argv, true);
	if (rc == CLI_HELP)
		return cli_finish(WPKG_EXIT_OK);
	if (rc == CLI_ERROR)
		return WPKG_EXIT_USAGE;
	if (show_version)
		return cli_finish(cli_run_command(&cli_cmd_version, 1, (char *[]){ (char *)"version", NULL }));
	if (pos.n == 0) {
		cli_print_help(stderr, &cli_main_command);
		return WPKG_EXIT_USAGE;
	}
	cmd = cli_find_command(pos.v[0]);
	if (cmd == NULL)
		return cli_unknown_command(NULL, pos.v[0]);
	return cli_finish(cli_run_command(cmd, pos.n, pos.v));
}

int main(int argc, char **argv)
{
	struct wpkg_error err = { 0 };
	const char *cache, *xdg, *home;
	int rc;

	cli_signals_install();
	if (wpkg_global_init(&err) < 0) {
		fprintf(stderr, "wpkg: error: %s\n", err.msg);
		return WPKG_EXIT_FAILURE;
	}
	if (cli_env_load(NULL) < 0)
		wpkg_exit_nomem();
	cli_env_cache(&cache, &xdg, &home);
	cli_cache_init(cache, xdg, home);
	rc = run(argc, argv);
	wpkg_global_cleanup();
	return rc;
}
