/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_key.c - wpkg key generate: a P-256 key pair in cosign's files (PREFIX.key encrypted, PREFIX.pub). */
#include <string.h>

#include "cli_sign.h"

static struct {
	const char *prefix;
	bool password_stdin;
} key;

static const struct cli_opt_spec key_opts[] = {
	{ CLI_OPT_STRING, "output-key-prefix", 0, &key.prefix, "PREFIX",
	  "write PREFIX.key and PREFIX.pub (default: cosign)" },
	{ CLI_OPT_SWITCH, "password-stdin", 0, &key.password_stdin, NULL,
	  "read the key's password from standard input (else COSIGN_PASSWORD, else a prompt)" },
	CLI_OPT_END,
};

static int check(struct cli_run *r)
{
	if (strcmp(r->pos.v[0], "generate") != 0)
		return cli_usage_error(r->cmd->name, "unknown subcommand '%s' (expected: generate)", r->pos.v[0]);
	if (key.prefix == NULL)
		key.prefix = "cosign";
	if (key.prefix[0] == '\0')
		return cli_usage_error(r->cmd->name, "--output-key-prefix must not be empty");
	return WPKG_EXIT_OK;
}

static int run(struct cli_run *r)
{
	struct cli_key_password pw = { key.password_stdin, true, "password for the new key" };
	struct wpkg_buf pass = WPKG_BUF_INIT;
	int rc;

	rc = cli_key_password(&pw, &pass, &r->err);
	if (rc == 0)
		rc = wpkg_sigkey_generate_files(key.prefix, pass.data, pass.len, NULL, &r->err);
	if (pass.cap > 0)
		explicit_bzero(pass.data, pass.cap);
	wpkg_buf_free(&pass);
	return rc < 0 ? cli_fail(&r->err) : WPKG_EXIT_OK;
}

static void text(struct cli_run *r)
{
	(void)r;
	cli_out("%s.key\n%s.pub\n", key.prefix, key.prefix);
}

static json_t *result_json(struct cli_run *r)
{
	(void)r;
	return json_pack("{s:s+, s:s+}", "privateKey", key.prefix, ".key", "publicKey", key.prefix, ".pub");
}

const struct cli_command cli_cmd_key = {
	.name = "key",
	.summary = "Generate a signing key pair in cosign's format",
	.usage = "generate [--output-key-prefix PREFIX] [--password-stdin]",
	.min_pos = 1, .max_pos = 1, .pos_what = "the subcommand generate",
	.opts = key_opts,
	.check = check, .run = run, .text = text, .json = result_json,
};
