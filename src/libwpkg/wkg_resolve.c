/* SPDX-License-Identifier: Apache-2.0 */
/* wkg_resolve.c - package name -> registry -> registry metadata -> OCI repository, in wkg's order. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "wkg_internal.h"
#include "log_internal.h"

#define WELL_KNOWN_PATH "/.well-known/wasm-pkg/registry.json"

/* wasm-pkg-common config.rs DEFAULT_FALLBACK_NAMESPACE_REGISTRIES */
static const struct {
	const char *ns, *registry;
} fallbacks[] = {
	{ "wasi", "wasi.dev" },
	{ "ba", "bytecodealliance.org" },
};

struct wpkg_wkg_cache_entry {
	struct wpkg_wkg_cache_entry *next;
	char *registry;
	enum wpkg_wkg_meta_source source;
	char error[256];
	struct wpkg_wkg_meta meta;
};

const char *wpkg_wkg_source_str(enum wpkg_wkg_source s)
{
	switch (s) {
	case WPKG_WKG_FROM_OVERRIDE: return "package_registry_overrides";
	case WPKG_WKG_FROM_NAMESPACE: return "namespace_registries";
	case WPKG_WKG_FROM_DEFAULT: return "default_registry";
	case WPKG_WKG_FROM_FALLBACK: return "built-in fallback";
	}
	return "?";
}

const char *wpkg_wkg_meta_source_str(enum wpkg_wkg_meta_source s)
{
	switch (s) {
	case WPKG_WKG_META_INLINE: return "inline";
	case WPKG_WKG_META_WELL_KNOWN: return "well-known";
	case WPKG_WKG_META_NOT_FOUND: return "not found";
	case WPKG_WKG_META_FAILED: return "failed";
	}
	return "?";
}

void wpkg_wkg_bearer_env_name(char *out, size_t size, const char *host)
{
	char mid[256];
	size_t n = 0;

	for (const char *p = host; *p && n + 1 < sizeof(mid); p++)
		mid[n++] = isalnum((unsigned char)*p) ? (char)toupper((unsigned char)*p) : '_';
	mid[n] = '\0';
	snprintf(out, size, "WKG_REGISTRY_%s_AUTH_BEARER", mid);
}

/* An optional string member; anything else there makes the document malformed. */
static int json_str(char **out, const json_t *obj, const char *key, struct wpkg_error *err)
{
	const json_t *v = json_object_get(obj, key);

	if (!v)
		return 0;
	if (!json_is_string(v))
		return wpkg_error_set(err, WPKG_E_INVALID, "registry metadata: %s is not a string", key);
	free(*out);
	if (!(*out = strdup(json_string_value(v))))
		return wpkg_error_nomem(err);
	return 0;
}

int wpkg_wkg_meta_parse(struct wpkg_wkg_meta *out, const char *text, size_t len, struct wpkg_error *err)
{
	struct wpkg_wkg_meta m = { .present = 1 };
	json_error_t jerr;
	json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	const json_t *oci;
	int rc;

	if (!doc) {
		rc = wpkg_error_set(err, WPKG_E_INVALID, "registry metadata is not JSON: %s", jerr.text);
		goto out;
	}
	if (!json_is_object(doc)) {
		rc = wpkg_error_set(err, WPKG_E_INVALID, "registry metadata is not a JSON object");
		goto out;
	}
	if ((rc = json_str(&m.preferred_protocol, doc, "preferredProtocol", err)))
		goto out;
	if ((oci = json_object_get(doc, "oci"))) {
		if (!json_is_object(oci)) {
			rc = wpkg_error_set(err, WPKG_E_INVALID, "registry metadata: oci is not an object");
			goto out;
		}
		if ((rc = json_str(&m.oci_registry, oci, "registry", err)) ||
		    (rc = json_str(&m.oci_prefix, oci, "namespacePrefix", err)))
			goto out;
	}
	/* The deprecated aliases override the oci object's keys, as wkg's protocol_config does. */
	m.deprecated = json_object_get(doc, "ociRegistry") || json_object_get(doc, "ociNamespacePrefix");
	if ((rc = json_str(&m.oci_registry, doc, "ociRegistry", err)) ||
	    (rc = json_str(&m.oci_prefix, doc, "ociNamespacePrefix", err)))
		goto out;
	*out = m;
out:
	json_decref(doc);
	if (rc)
		wpkg_wkg_meta_free(&m);
	return rc;
}

