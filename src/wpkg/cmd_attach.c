/* cmd_attach.c - wpkg attach: store files as an artifact referring to a manifest in a registry, layout or archive. */
#include <stdlib.h>

#include "wpkg/referrers.h"
#include "wpkg/wasm_config.h"
#include "regcmd.h"

enum { OPT_ARTIFACT_TYPE = 1, OPT_MEDIA_TYPE, OPT_ANNOTATION };

static const struct cli_opt attach_opts[] = {
	{ "artifact-type", 0, "TYPE", "the artifact's type, e.g. application/spdx+json (required)", OPT_ARTIFACT_TYPE },
	{ "media-type", 0, "TYPE", "media type of every FILE (default: by extension, see wpkg-attach(1))",
	  OPT_MEDIA_TYPE },
	{ "annotation", 'a', "KEY=VALUE", "add a manifest annotation (repeatable)", OPT_ANNOTATION },
	CLI_OPT_END,
};
static const struct cli_opt *const attach_tables[] = { attach_opts, cli_registry_opts, NULL };

struct attach {
	const struct cli_command *cmd;
	struct wpkg_attach_opts opts;
	struct wpkg_error err;
};

static int option(void *ctx, int id, const char *arg)
{
	struct attach *a = ctx;

	switch (id) {
	case OPT_ARTIFACT_TYPE:
		a->opts.artifact_type = arg;
		return 1;
	case OPT_MEDIA_TYPE:
		a->opts.media_type = arg;
		return 1;
	case OPT_ANNOTATION:
		if (wpkg_annotation_add(a->opts.annotations, arg, &a->err) < 0) {
			cli_usage_error(a->cmd, "%s", a->err.msg);
			return CLI_ERROR;
		}
		return 1;
	default:
		return 0;
	}
}

/* Refuses bad types before anything is sent. */
static int check_types(const struct attach *a)
{
	if (a->opts.artifact_type == NULL)
		return cli_usage_error(a->cmd, "--artifact-type is required");
	if (!wpkg_media_type_valid(a->opts.artifact_type))
		return cli_usage_error(a->cmd, "--artifact-type '%s' is not a media type (type/subtype)",
				       a->opts.artifact_type);
	if (a->opts.media_type != NULL && !wpkg_media_type_valid(a->opts.media_type))
		return cli_usage_error(a->cmd, "--media-type '%s' is not a media type (type/subtype)",
				       a->opts.media_type);
	return WPKG_EXIT_OK;
}

static void print_result(const struct wpkg_attach_result *res)
{
	json_t *layers;
	size_t i;

	if (!cli_g.json) {
		cli_out("%s\n", res->artifact.digest.str);
		return;
	}
	layers = json_array();
	for (i = 0; layers != NULL && i < res->n_layers; i++)
		json_array_append_new(layers, regcmd_descriptor_json(&res->layers[i], true));
	cli_out_json(json_pack("{s:s, s:s, s:I, s:s, s:o, s:o*, s:o, s:s}", "digest", res->artifact.digest.str,
			       "mediaType", res->artifact.media_type, "size", (json_int_t)res->artifact.size,
			       "artifactType", res->artifact.artifact_type, "subject",
			       wpkg_descriptor_to_json(&res->subject), "annotations",
			       json_deep_copy(res->artifact.annotations), "layers", layers, "referrers",
			       res->api ? "api" : res->tag[0] != '\0' ? res->tag : "index.json"));
}

static int run(const struct cli_command *cmd, int argc, char **argv)
{
	struct wpkg_attach_result res = { 0 };
	struct attach a = { cmd, { 0 }, { 0 } };
	const char *const *files;
	struct regcmd c;
	size_t n;
	int rc;

	a.opts.annotations = json_object();
	if (a.opts.annotations == NULL) {
		wpkg_error_set(&a.err, WPKG_E_NOMEM, "out of memory");
		return cli_fail(&a.err);
	}
	rc = regcmd_begin(&c, cmd, argc, argv, option, &a, 2, argc, "REF and at least one FILE", REGCMD_ANY_TRANSPORT);
	if (rc >= 0)
		goto out;
	rc = check_types(&a);
	if (rc == WPKG_EXIT_OK && wpkg_build_time(&a.opts.created, &c.err) < 0)
		rc = cli_fail(&c.err);
	if (rc == WPKG_EXIT_OK)
		rc = regcmd_open(&c, "attach", false);
	if (rc != WPKG_EXIT_OK)
		goto out;
	n = (size_t)cli_npos(&c.args) - 1;
	files = (const char *const *)&c.args.argv[c.args.index + 1];
	if (wpkg_attach(&res, c.store, wpkg_ref_reference(&c.ref), files, n, &a.opts, &c.err) < 0) {
		rc = regcmd_fail(&c, "attach");
		goto out;
	}
	rc = regcmd_commit(&c, "attach");
	if (rc == WPKG_EXIT_OK)
		print_result(&res);
out:
	wpkg_attach_result_clear(&res);
	json_decref(a.opts.annotations);
	regcmd_end(&c);
	return rc;
}

const struct cli_command cli_cmd_attach = {
	"attach", run, "Attach files to a manifest as a referring artifact (registry, layout or archive)",
	"[OPTIONS] --artifact-type TYPE REF FILE...", attach_tables,
};
