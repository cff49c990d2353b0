/* SPDX-License-Identifier: Apache-2.0 */
/* copy.c - copies a manifest or index with its blobs, children and (optionally) referrers between two stores. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "wpkg/artifact.h"
#include "wpkg/copy.h"
#include "wpkg/referrers_index.h"
#include "wpkg/signature.h"
#include "blob_pipe.h"
#include "cache_store.h"
#include "http_multi.h"
#include "store_internal.h"
#include "store_registry.h"

/* Indexes of indexes and referrers of referrers: deep enough for any real artifact, finite for a cycle. */
#define MAX_DEPTH 8

/* put_ref of a document stored under its own digest (known only once it is read). */
static const char by_digest[] = "@";

struct copier {
	struct wpkg_store *src, *dst;
	bool recursive;
	const char *mount_from; /* src's repository on dst's registry: mount instead of copying */
	unsigned depth;
	struct wpkg_copy_result res;
	/* the manifests whose referrers were (or are being) copied, each already stored in dst: a registry whose
	 * referrers point back at their subject must not send us round again */
	struct wpkg_digest *walked;
	size_t n_walked;
};

static bool walked(const struct copier *c, const struct wpkg_digest *d)
{
	for (size_t i = 0; i < c->n_walked; i++)
		if (strcmp(c->walked[i].str, d->str) == 0)
			return true;
	return false;
}

void wpkg_copy_result_clear(struct wpkg_copy_result *res)
{
	wpkg_descriptor_clear(&res->root);
	memset(res, 0, sizeof(*res));
}

static int copy_blob(struct copier *c, const struct wpkg_descriptor *d, struct wpkg_error *err)
{
	struct wpkg_blob b = { 0 };
	uint64_t size = (uint64_t)d->size;
	bool present = false;
	int rc;

	wpkg_buf_init(&b.mem);
	rc = wpkg_store_blob_exists(c->dst, &d->digest, &present, err);
	if (rc == 0 && present) {
		c->res.blobs_skipped++;
		c->res.bytes_skipped += size;
		goto out;
	}
	if (rc == 0 && c->mount_from != NULL) {
		rc = wpkg_store_blob_mount(c->dst, c->mount_from, &d->digest, &present, err);
		if (rc == 0 && present) {
			c->res.blobs_mounted++;
			c->res.bytes_mounted += size;
			goto out;
		}
	}
	if (rc == 0)
		rc = wpkg_store_blob_open(&b, c->src, d, err);
	if (rc == 0)
		rc = wpkg_store_blob_put(c->dst, &b, err);
	if (rc == 0) {
		c->res.blobs_copied++;
		c->res.bytes_copied += size;
	}
out:
	wpkg_blob_clear(&b);
	if (rc < 0)
		wpkg_error_wrap(err, "blob %s", d->digest.str);
	return rc;
}

static int copy_doc(struct copier *c, const char *reference, const char *put_ref, struct wpkg_descriptor *out,
		    struct wpkg_error *err);

static int copy_children(struct copier *c, const struct wpkg_index *ix, const struct wpkg_digest *d,
			 struct wpkg_error *err)
{
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < ix->n_manifests; i++)
		rc = copy_doc(c, ix->manifests[i].digest.str, NULL, NULL, err);
	if (rc < 0)
		wpkg_error_wrap(err, "index %s", d->str);
	return rc;
}

/* A blob's bytes in flight from src's GET to dst's PUT: bounded, whatever the blob's size. */
#define PIPE_CAP ((size_t)64 << 10)

/* One blob of a speculative or streaming batch: what its HEAD on dst found, and its bytes once fetched. */
struct copy_slot {
	struct copier *c;
	const struct wpkg_descriptor *d;
	bool known;
	bool present;
	struct wpkg_blob b;
	struct wpkg_pipe pipe;     /* streaming: GET job -> PUT job */
	bool pipe_ready;
	bool probe;                /* streaming, past the first wave: no HEAD, the PUT job's POST self-mounts */
	bool decided;              /* streaming: whether dst has it is known (the GET waits for this) */
	bool abandoned;            /* streaming: the PUT failed and the blob went through a file: no GET */
	unsigned pipe_users;       /* the two jobs on it; the last one out frees it */
};

