/* SPDX-License-Identifier: Apache-2.0 */
/* store_internal.h - the table of operations every store backend fills in, and the store record; not public. */
#ifndef WPKG_STORE_INTERNAL_H
#define WPKG_STORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wpkg/layout.h"
#include "wpkg/store.h"
#include "lock_internal.h"
#include "log_internal.h"
#include "archive_index.h"

/*
 * One backend per transport (libgit2's odb backends): store.c looks the
 * backend up in its table by the reference's transport and never asks
 * which one it talks to.  Every operation has the meaning and error
 * contract of the public wpkg_store_* function of the same name (store.h);
 * store.c checks arguments common to all and marks the store dirty on
 * writes.  A NULL hook does nothing; a NULL blob_mount is WPKG_E_UNSUPPORTED.
 */
struct wpkg_store_ops {
	const char *name;   /* "registry", "oci-layout", "oci-archive" */
	/* fills s->name, host, repo and s->be from ref; s->log is set already */
	int (*open)(struct wpkg_store *s, const struct wpkg_ref *ref, const struct wpkg_store_opts *opts,
		    struct wpkg_error *err);
	int (*commit)(struct wpkg_store *s, struct wpkg_error *err);
	void (*close)(struct wpkg_store *s);

	int (*manifest_get)(struct wpkg_store *s, const char *reference, struct wpkg_buf *body, char **media_type,
			    struct wpkg_digest *digest, struct wpkg_error *err);
	int (*manifest_resolve)(struct wpkg_descriptor *out, struct wpkg_store *s, const char *reference,
				struct wpkg_error *err);
	/* oci_subject may be NULL (not asked for) */
	int (*manifest_put)(struct wpkg_store *s, const char *reference, const char *media_type,
			    const struct wpkg_digest *d, const void *data, size_t len, char **oci_subject,
			    struct wpkg_error *err);
	int (*blob_exists)(struct wpkg_store *s, const struct wpkg_digest *d, bool *present, struct wpkg_error *err);
	int (*blob_get)(struct wpkg_store *s, const struct wpkg_digest *d, uint64_t size, int fd,
			struct wpkg_error *err);
	int (*blob_get_buf)(struct wpkg_store *s, const struct wpkg_digest *d, size_t max, struct wpkg_buf *out,
			    struct wpkg_error *err);
	int (*blob_open)(struct wpkg_blob *out, struct wpkg_store *s, const struct wpkg_descriptor *desc,
			 struct wpkg_error *err);
	int (*blob_put)(struct wpkg_store *s, const struct wpkg_blob *b, struct wpkg_error *err);
	int (*blob_mount)(struct wpkg_store *s, const char *from_repo, const struct wpkg_digest *d, bool *mounted,
			  struct wpkg_error *err);
	int (*tags)(struct wpkg_store *s, char ***tags, size_t *n_tags, struct wpkg_error *err);
	/* a paginated listing (registries); NULL: tags, cut to o->limit by store.c */
	int (*tags_paged)(struct wpkg_store *s, const struct wpkg_tags_opts *o, char ***tags, size_t *n_tags,
			  bool *capped, struct wpkg_error *err);
	int (*delete)(struct wpkg_digest *digest, struct wpkg_store *s, const char *reference, struct wpkg_error *err);
	/* info is never NULL here (store.c passes a scratch one); filtering by artifact_type is left to store.c
	 * unless *filtered is set */
	int (*referrers_list)(struct wpkg_index **out, struct wpkg_store *s, const struct wpkg_digest *subject,
			      const char *artifact_type, bool *filtered, struct wpkg_store_referrers_info *info,
			      struct wpkg_error *err);
	int (*referrers_add)(struct wpkg_store *s, const struct wpkg_digest *subject, const struct wpkg_index *add,
			     struct wpkg_store_referrers_info *info, struct wpkg_error *err);
	int (*referrers_remove)(struct wpkg_store *s, const struct wpkg_digest *subject,
				const struct wpkg_digest *gone, struct wpkg_error *err);
};

extern const struct wpkg_store_ops wpkg_store_registry_ops;  /* store_registry.c */

/*
 * The concurrency of a batch between stores a and b (either NULL): the
 * registries' setting (0: WPKG_MULTI_DEFAULT); 1 for local stores.  (store_registry.c)
 */
unsigned wpkg_store_concurrency(struct wpkg_store *a, struct wpkg_store *b);
extern const struct wpkg_store_ops wpkg_store_layout_ops;    /* store_layout.c */
extern const struct wpkg_store_ops wpkg_store_archive_ops;   /* store_archive.c */
/*
 * A read-only archive read in place (store_archive_read.c): the archive's
 * open hook puts it in s->ops after the scan, so that writes cannot reach it.
 */
extern const struct wpkg_store_ops wpkg_store_archive_read_ops;
int wpkg_store_archive_read_open(struct wpkg_store *s, const struct wpkg_archive_caps *caps, struct wpkg_error *err);
/* The blob spooled into a verified temporary file (s's blob_get), which wpkg_blob_clear deletes.  (store.c) */
int wpkg_store_spool_blob(struct wpkg_blob *out, struct wpkg_store *s, const struct wpkg_descriptor *desc,
			  struct wpkg_error *err);

struct wpkg_store {
	const struct wpkg_store_ops *ops;
	enum wpkg_transport transport;
	char *name;                   /* "HOST/REPO", "DIR" or "FILE" */
	char *host;                   /* registries: the host as the reference wrote it; else NULL */
	char *repo;                   /* registries: the repository; else NULL */
	struct wpkg_log_sink log;
	wpkg_progress_label_fn label; /* opts' progress_label and progress_payload */
	void *label_payload;
	bool dirty;                   /* written to since opened or committed */
	bool offline;                 /* a registry opened offline: only the cache answers (cache_store.c) */
	/* reads answered before the backend's (the content cache in front of a registry); NULL: none */
	const struct wpkg_store_ops *front;
	struct wpkg_cache *cache;     /* front's state, freed by the backend's close hook */
	void *be;                     /* the backend's own state, freed by its close hook */
};

