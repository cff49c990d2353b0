/* cmd_build.c - "wpkg build": package a Wasm file as an OCI artifact in an image layout directory or archive. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "wpkg/pack.h"
#include "wpkg/pack_image.h"
#include "wpkg/push.h"
#include "wpkg/store.h"

enum { OPT_OUTPUT = 1, OPT_FORMAT };

static const struct cli_opt build_opts[] = {
	{ "output", 'o', "DIR[:TAG]", "write into the OCI image layout DIR (or oci-archive:FILE), tagged TAG (default "
	  "latest)", OPT_OUTPUT },
	{ "format", 0, "FORMAT", "wasm (CNCF Wasm artifact, default), image (OCI image for crun/podman) or runwasi "
	  "(containerd's Wasm shims)", OPT_FORMAT },
	CLI_OPT_END,
};
static const struct cli_opt *const build_opt_tables[] = { build_opts, cli_pack_opts, NULL };

/*
 * -o DIR[:TAG], oci-layout:DIR[:TAG] or oci-archive:FILE[:TAG], read with the
 * reference grammar so every spelling agrees.
 */
static int parse_output(struct wpkg_ref *out, const char *output, struct wpkg_error *err)
{
	static const char prefix[] = "oci-layout:";
	struct wpkg_ref ref;
	char *s = NULL;
	int rc;

	if (strncmp(output, prefix, sizeof(prefix) - 1) != 0 && strncmp(output, "oci-archive:", 12) != 0) {
		s = malloc(sizeof(prefix) + strlen(output));
		if (s == NULL)
			return wpkg_error_set(err, WPKG_E_NOMEM, "out of memory");
		memcpy(s, prefix, sizeof(prefix) - 1);
		strcpy(s + sizeof(prefix) - 1, output);
	}
	rc = wpkg_ref_parse(&ref, s != NULL ? s : output, 0, err);
	free(s);
	if (rc < 0)
		return rc;
	if (ref.transport == WPKG_TRANSPORT_REGISTRY || ref.digest != NULL) {
		wpkg_ref_free(&ref);
		return wpkg_error_set(err, WPKG_E_INVALID, "-o %s: expected DIR[:TAG] or oci-archive:FILE[:TAG]", output);
	}
	*out = ref;
	return WPKG_OK;
}

static json_t *descriptor_summary(const struct wpkg_descriptor *d, bool with_media_type)
{
	json_t *o = json_object();
	const char *title = NULL;

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "digest", json_string(d->digest.str));
	json_object_set_new(o, "size", json_integer(d->size));
	if (with_media_type) {
		json_object_set_new(o, "mediaType", json_string(d->media_type));
		if (d->annotations != NULL)
			title = json_string_value(json_object_get(d->annotations, WPKG_ANNOT_TITLE));
		json_object_set_new(o, "title", title != NULL ? json_string(title) : json_null());
	}
	return o;
}

static void print_result(const struct wpkg_package *p, const struct wpkg_ref *ref)
{
	json_t *doc, *layers;
	char *name;

	if (!cli_g.json) {
		cli_out("%s\n", p->manifest_desc.digest.str);
		return;
	}
	name = wpkg_ref_string(ref);
	layers = json_array();
	for (size_t i = 0; layers != NULL && i < p->n_layers; i++)
		json_array_append_new(layers, descriptor_summary(&p->layers[i].desc, true));
	doc = json_pack("{s:s?, s:s, s:s, s:I, s:o?, s:o?}", "reference", name, "digest",
			p->manifest_desc.digest.str, "mediaType", p->manifest_desc.media_type, "size",
			(json_int_t)p->manifest_desc.size, "config", descriptor_summary(&p->config.desc, false),
			"layers", layers);
	free(name);
	cli_out_json(doc);
}

static int build(const char *const *files, size_t n_files, const char *output, enum wpkg_pack_format fmt,
		 struct cli_pack *cp, struct wpkg_error *err)
{
	struct wpkg_ref ref = { 0 };
	struct wpkg_package *pkg = NULL;
	struct wpkg_store *store = NULL;
	struct wpkg_store_opts sopts;
	struct wpkg_push_opts popts = { NULL, 1, NULL };
	struct wpkg_push_result res;
	const char *tag;
	int rc;

	rc = parse_output(&ref, output, err);
	if (rc < 0)
		goto out;
	rc = cli_pack_prepare(cp, err);
	if (rc < 0)
		goto out;
	/* everything is checked before the layout is touched, so bad input leaves nothing behind */
	if (fmt == WPKG_FORMAT_WASM)
		rc = wpkg_pack(&pkg, files, n_files, &cp->pack, err);
	else
		rc = wpkg_pack_image(&pkg, files[0], fmt, &cp->pack, err);
	if (rc < 0)
		goto out;
	tag = ref.tag != NULL ? ref.tag : "latest";
	popts.tags = &tag;
	cli_registry_store_opts(&sopts, NULL, true);
	rc = wpkg_store_open(&store, &ref, &sopts, err);
	if (rc == 0)
		rc = wpkg_push(&res, store, pkg, &popts, err);
	if (rc == 0)
		rc = wpkg_store_commit(store, err);
	if (rc < 0)
		goto out;
	if (ref.tag == NULL)
		ref.tag = strdup("latest");
	print_result(pkg, &ref);
out:
	wpkg_store_close(store);
	wpkg_package_free(pkg);
	wpkg_ref_free(&ref);
	return rc;
}

static int run(const struct cli_command *cmd, int argc, char **argv)
{
	struct cli_pack cp;
	struct cli_args a;
	struct wpkg_error err = { 0, "" };
	const char *arg, *output = NULL;
	enum wpkg_pack_format fmt = WPKG_FORMAT_WASM;
	int id, rc = WPKG_EXIT_OK;

	cli_pack_init(&cp);
	cli_args_init(&a, cmd, argc, argv);
	while ((id = cli_getopt(&a, &arg)) > 0) {
		if (id == OPT_OUTPUT)
			output = arg;
		else if (id == OPT_FORMAT && wpkg_pack_format_parse(&fmt, arg, &err) < 0)
			id = (cli_usage_error(cmd, "--format: %s", err.msg), CLI_ERROR);
		else if (id == OPT_FORMAT)
			continue;
		else if (cli_pack_opt(&cp, id, arg) == CLI_ERROR)
			id = CLI_ERROR;
		if (id == CLI_ERROR)
			break;
	}
	if (id == CLI_HELP)
		goto out;
	if (id == CLI_ERROR)
		rc = WPKG_EXIT_USAGE;
	else if (output == NULL)
		rc = cli_usage_error(cmd, "missing -o DIR[:TAG]");
	else if (cli_npos(&a) == 0)
		rc = cli_usage_error(cmd, "missing FILE");
	else if (fmt != WPKG_FORMAT_WASM && cli_npos(&a) > 1)
		rc = cli_usage_error(cmd, "--format %s packages one FILE", wpkg_pack_format_name(fmt));
	else if (fmt != WPKG_FORMAT_WASM && cp.pack.exploded)
		rc = cli_usage_error(cmd, "--format %s cannot be exploded: only Wasm artifacts are",
				     wpkg_pack_format_name(fmt));
	else if (build((const char *const *)&a.argv[a.index], (size_t)cli_npos(&a), output, fmt, &cp, &err) < 0)
		rc = cli_fail(&err);
out:
	cli_pack_free(&cp);
	return rc;
}

const struct cli_command cli_cmd_build = {
	"build", run, "Package a Wasm component or module into an OCI image layout or archive",
	"[OPTIONS] -o DIR[:TAG] FILE...",
	build_opt_tables,
};
