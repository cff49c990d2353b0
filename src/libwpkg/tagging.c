/* SPDX-License-Identifier: Apache-2.0 */
/* tagging.c - new tags for a manifest already in a store, and the tag grammar. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "wpkg/buf.h"
#include "wpkg/push.h"
#include "wpkg/ref.h"

int wpkg_push_check_tag(const char *tag, struct wpkg_error *err)
{
	size_t len = strlen(tag), at = 0;
	unsigned char c;

	switch (wpkg_tag_check(tag, len, &at)) {
	case WPKG_TAG_OK:
		return 0;
	case WPKG_TAG_EMPTY:
		return wpkg_error_set(err, WPKG_E_INVALID, "invalid tag \"\": empty");
	case WPKG_TAG_TOO_LONG:
		return wpkg_error_set(err, WPKG_E_INVALID, "invalid tag \"%.40s...\": longer than %d characters",
				      tag, WPKG_TAG_MAX);
	case WPKG_TAG_BAD_FIRST:
	case WPKG_TAG_BAD_CHAR:
		break;
	}
	c = (unsigned char)tag[at];
	if (c > 0x20 && c < 0x7f)
		return wpkg_error_set(err, WPKG_E_INVALID,
				      "invalid tag \"%s\": character '%c' at position %zu is not allowed", tag,
				      c, at + 1);
	return wpkg_error_set(err, WPKG_E_INVALID, "invalid tag: byte 0x%02x at position %zu is not allowed",
			      c, at + 1);
}

int wpkg_push_retag(struct wpkg_digest *digest, struct wpkg_store *s, const char *reference,
		    const char *const *tags, size_t n_tags, struct wpkg_error *err)
{
	struct wpkg_buf body = WPKG_BUF_INIT;
	struct wpkg_digest d;
	char *mt = NULL;
	size_t i;
	int rc = 0;

	for (i = 0; i < n_tags && rc == 0; i++)
		rc = wpkg_push_check_tag(tags[i], err);
	if (rc < 0)
		goto out;
	rc = wpkg_store_manifest_get(s, reference, &body, &mt, &d, err);
	if (rc < 0) {
		wpkg_error_wrap(err, "fetch manifest");
		goto out;
	}
	for (i = 0; i < n_tags && rc == 0; i++) {
		rc = wpkg_store_manifest_put(s, tags[i], mt, &d, body.data, body.len, err);
		if (rc < 0)
			wpkg_error_wrap(err, "tag %s", tags[i]);
	}
	if (rc < 0)
		goto out;
	*digest = d;
out:
	free(mt);
	wpkg_buf_free(&body);
	return rc;
}
