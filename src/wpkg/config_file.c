/* SPDX-License-Identifier: Apache-2.0 */
/* config_file.c - reads wpkg's config.toml (per-registry settings) with the strict TOML reader, refusing the unknown. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "wpkg/buf.h"
#include "wpkg/fsutil.h"
#include "wpkg/ref.h"
#include "wpkg/toml.h"
#include "config_file.h"
#include "env.h"

#define CONFIG_MAX ((size_t)1 << 20)

static const char *explicit_path;
static struct cli_config config;
static bool loaded;

static const char *const registry_keys =
	"plain_http, insecure, ca_file, cert_file, key_file, chunk_size, concurrency, location, mirrors";

void cli_config_set_path(const char *path)
{
	explicit_path = path;
}

static int bad(struct wpkg_error *err, const char *path, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int bad(struct wpkg_error *err, const char *path, int line, const char *fmt, ...)
{
	char msg[WPKG_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return wpkg_error_set(err, WPKG_E_INVALID, "%s: line %d: %s", path, line, msg);
}

/* HOST[:PORT]: a DNS name or IPv4 address, or [IPv6], and a port of 1 to 5 digits. */
static bool host_valid(const char *s, size_t n)
{
	size_t host = n, i;
	const char *colon = NULL;

	if (n > 0 && s[0] == '[') {
		const char *end = memchr(s, ']', n);

		if (end == NULL || end == s + 1)
			return false;
		host = (size_t)(end - s) + 1;
		if (host < n && s[host] != ':')
			return false;
		colon = host < n ? s + host : NULL;
	} else {
		colon = memchr(s, ':', n);
		if (colon != NULL)
			host = (size_t)(colon - s);
		for (i = 0; i < host; i++)
			if (!isalnum((unsigned char)s[i]) && s[i] != '.' && s[i] != '-')
				return false;
	}
	if (host == 0 || host > 253)
		return false;
	if (colon != NULL) {
		size_t digits = n - (size_t)(colon - s) - 1;

		if (digits == 0 || digits > 5)
			return false;
		for (i = 1; i <= digits; i++)
			if (!isdigit((unsigned char)colon[i]))
				return false;
	}
	return true;
}

bool cli_config_split_location(char *out, size_t size, const char **prefix, const char *location)
{
	const char *slash = strchr(location, '/');
	size_t n = slash != NULL ? (size_t)(slash - location) : strlen(location);

	if (n + 1 > size)
		return false;
	memcpy(out, location, n);
	out[n] = '\0';
	*prefix = slash != NULL ? slash + 1 : "";
	return true;
}

/* A location or mirror: HOST[:PORT] and an optional /PREFIX of repository path components. */
static bool location_valid(const char *s)
{
	char host[300], probe[600];
	const char *prefix;
	struct wpkg_ref ref;
	struct wpkg_error e = { 0 };
	bool ok;

	if (!cli_config_split_location(host, sizeof(host), &prefix, s) || !host_valid(host, strlen(host)))
		return false;
	if (strchr(s, '/') != NULL && (*prefix == '\0' || prefix[strlen(prefix) - 1] == '/'))
		return false;
	/* the reference grammar checks the prefix's components, and the host must stay a host */
	if (snprintf(probe, sizeof(probe), "%s/%s%sx", host, prefix, *prefix ? "/" : "") >= (int)sizeof(probe) ||
	    wpkg_ref_parse(&ref, probe, 0, &e) < 0)
		return false;
	ok = strcasecmp(ref.registry, host) == 0 ||
	     (strcasecmp(host, "index.docker.io") == 0 && strcmp(ref.registry, "docker.io") == 0);
	wpkg_ref_free(&ref);
	return ok;
}

/* A path from the file, relative to the file's directory. */
static int file_path(char **out, const char *config_path, const char *value)
{
	const char *slash = strrchr(config_path, '/');

	if (value[0] == '/' || slash == NULL)
		*out = strdup(value);
	else if (asprintf(out, "%.*s/%s", (int)(slash - config_path), config_path, value) < 0)
		*out = NULL;
	return *out != NULL ? 0 : WPKG_E_NOMEM;
}

