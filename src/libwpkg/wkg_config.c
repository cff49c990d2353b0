/* SPDX-License-Identifier: Apache-2.0 */
/* wkg_config.c - reads wkg's config.toml into struct wpkg_wkg_config, with wkg's schema and refusals. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wkg_internal.h"
#include "wpkg/fsutil.h"
#include "wpkg/pkgname.h"
#include "wpkg/toml.h"

#define CONFIG_MAX ((size_t)1 << 20)

struct ctx {
	const char *path;
	struct wpkg_error *err;
};

int wpkg_wkg_fail(struct wpkg_error *err, const char *path, int line, const char *fmt, ...)
{
	char msg[WPKG_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return wpkg_error_set(err, WPKG_E_INVALID, "%s: line %d: %s", path, line, msg);
}

#define bad(c, ...) wpkg_wkg_fail((c)->err, (c)->path, __VA_ARGS__)

/* Registry names are host[:port] (wasm-pkg-common parses them as a URI authority without userinfo). */
int wpkg_wkg_registry_name_valid(const char *s)
{
	const char *colon = strrchr(s, ':');
	size_t host = colon ? (size_t)(colon - s) : strlen(s);

	if (host == 0 || host > 253)
		return 0;
	for (size_t i = 0; i < host; i++) {
		char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
		      ch == '-'))
			return 0;
	}
	if (colon) {
		size_t n = strlen(colon + 1);

		if (n == 0 || n > 5 || strspn(colon + 1, "0123456789") != n)
			return 0;
	}
	return 1;
}

static int dup_string(char **out, const struct wpkg_toml *v)
{
	if (!(*out = strdup(v->str)))
		return WPKG_E_NOMEM;
	return 0;
}

void wpkg_wkg_meta_free(struct wpkg_wkg_meta *m)
{
	free(m->preferred_protocol);
	free(m->oci_registry);
	free(m->oci_prefix);
	memset(m, 0, sizeof(*m));
}

/* One string field of a metadata table; wrong types are refused, as serde refuses them. */
static int meta_string(const struct ctx *c, char **out, const struct wpkg_toml *t, const char *key, const char *where)
{
	const struct wpkg_toml *v = wpkg_toml_get(t, key);

	if (!v)
		return 0;
	if (v->type != WPKG_TOML_STRING)
		return bad(c, v->line, "%s: %s must be a string, not a %s", where, key, wpkg_toml_type_str(v->type));
	free(*out);
	return dup_string(out, v);
}

/* An inline `metadata = {...}` table: the same keys as the well-known document. */
static int parse_inline_meta(const struct ctx *c, struct wpkg_wkg_meta *m, const struct wpkg_toml *t, const char *where)
{
	const struct wpkg_toml *oci = wpkg_toml_get(t, "oci");
	int rc;

	if (t->type != WPKG_TOML_TABLE)
		return bad(c, t->line, "%s: metadata must be a table", where);
	m->present = 1;
	if ((rc = meta_string(c, &m->preferred_protocol, t, "preferredProtocol", where)))
		return rc;
	if (oci) {
		if (oci->type != WPKG_TOML_TABLE)
			return bad(c, oci->line, "%s: metadata.oci must be a table", where);
		if ((rc = meta_string(c, &m->oci_registry, oci, "registry", where)) ||
		    (rc = meta_string(c, &m->oci_prefix, oci, "namespacePrefix", where)))
			return rc;
	}
	/* wkg's backward-compatibility aliases override the oci table's keys (metadata.rs maybe_set) */
	if (wpkg_toml_get(t, "ociRegistry") || wpkg_toml_get(t, "ociNamespacePrefix"))
		m->deprecated = 1;
	if ((rc = meta_string(c, &m->oci_registry, t, "ociRegistry", where)) ||
	    (rc = meta_string(c, &m->oci_prefix, t, "ociNamespacePrefix", where)))
		return rc;
	return 0;
}

