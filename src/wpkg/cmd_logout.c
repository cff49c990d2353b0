/* cmd_logout.c - wpkg logout: forget the stored credentials of a registry. */
#include <stdlib.h>

#include "wpkg/creds.h"
#include "cli.h"

static const struct cli_opt *const logout_tables[] = { NULL };

static int run(const struct cli_command *cmd, int argc, char **argv)
{
	struct cli_registry reg;
	struct wpkg_error err;
	struct cli_args a;
	char *host = NULL;
	int rc;

	wpkg_error_clear(&err);
	rc = cli_login_begin(&a, &reg, cmd, argc, argv);
	if (rc >= 0)
		goto out;
	if (wpkg_creds_host(&host, cli_pos(&a, 0), &err) < 0 || wpkg_creds_erase(host, &err) < 0) {
		wpkg_error_wrap(&err, "logout %s", host ? host : cli_pos(&a, 0));
		rc = cli_fail_host(&err, NULL);
		goto out;
	}
	if (cli_g.json)
		cli_out_json(json_pack("{s:s}", "registry", host));
	else
		cli_out("Removing login credentials for %s\n", host);
	rc = WPKG_EXIT_OK;
out:
	free(host);
	return rc;
}

const struct cli_command cli_cmd_logout = {
	"logout", run, "Remove the stored credentials of a registry", "REGISTRY", logout_tables,
};
