/* SPDX-License-Identifier: Apache-2.0 */
/* names.c - wkg config discovery from the environment, the well-known document fetch (libcurl), credentials. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include <curl/curl.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "cli.h"
#include "names.h"

struct sink {
	struct wpkg_buf *body;
	size_t max;
	int over;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct sink *s = userdata;
	size_t n = size * nmemb;

	if (s->body->len + n > s->max) {
		s->over = 1;
		return 0;  /* aborts the transfer: the document is capped */
	}
	return wpkg_buf_put(s->body, ptr, n) == 0 ? n : 0;
}

/* One bounded GET: TLS verified, http(s) only, at most 5 redirects, 10 s to connect, 30 s in all. */
static int fetch(void *payload, const char *url, size_t max, struct wpkg_buf *body, long *status,
		 struct wpkg_error *err)
{
	struct sink s = { body, max, 0 };
	char errbuf[CURL_ERROR_SIZE] = "";
	CURL *h = curl_easy_init();
	CURLcode cc;
	int rc = 0;

	if (!h)
		return wpkg_error_set(err, WPKG_E_NOMEM, "out of memory");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
#if CURL_AT_LEAST_VERSION(7, 85, 0)
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#endif
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "wpkg");
	cc = curl_easy_perform(h);
	if (s.over)
		rc = wpkg_error_set(err, WPKG_E_TOO_LARGE, "the document is over %zu bytes", max);
	else if (cc != CURLE_OK)
		rc = wpkg_error_set(err, WPKG_E_NETWORK, "%s", errbuf[0] ? errbuf : curl_easy_strerror(cc));
	else
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	curl_easy_cleanup(h);
	return rc;
}

int names_open(struct names *n, const char *flag_path, struct wpkg_error *err)
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
	n->resolver.fetch = fetch;
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
	if (getenv(var) && *getenv(var)) {
		/* today's registry client has no static bearer tokens: say so, then go on down wkg's list */
		cli_warn("%s is set, but wpkg cannot send a static bearer token yet; trying the next credentials", var);
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
