/* SPDX-License-Identifier: Apache-2.0 */
/* pull_internal.h - steps of wpkg_pull that its other paths (container images) share; not public. */
#ifndef WPKG_PULL_INTERNAL_H
#define WPKG_PULL_INTERNAL_H

#include "wpkg/error.h"
#include "wpkg/fsutil.h"
#include "wpkg/oci.h"
#include "wpkg/pull.h"
#include "wpkg/store.h"

/*
 * The destination: output when it is not a directory; else title (checked
 * with wpkg_pull_check_title), or when title is NULL the repository's last
 * component, the layout directory's or the archive's base name (without
 * ".tar") + ".wasm", in output or the current directory.  Caller frees.
 */
int wpkg_pull_destination(char **out, const char *title, const struct wpkg_store *s, const char *output,
			  const char *what, struct wpkg_error *err);

/*
 * A destination named *.wasm must hold WebAssembly: the 4-byte preamble
 * "\0asm" is checked in f (written, not committed) before it is renamed into
 * place.  Other names are not checked.
 */
/*
 * A CNCF Wasm config's layerDigests must list the manifest's layers, in
 * order: a config copied beside other layers describes something else.
 * WPKG_E_INVALID names both digests ("config layerDigests[0] is X, but
 * layer 0 is Y").
 */
int wpkg_pull_check_layer_digests(const struct wpkg_wasm_config *c, const struct wpkg_manifest *m, const char *what,
				  struct wpkg_error *err);
int wpkg_pull_check_wasm(const struct wpkg_atomic_file *f, const char *path, struct wpkg_error *err);

/* Streams layer into a temporary beside path, verified, and renames it into place only on success. */
int wpkg_pull_download(struct wpkg_store *s, const struct wpkg_descriptor *layer,
		       const char *path, struct wpkg_error *err);

/*
 * A container image (wpkg build --format image, or anyone's): the tar layer
 * is downloaded, verified, into an unlinked temporary, and the Wasm file the
 * config's Entrypoint names (or the only .wasm in it) extracted into the
 * destination, renamed into place only on success.  res gets path, and as
 * layer the file written (application/wasm, its digest and size, its name).
 */
int wpkg_pull_image(struct wpkg_pull_result *res, struct wpkg_store *s,
		    const struct wpkg_manifest *m, const struct wpkg_descriptor *tar, const struct wpkg_pull_opts *opts,
		    const char *what, struct wpkg_error *err);

/*
 * True when m has a layer that is not Wasm and a layer with a title (and no
 * stray skeleton): an artifact pulled as oras does, every titled layer a file.
 */
bool wpkg_pull_is_titled(const struct wpkg_manifest *m);
/*
 * Writes every layer of m with an org.opencontainers.image.title under that
 * title (checked as wpkg_pull_check_title does; no title twice) into
 * opts->output (a directory; a file path when only one layer is titled) or
 * the current directory; untitled layers are skipped with a note.  res gets
 * path and layer of the first, files of the others.
 */
int wpkg_pull_titled(struct wpkg_pull_result *res, struct wpkg_store *s, const struct wpkg_manifest *m,
		     const struct wpkg_pull_opts *opts, const char *what, struct wpkg_error *err);

#endif
