/* SPDX-License-Identifier: Apache-2.0 */
/* registry_internal.h - what the registry client's files share: the client, scopes, requests, errors. */
#ifndef WPKG_REGISTRY_INTERNAL_H
#define WPKG_REGISTRY_INTERNAL_H

#include <stddef.h>

#include "registry_client.h"
#include "auth_internal.h"
#include "http_internal.h"
#include "registry_error.h"

struct wpkg_registry {
	char *host;
	char *base;              /* "https://HOST" or "http://HOST" */
	struct wpkg_http *http;
	struct wpkg_auth *auth;
};

/* The token scopes one operation needs (at most three). */
struct reg_scopes {
	char *owned[3];
	const char *v[3];
	size_t n;
};

/*
 * repository:REPO:ACTIONS, plus repository:FROM:pull when from_repo is set
 * (cross-repository mount).  Returns 0 or WPKG_E_NOMEM.
 */
int reg_scopes_init(struct reg_scopes *s, const char *repo, const char *actions, const char *from_repo);
void reg_scopes_free(struct reg_scopes *s);

/*
 * Performs req with whatever authentication the registry asks for: one
 * 401 leads to a new challenge answer and one more try.  Returns 0 with
 * resp filled whatever the status (a final 401 stays in resp->status), or a
 * negative code for transport failures.
 */
int reg_request(struct wpkg_registry *r, const struct wpkg_http_req *req, const struct reg_scopes *s,
		struct wpkg_http_resp *resp, struct wpkg_error *err);

/*
 * GET of a manifest, index or other document at url, its body held to
 * WPKG_DOC_MAX: reg_request, with "GET URL" in front of a too-large error.
 */
int reg_get_doc(struct wpkg_registry *r, const char *url, const char *const *headers, const struct reg_scopes *s,
		struct wpkg_http_resp *resp, struct wpkg_error *err);

/* BASE/v2/REPO/KIND[/REF], e.g. kind "manifests", "blobs", "blobs/uploads/", "tags/list". Caller frees. */
char *reg_url(const struct wpkg_registry *r, const char *repo, const char *kind, const char *ref);

/* Fills err for a status that is not what the operation expects; returns the code. */
int reg_status_error(struct wpkg_error *err, const char *method, const struct wpkg_http_resp *resp);

#endif
