/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/ref.h - references: registry[:port]/repository[:tag][@digest] and local transports. */
#ifndef WPKG_REF_H
#define WPKG_REF_H

#include <stddef.h>

#include "wpkg/common.h"
#include "wpkg/error.h"

WPKG_BEGIN_DECL

/* The distribution-spec tag grammar, [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}: the one check of a tag. */
#define WPKG_TAG_MAX 128

enum wpkg_tag_problem {
	WPKG_TAG_OK = 0,
	WPKG_TAG_EMPTY,
	WPKG_TAG_TOO_LONG,   /* more than WPKG_TAG_MAX bytes */
	WPKG_TAG_BAD_FIRST,  /* the first byte is not a letter, digit or '_' */
	WPKG_TAG_BAD_CHAR,   /* a later byte is not a letter, digit, '_', '.' or '-' */
};

/* Checks the n bytes at tag; for BAD_FIRST and BAD_CHAR *at gets the offset of the byte. */
WPKG_API enum wpkg_tag_problem wpkg_tag_check(const char *tag, size_t n, size_t *at);

enum wpkg_transport {
	WPKG_TRANSPORT_REGISTRY = 0,     /* [docker://]host/repo:tag */
	WPKG_TRANSPORT_OCI_LAYOUT = 1,   /* oci-layout:DIR[:TAG|@DIGEST] */
	WPKG_TRANSPORT_OCI_ARCHIVE = 2,  /* oci-archive:FILE.tar[:TAG|@DIGEST] */
};

struct wpkg_ref {
	enum wpkg_transport transport;
	char *registry;    /* "docker.io", "ghcr.io", "localhost:5000", "[::1]:5000"; NULL for local transports */
	char *repository;  /* "library/alpine", "org/app"; NULL for local transports */
	char *tag;         /* NULL when not given */
	char *digest;      /* "sha256:..." or NULL */
	char *path;        /* directory or archive for local transports; NULL for registries */
};

enum wpkg_ref_flags {
	WPKG_REF_NO_TAG = 1u << 0,     /* a repository only (wpkg tags REPO): refuse :tag and @digest */
};

/*
 * Parses s following the distribution reference grammar
 *   [docker://][registry[:port]/]repository[:tag][@digest]
 * with Docker Hub normalisation ("alpine" -> docker.io/library/alpine,
 * "user/app" -> docker.io/user/app, "index.docker.io" -> docker.io) and the
 * rule that a first component containing '.' or ':', or equal to "localhost",
 * names a registry (a host name, IPv4 address or "[IPv6]", optional port
 * 1..65535).  Path components are [a-z0-9]+ joined by '.', '_', '__' or
 * '-'+; a tag is [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}; "registry/repository"
 * is at most 255 characters.
 *
 * Local transports: "oci-layout:DIR[:TAG][@DIGEST]" and
 * "oci-archive:FILE[:TAG][@DIGEST]".  A trailing "@alg:hex" without '/' is a
 * digest; then the text after the LAST ':' is always a tag and must be a
 * valid one, so a DIR containing ':' must be followed by ":TAG"
 * ("oci-layout:/a:b/c" is refused, "oci-layout:/a:b/c:latest" is DIR
 * "/a:b/c" and tag "latest").
 *
 * Every error is WPKG_E_INVALID with one line that says what is wrong and
 * where (1-based positions in s), e.g. "invalid reference "Foo/bar":
 * repository name must be lowercase ('F' at position 1)".  out is set only on
 * success; caller frees with wpkg_ref_free().
 */
WPKG_API int wpkg_ref_parse(struct wpkg_ref *out, const char *s, unsigned flags, struct wpkg_error *err);
WPKG_API void wpkg_ref_free(struct wpkg_ref *r);

/* The tag or digest to ask the registry for: digest if set, else tag, else "latest". */
WPKG_API const char *wpkg_ref_reference(const struct wpkg_ref *r);
/* The host the HTTP API lives on: "registry-1.docker.io" for docker.io, else registry; NULL if local. */
WPKG_API const char *wpkg_ref_api_host(const struct wpkg_ref *r);
/*
 * Canonical text: "registry/repository[:tag][@digest]" or
 * "oci-layout:DIR[:TAG][@DIGEST]".  Caller frees; NULL on ENOMEM.
 */
WPKG_API char *wpkg_ref_string(const struct wpkg_ref *r);

WPKG_END_DECL

#endif
