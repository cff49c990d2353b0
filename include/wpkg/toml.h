/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/toml.h - a small strict TOML reader for the subset wkg's config and lock files use. */
#ifndef WPKG_TOML_H
#define WPKG_TOML_H

#include <stddef.h>
#include <stdint.h>

#include "wpkg/common.h"
#include "wpkg/error.h"

WPKG_BEGIN_DECL

/*
 * Supported: tables, arrays of tables, dotted and quoted keys, inline tables,
 * basic and literal strings (single- and multi-line, every TOML 1.0 escape),
 * booleans, integers (decimal, 0x, 0o, 0b; int64 range) and arrays.  Floats,
 * dates and times are refused with WPKG_E_UNSUPPORTED; anything TOML 1.0
 * forbids (duplicate keys, a table defined twice, bad escapes, control
 * characters, invalid UTF-8) is refused with WPKG_E_INVALID.  Messages start
 * with "line L, column C: ".
 */
enum wpkg_toml_type {
	WPKG_TOML_TABLE,
	WPKG_TOML_ARRAY,
	WPKG_TOML_STRING,
	WPKG_TOML_INTEGER,
	WPKG_TOML_BOOL,
};

/* One value.  The whole tree is owned by its root; free it with wpkg_toml_free. */
struct wpkg_toml {
	enum wpkg_toml_type type;
	int line;                    /* 1-based line of the key (or header) that defined it */
	char *str;                   /* STRING: UTF-8, NUL-terminated, never holds a NUL */
	size_t len;                  /* STRING: bytes in str */
	int64_t integer;             /* INTEGER */
	int boolean;                 /* BOOL: 0 or 1 */
	size_t count;                /* TABLE: entries; ARRAY: items */
	char **keys;                 /* TABLE: keys[i] names items[i], in document order */
	struct wpkg_toml **items;
	/* The parser's bookkeeping for TOML's redefinition rules. */
	size_t cap;
	unsigned char header;        /* TABLE defined by a [header] or [[header]] */
	unsigned char dotted;        /* TABLE created or extended through dotted keys */
	unsigned char frozen;        /* inline table or static array: never extended */
	unsigned char aot;           /* ARRAY made by [[header]] */
};

/* Parses text (len bytes, need not be NUL-terminated) into *out (a TABLE); caller frees. */
WPKG_API int wpkg_toml_parse(struct wpkg_toml **out, const char *text, size_t len, struct wpkg_error *err);
WPKG_API void wpkg_toml_free(struct wpkg_toml *v);

/* The value under key in table t, or NULL (also when t is NULL or not a table). */
WPKG_API const struct wpkg_toml *wpkg_toml_get(const struct wpkg_toml *t, const char *key);
/* A short name for a type ("string", "table", ...) for messages. */
WPKG_API const char *wpkg_toml_type_str(enum wpkg_toml_type type);

WPKG_END_DECL

#endif