/* "4MiB", "512K", "65536" or an integer: bytes, in powers of 1024. */
static bool parse_size(uint64_t *out, const struct wpkg_toml *v)
{
	static const struct { const char *unit; unsigned shift; } units[] = {
		{ "", 0 }, { "B", 0 }, { "K", 10 }, { "KiB", 10 }, { "M", 20 }, { "MiB", 20 }, { "G", 30 }, { "GiB", 30 },
	};
	unsigned long long n;
	char *end;
	size_t i;

	if (v->type == WPKG_TOML_INTEGER) {
		if (v->integer < 1)
			return false;
		*out = (uint64_t)v->integer;
		return true;
	}
	if (v->type != WPKG_TOML_STRING || !isdigit((unsigned char)v->str[0]))
		return false;
	errno = 0;
	n = strtoull(v->str, &end, 10);
	if (errno != 0 || n == 0)
		return false;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(end, units[i].unit) == 0) {
			if (n > (UINT64_MAX >> units[i].shift))
				return false;
			*out = (uint64_t)n << units[i].shift;
			return true;
		}
	return false;
}

static int want(const char *path, const struct wpkg_toml *v, enum wpkg_toml_type type, const char *where,
		const char *key, struct wpkg_error *err)
{
	if (v->type != type)
		return bad(err, path, v->line, "%s: %s must be a %s, not a %s", where, key, wpkg_toml_type_str(type),
			   wpkg_toml_type_str(v->type));
	return 0;
}

static int parse_location(char **out, const char *path, const struct wpkg_toml *v, const char *where,
			  const char *key, struct wpkg_error *err)
{
	int rc = want(path, v, WPKG_TOML_STRING, where, key, err);

	if (rc < 0)
		return rc;
	if (!location_valid(v->str))
		return bad(err, path, v->line, "%s: %s \"%s\" is not HOST[:PORT][/PREFIX]", where, key, v->str);
	*out = strdup(v->str);
	return *out != NULL ? 0 : wpkg_error_nomem(err);
}

static int parse_mirrors(struct cli_config_registry *r, const char *path, const struct wpkg_toml *v,
			 const char *where, struct wpkg_error *err)
{
	int rc = want(path, v, WPKG_TOML_ARRAY, where, "mirrors", err);

	if (rc < 0)
		return rc;
	r->mirrors = calloc(v->count + 1, sizeof(r->mirrors[0]));
	if (r->mirrors == NULL)
		return wpkg_error_nomem(err);
	for (size_t i = 0; i < v->count; i++) {
		rc = parse_location(&r->mirrors[i], path, v->items[i], where, "mirrors", err);
		if (rc < 0)
			return rc;
		r->n_mirrors++;
	}
	return 0;
}

static int parse_key(struct cli_config_registry *r, const char *path, const char *key, const struct wpkg_toml *v,
		     const char *where, struct wpkg_error *err)
{
	char **file = strcmp(key, "ca_file") == 0 ? &r->ca_file : strcmp(key, "cert_file") == 0 ? &r->cert_file :
		      strcmp(key, "key_file") == 0 ? &r->key_file : NULL;
	int rc;

	if (strcmp(key, "plain_http") == 0 || strcmp(key, "insecure") == 0) {
		bool plain = key[0] == 'p';

		rc = want(path, v, WPKG_TOML_BOOL, where, key, err);
		if (rc == 0)
			*(plain ? &r->plain_http : &r->insecure) = v->boolean != 0;
		return rc;
	}
	if (file != NULL) {
		rc = want(path, v, WPKG_TOML_STRING, where, key, err);
		if (rc == 0 && v->str[0] == '\0')
			rc = bad(err, path, v->line, "%s: %s is empty; give a PEM file's path", where, key);
		if (rc == 0 && file_path(file, path, v->str) < 0)
			rc = wpkg_error_nomem(err);
		return rc;
	}
	if (strcmp(key, "chunk_size") == 0) {
		if (!parse_size(&r->chunk_size, v))
			return bad(err, path, v->line, "%s: chunk_size must be a size such as \"4MiB\", \"512K\" or 65536",
				   where);
		return 0;
	}
	if (strcmp(key, "concurrency") == 0) {
		rc = want(path, v, WPKG_TOML_INTEGER, where, key, err);
		if (rc == 0 && (v->integer < 1 || v->integer > 64))
			rc = bad(err, path, v->line, "%s: concurrency must be from 1 to 64, not %lld", where,
				 (long long)v->integer);
		if (rc == 0)
			r->concurrency = (long)v->integer;
		return rc;
	}
	if (strcmp(key, "location") == 0)
		return parse_location(&r->location, path, v, where, key, err);
	if (strcmp(key, "mirrors") == 0)
		return parse_mirrors(r, path, v, where, err);
	return bad(err, path, v->line, "%s: unknown key %s (expected %s)", where, key, registry_keys);
}

