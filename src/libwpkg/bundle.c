/* SPDX-License-Identifier: Apache-2.0 */
/* bundle.c - Sigstore bundles (v0.3 written, v0.1-v0.3 read) and the identity in a keyless bundle's certificate. */
#include <stdlib.h>
#include <string.h>

#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "wpkg/oci.h"
#include "wpkg/sign.h"

void wpkg_bundle_clear(struct wpkg_bundle *b)
{
	free(b->media_type);
	free(b->hint);
	wpkg_buf_free(&b->cert);
	if (b->has_dsse)
		wpkg_dsse_clear(&b->dsse);
	memset(b, 0, sizeof(*b));
	wpkg_buf_init(&b->cert);
	wpkg_buf_init(&b->dsse.payload);
}

int wpkg_bundle_write(struct wpkg_buf *out, const char *hint, const struct wpkg_dsse *e, struct wpkg_error *err)
{
	json_t *doc = json_pack("{s:s, s:{s:{s:s}}, s:o}", "mediaType", WPKG_BUNDLE_V03_MT, "verificationMaterial",
				"publicKey", "hint", hint, "dsseEnvelope", wpkg_dsse_to_json(e));
	char *text = doc != NULL ? json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	int rc = text != NULL ? wpkg_buf_puts(out, text) : WPKG_E_NOMEM;

	free(text);
	json_decref(doc);
	return rc < 0 ? wpkg_error_nomem(err) : 0;
}

/* The leaf certificate's DER, from v0.3's "certificate" or v0.1/v0.2's "x509CertificateChain". */
static int read_cert(struct wpkg_bundle *b, const json_t *vm, struct wpkg_error *err)
{
	const json_t *raw = json_object_get(json_object_get(vm, "certificate"), "rawBytes");

	if (raw == NULL)
		raw = json_object_get(json_array_get(json_object_get(json_object_get(vm, "x509CertificateChain"),
								     "certificates"), 0), "rawBytes");
	if (raw == NULL)
		return 0;
	if (!json_is_string(raw))
		return wpkg_error_set(err, WPKG_E_INVALID, "bundle: certificate rawBytes is not a string");
	if (wpkg_base64_decode(&b->cert, json_string_value(raw), json_string_length(raw), "rawBytes", err) < 0)
		return wpkg_error_wrap(err, "bundle: verificationMaterial");
	return 0;
}

int wpkg_bundle_parse(struct wpkg_bundle *out, const void *data, size_t len, struct wpkg_error *err)
{
	struct wpkg_bundle b = { .cert = WPKG_BUF_INIT };
	const json_t *vm, *hint, *mt;
	json_t *env;
	json_t *root = NULL;
	int rc;

	if (len > WPKG_BUNDLE_MAX)
		return wpkg_error_set(err, WPKG_E_TOO_LARGE, "bundle of %zu bytes is over the %d-byte cap", len,
				      WPKG_BUNDLE_MAX);
	if ((rc = wpkg_json_load(&root, data, len, "bundle", err)) < 0)
		return rc;
	mt = json_object_get(root, "mediaType");
	if (!json_is_string(mt) || strncmp(json_string_value(mt), WPKG_MT_SIGSTORE_BUNDLE_PREFIX,
						    strlen(WPKG_MT_SIGSTORE_BUNDLE_PREFIX)) != 0) {
		rc = wpkg_error_set(err, WPKG_E_INVALID, "bundle: mediaType is not a Sigstore bundle's");
		goto out;
	}
	vm = json_object_get(root, "verificationMaterial");
	if (!json_is_object(vm)) {
		rc = wpkg_error_set(err, WPKG_E_INVALID, "bundle: no verificationMaterial object");
		goto out;
	}
	b.media_type = strdup(json_string_value(mt));
	if (b.media_type == NULL) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	hint = json_object_get(json_object_get(vm, "publicKey"), "hint");
	if (hint != NULL && (!json_is_string(hint) || (b.hint = strdup(json_string_value(hint))) == NULL)) {
		rc = wpkg_error_set(err, WPKG_E_INVALID, "bundle: publicKey.hint is not a string");
		goto out;
	}
	if ((rc = read_cert(&b, vm, err)) < 0)
		goto out;
	env = json_object_get(root, "dsseEnvelope");
	if (env != NULL) {
		if ((rc = wpkg_dsse_from_json(&b.dsse, env, "bundle: dsseEnvelope", err)) < 0)
			goto out;
		b.has_dsse = true;
	} else if (json_is_object(json_object_get(root, "messageSignature"))) {
		b.has_message_signature = true;
	} else {
		rc = wpkg_error_set(err, WPKG_E_INVALID, "bundle: neither dsseEnvelope nor messageSignature");
		goto out;
	}
	*out = b;
	b = (struct wpkg_bundle){ .cert = WPKG_BUF_INIT };
out:
	wpkg_bundle_clear(&b);
	json_decref(root);
	return rc;
}

/* Fulcio's OIDC issuer: 1.3.6.1.4.1.57264.1.8 holds a DER UTF8String, the older .1.1 the raw text. */
static char *fulcio_issuer(X509 *x)
{
	static const char *const oids[] = { "1.3.6.1.4.1.57264.1.8", "1.3.6.1.4.1.57264.1.1" };

	for (size_t i = 0; i < 2; i++) {
		ASN1_OBJECT *obj = OBJ_txt2obj(oids[i], 1);
		int at = obj != NULL ? X509_get_ext_by_OBJ(x, obj, -1) : -1;
		ASN1_OBJECT_free(obj);
		if (at < 0)
			continue;
		{
			ASN1_OCTET_STRING *v = X509_EXTENSION_get_data(X509_get_ext(x, at));
			const unsigned char *p = ASN1_STRING_get0_data(v);
			long n = ASN1_STRING_length(v);
			char *s;

			if (i == 0) {
				ASN1_UTF8STRING *u = d2i_ASN1_UTF8STRING(NULL, &p, n);

				s = u != NULL ? strndup((const char *)ASN1_STRING_get0_data(u),
						       (size_t)ASN1_STRING_length(u)) : NULL;
				ASN1_UTF8STRING_free(u);
			} else {
				s = strndup((const char *)p, (size_t)n);
			}
			if (s != NULL)
				return s;
		}
	}
	return strdup("(unknown issuer)");
}

static char *san_identity(X509 *x)
{
	GENERAL_NAMES *names = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	char *s = NULL;

	for (int i = 0; names != NULL && s == NULL && i < sk_GENERAL_NAME_num(names); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(names, i);
		const ASN1_IA5STRING *v = g->type == GEN_EMAIL ? g->d.rfc822Name : g->type == GEN_URI ?
			g->d.uniformResourceIdentifier : NULL;

		if (v != NULL)
			s = strndup((const char *)ASN1_STRING_get0_data(v), (size_t)ASN1_STRING_length(v));
	}
	GENERAL_NAMES_free(names);
	return s != NULL ? s : strdup("(no email or URI subject)");
}

int wpkg_cert_identity(char **subject, char **issuer, const void *der, size_t len, struct wpkg_error *err)
{
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)len);
	char *s, *i;

	if (x == NULL)
		return wpkg_error_set(err, WPKG_E_INVALID, "bundle: the certificate is not DER X.509");
	s = san_identity(x);
	i = fulcio_issuer(x);
	X509_free(x);
	if (s == NULL || i == NULL) {
		free(s);
		free(i);
		return wpkg_error_nomem(err);
	}
	*subject = s;
	*issuer = i;
	return 0;
}
