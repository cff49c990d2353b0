/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/versions.h - choosing a package version from a repository's tags, as wkg does. */
#ifndef WPKG_VERSIONS_H
#define WPKG_VERSIONS_H

#include <stddef.h>

#include "wpkg/common.h"
#include "wpkg/error.h"
#include "wpkg/log.h"
#include "wpkg/pkgname.h"
#include "wpkg/semver.h"

WPKG_BEGIN_DECL

struct wpkg_version_choice {
	char tag[WPKG_SEMVER_MAX + 1];  /* the tag chosen */
	struct wpkg_semver version;
	size_t versions;                /* tags that are strict semver */
	size_t ignored;                 /* tags that are not ("latest", "v1.0.0", "1.0", "sha256-...") */
};

/*
 * Chooses from tags (ntags strings) for name's version part:
 *  - ANY: the highest version, pre-releases included (wkg get);
 *  - EXACT: that version;
 *  - REQ: the highest version the requirement matches (pre-releases only when a comparator names one).
 * Ignored tags are logged at debug level to log (may be NULL).  When nothing fits: WPKG_E_NOT_FOUND, the
 * message listing the nearest versions.
 */
WPKG_API int wpkg_versions_choose(struct wpkg_version_choice *out, const char *const *tags, size_t ntags,
			 const struct wpkg_pkgname *name, const struct wpkg_log_sink *log, struct wpkg_error *err);

/*
 * Sorts the strict-semver tags of tags into *out (ascending, a new array of
 * pointers into tags; caller frees the array) and their count into *n.
 */
WPKG_API int wpkg_versions_sorted(const char ***out, size_t *n, const char *const *tags, size_t ntags);

WPKG_END_DECL

#endif
