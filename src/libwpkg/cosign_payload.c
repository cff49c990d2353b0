/* SPDX-License-Identifier: Apache-2.0 */
/* cosign_payload.c - what a signature signs: cosign's simple-signing payload and the in-toto Statement. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wpkg/oci.h"
#include "wpkg/sign.h"
#include "sign_internal.h"

void wpkg_claim_clear(struct wpkg_claim *c)
{
	free(c->name);
	free(c->predicate_type);
	memset(c, 0, sizeof(*c));
}

static int cmp_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* An object of strings with its keys in byte order, as Go writes a map[string]string. */
static int put_sorted_object(struct wpkg_buf *out, json_t *obj, struct wpkg_error *err)
{
	size_t n = json_object_size(obj), i = 0;
	const char **keys = calloc(n + 1, sizeof(*keys));
	const char *key;
	json_t *v;
	int rc = 0;

	if (keys == NULL)
		return wpkg_error_nomem(err);
	json_object_foreach(obj, key, v) {
		if (!json_is_string(v)) {
			rc = wpkg_error_set(err, WPKG_E_INVALID, "annotation \"%s\" is not a string", key);
			goto out;
		}
		keys[i++] = key;
	}
	qsort(keys, n, sizeof(*keys), cmp_keys);
	rc = wpkg_buf_putc(out, '{');
	for (i = 0; rc == 0 && i < n; i++) {
		if (i > 0)
			rc = wpkg_buf_putc(out, ',');
		if (rc == 0)
			rc = wpkg_go_json_string(out, keys[i]);
		if (rc == 0)
			rc = wpkg_buf_putc(out, ':');
		if (rc == 0)
			rc = wpkg_go_json_string(out, json_string_value(json_object_get(obj, keys[i])));
	}
	if (rc == 0)
		rc = wpkg_buf_putc(out, '}');
	if (rc < 0 && err != NULL && err->code == WPKG_OK)
		rc = wpkg_error_nomem(err);
out:
	free(keys);
	return rc;
}

int wpkg_cosign_payload(struct wpkg_buf *out, const char *docker_reference, const char *digest,
			json_t *annotations, struct wpkg_error *err)
{
	struct wpkg_buf b = WPKG_BUF_INIT;
	int rc;

	wpkg_error_clear(err);
	rc = wpkg_buf_puts(&b, "{\"critical\":{\"identity\":{\"docker-reference\":");
	if (rc == 0)
		rc = wpkg_go_json_string(&b, docker_reference);
	if (rc == 0)
		rc = wpkg_buf_puts(&b, "},\"image\":{\"docker-manifest-digest\":");
	if (rc == 0)
		rc = wpkg_go_json_string(&b, digest);
	if (rc == 0)
		rc = wpkg_buf_puts(&b, "},\"type\":\"" WPKG_COSIGN_SIMPLESIGNING_TYPE "\"},\"optional\":");
	if (rc == 0 && (annotations == NULL || json_object_size(annotations) == 0))
		rc = wpkg_buf_puts(&b, "null");
	else if (rc == 0)
		rc = put_sorted_object(&b, annotations, err);
	if (rc == 0)
		rc = wpkg_buf_putc(&b, '}');
	if (rc < 0) {
		wpkg_buf_free(&b);
		return err != NULL && err->code != WPKG_OK ? rc : wpkg_error_nomem(err);
	}
	rc = wpkg_buf_put(out, b.data, b.len);
	wpkg_buf_free(&b);
	return rc < 0 ? wpkg_error_nomem(err) : 0;
}

int wpkg_intoto_statement(struct wpkg_buf *out, const char *name, const struct wpkg_digest *digest,
			  json_t *annotations, struct wpkg_error *err)
{
	struct wpkg_buf b = WPKG_BUF_INIT;
	int rc;

	wpkg_error_clear(err);
	rc = wpkg_buf_puts(&b, "{\"_type\":\"" WPKG_INTOTO_STATEMENT_V1 "\",\"subject\":[{\"name\":");
	if (rc == 0)
		rc = wpkg_go_json_string(&b, name);
	if (rc == 0)
		rc = wpkg_buf_printf(&b, ",\"digest\":{\"%s\":\"%s\"}}],\"predicateType\":\"" WPKG_COSIGN_SIGN_PREDICATE
				     "\",\"predicate\":", wpkg_digest_alg_name(digest->alg), wpkg_digest_hex(digest));
	if (rc == 0 && (annotations == NULL || json_object_size(annotations) == 0)) {
		rc = wpkg_buf_puts(&b, "{}");
	} else if (rc == 0) {
		rc = wpkg_buf_puts(&b, "{\"annotations\":");
		if (rc == 0)
			rc = put_sorted_object(&b, annotations, err);
		if (rc == 0)
			rc = wpkg_buf_putc(&b, '}');
	}
	if (rc == 0)
		rc = wpkg_buf_putc(&b, '}');
	if (rc == 0)
		rc = wpkg_buf_put(out, b.data, b.len);
	wpkg_buf_free(&b);
	if (rc < 0)
		return err != NULL && err->code != WPKG_OK ? rc : wpkg_error_nomem(err);
	return 0;
}

