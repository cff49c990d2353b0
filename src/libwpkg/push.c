/* SPDX-License-Identifier: Apache-2.0 */
/* push.c - stores a package's blobs (skipping, mounting or sending each) and then its manifest, in any store. */
#include <stdlib.h>
#include <string.h>

#include "wpkg/push.h"
#include "http_multi.h"
#include "push_internal.h"
#include "store_internal.h"
#include "store_registry.h"

/* Makes one blob present in the store and counts how it got there. */
static int push_blob(struct wpkg_push_result *res, struct wpkg_store *s, const struct wpkg_blob *b,
		     const char *mount_from, struct wpkg_error *err)
{
	uint64_t size = (uint64_t)b->desc.size;
	bool present = false;
	int rc;

	rc = wpkg_store_blob_exists(s, &b->desc.digest, &present, err);
	if (rc < 0)
		goto out;
	if (present) {
		wpkg_log_to(wpkg_store_log(s), WPKG_LOG_DEBUG, "blob %s already in %s", b->desc.digest.str,
			    wpkg_store_name(s));
		res->bytes_skipped += size;
		res->blobs_skipped++;
		goto out;
	}
	if (mount_from != NULL) {
		rc = wpkg_store_blob_mount(s, mount_from, &b->desc.digest, &present, err);
		if (rc < 0)
			goto out;
		if (present) {
			res->bytes_mounted += size;
			res->blobs_mounted++;
			goto out;
		}
		wpkg_log_to(wpkg_store_log(s), WPKG_LOG_DEBUG, "blob %s not mountable from %s; uploading",
			    b->desc.digest.str, mount_from);
	}
	rc = wpkg_store_blob_put(s, b, err);
	if (rc < 0)
		goto out;
	res->bytes_uploaded += size;
	res->blobs_uploaded++;
out:
	if (rc < 0)
		wpkg_error_wrap(err, "blob %s", b->desc.digest.str);
	return rc;
}

/* What the HEAD of one blob found, for the upload started next to it. */
struct push_probe {
	bool known;
	bool present;
	bool handled;                /* its probe job sent it too (or found it): nothing left to do */
};

struct push_batch {
	struct wpkg_push_result *res;
	struct wpkg_store *s;
	const struct wpkg_package *p;
	const char *mount_from;
	struct push_probe *probes;   /* speculative mode: one per blob */
	size_t wave;                 /* heads-first mode: the first blobs, asked for with HEAD */
	size_t wave_known;
	bool wave_done;              /* every HEAD of the first wave answered */
	bool any_present;            /* one of them found its blob: the repository is not new, HEAD everything */
	bool probe;                  /* after the first wave, blobs may be probed with a self-mount POST */
};

static const struct wpkg_blob *push_nth(const struct push_batch *b, size_t k)
{
	return k < b->p->n_layers ? &b->p->layers[k] : &b->p->config;
}

/* The upload's gate: waits for the blob's HEAD; sends unless it found the blob. */
static int push_gate(void *arg, struct wpkg_error *err)
{
	struct push_probe *pr = arg;

	wpkg_multi_wait(&pr->known);
	if (!pr->known)
		return wpkg_error_set(err, WPKG_E_NETWORK, "cancelled");
	return pr->present ? 0 : 1;
}

/*
 * Job 2k asks whether blob k is there; job 2k+1 opens its upload session
 * meanwhile and sends the bytes only if it is not: a missing blob costs the
 * round trips of POST and PUT, not HEAD + POST + PUT.
 */
static int push_spec_job(void *payload, size_t i, struct wpkg_error *err)
{
	struct push_batch *b = payload;
	const struct wpkg_blob *blob = push_nth(b, i / 2);
	struct push_probe *pr = &b->probes[i / 2];
	uint64_t size = (uint64_t)blob->desc.size;
	bool present = false, sent = false;
	int rc;

	if (i % 2 == 0) {
		rc = wpkg_store_blob_exists(b->s, &blob->desc.digest, &present, err);
		if (rc == 0) {
			pr->present = present;
			pr->known = true;
			if (present) {
				wpkg_log_to(wpkg_store_log(b->s), WPKG_LOG_DEBUG, "blob %s already in %s",
					    blob->desc.digest.str, wpkg_store_name(b->s));
				b->res->bytes_skipped += size;
				b->res->blobs_skipped++;
			}
		}
	} else {
		rc = wpkg_store_reg_blob_put_gated(b->s, blob, push_gate, pr, &sent, err);
		if (rc == 0 && sent) {
			b->res->bytes_uploaded += size;
			b->res->blobs_uploaded++;
		}
	}
	if (rc < 0)
		wpkg_error_wrap(err, "blob %s", blob->desc.digest.str);
	return rc;
}

/* Job i of the batch: layer i, the config last. */
static int push_job(void *payload, size_t i, struct wpkg_error *err)
{
	struct push_batch *b = payload;

	return push_blob(b->res, b->s, push_nth(b, i), b->mount_from, err);
}

/*
 * HEADs first: jobs 0..n-1 ask for every blob at once, and job n+k then
 * mounts or uploads blob k if its HEAD found nothing.  No request is spent
 * on a blob that is there, and the uploads queue behind the HEADs on the
 * connections instead of each blob holding one for its three round trips.
 */
