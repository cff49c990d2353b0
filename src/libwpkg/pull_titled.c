/* SPDX-License-Identifier: Apache-2.0 */
/* pull_titled.c - pull of any artifact (SBOM, signature, docs): every layer with a title, under that title. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "wpkg/buf.h"
#include "wpkg/explode.h"
#include "wpkg/fsutil.h"
#include "log_internal.h"
#include "pull_internal.h"
#include "store_internal.h"

static const char *layer_title(const struct wpkg_descriptor *d);

bool wpkg_pull_is_titled(const struct wpkg_manifest *m)
{
	bool other = false, titled = false;

	for (size_t i = 0; i < m->n_layers; i++) {
		/* a wpkg skeleton out of place is a damaged exploded artifact: refused as before, not written out */
		if (strcmp(m->layers[i].media_type, WPKG_MT_SKELETON) == 0)
			return false;
		other |= !wpkg_pull_is_wasm_layer(m->layers[i].media_type);
		titled |= layer_title(&m->layers[i]) != NULL;
	}
	return other && titled;
}

static const char *layer_title(const struct wpkg_descriptor *d)
{
	const json_t *t = d->annotations ? json_object_get(d->annotations, WPKG_ANNOT_TITLE) : NULL;

	return json_string_value(t);
}

/* The titled layers' count, each title checked and none twice (two layers must not race for one file). */
static int check_titles(size_t *n, const struct wpkg_manifest *m, const char *what, struct wpkg_error *err)
{
	*n = 0;
	for (size_t i = 0; i < m->n_layers; i++) {
		const char *t = layer_title(&m->layers[i]);

		if (t == NULL)
			continue;
		if (wpkg_pull_check_title(t, err) < 0)
			return wpkg_error_wrap(err, "%s", what);
		for (size_t j = 0; j < i; j++) {
			const char *u = layer_title(&m->layers[j]);

			if (u != NULL && strcmp(t, u) == 0)
				return wpkg_error_set(err, WPKG_E_INVALID, "%s: two layers are titled \"%s\"", what, t);
		}
		(*n)++;
	}
	if (*n == 0)
		return wpkg_error_set(err, WPKG_E_UNSUPPORTED, "%s: no layer has an %s annotation to name its file; "
				      "fetch a layer with wpkg blob fetch REPO@DIGEST -o FILE", what, WPKG_ANNOT_TITLE);
	return 0;
}

int wpkg_pull_titled(struct wpkg_pull_result *res, struct wpkg_store *s, const struct wpkg_manifest *m,
		     const struct wpkg_pull_opts *opts, const char *what, struct wpkg_error *err)
{
	struct stat st;
	size_t n, k = 0;
	bool to_dir = opts->output == NULL || (stat(opts->output, &st) == 0 && S_ISDIR(st.st_mode));
	int rc;

	if (opts->layers_dir != NULL)
		return wpkg_error_set(err, WPKG_E_INVALID, "%s is not exploded: it has no constituent layers to write",
				      what);
	rc = check_titles(&n, m, what, err);
	if (rc < 0)
		return rc;
	if (!to_dir && n > 1)
		return wpkg_error_set(err, WPKG_E_INVALID, "%s has %zu titled layers, and -o %s is not a directory: "
				      "give a directory to write them into", what, n, opts->output);
	if (n > 1 && (res->files = calloc(n - 1, sizeof(*res->files))) == NULL)
		return wpkg_error_nomem(err);
	for (size_t i = 0; i < m->n_layers; i++) {
		const struct wpkg_descriptor *d = &m->layers[i];
		const char *t = layer_title(d);
		char **path = k == 0 ? &res->path : &res->files[k - 1];

		if (t == NULL) {
			wpkg_log_to(wpkg_store_log(s), WPKG_LOG_INFO, "%s: layer %s has no title, not written", what,
				    d->digest.str);
			continue;
		}
		rc = wpkg_pull_destination(path, t, s, opts->output, what, err);
		if (rc < 0)
			return rc;
		if (k > 0)
			res->n_files++;
		if (k == 0 && wpkg_descriptor_copy(&res->layer, d) < 0)
			return wpkg_error_nomem(err);
		k++;
		rc = wpkg_pull_download(s, d, *path, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}
