/* SPDX-License-Identifier: Apache-2.0 */
/* cli_pack.h - the packaging options build and push share, turned into wpkg_pack_opts. */
#ifndef WPKG_CLI_PACK_H
#define WPKG_CLI_PACK_H

#include <stddef.h>

#include <jansson.h>

#include "wpkg/pack.h"
#include "wpkg/pack_image.h"
#include "cli_opt.h"

struct cli_pack {
	struct wpkg_pack_opts pack;     /* ready for wpkg_pack after cli_pack_prepare */
	enum wpkg_pack_format format;   /* --artifact-format */
	/* private */
	const char *format_opt;         /* the option that set format, for messages */
	const char *annotation_file;
	struct cli_strings annotations; /* -a values in order: they override the file's */
	json_t *manifest_annots, *layer_annots;
};

/* The values of cli_pack_opts (a process runs one command); the runner sets and frees it. */
extern struct cli_pack cli_pk;
/* -a/--annotation, --annotation-file, --author, --target, --artifact-format, --exploded, ... */
extern const struct cli_opt_spec cli_pack_opts[];

void cli_pack_init(struct cli_pack *p);
/* --artifact-format VALUE (and the deprecated --format VALUE): 0 or CLI_ERROR (printed). */
int cli_pack_set_format(struct cli_pack *p, const char *opt, const char *value);
/* Build time (SOURCE_DATE_EPOCH), annotation file, then -a in order, into p->pack. */
int cli_pack_prepare(struct cli_pack *p, struct wpkg_error *err);
/* Packages files as --artifact-format says (after cli_pack_prepare). */
int cli_pack_files(struct wpkg_package **out, struct cli_pack *p, const char *const *files, size_t n_files,
		   struct wpkg_error *err);
/* The usage errors of a format that packages one file, unexploded: WPKG_EXIT_OK or WPKG_EXIT_USAGE (printed). */
int cli_pack_check(const struct cli_pack *p, size_t n_files);
void cli_pack_free(struct cli_pack *p);
/*
 * Adds the annotations file's own metadata (wasm-metadata's custom sections)
 * implies to annots, keeping keys already there (-a wins); malformed sections
 * are warnings naming file.  A file that cannot be read adds nothing (its
 * packer or reader reports it).  0 or WPKG_E_NOMEM.
 */
int cli_file_metadata(json_t *annots, const char *file, struct wpkg_error *err);

#endif
