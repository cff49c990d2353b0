/* SPDX-License-Identifier: Apache-2.0 */
/* verify.c - wpkg_verify: find a manifest's cosign signatures (bundle referrers, the .sig tag) and check them. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wpkg/oci.h"
#include "wpkg/signature.h"
#include "signature_internal.h"

const char *wpkg_sig_status_str(enum wpkg_sig_status st)
{
	switch (st) {
	case WPKG_SIG_VERIFIED:
		return "verified";
	case WPKG_SIG_BAD:
		return "does not verify with this key";
	case WPKG_SIG_OTHER_DIGEST:
		return "signs another manifest";
	case WPKG_SIG_KEYLESS:
		return "keyless (certificate): not checked";
	case WPKG_SIG_MALFORMED:
		return "unreadable";
	}
	return "unknown";
}

void wpkg_sig_entry_clear(struct wpkg_sig_entry *e)
{
	free(e->hint);
	free(e->created);
	free(e->signed_digest);
	free(e->cert_subject);
	free(e->cert_issuer);
	memset(e, 0, sizeof(*e));
}

void wpkg_verify_result_clear(struct wpkg_verify_result *r)
{
	for (size_t i = 0; i < r->n_entries; i++)
		wpkg_sig_entry_clear(&r->entries[i]);
	free(r->entries);
	wpkg_descriptor_clear(&r->subject);
	memset(r, 0, sizeof(*r));
}

static void set_status(struct wpkg_sig_entry *e, enum wpkg_sig_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_status(struct wpkg_sig_entry *e, enum wpkg_sig_status st, const char *fmt, ...)
{
	va_list ap;

	e->status = st;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
}

/* A claim that verified: it must name the manifest asked about, else it is another image's signature. */
static void check_claim(struct wpkg_sig_entry *e, const struct wpkg_claim *c, const struct wpkg_digest *want)
{
	e->signed_digest = strdup(c->digest);
	if (strcmp(c->digest, want->str) != 0)
		set_status(e, WPKG_SIG_OTHER_DIGEST, "the signed payload names %s, not %s", c->digest, want->str);
	else
		set_status(e, WPKG_SIG_VERIFIED, "%s", "");
}

void wpkg_verify_bundle_bytes(struct wpkg_sig_entry *e, const void *data, size_t len, const struct wpkg_sigkey *k,
			      const struct wpkg_digest *want)
{
	struct wpkg_bundle b = { .cert = WPKG_BUF_INIT };
	struct wpkg_claim c = { 0 };
	struct wpkg_error err = { 0 };

	e->format = WPKG_SIG_BUNDLE;
	if (wpkg_bundle_parse(&b, data, len, &err) < 0) {
		set_status(e, WPKG_SIG_MALFORMED, "%s", err.msg);
		return;
	}
	if (b.hint != NULL)
		e->hint = strdup(b.hint);
	if (b.cert.len > 0) {
		if (wpkg_cert_identity(&e->cert_subject, &e->cert_issuer, b.cert.data, b.cert.len, &err) < 0)
			set_status(e, WPKG_SIG_MALFORMED, "%s", err.msg);
		else
			set_status(e, WPKG_SIG_KEYLESS, "keyless signature by %s (issuer %s): its certificate chain "
				   "was not checked", e->cert_subject, e->cert_issuer);
		goto out;
	}
	if (!b.has_dsse) {
		set_status(e, WPKG_SIG_MALFORMED, "a messageSignature bundle (a blob signature), not a DSSE one");
		goto out;
	}
	if (strcmp(b.dsse.payload_type, WPKG_INTOTO_PAYLOAD_TYPE) != 0) {
		set_status(e, WPKG_SIG_MALFORMED, "DSSE payloadType \"%s\" is not %s", b.dsse.payload_type,
			   WPKG_INTOTO_PAYLOAD_TYPE);
		goto out;
	}
	if (wpkg_dsse_verify(&b.dsse, k, &err) < 0) {
		set_status(e, WPKG_SIG_BAD, "%s", err.msg);
		goto out;
	}
	if (wpkg_intoto_parse(&c, b.dsse.payload.data, b.dsse.payload.len, want, &err) < 0) {
		set_status(e, WPKG_SIG_MALFORMED, "%s", err.msg);
		goto out;
	}
	check_claim(e, &c, want);
out:
	wpkg_claim_clear(&c);
	wpkg_bundle_clear(&b);
}

