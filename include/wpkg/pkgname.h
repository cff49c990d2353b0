/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/pkgname.h - Wasm package names ("wasi:http", "wasi:http@0.2.0", "ba:x@^1.2") and their labels. */
#ifndef WPKG_PKGNAME_H
#define WPKG_PKGNAME_H

#include <stddef.h>

#include "wpkg/common.h"
#include "wpkg/error.h"
#include "wpkg/semver.h"

WPKG_BEGIN_DECL

#define WPKG_LABEL_MAX 128

enum wpkg_pkgname_version {
	WPKG_PKGNAME_ANY,       /* "ns:name": the highest version, pre-releases included */
	WPKG_PKGNAME_EXACT,     /* "ns:name@1.2.3": that version */
	WPKG_PKGNAME_REQ,       /* "ns:name@REQ": the highest version REQ matches */
};

struct wpkg_pkgname {
	char ns[WPKG_LABEL_MAX + 1];
	char name[WPKG_LABEL_MAX + 1];
	enum wpkg_pkgname_version kind;
	char spec[WPKG_SEMVER_MAX * 8 + 1];   /* the text after "@", "" for ANY */
	struct wpkg_semver version;           /* EXACT */
	struct wpkg_semver_req req;           /* REQ */
};

/*
 * 1 when s is a component-model label as wasm-pkg-common checks it:
 * dash-separated non-empty words of [a-z0-9], each starting with [a-z].
 */
WPKG_API int wpkg_label_valid(const char *s, size_t len);

/*
 * The rule that tells a package name from an OCI reference: no "/" and,
 * before any "@", exactly "LABEL:LABEL".  ("ubuntu:latest" is then a package
 * name; write Docker Hub images in full: docker.io/library/ubuntu:latest.)
 */
WPKG_API int wpkg_pkgname_is_name(const char *s);

/* Parses "ns:name[@VERSION|@REQ]".  A version that parses as strict semver is EXACT. */
WPKG_API int wpkg_pkgname_parse(struct wpkg_pkgname *out, const char *s, struct wpkg_error *err);

WPKG_END_DECL

#endif
