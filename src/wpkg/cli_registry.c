/* SPDX-License-Identifier: Apache-2.0 */
/* cli_registry.c - the transport and credential options every registry command shares, as store options. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli_auth_hint.h"
#include "cli_cache.h"
#include "cli_output.h"
#include "cli_registry.h"
#include "config_file.h"
#include "env.h"
#include "exitcodes.h"

/* connect-timeout, retries, timeout, min-rate and concurrency as parsed; 0 (-1 for retries): not given */
static long connect_timeout, retries = -1, timeout, min_rate, concurrency;
static long archive_max_size; /* bytes; 0: the library's WPKG_ARCHIVE_TOTAL_MAX */

static int password_opt(const struct cli_opt_spec *o, const char *arg)
{
	(void)o;
	cli_warn("a password on the command line is visible to other users; use --password-stdin");
	cli_reg.password = arg;
	return 0;
}

struct cli_registry cli_reg;

void cli_registry_init(struct cli_registry *r)
{
	memset(r, 0, sizeof(*r));
	if (r == &cli_reg) {
		connect_timeout = 0;
		retries = -1;
		timeout = min_rate = 0;
		concurrency = 0;
		archive_max_size = 0;
	}
}

const struct cli_opt_spec cli_registry_opts[] = {
	{ CLI_OPT_SWITCH, "plain-http", 0, &cli_reg.transport.plain_http, NULL,
	  "speak plain HTTP to the registry (no TLS)" },
	{ CLI_OPT_SWITCH, "insecure", 0, &cli_reg.transport.insecure, NULL,
	  "do not verify the registry's TLS certificate" },
	{ CLI_OPT_STRING, "ca-file", 0, &cli_reg.transport.ca_file, "FILE",
	  "trust the CA certificates in FILE (PEM) as well" },
	{ CLI_OPT_STRING, "cert-file", 0, &cli_reg.transport.cert_file, "FILE",
	  "present the client certificate in FILE (PEM) to the registry (mTLS)" },
	{ CLI_OPT_STRING, "key-file", 0, &cli_reg.transport.key_file, "FILE",
	  "the private key of --cert-file (PEM; default: in the certificate file)" },
	{ CLI_OPT_STRING, "username", 'u', &cli_reg.username, "USER",
	  "log in as USER instead of using stored credentials" },
	{ CLI_OPT_CALL, "password", 'p', NULL, "PASS", "password for --username (insecure: visible to other users)",
	  .call = password_opt },
	{ CLI_OPT_SWITCH, "password-stdin", 0, &cli_reg.password_stdin, NULL,
	  "read the password for --username from standard input" },
	{ CLI_OPT_STRING, "registry-config", 0, &cli_reg.auth_file, "FILE",
	  "read and store credentials in FILE (config.json format) instead of config.json and auth.json" },
	{ CLI_OPT_STRING, "authfile", 0, &cli_reg.auth_file, "FILE", "the same as --registry-config (skopeo's name)" },
	{ CLI_OPT_SWITCH, "identity-token-stdin", 0, &cli_reg.identity_token_stdin, NULL,
	  "read an OAuth2 refresh (identity) token from standard input instead of a password" },
	{ CLI_OPT_NUMBER, "connect-timeout", 0, &connect_timeout, "SECONDS",
	  "give up connecting after SECONDS (default 30)", .min = 1, .max = 3600 },
	{ CLI_OPT_NUMBER, "retries", 0, &retries, "N", "retry failed requests N times (default 5)", .min = 0,
	  .max = 100 },
	{ CLI_OPT_NUMBER, "timeout", 0, &timeout, "SECONDS", "allow a small answer SECONDS in all (default 30)",
	  .min = 1, .max = 3600 },
	{ CLI_OPT_NUMBER, "min-rate", 0, &min_rate, "BYTES",
	  "allow a transfer 1 s more per BYTES it moves (default 16384)", .min = 1, .max = 1L << 30 },
	{ CLI_OPT_NUMBER, "concurrency", 0, &concurrency, "N", "transfer up to N blobs at once (default 16)",
	  .min = 1, .max = 64 },
	{ CLI_OPT_STRING, "config", 0, &cli_reg.config, "FILE",
	  "per-registry settings from FILE, not $XDG_CONFIG_HOME/wpkg/config.toml (see wpkg-config(5))" },
	{ CLI_OPT_STRING, "wkg-config", 0, &cli_reg.wkg_config, "FILE",
	  "package names: read this wkg config, not $XDG_CONFIG_HOME/wasm-pkg/config.toml (no built-in fallbacks)" },
	{ CLI_OPT_NUMBER, "archive-max-size", 0, &archive_max_size, "BYTES",
	  "extract at most BYTES from an oci-archive in all (default 8 GiB)", .min = 1, .max = LONG_MAX },
	{ CLI_OPT_SWITCH, "offline", 0, &cli_offline, NULL,
	  "no network: manifests, configs and blobs from the cache, tags as last fetched (not cached: exit 4)" },
	CLI_OPT_END,
};

