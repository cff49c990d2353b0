/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_verify.c - wpkg verify: check a manifest's cosign signatures against a public key. */
#include <string.h>

#include "wpkg/signature.h"
#include "cli_sign.h"

static struct {
	const char *key_path;
	struct wpkg_sigkey *key;
	struct wpkg_verify_result res;
} vf;

static const struct cli_opt_spec verify_opts[] = {
	{ CLI_OPT_STRING, "key", 0, &vf.key_path, "PUB",
	  "the public key (PEM, as wpkg key generate or cosign writes it; required)" },
	CLI_OPT_END,
};

static const char *form(const struct wpkg_sig_entry *e)
{
	return e->format == WPKG_SIG_BUNDLE ? "bundle" : "legacy";
}

/* The status as a word scripts compare (schemas/cli/verify.schema.json); the text form says it in a phrase. */
static const char *status_word(enum wpkg_sig_status st)
{
	static const char *const words[] = {
		[WPKG_SIG_VERIFIED] = "verified", [WPKG_SIG_BAD] = "bad-signature",
		[WPKG_SIG_OTHER_DIGEST] = "other-digest", [WPKG_SIG_KEYLESS] = "keyless-unchecked",
		[WPKG_SIG_MALFORMED] = "malformed",
	};

	return (size_t)st < sizeof(words) / sizeof(words[0]) && words[st] != NULL ? words[st] : "malformed";
}

static json_t *entry_json(const struct wpkg_sig_entry *e)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s*, s:s*, s:s*}", "form", form(e), "status",
			      status_word(e->status), "in", e->where.str, "hint", e->hint, "created",
			      e->created, "signedDigest", e->signed_digest);

	if (o != NULL && e->format == WPKG_SIG_LEGACY)
		json_object_set_new(o, "layer", json_integer((json_int_t)e->layer));
	if (o != NULL && e->status == WPKG_SIG_KEYLESS)
		json_object_set_new(o, "certificate", json_pack("{s:s, s:s, s:b}", "subject", e->cert_subject,
								"issuer", e->cert_issuer, "checked", 0));
	if (o != NULL && e->message[0] != '\0')
		json_object_set_new(o, "message", json_string(e->message));
	return o;
}

static json_t *result_json(struct cli_run *r)
{
	const struct wpkg_verify_result *res = &vf.res;
	json_t *list = json_array();

	(void)r;
	for (size_t i = 0; list != NULL && i < res->n_entries; i++)
		json_array_append_new(list, entry_json(&res->entries[i]));
	return json_pack("{s:s, s:b, s:s, s:o}", "subject", res->subject.digest.str, "verified",
			 res->verified < res->n_entries, "keyHint", res->hint, "signatures", list);
}

static void text(struct cli_run *r)
{
	const struct wpkg_verify_result *res = &vf.res;

	(void)r;
	if (res->verified < res->n_entries) {
		const struct wpkg_sig_entry *e = &res->entries[res->verified];

		cli_out("verified %s: %s signature in %s, key %s%s%s\n", res->subject.digest.str, form(e),
			e->where.str, res->hint, e->created != NULL ? ", created " : "",
			e->created != NULL ? e->created : "");
	}
	for (size_t i = 0; i < res->n_entries; i++) {
		const struct wpkg_sig_entry *e = &res->entries[i];

		if (i == res->verified)
			continue;
		/* keyless ones are listed plainly as unchecked, never as verified */
		cli_out("%s %s signature in %s%s%s\n", e->status == WPKG_SIG_VERIFIED ? "also verified:" :
			e->status == WPKG_SIG_KEYLESS ? "unchecked:" : "not verified:", form(e), e->where.str,
			e->message[0] != '\0' ? ": " : "", e->message);
	}
}

static int check(struct cli_run *r)
{
	if (vf.key_path == NULL)
		return cli_usage_error(r->cmd->name, "--key is required");
	if (wpkg_sigkey_load_public_file(&vf.key, vf.key_path, &r->err) < 0)
		return cli_fail(&r->err);
	return WPKG_EXIT_OK;
}

static int run(struct cli_run *r)
{
	const struct wpkg_verify_result *res = &vf.res;
	int rc;

	if (wpkg_verify(&vf.res, r->store, wpkg_ref_reference(&r->ref), vf.key, &r->err) < 0)
		return cli_run_fail(r);
	if (res->verified < res->n_entries)
		return WPKG_EXIT_OK;
	/* what was found is still the result, printed before the error saying it does not verify */
	if (cli_g.json)
		cli_out_json(result_json(r));
	else
		text(r);
	if (res->n_entries == 0) {
		wpkg_error_set(&r->err, WPKG_E_NOT_FOUND, "verify %s: no signature found (no bundle referrer, no %s)",
			       res->subject.digest.str, "sha256-HEX.sig tag");
		rc = WPKG_EXIT_NO_SIGNATURE;
	} else {
		wpkg_error_set(&r->err, WPKG_E_DIGEST, "verify %s: %zu signature%s found, none verifies with %s",
			       res->subject.digest.str, res->n_entries, res->n_entries == 1 ? "" : "s", vf.key_path);
		rc = WPKG_EXIT_UNVERIFIED;
	}
	cli_fail(&r->err);
	return cli_finish(rc);
}

static void cleanup(struct cli_run *r)
{
	(void)r;
	wpkg_verify_result_clear(&vf.res);
	wpkg_sigkey_free(vf.key);
}

const struct cli_command cli_cmd_verify = {
	.name = "verify",
	.summary = "Verify a manifest's cosign signatures with a public key",
	.usage = "[OPTIONS] --key PUB REF",
	.needs = CLI_REF | CLI_ANY_TRANSPORT | CLI_STORE | CLI_REGISTRY_OPTS,
	.min_pos = 1, .max_pos = 1, .pos_what = "one REF",
	.opts = verify_opts,
	.check = check, .run = run, .text = text, .json = result_json, .cleanup = cleanup,
};
