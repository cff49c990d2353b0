/* SPDX-License-Identifier: Apache-2.0 */
/* versions.c - chooses a version among a repository's tags: strict semver only, wkg's and Cargo's rules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log_internal.h"
#include "wpkg/versions.h"

struct item {
	const char *tag;
	struct wpkg_semver v;
};

static int cmp_items(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	int r = wpkg_semver_cmp(&x->v, &y->v);

	return r ? r : strcmp(x->tag, y->tag);
}

/* The strict-semver tags, ascending; the others counted in *ignored and logged at debug. */
static int collect(struct item **out, size_t *n, size_t *ignored, const char *const *tags, size_t ntags,
		   const struct wpkg_log_sink *log)
{
	struct item *items = calloc(ntags ? ntags : 1, sizeof(*items));

	if (!items)
		return WPKG_E_NOMEM;
	*n = 0;
	*ignored = 0;
	for (size_t i = 0; i < ntags; i++) {
		struct wpkg_error err;

		if (wpkg_semver_parse(&items[*n].v, tags[i], &err) == 0) {
			items[(*n)++].tag = tags[i];
		} else {
			(*ignored)++;
			wpkg_log_to(log, WPKG_LOG_DEBUG, "tag %s ignored: not a strict semver version", tags[i]);
		}
	}
	qsort(items, *n, sizeof(*items), cmp_items);
	*out = items;
	return 0;
}

int wpkg_versions_sorted(const char ***out, size_t *n, const char *const *tags, size_t ntags)
{
	struct item *items;
	size_t ignored;
	const char **v;
	int rc;

	if ((rc = collect(&items, n, &ignored, tags, ntags, NULL)))
		return rc;
	if (!(v = calloc(*n ? *n : 1, sizeof(*v)))) {
		free(items);
		return WPKG_E_NOMEM;
	}
	for (size_t i = 0; i < *n; i++)
		v[i] = items[i].tag;
	free(items);
	*out = v;
	return 0;
}

/* Up to two versions each side of where the wanted version would sit. */
static void nearest(char *out, size_t size, const struct item *items, size_t n, const struct wpkg_semver *at)
{
	size_t pos = 0, used = 0;

	while (pos < n && wpkg_semver_cmp(&items[pos].v, at) < 0)
		pos++;
	out[0] = '\0';
	for (size_t i = pos >= 2 ? pos - 2 : 0; i < n && i < pos + 2 && used < size; i++)
		used += (size_t)snprintf(out + used, size - used, "%s%s", used ? ", " : "", items[i].tag);
}

int wpkg_versions_choose(struct wpkg_version_choice *out, const char *const *tags, size_t ntags,
			 const struct wpkg_pkgname *name, const struct wpkg_log_sink *log, struct wpkg_error *err)
{
	struct wpkg_version_choice c;
	struct item *items = NULL;
	const struct item *best = NULL;
	struct wpkg_semver at;
	char near[512];
	int rc;

	memset(&c, 0, sizeof(c));
	if (name->kind == WPKG_PKGNAME_EXACT && name->version.build[0])
		return wpkg_error_set(err, WPKG_E_INVALID,
				      "%s:%s@%s: build metadata (+%s) cannot be in an OCI tag; name the version without it",
				      name->ns, name->name, name->spec, name->version.build);
	if ((rc = collect(&items, &c.versions, &c.ignored, tags, ntags, log)))
		return wpkg_error_nomem(err);
	for (size_t i = c.versions; i-- > 0 && !best;) {
		const struct item *it = &items[i];

		if (name->kind == WPKG_PKGNAME_ANY ||
		    (name->kind == WPKG_PKGNAME_EXACT && wpkg_semver_cmp(&it->v, &name->version) == 0) ||
		    (name->kind == WPKG_PKGNAME_REQ && wpkg_semver_req_matches(&name->req, &it->v)))
			best = it;
	}
	if (!best) {
		if (c.versions == 0) {
			rc = wpkg_error_set(err, WPKG_E_NOT_FOUND, "%s:%s has no versions (%zu tag%s, none of them strict semver)",
					    name->ns, name->name, c.ignored, c.ignored == 1 ? "" : "s");
			goto out;
		}
		memset(&at, 0, sizeof(at));
		if (name->kind == WPKG_PKGNAME_EXACT) {
			at = name->version;
		} else if (name->req.count) {
			at.major = name->req.c[0].major;
			at.minor = name->req.c[0].minor;
			at.patch = name->req.c[0].patch;
		}
		nearest(near, sizeof(near), items, c.versions, &at);
		rc = wpkg_error_set(err, WPKG_E_NOT_FOUND, "%s:%s: no version %s%s (nearest: %s)", name->ns, name->name,
				    name->kind == WPKG_PKGNAME_EXACT ? "" : "matches ", name->spec, near);
		goto out;
	}
	snprintf(c.tag, sizeof(c.tag), "%s", best->tag);
	c.version = best->v;
	*out = c;
	rc = 0;
out:
	free(items);
	return rc;
}
