/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/semver.h - strict SemVer 2.0 versions and Cargo-style version requirements. */
#ifndef WPKG_SEMVER_H
#define WPKG_SEMVER_H

#include <stddef.h>
#include <stdint.h>

#include "wpkg/common.h"
#include "wpkg/error.h"

WPKG_BEGIN_DECL

/* The longest version text accepted: an OCI tag is at most 128 characters. */
#define WPKG_SEMVER_MAX 128

/* A version as the Rust semver crate (and so Cargo and wkg) parses it: no "v", no missing parts. */
struct wpkg_semver {
	uint64_t major, minor, patch;
	char pre[WPKG_SEMVER_MAX + 1];    /* "" when there is no pre-release */
	char build[WPKG_SEMVER_MAX + 1];  /* "" when there is no build metadata */
};

/* Parses s strictly (SemVer 2.0: no leading zeros, non-empty identifiers). */
WPKG_API int wpkg_semver_parse(struct wpkg_semver *out, const char *s, struct wpkg_error *err);
/* SemVer precedence: <0, 0, >0.  Build metadata is ignored. */
WPKG_API int wpkg_semver_cmp(const struct wpkg_semver *a, const struct wpkg_semver *b);
/* Writes the canonical text ("1.2.3-rc.1+b5") into out (at least 3 * 21 + 2 * 130 bytes). */
WPKG_API void wpkg_semver_format(char *out, size_t size, const struct wpkg_semver *v);

enum wpkg_semver_op {
	WPKG_SEMVER_EXACT,    /* =  */
	WPKG_SEMVER_GREATER,  /* >  */
	WPKG_SEMVER_GE,       /* >= */
	WPKG_SEMVER_LESS,     /* <  */
	WPKG_SEMVER_LE,       /* <= */
	WPKG_SEMVER_TILDE,    /* ~  */
	WPKG_SEMVER_CARET,    /* ^ and no operator */
	WPKG_SEMVER_WILDCARD, /* *, 1.*, 1.2.* */
};

struct wpkg_semver_comparator {
	enum wpkg_semver_op op;
	uint64_t major, minor, patch;
	int has_minor, has_patch;         /* partial versions: "1", "1.2" */
	char pre[WPKG_SEMVER_MAX + 1];
};

#define WPKG_SEMVER_REQ_MAX 32

/* A requirement: comparators joined by ",", all of which must match.  "*" is zero comparators. */
struct wpkg_semver_req {
	size_t count;
	struct wpkg_semver_comparator c[WPKG_SEMVER_REQ_MAX];
};

/* Parses a Cargo requirement ("^0.2", "~0.2.0", ">=0.1.0, <0.2.0", "*", "1.2" = "^1.2"). */
WPKG_API int wpkg_semver_req_parse(struct wpkg_semver_req *out, const char *s, struct wpkg_error *err);
/*
 * 1 when v satisfies every comparator.  As in Cargo, a pre-release version
 * matches only if some comparator names a pre-release of the same
 * major.minor.patch.
 */
WPKG_API int wpkg_semver_req_matches(const struct wpkg_semver_req *req, const struct wpkg_semver *v);

WPKG_END_DECL

#endif
