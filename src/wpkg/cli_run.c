/* SPDX-License-Identifier: Apache-2.0 */
/* cli_run.c - the command runner: options, --help, REF, store, run, commit, result; and the global options. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_cache.h"
#include "wpkg/pkgname.h"
#include "cli_run.h"
#include "cli_tls.h"
#include "names.h"

/* The command being run, for --help and --format. */
static const struct cli_command *current;

static int help_opt(const struct cli_opt_spec *o, const char *arg)
{
	(void)o;
	(void)arg;
	cli_print_help(stdout, current != NULL ? current : &cli_main_command);
	return CLI_HELP;
}

/* --format text|json; a package format (its old meaning) still works on build and push, with a warning. */
static int format_opt(const struct cli_opt_spec *o, const char *arg)
{
	(void)o;
	if (strcmp(arg, "json") == 0 || strcmp(arg, "text") == 0) {
		cli_g.json = arg[0] == 'j';
		return 0;
	}
	if (current != NULL && (current->needs & CLI_PACK_OPTS)) {
		if (cli_pack_set_format(&cli_pk, "format", arg) != 0)
			return CLI_ERROR;
		cli_warn("--format %s is deprecated: use --artifact-format %s (--format now means text or json)", arg,
			 arg);
		return 0;
	}
	cli_usage_error(cli_prog, "--format: '%s' is not text or json", arg);
	return CLI_ERROR;
}

static int no_progress_opt(const struct cli_opt_spec *o, const char *arg)
{
	(void)o;
	(void)arg;
	cli_g.progress = CLI_PROGRESS_NONE;
	return 0;
}

static int no_cache_opt(const struct cli_opt_spec *o, const char *arg)
{
	(void)o;
	(void)arg;
	cli_cache_disable();
	return 0;
}

static const char *const progress_modes[] = { "auto", "tty", "plain", "none", NULL };

const struct cli_opt_spec cli_global_opts[] = {
	{ CLI_OPT_CALL, "help", 'h', NULL, NULL, "show this help and exit", .call = help_opt },
	{ CLI_OPT_SWITCH, "quiet", 'q', &cli_g.quiet, NULL, "no progress and no summaries (results are still printed)" },
	{ CLI_OPT_CALL, "format", 0, NULL, "text|json", "print the result as text (default) or one JSON document",
	  .call = format_opt },
	{ CLI_OPT_SWITCH, "json", 0, &cli_g.json, NULL, "the same as --format json" },
	{ CLI_OPT_SWITCH, "debug", 'd', &cli_g.debug, NULL, "log HTTP exchanges on stderr (credentials masked)" },
	{ CLI_OPT_CHOICE, "progress", 0, &cli_g.progress, "WHEN",
	  "auto (default: redrawn on a terminal, else plain lines), tty, plain or none", .choices = progress_modes },
	{ CLI_OPT_CALL, "no-progress", 0, NULL, NULL, "the same as --progress none", .call = no_progress_opt },
	{ CLI_OPT_CALL, "no-cache", 0, NULL, NULL, "neither read nor write the cache (pulled blobs, input digests)",
	  .call = no_cache_opt },
	{ CLI_OPT_CALL, "no-tty", 0, NULL, NULL, "the same as --progress none", .call = no_progress_opt,
	  .flags = CLI_OPT_HIDDEN },
	CLI_OPT_END,
};

static const struct cli_opt_spec no_opts[] = { CLI_OPT_END };

size_t cli_command_tables(struct cli_help_table *out, size_t max, const struct cli_command *cmd)
{
	size_t n = 0;

	if (n < max)
		out[n++] = (struct cli_help_table){ "Options", cmd->opts != NULL ? cmd->opts : no_opts };
	if ((cmd->needs & CLI_PACK_OPTS) && n < max)
		out[n++] = (struct cli_help_table){ "Packaging options", cli_pack_opts };
	if ((cmd->needs & CLI_UPLOAD_OPTS) && n < max)
		out[n++] = (struct cli_help_table){ "Upload options", cli_upload_opts };
	if ((cmd->needs & CLI_REGISTRY_OPTS) && n < max)
		out[n++] = (struct cli_help_table){ "Registry options", cli_registry_opts };
	if (n < max)
		out[n++] = (struct cli_help_table){ "Global options", cli_global_opts };
	return n;
}

