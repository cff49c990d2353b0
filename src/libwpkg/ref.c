/* SPDX-License-Identifier: Apache-2.0 */
/* ref.c - parses image references (distribution grammar, Docker Hub names) and local transports. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wpkg/digest.h"
#include "wpkg/ref.h"

#define NAME_MAX_LEN 255   /* distribution's NameTotalLengthMax, over "registry/repository" */

#define DOCKER_HUB "docker.io"
#define DOCKER_HUB_LEGACY "index.docker.io"
#define DOCKER_HUB_API "registry-1.docker.io"

static const struct {
	const char *prefix;
	enum wpkg_transport transport;
} transports[] = {
	{ "docker://", WPKG_TRANSPORT_REGISTRY },
	{ "oci-layout:", WPKG_TRANSPORT_OCI_LAYOUT },
	{ "oci-archive:", WPKG_TRANSPORT_OCI_ARCHIVE },
};

/* The input being parsed: messages quote it and give 1-based positions in it. */
struct ctx {
	const char *input;
	struct wpkg_error *err;
};

static int bad(const struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int bad(const struct ctx *c, const char *fmt, ...)
{
	char what[WPKG_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return wpkg_error_set(c->err, WPKG_E_INVALID, "invalid reference \"%s\": %s", c->input, what);
}

static size_t pos(const struct ctx *c, const char *p)
{
	return (size_t)(p - c->input) + 1;
}

static bool is_lower_alnum(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
}

static bool is_alnum(char ch)
{
	return is_lower_alnum(ch) || (ch >= 'A' && ch <= 'Z');
}

static bool is_word(char ch)
{
	return is_alnum(ch) || ch == '_';
}

static bool is_hex(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

enum wpkg_tag_problem wpkg_tag_check(const char *tag, size_t n, size_t *at)
{
	size_t i;

	if (n == 0)
		return WPKG_TAG_EMPTY;
	if (n > WPKG_TAG_MAX)
		return WPKG_TAG_TOO_LONG;
	if (!is_word(tag[0])) {
		*at = 0;
		return WPKG_TAG_BAD_FIRST;
	}
	for (i = 1; i < n; i++) {
		if (!is_word(tag[i]) && tag[i] != '.' && tag[i] != '-') {
			*at = i;
			return WPKG_TAG_BAD_CHAR;
		}
	}
	return WPKG_TAG_OK;
}

static int check_tag(const struct ctx *c, const char *t, size_t n)
{
	size_t at = 0;

	switch (wpkg_tag_check(t, n, &at)) {
	case WPKG_TAG_OK:
		return 0;
	case WPKG_TAG_EMPTY:
		return bad(c, "tag is empty (position %zu)", pos(c, t));
	case WPKG_TAG_TOO_LONG:
		return bad(c, "tag is longer than %d characters (%zu)", WPKG_TAG_MAX, n);
	case WPKG_TAG_BAD_FIRST:
		return bad(c, "tag must start with a letter, digit or '_' ('%c' at position %zu)", t[0],
			   pos(c, t));
	case WPKG_TAG_BAD_CHAR:
		break;
	}
	return bad(c, "invalid character '%c' in tag at position %zu", t[at], pos(c, t + at));
}

static int check_digest(const struct ctx *c, const char *d, size_t n)
{
	struct wpkg_error derr;
	struct wpkg_digest parsed;
	char *copy = strndup(d, n);
	int rc;

	if (copy == NULL)
		return wpkg_error_nomem(c->err);
	rc = wpkg_digest_parse(&parsed, copy, &derr);
	free(copy);
	/* An unknown algorithm is still a reference we cannot use: one code for every reference error. */
	return rc < 0 ? bad(c, "%s", derr.msg) : 0;
}

static int check_port(const struct ctx *c, const char *p, size_t n)
{
	unsigned long v = 0;
	size_t i;

	for (i = 0; i < n && i < 6 && p[i] >= '0' && p[i] <= '9'; i++)
		v = v * 10 + (unsigned long)(p[i] - '0');
	if (n == 0 || i != n || v == 0 || v > 65535)
		return bad(c, "invalid port \"%.*s\" at position %zu: expected a number from 1 to 65535",
			   (int)n, p, pos(c, p));
	return 0;
}

/* domain-name := label ('.' label)*, label := [A-Za-z0-9] | [A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9] */
static int check_host_name(const struct ctx *c, const char *h, size_t n)
{
	size_t i, start = 0;

	for (i = 0; i <= n; i++) {
		if (i < n && h[i] != '.') {
			if (!is_alnum(h[i]) && h[i] != '-')
				return bad(c, "invalid character '%c' in registry name at position %zu", h[i],
					   pos(c, h + i));
			continue;
		}
		if (i == start)
			return bad(c, "empty label in registry name at position %zu", pos(c, h + i));
		if (h[start] == '-' || h[i - 1] == '-')
			return bad(c, "a registry name label cannot start or end with '-' (position %zu)",
				   pos(c, h[start] == '-' ? h + start : h + i - 1));
		start = i + 1;
	}
	return 0;
}

/* host[:port] where host is a domain name, an IPv4 address or [IPv6]. */
static int check_registry(const struct ctx *c, const char *h, size_t n)
{
	const char *port = NULL;
	size_t host_len = n, i;
	int rc;

	if (h[0] == '[') {
		const char *close = memchr(h, ']', n);
		if (close == NULL || close == h + 1)
			return bad(c, "invalid IPv6 address in registry (position %zu)", pos(c, h));
		for (i = 1; h + i < close; i++)
			if (!is_hex(h[i]) && h[i] != ':' && h[i] != '.')
				return bad(c, "invalid character '%c' in IPv6 address at position %zu", h[i],
					   pos(c, h + i));
		host_len = (size_t)(close - h) + 1;
		if (host_len < n && h[host_len] != ':')
			return bad(c, "expected ':' after IPv6 address at position %zu", pos(c, h + host_len));
	} else {
		const char *colon = memchr(h, ':', n);
		if (colon)
			host_len = (size_t)(colon - h);
		rc = check_host_name(c, h, host_len);
		if (rc < 0)
			return rc;
	}
	if (host_len < n)
		port = h + host_len + 1;
	return port ? check_port(c, port, n - host_len - 1) : 0;
}

static bool is_sep(char ch)
{
	return ch == '.' || ch == '_' || ch == '-';
}

/* separator := [_.] | __ | [-]* */
static bool valid_sep(const char *s, size_t n)
{
	size_t i;

	if (n == 1 || (n == 2 && s[0] == '_' && s[1] == '_'))
		return true;
	for (i = 0; i < n && s[i] == '-'; i++)
		;
	return i == n;
}

/*
 * path-component := [a-z0-9]+ (separator [a-z0-9]+)*
 * The component is known to be non-empty and to hold no uppercase letter.
 */
static int check_component(const struct ctx *c, const char *p, size_t n)
{
	size_t i = 0, start;

	while (i < n) {
		for (start = i; i < n && is_lower_alnum(p[i]); i++)
			;
		if (i == start && is_sep(p[i]))
			return bad(c, "a repository path component must start with a letter or digit "
				   "('%c' at position %zu)", p[i], pos(c, p + i));
		if (i == start)
			return bad(c, "invalid character '%c' in repository name at position %zu", p[i],
				   pos(c, p + i));
		if (i == n)
			break;
		for (start = i; i < n && is_sep(p[i]); i++)
			;
		if (i == start)
			return bad(c, "invalid character '%c' in repository name at position %zu", p[i],
				   pos(c, p + i));
		if (!valid_sep(p + start, i - start))
			return bad(c, "invalid separator \"%.*s\" in repository name at position %zu",
				   (int)(i - start), p + start, pos(c, p + start));
		if (i == n)
			return bad(c, "a repository path component must end with a letter or digit "
				   "('%c' at position %zu)", p[i - 1], pos(c, p + i - 1));
	}
	return 0;
}

static int check_repository(const struct ctx *c, const char *r, size_t n)
{
	size_t i, start = 0;
	int rc;

	if (n == 0)
		return bad(c, "repository name is empty");
	for (i = 0; i < n; i++)
		if (r[i] >= 'A' && r[i] <= 'Z')
			return bad(c, "repository name must be lowercase ('%c' at position %zu)", r[i],
				   pos(c, r + i));
	for (i = 0; i <= n; i++) {
		if (i < n && r[i] != '/')
			continue;
		rc = check_component(c, r + start, i - start);
		if (rc < 0)
			return rc;
		start = i + 1;
	}
	/* distribution refuses a bare 64-hex name: it would read as an image ID. */
	if (n == 64) {
		for (i = 0; i < n && is_hex(r[i]); i++)
			;
		if (i == n)
			return bad(c, "a repository name cannot be 64 hexadecimal digits");
	}
	return 0;
}

/* '/' rules on the whole name, so the message names the real culprit. */
static int check_slashes(const struct ctx *c, const char *name, size_t n)
{
	size_t i;

	if (n == 0)
		return bad(c, "repository name is empty");
	if (name[0] == '/')
		return bad(c, "leading '/' at position %zu", pos(c, name));
	if (name[n - 1] == '/')
		return bad(c, "trailing '/' at position %zu", pos(c, name + n - 1));
	for (i = 1; i < n; i++)
		if (name[i - 1] == '/' && name[i] == '/')
			return bad(c, "empty path component ('//' at position %zu)", pos(c, name + i - 1));
	return 0;
}

/* A first component names a registry when it has '.' or ':' or is "localhost". */
static bool is_registry(const char *s, size_t n)
{
	return memchr(s, '.', n) || memchr(s, ':', n) || (n == 9 && memcmp(s, "localhost", 9) == 0);
}

static int set_str(char **out, const char *s, size_t n)
{
	*out = strndup(s, n);
	return *out ? 0 : WPKG_E_NOMEM;
}

/* Splits "...[:TAG][@DIGEST]" off the end of s[0..*n); *n becomes the length of what is left. */
static int split_tag_digest(struct wpkg_ref *r, const struct ctx *c, const char *s, size_t *n,
			    bool local)
{
	const char *at = NULL, *colon = NULL, *slash = NULL;
	size_t i;
	int rc;

	for (i = 0; i < *n; i++) {
		if (s[i] == '@' && (at == NULL || local))
			at = s + i;
	}
	/* A local path may hold '@': only "@alg:hex" without '/' is a digest there. */
	if (at && local && (memchr(at, ':', (size_t)(s + *n - at)) == NULL ||
			    memchr(at, '/', (size_t)(s + *n - at)) != NULL))
		at = NULL;
	if (at) {
		size_t dlen = (size_t)(s + *n - at - 1);
		rc = check_digest(c, at + 1, dlen);
		if (rc < 0)
			return rc;
		if (set_str(&r->digest, at + 1, dlen) < 0)
			return wpkg_error_nomem(c->err);
		*n = (size_t)(at - s);
	}
	for (i = 0; i < *n; i++) {
		if (s[i] == ':')
			colon = s + i;
		else if (s[i] == '/')
			slash = s + i;
	}
	/* For a registry a ':' before the last '/' is a port; for a local path the last ':' always starts a tag. */
	if (colon && (local || slash == NULL || colon > slash)) {
		size_t tlen = (size_t)(s + *n - colon - 1);
		rc = check_tag(c, colon + 1, tlen);
		if (rc < 0)
			return rc;
		if (set_str(&r->tag, colon + 1, tlen) < 0)
			return wpkg_error_nomem(c->err);
		*n = (size_t)(colon - s);
	}
	return 0;
}

static int parse_local(struct wpkg_ref *r, const struct ctx *c, const char *rest)
{
	size_t n = strlen(rest);
	int rc;

	rc = split_tag_digest(r, c, rest, &n, true);
	if (rc < 0)
		return rc;
	if (n == 0)
		return bad(c, "path is empty");
	if (set_str(&r->path, rest, n) < 0)
		return wpkg_error_nomem(c->err);
	return 0;
}

static int parse_registry(struct wpkg_ref *r, const struct ctx *c, const char *s)
{
	const char *first_slash, *repo = s;
	size_t n = strlen(s), reg_len = 0, repo_len;
	bool hub = true;
	int rc;

	rc = split_tag_digest(r, c, s, &n, false);
	if (rc < 0)
		return rc;
	rc = check_slashes(c, s, n);
	if (rc < 0)
		return rc;
	first_slash = memchr(s, '/', n);
	if (first_slash && is_registry(s, (size_t)(first_slash - s))) {
		reg_len = (size_t)(first_slash - s);
		rc = check_registry(c, s, reg_len);
		if (rc < 0)
			return rc;
		hub = (reg_len == strlen(DOCKER_HUB) && memcmp(s, DOCKER_HUB, reg_len) == 0) ||
		      (reg_len == strlen(DOCKER_HUB_LEGACY) && memcmp(s, DOCKER_HUB_LEGACY, reg_len) == 0);
		repo = first_slash + 1;
	}
	repo_len = (size_t)(s + n - repo);
	rc = check_repository(c, repo, repo_len);
	if (rc < 0)
		return rc;
	if (hub) {
		r->registry = strdup(DOCKER_HUB);
		if (r->registry && memchr(repo, '/', repo_len) == NULL)
			rc = asprintf(&r->repository, "library/%.*s", (int)repo_len, repo) < 0 ? WPKG_E_NOMEM : 0;
		else
			rc = set_str(&r->repository, repo, repo_len);
	} else {
		rc = set_str(&r->registry, s, reg_len);
		if (rc == 0)
			rc = set_str(&r->repository, repo, repo_len);
	}
	if (r->registry == NULL || rc < 0 || r->repository == NULL)
		return wpkg_error_nomem(c->err);
	if (strlen(r->registry) + 1 + strlen(r->repository) > NAME_MAX_LEN)
		return bad(c, "name is longer than %d characters (%zu)", NAME_MAX_LEN,
			   strlen(r->registry) + 1 + strlen(r->repository));
	return 0;
}

int wpkg_ref_parse(struct wpkg_ref *out, const char *s, unsigned flags, struct wpkg_error *err)
{
	struct wpkg_ref r = { 0 };
	struct ctx c = { s, err };
	const char *rest = s;
	size_t i;
	int rc;

	if (s[0] == '\0') {
		rc = bad(&c, "reference is empty");
		goto out;
	}
	r.transport = WPKG_TRANSPORT_REGISTRY;
	for (i = 0; i < sizeof(transports) / sizeof(transports[0]); i++) {
		if (strncmp(s, transports[i].prefix, strlen(transports[i].prefix)) == 0) {
			r.transport = transports[i].transport;
			rest = s + strlen(transports[i].prefix);
			break;
		}
	}
	if (r.transport == WPKG_TRANSPORT_REGISTRY)
		rc = parse_registry(&r, &c, rest);
	else
		rc = parse_local(&r, &c, rest);
	if (rc < 0)
		goto out;
	if ((flags & WPKG_REF_NO_TAG) && (r.tag || r.digest)) {
		rc = bad(&c, "a repository without :tag or @digest is expected here");
		goto out;
	}
	*out = r;
	return 0;
out:
	wpkg_ref_free(&r);
	return rc;
}

void wpkg_ref_free(struct wpkg_ref *r)
{
	free(r->registry);
	free(r->repository);
	free(r->tag);
	free(r->digest);
	free(r->path);
	memset(r, 0, sizeof(*r));
}

const char *wpkg_ref_reference(const struct wpkg_ref *r)
{
	if (r->digest)
		return r->digest;
	return r->tag ? r->tag : "latest";
}

const char *wpkg_ref_api_host(const struct wpkg_ref *r)
{
	if (r->registry && strcmp(r->registry, DOCKER_HUB) == 0)
		return DOCKER_HUB_API;
	return r->registry;
}

char *wpkg_ref_string(const struct wpkg_ref *r)
{
	const char *tag_sep = r->tag ? ":" : "", *dig_sep = r->digest ? "@" : "";
	const char *tag = r->tag ? r->tag : "", *dig = r->digest ? r->digest : "";
	char *s = NULL;
	size_t i;
	int n = -1;

	if (r->transport == WPKG_TRANSPORT_REGISTRY)
		n = asprintf(&s, "%s/%s%s%s%s%s", r->registry, r->repository, tag_sep, tag, dig_sep, dig);
	for (i = 0; i < sizeof(transports) / sizeof(transports[0]); i++)
		if (r->transport != WPKG_TRANSPORT_REGISTRY && transports[i].transport == r->transport)
			n = asprintf(&s, "%s%s%s%s%s%s", transports[i].prefix, r->path, tag_sep, tag,
				     dig_sep, dig);
	return n < 0 ? NULL : s;
}
