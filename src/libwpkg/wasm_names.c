/* SPDX-License-Identifier: Apache-2.0 */
/* wasm_names.c - component import/export names checked as wasmparser's ComponentNameParser checks them. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "wpkg/escape.h"
#include "wpkg/semver.h"
#include "wpkg/wasm.h"

/* A cursor over the name; fail() records the first reason. */
struct np {
	const char *s;        /* what is left */
	const char *why;
};

static bool fail(struct np *p, const char *why)
{
	if (p->why == NULL)
		p->why = why;
	return false;
}

static bool eat(struct np *p, const char *lit)
{
	size_t n = strlen(lit);

	if (strncmp(p->s, lit, n) != 0)
		return false;
	p->s += n;
	return true;
}

static bool expect(struct np *p, const char *lit, const char *why)
{
	return eat(p, lit) || fail(p, why);
}

/* wasmparser's KebabStr: words split by '-', each a letter then letters/digits, all lower or all upper case. */
static bool is_kebab(const char *s, size_t n)
{
	bool lower = false, upper = false;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c >= 'a' && c <= 'z' && !upper)
			lower = true;
		else if (c >= 'A' && c <= 'Z' && !lower)
			upper = true;
		else if (c >= '0' && c <= '9' && (lower || upper))
			;
		else if (c == '-' && (lower || upper))
			lower = upper = false;
		else
			return false;
	}
	return n > 0 && s[n - 1] != '-';
}

/* A kebab word run up to the first byte in stop (or the end). */
static bool kebab_until(struct np *p, const char *stop, const char *why)
{
	size_t n = strcspn(p->s, stop);

	if (!is_kebab(p->s, n))
		return fail(p, why);
	p->s += n;
	return true;
}

/* A version as semver has it (1.2.3, pre-release and build allowed), up to a byte in stop. */
static bool version_until(struct np *p, const char *stop)
{
	struct wpkg_semver v;
	struct wpkg_error ignored;
	char buf[WPKG_SEMVER_MAX + 1];
	size_t n = strcspn(p->s, stop);

	if (n == 0 || n >= sizeof(buf))
		return fail(p, "the version is not a semver version");
	memcpy(buf, p->s, n);
	buf[n] = '\0';
	if (wpkg_semver_parse(&v, buf, &ignored) < 0)
		return fail(p, "the version is not a semver version");
	p->s += n;
	return true;
}

/* pkgname ::= ns ':' name ('@' version)? */
static bool pkg_name(struct np *p, const char *stop)
{
	char stops[16];

	snprintf(stops, sizeof(stops), "@%s", stop);
	if (!kebab_until(p, ":", "the namespace is not kebab-case") ||
	    !expect(p, ":", "expected ':' after the namespace") ||
	    !kebab_until(p, stops, "the package name is not kebab-case"))
		return false;
	return !eat(p, "@") || version_until(p, stop);
}

/* interface name ::= ns ':' pkg '/' iface ('@' version)? (nested names are a wasmparser feature left off) */
static bool interface_name(struct np *p)
{
	if (!kebab_until(p, ":", "the namespace is not kebab-case") ||
	    !expect(p, ":", "expected ':' after the namespace") ||
	    !kebab_until(p, "/", "the package name is not kebab-case") ||
	    !expect(p, "/", "an interface name needs '/' after the package name") ||
	    !kebab_until(p, "@", "the interface name is not kebab-case"))
		return false;
	return !eat(p, "@") || version_until(p, "");
}

