/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_logout.c - wpkg logout: forget the stored credentials of a registry. */
#include <stdlib.h>

#include "wpkg/creds.h"
#include "cli_run.h"
#include "env.h"

static char *host;
static const char *auth_file;

static const struct cli_opt_spec logout_opts[] = {
	{ CLI_OPT_STRING, "registry-config", 0, &auth_file, "FILE",
	  "remove them from FILE (config.json format) instead of config.json" },
	{ CLI_OPT_STRING, "authfile", 0, &auth_file, "FILE", "the same as --registry-config (skopeo's name)" },
	CLI_OPT_END,
};

static int run(struct cli_run *r)
{
	if (auth_file != NULL && cli_env_set_auth_file(auth_file, &r->err) < 0)
		return cli_fail(&r->err);
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
	.usage = "[OPTIONS] REGISTRY",
	.opts = logout_opts,
	.min_pos = 1, .max_pos = 1, .pos_what = "one REGISTRY",
	.run = run, .text = text, .json = result_json, .cleanup = cleanup,
};
