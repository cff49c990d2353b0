/* SPDX-License-Identifier: Apache-2.0 */
/* semver.c - SemVer 2.0 versions and Cargo requirements, with the Rust semver crate's matching rules. */
#include <stdio.h>
#include <string.h>

#include "wpkg/semver.h"

struct cursor {
	const char *s;
	size_t pos;
	const char *input;
	struct wpkg_error *err;
};

static int bad(struct cursor *c, const char *what)
{
	return wpkg_error_set(c->err, WPKG_E_INVALID, "invalid version \"%s\": %s", c->input, what);
}

static int is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static int is_ident(char ch)
{
	return is_digit(ch) || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '-';
}

/* A numeric part: "0" or digits without a leading zero, within 64 bits. */
static int number(struct cursor *c, uint64_t *out, const char *name)
{
	const char *s = c->s + c->pos;
	uint64_t v = 0;
	size_t n = 0;
	char msg[96];

	while (is_digit(s[n])) {
		unsigned d = (unsigned)(s[n] - '0');

		if (v > (UINT64_MAX - d) / 10) {
			snprintf(msg, sizeof(msg), "the %s number is too large", name);
			return bad(c, msg);
		}
		v = v * 10 + d;
		n++;
	}
	if (n == 0) {
		snprintf(msg, sizeof(msg), "expected the %s number", name);
		return bad(c, msg);
	}
	if (n > 1 && s[0] == '0') {
		snprintf(msg, sizeof(msg), "the %s number has a leading zero", name);
		return bad(c, msg);
	}
	c->pos += n;
	*out = v;
	return 0;
}

/* Dot-separated identifiers after "-" (numeric ones without leading zeros) or "+" (any). */
static int identifiers(struct cursor *c, char *out, int pre)
{
	size_t start = c->pos;

	for (;;) {
		size_t n = 0, digits = 0;
		const char *s = c->s + c->pos;

		while (is_ident(s[n])) {
			digits += is_digit(s[n]);
			n++;
		}
		if (n == 0)
			return bad(c, pre ? "empty pre-release identifier" : "empty build identifier");
		if (pre && digits == n && n > 1 && s[0] == '0')
			return bad(c, "numeric pre-release identifier with a leading zero");
		c->pos += n;
		if (c->s[c->pos] != '.')
			break;
		c->pos++;
	}
	if (c->pos - start > WPKG_SEMVER_MAX)
		return bad(c, "too long");
	memcpy(out, c->s + start, c->pos - start);
	out[c->pos - start] = '\0';
	return 0;
}

/* The version from c->pos: "M.m.p[-pre][+build]"; stops after it. */
static int version_at(struct cursor *c, struct wpkg_semver *v)
{
	int rc;

	memset(v, 0, sizeof(*v));
	if ((rc = number(c, &v->major, "major")))
		return rc;
	if (c->s[c->pos] != '.')
		return bad(c, "expected MAJOR.MINOR.PATCH");
	c->pos++;
	if ((rc = number(c, &v->minor, "minor")))
		return rc;
	if (c->s[c->pos] != '.')
		return bad(c, "expected MAJOR.MINOR.PATCH");
	c->pos++;
	if ((rc = number(c, &v->patch, "patch")))
		return rc;
	if (c->s[c->pos] == '-') {
		c->pos++;
		if ((rc = identifiers(c, v->pre, 1)))
			return rc;
	}
	if (c->s[c->pos] == '+') {
		c->pos++;
		if ((rc = identifiers(c, v->build, 0)))
			return rc;
	}
	return 0;
}

