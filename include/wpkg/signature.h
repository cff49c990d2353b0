/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/signature.h - signing a manifest in a store in cosign's two forms, and verifying such signatures. */
#ifndef WPKG_SIGNATURE_H
#define WPKG_SIGNATURE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "wpkg/common.h"
#include "wpkg/digest.h"
#include "wpkg/error.h"
#include "wpkg/log.h"
#include "wpkg/referrers.h"
#include "wpkg/sign.h"
#include "wpkg/store.h"

WPKG_BEGIN_DECL

enum wpkg_sig_format {
	WPKG_SIG_BUNDLE = 1u << 0,   /* a Sigstore bundle referrer (cosign v3's default) */
	WPKG_SIG_LEGACY = 1u << 1,   /* a layer of the sha256-HEX.sig tag (cosign v1/v2) */
};

/* The legacy tag of a digest: "sha256-" HEX ".sig". */
#define WPKG_SIG_TAG_MAX (WPKG_DIGEST_STR_MAX + 4)
WPKG_API int wpkg_sig_tag(char out[WPKG_SIG_TAG_MAX], const struct wpkg_digest *d, struct wpkg_error *err);

/* Rounds of the .sig read-modify-write before giving up on concurrent writers. */
#define WPKG_SIG_ROUNDS 6

struct wpkg_sign_opts {
	unsigned formats;            /* WPKG_SIG_* bits; 0: both */
	json_t *annotations;         /* borrowed object of strings (-a): in both payloads, or NULL */
	time_t created;              /* org.opencontainers.image.created of the bundle referrer */
	const char *work_dir;        /* an existing private directory: the bundle is written there for attach */
	const struct wpkg_log_sink *log;  /* debug messages (retried rounds), or NULL */
};

struct wpkg_sign_result {
	struct wpkg_descriptor subject;      /* the manifest signed */
	char hint[WPKG_KEY_HINT_MAX];
	bool bundle;                         /* a bundle referrer was written: */
	struct wpkg_attach_result attach;    /*   the referrer's manifest and where it is listed */
	bool legacy;                         /* a .sig layer was written: */
	char sig_tag[WPKG_SIG_TAG_MAX];
	struct wpkg_digest sig_manifest;     /*   the .sig manifest now tagged */
	struct wpkg_digest payload;          /*   the simple-signing payload (its layer) */
	size_t sig_layers;                   /*   signatures the .sig manifest holds now */
	unsigned sig_rounds;                 /*   read-modify-write rounds it took */
};
WPKG_API void wpkg_sign_result_clear(struct wpkg_sign_result *r);

/*
 * Signs the manifest at reference in s with k (a private key).  Bundle: an
 * in-toto Statement v1 naming the manifest digest, in a DSSE envelope, in a
 * bundle v0.3 with the key's hint, attached with wpkg_attach (artifactType
 * and layer media type WPKG_BUNDLE_V03_MT, annotations
 * dev.sigstore.bundle.content=dsse-envelope, dev.sigstore.bundle.predicateType,
 * org.opencontainers.image.created).  Legacy: the simple-signing payload as a
 * layer with the signature annotation, appended to the manifest of the .sig
 * tag (created when missing), written, read back and redone when a concurrent
 * signer's write lost it (at most WPKG_SIG_ROUNDS).  *out is set only on
 * success; on an error after the bundle was written, the bundle stays.
 */
WPKG_API int wpkg_sign(struct wpkg_sign_result *out, struct wpkg_store *s, const char *reference,
	      const struct wpkg_sigkey *k, const struct wpkg_sign_opts *opts, struct wpkg_error *err);

enum wpkg_sig_status {
	WPKG_SIG_VERIFIED = 0,     /* signed by the key, names the manifest digest */
	WPKG_SIG_BAD,              /* does not verify with the key (another key, or tampered) */
	WPKG_SIG_OTHER_DIGEST,     /* verifies, but names another manifest */
	WPKG_SIG_KEYLESS,          /* a certificate bundle: listed, not checked */
	WPKG_SIG_MALFORMED,        /* unreadable: message says why */
};
WPKG_API const char *wpkg_sig_status_str(enum wpkg_sig_status st);

