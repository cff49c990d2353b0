/* SPDX-License-Identifier: Apache-2.0 */
/* lock.c - bounded waits for an exclusive flock on a directory. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "wpkg/fsutil.h"
#include "lock_internal.h"

#define POLL_MS 10

int wpkg_lock_dir(struct wpkg_lock *l, const char *dir, struct wpkg_error *err)
{
	struct timespec pause = { 0, POLL_MS * 1000000L };
	long waited = 0;
	int fd;

	l->fd = -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return wpkg_error_set(err, errno == ENOENT ? WPKG_E_NOT_FOUND : WPKG_E_IO, "lock %s: %s", dir,
				      strerror(errno));
	/* polled rather than blocking, so that a stuck holder costs a bounded wait and a clear message */
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;

		if (e != EWOULDBLOCK && e != EINTR) {
			close(fd);
			return wpkg_error_set(err, WPKG_E_IO, "lock %s: %s", dir, strerror(e));
		}
		if (waited >= WPKG_LOCK_WAIT_MS) {
			close(fd);
			return wpkg_error_set(err, WPKG_E_IO, "%s: locked by another process for more than %d s; "
					      "try again when it has finished", dir, WPKG_LOCK_WAIT_MS / 1000);
		}
		nanosleep(&pause, NULL);
		waited += POLL_MS;
	}
	l->fd = fd;
	return 0;
}

int wpkg_lock_parent(struct wpkg_lock *l, const char *path, struct wpkg_error *err)
{
	size_t n = (size_t)(wpkg_path_base(path) - path);
	char *dir;
	int rc;

	l->fd = -1;
	dir = n == 0 ? strdup(".") : strndup(path, n);
	if (dir == NULL)
		return wpkg_error_nomem(err);
	rc = wpkg_lock_dir(l, dir, err);
	free(dir);
	return rc;
}

void wpkg_unlock(struct wpkg_lock *l)
{
	if (l->fd >= 0)
		close(l->fd);   /* closing the only descriptor releases the flock */
	l->fd = -1;
}
