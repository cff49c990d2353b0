/* SPDX-License-Identifier: Apache-2.0 */
/* pull_exploded.c - pulling artifacts of several layers: exploded components rebuilt, multi-component packages. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "artifact_internal.h"
#include "cache_store.h"
#include "http_multi.h"
#include "pull_exploded.h"
#include "pull_internal.h"
#include "store_internal.h"
#include "wpkg/explode.h"
#include "wpkg/fsutil.h"

static const char skeleton_suffix[] = ".skeleton";

bool wpkg_pull_has_parts(const struct wpkg_manifest *m)
{
	size_t i;

	if ((m->artifact_type != NULL && strcmp(m->artifact_type, WPKG_AT_EXPLODED) == 0) ||
	    (m->n_layers > 0 && strcmp(m->layers[0].media_type, WPKG_MT_SKELETON) == 0))
		return true;
	if (m->n_layers < 2)
		return false;
	/* anything but Wasm layers is left to the single-layer path, which says what it refuses */
	for (i = 0; i < m->n_layers; i++)
		if (!wpkg_pull_is_wasm_layer(m->layers[i].media_type))
			return false;
	return true;
}

static bool is_exploded(const struct wpkg_manifest *m)
{
	if (m->n_layers == 0)
		return true;   /* only an exploded artifactType gets here without layers; read_recipe refuses it */
	return (m->artifact_type != NULL && strcmp(m->artifact_type, WPKG_AT_EXPLODED) == 0) ||
	       strcmp(m->layers[0].media_type, WPKG_MT_SKELETON) == 0;
}

static const char *title_of(const struct wpkg_descriptor *d)
{
	return d->annotations != NULL ? json_string_value(json_object_get(d->annotations, WPKG_ANNOT_TITLE)) : NULL;
}

/* Every layer from index first on has a plain, distinct title: they become file names side by side. */
static int check_titles(const struct wpkg_manifest *m, size_t first, const char *what, struct wpkg_error *err)
{
	size_t i, j;
	int rc;

	for (i = first; i < m->n_layers; i++) {
		const char *t = title_of(&m->layers[i]);

		if (t == NULL)
			return wpkg_error_set(err, WPKG_E_INVALID, "%s: layer %zu has no title to name its file", what, i);
		rc = wpkg_pull_check_title(t, err);
		if (rc < 0)
			return wpkg_error_wrap(err, "%s: layer %zu", what, i);
		for (j = first; j < i; j++)
			if (strcmp(t, title_of(&m->layers[j])) == 0)
				return wpkg_error_set(err, WPKG_E_INVALID, "%s: layers %zu and %zu are both titled \"%s\"",
						      what, j, i, t);
	}
	return 0;
}

/*
 * The layers being fetched, each in a temporary: kept ones (written under
 * their titles) are renamed into place at the end, the others were unlinked
 * as soon as they were created, so nothing can be left behind.
 */
struct parts {
	struct wpkg_atomic_file *files;
	bool *keep;
	int *fds;
	uint64_t *sizes;
	size_t n;
};

static int parts_init(struct parts *p, size_t n, struct wpkg_error *err)
{
	size_t i;

	p->n = n;
	p->files = calloc(n, sizeof(*p->files));
	p->keep = calloc(n, sizeof(*p->keep));
	p->fds = calloc(n, sizeof(*p->fds));
	p->sizes = calloc(n, sizeof(*p->sizes));
	if (p->files == NULL || p->keep == NULL || p->fds == NULL || p->sizes == NULL)
		return wpkg_error_nomem(err);
	for (i = 0; i < n; i++)
		p->files[i].fd = p->fds[i] = -1;
	return 0;
}

static void parts_free(struct parts *p)
{
	size_t i;

	for (i = 0; p->files != NULL && i < p->n; i++)
		if (p->files[i].tmp_path != NULL)
			wpkg_atomic_abort(&p->files[i]);
	free(p->files);
	free(p->keep);
	free(p->fds);
	free(p->sizes);
	memset(p, 0, sizeof(*p));
}

/* Downloads layer i of m, verified, into a temporary for path (kept: renamed there by parts_commit). */
static int parts_fetch(struct parts *p, size_t i, const char *path, bool keep, struct wpkg_store *s,
		       const struct wpkg_descriptor *d, const char *what, struct wpkg_error *err)
{
	int rc;

	rc = wpkg_atomic_open(&p->files[i], path, 0644, err);
	if (rc < 0)
		return rc;
	p->keep[i] = keep;
	if (!keep)
		unlink(p->files[i].tmp_path);
	p->fds[i] = p->files[i].fd;
	p->sizes[i] = (uint64_t)d->size;
	wpkg_store_label(s, d);
	rc = wpkg_cache_blob_get(s, &d->digest, (uint64_t)d->size, p->fds[i], err);
	if (rc < 0)
		return wpkg_error_wrap(err, "%s: layer %zu %s", what, i, d->digest.str);
	return 0;
}