/* A mapping value: "registry" or { registry = "...", metadata = {...} }. */
static int parse_mapping(const struct ctx *c, struct wpkg_wkg_mapping *m, const char *key, const struct wpkg_toml *v,
			 const char *section)
{
	const struct wpkg_toml *reg = v, *meta = NULL;
	char where[320];
	int rc;

	snprintf(where, sizeof(where), "[%s] \"%s\"", section, key);
	m->line = v->line;
	if (!(m->key = strdup(key)))
		return WPKG_E_NOMEM;
	if (v->type == WPKG_TOML_TABLE) {
		for (size_t i = 0; i < v->count; i++)
			if (strcmp(v->keys[i], "registry") && strcmp(v->keys[i], "metadata"))
				return bad(c, v->items[i]->line, "%s: unknown key %s (expected registry and metadata)",
					   where, v->keys[i]);
		reg = wpkg_toml_get(v, "registry");
		meta = wpkg_toml_get(v, "metadata");
		if (!reg || !meta)
			return bad(c, v->line, "%s: a table needs both registry and metadata", where);
	}
	if (reg->type != WPKG_TOML_STRING)
		return bad(c, reg->line, "%s: expected a registry name or { registry, metadata }, not a %s", where,
			   wpkg_toml_type_str(reg->type));
	if (!wpkg_wkg_registry_name_valid(reg->str))
		return bad(c, reg->line, "%s: invalid registry name \"%s\" (expected HOST or HOST:PORT)", where, reg->str);
	if ((rc = dup_string(&m->registry, reg)))
		return rc;
	return meta ? parse_inline_meta(c, &m->meta, meta, where) : 0;
}

static int parse_mappings(const struct ctx *c, struct wpkg_wkg_mapping **out, size_t *n, const struct wpkg_toml *t,
			  const char *section, int packages)
{
	int rc;

	if (t->type != WPKG_TOML_TABLE)
		return bad(c, t->line, "%s must be a table", section);
	if (t->count && !(*out = calloc(t->count, sizeof(**out))))
		return WPKG_E_NOMEM;
	for (size_t i = 0; i < t->count; i++) {
		const char *key = t->keys[i];

		if (packages ? !wpkg_pkgname_is_name(key) || strchr(key, '@')
			     : !wpkg_label_valid(key, strlen(key)))
			return bad(c, t->items[i]->line, "[%s]: \"%s\" is not a %s", section, key,
				   packages ? "package name (NAMESPACE:NAME)" : "namespace label");
		(*n)++;
		if ((rc = parse_mapping(c, &(*out)[i], key, t->items[i], section)))
			return rc;
	}
	return 0;
}

/* base64 with or without padding (wkg's OCI_AUTH_BASE64 is padding-indifferent). */
static int b64_decode(struct wpkg_buf *out, const char *s)
{
	unsigned acc = 0;
	int bits = 0, rc;
	size_t n = strlen(s);

	while (n && s[n - 1] == '=')
		n--;
	for (size_t i = 0; i < n; i++) {
		const char *set = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
		const char *p = s[i] ? strchr(set, s[i]) : NULL;

		if (!p)
			return WPKG_E_INVALID;
		acc = (acc << 6) | (unsigned)(p - set);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if ((rc = wpkg_buf_putc(out, (char)((acc >> bits) & 0xff))))
				return rc;
		}
	}
	return bits >= 6 ? WPKG_E_INVALID : 0;
}

/* auth = "base64(user:pass)" or { username, password }; messages never echo the secret. */
static int parse_auth(const struct ctx *c, struct wpkg_wkg_registry *r, const struct wpkg_toml *v, const char *where)
{
	struct wpkg_buf dec = WPKG_BUF_INIT;
	const struct wpkg_toml *u, *p;
	char *colon;
	int rc;

	if (v->type == WPKG_TOML_TABLE) {
		u = wpkg_toml_get(v, "username");
		p = wpkg_toml_get(v, "password");
		if (v->count != 2 || !u || !p || u->type != WPKG_TOML_STRING || p->type != WPKG_TOML_STRING)
			return bad(c, v->line, "%s: auth must be a base64 string or exactly { username = \"...\", password = \"...\" }",
				   where);
		if ((rc = dup_string(&r->username, u)) || (rc = dup_string(&r->password, p)))
			return rc;
		return 0;
	}
	if (v->type != WPKG_TOML_STRING)
		return bad(c, v->line, "%s: auth must be a base64 string or { username, password }", where);
	if ((rc = b64_decode(&dec, v->str)) || memchr(dec.data, '\0', dec.len) || !(colon = strchr(dec.data, ':'))) {
		wpkg_buf_free(&dec);
		if (rc == WPKG_E_NOMEM)
			return rc;
		return bad(c, v->line, "%s: auth is not base64 of USERNAME:PASSWORD", where);
	}
	*colon = '\0';
	r->username = strdup(dec.data);
	r->password = strdup(colon + 1);
	explicit_bzero(dec.data, dec.len);
	wpkg_buf_free(&dec);
	return r->username && r->password ? 0 : WPKG_E_NOMEM;
}

