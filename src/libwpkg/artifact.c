/* SPDX-License-Identifier: Apache-2.0 */
/* artifact.c - resolves a reference through an index (one rule) to its manifest, config and exploded recipe. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wpkg/artifact.h"
#include "wpkg/escape.h"
#include "artifact_internal.h"
#include "store_internal.h"

void wpkg_artifact_free(struct wpkg_artifact *a)
{
	if (a == NULL)
		return;
	wpkg_descriptor_clear(&a->index);
	wpkg_buf_free(&a->index_bytes);
	wpkg_descriptor_clear(&a->desc);
	wpkg_buf_free(&a->manifest_bytes);
	wpkg_manifest_free(a->manifest);
	wpkg_index_free(a->index_doc);
	wpkg_buf_free(&a->config_bytes);
	if (a->config != NULL)
		wpkg_wasm_config_free(a->config);
	if (a->recipe != NULL)
		wpkg_recipe_clear(a->recipe);
	free(a->recipe);
	free(a);
}

int wpkg_artifact_check_platform(const char *platform, struct wpkg_error *err)
{
	const char *slash = strchr(platform, '/');

	if (platform[0] == '\0' || slash == platform ||
	    (slash != NULL && (slash[1] == '\0' || strchr(slash + 1, '/') != NULL)))
		return wpkg_error_set(err, WPKG_E_INVALID, "invalid platform \"%s\": expected OS/ARCH or OS "
				      "(wasi/wasm, wasip2)", platform);
	return 0;
}

/* The index rule (artifact.h): "OS/ARCH" or "OS" exactly, or with want NULL anything that looks like Wasm. */
static bool platform_matches(const struct wpkg_platform *p, const char *want)
{
	const char *slash;

	if (p == NULL || p->os == NULL || p->architecture == NULL)
		return false;
	if (want == NULL)
		return strcmp(p->os, "wasip1") == 0 || strcmp(p->os, "wasip2") == 0 ||
		       strcmp(p->architecture, "wasm") == 0;
	slash = strchr(want, '/');
	if (slash == NULL)   /* an OS alone: Docker+Wasm's wasip1/wasip2 entries differ by os */
		return strcmp(p->os, want) == 0;
	return strlen(p->os) == (size_t)(slash - want) && strncmp(p->os, want, (size_t)(slash - want)) == 0 &&
	       strcmp(p->architecture, slash + 1) == 0;
}

int wpkg_artifact_platform_string(char *out, size_t size, const struct wpkg_platform *p)
{
	if (p == NULL || p->os == NULL || p->architecture == NULL)
		return snprintf(out, size, "(no platform)");
	return snprintf(out, size, "%s/%s%s%s", p->os, p->architecture, p->variant != NULL ? "/" : "",
			p->variant != NULL ? p->variant : "");
}

/* "wasi/wasm, wasip2/wasm": every entry's platform, for the error that none matched. */
static void list_platforms(char *out, size_t size, const struct wpkg_index *ix)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < ix->n_manifests && used + 1 < size; i++) {
		char one[256], shown[256];

		/* the registry's strings: escaped before they reach a message */
		wpkg_artifact_platform_string(one, sizeof(one), ix->manifests[i].platform);
		wpkg_escape(shown, sizeof(shown), one, strlen(one), 0);
		used += (size_t)snprintf(out + used, size - used, "%s%s", i > 0 ? ", " : "", shown);
	}
	if (ix->n_manifests == 0)
		snprintf(out, size, "no entries");
}

/* The document at reference, as stored, into a's manifest fields; store errors as they are. */
static int get_doc(struct wpkg_artifact *a, struct wpkg_store *s, const char *reference, struct wpkg_error *err)
{
	int rc = wpkg_store_manifest_get(s, reference, &a->manifest_bytes, &a->desc.media_type, &a->desc.digest, err);

	if (rc == 0)
		a->desc.size = (int64_t)a->manifest_bytes.len;
	return rc;
}

