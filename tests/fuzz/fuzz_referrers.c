/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_referrers.c - libFuzzer target: referrers-API answers and their pagination, and the fallback-tag index. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "wpkg/referrers_index.h"

#include "../../src/libwpkg/registry_referrers.h"
#include "../../src/libwpkg/store_registry.h"

#include "fuzz_pages.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SUBJECT "sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
#define ARTIFACT_TYPE "application/vnd.dev.cosign.artifact.sig.v1+json"

/* What the fallback tag's GET may have answered as its media type. */
static const char *const fallback_types[] = {
	"application/vnd.oci.image.index.v1+json",
	"application/vnd.docker.distribution.manifest.list.v2+json",
	"application/vnd.oci.image.manifest.v1+json",
	"text/html",
};

/* Every message is one line: errors and log notes alike. */
static void check_line(const char *msg)
{
	if (msg[0] == '\0' || strchr(msg, '\n') != NULL || strchr(msg, '\r') != NULL)
		__builtin_trap();
}

static void log_line(void *payload, enum wpkg_log_level level, const char *msg)
{
	(void)payload;
	(void)level;
	check_line(msg);
}

/* An independent count: the entries of the page's "manifests" (-1: no array there). */
static long count_manifests(const char *body, size_t len)
{
	json_t *doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
	json_t *m = json_object_get(doc, "manifests");
	long n = json_is_array(m) ? (long)json_array_size(m) : -1;

	json_decref(doc);
	return n;
}

/* The API's pages, joined, then read as wpkg_store_referrers reads them (and filtered when the registry did not). */
static void api_pages(const uint8_t *data, size_t size, bool filter)
{
	struct fuzz_page pages[FUZZ_PAGES_MAX];
	struct wpkg_referrers_pages rp;
	struct wpkg_buf body = WPKG_BUF_INIT;
	struct wpkg_index *ix = NULL;
	struct wpkg_pager pg = { 0 };
	struct wpkg_error err;
	size_t n = fuzz_pages_split(data, size, pages), i;
	long want = 0, got;
	int rc = 0;

	if (wpkg_pager_init(&pg, strdup("https://r.example/v2/a/referrers/" SUBJECT), 4, &err) < 0 ||
	    wpkg_referrers_pages_init(&rp, filter, &err) < 0)
		abort();
	for (i = 0; i < n && wpkg_pager_url(&pg) != NULL; i++) {
		struct wpkg_http_resp resp;

		if (!fuzz_url_sane(wpkg_pager_url(&pg)))
			__builtin_trap();
		fuzz_page_resp(&resp, &pages[i], wpkg_pager_url(&pg));
		got = count_manifests(pages[i].body, pages[i].body_len);
		rc = wpkg_referrers_page(&rp, &pg, &resp, &err);
		wpkg_http_resp_free(&resp);
		if (rc < 0) {
			check_line(err.msg);
			break;
		}
		if (got < 0)
			__builtin_trap();
		want += got;
	}
	if (rc == 0 && wpkg_referrers_pages_finish(&rp, &body, &err) < 0)
		abort();
	/* several pages join into one index holding every page's entries */
	if (rc == 0 && rp.pages > 1 && count_manifests(body.data, body.len) != want)
		__builtin_trap();
	if (rc == 0 && rp.pages > 0) {
		if (wpkg_index_parse(&ix, body.data, body.len, &err) == 0) {
			if (!rp.filtered && filter)
				wpkg_referrers_index_filter(ix, ARTIFACT_TYPE);
			for (i = 0; filter && !rp.filtered && i < ix->n_manifests; i++)
				if (ix->manifests[i].artifact_type == NULL ||
				    strcmp(ix->manifests[i].artifact_type, ARTIFACT_TYPE) != 0)
					__builtin_trap();
			wpkg_index_free(ix);
		} else {
			check_line(err.msg);
		}
	}
	wpkg_buf_free(&body);
	wpkg_referrers_pages_clear(&rp);
	wpkg_pager_clear(&pg);
}

/* The fallback tag's answer: an index, the subject itself (GitLab), or something else. */
static void fallback(const uint8_t *data, size_t size, uint8_t sel)
{
	struct wpkg_log_sink log = { log_line, NULL, WPKG_LOG_DEBUG };
	struct wpkg_buf body = WPKG_BUF_INIT;
	char tag[WPKG_REFERRERS_TAG_MAX];
	struct wpkg_index *ix = (struct wpkg_index *)1;
	struct wpkg_digest d;
	struct wpkg_error err;
	bool lenient = sel & 2, itself = sel & 4;
	int rc;

	if (wpkg_referrers_tag(tag, SUBJECT, &err) < 0 || wpkg_buf_put(&body, data, size) < 0)
		abort();
	if (itself) {
		if (wpkg_digest_parse(&d, SUBJECT, &err) < 0)
			abort();
	} else {
		wpkg_digest_bytes(&d, WPKG_DIGEST_SHA256, data, size);
	}
	rc = wpkg_referrers_fallback_doc(&ix, tag, &body, fallback_types[(sel >> 3) & 3], &d, lenient, &log, &err);
	if (rc == 0) {
		/* an index, and never the subject's own entries read as its referrers */
		if (ix == NULL || ix == (struct wpkg_index *)1 || (itself && ix->n_manifests != 0))
			__builtin_trap();
		wpkg_index_free(ix);
	} else {
		/* lenient never fails on what the registry sent; the subject itself is refused as such */
		if (lenient || ix != (struct wpkg_index *)1 || err.code != rc || (itself && rc != WPKG_E_UNSUPPORTED))
			__builtin_trap();
		check_line(err.msg);
	}
	wpkg_buf_free(&body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	/* the first byte: bit 0 the fallback tag, else the API; the other bits are that path's choices */
	if (data[0] & 1)
		fallback(data + 1, size - 1, data[0]);
	else
		api_pages(data + 1, size - 1, data[0] & 2);
	return 0;
}
