/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_delete.c - wpkg delete: remove a manifest (named by tag or digest) from a registry, layout or archive. */
#include <stdlib.h>

#include "cli_run.h"

static struct wpkg_digest digest;

static int check(struct cli_run *r)
{
	/* deleting "latest" by default would be a nasty surprise */
	if (r->ref.tag == NULL && r->ref.digest == NULL)
		return cli_usage_error(r->cmd->name, "'%s': name the tag or digest to delete", r->pos.v[0]);
	return WPKG_EXIT_OK;
}

static int run(struct cli_run *r)
{
	if (wpkg_store_delete(&digest, r->store, wpkg_ref_reference(&r->ref), &r->err) < 0)
		return cli_run_fail(r);
	return WPKG_EXIT_OK;
}

static void text(struct cli_run *r)
{
	char *name = cli_ref_with(&r->ref, '@', digest.str);

	if (r->ref.tag != NULL)
		cli_out("deleted %s (was tag %s; every tag of this manifest is gone)\n", name ? name : digest.str,
			r->ref.tag);
	else
		cli_out("deleted %s\n", name ? name : digest.str);
	free(name);
}

static json_t *result_json(struct cli_run *r)
{
	char *name = cli_ref_with(&r->ref, '@', digest.str);
	json_t *doc = json_pack("{s:s?, s:s, s:s?}", "deleted", name, "digest", digest.str, "tag", r->ref.tag);

	free(name);
	return doc;
}

const struct cli_command cli_cmd_delete = {
	.name = "delete",
	.summary = "Delete a manifest from a registry, layout or archive",
	.usage = "[OPTIONS] REF",
	.needs = CLI_REF | CLI_ANY_TRANSPORT | CLI_STORE | CLI_COMMIT | CLI_REGISTRY_OPTS,
	.min_pos = 1, .max_pos = 1, .pos_what = "one REF",
	.check = check, .run = run, .text = text, .json = result_json,
};
