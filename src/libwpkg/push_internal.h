/* SPDX-License-Identifier: Apache-2.0 */
/* push_internal.h - the blob half of a push, shared by push and attach: every blob of a package, side by side. */
#ifndef WPKG_PUSH_INTERNAL_H
#define WPKG_PUSH_INTERNAL_H

#include "wpkg/push.h"

struct wpkg_store;

/*
 * Makes every blob of p (layers and config) present in s, concurrently, and
 * counts into res how each got there (skipped, mounted from mount_from when
 * not NULL, uploaded).  A failure cancels the rest; the manifest is the
 * caller's, once this returned 0.
 */
int wpkg_push_blobs(struct wpkg_push_result *res, struct wpkg_store *s, const struct wpkg_package *p,
		    const char *mount_from, struct wpkg_error *err);

#endif
