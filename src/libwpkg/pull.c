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
#include "cache_internal.h"
#include "pull_exploded.h"
#include "pull_internal.h"
#include "store_internal.h"

bool wpkg_pull_is_wasm_layer(const char *media_type)
{
	static const char *const types[] = {
		WPKG_MT_WASM_LAYER, WPKG_MT_BCA_WASM_LAYER, WPKG_MT_WASM_CONTENT, WPKG_MT_MODULE_CONTENT,
	};
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(media_type, types[i]) == 0)
			return true;
	return false;
}

int wpkg_pull_check_title(const char *title, struct wpkg_error *err)
{
	char shown[256];

	/* The title comes from the registry: it must never lead the write out of the chosen directory,
	 * nor name a file with CR, LF or ESC in it (listings and terminals would act on them). */
	wpkg_escape(shown, sizeof(shown), title, strlen(title), 0);
	if (title[0] == '\0' || strcmp(title, ".") == 0 || strcmp(title, "..") == 0 || strchr(title, '/') != NULL ||
	    strchr(title, '\\') != NULL)
		return wpkg_error_set(err, WPKG_E_INVALID, "layer title \"%s\" is not a plain file name", shown);
	if (wpkg_has_control(title))
		return wpkg_error_set(err, WPKG_E_INVALID, "layer title \"%s\" has control characters; refusing it as "
				      "a file name", shown);
	return 0;
}

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

/*
 * NAME.wasm after the repository's last component, or the layout
 * directory's or archive's base name (trailing '/' and an archive's ".tar"
 * dropped; ".", ".." and "/" are named after their real directory, "/" as
 * "root").
 */
static int default_name(struct wpkg_buf *name, const struct wpkg_store *s)
{
	const char *path = wpkg_store_name(s), *base;
	char *real = NULL;
	size_t n;
	int rc;

	/* a registry store is named HOST/REPO: the repository's last component */
	if (wpkg_store_transport(s) == WPKG_TRANSPORT_REGISTRY)
		return wpkg_buf_printf(name, "%s.wasm", wpkg_path_base(path));
	n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	for (base = path + n; base > path && base[-1] != '/'; base--)
		;
	n -= (size_t)(base - path);
	if (n == 0 || (n == 1 && base[0] == '.') || (n == 2 && strncmp(base, "..", 2) == 0)) {
		real = realpath(path, NULL);
		base = real != NULL && strcmp(real, "/") != 0 ? wpkg_path_base(real) : "root";
		n = strlen(base);
	}
	if (wpkg_store_transport(s) == WPKG_TRANSPORT_OCI_ARCHIVE && n > 4 && strncmp(base + n - 4, ".tar", 4) == 0)
		n -= 4;
	rc = wpkg_buf_printf(name, "%.*s.wasm", (int)n, base);
	free(real);
	return rc;
}

int wpkg_pull_destination(char **out, const char *title, const struct wpkg_store *s, const char *output,
			  const char *what, struct wpkg_error *err)
{
	struct wpkg_buf name = WPKG_BUF_INIT;
	struct stat st;
	char *path = NULL;
	int rc = 0;

	if (output != NULL && !(stat(output, &st) == 0 && S_ISDIR(st.st_mode))) {
		path = strdup(output);
		goto done;
	}
	if (title != NULL) {
		rc = wpkg_pull_check_title(title, err);
		if (rc < 0) {
			wpkg_error_wrap(err, "%s", what);
			goto out;
		}
		rc = wpkg_buf_puts(&name, title);
	} else {
		rc = default_name(&name, s);
	}
	if (rc < 0)
		goto done;
	path = output ? wpkg_path_join(output, name.data) : strdup(name.data);
done:
	if (path == NULL) {
		rc = wpkg_error_set(err, WPKG_E_NOMEM, "out of memory");
		goto out;
	}
	*out = path;
out:
	wpkg_buf_free(&name);
	return rc;
}

int wpkg_pull_download(struct wpkg_store *s, const struct wpkg_descriptor *layer,
		    const char *path, struct wpkg_error *err)
{
	struct wpkg_atomic_file f;
	int rc;

	rc = wpkg_atomic_open(&f, path, 0644, err);
	if (rc < 0)
		return rc;
	rc = wpkg_cache_blob_get_file(s, &layer->digest, (uint64_t)layer->size, f.fd, f.tmp_path, err);
	if (rc < 0) {
		wpkg_atomic_abort(&f);
		return wpkg_error_wrap(err, "layer %s", layer->digest.str);
	}
	return wpkg_atomic_commit(&f, err);
}

/* The common case: one Wasm layer, streamed straight into its destination. */
static int pull_single(struct wpkg_pull_result *res, struct wpkg_store *s, struct wpkg_artifact *a,
		       const struct wpkg_pull_opts *opts, const char *what, struct wpkg_error *err)
{
	const struct wpkg_manifest *m = a->manifest;
	const struct wpkg_descriptor *layer = NULL;
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
		return wpkg_error_set(err, WPKG_E_NOMEM, "out of memory");
	/* a config that does not parse only costs the metadata */
	if (a->config == NULL && a->config_error.code != 0)
		wpkg_log_to(wpkg_store_log(s), WPKG_LOG_WARN, "%s", a->config_error.msg);
	res->config = a->config;
	a->config = NULL;
	return wpkg_pull_download(s, layer, res->path, err);
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
	rc = wpkg_artifact_resolve(&a, s, reference, opts->platform, err);
	if (rc < 0)
		goto out;
	snprintf(what, sizeof(what), "manifest %s", a->desc.digest.str);
	/* exploded and multi-component artifacts, container images, else one Wasm layer */
	if (wpkg_pull_has_parts(a->manifest))
		rc = wpkg_pull_parts(&res, s, a, opts, what, err);
	else if ((tar = wpkg_image_tar_layer(a->manifest)) != NULL)
		rc = wpkg_pull_image(&res, s, a->manifest, tar, opts, what, err);
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