/* Parses what get_doc fetched as its media type says. */
static int parse_doc(struct wpkg_artifact *a, struct wpkg_error *err)
{
	const char *mt = a->desc.media_type;
	int rc;

	if (wpkg_media_type_is_index(mt)) {
		rc = wpkg_index_parse(&a->index_doc, a->manifest_bytes.data, a->manifest_bytes.len, err);
		if (rc < 0)
			wpkg_error_wrap(err, "index %s", a->desc.digest.str);
		return rc;
	}
	if (!wpkg_media_type_is_manifest(mt))
		return wpkg_error_set(err, WPKG_E_UNSUPPORTED,
				      "%s: media type \"%s\" is neither a manifest nor an index", a->desc.digest.str, mt);
	rc = wpkg_manifest_parse(&a->manifest, a->manifest_bytes.data, a->manifest_bytes.len, err);
	if (rc < 0)
		wpkg_error_wrap(err, "manifest %s", a->desc.digest.str);
	return rc;
}

/* Moves the index a holds into its index fields and fetches the entry the rule picks. */
static int follow_index(struct wpkg_artifact *a, struct wpkg_store *s, const char *platform, struct wpkg_error *err)
{
	const struct wpkg_descriptor *pick = NULL;
	struct wpkg_index *ix;
	char what[WPKG_DIGEST_STR_MAX + 8], digest[WPKG_DIGEST_STR_MAX];
	size_t i;
	int rc;

	rc = parse_doc(a, err);
	if (rc < 0)
		return rc;
	ix = a->index_doc;
	a->index_doc = NULL;
	a->from_index = true;
	a->index = a->desc;
	memset(&a->desc, 0, sizeof(a->desc));
	a->index_bytes = a->manifest_bytes;
	wpkg_buf_init(&a->manifest_bytes);
	snprintf(what, sizeof(what), "index %s", a->index.digest.str);
	for (i = 0; i < ix->n_manifests && pick == NULL; i++)
		if (platform_matches(ix->manifests[i].platform, platform)) {
			pick = &ix->manifests[i];
			a->index_entry = i;
		}
	if (pick == NULL) {
		char have[1024];

		list_platforms(have, sizeof(have), ix);
		rc = platform ? wpkg_error_set(err, WPKG_E_NOT_FOUND, "%s: no entry for platform %s (it has %s): pass "
					       "one of them with --platform", what, platform, have)
			      : wpkg_error_set(err, WPKG_E_NOT_FOUND,
					       "%s: no Wasm entry (os wasip1 or wasip2, or architecture wasm; it has "
					       "%s): pass one with --platform", what, have);
		goto out;
	}
	if (!wpkg_media_type_is_manifest(pick->media_type)) {
		rc = wpkg_error_set(err, WPKG_E_UNSUPPORTED, "%s: entry %s has media type \"%s\", not a manifest",
				    what, pick->digest.str, pick->media_type);
		goto out;
	}
	wpkg_log_to(wpkg_store_log(s), WPKG_LOG_DEBUG, "%s: following %s", what, pick->digest.str);
	memcpy(digest, pick->digest.str, sizeof(digest));
	rc = get_doc(a, s, digest, err);
	if (rc < 0)
		wpkg_error_wrap(err, "fetch manifest %s", digest);
out:
	wpkg_index_free(ix);
	return rc;
}

/* The recipe of an exploded artifact; problems go to a->config_error. */
static int load_recipe(struct wpkg_artifact *a, struct wpkg_error *err)
{
	const json_t *j = json_object_get(a->config->extra, WPKG_RECIPE_KEY);
	struct wpkg_recipe *r;

	if (j == NULL)
		return 0;
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return wpkg_error_nomem(err);
	if (wpkg_recipe_from_json(r, j, a->manifest->n_layers, &a->config_error) < 0) {
		free(r);
		wpkg_error_wrap(&a->config_error, "config %s", a->manifest->config.digest.str);
		return 0;
	}
	a->recipe = r;
	return 0;
}

