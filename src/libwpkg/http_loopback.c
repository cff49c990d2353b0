/* SPDX-License-Identifier: Apache-2.0 */
/* http_loopback.c - which hosts count as loopback, and how an HTTPS port answers plain HTTP (pure, unit tested). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http_internal.h"

bool wpkg_host_is_loopback(const char *hostport)
{
	char host[256];
	const char *end;
	size_t len, sfx = strlen(".localhost");
	struct in_addr a4;
	struct in6_addr a6;

	if (hostport == NULL)
		return false;
	if (hostport[0] == '[') {
		end = strchr(hostport, ']');
		if (end == NULL || (end[1] != '\0' && end[1] != ':'))
			return false;
		hostport++;
	} else {
		end = strchr(hostport, ':');
		if (end == NULL)
			end = hostport + strlen(hostport);
		else if (strchr(end + 1, ':') != NULL)
			end = hostport + strlen(hostport);  /* a bare IPv6 address, no port */
	}
	len = (size_t)(end - hostport);
	if (len == 0 || len >= sizeof(host))
		return false;
	memcpy(host, hostport, len);
	host[len] = '\0';
	if (len > 1 && host[len - 1] == '.')
		host[--len] = '\0';  /* "localhost." is the same name */
	if (strcasecmp(host, "localhost") == 0 || (len > sfx && strcasecmp(host + len - sfx, ".localhost") == 0))
		return true;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return false;
}

bool wpkg_http_body_says_tls_port(const struct wpkg_buf *body)
{
	/* Go's net/http: "Client sent an HTTP request to an HTTPS server."; nginx: "The plain HTTP request was sent to HTTPS port" */
	static const char *const phrases[] = { "HTTP request to an HTTPS server", "plain HTTP request was sent to HTTPS port" };
	size_t i, n = body->len < 4096 ? body->len : 4096;
	char text[4097];

	if (body->data == NULL)
		return false;
	memcpy(text, body->data, n);
	text[n] = '\0';
	for (i = 0; i < sizeof(phrases) / sizeof(phrases[0]); i++)
		if (strstr(text, phrases[i]) != NULL)
			return true;
	return false;
}
