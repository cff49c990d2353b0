/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_sign.c - wpkg sign: sign a manifest with a key, as a Sigstore bundle referrer and a legacy .sig layer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wpkg/signature.h"
#include "wpkg/wasm_config.h"
#include "cli_sign.h"
#include "regcmd.h"

enum { OPT_KEY = 1, OPT_FORMAT, OPT_ANNOTATION, OPT_KEY_PASSWORD_STDIN };

static const struct cli_opt sign_opts[] = {
	{ "key", 0, "KEY", "the private key: cosign's encrypted PEM, PKCS#8 or SEC1 (required)", OPT_KEY },
	{ "format", 0, "FORMAT", "bundle, legacy or both (default both)", OPT_FORMAT },
	{ "annotation", 'a', "KEY=VALUE", "add an annotation to the signed payloads (repeatable)", OPT_ANNOTATION },
	{ "key-password-stdin", 0, NULL, "read the key's password from standard input (else COSIGN_PASSWORD, "
	  "else a prompt)", OPT_KEY_PASSWORD_STDIN },
	CLI_OPT_END,
};
static const struct cli_opt *const sign_tables[] = { sign_opts, cli_registry_opts, NULL };

struct sign {
	const struct cli_command *cmd;
	const char *key;
	struct wpkg_sign_opts opts;
	struct cli_key_password pw;
	struct wpkg_error err;
};

static int option(void *ctx, int id, const char *arg)
{
	struct sign *s = ctx;

	switch (id) {
	case OPT_KEY:
		s->key = arg;
		return 1;
	case OPT_FORMAT:
		if (strcmp(arg, "bundle") == 0)
			s->opts.formats = WPKG_SIG_BUNDLE;
		else if (strcmp(arg, "legacy") == 0)
			s->opts.formats = WPKG_SIG_LEGACY;
		else if (strcmp(arg, "both") == 0)
			s->opts.formats = WPKG_SIG_BUNDLE | WPKG_SIG_LEGACY;
		else {
			cli_usage_error(s->cmd, "--format '%s' is not bundle, legacy or both", arg);
			return CLI_ERROR;
		}
		return 1;
	case OPT_ANNOTATION:
		if (wpkg_annotation_add(s->opts.annotations, arg, &s->err) < 0) {
			cli_usage_error(s->cmd, "%s", s->err.msg);
			return CLI_ERROR;
		}
		return 1;
	case OPT_KEY_PASSWORD_STDIN:
		s->pw.from_stdin = true;
		return 1;
	default:
		return 0;
	}
}

static void print_result(const struct wpkg_sign_result *r)
{
	if (!cli_g.json) {
		if (r->bundle)
			cli_out("bundle  %s  %s\n", r->attach.artifact.digest.str,
				r->attach.api ? "referrers API" : r->attach.tag[0] != '\0' ? r->attach.tag : "index.json");
		if (r->legacy)
			cli_out("legacy  %s  %s (payload %s)\n", r->sig_manifest.str, r->sig_tag, r->payload.str);
		return;
	}
	cli_out_json(json_pack("{s:s, s:s, s:o, s:o}", "subject", r->subject.digest.str, "keyHint", r->hint,
			       "bundle", r->bundle ? json_pack("{s:s, s:s}", "digest", r->attach.artifact.digest.str,
							       "referrers", r->attach.api ? "api" :
							       r->attach.tag[0] != '\0' ? r->attach.tag : "index.json")
					   : json_null(),
			       "legacy", r->legacy ? json_pack("{s:s, s:s, s:s, s:I}", "tag", r->sig_tag, "digest",
							       r->sig_manifest.str, "payload", r->payload.str,
							       "signatures", (json_int_t)r->sig_layers)
					   : json_null()));
}

static int run(const struct cli_command *cmd, int argc, char **argv)
{
	struct sign s = { cmd, NULL, { 0 }, { false, false, "password for the key" }, { 0 } };
	struct wpkg_sign_result res = { 0 };
	struct wpkg_sigkey *key = NULL;
	struct wpkg_log_sink log;
	const char *tmp = getenv("TMPDIR");
	char work[4096];
	bool have_work = false;
	struct regcmd c;
	int rc;

	s.opts.annotations = json_object();
	rc = regcmd_begin(&c, cmd, argc, argv, option, &s, 1, 1, "REF", REGCMD_ANY_TRANSPORT);
	if (rc >= 0)
		goto out;
	rc = WPKG_EXIT_OK;
	if (s.key == NULL) {
		rc = cli_usage_error(cmd, "--key is required");
		goto out;
	}
	if (wpkg_sigkey_load_private_file(&key, s.key, cli_key_password, &s.pw, &c.err) < 0 ||
	    wpkg_build_time(&s.opts.created, &c.err) < 0) {
		rc = cli_fail(&c.err);
		goto out;
	}
	/* the bundle goes to attach as a file, from a private directory */
	snprintf(work, sizeof(work), "%s/wpkg-sign.XXXXXX", tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	have_work = mkdtemp(work) != NULL;
	s.opts.work_dir = work;
	if (!have_work) {
		wpkg_error_set(&c.err, WPKG_E_IO, "cannot make a temporary directory");
		rc = cli_fail(&c.err);
		goto out;
	}
	if ((rc = regcmd_open(&c, "sign", false)) != WPKG_EXIT_OK)
		goto out;
	cli_log_sink(&log);
	s.opts.log = &log;
	if (wpkg_sign(&res, c.store, wpkg_ref_reference(&c.ref), key, &s.opts, &c.err) < 0) {
		rc = regcmd_fail(&c, "sign");
		goto out;
	}
	rc = regcmd_commit(&c, "sign");
	if (rc == WPKG_EXIT_OK)
		print_result(&res);
	rc = cli_finish(rc);
out:
	if (have_work)
		rmdir(s.opts.work_dir);
	wpkg_sign_result_clear(&res);
	wpkg_sigkey_free(key);
	json_decref(s.opts.annotations);
	regcmd_end(&c);
	return rc;
}

const struct cli_command cli_cmd_sign = {
	"sign", run, "Sign a manifest with a key in cosign's formats (bundle referrer and .sig tag)",
	"[OPTIONS] --key KEY REF", sign_tables,
};
