/* SPDX-License-Identifier: Apache-2.0 */
/* cli_pack.c - the packaging options build and push share, turned into wpkg_pack_opts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli_output.h"
#include "cli_pack.h"
#include "exitcodes.h"
#include "wpkg/fsutil.h"
#include "wpkg/wasm_config.h"
#include "wpkg/wasm_metadata.h"

struct cli_pack cli_pk;

static int explode_depth(const struct cli_opt_spec *o, const char *arg)
{
	const struct cli_opt_spec n = { CLI_OPT_NUMBER, o->name, 0, &(long){ 0 }, NULL, NULL, 1,
					WPKG_EXPLODE_MAX_DEPTH, "a depth" };

	cli_pk.pack.exploded = true;
	if (cli_opt_apply(&n, arg) != 0)
		return CLI_ERROR;
	cli_pk.pack.explode.depth = (unsigned)*(long *)n.value;
	return 0;
}

static int min_layer_size(const struct cli_opt_spec *o, const char *arg)
{
	const struct cli_opt_spec b = { CLI_OPT_BYTES, o->name, 0, &cli_pk.pack.explode.min_layer_size, NULL, NULL,
					.example = "16K" };

	cli_pk.pack.exploded = true;
	return cli_opt_apply(&b, arg);
}

static int artifact_format(const struct cli_opt_spec *o, const char *arg)
{
	return cli_pack_set_format(&cli_pk, o->name, arg);
}

const struct cli_opt_spec cli_pack_opts[] = {
	{ CLI_OPT_CALL, "artifact-format", 0, NULL, "FORMAT", "wasm (CNCF Wasm artifact, default), image (OCI image "
	  "for crun/podman) or runwasi (containerd's Wasm shims)", .call = artifact_format },
	{ CLI_OPT_LIST, "annotation", 'a', &cli_pk.annotations, "KEY=VALUE", "add a manifest annotation (repeatable)" },
	{ CLI_OPT_STRING, "annotation-file", 0, &cli_pk.annotation_file, "FILE",
	  "annotations from a JSON file (flat, or ORAS's $manifest form)" },
	{ CLI_OPT_STRING, "author", 0, &cli_pk.pack.author, "NAME", "the config's author (default null)" },
	{ CLI_OPT_STRING, "target", 0, &cli_pk.pack.target, "WORLD",
	  "the WIT world the component targets, e.g. wasi:http/proxy@0.2.0" },
	{ CLI_OPT_SWITCH, "lenient", 0, &cli_pk.pack.lenient, NULL,
	  "leave out of the config the exports wit-component refuses (types, core modules, components)" },
	{ CLI_OPT_SWITCH, "exploded", 0, &cli_pk.pack.exploded, NULL,
	  "one layer per nested module/component, plus a skeleton (see wpkg-exploded(7))" },
	{ CLI_OPT_CALL, "explode-depth", 0, NULL, "N",
	  "also split nested components N-1 levels deep (default 1; implies --exploded)", .call = explode_depth },
	{ CLI_OPT_CALL, "min-layer-size", 0, NULL, "BYTES",
	  "keep smaller parts in the skeleton (K, M suffixes; default 16K; implies --exploded)",
	  .call = min_layer_size },
	CLI_OPT_END,
};

void cli_pack_init(struct cli_pack *p)
{
	*p = (struct cli_pack){ 0 };
	p->pack.size = sizeof(p->pack);
	p->pack.explode.depth = WPKG_EXPLODE_DEFAULT_DEPTH;
	p->pack.explode.min_layer_size = WPKG_EXPLODE_DEFAULT_MIN_LAYER_SIZE;
}

int cli_pack_set_format(struct cli_pack *p, const char *opt, const char *value)
{
	struct wpkg_error err;

	if (wpkg_pack_format_parse(&p->format, value, &err) < 0) {
		cli_usage_error(cli_prog, "--%s: %s", opt, err.msg);
		return CLI_ERROR;
	}
	p->format_opt = opt;
	return 0;
}

int cli_pack_check(const struct cli_pack *p, size_t n_files)
{
	if (p->format != WPKG_FORMAT_WASM && n_files > 1)
		return cli_usage_error(cli_prog, "--%s %s packages one FILE", p->format_opt,
				       wpkg_pack_format_name(p->format));
	if (p->format != WPKG_FORMAT_WASM && p->pack.exploded)
		return cli_usage_error(cli_prog, "--%s %s cannot be exploded: only Wasm artifacts are",
				       p->format_opt, wpkg_pack_format_name(p->format));
	return WPKG_EXIT_OK;
}

/* The library's warnings about a file's metadata, with the file's name in front. */
static void file_log(void *payload, enum wpkg_log_level level, const char *msg)
{
	char line[1024];

	snprintf(line, sizeof(line), "%s: %s", (const char *)payload, msg);
	cli_log_handler(NULL, level, line);
}

