/* SPDX-License-Identifier: Apache-2.0 */
/* cli_store.c - opens the store of a REF with the front end's options: HTTP, credentials, progress, log. */
#include "cli_store.h"
#include "cli_tls.h"

int cli_store_open(struct wpkg_store **out, struct cli_registry *reg, const struct wpkg_ref *ref,
		   enum cli_store_mode mode, struct wpkg_error *err)
{
	struct wpkg_store_opts opts;
	int rc;

	cli_registry_store_opts(&opts, reg, mode == CLI_STORE_CREATE);
	opts.read_only = mode == CLI_STORE_READ;
	/* a missing --ca-file is the user's to fix, said before anything is sent */
	if (reg != NULL && ref->transport == WPKG_TRANSPORT_REGISTRY &&
	    (rc = cli_tls_resolve(&opts.http, wpkg_ref_api_host(ref), err)) < 0)
		return rc;
	return wpkg_store_open(out, ref, &opts, err);
}
