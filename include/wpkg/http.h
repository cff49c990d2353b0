/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/http.h - how wpkg speaks HTTP to a registry: TLS, timeouts and deadlines, retries, chunking, concurrency. */
#ifndef WPKG_HTTP_H
#define WPKG_HTTP_H

#include <stdbool.h>
#include <stdint.h>

#include "wpkg/common.h"

WPKG_BEGIN_DECL

/* How a registry client speaks HTTP and TLS. */
struct wpkg_http_opts {
	bool plain_http;         /* speak http:// instead of https:// */
	bool insecure;           /* skip TLS verification */
	const char *ca_file;     /* extra CA bundle, NULL for the system one */
	long connect_timeout_s;  /* 0: 30 s */
	long stall_timeout_s;    /* abort a transfer under 1 byte/s for this long; 0: 60 s */
	long timeout_s;          /* a small document's whole answer, and every answer's start; 0: 30 s */
	uint64_t min_rate;       /* bytes/s: a transfer of N bytes may take timeout_s + N / min_rate; 0: 16 KiB/s */
	unsigned max_retries;    /* 0: 5 */
	bool no_retries;         /* one attempt only (--retries 0); overrides max_retries */
	uint64_t chunk_size;     /* 0: monolithic upload; else PATCH chunks of this size */
	unsigned concurrency;    /* blob transfers in flight at once; 0: 16 (WPKG_MULTI_DEFAULT) */
	/* a loopback host answering the TLS handshake in plain HTTP is then spoken to in plain HTTP, unless this
	 * is set (an https:// reference: TLS was asked for by name) */
	bool require_tls;
	const char *ca_dir;      /* a directory of hashed CA certificates (SSL_CERT_DIR), NULL for none */
	/* mTLS: a PEM client certificate and its key (NULL: in cert_file), offered to the registry's own origin
	 * only, never to a redirect target, a token server or a proxy */
	const char *cert_file;
	const char *key_file;
	/* one PUT per blob (--monolithic): chunk_size, the host table and the fallback to chunks on a refusal
	 * are all set aside */
	bool monolithic;
	/* chunk_size as given, not fitted to the host's known limits (chunk_policy.c): a per-host config said it */
	bool chunk_size_exact;
};

WPKG_END_DECL

#endif
