/* SPDX-License-Identifier: Apache-2.0 */
/* sign.c - wpkg_sign: a manifest's signature as a Sigstore bundle referrer and as a layer of its .sig tag. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wpkg/fsutil.h"
#include "wpkg/oci.h"
#include "wpkg/signature.h"
#include "log_internal.h"
#include "signature_internal.h"

#define BUNDLE_FILE "bundle.sigstore.json"

int wpkg_sig_tag(char out[WPKG_SIG_TAG_MAX], const struct wpkg_digest *d, struct wpkg_error *err)
{
	char tag[WPKG_REFERRERS_TAG_MAX];
	int rc = wpkg_referrers_tag(tag, d->str, err);

	if (rc == 0)
		snprintf(out, WPKG_SIG_TAG_MAX, "%s.sig", tag);
	return rc;
}

void wpkg_sign_result_clear(struct wpkg_sign_result *r)
{
	wpkg_descriptor_clear(&r->subject);
	wpkg_attach_result_clear(&r->attach);
	memset(r, 0, sizeof(*r));
}

/* What the payloads call the image: HOST/REPO for a registry (cosign's docker-reference), else the store's name. */
static char *image_name(struct wpkg_store *s)
{
	return strdup(wpkg_store_name(s));
}

static int sign_bundle(struct wpkg_sign_result *res, struct wpkg_store *s, const char *name,
		       const struct wpkg_sigkey *k, const struct wpkg_sign_opts *opts, struct wpkg_error *err)
{
	struct wpkg_attach_opts ao = { WPKG_BUNDLE_V03_MT, WPKG_BUNDLE_V03_MT, NULL, opts->created };
	struct wpkg_buf stmt = WPKG_BUF_INIT, bundle = WPKG_BUF_INIT;
	struct wpkg_dsse env = { .payload = WPKG_BUF_INIT };
	char *path = wpkg_path_join(opts->work_dir, BUNDLE_FILE);
	const char *files[1] = { path };
	int rc;

	ao.annotations = json_pack("{s:s, s:s}", "dev.sigstore.bundle.content", "dsse-envelope",
				   "dev.sigstore.bundle.predicateType", WPKG_COSIGN_SIGN_PREDICATE);
	if (path == NULL || ao.annotations == NULL) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	if ((rc = wpkg_intoto_statement(&stmt, name, &res->subject.digest, opts->annotations, err)) < 0 ||
	    (rc = wpkg_dsse_sign(&env, k, WPKG_INTOTO_PAYLOAD_TYPE, stmt.data, stmt.len, err)) < 0 ||
	    (rc = wpkg_bundle_write(&bundle, res->hint, &env, err)) < 0 ||
	    (rc = wpkg_write_file_atomic(path, bundle.data, bundle.len, 0600, err)) < 0)
		goto out;
	rc = wpkg_attach(&res->attach, s, res->subject.digest.str, files, 1, &ao, err);
	unlink(path);
	if (rc < 0)
		wpkg_error_wrap(err, "bundle");
	else
		res->bundle = true;
out:
	free(path);
	json_decref(ao.annotations);
	wpkg_dsse_clear(&env);
	wpkg_buf_free(&stmt);
	wpkg_buf_free(&bundle);
	return rc;
}

/* Stores bytes as a blob of media type mt unless it is there already; d receives its digest. */
static int put_blob(struct wpkg_store *s, const char *mt, const void *data, size_t len, struct wpkg_digest *d,
		    struct wpkg_error *err)
{
	struct wpkg_blob b = { { 0 }, NULL, 0, WPKG_BUF_INIT, false };
	bool present = false;
	int rc;

	wpkg_digest_bytes(d, WPKG_DIGEST_SHA256, data, len);
	if ((rc = wpkg_store_blob_exists(s, d, &present, err)) < 0 || present)
		return rc;
	b.desc.media_type = strdup(mt);
	b.desc.digest = *d;
	b.desc.size = (int64_t)len;
	if (b.desc.media_type == NULL || wpkg_buf_put(&b.mem, data, len) < 0)
		rc = wpkg_error_nomem(err);
	else
		rc = wpkg_store_blob_put(s, &b, err);
	free(b.desc.media_type);
	wpkg_buf_free(&b.mem);
	return rc;
}

static bool same_layer(const json_t *a, const json_t *b)
{
	const json_t *sa = json_object_get(json_object_get(a, "annotations"), WPKG_COSIGN_SIGNATURE_ANNOTATION);
	const json_t *sb = json_object_get(json_object_get(b, "annotations"), WPKG_COSIGN_SIGNATURE_ANNOTATION);

	return json_equal(json_object_get(a, "digest"), json_object_get(b, "digest")) &&
	       ((sa == NULL && sb == NULL) || (sa != NULL && sb != NULL && json_equal(sa, sb)));
}

static bool has_layer(const json_t *layers, const json_t *l)
{
	size_t i;
	json_t *x;

	json_array_foreach(layers, i, x)
		if (same_layer(x, l))
			return true;
	return false;
}

