/* SPDX-License-Identifier: Apache-2.0 */
/* referrers_index.c - the referrers model: fallback tag names, referrers indexes, the artifact wpkg attach builds. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json_internal.h"
#include "pack_internal.h"
#include "wpkg/fsutil.h"
#include "wpkg/referrers_index.h"
#include "wpkg/wasm_config.h"

int wpkg_referrers_tag(char out[WPKG_REFERRERS_TAG_MAX], const char *digest, struct wpkg_error *err)
{
	const char *colon = strchr(digest, ':');
	size_t alg_len, enc_len, i, n = 0;
	char tag[WPKG_REFERRERS_TAG_MAX];

	if (colon == NULL || colon == digest || colon[1] == '\0')
		return wpkg_error_set(err, WPKG_E_INVALID, "digest \"%s\" is not ALGORITHM:ENCODED", digest);
	alg_len = (size_t)(colon - digest);
	enc_len = strlen(colon + 1);
	/* the spec's truncation keeps the tag within the 128 characters a tag may have */
	if (alg_len > 32)
		alg_len = 32;
	if (enc_len > 64)
		enc_len = 64;
	memcpy(tag, digest, alg_len);
	n = alg_len;
	tag[n++] = '-';
	memcpy(tag + n, colon + 1, enc_len);
	n += enc_len;
	for (i = 0; i < n; i++) {
		char c = tag[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
		      c == '.' || c == '-'))
			tag[i] = '-';
	}
	tag[n] = '\0';
	memcpy(out, tag, n + 1);
	return 0;
}

const char *wpkg_attach_media_type(const char *file)
{
	/* longest suffixes first: .spdx.json is also .json */
	static const char *const table[][2] = {
		{ ".spdx.json", WPKG_MT_SPDX_JSON },
		{ ".cdx.json", WPKG_MT_CYCLONEDX_JSON },
		{ ".json", WPKG_MT_JSON },
		{ ".wasm", WPKG_MT_WASM_LAYER },
		{ ".wit", WPKG_MT_TEXT },
		{ ".txt", WPKG_MT_TEXT },
		{ ".md", WPKG_MT_MARKDOWN },
	};
	size_t len = strlen(file), i, n;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		n = strlen(table[i][0]);
		if (len > n && strcasecmp(file + len - n, table[i][0]) == 0)
			return table[i][1];
	}
	return WPKG_MT_OCTET_STREAM;
}

int wpkg_referrers_descriptor(struct wpkg_descriptor *out, const struct wpkg_manifest *m,
			      const struct wpkg_descriptor *self, struct wpkg_error *err)
{
	struct wpkg_descriptor d = { 0 };
	const char *at = m->artifact_type != NULL && m->artifact_type[0] != '\0' ? m->artifact_type
										  : m->config.media_type;
	bool ok = true;

	d.media_type = wpkg_strdup_opt(self->media_type, &ok);
	d.digest = self->digest;
	d.size = self->size;
	d.artifact_type = wpkg_strdup_opt(at, &ok);
	if (m->annotations != NULL && (d.annotations = json_deep_copy(m->annotations)) == NULL)
		ok = false;
	if (!ok) {
		wpkg_descriptor_clear(&d);
		return wpkg_error_nomem(err);
	}
	*out = d;
	return 0;
}

int wpkg_referrers_index_new(struct wpkg_index **out, struct wpkg_error *err)
{
	struct wpkg_index *ix = calloc(1, sizeof(*ix));

	if (ix == NULL || (ix->media_type = strdup(WPKG_MT_OCI_INDEX)) == NULL) {
		free(ix);
		return wpkg_error_nomem(err);
	}
	ix->schema_version = 2;
	*out = ix;
	return 0;
}

bool wpkg_referrers_index_has(const struct wpkg_index *ix, const struct wpkg_digest *d)
{
	size_t i;

	for (i = 0; i < ix->n_manifests; i++)
		if (strcmp(ix->manifests[i].digest.str, d->str) == 0)
			return true;
	return false;
}

