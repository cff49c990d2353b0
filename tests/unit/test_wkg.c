/* SPDX-License-Identifier: Apache-2.0 */
/* test_wkg.c - wkg's config (schema, refusals, precedence), registry metadata, version choice and wkg.lock. */
#include "unit.h"
#include "wpkg/log.h"
#include "wpkg/versions.h"
#include "wpkg/wkg_config.h"
#include "wpkg/wkg_lock.h"

static const char full_config[] =
	"default_registry = \"example.com\"\n"
	"\n"
	"[namespace_registries]\n"
	"wasi = \"wasi.example\"\n"
	"acme = { registry = \"acme.example\", metadata = { preferredProtocol = \"oci\", oci = { registry = \"ghcr.io\", namespacePrefix = \"acme-corp/\" } } }\n"
	"old = { registry = \"old.example\", metadata = { ociRegistry = \"127.0.0.1:5000\", ociNamespacePrefix = \"legacy/\" } }\n"
	"\n"
	"[package_registry_overrides]\n"
	"\"acme:special\" = \"special.example:8443\"\n"
	"\n"
	"[registry.\"wasi.example\".oci]\n"
	"auth = { username = \"open\", password = \"sesame\" }\n"
	"protocol = \"http\"\n"
	"\n"
	"[registry.\"special.example:8443\"]\n"
	"type = \"oci\"\n"
	"[registry.\"special.example:8443\".oci]\n"
	"auth = \"cGluZzpwb25n\"\n"
	"accept_invalid_certificates = true\n"
	"extra_root_certificates = [ { encoding = \"pem\", data = \"-----BEGIN CERTIFICATE-----\\n\" }, { encoding = \"der\", data = \"xyz\" } ]\n";

static struct wpkg_wkg_config parse_ok(const char *text, int explicit_file)
{
	struct wpkg_wkg_config cfg;
	struct wpkg_error err = { 0 };

	ck_assert_msg(wpkg_wkg_config_parse(&cfg, "config.toml", text, strlen(text), explicit_file, &err) == 0, "%s",
		      err.msg);
	return cfg;
}

START_TEST(test_config_full)
{
	struct wpkg_wkg_config cfg = parse_ok(full_config, 0);
	const struct wpkg_wkg_registry *r;

	ck_assert_str_eq(cfg.default_registry, "example.com");
	ck_assert_int_eq(cfg.default_line, 1);
	ck_assert_int_eq(cfg.fallbacks, 1);
	ck_assert_uint_eq(cfg.nnamespaces, 3);
	ck_assert_str_eq(cfg.namespaces[0].key, "wasi");
	ck_assert_str_eq(cfg.namespaces[0].registry, "wasi.example");
	ck_assert_int_eq(cfg.namespaces[0].meta.present, 0);
	ck_assert_str_eq(cfg.namespaces[1].meta.oci_registry, "ghcr.io");
	ck_assert_str_eq(cfg.namespaces[1].meta.oci_prefix, "acme-corp/");
	ck_assert_str_eq(cfg.namespaces[1].meta.preferred_protocol, "oci");
	ck_assert_int_eq(cfg.namespaces[1].line, 5);
	ck_assert_int_eq(cfg.namespaces[2].meta.deprecated, 1);
	ck_assert_str_eq(cfg.namespaces[2].meta.oci_registry, "127.0.0.1:5000");
	ck_assert_uint_eq(cfg.noverrides, 1);
	ck_assert_str_eq(cfg.overrides[0].key, "acme:special");
	ck_assert_uint_eq(cfg.nregistries, 2);
	r = &cfg.registries[0];
	ck_assert_str_eq(r->name, "wasi.example");
	ck_assert_str_eq(r->username, "open");
	ck_assert_str_eq(r->password, "sesame");
	ck_assert_int_eq(r->protocol, WPKG_WKG_PROTO_HTTP);
	r = &cfg.registries[1];
	ck_assert_str_eq(r->username, "ping");
	ck_assert_str_eq(r->password, "pong");
	ck_assert_int_eq(r->accept_invalid_certificates, 1);
	ck_assert_uint_eq(r->ncerts, 2);
	ck_assert_int_eq(r->certs[0].der, 0);
	ck_assert_str_eq(r->certs[0].data, "-----BEGIN CERTIFICATE-----\n");
	ck_assert_int_eq(r->certs[1].der, 1);
	wpkg_wkg_config_free(&cfg);
}
END_TEST

