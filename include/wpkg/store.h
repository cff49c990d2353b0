/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/store.h - one interface over the places artifacts live: a registry repository, a layout, an archive. */
#ifndef WPKG_STORE_H
#define WPKG_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wpkg/common.h"
#include "wpkg/buf.h"
#include "wpkg/creds.h"
#include "wpkg/digest.h"
#include "wpkg/error.h"
#include "wpkg/http.h"
#include "wpkg/log.h"
#include "wpkg/oci.h"
#include "wpkg/blob.h"
#include "wpkg/ref.h"
#include "wpkg/referrers_index.h"

WPKG_BEGIN_DECL

/*
 * A store is what a reference names without its tag or digest:
 *   registry    HOST/REPO   a repository, over the store's own registry client
 *   oci-layout  DIR         an OCI image layout directory (layout.h)
 *   oci-archive FILE        a tar of a layout (plain, gzip or zstd): read
 *                           in place when opened read_only (one scan,
 *                           blobs read on demand, nothing written);
 *                           otherwise extracted, safely, into a private
 *                           temporary layout and rewritten on commit.
 * Commands open one from a parsed reference and call the operations below;
 * the transport only matters in opening and committing.  Opaque; release
 * with wpkg_store_close().
 */
struct wpkg_store;

/* Default caps of archive extraction (the settings' archive_max_entry / _entries lower them). */
#define WPKG_ARCHIVE_ENTRY_MAX ((uint64_t)4 << 30)
#define WPKG_ARCHIVE_ENTRIES_MAX 100000
/* all entries of one archive together: a tiny archive must not fill the disk */
#define WPKG_ARCHIVE_TOTAL_MAX ((uint64_t)8 << 30)

/*
 * Finds the credentials for registry (the reference's host as written,
 * "docker.io" for Docker Hub): fills *out (all NULL: anonymous; the store
 * frees it with wpkg_credentials_clear) or fails with err set, which fails
 * the open.
 */
typedef int (*wpkg_credentials_fn)(struct wpkg_credentials *out, const char *registry, void *payload,
				   struct wpkg_error *err);

/*
 * How to open a store.  Start from WPKG_STORE_OPTS_INIT (size set, the rest
 * zero): the struct grows by the rule in wpkg/common.h, so fields added later
 * keep their defaults for older callers.  Everything is borrowed for the call
 * only, except the callbacks and their payloads (log included), which the
 * store keeps.
 */
struct wpkg_store_opts {
	size_t size;                     /* sizeof(struct wpkg_store_opts), set by WPKG_STORE_OPTS_INIT */
	bool writable;                   /* a destination: a missing layout or archive is created */
	uint64_t max_entry_size;         /* archive entries; 0: WPKG_ARCHIVE_ENTRY_MAX or the settings' cap */
	size_t max_entries;              /* 0: WPKG_ARCHIVE_ENTRIES_MAX or the settings' cap */
	uint64_t max_total_size;         /* bytes extracted from one archive; 0: WPKG_ARCHIVE_TOTAL_MAX */
	/* registries only */
	struct wpkg_http_opts http;
	const struct wpkg_credentials *credentials;  /* copied; NULL: ask credentials_fn, else anonymous */
	wpkg_credentials_fn credentials_fn;
	void *credentials_payload;
	wpkg_progress_fn progress;       /* blob transfers; NULL: none */
	void *progress_payload;
	/* every transport: what the store's operations (and its client) report; all zero: nothing */
	struct wpkg_log_sink log;
	/* names a blob before pull downloads it (title, else media type); gets progress_payload; NULL: none */
	wpkg_progress_label_fn progress_label;
	/*
	 * Only read (not with writable): an archive is scanned once and read in
	 * place, nothing extracted, and every write fails (WPKG_E_UNSUPPORTED).
	 * false: an archive is extracted, so that it can be changed and committed.
	 */
	bool read_only;
	/*
	 * registries only: the content cache (wpkg/cache.h).  cache_dir is an
	 * OCI layout that manifests, configs and blobs read from the registry
	 * go into and are served from (verified), with the tag -> digest of
	 * each reference fetched; wkg_cache_dir is wkg's cache, only read.
	 * NULL: none.  no_cache: neither is used.
	 */
	const char *cache_dir;
	const char *wkg_cache_dir;
	bool no_cache;
	/*
	 * No network at all: manifests, configs and blobs come from the cache,
	 * tags through the digests recorded when they were fetched; what is not
	 * cached is WPKG_E_NOT_FOUND naming it, and an operation that needs the
	 * registry (push, tags, referrers...) is WPKG_E_NETWORK.
	 */
	bool offline;
};