static int parse_certs(const struct ctx *c, struct wpkg_wkg_registry *r, const struct wpkg_toml *v, const char *where)
{
	if (v->type != WPKG_TOML_ARRAY)
		return bad(c, v->line, "%s: extra_root_certificates must be an array", where);
	if (v->count && !(r->certs = calloc(v->count, sizeof(*r->certs))))
		return WPKG_E_NOMEM;
	for (size_t i = 0; i < v->count; i++) {
		const struct wpkg_toml *e = v->items[i];
		const struct wpkg_toml *enc = wpkg_toml_get(e, "encoding"), *data = wpkg_toml_get(e, "data");

		if (!enc || !data || enc->type != WPKG_TOML_STRING || data->type != WPKG_TOML_STRING ||
		    (strcmp(enc->str, "pem") && strcmp(enc->str, "der")))
			return bad(c, e->line, "%s: extra_root_certificates[%zu] must be { encoding = \"pem\" or \"der\", data = \"...\" }",
				   where, i);
		r->certs[i].der = strcmp(enc->str, "der") == 0;
		if (!(r->certs[i].data = malloc(data->len + 1)))
			return WPKG_E_NOMEM;
		memcpy(r->certs[i].data, data->str, data->len + 1);
		r->certs[i].len = data->len;
		r->ncerts++;
	}
	return 0;
}

/* [registry."NAME"]: `type`/`default` name a backend, every other key is a backend's table; only oci is read. */
static int parse_registry(const struct ctx *c, struct wpkg_wkg_registry *r, const char *name, const struct wpkg_toml *t)
{
	const struct wpkg_toml *oci, *v;
	char where[320];
	int rc;

	snprintf(where, sizeof(where), "[registry.\"%s\".oci]", name);
	r->line = t->line;
	if (!(r->name = strdup(name)))
		return WPKG_E_NOMEM;
	if (!wpkg_wkg_registry_name_valid(name))
		return bad(c, t->line, "[registry]: invalid registry name \"%s\" (expected HOST or HOST:PORT)", name);
	if (t->type != WPKG_TOML_TABLE)
		return bad(c, t->line, "[registry.\"%s\"] must be a table", name);
	for (size_t i = 0; i < t->count; i++) {
		int is_type = strcmp(t->keys[i], "type") == 0 || strcmp(t->keys[i], "default") == 0;

		if (is_type ? t->items[i]->type != WPKG_TOML_STRING : t->items[i]->type != WPKG_TOML_TABLE)
			return bad(c, t->items[i]->line, "[registry.\"%s\"]: %s must be a %s", name, t->keys[i],
				   is_type ? "string" : "table (a backend's settings)");
	}
	if (!(oci = wpkg_toml_get(t, "oci")))
		return 0;
	if ((v = wpkg_toml_get(oci, "auth")) && (rc = parse_auth(c, r, v, where)))
		return rc;
	if ((v = wpkg_toml_get(oci, "protocol"))) {
		if (v->type != WPKG_TOML_STRING || (strcmp(v->str, "http") && strcmp(v->str, "https")))
			return bad(c, v->line, "%s: protocol must be \"http\" or \"https\"", where);
		r->protocol = strcmp(v->str, "http") == 0 ? WPKG_WKG_PROTO_HTTP : WPKG_WKG_PROTO_HTTPS;
	}
	if ((v = wpkg_toml_get(oci, "accept_invalid_certificates"))) {
		if (v->type != WPKG_TOML_BOOL)
			return bad(c, v->line, "%s: accept_invalid_certificates must be true or false", where);
		r->accept_invalid_certificates = v->boolean;
	}
	if ((v = wpkg_toml_get(oci, "extra_root_certificates")) && (rc = parse_certs(c, r, v, where)))
		return rc;
	return 0;
}