void cli_print_help(FILE *f, const struct cli_command *cmd)
{
	struct cli_help_table tables[4];
	size_t n = cli_command_tables(tables, 4, cmd);

	if (cmd == &cli_main_command) {
		fprintf(f, "Usage: wpkg %s\n%s\n\nCommands:\n", cmd->usage, cmd->summary);
		for (const struct cli_command *const *c = cli_commands; *c != NULL; c++)
			fprintf(f, "  %-10s %s\n", (*c)->name, (*c)->summary);
	} else {
		fprintf(f, "Usage: wpkg %s %s\n%s\n", cmd->name, cmd->usage, cmd->summary);
	}
	cli_opt_help(f, tables, n);
	if (cmd == &cli_main_command)
		fputs("\nRun 'wpkg COMMAND --help' for a command's options; 'man wpkg' for the rest.\n", f);
	else
		fprintf(f, "\nSee wpkg-%s(1).\n", cmd->name);
}

/* True when s names its registry host (the reference grammar's rule), so Docker Hub was not implied. */
static bool names_host(const char *s)
{
	const char *slash = strchr(s, '/');
	size_t n = slash != NULL ? (size_t)(slash - s) : 0;

	if (strncmp(s, "docker://", 9) == 0)
		return names_host(s + 9);
	return slash != NULL && (memchr(s, '.', n) != NULL || memchr(s, ':', n) != NULL ||
				 (n == 9 && strncmp(s, "localhost", 9) == 0));
}

int cli_ref_parse(struct wpkg_ref *out, const char *s, unsigned flags, struct cli_registry *reg,
		  struct wpkg_error *err)
{
	const char *text = s;
	int rc;

	/* a URL-style reference as login takes it: the scheme says whether TLS is spoken */
	if (strncmp(s, "http://", 7) == 0) {
		text = s + 7;
		if (reg != NULL)
			reg->transport.plain_http = true;
	} else if (strncmp(s, "https://", 8) == 0) {
		text = s + 8;
		if (reg != NULL)
			reg->transport.require_tls = true;
	}
	rc = wpkg_ref_parse(out, text, flags, err);
	if (rc < 0)
		return rc;
	if (out->transport == WPKG_TRANSPORT_REGISTRY && !names_host(text))
		cli_note("'%s' names no registry host, so it means Docker Hub (%s/%s); write HOST/%s for another "
			 "registry", s, out->registry, out->repository, text);
	return 0;
}

int cli_run_fail(struct cli_run *r)
{
	char *name = r->ref_arg != NULL ? wpkg_ref_string(&r->ref) : NULL;

	if (r->ref_arg != NULL)
		wpkg_error_wrap(&r->err, "%s %s", r->cmd->name, name != NULL ? name : r->ref_arg);
	else
		wpkg_error_wrap(&r->err, "%s", r->cmd->name);
	free(name);
	return cli_fail(&r->err);
}

/*
 * "repo:t1,t2": the REF with its first tag (kept in r->ref_buf), the others
 * into r->tags.  Only the text after the last '/' can hold the tag.
 */