struct blob_batch {
	struct copier *c;
	const struct wpkg_manifest *m;
	struct copy_slot *slots;   /* speculative mode: one per blob */
	size_t wave;               /* streaming: the first blobs, asked for with HEAD (as push does) */
	size_t wave_known;
	bool wave_done;
	bool any_present;
};

/* The upload's gate: waits for dst's HEAD; if the blob is missing there, reads it from src to send. */
static int copy_gate(void *arg, struct wpkg_error *err)
{
	struct copy_slot *sl = arg;

	wpkg_multi_wait(&sl->known);
	if (!sl->known)
		return wpkg_error_set(err, WPKG_E_NETWORK, "cancelled");
	if (sl->present)
		return 0;
	if (err == NULL)
		return 1;
	return wpkg_store_blob_open(&sl->b, sl->c->src, sl->d, err) < 0 ? err->code : 1;
}

/* Job 2k: HEAD blob k on dst; job 2k+1: open its upload meanwhile, then fetch and send it if it is missing. */
static int copy_spec_job(void *payload, size_t i, struct wpkg_error *err)
{
	struct blob_batch *bb = payload;
	struct copy_slot *sl = &bb->slots[i / 2];
	struct copier *c = bb->c;
	uint64_t size = (uint64_t)sl->d->size;
	bool present = false, sent = false;
	int rc;

	if (i % 2 == 0) {
		rc = wpkg_store_blob_exists(c->dst, &sl->d->digest, &present, err);
		if (rc == 0) {
			sl->present = present;
			sl->known = true;
			if (present) {
				c->res.blobs_skipped++;
				c->res.bytes_skipped += size;
			}
		}
	} else {
		rc = wpkg_store_reg_blob_put_gated(c->dst, &sl->b, copy_gate, sl, &sent, err);
		if (rc == 0 && sent) {
			c->res.blobs_copied++;
			c->res.bytes_copied += size;
		}
		wpkg_blob_clear(&sl->b);
	}
	if (rc < 0)
		wpkg_error_wrap(err, "blob %s", sl->d->digest.str);
	return rc;
}

/* Job i: layer i, the config last. */
static int copy_job(void *payload, size_t i, struct wpkg_error *err)
{
	struct blob_batch *b = payload;

	return copy_blob(b->c, i < b->m->n_layers ? &b->m->layers[i] : &b->m->config, err);
}

/* The blob's buffer, made by whichever side needs it first: memory for the blobs in flight, not the batch. */
static int slot_pipe(struct copy_slot *sl, struct wpkg_error *err)
{
	int rc = 0;

	if (!sl->pipe_ready) {
		rc = wpkg_pipe_init(&sl->pipe, (uint64_t)sl->d->size, PIPE_CAP, err);
		sl->pipe_ready = rc == 0;
	}
	return rc;
}

/*
 * The streaming upload's gate: waits for dst's HEAD; unless the blob is
 * there, waits for the GET's first bytes before the PUT goes, so that the
 * PUT does not hold a connection to dst idle through src's round trip.
 */
static int stream_gate(void *arg, struct wpkg_error *err)
{
	struct copy_slot *sl = arg;

	wpkg_multi_wait(&sl->known);
	if (!sl->known)
		return wpkg_error_set(err, WPKG_E_NETWORK, "cancelled");
	/* after a self-mount POST that opened a session: dst lacks the blob, the GET may start */
	if (sl->probe)
		sl->decided = true;
	else if (sl->present)
		return 0;
	if (err == NULL)
		return 1;
	if (slot_pipe(sl, err) < 0)
		return err->code;
	wpkg_multi_wait(&sl->pipe.started);
	if (!sl->pipe.started)
		return wpkg_error_set(err, WPKG_E_NETWORK, "cancelled");
	return 1;
}

static void stream_leave(struct copy_slot *sl)
{
	if (--sl->pipe_users == 0 && sl->pipe_ready) {
		wpkg_pipe_free(&sl->pipe);
		sl->pipe_ready = false;
	}
}

