/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_build.c - "wpkg build": package a Wasm file as an OCI artifact in an image layout directory or archive. */
#include <stdlib.h>
#include <string.h>

#include "cli_run.h"
#include "wpkg/pack.h"
#include "wpkg/pack_image.h"
#include "wpkg/push.h"
#include "wpkg/store.h"

static struct {
	const char *output;
	struct wpkg_package *pkg;
} build;

static const struct cli_opt_spec build_opts[] = {
	{ CLI_OPT_STRING, "output", 'o', &build.output, "DIR[:TAG]",
	  "write into the OCI image layout DIR (or oci-archive:FILE), tagged TAG (default latest)" },
	CLI_OPT_END,
};

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
			return wpkg_error_nomem(err);
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

/* Everything is checked and packaged before the layout is touched, so bad input leaves nothing behind. */
static int check(struct cli_run *r)
{
	int rc;

	if (build.output == NULL)
		return cli_usage_error(r->cmd->name, "missing -o DIR[:TAG]");
	if (r->pos.n == 0)
		return cli_usage_error(r->cmd->name, "missing FILE");
	rc = cli_pack_check(&cli_pk, (size_t)r->pos.n);
	if (rc != WPKG_EXIT_OK)
		return rc;
	if (parse_output(&r->ref, build.output, &r->err) < 0)
		return cli_fail(&r->err);
	if (r->ref.tag == NULL && (r->ref.tag = strdup("latest")) == NULL)
		return wpkg_error_nomem(&r->err), cli_fail(&r->err);
	if (cli_pack_prepare(&cli_pk, &r->err) < 0 ||
	    cli_pack_files(&build.pkg, &cli_pk, (const char *const *)r->pos.v, (size_t)r->pos.n, &r->err) < 0)
		return cli_fail(&r->err);
	r->ref_arg = build.output;
	return WPKG_EXIT_OK;
}

static int run(struct cli_run *r)
{
	const char *tag = r->ref.tag;
	struct wpkg_push_opts popts = { &tag, 1, NULL };
	struct wpkg_push_result res;

	if (wpkg_push(&res, r->store, build.pkg, &popts, &r->err) < 0)
		return cli_fail(&r->err);
	return WPKG_EXIT_OK;
}

static void text(struct cli_run *r)
{
	(void)r;
	cli_out("%s\n", build.pkg->manifest_desc.digest.str);
}

static json_t *result_json(struct cli_run *r)
{
	const struct wpkg_package *p = build.pkg;
	json_t *doc, *layers = json_array();
	char *name = wpkg_ref_string(&r->ref);

	for (size_t i = 0; layers != NULL && i < p->n_layers; i++)
		json_array_append_new(layers, descriptor_summary(&p->layers[i].desc, true));
	doc = json_pack("{s:s?, s:s, s:s, s:I, s:o?, s:o?}", "reference", name, "digest",
			p->manifest_desc.digest.str, "mediaType", p->manifest_desc.media_type, "size",
			(json_int_t)p->manifest_desc.size, "config", descriptor_summary(&p->config.desc, false),
			"layers", layers);
	free(name);
	return doc;
}

static void cleanup(struct cli_run *r)
{
	(void)r;
	wpkg_package_free(build.pkg);
}

const struct cli_command cli_cmd_build = {
	.name = "build",
	.summary = "Package a Wasm component or module into an OCI image layout or archive",
	.usage = "[OPTIONS] -o DIR[:TAG] FILE...",
	.needs = CLI_STORE | CLI_WRITABLE | CLI_PACK_OPTS,
	.min_pos = 0, .max_pos = -1,
	.opts = build_opts,
	.check = check, .run = run, .text = text, .json = result_json, .cleanup = cleanup,
};