int wpkg_semver_parse(struct wpkg_semver *out, const char *s, struct wpkg_error *err)
{
	struct cursor c = { .s = s, .input = s, .err = err };
	struct wpkg_semver v;
	int rc;

	if (strlen(s) > WPKG_SEMVER_MAX)
		return bad(&c, "too long");
	if ((rc = version_at(&c, &v)))
		return rc;
	if (s[c.pos] != '\0')
		return bad(&c, "unexpected characters after the version");
	*out = v;
	return 0;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

/* SemVer 2.0 section 11: identifiers compared in turn; numeric < alphanumeric; shorter list first. */
static int cmp_pre(const char *a, const char *b)
{
	if (!*a || !*b)
		return !*a - !*b;  /* no pre-release ranks above any pre-release */
	for (;;) {
		size_t la = strcspn(a, "."), lb = strcspn(b, ".");
		int na = strspn(a, "0123456789") == la, nb = strspn(b, "0123456789") == lb;
		int r;

		if (na && nb) {
			/* no leading zeros, so the longer number is the larger */
			r = la != lb ? (la < lb ? -1 : 1) : memcmp(a, b, la);
		} else if (na != nb) {
			r = na ? -1 : 1;
		} else {
			r = memcmp(a, b, la < lb ? la : lb);
			if (r == 0)
				r = la < lb ? -1 : la > lb;
		}
		if (r)
			return r < 0 ? -1 : 1;
		a += la;
		b += lb;
		if (!*a || !*b)
			return !*b - !*a;
		a++;
		b++;
	}
}

int wpkg_semver_cmp(const struct wpkg_semver *a, const struct wpkg_semver *b)
{
	int r;

	if ((r = cmp_u64(a->major, b->major)) || (r = cmp_u64(a->minor, b->minor)) ||
	    (r = cmp_u64(a->patch, b->patch)))
		return r;
	return cmp_pre(a->pre, b->pre);
}

void wpkg_semver_format(char *out, size_t size, const struct wpkg_semver *v)
{
	snprintf(out, size, "%llu.%llu.%llu%s%s%s%s", (unsigned long long)v->major, (unsigned long long)v->minor,
		 (unsigned long long)v->patch, *v->pre ? "-" : "", v->pre, *v->build ? "+" : "", v->build);
}

static void skip_spaces(struct cursor *c)
{
	while (c->s[c->pos] == ' ' || c->s[c->pos] == '\t')
		c->pos++;
}

static int bad_req(struct cursor *c, const char *what)
{
	return wpkg_error_set(c->err, WPKG_E_INVALID, "invalid version requirement \"%s\": %s", c->input, what);
}

static int is_wild(char ch)
{
	return ch == '*' || ch == 'x' || ch == 'X';
}

/* One comparator: [op] M[.m[.p[-pre]]] with *, x or X for a missing part. */
static int comparator(struct cursor *c, struct wpkg_semver_comparator *cmp, int *wild_alone)
{
	static const struct {
		const char *text;
		enum wpkg_semver_op op;
	} ops[] = {
		{ ">=", WPKG_SEMVER_GE }, { "<=", WPKG_SEMVER_LE }, { "=", WPKG_SEMVER_EXACT },
		{ ">", WPKG_SEMVER_GREATER }, { "<", WPKG_SEMVER_LESS }, { "~", WPKG_SEMVER_TILDE },
		{ "^", WPKG_SEMVER_CARET },
	};
	int explicit_op = 0;
	struct cursor num;

	memset(cmp, 0, sizeof(*cmp));
	cmp->op = WPKG_SEMVER_CARET;
	*wild_alone = 0;
	skip_spaces(c);
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strncmp(c->s + c->pos, ops[i].text, strlen(ops[i].text)) == 0) {
			cmp->op = ops[i].op;
			c->pos += strlen(ops[i].text);
			explicit_op = 1;
			break;
		}
	skip_spaces(c);
	num = *c;
	num.err = NULL;
	for (int i = 0; i < 3; i++) {
		uint64_t *part = i == 0 ? &cmp->major : i == 1 ? &cmp->minor : &cmp->patch;

		if (i > 0) {
			if (c->s[c->pos] != '.')
				break;
			c->pos++;
		}
		if (is_wild(c->s[c->pos])) {
			/* "*" alone takes no operator; "1.*" and "1.2.*" take at most "=" */
			if (explicit_op && (i == 0 || cmp->op != WPKG_SEMVER_EXACT))
				return bad_req(c, "a wildcard takes no operator");
			c->pos++;
			cmp->op = WPKG_SEMVER_WILDCARD;
			*wild_alone = i == 0;
			for (; i < 2 && c->s[c->pos] == '.'; i++) {
				if (!is_wild(c->s[c->pos + 1]))
					return bad_req(c, "only wildcards may follow a wildcard");
				c->pos += 2;
			}
			return 0;
		}
		num.pos = c->pos;
		if (number(&num, part, "version"))
			return bad_req(c, i == 0 ? "expected a version" : i == 1 ? "bad minor version" : "bad patch version");
		c->pos = num.pos;
		cmp->has_minor |= i >= 1;
		cmp->has_patch |= i == 2;
	}
	if (cmp->has_patch && c->s[c->pos] == '-') {
		c->pos++;
		num.pos = c->pos;
		if (identifiers(&num, cmp->pre, 1))
			return bad_req(c, "bad pre-release");
		c->pos = num.pos;
	}
	if (cmp->has_patch && c->s[c->pos] == '+') {
		char build[WPKG_SEMVER_MAX + 1];

		/* the semver crate accepts and ignores build metadata here */
		c->pos++;
		num.pos = c->pos;
		if (identifiers(&num, build, 0))
			return bad_req(c, "bad build metadata");
		c->pos = num.pos;
	}
	if (c->s[c->pos] == '-')
		return bad_req(c, "a pre-release needs a full MAJOR.MINOR.PATCH");
	return 0;
}

