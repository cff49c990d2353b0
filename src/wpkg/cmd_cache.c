/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_cache.c - wpkg cache ls|du|prune|clean: look into the content cache and reclaim its space. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wpkg/cache.h"
#include "cli_cache.h"
#include "cli_run.h"

static struct {
	uint64_t max_size;
	const char *older_than;
	time_t age;
	const char *what;
	struct wpkg_cache_entry *v;
	size_t n, removed;
	uint64_t total, bytes;
} res;

static const struct cli_opt_spec cache_opts[] = {
	{ CLI_OPT_BYTES, "max-size", 0, &res.max_size, "SIZE",
	  "prune: keep at most SIZE bytes (K, M, G suffixes; default 2G)", .min = 0, .example = "500M" },
	{ CLI_OPT_STRING, "older-than", 0, &res.older_than, "AGE",
	  "prune: also remove what was unused for AGE (e.g. 30d, 12h, 45m, 90s)" },
	CLI_OPT_END,
};

/* "30d", "12h", "45m", "90s" or plain seconds. */
static int parse_age(time_t *out, const char *arg)
{
	char *end;
	unsigned long long v = strtoull(arg, &end, 10);
	unsigned long long unit = 1;

	if (end != arg && arg[0] != '-' && end[0] != '\0' && end[1] == '\0') {
		switch (*end) {
		case 'd': unit = 86400; end++; break;
		case 'h': unit = 3600; end++; break;
		case 'm': unit = 60; end++; break;
		case 's': end++; break;
		}
	}
	if (end == arg || *end != '\0' || arg[0] == '-' || v == 0 || v > 100ULL * 365 * 86400 / unit)
		return cli_usage_error(cli_prog, "--older-than: '%s' is not an age (e.g. 30d, 12h, 45m, 90s)", arg);
	*out = (time_t)(v * unit);
	return WPKG_EXIT_OK;
}

static int check(struct cli_run *r)
{
	static const char *const whats[] = { "ls", "du", "prune", "clean", NULL };
	size_t i;

	res.what = r->pos.v[0];
	for (i = 0; whats[i] != NULL && strcmp(whats[i], res.what) != 0; i++)
		;
	if (whats[i] == NULL)
		return cli_usage_error(cli_prog, "unknown cache command '%s' (expected ls, du, prune or clean)", res.what);
	if ((res.max_size != 0 || res.older_than != NULL) && strcmp(res.what, "prune") != 0)
		return cli_usage_error(cli_prog, "--max-size and --older-than go with prune");
	if (res.older_than != NULL && parse_age(&res.age, res.older_than) != WPKG_EXIT_OK)
		return WPKG_EXIT_USAGE;
	return WPKG_EXIT_OK;
}

static int run(struct cli_run *r)
{
	size_t i;
	int rc;

	if (strcmp(res.what, "ls") == 0 || strcmp(res.what, "du") == 0) {
		rc = wpkg_cache_list(&res.v, &res.n, cli_cache_dir(), &r->err);
		for (i = 0; rc == 0 && i < res.n; i++)
			res.total += res.v[i].size;
	} else if (strcmp(res.what, "prune") == 0) {
		rc = wpkg_cache_prune(cli_cache_dir(), res.max_size ? res.max_size : WPKG_CACHE_DEFAULT_MAX, res.age,
				      time(NULL), false, &res.removed, &res.bytes, &r->err);
	} else {
		rc = wpkg_cache_prune(cli_cache_dir(), 0, 0, time(NULL), true, &res.removed, &res.bytes, &r->err);
	}
	return rc < 0 ? cli_fail(&r->err) : WPKG_EXIT_OK;
}

static void text(struct cli_run *r)
{
	char when[32];
	size_t i;

	(void)r;
	if (strcmp(res.what, "du") == 0) {
		cli_out("%zu blobs, %llu bytes\n", res.n, (unsigned long long)res.total);
	} else if (strcmp(res.what, "ls") == 0) {
		for (i = 0; i < res.n; i++) {
			strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&res.v[i].used));
			cli_out("%s %llu %s\n", res.v[i].digest, (unsigned long long)res.v[i].size, when);
		}
	} else {
		cli_out("removed %zu blobs, %llu bytes\n", res.removed, (unsigned long long)res.bytes);
	}
}

static json_t *result_json(struct cli_run *r)
{
	json_t *doc;
	size_t i;

	(void)r;
	if (strcmp(res.what, "du") == 0)
		return json_pack("{sIsI}", "blobs", (json_int_t)res.n, "bytes", (json_int_t)res.total);
	if (strcmp(res.what, "ls") != 0)
		return json_pack("{sIsI}", "removed", (json_int_t)res.removed, "bytes", (json_int_t)res.bytes);
	doc = json_array();
	for (i = 0; doc != NULL && i < res.n; i++)
		json_array_append_new(doc, json_pack("{sssIsI}", "digest", res.v[i].digest, "size",
						     (json_int_t)res.v[i].size, "used", (json_int_t)res.v[i].used));
	return doc;
}

static void cleanup(struct cli_run *r)
{
	(void)r;
	free(res.v);
	res.v = NULL;
}

const struct cli_command cli_cmd_cache = {
	.name = "cache",
	.summary = "List, measure and prune the content cache",
	.usage = "[OPTIONS] ls|du|prune|clean",
	.min_pos = 1, .max_pos = 1, .pos_what = "one of ls, du, prune, clean",
	.opts = cache_opts, .check = check, .run = run, .text = text, .json = result_json, .cleanup = cleanup,
};
