/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/pack.h - turns Wasm files into an artifact: config, layers and manifest bytes. */
#ifndef WPKG_PACK_H
#define WPKG_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "wpkg/blob.h"
#include "wpkg/common.h"
#include "wpkg/buf.h"
#include "wpkg/digest.h"
#include "wpkg/error.h"
#include "wpkg/explode.h"
#include "wpkg/log.h"
#include "wpkg/oci.h"
#include "wpkg/wasm.h"

WPKG_BEGIN_DECL

/* Grows by the rule in wpkg/common.h: start from WPKG_PACK_OPTS_INIT. */
struct wpkg_pack_opts {
	size_t size;                   /* sizeof(struct wpkg_pack_opts), set by WPKG_PACK_OPTS_INIT */
	const char *author;            /* NULL: config author null */
	const char *target;            /* NULL: component.target null */
	json_t *manifest_annotations;  /* borrowed object of strings (user -a / --annotation-file), or NULL */
	json_t *layer_annotations;     /* borrowed: {"file name": {k: v}} from --annotation-file, or NULL */
	time_t created;                /* from wpkg_build_time() */
	bool exploded;                 /* cut the (one) component into its constituents, see explode.h */
	struct wpkg_explode_opts explode;  /* depth and threshold when exploded (0, 0: depth 1, no threshold) */
	struct wpkg_log_sink log;      /* warnings (annotations that match no file, nothing to explode); zero: none */
	bool lenient;                  /* leave out exports wit-component refuses (types, modules, components) */
};
#define WPKG_PACK_OPTS_INIT WPKG_SIZED_INIT(struct wpkg_pack_opts)

/*
 * Key of the multi-component extension in the Wasm config of a package of
 * several files: [{"title", "kind", "imports", "exports"}], one per layer.
 */
#define WPKG_COMPONENTS_KEY "dev.wpkg.components.v1"

struct wpkg_package {
	struct wpkg_blob config;
	struct wpkg_blob *layers;
	size_t n_layers;
	struct wpkg_buf manifest;      /* the exact bytes to store; digest is over these */
	struct wpkg_descriptor manifest_desc;  /* media type, digest, size of manifest */
	struct wpkg_wasm_info **infos; /* one per input file, in order */
	size_t n_infos;
	struct wpkg_recipe *recipe;    /* exploded packages only, else NULL */
};

/*
 * Packages files as a CNCF Wasm OCI artifact, one application/wasm layer per
 * file titled with its base name (titles must differ).  The config's
 * component describes the first file; with several files the config also
 * lists every file's world under WPKG_COMPONENTS_KEY.  With opts->exploded
 * (one component only) layer 0 is the skeleton, written to a temporary that
 * wpkg_package_free deletes, and layers 1.. the distinct constituents as
 * ranges of the file; the recipe goes in the config under WPKG_RECIPE_KEY.
 * Every file is inspected first; nothing is written but that temporary.
 */
WPKG_API int wpkg_pack(struct wpkg_package **out, const char *const *files, size_t n_files,
	      const struct wpkg_pack_opts *opts, struct wpkg_error *err);
WPKG_API void wpkg_package_free(struct wpkg_package *p);

/*
 * Annotation inputs.  "KEY=VALUE" is added to obj (a later key replaces an
 * earlier one).  An annotation file is JSON, either a flat object of strings
 * (manifest annotations) or ORAS's form {"$manifest": {...}, "FILE": {...}}.
 */
WPKG_API int wpkg_annotation_add(json_t *obj, const char *key_eq_value, struct wpkg_error *err);
WPKG_API int wpkg_annotation_file_load(json_t *manifest_annots, json_t *layer_annots, const char *path,
			      struct wpkg_error *err);
/*
 * Copies the pairs of src (NULL: none) into dst in order; a key already in
 * dst keeps its place and takes the new value.  Every value must be a
 * string; what names src in messages ("manifest", a file name).
 */
WPKG_API int wpkg_annotations_merge(json_t *dst, json_t *src, const char *what, struct wpkg_error *err);

WPKG_END_DECL

#endif
