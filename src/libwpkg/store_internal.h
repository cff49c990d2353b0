/* store_internal.h - the store record and the per-transport halves store.c dispatches to; not public. */
#ifndef WPKG_STORE_INTERNAL_H
#define WPKG_STORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wpkg/layout.h"
#include "wpkg/store.h"
#include "lock_internal.h"

/*
 * A registry store has reg and repo; a layout store has layout; an archive
 * store is a layout store over tmpdir (the extracted archive) that knows
 * where to write itself back.
 */
struct wpkg_store {
	enum wpkg_transport transport;
	char *name;
	struct wpkg_registry *reg;    /* borrowed */
	char *repo;
	char *host;
	struct wpkg_layout *layout;
	char *archive;                /* FILE of an archive store */
	char *tmpdir;                 /* its private extraction directory */
	bool dirty;                   /* the archive needs rewriting */
	bool locked;                  /* a writable archive: lock holds its folder's flock until close */
	struct wpkg_lock lock;
};

/* store_registry.c: the operations on s->reg, s->repo. */
int wpkg_store_reg_manifest_get(struct wpkg_store *s, const char *reference, struct wpkg_buf *body,
				char **media_type, struct wpkg_digest *digest, struct wpkg_error *err);
int wpkg_store_reg_manifest_put(struct wpkg_store *s, const char *reference, const char *media_type,
				const struct wpkg_digest *d, const void *data, size_t len, struct wpkg_error *err);
int wpkg_store_reg_blob_open(struct wpkg_blob *out, struct wpkg_store *s, const struct wpkg_descriptor *desc,
			     struct wpkg_error *err);
int wpkg_store_reg_delete(struct wpkg_digest *digest, struct wpkg_store *s, const char *reference,
			  struct wpkg_error *err);
int wpkg_store_reg_referrers(struct wpkg_index **out, struct wpkg_store *s, const struct wpkg_digest *subject,
			     struct wpkg_error *err);

/* store_layout.c: the operations on s->layout. */
int wpkg_store_layout_manifest_get(struct wpkg_store *s, const char *reference, struct wpkg_buf *body,
				   char **media_type, struct wpkg_digest *digest, struct wpkg_error *err);
int wpkg_store_layout_manifest_put(struct wpkg_store *s, const char *reference, const char *media_type,
				   const struct wpkg_digest *d, const void *data, size_t len, struct wpkg_error *err);
int wpkg_store_layout_read_blob(struct wpkg_store *s, const struct wpkg_digest *d, size_t max, struct wpkg_buf *out,
				struct wpkg_error *err);
int wpkg_store_layout_blob_get(struct wpkg_store *s, const struct wpkg_digest *d, uint64_t size, int fd,
			       struct wpkg_error *err);
int wpkg_store_layout_blob_open(struct wpkg_blob *out, struct wpkg_store *s, const struct wpkg_descriptor *desc,
				struct wpkg_error *err);
int wpkg_store_layout_tags(struct wpkg_store *s, char ***tags, size_t *n_tags, struct wpkg_error *err);
int wpkg_store_layout_delete(struct wpkg_digest *digest, struct wpkg_store *s, const char *reference,
			     struct wpkg_error *err);
int wpkg_store_layout_referrers(struct wpkg_index **out, struct wpkg_store *s, const struct wpkg_digest *subject,
				struct wpkg_error *err);

/* store_archive.c: an archive store's temporary layout. */
int wpkg_store_archive_open(struct wpkg_store *s, const struct wpkg_store_opts *opts, struct wpkg_error *err);
int wpkg_store_archive_commit(struct wpkg_store *s, struct wpkg_error *err);
void wpkg_store_archive_close(struct wpkg_store *s);

/*
 * The name rules of archive extraction, separate so they can be tested
 * alone: a regular file must be "oci-layout", "index.json" or
 * "blobs/ALG/HEX" (ALG [a-z0-9+._-]+, HEX [a-zA-Z0-9=_-]+), a directory
 * "blobs" or "blobs/ALG", each optionally after "./" and a directory with a
 * trailing '/'; "." and "./" are the root and skipped (*skip true).  Anything
 * else, absolute names and ".." included, is WPKG_E_INVALID naming the entry.
 * norm receives the name without "./" and trailing '/' (at most norm_size).
 */
int wpkg_archive_check_name(char *norm, size_t norm_size, const char *name, bool is_dir, bool *skip,
			    struct wpkg_error *err);

#endif
