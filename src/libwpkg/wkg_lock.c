/* SPDX-License-Identifier: Apache-2.0 */
/* wkg_lock.c - reads wkg.lock: packages, their locked versions and layer digests. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wkg_internal.h"
#include "wpkg/buf.h"
#include "wpkg/fsutil.h"
#include "wpkg/pkgname.h"
#include "wpkg/toml.h"
#include "wpkg/wkg_lock.h"

#define LOCK_MAX ((size_t)16 << 20)

#define bad wpkg_wkg_fail

/* t[key], or t[alias] (serde alias): both present is a duplicate field. */
static int aliased(const struct wpkg_toml **out, const struct wpkg_toml *t, const char *key, const char *alias,
		   const char *path, struct wpkg_error *err)
{
	const struct wpkg_toml *a = wpkg_toml_get(t, key), *b = wpkg_toml_get(t, alias);

	if (a && b)
		return bad(err, path, b->line, "both %s and %s are given", key, alias);
	*out = a ? a : b;
	return 0;
}

static const struct wpkg_toml *string_field(const struct wpkg_toml *t, const char *key)
{
	const struct wpkg_toml *v = wpkg_toml_get(t, key);

	return v && v->type == WPKG_TOML_STRING ? v : NULL;
}

static int digest_valid(const char *s)
{
	return strncmp(s, "sha256:", 7) == 0 && strlen(s + 7) == 64 && strspn(s + 7, "0123456789abcdef") == 64;
}

static int parse_version(struct wpkg_wkg_lock_version *v, const struct wpkg_toml *t, const char *path,
			 struct wpkg_error *err)
{
	const struct wpkg_toml *req = string_field(t, "requirement"), *ver = string_field(t, "version"),
			       *dig = string_field(t, "digest");
	struct wpkg_error e2 = { 0 };

	v->line = t->line;
	if (t->type != WPKG_TOML_TABLE || !req || !ver || !dig)
		return bad(err, path, t->line, "a locked version needs requirement, version and digest strings");
	if (wpkg_semver_req_parse(&v->req, req->str, &e2))
		return bad(err, path, req->line, "%s", e2.msg);
	if (wpkg_semver_parse(&v->version, ver->str, &e2))
		return bad(err, path, ver->line, "%s", e2.msg);
	if (!digest_valid(dig->str))
		return bad(err, path, dig->line, "digest \"%s\" is not sha256:<64 lower-case hex digits>", dig->str);
	snprintf(v->digest, sizeof(v->digest), "%s", dig->str);
	if (!(v->requirement = strdup(req->str)))
		return WPKG_E_NOMEM;
	return 0;
}

static int parse_package(struct wpkg_wkg_lock_package *p, const struct wpkg_toml *t, const char *path,
			 struct wpkg_error *err)
{
	const struct wpkg_toml *name = string_field(t, "name"), *reg = NULL, *vers = NULL;
	int rc;

	p->line = t->line;
	if (t->type != WPKG_TOML_TABLE || !name)
		return bad(err, path, t->line, "a locked package needs a name string");
	if (!wpkg_pkgname_is_name(name->str) || strchr(name->str, '@'))
		return bad(err, path, name->line, "\"%s\" is not a package name (NAMESPACE:NAME)", name->str);
	if (!(p->name = strdup(name->str)))
		return WPKG_E_NOMEM;
	if ((reg = wpkg_toml_get(t, "registry"))) {
		if (reg->type != WPKG_TOML_STRING)
			return bad(err, path, reg->line, "registry must be a string");
		if (!(p->registry = strdup(reg->str)))
			return WPKG_E_NOMEM;
	}
	if ((rc = aliased(&vers, t, "versions", "version", path, err)) || !vers)
		return rc;
	if (vers->type != WPKG_TOML_ARRAY)
		return bad(err, path, vers->line, "versions must be an array of tables");
	if (vers->count && !(p->versions = calloc(vers->count, sizeof(*p->versions))))
		return WPKG_E_NOMEM;
	for (size_t i = 0; i < vers->count; i++) {
		p->nversions++;
		if ((rc = parse_version(&p->versions[i], vers->items[i], path, err)))
			return rc;
	}
	return 0;
}