/* integrity-metadata: space-separated "sha256|sha384|sha512-BASE64", each with optional "?options" */
static bool hash(struct np *p)
{
	size_t n = strcspn(p->s, ">");
	const char *end = p->s + n, *q = p->s;
	int items = 0;

	while (q < end) {
		size_t b64 = 0;

		if (*q == ' ') {
			q++;
			continue;
		}
		if (strncmp(q, "sha256-", 7) != 0 && strncmp(q, "sha384-", 7) != 0 && strncmp(q, "sha512-", 7) != 0)
			return fail(p, "integrity metadata must be sha256-, sha384- or sha512- then base64");
		q += 7;
		while (q < end && (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=", *q) != NULL)) {
			q++;
			b64++;
		}
		if (b64 == 0)
			return fail(p, "integrity metadata has no base64 digest");
		if (q < end && *q == '?')
			while (q < end && *q != ' ')
				q++;
		if (q < end && *q != ' ')
			return fail(p, "integrity metadata has a byte outside base64");
		items++;
	}
	if (items == 0)
		return fail(p, "integrity metadata is empty");
	p->s = end;
	return true;
}

static bool optional_hash(struct np *p)
{
	if (!eat(p, ","))
		return true;
	return expect(p, "integrity=<", "expected integrity=< after ','") && hash(p) &&
	       expect(p, ">", "expected '>' after the integrity metadata");
}

/* verrange ::= '*' | '{' '>=' v '}' | '{' '<' v '}' | '{' '>=' v ' ' '<' v '}' */
static bool version_range(struct np *p)
{
	if (eat(p, "*"))
		return true;
	if (!expect(p, "{", "expected '*' or '{' after '@' in a dependency range"))
		return false;
	if (eat(p, ">=")) {
		if (!version_until(p, " }"))
			return false;
		if (eat(p, " ") && (!expect(p, "<", "expected '<' after ' ' in a version range") ||
				    !version_until(p, "}")))
			return false;
	} else if (!expect(p, "<", "expected '>=' or '<' in a version range") || !version_until(p, "}")) {
		return false;
	}
	return expect(p, "}", "expected '}' to close the version range");
}

static bool url(struct np *p)
{
	size_t n = strcspn(p->s, "<>");

	if (p->s[n] != '>')
		return fail(p, p->s[n] == '<' ? "a URL cannot contain '<'" : "expected '>' after the URL");
	p->s += n + 1;
	return optional_hash(p);
}

/* [method]/[static] and their async forms: RESOURCE '.' NAME */
static bool resource_func(struct np *p)
{
	return kebab_until(p, ".", "the resource name is not kebab-case") &&
	       expect(p, ".", "expected '.' between the resource and the function") &&
	       kebab_until(p, "", "the function name is not kebab-case");
}

static bool parse(struct np *p)
{
	if (eat(p, "[constructor]") || eat(p, "[async]"))
		return kebab_until(p, "", "the name is not kebab-case");
	if (eat(p, "[method]") || eat(p, "[static]") || eat(p, "[async method]") || eat(p, "[async static]"))
		return resource_func(p);
	if (eat(p, "unlocked-dep=<")) {
		if (!kebab_until(p, ":", "the namespace is not kebab-case") ||
		    !expect(p, ":", "expected ':' after the namespace") ||
		    !kebab_until(p, "@>", "the package name is not kebab-case"))
			return false;
		if (eat(p, "@") && !version_range(p))
			return false;
		return expect(p, ">", "expected '>' after the package");
	}
	if (eat(p, "locked-dep=<"))
		return pkg_name(p, ">") && expect(p, ">", "expected '>' after the package") && optional_hash(p);
	if (eat(p, "url=<") || eat(p, "relative-url=<"))
		return url(p);
	if (eat(p, "integrity=<"))
		return hash(p) && expect(p, ">", "expected '>' after the integrity metadata");
	if (strchr(p->s, ':') != NULL)
		return interface_name(p);
	return kebab_until(p, "", "it is not kebab-case (words of letters and digits, each starting with a letter, "
			   "all lower or all upper case, joined by '-')");
}

int wpkg_wasm_check_name(const char *name, struct wpkg_error *err)
{
	struct np p = { name, NULL };
	char shown[160];

	if (parse(&p) && p.s[0] != '\0')
		fail(&p, "trailing characters after the name");
	if (p.why == NULL)
		return 0;
	wpkg_escape(shown, sizeof(shown), name, strlen(name), 0);
	return wpkg_error_set(err, WPKG_E_INVALID, "\"%s\" is not a valid component name: %s", shown, p.why);
}