/* wkg fetches over https, http only for localhost; wpkg also for 127.0.0.1 (tests, local mirrors). */
static void meta_url(char *out, size_t size, const char *registry)
{
	size_t host = strcspn(registry, ":");
	int local = (host == 9 && strncmp(registry, "localhost", 9) == 0) ||
		    (host == 9 && strncmp(registry, "127.0.0.1", 9) == 0);

	snprintf(out, size, "%s://%s%s", local ? "http" : "https", registry, WELL_KNOWN_PATH);
}

/* The well-known document of registry, fetched once per resolver. */
static int fetch_meta(struct wpkg_wkg_resolver *r, const char *registry, const struct wpkg_wkg_cache_entry **out,
		      struct wpkg_error *err)
{
	struct wpkg_wkg_cache_entry *e;
	struct wpkg_buf body = WPKG_BUF_INIT;
	struct wpkg_error ferr = { 0 };
	char url[512];
	long status = 0;
	int rc;

	for (e = r->cache; e; e = e->next)
		if (strcmp(e->registry, registry) == 0) {
			*out = e;
			return 0;
		}
	if (!(e = calloc(1, sizeof(*e))) || !(e->registry = strdup(registry))) {
		free(e);
		return wpkg_error_nomem(err);
	}
	meta_url(url, sizeof(url), registry);
	r->fetches++;
	rc = r->fetch ? r->fetch(r->payload, url, WPKG_WKG_META_MAX, &body, &status, &ferr)
		      : wpkg_error_set(&ferr, WPKG_E_UNSUPPORTED, "no way to fetch it");
	if (rc == 0 && status == 404) {
		e->source = WPKG_WKG_META_NOT_FOUND;
	} else if (rc == 0 && status == 200 && body.len > WPKG_WKG_META_MAX) {
		rc = wpkg_error_set(&ferr, WPKG_E_TOO_LARGE, "over %zu bytes", WPKG_WKG_META_MAX);
	} else if (rc == 0 && status == 200) {
		rc = wpkg_wkg_meta_parse(&e->meta, body.data, body.len, &ferr);
		e->source = WPKG_WKG_META_WELL_KNOWN;
	} else if (rc == 0) {
		rc = wpkg_error_set(&ferr, WPKG_E_PROTOCOL, "HTTP status %ld", status);
	}
	if (rc == WPKG_E_NOMEM) {
		wpkg_buf_free(&body);
		free(e->registry);
		free(e);
		return wpkg_error_nomem(err);
	}
	if (rc) {
		/* As wkg's fetch_or_default: any failure but 404 is a warning, then the defaults. */
		wpkg_wkg_meta_free(&e->meta);
		e->source = WPKG_WKG_META_FAILED;
		snprintf(e->error, sizeof(e->error), "%s", ferr.msg);
		wpkg_log_to(&r->log, WPKG_LOG_WARN, "registry metadata %s: %s; using the defaults (OCI host %s, no prefix)", url,
			 ferr.msg, registry);
	}
	wpkg_buf_free(&body);
	e->next = r->cache;
	r->cache = e;
	*out = e;
	return 0;
}

static const struct wpkg_wkg_mapping *find_mapping(const struct wpkg_wkg_mapping *m, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(m[i].key, key) == 0)
			return &m[i];
	return NULL;
}

/* wasm-pkg-common Config::resolve_registry: override, namespace, default_registry, fallbacks. */
static int pick_registry(struct wpkg_wkg_target *t, const struct wpkg_wkg_mapping **mapping,
			 const struct wpkg_wkg_config *cfg, const char *ns, const char *name, struct wpkg_error *err)
{
	char pkg[300];
	const struct wpkg_wkg_mapping *m;

	snprintf(pkg, sizeof(pkg), "%s:%s", ns, name);
	*mapping = NULL;
	if ((m = find_mapping(cfg->overrides, cfg->noverrides, pkg))) {
		t->source = WPKG_WKG_FROM_OVERRIDE;
	} else if ((m = find_mapping(cfg->namespaces, cfg->nnamespaces, ns))) {
		t->source = WPKG_WKG_FROM_NAMESPACE;
	}
	if (m) {
		*mapping = m;
		snprintf(t->registry, sizeof(t->registry), "%s", m->registry);
		snprintf(t->source_key, sizeof(t->source_key), "%s", m->key);
		t->source_line = m->line;
		return 0;
	}
	if (cfg->default_registry) {
		t->source = WPKG_WKG_FROM_DEFAULT;
		snprintf(t->registry, sizeof(t->registry), "%s", cfg->default_registry);
		snprintf(t->source_key, sizeof(t->source_key), "default_registry");
		t->source_line = cfg->default_line;
		return 0;
	}
	for (size_t i = 0; cfg->fallbacks && i < sizeof(fallbacks) / sizeof(fallbacks[0]); i++)
		if (strcmp(fallbacks[i].ns, ns) == 0) {
			t->source = WPKG_WKG_FROM_FALLBACK;
			snprintf(t->registry, sizeof(t->registry), "%s", fallbacks[i].registry);
			snprintf(t->source_key, sizeof(t->source_key), "%s", ns);
			return 0;
		}
	return wpkg_error_set(err, WPKG_E_NOT_FOUND,
			      "no registry for %s: add it to [namespace_registries] or set default_registry in %s%s",
			      pkg, cfg->path ? cfg->path : "the wkg config",
			      cfg->fallbacks ? "" : " (built-in fallbacks are off with an explicit config file)");
}

