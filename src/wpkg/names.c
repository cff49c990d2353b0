/* SPDX-License-Identifier: Apache-2.0 */
/* names.c - wkg config discovery from the environment, credentials, and a package-name REF made an OCI reference. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "wpkg/fsutil.h"
#include "wpkg/store.h"
#include "wpkg/wkg_lock.h"
#include "cli_cache.h"
#include "cli_output.h"
#include "names.h"

int names_open(struct names *n, const char *flag_path, const struct wpkg_http_opts *http, struct wpkg_error *err)
{
	const char *env = getenv("WKG_CONFIG_FILE"), *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	int rc;

	memset(n, 0, sizeof(*n));
	if (flag_path) {
		snprintf(n->path, sizeof(n->path), "%s", flag_path);
		n->path_from = "--wkg-config";
		n->explicit_file = 1;
	} else if (env && *env) {
		snprintf(n->path, sizeof(n->path), "%s", env);
		n->path_from = "WKG_CONFIG_FILE";
		n->explicit_file = 1;
	} else if (xdg && *xdg == '/') {
		snprintf(n->path, sizeof(n->path), "%s/wasm-pkg/config.toml", xdg);
		n->path_from = "default";
	} else {
		snprintf(n->path, sizeof(n->path), "%s/.config/wasm-pkg/config.toml", home ? home : "");
		n->path_from = "default";
	}
	if ((rc = wpkg_wkg_config_load(&n->cfg, n->path, n->explicit_file, err)))
		return rc;
	n->loaded = 1;
	n->resolver.cfg = &n->cfg;
	if (http != NULL)
		n->fetch.http = *http;
	cli_log_sink(&n->fetch.log);
	n->resolver.fetch = cli_offline ? cli_offline_fetch : wpkg_wkg_fetch_http;
	n->resolver.payload = &n->fetch;
	cli_log_sink(&n->resolver.log);
	return 0;
}

void names_close(struct names *n)
{
	wpkg_wkg_resolver_free(&n->resolver);
	if (n->loaded)
		wpkg_wkg_config_free(&n->cfg);
	n->loaded = 0;
}

int names_credentials(struct wpkg_credentials *out, const char **source, const struct wpkg_wkg_target *t,
		      const struct wpkg_log_sink *log, struct wpkg_error *err)
{
	const struct wpkg_wkg_registry *r = t->registry_config;
	char var[320];
	int rc;

	memset(out, 0, sizeof(*out));
	wpkg_wkg_bearer_env_name(var, sizeof(var), t->oci_host);
	if (getenv(var) != NULL && *getenv(var)) {
		/* wkg's first choice: sent as is, to this host only (the registry client's auth layer) */
		out->bearer_token = strdup(getenv(var));
		if (out->bearer_token == NULL)
			return wpkg_error_set(err, WPKG_E_NOMEM, "out of memory");
		*source = "env";
		return 0;
	}
	if (r && r->username && r->password) {
		out->username = strdup(r->username);
		out->password = strdup(r->password);
		if (!out->username || !out->password) {
			wpkg_credentials_clear(out);
			return wpkg_error_set(err, WPKG_E_NOMEM, "out of memory");
		}
		*source = "config";
		return 0;
	}
	if ((rc = wpkg_creds_lookup(out, t->oci_host, log, err)))
		return wpkg_error_wrap(err, "credentials for %s", t->oci_host);
	*source = out->username || out->identity_token ? "docker" : "anonymous";
	return 0;
}

int names_ca_file(char *path, size_t size, const struct wpkg_wkg_registry *r, struct wpkg_error *err)
{
	const char *tmp = getenv("TMPDIR");
	FILE *f;
	int fd, rc = 0;

	snprintf(path, size, "%s/wpkg-ca.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if ((fd = mkstemp(path)) < 0 || !(f = fdopen(fd, "w"))) {
		if (fd >= 0) {
			close(fd);
			unlink(path);
		}
		path[0] = '\0';
		return wpkg_error_set(err, WPKG_E_IO, "temporary CA file in %s: cannot create it", tmp ? tmp : "/tmp");
	}
	for (size_t i = 0; !rc && i < r->ncerts; i++) {
		const struct wpkg_wkg_cert *c = &r->certs[i];

		if (!c->der) {
			if (fwrite(c->data, 1, c->len, f) != c->len || fputc('\n', f) == EOF)
				rc = WPKG_E_IO;
		} else {
			const unsigned char *p = (const unsigned char *)c->data;
			X509 *x = d2i_X509(NULL, &p, (long)c->len);

			if (!x)
				rc = wpkg_error_set(err, WPKG_E_INVALID, "[registry.\"%s\".oci]: extra_root_certificates[%zu] "
						    "is not a DER certificate", r->name, i);
			else if (!PEM_write_X509(f, x))
				rc = WPKG_E_IO;
			X509_free(x);
		}
	}
	if (fclose(f) != 0 && !rc)
		rc = WPKG_E_IO;
	if (rc == WPKG_E_IO)
		wpkg_error_set(err, rc, "%s: cannot write the CA file", path);
	if (rc) {
		unlink(path);
		path[0] = '\0';
	}
	return rc;
}

