/* SPDX-License-Identifier: Apache-2.0 */
/* creds_helper.c - spawns a docker-credential-NAME helper, talks to it over pipes, reaps it. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "creds_helper.h"
#include "wpkg/settings.h"

extern char **environ;

void wpkg_creds_buf_wipe(struct wpkg_buf *b)
{
	if (b->cap)
		explicit_bzero(b->data, b->cap);
	wpkg_buf_free(b);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * stdin is one end of a socket pair rather than a pipe so that a helper
 * which exits without reading gives EPIPE from send(MSG_NOSIGNAL) instead of
 * a SIGPIPE that would kill the caller; the library must not touch signal
 * dispositions.  The input (a URL or one small JSON document) fits in the
 * socket buffer, so writing it all before reading cannot deadlock.
 */
static int send_input(int fd, const char *input, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, input, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EPIPE ? 0 : -1;
		input += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Reads until EOF, the cap or the deadline: 0, WPKG_E_TOO_LARGE, or WPKG_E_IO
 * with the cause in *sys_errno (ETIMEDOUT at the deadline), for the message.
 */
static int read_output(int fd, struct wpkg_buf *out, long long deadline, int *sys_errno)
{
	char chunk[4096];

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long long left = deadline - now_ms();
		ssize_t n;
		int r;

		if (left <= 0)
			return *sys_errno = ETIMEDOUT, WPKG_E_IO;
		r = poll(&p, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return *sys_errno = errno, WPKG_E_IO;
		if (r == 0)
			return *sys_errno = ETIMEDOUT, WPKG_E_IO;
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return *sys_errno = errno, WPKG_E_IO;
		if (n == 0)
			return 0;
		if (out->len + (size_t)n > WPKG_CREDS_HELPER_OUTPUT_MAX)
			return WPKG_E_TOO_LARGE;
		/* out was sized up front, so this never reallocates and leaves no copy of a secret behind */
		wpkg_buf_put(out, chunk, (size_t)n);
		explicit_bzero(chunk, sizeof(chunk));
	}
}

/* Waits for pid until the deadline, then kills it. The exit status, or -1 after a signal or a kill. */
static int reap(pid_t pid, long long deadline, bool kill_now)
{
	int status;

	if (kill_now)
		kill(pid, SIGKILL);
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		if (now_ms() >= deadline) {
			kill(pid, SIGKILL);
			deadline = now_ms() + 60 * 1000;
			kill_now = true;
		}
		usleep(kill_now ? 1000 : 5000);
	}
}

/*
 * The helper's full path from $PATH, or NULL.  Searched here rather than by
 * posix_spawnp so that "not on PATH" is told apart from a helper that runs
 * and fails, however the C library reports a failed exec.
 */
static char *find_on_path(const char *prog)
{
	const char *path = wpkg_settings_get()->helper_path;
	const char *p = path && path[0] ? path : "/usr/local/bin:/usr/bin:/bin";

	for (;;) {
		size_t n = strcspn(p, ":");
		char *full = NULL;

		if (asprintf(&full, "%.*s/%s", (int)n, n ? p : ".", prog) < 0)
			return NULL;
		if (access(full, X_OK) == 0)
			return full;
		free(full);
		if (p[n] == '\0')
			return NULL;
		p += n + 1;
	}
}

int wpkg_creds_helper_exec(const char *name, const char *action, const char *input, size_t input_len,
			   struct wpkg_buf *out, int *exit_code, struct wpkg_error *err)
{
	posix_spawn_file_actions_t fa;
	bool fa_ready = false;
	int in[2] = { -1, -1 }, outp[2] = { -1, -1 };
	struct wpkg_buf buf = WPKG_BUF_INIT;
	char *prog = NULL, *full = NULL;
	pid_t pid = -1;
	long long deadline;
	int rc = 0, r, status, sys_errno = 0;

	if (name[0] == '\0' || strchr(name, '/') != NULL)
		return wpkg_error_set(err, WPKG_E_INVALID, "credential helper name \"%s\" is not a plain name", name);
	if (asprintf(&prog, "docker-credential-%s", name) < 0) {
		prog = NULL;
		rc = wpkg_error_nomem(err);
		goto out;
	}
	full = find_on_path(prog);
	if (full == NULL) {
		rc = wpkg_error_set(err, WPKG_E_NOT_FOUND, "%s: not found on PATH", prog);
		goto out;
	}
	if (wpkg_buf_grow(&buf, WPKG_CREDS_HELPER_OUTPUT_MAX) < 0) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) < 0 || pipe2(outp, O_CLOEXEC) < 0) {
		rc = wpkg_error_set(err, WPKG_E_IO, "%s: pipe: %s", prog, strerror(errno));
		goto out;
	}
	r = posix_spawn_file_actions_init(&fa);
	if (r == 0) {
		fa_ready = true;
		r = posix_spawn_file_actions_adddup2(&fa, in[1], 0);
	}
	if (r == 0)
		r = posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
	if (r == 0)
		r = posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (r == 0) {
		char verb[16];   /* posix_spawnp wants char *const argv[] */
		snprintf(verb, sizeof(verb), "%s", action);
		char *argv[] = { prog, verb, NULL };
		r = posix_spawn(&pid, full, &fa, NULL, argv, environ);
	}
	if (r != 0) {
		pid = -1;
		rc = wpkg_error_set(err, WPKG_E_IO, "%s: %s", full, strerror(r));
		goto out;
	}
	close(in[1]);
	close(outp[1]);
	in[1] = outp[1] = -1;
	deadline = now_ms() + WPKG_CREDS_HELPER_TIMEOUT_MS;

	if (send_input(in[0], input, input_len) < 0) {
		rc = wpkg_error_set(err, WPKG_E_IO, "%s %s: writing its input: %s", prog, action, strerror(errno));
		goto out;
	}
	close(in[0]);
	in[0] = -1;
	r = read_output(outp[0], &buf, deadline, &sys_errno);
	if (r == WPKG_E_TOO_LARGE)
		rc = wpkg_error_set(err, WPKG_E_TOO_LARGE, "%s %s: output larger than %d bytes", prog, action,
				    WPKG_CREDS_HELPER_OUTPUT_MAX);
	else if (r < 0 && sys_errno == ETIMEDOUT)
		rc = wpkg_error_set(err, WPKG_E_IO, "%s %s: no answer after %d s", prog, action,
				    WPKG_CREDS_HELPER_TIMEOUT_MS / 1000);
	else if (r < 0)
		rc = wpkg_error_set(err, WPKG_E_IO, "%s %s: reading its output: %s", prog, action,
				    strerror(sys_errno));
	status = reap(pid, deadline, rc < 0);
	pid = -1;
	if (rc == 0 && status < 0)
		rc = wpkg_error_set(err, WPKG_E_IO, "%s %s: killed by a signal", prog, action);
	if (rc == 0) {
		*exit_code = status;
		*out = buf;
		wpkg_buf_init(&buf);
	}
out:
	if (pid > 0)
		reap(pid, now_ms(), true);
	if (fa_ready)
		posix_spawn_file_actions_destroy(&fa);
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (outp[i] >= 0)
			close(outp[i]);
	}
	wpkg_creds_buf_wipe(&buf);
	free(full);
	free(prog);
	return rc;
}
