/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/pull.h - fetching a Wasm artifact from a registry, layout or archive into a local file. */
#ifndef WPKG_PULL_H
#define WPKG_PULL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wpkg/common.h"
#include "wpkg/digest.h"
#include "wpkg/error.h"
#include "wpkg/mediatype.h"
#include "wpkg/oci.h"
#include "wpkg/store.h"
#include "wpkg/wasm_config.h"

WPKG_BEGIN_DECL

struct wpkg_pull_opts {
	const char *output;    /* -o: a file path, or an existing directory to write into; NULL: current directory */
	const char *platform;  /* "OS/ARCH" to pick from an index, or NULL for the first wasip1/wasip2/wasm entry */
	const char *layers_dir;  /* exploded artifacts: also keep every constituent layer here, under its title */
	bool no_reassemble;      /* exploded artifacts: only the layers (needs layers_dir), no rebuilt component */
};

/* Everything a pull learned.  Release with wpkg_pull_result_clear(). */
struct wpkg_pull_result {
	struct wpkg_digest digest;       /* of the manifest the layer came from */
	char *manifest_media_type;
	struct wpkg_descriptor layer;    /* the Wasm layer as the manifest describes it */
	char *path;                      /* the file written */
	struct wpkg_wasm_config *config; /* NULL when the config is not a Wasm config (or does not parse: a warning is logged) */
	char **files;                    /* artifacts of several layers: every file written besides path; else NULL */
	size_t n_files;
};

/*
 * Resolves reference (tag or digest) in the store s (a registry repository,
 * a layout or an archive), follows an index to its Wasm entry, checks that
 * the manifest has exactly one Wasm layer, and streams that layer into a
 * temporary beside the destination, verified, renamed only on success.  The
 * file is named by opts->output, else by the layer's
 * org.opencontainers.image.title (a bare file name only), else by the
 * repository's (or the layout's) last component + ".wasm".  *out is written
 * only on success.
 */
WPKG_API int wpkg_pull(struct wpkg_pull_result *out, struct wpkg_store *s, const char *reference,
	      const struct wpkg_pull_opts *opts, struct wpkg_error *err);
WPKG_API void wpkg_pull_result_clear(struct wpkg_pull_result *res);

/* True for the media types above and application/wasm. */
WPKG_API bool wpkg_pull_is_wasm_layer(const char *media_type);

/* Checks that a layer title is a bare file name (no separator, not "." or ".."); WPKG_E_INVALID if not. */
WPKG_API int wpkg_pull_check_title(const char *title, struct wpkg_error *err);

WPKG_END_DECL

#endif
