/* SPDX-License-Identifier: Apache-2.0 */
/* sigkey.c - EC P-256 signing keys: PEM and cosign's encrypted key files in and out, ECDSA-SHA256. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <sodium.h>

#include "wpkg/fsutil.h"
#include "wpkg/oci.h"
#include "wpkg/sign.h"
#include "sign_internal.h"

struct wpkg_sigkey {
	EVP_PKEY *pkey;
	bool private_key;
};

#define SALT_LEN 32

void wpkg_sigkey_free(struct wpkg_sigkey *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}

bool wpkg_sigkey_is_private(const struct wpkg_sigkey *k)
{
	return k->private_key;
}

/* Only P-256 ECDSA: what cosign generates and what every verifier of its formats expects. */
static int check_p256(EVP_PKEY *pkey, const char *name, struct wpkg_error *err)
{
	char group[64] = "";
	size_t glen = 0;

	if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_EC)
		return wpkg_error_set(err, WPKG_E_UNSUPPORTED, "%s: a %s key; wpkg signs with EC P-256 keys only "
				      "(make one with: wpkg key generate)", name,
				      OBJ_nid2sn(EVP_PKEY_get_base_id(pkey)));
	if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), &glen) != 1 ||
	    strcmp(group, "prime256v1") != 0)
		return wpkg_error_set(err, WPKG_E_UNSUPPORTED, "%s: an EC key on curve %s; wpkg signs with P-256 "
				      "(prime256v1) keys only", name, group[0] != '\0' ? group : "(unnamed)");
	return 0;
}

static int wrap_pkey(struct wpkg_sigkey **out, EVP_PKEY *pkey, bool priv, const char *name, struct wpkg_error *err)
{
	struct wpkg_sigkey *k;
	int rc = check_p256(pkey, name, err);

	if (rc < 0) {
		EVP_PKEY_free(pkey);
		return rc;
	}
	k = calloc(1, sizeof(*k));
	if (k == NULL) {
		EVP_PKEY_free(pkey);
		return wpkg_error_nomem(err);
	}
	k->pkey = pkey;
	k->private_key = priv;
	*out = k;
	return 0;
}

static int from_private_der(struct wpkg_sigkey **out, const struct wpkg_buf *der, const char *name,
			    const char *label, struct wpkg_error *err)
{
	const unsigned char *p = (const unsigned char *)der->data;
	EVP_PKEY *pkey = d2i_AutoPrivateKey(NULL, &p, (long)der->len);

	if (pkey == NULL || p != (const unsigned char *)der->data + der->len) {
		EVP_PKEY_free(pkey);
		return wpkg_error_set(err, WPKG_E_INVALID, "%s: the \"%s\" block is not a private key the "
				      "DER of which OpenSSL can read", name, label);
	}
	return wrap_pkey(out, pkey, true, name, err);
}

/* Reads one base64 field of the cosign JSON, of exactly want bytes (0: any, at least 1). */
static int b64_field(struct wpkg_buf *out, const json_t *obj, const char *key, size_t want, const char *name,
		     struct wpkg_error *err)
{
	const json_t *v = json_object_get(obj, key);

	if (!json_is_string(v))
		return wpkg_error_set(err, WPKG_E_INVALID, "%s: encrypted key: \"%s\" is missing or not a string", name,
				      key);
	if (wpkg_base64_decode(out, json_string_value(v), json_string_length(v), key, err) < 0)
		return wpkg_error_wrap(err, "%s: encrypted key", name);
	if ((want != 0 && out->len != want) || out->len == 0)
		return wpkg_error_set(err, WPKG_E_INVALID, "%s: encrypted key: \"%s\" holds %zu bytes, not %zu", name,
				      key, out->len, want);
	return 0;
}

static int read_scrypt_params(struct wpkg_scrypt_params *sp, json_t *kdf, const char *name,
			      struct wpkg_error *err)
{
	json_int_t n = 0, r = 0, p = 0;
	json_error_t jerr;