/* Each refused config and its exact message: file, line, what is wrong. */
static const struct {
	const char *text, *msg;
} bad_configs[] = {
	{ "default_registry = \"a.example\"\n\nnamespace_registry = { x = \"y\" }\n",
	  "config.toml: line 3: unknown key namespace_registry (wkg knows default_registry, namespace_registries, "
	  "package_registry_overrides and registry)" },
	{ "[registries]\n", "config.toml: line 1: unknown key registries (wkg knows default_registry, "
	  "namespace_registries, package_registry_overrides and registry)" },
	{ "default_registry = 5\n", "config.toml: line 1: default_registry must be a registry name (HOST or HOST:PORT)" },
	{ "default_registry = \"https://x.example\"\n",
	  "config.toml: line 1: default_registry must be a registry name (HOST or HOST:PORT)" },
	{ "[namespace_registries]\nWasi = \"w.example\"\n",
	  "config.toml: line 2: [namespace_registries]: \"Wasi\" is not a namespace label" },
	{ "[package_registry_overrides]\n\"wasi\" = \"w.example\"\n",
	  "config.toml: line 2: [package_registry_overrides]: \"wasi\" is not a package name (NAMESPACE:NAME)" },
	{ "[namespace_registries]\nx = { registry = \"r.example\" }\n",
	  "config.toml: line 2: [namespace_registries] \"x\": a table needs both registry and metadata" },
	{ "[namespace_registries]\nx = { registry = \"r.example\", metadata = {}, extra = 1 }\n",
	  "config.toml: line 2: [namespace_registries] \"x\": unknown key extra (expected registry and metadata)" },
	{ "[namespace_registries]\nx = { registry = \"r.example\", metadata = { oci = { registry = 1 } } }\n",
	  "config.toml: line 2: [namespace_registries] \"x\": registry must be a string, not a integer" },
	{ "[registry.\"r.example\".oci]\nauth = \"!!!secret!!!\"\n",
	  "config.toml: line 2: [registry.\"r.example\".oci]: auth is not base64 of USERNAME:PASSWORD" },
	{ "[registry.\"r.example\".oci]\nauth = \"bm9jb2xvbg\"\n",
	  "config.toml: line 2: [registry.\"r.example\".oci]: auth is not base64 of USERNAME:PASSWORD" },
	{ "[registry.\"r.example\".oci]\nauth = { username = \"u\" }\n",
	  "config.toml: line 2: [registry.\"r.example\".oci]: auth must be a base64 string or exactly { username = \"...\", password = \"...\" }" },
	{ "[registry.\"r.example\".oci]\nprotocol = \"ftp\"\n",
	  "config.toml: line 2: [registry.\"r.example\".oci]: protocol must be \"http\" or \"https\"" },
	{ "[registry.\"r.example\".oci]\naccept_invalid_certificates = \"yes\"\n",
	  "config.toml: line 2: [registry.\"r.example\".oci]: accept_invalid_certificates must be true or false" },
	{ "[registry.\"r.example\".oci]\nextra_root_certificates = [ { encoding = \"crt\", data = \"x\" } ]\n",
	  "config.toml: line 2: [registry.\"r.example\".oci]: extra_root_certificates[0] must be { encoding = \"pem\" or \"der\", data = \"...\" }" },
	{ "[registry.\"r.example\"]\noci = 1\n",
	  "config.toml: line 2: [registry.\"r.example\"]: oci must be a table (a backend's settings)" },
	{ "default_registry = \"a\"\ndefault_registry = \"b\"\n",
	  "config.toml: line 2, column 1: duplicate key default_registry (first at line 1)" },
	{ "default_registry = 1.5\n", "config.toml: line 1, column 20: floats, dates and times are not supported" },
};

