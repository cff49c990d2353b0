/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_tag.c - wpkg tag: give a manifest already in a registry, layout or archive more tags, copying no blob. */
#include <stdlib.h>

#include "wpkg/push.h"
#include "cli_run.h"

static struct wpkg_digest digest;

/* bad tags are refused before anything is sent */
static int check(struct cli_run *r)
{
	for (int i = 1; i < r->pos.n; i++)
		if (wpkg_push_check_tag(r->pos.v[i], &r->err) < 0)
			return cli_fail(&r->err);
	return WPKG_EXIT_OK;
}

static int run(struct cli_run *r)
{
	if (wpkg_push_retag(&digest, r->store, wpkg_ref_reference(&r->ref), (const char *const *)&r->pos.v[1],
			    (size_t)r->pos.n - 1, &r->err) < 0)
		return cli_run_fail(r);
	return WPKG_EXIT_OK;
}

static void text(struct cli_run *r)
{
	for (int i = 1; i < r->pos.n; i++) {
		char *name = cli_ref_with(&r->ref, ':', r->pos.v[i]);

		cli_out("%s\n", name != NULL ? name : r->pos.v[i]);
		free(name);
	}
}

static json_t *result_json(struct cli_run *r)
{
	return json_pack("{s:s?, s:s, s:o}", "repository", r->ref.repository, "digest", digest.str, "tags",
			 cli_strings_json(&r->pos.v[1], (size_t)r->pos.n - 1));
}

const struct cli_command cli_cmd_tag = {
	.name = "tag",
	.summary = "Add tags to a manifest in a registry, layout or archive",
	.usage = "[OPTIONS] REF NEWTAG...",
	.needs = CLI_REF | CLI_ANY_TRANSPORT | CLI_STORE | CLI_COMMIT | CLI_REGISTRY_OPTS,
	.min_pos = 2, .max_pos = -1, .pos_what = "REF and at least one NEWTAG",
	.check = check, .run = run, .text = text, .json = result_json,
};