/* Renames every kept layer into place and lists it in *files. */
static int parts_commit(struct parts *p, char ***files, size_t *n_files, struct wpkg_error *err)
{
	char **v = calloc(p->n + 1, sizeof(*v));
	size_t i, n = 0;
	int rc = 0;

	if (v == NULL)
		return wpkg_error_nomem(err);
	for (i = 0; i < p->n && rc == 0; i++) {
		if (!p->keep[i] || p->files[i].tmp_path == NULL)
			continue;
		v[n] = strdup(p->files[i].final_path);
		if (v[n] == NULL) {
			rc = wpkg_error_nomem(err);
			break;
		}
		n++;
	}
	/* all or nothing: a second file that cannot be written must not leave the first one behind */
	if (rc == 0)
		rc = wpkg_atomic_commit_all(p->files, p->keep, p->n, err);
	if (rc < 0) {
		while (n > 0)
			free(v[--n]);
		free(v);
		return rc;
	}
	*files = v;
	*n_files = n;
	return 0;
}

/*
 * Parses the config the resolver read (verified).  A Wasm config is parsed
 * into *config; *root gets the raw document so extensions can be read.
 * Strict callers need both; for others a config that does not parse is only
 * a warning.
 */
static int parse_config(struct wpkg_wasm_config **config, json_t **root, struct wpkg_store *s,
			const struct wpkg_artifact *a, bool strict, const char *what, struct wpkg_error *err)
{
	const struct wpkg_descriptor *d = &a->manifest->config;
	const struct wpkg_buf *body = &a->config_bytes;
	struct wpkg_error perr;
	int rc = 0;

	*config = NULL;
	*root = NULL;
	if (strcmp(d->media_type, WPKG_MT_WASM_CONFIG) != 0) {
		if (strict)
			rc = wpkg_error_set(err, WPKG_E_UNSUPPORTED, "%s: config media type \"%s\" is not %s", what,
					    d->media_type, WPKG_MT_WASM_CONFIG);
		goto out;
	}
	wpkg_error_clear(&perr);
	if (wpkg_wasm_config_parse(config, body->data, body->len, &perr) < 0 ||
	    wpkg_json_load(root, body->data, body->len, "config", &perr) < 0) {
		wpkg_wasm_config_free(*config);
		*config = NULL;
		if (strict)
			rc = wpkg_error_set(err, WPKG_E_INVALID, "%s: config %s: %s", what, d->digest.str, perr.msg);
		else
			wpkg_log_to(wpkg_store_log(s), WPKG_LOG_WARN, "config %s: %s", d->digest.str, perr.msg);
	}
out:
	return rc;
}

/* The layers of m, each into a temporary for DIR/TITLE (dir set) or for path: all requested at once. */
struct parts_batch {
	struct parts *p;
	const struct wpkg_manifest *m;
	struct wpkg_store *s;
	const char *dir;
	const char *path;
	bool keep;
	const char *what;
	struct wpkg_artifact *config_of;   /* set: its config is read too, as the last job */
	bool park;        /* the files are only renamed later, never read again: close each once written */
};

static int parts_job(void *payload, size_t i, struct wpkg_error *err)
{
	struct parts_batch *b = payload;
	char *path;
	int rc;

	if (i == b->m->n_layers)
		return wpkg_artifact_read_config(b->config_of, b->s, err);
	path = b->dir != NULL ? wpkg_path_join(b->dir, title_of(&b->m->layers[i])) : strdup(b->path);
	if (path == NULL)
		return wpkg_error_nomem(err);
	rc = parts_fetch(b->p, i, path, b->keep, b->s, &b->m->layers[i], b->what, err);
	free(path);
	/* no descriptor held per layer: a package of 1100 files pulls under ulimit -n 1024 */
	if (rc == 0 && b->park) {
		rc = wpkg_atomic_park(&b->p->files[i], err);
		b->p->fds[i] = -1;
	}
	return rc;
}

static int parts_fetch_all(struct parts_batch *b, struct wpkg_error *err)
{
	int rc = parts_init(b->p, b->m->n_layers, err);

	if (rc == 0)
		rc = wpkg_multi_run(b->m->n_layers + (b->config_of != NULL), wpkg_store_concurrency(b->s, NULL),
				    parts_job, b, err);
	return rc;
}

