/* SPDX-License-Identifier: Apache-2.0 */
/* cli_store.c - opens the store of a REF: a registry client when it needs one, then the store. */
#include <string.h>

#include "cli_store.h"

int cli_store_open(struct cli_store *out, struct cli_registry *reg, const struct wpkg_ref *ref, bool writable,
		   struct wpkg_error *err)
{
	struct wpkg_store_opts opts;
	struct cli_store s = { NULL, NULL };
	int rc = 0;

	memset(&opts, 0, sizeof(opts));
	opts.writable = writable;
	if (ref->transport == WPKG_TRANSPORT_REGISTRY)
		rc = cli_registry_connect(&s.client, reg, ref, err);
	opts.registry = s.client;
	if (rc == 0)
		rc = wpkg_store_open(&s.store, ref, &opts, err);
	if (rc < 0) {
		cli_store_close(&s);
		return rc;
	}
	*out = s;
	return 0;
}

void cli_store_close(struct cli_store *s)
{
	wpkg_store_close(s->store);
	if (s->client != NULL)
		wpkg_registry_close(s->client);
	s->store = NULL;
	s->client = NULL;
}
