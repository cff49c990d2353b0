/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_toml.c - libFuzzer target: the TOML reader (a parsed tree keeps its invariants), wkg config and wkg.lock on top. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wpkg/toml.h"
#include "wpkg/wkg_config.h"
#include "wpkg/wkg_lock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct wpkg_toml *v)
{
	switch (v->type) {
	case WPKG_TOML_TABLE:
		for (size_t i = 0; i < v->count; i++) {
			/* keys are unique and each is found by lookup */
			if (wpkg_toml_get(v, v->keys[i]) != v->items[i])
				abort();
			check(v->items[i]);
		}
		break;
	case WPKG_TOML_ARRAY:
		for (size_t i = 0; i < v->count; i++)
			check(v->items[i]);
		break;
	case WPKG_TOML_STRING:
		if (strlen(v->str) != v->len)
			abort();
		break;
	case WPKG_TOML_INTEGER:
	case WPKG_TOML_BOOL:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wpkg_error err;
	struct wpkg_toml *doc;
	struct wpkg_wkg_config cfg;
	struct wpkg_wkg_lock lock;

	if (wpkg_toml_parse(&doc, (const char *)data, size, &err) == 0) {
		if (doc->type != WPKG_TOML_TABLE)
			abort();
		check(doc);
		wpkg_toml_free(doc);
	} else if (err.msg[0] == '\0' || strchr(err.msg, '\n')) {
		abort();
	}
	/* the schema readers on the same bytes: every refusal is one line, every success frees cleanly */
	if (wpkg_wkg_config_parse(&cfg, "fuzz.toml", (const char *)data, size, size & 1, &err) == 0)
		wpkg_wkg_config_free(&cfg);
	else if (strchr(err.msg, '\n'))
		abort();
	if (wpkg_wkg_lock_parse(&lock, "wkg.lock", (const char *)data, size, &err) == 0)
		wpkg_wkg_lock_free(&lock);
	else if (strchr(err.msg, '\n'))
		abort();
	return 0;
}
