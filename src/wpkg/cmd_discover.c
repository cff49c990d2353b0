/* cmd_discover.c - wpkg discover: list the artifacts that refer to a manifest, as a table or JSON. */
#include <stdio.h>
#include <string.h>

#include "wpkg/referrers.h"
#include "regcmd.h"

enum { OPT_ARTIFACT_TYPE = 1 };

static const struct cli_opt discover_opts[] = {
	{ "artifact-type", 0, "TYPE", "list only the referrers of this artifact type", OPT_ARTIFACT_TYPE },
	CLI_OPT_END,
};
static const struct cli_opt *const discover_tables[] = { discover_opts, cli_registry_opts, NULL };

static int option(void *ctx, int id, const char *arg)
{
	if (id != OPT_ARTIFACT_TYPE)
		return 0;
	*(const char **)ctx = arg;
	return 1;
}

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

static int run(const struct cli_command *cmd, int argc, char **argv)
{
	struct wpkg_referrers found = { 0 };
	const char *artifact_type = NULL;
	struct regcmd c;
	json_t *list;
	size_t i;
	int rc;

	rc = regcmd_begin(&c, cmd, argc, argv, option, &artifact_type, 1, 1, "one REF", REGCMD_ANY_TRANSPORT);
	if (rc >= 0)
		goto out;
	if (artifact_type != NULL && !wpkg_media_type_valid(artifact_type))
		rc = cli_usage_error(cmd, "--artifact-type '%s' is not a media type (type/subtype)", artifact_type);
	else
		rc = regcmd_open(&c, "discover", false);
	if (rc != WPKG_EXIT_OK)
		goto out;
	if (wpkg_discover(&found, c.store, wpkg_ref_reference(&c.ref), artifact_type, &c.err) < 0) {
		rc = regcmd_fail(&c, "discover");
		goto out;
	}
	if (cli_g.json) {
		list = json_array();
		for (i = 0; list != NULL && i < found.index->n_manifests; i++)
			json_array_append_new(list, wpkg_descriptor_to_json(&found.index->manifests[i]));
		cli_out_json(list);
	} else {
		print_table(found.index);
	}
out:
	wpkg_referrers_clear(&found);
	regcmd_end(&c);
	return rc;
}

const struct cli_command cli_cmd_discover = {
	"discover", run, "List the artifacts that refer to a manifest (signatures, SBOMs, ...)", "[OPTIONS] REF",
	discover_tables,
};
