/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_discover.c - wpkg discover: list the artifacts that refer to a manifest, as a table or JSON. */
#include <stdio.h>
#include <string.h>

#include "wpkg/referrers.h"
#include "cli_run.h"

static struct {
	const char *artifact_type;
	struct wpkg_referrers found;
} disc;

static const struct cli_opt_spec discover_opts[] = {
	{ CLI_OPT_STRING, "artifact-type", 0, &disc.artifact_type, "TYPE",
	  "list only the referrers of this artifact type" },
	CLI_OPT_END,
};

/* An annotation of d, or "-" so that every row has every column. */
static const char *annotation(const struct wpkg_descriptor *d, const char *key)
{
	const char *v = json_string_value(json_object_get(d->annotations, key));

	return v != NULL && v[0] != '\0' ? v : "-";
}

/* DIGEST ARTIFACT-TYPE SIZE CREATED [TITLE], the middle columns padded to their widest entry. */
static void print_table(const struct wpkg_index *ix)
{
	int type_w = 0, size_w = 0, w;
	char size[24];
	size_t i;

	for (i = 0; i < ix->n_manifests; i++) {
		const struct wpkg_descriptor *d = &ix->manifests[i];

		w = (int)strlen(d->artifact_type ? d->artifact_type : "-");
		type_w = w > type_w ? w : type_w;
		w = snprintf(size, sizeof(size), "%lld", (long long)d->size);
		size_w = w > size_w ? w : size_w;
	}
	for (i = 0; i < ix->n_manifests; i++) {
		const struct wpkg_descriptor *d = &ix->manifests[i];
		const char *title = json_string_value(json_object_get(d->annotations, WPKG_ANNOT_TITLE));

		cli_out("%s  %-*s  %*lld  %s%s%s\n", d->digest.str, type_w, d->artifact_type ? d->artifact_type : "-",
			size_w, (long long)d->size, annotation(d, WPKG_ANNOT_CREATED), title ? "  " : "",
			title ? title : "");
	}
}

static int check(struct cli_run *r)
{
	if (disc.artifact_type != NULL && !wpkg_media_type_valid(disc.artifact_type))
		return cli_usage_error(r->cmd->name, "--artifact-type '%s' is not a media type (type/subtype)",
				       disc.artifact_type);
	return WPKG_EXIT_OK;
}

static int run(struct cli_run *r)
{
	if (wpkg_discover(&disc.found, r->store, wpkg_ref_reference(&r->ref), disc.artifact_type, &r->err) < 0)
		return cli_run_fail(r);
	return WPKG_EXIT_OK;
}

static void text(struct cli_run *r)
{
	(void)r;
	print_table(disc.found.index);
}

static json_t *result_json(struct cli_run *r)
{
	json_t *list = json_array();

	(void)r;
	for (size_t i = 0; list != NULL && i < disc.found.index->n_manifests; i++)
		json_array_append_new(list, wpkg_descriptor_to_json(&disc.found.index->manifests[i]));
	return list;
}

static void cleanup(struct cli_run *r)
{
	(void)r;
	wpkg_referrers_clear(&disc.found);
}

const struct cli_command cli_cmd_discover = {
	.name = "discover",
	.summary = "List the artifacts that refer to a manifest (signatures, SBOMs, ...)",
	.usage = "[OPTIONS] REF",
	.needs = CLI_REF | CLI_ANY_TRANSPORT | CLI_STORE | CLI_REGISTRY_OPTS,
	.min_pos = 1, .max_pos = 1, .pos_what = "one REF",
	.opts = discover_opts,
	.check = check, .run = run, .text = text, .json = result_json, .cleanup = cleanup,
};
