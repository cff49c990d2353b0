/* cmd_delete.c - wpkg delete: remove a manifest (named by tag or digest) from a registry, layout or archive. */
#include <stdlib.h>

#include "wpkg/push.h"
#include "regcmd.h"

static const struct cli_opt *const delete_tables[] = { cli_registry_opts, NULL };

static int run(const struct cli_command *cmd, int argc, char **argv)
{
	struct regcmd c;
	struct wpkg_digest digest;
	char *name = NULL;
	int rc;

	rc = regcmd_begin(&c, cmd, argc, argv, NULL, NULL, 1, 1, "one REF", REGCMD_ANY_TRANSPORT);
	if (rc >= 0)
		goto out;
	if (c.ref.tag == NULL && c.ref.digest == NULL) {
		/* deleting "latest" by default would be a nasty surprise */
		rc = cli_usage_error(cmd, "'%s': name the tag or digest to delete", cli_pos(&c.args, 0));
		goto out;
	}
	rc = regcmd_open(&c, "delete", false);
	if (rc != WPKG_EXIT_OK)
		goto out;
	if (wpkg_store_delete(&digest, c.store, wpkg_ref_reference(&c.ref), &c.err) < 0) {
		rc = regcmd_fail(&c, "delete");
		goto out;
	}
	rc = regcmd_commit(&c, "delete");
	if (rc != WPKG_EXIT_OK)
		goto out;
	name = regcmd_ref_with(&c.ref, '@', digest.str);
	if (cli_g.json)
		cli_out_json(json_pack("{s:s?, s:s, s:s?}", "deleted", name, "digest", digest.str, "tag", c.ref.tag));
	else if (c.ref.tag != NULL)
		cli_out("deleted %s (was tag %s; every tag of this manifest is gone)\n", name ? name : digest.str,
			c.ref.tag);
	else
		cli_out("deleted %s\n", name ? name : digest.str);
out:
	free(name);
	regcmd_end(&c);
	return rc;
}

const struct cli_command cli_cmd_delete = {
	"delete", run, "Delete a manifest from a registry, layout or archive", "[OPTIONS] REF", delete_tables,
};
