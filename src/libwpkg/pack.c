/* pack.c - turns Wasm files into a CNCF Wasm OCI artifact: layers, config and manifest bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_internal.h"
#include "wpkg/fsutil.h"
#include "wpkg/log.h"
#include "wpkg/pack.h"
#include "wpkg/wasm_config.h"

void wpkg_blob_clear(struct wpkg_blob *b)
{
	wpkg_descriptor_clear(&b->desc);
	free(b->path);
	wpkg_buf_free(&b->mem);
	memset(b, 0, sizeof(*b));
	wpkg_buf_init(&b->mem);
}

void wpkg_package_free(struct wpkg_package *p)
{
	size_t i;

	if (p == NULL)
		return;
	wpkg_blob_clear(&p->config);
	for (i = 0; i < p->n_layers; i++)
		wpkg_blob_clear(&p->layers[i]);
	free(p->layers);
	wpkg_buf_free(&p->manifest);
	wpkg_descriptor_clear(&p->manifest_desc);
	for (i = 0; i < p->n_infos; i++)
		wpkg_wasm_info_free(p->infos[i]);
	free(p->infos);
	free(p);
}

/* Sets d to media type mt and the digest and size of bytes. */
static int describe_bytes(struct wpkg_descriptor *d, const char *mt, const struct wpkg_buf *bytes,
			  struct wpkg_error *err)
{
	d->media_type = strdup(mt);
	if (d->media_type == NULL)
		return wpkg_error_set(err, WPKG_E_NOMEM, "out of memory");
	wpkg_digest_bytes(&d->digest, WPKG_DIGEST_SHA256, bytes->data, bytes->len);
	d->size = (int64_t)bytes->len;
	return 0;
}

/* One file becomes one application/wasm layer: the whole file, streamed later from path. */
static int add_layer(struct wpkg_package *p, const char *file, const struct wpkg_pack_opts *opts,
		     struct wpkg_error *err)
{
	struct wpkg_blob *layer = &p->layers[p->n_layers];
	const char *base = wpkg_path_base(file);
	struct wpkg_wasm_info *info = NULL;
	char digest[WPKG_DIGEST_STR_MAX];
	int rc;

	rc = wpkg_wasm_inspect_file(&info, file, WPKG_WASM_HASH_FILE, err);
	if (rc < 0)
		return rc;
	p->infos[p->n_infos++] = info;
	/* Counted first so wpkg_package_free releases whatever is filled in below. */
	p->n_layers++;
	snprintf(digest, sizeof(digest), "sha256:%s", info->sha256);
	rc = wpkg_digest_parse(&layer->desc.digest, digest, err);
	if (rc < 0)
		return wpkg_error_wrap(err, "%s", file);
	layer->desc.size = (int64_t)info->size;
	layer->offset = 0;
	layer->desc.media_type = strdup(WPKG_MT_WASM_LAYER);
	layer->path = strdup(file);
	layer->desc.annotations = json_object();
	if (layer->desc.media_type == NULL || layer->path == NULL || layer->desc.annotations == NULL ||
	    json_object_set_new(layer->desc.annotations, WPKG_ANNOT_TITLE, json_string(base)) != 0)
		return wpkg_error_set(err, WPKG_E_NOMEM, "out of memory (or file name %s is not UTF-8)", base);
	return wpkg_annotations_merge(layer->desc.annotations, json_object_get(opts->layer_annotations, base),
				      base, err);
}

/*
 * The config describes the artifact's first file (the only one today); the
 * rules for several files come with multi-file packages.
 */
static int make_config(struct wpkg_package *p, const struct wpkg_pack_opts *opts, struct wpkg_error *err)
{
	const struct wpkg_wasm_info *info = p->infos[0];
	struct wpkg_wasm_config *c = calloc(1, sizeof(*c));
	char created[32];
	bool ok = c != NULL;
	size_t i;
	int rc;

	if (!ok)
		return wpkg_error_set(err, WPKG_E_NOMEM, "out of memory");
	wpkg_format_rfc3339(created, opts->created);
	c->created = wpkg_strdup_opt(created, &ok);
	c->author = wpkg_strdup_opt(opts->author, &ok);
	c->architecture = wpkg_strdup_opt("wasm", &ok);
	c->os = wpkg_strdup_opt(wpkg_wasm_os(info->kind), &ok);
	c->layer_digests = calloc(p->n_layers, sizeof(*c->layer_digests));
	ok = ok && c->layer_digests != NULL;
	for (i = 0; ok && i < p->n_layers; i++) {
		c->layer_digests[i] = wpkg_strdup_opt(p->layers[i].desc.digest.str, &ok);
		c->n_layer_digests = i + 1;
	}
	c->has_component = info->kind == WPKG_WASM_COMPONENT;
	if (ok && c->has_component) {
		c->exports = wpkg_json_strv_dup(info->exports, info->n_exports);
		c->n_exports = c->exports != NULL ? info->n_exports : 0;
		c->imports = wpkg_json_strv_dup(info->imports, info->n_imports);
		c->n_imports = c->imports != NULL ? info->n_imports : 0;
		c->target = wpkg_strdup_opt(opts->target, &ok);
		ok = ok && c->exports != NULL && c->imports != NULL;
	}
	if (!ok) {
		rc = wpkg_error_set(err, WPKG_E_NOMEM, "out of memory");
		goto out;
	}
	rc = wpkg_wasm_config_serialize(&p->config.mem, c, err);
	if (rc == 0)
		rc = describe_bytes(&p->config.desc, WPKG_MT_WASM_CONFIG, &p->config.mem, err);
out:
	wpkg_wasm_config_free(c);
	return rc;
}

