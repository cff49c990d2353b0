/* wpkg/ref.h - references: registry[:port]/repository[:tag][@digest] and local transports. */
#ifndef WPKG_REF_H
#define WPKG_REF_H

#include "wpkg/error.h"

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
 * Parses s following the distribution reference grammar with Docker Hub
 * normalisation ("alpine" -> docker.io/library/alpine) and the rule that a
 * first component containing '.' or ':', or equal to "localhost", names a
 * registry.  Errors are WPKG_E_INVALID with a message that says what is wrong
 * and where, e.g. "invalid reference "Foo/bar": repository name must be
 * lowercase (character 'F' at position 1)".  Caller frees with wpkg_ref_free().
 */
int wpkg_ref_parse(struct wpkg_ref *out, const char *s, unsigned flags, struct wpkg_error *err);
void wpkg_ref_free(struct wpkg_ref *r);

/* The tag or digest to ask the registry for: digest if set, else tag, else "latest". */
const char *wpkg_ref_reference(const struct wpkg_ref *r);
/* The host the HTTP API lives on: "registry-1.docker.io" for docker.io, else registry. */
const char *wpkg_ref_api_host(const struct wpkg_ref *r);
/* Canonical text: "registry/repository[:tag][@digest]" or "oci-layout:DIR[:TAG]". Caller frees. */
char *wpkg_ref_string(const struct wpkg_ref *r);

#endif
