/* SPDX-License-Identifier: Apache-2.0 */
/* cli_store.h - the one place the front end opens the store a REF names, whatever its transport. */
#ifndef WPKG_CLI_STORE_H
#define WPKG_CLI_STORE_H

#include <stdbool.h>

#include "wpkg/store.h"
#include "cli_registry.h"

/* A store and the registry client it may use; release with cli_store_close. */
struct cli_store {
	struct wpkg_store *store;
	struct wpkg_registry *client;   /* NULL for oci-layout: and oci-archive: */
};

/*
 * Opens ref's store: for a registry reference a client first (reg's
 * transport options; credentials from reg's flags or the credential
 * stores), for a layout or archive nothing is contacted.  writable: a
 * destination (a missing layout or archive is created on the first write).
 * Every store the front end uses is opened here, so that moving to
 * wpkg_store_open opening its own client is one edit.
 */
int cli_store_open(struct cli_store *out, struct cli_registry *reg, const struct wpkg_ref *ref, bool writable,
		   struct wpkg_error *err);
void cli_store_close(struct cli_store *s);

#endif