/* Fills *out; a claimed digest must be one wpkg can compare: "sha256:" + 64 lowercase hex (or sha512). */
static int finish_claim(struct wpkg_claim *out, const char *digest, const char *name, const char *ptype,
			const char *what, struct wpkg_error *err)
{
	struct wpkg_claim c = { 0 };
	struct wpkg_digest d;

	if (wpkg_digest_parse(&d, digest, err) < 0)
		return wpkg_error_wrap(err, "%s", what);
	memcpy(c.digest, d.str, sizeof(c.digest));
	c.name = strdup(name != NULL ? name : "");
	c.predicate_type = ptype != NULL ? strdup(ptype) : NULL;
	if (c.name == NULL || (ptype != NULL && c.predicate_type == NULL)) {
		wpkg_claim_clear(&c);
		return wpkg_error_nomem(err);
	}
	*out = c;
	return 0;
}

int wpkg_cosign_payload_parse(struct wpkg_claim *out, const void *data, size_t len, struct wpkg_error *err)
{
	const char *type = NULL, *digest = NULL, *ref = NULL;
	json_error_t jerr;
	json_t *root = NULL;
	int rc;

	if ((rc = wpkg_json_load(&root, data, len, "simple-signing payload", err)) < 0)
		return rc;
	if (json_unpack_ex(root, &jerr, 0, "{s:{s:{s?s}, s:{s:s}, s:s}}", "critical", "identity",
			   "docker-reference", &ref, "image", "docker-manifest-digest", &digest, "type", &type) < 0) {
		rc = wpkg_error_set(err, WPKG_E_INVALID, "simple-signing payload: %s", jerr.text);
		goto out;
	}
	if (strcmp(type, WPKG_COSIGN_SIMPLESIGNING_TYPE) != 0) {
		rc = wpkg_error_set(err, WPKG_E_INVALID, "simple-signing payload: type \"%s\" is not \"%s\"", type,
				    WPKG_COSIGN_SIMPLESIGNING_TYPE);
		goto out;
	}
	rc = finish_claim(out, digest, ref, NULL, "simple-signing payload: docker-manifest-digest", err);
out:
	json_decref(root);
	return rc;
}

int wpkg_intoto_parse(struct wpkg_claim *out, const void *data, size_t len, const struct wpkg_digest *want,
		      struct wpkg_error *err)
{
	const char *type = NULL, *ptype = NULL, *found = NULL, *found_name = NULL;
	char found_str[WPKG_DIGEST_STR_MAX];
	json_t *root = NULL, *subjects = NULL, *s;
	json_error_t jerr;
	size_t i;
	int rc;

	if ((rc = wpkg_json_load(&root, data, len, "in-toto statement", err)) < 0)
		return rc;
	if (json_unpack_ex(root, &jerr, 0, "{s:s, s:o, s:s}", "_type", &type, "subject", &subjects, "predicateType",
			   &ptype) < 0 || !json_is_array(subjects)) {
		rc = wpkg_error_set(err, WPKG_E_INVALID, "in-toto statement: %s",
				    subjects != NULL ? "subject is not an array" : jerr.text);
		goto out;
	}
	if (strcmp(type, WPKG_INTOTO_STATEMENT_V1) != 0 && strcmp(type, "https://in-toto.io/Statement/v0.1") != 0) {
		rc = wpkg_error_set(err, WPKG_E_INVALID, "in-toto statement: _type \"%s\" is not an in-toto Statement",
				    type);
		goto out;
	}
	json_array_foreach(subjects, i, s) {
		const json_t *dg = json_object_get(s, "digest");
		const char *alg = json_object_get(dg, "sha256") != NULL ? "sha256" : "sha512";
		const json_t *hex = json_object_get(dg, alg);
		char str[WPKG_DIGEST_STR_MAX];

		if (!json_is_string(hex) || json_string_length(hex) > 128)
			continue;
		snprintf(str, sizeof(str), "%s:%s", alg, json_string_value(hex));
		if (found == NULL || (want != NULL && strcmp(str, want->str) == 0)) {
			memcpy(found_str, str, sizeof(found_str));
			found = found_str;
			found_name = json_string_value(json_object_get(s, "name"));
			if (want == NULL || strcmp(str, want->str) == 0)
				break;
		}
	}
	if (found == NULL) {
		rc = wpkg_error_set(err, WPKG_E_INVALID, "in-toto statement: no subject with a sha256 digest");
		goto out;
	}
	rc = finish_claim(out, found, found_name, ptype, "in-toto statement: subject digest", err);
out:
	json_decref(root);
	return rc;
}