/* Standard input can be read only once, and login and connect may both want the password. */
static char stdin_password[4096];
static bool stdin_password_read;
/* The registry of the last connection, for cli_fail's login hint. */
static char last_registry[256];

/* the library reads max_retries 0 as "its default", so 0 is said with no_retries */
void cli_registry_apply(struct cli_registry *r)
{
	if (connect_timeout > 0)
		r->transport.connect_timeout_s = connect_timeout;
	if (timeout > 0)
		r->transport.timeout_s = timeout;
	if (min_rate > 0)
		r->transport.min_rate = (uint64_t)min_rate;
	if (retries == 0)
		r->transport.no_retries = true;
	else if (retries > 0)
		r->transport.max_retries = (unsigned)retries;
	if (concurrency > 0)
		r->transport.concurrency = (unsigned)concurrency;
	if (r->config != NULL)
		cli_config_set_path(r->config);
	if (r->auth_file != NULL && cli_env_set_auth_file(r->auth_file, NULL) < 0)
		wpkg_exit_nomem();
}

int cli_prompt(char *out, size_t size, const char *prompt, bool secret, struct wpkg_error *err)
{
	struct termios old, quiet;
	FILE *tty = fopen("/dev/tty", "r+");
	bool echo_off = false;
	size_t len;
	int rc = WPKG_OK;

	if (tty == NULL)
		return wpkg_error_set(err, WPKG_E_INVALID, "cannot prompt for %s: no terminal", prompt);
	if (secret && tcgetattr(fileno(tty), &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		echo_off = tcsetattr(fileno(tty), TCSAFLUSH, &quiet) == 0;
	}
	cli_progress_interrupt();
	fprintf(tty, "%s: ", prompt);
	fflush(tty);
	if (fgets(out, (int)size, tty) == NULL) {
		rc = wpkg_error_set(err, WPKG_E_INVALID, "no %s given", prompt);
		goto out;
	}
	len = strcspn(out, "\r\n");
	out[len] = '\0';
out:
	if (echo_off) {
		tcsetattr(fileno(tty), TCSAFLUSH, &old);
		fputc('\n', tty);
	}
	fclose(tty);
	return rc;
}

static void wipe_stdin_password(void)
{
	explicit_bzero(stdin_password, sizeof(stdin_password));
}

/* Reads the secret (flag: where it was asked; what: "password") from standard input once, up to the first newline. */
static int read_stdin_password(struct wpkg_error *err, const char *flag, const char *what)
{
	size_t len;

	if (stdin_password_read)
		return WPKG_OK;
	/* kept for the whole run (login and a push may both need it), wiped when the process ends */
	atexit(wipe_stdin_password);
	if (fgets(stdin_password, sizeof(stdin_password), stdin) == NULL)
		return wpkg_error_set(err, WPKG_E_INVALID, "%s: nothing on standard input; pipe the %s in "
				      "(printenv %s | wpkg ...)", flag, what, what[0] == 'p' ? "PASS" : "TOKEN");
	len = strcspn(stdin_password, "\r\n");
	if (len == sizeof(stdin_password) - 1)
		return wpkg_error_set(err, WPKG_E_INVALID, "%s: %s longer than %zu bytes", flag, what,
				      sizeof(stdin_password) - 2);
	stdin_password[len] = '\0';
	stdin_password_read = true;
	return WPKG_OK;
}

int cli_registry_flag_credentials(struct wpkg_credentials *out, bool *given, struct cli_registry *r,
				  struct wpkg_error *err)
{
	char typed[1024];
	const char *password = r->password;
	struct wpkg_credentials c = { 0 };
	int rc = WPKG_OK;

	*given = false;
	if (r->identity_token_stdin) {
		if (r->password != NULL || r->password_stdin)
			return wpkg_error_set(err, WPKG_E_INVALID, "--identity-token-stdin and a password both given; "
					      "pass one");
		rc = read_stdin_password(err, "--identity-token-stdin", "token");
		if (rc < 0)
			return rc;
		if (stdin_password[0] == '\0')
			return wpkg_error_set(err, WPKG_E_INVALID, "--identity-token-stdin: the token is empty");
		if ((r->username != NULL && (c.username = strdup(r->username)) == NULL) ||
		    (c.identity_token = strdup(stdin_password)) == NULL) {
			wpkg_credentials_clear(&c);
			return wpkg_error_nomem(err);
		}
		*out = c;
		*given = true;
		return WPKG_OK;
	}
	if (r->username == NULL) {
		if (r->password != NULL || r->password_stdin)
			return wpkg_error_set(err, WPKG_E_INVALID, "a password was given without --username");
		return WPKG_OK;
	}
	if (r->password != NULL && r->password_stdin)
		return wpkg_error_set(err, WPKG_E_INVALID, "--password and --password-stdin both given");
	if (r->password_stdin) {
		rc = read_stdin_password(err, "--password-stdin", "password");
		if (rc < 0)
			goto out;
		password = stdin_password;
	} else if (password == NULL) {
		if (!isatty(STDIN_FILENO)) {
			rc = wpkg_error_set(err, WPKG_E_INVALID,
					    "--username %s needs a password: pass --password-stdin and pipe it in",
					    r->username);
			goto out;
		}
		rc = cli_prompt(typed, sizeof(typed), "Password", true, err);
		if (rc < 0)
			goto out;
		password = typed;
	}
	c.username = strdup(r->username);
	c.password = strdup(password);
	if (c.username == NULL || c.password == NULL) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	*out = c;
	*given = true;
	c.username = c.password = NULL;
out:
	explicit_bzero(typed, sizeof(typed));
	wpkg_credentials_clear(&c);
	return rc;
}

/* The store's credentials callback: the flags first, else the credential stores. */
static int store_credentials(struct wpkg_credentials *out, const char *registry, void *payload,
			     struct wpkg_error *err)
{
	struct cli_registry *r = payload;
	struct wpkg_log_sink log;
	bool given;
	int rc;

	rc = cli_registry_flag_credentials(out, &given, r, err);
	if (rc < 0)
		goto out;
	if (given && r->identity_token_stdin) {
		cli_auth_source_set("--identity-token-stdin");
		goto out;
	}
	if (given) {
		cli_auth_source_set("--username %s", r->username);
		goto out;
	}
	cli_auth_check_env(getenv("DOCKER_CONFIG"));
	cli_auth_lookup_sink(&log);
	rc = wpkg_creds_lookup(out, registry, &log, err);
	if (rc < 0)
		wpkg_error_wrap(err, "credentials for %s", registry);
out:
	/* a copy: the ref is usually freed before cli_fail looks at it */
	if (rc == 0) {
		snprintf(last_registry, sizeof(last_registry), "%s", registry);
		cli_last_registry = last_registry;
	}
	return rc;
}

void cli_registry_store_opts(struct wpkg_store_opts *out, struct cli_registry *r, bool writable)
{
	static const struct wpkg_store_opts init = WPKG_STORE_OPTS_INIT;

	*out = init;
	out->writable = writable;
	out->max_total_size = (uint64_t)archive_max_size;
	if (r != NULL) {
		out->http = r->transport;
		out->credentials_fn = store_credentials;
		out->credentials_payload = r;
		out->credentials = r->credentials;
	}
	if (cli_progress_enabled()) {
		out->progress = cli_progress;
		out->progress_label = cli_progress_label;
	}
	cli_log_sink(&out->log);
	cli_cache_store_opts(out);
}
