/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_sbom.c - wpkg sbom: a CycloneDX SBOM from the dependency list a Rust component carries (.dep-v0). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_sign.h"
#include "wpkg/fsutil.h"
#include "wpkg/sbom.h"
#include "wpkg/wasm_config.h"
#include "wpkg_version.h"

static struct {
	const char *output;
	struct wpkg_sbom_opts opts;
} sb;

static const struct cli_opt_spec sbom_opts[] = {
	{ CLI_OPT_STRING, "output", 'o', &sb.output, "OUT", "write the SBOM to OUT (default: standard output)" },
	{ CLI_OPT_STRING, "serial-number", 0, &sb.opts.serial_number, "URN",
	  "serialNumber, e.g. urn:uuid:... (default: none, so the output is reproducible)" },
	{ CLI_OPT_STRING, "name", 0, &sb.opts.name, "NAME", "the component's name in the SBOM (default: FILE's base name)" },
	CLI_OPT_END,
};

static int check(struct cli_run *r)
{
	sb.opts.timestamp = (time_t)-1;
	sb.opts.tool_name = "wpkg";
	sb.opts.tool_version = WPKG_VERSION;
	if (sb.opts.serial_number != NULL && strncmp(sb.opts.serial_number, "urn:uuid:", 9) != 0)
		return cli_usage_error(r->cmd->name, "--serial-number '%s' is not urn:uuid:...", sb.opts.serial_number);
	if (sb.opts.name == NULL)
		sb.opts.name = wpkg_path_base(r->pos.v[0]);
	/* a timestamp only when the build asks for one: the same input then gives the same SBOM */
	if (getenv("SOURCE_DATE_EPOCH") != NULL && wpkg_build_time(&sb.opts.timestamp, &r->err) < 0)
		return cli_fail(&r->err);
	return WPKG_EXIT_OK;
}

static int run(struct cli_run *r)
{
	const char *file = r->pos.v[0];
	struct wpkg_buf doc = WPKG_BUF_INIT;
	struct wpkg_map map = { 0 };
	int rc;

	rc = wpkg_map_file(&map, file, &r->err);
	if (rc == 0 && (rc = wpkg_sbom_cyclonedx(&doc, map.data, map.len, &sb.opts, &r->err)) < 0)
		wpkg_error_wrap(&r->err, "%s", file);
	if (rc == 0 && sb.output != NULL)
		rc = wpkg_write_file_atomic(sb.output, doc.data, doc.len, 0644, &r->err);
	else if (rc == 0 && fwrite(doc.data, 1, doc.len, stdout) != doc.len)
		rc = wpkg_error_set(&r->err, WPKG_E_IO, "writing the SBOM to standard output failed");
	wpkg_unmap_file(&map);
	wpkg_buf_free(&doc);
	if (rc < 0)
		return cli_fail(&r->err);
	/* the SBOM itself is the result on stdout; with -o the path is */
	r->no_result = sb.output == NULL;
	return WPKG_EXIT_OK;
}

static void text(struct cli_run *r)
{
	(void)r;
	cli_out("%s\n", sb.output);
}

static json_t *result_json(struct cli_run *r)
{
	(void)r;
	return json_pack("{s:s}", "output", sb.output);
}

const struct cli_command cli_cmd_sbom = {
	.name = "sbom",
	.summary = "Write a CycloneDX SBOM from a component's embedded dependency list (cargo auditable)",
	.usage = "[OPTIONS] FILE",
	.min_pos = 1, .max_pos = 1, .pos_what = "one FILE",
	.opts = sbom_opts,
	.check = check, .run = run, .text = text, .json = result_json,
};