/* The recipe of an exploded manifest, checked against the manifest it came with. */
static int read_recipe(struct wpkg_recipe *out, const struct wpkg_manifest *m, const struct wpkg_wasm_config *c,
		       const json_t *root, const char *what, struct wpkg_error *err)
{
	struct wpkg_recipe r;
	bool *used = NULL;
	size_t i;
	int rc;

	if (m->n_layers == 0)
		return wpkg_error_set(err, WPKG_E_INVALID, "%s: exploded, but no layers", what);
	for (i = 1; i < m->n_layers; i++)
		if (strcmp(m->layers[i].media_type, WPKG_MT_WASM_LAYER) != 0)
			return wpkg_error_set(err, WPKG_E_INVALID, "%s: exploded layer %zu has media type \"%s\", not %s",
					      what, i, m->layers[i].media_type, WPKG_MT_WASM_LAYER);
	if (strcmp(m->layers[0].media_type, WPKG_MT_SKELETON) != 0)
		return wpkg_error_set(err, WPKG_E_INVALID, "%s: exploded, but layer 0 has media type \"%s\", not %s",
				      what, m->layers[0].media_type, WPKG_MT_SKELETON);
	/* The config digest covers the recipe; layerDigests ties the config to this manifest's layers. */
	rc = wpkg_pull_check_layer_digests(c, m, what, err);
	if (rc < 0)
		return rc;
	if (json_object_get(root, WPKG_RECIPE_KEY) == NULL)
		return wpkg_error_set(err, WPKG_E_INVALID, "%s: exploded, but the config holds no \"%s\" recipe", what,
				      WPKG_RECIPE_KEY);
	rc = wpkg_recipe_from_json(&r, json_object_get(root, WPKG_RECIPE_KEY), m->n_layers, err);
	if (rc < 0)
		return wpkg_error_wrap(err, "%s", what);
	used = calloc(m->n_layers, sizeof(*used));
	if (used == NULL) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	for (i = 0; i < r.n_parts; i++)
		used[r.parts[i].layer] = true;
	for (i = 1; i < m->n_layers && rc == 0; i++)
		if (!used[i])
			rc = wpkg_error_set(err, WPKG_E_INVALID, "%s: layer %zu is not used by the recipe", what, i);
out:
	free(used);
	if (rc < 0) {
		wpkg_recipe_clear(&r);
		return rc;
	}
	*out = r;
	return 0;
}

/* The skeleton's title without ".skeleton": the rebuilt file's name (checked later); NULL when there is none. */
static char *component_title(const struct wpkg_descriptor *skeleton)
{
	const char *t = title_of(skeleton);
	size_t n = t != NULL ? strlen(t) : 0, sn = sizeof(skeleton_suffix) - 1;

	if (n > sn && strcmp(t + n - sn, skeleton_suffix) == 0)
		return strndup(t, n - sn);
	return NULL;
}

/* The rebuilt component as a descriptor: application/wasm, the recipe's digest and size, its name. */
static int whole_descriptor(struct wpkg_descriptor *d, const struct wpkg_recipe *r, const char *name,
			    struct wpkg_error *err)
{
	d->media_type = strdup(WPKG_MT_WASM_LAYER);
	d->digest = r->digest;
	d->size = (int64_t)r->size;
	d->annotations = name != NULL ? json_pack("{s:s}", WPKG_ANNOT_TITLE, name) : NULL;
	if (d->media_type == NULL || (name != NULL && d->annotations == NULL))
		return wpkg_error_nomem(err);
	return 0;
}

