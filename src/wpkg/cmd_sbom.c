/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_sbom.c - wpkg sbom: a CycloneDX SBOM from the dependency list a Rust component carries (.dep-v0). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_sign.h"
#include "wpkg/fsutil.h"
#include "wpkg/sbom.h"
#include "wpkg/wasm_config.h"
#include "wpkg_version.h"

enum { OPT_OUTPUT = 1, OPT_SERIAL, OPT_NAME };

static const struct cli_opt sbom_opts[] = {
	{ "output", 'o', "OUT", "write the SBOM to OUT (default: standard output)", OPT_OUTPUT },
	{ "serial-number", 0, "URN", "serialNumber, e.g. urn:uuid:... (default: none, so the output is "
	  "reproducible)", OPT_SERIAL },
	{ "name", 0, "NAME", "the component's name in the SBOM (default: FILE's base name)", OPT_NAME },
	CLI_OPT_END,
};
static const struct cli_opt *const sbom_tables[] = { sbom_opts, NULL };

static int run(const struct cli_command *cmd, int argc, char **argv)
{
	struct wpkg_sbom_opts opts = { NULL, NULL, (time_t)-1, "wpkg", WPKG_VERSION };
	struct wpkg_buf doc = WPKG_BUF_INIT;
	struct wpkg_error err = { 0 };
	struct wpkg_map map = { 0 };
	const char *out = NULL, *arg, *file;
	struct cli_args a;
	int id, rc;

	cli_args_init(&a, cmd, argc, argv);
	while ((id = cli_getopt(&a, &arg)) > 0) {
		if (id == OPT_OUTPUT)
			out = arg;
		else if (id == OPT_SERIAL)
			opts.serial_number = arg;
		else if (id == OPT_NAME)
			opts.name = arg;
	}
	if (id == CLI_HELP)
		return WPKG_EXIT_OK;
	if (id == CLI_ERROR)
		return WPKG_EXIT_USAGE;
	if (cli_npos(&a) != 1)
		return cli_usage_error(cmd, "expected exactly one FILE");
	if (opts.serial_number != NULL && strncmp(opts.serial_number, "urn:uuid:", 9) != 0)
		return cli_usage_error(cmd, "--serial-number '%s' is not urn:uuid:...", opts.serial_number);
	file = cli_pos(&a, 0);
	if (opts.name == NULL)
		opts.name = wpkg_path_base(file);
	/* a timestamp only when the build asks for one: the same input then gives the same SBOM */
	if (getenv("SOURCE_DATE_EPOCH") != NULL && wpkg_build_time(&opts.timestamp, &err) < 0)
		return cli_fail(&err);
	rc = wpkg_map_file(&map, file, &err);
	if (rc == 0 && (rc = wpkg_sbom_cyclonedx(&doc, map.data, map.len, &opts, &err)) < 0)
		wpkg_error_wrap(&err, "%s", file);
	if (rc == 0 && out != NULL)
		rc = wpkg_write_file_atomic(out, doc.data, doc.len, 0644, &err);
	else if (rc == 0 && fwrite(doc.data, 1, doc.len, stdout) != doc.len)
		rc = wpkg_error_set(&err, WPKG_E_IO, "writing the SBOM to standard output failed");
	wpkg_unmap_file(&map);
	wpkg_buf_free(&doc);
	if (rc < 0)
		return cli_fail(&err);
	if (out != NULL)
		cli_out("%s\n", out);
	return cli_finish(WPKG_EXIT_OK);
}

const struct cli_command cli_cmd_sbom = {
	"sbom", run, "Write a CycloneDX SBOM from a component's embedded dependency list (cargo auditable)",
	"[OPTIONS] FILE", sbom_tables,
};
