/* pull.c - resolves a reference to one Wasm layer and streams it, verified, into a local file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "wpkg/buf.h"
#include "wpkg/fsutil.h"
#include "wpkg/log.h"
#include "wpkg/pack_image.h"
#include "wpkg/pull.h"
#include "pull_exploded.h"
#include "pull_internal.h"

/* A fetched manifest or index: the exact bytes, what the server called them, their digest. */
struct fetched {
	struct wpkg_buf body;
	char *media_type;
	struct wpkg_digest digest;
};

static void fetched_clear(struct fetched *f)
{
	wpkg_buf_free(&f->body);
	free(f->media_type);
	f->media_type = NULL;
}

/* index_entry: reference is a digest from an index, which the message must name (the user gave the index). */
static int fetch(struct fetched *f, struct wpkg_store *s, const char *reference,
		 bool index_entry, struct wpkg_error *err)
{
	fetched_clear(f);
	if (wpkg_store_manifest_get(s, reference, &f->body, &f->media_type, &f->digest, err) < 0)
		return index_entry ? wpkg_error_wrap(err, "fetch manifest %s", reference)
				   : wpkg_error_wrap(err, "fetch manifest");
	return 0;
}

/* Does an index entry match "OS/ARCH" (or, with want NULL, look like Wasm at all)? */
static bool platform_matches(const struct wpkg_platform *p, const char *want)
{
	const char *slash;

	if (p == NULL || p->os == NULL || p->architecture == NULL)
		return false;
	if (want == NULL)
		return strcmp(p->os, "wasip1") == 0 || strcmp(p->os, "wasip2") == 0 ||
		       strcmp(p->architecture, "wasm") == 0;
	slash = strchr(want, '/');
	return strlen(p->os) == (size_t)(slash - want) && strncmp(p->os, want, (size_t)(slash - want)) == 0 &&
	       strcmp(p->architecture, slash + 1) == 0;
}

/* Replaces the index in f by the manifest of its Wasm entry. */
static int follow_index(struct fetched *f, struct wpkg_store *s, const char *platform,
			struct wpkg_error *err)
{
	struct wpkg_index *ix = NULL;
	const struct wpkg_descriptor *pick = NULL;
	char what[WPKG_DIGEST_STR_MAX + 8];
	char digest[WPKG_DIGEST_STR_MAX];
	size_t i;
	int rc;

