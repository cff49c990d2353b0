/* SPDX-License-Identifier: Apache-2.0 */
/* explode.c - the exploded form: which constituents become layers, the skeleton, the recipe, reassembly. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wpkg/explode.h"
#include "wpkg/fsutil.h"

void wpkg_recipe_clear(struct wpkg_recipe *r)
{
	free(r->parts);
	free(r->first_part);
	memset(r, 0, sizeof(*r));
}

/* The layer already holding a constituent with this content, or a new one. */
static size_t layer_for(struct wpkg_recipe *r, const struct wpkg_wasm_info *info, size_t part)
{
	const struct wpkg_wasm_part *p = &info->parts[part];
	size_t l;

	for (l = 1; l < r->n_layers; l++) {
		const struct wpkg_wasm_part *q = &info->parts[r->parts[r->first_part[l]].wasm_part];
		if (q->size == p->size && strcmp(q->sha256, p->sha256) == 0)
			return l;
	}
	r->first_part[r->n_layers] = r->n_parts;
	return r->n_layers++;
}

int wpkg_explode_plan(struct wpkg_recipe *out, const struct wpkg_wasm_info *info,
		      const struct wpkg_explode_opts *opts, struct wpkg_error *err)
{
	struct wpkg_recipe r = { 0 };
	unsigned depth = opts->depth ? opts->depth : WPKG_EXPLODE_DEFAULT_DEPTH;
	uint64_t cut_end = 0;
	char digest[WPKG_DIGEST_STR_MAX];
	size_t i;
	int rc;

	if (info->kind != WPKG_WASM_COMPONENT)
		return wpkg_error_set(err, WPKG_E_INVALID,
				      "only a component can be exploded: this is a core module");
	if (depth > WPKG_EXPLODE_MAX_DEPTH)
		return wpkg_error_set(err, WPKG_E_INVALID, "explode depth %u is over the limit of %u",
				      depth, WPKG_EXPLODE_MAX_DEPTH);
	snprintf(digest, sizeof(digest), "sha256:%s", info->sha256);
	rc = wpkg_digest_parse(&r.digest, digest, err);
	if (rc < 0)
		return wpkg_error_wrap(err, "explode: the file was inspected without its digest");
	r.size = info->size;
	r.n_layers = 1;
	r.parts = calloc(info->n_parts + 1, sizeof(*r.parts));
	r.first_part = calloc(info->n_parts + 1, sizeof(*r.first_part));
	if (r.parts == NULL || r.first_part == NULL) {
		wpkg_recipe_clear(&r);
		return wpkg_error_nomem(err);
	}
	/* Parts come in pre-order, so a part inside one already cut starts before cut_end. */
	for (i = 0; i < info->n_parts; i++) {
		const struct wpkg_wasm_part *p = &info->parts[i];

		if (p->offset < cut_end || p->depth > depth)
			continue;
		/* Above the requested depth a component is opened up: its children are cut instead. */
		if (p->kind == WPKG_WASM_COMPONENT && p->depth < depth)
			continue;
		if (p->size < opts->min_layer_size || p->size == 0)
			continue;
		if (p->sha256[0] == '\0') {
			wpkg_recipe_clear(&r);
			return wpkg_error_set(err, WPKG_E_INVALID, "explode: nested parts were inspected without digests");
		}
		r.parts[r.n_parts].offset = p->offset;
		r.parts[r.n_parts].size = p->size;
		r.parts[r.n_parts].wasm_part = i;
		r.parts[r.n_parts].layer = layer_for(&r, info, i);
		r.n_parts++;
		cut_end = p->offset + p->size;
	}
	*out = r;
	return 0;
}

int wpkg_explode_write_skeleton(int fd, const uint8_t *data, size_t len, const struct wpkg_recipe *r,
				uint64_t *size, struct wpkg_digest *digest, struct wpkg_error *err)
{
	uint64_t pos = 0, written = 0;
	struct wpkg_hasher h;
	size_t i;
	int rc;

	if (r->size != len)
		return wpkg_error_set(err, WPKG_E_INVALID, "explode: the file changed size since it was inspected");
	rc = wpkg_hasher_init(&h, WPKG_DIGEST_SHA256, err);
	if (rc < 0)
		return rc;
	for (i = 0; i <= r->n_parts; i++) {
		uint64_t until = i < r->n_parts ? r->parts[i].offset : len;

		wpkg_hasher_update(&h, data + pos, (size_t)(until - pos));
		rc = wpkg_write_all(fd, data + pos, (size_t)(until - pos), err);
		if (rc < 0) {
			wpkg_hasher_discard(&h);
			return wpkg_error_wrap(err, "write skeleton");
		}
		written += until - pos;
		if (i < r->n_parts)
			pos = r->parts[i].offset + r->parts[i].size;
	}
	if (digest != NULL)
		wpkg_hasher_final(&h, digest);
	else
		wpkg_hasher_discard(&h);
	*size = written;
	return 0;
}

