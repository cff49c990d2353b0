/* SPDX-License-Identifier: Apache-2.0 */
/* pull.c - example: fetch a Wasm artifact from a registry into memory and verify it, through libwpkg's installed API. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wpkg/wpkg.h>

/*
 * Build against an installed libwpkg:
 *   cc -o pull pull.c $(pkg-config --cflags --libs wpkg)
 * Run:
 *   ./pull [--plain-http] HOST/REPO:TAG OUT.wasm
 * Reads the manifest, takes its one application/wasm layer into memory (the
 * library checks it against its digest as it arrives), hashes it again here
 * to show the check, reads the Wasm binary's kind from the bytes, and only
 * then writes OUT.wasm.  Prints "manifest DIGEST", "layer DIGEST SIZE" and
 * "kind KIND".  Exits 1 on any failure, 2 on a bad command line.
 */

/* Bigger layers are refused rather than held in memory. */
#define MAX_LAYER ((size_t)256 << 20)

static int fail(const struct wpkg_error *err)
{
	fprintf(stderr, "pull: %s\n", err->msg);
	return 1;
}

/* The manifest's one application/wasm layer, or NULL. */
static const struct wpkg_descriptor *wasm_layer(const struct wpkg_manifest *m)
{
	const struct wpkg_descriptor *found = NULL;

	for (size_t i = 0; i < m->n_layers; i++) {
		if (strcmp(m->layers[i].media_type, WPKG_MT_WASM_LAYER) != 0)
			continue;
		if (found != NULL)
			return NULL;
		found = &m->layers[i];
	}
	return found;
}

static int write_out(const char *path, const struct wpkg_buf *bytes)
{
	FILE *f = fopen(path, "wb");
	int bad;

	if (f == NULL) {
		perror(path);
		return 1;
	}
	bad = fwrite(bytes->data, 1, bytes->len, f) != bytes->len;
	bad |= fclose(f) != 0;
	if (bad)
		perror(path);
	return bad;
}

static int pull(const char *reference, const struct wpkg_transport_opts *topts, const char *out_path,
		struct wpkg_error *err)
{
	struct wpkg_ref ref = { 0 };
	struct wpkg_registry *reg = NULL;
	struct wpkg_store *store = NULL;
	struct wpkg_manifest *m = NULL;
	struct wpkg_wasm_info *info = NULL;
	struct wpkg_buf body = WPKG_BUF_INIT, layer = WPKG_BUF_INIT;
	struct wpkg_digest manifest_digest, again;
	const struct wpkg_descriptor *d;
	char *media_type = NULL;
	int rc = 1;

	if (wpkg_ref_parse(&ref, reference, 0, err) < 0 || ref.transport != WPKG_TRANSPORT_REGISTRY) {
		if (ref.transport != WPKG_TRANSPORT_REGISTRY)
			wpkg_error_set(err, WPKG_E_INVALID, "%s: not a registry reference", reference);
		goto out;
	}
	if (wpkg_registry_open(&reg, wpkg_ref_api_host(&ref), topts, NULL, err) < 0)
		goto out;
	{
		struct wpkg_store_opts sopts = { .registry = reg };

		if (wpkg_store_open(&store, &ref, &sopts, err) < 0)
			goto out;
	}
	/* The store checks the bytes against the digest it reports (and against ref.digest when given). */
	if (wpkg_store_manifest_get(store, wpkg_ref_reference(&ref), &body, &media_type, &manifest_digest, err) < 0)
		goto out;
	if (!wpkg_media_type_is_manifest(media_type)) {
		wpkg_error_set(err, WPKG_E_UNSUPPORTED, "%s is a %s, not an image manifest", reference, media_type);
		goto out;
	}
	if (wpkg_manifest_parse(&m, body.data, body.len, err) < 0)
		goto out;
	d = wasm_layer(m);
	if (d == NULL) {
		wpkg_error_set(err, WPKG_E_UNSUPPORTED, "%s: no single %s layer", reference, WPKG_MT_WASM_LAYER);
		goto out;
	}
	if (d->size < 0 || (uint64_t)d->size > MAX_LAYER) {
		wpkg_error_set(err, WPKG_E_TOO_LARGE, "%s: layer of %lld bytes", reference, (long long)d->size);
		goto out;
	}
	if (wpkg_store_blob_get_buf(store, &d->digest, (size_t)d->size, &layer, err) < 0)
		goto out;
	/* Belt and braces, and the point of the example: the bytes are what the manifest names. */
	wpkg_digest_bytes(&again, d->digest.alg, layer.data, layer.len);
	if (strcmp(again.str, d->digest.str) != 0 || layer.len != (size_t)d->size) {
		wpkg_error_set(err, WPKG_E_DIGEST, "%s: layer is %s (%zu bytes), the manifest says %s (%lld bytes)",
			       reference, again.str, layer.len, d->digest.str, (long long)d->size);
		goto out;
	}
	if (wpkg_wasm_inspect(&info, (const uint8_t *)layer.data, layer.len, 0, err) < 0)
		goto out;
	printf("manifest %s\n", manifest_digest.str);
	printf("layer %s %zu\n", d->digest.str, layer.len);
	printf("kind %s\n", wpkg_wasm_kind_name(info->kind));
	rc = write_out(out_path, &layer);
out:
	wpkg_wasm_info_free(info);
	wpkg_buf_free(&layer);
	wpkg_buf_free(&body);
	wpkg_manifest_free(m);
	free(media_type);
	wpkg_store_close(store);
	wpkg_registry_close(reg);
	wpkg_ref_free(&ref);
	return rc;
}

int main(int argc, char **argv)
{
	struct wpkg_transport_opts topts = { 0 };
	struct wpkg_error err = { 0 };
	int rc, first = 1;

	if (argc > 1 && strcmp(argv[1], "--plain-http") == 0) {
		topts.plain_http = true;
		first = 2;
	}
	if (argc - first != 2) {
		fprintf(stderr, "usage: %s [--plain-http] HOST/REPO:TAG OUT.wasm\n", argv[0]);
		return 2;
	}
	if (wpkg_global_init(&err) < 0)
		return fail(&err);
	rc = pull(argv[first], &topts, argv[first + 1], &err);
	if (rc != 0 && err.msg[0] != '\0')
		fail(&err);
	wpkg_global_cleanup();
	return rc;
}