int wpkg_semver_req_parse(struct wpkg_semver_req *out, const char *s, struct wpkg_error *err)
{
	struct cursor c = { .s = s, .input = s, .err = err };
	struct wpkg_semver_req req;
	int rc, wild_alone, any_wild_alone = 0;

	req.count = 0;
	if (strlen(s) > 1024)
		return bad_req(&c, "too long");
	for (;;) {
		struct wpkg_semver_comparator cmp;

		if (req.count == WPKG_SEMVER_REQ_MAX)
			return bad_req(&c, "too many comparators");
		if ((rc = comparator(&c, &cmp, &wild_alone)))
			return rc;
		if (wild_alone)
			any_wild_alone = 1;
		else
			req.c[req.count++] = cmp;
		skip_spaces(&c);
		if (s[c.pos] == '\0')
			break;
		if (s[c.pos] != ',')
			return bad_req(&c, "expected ',' between comparators");
		c.pos++;
	}
	if (any_wild_alone && req.count > 0)
		return bad_req(&c, "\"*\" must be the only comparator");
	*out = req;
	return 0;
}

/* v compared with major.minor.patch-pre of a comparator (missing parts as 0). */
static int cmp_with(const struct wpkg_semver *v, const struct wpkg_semver_comparator *c)
{
	int r;

	if ((r = cmp_u64(v->major, c->major)) || (r = cmp_u64(v->minor, c->minor)) ||
	    (r = cmp_u64(v->patch, c->patch)))
		return r;
	return cmp_pre(v->pre, c->pre);
}

/*
 * The partial-version prefix match "=I" / "=I.J" / "=I.J.K-pre".  The matchers
 * below follow the Rust semver crate's eval.rs (what Cargo and wkg use) case
 * by case, including its pre-release comparisons on partial versions.
 */
static int matches_exact(const struct wpkg_semver *v, const struct wpkg_semver_comparator *c)
{
	if (v->major != c->major)
		return 0;
	if (c->has_minor && v->minor != c->minor)
		return 0;
	if (c->has_patch && v->patch != c->patch)
		return 0;
	return strcmp(v->pre, c->pre) == 0;
}

static int matches_greater(const struct wpkg_semver *v, const struct wpkg_semver_comparator *c)
{
	if (v->major != c->major)
		return v->major > c->major;
	if (!c->has_minor)
		return 0;
	if (v->minor != c->minor)
		return v->minor > c->minor;
	if (!c->has_patch)
		return 0;
	return cmp_with(v, c) > 0;
}

static int matches_less(const struct wpkg_semver *v, const struct wpkg_semver_comparator *c)
{
	if (v->major != c->major)
		return v->major < c->major;
	if (!c->has_minor)
		return 0;
	if (v->minor != c->minor)
		return v->minor < c->minor;
	if (!c->has_patch)
		return 0;
	return cmp_with(v, c) < 0;
}

static int matches_tilde(const struct wpkg_semver *v, const struct wpkg_semver_comparator *c)
{
	if (v->major != c->major)
		return 0;
	if (c->has_minor && v->minor != c->minor)
		return 0;
	if (c->has_patch && v->patch != c->patch)
		return v->patch > c->patch;
	return cmp_pre(v->pre, c->pre) >= 0;
}

static int matches_caret(const struct wpkg_semver *v, const struct wpkg_semver_comparator *c)
{
	if (v->major != c->major)
		return 0;
	if (!c->has_minor)
		return 1;
	if (!c->has_patch)
		return c->major > 0 ? v->minor >= c->minor : v->minor == c->minor;
	if (c->major > 0) {
		if (v->minor != c->minor)
			return v->minor > c->minor;
		return cmp_with(v, c) >= 0;
	}
	if (c->minor > 0)
		return v->minor == c->minor && cmp_with(v, c) >= 0;
	return v->minor == c->minor && v->patch == c->patch && cmp_with(v, c) >= 0;
}

static int comparator_matches(const struct wpkg_semver_comparator *c, const struct wpkg_semver *v)
{
	switch (c->op) {
	case WPKG_SEMVER_EXACT:
	case WPKG_SEMVER_WILDCARD:
		return matches_exact(v, c);
	case WPKG_SEMVER_GREATER:
		return matches_greater(v, c);
	case WPKG_SEMVER_GE:
		return matches_exact(v, c) || matches_greater(v, c);
	case WPKG_SEMVER_LESS:
		return matches_less(v, c);
	case WPKG_SEMVER_LE:
		return matches_exact(v, c) || matches_less(v, c);
	case WPKG_SEMVER_TILDE:
		return matches_tilde(v, c);
	case WPKG_SEMVER_CARET:
		return matches_caret(v, c);
	}
	return 0;
}

int wpkg_semver_req_matches(const struct wpkg_semver_req *req, const struct wpkg_semver *v)
{
	int pre_ok = v->pre[0] == '\0';

	for (size_t i = 0; i < req->count; i++)
		if (!comparator_matches(&req->c[i], v))
			return 0;
	/* Cargo: a pre-release only matches a comparator that opts in to that exact M.m.p. */
	for (size_t i = 0; !pre_ok && i < req->count; i++) {
		const struct wpkg_semver_comparator *c = &req->c[i];

		if (c->major == v->major && c->has_minor && c->minor == v->minor && c->has_patch &&
		    c->patch == v->patch && c->pre[0])
			pre_ok = 1;
	}
	return pre_ok;
}
