/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_wasm.c - libFuzzer target: the wasm reader on arbitrary bytes, with its invariants checked. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "wpkg/wasm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct walk_state {
	size_t next;    /* where the next section must start */
	size_t len;
};

/* Sections tile the file: each starts where the previous ended, and stays inside. */
static int check_section(void *payload, const struct wpkg_wasm_section *s)
{
	struct walk_state *st = payload;

	if (s->offset != st->next || s->payload_offset != s->offset + s->header_len
	    || s->payload_size > st->len - s->payload_offset)
		__builtin_trap();
	st->next = s->payload_offset + s->payload_size;
	return 0;
}

static void check_error(const struct wpkg_error *err, int rc)
{
	if (rc != WPKG_E_INVALID || err->code != rc || err->msg[0] == '\0' || strchr(err->msg, '\n'))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wpkg_wasm_info *info = NULL;
	struct walk_state st = { 8, size };
	struct wpkg_error err;
	size_t i;
	int rc;

	rc = wpkg_wasm_inspect(&info, data, size, WPKG_WASM_HASH_FILE | WPKG_WASM_HASH_PARTS, &err);
	if (rc == 0) {
		if (info->size != size || strlen(info->sha256) != 64)
			__builtin_trap();
		for (i = 0; i < info->n_parts; i++) {
			const struct wpkg_wasm_part *p = &info->parts[i];

			if (p->index != i + 1 || p->parent >= p->index || p->offset + p->size > size
			    || p->section_offset + p->header_len != p->offset || strlen(p->sha256) != 64)
				__builtin_trap();
		}
		wpkg_wasm_info_free(info);
	} else {
		check_error(&err, rc);
	}
	/* the top-level walk agrees with inspect: it fails only where inspect failed */
	rc = wpkg_wasm_sections(data, size, check_section, &st, &err);
	if (rc == 0 && st.next != size)
		__builtin_trap();
	if (rc != 0)
		check_error(&err, rc);
	return 0;
}
