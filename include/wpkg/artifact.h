/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/artifact.h - one resolver from a reference to an artifact's manifest, config and recipe, for every command. */
#ifndef WPKG_ARTIFACT_H
#define WPKG_ARTIFACT_H

#include <stdbool.h>
#include <stddef.h>

#include "wpkg/common.h"
#include "wpkg/buf.h"
#include "wpkg/error.h"
#include "wpkg/explode.h"
#include "wpkg/oci.h"
#include "wpkg/store.h"
#include "wpkg/wasm_config.h"

WPKG_BEGIN_DECL

/*
 * What a reference resolves to.  Allocated by wpkg_artifact_resolve (so it
 * can grow), read-only for callers, released with wpkg_artifact_free.
 * Bytes are exactly what the store holds (digests are computed from them).
 */
struct wpkg_artifact {
	bool from_index;                     /* the reference named an index; index_* describe it */
	struct wpkg_descriptor index;        /* its media type, digest and size */
	struct wpkg_buf index_bytes;
	struct wpkg_descriptor desc;         /* the manifest's (fetch: the document's) media type, digest and size */
	struct wpkg_buf manifest_bytes;      /* its bytes */
	struct wpkg_manifest *manifest;      /* parsed when it is an image manifest */
	struct wpkg_index *index_doc;        /* fetch only: parsed when the document is an index */
	struct wpkg_buf config_bytes;        /* a Wasm config's bytes (WPKG_MT_WASM_CONFIG); else empty */
	struct wpkg_wasm_config *config;     /* parsed; NULL when not a Wasm config or it does not parse */
	struct wpkg_recipe *recipe;          /* an exploded artifact's recipe (config key WPKG_RECIPE_KEY); else NULL */
	/*
	 * Why config or recipe is NULL though the config is a Wasm config (code
	 * 0 otherwise): "config DIGEST: ...".  Whether that is fatal is the
	 * caller's choice (inspect fails, pull only warns).
	 */
	struct wpkg_error config_error;
	size_t index_entry;                  /* from_index: the position of the entry followed */
};

/*
 * Resolves reference (a tag or digest) in s to one image manifest and
 * reads its config.
 *
 * The index rule, the only one: when reference names an image index (OCI
 * or Docker list), the first entry, in the index's order, whose platform
 * matches is followed.  With platform "OS/ARCH" an entry matches when its
 * platform's os and architecture are exactly those, with "OS" (wasip2) when
 * its os is; with platform NULL when its os is wasip1 or wasip2 or its
 * architecture is wasm.  No match is WPKG_E_NOT_FOUND ("index D: no entry
 * for platform P (it has wasi/wasm, ...)" / "index D: no Wasm entry (...)",
 * listing every entry's platform); an entry that is itself an index is
 * WPKG_E_UNSUPPORTED.
 * artifactType and a lone entry are not looked at: what pull downloads is
 * what inspect shows.
 *
 * A platform that is neither OS/ARCH nor OS is WPKG_E_INVALID; a document that is not
 * an image manifest WPKG_E_UNSUPPORTED; a manifest that does not parse
 * WPKG_E_INVALID ("manifest D: ...").  Fetch errors are wrapped "fetch
 * manifest" (the reference) or "fetch manifest D" (an index entry), and
 * "config D" for the config.  *out is set only on success.
 */
WPKG_API int wpkg_artifact_resolve(struct wpkg_artifact **out, struct wpkg_store *s, const char *reference,
			  const char *platform, struct wpkg_error *err);
/*
 * The first step of wpkg_artifact_resolve alone, for commands that act on
 * the document a reference names whatever it is (copy, attach, discover):
 * its exact bytes and descriptor, parsed into manifest or index_doc by its
 * media type; no index is followed and no config read.  A store error is
 * returned as it is (callers add their context); a media type that is
 * neither is WPKG_E_UNSUPPORTED ("D: media type "X" is neither a manifest
 * nor an index"); a document that does not parse WPKG_E_INVALID ("manifest
 * D: ..." / "index D: ...").  *out is set only on success.
 */
WPKG_API int wpkg_artifact_fetch(struct wpkg_artifact **out, struct wpkg_store *s, const char *reference,
			struct wpkg_error *err);
/* NULL is fine. */
WPKG_API void wpkg_artifact_free(struct wpkg_artifact *a);
/* "OS/ARCH[/VARIANT]" of p, or "(no platform)"; snprintf's return. */
WPKG_API int wpkg_artifact_platform_string(char *out, size_t size, const struct wpkg_platform *p);

/* Checks a platform argument: "OS/ARCH" (both parts non-empty) or "OS"; WPKG_E_INVALID says what is wrong. */
WPKG_API int wpkg_artifact_check_platform(const char *platform, struct wpkg_error *err);

WPKG_END_DECL

#endif
