/* SPDX-License-Identifier: Apache-2.0 */
/* cli_tls.h - the TLS files of a registry connection: flags, SSL_CERT_FILE/DIR, docker's certs.d, checked first. */
#ifndef WPKG_CLI_TLS_H
#define WPKG_CLI_TLS_H

#include "wpkg/error.h"
#include "wpkg/http.h"

/*
 * Completes t for a connection to host ("registry:5000"): --ca-file, else
 * certs.d/HOST/ca.crt, else SSL_CERT_FILE; SSL_CERT_DIR as ca_dir;
 * --cert-file/--key-file, else certs.d/HOST/client.cert and client.key.
 * certs.d is looked for in ~/.docker/certs.d, then /etc/docker/certs.d.
 * Every file is checked readable before anything is sent: a missing one
 * is WPKG_E_INVALID naming it.  The strings stay valid for the process.
 */
int cli_tls_resolve(struct wpkg_http_opts *t, const char *host, struct wpkg_error *err);

/*
 * --ca-file, --cert-file and --key-file as given, checked right after the
 * options: a missing or unreadable one is a usage error of prog (printed).
 * Returns 0 or WPKG_EXIT_USAGE.
 */
int cli_tls_check_flags(const char *prog, const struct wpkg_http_opts *t);

#endif
