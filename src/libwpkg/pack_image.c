/* SPDX-License-Identifier: Apache-2.0 */
/* pack_image.c - packages one Wasm file as an OCI image (tar layer) or in runwasi's layout (raw Wasm layer). */
#include <stdlib.h>
#include <string.h>

#include "image_internal.h"
#include "json_internal.h"
#include "opts.h"
#include "pack_internal.h"
#include "wpkg/fsutil.h"
#include "wpkg/pack_image.h"
#include "wpkg/pull.h"
#include "wpkg/wasm_config.h"

static const char *const format_names[] = {
	[WPKG_FORMAT_WASM] = "wasm",
	[WPKG_FORMAT_IMAGE] = "image",
	[WPKG_FORMAT_RUNWASI] = "runwasi",
};

int wpkg_pack_format_parse(enum wpkg_pack_format *out, const char *s, struct wpkg_error *err)
{
	size_t i;

	for (i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++) {
		if (strcmp(s, format_names[i]) == 0) {
			*out = (enum wpkg_pack_format)i;
			return 0;
		}
	}
	return wpkg_error_set(err, WPKG_E_INVALID, "unknown package format \"%s\": expected wasm, image or runwasi", s);
}

const char *wpkg_pack_format_name(enum wpkg_pack_format fmt)
{
	return (size_t)fmt < sizeof(format_names) / sizeof(format_names[0]) ? format_names[fmt] : "?";
}

char *wpkg_image_entry_name(const char *file)
{
	const char *base = wpkg_path_base(file);
	size_t n = strlen(base);
	char *name = malloc(n + sizeof(".wasm"));

	if (name == NULL)
		return NULL;
	memcpy(name, base, n + 1);
	if (n < 5 || strcmp(base + n - 5, ".wasm") != 0)
		memcpy(name + n, ".wasm", sizeof(".wasm"));
	return name;
}

/* Serialises doc (consumed) into bytes and describes them as media type mt. */
static int store_doc(struct wpkg_buf *bytes, struct wpkg_descriptor *d, json_t *doc, const char *mt,
		     struct wpkg_error *err)
{
	int rc;

	if (doc == NULL)
		return wpkg_error_set(err, WPKG_E_NOMEM, "out of memory (or a name that is not UTF-8)");
	rc = wpkg_json_dump(bytes, doc, err);
	json_decref(doc);
	if (rc < 0)
		return rc;
	return wpkg_pack_describe_bytes(d, mt, bytes, err);
}

/* What differs between the two image flavours' configs. */
struct image_config {
	const char *entrypoint;
	const char *label_key, *label_value;
	const char *diff_id;       /* NULL: diff_ids [] and no history (runwasi) */
	const char *created_by;
};

/*
 * Keys in the image-spec's example order: created, author (only when
 * given), architecture, os, config, rootfs, history.
 */
static json_t *image_config_json(const struct image_config *c, const struct wpkg_wasm_info *info,
				 const struct wpkg_pack_opts *opts)
{
	json_t *diff_ids = c->diff_id != NULL ? json_pack("[s]", c->diff_id) : json_array();
	json_t *history = NULL;
	char created[32];

	wpkg_format_rfc3339(created, opts->created);
	if (c->diff_id != NULL)
		history = json_pack("[{s:s, s:s}]", "created", created, "created_by", c->created_by);
	return json_pack("{s:s, s:s*, s:s, s:s, s:{s:[s], s:{s:s}}, s:{s:s, s:o}, s:o*}", "created", created,
			 "author", opts->author, "architecture", "wasm", "os", wpkg_wasm_os(info->kind), "config",
			 "Entrypoint", c->entrypoint, "Labels", c->label_key, c->label_value, "rootfs", "type",
			 "layers", "diff_ids", diff_ids, "history", history);
}

