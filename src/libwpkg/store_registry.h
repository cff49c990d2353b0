/* SPDX-License-Identifier: Apache-2.0 */
/* store_registry.h - what the registry backend's two files share: its state and the fallback tag's index. */
#ifndef WPKG_STORE_REGISTRY_H
#define WPKG_STORE_REGISTRY_H

#include <stdbool.h>

#include "registry_client.h"
#include "store_internal.h"

/* Whether the repository's registry has the referrers API, as far as this store has seen. */
enum reg_referrers_api { REG_API_UNKNOWN = 0, REG_API_YES, REG_API_NO };

struct wpkg_store_reg {
	struct wpkg_registry *client;   /* owned */
	enum reg_referrers_api api;
};

static inline struct wpkg_store_reg *wpkg_store_reg(const struct wpkg_store *s)
{
	return s->be;
}

/* A registry store's blob_put with the client's upload gate (wpkg_registry_blob_upload_gated). */
static inline int wpkg_store_reg_blob_put_gated(struct wpkg_store *s, const struct wpkg_blob *b, wpkg_upload_gate gate,
						void *gate_arg, bool *sent, struct wpkg_error *err)
{
	s->dirty = true;
	return wpkg_registry_blob_upload_gated(wpkg_store_reg(s)->client, s->repo, b, gate, gate_arg, sent, err);
}

/* A registry store's blob_put whose POST first asks to mount the blob from the repository itself. */
static inline int wpkg_store_reg_blob_put_probe(struct wpkg_store *s, const struct wpkg_blob *b, bool *sent,
						struct wpkg_error *err)
{
	s->dirty = true;
	return wpkg_registry_blob_upload_probe(wpkg_store_reg(s)->client, s->repo, b, sent, err);
}

/* store_registry_referrers.c: the referrers operations (the API, or the distribution spec's fallback tag). */
int wpkg_store_reg_referrers_list(struct wpkg_index **out, struct wpkg_store *s, const struct wpkg_digest *subject,
				  const char *artifact_type, bool *filtered, struct wpkg_store_referrers_info *info,
				  struct wpkg_error *err);
int wpkg_store_reg_referrers_add(struct wpkg_store *s, const struct wpkg_digest *subject,
				 const struct wpkg_index *add, struct wpkg_store_referrers_info *info,
				 struct wpkg_error *err);
int wpkg_store_reg_referrers_remove(struct wpkg_store *s, const struct wpkg_digest *subject,
				    const struct wpkg_digest *gone, struct wpkg_error *err);

/*
 * What the fallback tag's manifest GET answered (body, its media type mt, its
 * digest d) means: the index it holds, or -- for the subject itself (a
 * registry that reads the tag as a digest) or anything that is not an index
 * -- an error, or (lenient) a new empty index with a note on log.
 */
int wpkg_referrers_fallback_doc(struct wpkg_index **out, const char *tag, const struct wpkg_buf *body,
				const char *mt, const struct wpkg_digest *d, bool lenient,
				const struct wpkg_log_sink *log, struct wpkg_error *err);

#endif