int wpkg_referrers_index_add(struct wpkg_index *ix, const struct wpkg_descriptor *d, bool *added,
			     struct wpkg_error *err)
{
	struct wpkg_descriptor *grown;

	if (wpkg_referrers_index_has(ix, &d->digest)) {
		if (added != NULL)
			*added = false;
		return 0;
	}
	grown = realloc(ix->manifests, (ix->n_manifests + 1) * sizeof(*grown));
	if (grown == NULL)
		return wpkg_error_nomem(err);
	ix->manifests = grown;
	if (wpkg_descriptor_copy(&grown[ix->n_manifests], d) < 0)
		return wpkg_error_nomem(err);
	ix->n_manifests++;
	if (added != NULL)
		*added = true;
	return 0;
}

int wpkg_referrers_index_merge(struct wpkg_index *ix, const struct wpkg_index *from, struct wpkg_error *err)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < from->n_manifests && rc == 0; i++)
		rc = wpkg_referrers_index_add(ix, &from->manifests[i], NULL, err);
	return rc;
}

bool wpkg_referrers_index_remove(struct wpkg_index *ix, const struct wpkg_digest *d)
{
	size_t i, n = 0;

	for (i = 0; i < ix->n_manifests; i++) {
		if (strcmp(ix->manifests[i].digest.str, d->str) == 0)
			wpkg_descriptor_clear(&ix->manifests[i]);
		else
			ix->manifests[n++] = ix->manifests[i];
	}
	if (n == ix->n_manifests)
		return false;
	ix->n_manifests = n;
	return true;
}

bool wpkg_referrers_index_covers(const struct wpkg_index *ix, const struct wpkg_index *part)
{
	size_t i;

	for (i = 0; i < part->n_manifests; i++)
		if (!wpkg_referrers_index_has(ix, &part->manifests[i].digest))
			return false;
	return true;
}

void wpkg_referrers_index_filter(struct wpkg_index *ix, const char *artifact_type)
{
	size_t i, n = 0;

	if (artifact_type == NULL)
		return;
	for (i = 0; i < ix->n_manifests; i++) {
		const char *at = ix->manifests[i].artifact_type;

		if (at != NULL && strcmp(at, artifact_type) == 0)
			ix->manifests[n++] = ix->manifests[i];
		else
			wpkg_descriptor_clear(&ix->manifests[i]);
	}
	ix->n_manifests = n;
}

/* The config of an artifact without one: the empty descriptor over "{}". */
static int empty_config(struct wpkg_blob *b, struct wpkg_error *err)
{
	if (wpkg_buf_puts(&b->mem, WPKG_EMPTY_JSON) < 0)
		return wpkg_error_nomem(err);
	return wpkg_pack_describe_bytes(&b->desc, WPKG_MT_OCI_EMPTY, &b->mem, err);
}

/* Layer i of p: file, hashed by streaming it, titled with its base name (which no earlier layer has). */
static int add_file(struct wpkg_package *p, const char *file, const char *media_type, struct wpkg_error *err)
{
	const char *title = wpkg_path_base(file);
	struct wpkg_digest d;
	uint64_t size;
	size_t i;
	int rc;

	for (i = 0; i < p->n_layers; i++)
		if (strcmp(json_string_value(json_object_get(p->layers[i].desc.annotations, WPKG_ANNOT_TITLE)),
			   title) == 0)
			return wpkg_error_set(err, WPKG_E_INVALID, "%s: another file is also named \"%s\"", file,
					      title);
	rc = wpkg_digest_file(&d, &size, WPKG_DIGEST_SHA256, file, err);
	if (rc < 0)
		return rc;
	/* counted first so wpkg_package_free releases whatever is filled in */
	p->n_layers++;
	return wpkg_blob_set(&p->layers[p->n_layers - 1], media_type, wpkg_digest_hex(&d), size, file, 0, title,
				  NULL, err);
}