/* Tells the label callback what d is (its title, else its media type) before it is transferred. */
void wpkg_store_label(struct wpkg_store *s, const struct wpkg_descriptor *d);

/* The sink of s, for modules above the store that report through it (push, pull, copy). */
const struct wpkg_log_sink *wpkg_store_log(const struct wpkg_store *s);

/*
 * Where a local store's reads go: a layout directory (wpkg_local_dir_source,
 * store_layout.c), or an archive read in place (store_archive_read.c).
 * The shared operations (LOCAL_OPS) read through it.
 */
struct wpkg_local_source {
	int (*resolve)(struct wpkg_store *s, const char *reference, struct wpkg_descriptor *out, struct wpkg_error *err);
	int (*read_blob)(struct wpkg_store *s, const struct wpkg_digest *d, size_t max, struct wpkg_buf *out,
			 struct wpkg_error *err);
	int (*entries)(struct wpkg_store *s, struct wpkg_descriptor **entries, size_t *n, struct wpkg_error *err);
	int (*tags)(struct wpkg_store *s, char ***tags, size_t *n_tags, struct wpkg_error *err);
};

extern const struct wpkg_local_source wpkg_local_dir_source;

/*
 * The state of a layout store, and of an archive store: a writable archive
 * is a layout over tmpdir (the extracted archive); a read-only one is read
 * in place (in_place, index) and has no layout.
 */
struct wpkg_store_local {
	const struct wpkg_local_source *src;
	struct wpkg_layout *layout;
	struct wpkg_archive_index *in_place;
	struct json_t *index;         /* in_place's index.json, parsed; NULL when it has none */
	char *archive;                /* FILE of an archive store */
	char *tmpdir;                 /* its private extraction directory */
	bool locked;                  /* a writable archive: lock holds its folder's flock until close */
	struct wpkg_lock lock;
};

static inline struct wpkg_layout *wpkg_store_layout(const struct wpkg_store *s)
{
	return ((struct wpkg_store_local *)s->be)->layout;
}

/* store_layout.c: the layout operations the archive backend shares (LOCAL_OPS), its state and close. */
int wpkg_store_local_new(struct wpkg_store *s, const char *path, struct wpkg_error *err);
void wpkg_store_local_close(struct wpkg_store *s);
int wpkg_store_local_manifest_get(struct wpkg_store *s, const char *reference, struct wpkg_buf *body,
				  char **media_type, struct wpkg_digest *digest, struct wpkg_error *err);
int wpkg_store_local_manifest_resolve(struct wpkg_descriptor *out, struct wpkg_store *s, const char *reference,
				      struct wpkg_error *err);
int wpkg_store_local_manifest_put(struct wpkg_store *s, const char *reference, const char *media_type,
				  const struct wpkg_digest *d, const void *data, size_t len, char **oci_subject,
				  struct wpkg_error *err);
/*
 * A document blob (a config) that desc describes, into out: one whose
 * descriptor gives more than max bytes is WPKG_E_TOO_LARGE without a
 * fetch; an answer running past desc->size is WPKG_E_DIGEST (the store
 * reads at most that many bytes, and the next chunk).
 */
int wpkg_store_blob_get_doc(struct wpkg_store *s, const struct wpkg_descriptor *desc, size_t max,
			    struct wpkg_buf *out, struct wpkg_error *err);
int wpkg_store_local_blob_exists(struct wpkg_store *s, const struct wpkg_digest *d, bool *present,
				 struct wpkg_error *err);
int wpkg_store_local_blob_get(struct wpkg_store *s, const struct wpkg_digest *d, uint64_t size, int fd,
			      struct wpkg_error *err);
int wpkg_store_local_read_blob(struct wpkg_store *s, const struct wpkg_digest *d, size_t max, struct wpkg_buf *out,
			       struct wpkg_error *err);
int wpkg_store_local_blob_open(struct wpkg_blob *out, struct wpkg_store *s, const struct wpkg_descriptor *desc,
			       struct wpkg_error *err);
int wpkg_store_local_blob_put(struct wpkg_store *s, const struct wpkg_blob *b, struct wpkg_error *err);
int wpkg_store_local_tags(struct wpkg_store *s, char ***tags, size_t *n_tags, struct wpkg_error *err);
int wpkg_store_local_delete(struct wpkg_digest *digest, struct wpkg_store *s, const char *reference,
			    struct wpkg_error *err);
int wpkg_store_local_referrers(struct wpkg_index **out, struct wpkg_store *s, const struct wpkg_digest *subject,
			       const char *artifact_type, bool *filtered, struct wpkg_store_referrers_info *info,
			       struct wpkg_error *err);

/* Every operation but opening and committing; the archive backend starts from these. */
#define LOCAL_OPS \
	.manifest_get = wpkg_store_local_manifest_get, \
	.manifest_resolve = wpkg_store_local_manifest_resolve, \
	.manifest_put = wpkg_store_local_manifest_put, \
	.blob_exists = wpkg_store_local_blob_exists, \
	.blob_get = wpkg_store_local_blob_get, \
	.blob_get_buf = wpkg_store_local_read_blob, \
	.blob_open = wpkg_store_local_blob_open, \
	.blob_put = wpkg_store_local_blob_put, \
	.tags = wpkg_store_local_tags, \
	.delete = wpkg_store_local_delete, \
	.referrers_list = wpkg_store_local_referrers



#endif