START_TEST(test_config_bad)
{
	struct wpkg_wkg_config cfg = { .fallbacks = 42 };
	struct wpkg_error err = { 0 };
	const char *t = bad_configs[_i].text;

	ck_assert_int_ne(wpkg_wkg_config_parse(&cfg, "config.toml", t, strlen(t), 0, &err), 0);
	ck_assert_str_eq(err.msg, bad_configs[_i].msg);
	ck_assert_ptr_null(strstr(err.msg, "secret"));
	ck_assert_int_eq(cfg.fallbacks, 42);
}
END_TEST

START_TEST(test_config_load_missing)
{
	struct wpkg_wkg_config cfg;
	struct wpkg_error err = { 0 };

	ck_assert_int_eq(wpkg_wkg_config_load(&cfg, "/nonexistent/wasm-pkg/config.toml", 0, &err), 0);
	ck_assert_int_eq(cfg.fallbacks, 1);
	ck_assert_ptr_null(cfg.default_registry);
	wpkg_wkg_config_free(&cfg);
	/* an explicit file must exist, as wkg's Config::from_file requires */
	ck_assert_int_eq(wpkg_wkg_config_load(&cfg, "/nonexistent/wkg.toml", 1, &err), WPKG_E_NOT_FOUND);
	ck_assert_msg(strncmp(err.msg, "wkg config: ", 12) == 0, "%s", err.msg);
}
END_TEST

/* A fake fetcher: a table of URL -> status/body, counting calls. */
struct fake {
	const char *url[4];
	long status[4];
	const char *body[4];
	int rc[4];
	int calls;
	char last_url[512];
};

static int fake_fetch(void *payload, const char *url, size_t max, struct wpkg_buf *body, long *status,
		      struct wpkg_error *err)
{
	struct fake *f = payload;

	f->calls++;
	snprintf(f->last_url, sizeof(f->last_url), "%s", url);
	ck_assert_uint_eq(max, WPKG_WKG_META_MAX);
	for (int i = 0; i < 4 && f->url[i]; i++)
		if (strcmp(f->url[i], url) == 0) {
			if (f->rc[i])
				return wpkg_error_set(err, f->rc[i], "connection refused");
			*status = f->status[i];
			wpkg_buf_puts(body, f->body[i]);
			return 0;
		}
	*status = 404;
	return 0;
}

static char warnings[2048];

static void capture(void *payload, enum wpkg_log_level level, const char *msg)
{
	if (level == WPKG_LOG_WARN) {
		strncat(warnings, msg, sizeof(warnings) - strlen(warnings) - 2);
		strcat(warnings, "\n");
	}
}

static void resolve_ok(struct wpkg_wkg_target *t, struct wpkg_wkg_resolver *r, const char *ns, const char *name)
{
	struct wpkg_error err = { 0 };

	ck_assert_msg(wpkg_wkg_resolve(t, r, ns, name, &err) == 0, "%s:%s: %s", ns, name, err.msg);
}

