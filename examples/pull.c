/* SPDX-License-Identifier: Apache-2.0 */
/* pull.c - example: a Wasm artifact from a registry into memory, verified, through libwpkg's installed API. */
#include <stdio.h>
#include <stdbool.h>
#include <string.h>

#include <wpkg/wpkg.h>

/*
 * Build against an installed libwpkg:
 *   cc -o pull pull.c $(pkg-config --cflags --libs wpkg)
 * Run:
 *   ./pull [--plain-http] HOST/REPO:TAG OUT.wasm
 * Resolves the reference to its manifest (following an index to its Wasm
 * entry), takes the one application/wasm layer into memory (the library
 * checks it against its digest as it arrives), hashes it again here
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

static int pull(const char *reference, bool plain_http, const char *out_path, struct wpkg_error *err)
{
	struct wpkg_store_opts opts = WPKG_STORE_OPTS_INIT;
	struct wpkg_ref ref = { 0 };
	struct wpkg_store *store = NULL;
	struct wpkg_artifact *a = NULL;
	struct wpkg_wasm_info *info = NULL;
	struct wpkg_buf layer = WPKG_BUF_INIT;
	struct wpkg_digest again;
	const struct wpkg_descriptor *d;
	int rc = 1;

	if (wpkg_ref_parse(&ref, reference, 0, err) < 0)
		goto out;
	if (ref.transport != WPKG_TRANSPORT_REGISTRY) {
		wpkg_error_set(err, WPKG_E_INVALID, "%s: not a registry reference", reference);
		goto out;
	}
	/* The store opens its own registry client: anonymous here, over plain HTTP if asked. */
	opts.http.plain_http = plain_http;
	if (wpkg_store_open(&store, &ref, &opts, err) < 0)
		goto out;
	/*
	 * The resolver follows an index to its Wasm entry, reads the manifest and
	 * the config, and checks every document against its digest.
	 */
	if (wpkg_artifact_resolve(&a, store, wpkg_ref_reference(&ref), NULL, err) < 0)
		goto out;
	d = wasm_layer(a->manifest);
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
	printf("manifest %s\n", a->desc.digest.str);
	printf("layer %s %zu\n", d->digest.str, layer.len);
	printf("kind %s\n", wpkg_wasm_kind_name(info->kind));
	rc = write_out(out_path, &layer);
out:
	wpkg_wasm_info_free(info);
	wpkg_buf_free(&layer);
	wpkg_artifact_free(a);
	wpkg_store_close(store);
	wpkg_ref_free(&ref);
	return rc;
}

int main(int argc, char **argv)
{
	struct wpkg_error err = { 0 };
	bool plain_http = false;
	int rc, first = 1;

	if (argc > 1 && strcmp(argv[1], "--plain-http") == 0) {
		plain_http = true;
		first = 2;
	}
	if (argc - first != 2) {
		fprintf(stderr, "usage: %s [--plain-http] HOST/REPO:TAG OUT.wasm\n", argv[0]);
		return 2;
	}
	if (wpkg_global_init(&err) < 0)
		return fail(&err);
	rc = pull(argv[first], plain_http, argv[first + 1], &err);
	if (rc != 0 && err.msg[0] != '\0')
		fail(&err);
	wpkg_global_cleanup();
	return rc;
}