	snprintf(what, sizeof(what), "index %s", f->digest.str);
	rc = wpkg_index_parse(&ix, f->body.data, f->body.len, err);
	if (rc < 0) {
		wpkg_error_wrap(err, "%s", what);
		goto out;
	}
	for (i = 0; i < ix->n_manifests && pick == NULL; i++)
		if (platform_matches(ix->manifests[i].platform, platform))
			pick = &ix->manifests[i];
	if (pick == NULL) {
		rc = platform ? wpkg_error_set(err, WPKG_E_NOT_FOUND, "%s: no entry for platform %s", what, platform)
			      : wpkg_error_set(err, WPKG_E_NOT_FOUND,
					       "%s: no Wasm entry (os wasip1 or wasip2, or architecture wasm)", what);
		goto out;
	}
	if (!wpkg_media_type_is_manifest(pick->media_type)) {
		rc = wpkg_error_set(err, WPKG_E_UNSUPPORTED, "%s: entry %s has media type \"%s\", not a manifest",
				    what, pick->digest.str, pick->media_type);
		goto out;
	}
	wpkg_log(WPKG_LOG_DEBUG, "%s: following %s", what, pick->digest.str);
	memcpy(digest, pick->digest.str, sizeof(digest));
	rc = fetch(f, s, digest, true, err);
out:
	wpkg_index_free(ix);
	return rc;
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
/*
 * Reads the config when it is a Wasm config.  Its bytes must arrive intact
 * like any blob's; a config that does not parse only costs the metadata, so
 * that is a warning and *out stays NULL.
 */
static int read_config(struct wpkg_wasm_config **out, struct wpkg_store *s,
		       const struct wpkg_descriptor *d, struct wpkg_error *err)
{
	struct wpkg_buf body = WPKG_BUF_INIT;
	struct wpkg_error perr;
	int rc = 0;

	*out = NULL;
	if (strcmp(d->media_type, WPKG_MT_WASM_CONFIG) != 0)
		goto out;
	rc = wpkg_store_blob_get_buf(s, &d->digest, WPKG_DOC_MAX, &body, err);
	if (rc < 0) {
		wpkg_error_wrap(err, "config %s", d->digest.str);
		goto out;
	}
	wpkg_error_clear(&perr);
	if (wpkg_wasm_config_parse(out, body.data, body.len, &perr) < 0) {
		wpkg_log(WPKG_LOG_WARN, "config %s: %s", d->digest.str, perr.msg);
		*out = NULL;
	}
out:
	wpkg_buf_free(&body);
	return rc;
}

/* The common case: one Wasm layer, streamed straight into its destination. */
static int pull_single(struct wpkg_pull_result *res, struct wpkg_store *s,
		       const struct wpkg_manifest *m, const struct wpkg_pull_opts *opts, const char *what,
		       struct wpkg_error *err)
{
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
		return wpkg_error_nomem(err);
	rc = read_config(&res->config, s, &m->config, err);
	if (rc == 0)
		rc = wpkg_pull_download(s, layer, res->path, err);
	return rc;
}

int wpkg_pull(struct wpkg_pull_result *out, struct wpkg_store *s, const char *reference,
	      const struct wpkg_pull_opts *opts, struct wpkg_error *err)
{
	struct fetched f = { WPKG_BUF_INIT, NULL, { 0 } };
	struct wpkg_manifest *m = NULL;
	const struct wpkg_descriptor *tar;
	struct wpkg_pull_result res;
	char what[WPKG_DIGEST_STR_MAX + 16];
	int rc;

	memset(&res, 0, sizeof(res));
	if (opts->platform != NULL) {
		const char *slash = strchr(opts->platform, '/');

		if (slash == NULL || slash == opts->platform || slash[1] == '\0' || strchr(slash + 1, '/') != NULL) {
			rc = wpkg_error_set(err, WPKG_E_INVALID, "invalid platform \"%s\": expected OS/ARCH",
					    opts->platform);
			goto out;
		}
	}
	rc = fetch(&f, s, reference, false, err);
	if (rc == 0 && wpkg_media_type_is_index(f.media_type))
		rc = follow_index(&f, s, opts->platform, err);
	if (rc < 0)
		goto out;
	snprintf(what, sizeof(what), "manifest %s", f.digest.str);
	if (!wpkg_media_type_is_manifest(f.media_type)) {
		rc = wpkg_error_set(err, WPKG_E_UNSUPPORTED, "%s: media type \"%s\" is not an image manifest", what,
				    f.media_type);
		goto out;
	}
	rc = wpkg_manifest_parse(&m, f.body.data, f.body.len, err);
	if (rc < 0) {
		wpkg_error_wrap(err, "%s", what);
		goto out;
	}
	/* exploded and multi-component artifacts, container images, else one Wasm layer */
	if (wpkg_pull_has_parts(m))
		rc = wpkg_pull_parts(&res, s, m, opts, what, err);
	else if ((tar = wpkg_image_tar_layer(m)) != NULL)
		rc = wpkg_pull_image(&res, s, m, tar, opts, what, err);
	else
		rc = pull_single(&res, s, m, opts, what, err);
	if (rc < 0)
		goto out;
	res.digest = f.digest;
	res.manifest_media_type = f.media_type;
	f.media_type = NULL;
	*out = res;
	memset(&res, 0, sizeof(res));
out:
	wpkg_pull_result_clear(&res);
	wpkg_manifest_free(m);
	fetched_clear(&f);
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
