/* cli.h - the front end's shared machinery: option tables, global flags, output, registry options. */
#ifndef WPKG_CLI_H
#define WPKG_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "wpkg/error.h"
#include "wpkg/pack.h"
#include "wpkg/ref.h"
#include "wpkg/store.h"
#include "exitcodes.h"

/*
 * One entry of a command's option table.  The same table drives parsing and
 * the --help text.  ids: commands use 1..999, the shared registry options
 * 1000..1999, the global options 2000..2999 (handled inside cli_getopt),
 * the shared packaging options 3000..3999.
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
	bool stop_at_positional;       /* main only: the first positional ends the options */
	/* private */
	bool options_done;
	int end;                       /* argv[end..argc) are positionals already moved aside */
	const char *bundle;            /* rest of a "-abc" group still to hand out */
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
/*
 * Option values.  Both return 1 with *out set, or CLI_ERROR after a usage
 * error naming --opt.  cli_parse_number: a whole number from min to max,
 * else "--OPT: 'ARG' is not WHAT from MIN to MAX".  cli_parse_bytes: a size
 * in bytes, "16384", "16K", "8M", "1G" (powers of 1024), at least min, else
 * "--OPT: 'ARG' is not a size in bytes (e.g. EXAMPLE)".
 */
int cli_parse_number(long *out, const char *opt, const char *arg, long min, long max, const char *what);
int cli_parse_bytes(uint64_t *out, const char *opt, const char *arg, uint64_t min, const char *example);
/* "wpkg: error: <err->msg>" (+ a hint line where one helps); returns the mapped exit status. */
int cli_fail(const struct wpkg_error *err);
/*
 * As cli_fail, naming the registry host the command talked to: for
 * WPKG_E_UNAUTHORIZED it adds "wpkg: hint: run: wpkg login HOST".  cli_fail
 * does the same with the host of the last registry store opened.
 */
int cli_fail_host(const struct wpkg_error *err, const char *host);
/* "wpkg: warning: ..." on stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints text on stdout unless -q. */
void cli_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints one JSON document (indented, newline) on stdout and steals the reference. */
void cli_out_json(json_t *doc);
/* Flushes stdout and turns a write error into WPKG_EXIT_FAILURE; use as "return cli_finish(rc)". */
int cli_finish(int rc);

/* Progress callback for wpkg_store_opts; draws bars on a terminal per cli_g.progress. */
void cli_progress(void *payload, const char *id, uint64_t done, uint64_t total);
void cli_progress_done(void);

/* The options every command that talks to a registry takes (ids 1000..1999). */
extern const struct cli_opt cli_registry_opts[];

struct cli_registry {
	struct wpkg_http_opts transport;
	const char *username;      /* -u */
	const char *password;      /* -p (discouraged; warns) */
	bool password_stdin;       /* --password-stdin */
};

void cli_registry_init(struct cli_registry *r);
/* Handles an id from cli_registry_opts: 1 handled, 0 not a registry option, CLI_ERROR on a bad value. */
int cli_registry_opt(struct cli_registry *r, int id, const char *arg);
/*
 * The options wpkg_store_open needs for a command's REF: r's HTTP options
 * (r may be NULL: a local store), credentials from r's flags, else from the
 * credential stores (wpkg_creds_lookup; read only when a registry is
 * opened, --password-stdin once), progress bars and the log.  r must
 * outlive the store.  writable: a destination (a missing layout or archive
 * is created).
 */
void cli_registry_store_opts(struct wpkg_store_opts *out, struct cli_registry *r, bool writable);
/*
 * Credentials from the flags alone (-u with -p, --password-stdin or a
 * prompt on a terminal); *given is false and out untouched when there was no
 * -u.  For login, which stores them.  Free out with wpkg_credentials_clear.
 */
int cli_registry_flag_credentials(struct wpkg_credentials *out, bool *given, struct cli_registry *r,
				  struct wpkg_error *err);
/* Prompts on the terminal (echo off when secret); NULL-free result in out. */
int cli_prompt(char *out, size_t size, const char *prompt, bool secret, struct wpkg_error *err);

/*
 * The options of every command that packages a Wasm file (build, push FILE),
 * ids 3000..3999: -a/--annotation, --annotation-file, --author, --target.
 */
extern const struct cli_opt cli_pack_opts[];

struct cli_pack {
	struct wpkg_pack_opts pack;    /* ready for wpkg_pack after cli_pack_prepare */
	/* private */
	const char *annotation_file;
	const char **annotations;      /* -a values in order: they override the file's */
	size_t n_annotations;
	json_t *manifest_annots, *layer_annots;
};

void cli_pack_init(struct cli_pack *p);
/* Handles an id from cli_pack_opts: 1 handled, 0 not a pack option, CLI_ERROR (printed) otherwise. */
int cli_pack_opt(struct cli_pack *p, int id, const char *arg);
/* Build time (SOURCE_DATE_EPOCH), annotation file, then -a in order, into p->pack. */
int cli_pack_prepare(struct cli_pack *p, struct wpkg_error *err);
void cli_pack_free(struct cli_pack *p);

/*
 * The commands: cmd_NAME.c defines "const struct cli_command cli_cmd_NAME"
 * with its own option table and run function.
 */
extern const struct cli_command cli_cmd_build, cli_cmd_inspect, cli_cmd_push, cli_cmd_pull,
	cli_cmd_tags, cli_cmd_tag, cli_cmd_delete, cli_cmd_login, cli_cmd_logout, cli_cmd_help,
	cli_cmd_attach, cli_cmd_discover, cli_cmd_copy;

/*
 * The start login and logout share (cmd_login.c): the registry options, then
 * exactly one REGISTRY.  -1 when the command goes on, else the exit status.
 */
int cli_login_begin(struct cli_args *a, struct cli_registry *reg, const struct cli_command *cmd, int argc,
		    char **argv);

/* The command table (main.c), NULL-terminated. */
extern const struct cli_command *const cli_commands[];
const struct cli_command *cli_find_command(const char *name);
/* Full --help text of a command (usage, summary, every option table) on f. */
void cli_print_help(FILE *f, const struct cli_command *cmd);

/* Front-end internals shared by main.c, cli.c, output.c and progress.c. */
extern const struct cli_command cli_main_command;   /* "wpkg [OPTIONS] COMMAND" */
extern const struct cli_opt cli_global_opts[];
/* The least level shown: debug with --debug, warnings only with -q, else info. */
enum wpkg_log_level cli_log_level(void);
/* The sink the library reports through: cli_log_handler at cli_log_level(). */
void cli_log_sink(struct wpkg_log_sink *out);
/* "wpkg: ..." on stderr unless -q, as the library's info messages are. */
void cli_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_log_handler(void *payload, enum wpkg_log_level level, const char *msg);
/* Ends a progress line that is being drawn, so a message can start at column 0. */
void cli_progress_interrupt(void);
/* True when progress bars are to be drawn. */
bool cli_progress_enabled(void);
/* Remembered when a registry store asks for credentials, for cli_fail's login hint. */
extern const char *cli_last_registry;
/* "unknown command 'pussh' (did you mean 'push'?)" as a usage error of cmd; returns WPKG_EXIT_USAGE. */
int cli_unknown_command(const struct cli_command *cmd, const char *name);

#endif