START_TEST(test_precedence)
{
	struct wpkg_wkg_config cfg = parse_ok(full_config, 0);
	struct fake f = { .url = { "https://example.com/.well-known/wasm-pkg/registry.json" }, .status = { 200 },
			  .body = { "{\"preferredProtocol\":\"oci\",\"oci\":{\"registry\":\"oci.example.com\",\"namespacePrefix\":\"pkgs/\"}}" } };
	struct wpkg_wkg_resolver r = { .cfg = &cfg, .fetch = fake_fetch, .payload = &f };
	struct wpkg_wkg_target t;

	/* 1. package override, beating the namespace mapping of acme */
	resolve_ok(&t, &r, "acme", "special");
	ck_assert_int_eq(t.source, WPKG_WKG_FROM_OVERRIDE);
	ck_assert_str_eq(t.registry, "special.example:8443");
	ck_assert_str_eq(t.source_key, "acme:special");
	ck_assert_int_eq(t.source_line, 9);
	ck_assert_str_eq(t.meta_url, "https://special.example:8443/.well-known/wasm-pkg/registry.json");
	ck_assert_int_eq(t.meta_source, WPKG_WKG_META_NOT_FOUND);
	ck_assert_str_eq(t.oci_host, "special.example:8443");
	ck_assert_str_eq(t.repository, "acme/special");
	ck_assert_ptr_nonnull(t.registry_config);
	ck_assert_str_eq(t.registry_config->username, "ping");
	/* 2. namespace mapping with inline metadata: no fetch at all */
	f.calls = 0;
	resolve_ok(&t, &r, "acme", "rocket");
	ck_assert_int_eq(f.calls, 0);
	ck_assert_int_eq(t.source, WPKG_WKG_FROM_NAMESPACE);
	ck_assert_int_eq(t.meta_source, WPKG_WKG_META_INLINE);
	ck_assert_str_eq(t.meta_url, "");
	ck_assert_str_eq(t.oci_host, "ghcr.io");
	ck_assert_str_eq(t.repository, "acme-corp/acme/rocket");
	ck_assert_ptr_null(t.registry_config);
	resolve_ok(&t, &r, "old", "thing");
	ck_assert_int_eq(t.meta_deprecated, 1);
	ck_assert_str_eq(t.oci_host, "127.0.0.1:5000");
	ck_assert_str_eq(t.repository, "legacy/old/thing");
	/* the namespace mapping of wasi beats the built-in fallback */
	resolve_ok(&t, &r, "wasi", "http");
	ck_assert_str_eq(t.registry, "wasi.example");
	/* 3. default_registry, which also shadows the ba fallback (wkg's resolve_registry order) */
	resolve_ok(&t, &r, "ba", "sample");
	ck_assert_int_eq(t.source, WPKG_WKG_FROM_DEFAULT);
	ck_assert_int_eq(t.source_line, 1);
	ck_assert_int_eq(t.meta_source, WPKG_WKG_META_WELL_KNOWN);
	ck_assert_str_eq(t.oci_host, "oci.example.com");
	ck_assert_str_eq(t.repository, "pkgs/ba/sample");
	wpkg_wkg_resolver_free(&r);
	wpkg_wkg_config_free(&cfg);
}
END_TEST

START_TEST(test_fallbacks)
{
	struct wpkg_wkg_config cfg = parse_ok("[namespace_registries]\nmine = \"127.0.0.1:5000\"\n", 0);
	struct wpkg_wkg_config explicit_cfg = parse_ok("[namespace_registries]\nmine = \"127.0.0.1:5000\"\n", 1);
	struct fake f = { 0 };
	struct wpkg_wkg_resolver r = { .cfg = &cfg, .fetch = fake_fetch, .payload = &f };
	struct wpkg_wkg_resolver rx = { .cfg = &explicit_cfg, .fetch = fake_fetch, .payload = &f };
	struct wpkg_wkg_target t;
	struct wpkg_error err = { 0 };

	resolve_ok(&t, &r, "wasi", "http");
	ck_assert_int_eq(t.source, WPKG_WKG_FROM_FALLBACK);
	ck_assert_str_eq(t.registry, "wasi.dev");
	ck_assert_int_eq(t.source_line, 0);
	resolve_ok(&t, &r, "ba", "x");
	ck_assert_str_eq(t.registry, "bytecodealliance.org");
	/* http for 127.0.0.1 (and localhost) */
	resolve_ok(&t, &r, "mine", "x");
	ck_assert_str_eq(f.last_url, "http://127.0.0.1:5000/.well-known/wasm-pkg/registry.json");
	ck_assert_int_eq(wpkg_wkg_resolve(&t, &r, "other", "x", &err), WPKG_E_NOT_FOUND);
	ck_assert_str_eq(err.msg, "no registry for other:x: add it to [namespace_registries] or set default_registry in config.toml");
	/* an explicit config file: no fallbacks, as wkg's Config::from_file */
	ck_assert_int_eq(wpkg_wkg_resolve(&t, &rx, "wasi", "http", &err), WPKG_E_NOT_FOUND);
	ck_assert_str_eq(err.msg, "no registry for wasi:http: add it to [namespace_registries] or set default_registry "
			 "in config.toml (built-in fallbacks are off with an explicit config file)");
	resolve_ok(&t, &rx, "mine", "x");
	wpkg_wkg_resolver_free(&r);
	wpkg_wkg_resolver_free(&rx);
	wpkg_wkg_config_free(&cfg);
	wpkg_wkg_config_free(&explicit_cfg);
}
END_TEST

