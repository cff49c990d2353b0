/* SPDX-License-Identifier: Apache-2.0 */
/* cli_run.h - a command as a table entry, and the one runner that parses, opens, runs, commits and prints. */
#ifndef WPKG_CLI_RUN_H
#define WPKG_CLI_RUN_H

#include <stdbool.h>

#include <jansson.h>

#include "wpkg/oci.h"
#include "wpkg/ref.h"
#include "cli_opt.h"
#include "cli_output.h"
#include "cli_pack.h"
#include "cli_registry.h"
#include "cli_store.h"
#include "exitcodes.h"

/* What a command needs from the runner (struct cli_command.needs). */
enum cli_needs {
	CLI_REF = 1u << 0,            /* the first positional is a registry REF, parsed into run->ref */
	CLI_ANY_TRANSPORT = 1u << 1,  /* ... or oci-layout:DIR / oci-archive:FILE */
	CLI_REF_NO_TAG = 1u << 2,     /* ... a repository only (tags REPO) */
	CLI_REF_TAGS = 1u << 3,       /* ... "repo:t1,t2" allowed: the first tag in ref, the others in run->tags */
	CLI_STORE = 1u << 4,          /* open the REF's store before run */
	CLI_WRITABLE = 1u << 5,       /* open it as a destination (a missing layout or archive is made); implies commit */
	CLI_COMMIT = 1u << 8,         /* commit the store after run succeeded (an archive is rewritten) */
	CLI_REGISTRY_OPTS = 1u << 6,  /* takes cli_registry_opts (bound to cli_reg) */
	CLI_PACK_OPTS = 1u << 7,      /* takes cli_pack_opts (bound to cli_pk) */
	CLI_VERB = 1u << 9,           /* pos.v[0] is a verb ("manifest fetch REF"): the REF is pos.v[1] */
	CLI_REF_PUBLISH = 1u << 10,    /* a package-name REF names the version to write (ns:name@1.2.3), not chosen */
	CLI_UPLOAD_OPTS = 1u << 11,    /* takes cli_upload_opts (--chunk-size, --monolithic; bound to cli_reg) */
};

struct names_ref;

/* One run of a command: what the runner prepared for it. */
struct cli_run {
	const struct cli_command *cmd;
	struct cli_pos pos;           /* the positionals; pos.v[0] is the REF with CLI_REF */
	const char *ref_arg;          /* the REF as typed: pos.v[0]; without CLI_REF check may set it and ref */
	struct wpkg_ref ref;          /* parsed ref_arg: the store CLI_STORE opens */
	struct cli_strings tags;      /* CLI_REF_TAGS: the tags after the first of "repo:t1,t2" */
	struct wpkg_store *store;     /* open with CLI_STORE */
	struct wpkg_error err;        /* set it and return cli_run_fail(run) */
	bool no_result;               /* set by run: stdout already holds the result (pull -o -) */
	int partial;                  /* set by run: the exit status after the result is printed (it is incomplete) */
	struct names_ref *name;       /* the REF was a package name (names.h): how it was resolved; else NULL */
	char *ref_buf;                /* private */
};

/*
 * A command: a name, what it needs, how many positionals, its option specs,
 * and its steps.  The runner parses the options (the command's, then the
 * registry and packaging ones its needs name, then the global ones), prints
 * --help from the same tables, checks the positional count (usage error
 * "expected POS_WHAT, got N arguments"), calls check (local input checked
 * before anything is contacted), parses ref_arg and opens its store, calls
 * run, commits a writable store, then prints the result: json(run) with
 * --format json, else text(run).  Errors from run are reported with
 * cli_run_fail, which prefixes "NAME REF: ".  Every step but run may be NULL.
 *
 * A command is one file: its values in a file-static struct, the option
 * specs bound to its fields, its steps, and the entry, e.g.
 *
 *	static struct { const char *platform; struct wpkg_digest digest; } res;
 *	static const struct cli_opt_spec resolve_opts[] = {
 *		{ CLI_OPT_STRING, "platform", 0, &res.platform, "OS/ARCH", "the index entry to resolve" },
 *		CLI_OPT_END,
 *	};
 *	static int run(struct cli_run *r) { ...; if (fails) return cli_run_fail(r); return WPKG_EXIT_OK; }
 *	static void text(struct cli_run *r) { cli_out("%s\n", res.digest.str); }
 *	const struct cli_command cli_cmd_resolve = {
 *		.name = "resolve", .summary = "Print the digest a reference names", .usage = "[OPTIONS] REF",
 *		.needs = CLI_REF | CLI_ANY_TRANSPORT | CLI_STORE | CLI_REGISTRY_OPTS,
 *		.min_pos = 1, .max_pos = 1, .pos_what = "one REF",
 *		.opts = resolve_opts, .run = run, .text = text,
 *	};
 *
 * then one line in main.c's cli_commands[], one extern below, the file in
 * meson.build and a man page: --help, completion and the runner follow.
 */
