/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_net.c - libFuzzer target: what a registry sends back (challenges, tokens, Link, Location, Retry-After, debug masking). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/libwpkg/auth_internal.h"
#include "../../src/libwpkg/http_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wpkg_challenges ch = { 0 };
	struct wpkg_token tok = { 0 };
	struct wpkg_error err;
	char masked[512];
	char *s, *p;
	size_t i;

	/* header values are NUL-terminated strings by the time they reach the parsers */
	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	if (wpkg_auth_parse_challenges(&ch, s) >= 0) {
		for (i = 0; i < ch.n; i++)
			(void)wpkg_challenge_param(&ch.v[i], "realm");
		(void)wpkg_challenges_find(&ch, "bearer");
	}
	wpkg_challenges_free(&ch);

	if (wpkg_auth_parse_token(&tok, data, size, 1700000000, &err) == 0 && tok.token == NULL)
		abort(); /* success must hand back a token */
	wpkg_token_clear(&tok);

	free(wpkg_http_link_next(s));
	free(wpkg_url_resolve("https://registry.example/v2/r/blobs/uploads/", s));
	p = wpkg_url_query_param(s, "last");
	free(p);
	(void)wpkg_http_retry_after_ms(s, 1700000000, 60000);
	wpkg_http_mask_header(masked, sizeof(masked), s, size);
	if (memchr(masked, '\0', sizeof(masked)) == NULL)
		abort(); /* the masked copy is always terminated */
	free(s);
	return 0;
}