static int push_heads_job(void *payload, size_t i, struct wpkg_error *err)
{
	struct push_batch *b = payload;
	size_t n = b->p->n_layers + 1, k = i < n ? i : i - n;
	const struct wpkg_blob *blob = push_nth(b, k);
	struct push_probe *pr = &b->probes[k];
	uint64_t size = (uint64_t)blob->desc.size;
	bool present = false, sent = false;
	int rc = 0;

	if (i < n && k >= b->wave && b->probe) {
		/*
		 * Past the first wave, in a repository where none of it was found
		 * (a new one, most likely): ask "is it there?" and open the session
		 * in one POST, saving a request a blob where requests queue for a
		 * connection.  A registry that does not mount just opens a session.
		 */
		wpkg_multi_wait(&b->wave_done);
		if (!b->wave_done) {
			rc = wpkg_error_set(err, WPKG_E_NETWORK, "cancelled");
			goto out;
		}
		if (!b->any_present) {
			rc = wpkg_store_reg_blob_put_probe(b->s, blob, &sent, err);
			if (rc == 0) {
				pr->handled = true;
				pr->known = true;
				b->res->bytes_uploaded += sent ? size : 0;
				b->res->blobs_uploaded += sent;
				b->res->bytes_skipped += sent ? 0 : size;
				b->res->blobs_skipped += !sent;
			}
			goto out;
		}
	}
	if (i < n) {
		rc = wpkg_store_blob_exists(b->s, &blob->desc.digest, &present, err);
		if (rc == 0) {
			pr->present = present;
			pr->known = true;
			if (present) {
				b->res->bytes_skipped += size;
				b->res->blobs_skipped++;
				b->any_present = true;
			}
			if (k < b->wave && ++b->wave_known == b->wave)
				b->wave_done = true;
		}
		goto out;
	}
	wpkg_multi_wait(&pr->known);
	if (!pr->known) {
		rc = wpkg_error_set(err, WPKG_E_NETWORK, "cancelled");
		goto out;
	}
	if (pr->present || pr->handled)
		goto out;
	if (b->mount_from != NULL) {
		rc = wpkg_store_blob_mount(b->s, b->mount_from, &blob->desc.digest, &present, err);
		if (rc < 0 || present) {
			b->res->bytes_mounted += present ? size : 0;
			b->res->blobs_mounted += present;
			goto out;
		}
	}
	rc = wpkg_store_blob_put(b->s, blob, err);
	if (rc == 0) {
		b->res->bytes_uploaded += size;
		b->res->blobs_uploaded++;
	}
out:
	if (rc < 0)
		wpkg_error_wrap(err, "blob %s", blob->desc.digest.str);
	return rc;
}

int wpkg_push_blobs(struct wpkg_push_result *res, struct wpkg_store *s, const struct wpkg_package *p,
		    const char *mount_from, struct wpkg_error *err)
{
	struct push_batch batch = { .res = res, .s = s, .p = p, .mount_from = mount_from };
	unsigned conc = wpkg_store_concurrency(s, NULL);
	size_t n = p->n_layers + 1;
	int rc;

	/*
	 * Every blob at once; any failure cancels the rest, before the manifest.
	 * To a registry (no mount to try), when every blob's HEAD and POST fit
	 * in the connections at once, each upload opens while its HEAD is out:
	 * a request more per blob buys a round trip only where nothing queues.
	 */
	if (s->transport == WPKG_TRANSPORT_REGISTRY && conc > 1 && wpkg_multi_slots() == 0) {
		batch.probes = calloc(n, sizeof(*batch.probes));
		if (batch.probes == NULL)
			return wpkg_error_nomem(err);
		/* more jobs than connections: the next request waits in curl's queue, not for a job to end */
		batch.wave = n < conc ? n : conc;
		batch.probe = mount_from == NULL;
		if (mount_from == NULL && 2 * n <= conc)
			rc = wpkg_multi_run(2 * n, conc, push_spec_job, &batch, err);
		else
			rc = wpkg_multi_run_hosts(2 * n, 2 * conc, conc, push_heads_job, &batch, err);
		free(batch.probes);
		return rc;
	}
	return wpkg_multi_run(n, conc, push_job, &batch, err);
}

int wpkg_push(struct wpkg_push_result *out, struct wpkg_store *s, const struct wpkg_package *p,
	      const struct wpkg_push_opts *opts, struct wpkg_error *err)
{
	struct wpkg_push_result res;
	const char *mt = p->manifest_desc.media_type;
	size_t i;
	int rc = 0;

	memset(&res, 0, sizeof(res));
	res.digest = p->manifest_desc.digest;
	rc = wpkg_push_blobs(&res, s, p, opts->mount_from, err);
	if (rc < 0)
		return rc;
	if (opts->n_tags == 0) {
		rc = wpkg_store_manifest_put(s, res.digest.str, mt, &res.digest, p->manifest.data, p->manifest.len, err);
		if (rc < 0)
			wpkg_error_wrap(err, "manifest %s", res.digest.str);
	}
	for (i = 0; i < opts->n_tags && rc == 0; i++) {
		rc = wpkg_store_manifest_put(s, opts->tags[i], mt, &res.digest, p->manifest.data, p->manifest.len,
					     err);
		if (rc < 0)
			wpkg_error_wrap(err, "manifest %s as tag %s", res.digest.str, opts->tags[i]);
	}
	if (rc < 0)
		return rc;
	*out = res;
	return 0;
}
