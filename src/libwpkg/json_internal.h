/* SPDX-License-Identifier: Apache-2.0 */
/* json_internal.h - field readers shared by the document parsers (not part of the public API). */
#ifndef WPKG_JSON_INTERNAL_H
#define WPKG_JSON_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "wpkg/error.h"
#include "wpkg/oci.h"

/*
 * Every reader names the offending field as "what.key" in its messages ("key"
 * when what is "": document parsers read with what "" and wrap the message
 * with the document's name, giving "manifest: layers[1].digest: ...") and
 * sets its output only on success.  A missing optional field leaves *out
 * NULL; an explicit JSON null counts as missing only where null_ok is true.
 */

/* Writes the field path "what.key" (or "what", or "key") into buf. */
const char *wpkg_json_path(char *buf, size_t cap, const char *what, const char *key);
/* Sets err to "PATH: message" (just "message" when the path is empty). Returns code. */
int wpkg_json_fail(struct wpkg_error *err, int code, const char *what, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/*
 * Messages quote values taken from documents and arguments, which may hold
 * control characters; this rewrites them as \n, \t, \xNN so err->msg stays
 * one line, as error.h promises.  Public entry points call it on failure.
 */
void wpkg_json_error_oneline(struct wpkg_error *err);

/* A string field copied into *out (caller frees). */
int wpkg_json_get_string(char **out, const json_t *obj, const char *key, bool required,
			 bool null_ok, const char *what, struct wpkg_error *err);

/* A media type field: a string that passes wpkg_media_type_valid(). */
int wpkg_json_get_media_type(char **out, const json_t *obj, const char *key, bool required,
			     const char *what, struct wpkg_error *err);

/* An array of strings copied into *out / *n (free with wpkg_json_strv_free). */
int wpkg_json_get_strings(char ***out, size_t *n, const json_t *obj, const char *key,
			  const char *what, struct wpkg_error *err);

/* An optional object whose values are all strings; *out gets a new reference. */
int wpkg_json_get_annotations(json_t **out, const json_t *obj, const char *key,
			      const char *what, struct wpkg_error *err);

/* The required integer "schemaVersion", which must be 2. */
int wpkg_json_check_schema_version(const json_t *obj, const char *what, struct wpkg_error *err);

/* strdup that passes NULL through and clears *ok when out of memory. */
char *wpkg_strdup_opt(const char *s, bool *ok);

/* Deep-copies a vector of n strings (NULL on ENOMEM; n == 0 gives a non-NULL empty vector). */
char **wpkg_json_strv_dup(char *const *v, size_t n);
void wpkg_json_strv_free(char **v, size_t n);

/*
 * The frame every document parser shares: wpkg_json_load (what names the
 * document), a zeroed object of size bytes, read() to fill it, and on
 * failure release() and a message prefixed with what.  *out is set only on
 * success.
 */
typedef int (*wpkg_doc_read_fn)(void *obj, json_t *root, struct wpkg_error *err);
int wpkg_doc_parse(void **out, size_t size, const void *data, size_t len, const char *what,
		   wpkg_doc_read_fn read, void (*release)(void *obj), struct wpkg_error *err);

/* json_object_set_new that records failure in *ok instead of returning it. */
void wpkg_json_put(json_t *obj, const char *key, json_t *value, bool *ok);

/* Arrays of descriptors ("layers", "manifests"): never NULL on success, even when empty. */
int wpkg_descriptors_from_json(struct wpkg_descriptor **out, size_t *n, const json_t *obj,
			       const char *key, const char *what, struct wpkg_error *err);
json_t *wpkg_descriptors_to_json(const struct wpkg_descriptor *v, size_t n);
void wpkg_descriptors_free(struct wpkg_descriptor *v, size_t n);

/* What manifests and indexes share: schemaVersion (checked), mediaType, artifactType, subject, annotations. */
struct wpkg_doc_header {
	char *media_type;
	char *artifact_type;
	struct wpkg_descriptor *subject;
	json_t *annotations;
};

int wpkg_doc_header_from_json(struct wpkg_doc_header *out, const json_t *root, const char *what,
			      struct wpkg_error *err);
void wpkg_doc_header_clear(struct wpkg_doc_header *h);

/*
 * Writers in spec order: begin emits schemaVersion, mediaType, artifactType
 * (the last two when not NULL); the caller adds the body; end appends
 * subject and annotations and returns obj, or frees it and returns NULL when
 * ok is false or anything failed.
 */
json_t *wpkg_doc_begin(int schema_version, const char *media_type, const char *artifact_type, bool *ok);
json_t *wpkg_doc_end(json_t *obj, const struct wpkg_descriptor *subject, const json_t *annotations, bool ok);

#endif