static int parse_config(struct wpkg_wkg_config *cfg, const struct ctx *c, const struct wpkg_toml *doc)
{
	static const char *const known[] = { "default_registry", "namespace_registries",
					     "package_registry_overrides", "registry" };
	const struct wpkg_toml *v;
	int rc;

	for (size_t i = 0; i < doc->count; i++) {
		size_t k = 0;

		while (k < sizeof(known) / sizeof(known[0]) && strcmp(doc->keys[i], known[k]))
			k++;
		if (k == sizeof(known) / sizeof(known[0]))
			return bad(c, doc->items[i]->line,
				   "unknown key %s (wkg knows default_registry, namespace_registries, "
				   "package_registry_overrides and registry)", doc->keys[i]);
	}
	if ((v = wpkg_toml_get(doc, "default_registry"))) {
		if (v->type != WPKG_TOML_STRING || !wpkg_wkg_registry_name_valid(v->str))
			return bad(c, v->line, "default_registry must be a registry name (HOST or HOST:PORT)");
		if ((rc = dup_string(&cfg->default_registry, v)))
			return rc;
		cfg->default_line = v->line;
	}
	if ((v = wpkg_toml_get(doc, "namespace_registries")) &&
	    (rc = parse_mappings(c, &cfg->namespaces, &cfg->nnamespaces, v, "namespace_registries", 0)))
		return rc;
	if ((v = wpkg_toml_get(doc, "package_registry_overrides")) &&
	    (rc = parse_mappings(c, &cfg->overrides, &cfg->noverrides, v, "package_registry_overrides", 1)))
		return rc;
	if ((v = wpkg_toml_get(doc, "registry"))) {
		if (v->type != WPKG_TOML_TABLE)
			return bad(c, v->line, "registry must be a table of registries");
		if (v->count && !(cfg->registries = calloc(v->count, sizeof(*cfg->registries))))
			return WPKG_E_NOMEM;
		for (size_t i = 0; i < v->count; i++) {
			cfg->nregistries++;
			if ((rc = parse_registry(c, &cfg->registries[i], v->keys[i], v->items[i])))
				return rc;
		}
	}
	return 0;
}

int wpkg_wkg_config_parse(struct wpkg_wkg_config *out, const char *path, const char *text, size_t len,
			  int explicit_file, struct wpkg_error *err)
{
	struct wpkg_wkg_config cfg = { .fallbacks = !explicit_file };
	struct ctx c = { .path = path, .err = err };
	struct wpkg_toml *doc = NULL;
	int rc;

	if ((rc = wpkg_toml_parse(&doc, text, len, err))) {
		wpkg_error_wrap(err, "%s", path);
		goto out;
	}
	if (!(cfg.path = strdup(path))) {
		rc = WPKG_E_NOMEM;
		goto out;
	}
	rc = parse_config(&cfg, &c, doc);
out:
	if (rc == WPKG_E_NOMEM)
		wpkg_error_nomem(err);
	wpkg_toml_free(doc);
	if (rc)
		wpkg_wkg_config_free(&cfg);
	else
		*out = cfg;
	return rc;
}

int wpkg_wkg_config_load(struct wpkg_wkg_config *out, const char *path, int explicit_file, struct wpkg_error *err)
{
	struct wpkg_buf text = WPKG_BUF_INIT;
	int rc;

	rc = wpkg_read_file(&text, path, CONFIG_MAX, err);
	if (rc == WPKG_E_NOT_FOUND && !explicit_file) {
		memset(out, 0, sizeof(*out));
		out->fallbacks = 1;
		rc = 0;
	} else if (rc == 0) {
		rc = wpkg_wkg_config_parse(out, path, text.data, text.len, explicit_file, err);
	} else {
		wpkg_error_wrap(err, "wkg config");
	}
	wpkg_buf_free(&text);
	return rc;
}

static void free_mappings(struct wpkg_wkg_mapping *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].key);
		free(m[i].registry);
		wpkg_wkg_meta_free(&m[i].meta);
	}
	free(m);
}

void wpkg_wkg_config_free(struct wpkg_wkg_config *cfg)
{
	free(cfg->path);
	free(cfg->default_registry);
	free_mappings(cfg->namespaces, cfg->nnamespaces);
	free_mappings(cfg->overrides, cfg->noverrides);
	for (size_t i = 0; i < cfg->nregistries; i++) {
		struct wpkg_wkg_registry *r = &cfg->registries[i];

		free(r->name);
		free(r->username);
		if (r->password) {
			explicit_bzero(r->password, strlen(r->password));
			free(r->password);
		}
		for (size_t k = 0; k < r->ncerts; k++)
			free(r->certs[k].data);
		free(r->certs);
	}
	free(cfg->registries);
	memset(cfg, 0, sizeof(*cfg));
}