void wpkg_verify_simple_bytes(struct wpkg_sig_entry *e, const void *payload, size_t len, const char *sig_b64,
			      const struct wpkg_sigkey *k, const struct wpkg_digest *want)
{
	struct wpkg_buf sig = WPKG_BUF_INIT;
	struct wpkg_claim c = { 0 };
	struct wpkg_error err = { 0 };

	e->format = WPKG_SIG_LEGACY;
	if (sig_b64 == NULL) {
		set_status(e, WPKG_SIG_MALFORMED, "no %s annotation", WPKG_COSIGN_SIGNATURE_ANNOTATION);
		return;
	}
	if (wpkg_base64_decode(&sig, sig_b64, strlen(sig_b64), WPKG_COSIGN_SIGNATURE_ANNOTATION, &err) < 0)
		set_status(e, WPKG_SIG_MALFORMED, "%s", err.msg);
	else if (wpkg_sigkey_verify(k, payload, len, sig.data, sig.len, &err) < 0)
		set_status(e, WPKG_SIG_BAD, "%s", err.msg);
	else if (wpkg_cosign_payload_parse(&c, payload, len, &err) < 0)
		set_status(e, WPKG_SIG_MALFORMED, "%s", err.msg);
	else
		check_claim(e, &c, want);
	wpkg_claim_clear(&c);
	wpkg_buf_free(&sig);
}

static struct wpkg_sig_entry *new_entry(struct wpkg_verify_result *r, struct wpkg_error *err)
{
	struct wpkg_sig_entry *e;

	if (r->n_entries >= WPKG_VERIFY_MAX_SIGNATURES) {
		wpkg_error_set(err, WPKG_E_TOO_LARGE, "over %d signatures; not reading more",
			       WPKG_VERIFY_MAX_SIGNATURES);
		return NULL;
	}
	e = realloc(r->entries, (r->n_entries + 1) * sizeof(*e));
	if (e == NULL) {
		wpkg_error_nomem(err);
		return NULL;
	}
	r->entries = e;
	e = &r->entries[r->n_entries++];
	memset(e, 0, sizeof(*e));
	return e;
}

/* One bundle referrer: its manifest, its first layer, the checks. */
static int check_referrer(struct wpkg_verify_result *r, struct wpkg_store *s, const struct wpkg_descriptor *d,
			  const struct wpkg_sigkey *k, struct wpkg_error *err)
{
	struct wpkg_buf body = WPKG_BUF_INIT, blob = WPKG_BUF_INIT;
	struct wpkg_sig_entry *e = new_entry(r, err);
	struct wpkg_manifest *m = NULL;
	struct wpkg_error e2 = { 0 };
	struct wpkg_digest got;
	const json_t *created;
	char *mt = NULL;

	if (e == NULL)
		return err->code;
	e->format = WPKG_SIG_BUNDLE;
	e->where = d->digest;
	if (wpkg_store_manifest_get(s, d->digest.str, &body, &mt, &got, &e2) < 0 ||
	    wpkg_manifest_parse(&m, body.data, body.len, &e2) < 0) {
		set_status(e, WPKG_SIG_MALFORMED, "%s", e2.msg);
		goto out;
	}
	created = json_object_get(m->annotations, "org.opencontainers.image.created");
	if (json_is_string(created))
		e->created = strdup(json_string_value(created));
	if (m->n_layers < 1 || m->layers[0].size > WPKG_BUNDLE_MAX) {
		set_status(e, WPKG_SIG_MALFORMED, "the referrer has no bundle layer of at most %d bytes",
			   WPKG_BUNDLE_MAX);
		goto out;
	}
	if (wpkg_store_blob_get_buf(s, &m->layers[0].digest, WPKG_BUNDLE_MAX, &blob, &e2) < 0) {
		set_status(e, WPKG_SIG_MALFORMED, "%s", e2.msg);
		goto out;
	}
	wpkg_verify_bundle_bytes(e, blob.data, blob.len, k, &r->subject.digest);
out:
	wpkg_manifest_free(m);
	free(mt);
	wpkg_buf_free(&body);
	wpkg_buf_free(&blob);
	return 0;
}

static int check_bundles(struct wpkg_verify_result *r, struct wpkg_store *s, const struct wpkg_sigkey *k,
			 struct wpkg_error *err)
{
	struct wpkg_referrers x = { 0 };
	int rc = wpkg_discover(&x, s, r->subject.digest.str, NULL, err);

