/* SPDX-License-Identifier: Apache-2.0 */
/* signature_internal.h - what sign.c and verify.c share: reading the legacy .sig manifest. */
#ifndef WPKG_SIGNATURE_INTERNAL_H
#define WPKG_SIGNATURE_INTERNAL_H

#include <jansson.h>

#include "wpkg/digest.h"
#include "wpkg/error.h"
#include "wpkg/store.h"

/*
 * The layers of the manifest tagged tag (a new reference), and its digest
 * in *where (may be NULL).  WPKG_E_NOT_FOUND when the tag does not exist,
 * WPKG_E_INVALID when it holds no manifest with at most
 * WPKG_VERIFY_MAX_SIGNATURES layers.
 */
int wpkg_sig_layers_read(json_t **out, struct wpkg_digest *where, struct wpkg_store *s, const char *tag,
			 struct wpkg_error *err);

#endif
