/* SPDX-License-Identifier: Apache-2.0 */
/* test_sign.c - signing keys, base64, PEM, the simple-signing payload, the statement, DSSE, bundles, the checks. */
#include <string.h>

#include <check.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "unit.h"

#include "wpkg/sign.h"
#include "wpkg/signature.h"

#define HEX_A "f5b469c64a8cb1381090fb7109c20b9d93285ace57b9b51708c870d55934c035"
#define HEX_B "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"

/* Cheap scrypt for tests: the format is the same, only the cost differs. */
static const struct wpkg_scrypt_params cheap = { 1024, 8, 1 };

static int give_password(void *payload, struct wpkg_buf *out, struct wpkg_error *err)
{
	return wpkg_buf_puts(out, payload);
}

static struct wpkg_sigkey *new_key(void)
{
	struct wpkg_sigkey *k = NULL;
	struct wpkg_error err;

	ck_assert_int_eq(wpkg_sigkey_generate(&k, &err), 0);
	return k;
}

START_TEST(test_base64)
{
	static const char *const plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *const enc[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	struct wpkg_buf b = WPKG_BUF_INIT;
	struct wpkg_error err;

	for (size_t i = 0; i < 7; i++) {   /* RFC 4648 section 10 */
		wpkg_buf_clear(&b);
		ck_assert_int_eq(wpkg_base64_encode(&b, plain[i], strlen(plain[i])), 0);
		ck_assert_str_eq(b.data, enc[i]);
		ck_assert_int_eq(wpkg_base64_decode(&b, enc[i], strlen(enc[i]), "x", &err), 0);
		ck_assert_str_eq(b.data, plain[i]);
	}
	ck_assert_int_eq(wpkg_base64_decode(&b, "Zm9", 3, "sig", &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "sig: base64 of 3 characters (not a multiple of 4)");
	ck_assert_int_eq(wpkg_base64_decode(&b, "Zm-v", 4, "sig", &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "sig: not base64 at character 2");
	ck_assert_int_eq(wpkg_base64_decode(&b, "Zh==", 4, "sig", &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "sig: base64 with stray bits before its padding");
	ck_assert_int_eq(wpkg_base64_decode(&b, "Z===", 4, "sig", &err), WPKG_E_INVALID);
	wpkg_buf_free(&b);
}
END_TEST

/* The DSSE specification's own example. */
START_TEST(test_pae)
{
	struct wpkg_buf b = WPKG_BUF_INIT;

	ck_assert_int_eq(wpkg_dsse_pae(&b, "http://example.com/HelloWorld", "hello world", 11), 0);
	ck_assert_str_eq(b.data, "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
	wpkg_buf_free(&b);
}
END_TEST

START_TEST(test_payload_golden)
{
	struct wpkg_buf b = WPKG_BUF_INIT;
	struct wpkg_error err;
	json_t *a = json_pack("{s:s, s:s}", "zeta", "<&>", "alpha", "line\nbreak \"q\" \xe2\x80\xa8");

	ck_assert_int_eq(wpkg_cosign_payload(&b, "r.example/tools/hello", "sha256:" HEX_A, NULL, &err), 0);
	ck_assert_str_eq(b.data, "{\"critical\":{\"identity\":{\"docker-reference\":\"r.example/tools/hello\"},"
			 "\"image\":{\"docker-manifest-digest\":\"sha256:" HEX_A "\"},\"type\":\"cosign container "
			 "image signature\"},\"optional\":null}");
	wpkg_buf_clear(&b);
	/* Go sorts map keys and escapes <, >, &, U+2028 */
	ck_assert_int_eq(wpkg_cosign_payload(&b, "r/x", "sha256:" HEX_A, a, &err), 0);
	ck_assert_str_eq(b.data, "{\"critical\":{\"identity\":{\"docker-reference\":\"r/x\"},\"image\":"
			 "{\"docker-manifest-digest\":\"sha256:" HEX_A "\"},\"type\":\"cosign container image "
			 "signature\"},\"optional\":{\"alpha\":\"line\\nbreak \\\"q\\\" \\u2028\",\"zeta\":"
			 "\"\\u003c\\u0026\\u003e\"}}");
	json_decref(a);
	wpkg_buf_free(&b);
}
END_TEST

START_TEST(test_statement_golden)
{
	struct wpkg_buf b = WPKG_BUF_INIT;
	struct wpkg_claim c = { 0 };
	struct wpkg_digest d, other;
	struct wpkg_error err;

	ck_assert_int_eq(wpkg_digest_parse(&d, "sha256:" HEX_A, &err), 0);
	ck_assert_int_eq(wpkg_digest_parse(&other, "sha256:" HEX_B, &err), 0);
	ck_assert_int_eq(wpkg_intoto_statement(&b, "r/x", &d, NULL, &err), 0);
	ck_assert_str_eq(b.data, "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"r/x\","
			 "\"digest\":{\"sha256\":\"" HEX_A "\"}}],\"predicateType\":\"https://sigstore.dev/cosign/"
			 "sign/v1\",\"predicate\":{}}");
	ck_assert_int_eq(wpkg_intoto_parse(&c, b.data, b.len, &other, &err), 0);
	ck_assert_str_eq(c.digest, "sha256:" HEX_A);   /* the only subject, though another was wanted */
	ck_assert_str_eq(c.predicate_type, WPKG_COSIGN_SIGN_PREDICATE);
	wpkg_claim_clear(&c);
	ck_assert_int_eq(wpkg_intoto_parse(&c, "{\"_type\":\"x\",\"subject\":[],\"predicateType\":\"p\"}", 46, NULL,
					   &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "in-toto statement: _type \"x\" is not an in-toto Statement");
	wpkg_buf_free(&b);
}
END_TEST

START_TEST(test_key_roundtrip)
{
	struct wpkg_buf priv = WPKG_BUF_INIT, pub = WPKG_BUF_INIT, sig = WPKG_BUF_INIT;
	struct wpkg_sigkey *k = new_key(), *k2 = NULL, *p = NULL;
	char h1[WPKG_KEY_HINT_MAX], h2[WPKG_KEY_HINT_MAX];
	struct wpkg_error err;

	ck_assert_int_eq(wpkg_sigkey_write_encrypted(&priv, k, "pw", 2, &cheap, &err), 0);
	ck_assert(strncmp(priv.data, "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n", 47) == 0);
	ck_assert_int_eq(wpkg_sigkey_write_public(&pub, k, &err), 0);
	ck_assert_int_eq(wpkg_sigkey_load_private(&k2, priv.data, priv.len, "k.key", give_password, "pw", &err), 0);
	ck_assert_int_eq(wpkg_sigkey_load_public(&p, pub.data, pub.len, "k.pub", &err), 0);
	ck_assert(!wpkg_sigkey_is_private(p));
	ck_assert_int_eq(wpkg_sigkey_hint(h1, k, &err), 0);
	ck_assert_int_eq(wpkg_sigkey_hint(h2, p, &err), 0);
	ck_assert_str_eq(h1, h2);
	ck_assert_uint_eq(strlen(h1), 44);
	ck_assert_int_eq(wpkg_sigkey_sign(&sig, k2, "msg", 3, &err), 0);
	ck_assert_int_eq(wpkg_sigkey_verify(p, "msg", 3, sig.data, sig.len, &err), 0);
	ck_assert_int_eq(wpkg_sigkey_verify(p, "msh", 3, sig.data, sig.len, &err), WPKG_E_DIGEST);
	ck_assert_str_eq(err.msg, "signature does not verify with this key");
	wpkg_sigkey_free(k2);
	k2 = NULL;
	ck_assert_int_eq(wpkg_sigkey_load_private(&k2, priv.data, priv.len, "k.key", give_password, "pW", &err),
			 WPKG_E_DENIED);
	ck_assert_str_eq(err.msg, "k.key: wrong password (the encrypted key does not open with it)");
	ck_assert_ptr_null(k2);
	ck_assert_int_eq(wpkg_sigkey_load_private(&k2, priv.data, priv.len / 2, "k.key", give_password, "pw", &err),
			 WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "k.key: truncated PEM: no \"-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\" line; "
			 "copy the whole key file");
	ck_assert_int_eq(wpkg_sigkey_load_private(&k2, pub.data, pub.len, "k.pub", NULL, NULL, &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "k.pub: a public key; signing needs the private key (PREFIX.key)");
	ck_assert_int_eq(wpkg_sigkey_load_public(&k2, priv.data, priv.len, "k.key", &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "k.key: a \"ENCRYPTED SIGSTORE PRIVATE KEY\" block, not a \"PUBLIC KEY\"; verify "
			 "with the .pub file");
	wpkg_sigkey_free(k);
	wpkg_sigkey_free(k2);
	wpkg_sigkey_free(p);
	wpkg_buf_free(&priv);
	wpkg_buf_free(&pub);
	wpkg_buf_free(&sig);
}
END_TEST

static void pem_of(struct wpkg_buf *out, EVP_PKEY *pkey, bool sec1)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data;
	long n;

	ck_assert(sec1 ? PEM_write_bio_PrivateKey_traditional(bio, pkey, NULL, NULL, 0, NULL, NULL) == 1
		       : PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL) == 1);
	n = BIO_get_mem_data(bio, &data);
	wpkg_buf_put(out, data, (size_t)n);
	BIO_free(bio);
}

START_TEST(test_other_keys)
{
	struct wpkg_buf b = WPKG_BUF_INIT;
	struct wpkg_sigkey *k = NULL;
	struct wpkg_error err;
	EVP_PKEY *p256 = EVP_EC_gen("P-256"), *p384 = EVP_EC_gen("P-384"), *ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");

	pem_of(&b, p256, true);   /* SEC1, "EC PRIVATE KEY" */
	ck_assert(strstr(b.data, "BEGIN EC PRIVATE KEY") != NULL);
	ck_assert_int_eq(wpkg_sigkey_load_private(&k, b.data, b.len, "sec1.key", NULL, NULL, &err), 0);
	wpkg_sigkey_free(k);
	k = NULL;
	wpkg_buf_clear(&b);
	pem_of(&b, p256, false);  /* PKCS#8 */
	ck_assert_int_eq(wpkg_sigkey_load_private(&k, b.data, b.len, "p8.key", NULL, NULL, &err), 0);
	wpkg_sigkey_free(k);
	k = NULL;
	wpkg_buf_clear(&b);
	pem_of(&b, p384, false);
	ck_assert_int_eq(wpkg_sigkey_load_private(&k, b.data, b.len, "p384.key", NULL, NULL, &err), WPKG_E_UNSUPPORTED);
	ck_assert_str_eq(err.msg, "p384.key: an EC key on curve secp384r1; wpkg signs with P-256 (prime256v1) keys only");
	wpkg_buf_clear(&b);
	pem_of(&b, ed, false);
	ck_assert_int_eq(wpkg_sigkey_load_private(&k, b.data, b.len, "ed.key", NULL, NULL, &err), WPKG_E_UNSUPPORTED);
	ck_assert_str_eq(err.msg, "ed.key: a ED25519 key; wpkg signs with EC P-256 keys only (make one with: wpkg key "
			 "generate)");
	ck_assert_ptr_null(k);
	ck_assert_int_eq(wpkg_sigkey_load_private(&k, "hello", 5, "x.key", NULL, NULL, &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "x.key: no PEM private key in the file (want \"-----BEGIN ENCRYPTED SIGSTORE PRIVATE "
			 "KEY-----\", PKCS#8 or SEC1)");
	EVP_PKEY_free(p256);
	EVP_PKEY_free(p384);
	EVP_PKEY_free(ed);
	wpkg_buf_free(&b);
}
END_TEST

/* A hostile key file must not make scrypt take hours or gigabytes. */
START_TEST(test_scrypt_caps)
{
	static const char doc[] = "{\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":4194304,\"r\":8,\"p\":1},"
				  "\"salt\":\"AAAA\"},\"cipher\":{\"name\":\"nacl/secretbox\",\"nonce\":"
				  "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"},\"ciphertext\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}";
	struct wpkg_buf b64 = WPKG_BUF_INIT, pem = WPKG_BUF_INIT;
	struct wpkg_sigkey *k = NULL;
	struct wpkg_error err;

	wpkg_base64_encode(&b64, doc, strlen(doc));
	wpkg_buf_printf(&pem, "-----BEGIN ENCRYPTED COSIGN PRIVATE KEY-----\n%s\n-----END ENCRYPTED COSIGN PRIVATE "
			"KEY-----\n", b64.data);
	ck_assert_int_eq(wpkg_sigkey_load_private(&k, pem.data, pem.len, "big.key", give_password, "", &err),
			 WPKG_E_UNSUPPORTED);
	ck_assert_str_eq(err.msg, "big.key: encrypted key: scrypt N=4194304 r=8 p=1 is outside what wpkg accepts "
			 "(N a power of two, 128*N*r at most 256 MiB, p at most 16)");
	wpkg_buf_free(&b64);
	wpkg_buf_free(&pem);
}
END_TEST

START_TEST(test_generate_files)
{
	struct wpkg_sigkey *k = NULL;
	struct wpkg_error err;
	struct stat st;

	unit_tmp_make("sign");
	ck_assert_int_eq(wpkg_sigkey_generate_files(unit_tmp_path("ci"), "pw", 2, &cheap, &err), 0);
	ck_assert_int_eq(stat(unit_tmp_path("ci.key"), &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(wpkg_sigkey_load_private_file(&k, unit_tmp_path("ci.key"), give_password, "pw", &err), 0);
	wpkg_sigkey_free(k);
	k = NULL;
	ck_assert_int_eq(wpkg_sigkey_load_public_file(&k, unit_tmp_path("ci.pub"), &err), 0);
	wpkg_sigkey_free(k);
	ck_assert_int_eq(wpkg_sigkey_generate_files(unit_tmp_path("ci"), "pw", 2, &cheap, &err), WPKG_E_EXISTS);
	unit_tmp_remove();
}
END_TEST

/* Sign, then check what verification says of the genuine bundle and of each tampering. */
START_TEST(test_bundle_checks)
{
	struct wpkg_buf stmt = WPKG_BUF_INIT, bundle = WPKG_BUF_INIT;
	struct wpkg_sigkey *k = new_key(), *other = new_key();
	struct wpkg_dsse env = { .payload = WPKG_BUF_INIT };
	struct wpkg_bundle parsed = { .cert = WPKG_BUF_INIT };
	char hint[WPKG_KEY_HINT_MAX], *flip;
	struct wpkg_sig_entry e = { 0 };
	struct wpkg_digest d, d2;
	struct wpkg_error err;

	ck_assert_int_eq(wpkg_digest_parse(&d, "sha256:" HEX_A, &err), 0);
	ck_assert_int_eq(wpkg_digest_parse(&d2, "sha256:" HEX_B, &err), 0);
	ck_assert_int_eq(wpkg_sigkey_hint(hint, k, &err), 0);
	ck_assert_int_eq(wpkg_intoto_statement(&stmt, "r/x", &d, NULL, &err), 0);
	ck_assert_int_eq(wpkg_dsse_sign(&env, k, WPKG_INTOTO_PAYLOAD_TYPE, stmt.data, stmt.len, &err), 0);
	ck_assert_int_eq(wpkg_bundle_write(&bundle, hint, &env, &err), 0);
	ck_assert(strncmp(bundle.data, "{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\","
			  "\"verificationMaterial\":{\"publicKey\":{\"hint\":\"", 103) == 0);
	ck_assert_int_eq(wpkg_bundle_parse(&parsed, bundle.data, bundle.len, &err), 0);
	ck_assert_str_eq(parsed.hint, hint);
	ck_assert(parsed.has_dsse);
	ck_assert_uint_eq(parsed.dsse.payload.len, stmt.len);
	wpkg_bundle_clear(&parsed);

	wpkg_verify_bundle_bytes(&e, bundle.data, bundle.len, k, &d);
	ck_assert_int_eq(e.status, WPKG_SIG_VERIFIED);
	wpkg_sig_entry_clear(&e);
	wpkg_verify_bundle_bytes(&e, bundle.data, bundle.len, other, &d);
	ck_assert_int_eq(e.status, WPKG_SIG_BAD);
	ck_assert_str_eq(e.message, "no signature of the DSSE envelope verifies with this key");
	wpkg_sig_entry_clear(&e);
	wpkg_verify_bundle_bytes(&e, bundle.data, bundle.len, k, &d2);
	ck_assert_int_eq(e.status, WPKG_SIG_OTHER_DIGEST);
	ck_assert_str_eq(e.message, "the signed payload names sha256:" HEX_A ", not sha256:" HEX_B);
	wpkg_sig_entry_clear(&e);
	/* one flipped character of the base64 signature */
	flip = strstr(bundle.data, "\"sig\":\"") + 12;
	*flip = *flip == 'A' ? 'B' : 'A';
	wpkg_verify_bundle_bytes(&e, bundle.data, bundle.len, k, &d);
	ck_assert(e.status == WPKG_SIG_BAD || e.status == WPKG_SIG_MALFORMED);
	ck_assert_int_ne(e.status, WPKG_SIG_VERIFIED);
	wpkg_sig_entry_clear(&e);
	wpkg_verify_bundle_bytes(&e, "{\"mediaType\":\"x\"}", 17, k, &d);
	ck_assert_int_eq(e.status, WPKG_SIG_MALFORMED);
	ck_assert_str_eq(e.message, "bundle: mediaType is not a Sigstore bundle's");
	wpkg_sig_entry_clear(&e);

	wpkg_dsse_clear(&env);
	wpkg_buf_free(&stmt);
	wpkg_buf_free(&bundle);
	wpkg_sigkey_free(k);
	wpkg_sigkey_free(other);
}
END_TEST

START_TEST(test_simple_checks)
{
	struct wpkg_buf payload = WPKG_BUF_INIT, sig = WPKG_BUF_INIT, b64 = WPKG_BUF_INIT;
	struct wpkg_sigkey *k = new_key();
	struct wpkg_sig_entry e = { 0 };
	struct wpkg_digest d, d2;
	struct wpkg_error err;

	ck_assert_int_eq(wpkg_digest_parse(&d, "sha256:" HEX_A, &err), 0);
	ck_assert_int_eq(wpkg_digest_parse(&d2, "sha256:" HEX_B, &err), 0);
	ck_assert_int_eq(wpkg_cosign_payload(&payload, "r/x", d.str, NULL, &err), 0);
	ck_assert_int_eq(wpkg_sigkey_sign(&sig, k, payload.data, payload.len, &err), 0);
	wpkg_base64_encode(&b64, sig.data, sig.len);
	wpkg_verify_simple_bytes(&e, payload.data, payload.len, b64.data, k, &d);
	ck_assert_int_eq(e.status, WPKG_SIG_VERIFIED);
	ck_assert_str_eq(e.signed_digest, d.str);
	wpkg_sig_entry_clear(&e);
	wpkg_verify_simple_bytes(&e, payload.data, payload.len, b64.data, k, &d2);
	ck_assert_int_eq(e.status, WPKG_SIG_OTHER_DIGEST);
	wpkg_sig_entry_clear(&e);
	wpkg_verify_simple_bytes(&e, payload.data, payload.len, NULL, k, &d);
	ck_assert_int_eq(e.status, WPKG_SIG_MALFORMED);
	ck_assert_str_eq(e.message, "no dev.cosignproject.cosign/signature annotation");
	wpkg_sig_entry_clear(&e);
	payload.data[10] ^= 1;
	wpkg_verify_simple_bytes(&e, payload.data, payload.len, b64.data, k, &d);
	ck_assert_int_eq(e.status, WPKG_SIG_BAD);
	wpkg_sig_entry_clear(&e);
	wpkg_sigkey_free(k);
	wpkg_buf_free(&payload);
	wpkg_buf_free(&sig);
	wpkg_buf_free(&b64);
}
END_TEST

START_TEST(test_sig_tag)
{
	char tag[WPKG_SIG_TAG_MAX];
	struct wpkg_digest d;
	struct wpkg_error err;

	ck_assert_int_eq(wpkg_digest_parse(&d, "sha256:" HEX_A, &err), 0);
	ck_assert_int_eq(wpkg_sig_tag(tag, &d, &err), 0);
	ck_assert_str_eq(tag, "sha256-" HEX_A ".sig");
}
END_TEST

/* Made by the tests' independent implementation (tests/integration/cosign_py.py). */
START_TEST(test_independent_fixtures)
{
	struct wpkg_sigkey *k = NULL, *p = NULL;
	struct wpkg_buf bundle = WPKG_BUF_INIT;
	struct wpkg_sig_entry e = { 0 };
	char h1[WPKG_KEY_HINT_MAX], h2[WPKG_KEY_HINT_MAX];
	struct wpkg_digest d;
	struct wpkg_error err;

	ck_assert_int_eq(wpkg_digest_parse(&d, "sha256:" HEX_A, &err), 0);
	ck_assert_int_eq(wpkg_sigkey_load_private_file(&k, FIXTURES "/signing/test-only.key", give_password, "pw",
						       &err), 0);
	ck_assert_int_eq(wpkg_sigkey_load_public_file(&p, FIXTURES "/signing/test-only.pub", &err), 0);
	ck_assert_int_eq(wpkg_sigkey_hint(h1, k, &err), 0);
	ck_assert_int_eq(wpkg_sigkey_hint(h2, p, &err), 0);
	ck_assert_str_eq(h1, h2);
	unit_read_file(&bundle, FIXTURES "/signing/bundle.sigstore.json");
	wpkg_verify_bundle_bytes(&e, bundle.data, bundle.len, p, &d);
	ck_assert_int_eq(e.status, WPKG_SIG_VERIFIED);
	ck_assert_str_eq(e.hint, h1);
	wpkg_sig_entry_clear(&e);
	wpkg_sigkey_free(k);
	wpkg_sigkey_free(p);
	wpkg_buf_free(&bundle);
}
END_TEST

static Suite *sign_suite(void)
{
	Suite *s = suite_create("sign");
	TCase *tc = tcase_create("sign");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_base64);
	tcase_add_test(tc, test_pae);
	tcase_add_test(tc, test_payload_golden);
	tcase_add_test(tc, test_statement_golden);
	tcase_add_test(tc, test_key_roundtrip);
	tcase_add_test(tc, test_other_keys);
	tcase_add_test(tc, test_scrypt_caps);
	tcase_add_test(tc, test_generate_files);
	tcase_add_test(tc, test_bundle_checks);
	tcase_add_test(tc, test_simple_checks);
	tcase_add_test(tc, test_sig_tag);
	tcase_add_test(tc, test_independent_fixtures);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(sign_suite());
}
