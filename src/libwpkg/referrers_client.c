/* SPDX-License-Identifier: Apache-2.0 */
/* referrers_client.c - wpkg attach and discover on any store; the store decides how it keeps referrers. */
#include <stdlib.h>
#include <string.h>

#include "wpkg/artifact.h"
#include "wpkg/referrers.h"
#include "wpkg/store.h"
#include "push_internal.h"

void wpkg_attach_result_clear(struct wpkg_attach_result *res)
{
	wpkg_descriptor_clear(&res->artifact);
	wpkg_descriptor_clear(&res->subject);
	for (size_t i = 0; i < res->n_layers; i++)
		wpkg_descriptor_clear(&res->layers[i]);
	free(res->layers);
	memset(res, 0, sizeof(*res));
}

void wpkg_referrers_clear(struct wpkg_referrers *x)
{
	wpkg_descriptor_clear(&x->subject);
	wpkg_index_free(x->index);
	memset(x, 0, sizeof(*x));
}

/* What the artifact refers to: the document reference names, as copy reads it; "subject: ..." in messages. */
static int resolve_subject(struct wpkg_descriptor *out, struct wpkg_store *s, const char *reference,
			   struct wpkg_error *err)
{
	struct wpkg_artifact *a = NULL;
	int rc = wpkg_artifact_fetch(&a, s, reference, err);

	if (rc < 0)
		return wpkg_error_wrap(err, "subject");
	*out = a->desc;
	memset(&a->desc, 0, sizeof(a->desc));
	wpkg_artifact_free(a);
	return 0;
}

/* Copies of the layers' descriptors, for the caller's report. */
static int copy_layers(struct wpkg_attach_result *res, const struct wpkg_package *p, struct wpkg_error *err)
{
	res->layers = calloc(p->n_layers, sizeof(*res->layers));
	if (res->layers == NULL)
		return wpkg_error_nomem(err);
	for (; res->n_layers < p->n_layers; res->n_layers++)
		if (wpkg_descriptor_copy(&res->layers[res->n_layers], &p->layers[res->n_layers].desc) < 0)
			return wpkg_error_nomem(err);
	return 0;
}

/*
 * Blobs first (each stored unless present), then the manifest by digest: a
 * registry says whether it tracks the subject (*oci_subject), a layout
 * lists it as an untagged index.json entry, which is how a layout holds
 * referrers.
 */
static int store_artifact(char **oci_subject, struct wpkg_store *s, const struct wpkg_package *p,
			  struct wpkg_error *err)
{
	const struct wpkg_descriptor *md = &p->manifest_desc;
	struct wpkg_push_result counts;
	int rc;

	/* side by side, as a push: the layers and the config at once */
	memset(&counts, 0, sizeof(counts));
	rc = wpkg_push_blobs(&counts, s, p, NULL, err);
	if (rc < 0)
		return rc;
	rc = wpkg_store_manifest_put_subject(s, md->digest.str, md->media_type, &md->digest, p->manifest.data,
					     p->manifest.len, oci_subject, err);
	if (rc < 0)
		wpkg_error_wrap(err, "manifest %s", md->digest.str);
	return rc;
}

/* The artifact in the subject's referrers list, unless the store keeps that list by itself. */
static int list_artifact(struct wpkg_attach_result *res, struct wpkg_store *s, struct wpkg_error *err)
{
	struct wpkg_store_referrers_info info;
	struct wpkg_index *add = NULL;
	int rc;

	rc = wpkg_referrers_index_new(&add, err);
	if (rc == 0)
		rc = wpkg_referrers_index_add(add, &res->artifact, NULL, err);
	if (rc == 0)
		rc = wpkg_store_referrers_add(s, &res->subject.digest, add, &info, err);
	if (rc == 0) {
		memcpy(res->tag, info.tag, sizeof(res->tag));
		res->rounds = info.rounds;
	}
	wpkg_index_free(add);
	return rc;
}

/*
 * The referrer is stored but could not be listed: delete it again, so that
 * nothing is left that discover would never show, and say which way it went.
 */
static void unstore_artifact(struct wpkg_store *s, const struct wpkg_digest *d, struct wpkg_error *err)
{
	struct wpkg_error again;
	struct wpkg_digest gone;
	size_t n;

	if (err == NULL)
		return;
	n = strlen(err->msg);
	if (wpkg_store_delete(&gone, s, d->str, &again) == 0)
		snprintf(err->msg + n, sizeof(err->msg) - n, "; the referrer %s was deleted again", d->str);
	else
		snprintf(err->msg + n, sizeof(err->msg) - n, "; the referrer %s is stored but unlisted (%s)", d->str,
			 again.msg);
}

int wpkg_attach(struct wpkg_attach_result *out, struct wpkg_store *s, const char *reference,
		const char *const *files, size_t n_files, const struct wpkg_attach_opts *opts,
		struct wpkg_error *err)
{
	struct wpkg_attach_result res;
	struct wpkg_package *p = NULL;
	struct wpkg_manifest *m = NULL;
	char *oci_subject = NULL;
	int rc;

	memset(&res, 0, sizeof(res));
	rc = resolve_subject(&res.subject, s, reference, err);
	if (rc == 0)
		rc = wpkg_attach_pack(&p, &res.subject, files, n_files, opts, err);
	/* described from the bytes we send, as a registry with the API would */
	if (rc == 0)
		rc = wpkg_manifest_parse(&m, p->manifest.data, p->manifest.len, err);
	if (rc == 0)
		rc = wpkg_referrers_descriptor(&res.artifact, m, &p->manifest_desc, err);
	if (rc == 0)
		rc = copy_layers(&res, p, err);
	if (rc == 0)
		rc = store_artifact(&oci_subject, s, p, err);
	res.api = oci_subject != NULL;
	if (rc == 0 && !res.api && (rc = list_artifact(&res, s, err)) < 0)
		unstore_artifact(s, &p->manifest_desc.digest, err);
	if (rc < 0)
		goto out;
	*out = res;
	memset(&res, 0, sizeof(res));
out:
	wpkg_attach_result_clear(&res);
	wpkg_manifest_free(m);
	wpkg_package_free(p);
	free(oci_subject);
	return rc;
}

int wpkg_discover(struct wpkg_referrers *out, struct wpkg_store *s, const char *reference,
		  const char *artifact_type, struct wpkg_error *err)
{
	struct wpkg_store_referrers_info info;
	struct wpkg_referrers x;
	int rc;

	memset(&x, 0, sizeof(x));
	rc = resolve_subject(&x.subject, s, reference, err);
	if (rc == 0)
		rc = wpkg_store_referrers(&x.index, s, &x.subject.digest, artifact_type, &info, err);
	if (rc < 0)
		goto out;
	x.api = info.api;
	memcpy(x.tag, info.tag, sizeof(x.tag));
	*out = x;
	memset(&x, 0, sizeof(x));
out:
	wpkg_referrers_clear(&x);
	return rc;
}
