/* SPDX-License-Identifier: Apache-2.0 */
/* cli_store.c - opens the store of a REF with the front end's options: HTTP, credentials, progress, log. */
#include "cli_store.h"

int cli_store_open(struct wpkg_store **out, struct cli_registry *reg, const struct wpkg_ref *ref, bool writable,
		   struct wpkg_error *err)
{
	struct wpkg_store_opts opts;

	cli_registry_store_opts(&opts, reg, writable);
	return wpkg_store_open(out, ref, &opts, err);
}
