/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_config.c - wpkg config [HOST...]: the settings each registry host gets from the flags, config.toml and certs.d. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_run.h"
#include "cli_tls.h"
#include "config_file.h"

/* What one host gets. */
struct effective {
	const char *name;
	const struct cli_config_registry *e;   /* its table, or NULL */
	struct wpkg_http_opts http;
};

static struct {
	const struct cli_config *c;
	struct effective *hosts;
	size_t n;
} cfg;

static int resolve(struct effective *x, const char *name, struct wpkg_error *err)
{
	struct wpkg_ref ref = { 0 };
	char probe[400];
	int rc;

	x->name = name;
	x->e = cli_config_find(cfg.c, name);
	x->http = cli_reg.transport;
	rc = cli_config_apply(&x->http, cfg.c, x->e, err);
	if (rc < 0)
		return rc;
	/* the host the API is spoken to decides certs.d (docker.io's is registry-1.docker.io) */
	snprintf(probe, sizeof(probe), "%s/x", name);
	if (wpkg_ref_parse(&ref, probe, 0, err) < 0)
		return wpkg_error_wrap(err, "'%s' is not HOST[:PORT]", name);
	rc = cli_tls_resolve(&x->http, wpkg_ref_api_host(&ref), err);
	wpkg_ref_free(&ref);
	return rc;
}

static int run(struct cli_run *r)
{
	size_t n = r->pos.n > 0 ? (size_t)r->pos.n : 0;

	if (cli_config_get(&cfg.c, &r->err) < 0)
		return cli_run_fail(r);
	if (n == 0)
		n = cfg.c->n;
	cfg.hosts = calloc(n + 1, sizeof(cfg.hosts[0]));
	if (cfg.hosts == NULL)
		wpkg_exit_nomem();
	for (size_t i = 0; i < n; i++) {
		const char *name = r->pos.n > 0 ? r->pos.v[i] : cfg.c->registries[i].name;

		if (resolve(&cfg.hosts[cfg.n++], name, &r->err) < 0)
			return cli_run_fail(r);
	}
	return WPKG_EXIT_OK;
}

static const char *or_dash(const char *s)
{
	return s != NULL ? s : "-";
}

static void text(struct cli_run *r)
{
	(void)r;
	cli_out("# %s\n", cfg.c->path != NULL ? cfg.c->path : "no config file");
	for (size_t i = 0; i < cfg.n; i++) {
		const struct effective *x = &cfg.hosts[i];
		const struct cli_config_registry *e = x->e;

		cli_out("%s%s\n", x->name, e != NULL ? "" : " (not in the config file)");
		cli_out("  location     %s\n", e != NULL && e->location != NULL ? e->location : x->name);
		cli_out("  mirrors     ");
		for (size_t m = 0; e != NULL && m < e->n_mirrors; m++)
			cli_out(" %s", e->mirrors[m]);
		cli_out("%s\n", e == NULL || e->n_mirrors == 0 ? " -" : "");
		cli_out("  plain-http   %s\n", x->http.plain_http ? "yes" : "no");
		cli_out("  insecure     %s\n", x->http.insecure ? "yes" : "no");
		cli_out("  ca-file      %s\n", or_dash(x->http.ca_file));
		cli_out("  cert-file    %s\n", or_dash(x->http.cert_file));
		cli_out("  key-file     %s\n", or_dash(x->http.key_file));
		if (x->http.chunk_size != 0)
			cli_out("  chunk-size   %llu\n", (unsigned long long)x->http.chunk_size);
		else
			cli_out("  chunk-size   monolithic\n");
		if (x->http.concurrency != 0)
			cli_out("  concurrency  %u\n", x->http.concurrency);
		else
			cli_out("  concurrency  default\n");
	}
}

static json_t *str_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static json_t *host_json(const struct effective *x)
{
	const struct cli_config_registry *e = x->e;
	json_t *mirrors = json_array();

	for (size_t m = 0; mirrors != NULL && e != NULL && m < e->n_mirrors; m++)
		json_array_append_new(mirrors, json_string(e->mirrors[m]));
	return json_pack("{s:s, s:o, s:o, s:s, s:o, s:b, s:b, s:o, s:o, s:o, s:I, s:o}",
			 "name", x->name,
			 "line", e != NULL ? json_integer(e->line) : json_null(),
			 "location", e != NULL ? str_or_null(e->location) : json_null(),
			 "effectiveLocation", e != NULL && e->location != NULL ? e->location : x->name,
			 "mirrors", mirrors,
			 "plainHttp", x->http.plain_http, "insecure", x->http.insecure,
			 "caFile", str_or_null(x->http.ca_file), "certFile", str_or_null(x->http.cert_file),
			 "keyFile", str_or_null(x->http.key_file),
			 "chunkSize", (json_int_t)x->http.chunk_size,
			 "concurrency", x->http.concurrency != 0 ? json_integer(x->http.concurrency) : json_null());
}

static json_t *result_json(struct cli_run *r)
{
	json_t *hosts = json_array();

	(void)r;
	for (size_t i = 0; hosts != NULL && i < cfg.n; i++)
		json_array_append_new(hosts, host_json(&cfg.hosts[i]));
	return json_pack("{s:o, s:o}", "file", str_or_null(cfg.c->path), "registries", hosts);
}

static void cleanup(struct cli_run *r)
{
	(void)r;
	free(cfg.hosts);
	memset(&cfg, 0, sizeof(cfg));
}

const struct cli_command cli_cmd_config = {
	.name = "config",
	.summary = "Show the settings each registry gets from the flags and config.toml",
	.usage = "[OPTIONS] [HOST[:PORT]...]",
	.needs = CLI_REGISTRY_OPTS,
	.min_pos = 0, .max_pos = -1, .pos_what = "HOST[:PORT] names",
	.run = run, .text = text, .json = result_json, .cleanup = cleanup,
};