#define WPKG_STORE_OPTS_INIT WPKG_SIZED_INIT(struct wpkg_store_opts)

/*
 * Opens the store ref names (ref's tag and digest are not looked at); opts
 * NULL means WPKG_STORE_OPTS_INIT.  A registry store opens its own client
 * (credentials from opts; nothing is sent yet).  A layout must exist unless
 * writable; an archive is scanned now, and extracted unless read_only (so
 * every problem with it is reported here): absolute names, "..", links, devices, names outside
 * oci-layout, index.json and blobs/ALG/HEX, an entry over the size cap or
 * too many entries are refused (WPKG_E_INVALID / WPKG_E_TOO_LARGE, "FILE:
 * entry "NAME": ...") and nothing is written outside the temporary
 * directory, which close removes (read_only: nothing is written at all).  *out is set only on success.
 */
WPKG_API int wpkg_store_open(struct wpkg_store **out, const struct wpkg_ref *ref, const struct wpkg_store_opts *opts,
		    struct wpkg_error *err);
/* The same from a reference string (wpkg_ref_parse with no flags). */
WPKG_API int wpkg_store_open_string(struct wpkg_store **out, const char *reference, const struct wpkg_store_opts *opts,
			   struct wpkg_error *err);
/*
 * Checks that opts' credentials work on the registry host ("localhost:5000",
 * "docker.io"): GET /v2/, authenticating if challenged (what login does
 * before it stores anything).
 */
WPKG_API int wpkg_store_ping(const char *host, const struct wpkg_store_opts *opts, struct wpkg_error *err);
/*
 * Makes the changes durable: an archive that was changed is written as a
 * tar (oci-layout, index.json, then blobs/ sorted; owner 0, mode 0644/0755,
 * mtime SOURCE_DATE_EPOCH or 0) to a temporary beside FILE and renamed over
 * it.  Registries and layouts are durable as they go: 0.
 */
WPKG_API int wpkg_store_commit(struct wpkg_store *s, struct wpkg_error *err);
/* Releases s (and its registry client); changes to an archive not committed are dropped.  NULL is fine. */
WPKG_API void wpkg_store_close(struct wpkg_store *s);

WPKG_API enum wpkg_transport wpkg_store_transport(const struct wpkg_store *s);
/* For messages: "HOST/REPO", "DIR" or "FILE". */
WPKG_API const char *wpkg_store_name(const struct wpkg_store *s);
/* The registry host ("localhost:5000"); NULL for local stores. */
WPKG_API const char *wpkg_store_host(const struct wpkg_store *s);
/*
 * The repository of src that dst can mount blobs from (wpkg_store_blob_mount):
 * src's when both are repositories of one registry host, else NULL.
 */
WPKG_API const char *wpkg_store_mount_source(const struct wpkg_store *dst, const struct wpkg_store *src);

/*
 * The manifest or index at reference (a tag, or a digest which need not be
 * tagged in a layout: an index's children are found by digest): its exact
 * bytes, media type (the registry's Content-Type or the layout's index
 * entry, else sniffed), and digest (verified).  Caller frees *media_type.
 */
WPKG_API int wpkg_store_manifest_get(struct wpkg_store *s, const char *reference, struct wpkg_buf *body,
			    char **media_type, struct wpkg_digest *digest, struct wpkg_error *err);
