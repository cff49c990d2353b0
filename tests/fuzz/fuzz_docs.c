/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_docs.c - libFuzzer target: manifest, index and Wasm config readers, with round trips checked. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wpkg/oci.h"
#include "wpkg/wasm_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_error(const struct wpkg_error *err, int rc)
{
	if (rc >= 0 || err->code != rc || err->msg[0] == '\0' || strchr(err->msg, '\n') != NULL)
		__builtin_trap();
}

/* What a reader accepted, written back, must read again and write the same bytes. */
static void check_stable(json_t *doc, int (*reparse)(json_t **, const struct wpkg_buf *))
{
	struct wpkg_buf a = WPKG_BUF_INIT, b = WPKG_BUF_INIT;
	json_t *again = NULL;

	if (doc == NULL || wpkg_json_dump(&a, doc, NULL) < 0 || reparse(&again, &a) < 0 ||
	    wpkg_json_dump(&b, again, NULL) < 0 || a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
		__builtin_trap();
	json_decref(doc);
	json_decref(again);
	wpkg_buf_free(&a);
	wpkg_buf_free(&b);
}

static int reparse_manifest(json_t **out, const struct wpkg_buf *text)
{
	struct wpkg_manifest *m = NULL;
	int rc = wpkg_manifest_parse(&m, text->data, text->len, NULL);

	if (rc == 0) {
		*out = wpkg_manifest_to_json(m);
		wpkg_manifest_free(m);
	}
	return rc;
}

static int reparse_index(json_t **out, const struct wpkg_buf *text)
{
	struct wpkg_index *ix = NULL;
	int rc = wpkg_index_parse(&ix, text->data, text->len, NULL);

	if (rc == 0) {
		*out = wpkg_index_to_json(ix);
		wpkg_index_free(ix);
	}
	return rc;
}

static int reparse_config(json_t **out, const struct wpkg_buf *text)
{
	struct wpkg_wasm_config *c = NULL;
	struct wpkg_buf again = WPKG_BUF_INIT;
	int rc = wpkg_wasm_config_parse(&c, text->data, text->len, NULL);

	if (rc == 0) {
		rc = wpkg_wasm_config_serialize(&again, c, NULL);
		*out = rc == 0 ? json_loadb(again.data, again.len, 0, NULL) : NULL;
		wpkg_buf_free(&again);
		wpkg_wasm_config_free(c);
	}
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wpkg_manifest *m = NULL;
	struct wpkg_index *ix = NULL;
	struct wpkg_wasm_config *c = NULL;
	struct wpkg_buf text = WPKG_BUF_INIT;
	struct wpkg_error err;
	char *s;
	int rc;

	rc = wpkg_manifest_parse(&m, data, size, &err);
	if (rc == 0) {
		check_stable(wpkg_manifest_to_json(m), reparse_manifest);
		wpkg_manifest_free(m);
	} else {
		check_error(&err, rc);
	}
	rc = wpkg_index_parse(&ix, data, size, &err);
	if (rc == 0) {
		check_stable(wpkg_index_to_json(ix), reparse_index);
		wpkg_index_free(ix);
	} else {
		check_error(&err, rc);
	}
	rc = wpkg_wasm_config_parse(&c, data, size, &err);
	if (rc == 0) {
		/* Every config we read can be written, and what is written reads back the same. */
		if (wpkg_wasm_config_serialize(&text, c, &err) < 0)
			__builtin_trap();
		check_stable(json_loadb(text.data, text.len, 0, NULL), reparse_config);
		wpkg_buf_free(&text);
		wpkg_wasm_config_free(c);
	} else {
		check_error(&err, rc);
	}
	(void)wpkg_doc_sniff_media_type(data, size);
	s = strndup((const char *)data, size);
	if (s != NULL) {
		(void)wpkg_media_type_valid(s);
		(void)wpkg_media_type_is_manifest(s);
		free(s);
	}
	return 0;
}