	if (json_unpack_ex(kdf, &jerr, 0, "{s:{s:I, s:I, s:I}}", "params", "N", &n, "r", &r, "p", &p) < 0)
		return wpkg_error_set(err, WPKG_E_INVALID, "%s: encrypted key: kdf.params: %s", name, jerr.text);
	/* scrypt needs 128*N*r bytes and time proportional to N*r*p */
	if (n < 2 || (n & (n - 1)) != 0 || (uint64_t)n > WPKG_SCRYPT_N_MAX || r < 1 || p < 1 ||
	    r > WPKG_SCRYPT_R_MAX || p > WPKG_SCRYPT_P_MAX || 128 * (uint64_t)n * (uint64_t)r > WPKG_SCRYPT_MEM_MAX)
		return wpkg_error_set(err, WPKG_E_UNSUPPORTED, "%s: encrypted key: scrypt N=%lld r=%lld p=%lld is "
				      "outside what wpkg accepts (N a power of two, 128*N*r at most %d MiB, p at most %d)",
				      name, (long long)n, (long long)r, (long long)p, WPKG_SCRYPT_MEM_MAX >> 20,
				      WPKG_SCRYPT_P_MAX);
	sp->n = (uint64_t)n;
	sp->r = (uint32_t)r;
	sp->p = (uint32_t)p;
	return 0;
}

/* securesystemslib's encrypted format, as cosign stores private keys. */
static int decrypt_cosign(struct wpkg_buf *plain, const struct wpkg_buf *doc, const char *name,
			  wpkg_password_fn pw, void *pw_payload, struct wpkg_error *err)
{
	struct wpkg_buf salt = WPKG_BUF_INIT, nonce = WPKG_BUF_INIT, ct = WPKG_BUF_INIT, pass = WPKG_BUF_INIT;
	struct wpkg_buf pt = WPKG_BUF_INIT;
	struct wpkg_scrypt_params sp = { 0, 0, 0 };
	unsigned char key[crypto_secretbox_KEYBYTES];
	json_t *kdf, *cipher;
	json_t *root = NULL;
	int rc;

	if ((rc = wpkg_json_load(&root, doc->data, doc->len, "encrypted key", err)) < 0) {
		rc = wpkg_error_wrap(err, "%s", name);
		goto out;
	}
	kdf = json_object_get(root, "kdf");
	cipher = json_object_get(root, "cipher");
	if (!json_is_object(kdf) || !json_is_object(cipher)) {
		rc = wpkg_error_set(err, WPKG_E_INVALID, "%s: encrypted key: no \"kdf\" and \"cipher\" objects", name);
		goto out;
	}
	if (!json_is_string(json_object_get(kdf, "name")) ||
	    strcmp(json_string_value(json_object_get(kdf, "name")), "scrypt") != 0 ||
	    !json_is_string(json_object_get(cipher, "name")) ||
	    strcmp(json_string_value(json_object_get(cipher, "name")), "nacl/secretbox") != 0) {
		rc = wpkg_error_set(err, WPKG_E_UNSUPPORTED,
				    "%s: encrypted key: only kdf \"scrypt\" with cipher \"nacl/secretbox\" is supported",
				    name);
		goto out;
	}
	if ((rc = read_scrypt_params(&sp, kdf, name, err)) < 0 ||
	    (rc = b64_field(&salt, kdf, "salt", 0, name, err)) < 0 ||
	    (rc = b64_field(&nonce, cipher, "nonce", crypto_secretbox_NONCEBYTES, name, err)) < 0 ||
	    (rc = b64_field(&ct, root, "ciphertext", 0, name, err)) < 0)
		goto out;
	if (ct.len < crypto_secretbox_MACBYTES) {
		rc = wpkg_error_set(err, WPKG_E_INVALID, "%s: encrypted key: ciphertext of %zu bytes is shorter than "
				    "its authenticator", name, ct.len);
		goto out;
	}
	if (pw == NULL) {
		rc = wpkg_error_set(err, WPKG_E_DENIED, "%s: the key is encrypted and no password was given", name);
		goto out;
	}
	if ((rc = pw(pw_payload, &pass, err)) < 0)
		goto out;
	if (sodium_init() < 0 ||
	    crypto_pwhash_scryptsalsa208sha256_ll((const uint8_t *)pass.data, pass.len, (const uint8_t *)salt.data,
						  salt.len, sp.n, sp.r, sp.p, key, sizeof(key)) != 0) {
		rc = wpkg_error_set(err, WPKG_E_NOMEM, "%s: scrypt failed (out of memory?)", name);
		goto out;
	}
	if ((rc = wpkg_buf_grow(&pt, ct.len)) < 0) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	if (crypto_secretbox_open_easy((unsigned char *)pt.data, (const unsigned char *)ct.data, ct.len,
				       (const unsigned char *)nonce.data, key) != 0) {
		rc = wpkg_error_set(err, WPKG_E_DENIED, "%s: wrong password (the encrypted key does not open with it)",
				    name);
		goto out;
	}
	pt.len = ct.len - crypto_secretbox_MACBYTES;
	pt.data[pt.len] = '\0';
	wpkg_buf_free(plain);
	*plain = pt;
	pt = (struct wpkg_buf)WPKG_BUF_INIT;
	rc = 0;
out:
	sodium_memzero(key, sizeof(key));
	if (pass.cap > 0)
		sodium_memzero(pass.data, pass.cap);
	if (pt.cap > 0)
		sodium_memzero(pt.data, pt.cap);
	wpkg_buf_free(&pass);
	wpkg_buf_free(&pt);
	wpkg_buf_free(&salt);
	wpkg_buf_free(&nonce);
	wpkg_buf_free(&ct);
	json_decref(root);
	return rc;
}

