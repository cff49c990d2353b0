/* SPDX-License-Identifier: Apache-2.0 */
/* toml_dump.c - prints a TOML file's value tree as JSON, so tests can compare it with Python's tomllib. */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "wpkg/buf.h"
#include "wpkg/fsutil.h"
#include "wpkg/toml.h"

static json_t *to_json(const struct wpkg_toml *v)
{
	json_t *j = NULL;

	switch (v->type) {
	case WPKG_TOML_TABLE:
		j = json_object();
		for (size_t i = 0; j && i < v->count; i++)
			json_object_set_new(j, v->keys[i], to_json(v->items[i]));
		break;
	case WPKG_TOML_ARRAY:
		j = json_array();
		for (size_t i = 0; j && i < v->count; i++)
			json_array_append_new(j, to_json(v->items[i]));
		break;
	case WPKG_TOML_STRING:
		j = json_stringn(v->str, v->len);
		break;
	case WPKG_TOML_INTEGER:
		j = json_integer((json_int_t)v->integer);
		break;
	case WPKG_TOML_BOOL:
		j = json_boolean(v->boolean);
		break;
	}
	return j;
}

int main(int argc, char **argv)
{
	struct wpkg_buf text = WPKG_BUF_INIT;
	struct wpkg_error err = { 0 };
	struct wpkg_toml *doc = NULL;
	json_t *j;
	int rc = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: toml_dump FILE\n");
		return 2;
	}
	if (wpkg_read_file(&text, argv[1], (size_t)1 << 24, &err) ||
	    wpkg_toml_parse(&doc, text.data, text.len, &err)) {
		fprintf(stderr, "error: %s: %s\n", argv[1], err.msg);
		goto out;
	}
	j = to_json(doc);
	if (!j || json_dumpf(j, stdout, JSON_SORT_KEYS | JSON_ENSURE_ASCII) || putchar('\n') == EOF)
		goto out;
	json_decref(j);
	rc = 0;
out:
	wpkg_toml_free(doc);
	wpkg_buf_free(&text);
	return rc;
}
