/* wpkg/store.h - one interface over the places artifacts live: a registry repository, a layout, an archive. */
#ifndef WPKG_STORE_H
#define WPKG_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wpkg/buf.h"
#include "wpkg/digest.h"
#include "wpkg/error.h"
#include "wpkg/oci.h"
#include "wpkg/blob.h"
#include "wpkg/ref.h"
#include "wpkg/registry.h"

/*
 * A store is what a reference names without its tag or digest:
 *   registry   HOST/REPO            over an open struct wpkg_registry (borrowed)
 *   oci-layout DIR                  an OCI image layout directory (layout.h)
 *   oci-archive FILE                a tar of a layout: read by extracting it,
 *                                   safely, into a private temporary layout;
 *                                   written by rewriting FILE on commit.
 * Commands open one from a parsed reference and call the operations below;
 * the transport only matters in opening and committing.  Opaque; release
 * with wpkg_store_close().
 */
struct wpkg_store;

/* Default caps of archive extraction (WPKG_ARCHIVE_MAX_ENTRY / _ENTRIES in the environment lower them). */
#define WPKG_ARCHIVE_ENTRY_MAX ((uint64_t)4 << 30)
#define WPKG_ARCHIVE_ENTRIES_MAX 100000

struct wpkg_store_opts {
	struct wpkg_registry *registry;  /* borrowed; required for registry references, ignored otherwise */
	bool writable;                   /* a destination: a missing layout or archive is created */
	uint64_t max_entry_size;         /* archive entries; 0: WPKG_ARCHIVE_ENTRY_MAX or the environment */
	size_t max_entries;              /* 0: WPKG_ARCHIVE_ENTRIES_MAX or the environment */
};

/*
 * Opens the store ref names (ref's tag and digest are not looked at).  A
 * layout must exist unless writable; an archive is extracted now (so every
 * problem with it is reported here): absolute names, "..", links, devices,
 * names outside oci-layout, index.json and blobs/ALG/HEX, an entry over the
 * size cap or too many entries are refused (WPKG_E_INVALID /
 * WPKG_E_TOO_LARGE, "FILE: entry "NAME": ...") and nothing is written
 * outside the temporary directory, which close removes.
 */
int wpkg_store_open(struct wpkg_store **out, const struct wpkg_ref *ref, const struct wpkg_store_opts *opts,
		    struct wpkg_error *err);
/*
 * Makes the changes durable: an archive that was changed is written as a
 * tar (oci-layout, index.json, then blobs/ sorted; owner 0, mode 0644/0755,
 * mtime SOURCE_DATE_EPOCH or 0) to a temporary beside FILE and renamed over
 * it.  Registries and layouts are durable as they go: 0.
 */
int wpkg_store_commit(struct wpkg_store *s, struct wpkg_error *err);
/* Releases s; changes to an archive not committed are dropped.  NULL is fine. */
void wpkg_store_close(struct wpkg_store *s);

enum wpkg_transport wpkg_store_transport(const struct wpkg_store *s);
/* For messages: "HOST/REPO", "DIR" or "FILE". */
const char *wpkg_store_name(const struct wpkg_store *s);
/* The registry client and repository; NULL for local stores. */
struct wpkg_registry *wpkg_store_registry(const struct wpkg_store *s);
const char *wpkg_store_repository(const struct wpkg_store *s);
/* The registry host ("localhost:5000"); NULL for local stores. */
const char *wpkg_store_host(const struct wpkg_store *s);

/*
 * The manifest or index at reference (a tag, or a digest which need not be
 * tagged in a layout: an index's children are found by digest): its exact
 * bytes, media type (the registry's Content-Type or the layout's index
 * entry, else sniffed), and digest (verified).  Caller frees *media_type.
 */
int wpkg_store_manifest_get(struct wpkg_store *s, const char *reference, struct wpkg_buf *body,
			    char **media_type, struct wpkg_digest *digest, struct wpkg_error *err);
/* Media type, digest and size of the document at reference.  Clear out with wpkg_descriptor_clear. */
int wpkg_store_manifest_resolve(struct wpkg_descriptor *out, struct wpkg_store *s, const char *reference,
				struct wpkg_error *err);
/*
 * Stores the exact bytes of a manifest or index whose digest is d.
 * reference is a tag, a digest (an untagged top-level entry in a layout),
 * or NULL: stored only to be found by digest (an index's child; a layout
 * lists nothing for it).
 */
int wpkg_store_manifest_put(struct wpkg_store *s, const char *reference, const char *media_type,
			    const struct wpkg_digest *d, const void *data, size_t len, struct wpkg_error *err);

int wpkg_store_blob_exists(struct wpkg_store *s, const struct wpkg_digest *d, bool *present,
			   struct wpkg_error *err);
/* Stores b, streamed from its file range or memory, verified against b->desc. */
int wpkg_store_blob_put(struct wpkg_store *s, const struct wpkg_blob *b, struct wpkg_error *err);
/* Writes the blob d of size bytes into fd (from its current position), verified while it streams. */
int wpkg_store_blob_get(struct wpkg_store *s, const struct wpkg_digest *d, uint64_t size, int fd,
			struct wpkg_error *err);
/* A small blob (a config) into out, verified, at most max bytes. */
int wpkg_store_blob_get_buf(struct wpkg_store *s, const struct wpkg_digest *d, size_t max, struct wpkg_buf *out,
			    struct wpkg_error *err);
/*
 * A blob to hand to another store's wpkg_store_blob_put: for a layout or
 * archive the blob file itself (a file range, nothing copied); for a
 * registry a verified temporary spool file that wpkg_blob_clear deletes.
 * out->desc is a copy of desc.  Clear out with wpkg_blob_clear.
 */
int wpkg_store_blob_open(struct wpkg_blob *out, struct wpkg_store *s, const struct wpkg_descriptor *desc,
			 struct wpkg_error *err);
/*
 * Mounts blob d from repository from_repo of the same registry.  *mounted
 * false when the registry would not; WPKG_E_UNSUPPORTED for local stores
 * (callers copy instead).
 */
int wpkg_store_blob_mount(struct wpkg_store *s, const char *from_repo, const struct wpkg_digest *d, bool *mounted,
			  struct wpkg_error *err);

/* Every tag (a layout's ref.name annotations, in index.json order).  Caller frees each and the array. */
int wpkg_store_tags(struct wpkg_store *s, char ***tags, size_t *n_tags, struct wpkg_error *err);
/*
 * Deletes the manifest at reference (a tag is resolved first; every tag of
 * that manifest goes): a registry DELETEs it by digest, a layout drops its
 * index.json entries (blobs stay, as in a registry until garbage
 * collection).  When a registry manifest had a subject and the registry
 * has no referrers API, it is also removed from the subject's fallback tag
 * index (a failure there is only logged as a warning).  digest receives
 * what was deleted.
 */
int wpkg_store_delete(struct wpkg_digest *digest, struct wpkg_store *s, const char *reference,
		      struct wpkg_error *err);

/*
 * The referrers of the manifest subject in s: the registry's (wpkg_discover)
 * or, in a layout, the index.json entries whose manifest names subject as
 * its subject.  Free *out with wpkg_index_free.
 */
int wpkg_store_referrers(struct wpkg_index **out, struct wpkg_store *s, const struct wpkg_digest *subject,
			 struct wpkg_error *err);

#endif