static bool is_label(const struct pem_block *b, const char *label)
{
	return strcmp(b->label, label) == 0;
}

int wpkg_sigkey_load_private(struct wpkg_sigkey **out, const char *pem, size_t len, const char *name,
			     wpkg_password_fn pw, void *pw_payload, struct wpkg_error *err)
{
	struct pem_block b = { .der = WPKG_BUF_INIT };
	struct wpkg_buf plain = WPKG_BUF_INIT;
	size_t at = 0;
	int rc;

	for (;;) {
		wpkg_buf_free(&b.der);
		rc = wpkg_pem_next(&b, pem, len, at, name, err);
		if (rc < 0)
			goto out;
		if (rc == 0) {
			rc = wpkg_error_set(err, WPKG_E_INVALID, "%s: no PEM private key in the file (want \"-----BEGIN "
					    "ENCRYPTED SIGSTORE PRIVATE KEY-----\", PKCS#8 or SEC1)", name);
			goto out;
		}
		at = b.next;
		if (!is_label(&b, "EC PARAMETERS"))
			break;
	}
	if (is_label(&b, "PRIVATE KEY") || is_label(&b, "EC PRIVATE KEY")) {
		rc = from_private_der(out, &b.der, name, b.label, err);
	} else if (is_label(&b, "ENCRYPTED SIGSTORE PRIVATE KEY") || is_label(&b, "ENCRYPTED COSIGN PRIVATE KEY")) {
		rc = decrypt_cosign(&plain, &b.der, name, pw, pw_payload, err);
		if (rc == 0)
			rc = from_private_der(out, &plain, name, b.label, err);
	} else if (is_label(&b, "PUBLIC KEY")) {
		rc = wpkg_error_set(err, WPKG_E_INVALID, "%s: a public key; signing needs the private key (PREFIX.key)",
				    name);
	} else if (is_label(&b, "ENCRYPTED PRIVATE KEY")) {
		rc = wpkg_error_set(err, WPKG_E_UNSUPPORTED, "%s: a password-encrypted PKCS#8 key; decrypt it with "
				    "openssl pkcs8, or import it with cosign import-key-pair", name);
	} else {
		rc = wpkg_error_set(err, WPKG_E_UNSUPPORTED, "%s: a \"%s\" block; wpkg signs with EC P-256 keys only",
				    name, b.label);
	}
out:
	if (plain.cap > 0)
		sodium_memzero(plain.data, plain.cap);
	wpkg_buf_free(&plain);
	if (b.der.cap > 0)
		sodium_memzero(b.der.data, b.der.cap);
	wpkg_buf_free(&b.der);
	return rc;
}