/* The image layer: NAME.wasm in a tar+gzip written to a temporary. */
static int image_layer(struct wpkg_package *p, const char *file, const char *name, const struct wpkg_pack_opts *opts,
		       struct image_config *c, struct wpkg_digest *diff_id, struct wpkg_error *err)
{
	struct wpkg_blob *layer = &p->layers[0];
	struct wpkg_image_layer tar;
	int rc;

	/* Counted first so that wpkg_package_free releases what is filled in (and deletes the temporary). */
	p->n_layers = 1;
	rc = wpkg_image_tar_write(&tar, file, name, p->infos[0]->size, opts->created, err);
	if (rc < 0)
		return wpkg_error_wrap(err, "%s", file);
	layer->path = tar.path;
	layer->temp = true;
	layer->desc.media_type = strdup(WPKG_MT_OCI_LAYER_TAR_GZ);
	if (layer->desc.media_type == NULL)
		return wpkg_error_nomem(err);
	layer->desc.digest = tar.digest;
	layer->desc.size = (int64_t)tar.size;
	*diff_id = tar.diff_id;
	c->diff_id = diff_id->str;
	c->label_key = WPKG_ANNOT_WASM_VARIANT;
	c->label_value = WPKG_WASM_VARIANT_COMPAT_SMART;
	c->created_by = "wpkg build --format image";
	return 0;
}

/* The runwasi layer: the file itself, streamed from its path like the CNCF artifact's layer. */
static int runwasi_layer(struct wpkg_package *p, const char *file, struct image_config *c, char label[65],
			 struct wpkg_error *err)
{
	struct wpkg_blob *layer = &p->layers[0];
	struct wpkg_digest unique;
	char digest[WPKG_DIGEST_STR_MAX];
	int rc;

	p->n_layers = 1;
	snprintf(digest, sizeof(digest), "sha256:%s", p->infos[0]->sha256);
	rc = wpkg_digest_parse(&layer->desc.digest, digest, err);
	if (rc < 0)
		return wpkg_error_wrap(err, "%s", file);
	layer->desc.size = (int64_t)p->infos[0]->size;
	layer->path = strdup(file);
	layer->desc.media_type = strdup(WPKG_MT_BCA_WASM_LAYER);
	/* oci-tar-builder: sha256 of the layers' hex digests joined, so configs of different modules differ. */
	wpkg_digest_bytes(&unique, WPKG_DIGEST_SHA256, p->infos[0]->sha256, strlen(p->infos[0]->sha256));
	snprintf(label, 65, "%s", wpkg_digest_hex(&unique));
	c->label_key = WPKG_LABEL_RUNWASI_LAYERS;
	c->label_value = label;
	c->diff_id = NULL;
	if (layer->path == NULL || layer->desc.media_type == NULL)
		return wpkg_error_nomem(err);
	return 0;
}

static int make_manifest(struct wpkg_package *p, enum wpkg_pack_format fmt, const struct wpkg_pack_opts *opts,
			 struct wpkg_error *err)
{
	struct wpkg_manifest m = { 0 };
	json_t *annots = json_object();
	char created[32];
	int rc;

	wpkg_format_rfc3339(created, opts->created);
	/* crun's selector first, then created, then the user's (which may replace either). */
	if (annots == NULL ||
	    (fmt == WPKG_FORMAT_IMAGE &&
	     json_object_set_new(annots, WPKG_ANNOT_WASM_VARIANT, json_string(WPKG_WASM_VARIANT_COMPAT_SMART)) != 0) ||
	    json_object_set_new(annots, WPKG_ANNOT_CREATED, json_string(created)) != 0) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	rc = wpkg_annotations_merge(annots, opts->manifest_annotations, "manifest", err);
	if (rc < 0)
		goto out;
	m.schema_version = 2;
	m.media_type = (char *)WPKG_MT_OCI_MANIFEST;   /* borrowed, only read by to_json */
	m.config = p->config.desc;
	m.layers = &p->layers[0].desc;
	m.n_layers = p->n_layers;
	m.annotations = annots;
	rc = store_doc(&p->manifest, &p->manifest_desc, wpkg_manifest_to_json(&m), WPKG_MT_OCI_MANIFEST, err);
out:
	json_decref(annots);
	return rc;
}