int cli_file_metadata(json_t *annots, const char *file, struct wpkg_error *err)
{
	struct wpkg_wasm_metadata md = { 0 };
	struct wpkg_log_sink log;
	struct wpkg_error ignored;
	struct wpkg_map map;
	int rc = 0;

	if (wpkg_map_open(&map, file, &ignored) < 0)
		return 0;
	cli_log_sink(&log);
	log.fn = file_log;
	log.payload = (void *)(uintptr_t)file;  /* only read back as const */
	/* lazily: only the custom sections' names are read, and the metadata's own */
	if (wpkg_wasm_metadata_read_map(&md, &map, &log, &ignored) == 0) {
		rc = wpkg_wasm_metadata_annotate(annots, &md, 1);
		if (rc < 0)
			wpkg_error_set(err, rc, "out of memory");
	}
	wpkg_wasm_metadata_free(&md);
	wpkg_unmap_file(&map);
	return rc;
}

int cli_pack_files(struct wpkg_package **out, struct cli_pack *p, const char *const *files, size_t n_files,
		   struct wpkg_error *err)
{
	/* one file only: a package's manifest speaks for all its files */
	if (n_files == 1) {
		if (cli_file_metadata(p->manifest_annots, files[0], err) < 0)
			return err->code;
		if (json_object_size(p->manifest_annots) > 0)
			p->pack.manifest_annotations = p->manifest_annots;
	}
	if (p->format == WPKG_FORMAT_WASM)
		return wpkg_pack(out, files, n_files, &p->pack, err);
	return wpkg_pack_image(out, files[0], p->format, &p->pack, err);
}

int cli_pack_prepare(struct cli_pack *p, struct wpkg_error *err)
{
	int rc;

	cli_log_sink(&p->pack.log);
	p->manifest_annots = json_object();
	p->layer_annots = json_object();
	if (p->manifest_annots == NULL || p->layer_annots == NULL)
		return wpkg_error_nomem(err);
	rc = wpkg_build_time(&p->pack.created, err);
	if (rc < 0)
		return rc;
	if (p->annotation_file != NULL) {
		rc = wpkg_annotation_file_load(p->manifest_annots, p->layer_annots, p->annotation_file, err);
		if (rc < 0)
			return rc;
	}
	for (size_t i = 0; i < p->annotations.n; i++) {
		rc = wpkg_annotation_add(p->manifest_annots, p->annotations.v[i], err);
		if (rc < 0)
			return wpkg_error_wrap(err, "-a");
	}
	p->pack.manifest_annotations = json_object_size(p->manifest_annots) > 0 ? p->manifest_annots : NULL;
	p->pack.layer_annotations = json_object_size(p->layer_annots) > 0 ? p->layer_annots : NULL;
	return WPKG_OK;
}

void cli_pack_free(struct cli_pack *p)
{
	cli_strings_free(&p->annotations);
	json_decref(p->manifest_annots);
	json_decref(p->layer_annots);
	*p = (struct cli_pack){ 0 };
}