	for (size_t i = 0; rc == 0 && i < x.index->n_manifests; i++) {
		const struct wpkg_descriptor *d = &x.index->manifests[i];

		if (d->artifact_type != NULL && strncmp(d->artifact_type, WPKG_MT_SIGSTORE_BUNDLE_PREFIX, strlen(WPKG_MT_SIGSTORE_BUNDLE_PREFIX)) == 0)
			rc = check_referrer(r, s, d, k, err);
	}
	wpkg_referrers_clear(&x);
	return rc;
}

static int check_sig_layer(struct wpkg_verify_result *r, struct wpkg_store *s, const struct wpkg_digest *where,
			   size_t i, const json_t *layer, const struct wpkg_sigkey *k, struct wpkg_error *err)
{
	const json_t *sig = json_object_get(json_object_get(layer, "annotations"), WPKG_COSIGN_SIGNATURE_ANNOTATION);
	const json_t *dg = json_object_get(layer, "digest"), *size = json_object_get(layer, "size");
	struct wpkg_sig_entry *e = new_entry(r, err);
	struct wpkg_buf blob = WPKG_BUF_INIT;
	struct wpkg_error e2 = { 0 };
	struct wpkg_digest d;

	if (e == NULL)
		return err->code;
	e->format = WPKG_SIG_LEGACY;
	e->where = *where;
	e->layer = i;
	if (!json_is_string(dg) || wpkg_digest_parse(&d, json_string_value(dg), &e2) < 0 ||
	    !json_is_integer(size) || json_integer_value(size) > WPKG_SIG_PAYLOAD_MAX) {
		set_status(e, WPKG_SIG_MALFORMED, "layer %zu: no digest, or a payload over %d bytes", i,
			   WPKG_SIG_PAYLOAD_MAX);
		goto out;
	}
	if (wpkg_store_blob_get_buf(s, &d, WPKG_SIG_PAYLOAD_MAX, &blob, &e2) < 0) {
		set_status(e, WPKG_SIG_MALFORMED, "%s", e2.msg);
		goto out;
	}
	wpkg_verify_simple_bytes(e, blob.data, blob.len, json_is_string(sig) ? json_string_value(sig) : NULL, k,
				 &r->subject.digest);
out:
	wpkg_buf_free(&blob);
	return 0;
}

static int check_legacy(struct wpkg_verify_result *r, struct wpkg_store *s, const struct wpkg_sigkey *k,
			struct wpkg_error *err)
{
	char tag[WPKG_SIG_TAG_MAX];
	struct wpkg_digest where = { 0 };
	json_t *layers = NULL, *l;
	size_t i;
	int rc;

	if ((rc = wpkg_sig_tag(tag, &r->subject.digest, err)) < 0)
		return rc;
	rc = wpkg_sig_layers_read(&layers, &where, s, tag, err);
	if (rc == WPKG_E_NOT_FOUND || rc == WPKG_E_INVALID) {
		struct wpkg_sig_entry *e = rc == WPKG_E_INVALID ? new_entry(r, err) : NULL;

		if (e != NULL) {
			e->format = WPKG_SIG_LEGACY;
			set_status(e, WPKG_SIG_MALFORMED, "%s", err->msg);
		}
		if (rc == WPKG_E_NOT_FOUND || e != NULL) {
			wpkg_error_clear(err);
			rc = 0;
		} else {
			rc = err->code;
		}
		goto out;
	}
	if (rc < 0)
		goto out;
	json_array_foreach(layers, i, l) {
		const json_t *lmt = json_object_get(l, "mediaType");

		if (json_is_string(lmt) && strcmp(json_string_value(lmt), WPKG_COSIGN_SIMPLESIGNING_MT) == 0 &&
		    (rc = check_sig_layer(r, s, &where, i, l, k, err)) < 0)
			goto out;
	}
out:
	json_decref(layers);
	return rc;
}

int wpkg_verify(struct wpkg_verify_result *out, struct wpkg_store *s, const char *reference,
		const struct wpkg_sigkey *k, struct wpkg_error *err)
{
	struct wpkg_verify_result r;
	int rc;

	memset(&r, 0, sizeof(r));
	if ((rc = wpkg_store_manifest_resolve(&r.subject, s, reference, err)) < 0 ||
	    (rc = wpkg_sigkey_hint(r.hint, k, err)) < 0 || (rc = check_bundles(&r, s, k, err)) < 0 ||
	    (rc = check_legacy(&r, s, k, err)) < 0)
		goto out;
	for (r.verified = 0; r.verified < r.n_entries; r.verified++)
		if (r.entries[r.verified].status == WPKG_SIG_VERIFIED)
			break;
	*out = r;
	memset(&r, 0, sizeof(r));
out:
	wpkg_verify_result_clear(&r);
	return rc;
}
