/* SPDX-License-Identifier: Apache-2.0 */
/* dsse.c - DSSE envelopes: the pre-authentication encoding, signing, JSON in and out, verification. */
#include <stdlib.h>
#include <string.h>

#include "wpkg/oci.h"
#include "wpkg/sign.h"

int wpkg_dsse_pae(struct wpkg_buf *out, const char *payload_type, const void *payload, size_t len)
{
	int rc = wpkg_buf_printf(out, "DSSEv1 %zu %s %zu ", strlen(payload_type), payload_type, len);

	return rc == 0 ? wpkg_buf_put(out, payload, len) : rc;
}

void wpkg_dsse_clear(struct wpkg_dsse *e)
{
	for (size_t i = 0; i < e->n_sigs; i++) {
		free(e->sigs[i].keyid);
		wpkg_buf_free(&e->sigs[i].sig);
	}
	free(e->sigs);
	free(e->payload_type);
	wpkg_buf_free(&e->payload);
	memset(e, 0, sizeof(*e));
	wpkg_buf_init(&e->payload);
}

int wpkg_dsse_sign(struct wpkg_dsse *out, const struct wpkg_sigkey *k, const char *payload_type,
		   const void *payload, size_t len, struct wpkg_error *err)
{
	struct wpkg_dsse e = { .payload = WPKG_BUF_INIT };
	struct wpkg_buf pae = WPKG_BUF_INIT;
	int rc;

	e.payload_type = strdup(payload_type);
	e.sigs = calloc(1, sizeof(*e.sigs));
	if (e.payload_type == NULL || e.sigs == NULL || wpkg_buf_put(&e.payload, payload, len) < 0 ||
	    wpkg_dsse_pae(&pae, payload_type, payload, len) < 0) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	e.n_sigs = 1;
	wpkg_buf_init(&e.sigs[0].sig);
	e.sigs[0].keyid = strdup("");
	if (e.sigs[0].keyid == NULL) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	if ((rc = wpkg_sigkey_sign(&e.sigs[0].sig, k, pae.data, pae.len, err)) < 0)
		goto out;
	*out = e;
	e = (struct wpkg_dsse){ .payload = WPKG_BUF_INIT };
out:
	wpkg_buf_free(&pae);
	wpkg_dsse_clear(&e);
	return rc;
}

static json_t *b64_json(const void *data, size_t len)
{
	struct wpkg_buf b = WPKG_BUF_INIT;
	json_t *s = wpkg_base64_encode(&b, data, len) == 0 ? json_stringn(b.data, b.len) : NULL;

	wpkg_buf_free(&b);
	return s;
}

json_t *wpkg_dsse_to_json(const struct wpkg_dsse *e)
{
	json_t *sigs = json_array();

	for (size_t i = 0; sigs != NULL && i < e->n_sigs; i++) {
		const struct wpkg_dsse_sig *s = &e->sigs[i];
		json_t *o = json_pack("{s:o}", "sig", b64_json(s->sig.data, s->sig.len));

		if (o != NULL && s->keyid != NULL && s->keyid[0] != '\0')
			json_object_set_new(o, "keyid", json_string(s->keyid));
		if (o == NULL || json_array_append_new(sigs, o) < 0) {
			json_decref(sigs);
			return NULL;
		}
	}
	return json_pack("{s:o, s:s, s:o}", "payload", b64_json(e->payload.data, e->payload.len), "payloadType",
			 e->payload_type, "signatures", sigs);
}

int wpkg_dsse_from_json(struct wpkg_dsse *out, json_t *obj, const char *what, struct wpkg_error *err)
{
	struct wpkg_dsse e = { .payload = WPKG_BUF_INIT };
	const char *payload = NULL, *type = NULL;
	json_t *sigs = NULL, *s;
	json_error_t jerr;
	size_t i;
	int rc;

	if (json_unpack_ex(obj, &jerr, 0, "{s:s, s:s, s:o}", "payload", &payload, "payloadType", &type,
			   "signatures", &sigs) < 0)
		return wpkg_error_set(err, WPKG_E_INVALID, "%s: %s", what, jerr.text);
	if (!json_is_array(sigs) || json_array_size(sigs) == 0 || json_array_size(sigs) > WPKG_DSSE_SIGS_MAX)
		return wpkg_error_set(err, WPKG_E_INVALID, "%s: signatures must be an array of 1 to %d entries", what,
				      WPKG_DSSE_SIGS_MAX);
	e.payload_type = strdup(type);
	e.sigs = calloc(json_array_size(sigs), sizeof(*e.sigs));
	if (e.payload_type == NULL || e.sigs == NULL) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	if ((rc = wpkg_base64_decode(&e.payload, payload, strlen(payload), "payload", err)) < 0) {
		rc = wpkg_error_wrap(err, "%s", what);
		goto out;
	}
	json_array_foreach(sigs, i, s) {
		const json_t *sig = json_object_get(s, "sig"), *keyid = json_object_get(s, "keyid");

		wpkg_buf_init(&e.sigs[i].sig);
		e.n_sigs = i + 1;
		if (!json_is_string(sig) || (keyid != NULL && !json_is_string(keyid))) {
			rc = wpkg_error_set(err, WPKG_E_INVALID, "%s: signatures[%zu]: \"sig\" must be a string", what, i);
			goto out;
		}
		e.sigs[i].keyid = strdup(keyid != NULL ? json_string_value(keyid) : "");
		if (e.sigs[i].keyid == NULL) {
			rc = wpkg_error_nomem(err);
			goto out;
		}
		if ((rc = wpkg_base64_decode(&e.sigs[i].sig, json_string_value(sig), json_string_length(sig), "sig",
					     err)) < 0) {
			rc = wpkg_error_wrap(err, "%s: signatures[%zu]", what, i);
			goto out;
		}
	}
	*out = e;
	e = (struct wpkg_dsse){ .payload = WPKG_BUF_INIT };
out:
	wpkg_dsse_clear(&e);
	return rc;
}

int wpkg_dsse_parse(struct wpkg_dsse *out, const void *data, size_t len, struct wpkg_error *err)
{
	json_t *root = NULL;
	int rc;

	if (len > WPKG_DSSE_MAX)
		return wpkg_error_set(err, WPKG_E_TOO_LARGE, "DSSE envelope of %zu bytes is over the %d-byte cap", len,
				      WPKG_DSSE_MAX);
	if ((rc = wpkg_json_load(&root, data, len, "DSSE envelope", err)) < 0)
		return rc;
	rc = wpkg_dsse_from_json(out, root, "DSSE envelope", err);
	json_decref(root);
	return rc;
}

int wpkg_dsse_verify(const struct wpkg_dsse *e, const struct wpkg_sigkey *k, struct wpkg_error *err)
{
	struct wpkg_buf pae = WPKG_BUF_INIT;
	int rc = WPKG_E_DIGEST;

	if (wpkg_dsse_pae(&pae, e->payload_type, e->payload.data, e->payload.len) < 0)
		return wpkg_error_nomem(err);
	for (size_t i = 0; rc < 0 && i < e->n_sigs; i++)
		rc = wpkg_sigkey_verify(k, pae.data, pae.len, e->sigs[i].sig.data, e->sigs[i].sig.len, NULL);
	wpkg_buf_free(&pae);
	if (rc < 0)
		return wpkg_error_set(err, WPKG_E_DIGEST, "no signature of the DSSE envelope verifies with this key");
	return 0;
}