static int split_tags(struct cli_run *r)
{
	const char *slash = strrchr(r->ref_arg, '/');
	const char *colon = strrchr(slash != NULL ? slash : r->ref_arg, ':');
	char *comma, *p;

	if (colon == NULL || strchr(colon, ',') == NULL || strchr(colon, '@') != NULL)
		return WPKG_EXIT_OK;
	r->ref_buf = strdup(r->ref_arg);
	if (r->ref_buf == NULL)
		return wpkg_error_nomem(&r->err), cli_fail(&r->err);
	comma = strchr(r->ref_buf + (colon - r->ref_arg), ',');
	*comma = '\0';
	for (p = comma + 1; p != NULL;) {
		char *next = strchr(p, ',');
		const char **grown;

		if (next != NULL)
			*next++ = '\0';
		grown = realloc(r->tags.v, (r->tags.n + 1) * sizeof(r->tags.v[0]));
		if (grown == NULL)
			return wpkg_error_nomem(&r->err), cli_fail(&r->err);
		r->tags.v = grown;
		r->tags.v[r->tags.n++] = p;
		p = next;
	}
	r->ref_arg = r->ref_buf;
	return WPKG_EXIT_OK;
}

/* Parses r->ref_arg per the command's needs; WPKG_EXIT_OK or the reported status. */
static int parse_ref(struct cli_run *r)
{
	unsigned needs = r->cmd->needs;
	const char *typed = r->ref_arg;
	int rc;

	/* the rule: no '/' and two labels make a package name (man wpkg-names), resolved before anything opens */
	if (wpkg_pkgname_is_name(r->ref_arg)) {
		enum names_use use = (needs & CLI_REF_NO_TAG) ? NAMES_REPOSITORY :
				     (needs & CLI_REF_PUBLISH) ? NAMES_VERSION : NAMES_CHOOSE;

		r->name = malloc(sizeof(*r->name));
		if (r->name == NULL)
			return wpkg_error_set(&r->err, WPKG_E_NOMEM, "out of memory"), cli_fail(&r->err);
		rc = names_ref_resolve(r->name, r->cmd->name, r->ref_arg, use, &cli_reg);
		if (rc != WPKG_EXIT_OK) {
			r->ref_arg = NULL;
			return rc;
		}
		r->ref_arg = typed = r->name->reference;
	}
	if (needs & CLI_REF_TAGS) {
		rc = split_tags(r);
		if (rc != WPKG_EXIT_OK)
			return rc;
	}
	if (cli_ref_parse(&r->ref, r->ref_arg, (needs & CLI_REF_NO_TAG) ? WPKG_REF_NO_TAG : 0, &cli_reg,
			  &r->err) < 0) {
		r->ref_arg = NULL;
		return cli_fail(&r->err);
	}
	if (r->ref.transport != WPKG_TRANSPORT_REGISTRY && !(needs & CLI_ANY_TRANSPORT)) {
		r->ref_arg = NULL;
		return cli_usage_error(r->cmd->name,
				       "'%s' is not a registry reference (local layouts are written by wpkg build)", typed);
	}
	if (!(needs & CLI_REF_NO_TAG) && r->ref.transport == WPKG_TRANSPORT_REGISTRY && r->ref.tag == NULL &&
	    r->ref.digest == NULL)
		cli_note("'%s' names no tag or digest, so it means the tag 'latest'", typed);
	return WPKG_EXIT_OK;
}

/* Every step after the options; the exit status. */
/* Commands that neither create nor commit only read: an archive of theirs is read in place. */
static enum cli_store_mode store_mode(unsigned needs)
{
	if (needs & CLI_WRITABLE)
		return CLI_STORE_CREATE;
	return (needs & CLI_COMMIT) ? CLI_STORE_CHANGE : CLI_STORE_READ;
}

