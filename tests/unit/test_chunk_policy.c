/* SPDX-License-Identifier: Apache-2.0 */
/* test_chunk_policy.c - the per-host chunked-upload table: matching by suffix and clamping what was asked. */
#include "unit.h"

#include "../../src/libwpkg/chunk_policy.h"

#define MIB ((uint64_t)1 << 20)

static const struct {
	const char *host;
	uint64_t asked, want;
} sizes[] = {
	{ "ghcr.io", 16 * MIB, 4 * MIB },             /* GHCR: at most 4 MiB per PATCH */
	{ "ghcr.io:443", 1 * MIB, 1 * MIB },
	{ "ghcr.io", 0, 0 },                          /* monolithic stays monolithic everywhere */
	{ "123456789012.dkr.ecr.us-east-1.amazonaws.com", 1 * MIB, 5 * MIB },   /* ECR: at least 5 MiB */
	{ "123456789012.dkr.ecr.us-east-1.amazonaws.com", 8 * MIB, 8 * MIB },
	{ "europe-docker.pkg.dev", 8 * MIB, 0 },      /* GAR: PATCH 405, so monolithic */
	{ "gcr.io", 8 * MIB, 0 },
	{ "eu.gcr.io", 8 * MIB, 0 },
	{ "acme.jfrog.io", 8 * MIB, 0 },              /* Artifactory: keeps only the last chunk */
	{ "notghcr.io", 16 * MIB, 16 * MIB },         /* a suffix only at a label boundary */
	{ "ghcr.io.example", 16 * MIB, 16 * MIB },
	{ "127.0.0.1:5000", 64 * 1024, 64 * 1024 },   /* unknown hosts: as asked */
	{ "[::1]:5000", 64 * 1024, 64 * 1024 },
};

START_TEST(test_size)
{
	ck_assert_uint_eq(wpkg_chunk_policy_size(sizes[_i].host, sizes[_i].asked), sizes[_i].want);
}
END_TEST

START_TEST(test_find)
{
	ck_assert_ptr_null(wpkg_chunk_policy_find(NULL));
	ck_assert_ptr_null(wpkg_chunk_policy_find("docker.io"));
	ck_assert_str_eq(wpkg_chunk_policy_find("ghcr.io:8443")->suffix, "ghcr.io");
	ck_assert(wpkg_chunk_policy_find("x.pkg.dev")->monolithic);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("chunk_policy");
	TCase *tc = tcase_create("chunk_policy");

	tcase_add_loop_test(tc, test_size, 0, UNIT_N(sizes));
	tcase_add_test(tc, test_find);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
