/* SPDX-License-Identifier: Apache-2.0 */
/* cli_tls.c - finds and checks the CA and client certificate files of a registry before it is contacted. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_opt.h"
#include "cli_tls.h"
#include "exitcodes.h"
#include "env.h"

/* certs.d paths found for the one host a process talks to (copy talks to two: one slot each) */
static char found[2][3][4096];
static unsigned next_slot;

static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Fails naming the file when path cannot be opened for reading (what: "--ca-file", ...). */
static int check_readable(const char *path, const char *what, struct wpkg_error *err)
{
	FILE *f;
	struct stat st;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return wpkg_error_set(err, WPKG_E_INVALID, "%s %s: is a directory; give a PEM file", what, path);
	f = fopen(path, "r");
	if (f == NULL)
		return wpkg_error_set(err, WPKG_E_INVALID, "%s %s: %s; give a readable PEM file", what, path,
				      strerror(errno));
	fclose(f);
	return 0;
}

/* The certs.d/HOST directory holding name, into out; false when there is none. */
static bool certs_d(char *out, size_t size, const char *host, const char *name)
{
	const char *home = NULL, *etc = NULL;
	const char *dirs[2];
	int i;

	cli_env_tls_dirs(&home, &etc);
	dirs[0] = home;
	dirs[1] = etc;
	for (i = 0; i < 2; i++) {
		int n;

		if (dirs[i] == NULL)
			continue;
		n = snprintf(out, size, "%s/%s/%s", dirs[i], host, name);
		if (n > 0 && (size_t)n < size && is_file(out))
			return true;
	}
	return false;
}

int cli_tls_resolve(struct wpkg_http_opts *t, const char *host, struct wpkg_error *err)
{
	char (*slot)[4096] = found[next_slot++ % 2];
	const char *ssl_file = NULL, *ssl_dir = NULL;
	int rc;

	cli_env_tls(&ssl_file, &ssl_dir);
	if (t->ca_file == NULL && host != NULL && certs_d(slot[0], sizeof(slot[0]), host, "ca.crt"))
		t->ca_file = slot[0];
	if (t->ca_file == NULL && ssl_file != NULL && *ssl_file != '\0') {
		rc = check_readable(ssl_file, "SSL_CERT_FILE", err);
		if (rc < 0)
			return rc;
		t->ca_file = ssl_file;
	}
	if (t->ca_dir == NULL && ssl_dir != NULL && *ssl_dir != '\0')
		t->ca_dir = ssl_dir;
	if (t->cert_file == NULL && t->key_file == NULL && host != NULL &&
	    certs_d(slot[1], sizeof(slot[1]), host, "client.cert")) {
		t->cert_file = slot[1];
		/* docker pairs client.cert with client.key in the same directory */
		if (!certs_d(slot[2], sizeof(slot[2]), host, "client.key"))
			return wpkg_error_set(err, WPKG_E_INVALID, "%s: no client.key beside it; add the key or remove the "
					      "certificate", slot[1]);
		t->key_file = slot[2];
	}
	if (t->key_file != NULL && t->cert_file == NULL)
		return wpkg_error_set(err, WPKG_E_INVALID, "--key-file %s: no --cert-file given; give both", t->key_file);
	if (t->ca_file != NULL && (rc = check_readable(t->ca_file, "--ca-file", err)) < 0)
		return rc;
	if (t->cert_file != NULL && (rc = check_readable(t->cert_file, "--cert-file", err)) < 0)
		return rc;
	if (t->key_file != NULL && (rc = check_readable(t->key_file, "--key-file", err)) < 0)
		return rc;
	return 0;
}

int cli_tls_check_flags(const char *prog, const struct wpkg_http_opts *t)
{
	struct wpkg_error err = { 0 };

	if (t->key_file != NULL && t->cert_file == NULL)
		return cli_usage_error(prog, "--key-file %s: no --cert-file given; give both", t->key_file);
	if ((t->ca_file != NULL && check_readable(t->ca_file, "--ca-file", &err) < 0) ||
	    (t->cert_file != NULL && check_readable(t->cert_file, "--cert-file", &err) < 0) ||
	    (t->key_file != NULL && check_readable(t->key_file, "--key-file", &err) < 0))
		return cli_usage_error(prog, "%s", err.msg);
	return 0;
}
