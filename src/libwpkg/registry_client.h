/* SPDX-License-Identifier: Apache-2.0 */
/* registry_client.h - the OCI distribution HTTP client for one registry host; only the registry backend uses it. */
#ifndef WPKG_REGISTRY_CLIENT_H
#define WPKG_REGISTRY_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wpkg/blob.h"
#include "wpkg/buf.h"
#include "wpkg/creds.h"
#include "wpkg/digest.h"
#include "wpkg/error.h"
#include "wpkg/http.h"
#include "wpkg/log.h"
#include "wpkg/oci.h"
#include "log_internal.h"
#include "registry_hooks.h"

struct wpkg_registry;

/*
 * Errors of every call below name the request and what the registry said:
 * "GET https://HOST/v2/R/manifests/T: 404 MANIFEST_UNKNOWN: manifest unknown"
 * (never credentials), with the code mapped from the registry's error code or
 * status (401 UNAUTHORIZED, 403 DENIED, 404 NOT_FOUND, 429 TOO_MANY_REQUESTS,
 * 5xx and transport failures NETWORK after the retries).
 */

/*
 * A client for host ("localhost:5000", "ghcr.io", "registry-1.docker.io").
 * opts, hooks and creds may be NULL (defaults, silent, anonymous); they
 * are copied.  Nothing is sent yet.
 */
int wpkg_registry_open(struct wpkg_registry **out, const char *host, const struct wpkg_http_opts *opts,
		       const struct wpkg_registry_hooks *hooks, const struct wpkg_credentials *creds,
		       struct wpkg_error *err);
void wpkg_registry_close(struct wpkg_registry *r);

/* GET /v2/, authenticating if challenged: checks that credentials work (login). */
int wpkg_registry_ping(struct wpkg_registry *r, struct wpkg_error *err);

/* HEAD a blob. *present false on 404. */
int wpkg_registry_blob_exists(struct wpkg_registry *r, const char *repo, const struct wpkg_digest *d,
			      bool *present, struct wpkg_error *err);
/* Cross-repository mount; *mounted false when the registry started an upload instead (cancelled). */
int wpkg_registry_blob_mount(struct wpkg_registry *r, const char *repo, const char *from_repo,
			     const struct wpkg_digest *d, bool *mounted, struct wpkg_error *err);
/*
 * Uploads a blob by streaming it (monolithic, or chunked when opts->chunk_size
 * is set; each falls back to the other when the registry refuses it).  A
 * failed PUT/PATCH starts a new upload session, at most max_retries times.
 */
int wpkg_registry_blob_upload(struct wpkg_registry *r, const char *repo, const struct wpkg_blob *b,
			      struct wpkg_error *err);
/*
 * Asked once the upload session is open: 1 sends the blob, 0 abandons the
 * session (the blob is not needed after all), negative is an error (err set).
 */
typedef int (*wpkg_upload_gate)(void *arg, struct wpkg_error *err);
/*
 * wpkg_registry_blob_upload, with gate (NULL: none) consulted between the
 * POST and the first byte sent, so that the POST can overlap the HEAD that
 * decides whether the blob is needed; b is read only after the gate said 1,
 * so the gate may fill it in.  *sent (may be NULL) says whether it was.
 */
int wpkg_registry_blob_upload_gated(struct wpkg_registry *r, const char *repo, const struct wpkg_blob *b,
				    wpkg_upload_gate gate, void *gate_arg, bool *sent, struct wpkg_error *err);
/*
 * wpkg_registry_blob_upload whose first POST also asks to mount the blob
 * from repo itself: one round trip says whether the repository has it
 * (*sent false: nothing to send) and opens the session otherwise.  A
 * registry that does not mount opens a session: the blob is sent again.
 */
int wpkg_registry_blob_upload_probe(struct wpkg_registry *r, const char *repo, const struct wpkg_blob *b, bool *sent,
				    struct wpkg_error *err);
struct wpkg_pipe;
/* Whether blobs to this registry go in one PUT (no chunk size asked or known for its host): a pipe can feed it. */
bool wpkg_registry_blob_streamable(struct wpkg_registry *r);
/*
 * wpkg_registry_blob_upload_gated with the bytes read from pipe as they
 * arrive (b gives the descriptor only): one PUT, not retried, since the bytes
 * pass once.  It fails with the writer's error if the writer fails.  With
 * probe, the POST asks to mount from repo itself first (as
 * wpkg_registry_blob_upload_probe): a 201 ends it unsent, the gate unasked.
 */
