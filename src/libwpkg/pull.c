/* SPDX-License-Identifier: Apache-2.0 */
/* pull.c - resolves a reference to one Wasm layer and streams it, verified, into a local file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "wpkg/artifact.h"
#include "wpkg/buf.h"
#include "wpkg/escape.h"
#include "wpkg/fsutil.h"
#include "wpkg/pack_image.h"
#include "wpkg/pull.h"
#include "artifact_internal.h"
#include "cache_store.h"
#include "http_multi.h"
#include "pull_exploded.h"
#include "pull_internal.h"
#include "store_internal.h"

/* The one Wasm layer of m; anything else is refused rather than guessed at. */
static int pick_layer(const struct wpkg_descriptor **out, const struct wpkg_manifest *m, const char *what,
		      struct wpkg_error *err)
{
	size_t i;

	if (m->n_layers == 0)
		return wpkg_error_set(err, WPKG_E_UNSUPPORTED, "%s: no layers", what);
	for (i = 0; i < m->n_layers; i++)
		if (!wpkg_pull_is_wasm_layer(m->layers[i].media_type))
			return wpkg_error_set(err, WPKG_E_UNSUPPORTED, "%s: layer media type \"%s\" is not a Wasm layer",
					      what, m->layers[i].media_type);
	if (m->n_layers > 1)
		return wpkg_error_set(err, WPKG_E_UNSUPPORTED, "%s: %zu Wasm layers; wpkg pulls exactly one", what,
				      m->n_layers);
	*out = &m->layers[0];
	return 0;
}

/* pull_single's two jobs: the config (0) and the layer (1), side by side. */
struct single_batch {
	struct wpkg_store *s;
	struct wpkg_artifact *a;
	const struct wpkg_descriptor *layer;
	struct wpkg_atomic_file *f;   /* committed only once both are done */
};

static int single_job(void *payload, size_t i, struct wpkg_error *err)
{
	struct single_batch *b = payload;
	int rc;

	if (i == 0)
		return wpkg_artifact_read_config(b->a, b->s, err);
	wpkg_store_label(b->s, b->layer);
	rc = wpkg_cache_blob_get_file(b->s, &b->layer->digest, (uint64_t)b->layer->size, b->f->fd, b->f->tmp_path,
				      err);
	return rc < 0 ? wpkg_error_wrap(err, "layer %s", b->layer->digest.str) : 0;
}

/* The common case: one Wasm layer, streamed straight into its destination. */
static int pull_single(struct wpkg_pull_result *res, struct wpkg_store *s, struct wpkg_artifact *a,
		       const struct wpkg_pull_opts *opts, const char *what, struct wpkg_error *err)
{
	const struct wpkg_manifest *m = a->manifest;
	const struct wpkg_descriptor *layer = NULL;
	struct single_batch batch;
	struct wpkg_atomic_file f;
	const json_t *title;
	int rc;

	if (opts->layers_dir != NULL)
		return wpkg_error_set(err, WPKG_E_INVALID, "%s is not exploded: it has no constituent layers to write",
				      what);
	rc = pick_layer(&layer, m, what, err);
	if (rc < 0)
		return rc;
	title = layer->annotations ? json_object_get(layer->annotations, WPKG_ANNOT_TITLE) : NULL;
	rc = wpkg_pull_destination(&res->path, json_string_value(title), s, opts->output, what, err);
	if (rc < 0)
		return rc;
	if (wpkg_descriptor_copy(&res->layer, layer) < 0)
		return wpkg_error_nomem(err);
	/* the config only adds metadata: it comes beside the layer, and a failure of either cancels the other */
	rc = wpkg_atomic_open(&f, res->path, 0644, err);
	if (rc < 0)
		return rc;
	batch = (struct single_batch){ s, a, layer, &f };
	rc = wpkg_multi_run(2, wpkg_store_concurrency(s, NULL), single_job, &batch, err);
	/* the config (verified by its digest) must describe this manifest's layer, not another one */
	if (rc == 0 && a->config != NULL)
		rc = wpkg_pull_check_layer_digests(a->config, m, what, err);
	if (rc == 0)
		rc = wpkg_pull_check_wasm(&f, res->path, err);
	if (rc < 0) {
		wpkg_atomic_abort(&f);
		return rc;
	}
	rc = wpkg_atomic_commit(&f, err);
	if (rc < 0)
		return rc;
	/* a config that does not parse only costs the metadata */
	if (a->config == NULL && a->config_error.code != 0)
		wpkg_log_to(wpkg_store_log(s), WPKG_LOG_WARN, "%s", a->config_error.msg);
	res->config = a->config;
	a->config = NULL;
	return 0;
}

/* A container image: its config (only a Wasm one is read here) first, as the image code expects. */
static int pull_image(struct wpkg_pull_result *res, struct wpkg_store *s, struct wpkg_artifact *a,
		      const struct wpkg_descriptor *tar, const struct wpkg_pull_opts *opts, const char *what,
		      struct wpkg_error *err)
{
	int rc = wpkg_artifact_read_config(a, s, err);

	return rc < 0 ? rc : wpkg_pull_image(res, s, a->manifest, tar, opts, what, err);
}

/* Other artifacts, by layer title: the config is read first, as the resolver did before. */
static int pull_titled(struct wpkg_pull_result *res, struct wpkg_store *s, struct wpkg_artifact *a,
		       const struct wpkg_pull_opts *opts, const char *what, struct wpkg_error *err)
{
	int rc = wpkg_artifact_read_config(a, s, err);

	return rc < 0 ? rc : wpkg_pull_titled(res, s, a->manifest, opts, what, err);
}

int wpkg_pull(struct wpkg_pull_result *out, struct wpkg_store *s, const char *reference,
	      const struct wpkg_pull_opts *opts, struct wpkg_error *err)
{
	struct wpkg_artifact *a = NULL;
	const struct wpkg_descriptor *tar;
	struct wpkg_pull_result res;
	char what[WPKG_DIGEST_STR_MAX + 16];
	int rc;

	memset(&res, 0, sizeof(res));
	rc = wpkg_artifact_resolve_manifest(&a, s, reference, opts->platform, err);
	if (rc < 0)
		goto out;
	snprintf(what, sizeof(what), "manifest %s", a->desc.digest.str);
	/* exploded and multi-component artifacts, container images, other artifacts by title, else one Wasm layer */
	if (wpkg_pull_has_parts(a->manifest))
		rc = wpkg_pull_parts(&res, s, a, opts, what, err);
	else if ((tar = wpkg_image_tar_layer(a->manifest)) != NULL)
		rc = pull_image(&res, s, a, tar, opts, what, err);
	else if (wpkg_pull_is_titled(a->manifest))
		rc = pull_titled(&res, s, a, opts, what, err);
	else
		rc = pull_single(&res, s, a, opts, what, err);
	if (rc < 0)
		goto out;
	res.digest = a->desc.digest;
	res.manifest_media_type = a->desc.media_type;
	a->desc.media_type = NULL;
	*out = res;
	memset(&res, 0, sizeof(res));
out:
	wpkg_pull_result_clear(&res);
	wpkg_artifact_free(a);
	return rc;
}

void wpkg_pull_result_clear(struct wpkg_pull_result *res)
{
	free(res->manifest_media_type);
	free(res->path);
	wpkg_descriptor_clear(&res->layer);
	if (res->config != NULL)
		wpkg_wasm_config_free(res->config);
	for (size_t i = 0; i < res->n_files; i++)
		free(res->files[i]);
	free(res->files);
	memset(res, 0, sizeof(*res));
}