/* The layer, then the config that names it, then the manifest over both. */
static int pack_one(struct wpkg_package *p, const char *file, enum wpkg_pack_format fmt,
		    const struct wpkg_pack_opts *opts, struct wpkg_error *err)
{
	const char *base = wpkg_path_base(file);
	struct image_config c = { 0 };
	struct wpkg_digest diff_id;
	char *name = NULL, *entrypoint = NULL, label[65];
	json_t *layer_annots;
	int rc;

	name = wpkg_image_entry_name(file);
	entrypoint = name != NULL ? wpkg_path_join("/", name) : NULL;
	if (entrypoint == NULL) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	if (fmt == WPKG_FORMAT_IMAGE) {
		rc = image_layer(p, file, name, opts, &c, &diff_id, err);
		c.entrypoint = entrypoint;
	} else {
		rc = runwasi_layer(p, file, &c, label, err);
		c.entrypoint = name;   /* oci-tar-builder writes NAME.wasm, relative */
	}
	if (rc < 0)
		goto out;
	/* Image layers carry no title by convention; the user's per-file annotations still apply. */
	layer_annots = opts->layer_annotations != NULL ? json_object_get(opts->layer_annotations, base) : NULL;
	if (layer_annots != NULL) {
		p->layers[0].desc.annotations = json_object();
		rc = p->layers[0].desc.annotations == NULL ? wpkg_error_nomem(err)
			: wpkg_annotations_merge(p->layers[0].desc.annotations, layer_annots, base, err);
		if (rc < 0)
			goto out;
	}
	rc = store_doc(&p->config.mem, &p->config.desc, image_config_json(&c, p->infos[0], opts), WPKG_MT_OCI_CONFIG,
		       err);
	if (rc == 0)
		rc = make_manifest(p, fmt, opts, err);
out:
	free(entrypoint);
	free(name);
	return rc;
}

int wpkg_pack_image(struct wpkg_package **out, const char *file, enum wpkg_pack_format fmt,
		    const struct wpkg_pack_opts *opts, struct wpkg_error *err)
{
	struct wpkg_package *p = NULL;
	struct wpkg_pack_opts o;
	int rc;

	if (fmt == WPKG_FORMAT_WASM)
		return wpkg_pack(out, &file, 1, opts, err);
	rc = wpkg_opts_load(&o, sizeof(o), opts, "pack options", err);
	if (rc < 0)
		return rc;
	opts = &o;
	if (fmt != WPKG_FORMAT_IMAGE && fmt != WPKG_FORMAT_RUNWASI)
		return wpkg_error_set(err, WPKG_E_INVALID, "unknown package format %d", (int)fmt);
	if (opts->exploded)
		return wpkg_error_set(err, WPKG_E_INVALID, "an exploded package is a Wasm artifact: format %s cannot be "
				      "exploded", wpkg_pack_format_name(fmt));
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return wpkg_error_nomem(err);
	wpkg_buf_init(&p->manifest);
	wpkg_buf_init(&p->config.mem);
	p->layers = calloc(1, sizeof(*p->layers));
	p->infos = calloc(1, sizeof(*p->infos));
	if (p->layers == NULL || p->infos == NULL) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	wpkg_buf_init(&p->layers[0].mem);
	/* The tar layer needs no hash of the file; runwasi's raw layer is named by it. */
	rc = wpkg_wasm_inspect_file(&p->infos[0], file, fmt == WPKG_FORMAT_RUNWASI ? WPKG_WASM_HASH_FILE : 0, err);
	if (rc < 0)
		goto out;
	p->n_infos = 1;
	rc = pack_one(p, file, fmt, opts, err);
	if (rc < 0)
		goto out;
	*out = p;
	p = NULL;
out:
	wpkg_package_free(p);
	return rc;
}