struct wpkg_sig_entry {
	enum wpkg_sig_format format;
	enum wpkg_sig_status status;
	struct wpkg_digest where;    /* the bundle referrer's manifest, or the .sig manifest */
	size_t layer;                /* legacy: the layer's position in the .sig manifest */
	char *hint;                  /* bundle: publicKey.hint, or NULL */
	char *created;               /* bundle: org.opencontainers.image.created, or NULL */
	char *signed_digest;         /* what the payload names, or NULL when unreadable */
	char *cert_subject;          /* keyless only */
	char *cert_issuer;
	char message[256];           /* why it is not verified; "" when verified */
};

struct wpkg_verify_result {
	struct wpkg_descriptor subject;
	char hint[WPKG_KEY_HINT_MAX];      /* of the key verified with */
	struct wpkg_sig_entry *entries;    /* every signature found: bundles first, then .sig layers */
	size_t n_entries;
	size_t verified;                   /* index of the first verified entry, or n_entries */
};
WPKG_API void wpkg_verify_result_clear(struct wpkg_verify_result *r);

/* Caps: the signatures read, a .sig layer. */
#define WPKG_VERIFY_MAX_SIGNATURES 64
#define WPKG_SIG_PAYLOAD_MAX (256 * 1024)

/*
 * Finds every signature of the manifest at reference in s (bundle
 * referrers, then the layers of the .sig tag) and checks each with k (a
 * public or private key).  Returns 0 with *out filled whatever was found
 * (out->verified < out->n_entries when one verified); errors only for the
 * store (the reference cannot be resolved, the registry fails).
 */
WPKG_API int wpkg_verify(struct wpkg_verify_result *out, struct wpkg_store *s, const char *reference,
		const struct wpkg_sigkey *k, struct wpkg_error *err);

/* The checks alone, on bytes: a bundle's / a simple-signing layer's, against the digest they must name. */
WPKG_API void wpkg_verify_bundle_bytes(struct wpkg_sig_entry *e, const void *data, size_t len,
				       const struct wpkg_sigkey *k, const struct wpkg_digest *want);
WPKG_API void wpkg_verify_simple_bytes(struct wpkg_sig_entry *e, const void *payload, size_t len, const char *sig_b64,
			      const struct wpkg_sigkey *k, const struct wpkg_digest *want);
WPKG_API void wpkg_sig_entry_clear(struct wpkg_sig_entry *e);

/* What a referrer is, from its artifactType (and a bundle's dev.sigstore.bundle.predicateType annotation). */
enum wpkg_referrer_kind {
	WPKG_REFERRER_OTHER = 0,             /* anything else: shown by its artifact type */
	WPKG_REFERRER_COSIGN_SIGNATURE,      /* a Sigstore bundle of cosign's sign predicate (or none) */
	WPKG_REFERRER_COSIGN_ATTESTATION,    /* a Sigstore bundle of another predicate type */
	WPKG_REFERRER_LEGACY_SIGNATURE,      /* the sha256-HEX.sig tag (not a referrer: wpkg_discover_legacy) */
	WPKG_REFERRER_NOTATION_SIGNATURE,    /* application/vnd.cncf.notary.signature */
	WPKG_REFERRER_SBOM_SPDX,
	WPKG_REFERRER_SBOM_CYCLONEDX,
};
/* The kind of d; *predicate_type is the bundle's predicate type (borrowed from d), or NULL. */
WPKG_API enum wpkg_referrer_kind wpkg_referrer_classify(const struct wpkg_descriptor *d, const char **predicate_type);
/* "cosign-signature", "sbom-cyclonedx", ... as in wpkg discover --format json. */
WPKG_API const char *wpkg_referrer_kind_name(enum wpkg_referrer_kind k);
/*
 * The manifest tagged sha256-HEX.sig for subject in s: 1 with *out (clear
 * it with wpkg_descriptor_clear) and *n_signatures (its layers; 0 when it
 * is unreadable), 0 when there is no such tag, or an error.
 */
WPKG_API int wpkg_discover_legacy(struct wpkg_descriptor *out, size_t *n_signatures, struct wpkg_store *s,
				  const struct wpkg_digest *subject, struct wpkg_error *err);

WPKG_END_DECL

#endif