int wpkg_registry_blob_upload_pipe(struct wpkg_registry *r, const char *repo, const struct wpkg_blob *b,
				   struct wpkg_pipe *pipe, bool probe, wpkg_upload_gate gate, void *gate_arg, bool *sent,
				   struct wpkg_error *err);
/*
 * Downloads a blob into pipe, verified as it streams (resumed with Range
 * after a drop), then closes the pipe with the verdict.  Inside a batch job.
 */
int wpkg_registry_blob_get_pipe(struct wpkg_registry *r, const char *repo, const struct wpkg_digest *d,
				uint64_t size, struct wpkg_pipe *pipe, struct wpkg_error *err);
/*
 * Downloads a blob into fd (from its current position), verifying digest and
 * size while it streams; resumes with Range after a dropped connection.
 * WPKG_E_DIGEST when the bytes do not match.
 */
int wpkg_registry_blob_get(struct wpkg_registry *r, const char *repo, const struct wpkg_digest *d,
			   uint64_t size, int fd, struct wpkg_error *err);
/* Reads a small blob (config) into out, verified, at most max bytes. */
int wpkg_registry_blob_get_buf(struct wpkg_registry *r, const char *repo, const struct wpkg_digest *d,
			       size_t max, struct wpkg_buf *out, struct wpkg_error *err);

/*
 * GET a manifest or index by tag or digest with Accept for OCI and Docker
 * manifests and indexes.  body gets the exact bytes, media_type the
 * Content-Type (or the sniffed type), digest the sha256 of the body (checked
 * against reference when it is a digest).  Caller frees *media_type.
 */
int wpkg_registry_manifest_get(struct wpkg_registry *r, const char *repo, const char *reference,
			       struct wpkg_buf *body, char **media_type, struct wpkg_digest *digest,
			       struct wpkg_error *err);
/*
 * The descriptor (media type, digest, size) of the manifest or index at
 * reference, fetched as wpkg_registry_manifest_get does (so a tag is
 * resolved and a digest verified).  Clear out with wpkg_descriptor_clear.
 */
int wpkg_registry_manifest_resolve(struct wpkg_descriptor *out, struct wpkg_registry *r, const char *repo,
				   const char *reference, struct wpkg_error *err);
/* PUT the exact bytes under reference (tag or digest). */
int wpkg_registry_manifest_put(struct wpkg_registry *r, const char *repo, const char *reference,
			       const char *media_type, const void *data, size_t len, struct wpkg_error *err);
/*
 * The same, telling whether the registry processed the manifest's subject:
 * *oci_subject gets the answer's OCI-Subject header (the subject's digest)
 * or NULL when it had none.  Caller frees *oci_subject.
 */
int wpkg_registry_manifest_put_subject(struct wpkg_registry *r, const char *repo, const char *reference,
				       const char *media_type, const void *data, size_t len, char **oci_subject,
				       struct wpkg_error *err);
/*
 * GET /v2/REPO/referrers/DIGEST (with ?artifactType= when artifact_type is
 * not NULL), following Link pages.  On 200: *api_supported true, index_body
 * the image index (the exact bytes of a single page; the pages' manifests
 * joined in one index otherwise), *filtered true when the registry said it
 * applied the artifactType filter (OCI-Filters-Applied), so the caller
 * filters itself otherwise.  On 404 (no referrers API): 0 with
 * *api_supported false and index_body emptied.
 */
int wpkg_registry_referrers(struct wpkg_registry *r, const char *repo, const struct wpkg_digest *subject,
			    const char *artifact_type, struct wpkg_buf *index_body, bool *api_supported,
			    bool *filtered, struct wpkg_error *err);
int wpkg_registry_manifest_delete(struct wpkg_registry *r, const char *repo, const struct wpkg_digest *d,
				  struct wpkg_error *err);
/* Every tag of repo, following Link pagination. Caller frees each and the array. */
int wpkg_registry_tags(struct wpkg_registry *r, const char *repo, char ***tags, size_t *n_tags,
		       struct wpkg_error *err);
/*
 * The same, stopping after limit tags (0: all; the registry is asked for no
 * more in a page) or max_pages pages (0: 10000); *capped when the registry
 * linked to a page beyond max_pages.
 */
int wpkg_registry_tags_paged(struct wpkg_registry *r, const char *repo, size_t limit, size_t max_pages,
			     char ***tags, size_t *n_tags, bool *capped, struct wpkg_error *err);

#endif
