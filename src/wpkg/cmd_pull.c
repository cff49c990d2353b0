/* cmd_pull.c - wpkg pull: fetch the Wasm layer of an artifact (registry, layout or archive) into a local file. */
#include <stdlib.h>
#include <string.h>

#include "wpkg/pull.h"
#include "regcmd.h"

enum {
	OPT_OUTPUT = 1,
	OPT_PLATFORM,
	OPT_LAYERS_DIR,
	OPT_NO_REASSEMBLE,
};

static const struct cli_opt pull_opts[] = {
	{ "output", 'o', "PATH", "write to PATH, or into PATH when it is a directory", OPT_OUTPUT },
	{ "platform", 0, "OS/ARCH", "the index entry to pull (default: the first wasip1/wasip2/wasm one)",
	  OPT_PLATFORM },
	{ "layers-dir", 0, "DIR", "exploded artifacts: also keep every layer in DIR, under its title", OPT_LAYERS_DIR },
	{ "no-reassemble", 0, NULL, "exploded artifacts: only the layers (with --layers-dir), no rebuilt component",
	  OPT_NO_REASSEMBLE },
	CLI_OPT_END,
};
static const struct cli_opt *const pull_tables[] = { pull_opts, cli_registry_opts, NULL };

static int pull_opt(void *ctx, int id, const char *arg)
{
	struct wpkg_pull_opts *o = ctx;

	switch (id) {
	case OPT_OUTPUT:
		o->output = arg;
		return 1;
	case OPT_PLATFORM:
		o->platform = arg;
		return 1;
	case OPT_LAYERS_DIR:
		o->layers_dir = arg;
		return 1;
	case OPT_NO_REASSEMBLE:
		o->no_reassemble = true;
		return 1;
	}
	return 0;
}

static json_t *strings_json(char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *result_json(const struct wpkg_ref *ref, const struct wpkg_pull_result *res)
{
	const struct wpkg_wasm_config *c = res->config;
	char *name = regcmd_ref_with(ref, '@', res->digest.str);
	json_t *doc;

	doc = json_pack("{s:s?, s:s, s:s, s:o, s:s, s:I, s:s?, s:o?, s:o?}",
			"reference", name, "digest", res->digest.str, "mediaType", res->manifest_media_type,
			"layer", regcmd_descriptor_json(&res->layer, true), "path", res->path,
			"size", (json_int_t)res->layer.size, "os", c != NULL ? c->os : NULL,
			"imports", c != NULL ? strings_json(c->imports, c->n_imports) : NULL,
			"exports", c != NULL ? strings_json(c->exports, c->n_exports) : NULL);
	if (doc != NULL && res->files != NULL)
		json_object_set_new(doc, "files", strings_json(res->files, res->n_files));
	free(name);
	return doc;
}

static int run(const struct cli_command *cmd, int argc, char **argv)
{
	struct wpkg_pull_opts opts;
	struct wpkg_pull_result res;
	struct regcmd c;
	int rc;

	memset(&opts, 0, sizeof(opts));
	rc = regcmd_begin(&c, cmd, argc, argv, pull_opt, &opts, 1, 1, "one REF", REGCMD_ANY_TRANSPORT);
	if (rc >= 0)
		goto out; /* --help, or a usage error already printed */
	rc = regcmd_open(&c, "pull", false);
	if (rc != WPKG_EXIT_OK)
		goto out;
	if (wpkg_pull(&res, c.store, wpkg_ref_reference(&c.ref), &opts, &c.err) < 0) {
		rc = regcmd_fail(&c, "pull");
		goto out;
	}
	cli_progress_done();
	if (cli_g.json)
		cli_out_json(result_json(&c.ref, &res));
	else
		cli_out("%s %s\n", res.digest.str, res.path);
	/* the layers kept, or the files of a multi-component package, under it */
	for (size_t i = 0; !cli_g.json && i < res.n_files; i++)
		cli_out("  %s\n", res.files[i]);
	wpkg_pull_result_clear(&res);
out:
	regcmd_end(&c);
	return rc;
}

const struct cli_command cli_cmd_pull = {
	"pull", run, "Pull a Wasm component or module from a registry, layout or archive", "[OPTIONS] REF",
	pull_tables,
};
