/* SPDX-License-Identifier: Apache-2.0 */
/* sign_internal.h - what the signing modules share: PEM blocks, Go-compatible JSON strings. */
#ifndef WPKG_SIGN_INTERNAL_H
#define WPKG_SIGN_INTERNAL_H

#include <stddef.h>

#include "wpkg/buf.h"
#include "wpkg/error.h"

/* One PEM block: its label and decoded body, found at text offset 'at'. */
struct pem_block {
	char label[64];
	struct wpkg_buf der;
	size_t next;   /* offset just past the END line */
};

/*
 * The next PEM block in text[from, len): 1 with *out filled, 0 when there
 * is none, or WPKG_E_INVALID (a BEGIN with no END: "truncated", a bad
 * label, headers, bad base64), naming name.
 */
int wpkg_pem_next(struct pem_block *out, const char *text, size_t len, size_t from, const char *name,
		  struct wpkg_error *err);
/* Appends "-----BEGIN L-----\n", base64 in 64-column lines, "-----END L-----\n". */
int wpkg_pem_write(struct wpkg_buf *out, const char *label, const void *der, size_t len);

/* Appends s as a JSON string exactly as Go's encoding/json writes it (HTML-safe escapes). */
int wpkg_go_json_string(struct wpkg_buf *out, const char *s);

#endif