/* The PUT side of a streamed blob: opens the session (while the HEAD may be out) and sends what the GET passes. */
static int stream_put(struct blob_batch *bb, struct copy_slot *sl, struct wpkg_error *err)
{
	struct copier *c = bb->c;
	bool sent = false;
	int rc;

	/* past the first wave: the HEAD job decides (HEAD, or a self-mount POST from here) */
	if (sl - bb->slots >= (ptrdiff_t)bb->wave) {
		wpkg_multi_wait(&sl->known);
		if (!sl->known)
			return wpkg_error_set(err, WPKG_E_NETWORK, "cancelled");
	}
	sl->b.desc = *sl->d;
	c->dst->dirty = true;
	rc = wpkg_registry_blob_upload_pipe(wpkg_store_reg(c->dst)->client, c->dst->repo, &sl->b, &sl->pipe,
					    sl->probe, stream_gate, sl, &sent, err);
	memset(&sl->b.desc, 0, sizeof(sl->b.desc));
	if (rc == 0 && !sent && sl->probe) {
		/* mounted from itself: dst has it after all, and the GET has nothing to do */
		sl->present = true;
		sl->decided = true;
		c->res.blobs_skipped++;
		c->res.bytes_skipped += (uint64_t)sl->d->size;
	}
	if ((rc == WPKG_E_NETWORK || rc == WPKG_E_TOO_MANY_REQUESTS) && !sl->pipe.failed && !wpkg_multi_cancelled()) {
		/*
		 * The PUT failed on the way (a 5xx, a drop): the bytes that went are
		 * gone, so this blob alone goes the spooled way, with the upload's
		 * own retries, and its GET stops.
		 */
		wpkg_log_to(wpkg_store_log(c->dst), WPKG_LOG_DEBUG, "* blob %s: %s; copying it through a file",
			    sl->d->digest.str, err ? err->msg : "upload failed");
		sl->abandoned = true;
		sl->decided = true;
		if (sl->pipe_ready)
			wpkg_pipe_abandon(&sl->pipe);
		wpkg_error_clear(err);
		rc = wpkg_store_blob_open(&sl->b, c->src, sl->d, err);
		if (rc == 0)
			rc = wpkg_store_blob_put(c->dst, &sl->b, err);
		wpkg_blob_clear(&sl->b);
		sent = rc == 0;
	}
	if (rc == 0 && sent) {
		c->res.blobs_copied++;
		c->res.bytes_copied += (uint64_t)sl->d->size;
	}
	return rc;
}

/* The GET side: once dst's HEAD says the blob is missing, fetch it from src into the pipe, verified. */
static int stream_get(struct copy_slot *sl, struct wpkg_error *err)
{
	struct copier *c = sl->c;
	int rc;

	wpkg_multi_wait(&sl->decided);
	if (!sl->decided)
		return wpkg_error_set(err, WPKG_E_NETWORK, "cancelled");
	if (sl->present || sl->abandoned)
		return 0;
	if ((rc = slot_pipe(sl, err)) < 0)
		return rc;
	/* what a copy reads from a registry fills the content cache, as a pull does */
	sl->pipe.tee = wpkg_cache_tee_store(c->src, &sl->d->digest);
	rc = wpkg_registry_blob_get_pipe(wpkg_store_reg(c->src)->client, c->src->repo, &sl->d->digest,
					 (uint64_t)sl->d->size, &sl->pipe, err);
	/* the PUT it fed failed and fetches the blob again by itself: not this job's failure */
	if (rc < 0 && sl->abandoned) {
		wpkg_error_clear(err);
		rc = 0;
	}
	return rc;
}

/*
 * Streaming batch of n blobs: jobs 0..n-1 HEAD every blob on dst at once;
 * then per blob k, job n+2k opens dst's upload and PUTs from the pipe while
 * job n+2k+1 GETs from src into it.  No byte touches the disk.
 */
