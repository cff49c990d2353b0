/* SPDX-License-Identifier: Apache-2.0 */
/* pull_dest.c - where a pulled file goes and how it gets there: layer types, titles, destination, verified download. */
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wpkg/buf.h"
#include "wpkg/escape.h"
#include "wpkg/fsutil.h"
#include "wpkg/pull.h"
#include "cache_store.h"
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
		rc = wpkg_error_nomem(err);
		goto out;
	}
	*out = path;
out:
	wpkg_buf_free(&name);
	return rc;
}

int wpkg_pull_check_layer_digests(const struct wpkg_wasm_config *c, const struct wpkg_manifest *m, const char *what,
				  struct wpkg_error *err)
{
	size_t i;

	if (c->n_layer_digests != m->n_layers)
		return wpkg_error_set(err, WPKG_E_INVALID, "%s: config lists %zu layer digests for %zu layers", what,
				      c->n_layer_digests, m->n_layers);
	for (i = 0; i < m->n_layers; i++)
		if (strcmp(c->layer_digests[i], m->layers[i].digest.str) != 0)
			return wpkg_error_set(err, WPKG_E_INVALID, "%s: config layerDigests[%zu] is %s, but layer %zu is %s",
					      what, i, c->layer_digests[i], i, m->layers[i].digest.str);
	return 0;
}

int wpkg_pull_check_wasm(const struct wpkg_atomic_file *f, const char *path, struct wpkg_error *err)
{
	unsigned char head[4];
	size_t n = strlen(path);
	ssize_t got;

	/* the digest proves the bytes are the registry's, not that they are Wasm: a runtime would refuse it later */
	if (n < 5 || strcmp(path + n - 5, ".wasm") != 0)
		return 0;
	got = pread(f->fd, head, sizeof(head), 0);
	if (got < 0)
		return wpkg_error_set(err, WPKG_E_IO, "%s: %s", f->tmp_path, strerror(errno));
	if ((size_t)got < sizeof(head) || memcmp(head, "\0asm", sizeof(head)) != 0)
		return wpkg_error_set(err, WPKG_E_INVALID, "%s: the layer is not WebAssembly (no \\0asm preamble); not "
				      "written", path);
	return 0;
}

int wpkg_pull_download(struct wpkg_store *s, const struct wpkg_descriptor *layer,
		    const char *path, struct wpkg_error *err)
{
	struct wpkg_atomic_file f;
	int rc;

	rc = wpkg_atomic_open(&f, path, 0644, err);
	if (rc < 0)
		return rc;
	wpkg_store_label(s, layer);
	rc = wpkg_cache_blob_get_file(s, &layer->digest, (uint64_t)layer->size, f.fd, f.tmp_path, err);
	if (rc < 0) {
		wpkg_atomic_abort(&f);
		return wpkg_error_wrap(err, "layer %s", layer->digest.str);
	}
	rc = wpkg_pull_check_wasm(&f, path, err);
	if (rc < 0) {
		wpkg_atomic_abort(&f);
		return rc;
	}
	return wpkg_atomic_commit(&f, err);
}
