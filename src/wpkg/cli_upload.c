/* SPDX-License-Identifier: Apache-2.0 */
/* cli_upload.c - the upload options of push, copy and attach: chunk size, or one PUT per blob. */
#include "cli_registry.h"

const struct cli_opt_spec cli_upload_opts[] = {
	{ CLI_OPT_BYTES, "chunk-size", 0, &cli_reg.transport.chunk_size, "BYTES",
	  "upload in chunks of BYTES (K, M, G suffixes) instead of at once", .min = 1, .example = "5M" },
	{ CLI_OPT_SWITCH, "monolithic", 0, &cli_reg.transport.monolithic, NULL,
	  "upload each blob in one PUT, whatever --chunk-size, the host's table or a refusal says" },
	CLI_OPT_END,
};
