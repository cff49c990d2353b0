/* SPDX-License-Identifier: Apache-2.0 */
/* http_multi.c - concurrent jobs over one curl multi handle: each job a coroutine that waits on its transfer. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <ucontext.h>

#include "http_multi.h"

/*
 * Why coroutines: the registry client is written as straight-line code
 * (authenticate, redirect, retry, verify, clean up).  Giving each job its
 * own small stack lets that code run unchanged while its exchanges wait on
 * one CURLM next to the others': concurrency without threads and without
 * rewriting every caller as a state machine.
 */
#define STACK_SIZE ((size_t)256 << 10)
#define GUARD_SIZE ((size_t)4 << 10)
#define POLL_MAX_MS 1000

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#define FIBER_START(fake, bottom, size) __sanitizer_start_switch_fiber(fake, bottom, size)
#define FIBER_FINISH(fake, bottom, size) __sanitizer_finish_switch_fiber(fake, bottom, size)
#else
#define FIBER_START(fake, bottom, size) ((void)(fake), (void)(bottom), (void)(size))
#define FIBER_FINISH(fake, bottom, size) ((void)(fake), (void)(bottom), (void)(size))
#endif

enum job_state { JOB_FREE, JOB_RUNNING, JOB_XFER, JOB_SLEEP, JOB_WAIT, JOB_DONE };

struct job {
	ucontext_t ctx;
	unsigned char *map;          /* guard page + stack */
	enum job_state state;
	size_t index;
	CURL *easy;                  /* the job's own handle, reused across its exchanges */
	bool let_through;            /* its exchange in flight is a DELETE or POST: not aborted */
	CURLcode cc;
	long long wake_ms;
	const bool *wait_for;        /* JOB_WAIT: resumed once this is true */
	int rc;
	struct wpkg_error err;
	void *fake_stack;            /* sanitizer bookkeeping */
};

struct sched {
	ucontext_t main;
	CURLM *multi;
	struct job *jobs;
	unsigned n_slots;
	struct job *cur;
	wpkg_multi_fn fn;
	void *payload;
	bool cancel;
	bool failed;
	bool first_genuine;          /* the error kept is a job's own, not a cancellation */
	size_t first_index;
	struct wpkg_error first_err;
	const void *main_bottom;     /* sanitizer bookkeeping */
	size_t main_size;
	CURL *kicks[WPKG_MULTI_MAX]; /* paused transfers to resume once curl has returned (wpkg_multi_unpause) */
	size_t n_kicks;
};

