/* SPDX-License-Identifier: Apache-2.0 */
/* pack.c - turns Wasm files into a CNCF Wasm OCI artifact: layers, config and manifest bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wpkg/tempreg.h"
#include "json_internal.h"
#include "opts.h"
#include "pack_internal.h"
#include "wpkg/fsutil.h"
#include "log_internal.h"
#include "wpkg/pack.h"
#include "wpkg/wasm_config.h"

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
	if (p->recipe != NULL)
		wpkg_recipe_clear(p->recipe);
	free(p->recipe);
	free(p);
}

int wpkg_pack_describe_bytes(struct wpkg_descriptor *d, const char *mt, const struct wpkg_buf *bytes,
			     struct wpkg_error *err)
{
	d->media_type = strdup(mt);
	if (d->media_type == NULL)
		return wpkg_error_nomem(err);
	wpkg_digest_bytes(&d->digest, WPKG_DIGEST_SHA256, bytes->data, bytes->len);
	d->size = (int64_t)bytes->len;
	return 0;
}

/* One file becomes one application/wasm layer: the whole file, streamed later from path. */
static int add_layer(struct wpkg_package *p, const char *file, const struct wpkg_pack_opts *opts,
		     struct wpkg_error *err)
{
	const char *base = wpkg_path_base(file);
	struct wpkg_wasm_info *info = NULL;
	char **im = NULL, **ex = NULL;
	size_t ni = 0, ne = 0;
	int rc;

	rc = wpkg_wasm_inspect_file(&info, file, WPKG_WASM_HASH_FILE, err);
	if (rc < 0)
		return rc;
	p->infos[p->n_infos++] = info;
	/* every file's world must be one the config can describe (the first file's is the config's) */
	if (info->kind == WPKG_WASM_COMPONENT) {
		rc = wpkg_wasm_world_lists(info, opts->lenient, &im, &ni, &ex, &ne, err);
		if (rc < 0)
			return wpkg_error_wrap(err, "%s", file);
		wpkg_json_strv_free(im, ni);
		wpkg_json_strv_free(ex, ne);
	}
	/* Counted first so wpkg_package_free releases whatever is filled in below. */
	p->n_layers++;
	return wpkg_blob_set(&p->layers[p->n_layers - 1], WPKG_MT_WASM_LAYER, info->sha256, info->size, file,
				  0, base, json_object_get(opts->layer_annotations, base), err);
}

/* {"title", "kind", "imports", "exports"} of one file of a multi-component package. */
static json_t *component_entry(const char *file, const struct wpkg_wasm_info *info)
{
	json_t *imports = json_array(), *exports = json_array();
	char **im = NULL, **ex = NULL;
	size_t i, ni = 0, ne = 0;
	struct wpkg_error ignored;

	/* add_layer refused what strict mode refuses: what is left out here is what --lenient left out */
	if (info->kind == WPKG_WASM_COMPONENT && wpkg_wasm_world_lists(info, true, &im, &ni, &ex, &ne, &ignored) < 0) {
		json_decref(imports);
		json_decref(exports);
		return NULL;
	}
	for (i = 0; imports != NULL && i < ni; i++)
		json_array_append_new(imports, json_string(im[i]));
	for (i = 0; exports != NULL && i < ne; i++)
		json_array_append_new(exports, json_string(ex[i]));
	wpkg_json_strv_free(im, ni);
	wpkg_json_strv_free(ex, ne);
	return json_pack("{s:s, s:s, s:o, s:o}", "title", wpkg_path_base(file), "kind",
			 wpkg_wasm_kind_name(info->kind), "imports", imports, "exports", exports);
}

/* The wpkg extension fields of the config: the recipe, or every file's world; NULL when none. */
static json_t *config_extra(const struct wpkg_package *p, const char *const *files, bool *ok)
{
	json_t *extra = NULL, *list;
	size_t i;

	if (p->recipe != NULL) {
		extra = json_object();
		wpkg_json_put(extra, WPKG_RECIPE_KEY, wpkg_recipe_to_json(p->recipe), ok);
	} else if (p->n_infos > 1) {
		extra = json_object();
		list = json_array();
		for (i = 0; list != NULL && i < p->n_infos; i++)
			if (json_array_append_new(list, component_entry(files[i], p->infos[i])) != 0)
				*ok = false;
		wpkg_json_put(extra, WPKG_COMPONENTS_KEY, list, ok);
	} else {
		return NULL;
	}
	if (extra == NULL)
		*ok = false;
	return extra;
}

/*
 * The config's os and component describe the first file (for an exploded
 * package: the whole component), which is what a reader of the standard
 * fields expects; the extension fields carry the rest.
 */
static int make_config(struct wpkg_package *p, const char *const *files, const struct wpkg_pack_opts *opts,
		       struct wpkg_error *err)
{
	const struct wpkg_wasm_info *info = p->infos[0];
	struct wpkg_wasm_config *c = calloc(1, sizeof(*c));
	char created[32];
	bool ok = c != NULL;
	size_t i;
	int rc;