START_TEST(test_well_known)
{
	struct wpkg_wkg_config cfg = parse_ok("[namespace_registries]\na = \"a.example\"\nb = \"b.example\"\n"
					      "c = \"c.example\"\nd = \"localhost:8080\"\n", 0);
	struct fake f = {
		.url = { "https://a.example/.well-known/wasm-pkg/registry.json",
			 "https://b.example/.well-known/wasm-pkg/registry.json",
			 "https://c.example/.well-known/wasm-pkg/registry.json",
			 "http://localhost:8080/.well-known/wasm-pkg/registry.json" },
		.status = { 200, 500, 200, 0 },
		.body = { "{\"ociRegistry\":\"oci.a.example\",\"ociNamespacePrefix\":\"wasm\"}", "oops", "[1]", "" },
		.rc = { 0, 0, 0, WPKG_E_NETWORK },
	};
	struct wpkg_wkg_resolver r = { .cfg = &cfg, .fetch = fake_fetch, .payload = &f };
	struct wpkg_wkg_target t;

	warnings[0] = '\0';
	r.log = (struct wpkg_log_sink){ capture, NULL, WPKG_LOG_DEBUG };
	/* deprecated form; a prefix without '/' is used as is, with a warning */
	resolve_ok(&t, &r, "a", "x");
	ck_assert_int_eq(t.meta_source, WPKG_WKG_META_WELL_KNOWN);
	ck_assert_int_eq(t.meta_deprecated, 1);
	ck_assert_str_eq(t.oci_host, "oci.a.example");
	ck_assert_str_eq(t.repository, "wasma/x");
	ck_assert_str_eq(warnings, "registry a.example: namespace prefix \"wasm\" does not end in '/'; it is used as "
			 "is, as wkg does\n");
	/* cached: a second name on the same registry fetches nothing */
	ck_assert_int_eq(f.calls, 1);
	resolve_ok(&t, &r, "a", "y");
	ck_assert_int_eq(f.calls, 1);
	ck_assert_uint_eq(r.fetches, 1);
	ck_assert_str_eq(t.repository, "wasma/y");
	/* a 500, a document that is not an object, no connection: warnings, then the defaults */
	warnings[0] = '\0';
	resolve_ok(&t, &r, "b", "x");
	ck_assert_int_eq(t.meta_source, WPKG_WKG_META_FAILED);
	ck_assert_str_eq(t.meta_error, "HTTP status 500");
	ck_assert_str_eq(t.oci_host, "b.example");
	ck_assert_str_eq(t.repository, "b/x");
	resolve_ok(&t, &r, "c", "x");
	ck_assert_str_eq(t.meta_error, "registry metadata is not a JSON object");
	resolve_ok(&t, &r, "d", "x");
	ck_assert_str_eq(t.meta_error, "connection refused");
	ck_assert_str_eq(t.oci_host, "localhost:8080");
	ck_assert_str_eq(warnings,
			 "registry metadata https://b.example/.well-known/wasm-pkg/registry.json: HTTP status 500; using the defaults (OCI host b.example, no prefix)\n"
			 "registry metadata https://c.example/.well-known/wasm-pkg/registry.json: registry metadata is not a JSON object; using the defaults (OCI host c.example, no prefix)\n"
			 "registry metadata http://localhost:8080/.well-known/wasm-pkg/registry.json: connection refused; using the defaults (OCI host localhost:8080, no prefix)\n");
	wpkg_wkg_resolver_free(&r);
	wpkg_wkg_config_free(&cfg);
}
END_TEST

