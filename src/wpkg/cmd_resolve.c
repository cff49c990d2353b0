/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_resolve.c - wpkg resolve NAME: a Wasm package name to its OCI reference and digest, the way wkg maps it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wpkg/oci.h"
#include "wpkg/pkgname.h"
#include "wpkg/store.h"
#include "wpkg/versions.h"
#include "names.h"
#include "regcmd.h"

enum { OPT_WKG_CONFIG = 1 };

static const struct cli_opt resolve_opts[] = {
	{ "wkg-config", 0, "FILE", "wkg config to read instead of $XDG_CONFIG_HOME/wasm-pkg/config.toml (no built-in fallbacks)",
	  OPT_WKG_CONFIG },
	CLI_OPT_END,
};

static const struct cli_opt *const resolve_tables[] = { resolve_opts, cli_registry_opts, NULL };

struct resolve {
	const char *wkg_config;
	struct names names;
	struct wpkg_pkgname name;
	struct wpkg_wkg_target target;
	struct wpkg_version_choice choice;
	const char *cred_source;
	char **tags;
	size_t ntags;
	const char **sorted;
	size_t nsorted;
	char reference[1024];
	struct wpkg_digest digest;
	char *media_type;
	char layer_digest[WPKG_DIGEST_STR_MAX];
	char ca_path[4096];         /* the config's extra_root_certificates, written out; "" when none */
};

static int on_opt(void *ctx, int id, const char *arg)
{
	struct resolve *r = ctx;

	if (id != OPT_WKG_CONFIG)
		return 0;
	r->wkg_config = arg;
	return 1;
}

/* The one application/wasm layer's digest, which is what wkg.lock pins; "" when there is not exactly one. */
static void find_layer(struct resolve *r, const struct wpkg_buf *body)
{
	struct wpkg_manifest *m = NULL;
	struct wpkg_error ignored;
	size_t found = 0;

	if (wpkg_manifest_parse(&m, body->data, body->len, &ignored) < 0)
		return;
	for (size_t i = 0; i < m->n_layers; i++)
		if (strcmp(m->layers[i].media_type, WPKG_MT_WASM_LAYER) == 0) {
			found++;
			snprintf(r->layer_digest, sizeof(r->layer_digest), "%s", m->layers[i].digest.str);
		}
	if (found != 1)
		r->layer_digest[0] = '\0';
	wpkg_manifest_free(m);
}

static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static json_t *result_json(const struct resolve *r)
{
	const struct wpkg_wkg_target *t = &r->target;
	json_t *versions = json_array(), *doc;
	char req[sizeof(r->name.spec) + 2];

	for (size_t i = 0; versions && i < r->nsorted; i++)
		json_array_append_new(versions, json_string(r->sorted[i]));
	if (r->name.kind == WPKG_PKGNAME_REQ)
		snprintf(req, sizeof(req), "%s", r->name.spec);
	else if (r->name.kind == WPKG_PKGNAME_EXACT)
		snprintf(req, sizeof(req), "=%s", r->name.spec);
	else
		snprintf(req, sizeof(req), "*");
	doc = json_pack("{s:s++, s:o, s:s, s:{s:s, s:s, s:o, s:o}, s:{s:s, s:s, s:b, s:b}, s:{s:s, s:o, s:b, s:o},"
			" s:{s:s, s:s, s:s}, s:s, s:o, s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:{s:s++, s:s, s:s, s:s, s:o}}",
			"name", r->name.ns, ":", r->name.name,
			"requested", str_or_null(r->name.spec),
			"registry", t->registry,
			"resolvedBy", "kind", wpkg_wkg_source_str(t->source), "key", t->source_key,
			"file", t->source == WPKG_WKG_FROM_FALLBACK ? json_null() : str_or_null(r->names.cfg.path),
			"line", t->source_line ? json_integer(t->source_line) : json_null(),
			"config", "path", r->names.path, "from", r->names.path_from, "read", r->names.cfg.path != NULL,
			"fallbacks", r->names.cfg.fallbacks != 0,
			"metadata", "source", wpkg_wkg_meta_source_str(t->meta_source), "url", str_or_null(t->meta_url),
			"deprecatedForm", t->meta_deprecated != 0, "error", str_or_null(t->meta_error),
			"oci", "registry", t->oci_host, "namespacePrefix", t->prefix, "repository", t->repository,
			"credentials", r->cred_source,
			"versions", versions,
			"ignoredTags", (json_int_t)r->choice.ignored,
			"version", r->choice.tag,
			"tag", r->choice.tag,
			"reference", r->reference,
			"digest", r->digest.str,
			"mediaType", r->media_type ? r->media_type : "",
			"layerDigest", str_or_null(r->layer_digest),
			"lock", "name", r->name.ns, ":", r->name.name, "registry", t->registry, "requirement", req,
			"version", r->choice.tag, "digest", str_or_null(r->layer_digest));
	return doc;
}

/* A name that is also a Docker Hub short name ("ubuntu:latest") gets a note when it does not resolve. */
static int fail_name(const struct resolve *r, const struct wpkg_error *err, const char *arg)
{
	int rc = cli_fail(err);

	if (err->code == WPKG_E_NOT_FOUND && !strchr(arg, '@'))
		fprintf(stderr, "wpkg: note: '%s' is read as a Wasm package name (NAMESPACE:NAME); write a Docker Hub "
			"image in full: docker.io/library/%s\n", arg, arg);
	return rc;
}

