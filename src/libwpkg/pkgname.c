/* SPDX-License-Identifier: Apache-2.0 */
/* pkgname.c - parses Wasm package names and tells them from OCI references. */
#include <string.h>

#include "wpkg/pkgname.h"

/* wasm-pkg-common label.rs: words split on '-', each non-empty, [a-z] then [a-z0-9]*. */
int wpkg_label_valid(const char *s, size_t len)
{
	int word_start = 1;

	if (len == 0 || len > WPKG_LABEL_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (c == '-') {
			if (word_start)
				return 0;
			word_start = 1;
			continue;
		}
		if (word_start ? !(c >= 'a' && c <= 'z') : !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			return 0;
		word_start = 0;
	}
	return !word_start;
}

/* Splits s (up to any "@") at its one ':'; 1 when both sides are labels. */
static int split(const char *s, size_t *colon, size_t *end)
{
	const char *at = strchr(s, '@');
	size_t n = at ? (size_t)(at - s) : strlen(s);
	const char *c = memchr(s, ':', n);

	if (strchr(s, '/') || !c)
		return 0;
	*colon = (size_t)(c - s);
	*end = n;
	return wpkg_label_valid(s, *colon) && wpkg_label_valid(c + 1, n - *colon - 1);
}

int wpkg_pkgname_is_name(const char *s)
{
	size_t colon, end;

	return split(s, &colon, &end);
}

int wpkg_pkgname_parse(struct wpkg_pkgname *out, const char *s, struct wpkg_error *err)
{
	struct wpkg_pkgname p;
	size_t colon, end;
	int rc;

	if (!split(s, &colon, &end))
		return wpkg_error_set(err, WPKG_E_INVALID,
				      "invalid package name \"%s\": expected NAMESPACE:NAME[@VERSION], each a label of "
				      "lower-case words joined by '-' (e.g. wasi:http@0.2.0)", s);
	memset(&p, 0, sizeof(p));
	memcpy(p.ns, s, colon);
	memcpy(p.name, s + colon + 1, end - colon - 1);
	if (s[end] == '@') {
		const char *spec = s + end + 1;
		struct wpkg_error ignored;

		if (strlen(spec) >= sizeof(p.spec))
			return wpkg_error_set(err, WPKG_E_INVALID, "invalid package name \"%s\": version too long", s);
		strcpy(p.spec, spec);
		if (wpkg_semver_parse(&p.version, spec, &ignored) == 0) {
			p.kind = WPKG_PKGNAME_EXACT;
		} else {
			if ((rc = wpkg_semver_req_parse(&p.req, spec, err)))
				return wpkg_error_wrap(err, "package %s:%s", p.ns, p.name);
			p.kind = WPKG_PKGNAME_REQ;
		}
	}
	*out = p;
	return 0;
}