	if (!ok)
		return wpkg_error_nomem(err);
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
		/* what wit-component's world of the component lists, as oci-wasm writes it */
		rc = wpkg_wasm_world_lists(info, opts->lenient, &c->imports, &c->n_imports, &c->exports, &c->n_exports,
					   err);
		if (rc < 0)
			goto out;
		c->target = wpkg_strdup_opt(opts->target, &ok);
	}
	c->extra = config_extra(p, files, &ok);
	if (!ok) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	rc = wpkg_wasm_config_serialize(&p->config.mem, c, err);
	if (rc == 0)
		rc = wpkg_pack_describe_bytes(&p->config.desc, WPKG_MT_WASM_CONFIG, &p->config.mem, err);
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
	m.artifact_type = p->recipe != NULL ? (char *)WPKG_AT_EXPLODED : NULL;
	m.config = p->config.desc;
	m.n_layers = p->n_layers;
	m.layers = calloc(p->n_layers, sizeof(*m.layers));
	m.annotations = json_object();
	if (m.layers == NULL || m.annotations == NULL) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	for (i = 0; i < p->n_layers; i++)
		m.layers[i] = p->layers[i].desc;   /* shallow: p keeps ownership */
	/* created first, then the user's annotations in their order (which may replace it). */
	wpkg_format_rfc3339(created, opts->created);
	if (json_object_set_new(m.annotations, WPKG_ANNOT_CREATED, json_string(created)) != 0) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	rc = wpkg_annotations_merge(m.annotations, opts->manifest_annotations, "manifest", err);
	if (rc < 0)
		goto out;
	doc = wpkg_manifest_to_json(&m);
	if (doc == NULL) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	/* These bytes are stored and pushed as they are; the digest is over exactly them. */
	rc = wpkg_json_dump(&p->manifest, doc, err);
	if (rc == 0)
		rc = wpkg_pack_describe_bytes(&p->manifest_desc, WPKG_MT_OCI_MANIFEST, &p->manifest, err);
out:
	json_decref(doc);
	json_decref(m.annotations);
	free(m.layers);
	return rc;
}

/* Tells the user about per-file annotations that match none of the files (a typo is likely). */
static void warn_unused_layer_annotations(const struct wpkg_log_sink *log, const char *const *files, size_t n_files,
					  json_t *layer_annots)
{
	const char *name;
	json_t *v;
	size_t i;

	if (layer_annots == NULL)
		return;
	json_object_foreach(layer_annots, name, v) {
		for (i = 0; i < n_files; i++)
			if (strcmp(name, wpkg_path_base(files[i])) == 0)
				break;
		if (i == n_files)
			wpkg_log_to(log, WPKG_LOG_WARN, "annotations for \"%s\" match no packed file", name);
	}
}

/* Layer titles are the files' base names, which a puller writes side by side: they must differ. */
static int check_titles(const char *const *files, size_t n_files, const struct wpkg_pack_opts *opts,
			struct wpkg_error *err)
{
	size_t i, j;

	if (opts->exploded && n_files > 1)
		return wpkg_error_set(err, WPKG_E_UNSUPPORTED,
				      "%zu files given: an exploded artifact holds one component", n_files);
	for (i = 0; i < n_files; i++)
		for (j = 0; j < i; j++)
			if (strcmp(wpkg_path_base(files[i]), wpkg_path_base(files[j])) == 0)
				return wpkg_error_set(err, WPKG_E_INVALID,
						      "%s and %s: both would be titled \"%s\" (layer titles must differ)",
						      files[j], files[i], wpkg_path_base(files[i]));
	return 0;
}

int wpkg_pack(struct wpkg_package **out, const char *const *files, size_t n_files,
	      const struct wpkg_pack_opts *opts, struct wpkg_error *err)
{
	struct wpkg_package *p = NULL;
	struct wpkg_pack_opts o;
	size_t i;
	int rc;

	rc = wpkg_opts_load(&o, sizeof(o), opts, "pack options", err);
	if (rc < 0)
		return rc;
	opts = &o;
	if (n_files == 0)
		return wpkg_error_set(err, WPKG_E_INVALID, "no file to package");
	rc = check_titles(files, n_files, opts, err);
	if (rc < 0)
		return rc;
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return wpkg_error_nomem(err);
	wpkg_buf_init(&p->manifest);
	wpkg_buf_init(&p->config.mem);
	p->infos = calloc(n_files, sizeof(*p->infos));
	if (p->infos == NULL) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	if (opts->exploded) {
		rc = wpkg_pack_explode(p, files[0], opts, err);
	} else {
		p->layers = calloc(n_files, sizeof(*p->layers));
		if (p->layers == NULL)
			rc = wpkg_error_nomem(err);
		for (i = 0; rc == 0 && i < n_files; i++) {
			wpkg_buf_init(&p->layers[i].mem);
			rc = add_layer(p, files[i], opts, err);
		}
	}
	if (rc == 0)
		rc = make_config(p, files, opts, err);
	if (rc == 0)
		rc = make_manifest(p, opts, err);
	if (rc < 0)
		goto out;
	warn_unused_layer_annotations(&opts->log, files, n_files, opts->layer_annotations);
	*out = p;
	p = NULL;
out:
	wpkg_package_free(p);
	if (rc < 0)
		wpkg_json_error_oneline(err);
	return rc;
}
