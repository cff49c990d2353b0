/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_push.c - wpkg push: package Wasm files like wpkg build and store them under tags: registry, layout, archive. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wpkg/pack.h"
#include "wpkg/push.h"
#include "cli_run.h"
#include "names.h"
#include "cli_sign.h"

#define MAX_TAGS 64

static struct {
	struct cli_strings extra_tags; /* -t, in order */
	const char *mount_from;
	bool force;                    /* a package name: replace an existing version */
	bool sbom;                     /* --sbom */
	struct cli_push_sbom bom;
	/* the run */
	const char *tags[MAX_TAGS];    /* [0] is the reference's own tag (or "latest") */
	size_t n_tags;
	struct wpkg_package *pkg;
	struct wpkg_push_result res;
} push;

/* shared with wpkg publish, which is push under the name the file carries */
const struct cli_opt_spec cli_push_opts[] = {
	{ CLI_OPT_LIST, "tag", 't', &push.extra_tags, "TAG", "also tag the manifest TAG (repeatable)" },
	{ CLI_OPT_STRING, "mount-from", 0, &push.mount_from, "REPO",
	  "mount blobs the registry has in REPO instead of uploading them" },
	{ CLI_OPT_SWITCH, "force", 0, &push.force, NULL,
	  "publishing by package name (ns:name@1.2.3): replace the version if it exists" },
	{ CLI_OPT_SWITCH, "sbom", 0, &push.sbom, NULL,
	  "attach the component's CycloneDX SBOM (from its cargo auditable section, see wpkg-sbom(1))" },
	CLI_OPT_END,
};

static bool has_tag(const char *tag)
{
	for (size_t i = 0; i < push.n_tags; i++)
		if (strcmp(push.tags[i], tag) == 0)
			return true;
	return false;
}

/* Adds one tag to PUT after checking it; WPKG_EXIT_OK or the reported status. */
static int add_tag(struct cli_run *r, const char *tag)
{
	if (wpkg_push_check_tag(tag, &r->err) < 0) {
		if (strstr(r->err.msg, tag) == NULL)
			wpkg_error_wrap(&r->err, "tag '%s'", tag);
		return cli_fail(&r->err);
	}
	if (has_tag(tag))
		return WPKG_EXIT_OK;
	if (push.n_tags == MAX_TAGS)
		return cli_usage_error(r->cmd->name, "more than %d tags", MAX_TAGS - 1);
	push.tags[push.n_tags++] = tag;
	return WPKG_EXIT_OK;
}

/* Blob mounts work only within one registry: "HOST/REPO" naming ref's host is reduced to REPO. */
static const char *mount_repo(const char *from, const struct wpkg_ref *ref)
{
	size_t n = strlen(ref->registry);

	if (strncmp(from, ref->registry, n) == 0 && from[n] == '/')
		return from + n + 1;
	return from;
}

/* Every local input is checked and packaged before the registry is contacted. */
static int check(struct cli_run *r)
{
	size_t n_files = (size_t)r->pos.n - 1;
	int rc = cli_pack_check(&cli_pk, n_files);

	if (rc != WPKG_EXIT_OK)
		return rc;
	if (r->ref.digest != NULL)
		return cli_usage_error(r->cmd->name, "'%s': push needs a tag, not a digest (the digest is the result)",
				       r->pos.v[0]);
	if (push.mount_from != NULL && r->ref.transport != WPKG_TRANSPORT_REGISTRY)
		return cli_usage_error(r->cmd->name, "--mount-from works only within a registry, not with '%s'",
				       r->pos.v[0]);
	/* the reference's own tags first ("repo:t1,t2"), then -t ones not already listed */
	push.tags[push.n_tags++] = r->ref.tag != NULL ? r->ref.tag : "latest";
	for (size_t i = 0; rc == WPKG_EXIT_OK && i < r->tags.n; i++)
		rc = add_tag(r, r->tags.v[i]);
	for (size_t i = 0; rc == WPKG_EXIT_OK && i < push.extra_tags.n; i++)
		rc = add_tag(r, push.extra_tags.v[i]);
	if (rc != WPKG_EXIT_OK)
		return rc;
	if (push.sbom && n_files != 1)
		return cli_usage_error(r->cmd->name, "--sbom takes one FILE, got %zu", n_files);
	if (push.sbom && cli_push_sbom_prepare(&push.bom, r->pos.v[1], &r->err) < 0)
		return cli_fail(&r->err);
	if (cli_pack_prepare(&cli_pk, &r->err) < 0 ||
	    (r->name != NULL && names_publish_annotations(&cli_pk, r->name, r->pos.v[1], n_files, &r->err) < 0) ||
	    cli_pack_files(&push.pkg, &cli_pk, (const char *const *)&r->pos.v[1], n_files, &r->err) < 0)
		return cli_fail(&r->err);
	return WPKG_EXIT_OK;
}

/* Progress lines name each blob by its file title, else its media type. */
static void name_blobs(const struct wpkg_package *pkg)
{
	for (size_t i = 0; i < pkg->n_layers; i++) {
		const struct wpkg_descriptor *d = &pkg->layers[i].desc;
		const char *title = json_string_value(json_object_get(d->annotations, WPKG_ANNOT_TITLE));

		cli_progress_title(d->digest.str, title != NULL ? title : d->media_type);
	}
	cli_progress_title(pkg->config.desc.digest.str, "config");
}

/*
 * GHCR links a package to its source repository from
 * org.opencontainers.image.source only when the package is created: say so
 * before a first push that lacks it, while it can still be added.
 */