int wpkg_sigkey_load_public(struct wpkg_sigkey **out, const char *pem, size_t len, const char *name,
			    struct wpkg_error *err)
{
	struct pem_block b = { .der = WPKG_BUF_INIT };
	const unsigned char *p;
	EVP_PKEY *pkey;
	int rc = wpkg_pem_next(&b, pem, len, 0, name, err);

	if (rc == 0)
		return wpkg_error_set(err, WPKG_E_INVALID, "%s: no PEM public key in the file (want \"-----BEGIN "
				      "PUBLIC KEY-----\")", name);
	if (rc < 0)
		return rc;
	if (!is_label(&b, "PUBLIC KEY")) {
		rc = wpkg_error_set(err, WPKG_E_INVALID, "%s: a \"%s\" block, not a \"PUBLIC KEY\"%s", name, b.label,
				    strstr(b.label, "PRIVATE") != NULL ? "; verify with the .pub file" : "");
		goto out;
	}
	p = (const unsigned char *)b.der.data;
	pkey = d2i_PUBKEY(NULL, &p, (long)b.der.len);
	if (pkey == NULL || p != (const unsigned char *)b.der.data + b.der.len) {
		EVP_PKEY_free(pkey);
		rc = wpkg_error_set(err, WPKG_E_INVALID, "%s: the PUBLIC KEY block is not a SubjectPublicKeyInfo", name);
		goto out;
	}
	rc = wrap_pkey(out, pkey, false, name, err);
out:
	wpkg_buf_free(&b.der);
	return rc;
}

int wpkg_sigkey_load_private_file(struct wpkg_sigkey **out, const char *path, wpkg_password_fn pw,
				  void *pw_payload, struct wpkg_error *err)
{
	struct wpkg_buf text = WPKG_BUF_INIT;
	int rc = wpkg_read_file(&text, path, WPKG_KEY_FILE_MAX, err);

	if (rc == 0)
		rc = wpkg_sigkey_load_private(out, text.data, text.len, path, pw, pw_payload, err);
	if (text.cap > 0)
		sodium_memzero(text.data, text.cap);
	wpkg_buf_free(&text);
	return rc;
}

int wpkg_sigkey_load_public_file(struct wpkg_sigkey **out, const char *path, struct wpkg_error *err)
{
	struct wpkg_buf text = WPKG_BUF_INIT;
	int rc = wpkg_read_file(&text, path, WPKG_KEY_FILE_MAX, err);

	if (rc == 0)
		rc = wpkg_sigkey_load_public(out, text.data, text.len, path, err);
	wpkg_buf_free(&text);
	return rc;
}

int wpkg_sigkey_generate(struct wpkg_sigkey **out, struct wpkg_error *err)
{
	EVP_PKEY *pkey = EVP_EC_gen("P-256");

	if (pkey == NULL)
		return wpkg_error_set(err, WPKG_E_NOMEM, "generating a P-256 key failed");
	return wrap_pkey(out, pkey, true, "new key", err);
}

static int pkcs8_der(struct wpkg_buf *out, const struct wpkg_sigkey *k, struct wpkg_error *err)
{
	PKCS8_PRIV_KEY_INFO *p8 = EVP_PKEY2PKCS8(k->pkey);
	unsigned char *der = NULL;
	int n = p8 != NULL ? i2d_PKCS8_PRIV_KEY_INFO(p8, &der) : -1;
	int rc = 0;

	if (n <= 0 || wpkg_buf_put(out, der, (size_t)n) < 0)
		rc = wpkg_error_set(err, WPKG_E_NOMEM, "encoding the private key failed");
	if (der != NULL) {
		OPENSSL_cleanse(der, (size_t)n);
		OPENSSL_free(der);
	}
	PKCS8_PRIV_KEY_INFO_free(p8);
	return rc;
}

static int spki_der(struct wpkg_buf *out, const struct wpkg_sigkey *k, struct wpkg_error *err)
{
	unsigned char *der = NULL;
	int n = i2d_PUBKEY(k->pkey, &der);
	int rc = 0;

	if (n <= 0 || wpkg_buf_put(out, der, (size_t)n) < 0)
		rc = wpkg_error_set(err, WPKG_E_NOMEM, "encoding the public key failed");
	OPENSSL_free(der);
	return rc;
}

