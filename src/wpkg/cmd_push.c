/* cmd_push.c - wpkg push: package Wasm files like wpkg build and store them under tags: registry, layout, archive. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wpkg/log.h"
#include "wpkg/pack.h"
#include "wpkg/pack_image.h"
#include "wpkg/push.h"
#include "regcmd.h"

enum {
	OPT_TAG = 1,
	OPT_MOUNT_FROM,
	OPT_CHUNK_SIZE,
	OPT_FORMAT,
};

static const struct cli_opt push_opts[] = {
	{ "tag", 't', "TAG", "also tag the manifest TAG (repeatable)", OPT_TAG },
	{ "mount-from", 0, "REPO", "mount blobs the registry has in REPO instead of uploading them", OPT_MOUNT_FROM },
	{ "chunk-size", 0, "BYTES", "upload in chunks of BYTES (K, M, G suffixes) instead of at once", OPT_CHUNK_SIZE },
	{ "format", 0, "FORMAT", "wasm (CNCF Wasm artifact, default), image or runwasi, as wpkg build", OPT_FORMAT },
	CLI_OPT_END,
};
static const struct cli_opt *const push_tables[] = { push_opts, cli_pack_opts, cli_registry_opts, NULL };

#define MAX_TAGS 64

struct push_args {
	const char *tags[MAX_TAGS];    /* [0] is the reference's own tag, filled after parsing */
	size_t n_tags;
	const char *mount_from;
	uint64_t chunk_size;
	enum wpkg_pack_format format;
	struct cli_pack pack;          /* packaging options shared with build */
};

/* "1048576", "512K", "8M", "1G" (powers of 1024); 0 and overflow refused. */
static bool has_tag(const struct push_args *p, const char *tag)
{
	for (size_t i = 0; i < p->n_tags; i++)
		if (strcmp(p->tags[i], tag) == 0)
			return true;
	return false;
}

static int push_opt(void *ctx, int id, const char *arg)
{
	struct push_args *p = ctx;
	struct wpkg_error err;

	switch (id) {
	case OPT_TAG:
		if (p->n_tags == MAX_TAGS - 1) {
			cli_usage_error(NULL, "more than %d tags", MAX_TAGS - 1);
			return CLI_ERROR;
		}
		/* slot 0 is kept for the reference's tag */
		p->tags[++p->n_tags] = arg;
		return 1;
	case OPT_MOUNT_FROM:
		p->mount_from = arg;
		return 1;
	case OPT_CHUNK_SIZE:
		return cli_parse_bytes(&p->chunk_size, "chunk-size", arg, 1, "5M");
	case OPT_FORMAT:
		if (wpkg_pack_format_parse(&p->format, arg, &err) < 0) {
			cli_usage_error(NULL, "--format: %s", err.msg);
			return CLI_ERROR;
		}
		return 1;
	}
	return cli_pack_opt(&p->pack, id, arg);
}

