/* SPDX-License-Identifier: Apache-2.0 */
/* registry_hooks.h - what a registry client (and its HTTP client beneath) reports through: progress and log. */
#ifndef WPKG_REGISTRY_HOOKS_H
#define WPKG_REGISTRY_HOOKS_H

#include "wpkg/log.h"

/*
 * Its own header so that the HTTP client (http_internal.h) can carry the
 * hooks without including the registry client, which includes wpkg/http.h.
 */
struct wpkg_registry_hooks {
	wpkg_progress_fn progress;   /* NULL: none */
	void *progress_payload;
	struct wpkg_log_sink log;
};

#endif
