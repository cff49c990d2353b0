/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_regdocs.c - libFuzzer target: registry error bodies, 429 notes, header-block lookup and image configs. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wpkg/pack_image.h"

#include "../../src/libwpkg/http_internal.h"
#include "../../src/libwpkg/registry_error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every message a registry answer can produce is one NUL-terminated line. */
static void check_line(const struct wpkg_error *err)
{
	if (err->msg[0] == '\0' || strchr(err->msg, '\n') != NULL || strchr(err->msg, '\r') != NULL ||
	    memchr(err->msg, '\0', sizeof(err->msg)) == NULL)
		__builtin_trap();
}

/* The same bytes read as a header block: every lookup returns a value that is a part of the block. */
static void headers(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "Content-Type", "Retry-After", "Link", "Location",
					     "RateLimit-Remaining", "Docker-Content-Digest", "" };
	struct wpkg_buf b = WPKG_BUF_INIT;
	struct wpkg_error err;
	size_t i, k;
	char *v;

	/* as the transfer code builds it: the block is followed by a NUL */
	if (wpkg_buf_put(&b, data, size) < 0)
		abort();
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		for (k = 0; k < 3; k++) {
			v = wpkg_http_header(&b, names[i], k);
			if (v != NULL && (strlen(v) > size || strchr(v, '\n') != NULL))
				__builtin_trap();
			free(v);
		}
	wpkg_error_set(&err, WPKG_E_NETWORK, "GET http://r/v2/: 429 TOOMANYREQUESTS");
	wpkg_registry_rate_note(&err, &b);
	check_line(&err);
	wpkg_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wpkg_error err;
	char *entry = (char *)1;
	long status;
	int rc;

	if (size < 2)
		return 0;
	/* error body: the first two bytes pick the status (100..611), the rest is the body */
	status = 100 + (long)((data[0] << 8 | data[1]) % 512);
	rc = wpkg_registry_status_error(&err, "GET", "http://r/v2/x/manifests/t?n=1", status,
					(const char *)data + 2, size - 2);
	if (rc >= 0 || err.code != rc)
		__builtin_trap();
	check_line(&err);

	headers(data + 2, size - 2);

	/* image config: *out set only on success, to a .wasm name or NULL */
	rc = wpkg_image_config_entrypoint(&entry, data + 2, size - 2, &err);
	if (rc == 0) {
		if (entry != NULL && (strlen(entry) < 5 || strcmp(entry + strlen(entry) - 5, ".wasm") != 0))
			__builtin_trap();
		free(entry);
	} else {
		if (entry != (char *)1 || err.code != rc)
			__builtin_trap();
		check_line(&err);
	}
	return 0;
}
