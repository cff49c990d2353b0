/* SPDX-License-Identifier: Apache-2.0 */
/* http_multi.h - runs jobs concurrently on one libcurl multi handle: cooperative, one thread, bounded. */
#ifndef WPKG_HTTP_MULTI_H
#define WPKG_HTTP_MULTI_H

#include <stdbool.h>
#include <stddef.h>

#include <curl/curl.h>

#include "wpkg/error.h"

/* The default number of jobs in flight (--concurrency); chosen with scripts/bench-wan. */
#define WPKG_MULTI_DEFAULT 16
#define WPKG_MULTI_MAX 64

/* One job: job index of the batch.  Returns 0 or a negative WPKG_E_* with err filled. */
typedef int (*wpkg_multi_fn)(void *payload, size_t index, struct wpkg_error *err);

/*
 * Runs fn(payload, i) for every i < n, at most concurrency at a time (0:
 * WPKG_MULTI_DEFAULT), each on a stack of its own.  Every HTTP exchange a job
 * makes (wpkg_http_perform, any depth down) goes onto one curl multi handle
 * and the job waits there while the others run, so n blob transfers share
 * one event loop and one connection pool.  Nothing runs in parallel with
 * anything else: a job only gives way inside an exchange or a backoff.
 *
 * When a job fails, no new job starts and the exchanges in flight are
 * aborted (a DELETE, which cancels an upload, and a POST, which may be
 * opening one, are let through to their end), so each job
 * unwinds through its own cleanup.  The error returned is the one of the
 * lowest-numbered job that failed, whatever order they finished in.  With
 * n <= 1 or concurrency 1 the jobs simply run one after the other.
 */
int wpkg_multi_run(size_t n, unsigned concurrency, wpkg_multi_fn fn, void *payload, struct wpkg_error *err);

/*
 * The same with concurrency jobs at once but at most per_host connections to
 * any one host (0: concurrency): a copy runs a GET from one registry and a
 * PUT to the other per blob, each side with its own connections.
 */
int wpkg_multi_run_hosts(size_t n, unsigned concurrency, unsigned per_host, wpkg_multi_fn fn, void *payload,
			 struct wpkg_error *err);

/* The current job's own easy handle, or NULL outside wpkg_multi_run. */
CURL *wpkg_multi_easy(void);
/*
 * Inside a job: performs the prepared easy handle on the multi handle,
 * giving way until it completes.  method is only looked at to let a DELETE
 * (and a POST already in flight) through a cancellation.
 */
CURLcode wpkg_multi_perform(CURL *easy, const char *method);
/* How many jobs the current batch runs at once; 0 outside wpkg_multi_run. */
unsigned wpkg_multi_slots(void);
/* Waits ms milliseconds: other jobs run meanwhile inside a job; a plain sleep outside. */
void wpkg_multi_sleep(long ms);
/*
 * Inside a job: gives way until *flag is true (another job of the batch sets
 * it) or the batch is cancelled.  Returns at once outside a batch.
 */
void wpkg_multi_wait(const bool *flag);
/*
 * From a curl callback: resume the paused transfer on easy (one of the
 * batch's job handles) once curl returns to the loop.  Nothing outside a batch.
 */
void wpkg_multi_unpause(CURL *easy);
/* True inside a job of a batch that is being cancelled. */
bool wpkg_multi_cancelled(void);

#endif
