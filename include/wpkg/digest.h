/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/digest.h - OCI content digests: parse, check, and compute with OpenSSL EVP. */
#ifndef WPKG_DIGEST_H
#define WPKG_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wpkg/common.h"
#include "wpkg/error.h"

WPKG_BEGIN_DECL

enum wpkg_digest_alg {
	WPKG_DIGEST_SHA256 = 0,
	WPKG_DIGEST_SHA512 = 1,
};

/* "sha512:" + 128 hex digits + NUL */
#define WPKG_DIGEST_STR_MAX (7 + 128 + 1)

/* A digest in its canonical text form "alg:hex" (lowercase hex). */
struct wpkg_digest {
	enum wpkg_digest_alg alg;
	char str[WPKG_DIGEST_STR_MAX];
};

/*
 * Parses and checks "alg:hex" as the image-spec defines it: sha256 with 64 and
 * sha512 with 128 lowercase hex digits.  Any other registered-looking algorithm
 * gives WPKG_E_UNSUPPORTED, anything malformed WPKG_E_INVALID.
 */
WPKG_API int wpkg_digest_parse(struct wpkg_digest *out, const char *s, struct wpkg_error *err);
/* The hex part of a parsed digest (points into d->str). */
WPKG_API const char *wpkg_digest_hex(const struct wpkg_digest *d);
WPKG_API const char *wpkg_digest_alg_name(enum wpkg_digest_alg alg);

/* Streaming hasher; lives on the stack, no allocation visible to callers. */
struct wpkg_hasher {
	enum wpkg_digest_alg alg;
	void *ctx;      /* EVP_MD_CTX * */
	uint64_t size;  /* bytes fed so far */
};

WPKG_API int wpkg_hasher_init(struct wpkg_hasher *h, enum wpkg_digest_alg alg, struct wpkg_error *err);
WPKG_API void wpkg_hasher_update(struct wpkg_hasher *h, const void *data, size_t len);
/* Writes the digest and releases the context. */
WPKG_API void wpkg_hasher_final(struct wpkg_hasher *h, struct wpkg_digest *out);
/* Releases the context without a result (error paths). Safe after final. */
WPKG_API void wpkg_hasher_discard(struct wpkg_hasher *h);

WPKG_API void wpkg_digest_bytes(struct wpkg_digest *out, enum wpkg_digest_alg alg, const void *data, size_t len);
/* Hashes a whole file by streaming it; size receives its length. */
WPKG_API int wpkg_digest_file(struct wpkg_digest *out, uint64_t *size, enum wpkg_digest_alg alg,
		     const char *path, struct wpkg_error *err);
/* Hashes [offset, offset+len) of an open file descriptor with pread. */
WPKG_API int wpkg_digest_fd_range(struct wpkg_digest *out, enum wpkg_digest_alg alg, int fd,
			 uint64_t offset, uint64_t len, struct wpkg_error *err);

WPKG_END_DECL

#endif
