/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_tags.c - wpkg tags: list the tags of a repository, layout or archive, sorted, one per line or as JSON. */
#include <stdlib.h>
#include <string.h>

#include "cli_run.h"

static struct {
	char **tags;
	size_t n;
} tags;

static int compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run(struct cli_run *r)
{
	if (wpkg_store_tags(r->store, &tags.tags, &tags.n, &r->err) < 0)
		return cli_run_fail(r);
	/* the spec asks registries for lexical order; not all of them keep to it */
	qsort(tags.tags, tags.n, sizeof(tags.tags[0]), compare);
	return WPKG_EXIT_OK;
}

static void text(struct cli_run *r)
{
	(void)r;
	for (size_t i = 0; i < tags.n; i++)
		cli_out("%s\n", tags.tags[i]);
}

static json_t *result_json(struct cli_run *r)
{
	(void)r;
	return cli_strings_json(tags.tags, tags.n);
}

static void cleanup(struct cli_run *r)
{
	(void)r;
	for (size_t i = 0; i < tags.n; i++)
		free(tags.tags[i]);
	free(tags.tags);
}

const struct cli_command cli_cmd_tags = {
	.name = "tags",
	.summary = "List the tags of a repository, layout or archive",
	.usage = "[OPTIONS] REPO",
	.needs = CLI_REF | CLI_ANY_TRANSPORT | CLI_REF_NO_TAG | CLI_STORE | CLI_REGISTRY_OPTS,
	.min_pos = 1, .max_pos = 1, .pos_what = "one REPO",
	.run = run, .text = text, .json = result_json, .cleanup = cleanup,
};
