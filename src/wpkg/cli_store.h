/* SPDX-License-Identifier: Apache-2.0 */
/* cli_store.h - the one place the front end opens the store a REF names, whatever its transport. */
#ifndef WPKG_CLI_STORE_H
#define WPKG_CLI_STORE_H

#include <stdbool.h>

#include "wpkg/store.h"
#include "cli_registry.h"

/*
 * Opens ref's store with reg's transport options and credentials (reg's
 * flags, else the credential stores, asked only when a registry is
 * opened); a layout or archive contacts nothing.  A registry gets its
 * config.toml table (config_file.h) under the flags: its location, and for
 * CLI_STORE_READ its mirrors first.  reg must outlive the store.  Every store the front end uses is opened here.  Release with
 * wpkg_store_close.
 */
enum cli_store_mode {
	CLI_STORE_READ,     /* only read: an archive is read in place, nothing extracted */
	CLI_STORE_CHANGE,   /* an existing store that the command changes (tag, attach, delete, sign) */
	CLI_STORE_CREATE,   /* a destination: a missing layout or archive is created on the first write */
};

int cli_store_open(struct wpkg_store **out, struct cli_registry *reg, const struct wpkg_ref *ref,
		   enum cli_store_mode mode, struct wpkg_error *err);

#endif