static int copy_stream_job(void *payload, size_t i, struct wpkg_error *err)
{
	struct blob_batch *bb = payload;
	size_t n = bb->m->n_layers + 1;
	struct copy_slot *sl = &bb->slots[i < n ? i : (i - n) / 2];
	uint64_t size = (uint64_t)sl->d->size;
	bool present = false;
	int rc;

	if (i < n && i >= bb->wave) {
		/* as push: where the first wave found nothing, the PUT job's POST asks instead of a HEAD */
		wpkg_multi_wait(&bb->wave_done);
		if (!bb->wave_done)
			return wpkg_error_set(err, WPKG_E_NETWORK, "cancelled");
		sl->probe = !bb->any_present;
		if (sl->probe) {
			sl->known = true;
			return 0;
		}
	}
	if (i < n) {
		rc = wpkg_store_blob_exists(sl->c->dst, &sl->d->digest, &present, err);
		if (rc == 0) {
			sl->present = present;
			sl->known = true;
			sl->decided = true;
			if (present) {
				sl->c->res.blobs_skipped++;
				sl->c->res.bytes_skipped += size;
				bb->any_present = true;
			}
			if (i < bb->wave && ++bb->wave_known == bb->wave)
				bb->wave_done = true;
		}
	} else {
		sl->pipe_users++;
		if ((i - n) % 2 == 1) {
			/* the download's own errors name the blob */
			rc = stream_get(sl, err);
			stream_leave(sl);
			return rc;
		}
		rc = stream_put(bb, sl, err);
		stream_leave(sl);
	}
	if (rc < 0)
		wpkg_error_wrap(err, "blob %s", sl->d->digest.str);
	return rc;
}

/* Registry to registry, no mount, not inside another batch, and dst takes a blob in one PUT: stream it. */
static bool copy_streams(const struct copier *c, unsigned conc)
{
	return c->src->transport == WPKG_TRANSPORT_REGISTRY && c->dst->transport == WPKG_TRANSPORT_REGISTRY &&
	       c->mount_from == NULL && conc > 1 && wpkg_multi_slots() == 0 &&
	       wpkg_registry_blob_streamable(wpkg_store_reg(c->dst)->client);
}

static int copy_blobs(struct copier *c, const struct wpkg_manifest *m, const struct wpkg_digest *d,
		      struct wpkg_error *err)
{
	struct blob_batch b = { .c = c, .m = m };
	unsigned conc = wpkg_store_concurrency(c->src, c->dst);
	size_t i, n = m->n_layers + 1;
	bool stream = copy_streams(c, conc);
	int rc;

	/*
	 * Every blob at once; a failure cancels the others.  To a registry, when
	 * every HEAD and POST fit in the connections, each upload opens while its
	 * HEAD is out (as push does).
	 */
	if (stream || (c->dst->transport == WPKG_TRANSPORT_REGISTRY && c->mount_from == NULL && conc > 1 &&
		       2 * n <= conc)) {
		b.slots = calloc(n, sizeof(*b.slots));
		if (b.slots == NULL) {
			rc = wpkg_error_nomem(err);
			goto out;
		}
		for (i = 0; i < n; i++) {
			b.slots[i].c = c;
			b.slots[i].d = i < m->n_layers ? &m->layers[i] : &m->config;
			wpkg_buf_init(&b.slots[i].b.mem);
		}
		b.wave = n < conc ? n : conc;
		/*
		 * Streaming: a GET on src and a PUT on dst per blob, up to conc
		 * connections each side; jobs waiting on another side's progress
		 * hold a job slot but no connection, hence the slots to spare.
		 */
		if (stream)
			rc = wpkg_multi_run_hosts(3 * n, 4 * conc, conc, copy_stream_job, &b, err);
		else
			rc = wpkg_multi_run(2 * n, conc, copy_spec_job, &b, err);
	} else {
		rc = wpkg_multi_run(n, conc, copy_job, &b, err);
	}
out:
	for (i = 0; b.slots != NULL && i < n; i++)
		if (b.slots[i].pipe_ready)
			wpkg_pipe_free(&b.slots[i].pipe);
	free(b.slots);
	if (rc < 0)
		wpkg_error_wrap(err, "manifest %s", d->str);
	return rc;
}

static int copy_referrers(struct copier *c, const struct wpkg_digest *subject, struct wpkg_error *err)
{
	struct wpkg_index *ix = NULL;
	struct wpkg_digest *grown;
	size_t i;
	int rc;

	if (walked(c, subject))
		return 0;
	grown = realloc(c->walked, (c->n_walked + 1) * sizeof(*grown));
	if (grown == NULL)
		return wpkg_error_nomem(err);
	c->walked = grown;
	c->walked[c->n_walked++] = *subject;
	rc = wpkg_store_referrers(&ix, c->src, subject, NULL, NULL, err);
	/* stored by digest: a layout lists each as an untagged entry, a registry finds them by their subject */
	for (i = 0; rc == 0 && i < ix->n_manifests; i++) {
		if (walked(c, &ix->manifests[i].digest))
			continue;
		rc = copy_doc(c, ix->manifests[i].digest.str, ix->manifests[i].digest.str, NULL, err);
		c->res.referrers += rc == 0;
	}
	/* and where dst keeps a list of its own (a registry's fallback tag), it gains them, merged */
	if (rc == 0 && ix->n_manifests > 0)
		rc = wpkg_store_referrers_add(c->dst, subject, ix, NULL, err);
	if (rc < 0)
		wpkg_error_wrap(err, "referrers of %s", subject->str);
	wpkg_index_free(ix);
	return rc;
}

