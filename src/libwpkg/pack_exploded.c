/* SPDX-License-Identifier: Apache-2.0 */
/* pack_exploded.c - the exploded form of one component: a skeleton layer, constituent layers and the recipe. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wpkg/tempreg.h"
#include "pack_internal.h"
#include "wpkg/fsutil.h"
#include "log_internal.h"

/* "01-module.wasm": the layer index, zero-padded so that a directory listing keeps manifest order. */
static void part_title(char *buf, size_t cap, size_t layer, size_t n_layers, enum wpkg_wasm_kind kind)
{
	int width = 2;
	size_t n;

	for (n = n_layers - 1; n >= 100; n /= 10)
		width++;
	snprintf(buf, cap, "%0*zu-%s.wasm", width, layer, wpkg_wasm_kind_name(kind));
}

/* Writes the skeleton of data to a new temporary that b owns (deleted with it), and describes it. */
static int add_skeleton(struct wpkg_blob *b, const struct wpkg_map *m, const struct wpkg_recipe *r,
			const char *file, json_t *annotations, struct wpkg_error *err)
{
	struct wpkg_digest digest;
	uint64_t size = 0;
	char *title = NULL;
	int fd = -1, rc;

	if (asprintf(&title, "%s.skeleton", wpkg_path_base(file)) < 0) {
		title = NULL;
		rc = wpkg_error_nomem(err);
		goto out;
	}
	rc = wpkg_temp_open(&b->path, &fd, NULL, "wpkg-skeleton.", NULL, err);
	if (rc < 0)
		goto out;
	b->temp = true;   /* from here on, clearing the blob deletes the file */
	rc = wpkg_explode_write_skeleton(fd, m->data, m->len, r, &size, &digest, err);
	if (rc < 0) {
		wpkg_error_wrap(err, "%s", b->path);
		goto out;
	}
	rc = wpkg_blob_set(b, WPKG_MT_SKELETON, wpkg_digest_hex(&digest), size, b->path, 0, title, annotations,
				err);
out:
	if (fd >= 0)
		close(fd);
	free(title);
	return rc;
}

int wpkg_pack_explode(struct wpkg_package *p, const char *file, const struct wpkg_pack_opts *opts,
		      struct wpkg_error *err)
{
	const char *base = wpkg_path_base(file);
	struct wpkg_map m = { 0 };
	struct wpkg_wasm_info *info = NULL;
	char title[64];
	size_t l;
	int rc;

	/* inspect_file hashes with pread; the mapping is then read only where the skeleton's bytes are */
	rc = wpkg_wasm_inspect_file(&info, file, WPKG_WASM_HASH_FILE | WPKG_WASM_HASH_PARTS, err);
	if (rc < 0)
		return rc;
	p->infos[p->n_infos++] = info;
	rc = wpkg_map_file(&m, file, err);
	if (rc < 0)
		goto out;
	if (m.len != info->size) {
		rc = wpkg_error_set(err, WPKG_E_IO, "%s: the file changed while it was packed", file);
		goto out;
	}
	p->recipe = calloc(1, sizeof(*p->recipe));
	if (p->recipe == NULL) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	rc = wpkg_explode_plan(p->recipe, info, &opts->explode, err);
	if (rc < 0) {
		wpkg_error_wrap(err, "%s", file);
		goto out;
	}
	if (p->recipe->n_parts == 0)
		wpkg_log_to(&opts->log, WPKG_LOG_WARN,
			    "%s: no constituent of %" PRIu64 " bytes or more: the skeleton is the whole file", file,
			    opts->explode.min_layer_size);
	p->layers = calloc(p->recipe->n_layers, sizeof(*p->layers));
	if (p->layers == NULL) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	for (l = 0; l < p->recipe->n_layers; l++)
		wpkg_buf_init(&p->layers[l].mem);
	/* The user's annotations for the file go on its entrypoint layer, the skeleton. */
	p->n_layers = 1;
	rc = add_skeleton(&p->layers[0], &m, p->recipe, file, json_object_get(opts->layer_annotations, base), err);
	for (l = 1; rc == 0 && l < p->recipe->n_layers; l++) {
		const struct wpkg_recipe_part *part = &p->recipe->parts[p->recipe->first_part[l]];
		const struct wpkg_wasm_part *wp = &info->parts[part->wasm_part];

		part_title(title, sizeof(title), l, p->recipe->n_layers, wp->kind);
		p->n_layers++;
		rc = wpkg_blob_set(&p->layers[l], WPKG_MT_WASM_LAYER, wp->sha256, part->size, file, part->offset,
					title, NULL, err);
	}
out:
	wpkg_unmap_file(&m);
	return rc;
}
