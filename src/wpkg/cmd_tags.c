/* cmd_tags.c - wpkg tags: list the tags of a repository, layout or archive, sorted, one per line or as JSON. */
#include <stdlib.h>
#include <string.h>

#include "regcmd.h"

static const struct cli_opt *const tags_tables[] = { cli_registry_opts, NULL };

static int compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run(const struct cli_command *cmd, int argc, char **argv)
{
	struct regcmd c;
	char **tags = NULL;
	size_t n = 0, i;
	json_t *doc;
	int rc;

	rc = regcmd_begin(&c, cmd, argc, argv, NULL, NULL, 1, 1, "one REPO", WPKG_REF_NO_TAG | REGCMD_ANY_TRANSPORT);
	if (rc >= 0)
		goto out; /* --help, or a usage error already printed */
	rc = regcmd_open(&c, "tags", false);
	if (rc != WPKG_EXIT_OK)
		goto out;
	if (wpkg_store_tags(c.store, &tags, &n, &c.err) < 0) {
		rc = regcmd_fail(&c, "tags");
		goto out;
	}
	/* the spec asks registries for lexical order; not all of them keep to it */
	qsort(tags, n, sizeof(tags[0]), compare);
	if (cli_g.json) {
		doc = json_array();
		for (i = 0; doc != NULL && i < n; i++)
			json_array_append_new(doc, json_string(tags[i]));
		cli_out_json(doc);
	} else {
		for (i = 0; i < n; i++)
			cli_out("%s\n", tags[i]);
	}
out:
	for (i = 0; i < n; i++)
		free(tags[i]);
	free(tags);
	regcmd_end(&c);
	return rc;
}

const struct cli_command cli_cmd_tags = {
	"tags", run, "List the tags of a repository, layout or archive", "[OPTIONS] REPO", tags_tables,
};
