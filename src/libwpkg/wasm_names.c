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

/* wasmparser's is_base64: at least one byte, '=' only after the first and at most twice, nothing after it. */
static bool is_base64(const char *s, size_t n)
{
	unsigned equals = 0;

	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '+' ||
		     c == '/') && equals == 0)
			continue;
		if (c == '=' && i > 0 && equals < 2) {
			equals++;
			continue;
		}
		return false;
	}
	return true;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* integrity-metadata: whitespace-separated "sha256|sha384|sha512-BASE64", each with optional "?options" */
static bool hash(struct np *p)
{
	size_t n = strcspn(p->s, ">");
	const char *end = p->s + n, *q = p->s;
	int items = 0;

	if (*end != '>')
		return fail(p, "expected '>' after the integrity metadata");
	while (q < end) {
		const char *item, *b64, *stop;

		if (is_space(*q)) {
			q++;
			continue;
		}
		item = q;
		while (q < end && !is_space(*q))
			q++;
		if (strncmp(item, "sha256", 6) != 0 && strncmp(item, "sha384", 6) != 0 && strncmp(item, "sha512", 6) != 0)
			return fail(p, "unrecognized hash algorithm (sha256, sha384 or sha512)");
		if (item + 6 >= q || item[6] != '-')
			return fail(p, "expected '-' after the hash algorithm");
		b64 = item + 7;
		for (stop = b64; stop < q && *stop != '?'; stop++)
			;
		if (!is_base64(b64, (size_t)(stop - b64)))
			return fail(p, "the integrity digest is not valid base64");
		items++;
	}
	if (items == 0)
		return fail(p, "integrity hash cannot be empty");
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
	/* relative-url= was dropped from the component model: wasmparser refuses it (not kebab-case here) */
	if (eat(p, "url=<"))
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