/*
 * cosign's legacy signatures are a tag, not a referrer: the manifest tagged
 * sha256-HEX.sig in src goes to dst under the same tag (replacing what dst
 * had there, as cosign copy does).  No such tag: nothing to do.
 */
static int copy_sig_tag(struct copier *c, const struct wpkg_digest *subject, struct wpkg_error *err)
{
	char tag[WPKG_SIG_TAG_MAX];
	struct wpkg_descriptor d = { 0 };
	int rc;

	if ((rc = wpkg_sig_tag(tag, subject, err)) < 0)
		return rc;
	rc = wpkg_store_manifest_resolve(&d, c->src, tag, err);
	if (rc == WPKG_E_NOT_FOUND) {
		wpkg_error_clear(err);
		return 0;
	}
	if (rc == 0)
		rc = copy_doc(c, d.digest.str, tag, NULL, err);
	c->res.referrers += rc == 0;
	if (rc < 0)
		wpkg_error_wrap(err, "legacy signatures %s", tag);
	wpkg_descriptor_clear(&d);
	return rc;
}

/* Copies the document at reference (and what it needs), then stores it under put_ref. */
static int copy_doc(struct copier *c, const char *reference, const char *put_ref, struct wpkg_descriptor *out,
		    struct wpkg_error *err)
{
	struct wpkg_artifact *a = NULL;
	const struct wpkg_descriptor *d;
	int rc;

	if (++c->depth > MAX_DEPTH) {
		rc = wpkg_error_set(err, WPKG_E_UNSUPPORTED, "%s: nested more than %d deep", reference, MAX_DEPTH);
		goto out;
	}
	/* the document itself, whatever it is: an index is copied with its children, never followed */
	rc = wpkg_artifact_fetch(&a, c->src, reference, err);
	if (rc < 0) {
		wpkg_error_wrap(err, "fetch manifest %s", reference);
		goto out;
	}
	d = &a->desc;
	if (a->index_doc != NULL)
		rc = copy_children(c, a->index_doc, &d->digest, err);
	else
		rc = copy_blobs(c, a->manifest, &d->digest, err);
	if (rc == 0)
		rc = wpkg_store_manifest_put(c->dst, put_ref == by_digest ? d->digest.str : put_ref, d->media_type,
					     &d->digest, a->manifest_bytes.data, a->manifest_bytes.len, err);
	if (rc < 0)
		goto out;
	c->res.manifests++;
	wpkg_log_to(wpkg_store_log(c->src), WPKG_LOG_DEBUG, "copied %s %s", d->media_type, d->digest.str);
	if (c->recursive)
		rc = copy_referrers(c, &d->digest, err);
	if (rc == 0 && c->recursive)
		rc = copy_sig_tag(c, &d->digest, err);
	if (rc == 0 && out != NULL) {
		*out = a->desc;
		memset(&a->desc, 0, sizeof(a->desc));
	}
out:
	c->depth--;
	wpkg_artifact_free(a);
	return rc;
}

int wpkg_copy(struct wpkg_copy_result *out, struct wpkg_store *src, const char *reference, struct wpkg_store *dst,
	      const struct wpkg_copy_opts *opts, struct wpkg_error *err)
{
	struct copier c;
	int rc;

	memset(&c, 0, sizeof(c));
	c.src = src;
	c.dst = dst;
	c.recursive = opts->recursive;
	c.mount_from = wpkg_store_mount_source(dst, src);
	rc = copy_doc(&c, reference, opts->tag != NULL ? opts->tag : by_digest, &c.res.root, err);
	if (rc == 0) {
		*out = c.res;
		memset(&c.res, 0, sizeof(c.res));
	}
	wpkg_copy_result_clear(&c.res);
	free(c.walked);
	return rc;
}