static int lookup(struct resolve *r, struct regcmd *c, const char *arg)
{
	struct wpkg_store_opts sopts;
	const struct wpkg_wkg_registry *rc_cfg;
	struct wpkg_credentials creds = { 0 };
	struct wpkg_buf body = WPKG_BUF_INIT;
	struct wpkg_log_sink log;
	char repo[1024];
	int rc;

	if ((rc = wpkg_wkg_resolve(&r->target, &r->names.resolver, r->name.ns, r->name.name, &c->err)))
		return fail_name(r, &c->err, arg);
	cli_registry_store_opts(&sopts, &c->reg, false);
	rc_cfg = r->target.registry_config;
	if (rc_cfg && rc_cfg->protocol == WPKG_WKG_PROTO_HTTP)
		sopts.http.plain_http = true;
	if (rc_cfg && rc_cfg->accept_invalid_certificates)
		sopts.http.insecure = true;
	if (rc_cfg && rc_cfg->ncerts && !sopts.http.ca_file) {
		if (names_ca_file(r->ca_path, sizeof(r->ca_path), rc_cfg, &c->err) < 0)
			return cli_fail(&c->err);
		sopts.http.ca_file = r->ca_path;
	}
	snprintf(repo, sizeof(repo), "%s/%s", r->target.oci_host, r->target.repository);
	if (wpkg_ref_parse(&c->ref, repo, WPKG_REF_NO_TAG, &c->err) < 0)
		return cli_fail(&c->err);
	if (c->reg.username) {
		r->cred_source = "flags";  /* -u: the flags, as every command takes them */
	} else {
		cli_log_sink(&log);
		if (names_credentials(&creds, &r->cred_source, &r->target, &log, &c->err) < 0)
			return cli_fail(&c->err);
		sopts.credentials = &creds;  /* all NULL: anonymous */
		sopts.credentials_fn = NULL;
	}
	rc = wpkg_store_open(&c->store, &c->ref, &sopts, &c->err);
	wpkg_credentials_clear(&creds);
	if (rc < 0 || wpkg_store_tags(c->store, &r->tags, &r->ntags, &c->err) < 0) {
		wpkg_error_wrap(&c->err, "resolve %s (%s)", arg, repo);
		return fail_name(r, &c->err, arg);
	}
	if (wpkg_versions_sorted(&r->sorted, &r->nsorted, (const char *const *)r->tags, r->ntags) < 0)
		return cli_fail(&c->err);
	if (wpkg_versions_choose(&r->choice, (const char *const *)r->tags, r->ntags, &r->name, &sopts.log, &c->err) < 0)
		return regcmd_fail(c, "resolve");
	snprintf(r->reference, sizeof(r->reference), "%s:%s", repo, r->choice.tag);
	rc = wpkg_store_manifest_get(c->store, r->choice.tag, &body, &r->media_type, &r->digest, &c->err);
	if (rc < 0) {
		wpkg_buf_free(&body);
		return regcmd_fail(c, "resolve");
	}
	find_layer(r, &body);
	wpkg_buf_free(&body);
	return WPKG_EXIT_OK;
}

static int run(const struct cli_command *cmd, int argc, char **argv)
{
	struct resolve r;
	struct regcmd c;
	const char *arg;
	int rc;

	memset(&r, 0, sizeof(r));
	memset(&c, 0, sizeof(c));
	c.cmd = cmd;
	cli_registry_init(&c.reg);
	cli_args_init(&c.args, cmd, argc, argv);
	if (regcmd_options(&rc, &c.args, &c.reg, on_opt, &r))
		return rc;
	if (cli_npos(&c.args) != 1)
		return cli_usage_error(cmd, "expected one NAME, got %d arguments", cli_npos(&c.args));
	arg = cli_pos(&c.args, 0);
	if (!wpkg_pkgname_is_name(arg))
		return cli_usage_error(cmd, "'%s' is not a package name: expected NAMESPACE:NAME[@VERSION] with "
				       "lower-case labels and no '/' (e.g. wasi:http@0.2.0)", arg);
	if (wpkg_pkgname_parse(&r.name, arg, &c.err) < 0)
		return cli_fail(&c.err);
	if (names_open(&r.names, r.wkg_config, &c.err) < 0) {
		rc = cli_fail(&c.err);
		goto out;
	}
	if ((rc = lookup(&r, &c, arg)) != WPKG_EXIT_OK)
		goto out;
	if (cli_g.json)
		cli_out_json(result_json(&r));
	else
		cli_out("%s %s\n", r.reference, r.digest.str);
out:
	for (size_t i = 0; i < r.ntags; i++)
		free(r.tags[i]);
	free(r.tags);
	free(r.sorted);
	free(r.media_type);
	if (r.ca_path[0])
		unlink(r.ca_path);
	names_close(&r.names);
	regcmd_end(&c);
	return cli_finish(rc);
}

const struct cli_command cli_cmd_resolve = {
	"resolve", run, "Resolve a Wasm package name (ns:name[@VERSION]) to an OCI reference and digest",
	"[OPTIONS] NAME", resolve_tables,
};
