/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_key.c - wpkg key generate: a P-256 key pair in cosign's files (PREFIX.key encrypted, PREFIX.pub). */
#include <string.h>

#include "cli_sign.h"

enum { OPT_PREFIX = 1, OPT_PASSWORD_STDIN };

static const struct cli_opt key_opts[] = {
	{ "output-key-prefix", 0, "PREFIX", "write PREFIX.key and PREFIX.pub (default: cosign)", OPT_PREFIX },
	{ "password-stdin", 0, NULL, "read the key's password from standard input (else COSIGN_PASSWORD, "
	  "else a prompt)", OPT_PASSWORD_STDIN },
	CLI_OPT_END,
};
static const struct cli_opt *const key_tables[] = { key_opts, NULL };

static int run(const struct cli_command *cmd, int argc, char **argv)
{
	struct cli_key_password pw = { false, true, "password for the new key" };
	struct wpkg_buf pass = WPKG_BUF_INIT;
	const char *prefix = "cosign", *arg;
	struct wpkg_error err = { 0 };
	struct cli_args a;
	int id, rc;

	cli_args_init(&a, cmd, argc, argv);
	while ((id = cli_getopt(&a, &arg)) > 0) {
		if (id == OPT_PREFIX)
			prefix = arg;
		else if (id == OPT_PASSWORD_STDIN)
			pw.from_stdin = true;
	}
	if (id == CLI_HELP)
		return WPKG_EXIT_OK;
	if (id == CLI_ERROR)
		return WPKG_EXIT_USAGE;
	if (cli_npos(&a) != 1 || strcmp(cli_pos(&a, 0), "generate") != 0)
		return cli_usage_error(cmd, "expected: wpkg key generate [--output-key-prefix PREFIX]");
	if (prefix[0] == '\0')
		return cli_usage_error(cmd, "--output-key-prefix must not be empty");
	rc = cli_key_password(&pw, &pass, &err);
	if (rc == 0)
		rc = wpkg_sigkey_generate_files(prefix, pass.data, pass.len, NULL, &err);
	if (pass.cap > 0)
		explicit_bzero(pass.data, pass.cap);
	wpkg_buf_free(&pass);
	if (rc < 0)
		return cli_fail(&err);
	if (cli_g.json)
		cli_out_json(json_pack("{s:s++, s:s++}", "privateKey", prefix, ".key", "publicKey", prefix, ".pub"));
	else
		cli_out("%s.key\n%s.pub\n", prefix, prefix);
	return cli_finish(WPKG_EXIT_OK);
}

const struct cli_command cli_cmd_key = {
	"key", run, "Generate a signing key pair in cosign's format",
	"generate [--output-key-prefix PREFIX] [--password-stdin]", key_tables,
};