/* Media type, digest and size of the document at reference.  Clear out with wpkg_descriptor_clear. */
WPKG_API int wpkg_store_manifest_resolve(struct wpkg_descriptor *out, struct wpkg_store *s, const char *reference,
				struct wpkg_error *err);
/*
 * Stores the exact bytes of a manifest or index whose digest is d.
 * reference is a tag, a digest (an untagged top-level entry in a layout),
 * or NULL: stored only to be found by digest (an index's child; a layout
 * lists nothing for it).
 */
WPKG_API int wpkg_store_manifest_put(struct wpkg_store *s, const char *reference, const char *media_type,
			    const struct wpkg_digest *d, const void *data, size_t len, struct wpkg_error *err);
/*
 * The same, for a document with a subject: *oci_subject gets the subject's
 * digest when the store tracks referrers itself (a registry's OCI-Subject
 * answer), else NULL (the fallback tag, or a layout's index.json entry, must
 * list it: wpkg_store_referrers_add).  Caller frees *oci_subject.
 */
WPKG_API int wpkg_store_manifest_put_subject(struct wpkg_store *s, const char *reference, const char *media_type,
				    const struct wpkg_digest *d, const void *data, size_t len, char **oci_subject,
				    struct wpkg_error *err);

WPKG_API int wpkg_store_blob_exists(struct wpkg_store *s, const struct wpkg_digest *d, bool *present,
			   struct wpkg_error *err);
/* Stores b, streamed from its file range or memory, verified against b->desc. */
WPKG_API int wpkg_store_blob_put(struct wpkg_store *s, const struct wpkg_blob *b, struct wpkg_error *err);
/* The size of a blob named only by its digest (wpkg_store_blob_get). */
#define WPKG_SIZE_UNKNOWN UINT64_MAX
/*
 * Writes the blob d of size bytes into fd (from its current position),
 * verified while it streams; size WPKG_SIZE_UNKNOWN: any size, the digest
 * alone verified.
 */
WPKG_API int wpkg_store_blob_get(struct wpkg_store *s, const struct wpkg_digest *d, uint64_t size, int fd,
			struct wpkg_error *err);
/* A small blob (a config) into out, verified, at most max bytes. */
WPKG_API int wpkg_store_blob_get_buf(struct wpkg_store *s, const struct wpkg_digest *d, size_t max,
		struct wpkg_buf *out, struct wpkg_error *err);
/*
 * A blob to hand to another store's wpkg_store_blob_put: for a layout or
 * archive the blob file itself (a file range, nothing copied); for a
 * compressed archive read in place its bytes in memory (up to 1 MiB) or,
 * like a registry's, a verified temporary spool file that wpkg_blob_clear
 * deletes.
 * out->desc is a copy of desc.  Clear out with wpkg_blob_clear.
 */
WPKG_API int wpkg_store_blob_open(struct wpkg_blob *out, struct wpkg_store *s, const struct wpkg_descriptor *desc,
			 struct wpkg_error *err);
/*
 * Mounts blob d from repository from_repo of the same registry (see
 * wpkg_store_mount_source).  *mounted false when the registry would not;
 * WPKG_E_UNSUPPORTED for local stores (callers copy instead).
 */
WPKG_API int wpkg_store_blob_mount(struct wpkg_store *s, const char *from_repo, const struct wpkg_digest *d,
		bool *mounted, struct wpkg_error *err);