START_TEST(test_meta_parse)
{
	struct wpkg_wkg_meta m;
	struct wpkg_error err = { 0 };
	const char *both = "{\"oci\":{\"registry\":\"new.example\",\"namespacePrefix\":\"n/\"},\"ociRegistry\":\"old.example\"}";

	/* the deprecated alias overrides oci.registry, as wkg's protocol_config inserts it over the table */
	ck_assert_int_eq(wpkg_wkg_meta_parse(&m, both, strlen(both), &err), 0);
	ck_assert_str_eq(m.oci_registry, "old.example");
	ck_assert_str_eq(m.oci_prefix, "n/");
	wpkg_wkg_meta_free(&m);
	ck_assert_int_eq(wpkg_wkg_meta_parse(&m, "{\"oci\":{\"registry\":1}}", 22, &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "registry metadata: registry is not a string");
	ck_assert_int_eq(wpkg_wkg_meta_parse(&m, "{\"oci\":{},\"oci\":{}}", 19, &err), WPKG_E_INVALID);
	ck_assert_int_eq(wpkg_wkg_meta_parse(&m, "{}", 2, &err), 0);
	ck_assert_ptr_null(m.oci_registry);
	wpkg_wkg_meta_free(&m);
}
END_TEST

START_TEST(test_meta_registry_checked)
{
	struct wpkg_wkg_config cfg = parse_ok("[namespace_registries]\nx = { registry = \"r.example\", metadata = "
					      "{ ociRegistry = \"evil.example/steal\" } }\ny = \"y.example\"\n", 0);
	struct fake f = { .url = { "https://y.example/.well-known/wasm-pkg/registry.json" }, .status = { 200 },
			  .body = { "{\"oci\":{\"registry\":\"a b\"}}" } };
	struct wpkg_wkg_resolver r = { .cfg = &cfg, .fetch = fake_fetch, .payload = &f };
	struct wpkg_wkg_target t;
	struct wpkg_error err = { 0 };

	ck_assert_int_eq(wpkg_wkg_resolve(&t, &r, "x", "p", &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "registry metadata of r.example (inline): OCI registry \"evil.example/steal\" is not "
			 "HOST or HOST:PORT");
	ck_assert_int_eq(wpkg_wkg_resolve(&t, &r, "y", "p", &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "registry metadata of y.example (https://y.example/.well-known/wasm-pkg/registry.json): "
			 "OCI registry \"a b\" is not HOST or HOST:PORT");
	wpkg_wkg_resolver_free(&r);
	wpkg_wkg_config_free(&cfg);
}
END_TEST

START_TEST(test_bearer_env_name)
{
	char name[300];

	wpkg_wkg_bearer_env_name(name, sizeof(name), "ghcr.io");
	ck_assert_str_eq(name, "WKG_REGISTRY_GHCR_IO_AUTH_BEARER");
	wpkg_wkg_bearer_env_name(name, sizeof(name), "127.0.0.1:5000");
	ck_assert_str_eq(name, "WKG_REGISTRY_127_0_0_1_5000_AUTH_BEARER");
	wpkg_wkg_bearer_env_name(name, sizeof(name), "my-Reg.example");
	ck_assert_str_eq(name, "WKG_REGISTRY_MY_REG_EXAMPLE_AUTH_BEARER");
}
END_TEST

static const char *const tags[] = {
	"latest", "v1.0.0", "1.0", "sha256-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	"0.1.0", "0.2.0", "0.2.1", "0.2.2-rc.1", "1.0.0-rc.1", "0.10.0", "0.9.9",
};

/* Row: version part of the name ("" for none), the tag expected or the error expected. */
static const struct {
	const char *spec, *tag, *error;
} choices[] = {
	{ "", "1.0.0-rc.1", NULL },                 /* no version: highest, pre-releases included (wkg get) */
	{ "0.2.1", "0.2.1", NULL },
	{ "^0.2", "0.2.1", NULL },                  /* 0.2.2-rc.1 needs a comparator naming it */
	{ "^0.2.2-rc.1", "0.2.2-rc.1", NULL },
	{ ">=0.2.0, <0.3.0", "0.2.1", NULL },
	{ "*", "0.10.0", NULL },                    /* * never matches a pre-release */
	{ "~0.9", "0.9.9", NULL },
	{ "0.9", "0.9.9", NULL },
	{ "=1.0.0-rc.1", "1.0.0-rc.1", NULL },
	{ "^1", NULL, "ns:pkg: no version matches ^1 (nearest: 0.10.0, 1.0.0-rc.1)" },
	{ "0.3.0", NULL, "ns:pkg: no version 0.3.0 (nearest: 0.2.1, 0.2.2-rc.1, 0.9.9, 0.10.0)" },
	{ "0.0.1", NULL, "ns:pkg: no version 0.0.1 (nearest: 0.1.0, 0.2.0)" },
	{ "1.0.0+build", NULL, "ns:pkg@1.0.0+build: build metadata (+build) cannot be in an OCI tag; name the version without it" },
};

START_TEST(test_choose)
{
	struct wpkg_pkgname name;
	struct wpkg_version_choice c;
	struct wpkg_error err = { 0 };
	char text[300];

	snprintf(text, sizeof(text), "ns:pkg%s%s", *choices[_i].spec ? "@" : "", choices[_i].spec);
	ck_assert_msg(wpkg_pkgname_parse(&name, text, &err) == 0, "%s", err.msg);
	if (choices[_i].tag) {
		ck_assert_msg(wpkg_versions_choose(&c, tags, UNIT_N(tags), &name, NULL, &err) == 0, "%s: %s", text, err.msg);
		ck_assert_str_eq(c.tag, choices[_i].tag);
		ck_assert_uint_eq(c.versions, 7);
		ck_assert_uint_eq(c.ignored, 4);
	} else {
		ck_assert_int_ne(wpkg_versions_choose(&c, tags, UNIT_N(tags), &name, NULL, &err), 0);
		ck_assert_str_eq(err.msg, choices[_i].error);
	}
}
END_TEST

START_TEST(test_choose_no_versions)
{
	static const char *const only[] = { "latest", "main" };
	struct wpkg_pkgname name;
	struct wpkg_version_choice c;
	struct wpkg_error err = { 0 };
	const char **sorted;
	size_t n;

	ck_assert_int_eq(wpkg_pkgname_parse(&name, "ns:pkg", &err), 0);
	ck_assert_int_eq(wpkg_versions_choose(&c, only, 2, &name, NULL, &err), WPKG_E_NOT_FOUND);
	ck_assert_str_eq(err.msg, "ns:pkg has no versions (2 tags, none of them strict semver)");
	ck_assert_int_eq(wpkg_versions_sorted(&sorted, &n, tags, UNIT_N(tags)), 0);
	ck_assert_uint_eq(n, 7);
	ck_assert_str_eq(sorted[0], "0.1.0");
	ck_assert_str_eq(sorted[3], "0.2.2-rc.1");
	ck_assert_str_eq(sorted[4], "0.9.9");
	ck_assert_str_eq(sorted[6], "1.0.0-rc.1");
	free(sorted);
}
END_TEST

static void lock_file(struct wpkg_wkg_lock *lock, const char *name)
{
	char path[512];
	struct wpkg_error err = { 0 };

	snprintf(path, sizeof(path), "%s/toml/valid/%s", FIXTURES, name);
	ck_assert_msg(wpkg_wkg_lock_load(lock, path, &err) == 0, "%s", err.msg);
}

START_TEST(test_lock)
{
	struct wpkg_wkg_lock lock, old;
	struct wpkg_semver_req req;
	const struct wpkg_wkg_lock_version *v;

	lock_file(&lock, "wkg-lock.toml");
	ck_assert_uint_eq(lock.npackages, 2);
	ck_assert_str_eq(lock.packages[0].name, "wasi:http");
	ck_assert_str_eq(lock.packages[0].registry, "wasi.dev");
	ck_assert_ptr_null(lock.packages[1].registry);
	ck_assert_int_eq(wpkg_semver_req_parse(&req, "^0.2.1", NULL), 0);
	v = wpkg_wkg_lock_find(&lock, "wasi:http", "wasi.dev", &req);
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v->digest, "sha256:0000000000000000000000000000000000000000000000000000000000000000");
	ck_assert_uint_eq(v->version.patch, 3);
	/* requirements compare parsed: "0.2.1" is "^0.2.1" */
	ck_assert_int_eq(wpkg_semver_req_parse(&req, "0.2.1", NULL), 0);
	ck_assert_ptr_eq(wpkg_wkg_lock_find(&lock, "wasi:http", NULL, &req), v);
	ck_assert_ptr_null(wpkg_wkg_lock_find(&lock, "wasi:http", "other.example", &req));
	ck_assert_int_eq(wpkg_semver_req_parse(&req, "^0.2", NULL), 0);
	ck_assert_ptr_null(wpkg_wkg_lock_find(&lock, "wasi:http", NULL, &req));
	ck_assert_int_eq(wpkg_semver_req_parse(&req, "*", NULL), 0);
	ck_assert_ptr_nonnull(wpkg_wkg_lock_find(&lock, "ba:sample", "anything.example", &req));
	/* the old aliases [[package]] and [[package.version]] */
	lock_file(&old, "wkg-lock-old.toml");
	ck_assert_uint_eq(old.npackages, 1);
	ck_assert_uint_eq(old.packages[0].nversions, 1);
	ck_assert_str_eq(old.packages[0].versions[0].requirement, "^0.2");
	wpkg_wkg_lock_free(&lock);
	wpkg_wkg_lock_free(&old);
}
END_TEST

static const struct {
	const char *text, *msg;
} bad_locks[] = {
	{ "version = 2\n", "wkg.lock: line 1: unsupported lock file version 2 (wpkg reads version 1)" },
	{ "[[packages]]\nname = \"a:b\"\n", "wkg.lock: line 1: a lock file needs version = 1" },
	{ "version = 1\n[[packages]]\nname = \"a:b\"\n[[package]]\nname = \"c:d\"\n",
	  "wkg.lock: line 4: both packages and package are given" },
	{ "version = 1\n[[packages]]\nname = \"A:b\"\n", "wkg.lock: line 3: \"A:b\" is not a package name (NAMESPACE:NAME)" },
	{ "version = 1\n[[packages]]\nname = \"a:b\"\n[[packages.versions]]\nrequirement = \"^1\"\nversion = \"1.0\"\ndigest = \"sha256:00\"\n",
	  "wkg.lock: line 6: invalid version \"1.0\": expected MAJOR.MINOR.PATCH" },
	{ "version = 1\n[[packages]]\nname = \"a:b\"\n[[packages.versions]]\nrequirement = \"^1\"\nversion = \"1.0.0\"\ndigest = \"sha256:00\"\n",
	  "wkg.lock: line 7: digest \"sha256:00\" is not sha256:<64 lower-case hex digits>" },
	{ "version = 1\n[[packages]]\nname = \"a:b\"\n[[packages.versions]]\nversion = \"1.0.0\"\n",
	  "wkg.lock: line 4: a locked version needs requirement, version and digest strings" },
};

START_TEST(test_lock_bad)
{
	struct wpkg_wkg_lock lock = { .npackages = 99 };
	struct wpkg_error err = { 0 };

	ck_assert_int_eq(wpkg_wkg_lock_parse(&lock, "wkg.lock", bad_locks[_i].text, strlen(bad_locks[_i].text), &err),
			 WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, bad_locks[_i].msg);
	ck_assert_uint_eq(lock.npackages, 99);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("wkg");
	TCase *tc = tcase_create("config");
	TCase *tv = tcase_create("versions");

	tcase_add_test(tc, test_config_full);
	tcase_add_loop_test(tc, test_config_bad, 0, UNIT_N(bad_configs));
	tcase_add_test(tc, test_config_load_missing);
	tcase_add_test(tc, test_precedence);
	tcase_add_test(tc, test_fallbacks);
	tcase_add_test(tc, test_well_known);
	tcase_add_test(tc, test_meta_parse);
	tcase_add_test(tc, test_meta_registry_checked);
	tcase_add_test(tc, test_bearer_env_name);
	tcase_add_loop_test(tv, test_choose, 0, UNIT_N(choices));
	tcase_add_test(tv, test_choose_no_versions);
	tcase_add_test(tv, test_lock);
	tcase_add_loop_test(tv, test_lock_bad, 0, UNIT_N(bad_locks));
	suite_add_tcase(s, tc);
	suite_add_tcase(s, tv);
	return unit_run(s);
}
