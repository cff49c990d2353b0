/* SPDX-License-Identifier: Apache-2.0 */
/* registry_error.h - a registry's error answers mapped to WPKG_E_* codes and messages; pure, unit tested. */
#ifndef WPKG_REGISTRY_ERROR_H
#define WPKG_REGISTRY_ERROR_H

#include <stdbool.h>
#include <stddef.h>

#include "wpkg/buf.h"
#include "wpkg/error.h"

/* The WPKG_E_* for a distribution-spec error code ("NAME_UNKNOWN") or, failing that, for the status. */
int wpkg_registry_code_status(const char *code, long status);

/*
 * "METHOD URL: 404 MANIFEST_UNKNOWN: manifest unknown" (query dropped) from
 * the status and the error body ({"errors":[{"code","message"}]} or
 * anything else); the code follows wpkg_registry_code_status.
 */
int wpkg_registry_status_error(struct wpkg_error *err, const char *method, const char *url, long status,
			       const char *body, size_t len);

/* True when the error body's first error has this distribution-spec code ("BLOB_UPLOAD_UNKNOWN"). */
bool wpkg_registry_error_is(const char *body, size_t len, const char *code);

/* Appends " (Retry-After: V, RateLimit-Limit: L, RateLimit-Remaining: R)", those present, to a 429's message. */
void wpkg_registry_rate_note(struct wpkg_error *err, const struct wpkg_buf *headers);

#endif