/* Every tag (a layout's ref.name annotations, in index.json order).  Caller frees each and the array. */
WPKG_API int wpkg_store_tags(struct wpkg_store *s, char ***tags, size_t *n_tags, struct wpkg_error *err);
/* How much of a tag listing to read.  Start from WPKG_TAGS_OPTS_INIT; zero is the default of each field. */
struct wpkg_tags_opts {
	size_t size;        /* sizeof(struct wpkg_tags_opts), set by WPKG_TAGS_OPTS_INIT */
	size_t limit;       /* at most this many tags, the first ones the store lists (0: every tag) */
	size_t max_pages;   /* a registry's listing is read for at most this many pages (0: 10000) */
};
#define WPKG_TAGS_OPTS_INIT WPKG_SIZED_INIT(struct wpkg_tags_opts)
/*
 * wpkg_store_tags within o (NULL: WPKG_TAGS_OPTS_INIT).  *capped is set when
 * the registry linked to more pages than o->max_pages: the tags returned are
 * then only those of the pages read, and the caller should say so.  A listing
 * stopped by o->limit is not capped.
 */
WPKG_API int wpkg_store_tags_list(struct wpkg_store *s, const struct wpkg_tags_opts *o, char ***tags, size_t *n_tags,
				  bool *capped, struct wpkg_error *err);
/*
 * Deletes the manifest at reference (a tag is resolved first; every tag of
 * that manifest goes): a registry DELETEs it by digest, a layout drops its
 * index.json entries (blobs stay, as in a registry until garbage
 * collection).  When a registry manifest had a subject and the registry
 * has no referrers API, it is also removed from the subject's fallback tag
 * index (a failure there is only logged as a warning).  digest receives
 * what was deleted.
 */
WPKG_API int wpkg_store_delete(struct wpkg_digest *digest, struct wpkg_store *s, const char *reference,
		      struct wpkg_error *err);

/* How a store keeps the referrers of a manifest. */
struct wpkg_store_referrers_info {
	bool api;                          /* the registry's referrers API (or OCI-Subject on a push) */
	char tag[WPKG_REFERRERS_TAG_MAX];  /* else on a registry: the fallback tag ("sha256-HEX"); "" in a layout */
	unsigned rounds;                   /* referrers_add on the fallback tag: read-merge-write rounds (1: no race) */
};

/*
 * The referrers of the manifest subject in s, with artifactType
 * artifact_type (NULL: all).  A registry: its referrers API when it has one
 * (filtered by the server when it says so in OCI-Filters-Applied, else
 * here), else the fallback tag's index (missing or not an index: none, with
 * a warning for the latter).  A layout or archive: the index.json entries
 * whose manifest names subject as its subject, in index.json order.  info
 * (may be NULL) says where they came from.  Free *out with wpkg_index_free.
 */
WPKG_API int wpkg_store_referrers(struct wpkg_index **out, struct wpkg_store *s, const struct wpkg_digest *subject,
			 const char *artifact_type, struct wpkg_store_referrers_info *info, struct wpkg_error *err);
/*
 * Makes the referrers list of subject hold every descriptor of add (already
 * stored with wpkg_store_manifest_put*).  A registry with the referrers API
 * keeps them itself: nothing to do.  Without it the fallback tag's index is
 * read (404: a new one), merged (never replaced), written, and read back
 * after a short pause to check that neither our entries nor any seen before
 * were lost to a concurrent writer, else merged and written again (bounded,
 * with backoff); a fallback tag holding something other than an image index
 * is left alone and reported.  A layout lists a referrer by its own
 * untagged index.json entry: nothing to do.  info (may be NULL) says what
 * was done.
 */
WPKG_API int wpkg_store_referrers_add(struct wpkg_store *s, const struct wpkg_digest *subject,
		const struct wpkg_index *add, struct wpkg_store_referrers_info *info, struct wpkg_error *err);
/*
 * Drops gone from the referrers list of subject: on a registry without the
 * referrers API from the fallback tag's index (written again, empty if it
 * was the last; a tag that does not list it is left alone and never
 * created).  Registries with the API and layouts drop it with the manifest:
 * nothing to do.  wpkg_store_delete calls it itself.
 */
WPKG_API int wpkg_store_referrers_remove(struct wpkg_store *s, const struct wpkg_digest *subject,
				const struct wpkg_digest *gone, struct wpkg_error *err);

WPKG_END_DECL

#endif
