/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_cache.c - wpkg cache ls|du|prune|clean: look into the content cache and reclaim its space. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wpkg/cache.h"
#include "cli.h"
#include "exitcodes.h"

enum { OPT_MAX_SIZE = 1, OPT_OLDER_THAN };

static const struct cli_opt cache_opts[] = {
	{ "max-size", 0, "SIZE", "prune: keep at most SIZE bytes (K, M, G suffixes; default 2G)", OPT_MAX_SIZE },
	{ "older-than", 0, "AGE", "prune: also remove what was unused for AGE (e.g. 30d, 12h, 45m, 90s)",
	  OPT_OLDER_THAN },
	CLI_OPT_END,
};
static const struct cli_opt *const cache_tables[] = { cache_opts, NULL };

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
	if (end == arg || *end != '\0' || arg[0] == '-' || v == 0 || v > 100ULL * 365 * 86400 / unit) {
		cli_usage_error(NULL, "--older-than: '%s' is not an age (e.g. 30d, 12h, 45m, 90s)", arg);
		return CLI_ERROR;
	}
	*out = (time_t)(v * unit);
	return 1;
}

static int list(bool totals_only)
{
	struct wpkg_cache_entry *v = NULL;
	struct wpkg_error err = { 0 };
	uint64_t total = 0;
	size_t n = 0, i;
	json_t *doc = NULL;
	char when[32];

	if (wpkg_cache_list(&v, &n, &err) < 0)
		return cli_fail(&err);
	for (i = 0; i < n; i++)
		total += v[i].size;
	if (cli_g.json) {
		if (totals_only) {
			doc = json_pack("{sIsI}", "blobs", (json_int_t)n, "bytes", (json_int_t)total);
		} else {
			doc = json_array();
			for (i = 0; doc != NULL && i < n; i++)
				json_array_append_new(doc, json_pack("{sssIsI}", "digest", v[i].digest, "size",
								     (json_int_t)v[i].size, "used", (json_int_t)v[i].used));
		}
		cli_out_json(doc);
	} else if (totals_only) {
		cli_out("%zu blobs, %llu bytes\n", n, (unsigned long long)total);
	} else {
		for (i = 0; i < n; i++) {
			strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&v[i].used));
			cli_out("%s %llu %s\n", v[i].digest, (unsigned long long)v[i].size, when);
		}
	}
	free(v);
	return WPKG_EXIT_OK;
}

static int prune(uint64_t max_size, time_t older_than, bool clean)
{
	struct wpkg_error err = { 0 };
	uint64_t bytes = 0;
	size_t removed = 0;

	if (wpkg_cache_prune(max_size, older_than, time(NULL), clean, &removed, &bytes, &err) < 0)
		return cli_fail(&err);
	if (cli_g.json)
		cli_out_json(json_pack("{sIsI}", "removed", (json_int_t)removed, "bytes", (json_int_t)bytes));
	else if (!cli_g.quiet)
		cli_out("removed %zu blobs, %llu bytes\n", removed, (unsigned long long)bytes);
	return WPKG_EXIT_OK;
}

static int run(const struct cli_command *cmd, int argc, char **argv)
{
	uint64_t max_size = WPKG_CACHE_DEFAULT_MAX;
	time_t older_than = 0;
	bool sized = false;
	struct cli_args a;
	const char *arg, *what;
	int id;

	cli_args_init(&a, cmd, argc, argv);
	while ((id = cli_getopt(&a, &arg)) > 0) {
		if (id == OPT_MAX_SIZE && cli_parse_bytes(&max_size, "max-size", arg, 0, "500M") != 1)
			return WPKG_EXIT_USAGE;
		if (id == OPT_OLDER_THAN && parse_age(&older_than, arg) != 1)
			return WPKG_EXIT_USAGE;
		sized |= id == OPT_MAX_SIZE || id == OPT_OLDER_THAN;
	}
	if (id == CLI_HELP)
		return WPKG_EXIT_OK;
	if (id == CLI_ERROR)
		return WPKG_EXIT_USAGE;
	if (cli_npos(&a) != 1)
		return cli_usage_error(cmd, "expected one of ls, du, prune, clean");
	what = cli_pos(&a, 0);
	if (sized && strcmp(what, "prune") != 0)
		return cli_usage_error(cmd, "--max-size and --older-than go with prune");
	if (strcmp(what, "ls") == 0 || strcmp(what, "du") == 0)
		return list(strcmp(what, "du") == 0);
	if (strcmp(what, "prune") == 0)
		return prune(max_size, older_than, false);
	if (strcmp(what, "clean") == 0)
		return prune(0, 0, true);
	return cli_usage_error(cmd, "unknown cache command '%s' (expected ls, du, prune or clean)", what);
}

const struct cli_command cli_cmd_cache = {
	"cache", run, "List, measure and prune the content cache", "[OPTIONS] ls|du|prune|clean", cache_tables,
};
