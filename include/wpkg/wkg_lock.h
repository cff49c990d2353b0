/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/wkg_lock.h - reads wkg's wkg.lock (version 1), which pins each requirement to a version and a LAYER digest. */
#ifndef WPKG_WKG_LOCK_H
#define WPKG_WKG_LOCK_H

#include <stddef.h>

#include "wpkg/common.h"
#include "wpkg/error.h"
#include "wpkg/semver.h"

WPKG_BEGIN_DECL

struct wpkg_wkg_lock_version {
	char *requirement;              /* as written */
	struct wpkg_semver_req req;
	struct wpkg_semver version;
	char digest[72];                /* "sha256:<64 hex>": the Wasm layer's digest, not the manifest's */
	int line;
};

struct wpkg_wkg_lock_package {
	char *name;                     /* "ns:name" */
	char *registry;                 /* NULL when the entry names none */
	struct wpkg_wkg_lock_version *versions;
	size_t nversions;
	int line;
};

struct wpkg_wkg_lock {
	struct wpkg_wkg_lock_package *packages;
	size_t npackages;
};

/*
 * Parses a lock file as wasm-pkg-core's lock.rs reads it: version = 1; the
 * [[packages]] array (or its old alias [[package]]), each with name, optional
 * registry and [[packages.versions]] (alias version) of requirement, version
 * and digest.  Other keys are ignored, as serde ignores them there.
 */
WPKG_API int wpkg_wkg_lock_parse(struct wpkg_wkg_lock *out, const char *path, const char *text, size_t len,
			struct wpkg_error *err);
WPKG_API int wpkg_wkg_lock_load(struct wpkg_wkg_lock *out, const char *path, struct wpkg_error *err);
WPKG_API void wpkg_wkg_lock_free(struct wpkg_wkg_lock *lock);

/*
 * The entry for package "ns:name" whose requirement equals req (compared as
 * parsed requirements, as lock.rs compares VersionReq values).  registry NULL
 * matches any entry; otherwise an entry's registry, when it has one, must equal it.
 */
WPKG_API const struct wpkg_wkg_lock_version *wpkg_wkg_lock_find(const struct wpkg_wkg_lock *lock,
								 const char *package, const char *registry,
								 const struct wpkg_semver_req *req);

WPKG_END_DECL

#endif
