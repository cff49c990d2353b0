/* SPDX-License-Identifier: Apache-2.0 */
/* chunk_policy.c - the per-host table of chunked-upload limits and its lookup (the registry quirks). */
#include <string.h>

#include "chunk_policy.h"

#define MIB ((uint64_t)1 << 20)

static const struct wpkg_chunk_policy table[] = {
	/* GHCR answers 413 to a PATCH over 4 MiB */
	{ "ghcr.io", 4 * MIB, 0, false },
	/* ECR refuses parts under 5 MiB but the last (S3 multipart underneath) */
	{ ".amazonaws.com", 0, 5 * MIB, false },
	/* Google Artifact Registry answers PATCH with 405 */
	{ ".pkg.dev", 0, 0, true },
	{ "gcr.io", 0, 0, true },
	/* Artifactory keeps only the last chunk of a chunked upload */
	{ ".jfrog.io", 0, 0, true },
};

/* True when name (its length n, port dropped) is suffix or ends in it at a label boundary. */
static bool host_matches(const char *name, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	if (n < k || memcmp(name + n - k, suffix, k) != 0)
		return false;
	return n == k || suffix[0] == '.' || name[n - k - 1] == '.';
}

const struct wpkg_chunk_policy *wpkg_chunk_policy_find(const char *host)
{
	const char *colon;
	size_t n, i;

	if (host == NULL)
		return NULL;
	colon = strrchr(host, ':');
	n = colon != NULL && strchr(host, ']') == NULL ? (size_t)(colon - host) : strlen(host);
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (host_matches(host, n, table[i].suffix))
			return &table[i];
	return NULL;
}

uint64_t wpkg_chunk_policy_size(const char *host, uint64_t asked)
{
	const struct wpkg_chunk_policy *p = wpkg_chunk_policy_find(host);

	if (asked == 0 || p == NULL)
		return asked;
	if (p->monolithic)
		return 0;
	if (p->max != 0 && asked > p->max)
		asked = p->max;
	if (p->min != 0 && asked < p->min)
		asked = p->min;
	return asked;
}