int wpkg_wkg_lock_parse(struct wpkg_wkg_lock *out, const char *path, const char *text, size_t len,
			struct wpkg_error *err)
{
	struct wpkg_wkg_lock lock = { 0 };
	struct wpkg_toml *doc = NULL;
	const struct wpkg_toml *ver = NULL, *pkgs = NULL;
	int rc;

	if ((rc = wpkg_toml_parse(&doc, text, len, err))) {
		wpkg_error_wrap(err, "%s", path);
		goto out;
	}
	ver = wpkg_toml_get(doc, "version");
	if (!ver || ver->type != WPKG_TOML_INTEGER) {
		rc = bad(err, path, ver ? ver->line : 1, "a lock file needs version = 1");
		goto out;
	}
	if (ver->integer != 1) {
		rc = bad(err, path, ver->line, "unsupported lock file version %lld (wpkg reads version 1)",
			 (long long)ver->integer);
		goto out;
	}
	if ((rc = aliased(&pkgs, doc, "packages", "package", path, err)))
		goto out;
	if (pkgs && pkgs->type != WPKG_TOML_ARRAY) {
		rc = bad(err, path, pkgs->line, "packages must be an array of tables");
		goto out;
	}
	if (pkgs && pkgs->count && !(lock.packages = calloc(pkgs->count, sizeof(*lock.packages)))) {
		rc = WPKG_E_NOMEM;
		goto out;
	}
	for (size_t i = 0; pkgs && i < pkgs->count; i++) {
		lock.npackages++;
		if ((rc = parse_package(&lock.packages[i], pkgs->items[i], path, err)))
			goto out;
	}
out:
	if (rc == WPKG_E_NOMEM)
		wpkg_error_nomem(err);
	wpkg_toml_free(doc);
	if (rc)
		wpkg_wkg_lock_free(&lock);
	else
		*out = lock;
	return rc;
}

int wpkg_wkg_lock_load(struct wpkg_wkg_lock *out, const char *path, struct wpkg_error *err)
{
	struct wpkg_buf text = WPKG_BUF_INIT;
	int rc;

	if ((rc = wpkg_read_file(&text, path, LOCK_MAX, err)) == 0)
		rc = wpkg_wkg_lock_parse(out, path, text.data, text.len, err);
	else
		wpkg_error_wrap(err, "lock file");
	wpkg_buf_free(&text);
	return rc;
}

void wpkg_wkg_lock_free(struct wpkg_wkg_lock *lock)
{
	for (size_t i = 0; i < lock->npackages; i++) {
		struct wpkg_wkg_lock_package *p = &lock->packages[i];

		for (size_t k = 0; k < p->nversions; k++)
			free(p->versions[k].requirement);
		free(p->versions);
		free(p->name);
		free(p->registry);
	}
	free(lock->packages);
	memset(lock, 0, sizeof(*lock));
}

static int req_equal(const struct wpkg_semver_req *a, const struct wpkg_semver_req *b)
{
	if (a->count != b->count)
		return 0;
	for (size_t i = 0; i < a->count; i++) {
		const struct wpkg_semver_comparator *x = &a->c[i], *y = &b->c[i];

		if (x->op != y->op || x->major != y->major || x->has_minor != y->has_minor ||
		    x->has_patch != y->has_patch || (x->has_minor && x->minor != y->minor) ||
		    (x->has_patch && x->patch != y->patch) || strcmp(x->pre, y->pre))
			return 0;
	}
	return 1;
}

const struct wpkg_wkg_lock_version *wpkg_wkg_lock_find(const struct wpkg_wkg_lock *lock, const char *package,
						       const char *registry, const struct wpkg_semver_req *req)
{
	for (size_t i = 0; i < lock->npackages; i++) {
		const struct wpkg_wkg_lock_package *p = &lock->packages[i];

		if (strcmp(p->name, package) || (registry && p->registry && strcmp(p->registry, registry)))
			continue;
		for (size_t k = 0; k < p->nversions; k++)
			if (req_equal(&p->versions[k].req, req))
				return &p->versions[k];
	}
	return NULL;
}
