/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/oci.h - the OCI documents: descriptors, manifests, indexes; strict reading, exact writing. */
#ifndef WPKG_OCI_H
#define WPKG_OCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "wpkg/common.h"
#include "wpkg/buf.h"
#include "wpkg/digest.h"
#include "wpkg/error.h"
#include "wpkg/mediatype.h"

WPKG_BEGIN_DECL

#define WPKG_ANNOT_TITLE        "org.opencontainers.image.title"
#define WPKG_ANNOT_CREATED      "org.opencontainers.image.created"
#define WPKG_ANNOT_REF_NAME     "org.opencontainers.image.ref.name"

/* Largest manifest, index or config we accept (the distribution spec's advice). */
#define WPKG_DOC_MAX ((size_t)4 << 20)

struct wpkg_platform {
	char *architecture;
	char *os;
	char *variant;          /* NULL if absent */
};

struct wpkg_descriptor {
	char *media_type;
	struct wpkg_digest digest;
	int64_t size;
	char *artifact_type;    /* NULL if absent */
	json_t *annotations;    /* owned reference to an object of strings, or NULL */
	struct wpkg_platform *platform;  /* NULL if absent */
};

struct wpkg_manifest {
	int schema_version;     /* always 2 once parsed */
	char *media_type;       /* NULL if the document has none */
	char *artifact_type;    /* NULL if absent */
	struct wpkg_descriptor config;
	struct wpkg_descriptor *layers;
	size_t n_layers;
	struct wpkg_descriptor *subject;   /* NULL if absent */
	json_t *annotations;    /* NULL if absent */
};

struct wpkg_index {
	int schema_version;
	char *media_type;
	char *artifact_type;
	struct wpkg_descriptor *manifests;
	size_t n_manifests;
	struct wpkg_descriptor *subject;
	json_t *annotations;
};

/*
 * Loads JSON with the rules every wpkg reader follows: at most WPKG_DOC_MAX
 * bytes, duplicate keys refused, one top-level object.  what names the
 * document in messages ("manifest sha256:ab..", "index.json").
 */
WPKG_API int wpkg_json_load(json_t **out, const void *data, size_t len, const char *what, struct wpkg_error *err);
/* Compact serialisation, keys in insertion order, no trailing newline. */
WPKG_API int wpkg_json_dump(struct wpkg_buf *out, const json_t *json, struct wpkg_error *err);

/* RFC 6838 type/subtype[+suffix][;params] syntax check. */
WPKG_API bool wpkg_media_type_valid(const char *mt);

/* Reads and checks one descriptor object (digest, size >= 0, media type syntax). */
WPKG_API int wpkg_descriptor_from_json(struct wpkg_descriptor *out, const json_t *obj, const char *what,
			      struct wpkg_error *err);
/* Keys in spec order: mediaType, artifactType, digest, size, annotations, platform. */
WPKG_API json_t *wpkg_descriptor_to_json(const struct wpkg_descriptor *d);
WPKG_API int wpkg_descriptor_copy(struct wpkg_descriptor *dst, const struct wpkg_descriptor *src);
WPKG_API void wpkg_descriptor_clear(struct wpkg_descriptor *d);

/* Parse a manifest (OCI image manifest or Docker v2 schema 2). Unknown fields are ignored. */
WPKG_API int wpkg_manifest_parse(struct wpkg_manifest **out, const void *data, size_t len, struct wpkg_error *err);
/* Keys in spec order: schemaVersion, mediaType, artifactType, config, layers, subject, annotations. */
WPKG_API json_t *wpkg_manifest_to_json(const struct wpkg_manifest *m);
WPKG_API void wpkg_manifest_free(struct wpkg_manifest *m);

WPKG_API int wpkg_index_parse(struct wpkg_index **out, const void *data, size_t len, struct wpkg_error *err);
WPKG_API json_t *wpkg_index_to_json(const struct wpkg_index *ix);
WPKG_API void wpkg_index_free(struct wpkg_index *ix);

/*
 * Tells what a fetched document is when the server's Content-Type is missing
 * or generic: the mediaType field, else "manifests" -> index, else manifest.
 * Returns a static string (one of the WPKG_MT_* above) or NULL if not JSON.
 */
WPKG_API const char *wpkg_doc_sniff_media_type(const void *data, size_t len);
WPKG_API bool wpkg_media_type_is_index(const char *mt);
WPKG_API bool wpkg_media_type_is_manifest(const char *mt);

WPKG_END_DECL

#endif
