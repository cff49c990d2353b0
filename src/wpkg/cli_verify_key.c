/* SPDX-License-Identifier: Apache-2.0 */
/* cli_verify_key.c - pull/copy --verify-key: nothing is written unless the artifact carries a signature by the key. */
#include "wpkg/signature.h"
#include "cli_sign.h"

int cli_verify_gate(struct wpkg_digest *pinned, struct wpkg_store *s, const char *reference,
		    const struct wpkg_sigkey *key, const char *key_path, struct wpkg_error *err)
{
	struct wpkg_verify_result res = { 0 };
	int rc;

	if (wpkg_verify(&res, s, reference, key, err) < 0) {
		rc = wpkg_exit_for_status(err->code);
		goto out;
	}
	if (res.verified < res.n_entries) {
		const struct wpkg_sig_entry *e = &res.entries[res.verified];

		cli_summary("verified %s: %s signature in %s, key %s", res.subject.digest.str,
			    e->format == WPKG_SIG_BUNDLE ? "bundle" : "legacy", e->where.str, res.hint);
		*pinned = res.subject.digest;
		rc = WPKG_EXIT_OK;
	} else if (res.n_entries == 0) {
		wpkg_error_set(err, WPKG_E_NOT_FOUND, "%s: no signature found (--verify-key %s); nothing was written",
			       res.subject.digest.str, key_path);
		rc = WPKG_EXIT_NO_SIGNATURE;
	} else {
		wpkg_error_set(err, WPKG_E_DIGEST, "%s: %zu signature%s found, none verifies with --verify-key %s; "
			       "nothing was written", res.subject.digest.str, res.n_entries,
			       res.n_entries == 1 ? "" : "s", key_path);
		rc = WPKG_EXIT_UNVERIFIED;
	}
out:
	wpkg_verify_result_clear(&res);
	return rc;
}