/* created first, then the user's annotations (which may replace it). */
static int manifest_annotations(json_t **out, const struct wpkg_attach_opts *opts, struct wpkg_error *err)
{
	json_t *a = json_object();
	char created[32];
	int rc;

	wpkg_format_rfc3339(created, opts->created);
	if (a == NULL || json_object_set_new(a, WPKG_ANNOT_CREATED, json_string(created)) != 0) {
		json_decref(a);
		return wpkg_error_nomem(err);
	}
	rc = wpkg_annotations_merge(a, opts->annotations, "manifest", err);
	if (rc < 0) {
		json_decref(a);
		return rc;
	}
	*out = a;
	return 0;
}

/* Serialises p's manifest into p->manifest and describes it in p->manifest_desc. */
static int write_manifest(struct wpkg_package *p, const struct wpkg_descriptor *subject,
			  const struct wpkg_attach_opts *opts, struct wpkg_error *err)
{
	struct wpkg_descriptor *layers = calloc(p->n_layers + 1, sizeof(*layers));
	struct wpkg_descriptor sub = { 0 };
	struct wpkg_manifest m = { 0 };
	json_t *doc = NULL;
	size_t i;
	int rc;

	if (layers == NULL)
		return wpkg_error_nomem(err);
	/* borrowed views of what p owns: nothing here is freed but the arrays and the JSON */
	for (i = 0; i < p->n_layers; i++)
		layers[i] = p->layers[i].desc;
	/* the subject names the manifest, nothing more */
	sub.media_type = subject->media_type;
	sub.digest = subject->digest;
	sub.size = subject->size;
	m.schema_version = 2;
	m.media_type = WPKG_MT_OCI_MANIFEST;
	m.artifact_type = strdup(opts->artifact_type);
	m.config = p->config.desc;
	m.layers = layers;
	m.n_layers = p->n_layers;
	m.subject = &sub;
	rc = manifest_annotations(&m.annotations, opts, err);
	if (rc < 0)
		goto out;
	if (m.artifact_type == NULL || (doc = wpkg_manifest_to_json(&m)) == NULL) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	rc = wpkg_json_dump(&p->manifest, doc, err);
	if (rc < 0)
		goto out;
	rc = wpkg_pack_describe_bytes(&p->manifest_desc, WPKG_MT_OCI_MANIFEST, &p->manifest, err);
out:
	json_decref(doc);
	json_decref(m.annotations);
	free(m.artifact_type);
	free(layers);
	return rc;
}

int wpkg_attach_pack(struct wpkg_package **out, const struct wpkg_descriptor *subject, const char *const *files,
		     size_t n_files, const struct wpkg_attach_opts *opts, struct wpkg_error *err)
{
	struct wpkg_package *p = NULL;
	size_t i;
	int rc;

	if (opts->artifact_type == NULL || !wpkg_media_type_valid(opts->artifact_type))
		return wpkg_error_set(err, WPKG_E_INVALID, "artifact type \"%s\" is not a media type",
				      opts->artifact_type ? opts->artifact_type : "");
	if (opts->media_type != NULL && !wpkg_media_type_valid(opts->media_type))
		return wpkg_error_set(err, WPKG_E_INVALID, "media type \"%s\" is not a media type", opts->media_type);
	if (n_files == 0)
		return wpkg_error_set(err, WPKG_E_INVALID, "nothing to attach: no file given");
	p = calloc(1, sizeof(*p));
	if (p == NULL || (p->layers = calloc(n_files, sizeof(*p->layers))) == NULL) {
		free(p);
		return wpkg_error_nomem(err);
	}
	wpkg_buf_init(&p->config.mem);
	wpkg_buf_init(&p->manifest);
	for (i = 0; i < n_files; i++)
		wpkg_buf_init(&p->layers[i].mem);
	rc = empty_config(&p->config, err);
	for (i = 0; i < n_files && rc == 0; i++)
		rc = add_file(p, files[i], opts->media_type ? opts->media_type : wpkg_attach_media_type(files[i]),
			      err);
	if (rc == 0)
		rc = write_manifest(p, subject, opts, err);
	if (rc < 0) {
		wpkg_package_free(p);
		return rc;
	}
	*out = p;
	return 0;
}
