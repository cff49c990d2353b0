/* SPDX-License-Identifier: Apache-2.0 */
/* cli_opt.h - option specs bound to fields: one table drives parsing and the --help text. */
#ifndef WPKG_CLI_OPT_H
#define WPKG_CLI_OPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* What an option does with its value; value points at a field of that type. */
enum cli_opt_type {
	CLI_OPT_SWITCH,  /* bool *: set to true; no value */
	CLI_OPT_STRING,  /* const char **: the value (the last one given wins) */
	CLI_OPT_LIST,    /* struct cli_strings *: every value, in order (repeatable) */
	CLI_OPT_NUMBER,  /* long *: a whole number from min to max */
	CLI_OPT_BYTES,   /* uint64_t *: "16384", "16K", "8M", "1G" (powers of 1024), at least min */
	CLI_OPT_CHOICE,  /* int *: the index of the value in choices */
	CLI_OPT_CALL,    /* call(spec, value): anything else; a flag when value_name is NULL */
};

#define CLI_OPT_HIDDEN  (1u << 0)   /* parsed, but not listed in --help (deprecated spellings) */

struct cli_opt_spec;
/* An option's own handler: 0, or CLI_ERROR after printing a usage error. */
typedef int (*cli_opt_fn)(const struct cli_opt_spec *o, const char *arg);

struct cli_opt_spec {
	enum cli_opt_type type;
	const char *name;          /* "output" */
	char alias;                /* 'o', or 0 */
	void *value;               /* the field the option sets */
	const char *value_name;    /* "PATH"; NULL for a flag */
	const char *usage;         /* one line for --help */
	long min, max;             /* CLI_OPT_NUMBER range, CLI_OPT_BYTES minimum */
	const char *example;       /* CLI_OPT_BYTES: a size shown when one is refused ("5M"); CLI_OPT_NUMBER:
				      what the number is ("a depth"; default "a whole number") */
	const char *const *choices;/* CLI_OPT_CHOICE: NULL-terminated */
	cli_opt_fn call;           /* CLI_OPT_CALL */
	unsigned flags;            /* CLI_OPT_HIDDEN */
};
#define CLI_OPT_END { .name = NULL }

/* A growable list of borrowed strings (argv values); free items with cli_strings_free. */
struct cli_strings {
	const char **v;
	size_t n;
};
void cli_strings_free(struct cli_strings *s);

/* cli_opt_parse and option handlers report these besides 0. */
#define CLI_HELP (-1)       /* --help was printed: return WPKG_EXIT_OK */
#define CLI_ERROR (-2)      /* a usage error was printed: return WPKG_EXIT_USAGE */

/* The positionals cli_opt_parse leaves: argv[0..n), in their order on the command line. */
struct cli_pos {
	int n;
	char **v;
};

/*
 * Parses argv[1..argc) against the NULL-terminated list of spec tables:
 * --name, --name=value, --name value, -x, -xVALUE, -x VALUE, bundled flags,
 * "--".  Options and positionals mix, unless stop_at_positional (then the
 * first positional and everything after it are left).  prog names the
 * command in messages ("push", or NULL for wpkg itself).  0 with *pos set,
 * CLI_HELP or CLI_ERROR (printed).  argv is reordered in place.
 */
int cli_opt_parse(struct cli_pos *pos, const struct cli_opt_spec *const *tables, const char *prog, int argc,
		  char **argv, bool stop_at_positional);

/* Stores one value in o's field as the parser does: 0 or CLI_ERROR (printed). */
int cli_opt_apply(const struct cli_opt_spec *o, const char *arg);

/* "wpkg: error: [PROG: ]<message>" + "Try 'wpkg [PROG ]--help'." on stderr; returns WPKG_EXIT_USAGE. */
int cli_usage_error(const char *prog, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The command being parsed or run, for usage errors from option handlers (NULL: wpkg itself). */
extern const char *cli_prog;

/* One titled option table of --help; the width is that of the widest entry of every table shown. */
struct cli_help_table {
	const char *title;
	const struct cli_opt_spec *opts;
};
void cli_opt_help(FILE *f, const struct cli_help_table *tables, size_t n);

#endif
