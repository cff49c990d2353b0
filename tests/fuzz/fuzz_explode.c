/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_explode.c - libFuzzer target: the explode plan and skeleton of any binary, and the recipe reader. */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wpkg/explode.h"
#include "wpkg/wasm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Cuts must be sorted, disjoint, inside the file, and leave a skeleton of exactly the rest. */
static void check_plan(const uint8_t *data, size_t size, unsigned depth, uint64_t min)
{
	struct wpkg_explode_opts opts = { depth, min };
	struct wpkg_wasm_info *info = NULL;
	struct wpkg_recipe r;
	uint64_t cut = 0, end = 0, skeleton = 0;
	size_t i;
	int fd;

	if (wpkg_wasm_inspect(&info, data, size, WPKG_WASM_HASH_FILE | WPKG_WASM_HASH_PARTS, NULL) < 0)
		return;
	if (wpkg_explode_plan(&r, info, &opts, NULL) == 0) {
		for (i = 0; i < r.n_parts; i++) {
			if (r.parts[i].offset < end || r.parts[i].offset + r.parts[i].size > size ||
			    r.parts[i].layer < 1 || r.parts[i].layer >= r.n_layers)
				__builtin_trap();
			end = r.parts[i].offset + r.parts[i].size;
			cut += r.parts[i].size;
		}
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (fd >= 0 && (wpkg_explode_write_skeleton(fd, data, size, &r, &skeleton, NULL, NULL) < 0 ||
				skeleton != size - cut))
			__builtin_trap();
		if (fd >= 0)
			close(fd);
		wpkg_recipe_clear(&r);
	}
	wpkg_wasm_info_free(info);
}

/* What the recipe reader accepts is within its file and writes back to the same document. */
static void check_recipe(const uint8_t *data, size_t size, size_t n_layers)
{
	json_t *doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL), *back;
	struct wpkg_recipe r;
	size_t i;

	if (doc == NULL)
		return;
	if (wpkg_recipe_from_json(&r, doc, n_layers, NULL) == 0) {
		for (i = 0; i < r.n_parts; i++)
			if (r.parts[i].offset + r.parts[i].size > r.size || r.parts[i].layer >= n_layers)
				__builtin_trap();
		back = wpkg_recipe_to_json(&r);
		if (back == NULL || json_array_size(json_object_get(back, "parts")) != r.n_parts)
			__builtin_trap();
		json_decref(back);
		wpkg_recipe_clear(&r);
	}
	json_decref(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	/* the first byte picks what to fuzz and its settings; the rest is the input */
	if (data[0] & 0x80)
		check_recipe(data + 1, size - 1, (size_t)(data[0] & 0x0f) + 1);
	else
		check_plan(data + 1, size - 1, (unsigned)(data[0] & 0x07) + 1, (uint64_t)(data[0] >> 3 & 0x0f) * 16);
	return 0;
}