struct cli_command {
	const char *name;                  /* "push" */
	const char *summary;               /* "Push components to a registry" */
	const char *usage;                 /* "[OPTIONS] REF FILE..." */
	unsigned needs;                    /* enum cli_needs bits */
	int min_pos, max_pos;              /* max_pos -1: any number */
	const char *pos_what;              /* "REF and FILE" */
	const struct cli_opt_spec *opts;   /* the command's own options, CLI_OPT_END-terminated; NULL: none */
	int (*check)(struct cli_run *run);        /* WPKG_EXIT_OK to go on, else the (reported) exit status */
	int (*run)(struct cli_run *run);          /* WPKG_EXIT_OK, or the reported exit status */
	void (*text)(struct cli_run *run);        /* the result as text on stdout */
	json_t *(*json)(struct cli_run *run);     /* the result as one JSON document (the runner prints it) */
	void (*cleanup)(struct cli_run *run);     /* frees what the steps kept, whatever happened */
	/* before the REF is read: may replace the positionals (publish makes "NAME FILE" of "FILE") */
	int (*positionals)(struct cli_run *run);  /* WPKG_EXIT_OK to go on, else the (reported) exit status */
};

/* Runs cmd with argv (argv[0] is the command name); the exit status. */
int cli_run_command(const struct cli_command *cmd, int argc, char **argv);
/* Reports run->err as "NAME REF: ..." and returns the exit status. */
int cli_run_fail(struct cli_run *run);
/* Full --help text of a command (usage, summary, every option table) on f. */
void cli_print_help(FILE *f, const struct cli_command *cmd);

/*
 * Parses a REF as the user wrote it: "http://" and "https://" are taken off
 * (http sets reg's plain HTTP), and a hostless reference going to Docker Hub
 * gets a note.  flags are wpkg_ref_parse's.
 */
int cli_ref_parse(struct wpkg_ref *out, const char *s, unsigned flags, struct cli_registry *reg,
		  struct wpkg_error *err);

/* {"digest", "size"[, "mediaType", "title"]} of a descriptor, for --format json results. */
json_t *cli_descriptor_json(const struct wpkg_descriptor *d, bool with_media_type);
/* "REGISTRY/REPOSITORY" (or "oci-layout:DIR") + sep + what ("...:tag", "...@sha256:..."). Caller frees. */
char *cli_ref_with(const struct wpkg_ref *ref, char sep, const char *what);
/* A JSON array of strings. */
json_t *cli_strings_json(char *const *v, size_t n);

/* The command table (main.c), NULL-terminated, and the top level. */
extern const struct cli_command *const cli_commands[];
extern const struct cli_command cli_main_command;
const struct cli_command *cli_find_command(const char *name);
/* "unknown command 'pussh' (did you mean 'push'?)" as a usage error of prog; returns WPKG_EXIT_USAGE. */
int cli_unknown_command(const char *prog, const char *name);
/* The global options (cli_run.c), and the option tables a command takes, for --help and completion. */
extern const struct cli_opt_spec cli_global_opts[];
size_t cli_command_tables(struct cli_help_table *out, size_t max, const struct cli_command *cmd);

extern const struct cli_command cli_cmd_build, cli_cmd_inspect, cli_cmd_push, cli_cmd_pull, cli_cmd_tags,
	cli_cmd_tag, cli_cmd_delete, cli_cmd_login, cli_cmd_logout, cli_cmd_help, cli_cmd_attach,
	cli_cmd_discover, cli_cmd_copy, cli_cmd_completion, cli_cmd_version, cli_cmd_resolve, cli_cmd_cache,
	cli_cmd_manifest, cli_cmd_blob, cli_cmd_config, cli_cmd_publish;
/* push's own options, which publish takes too */
extern const struct cli_opt_spec cli_push_opts[];

#endif