json_t *wpkg_recipe_to_json(const struct wpkg_recipe *r)
{
	json_t *parts = json_array();
	size_t i;

	if (parts == NULL)
		return NULL;
	for (i = 0; i < r->n_parts; i++) {
		json_t *p = json_pack("{s:I, s:I, s:I}", "offset", (json_int_t)r->parts[i].offset,
				      "size", (json_int_t)r->parts[i].size, "layer", (json_int_t)r->parts[i].layer);
		if (p == NULL || json_array_append_new(parts, p) < 0) {
			json_decref(parts);
			return NULL;
		}
	}
	return json_pack("{s:i, s:I, s:s, s:o}", "version", 1, "size", (json_int_t)r->size,
			 "digest", r->digest.str, "parts", parts);
}

/* A non-negative integer field of obj; what names it in messages. */
static int get_u64(const json_t *obj, const char *key, const char *what, uint64_t *out, struct wpkg_error *err)
{
	const json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return wpkg_error_set(err, WPKG_E_INVALID, "recipe: %s%s must be a non-negative integer", what, key);
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

int wpkg_recipe_from_json(struct wpkg_recipe *out, const json_t *obj, size_t n_layers,
			  struct wpkg_error *err)
{
	struct wpkg_recipe r = { 0 };
	const json_t *parts, *digest;
	uint64_t version = 0, prev_end = 0;
	char where[48];
	size_t i;
	int rc;

	if (!json_is_object(obj))
		return wpkg_error_set(err, WPKG_E_INVALID, "recipe: not a JSON object");
	rc = get_u64(obj, "version", "", &version, err);
	if (rc < 0)
		return rc;
	if (version != 1)
		return wpkg_error_set(err, WPKG_E_UNSUPPORTED, "recipe: version %" PRIu64 " is not supported (wpkg reads 1)",
				      version);
	rc = get_u64(obj, "size", "", &r.size, err);
	if (rc < 0)
		return rc;
	digest = json_object_get(obj, "digest");
	if (!json_is_string(digest))
		return wpkg_error_set(err, WPKG_E_INVALID, "recipe: digest must be a string");
	rc = wpkg_digest_parse(&r.digest, json_string_value(digest), err);
	if (rc < 0)
		return wpkg_error_wrap(err, "recipe");
	parts = json_object_get(obj, "parts");
	if (!json_is_array(parts))
		return wpkg_error_set(err, WPKG_E_INVALID, "recipe: parts must be an array");
	r.n_parts = json_array_size(parts);
	r.n_layers = n_layers;
	r.parts = calloc(r.n_parts + 1, sizeof(*r.parts));
	r.first_part = calloc(n_layers + 1, sizeof(*r.first_part));
	if (r.parts == NULL || r.first_part == NULL) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	for (i = 0; i < r.n_parts; i++) {
		const json_t *p = json_array_get(parts, i);
		struct wpkg_recipe_part *rp = &r.parts[i];
		uint64_t layer = 0;

		snprintf(where, sizeof(where), "parts[%zu].", i);
		if (!json_is_object(p)) {
			rc = wpkg_error_set(err, WPKG_E_INVALID, "recipe: parts[%zu] must be an object", i);
			goto out;
		}
		if ((rc = get_u64(p, "offset", where, &rp->offset, err)) < 0 ||
		    (rc = get_u64(p, "size", where, &rp->size, err)) < 0 ||
		    (rc = get_u64(p, "layer", where, &layer, err)) < 0)
			goto out;
		if (layer < 1 || layer >= n_layers) {
			rc = wpkg_error_set(err, WPKG_E_INVALID,
					    "recipe: parts[%zu].layer %" PRIu64 " is not a constituent layer (the manifest has %zu layers)",
					    i, layer, n_layers);
			goto out;
		}
		if (rp->offset < prev_end) {
			rc = wpkg_error_set(err, WPKG_E_INVALID,
					    "recipe: parts[%zu] at offset %" PRIu64 " overlaps the part before it (which ends at %" PRIu64 ")",
					    i, rp->offset, prev_end);
			goto out;
		}
		if (rp->size > r.size || rp->offset > r.size - rp->size) {
			rc = wpkg_error_set(err, WPKG_E_INVALID,
					    "recipe: parts[%zu] (offset %" PRIu64 ", %" PRIu64 " bytes) runs past the end of the %" PRIu64 "-byte component",
					    i, rp->offset, rp->size, r.size);
			goto out;
		}
		rp->layer = (size_t)layer;
		r.first_part[rp->layer] = i;
		prev_end = rp->offset + rp->size;
	}
	*out = r;
	return 0;
out:
	wpkg_recipe_clear(&r);
	return rc;
}

/* Copies len bytes of in_fd from offset to out_fd, hashing them on the way. */
static int copy_range(int out_fd, int in_fd, uint64_t offset, uint64_t len, struct wpkg_hasher *h,
		      unsigned char *buf, const char *what, struct wpkg_error *err)
{
	while (len > 0) {
		size_t want = len < WPKG_IO_CHUNK ? (size_t)len : WPKG_IO_CHUNK;
		ssize_t got = pread(in_fd, buf, want, (off_t)offset);
		int rc;

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return wpkg_error_set(err, WPKG_E_IO, "read %s: %s", what, strerror(errno));
		if (got == 0)
			return wpkg_error_set(err, WPKG_E_DIGEST, "%s is shorter than its recorded size", what);
		wpkg_hasher_update(h, buf, (size_t)got);
		rc = wpkg_write_all(out_fd, buf, (size_t)got, err);
		if (rc < 0)
			return rc;
		offset += (uint64_t)got;
		len -= (uint64_t)got;
	}
	return 0;
}

int wpkg_reassemble(int out_fd, const struct wpkg_recipe *r, int skeleton_fd, uint64_t skeleton_size,
		    const int *layer_fds, const uint64_t *layer_sizes, size_t n_layers,
		    struct wpkg_error *err)
{
	uint64_t cut = 0, pos = 0, sk_pos = 0;
	struct wpkg_digest got;
	struct wpkg_hasher h;
	unsigned char *buf;
	char what[64];
	size_t i;
	int rc;

	for (i = 0; i < r->n_parts; i++)
		cut += r->parts[i].size;
	if (cut > r->size || skeleton_size != r->size - cut)
		return wpkg_error_set(err, WPKG_E_DIGEST,
				      "skeleton is %" PRIu64 " bytes but the recipe needs %" PRIu64,
				      skeleton_size, cut > r->size ? 0 : r->size - cut);
	buf = malloc(WPKG_IO_CHUNK);
	if (buf == NULL)
		return wpkg_error_nomem(err);
	rc = wpkg_hasher_init(&h, r->digest.alg, err);
	if (rc < 0) {
		free(buf);
		return rc;
	}
	for (i = 0; i <= r->n_parts; i++) {
		const struct wpkg_recipe_part *p = i < r->n_parts ? &r->parts[i] : NULL;
		uint64_t gap = (p ? p->offset : r->size) - pos;

		rc = copy_range(out_fd, skeleton_fd, sk_pos, gap, &h, buf, "skeleton", err);
		if (rc < 0)
			goto out;
		sk_pos += gap;
		if (p == NULL)
			break;
		snprintf(what, sizeof(what), "layer %zu", p->layer);
		if (p->layer >= n_layers || layer_sizes[p->layer] != p->size) {
			rc = wpkg_error_set(err, WPKG_E_DIGEST, "%s is %" PRIu64 " bytes but the recipe puts %" PRIu64 " bytes of it at offset %" PRIu64,
					    what, p->layer < n_layers ? layer_sizes[p->layer] : 0, p->size, p->offset);
			goto out;
		}
		rc = copy_range(out_fd, layer_fds[p->layer], 0, p->size, &h, buf, what, err);
		if (rc < 0)
			goto out;
		pos = p->offset + p->size;
	}
	wpkg_hasher_final(&h, &got);
	if (strcmp(got.str, r->digest.str) != 0)
		rc = wpkg_error_set(err, WPKG_E_DIGEST,
				    "reassembled component is %s, not the recorded %s", got.str, r->digest.str);
out:
	if (rc < 0)
		wpkg_hasher_discard(&h);
	free(buf);
	return rc;
}
