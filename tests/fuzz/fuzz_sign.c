/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_sign.c - libFuzzer target: PEM key files, cosign's encrypted keys, DSSE envelopes, bundles, payloads. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wpkg/sign.h"
#include "wpkg/signature.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int password(void *payload, struct wpkg_buf *out, struct wpkg_error *err)
{
	return wpkg_buf_puts(out, "pw");
}

static void one_line(int rc, const struct wpkg_error *err)
{
	if (rc < 0 && (err->code != rc || err->msg[0] == '\0' || strchr(err->msg, '\n') != NULL))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct wpkg_sigkey *verifier;
	struct wpkg_dsse env = { .payload = WPKG_BUF_INIT };
	struct wpkg_bundle b = { .cert = WPKG_BUF_INIT };
	struct wpkg_sigkey *k = NULL;
	struct wpkg_claim c = { 0 };
	struct wpkg_sig_entry e = { 0 };
	struct wpkg_error err = { 0 };
	struct wpkg_digest want;
	int rc;

	if (verifier == NULL && wpkg_sigkey_generate(&verifier, &err) < 0)
		abort();
	wpkg_digest_bytes(&want, WPKG_DIGEST_SHA256, "x", 1);
	rc = wpkg_sigkey_load_private(&k, (const char *)data, size, "k.key", password, NULL, &err);
	one_line(rc, &err);
	if ((rc < 0) != (k == NULL))
		__builtin_trap();
	wpkg_sigkey_free(k);
	k = NULL;
	rc = wpkg_sigkey_load_public(&k, (const char *)data, size, "k.pub", &err);
	one_line(rc, &err);
	wpkg_sigkey_free(k);
	rc = wpkg_dsse_parse(&env, data, size, &err);
	one_line(rc, &err);
	if (rc == 0) {
		wpkg_dsse_verify(&env, verifier, &err);
		wpkg_dsse_clear(&env);
	}
	rc = wpkg_bundle_parse(&b, data, size, &err);
	one_line(rc, &err);
	if (rc == 0)
		wpkg_bundle_clear(&b);
	wpkg_verify_bundle_bytes(&e, data, size, verifier, &want);
	if (e.status == WPKG_SIG_VERIFIED)
		__builtin_trap();   /* no input can be signed by a key generated here */
	wpkg_sig_entry_clear(&e);
	rc = wpkg_cosign_payload_parse(&c, data, size, &err);
	one_line(rc, &err);
	wpkg_claim_clear(&c);
	rc = wpkg_intoto_parse(&c, data, size, &want, &err);
	one_line(rc, &err);
	wpkg_claim_clear(&c);
	return 0;
}
