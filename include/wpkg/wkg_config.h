/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/wkg_config.h - wkg's config.toml, read as wkg reads it, and package names resolved to OCI repositories. */
#ifndef WPKG_WKG_CONFIG_H
#define WPKG_WKG_CONFIG_H

#include <stddef.h>

#include "wpkg/common.h"
#include "wpkg/buf.h"
#include "wpkg/error.h"
#include "wpkg/log.h"
#include "wpkg/store.h"

WPKG_BEGIN_DECL

/* Registry metadata: the well-known document's content, or a mapping's inline `metadata` table. */
struct wpkg_wkg_meta {
	int present;
	int deprecated;             /* given as ociRegistry / ociNamespacePrefix */
	char *preferred_protocol;   /* NULL when not given */
	char *oci_registry;         /* NULL: the registry name is the OCI host */
	char *oci_prefix;           /* NULL: no prefix */
};

/* A [namespace_registries] or [package_registry_overrides] entry. */
struct wpkg_wkg_mapping {
	char *key;                  /* "ns" or "ns:name" */
	char *registry;
	struct wpkg_wkg_meta meta;  /* present only for { registry, metadata } */
	int line;
};

struct wpkg_wkg_cert {
	int der;                    /* 0: PEM */
	char *data;
	size_t len;
};

enum wpkg_wkg_protocol { WPKG_WKG_PROTO_UNSET, WPKG_WKG_PROTO_HTTP, WPKG_WKG_PROTO_HTTPS };

/* [registry."NAME".oci] */
struct wpkg_wkg_registry {
	char *name;
	int line;
	char *username, *password;  /* from auth, either form; NULL when there is none */
	enum wpkg_wkg_protocol protocol;
	struct wpkg_wkg_cert *certs;
	size_t ncerts;
	int accept_invalid_certificates;
};

struct wpkg_wkg_config {
	char *path;                 /* the file read, for messages; NULL when none was */
	int fallbacks;              /* 1 unless an explicit file was given (wkg's Config::from_file) */
	char *default_registry;
	int default_line;
	struct wpkg_wkg_mapping *namespaces;
	size_t nnamespaces;
	struct wpkg_wkg_mapping *overrides;
	size_t noverrides;
	struct wpkg_wkg_registry *registries;
	size_t nregistries;
};

/*
 * Parses config text.  path names the file in messages ("FILE: line N: ...").
 * explicit_file 1 turns the built-in fallbacks off, as wkg's --config and
 * WKG_CONFIG_FILE do.  Unknown top-level keys are refused, as wkg's
 * deny_unknown_fields refuses them.
 */
WPKG_API int wpkg_wkg_config_parse(struct wpkg_wkg_config *out, const char *path, const char *text, size_t len,
			  int explicit_file, struct wpkg_error *err);
/*
 * Reads path.  A missing file is an empty config (with the fallbacks) unless
 * explicit_file, when it is an error, as in wkg.
 */
WPKG_API int wpkg_wkg_config_load(struct wpkg_wkg_config *out, const char *path, int explicit_file,
			 struct wpkg_error *err);
WPKG_API void wpkg_wkg_config_free(struct wpkg_wkg_config *cfg);

/* Parses a registry metadata document (JSON, both forms) into *out (caller frees with wpkg_wkg_meta_free). */
WPKG_API int wpkg_wkg_meta_parse(struct wpkg_wkg_meta *out, const char *json, size_t len, struct wpkg_error *err);
WPKG_API void wpkg_wkg_meta_free(struct wpkg_wkg_meta *m);

/*
 * GETs url for the resolver, reading at most max bytes of body.  Returns 0
 * when the server answered (any status, in *status), or a negative code with
 * err filled when there was no usable answer (network, TLS, too large).
 */
typedef int (*wpkg_wkg_fetch_fn)(void *payload, const char *url, size_t max, struct wpkg_buf *body,
				 long *status, struct wpkg_error *err);

/*
 * The library's fetch: payload is a struct wpkg_wkg_http_fetch (NULL: the
 * defaults).  One GET through the registry client's HTTP layer: TLS verified
 * unless http.insecure, the same redirect and origin rules, no retries,
 * connect and stall timeouts of at most 10 s, the body capped at max.
 */
struct wpkg_wkg_http_fetch {
	struct wpkg_http_opts http;     /* ca_file and insecure apply; plain_http follows the URL */
	struct wpkg_log_sink log;       /* --debug's exchange log */
};
WPKG_API int wpkg_wkg_fetch_http(void *payload, const char *url, size_t max, struct wpkg_buf *body, long *status,
			struct wpkg_error *err);

#define WPKG_WKG_META_MAX ((size_t)64 * 1024)

enum wpkg_wkg_source {
	WPKG_WKG_FROM_OVERRIDE,     /* [package_registry_overrides] */
	WPKG_WKG_FROM_NAMESPACE,    /* [namespace_registries] */
	WPKG_WKG_FROM_DEFAULT,      /* default_registry */
	WPKG_WKG_FROM_FALLBACK,     /* built in: wasi, ba */
};

enum wpkg_wkg_meta_source {
	WPKG_WKG_META_INLINE,       /* the mapping's metadata table */
	WPKG_WKG_META_WELL_KNOWN,   /* fetched */
	WPKG_WKG_META_NOT_FOUND,    /* 404: defaults */
	WPKG_WKG_META_FAILED,       /* any other failure: a warning, then defaults */
};

struct wpkg_wkg_cache_entry;

/* Resolves names against one config; caches well-known answers for its lifetime. */
struct wpkg_wkg_resolver {
	const struct wpkg_wkg_config *cfg;
	wpkg_wkg_fetch_fn fetch;
	void *payload;
	struct wpkg_log_sink log;       /* warnings: a failed document, a prefix without '/' */
	struct wpkg_wkg_cache_entry *cache;
	size_t fetches;             /* documents actually fetched (the cache's effect, for tests) */
};

struct wpkg_wkg_target {
	char registry[256];         /* the wkg registry name */
	enum wpkg_wkg_source source;
	int source_line;            /* the config entry's line; 0 for fallbacks */
	char source_key[256];       /* the entry's key ("wasi", "ns:name", "default_registry", ...) */
	enum wpkg_wkg_meta_source meta_source;
	int meta_deprecated;        /* the document used ociRegistry / ociNamespacePrefix */
	char meta_url[512];         /* the well-known URL, "" for inline metadata */
	char meta_error[256];       /* why the document was not used (FAILED) */
	char oci_host[256];
	char prefix[256];
	char repository[640];       /* prefix + ns + "/" + name, concatenated as is */
	const struct wpkg_wkg_registry *registry_config;  /* [registry."NAME"], or NULL */
};

/* Maps ns:name to an OCI repository.  WPKG_E_NOT_FOUND when no registry is configured for it. */
WPKG_API int wpkg_wkg_resolve(struct wpkg_wkg_target *out, struct wpkg_wkg_resolver *r, const char *ns,
			      const char *name, struct wpkg_error *err);
WPKG_API void wpkg_wkg_resolver_free(struct wpkg_wkg_resolver *r);

WPKG_API const char *wpkg_wkg_source_str(enum wpkg_wkg_source s);
WPKG_API const char *wpkg_wkg_meta_source_str(enum wpkg_wkg_meta_source s);

/* "WKG_REGISTRY_<HOST>_AUTH_BEARER": HOST upper-cased, every other non-alphanumeric character '_'. */
WPKG_API void wpkg_wkg_bearer_env_name(char *out, size_t size, const char *host);

WPKG_END_DECL

#endif