/* The tags to PUT: the reference's own (or "latest") first, then -t ones not already listed. */
static int collect_tags(struct push_args *p, const struct wpkg_ref *ref)
{
	const char *extra[MAX_TAGS];
	size_t n_extra = p->n_tags, i;
	struct wpkg_error err;

	memcpy(extra, &p->tags[1], n_extra * sizeof(extra[0]));
	p->tags[0] = ref->tag != NULL ? ref->tag : "latest";
	p->n_tags = 1;
	for (i = 0; i < n_extra; i++) {
		wpkg_error_clear(&err);
		if (wpkg_push_check_tag(extra[i], &err) < 0)
			return cli_fail(&err);
		if (!has_tag(p, extra[i]))
			p->tags[p->n_tags++] = extra[i];
	}
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

static json_t *result_json(const struct wpkg_ref *ref, const struct push_args *p, const struct wpkg_package *pkg,
			   const struct wpkg_push_result *res)
{
	json_t *layers = json_array(), *tags = json_array();
	char *name = regcmd_ref_with(ref, ':', p->tags[0]);
	json_t *doc = NULL;
	size_t i;

	if (layers == NULL || tags == NULL || name == NULL)
		goto out;
	for (i = 0; i < pkg->n_layers; i++)
		json_array_append_new(layers, regcmd_descriptor_json(&pkg->layers[i].desc, true));
	for (i = 0; i < p->n_tags; i++)
		json_array_append_new(tags, json_string(p->tags[i]));
	doc = json_pack("{s:s, s:s, s:I, s:s, s:O, s:o, s:O, s:{s:I, s:I, s:I}}",
			"reference", name, "digest", res->digest.str, "size", (json_int_t)pkg->manifest.len,
			"mediaType", pkg->manifest_desc.media_type, "tags", tags,
			"config", regcmd_descriptor_json(&pkg->config.desc, false), "layers", layers,
			"bytes", "uploaded", (json_int_t)res->bytes_uploaded, "skipped",
			(json_int_t)res->bytes_skipped, "mounted", (json_int_t)res->bytes_mounted);
out:
	json_decref(layers);
	json_decref(tags);
	free(name);
	return doc;
}

/* Packages the files exactly as wpkg build does. */
static int package(struct wpkg_package **out, struct push_args *p, const char *const *files, size_t n_files,
		   struct wpkg_error *err)
{
	int rc = cli_pack_prepare(&p->pack, err);

	if (rc < 0)
		return rc;
	if (p->format == WPKG_FORMAT_WASM)
		return wpkg_pack(out, files, n_files, &p->pack.pack, err);
	return wpkg_pack_image(out, files[0], p->format, &p->pack.pack, err);
}

static int run(const struct cli_command *cmd, int argc, char **argv)
{
	struct push_args p;
	struct regcmd c;
	struct wpkg_package *pkg = NULL;
	struct wpkg_push_opts opts;
	struct wpkg_push_result res;
	size_t n_files;
	int rc;

	memset(&p, 0, sizeof(p));
	cli_pack_init(&p.pack);
	rc = regcmd_begin(&c, cmd, argc, argv, push_opt, &p, 2, argc, "REF and FILE", REGCMD_ANY_TRANSPORT);
	if (rc >= 0)
		goto out;
	n_files = (size_t)cli_npos(&c.args) - 1;
	if (p.format != WPKG_FORMAT_WASM && n_files > 1) {
		rc = cli_usage_error(cmd, "--format %s packages one FILE", wpkg_pack_format_name(p.format));
		goto out;
	}
	if (c.ref.digest != NULL) {
		rc = cli_usage_error(cmd, "'%s': push needs a tag, not a digest (the digest is the result)",
				     cli_pos(&c.args, 0));
		goto out;
	}
	if (p.mount_from != NULL && c.ref.transport != WPKG_TRANSPORT_REGISTRY) {
		rc = cli_usage_error(cmd, "--mount-from works only within a registry, not with '%s'", cli_pos(&c.args, 0));
		goto out;
	}
	rc = collect_tags(&p, &c.ref);
	if (rc != WPKG_EXIT_OK)
		goto out;
	/* all local input is checked before the registry is contacted */
	if (package(&pkg, &p, (const char *const *)&c.args.argv[c.args.index + 1], n_files, &c.err) < 0) {
		rc = cli_fail(&c.err);
		goto out;
	}
	c.reg.transport.chunk_size = p.chunk_size;
	rc = regcmd_open(&c, "push", true);
	if (rc != WPKG_EXIT_OK)
		goto out;
	opts.tags = p.tags;
	opts.n_tags = p.n_tags;
	opts.mount_from = p.mount_from != NULL ? mount_repo(p.mount_from, &c.ref) : NULL;
	if (wpkg_push(&res, c.store, pkg, &opts, &c.err) < 0) {
		rc = regcmd_fail(&c, "push");
		goto out;
	}
	rc = regcmd_commit(&c, "push");
	if (rc != WPKG_EXIT_OK)
		goto out;
	cli_progress_done();
	if (cli_g.json)
		cli_out_json(result_json(&c.ref, &p, pkg, &res));
	else
		cli_out("%s\n", res.digest.str);
	/* stdout stays the digest alone for scripts; what was sent goes with the other messages (-q hides it) */
	if (!cli_g.json)
		cli_info("pushed %s: uploaded %" PRIu64 " bytes, skipped %" PRIu64 " bytes, mounted %"
			 PRIu64 " bytes", wpkg_store_name(c.store), res.bytes_uploaded, res.bytes_skipped,
			 res.bytes_mounted);
out:
	if (pkg != NULL)
		wpkg_package_free(pkg);
	cli_pack_free(&p.pack);
	regcmd_end(&c);
	return rc;
}

const struct cli_command cli_cmd_push = {
	"push", run, "Package Wasm files and push them to a registry, layout or archive", "[OPTIONS] REF FILE...",
	push_tables,
};
