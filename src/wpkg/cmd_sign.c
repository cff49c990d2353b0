/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_sign.c - wpkg sign: sign a manifest with a key, as a Sigstore bundle referrer and a legacy .sig layer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wpkg/signature.h"
#include "wpkg/tempreg.h"
#include "wpkg/wasm_config.h"
#include "cli_sign.h"

static const char *const sig_formats[] = { "both", "bundle", "legacy", NULL };
static const unsigned sig_format_bits[] = { WPKG_SIG_BUNDLE | WPKG_SIG_LEGACY, WPKG_SIG_BUNDLE, WPKG_SIG_LEGACY };

static struct {
	const char *key_path;
	int format;
	bool password_stdin;
	struct cli_strings annotations;
	struct wpkg_sign_opts opts;
	struct wpkg_sigkey *key;
	struct wpkg_log_sink log;
	char work[4096];
	bool have_work;
	struct wpkg_sign_result res;
} sg;

static const struct cli_opt_spec sign_opts[] = {
	{ CLI_OPT_STRING, "key", 0, &sg.key_path, "KEY",
	  "the private key: cosign's encrypted PEM, PKCS#8 or SEC1 (required)" },
	{ CLI_OPT_CHOICE, "signature-format", 0, &sg.format, "FORMAT", "both (default), bundle or legacy",
	  .choices = sig_formats },
	{ CLI_OPT_LIST, "annotation", 'a', &sg.annotations, "KEY=VALUE",
	  "add an annotation to the signed payloads (repeatable)" },
	{ CLI_OPT_SWITCH, "key-password-stdin", 0, &sg.password_stdin, NULL,
	  "read the key's password from standard input (else COSIGN_PASSWORD, else a prompt)" },
	CLI_OPT_END,
};

/* The key, annotations and a private directory, before the store is contacted. */
static int check(struct cli_run *r)
{
	struct cli_key_password pw = { sg.password_stdin, false, "password for the key" };
	const char *name = r->cmd->name, *tmp = getenv("TMPDIR");

	if (sg.key_path == NULL)
		return cli_usage_error(name, "--key is required");
	sg.opts.formats = sig_format_bits[sg.format];
	sg.opts.annotations = json_object();
	if (sg.opts.annotations == NULL)
		return wpkg_error_nomem(&r->err), cli_fail(&r->err);
	for (size_t i = 0; i < sg.annotations.n; i++)
		if (wpkg_annotation_add(sg.opts.annotations, sg.annotations.v[i], &r->err) < 0)
			return cli_usage_error(name, "%s", r->err.msg);
	if (wpkg_sigkey_load_private_file(&sg.key, sg.key_path, cli_key_password, &pw, &r->err) < 0 ||
	    wpkg_build_time(&sg.opts.created, &r->err) < 0)
		return cli_fail(&r->err);
	/* the bundle goes to attach as a file, from a private directory */
	snprintf(sg.work, sizeof(sg.work), "%s/wpkg-sign.XXXXXX", tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	sg.have_work = mkdtemp(sg.work) != NULL;
	if (!sg.have_work)
		return wpkg_error_set(&r->err, WPKG_E_IO, "cannot make a temporary directory in %s", tmp != NULL &&
				      tmp[0] != '\0' ? tmp : "/tmp"), cli_fail(&r->err);
	/* a signal removes it too; a failed registration only means it could stay behind */
	(void)wpkg_tempreg_add(sg.work, true);
	sg.opts.work_dir = sg.work;
	cli_log_sink(&sg.log);
	sg.opts.log = &sg.log;
	return WPKG_EXIT_OK;
}

static int run(struct cli_run *r)
{
	if (wpkg_sign(&sg.res, r->store, wpkg_ref_reference(&r->ref), sg.key, &sg.opts, &r->err) < 0)
		return cli_run_fail(r);
	return WPKG_EXIT_OK;
}

static const char *listed_in(const struct wpkg_attach_result *a, bool json)
{
	if (a->api)
		return json ? "api" : "referrers API";
	return a->tag[0] != '\0' ? a->tag : "index.json";
}

static void text(struct cli_run *r)
{
	const struct wpkg_sign_result *res = &sg.res;

	(void)r;
	if (res->bundle)
		cli_out("bundle  %s  %s\n", res->attach.artifact.digest.str, listed_in(&res->attach, false));
	if (res->legacy)
		cli_out("legacy  %s  %s (payload %s)\n", res->sig_manifest.str, res->sig_tag, res->payload.str);
}

static json_t *result_json(struct cli_run *r)
{
	const struct wpkg_sign_result *res = &sg.res;

	(void)r;
	return json_pack("{s:s, s:s, s:o, s:o}", "subject", res->subject.digest.str, "keyHint", res->hint, "bundle",
			 res->bundle ? json_pack("{s:s, s:s}", "digest", res->attach.artifact.digest.str, "referrers",
						 listed_in(&res->attach, true)) : json_null(),
			 "legacy", res->legacy ? json_pack("{s:s, s:s, s:s, s:I}", "tag", res->sig_tag, "digest",
							   res->sig_manifest.str, "payload", res->payload.str,
							   "signatures", (json_int_t)res->sig_layers) : json_null());
}

static void cleanup(struct cli_run *r)
{
	(void)r;
	if (sg.have_work) {
		rmdir(sg.work);
		wpkg_tempreg_drop(sg.work);
	}
	wpkg_sign_result_clear(&sg.res);
	wpkg_sigkey_free(sg.key);
	json_decref(sg.opts.annotations);
	cli_strings_free(&sg.annotations);
}

const struct cli_command cli_cmd_sign = {
	.name = "sign",
	.summary = "Sign a manifest with a key in cosign's formats (bundle referrer and .sig tag)",
	.usage = "[OPTIONS] --key KEY REF",
	.needs = CLI_REF | CLI_ANY_TRANSPORT | CLI_STORE | CLI_COMMIT | CLI_REGISTRY_OPTS,
	.min_pos = 1, .max_pos = 1, .pos_what = "one REF",
	.opts = sign_opts,
	.check = check, .run = run, .text = text, .json = result_json, .cleanup = cleanup,
};
