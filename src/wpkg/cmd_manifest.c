/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_manifest.c - wpkg manifest fetch|fetch-config REF: a manifest's exact bytes, its descriptor, or its config. */
#include <string.h>

#include "wpkg/buf.h"
#include "cli_run.h"

#define CONFIG_MAX ((size_t)4 << 20)

static struct {
	bool descriptor;          /* --descriptor */
	bool config;              /* the verb is fetch-config */
	struct wpkg_buf body;
	char *media_type;
	struct wpkg_digest digest;
	struct wpkg_buf config_body;
	bool have;
} man;

static const struct cli_opt_spec manifest_opts[] = {
	{ CLI_OPT_SWITCH, "descriptor", 0, &man.descriptor, NULL,
	  "fetch: print the manifest's descriptor (mediaType, digest, size) instead of its bytes" },
	CLI_OPT_END,
};

static int check(struct cli_run *r)
{
	const char *verb = r->pos.v[0];

	if (strcmp(verb, "fetch-config") == 0)
		man.config = true;
	else if (strcmp(verb, "fetch") != 0)
		return cli_usage_error(r->cmd->name, "'%s' is not a manifest verb: fetch or fetch-config", verb);
	if (man.config && man.descriptor)
		return cli_usage_error(r->cmd->name, "--descriptor goes with fetch, not fetch-config");
	return WPKG_EXIT_OK;
}

static int run(struct cli_run *r)
{
	struct wpkg_manifest *m = NULL;
	int rc;

	wpkg_buf_init(&man.body);
	wpkg_buf_init(&man.config_body);
	man.have = true;
	if (wpkg_store_manifest_get(r->store, wpkg_ref_reference(&r->ref), &man.body, &man.media_type, &man.digest,
				    &r->err) < 0)
		return cli_run_fail(r);
	if (!man.config)
		return WPKG_EXIT_OK;
	if (man.media_type != NULL && (strcmp(man.media_type, WPKG_MT_OCI_INDEX) == 0 ||
				       strcmp(man.media_type, WPKG_MT_DOCKER_LIST) == 0)) {
		wpkg_error_set(&r->err, WPKG_E_INVALID, "%s is an index, which has no config: pick one of its manifests "
			       "(wpkg manifest fetch shows them) and name it by digest", man.digest.str);
		return cli_run_fail(r);
	}
	if (wpkg_manifest_parse(&m, man.body.data, man.body.len, &r->err) < 0)
		return cli_run_fail(r);
	rc = wpkg_store_blob_get_buf(r->store, &m->config.digest, CONFIG_MAX, &man.config_body, &r->err);
	wpkg_manifest_free(m);
	return rc < 0 ? cli_run_fail(r) : WPKG_EXIT_OK;
}

static void write_bytes(const struct wpkg_buf *b)
{
	/* exact bytes: a digest taken of the output must be the manifest's (cli_finish reports a write error) */
	fwrite(b->data, 1, b->len, stdout);
}

static void text(struct cli_run *r)
{
	(void)r;
	if (man.descriptor)
		cli_out_json(json_pack("{s:s?, s:s, s:I}", "mediaType", man.media_type, "digest", man.digest.str,
				       "size", (json_int_t)man.body.len));
	else
		write_bytes(man.config ? &man.config_body : &man.body);
}

static void cleanup(struct cli_run *r)
{
	(void)r;
	if (!man.have)
		return;
	wpkg_buf_free(&man.body);
	wpkg_buf_free(&man.config_body);
	free(man.media_type);
}

/* --format json prints the same: the document is JSON already, and the descriptor is one JSON object. */
const struct cli_command cli_cmd_manifest = {
	.name = "manifest",
	.summary = "Fetch a manifest's exact bytes (fetch [--descriptor]) or its config blob (fetch-config)",
	.usage = "[OPTIONS] fetch|fetch-config REF",
	.needs = CLI_VERB | CLI_REF | CLI_ANY_TRANSPORT | CLI_STORE | CLI_REGISTRY_OPTS,
	.min_pos = 2, .max_pos = 2, .pos_what = "fetch or fetch-config and one REF",
	.opts = manifest_opts,
	.check = check, .run = run, .text = text, .cleanup = cleanup,
};
