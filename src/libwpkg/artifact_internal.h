/* SPDX-License-Identifier: Apache-2.0 */
/* artifact_internal.h - the resolver in two steps, so a pull can read the config beside the layers. */
#ifndef WPKG_ARTIFACT_INTERNAL_H
#define WPKG_ARTIFACT_INTERNAL_H

#include "wpkg/artifact.h"

/* wpkg_artifact_resolve without its last step: the config is not read (config_bytes stays empty). */
int wpkg_artifact_resolve_manifest(struct wpkg_artifact **out, struct wpkg_store *s, const char *reference,
				   const char *platform, struct wpkg_error *err);

/* That last step: reads and parses a's Wasm config (a fetch failure fails, a parse failure is recorded). */
int wpkg_artifact_read_config(struct wpkg_artifact *a, struct wpkg_store *s, struct wpkg_error *err);

#endif