int wpkg_sig_layers_read(json_t **out, struct wpkg_digest *where, struct wpkg_store *s, const char *tag,
			 struct wpkg_error *err)
{
	struct wpkg_buf body = WPKG_BUF_INIT;
	struct wpkg_digest d;
	char *mt = NULL;
	json_t *root = NULL, *layers;
	int rc = wpkg_store_manifest_get(s, tag, &body, &mt, &d, err);

	if (rc < 0 || (rc = wpkg_json_load(&root, body.data, body.len, tag, err)) < 0)
		goto out;
	layers = json_object_get(root, "layers");
	if (!json_is_array(layers) || json_array_size(layers) > WPKG_VERIFY_MAX_SIGNATURES) {
		rc = wpkg_error_set(err, WPKG_E_INVALID, "%s holds no image manifest with at most %d layers", tag,
				    WPKG_VERIFY_MAX_SIGNATURES);
		goto out;
	}
	*out = json_incref(layers);
	if (where != NULL)
		*where = d;
out:
	json_decref(root);
	free(mt);
	wpkg_buf_free(&body);
	return rc;
}

/* The .sig manifest's layers (a new array: none when the tag does not exist yet). */
static int read_sig_layers(json_t **out, struct wpkg_store *s, const char *tag, struct wpkg_error *err)
{
	int rc = wpkg_sig_layers_read(out, NULL, s, tag, err);

	if (rc == WPKG_E_NOT_FOUND) {
		wpkg_error_clear(err);
		*out = json_array();
		rc = *out != NULL ? 0 : wpkg_error_nomem(err);
	} else if (rc == WPKG_E_INVALID) {
		wpkg_error_wrap(err, "not touching it");
	}
	return rc;
}

/* go-containerregistry's config for the .sig image: the layers' digests as rootfs diff_ids. */
static int write_sig_manifest(struct wpkg_digest *out, struct wpkg_store *s, const char *tag, json_t *layers,
			      struct wpkg_error *err)
{
	json_t *ids = json_array(), *l, *cfg = NULL, *m = NULL;
	char *cfg_text = NULL, *m_text = NULL;
	struct wpkg_digest cd, md;
	size_t i;
	int rc;

