/* SPDX-License-Identifier: Apache-2.0 */
/* http_check.c - what a server may cost and carry: deadlines by size, values checked before they go into a request. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http_internal.h"

#define DEFAULT_TIMEOUT_S 30
#define DEFAULT_MIN_RATE (16u << 10)

uint64_t wpkg_http_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t wpkg_http_allowed_ms(const struct wpkg_http_opts *opts, uint64_t size)
{
	uint64_t t = opts->timeout_s > 0 ? (uint64_t)opts->timeout_s : DEFAULT_TIMEOUT_S;
	uint64_t rate = opts->min_rate ? opts->min_rate : DEFAULT_MIN_RATE;

	return t * 1000u + size / rate * 1000u + size % rate * 1000u / rate;
}

bool wpkg_http_token68_ok(const char *s)
{
	size_t i = 0;

	/* RFC 7235 token68: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=" */
	while ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
	       (s[i] != '\0' && strchr("-._~+/", s[i]) != NULL))
		i++;
	if (i == 0)
		return false;
	while (s[i] == '=')
		i++;
	return s[i] == '\0';
}

bool wpkg_url_chars_ok(const char *s)
{
	if (*s == '\0')
		return false;
	/* RFC 3986 leaves no room for controls, spaces, non-ASCII or these: each would have to be %-encoded */
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= 0x20 || c >= 0x7f || strchr("\"<>\\^`{|}", c) != NULL)
			return false;
	}
	return true;
}