/* A name that is also a Docker Hub short name ("ubuntu:latest") gets a note when it does not resolve. */
static int fail_name(struct wpkg_error *err, const char *arg)
{
	int rc = cli_fail(err);

	if (err->code == WPKG_E_NOT_FOUND && strchr(arg, '@') == NULL)
		cli_note("'%s' is read as a Wasm package name (NAMESPACE:NAME); write a Docker Hub image in full: "
			 "docker.io/library/%s", arg, arg);
	return rc;
}

/* reg's transport and credentials for t's registry, as wkg would speak to it. */
static int apply_registry(struct names_ref *n, struct cli_registry *reg, struct wpkg_error *err)
{
	const struct wpkg_wkg_registry *c = n->target.registry_config;
	struct wpkg_log_sink log;

	if (c != NULL && c->protocol == WPKG_WKG_PROTO_HTTP)
		reg->transport.plain_http = true;
	if (c != NULL && c->accept_invalid_certificates)
		reg->transport.insecure = true;
	if (c != NULL && c->ncerts && reg->transport.ca_file == NULL) {
		if (names_ca_file(n->ca_path, sizeof(n->ca_path), c, err) < 0)
			return err->code;
		reg->transport.ca_file = n->ca_path;
	}
	if (reg->username != NULL) {
		n->cred_source = "flags";  /* -u: the flags, as every command takes them */
		return 0;
	}
	cli_log_sink(&log);
	if (names_credentials(&n->creds, &n->cred_source, &n->target, &log, err) < 0)
		return err->code;
	reg->credentials = &n->creds;  /* all NULL: anonymous */
	return 0;
}

/* Lists the repository's tags (every page) and chooses the version name asks for. */
static int choose(struct names_ref *n, const char *repo, struct cli_registry *reg, struct wpkg_error *err)
{
	struct wpkg_store_opts sopts;
	struct wpkg_store *store = NULL;
	struct wpkg_ref ref;
	int rc;

	rc = wpkg_ref_parse(&ref, repo, WPKG_REF_NO_TAG, err);
	if (rc < 0)
		return rc;
	cli_registry_store_opts(&sopts, reg, false);
	rc = wpkg_store_open(&store, &ref, &sopts, err);
	if (rc == 0)
		rc = wpkg_store_tags(store, &n->tags, &n->ntags, err);
	wpkg_store_close(store);
	wpkg_ref_free(&ref);
	if (rc < 0)
		return rc;
	if (wpkg_versions_sorted(&n->sorted, &n->nsorted, (const char *const *)n->tags, n->ntags) < 0)
		return wpkg_error_set(err, WPKG_E_NOMEM, "out of memory");
	rc = wpkg_versions_choose(&n->choice, (const char *const *)n->tags, n->ntags, &n->name, &sopts.log, err);
	if (rc == 0)
		n->chosen = true;
	return rc;
}

void names_wasm_layer(char *out, const struct wpkg_buf *body)
{
	struct wpkg_manifest *m = NULL;
	struct wpkg_error ignored;
	size_t found = 0;

	out[0] = '\0';
	if (wpkg_manifest_parse(&m, body->data, body->len, &ignored) < 0)
		return;
	for (size_t i = 0; i < m->n_layers; i++)
		if (strcmp(m->layers[i].media_type, WPKG_MT_WASM_LAYER) == 0) {
			found++;
			snprintf(out, WPKG_DIGEST_STR_MAX, "%s", m->layers[i].digest.str);
		}
	if (found != 1)
		out[0] = '\0';
	wpkg_manifest_free(m);
}

