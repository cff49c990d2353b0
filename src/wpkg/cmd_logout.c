/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_logout.c - wpkg logout: forget the stored credentials of a registry. */
#include <stdlib.h>

#include "wpkg/creds.h"
#include "cli_run.h"

static char *host;

static int run(struct cli_run *r)
{
	if (wpkg_creds_host(&host, r->pos.v[0], &r->err) < 0 || wpkg_creds_erase(host, &r->err) < 0) {
		wpkg_error_wrap(&r->err, "logout %s", host ? host : r->pos.v[0]);
		return cli_fail_host(&r->err, NULL);
	}
	return WPKG_EXIT_OK;
}

static void text(struct cli_run *r)
{
	(void)r;
	cli_out("Removing login credentials for %s\n", host);
}

static json_t *result_json(struct cli_run *r)
{
	(void)r;
	return json_pack("{s:s}", "registry", host);
}

static void cleanup(struct cli_run *r)
{
	(void)r;
	free(host);
}

const struct cli_command cli_cmd_logout = {
	.name = "logout",
	.summary = "Remove the stored credentials of a registry",
	.usage = "REGISTRY",
	.min_pos = 1, .max_pos = 1, .pos_what = "one REGISTRY",
	.run = run, .text = text, .json = result_json, .cleanup = cleanup,
};