static int steps(struct cli_run *r)
{
	const struct cli_command *cmd = r->cmd;
	int rc;

	if (r->pos.n < cmd->min_pos || (cmd->max_pos >= 0 && r->pos.n > cmd->max_pos))
		return cli_usage_error(cmd->name, "expected %s, got %d argument%s", cmd->pos_what, r->pos.n,
				       r->pos.n == 1 ? "" : "s");
	if (cmd->positionals != NULL) {
		rc = cmd->positionals(r);
		if (rc != WPKG_EXIT_OK)
			return rc;
	}
	if (cmd->needs & CLI_REF) {
		r->ref_arg = r->pos.v[(cmd->needs & CLI_VERB) ? 1 : 0];
		rc = parse_ref(r);
		if (rc != WPKG_EXIT_OK)
			return rc;
	}
	if (cmd->check != NULL) {
		rc = cmd->check(r);
		if (rc != WPKG_EXIT_OK)
			return rc;
	}
	if ((cmd->needs & CLI_STORE) && cli_store_open(&r->store, &cli_reg, &r->ref, store_mode(cmd->needs), &r->err) < 0)
		return cli_run_fail(r);
	rc = cmd->run(r);
	if (rc != WPKG_EXIT_OK)
		return rc;
	if ((cmd->needs & (CLI_WRITABLE | CLI_COMMIT)) && wpkg_store_commit(r->store, &r->err) < 0)
		return cli_run_fail(r);
	cli_progress_done();
	if (r->no_result)
		return WPKG_EXIT_OK;
	if (cli_g.json && cmd->json != NULL)
		cli_out_json(cmd->json(r));
	else if (cmd->text != NULL)
		cmd->text(r);
	return r->partial;
}

int cli_run_command(const struct cli_command *cmd, int argc, char **argv)
{
	const struct cli_opt_spec *tables[6];
	struct cli_run r;
	size_t n = 0;
	int rc;

	memset(&r, 0, sizeof(r));
	r.cmd = cmd;
	current = cmd;
	cli_registry_init(&cli_reg);
	cli_pack_init(&cli_pk);
	tables[n++] = cmd->opts != NULL ? cmd->opts : no_opts;
	if (cmd->needs & CLI_PACK_OPTS)
		tables[n++] = cli_pack_opts;
	if (cmd->needs & CLI_UPLOAD_OPTS)
		tables[n++] = cli_upload_opts;
	if (cmd->needs & CLI_REGISTRY_OPTS)
		tables[n++] = cli_registry_opts;
	tables[n++] = cli_global_opts;
	tables[n] = NULL;
	rc = cli_opt_parse(&r.pos, tables, cmd->name, argc, argv, false);
	cli_registry_apply(&cli_reg);
	if (rc == CLI_HELP)
		rc = WPKG_EXIT_OK;
	else if (rc == CLI_ERROR)
		rc = WPKG_EXIT_USAGE;
	else if ((cmd->needs & CLI_REGISTRY_OPTS) && cli_tls_check_flags(cmd->name, &cli_reg.transport) != 0)
		rc = WPKG_EXIT_USAGE;
	else
		rc = steps(&r);
	if (cmd->cleanup != NULL)
		cmd->cleanup(&r);
	wpkg_store_close(r.store);
	if (r.name != NULL)
		names_ref_free(r.name);
	free(r.name);
	wpkg_ref_free(&r.ref);
	cli_strings_free(&r.tags);
	free(r.ref_buf);
	cli_pack_free(&cli_pk);
	return rc;
}

char *cli_ref_with(const struct wpkg_ref *ref, char sep, const char *what)
{
	static const char *const prefix[] = { "", "oci-layout:", "oci-archive:" };
	char *s;
	int n;

	if (ref->transport == WPKG_TRANSPORT_REGISTRY)
		n = asprintf(&s, "%s/%s%c%s", ref->registry, ref->repository, sep, what);
	else
		n = asprintf(&s, "%s%s%c%s", prefix[ref->transport], ref->path, sep, what);
	return n < 0 ? NULL : s;
}

json_t *cli_descriptor_json(const struct wpkg_descriptor *d, bool with_media_type)
{
	const json_t *title = d->annotations != NULL ? json_object_get(d->annotations, WPKG_ANNOT_TITLE) : NULL;

	/* the shape wpkg build --json uses, so scripts read both alike */
	if (!with_media_type)
		return json_pack("{s:s, s:I}", "digest", d->digest.str, "size", (json_int_t)d->size);
	return json_pack("{s:s, s:I, s:s, s:s?}", "digest", d->digest.str, "size", (json_int_t)d->size, "mediaType",
			 d->media_type, "title", json_string_value(title));
}

json_t *cli_strings_json(char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}