	json_array_foreach(layers, i, l)
		json_array_append(ids, json_object_get(l, "digest"));
	cfg = json_pack("{s:s, s:s, s:s, s:{s:s, s:o}, s:{}}", "architecture", "", "created", "0001-01-01T00:00:00Z",
			"os", "", "rootfs", "type", "layers", "diff_ids", ids, "config");
	cfg_text = cfg != NULL ? json_dumps(cfg, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	if (cfg_text == NULL) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	if ((rc = put_blob(s, WPKG_MT_OCI_CONFIG, cfg_text, strlen(cfg_text), &cd, err)) < 0)
		goto out;
	m = json_pack("{s:i, s:s, s:{s:s, s:I, s:s}, s:O}", "schemaVersion", 2, "mediaType", WPKG_MT_OCI_MANIFEST,
		      "config", "mediaType", WPKG_MT_OCI_CONFIG, "size", (json_int_t)strlen(cfg_text), "digest",
		      cd.str, "layers", layers);
	m_text = m != NULL ? json_dumps(m, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	if (m_text == NULL) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	wpkg_digest_bytes(&md, WPKG_DIGEST_SHA256, m_text, strlen(m_text));
	if ((rc = wpkg_store_manifest_put(s, tag, WPKG_MT_OCI_MANIFEST, &md, m_text, strlen(m_text), err)) < 0)
		goto out;
	*out = md;
out:
	free(cfg_text);
	free(m_text);
	json_decref(cfg);
	json_decref(m);
	return rc;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * A concurrent signer that read before our write clobbers it when its own
 * write lands, up to one read-to-write span later; waiting twice our own
 * span (plus a margin growing with the round) before reading back lets such
 * a write show.
 */
static void pause_round(unsigned round, long span_ms)
{
	long ms = 2 * span_ms + 20 + 30 * (long)round;
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/*
 * Read, add what is missing (ours and every layer seen in an earlier round),
 * write, pause, read again: a concurrent signer's write that dropped ours
 * (or one seen before) shows there, and the round is redone.
 */
static int append_signature(struct wpkg_sign_result *res, struct wpkg_store *s, json_t *ours,
			    const struct wpkg_sign_opts *opts, struct wpkg_error *err)
{
	json_t *known = json_array(), *cur = NULL, *x;
	unsigned round;
	size_t i;
	int rc = 0;

	json_array_append(known, ours);
	for (round = 1; round <= WPKG_SIG_ROUNDS; round++) {
		long start = now_ms();

		json_decref(cur);
		cur = NULL;
		if ((rc = read_sig_layers(&cur, s, res->sig_tag, err)) < 0)
			goto out;
		json_array_foreach(cur, i, x)
			if (!has_layer(known, x))
				json_array_append(known, x);
		json_array_foreach(known, i, x)
			if (!has_layer(cur, x))
				break;
		if (i == json_array_size(known) && round > 1)
			break;   /* everything seen is there: our write, or a later one that kept it */
		if (json_array_size(known) > WPKG_VERIFY_MAX_SIGNATURES) {
			rc = wpkg_error_set(err, WPKG_E_TOO_LARGE, "%s would hold over %d signatures", res->sig_tag,
					    WPKG_VERIFY_MAX_SIGNATURES);
			goto out;
		}
		json_array_foreach(known, i, x)
			if (!has_layer(cur, x))
				json_array_append(cur, x);
		rc = write_sig_manifest(&res->sig_manifest, s, res->sig_tag, cur, err);
		/*
		 * Distribution's filesystem store can fail a PUT whose bytes another
		 * writer is storing at the same moment ("digest did not match"): a
		 * concurrent signer, so the round is redone after the pause.
		 */
		if (rc == WPKG_E_DIGEST && round < WPKG_SIG_ROUNDS) {
			wpkg_log_to(opts->log, WPKG_LOG_DEBUG, "%s: %s; trying again", res->sig_tag,
				    err != NULL ? err->msg : "");
			wpkg_error_clear(err);
			rc = 0;
		}
		if (rc < 0)
			goto out;
		pause_round(round, now_ms() - start);
	}
	if (round > WPKG_SIG_ROUNDS) {
		rc = wpkg_error_set(err, WPKG_E_PROTOCOL, "%s kept changing under concurrent writers; %d rounds did "
				    "not settle, run the command again", res->sig_tag, WPKG_SIG_ROUNDS);
		goto out;
	}
	{
		struct wpkg_descriptor d = { 0 };

		/* the digest now tagged, which a later writer may have made */
		if ((rc = wpkg_store_manifest_resolve(&d, s, res->sig_tag, err)) < 0)
			goto out;
		res->sig_manifest = d.digest;
		wpkg_descriptor_clear(&d);
	}
	res->sig_layers = json_array_size(cur);
	res->sig_rounds = round - 1;
out:
	json_decref(known);
	json_decref(cur);
	return rc;
}

static int sign_legacy(struct wpkg_sign_result *res, struct wpkg_store *s, const char *name,
		       const struct wpkg_sigkey *k, const struct wpkg_sign_opts *opts, struct wpkg_error *err)
{
	struct wpkg_buf payload = WPKG_BUF_INIT, sig = WPKG_BUF_INIT, b64 = WPKG_BUF_INIT;
	json_t *layer = NULL;
	int rc;

	if ((rc = wpkg_sig_tag(res->sig_tag, &res->subject.digest, err)) < 0 ||
	    (rc = wpkg_cosign_payload(&payload, name, res->subject.digest.str, opts->annotations, err)) < 0 ||
	    (rc = wpkg_sigkey_sign(&sig, k, payload.data, payload.len, err)) < 0)
		goto out;
	if (wpkg_base64_encode(&b64, sig.data, sig.len) < 0) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	if ((rc = put_blob(s, WPKG_COSIGN_SIMPLESIGNING_MT, payload.data, payload.len, &res->payload, err)) < 0)
		goto out;
	layer = json_pack("{s:s, s:I, s:s, s:{s:s}}", "mediaType", WPKG_COSIGN_SIMPLESIGNING_MT, "size",
			  (json_int_t)payload.len, "digest", res->payload.str, "annotations",
			  WPKG_COSIGN_SIGNATURE_ANNOTATION, b64.data);
	if (layer == NULL) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	if ((rc = append_signature(res, s, layer, opts, err)) == 0)
		res->legacy = true;
out:
	if (rc < 0)
		wpkg_error_wrap(err, "%s", res->sig_tag[0] != '\0' ? res->sig_tag : "legacy signature");
	json_decref(layer);
	wpkg_buf_free(&payload);
	wpkg_buf_free(&sig);
	wpkg_buf_free(&b64);
	return rc;
}

int wpkg_sign(struct wpkg_sign_result *out, struct wpkg_store *s, const char *reference,
	      const struct wpkg_sigkey *k, const struct wpkg_sign_opts *opts, struct wpkg_error *err)
{
	struct wpkg_sign_result res;
	unsigned formats = opts->formats != 0 ? opts->formats : WPKG_SIG_BUNDLE | WPKG_SIG_LEGACY;
	char *name = NULL;
	int rc;

	memset(&res, 0, sizeof(res));
	if (!wpkg_sigkey_is_private(k))
		return wpkg_error_set(err, WPKG_E_INVALID, "signing needs a private key, not a public one");
	if ((rc = wpkg_store_manifest_resolve(&res.subject, s, reference, err)) < 0 ||
	    (rc = wpkg_sigkey_hint(res.hint, k, err)) < 0)
		goto out;
	name = image_name(s);
	if (name == NULL) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	if ((formats & WPKG_SIG_BUNDLE) && (rc = sign_bundle(&res, s, name, k, opts, err)) < 0)
		goto out;
	if ((formats & WPKG_SIG_LEGACY) && (rc = sign_legacy(&res, s, name, k, opts, err)) < 0)
		goto out;
	*out = res;
	memset(&res, 0, sizeof(res));
out:
	free(name);
	wpkg_sign_result_clear(&res);
	return rc;
}
