/* SPDX-License-Identifier: Apache-2.0 */
/* chunk_policy.h - what chunked uploads each known registry host needs (internal to libwpkg). */
#ifndef WPKG_CHUNK_POLICY_H
#define WPKG_CHUNK_POLICY_H

#include <stdbool.h>
#include <stdint.h>

/* A host's limits on PATCH chunks; hosts are matched by name suffix. */
struct wpkg_chunk_policy {
	const char *suffix;   /* "ghcr.io", ".amazonaws.com": the host itself or a name ending in it */
	uint64_t max;         /* largest chunk the registry takes (0: no limit) */
	uint64_t min;         /* smallest chunk but the last (0: no limit) */
	bool monolithic;      /* chunked uploads are refused or broken there: always upload at once */
};

/* The entry for host ("HOST" or "HOST:PORT"), or NULL when the table does not know it. */
const struct wpkg_chunk_policy *wpkg_chunk_policy_find(const char *host);

/*
 * The chunk size to use on host when asked bytes were asked for (0:
 * monolithic, the default, is kept everywhere): clamped into the host's
 * [min, max], or 0 where chunked uploads are broken.
 */
uint64_t wpkg_chunk_policy_size(const char *host, uint64_t asked);

#endif
