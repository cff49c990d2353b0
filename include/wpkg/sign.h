/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/sign.h - signing keys (PEM, cosign's encrypted format), ECDSA P-256, and cosign's signature formats. */
#ifndef WPKG_SIGN_H
#define WPKG_SIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "wpkg/common.h"
#include "wpkg/mediatype.h"
#include "wpkg/buf.h"
#include "wpkg/digest.h"
#include "wpkg/error.h"

WPKG_BEGIN_DECL

/* ---- keys (sigkey.c) ---- */

/* An EC P-256 key, private (can sign and verify) or public (can verify).  Free with wpkg_sigkey_free. */
struct wpkg_sigkey;

/*
 * Asked for the password of an encrypted key, only when the key is
 * encrypted.  Writes it into out (cleared by the caller afterwards);
 * returns 0 or a negative WPKG_E_* with err set.
 */
typedef int (*wpkg_password_fn)(void *payload, struct wpkg_buf *out, struct wpkg_error *err);

/* cosign's default scrypt cost (securesystemslib encrypted.Encrypt): N 32768, r 8, p 1. */
struct wpkg_scrypt_params {
	uint64_t n;
	uint32_t r, p;
};
#define WPKG_SCRYPT_DEFAULT { 32768, 8, 1 }

/* Caps on what a key file may ask of us: a hostile N or r*p would take hours or gigabytes. */
#define WPKG_SCRYPT_N_MAX ((uint64_t)1 << 20)
#define WPKG_SCRYPT_R_MAX 32
#define WPKG_SCRYPT_P_MAX 16
#define WPKG_SCRYPT_MEM_MAX (256 << 20)   /* 128 * N * r bytes */
#define WPKG_KEY_FILE_MAX (64 * 1024)

/*
 * Reads a private key from PEM text: "PRIVATE KEY" (PKCS#8), "EC PRIVATE
 * KEY" (SEC1, an "EC PARAMETERS" block before it is skipped), "ENCRYPTED
 * SIGSTORE PRIVATE KEY" or "ENCRYPTED COSIGN PRIVATE KEY" (cosign: JSON with
 * scrypt parameters and a nacl/secretbox ciphertext of PKCS#8 DER; password
 * from pw).  name is the file, for messages.  Another curve or key type,
 * a password-encrypted PKCS#8 ("ENCRYPTED PRIVATE KEY"), a truncated block
 * or a wrong password each give one line (WPKG_E_UNSUPPORTED,
 * WPKG_E_INVALID, WPKG_E_DENIED for the password).
 */
WPKG_API int wpkg_sigkey_load_private(struct wpkg_sigkey **out, const char *pem, size_t len, const char *name,
			     wpkg_password_fn pw, void *pw_payload, struct wpkg_error *err);
/* Reads a public key from PEM "PUBLIC KEY" (SubjectPublicKeyInfo); a private key file is refused by name. */
WPKG_API int wpkg_sigkey_load_public(struct wpkg_sigkey **out, const char *pem, size_t len, const char *name,
			    struct wpkg_error *err);
/* Both, from a file of at most WPKG_KEY_FILE_MAX bytes. */
WPKG_API int wpkg_sigkey_load_private_file(struct wpkg_sigkey **out, const char *path, wpkg_password_fn pw,
				  void *pw_payload, struct wpkg_error *err);
WPKG_API int wpkg_sigkey_load_public_file(struct wpkg_sigkey **out, const char *path, struct wpkg_error *err);

/* A new P-256 key from the system's random source. */
WPKG_API int wpkg_sigkey_generate(struct wpkg_sigkey **out, struct wpkg_error *err);
WPKG_API void wpkg_sigkey_free(struct wpkg_sigkey *k);
WPKG_API bool wpkg_sigkey_is_private(const struct wpkg_sigkey *k);

/*
 * Appends k's private key as cosign writes it: PEM "ENCRYPTED SIGSTORE
 * PRIVATE KEY" around {"kdf":{"name":"scrypt","params":{"N":..,"r":..,"p":..},
 * "salt":B64},"cipher":{"name":"nacl/secretbox","nonce":B64},"ciphertext":B64}
 * (32 random salt bytes, 24 nonce bytes, PKCS#8 DER inside).  An empty
 * password is allowed, as with cosign.
 */
WPKG_API int wpkg_sigkey_write_encrypted(struct wpkg_buf *out, const struct wpkg_sigkey *k, const char *password,
				size_t password_len, const struct wpkg_scrypt_params *params, struct wpkg_error *err);
/* Appends PEM "PUBLIC KEY" (DER SubjectPublicKeyInfo, 64-column lines). */
WPKG_API int wpkg_sigkey_write_public(struct wpkg_buf *out, const struct wpkg_sigkey *k, struct wpkg_error *err);

/* base64(sha256(DER SubjectPublicKeyInfo)): the bundle's publicKey.hint and cosign's key id. */
#define WPKG_KEY_HINT_MAX 45
WPKG_API int wpkg_sigkey_hint(char out[WPKG_KEY_HINT_MAX], const struct wpkg_sigkey *k, struct wpkg_error *err);

/*
 * Writes PREFIX.key (cosign's encrypted format, mode 0600) and PREFIX.pub
 * (0644), each through a temporary file and a rename.  WPKG_E_EXISTS when
 * either is there already: nothing is overwritten.
 */
WPKG_API int wpkg_sigkey_generate_files(const char *prefix, const char *password, size_t password_len,
			       const struct wpkg_scrypt_params *params, struct wpkg_error *err);

/* ECDSA with SHA-256 over msg; the signature is ASN.1 DER, as cosign writes it.  k must be private. */
WPKG_API int wpkg_sigkey_sign(struct wpkg_buf *sig, const struct wpkg_sigkey *k, const void *msg, size_t len,
		     struct wpkg_error *err);
/* 0 when sig (DER) is k's signature of msg; WPKG_E_DIGEST "signature does not verify" otherwise. */
WPKG_API int wpkg_sigkey_verify(const struct wpkg_sigkey *k, const void *msg, size_t len, const void *sig,
				size_t sig_len, struct wpkg_error *err);

/* ---- base64 (standard alphabet, padded) ---- */

WPKG_API int wpkg_base64_encode(struct wpkg_buf *out, const void *data, size_t len);
/* Strict: only the alphabet, padding where it belongs; WPKG_E_INVALID naming what otherwise. */
WPKG_API int wpkg_base64_decode(struct wpkg_buf *out, const char *s, size_t len, const char *what,
				struct wpkg_error *err);

/* ---- payloads (cosign_payload.c) ---- */

#define WPKG_COSIGN_SIMPLESIGNING_MT WPKG_MT_COSIGN_SIMPLESIGNING
#define WPKG_COSIGN_SIGNATURE_ANNOTATION "dev.cosignproject.cosign/signature"
#define WPKG_COSIGN_SIMPLESIGNING_TYPE "cosign container image signature"
#define WPKG_INTOTO_PAYLOAD_TYPE WPKG_MT_INTOTO
#define WPKG_INTOTO_STATEMENT_V1 "https://in-toto.io/Statement/v1"
#define WPKG_COSIGN_SIGN_PREDICATE "https://sigstore.dev/cosign/sign/v1"

/*
 * The simple-signing payload, byte for byte as cosign (Go's encoding/json)
 * writes it: {"critical":{"identity":{"docker-reference":REPO},"image":
 * {"docker-manifest-digest":DIGEST},"type":"cosign container image
 * signature"},"optional":null}; with annotations (an object of strings,
 * may be NULL) "optional" is that object with its keys sorted.  Strings are
 * escaped as Go does (<, >, & and U+2028/9 as \uXXXX).
 */
WPKG_API int wpkg_cosign_payload(struct wpkg_buf *out, const char *docker_reference, const char *digest,
			json_t *annotations, struct wpkg_error *err);

/*
 * An in-toto Statement v1: subject [{"name":NAME,"digest":{ALG:HEX}}],
 * predicateType https://sigstore.dev/cosign/sign/v1, predicate {} or, with
 * annotations, {"annotations":{...}} (keys sorted).
 */
WPKG_API int wpkg_intoto_statement(struct wpkg_buf *out, const char *name, const struct wpkg_digest *digest,
			  json_t *annotations, struct wpkg_error *err);

/* What a signed payload claims (both forms). */
struct wpkg_claim {
	char digest[WPKG_DIGEST_STR_MAX];  /* the signed manifest digest */
	char *name;                        /* docker-reference or the statement subject's name */
	char *predicate_type;              /* statements only, else NULL */
};
WPKG_API void wpkg_claim_clear(struct wpkg_claim *c);

/* Reads a simple-signing payload: its type must be cosign's, its digest well formed. */
WPKG_API int wpkg_cosign_payload_parse(struct wpkg_claim *out, const void *data, size_t len, struct wpkg_error *err);
/*
 * Reads an in-toto Statement (v1 or v0.1): the first subject whose digest
 * map has sha256 (or sha512) gives the claim; when want is not NULL, a
 * subject with that digest is preferred.
 */
WPKG_API int wpkg_intoto_parse(struct wpkg_claim *out, const void *data, size_t len, const struct wpkg_digest *want,
		      struct wpkg_error *err);

/* ---- DSSE (dsse.c) ---- */

/* Caps on what a parser accepts. */
#define WPKG_DSSE_MAX (1024 * 1024)
#define WPKG_DSSE_SIGS_MAX 16

/* "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in ASCII decimal. */
WPKG_API int wpkg_dsse_pae(struct wpkg_buf *out, const char *payload_type, const void *payload, size_t len);

struct wpkg_dsse_sig {
	char *keyid;          /* "" when absent */
	struct wpkg_buf sig;  /* decoded */
};

struct wpkg_dsse {
	char *payload_type;
	struct wpkg_buf payload;   /* decoded */
	struct wpkg_dsse_sig *sigs;
	size_t n_sigs;
};
WPKG_API void wpkg_dsse_clear(struct wpkg_dsse *e);

/* Signs payload with k into a one-signature envelope (keyid ""). */
WPKG_API int wpkg_dsse_sign(struct wpkg_dsse *out, const struct wpkg_sigkey *k, const char *payload_type,
		   const void *payload, size_t len, struct wpkg_error *err);
/* {"payload":B64,"payloadType":T,"signatures":[{"sig":B64}]} (keyid only when set) as a new object. */
WPKG_API json_t *wpkg_dsse_to_json(const struct wpkg_dsse *e);
/* From a parsed object / from bytes (at most WPKG_DSSE_MAX, at most WPKG_DSSE_SIGS_MAX signatures). */
WPKG_API int wpkg_dsse_from_json(struct wpkg_dsse *out, json_t *obj, const char *what, struct wpkg_error *err);
WPKG_API int wpkg_dsse_parse(struct wpkg_dsse *out, const void *data, size_t len, struct wpkg_error *err);
/* 0 when some signature of e verifies with k over the PAE, else WPKG_E_DIGEST. */
WPKG_API int wpkg_dsse_verify(const struct wpkg_dsse *e, const struct wpkg_sigkey *k, struct wpkg_error *err);

/* ---- Sigstore bundles (bundle.c) ---- */

#define WPKG_BUNDLE_V03_MT WPKG_MT_SIGSTORE_BUNDLE_V03
#define WPKG_BUNDLE_MAX (4 * 1024 * 1024)

struct wpkg_bundle {
	char *media_type;
	char *hint;                  /* verificationMaterial.publicKey.hint, or NULL */
	struct wpkg_buf cert;        /* DER of the leaf certificate (keyless), empty otherwise */
	bool has_dsse;
	struct wpkg_dsse dsse;       /* when has_dsse */
	bool has_message_signature;  /* a messageSignature bundle (blob signing): not an image signature */
};
WPKG_API void wpkg_bundle_clear(struct wpkg_bundle *b);

/* {"mediaType":v0.3,"verificationMaterial":{"publicKey":{"hint":H}},"dsseEnvelope":{...}}, compact. */
WPKG_API int wpkg_bundle_write(struct wpkg_buf *out, const char *hint, const struct wpkg_dsse *e,
			       struct wpkg_error *err);
/*
 * Reads a bundle v0.1-v0.3 (at most WPKG_BUNDLE_MAX bytes): publicKey.hint,
 * or certificate.rawBytes / x509CertificateChain.certificates[0].rawBytes,
 * and dsseEnvelope or messageSignature.  Unknown fields are ignored.
 */
WPKG_API int wpkg_bundle_parse(struct wpkg_bundle *out, const void *data, size_t len, struct wpkg_error *err);

/*
 * For listing keyless signatures: the certificate's identity (the first
 * email or URI subjectAltName) and OIDC issuer (Fulcio's extension
 * 1.3.6.1.4.1.57264.1.8, else .1.1).  Nothing is verified.  Caller frees.
 */
WPKG_API int wpkg_cert_identity(char **subject, char **issuer, const void *der, size_t len, struct wpkg_error *err);

WPKG_END_DECL

#endif