static int pull_exploded(struct wpkg_pull_result *res, struct wpkg_store *s, struct wpkg_artifact *a,
			 const struct wpkg_pull_opts *opts, const char *what, struct wpkg_error *err)
{
	const struct wpkg_manifest *m = a->manifest;
	struct wpkg_atomic_file out = { .fd = -1 };
	struct wpkg_recipe recipe = { 0 };
	struct parts parts = { 0 };
	struct parts_batch batch = { &parts, m, s, opts->layers_dir, NULL, opts->layers_dir != NULL, what, NULL, false };
	const char *dir = opts->layers_dir;
	char *name = NULL;
	json_t *root = NULL;
	int rc = 0;

	if (opts->no_reassemble && dir == NULL)
		return wpkg_error_set(err, WPKG_E_INVALID, "%s: not rebuilding the component needs a layers directory",
				      what);
	/* the recipe says what the layers are: read before them */
	rc = wpkg_artifact_read_config(a, s, err);
	if (rc == 0)
		rc = parse_config(&res->config, &root, s, a, true, what, err);
	if (rc == 0)
		rc = read_recipe(&recipe, m, res->config, root, what, err);
	if (rc == 0 && dir != NULL)
		rc = check_titles(m, 0, what, err);
	if (rc < 0)
		goto out;
	name = component_title(&m->layers[0]);
	if (!opts->no_reassemble &&
	    (rc = wpkg_pull_destination(&res->path, name, s, opts->output, what, err)) < 0)
		goto out;
	if (dir != NULL && (rc = wpkg_mkdir_p(dir, 0755, err)) < 0)
		goto out;
	/* Without a destination the rebuilt bytes are only hashed, so the layers written are known good. */
	if (opts->no_reassemble) {
		out.fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (out.fd < 0) {
			rc = wpkg_error_set(err, WPKG_E_IO, "open /dev/null: %s", strerror(errno));
			goto out;
		}
	} else if ((rc = wpkg_atomic_open(&out, res->path, 0644, err)) < 0) {
		goto out;
	}
	batch.path = res->path;
	rc = parts_fetch_all(&batch, err);
	if (rc < 0)
		goto out;
	rc = wpkg_reassemble(out.fd, &recipe, parts.fds[0], parts.sizes[0], parts.fds, parts.sizes, parts.n, err);
	if (rc < 0) {
		wpkg_error_wrap(err, "%s: rebuild", what);
		goto out;
	}
	if (!opts->no_reassemble && (rc = wpkg_atomic_commit(&out, err)) < 0)
		goto out;
	rc = parts_commit(&parts, &res->files, &res->n_files, err);
	if (rc == 0)
		rc = whole_descriptor(&res->layer, &recipe, res->path != NULL ? wpkg_path_base(res->path) : name, err);
	if (rc == 0 && opts->no_reassemble) {
		res->path = strdup(dir);
		if (res->path == NULL)
			rc = wpkg_error_nomem(err);
	}
out:
	if (out.tmp_path != NULL)
		wpkg_atomic_abort(&out);
	else if (out.fd >= 0)
		close(out.fd);
	parts_free(&parts);
	wpkg_recipe_clear(&recipe);
	json_decref(root);
	free(name);
	return rc;
}

static int pull_multi(struct wpkg_pull_result *res, struct wpkg_store *s, struct wpkg_artifact *a,
		      const struct wpkg_pull_opts *opts, const char *what, struct wpkg_error *err)
{
	const struct wpkg_manifest *m = a->manifest;
	struct parts parts = { 0 };
	json_t *root = NULL;
	struct parts_batch batch = { &parts, m, s, opts->output, NULL, true, what, a, true };
	struct stat st;
	int rc;

	if (opts->output == NULL)
		return wpkg_error_set(err, WPKG_E_INVALID,
				      "%s holds %zu components: pull them into a directory with -o DIR", what, m->n_layers);
	if (stat(opts->output, &st) == 0 && !S_ISDIR(st.st_mode))
		return wpkg_error_set(err, WPKG_E_INVALID, "%s: not a directory, and %s holds %zu components",
				      opts->output, what, m->n_layers);
	/* a file name was meant: never make a directory called x.wasm */
	if (strlen(opts->output) > 5 && strcmp(opts->output + strlen(opts->output) - 5, ".wasm") == 0 &&
	    stat(opts->output, &st) != 0)
		return wpkg_error_set(err, WPKG_E_INVALID, "%s holds %zu components, not one package: -o %s names a "
				      "file; pass a directory (-o DIR) to write them into", what, m->n_layers,
				      opts->output);
	if (opts->layers_dir != NULL)
		return wpkg_error_set(err, WPKG_E_INVALID, "%s is not exploded: it has no constituent layers to write",
				      what);
	rc = check_titles(m, 0, what, err);
	if (rc == 0)
		rc = wpkg_mkdir_p(opts->output, 0755, err);
	/* the config only adds metadata: it comes beside the layers */
	if (rc == 0)
		rc = parts_fetch_all(&batch, err);
	if (rc == 0)
		rc = parse_config(&res->config, &root, s, a, false, what, err);
	/* every file arrived and was verified: only now do they appear */
	if (rc == 0)
		rc = parts_commit(&parts, &res->files, &res->n_files, err);
	if (rc == 0 && wpkg_descriptor_copy(&res->layer, &m->layers[0]) < 0)
		rc = wpkg_error_nomem(err);
	if (rc == 0 && (res->path = strdup(opts->output)) == NULL)
		rc = wpkg_error_nomem(err);
	parts_free(&parts);
	json_decref(root);
	return rc;
}

int wpkg_pull_parts(struct wpkg_pull_result *res, struct wpkg_store *s, struct wpkg_artifact *a,
		    const struct wpkg_pull_opts *opts, const char *what, struct wpkg_error *err)
{
	return is_exploded(a->manifest) ? pull_exploded(res, s, a, opts, what, err)
					: pull_multi(res, s, a, opts, what, err);
}
