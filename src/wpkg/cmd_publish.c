/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_publish.c - wpkg publish: wpkg push under the ns:name@version a WIT package carries, as wkg publish reads it. */
#include <stdio.h>
#include <string.h>

#include "wpkg/wasm.h"
#include "cli_run.h"

static struct {
	char name[1024];   /* "ns:name@version" from the file */
	char *pos[2];      /* the positionals push takes: NAME FILE */
} pub;

/*
 * wkg publish takes the name and version from the package wit-component
 * decodes: a WIT package names its own; a component decodes as the world of
 * root:component, which has no version, so wkg refuses it (and so does this).
 */
static int name_from_file(struct cli_run *r)
{
	const char *file = r->pos.v[0];
	struct wpkg_wasm_info *info = NULL;
	int rc = WPKG_EXIT_OK;

	if (wpkg_wasm_inspect_file(&info, file, 0, &r->err) < 0)
		return cli_fail(&r->err);
	if (!info->is_wit_package || info->wit_package == NULL) {
		wpkg_error_set(&r->err, WPKG_E_INVALID, "%s is a %s, not a WIT package: it carries no package name and "
			       "version (wkg reads them only from a WIT package); publish it with wpkg push "
			       "NAMESPACE:NAME@VERSION %s", file, info->kind == WPKG_WASM_COMPONENT ? "component" :
			       "core module", file);
		rc = cli_fail(&r->err);
	} else if (strchr(info->wit_package, '@') == NULL) {
		wpkg_error_set(&r->err, WPKG_E_INVALID, "%s: the WIT package %s has no version: add one to its package "
			       "statement (package %s@1.0.0;), or publish it with wpkg push %s@VERSION %s", file,
			       info->wit_package, info->wit_package, info->wit_package, file);
		rc = cli_fail(&r->err);
	} else if (strlen(info->wit_package) >= sizeof(pub.name)) {
		wpkg_error_set(&r->err, WPKG_E_INVALID, "%s: the package name is %zu bytes long", file,
			       strlen(info->wit_package));
		rc = cli_fail(&r->err);
	} else {
		snprintf(pub.name, sizeof(pub.name), "%s", info->wit_package);
		pub.pos[0] = pub.name;
		pub.pos[1] = r->pos.v[0];
		r->pos.v = pub.pos;
		r->pos.n = 2;
		cli_note("%s is the WIT package %s", file, pub.name);
	}
	wpkg_wasm_info_free(info);
	return rc;
}

/* Everything else is push's, on "NAME FILE": the same refusals (an existing version, +build) and output. */
static int check(struct cli_run *r)
{
	return cli_cmd_push.check(r);
}

static int run(struct cli_run *r)
{
	return cli_cmd_push.run(r);
}

static void text(struct cli_run *r)
{
	cli_cmd_push.text(r);
}

static json_t *result_json(struct cli_run *r)
{
	return cli_cmd_push.json(r);
}

static void cleanup(struct cli_run *r)
{
	cli_cmd_push.cleanup(r);
}

const struct cli_command cli_cmd_publish = {
	.name = "publish",
	.summary = "Push a WIT package under the name and version it carries (as wkg publish)",
	.usage = "[OPTIONS] FILE",
	.needs = CLI_REF | CLI_ANY_TRANSPORT | CLI_REF_TAGS | CLI_REF_PUBLISH | CLI_STORE | CLI_WRITABLE |
		 CLI_REGISTRY_OPTS | CLI_PACK_OPTS,
	.min_pos = 1, .max_pos = 1, .pos_what = "one FILE",
	.opts = cli_push_opts,
	.positionals = name_from_file,
	.check = check, .run = run, .text = text, .json = result_json, .cleanup = cleanup,
};
