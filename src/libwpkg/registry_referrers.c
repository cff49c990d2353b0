/* SPDX-License-Identifier: Apache-2.0 */
/* registry_referrers.c - the distribution API's referrers listing: GET /v2/R/referrers/D, its pages joined. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "http_pager.h"
#include "registry_referrers.h"
#include "wpkg/oci.h"
#include "registry_internal.h"

#define REFERRERS_ACCEPT "Accept: " WPKG_MT_OCI_INDEX
/* a registry that keeps sending "next" must not keep us here forever */
#define REFERRERS_PAGES_MAX 64

/* True when the OCI-Filters-Applied header lists artifactType. */
static bool artifact_type_filtered(const struct wpkg_http_resp *resp)
{
	char *v = wpkg_http_header(&resp->headers, "OCI-Filters-Applied", 0), *tok, *save = NULL;
	bool found = false;

	for (tok = v ? strtok_r(v, ", \t", &save) : NULL; tok != NULL && !found; tok = strtok_r(NULL, ", \t", &save))
		found = strcmp(tok, "artifactType") == 0;
	free(v);
	return found;
}

/* Appends the manifests of one page (an image index) to all. */
static int add_page(json_t *all, const struct wpkg_buf *page, const char *url, struct wpkg_error *err)
{
	json_t *doc = NULL, *manifests;
	int rc;

	rc = wpkg_json_load(&doc, page->data, page->len, "referrers index", err);
	if (rc < 0)
		return wpkg_error_wrap(err, "GET %s", url);
	manifests = json_object_get(doc, "manifests");
	if (!json_is_array(manifests))
		rc = wpkg_error_set(err, WPKG_E_PROTOCOL, "GET %s: the answer is not an image index", url);
	else if (json_array_extend(all, manifests) != 0)
		rc = wpkg_error_nomem(err);
	json_decref(doc);
	return rc;
}

/* One index of every page's manifests. */
static int join_pages(struct wpkg_buf *out, json_t *all, struct wpkg_error *err)
{
	json_t *doc = json_pack("{s:i, s:s, s:O}", "schemaVersion", 2, "mediaType", WPKG_MT_OCI_INDEX, "manifests",
				all);
	int rc;

	if (doc == NULL)
		return wpkg_error_nomem(err);
	rc = wpkg_json_dump(out, doc, err);
	json_decref(doc);
	return rc;
}

int wpkg_referrers_pages_init(struct wpkg_referrers_pages *rp, bool filtered, struct wpkg_error *err)
{
	memset(rp, 0, sizeof(*rp));
	wpkg_buf_init(&rp->first);
	rp->filtered = filtered;
	rp->all = json_array();
	return rp->all != NULL ? 0 : wpkg_error_nomem(err);
}

int wpkg_referrers_page(struct wpkg_referrers_pages *rp, struct wpkg_pager *pg, struct wpkg_http_resp *resp,
			struct wpkg_error *err)
{
	int rc;

	rc = add_page(rp->all, &resp->body, wpkg_pager_url(pg), err);
	if (rc < 0)
		return rc;
	rp->filtered = rp->filtered && artifact_type_filtered(resp);
	if (rp->pages++ == 0) {
		rp->first = resp->body;
		wpkg_buf_init(&resp->body);
	}
	return wpkg_pager_advance(pg, resp, err);
}

int wpkg_referrers_pages_finish(struct wpkg_referrers_pages *rp, struct wpkg_buf *index_body, struct wpkg_error *err)
{
	int rc;

	if (rp->pages > 1 && (rc = join_pages(&rp->first, rp->all, err)) < 0)
		return rc;
	wpkg_buf_free(index_body);
	*index_body = rp->first;
	wpkg_buf_init(&rp->first);
	return 0;
}

void wpkg_referrers_pages_clear(struct wpkg_referrers_pages *rp)
{
	wpkg_buf_free(&rp->first);
	json_decref(rp->all);
	rp->all = NULL;
}

int wpkg_registry_referrers(struct wpkg_registry *r, const char *repo, const struct wpkg_digest *subject,
			    const char *artifact_type, struct wpkg_buf *index_body, bool *api_supported,
			    bool *filtered, struct wpkg_error *err)
{
	static const char *const headers[] = { REFERRERS_ACCEPT, NULL };
	struct wpkg_http_resp resp = { 0 };
	struct wpkg_referrers_pages rp = { 0 };
	struct reg_scopes s;
	char *base = reg_url(r, repo, "referrers", subject->str), *url = NULL;
	const char *page;
	struct wpkg_pager pg = { 0 };
	bool supported = true;
	int rc;

	rc = reg_scopes_init(&s, repo, "pull", NULL);
	url = base == NULL || artifact_type == NULL ? base : wpkg_url_add_param(base, "artifactType", artifact_type);
	if (url != base)
		free(base);
	if (rc < 0 || url == NULL) {
		free(url);
		rc = wpkg_error_nomem(err);
		goto out;
	}
	rc = wpkg_pager_init(&pg, url, REFERRERS_PAGES_MAX, err);
	url = NULL;     /* the pager owns it now */
	if (rc < 0 || (rc = wpkg_referrers_pages_init(&rp, artifact_type != NULL, err)) < 0)
		goto out;
	while ((page = wpkg_pager_url(&pg)) != NULL) {
		rc = reg_get_doc(r, page, headers, &s, &resp, err);
		if (rc < 0)
			goto out;
		/* the spec's sign of a registry without the API; one that has it never answers 404 */
		if (rp.pages == 0 && resp.status == 404) {
			supported = false;
			break;
		}
		if (resp.status != 200) {
			rc = reg_status_error(err, "GET", &resp);
			goto out;
		}
		rc = wpkg_referrers_page(&rp, &pg, &resp, err);
		if (rc < 0)
			goto out;
	}
	rc = wpkg_referrers_pages_finish(&rp, index_body, err);
	if (rc < 0)
		goto out;
	*api_supported = supported;
	*filtered = supported && rp.filtered;
out:
	wpkg_pager_clear(&pg);
	reg_scopes_free(&s);
	wpkg_http_resp_free(&resp);
	wpkg_referrers_pages_clear(&rp);
	return rc;
}