static int parse_registry(struct cli_config_registry *r, const char *path, const char *name,
			  const struct wpkg_toml *t, struct wpkg_error *err)
{
	char where[300];
	int rc;

	snprintf(where, sizeof(where), "[registry.\"%s\"]", name);
	if (t->type != WPKG_TOML_TABLE)
		return bad(err, path, t->line, "%s must be a table", where);
	if (!host_valid(name, strlen(name)))
		return bad(err, path, t->line, "%s: \"%s\" is not HOST or HOST:PORT", where, name);
	r->line = t->line;
	r->name = strdup(name);
	if (r->name == NULL)
		return wpkg_error_nomem(err);
	for (char *p = r->name; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	for (size_t i = 0; i < t->count; i++) {
		rc = parse_key(r, path, t->keys[i], t->items[i], where, err);
		if (rc < 0)
			return rc;
	}
	if (r->key_file != NULL && r->cert_file == NULL)
		return bad(err, path, t->line, "%s: key_file without cert_file; give both", where);
	return 0;
}

static int parse(struct cli_config *c, const char *text, size_t len, struct wpkg_error *err)
{
	struct wpkg_toml *doc = NULL;
	const struct wpkg_toml *regs;
	int rc;

	rc = wpkg_toml_parse(&doc, text, len, err);
	if (rc < 0)
		return wpkg_error_wrap(err, "%s", c->path);
	for (size_t i = 0; i < doc->count; i++)
		if (strcmp(doc->keys[i], "registry") != 0) {
			rc = bad(err, c->path, doc->items[i]->line, "unknown key %s (expected [registry.\"HOST\"] tables)",
				 doc->keys[i]);
			goto out;
		}
	regs = wpkg_toml_get(doc, "registry");
	if (regs == NULL)
		goto out;
	if (regs->type != WPKG_TOML_TABLE) {
		rc = bad(err, c->path, regs->line, "registry must be a table of [registry.\"HOST\"] tables");
		goto out;
	}
	c->registries = calloc(regs->count + 1, sizeof(c->registries[0]));
	if (c->registries == NULL) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	for (size_t i = 0; i < regs->count; i++) {
		rc = parse_registry(&c->registries[c->n++], c->path, regs->keys[i], regs->items[i], err);
		if (rc < 0)
			goto out;
		for (size_t j = 0; j + 1 < c->n; j++)
			if (strcmp(c->registries[j].name, c->registries[c->n - 1].name) == 0) {
				rc = bad(err, c->path, regs->items[i]->line, "[registry.\"%s\"] given twice (names are "
					 "case-insensitive)", regs->keys[i]);
				goto out;
			}
	}
out:
	wpkg_toml_free(doc);
	return rc;
}

/* Which file: --config, $WPKG_CONFIG, else the XDG default (which may be missing). */
static int choose_path(char **out, bool *required, struct wpkg_error *err)
{
	const char *env_path = NULL, *xdg = NULL, *home = NULL;
	int n = 0;

	cli_env_config(&env_path, &xdg, &home);
	*required = true;
	if (explicit_path != NULL)
		*out = strdup(explicit_path);
	else if (env_path != NULL && *env_path != '\0')
		*out = strdup(env_path);
	else {
		*required = false;
		*out = NULL;
		if (xdg != NULL && xdg[0] == '/')
			n = asprintf(out, "%s/wpkg/config.toml", xdg);
		else if (home != NULL && *home != '\0')
			n = asprintf(out, "%s/.config/wpkg/config.toml", home);
		else
			return 0;
		if (n < 0)
			*out = NULL;
	}
	return *out != NULL ? 0 : wpkg_error_nomem(err);
}

int cli_config_get(const struct cli_config **out, struct wpkg_error *err)
{
	struct wpkg_buf text = WPKG_BUF_INIT;
	struct stat st;
	bool required;
	int rc;

	if (loaded) {
		*out = &config;
		return 0;
	}
	rc = choose_path(&config.path, &required, err);
	if (rc < 0 || config.path == NULL)
		goto out;
	if (stat(config.path, &st) != 0 && errno == ENOENT && !required) {
		free(config.path);
		config.path = NULL;
		goto out;
	}
	rc = wpkg_read_file(&text, config.path, CONFIG_MAX, err);
	if (rc < 0) {
		char why[WPKG_ERROR_MSG_MAX];

		snprintf(why, sizeof(why), "%s", err->msg);
		rc = wpkg_error_set(err, WPKG_E_INVALID, "config file %s; give a readable TOML file%s", why,
				    explicit_path != NULL ? " to --config" : required ? " in WPKG_CONFIG" : "");
		goto out;
	}
	rc = parse(&config, text.data, text.len, err);
out:
	wpkg_buf_free(&text);
	if (rc < 0)
		return rc;
	loaded = true;
	*out = &config;
	return 0;
}

const struct cli_config_registry *cli_config_find(const struct cli_config *c, const char *host)
{
	for (size_t i = 0; host != NULL && i < c->n; i++)
		if (strcasecmp(c->registries[i].name, host) == 0)
			return &c->registries[i];
	return NULL;
}

/* Fails naming the config's line when path is not a readable file. */
static int check_file(const struct cli_config *c, const struct cli_config_registry *e, const char *key,
		      const char *path, struct wpkg_error *err)
{
	struct stat st;
	FILE *f;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return bad(err, c->path, e->line, "[registry.\"%s\"]: %s %s: is a directory; give a PEM file", e->name,
			   key, path);
	f = fopen(path, "r");
	if (f == NULL)
		return bad(err, c->path, e->line, "[registry.\"%s\"]: %s %s: %s; give a readable PEM file", e->name,
			   key, path, strerror(errno));
	fclose(f);
	return 0;
}

int cli_config_apply(struct wpkg_http_opts *h, const struct cli_config *c, const struct cli_config_registry *e,
		     struct wpkg_error *err)
{
	int rc;

	if (e == NULL)
		return 0;
	/* a switch can only turn a setting on, so the file's false never undoes a flag; an https:// reference
	 * asked for TLS by name and beats plain_http */
	if (e->plain_http && !h->require_tls)
		h->plain_http = true;
	if (e->insecure)
		h->insecure = true;
	if (h->ca_file == NULL && e->ca_file != NULL) {
		if ((rc = check_file(c, e, "ca_file", e->ca_file, err)) < 0)
			return rc;
		h->ca_file = e->ca_file;
	}
	if (h->cert_file == NULL && h->key_file == NULL && e->cert_file != NULL) {
		if ((rc = check_file(c, e, "cert_file", e->cert_file, err)) < 0 ||
		    (e->key_file != NULL && (rc = check_file(c, e, "key_file", e->key_file, err)) < 0))
			return rc;
		h->cert_file = e->cert_file;
		h->key_file = e->key_file;
	}
	if (h->chunk_size == 0 && e->chunk_size != 0) {
		h->chunk_size = e->chunk_size;
		h->chunk_size_exact = true;
	}
	if (h->concurrency == 0 && e->concurrency != 0)
		h->concurrency = (unsigned)e->concurrency;
	return 0;
}
