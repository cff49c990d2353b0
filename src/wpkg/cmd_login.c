/* cmd_login.c - wpkg login: check credentials against a registry, then store them. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wpkg/creds.h"
#include "regcmd.h"

static const struct cli_opt *const login_tables[] = { cli_registry_opts, NULL };

/* -u or a username typed at the terminal, then the password the way every registry command reads it. */
static int read_credentials(struct wpkg_credentials *out, struct cli_registry *reg, char *user, size_t size,
			    struct wpkg_error *err)
{
	bool given;
	int rc;

	if (reg->username == NULL) {
		if (!isatty(STDIN_FILENO))
			return wpkg_error_set(err, WPKG_E_INVALID, "no --username given and no terminal to ask on");
		rc = cli_prompt(user, size, "Username", false, err);
		if (rc < 0)
			return rc;
		if (user[0] == '\0')
			return wpkg_error_set(err, WPKG_E_INVALID, "no username given");
		reg->username = user;
	}
	rc = cli_registry_flag_credentials(out, &given, reg, err);
	if (rc == 0 && out->password[0] == '\0') {
		wpkg_credentials_clear(out);
		rc = wpkg_error_set(err, WPKG_E_INVALID, "empty password");
	}
	return rc;
}

/* Pings host with c: a login that does not work is refused before anything is stored. */
static int check(char *host, struct cli_registry *reg, const struct wpkg_credentials *c,
		 struct wpkg_error *err)
{
	struct wpkg_store_opts opts;

	cli_registry_store_opts(&opts, reg, false);
	opts.credentials = c;
	return wpkg_store_ping(host, &opts, err);
}

int cli_login_begin(struct cli_args *a, struct cli_registry *reg, const struct cli_command *cmd, int argc,
		    char **argv)
{
	int rc;

	cli_registry_init(reg);
	cli_args_init(a, cmd, argc, argv);
	if (regcmd_options(&rc, a, reg, NULL, NULL))
		return rc;
	if (cli_npos(a) != 1)
		return cli_usage_error(cmd, "expected one REGISTRY, got %d arguments", cli_npos(a));
	return -1;
}

static int run(const struct cli_command *cmd, int argc, char **argv)
{
	struct wpkg_credentials creds = { NULL, NULL, NULL };
	struct cli_registry reg;
	struct wpkg_log_sink log;
	struct wpkg_error err;
	struct cli_args a;
	char user[256] = "";
	char *host = NULL;
	int rc;

	wpkg_error_clear(&err);
	rc = cli_login_begin(&a, &reg, cmd, argc, argv);
	if (rc >= 0)
		goto out;
	if (reg.username == NULL && (reg.password != NULL || reg.password_stdin)) {
		rc = cli_usage_error(cmd, "--password and --password-stdin need --username");
		goto out;
	}
	if (wpkg_creds_host(&host, cli_pos(&a, 0), &err) < 0) {
		rc = cli_fail(&err);
		goto out;
	}
	rc = read_credentials(&creds, &reg, user, sizeof(user), &err);
	if (rc == 0)
		rc = check(host, &reg, &creds, &err);
	cli_log_sink(&log);
	if (rc == 0 && wpkg_creds_store(host, &creds, &log, &err) < 0)
		rc = wpkg_error_wrap(&err, "store credentials");
	if (rc < 0) {
		wpkg_error_wrap(&err, "login %s", host);
		/* no "run: wpkg login" hint: that is what failed */
		rc = cli_fail_host(&err, NULL);
		goto out;
	}
	if (cli_g.json)
		cli_out_json(json_pack("{s:s, s:s}", "registry", host, "username", creds.username));
	else
		cli_out("Login Succeeded\n");
	rc = WPKG_EXIT_OK;
out:
	wpkg_credentials_clear(&creds);
	free(host);
	return rc;
}

const struct cli_command cli_cmd_login = {
	"login", run, "Check credentials for a registry and store them", "[OPTIONS] REGISTRY", login_tables,
};