int wpkg_wkg_resolve(struct wpkg_wkg_target *out, struct wpkg_wkg_resolver *r, const char *ns, const char *name,
		     struct wpkg_error *err)
{
	struct wpkg_wkg_target t;
	const struct wpkg_wkg_mapping *mapping;
	const struct wpkg_wkg_meta *meta = NULL;
	const char *host, *prefix;
	int rc;

	memset(&t, 0, sizeof(t));
	if ((rc = pick_registry(&t, &mapping, r->cfg, ns, name, err)))
		return rc;
	if (mapping && mapping->meta.present) {
		t.meta_source = WPKG_WKG_META_INLINE;
		meta = &mapping->meta;
	} else {
		const struct wpkg_wkg_cache_entry *e = NULL;

		if ((rc = fetch_meta(r, t.registry, &e, err)))
			return rc;
		meta_url(t.meta_url, sizeof(t.meta_url), t.registry);
		t.meta_source = e->source;
		snprintf(t.meta_error, sizeof(t.meta_error), "%s", e->error);
		if (e->source == WPKG_WKG_META_WELL_KNOWN)
			meta = &e->meta;
	}
	if (meta) {
		t.meta_deprecated = meta->deprecated;
		if (meta->preferred_protocol && strcmp(meta->preferred_protocol, "oci"))
			wpkg_log_to(&r->log, WPKG_LOG_WARN, "registry %s prefers protocol \"%s\"; wpkg speaks only OCI",
				 t.registry, meta->preferred_protocol);
	}
	host = meta && meta->oci_registry ? meta->oci_registry : t.registry;
	/* wkg pastes it into a reference unchecked; a "host" with a path would move the repository */
	if (!wpkg_wkg_registry_name_valid(host))
		return wpkg_error_set(err, WPKG_E_INVALID, "registry metadata of %s (%s): OCI registry \"%s\" is not HOST or HOST:PORT",
				      t.registry, t.meta_source == WPKG_WKG_META_INLINE ? "inline" : t.meta_url, host);
	prefix = meta && meta->oci_prefix ? meta->oci_prefix : "";
	if (*prefix && prefix[strlen(prefix) - 1] != '/')
		wpkg_log_to(&r->log, WPKG_LOG_WARN, "registry %s: namespace prefix \"%s\" does not end in '/'; it is used as is, as wkg does",
			 t.registry, prefix);
	snprintf(t.oci_host, sizeof(t.oci_host), "%s", host);
	snprintf(t.prefix, sizeof(t.prefix), "%s", prefix);
	if ((size_t)snprintf(t.repository, sizeof(t.repository), "%s%s/%s", prefix, ns, name) >= sizeof(t.repository))
		return wpkg_error_set(err, WPKG_E_INVALID, "%s:%s: repository name too long", ns, name);
	for (size_t i = 0; i < r->cfg->nregistries; i++)
		if (strcmp(r->cfg->registries[i].name, t.registry) == 0)
			t.registry_config = &r->cfg->registries[i];
	*out = t;
	return 0;
}

void wpkg_wkg_resolver_free(struct wpkg_wkg_resolver *r)
{
	while (r->cache) {
		struct wpkg_wkg_cache_entry *e = r->cache;

		r->cache = e->next;
		free(e->registry);
		wpkg_wkg_meta_free(&e->meta);
		free(e);
	}
}