/* The requirement a lock entry holds for name: what wkg writes ("*", "=1.2.3", or the requirement). */
static void lock_requirement(char *out, size_t size, const struct wpkg_pkgname *name)
{
	if (name->kind == WPKG_PKGNAME_REQ)
		snprintf(out, size, "%s", name->spec);
	else if (name->kind == WPKG_PKGNAME_EXACT)
		snprintf(out, size, "=%s", name->spec);
	else
		snprintf(out, size, "*");
}

/*
 * The locked version instead of a choice, checked against the registry: its
 * one Wasm layer must have the locked digest.  The reference then names the
 * manifest checked, by digest, so what is pulled is what was checked.
 */
static int apply_lock(struct names_ref *n, const char *lock_path, const char *repo, struct cli_registry *reg,
		      struct wpkg_error *err)
{
	struct wpkg_wkg_lock lock = { 0 };
	const struct wpkg_wkg_lock_version *v;
	struct wpkg_store_opts sopts;
	struct wpkg_store *store = NULL;
	struct wpkg_buf body = WPKG_BUF_INIT;
	struct wpkg_semver_req req;
	struct wpkg_digest digest;
	struct wpkg_ref ref;
	char reqs[sizeof(n->name.spec) + 2], full[sizeof(n->reference)], layer[WPKG_DIGEST_STR_MAX];
	char *media_type = NULL;
	int rc;

	rc = wpkg_wkg_lock_load(&lock, lock_path, err);
	if (rc < 0)
		return rc;
	lock_requirement(reqs, sizeof(reqs), &n->name);
	rc = wpkg_semver_req_parse(&req, reqs, err);
	if (rc < 0)
		goto out;
	snprintf(full, sizeof(full), "%s:%s", n->name.ns, n->name.name);
	v = wpkg_wkg_lock_find(&lock, full, n->target.registry, &req);
	if (v == NULL) {
		rc = wpkg_error_set(err, WPKG_E_NOT_FOUND, "%s: no entry locks %s with the requirement %s", lock_path,
				    full, reqs);
		goto out;
	}
	wpkg_semver_format(n->choice.tag, sizeof(n->choice.tag), &v->version);
	n->choice.version = v->version;
	n->chosen = true;
	snprintf(n->locked, sizeof(n->locked), "%s", v->digest);
	snprintf(full, sizeof(full), "%s:%s", repo, n->choice.tag);
	rc = wpkg_ref_parse(&ref, full, 0, err);
	if (rc < 0)
		goto out;
	cli_registry_store_opts(&sopts, reg, false);
	rc = wpkg_store_open(&store, &ref, &sopts, err);
	if (rc == 0)
		rc = wpkg_store_manifest_get(store, n->choice.tag, &body, &media_type, &digest, err);
	wpkg_store_close(store);
	wpkg_ref_free(&ref);
	if (rc < 0)
		goto out;
	names_wasm_layer(layer, &body);
	if (strcmp(layer, v->digest) != 0) {
		rc = wpkg_error_set(err, WPKG_E_DIGEST, "%s line %d locks %s:%s %s to layer %s, but %s has %s%s",
				    lock_path, v->line, n->name.ns, n->name.name, n->choice.tag, v->digest, full,
				    layer[0] ? "layer " : "", layer[0] ? layer : "no single application/wasm layer");
		goto out;
	}
	snprintf(n->reference, sizeof(n->reference), "%s@%s", repo, digest.str);
out:
	free(media_type);
	wpkg_buf_free(&body);
	wpkg_wkg_lock_free(&lock);
	return rc;
}

int names_ref_resolve(struct names_ref *n, const char *cmd, const char *arg, enum names_use use,
		      struct cli_registry *reg)
{
	struct wpkg_error err = { 0 };
	char repo[sizeof(n->reference) - WPKG_SEMVER_MAX - 2];

