/* cmd_tag.c - wpkg tag: give a manifest already in a registry, layout or archive more tags, copying no blob. */
#include <stdlib.h>

#include "wpkg/push.h"
#include "regcmd.h"

static const struct cli_opt *const tag_tables[] = { cli_registry_opts, NULL };

static void print_result(const struct regcmd *c, const struct wpkg_digest *digest, const char *const *tags,
			 int n)
{
	json_t *list;
	char *name;
	int i;

	if (cli_g.json) {
		list = json_array();
		for (i = 0; list != NULL && i < n; i++)
			json_array_append_new(list, json_string(tags[i]));
		cli_out_json(json_pack("{s:s?, s:s, s:o}", "repository", c->ref.repository, "digest", digest->str,
				       "tags", list));
		return;
	}
	for (i = 0; i < n; i++) {
		name = regcmd_ref_with(&c->ref, ':', tags[i]);
		cli_out("%s\n", name != NULL ? name : tags[i]);
		free(name);
	}
}

static int run(const struct cli_command *cmd, int argc, char **argv)
{
	struct regcmd c;
	struct wpkg_digest digest;
	const char *const *tags;
	int rc, n, i;

	rc = regcmd_begin(&c, cmd, argc, argv, NULL, NULL, 2, argc, "REF and at least one NEWTAG", REGCMD_ANY_TRANSPORT);
	if (rc >= 0)
		goto out;
	n = cli_npos(&c.args) - 1;
	tags = (const char *const *)&c.args.argv[c.args.index + 1];
	/* bad tags are refused before anything is sent */
	for (i = 0; i < n; i++)
		if (wpkg_push_check_tag(tags[i], &c.err) < 0) {
			rc = cli_fail(&c.err);
			goto out;
		}
	rc = regcmd_open(&c, "tag", false);
	if (rc != WPKG_EXIT_OK)
		goto out;
	if (wpkg_push_retag(&digest, c.store, wpkg_ref_reference(&c.ref), tags, (size_t)n, &c.err) < 0) {
		rc = regcmd_fail(&c, "tag");
		goto out;
	}
	rc = regcmd_commit(&c, "tag");
	if (rc != WPKG_EXIT_OK)
		goto out;
	print_result(&c, &digest, tags, n);
out:
	regcmd_end(&c);
	return rc;
}

const struct cli_command cli_cmd_tag = {
	"tag", run, "Add tags to a manifest in a registry, layout or archive", "[OPTIONS] REF NEWTAG...", tag_tables,
};
