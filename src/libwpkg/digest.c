/* SPDX-License-Identifier: Apache-2.0 */
/* digest.c - OCI digests: strict parsing and streaming hashing through OpenSSL EVP. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "wpkg/digest.h"
#include "wpkg/fsutil.h"

static const struct {
	const char *name;
	size_t hex_len;
} algs[] = {
	[WPKG_DIGEST_SHA256] = { "sha256", 64 },
	[WPKG_DIGEST_SHA512] = { "sha512", 128 },
};

const char *wpkg_digest_alg_name(enum wpkg_digest_alg alg)
{
	return algs[alg].name;
}

const char *wpkg_digest_hex(const struct wpkg_digest *d)
{
	return d->str + strlen(algs[d->alg].name) + 1;
}

/* The image-spec grammar: algorithm-component ::= [a-z0-9]+, separators [+._-]. */
static int alg_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '.' || c == '_' || c == '-';
}

int wpkg_digest_parse(struct wpkg_digest *out, const char *s, struct wpkg_error *err)
{
	const char *colon = strchr(s, ':');
	size_t alg_len, hex_len, i;
	int alg = -1;

	if (colon == NULL || colon == s)
		return wpkg_error_set(err, WPKG_E_INVALID, "invalid digest \"%s\": expected ALGORITHM:HEX", s);
	alg_len = (size_t)(colon - s);
	for (i = 0; i < alg_len; i++)
		if (!alg_char(s[i]))
			return wpkg_error_set(err, WPKG_E_INVALID,
					      "invalid digest \"%s\": bad character in algorithm", s);
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (strlen(algs[i].name) == alg_len && memcmp(s, algs[i].name, alg_len) == 0)
			alg = (int)i;
	if (alg < 0)
		return wpkg_error_set(err, WPKG_E_UNSUPPORTED,
				      "unsupported digest algorithm \"%.*s\" (sha256 and sha512 are supported)",
				      (int)alg_len, s);
	hex_len = strlen(colon + 1);
	if (hex_len != algs[alg].hex_len)
		return wpkg_error_set(err, WPKG_E_INVALID,
				      "invalid digest \"%s\": %s needs %zu hex digits, found %zu",
				      s, algs[alg].name, algs[alg].hex_len, hex_len);
	for (i = 0; i < hex_len; i++) {
		char c = colon[1 + i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return wpkg_error_set(err, WPKG_E_INVALID,
					      "invalid digest \"%s\": '%c' is not a lowercase hex digit", s, c);
	}
	out->alg = (enum wpkg_digest_alg)alg;
	memcpy(out->str, s, alg_len + 1 + hex_len + 1);
	return 0;
}

static const EVP_MD *evp_for(enum wpkg_digest_alg alg)
{
	return alg == WPKG_DIGEST_SHA512 ? EVP_sha512() : EVP_sha256();
}

int wpkg_hasher_init(struct wpkg_hasher *h, enum wpkg_digest_alg alg, struct wpkg_error *err)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	h->alg = alg;
	h->size = 0;
	h->ctx = NULL;
	if (ctx == NULL)
		return wpkg_error_nomem(err);
	if (EVP_DigestInit_ex(ctx, evp_for(alg), NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		return wpkg_error_set(err, WPKG_E_UNSUPPORTED, "%s is not available in libcrypto",
				      algs[alg].name);
	}
	h->ctx = ctx;
	return 0;
}

void wpkg_hasher_update(struct wpkg_hasher *h, const void *data, size_t len)
{
	EVP_DigestUpdate(h->ctx, data, len);
	h->size += len;
}

void wpkg_hasher_final(struct wpkg_hasher *h, struct wpkg_digest *out)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0, i;
	size_t n;

	EVP_DigestFinal_ex(h->ctx, md, &md_len);
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
	out->alg = h->alg;
	n = (size_t)snprintf(out->str, sizeof(out->str), "%s:", algs[h->alg].name);
	for (i = 0; i < md_len; i++) {
		out->str[n++] = hex[md[i] >> 4];
		out->str[n++] = hex[md[i] & 15];
	}
	out->str[n] = '\0';
}

void wpkg_hasher_discard(struct wpkg_hasher *h)
{
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
}

void wpkg_digest_bytes(struct wpkg_digest *out, enum wpkg_digest_alg alg, const void *data, size_t len)
{
	struct wpkg_hasher h;

	if (wpkg_hasher_init(&h, alg, NULL) < 0) {
		out->str[0] = '\0';
		return;
	}
	wpkg_hasher_update(&h, data, len);
	wpkg_hasher_final(&h, out);
}

int wpkg_digest_fd_range(struct wpkg_digest *out, enum wpkg_digest_alg alg, int fd,
			 uint64_t offset, uint64_t len, struct wpkg_error *err)
{
	struct wpkg_hasher h;
	unsigned char *chunk;
	int rc;

	chunk = malloc(WPKG_IO_CHUNK);
	if (chunk == NULL)
		return wpkg_error_nomem(err);
	rc = wpkg_hasher_init(&h, alg, err);
	if (rc < 0) {
		free(chunk);
		return rc;
	}
	while (len > 0) {
		size_t want = len < WPKG_IO_CHUNK ? (size_t)len : WPKG_IO_CHUNK;
		ssize_t got = pread(fd, chunk, want, (off_t)offset);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			wpkg_hasher_discard(&h);
			free(chunk);
			return wpkg_error_set(err, WPKG_E_IO, "read: %s",
					      got < 0 ? strerror(errno) : "file shorter than expected");
		}
		wpkg_hasher_update(&h, chunk, (size_t)got);
		offset += (uint64_t)got;
		len -= (uint64_t)got;
	}
	wpkg_hasher_final(&h, out);
	free(chunk);
	return 0;
}

int wpkg_digest_file(struct wpkg_digest *out, uint64_t *size, enum wpkg_digest_alg alg,
		     const char *path, struct wpkg_error *err)
{
	struct stat st;
	off_t end;
	int fd, rc;

	rc = wpkg_open_regular(&fd, path, &st, err);
	if (rc < 0)
		return rc;
	end = lseek(fd, 0, SEEK_END);
	if (end < 0) {
		rc = wpkg_error_set(err, WPKG_E_IO, "%s: %s", path, strerror(errno));
		close(fd);
		return rc;
	}
	rc = wpkg_digest_fd_range(out, alg, fd, 0, (uint64_t)end, err);
	close(fd);
	if (rc < 0) {
		wpkg_error_wrap(err, "%s", path);
		return rc;
	}
	if (size)
		*size = (uint64_t)end;
	return 0;
}