static _Thread_local struct sched *active;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * swapcontext, spelt getcontext + setcontext: AddressSanitizer intercepts
 * swapcontext only to print a warning on standard error (which would break
 * wpkg's one-line errors); the fiber annotations around each switch are
 * what keep it exact.  back lives in this frame, which the saved context
 * returns into.
 */
static void switch_context(ucontext_t *from, const ucontext_t *to)
{
	volatile bool back = false;

	getcontext(from);
	if (!back) {
		back = true;
		setcontext(to);
	}
}

/* From a job back to the scheduler; returns when the scheduler resumes the job. */
static void yield(struct sched *s, struct job *j)
{
	FIBER_START(&j->fake_stack, s->main_bottom, s->main_size);
	switch_context(&j->ctx, &s->main);
	FIBER_FINISH(j->fake_stack, &s->main_bottom, &s->main_size);
}

static void job_entry(void)
{
	struct sched *s = active;
	struct job *j = s->cur;

	FIBER_FINISH(NULL, &s->main_bottom, &s->main_size);
	j->rc = s->fn(s->payload, j->index, &j->err);
	j->state = JOB_DONE;
	/* the stack is done with: back to the scheduler through uc_link */
	FIBER_START(NULL, s->main_bottom, s->main_size);
}

static void job_finish(struct sched *s, struct job *j)
{
	/*
	 * The error reported is the lowest-numbered among those that failed on
	 * their own (before any cancellation), so it names the real cause.
	 */
	bool genuine = !s->cancel;

	if (j->rc < 0 && (!s->failed || (genuine && !s->first_genuine) ||
			  (genuine == s->first_genuine && j->index < s->first_index))) {
		s->first_genuine = genuine;
		s->first_index = j->index;
		s->first_err = j->err;
		if (s->first_err.code == 0)
			s->first_err.code = j->rc;
		s->failed = true;
	}
	if (j->rc < 0)
		s->cancel = true;
	j->state = JOB_FREE;
}

/* From the scheduler into a job, until it gives way again or ends. */
static void resume(struct sched *s, struct job *j)
{
	void *fake = NULL;

	s->cur = j;
	if (j->state != JOB_XFER && j->state != JOB_SLEEP && j->state != JOB_WAIT)
		j->state = JOB_RUNNING;
	FIBER_START(&fake, j->map + GUARD_SIZE, STACK_SIZE);
	switch_context(&s->main, &j->ctx);
	FIBER_FINISH(fake, NULL, NULL);
	s->cur = NULL;
	if (j->state == JOB_DONE)
		job_finish(s, j);
}

static int job_start(struct sched *s, struct job *j, size_t index, struct wpkg_error *err)
{
	if (getcontext(&j->ctx) < 0)
		return wpkg_error_set(err, WPKG_E_NOMEM, "start a transfer: %s", strerror(errno));
	j->ctx.uc_stack.ss_sp = j->map + GUARD_SIZE;
	j->ctx.uc_stack.ss_size = STACK_SIZE;
	j->ctx.uc_link = &s->main;
	makecontext(&j->ctx, job_entry, 0);
	j->index = index;
	j->rc = 0;
	wpkg_error_clear(&j->err);
	j->state = JOB_RUNNING;
	resume(s, j);
	return 0;
}

static int slots_init(struct sched *s, unsigned n, struct wpkg_error *err)
{
	unsigned i;

	s->jobs = calloc(n, sizeof(*s->jobs));
	if (s->jobs == NULL)
		return wpkg_error_nomem(err);
	s->n_slots = n;
	for (i = 0; i < n; i++) {
		struct job *j = &s->jobs[i];
		void *m = mmap(NULL, GUARD_SIZE + STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);

		if (m == MAP_FAILED)
			return wpkg_error_set(err, WPKG_E_NOMEM, "out of memory (transfer stacks)");
		j->map = m;
		/* a stack overflow faults on the guard page instead of writing over a neighbour */
		mprotect(j->map, GUARD_SIZE, PROT_NONE);
		j->easy = curl_easy_init();
		if (j->easy == NULL)
			return wpkg_error_set(err, WPKG_E_NOMEM, "out of memory (curl handle)");
	}
	return 0;
}

static void slots_free(struct sched *s)
{
	unsigned i;

	for (i = 0; s->jobs != NULL && i < s->n_slots; i++) {
		if (s->jobs[i].easy)
			curl_easy_cleanup(s->jobs[i].easy);
		if (s->jobs[i].map)
			munmap(s->jobs[i].map, GUARD_SIZE + STACK_SIZE);
	}
	free(s->jobs);
	s->jobs = NULL;
}

/* After a failure: every exchange in flight but a DELETE or POST ends now as aborted, and sleepers wake. */
static void abort_others(struct sched *s)
{
	unsigned i;

	for (i = 0; i < s->n_slots; i++) {
		struct job *j = &s->jobs[i];

		if (j->state == JOB_XFER && !j->let_through) {
			curl_multi_remove_handle(s->multi, j->easy);
			j->cc = CURLE_ABORTED_BY_CALLBACK;
			resume(s, j);
		} else if (j->state == JOB_SLEEP || j->state == JOB_WAIT) {
			resume(s, j);
		}
	}
}

static int run_sequential(size_t n, wpkg_multi_fn fn, void *payload, struct wpkg_error *err)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		rc = fn(payload, i, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/*
 * Resumes the paused transfers a callback asked for.  Done here, outside
 * curl's callbacks, so that no callback runs inside another; an unpause may
 * itself deliver data whose callback kicks another, hence the growing list.
 */
static size_t unpause_kicked(struct sched *s)
{
	size_t k, done = 0;
	unsigned i;

	for (k = 0; k < s->n_kicks; k++) {
		for (i = 0; i < s->n_slots; i++)
			if (s->jobs[i].easy == s->kicks[k] && s->jobs[i].state == JOB_XFER)
				break;
		/* a transfer that ended or was aborted meanwhile has nothing to resume */
		if (i < s->n_slots) {
			curl_easy_pause(s->kicks[k], CURLPAUSE_CONT);
			done++;
		}
	}
	s->n_kicks = 0;
	return done;
}

/* One turn of the loop: drive curl, resume the jobs whose exchange ended or whose sleep is over, then wait. */
static void turn(struct sched *s)
{
	struct job *ended[WPKG_MULTI_MAX];
	size_t n_ended = 0, n_woken = 0, k;
	long long now, timeout = POLL_MAX_MS;
	int still = 0, queued;
	unsigned i;
	CURLMsg *msg;

	curl_multi_perform(s->multi, &still);
	while ((msg = curl_multi_info_read(s->multi, &queued)) != NULL) {
		struct job *j = NULL;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&j);
		if (j == NULL || n_ended == WPKG_MULTI_MAX)
			continue;
		j->cc = msg->data.result;
		ended[n_ended++] = j;
	}
	for (k = 0; k < n_ended; k++) {
		curl_multi_remove_handle(s->multi, ended[k]->easy);
		resume(s, ended[k]);
	}
	now = now_ms();
	for (i = 0; i < s->n_slots; i++) {
		struct job *j = &s->jobs[i];

		if (j->state == JOB_SLEEP && (j->wake_ms <= now || s->cancel))
			resume(s, j);
	}
	/* a waiter's condition is set by another job, so look again until none wakes */
	for (i = 0; i < s->n_slots; i++) {
		struct job *j = &s->jobs[i];

		if (j->state == JOB_WAIT && (*j->wait_for || s->cancel)) {
			resume(s, j);
			n_woken++;
			i = (unsigned)-1;
		}
	}
	if (unpause_kicked(s) > 0 || n_ended > 0 || n_woken > 0)
		return;
	now = now_ms();
	for (i = 0; i < s->n_slots; i++)
		if (s->jobs[i].state == JOB_SLEEP && s->jobs[i].wake_ms - now < timeout)
			timeout = s->jobs[i].wake_ms - now > 0 ? s->jobs[i].wake_ms - now : 0;
	curl_multi_poll(s->multi, NULL, 0, (int)timeout, NULL);
}

static unsigned running(const struct sched *s)
{
	unsigned i, r = 0;

	for (i = 0; i < s->n_slots; i++)
		r += s->jobs[i].state != JOB_FREE;
	return r;
}

int wpkg_multi_run(size_t n, unsigned concurrency, wpkg_multi_fn fn, void *payload, struct wpkg_error *err)
{
	return wpkg_multi_run_hosts(n, concurrency, concurrency, fn, payload, err);
}

int wpkg_multi_run_hosts(size_t n, unsigned concurrency, unsigned per_host, wpkg_multi_fn fn, void *payload,
			 struct wpkg_error *err)
{
	struct sched s;
	size_t next = 0;
	unsigned i;
	int rc = 0;

	if (concurrency == 0)
		concurrency = WPKG_MULTI_DEFAULT;
	if (concurrency > WPKG_MULTI_MAX)
		concurrency = WPKG_MULTI_MAX;
	/* a batch inside a job (an index's manifests, say) runs in order; its exchanges still share the loop */
	if (n <= 1 || concurrency == 1 || active != NULL)
		return run_sequential(n, fn, payload, err);
	if (concurrency > n)
		concurrency = (unsigned)n;
	if (per_host == 0 || per_host > concurrency)
		per_host = concurrency;
	memset(&s, 0, sizeof(s));
	s.fn = fn;
	s.payload = payload;
	s.multi = curl_multi_init();
	if (s.multi == NULL)
		return wpkg_error_set(err, WPKG_E_NOMEM, "out of memory (curl multi handle)");
	curl_multi_setopt(s.multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)per_host);
	/*
	 * Idle connections are kept for the next wave: curl's default cache is
	 * four per handle in the multi at that moment, which at the tail of a
	 * wave (few handles in) closes warm connections a later wave reopens.
	 * Room for two registries, a token server and a storage host.
	 */
	curl_multi_setopt(s.multi, CURLMOPT_MAXCONNECTS, (long)(4 * per_host));
	curl_multi_setopt(s.multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	rc = slots_init(&s, concurrency, err);
	if (rc < 0)
		goto out;
	active = &s;
	for (;;) {
		for (i = 0; i < s.n_slots && !s.cancel && next < n; i++) {
			if (s.jobs[i].state != JOB_FREE)
				continue;
			rc = job_start(&s, &s.jobs[i], next++, err);
			if (rc < 0) {
				/* nothing failed in a job: stop starting, let the running ones end */
				s.cancel = true;
				break;
			}
		}
		if (running(&s) == 0)
			break;
		if (s.cancel)
			abort_others(&s);
		if (running(&s) == 0)
			break;
		turn(&s);
	}
	active = NULL;
	if (s.failed) {
		rc = s.first_err.code < 0 ? s.first_err.code : WPKG_E_NETWORK;
		if (err)
			*err = s.first_err;
	}
out:
	slots_free(&s);
	curl_multi_cleanup(s.multi);
	return rc;
}

CURL *wpkg_multi_easy(void)
{
	return active != NULL && active->cur != NULL ? active->cur->easy : NULL;
}

CURLcode wpkg_multi_perform(CURL *easy, const char *method)
{
	struct sched *s = active;
	struct job *j = s != NULL ? s->cur : NULL;

	if (j == NULL || easy != j->easy)
		return curl_easy_perform(easy);
	/*
	 * A DELETE cancels an upload; a POST in flight may be opening one, and
	 * aborted it would leave a session the client never learns of.  Both
	 * are short: they finish, and a POST's session is then cancelled.
	 */
	j->let_through = method != NULL && (strcmp(method, "DELETE") == 0 || strcmp(method, "POST") == 0);
	if (s->cancel && strcmp(method ? method : "", "DELETE") != 0)
		return CURLE_ABORTED_BY_CALLBACK;
	curl_easy_setopt(easy, CURLOPT_PRIVATE, (char *)j);
	if (curl_multi_add_handle(s->multi, easy) != CURLM_OK)
		return CURLE_FAILED_INIT;
	j->state = JOB_XFER;
	yield(s, j);
	j->state = JOB_RUNNING;
	return j->cc;
}

void wpkg_multi_sleep(long ms)
{
	struct sched *s = active;
	struct job *j = s != NULL ? s->cur : NULL;
	struct timespec ts;

	if (ms <= 0)
		return;
	if (j != NULL) {
		j->wake_ms = now_ms() + ms;
		j->state = JOB_SLEEP;
		yield(s, j);
		j->state = JOB_RUNNING;
		return;
	}
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

void wpkg_multi_wait(const bool *flag)
{
	struct sched *s = active;
	struct job *j = s != NULL ? s->cur : NULL;

	if (j == NULL || *flag || s->cancel)
		return;
	j->wait_for = flag;
	j->state = JOB_WAIT;
	yield(s, j);
	j->state = JOB_RUNNING;
	j->wait_for = NULL;
}

unsigned wpkg_multi_slots(void)
{
	return active != NULL ? active->n_slots : 0;
}

bool wpkg_multi_cancelled(void)
{
	return active != NULL && active->cur != NULL && active->cancel;
}

void wpkg_multi_unpause(CURL *easy)
{
	struct sched *s = active;
	size_t k;

	if (s == NULL || easy == NULL)
		return;
	for (k = 0; k < s->n_kicks; k++)
		if (s->kicks[k] == easy)
			return;
	if (s->n_kicks < WPKG_MULTI_MAX)
		s->kicks[s->n_kicks++] = easy;
}
