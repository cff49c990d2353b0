/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_login.c - wpkg login: check credentials against a registry, then store them. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wpkg/creds.h"
#include "cli_run.h"
#include "cli_tls.h"
#include "config_file.h"

static struct {
	struct wpkg_credentials creds;
	char *host;
} login;

/* -u or a username typed at the terminal, then the password the way every registry command reads it. */
static int read_credentials(struct wpkg_credentials *out, struct cli_registry *reg, char *user, size_t size,
			    struct wpkg_error *err)
{
	bool given;
	int rc;

	if (reg->username == NULL && !reg->identity_token_stdin) {
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
	if (rc == 0 && out->password != NULL && out->password[0] == '\0') {
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
	int rc;

	const struct cli_config *cfg;

	cli_registry_store_opts(&opts, reg, false);
	opts.credentials = c;
	/* the host's transport settings from config.toml; its location and mirrors are for repositories */
	rc = cli_config_get(&cfg, err);
	if (rc == 0)
		rc = cli_config_apply(&opts.http, cfg, cli_config_find(cfg, host), err);
	if (rc == 0)
		rc = cli_tls_resolve(&opts.http, host, err);
	if (rc < 0)
		return rc;
	return wpkg_store_ping(host, &opts, err);
}

/* A host config.toml moves elsewhere (location) is logged in to there: the credentials its repositories get. */
static int relocate(struct wpkg_error *err)
{
	const struct cli_config *cfg;
	const struct cli_config_registry *e;
	const char *prefix;
	char host[300], *moved;

	if (cli_config_get(&cfg, err) < 0)
		return err->code;
	e = cli_config_find(cfg, login.host);
	if (e == NULL || e->location == NULL || !cli_config_split_location(host, sizeof(host), &prefix, e->location))
		return 0;
	if (wpkg_creds_host(&moved, host, err) < 0)
		return err->code;
	cli_note("%s is at %s (location in %s): logging in there", login.host, moved, cfg->path);
	free(login.host);
	login.host = moved;
	return 0;
}

static int run(struct cli_run *r)
{
	struct wpkg_log_sink log;
	char user[256] = "";
	int rc;

	if (cli_reg.username == NULL && (cli_reg.password != NULL || cli_reg.password_stdin))
		return cli_usage_error(r->cmd->name, "--password and --password-stdin need --username");
	if (wpkg_creds_host(&login.host, r->pos.v[0], &r->err) < 0)
		return cli_fail(&r->err);
	if (relocate(&r->err) < 0)
		return cli_run_fail(r);
	rc = read_credentials(&login.creds, &cli_reg, user, sizeof(user), &r->err);
	if (rc == 0)
		rc = check(login.host, &cli_reg, &login.creds, &r->err);
	if (rc == WPKG_E_UNAUTHORIZED) {
		size_t used = strlen(r->err.msg);

		/* the registry's "authentication required" does not say it was the password */
		if (login.creds.identity_token != NULL)
			snprintf(r->err.msg + used, sizeof(r->err.msg) - used, " (the registry refused the identity "
				 "token: get a fresh one and log in again; nothing was stored)");
		else
			snprintf(r->err.msg + used, sizeof(r->err.msg) - used, " (the registry refused the password of %s: "
				 "check it and log in again; nothing was stored)",
				 login.creds.username ? login.creds.username : "the user");
	}
	cli_log_sink(&log);
	if (rc == 0 && wpkg_creds_store(login.host, &login.creds, &log, &r->err) < 0)
		rc = wpkg_error_wrap(&r->err, "store credentials");
	if (rc < 0) {
		wpkg_error_wrap(&r->err, "login %s", login.host);
		/* no "run: wpkg login" hint: that is what failed */
		return cli_fail_host(&r->err, NULL);
	}
	return WPKG_EXIT_OK;
}

static void text(struct cli_run *r)
{
	(void)r;
	cli_out("Login Succeeded\n");
}

static json_t *result_json(struct cli_run *r)
{
	(void)r;
	/* an identity token may come without a user name */
	return json_pack("{s:s, s:s?}", "registry", login.host, "username", login.creds.username);
}

static void cleanup(struct cli_run *r)
{
	(void)r;
	wpkg_credentials_clear(&login.creds);
	free(login.host);
}

const struct cli_command cli_cmd_login = {
	.name = "login",
	.summary = "Check credentials for a registry and store them",
	.usage = "[OPTIONS] REGISTRY",
	.needs = CLI_REGISTRY_OPTS,
	.min_pos = 1, .max_pos = 1, .pos_what = "one REGISTRY",
	.run = run, .text = text, .json = result_json, .cleanup = cleanup,
};