static int make_manifest(struct wpkg_package *p, const struct wpkg_pack_opts *opts, struct wpkg_error *err)
{
	struct wpkg_manifest m = { 0 };
	json_t *doc = NULL;
	char created[32];
	size_t i;
	int rc;

	m.schema_version = 2;
	m.media_type = (char *)WPKG_MT_OCI_MANIFEST;   /* borrowed, only read by to_json */
	m.config = p->config.desc;
	m.n_layers = p->n_layers;
	m.layers = calloc(p->n_layers, sizeof(*m.layers));
	m.annotations = json_object();
	if (m.layers == NULL || m.annotations == NULL) {
		rc = wpkg_error_set(err, WPKG_E_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < p->n_layers; i++)
		m.layers[i] = p->layers[i].desc;   /* shallow: p keeps ownership */
	/* created first, then the user's annotations in their order (which may replace it). */
	wpkg_format_rfc3339(created, opts->created);
	if (json_object_set_new(m.annotations, WPKG_ANNOT_CREATED, json_string(created)) != 0) {
		rc = wpkg_error_set(err, WPKG_E_NOMEM, "out of memory");
		goto out;
	}
	rc = wpkg_annotations_merge(m.annotations, opts->manifest_annotations, "manifest", err);
	if (rc < 0)
		goto out;
	doc = wpkg_manifest_to_json(&m);
	if (doc == NULL) {
		rc = wpkg_error_set(err, WPKG_E_NOMEM, "out of memory");
		goto out;
	}
	/* These bytes are stored and pushed as they are; the digest is over exactly them. */
	rc = wpkg_json_dump(&p->manifest, doc, err);
	if (rc == 0)
		rc = describe_bytes(&p->manifest_desc, WPKG_MT_OCI_MANIFEST, &p->manifest, err);
out:
	json_decref(doc);
	json_decref(m.annotations);
	free(m.layers);
	return rc;
}

/* Tells the user about per-file annotations that match none of the files (a typo is likely). */
static void warn_unused_layer_annotations(const struct wpkg_package *p, json_t *layer_annots)
{
	const char *name;
	json_t *v;
	size_t i;

	if (layer_annots == NULL)
		return;
	json_object_foreach(layer_annots, name, v) {
		for (i = 0; i < p->n_layers; i++)
			if (strcmp(name, wpkg_path_base(p->layers[i].path)) == 0)
				break;
		if (i == p->n_layers)
			wpkg_log(WPKG_LOG_WARN, "annotations for \"%s\" match no packed file", name);
	}
}

int wpkg_pack(struct wpkg_package **out, const char *const *files, size_t n_files,
	      const struct wpkg_pack_opts *opts, struct wpkg_error *err)
{
	struct wpkg_package *p = NULL;
	size_t i;
	int rc;

	if (n_files == 0)
		return wpkg_error_set(err, WPKG_E_INVALID, "no file to package");
	if (n_files > 1)
		return wpkg_error_set(err, WPKG_E_UNSUPPORTED,
				      "%zu files given: packaging several files in one artifact is not supported yet",
				      n_files);
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return wpkg_error_set(err, WPKG_E_NOMEM, "out of memory");
	wpkg_buf_init(&p->manifest);
	wpkg_buf_init(&p->config.mem);
	p->layers = calloc(n_files, sizeof(*p->layers));
	p->infos = calloc(n_files, sizeof(*p->infos));
	if (p->layers == NULL || p->infos == NULL) {
		rc = wpkg_error_set(err, WPKG_E_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n_files; i++) {
		wpkg_buf_init(&p->layers[i].mem);
		rc = add_layer(p, files[i], opts, err);
		if (rc < 0)
			goto out;
	}
	rc = make_config(p, opts, err);
	if (rc == 0)
		rc = make_manifest(p, opts, err);
	if (rc < 0)
		goto out;
	warn_unused_layer_annotations(p, opts->layer_annotations);
	*out = p;
	p = NULL;
out:
	wpkg_package_free(p);
	if (rc < 0)
		wpkg_json_error_oneline(err);
	return rc;
}
