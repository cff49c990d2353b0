/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_sbom.c - libFuzzer target: .dep-v0 payloads (zlib, JSON schema) and whole binaries through the SBOM writer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wpkg/sbom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one_line(int rc, const struct wpkg_error *err)
{
	if (rc < 0 && (err->code != rc || err->msg[0] == '\0' || strchr(err->msg, '\n') != NULL))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wpkg_sbom_opts opts = { "f.wasm", NULL, (time_t)-1, NULL, NULL };
	struct wpkg_buf doc = WPKG_BUF_INIT;
	struct wpkg_error err = { 0 };
	json_t *deps = NULL;
	int rc;

	/* a small cap, so the fuzzer meets it */
	rc = wpkg_sbom_decode_deps(&deps, data, size, 0, 64 * 1024, &err);
	one_line(rc, &err);
	json_decref(deps);
	rc = wpkg_sbom_cyclonedx(&doc, data, size, &opts, &err);
	one_line(rc, &err);
	if (rc < 0 && doc.len != 0)
		__builtin_trap();
	wpkg_buf_free(&doc);
	return 0;
}
