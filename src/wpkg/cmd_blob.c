/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_blob.c - wpkg blob fetch REF@DIGEST -o FILE|-: one blob, streamed and verified against its digest. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wpkg/fsutil.h"
#include "cli_run.h"

static struct {
	const char *output;       /* -o as given ("-": standard output) */
	bool keep_old;            /* --keep-old-files */
	struct wpkg_atomic_file file;
	bool opened;
} blob;

static const struct cli_opt_spec blob_opts[] = {
	{ CLI_OPT_STRING, "output", 'o', &blob.output, "FILE", "where the blob goes ('-': standard output); required" },
	{ CLI_OPT_SWITCH, "keep-old-files", 0, &blob.keep_old, NULL, "refuse to overwrite a file that exists" },
	CLI_OPT_END,
};

static int check(struct cli_run *r)
{
	struct stat st;

	if (strcmp(r->pos.v[0], "fetch") != 0)
		return cli_usage_error(r->cmd->name, "'%s' is not a blob verb: fetch", r->pos.v[0]);
	if (r->ref.digest == NULL)
		return cli_usage_error(r->cmd->name, "'%s' names no blob: write REPO@sha256:DIGEST (a blob has no tag)",
				       r->ref_arg);
	if (blob.output == NULL)
		return cli_usage_error(r->cmd->name, "say where the blob goes: -o FILE, or -o - for standard output");
	if (strcmp(blob.output, "-") == 0)
		return WPKG_EXIT_OK;
	if (stat(blob.output, &st) == 0 && S_ISDIR(st.st_mode)) {
		wpkg_error_set(&r->err, WPKG_E_INVALID, "-o %s is a directory: name the file to write", blob.output);
		return cli_run_fail(r);
	}
	if (blob.keep_old && access(blob.output, F_OK) == 0) {
		wpkg_error_set(&r->err, WPKG_E_EXISTS, "-o %s: the file exists (--keep-old-files)", blob.output);
		return cli_run_fail(r);
	}
	return WPKG_EXIT_OK;
}

static int run(struct cli_run *r)
{
	struct wpkg_digest d;

	if (wpkg_digest_parse(&d, r->ref.digest, &r->err) < 0)
		return cli_run_fail(r);
	if (strcmp(blob.output, "-") == 0) {
		/* streamed as it arrives: a bad blob has reached stdout when it is found out, so exit 6 tells */
		fflush(stdout);
		if (wpkg_store_blob_get(r->store, &d, WPKG_SIZE_UNKNOWN, STDOUT_FILENO, &r->err) < 0)
			return cli_run_fail(r);
		r->no_result = true;
		return WPKG_EXIT_OK;
	}
	if (wpkg_atomic_open(&blob.file, blob.output, 0644, &r->err) < 0)
		return cli_run_fail(r);
	blob.opened = true;
	if (wpkg_store_blob_get(r->store, &d, WPKG_SIZE_UNKNOWN, blob.file.fd, &r->err) < 0)
		return cli_run_fail(r);
	if (blob.keep_old && access(blob.output, F_OK) == 0) {
		wpkg_error_set(&r->err, WPKG_E_EXISTS, "-o %s: the file appeared meanwhile (--keep-old-files)",
			       blob.output);
		return cli_run_fail(r);
	}
	blob.opened = false;
	if (wpkg_atomic_commit(&blob.file, &r->err) < 0)
		return cli_run_fail(r);
	return WPKG_EXIT_OK;
}

static void text(struct cli_run *r)
{
	(void)r;
	cli_out("%s\n", blob.output);
}

static json_t *result_json(struct cli_run *r)
{
	return json_pack("{s:s, s:s}", "digest", r->ref.digest, "path", blob.output);
}

static void cleanup(struct cli_run *r)
{
	(void)r;
	if (blob.opened)
		wpkg_atomic_abort(&blob.file);
}

const struct cli_command cli_cmd_blob = {
	.name = "blob",
	.summary = "Fetch one blob by digest (fetch REF@DIGEST -o FILE|-), verified as it streams",
	.usage = "[OPTIONS] fetch REF@DIGEST -o FILE|-",
	.needs = CLI_VERB | CLI_REF | CLI_ANY_TRANSPORT | CLI_STORE | CLI_REGISTRY_OPTS,
	.min_pos = 2, .max_pos = 2, .pos_what = "fetch and one REF@DIGEST",
	.opts = blob_opts,
	.check = check, .run = run, .text = text, .json = result_json, .cleanup = cleanup,
};