/* A Wasm config's bytes (a fetch failure fails), parsed (a parse failure is only recorded). */
static int read_config(struct wpkg_artifact *a, struct wpkg_store *s, struct wpkg_error *err)
{
	const struct wpkg_descriptor *d = &a->manifest->config;
	int rc;

	if (d->media_type == NULL || strcmp(d->media_type, WPKG_MT_WASM_CONFIG) != 0)
		return 0;
	rc = wpkg_store_blob_get_doc(s, d, WPKG_DOC_MAX, &a->config_bytes, err);
	if (rc < 0)
		return wpkg_error_wrap(err, "config %s", d->digest.str);
	if (wpkg_wasm_config_parse(&a->config, a->config_bytes.data, a->config_bytes.len, &a->config_error) < 0) {
		a->config = NULL;
		wpkg_error_wrap(&a->config_error, "config %s", d->digest.str);
		return 0;
	}
	return load_recipe(a, err);
}

static struct wpkg_artifact *artifact_new(void)
{
	struct wpkg_artifact *a = calloc(1, sizeof(*a));

	if (a == NULL)
		return NULL;
	wpkg_buf_init(&a->index_bytes);
	wpkg_buf_init(&a->manifest_bytes);
	wpkg_buf_init(&a->config_bytes);
	wpkg_error_clear(&a->config_error);
	return a;
}

int wpkg_artifact_fetch(struct wpkg_artifact **out, struct wpkg_store *s, const char *reference,
			struct wpkg_error *err)
{
	struct wpkg_artifact *a = artifact_new();
	int rc;

	if (a == NULL)
		return wpkg_error_nomem(err);
	rc = get_doc(a, s, reference, err);
	if (rc == 0)
		rc = parse_doc(a, err);
	if (rc < 0) {
		wpkg_artifact_free(a);
		return rc;
	}
	*out = a;
	return 0;
}

int wpkg_artifact_read_config(struct wpkg_artifact *a, struct wpkg_store *s, struct wpkg_error *err)
{
	return read_config(a, s, err);
}

int wpkg_artifact_resolve(struct wpkg_artifact **out, struct wpkg_store *s, const char *reference,
			  const char *platform, struct wpkg_error *err)
{
	struct wpkg_artifact *a = NULL;
	int rc = wpkg_artifact_resolve_manifest(&a, s, reference, platform, err);

	if (rc == 0)
		rc = read_config(a, s, err);
	if (rc < 0) {
		wpkg_artifact_free(a);
		return rc;
	}
	*out = a;
	return 0;
}

int wpkg_artifact_resolve_manifest(struct wpkg_artifact **out, struct wpkg_store *s, const char *reference,
				   const char *platform, struct wpkg_error *err)
{
	struct wpkg_artifact *a;
	char what[WPKG_DIGEST_STR_MAX + 16];
	int rc;

	if (platform != NULL && (rc = wpkg_artifact_check_platform(platform, err)) < 0)
		return rc;
	a = artifact_new();
	if (a == NULL)
		return wpkg_error_nomem(err);
	rc = get_doc(a, s, reference, err);
	if (rc < 0)
		wpkg_error_wrap(err, "fetch manifest");
	else if (wpkg_media_type_is_index(a->desc.media_type))
		rc = follow_index(a, s, platform, err);
	if (rc < 0)
		goto out;
	snprintf(what, sizeof(what), "manifest %s", a->desc.digest.str);
	if (!wpkg_media_type_is_manifest(a->desc.media_type)) {
		rc = wpkg_error_set(err, WPKG_E_UNSUPPORTED, "%s: media type \"%s\" is not an image manifest", what,
				    a->desc.media_type);
		goto out;
	}
	rc = parse_doc(a, err);
	if (rc < 0)
		goto out;
	*out = a;
	a = NULL;
out:
	wpkg_artifact_free(a);
	return rc;
}
