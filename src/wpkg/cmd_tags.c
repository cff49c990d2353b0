/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_tags.c - wpkg tags: list the tags of a repository, layout or archive, sorted; a package's versions. */
#include <stdlib.h>
#include <string.h>

#include "wpkg/versions.h"
#include "cli_run.h"

static struct {
	long limit, max_pages;   /* --limit, --max-pages; 0: not given */
	char **tags;
	size_t n;
	const char **shown;   /* what is printed: the tags, or a package name's versions in semver order */
	size_t nshown;
} tags;

static int compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const struct cli_opt_spec tags_opts[] = {
	{ CLI_OPT_NUMBER, "limit", 0, &tags.limit, "N", "list at most N tags (the first N the store lists)",
	  1, 1000000000L, "a tag count" },
	{ CLI_OPT_NUMBER, "max-pages", 0, &tags.max_pages, "N",
	  "read at most N pages of a registry's tag list (default 10000; more: exit 3)",
	  1, 1000000000L, "a page count" },
	CLI_OPT_END,
};

/* A listing cut short must not pass for the whole: the list is still printed, and the status says it is not all. */
static void warn_capped(struct cli_run *r, size_t max_pages)
{
	size_t cap = max_pages ? max_pages : 10000;

	cli_warn("tags %s: the registry has more than %zu pages of tags; only the %zu tags of the first %zu are listed "
		 "(use --max-pages N to read further, or --limit N to ask for a part)", r->ref_arg, cap, tags.n, cap);
	r->partial = WPKG_EXIT_BAD_INPUT;
}

static int run(struct cli_run *r)
{
	struct wpkg_tags_opts o = WPKG_TAGS_OPTS_INIT;
	bool capped;

	/* a package name's limit counts versions, which are known only once every tag is */
	o.limit = r->name != NULL ? 0 : (size_t)tags.limit;
	o.max_pages = (size_t)tags.max_pages;
	if (wpkg_store_tags_list(r->store, &o, &tags.tags, &tags.n, &capped, &r->err) < 0)
		return cli_run_fail(r);
	if (capped)
		warn_capped(r, o.max_pages);
	/* the spec asks registries for lexical order; not all of them keep to it */
	if (tags.n > 1) /* no array at all when there are no tags */
		qsort(tags.tags, tags.n, sizeof(tags.tags[0]), compare);
	if (r->name != NULL) {
		/* a package name lists its versions, as wkg counts them: strict semver tags only, by precedence */
		if (wpkg_versions_sorted(&tags.shown, &tags.nshown, (const char *const *)tags.tags, tags.n) < 0)
			return wpkg_error_set(&r->err, WPKG_E_NOMEM, "out of memory"), cli_run_fail(r);
		for (size_t i = 0; cli_g.debug && i < tags.n; i++) {
			struct wpkg_semver v;
			struct wpkg_error ignored;

			if (wpkg_semver_parse(&v, tags.tags[i], &ignored) < 0)
				cli_note("tag '%s' is not a version (strict semver): not listed", tags.tags[i]);
		}
		if (tags.limit > 0 && tags.nshown > (size_t)tags.limit)
			tags.nshown = (size_t)tags.limit;
		return WPKG_EXIT_OK;
	}
	tags.shown = malloc((tags.n ? tags.n : 1) * sizeof(tags.shown[0]));
	if (tags.shown == NULL)
		return wpkg_error_set(&r->err, WPKG_E_NOMEM, "out of memory"), cli_run_fail(r);
	for (size_t i = 0; i < tags.n; i++)
		tags.shown[i] = tags.tags[i];
	tags.nshown = tags.n;
	return WPKG_EXIT_OK;
}

static void text(struct cli_run *r)
{
	(void)r;
	for (size_t i = 0; i < tags.nshown; i++)
		cli_out("%s\n", tags.shown[i]);
}

static json_t *result_json(struct cli_run *r)
{
	(void)r;
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < tags.nshown; i++)
		json_array_append_new(a, json_string(tags.shown[i]));
	return a;
}

static void cleanup(struct cli_run *r)
{
	(void)r;
	for (size_t i = 0; i < tags.n; i++)
		free(tags.tags[i]);
	free(tags.tags);
	free(tags.shown);
}

const struct cli_command cli_cmd_tags = {
	.name = "tags",
	.summary = "List the tags of a repository, layout or archive",
	.usage = "[OPTIONS] REPO|NAMESPACE:NAME",
	.needs = CLI_REF | CLI_ANY_TRANSPORT | CLI_REF_NO_TAG | CLI_STORE | CLI_REGISTRY_OPTS,
	.min_pos = 1, .max_pos = 1, .pos_what = "one REPO",
	.opts = tags_opts, .run = run, .text = text, .json = result_json, .cleanup = cleanup,
};
