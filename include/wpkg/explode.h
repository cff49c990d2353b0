/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/explode.h - cutting a component into its constituents and joining them back byte for byte. */
#ifndef WPKG_EXPLODE_H
#define WPKG_EXPLODE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "wpkg/common.h"
#include "wpkg/digest.h"
#include "wpkg/error.h"
#include "wpkg/mediatype.h"
#include "wpkg/wasm.h"

WPKG_BEGIN_DECL
/* Key of the recipe in the Wasm config (an extension field: v0 readers ignore it). */
#define WPKG_RECIPE_KEY "dev.wpkg.exploded.v1"

/* Constituents smaller than this stay inline in the skeleton: below it a
 * separate blob costs more in round trips than it can save in storage. */
#define WPKG_EXPLODE_DEFAULT_MIN_LAYER_SIZE ((uint64_t)16 * 1024)
#define WPKG_EXPLODE_DEFAULT_DEPTH 1u
#define WPKG_EXPLODE_MAX_DEPTH 64u

struct wpkg_explode_opts {
	unsigned depth;            /* 1: the file's own children; N: nested components split N-1 levels deeper */
	uint64_t min_layer_size;   /* constituents below this stay in the skeleton */
};

/* One cut: the payload [offset, offset+size) of the original file comes from layer `layer`. */
struct wpkg_recipe_part {
	uint64_t offset;
	uint64_t size;
	size_t layer;              /* manifest layer index, >= 1 (0 is the skeleton) */
	size_t wasm_part;          /* index into wpkg_wasm_info.parts (planning only) */
};

/*
 * The recipe: how the original file is rebuilt.  Walking parts in order,
 * bytes of the skeleton are copied up to each part's offset (in original
 * coordinates), then the layer's bytes; the rest of the skeleton follows.
 */
struct wpkg_recipe {
	uint64_t size;                 /* of the original file */
	struct wpkg_digest digest;     /* of the original file */
	struct wpkg_recipe_part *parts; /* ascending offsets, never overlapping */
	size_t n_parts;
	size_t n_layers;               /* skeleton + distinct constituents */
	size_t *first_part;            /* n_layers entries: for each layer >= 1, a part that uses it ([0] unused) */
};

/*
 * Chooses the cuts for info (inspected with WPKG_WASM_HASH_FILE |
 * WPKG_WASM_HASH_PARTS).  Identical constituents share one layer.  A
 * component with no constituent worth cutting gives a recipe with no parts.
 */
WPKG_API int wpkg_explode_plan(struct wpkg_recipe *out, const struct wpkg_wasm_info *info,
		      const struct wpkg_explode_opts *opts, struct wpkg_error *err);

/*
 * Writes the skeleton (data minus every cut payload) to fd; *size receives
 * its length and *digest (when not NULL) its sha256.
 */
WPKG_API int wpkg_explode_write_skeleton(int fd, const uint8_t *data, size_t len, const struct wpkg_recipe *r,
				uint64_t *size, struct wpkg_digest *digest, struct wpkg_error *err);

/* {"version":1,"size":..,"digest":..,"parts":[{"offset":..,"size":..,"layer":..}]} */
WPKG_API json_t *wpkg_recipe_to_json(const struct wpkg_recipe *r);
/*
 * Reads and checks a recipe against a manifest of n_layers layers: parts
 * sorted, not overlapping, inside the file, layer indexes in [1, n_layers).
 */
WPKG_API int wpkg_recipe_from_json(struct wpkg_recipe *out, const json_t *obj, size_t n_layers,
			  struct wpkg_error *err);
WPKG_API void wpkg_recipe_clear(struct wpkg_recipe *r);

/*
 * Rebuilds the original into out_fd from the skeleton and the layers (open
 * descriptors read with pread, sizes as stored), checking every size and,
 * at the end, the original digest: WPKG_E_DIGEST when they differ.
 */
WPKG_API int wpkg_reassemble(int out_fd, const struct wpkg_recipe *r, int skeleton_fd, uint64_t skeleton_size,
		    const int *layer_fds, const uint64_t *layer_sizes, size_t n_layers,
		    struct wpkg_error *err);

WPKG_END_DECL

#endif
