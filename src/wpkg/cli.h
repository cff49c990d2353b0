/* cli.h - the front end's shared machinery: option tables, global flags, output, registry options. */
#ifndef WPKG_CLI_H
#define WPKG_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "wpkg/error.h"
#include "wpkg/ref.h"
#include "wpkg/registry.h"
#include "exitcodes.h"

/*
 * One entry of a command's option table.  The same table drives parsing and
 * the --help text.  ids: commands use 1..999, the shared registry options
 * 1000..1999, the global options 2000.. (handled inside cli_getopt).
 */
struct cli_opt {
	const char *long_name;   /* "output" */
	char short_name;         /* 'o', or 0 */
	const char *arg_name;    /* "DIR[:TAG]", or NULL for a flag */
	const char *help;        /* one line */
	int id;
};
#define CLI_OPT_END { NULL, 0, NULL, NULL, 0 }

struct cli_command {
	const char *name;                  /* "push" */
	/* argv[0] is the command name; cmd is this entry (for cli_args_init) */
	int (*run)(const struct cli_command *cmd, int argc, char **argv);
	const char *summary;               /* "Push components to a registry" */
	const char *usage;                 /* "[OPTIONS] REF FILE..." */
	const struct cli_opt *const *opts; /* NULL-terminated list of tables; for --help */
};

/* Global flags, set by main and by cli_getopt wherever they appear. */
struct cli_global {
	bool json;       /* --json: one JSON document on stdout */
	bool quiet;      /* -q: nothing but errors */
	bool debug;      /* --debug: HTTP exchange on stderr, credentials masked */
	int progress;    /* -1 auto (terminal), 0 --no-progress, 1 --progress */
};
extern struct cli_global cli_g;

/* cli_getopt results besides an option id. */
#define CLI_DONE 0          /* options are over: positionals are argv[*a.index ...] */
#define CLI_HELP (-1)       /* --help was printed: return WPKG_EXIT_OK */
#define CLI_ERROR (-2)      /* a usage error was printed: return WPKG_EXIT_USAGE */

struct cli_args {
	int argc;
	char **argv;
	int index;                     /* next argument to look at */
	const struct cli_command *cmd;
	/* private */
	bool options_done;
};

/* Starts parsing a command's argv (argv[0] = command name). */
void cli_args_init(struct cli_args *a, const struct cli_command *cmd, int argc, char **argv);
/*
 * Returns the next option's id and its argument in *arg, or CLI_DONE /
 * CLI_HELP / CLI_ERROR.  Accepts --name, --name=value, --name value, -x,
 * -xVALUE, -x VALUE, bundled flags, "--" and the global options.  Options
 * and positionals may be mixed (positionals are moved to the end).
 */
int cli_getopt(struct cli_args *a, const char **arg);
/* Positionals left after CLI_DONE. */
int cli_npos(const struct cli_args *a);
char *cli_pos(const struct cli_args *a, int i);

/* "wpkg: error: <message>" on stderr with a usage hint; returns WPKG_EXIT_USAGE. */
int cli_usage_error(const struct cli_command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "wpkg: error: <err->msg>" (+ a hint line where one helps); returns the mapped exit status. */
int cli_fail(const struct wpkg_error *err);
/* "wpkg: warning: ..." on stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints text on stdout unless -q. */
void cli_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints one JSON document (indented, newline) on stdout and steals the reference. */
void cli_out_json(json_t *doc);
/* Flushes stdout and turns a write error into WPKG_EXIT_FAILURE; use as "return cli_finish(rc)". */
int cli_finish(int rc);

/* Progress callback for wpkg_transport_opts; draws bars on a terminal per cli_g.progress. */
void cli_progress(void *payload, const char *id, uint64_t done, uint64_t total);
void cli_progress_done(void);

/* The options every command that talks to a registry takes (ids 1000..1999). */
extern const struct cli_opt cli_registry_opts[];

struct cli_registry {
	struct wpkg_transport_opts transport;
	const char *username;      /* -u */
	const char *password;      /* -p (discouraged; warns) */
	bool password_stdin;       /* --password-stdin */
};

void cli_registry_init(struct cli_registry *r);
/* Handles an id from cli_registry_opts: 1 handled, 0 not a registry option, CLI_ERROR on a bad value. */
int cli_registry_opt(struct cli_registry *r, int id, const char *arg);
/*
 * Opens a client for ref's registry with credentials from the flags, else
 * from the credential stores (wpkg_creds_lookup).  Reads --password-stdin once.
 */
int cli_registry_connect(struct wpkg_registry **out, struct cli_registry *r, const struct wpkg_ref *ref,
			 struct wpkg_error *err);

/*
 * The commands: cmd_NAME.c defines "const struct cli_command cli_cmd_NAME"
 * with its own option table and run function.
 */
extern const struct cli_command cli_cmd_build, cli_cmd_inspect, cli_cmd_push, cli_cmd_pull,
	cli_cmd_tags, cli_cmd_tag, cli_cmd_delete, cli_cmd_login, cli_cmd_logout, cli_cmd_help;

/* The command table (main.c), NULL-terminated. */
extern const struct cli_command *const cli_commands[];
const struct cli_command *cli_find_command(const char *name);
/* Full --help text of a command (usage, summary, every option table) on f. */
void cli_print_help(FILE *f, const struct cli_command *cmd);

#endif
