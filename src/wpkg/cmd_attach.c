/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_attach.c - wpkg attach: store files as an artifact referring to a manifest in a registry, layout or archive. */
#include <stdlib.h>

#include "wpkg/referrers.h"
#include "wpkg/wasm_config.h"
#include "cli_run.h"

static struct {
	struct wpkg_attach_opts opts;
	struct cli_strings annotations;
	struct wpkg_attach_result res;
} att;

static const struct cli_opt_spec attach_opts[] = {
	{ CLI_OPT_STRING, "artifact-type", 0, &att.opts.artifact_type, "TYPE",
	  "the artifact's type, e.g. application/spdx+json (required)" },
	{ CLI_OPT_STRING, "media-type", 0, &att.opts.media_type, "TYPE",
	  "media type of every FILE (default: by extension, see wpkg-attach(1))" },
	{ CLI_OPT_LIST, "annotation", 'a', &att.annotations, "KEY=VALUE", "add a manifest annotation (repeatable)" },
	CLI_OPT_END,
};

/* Refuses bad types and annotations before anything is sent. */
static int check(struct cli_run *r)
{
	const char *name = r->cmd->name;

	if (att.opts.artifact_type == NULL)
		return cli_usage_error(name, "--artifact-type is required");
	if (!wpkg_media_type_valid(att.opts.artifact_type))
		return cli_usage_error(name, "--artifact-type '%s' is not a media type (type/subtype)",
				       att.opts.artifact_type);
	if (att.opts.media_type != NULL && !wpkg_media_type_valid(att.opts.media_type))
		return cli_usage_error(name, "--media-type '%s' is not a media type (type/subtype)", att.opts.media_type);
	att.opts.annotations = json_object();
	if (att.opts.annotations == NULL)
		return wpkg_error_nomem(&r->err), cli_fail(&r->err);
	for (size_t i = 0; i < att.annotations.n; i++)
		if (wpkg_annotation_add(att.opts.annotations, att.annotations.v[i], &r->err) < 0)
			return r->err.code == WPKG_E_NOMEM ? cli_fail(&r->err) : cli_usage_error(name, "%s", r->err.msg);
	if (wpkg_build_time(&att.opts.created, &r->err) < 0)
		return cli_fail(&r->err);
	return WPKG_EXIT_OK;
}

static int run(struct cli_run *r)
{
	if (wpkg_attach(&att.res, r->store, wpkg_ref_reference(&r->ref), (const char *const *)&r->pos.v[1],
			(size_t)r->pos.n - 1, &att.opts, &r->err) < 0)
		return cli_run_fail(r);
	return WPKG_EXIT_OK;
}

static void text(struct cli_run *r)
{
	(void)r;
	cli_out("%s\n", att.res.artifact.digest.str);
}

static json_t *result_json(struct cli_run *r)
{
	const struct wpkg_attach_result *res = &att.res;
	json_t *layers = json_array();

	(void)r;
	for (size_t i = 0; layers != NULL && i < res->n_layers; i++)
		json_array_append_new(layers, cli_descriptor_json(&res->layers[i], true));
	return json_pack("{s:s, s:s, s:I, s:s, s:o, s:o*, s:o, s:s}", "digest", res->artifact.digest.str,
			 "mediaType", res->artifact.media_type, "size", (json_int_t)res->artifact.size,
			 "artifactType", res->artifact.artifact_type, "subject", wpkg_descriptor_to_json(&res->subject),
			 "annotations", json_deep_copy(res->artifact.annotations), "layers", layers, "referrers",
			 res->api ? "api" : res->tag[0] != '\0' ? res->tag : "index.json");
}

static void cleanup(struct cli_run *r)
{
	(void)r;
	wpkg_attach_result_clear(&att.res);
	json_decref(att.opts.annotations);
	cli_strings_free(&att.annotations);
}

const struct cli_command cli_cmd_attach = {
	.name = "attach",
	.summary = "Attach files to a manifest as a referring artifact (registry, layout or archive)",
	.usage = "[OPTIONS] --artifact-type TYPE REF FILE...",
	.needs = CLI_REF | CLI_ANY_TRANSPORT | CLI_STORE | CLI_COMMIT | CLI_REGISTRY_OPTS | CLI_UPLOAD_OPTS,
	.min_pos = 2, .max_pos = -1, .pos_what = "REF and at least one FILE",
	.opts = attach_opts,
	.check = check, .run = run, .text = text, .json = result_json, .cleanup = cleanup,
};
