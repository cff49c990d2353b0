/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_verify.c - wpkg verify: check a manifest's cosign signatures against a public key. */
#include <string.h>

#include "wpkg/signature.h"
#include "cli_sign.h"
#include "regcmd.h"

enum { OPT_KEY = 1 };

static const struct cli_opt verify_opts[] = {
	{ "key", 0, "PUB", "the public key (PEM, as wpkg key generate or cosign writes it; required)", OPT_KEY },
	CLI_OPT_END,
};
static const struct cli_opt *const verify_tables[] = { verify_opts, cli_registry_opts, NULL };

static int option(void *ctx, int id, const char *arg)
{
	if (id != OPT_KEY)
		return 0;
	*(const char **)ctx = arg;
	return 1;
}

static const char *form(const struct wpkg_sig_entry *e)
{
	return e->format == WPKG_SIG_BUNDLE ? "bundle" : "legacy";
}

static json_t *entry_json(const struct wpkg_sig_entry *e)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s*, s:s*, s:s*}", "form", form(e), "status",
			      wpkg_sig_status_str(e->status), "in", e->where.str, "hint", e->hint, "created",
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

static void print_result(const struct wpkg_verify_result *r)
{
	size_t i;

	if (cli_g.json) {
		json_t *list = json_array();

		for (i = 0; list != NULL && i < r->n_entries; i++)
			json_array_append_new(list, entry_json(&r->entries[i]));
		cli_out_json(json_pack("{s:s, s:b, s:s, s:o}", "subject", r->subject.digest.str, "verified",
				       r->verified < r->n_entries, "keyHint", r->hint, "signatures", list));
		return;
	}
	if (r->verified < r->n_entries) {
		const struct wpkg_sig_entry *e = &r->entries[r->verified];

		cli_out("verified %s: %s signature in %s, key %s%s%s\n", r->subject.digest.str, form(e), e->where.str,
			r->hint, e->created != NULL ? ", created " : "", e->created != NULL ? e->created : "");
	}
	for (i = 0; i < r->n_entries; i++) {
		const struct wpkg_sig_entry *e = &r->entries[i];

		if (i == r->verified)
			continue;
		/* keyless ones are listed plainly as unchecked, never as verified */
		cli_out("%s %s signature in %s%s%s\n", e->status == WPKG_SIG_VERIFIED ? "also verified:" :
			e->status == WPKG_SIG_KEYLESS ? "unchecked:" : "not verified:", form(e), e->where.str,
			e->message[0] != '\0' ? ": " : "", e->message);
	}
}

static int run(const struct cli_command *cmd, int argc, char **argv)
{
	struct wpkg_verify_result res = { 0 };
	struct wpkg_sigkey *key = NULL;
	const char *key_path = NULL;
	struct regcmd c;
	int rc;

	rc = regcmd_begin(&c, cmd, argc, argv, option, &key_path, 1, 1, "REF", REGCMD_ANY_TRANSPORT);
	if (rc >= 0)
		goto out;
	if (key_path == NULL) {
		rc = cli_usage_error(cmd, "--key is required");
		goto out;
	}
	if (wpkg_sigkey_load_public_file(&key, key_path, &c.err) < 0) {
		rc = cli_fail(&c.err);
		goto out;
	}
	if ((rc = regcmd_open(&c, "verify", false)) != WPKG_EXIT_OK)
		goto out;
	if (wpkg_verify(&res, c.store, wpkg_ref_reference(&c.ref), key, &c.err) < 0) {
		rc = regcmd_fail(&c, "verify");
		goto out;
	}
	print_result(&res);
	if (res.n_entries == 0) {
		wpkg_error_set(&c.err, WPKG_E_NOT_FOUND, "verify %s: no signature found (no bundle referrer, no %s)",
			       res.subject.digest.str, "sha256-HEX.sig tag");
		cli_fail(&c.err);
		rc = WPKG_EXIT_NO_SIGNATURE;
	} else if (res.verified == res.n_entries) {
		wpkg_error_set(&c.err, WPKG_E_DIGEST, "verify %s: %zu signature%s found, none verifies with %s",
			       res.subject.digest.str, res.n_entries, res.n_entries == 1 ? "" : "s", key_path);
		cli_fail(&c.err);
		rc = WPKG_EXIT_UNVERIFIED;
	}
	rc = cli_finish(rc);
out:
	wpkg_verify_result_clear(&res);
	wpkg_sigkey_free(key);
	regcmd_end(&c);
	return rc;
}

const struct cli_command cli_cmd_verify = {
	"verify", run, "Verify a manifest's cosign signatures with a public key",
	"[OPTIONS] --key PUB REF", verify_tables,
};
