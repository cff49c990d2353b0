/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_layer.c - libFuzzer target: image-layer extraction (tar, gzip, zstd) of any bytes, bounded and all-or-error. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "wpkg/pack_image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The first byte picks the layer's media type (so one corpus covers all), the rest is the layer. */
static const char *const media_types[] = {
	"application/vnd.oci.image.layer.v1.tar",
	"application/vnd.oci.image.layer.v1.tar+gzip",
	"application/vnd.oci.image.layer.v1.tar+zstd",
	"application/vnd.docker.image.rootfs.diff.tar.gzip",
};

/* A small cap, so that a bomb in the input is refused quickly instead of written. */
#define FUZZ_LAYER_MAX (1u << 20)

/* A ".." component, checked independently of the library's own test. */
static int escapes(const char *name)
{
	size_t n = strlen(name);

	return name[0] == '/' || strcmp(name, "..") == 0 || strncmp(name, "../", 3) == 0 ||
	       strstr(name, "/../") != NULL || (n >= 3 && strcmp(name + n - 3, "/..") == 0);
}

/* Two memfds made once and emptied per input: a memfd_create and close per input cost a third of the time. */
static int in = -1, out = -1;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wpkg_error err;
	char *found = NULL;
	int rc;

	if (size < 1)
		return 0;
	if (in < 0 && ((in = memfd_create("layer", 0)) < 0 || (out = memfd_create("wasm", 0)) < 0))
		abort();
	/* the layer is exactly the input (the library fstat()s it for the bomb cap), read from its start */
	if (ftruncate(in, 0) != 0 || ftruncate(out, 0) != 0 || lseek(out, 0, SEEK_SET) != 0 ||
	    pwrite(in, data + 1, size - 1, 0) != (ssize_t)(size - 1) || lseek(in, 0, SEEK_SET) != 0)
		abort();
	/* odd selectors search for the only .wasm, even ones name an Entrypoint */
	rc = wpkg_image_extract_wasm(out, in, media_types[(data[0] >> 1) % 4], (data[0] & 1) ? NULL : "/app.wasm",
				     FUZZ_LAYER_MAX, &found, &err);
	if (rc == 0) {
		/* what was accepted is named, within the cap, and never a path out of the layer */
		if (found == NULL || escapes(found) ||
		    lseek(out, 0, SEEK_END) > (off_t)FUZZ_LAYER_MAX)
			__builtin_trap();
	} else if (found != NULL || err.code != rc || err.msg[0] == '\0' || strchr(err.msg, '\n') != NULL) {
		__builtin_trap();
	}
	free(found);
	return 0;
}
