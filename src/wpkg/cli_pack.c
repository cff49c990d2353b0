/* cli_pack.c - the packaging options build and push share, turned into wpkg_pack_opts. */
#include <stdint.h>
#include <stdlib.h>

#include "cli.h"
#include "wpkg/wasm_config.h"

enum {
	OPT_ANNOTATION = 3000,
	OPT_ANNOTATION_FILE,
	OPT_AUTHOR,
	OPT_TARGET,
	OPT_EXPLODED,
	OPT_EXPLODE_DEPTH,
	OPT_MIN_LAYER_SIZE,
};

const struct cli_opt cli_pack_opts[] = {
	{ "annotation", 'a', "KEY=VALUE", "add a manifest annotation (repeatable)", OPT_ANNOTATION },
	{ "annotation-file", 0, "FILE", "annotations from a JSON file (flat, or ORAS's $manifest form)",
	  OPT_ANNOTATION_FILE },
	{ "author", 0, "NAME", "the config's author (default null)", OPT_AUTHOR },
	{ "target", 0, "WORLD", "the WIT world the component targets, e.g. wasi:http/proxy@0.2.0", OPT_TARGET },
	{ "exploded", 0, NULL, "one layer per nested module/component, plus a skeleton (see wpkg-exploded(7))",
	  OPT_EXPLODED },
	{ "explode-depth", 0, "N", "also split nested components N-1 levels deep (default 1; implies --exploded)",
	  OPT_EXPLODE_DEPTH },
	{ "min-layer-size", 0, "BYTES", "keep smaller parts in the skeleton (K, M suffixes; default 16K; implies "
	  "--exploded)", OPT_MIN_LAYER_SIZE },
	CLI_OPT_END,
};

void cli_pack_init(struct cli_pack *p)
{
	*p = (struct cli_pack){ 0 };
	p->pack.explode.depth = WPKG_EXPLODE_DEFAULT_DEPTH;
	p->pack.explode.min_layer_size = WPKG_EXPLODE_DEFAULT_MIN_LAYER_SIZE;
}

int cli_pack_opt(struct cli_pack *p, int id, const char *arg)
{
	const char **grown;
	long depth;

	switch (id) {
	case OPT_ANNOTATION:
		grown = realloc(p->annotations, (p->n_annotations + 1) * sizeof(p->annotations[0]));
		if (grown == NULL) {
			cli_usage_error(NULL, "out of memory");
			return CLI_ERROR;
		}
		p->annotations = grown;
		p->annotations[p->n_annotations++] = arg;
		return 1;
	case OPT_ANNOTATION_FILE:
		p->annotation_file = arg;
		return 1;
	case OPT_AUTHOR:
		p->pack.author = arg;
		return 1;
	case OPT_TARGET:
		p->pack.target = arg;
		return 1;
	case OPT_EXPLODED:
		p->pack.exploded = true;
		return 1;
	case OPT_EXPLODE_DEPTH:
		p->pack.exploded = true;
		if (cli_parse_number(&depth, "explode-depth", arg, 1, WPKG_EXPLODE_MAX_DEPTH, "a depth") != 1)
			return CLI_ERROR;
		p->pack.explode.depth = (unsigned)depth;
		return 1;
	case OPT_MIN_LAYER_SIZE:
		p->pack.exploded = true;
		return cli_parse_bytes(&p->pack.explode.min_layer_size, "min-layer-size", arg, 0, "16K");
	}
	return 0;
}

int cli_pack_prepare(struct cli_pack *p, struct wpkg_error *err)
{
	int rc;

	cli_log_sink(&p->pack.log);
	p->manifest_annots = json_object();
	p->layer_annots = json_object();
	if (p->manifest_annots == NULL || p->layer_annots == NULL)
		return wpkg_error_set(err, WPKG_E_NOMEM, "out of memory");
	rc = wpkg_build_time(&p->pack.created, err);
	if (rc < 0)
		return rc;
	if (p->annotation_file != NULL) {
		rc = wpkg_annotation_file_load(p->manifest_annots, p->layer_annots, p->annotation_file, err);
		if (rc < 0)
			return rc;
	}
	for (size_t i = 0; i < p->n_annotations; i++) {
		rc = wpkg_annotation_add(p->manifest_annots, p->annotations[i], err);
		if (rc < 0)
			return wpkg_error_wrap(err, "-a");
	}
	p->pack.manifest_annotations = json_object_size(p->manifest_annots) > 0 ? p->manifest_annots : NULL;
	p->pack.layer_annotations = json_object_size(p->layer_annots) > 0 ? p->layer_annots : NULL;
	return WPKG_OK;
}

void cli_pack_free(struct cli_pack *p)
{
	free(p->annotations);
	json_decref(p->manifest_annots);
	json_decref(p->layer_annots);
	*p = (struct cli_pack){ 0 };
}
