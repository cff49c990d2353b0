/* SPDX-License-Identifier: Apache-2.0 */
/* pull_exploded.h - pull's path for artifacts of several layers (not part of the public API). */
#ifndef WPKG_PULL_EXPLODED_H
#define WPKG_PULL_EXPLODED_H

#include <stdbool.h>

#include "wpkg/artifact.h"
#include "wpkg/error.h"
#include "wpkg/oci.h"
#include "wpkg/store.h"

/* The public option and result types of wpkg_pull (wpkg/pull.h), which this path fills for it. */
struct wpkg_pull_opts;
struct wpkg_pull_result;

/*
 * True when m is an exploded artifact (artifactType WPKG_AT_EXPLODED, or a
 * skeleton as layer 0) or a multi-component package (several layers, all
 * Wasm): those go to wpkg_pull_parts, everything else to the single-layer path.
 */
bool wpkg_pull_has_parts(const struct wpkg_manifest *m);

/*
 * Pulls a->manifest, m below (see wpkg_pull_has_parts), with the config
 * a->config_bytes the resolver read.  Exploded: the skeleton and every
 * constituent are downloaded once each, verified, into temporaries (or, with
 * opts->layers_dir, into that directory under their titles), the component is
 * rebuilt into a temporary beside the destination, checked against the
 * recipe's size and digest and only then renamed into place; nothing is left
 * on failure.  Multi-component: every layer goes under its title into the
 * directory opts->output, all renamed into place only once every one arrived.
 * res gets path, layer (the whole component), config and files; what names
 * the manifest in messages.  a's config is read here (wpkg_artifact_read_config):
 * beside the layers where nothing needs it first.
 */
int wpkg_pull_parts(struct wpkg_pull_result *res, struct wpkg_store *s, struct wpkg_artifact *a,
		    const struct wpkg_pull_opts *opts, const char *what, struct wpkg_error *err);

#endif