	memset(n, 0, sizeof(*n));
	if (wpkg_pkgname_parse(&n->name, arg, &err) < 0)
		return cli_fail(&err);
	if (use == NAMES_REPOSITORY && n->name.kind != WPKG_PKGNAME_ANY) {
		wpkg_error_set(&err, WPKG_E_INVALID, "%s %s: a repository takes no version: write %s:%s", cmd, arg,
			       n->name.ns, n->name.name);
		return cli_fail(&err);
	}
	if (use == NAMES_VERSION && n->name.kind != WPKG_PKGNAME_EXACT) {
		wpkg_error_set(&err, WPKG_E_INVALID, "%s %s: publishing needs one exact version: write %s:%s@1.2.3",
			       cmd, arg, n->name.ns, n->name.name);
		return cli_fail(&err);
	}
	if (use == NAMES_VERSION && strchr(n->name.spec, '+') != NULL) {
		wpkg_error_set(&err, WPKG_E_INVALID, "%s %s: the version has build metadata ('+'), which an OCI tag cannot "
			       "hold: publish it without the '+...' part", cmd, arg);
		return cli_fail(&err);
	}
	if (names_open(&n->names, reg->wkg_config, &reg->transport, &err) < 0)
		return cli_fail(&err);
	if (wpkg_wkg_resolve(&n->target, &n->names.resolver, n->name.ns, n->name.name, &err) < 0)
		return fail_name(&err, arg);
	if (apply_registry(n, reg, &err) < 0)
		return cli_fail(&err);
	snprintf(repo, sizeof(repo), "%s/%s", n->target.oci_host, n->target.repository);
	if (use == NAMES_CHOOSE && reg->wkg_lock != NULL) {
		if (apply_lock(n, reg->wkg_lock, repo, reg, &err) < 0) {
			wpkg_error_wrap(&err, "%s %s", cmd, arg);
			return cli_fail(&err);
		}
		return 0;
	}
	if (use == NAMES_CHOOSE && choose(n, repo, reg, &err) < 0) {
		wpkg_error_wrap(&err, "%s %s (%s)", cmd, arg, repo);
		return fail_name(&err, arg);
	}
	if (use == NAMES_REPOSITORY)
		snprintf(n->reference, sizeof(n->reference), "%s", repo);
	else
		snprintf(n->reference, sizeof(n->reference), "%s:%s", repo, use == NAMES_CHOOSE ? n->choice.tag : n->name.spec);
	return 0;
}

void names_ref_free(struct names_ref *n)
{
	for (size_t i = 0; i < n->ntags; i++)
		free(n->tags[i]);
	free(n->tags);
	free(n->sorted);
	wpkg_credentials_clear(&n->creds);
	if (n->ca_path[0])
		unlink(n->ca_path);
	names_close(&n->names);
	memset(n, 0, sizeof(*n));
}

#define ANNOT_VERSION "org.opencontainers.image.version"

/* Sets key in obj to value unless the user set it. */
static int set_default(json_t *obj, const char *key, const char *value, struct wpkg_error *err)
{
	if (json_object_get(obj, key) != NULL)
		return 0;
	if (json_object_set_new(obj, key, json_string(value)) != 0)
		return wpkg_error_set(err, WPKG_E_NOMEM, "out of memory");
	return 0;
}

int names_publish_annotations(struct cli_pack *p, const struct names_ref *n, const char *file, size_t n_files,
			      struct wpkg_error *err)
{
	const char *base = wpkg_path_base(file);
	char title[sizeof(n->name.name) + 5];
	json_t *layer;
	int rc;

	rc = set_default(p->manifest_annots, ANNOT_VERSION, n->name.spec, err);
	if (rc < 0)
		return rc;
	p->pack.manifest_annotations = p->manifest_annots;
	/* a package of several files keeps its file names: they tell the layers apart */
	if (n_files != 1 || p->pack.exploded)
		return 0;
	snprintf(title, sizeof(title), "%s.wasm", n->name.name);
	layer = json_object_get(p->layer_annots, base);
	if (layer == NULL) {
		layer = json_object();
		if (layer == NULL || json_object_set_new(p->layer_annots, base, layer) != 0)
			return wpkg_error_set(err, WPKG_E_NOMEM, "out of memory");
	}
	rc = set_default(layer, WPKG_ANNOT_TITLE, title, err);
	p->pack.layer_annotations = p->layer_annots;
	return rc;
}

int names_version_exists(struct wpkg_store *store, const char *tag, struct wpkg_error *err)
{
	struct wpkg_descriptor d;
	int rc = wpkg_store_manifest_resolve(&d, store, tag, err);

	if (rc == 0) {
		rc = wpkg_error_set(err, WPKG_E_EXISTS, "version %s is already published (%s): pass --force to "
				    "replace it", tag, d.digest.str);
		wpkg_descriptor_clear(&d);
		return rc;
	}
	if (err->code == WPKG_E_NOT_FOUND)
		return 0;
	return rc;
}