static void ghcr_source_warning(struct cli_run *r)
{
	json_t *m, *annots;
	char **tags = NULL;
	size_t n = 0;
	struct wpkg_error ignored;
	bool has_source;

	if (r->ref.transport != WPKG_TRANSPORT_REGISTRY || strcmp(r->ref.registry, "ghcr.io") != 0)
		return;
	m = json_loadb((const char *)push.pkg->manifest.data, push.pkg->manifest.len, 0, NULL);
	annots = json_object_get(m, "annotations");
	has_source = json_object_get(annots, "org.opencontainers.image.source") != NULL;
	json_decref(m);
	if (has_source)
		return;
	if (wpkg_store_tags(r->store, &tags, &n, &ignored) < 0 ? ignored.code == WPKG_E_NOT_FOUND : n == 0)
		cli_warn("%s is a new GHCR package without org.opencontainers.image.source: GHCR links a package to "
			 "its repository only when it is created (add -a org.opencontainers.image.source=URL)",
			 r->ref.repository);
	for (size_t i = 0; i < n; i++)
		free(tags[i]);
	free(tags);
}

static int run(struct cli_run *r)
{
	struct wpkg_push_opts opts = { push.tags, push.n_tags, NULL };

	name_blobs(push.pkg);
	/* versions are immutable by convention (wkg publish refuses too): replacing one is asked for */
	if (r->name != NULL && !push.force && names_version_exists(r->store, push.tags[0], &r->err) != 0)
		return cli_run_fail(r);
	ghcr_source_warning(r);
	if (push.mount_from != NULL)
		opts.mount_from = mount_repo(push.mount_from, &r->ref);
	if (wpkg_push(&push.res, r->store, push.pkg, &opts, &r->err) < 0)
		return cli_run_fail(r);
	if (push.sbom && cli_push_sbom_attach(&push.bom, r->store, &push.res.digest, &r->err) < 0)
		return cli_run_fail(r);
	return WPKG_EXIT_OK;
}

/* stdout is the digest alone for scripts; what was sent is a summary on stderr (-q hides it) */
static void text(struct cli_run *r)
{
	char up[32], present[32], mounted[32];
	size_t n = push.pkg->n_layers;

	cli_out("%s\n", push.res.digest.str);
	cli_human_bytes(up, sizeof(up), push.res.bytes_uploaded);
	cli_human_bytes(present, sizeof(present), push.res.bytes_skipped);
	cli_human_bytes(mounted, sizeof(mounted), push.res.bytes_mounted);
	if (push.res.bytes_mounted > 0)
		cli_summary("pushed %zu file%s to %s (%s uploaded, %s already present, %s mounted)", n, n == 1 ? "" : "s",
			    wpkg_store_name(r->store), up, present, mounted);
	else
		cli_summary("pushed %zu file%s to %s (%s uploaded, %s already present)", n, n == 1 ? "" : "s",
			    wpkg_store_name(r->store), up, present);
	if (push.bom.attached)
		cli_summary("attached the SBOM %s", push.bom.res.artifact.digest.str);
}

static json_t *result_json(struct cli_run *r)
{
	const struct wpkg_package *pkg = push.pkg;
	json_t *layers = json_array(), *tags = json_array();
	char *name = cli_ref_with(&r->ref, ':', push.tags[0]);
	json_t *doc = NULL;
	size_t i;

	if (layers == NULL || tags == NULL || name == NULL)
		goto out;
	for (i = 0; i < pkg->n_layers; i++)
		json_array_append_new(layers, cli_descriptor_json(&pkg->layers[i].desc, true));
	for (i = 0; i < push.n_tags; i++)
		json_array_append_new(tags, json_string(push.tags[i]));
	doc = json_pack("{s:s, s:s, s:I, s:s, s:O, s:o, s:O, s:{s:I, s:I, s:I}}",
			"reference", name, "digest", push.res.digest.str, "size", (json_int_t)pkg->manifest.len,
			"mediaType", pkg->manifest_desc.media_type, "tags", tags,
			"config", cli_descriptor_json(&pkg->config.desc, false), "layers", layers,
			"bytes", "uploaded", (json_int_t)push.res.bytes_uploaded, "skipped",
			(json_int_t)push.res.bytes_skipped, "mounted", (json_int_t)push.res.bytes_mounted);
	if (doc != NULL && push.bom.attached)
		json_object_set_new(doc, "sbom", cli_push_sbom_json(&push.bom));
out:
	json_decref(layers);
	json_decref(tags);
	free(name);
	return doc;
}

static void cleanup(struct cli_run *r)
{
	(void)r;
	if (push.pkg != NULL)
		wpkg_package_free(push.pkg);
	cli_strings_free(&push.extra_tags);
	cli_push_sbom_clear(&push.bom);
}

const struct cli_command cli_cmd_push = {
	.name = "push",
	.summary = "Package Wasm files and push them to a registry, layout or archive",
	.usage = "[OPTIONS] REF[:TAG[,TAG...]] FILE...",
	.needs = CLI_REF | CLI_ANY_TRANSPORT | CLI_REF_TAGS | CLI_REF_PUBLISH | CLI_STORE | CLI_WRITABLE |
		 CLI_REGISTRY_OPTS | CLI_PACK_OPTS | CLI_UPLOAD_OPTS,
	.min_pos = 2, .max_pos = -1, .pos_what = "REF and FILE",
	.opts = cli_push_opts,
	.check = check, .run = run, .text = text, .json = result_json, .cleanup = cleanup,
};
