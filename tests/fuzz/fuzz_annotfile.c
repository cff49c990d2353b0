/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_annotfile.c - libFuzzer target: --annotation-file on any bytes, all-or-nothing, one-line errors. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wpkg/pack.h"

#include "fuzz_scratch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[320];

static void setup(void)
{
	snprintf(path, sizeof(path), "%s/annotations.json", fuzz_scratch_dir("wpkg-fuzz-annot"));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *manifest = json_object(), *layers = json_object();
	struct wpkg_error err;
	const char *k;
	json_t *v;
	FILE *f;
	int rc;

	if (path[0] == '\0')
		setup();
	f = fopen(path, "wb");
	if (f == NULL || manifest == NULL || layers == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
	/* a key already present must keep its place and take the file's value */
	json_object_set_new(manifest, "org.opencontainers.image.title", json_string("before"));
	rc = wpkg_annotation_file_load(manifest, (size & 1) ? layers : NULL, path, &err);
	if (rc < 0) {
		if (err.code != rc || err.msg[0] == '\0' || strchr(err.msg, '\n') != NULL ||
		    json_object_size(manifest) != 1 || json_object_size(layers) != 0 ||
		    strcmp(json_string_value(json_object_get(manifest, "org.opencontainers.image.title")), "before") != 0)
			__builtin_trap();
	} else {
		/* manifest annotations are strings; per-file ones are objects of strings */
		json_object_foreach(manifest, k, v)
			if (!json_is_string(v))
				__builtin_trap();
		json_object_foreach(layers, k, v)
			if (!json_is_object(v))
				__builtin_trap();
	}
	json_decref(manifest);
	json_decref(layers);
	return 0;
}