static int put_b64_string(struct wpkg_buf *out, const void *data, size_t len)
{
	int rc = wpkg_buf_putc(out, '"');

	if (rc == 0)
		rc = wpkg_base64_encode(out, data, len);
	if (rc == 0)
		rc = wpkg_buf_putc(out, '"');
	return rc;
}

int wpkg_sigkey_write_encrypted(struct wpkg_buf *out, const struct wpkg_sigkey *k, const char *password,
				size_t password_len, const struct wpkg_scrypt_params *params, struct wpkg_error *err)
{
	static const struct wpkg_scrypt_params defaults = WPKG_SCRYPT_DEFAULT;
	struct wpkg_buf der = WPKG_BUF_INIT, ct = WPKG_BUF_INIT, doc = WPKG_BUF_INIT;
	unsigned char salt[SALT_LEN], nonce[crypto_secretbox_NONCEBYTES], key[crypto_secretbox_KEYBYTES];
	int rc;

	if (params == NULL)
		params = &defaults;
	if (!k->private_key)
		return wpkg_error_set(err, WPKG_E_INVALID, "a public key has no private part to write");
	if (sodium_init() < 0)
		return wpkg_error_set(err, WPKG_E_NOMEM, "libsodium would not start");
	randombytes_buf(salt, sizeof(salt));
	randombytes_buf(nonce, sizeof(nonce));
	if ((rc = pkcs8_der(&der, k, err)) < 0)
		goto out;
	if (crypto_pwhash_scryptsalsa208sha256_ll((const uint8_t *)password, password_len, salt, sizeof(salt),
						  params->n, params->r, params->p, key, sizeof(key)) != 0) {
		rc = wpkg_error_set(err, WPKG_E_NOMEM, "scrypt failed (out of memory?)");
		goto out;
	}
	if ((rc = wpkg_buf_grow(&ct, der.len + crypto_secretbox_MACBYTES)) < 0)
		goto nomem;
	crypto_secretbox_easy((unsigned char *)ct.data, (const unsigned char *)der.data, der.len, nonce, key);
	ct.len = der.len + crypto_secretbox_MACBYTES;
	/* the field order Go's encoding/json gives securesystemslib's structs */
	rc = wpkg_buf_printf(&doc, "{\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":%llu,\"r\":%u,\"p\":%u},\"salt\":",
			     (unsigned long long)params->n, params->r, params->p);
	if (rc == 0)
		rc = put_b64_string(&doc, salt, sizeof(salt));
	if (rc == 0)
		rc = wpkg_buf_puts(&doc, "},\"cipher\":{\"name\":\"nacl/secretbox\",\"nonce\":");
	if (rc == 0)
		rc = put_b64_string(&doc, nonce, sizeof(nonce));
	if (rc == 0)
		rc = wpkg_buf_puts(&doc, "},\"ciphertext\":");
	if (rc == 0)
		rc = put_b64_string(&doc, ct.data, ct.len);
	if (rc == 0)
		rc = wpkg_buf_putc(&doc, '}');
	if (rc == 0)
		rc = wpkg_pem_write(out, "ENCRYPTED SIGSTORE PRIVATE KEY", doc.data, doc.len);
	if (rc < 0)
		goto nomem;
	goto out;
nomem:
	rc = wpkg_error_nomem(err);
out:
	sodium_memzero(key, sizeof(key));
	if (der.cap > 0)
		sodium_memzero(der.data, der.cap);
	wpkg_buf_free(&der);
	wpkg_buf_free(&ct);
	wpkg_buf_free(&doc);
	return rc;
}

int wpkg_sigkey_write_public(struct wpkg_buf *out, const struct wpkg_sigkey *k, struct wpkg_error *err)
{
	struct wpkg_buf der = WPKG_BUF_INIT;
	int rc = spki_der(&der, k, err);

	if (rc == 0 && wpkg_pem_write(out, "PUBLIC KEY", der.data, der.len) < 0)
		rc = wpkg_error_nomem(err);
	wpkg_buf_free(&der);
	return rc;
}

