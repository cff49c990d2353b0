/* cli.c - option parsing driven by the commands' option tables, option values, and the --help text made from them. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum {
	OPT_HELP = 2000,
	OPT_QUIET,
	OPT_JSON,
	OPT_DEBUG,
	OPT_PROGRESS,
	OPT_NO_PROGRESS,
};

struct cli_global cli_g = { false, false, false, -1 };

const struct cli_opt cli_global_opts[] = {
	{ "help", 'h', NULL, "show this help and exit", OPT_HELP },
	{ "quiet", 'q', NULL, "print nothing but errors", OPT_QUIET },
	{ "json", 0, NULL, "print the result as one JSON document", OPT_JSON },
	{ "debug", 0, NULL, "log HTTP exchanges on stderr (credentials masked)", OPT_DEBUG },
	{ "progress", 0, NULL, "draw progress bars even when stderr is not a terminal", OPT_PROGRESS },
	{ "no-progress", 0, NULL, "never draw progress bars", OPT_NO_PROGRESS },
	CLI_OPT_END,
};

/* The command being parsed, so messages from option handlers can name it. */
static const struct cli_command *current_cmd;

void cli_args_init(struct cli_args *a, const struct cli_command *cmd, int argc, char **argv)
{
	memset(a, 0, sizeof(*a));
	a->argc = argc;
	a->argv = argv;
	a->index = 1;
	a->cmd = cmd;
	a->end = argc;
	current_cmd = cmd;
}

/* Moves argv[i] behind every unscanned argument, keeping earlier moved ones first. */
static void move_to_end(struct cli_args *a, int i)
{
	char *p = a->argv[i];

	memmove(&a->argv[i], &a->argv[i + 1], (size_t)(a->argc - i - 1) * sizeof(a->argv[0]));
	a->argv[a->argc - 1] = p;
	a->end--;
}

/* Options are over: every argument still unscanned is a positional and follows the ones moved earlier. */
static int finish(struct cli_args *a)
{
	int n = a->end - a->index;

	for (int k = 0; k < n; k++)
		move_to_end(a, a->index);
	a->options_done = true;
	return CLI_DONE;
}

/* Looks an option up in the command's tables, then in the global table. */
static const struct cli_opt *find_opt(const struct cli_command *cmd, const char *lname, size_t lname_len,
				      char sname)
{
	const struct cli_opt *const globals[] = { cli_global_opts, NULL };
	const struct cli_opt *const *lists[2] = { cmd != NULL ? cmd->opts : NULL, globals };

	for (size_t l = 0; l < 2; l++) {
		if (lists[l] == NULL)
			continue;
		for (const struct cli_opt *const *t = lists[l]; *t != NULL; t++) {
			for (const struct cli_opt *o = *t; o->long_name != NULL || o->short_name != 0; o++) {
				if (lname != NULL && o->long_name != NULL && strlen(o->long_name) == lname_len &&
				    strncmp(o->long_name, lname, lname_len) == 0)
					return o;
				if (lname == NULL && sname != 0 && o->short_name == sname)
					return o;
			}
		}
	}
	return NULL;
}

/* Applies a global option; returns CLI_HELP for --help, else 1. */
static int global_opt(const struct cli_args *a, int id)
{
	switch (id) {
	case OPT_HELP:
		cli_print_help(stdout, a->cmd);
		return CLI_HELP;
	case OPT_QUIET: cli_g.quiet = true; break;
	case OPT_JSON: cli_g.json = true; break;
	case OPT_DEBUG: cli_g.debug = true; break;
	case OPT_PROGRESS: cli_g.progress = 1; break;
	case OPT_NO_PROGRESS: cli_g.progress = 0; break;
	}
	return 1;
}

/* A found option with its value; globals are applied here and never returned. */
static int deliver(struct cli_args *a, const struct cli_opt *o, const char *value, const char **arg)
{
	int rc;

	if (o->id >= OPT_HELP && o->id < OPT_HELP + 1000) {
		rc = global_opt(a, o->id);
		if (rc == CLI_HELP)
			return CLI_HELP;
		return cli_getopt(a, arg);
	}
	*arg = value;
	return o->id;
}

static int long_option(struct cli_args *a, const char *s, const char **arg)
{
	const char *eq = strchr(s, '=');
	size_t len = eq != NULL ? (size_t)(eq - s) : strlen(s);
	const struct cli_opt *o = find_opt(a->cmd, s, len, 0);
	const char *value = NULL;

	if (o == NULL) {
		cli_usage_error(a->cmd, "unknown option '--%.*s'", (int)len, s);
		return CLI_ERROR;
	}
	if (o->arg_name == NULL) {
		if (eq != NULL) {
			cli_usage_error(a->cmd, "option '--%s' takes no value", o->long_name);
			return CLI_ERROR;
		}
	} else if (eq != NULL) {
		value = eq + 1;
	} else if (a->index < a->end) {
		value = a->argv[a->index++];
	} else {
		cli_usage_error(a->cmd, "option '--%s' needs a value (%s)", o->long_name, o->arg_name);
		return CLI_ERROR;
	}
	return deliver(a, o, value, arg);
}

/* Hands out the next flag of a "-abc" group; an option with a value takes the rest or the next argument. */
static int short_option(struct cli_args *a, const char **arg)
{
	char c = *a->bundle++;
	const struct cli_opt *o = find_opt(a->cmd, NULL, 0, c);
	const char *value = NULL;

	if (o == NULL) {
		a->bundle = NULL;
		cli_usage_error(a->cmd, "unknown option '-%c'", c);
		return CLI_ERROR;
	}
	if (o->arg_name != NULL) {
		if (*a->bundle != '\0') {
			value = a->bundle;
		} else if (a->index < a->end) {
			value = a->argv[a->index++];
		} else {
			a->bundle = NULL;
			cli_usage_error(a->cmd, "option '-%c' needs a value (%s)", c, o->arg_name);
			return CLI_ERROR;
		}
		a->bundle = NULL;
	} else if (*a->bundle == '\0') {
		a->bundle = NULL;
	}
	return deliver(a, o, value, arg);
}