int wpkg_sigkey_hint(char out[WPKG_KEY_HINT_MAX], const struct wpkg_sigkey *k, struct wpkg_error *err)
{
	struct wpkg_buf der = WPKG_BUF_INIT, b64 = WPKG_BUF_INIT;
	unsigned char md[32];
	int rc = spki_der(&der, k, err);

	if (rc == 0) {
		SHA256((const unsigned char *)der.data, der.len, md);
		if (wpkg_base64_encode(&b64, md, sizeof(md)) < 0 || b64.len >= WPKG_KEY_HINT_MAX)
			rc = wpkg_error_nomem(err);
		else
			memcpy(out, b64.data, b64.len + 1);
	}
	wpkg_buf_free(&der);
	wpkg_buf_free(&b64);
	return rc;
}

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 || errno != ENOENT;
}

int wpkg_sigkey_generate_files(const char *prefix, const char *password, size_t password_len,
			       const struct wpkg_scrypt_params *params, struct wpkg_error *err)
{
	struct wpkg_buf key_path = WPKG_BUF_INIT, pub_path = WPKG_BUF_INIT, key_pem = WPKG_BUF_INIT;
	struct wpkg_buf pub_pem = WPKG_BUF_INIT;
	struct wpkg_sigkey *k = NULL;
	int rc;

	if (wpkg_buf_printf(&key_path, "%s.key", prefix) < 0 || wpkg_buf_printf(&pub_path, "%s.pub", prefix) < 0) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	if (exists(key_path.data) || exists(pub_path.data)) {
		rc = wpkg_error_set(err, WPKG_E_EXISTS, "%s exists already; remove it or choose another "
				    "--output-key-prefix", exists(key_path.data) ? key_path.data : pub_path.data);
		goto out;
	}
	if ((rc = wpkg_sigkey_generate(&k, err)) < 0 ||
	    (rc = wpkg_sigkey_write_encrypted(&key_pem, k, password, password_len, params, err)) < 0 ||
	    (rc = wpkg_sigkey_write_public(&pub_pem, k, err)) < 0)
		goto out;
	if ((rc = wpkg_write_file_atomic(key_path.data, key_pem.data, key_pem.len, 0600, err)) < 0)
		goto out;
	if ((rc = wpkg_write_file_atomic(pub_path.data, pub_pem.data, pub_pem.len, 0644, err)) < 0) {
		unlink(key_path.data);   /* a key without its public half would only confuse */
		goto out;
	}
out:
	wpkg_sigkey_free(k);
	wpkg_buf_free(&key_path);
	wpkg_buf_free(&pub_path);
	wpkg_buf_free(&key_pem);
	wpkg_buf_free(&pub_pem);
	return rc;
}

int wpkg_sigkey_sign(struct wpkg_buf *sig, const struct wpkg_sigkey *k, const void *msg, size_t len,
		     struct wpkg_error *err)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t n = 0;
	int rc = 0;

	if (!k->private_key)
		rc = wpkg_error_set(err, WPKG_E_INVALID, "signing needs a private key");
	else if (ctx == NULL || EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, k->pkey) != 1 ||
		 EVP_DigestSign(ctx, NULL, &n, msg, len) != 1 || wpkg_buf_grow(sig, n) < 0 ||
		 EVP_DigestSign(ctx, (unsigned char *)sig->data + sig->len, &n, msg, len) != 1)
		rc = wpkg_error_set(err, WPKG_E_NOMEM, "ECDSA signing failed");
	else {
		sig->len += n;
		sig->data[sig->len] = '\0';
	}
	EVP_MD_CTX_free(ctx);
	return rc;
}

int wpkg_sigkey_verify(const struct wpkg_sigkey *k, const void *msg, size_t len, const void *sig, size_t sig_len,
		       struct wpkg_error *err)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx != NULL && EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, k->pkey) == 1 &&
		 EVP_DigestVerify(ctx, sig, sig_len, msg, len) == 1;

	EVP_MD_CTX_free(ctx);
	return ok ? 0 : wpkg_error_set(err, WPKG_E_DIGEST, "signature does not verify with this key");
}