int cli_getopt(struct cli_args *a, const char **arg)
{
	*arg = NULL;
	if (a->options_done)
		return CLI_DONE;
	if (a->bundle != NULL)
		return short_option(a, arg);
	while (a->index < a->end) {
		char *s = a->argv[a->index];

		if (strcmp(s, "--") == 0) {
			a->index++;
			return finish(a);
		}
		if (s[0] != '-' || s[1] == '\0') {
			/* a positional ("-" is one too: standard input) */
			if (a->stop_at_positional)
				return finish(a);
			move_to_end(a, a->index);
			continue;
		}
		a->index++;
		if (s[1] == '-')
			return long_option(a, s + 2, arg);
		a->bundle = s + 1;
		return short_option(a, arg);
	}
	return finish(a);
}

int cli_npos(const struct cli_args *a)
{
	return a->argc - a->index;
}

char *cli_pos(const struct cli_args *a, int i)
{
	if (i < 0 || i >= cli_npos(a))
		return NULL;
	return a->argv[a->index + i];
}

int cli_usage_error(const struct cli_command *cmd, const char *fmt, ...)
{
	va_list ap;

	if (cmd == NULL)
		cmd = current_cmd;
	cli_progress_interrupt();
	fputs("wpkg: error: ", stderr);
	if (cmd != NULL && cmd != &cli_main_command)
		fprintf(stderr, "%s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (cmd != NULL && cmd != &cli_main_command)
		fprintf(stderr, "\nTry 'wpkg %s --help'.\n", cmd->name);
	else
		fputs("\nTry 'wpkg --help'.\n", stderr);
	return WPKG_EXIT_USAGE;
}

int cli_parse_number(long *out, const char *opt, const char *arg, long min, long max, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (arg[0] == '\0' || *end != '\0' || errno != 0 || v < min || v > max) {
		cli_usage_error(NULL, "--%s: '%s' is not %s from %ld to %ld", opt, arg, what, min, max);
		return CLI_ERROR;
	}
	*out = v;
	return 1;
}

int cli_parse_bytes(uint64_t *out, const char *opt, const char *arg, uint64_t min, const char *example)
{
	unsigned long long v;
	unsigned shift = 0;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (end != arg && end[0] != '\0' && end[1] == '\0') {
		switch (*end) {
		case 'k': case 'K': shift = 10; end++; break;
		case 'm': case 'M': shift = 20; end++; break;
		case 'g': case 'G': shift = 30; end++; break;
		}
	}
	/* strtoull takes "-1" as a huge number: a sign is refused before it can wrap */
	if (end == arg || *end != '\0' || errno != 0 || arg[0] == '-' || v > (UINT64_MAX >> shift) ||
	    ((uint64_t)v << shift) < min) {
		cli_usage_error(NULL, "--%s: '%s' is not a size in bytes (e.g. %s)", opt, arg, example);
		return CLI_ERROR;
	}
	*out = (uint64_t)v << shift;
	return 1;
}

/* Width of the "  -o, --output=DIR[:TAG]" column. */
static size_t opt_width(const struct cli_opt *o)
{
	size_t w = 6 + strlen(o->long_name);

	if (o->arg_name != NULL)
		w += 1 + strlen(o->arg_name);
	return w;
}

static void print_table(FILE *f, const char *title, const struct cli_opt *t, size_t width)
{
	fprintf(f, "\n%s:\n", title);
	for (const struct cli_opt *o = t; o->long_name != NULL; o++) {
		size_t w = opt_width(o);

		if (o->short_name != 0)
			fprintf(f, "  -%c, --%s", o->short_name, o->long_name);
		else
			fprintf(f, "      --%s", o->long_name);
		if (o->arg_name != NULL)
			fprintf(f, "=%s", o->arg_name);
		fprintf(f, "%*s  %s\n", (int)(width - w), "", o->help);
	}
}

void cli_print_help(FILE *f, const struct cli_command *cmd)
{
	size_t width = 0;

	for (const struct cli_opt *const *t = cmd->opts; t != NULL && *t != NULL; t++)
		for (const struct cli_opt *o = *t; o->long_name != NULL; o++)
			width = opt_width(o) > width ? opt_width(o) : width;
	for (const struct cli_opt *o = cli_global_opts; o->long_name != NULL; o++)
		width = opt_width(o) > width ? opt_width(o) : width;

	if (cmd == &cli_main_command) {
		fprintf(f, "Usage: wpkg %s\n%s\n\nCommands:\n", cmd->usage, cmd->summary);
		for (const struct cli_command *const *c = cli_commands; *c != NULL; c++)
			fprintf(f, "  %-10s %s\n", (*c)->name, (*c)->summary);
	} else {
		fprintf(f, "Usage: wpkg %s %s\n%s\n", cmd->name, cmd->usage, cmd->summary);
	}
	for (const struct cli_opt *const *t = cmd->opts; t != NULL && *t != NULL; t++)
		print_table(f, *t == cli_registry_opts ? "Registry options" :
			    *t == cli_pack_opts ? "Packaging options" : "Options", *t, width);
	print_table(f, "Global options", cli_global_opts, width);
	if (cmd == &cli_main_command)
		fputs("\nRun 'wpkg COMMAND --help' for a command's options; 'man wpkg' for the rest.\n", f);
	else
		fprintf(f, "\nSee wpkg-%s(1).\n", cmd->name);
}
