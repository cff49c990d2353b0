/* SPDX-License-Identifier: Apache-2.0 */
/* tempreg.c - the table of live temporaries, removable from a signal handler. */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "wpkg/tempreg.h"

/* A directory tree deeper than this is not wpkg's (a layout is blobs/sha256/HEX). */
#define TREE_DEPTH_MAX 8

/*
 * Slots are written by the main flow and read by a signal handler: a path
 * pointer is published only once the string is complete, and unpublished
 * before it is freed, so the handler sees either a whole path or none.
 */
static char *volatile slots[WPKG_TEMPREG_MAX];
static volatile sig_atomic_t slot_dir[WPKG_TEMPREG_MAX];
static volatile sig_atomic_t high;     /* slots [0, high) may be in use */

int wpkg_tempreg_add(const char *path, bool dir)
{
	char *copy = strdup(path);
	int i;

	if (copy == NULL)
		return -1;
	for (i = 0; i < WPKG_TEMPREG_MAX; i++) {
		if (slots[i] != NULL)
			continue;
		slot_dir[i] = dir;
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		slots[i] = copy;
		if (i >= high)
			high = i + 1;
		return 0;
	}
	free(copy);
	return -1;
}

void wpkg_tempreg_drop(const char *path)
{
	int i;

	for (i = 0; i < high; i++) {
		char *p = slots[i];

		if (p == NULL || strcmp(p, path) != 0)
			continue;
		slots[i] = NULL;
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		free(p);
		return;
	}
}

/* Empties directory fd (then closed) and everything in it; no allocation, no stdio. */
static void empty_dir_fd(int fd, int depth)
{
	char buf[4096] __attribute__((aligned(8)));
	long n;

	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		long off = 0;

		while (off < n) {
			/* struct linux_dirent64: ino 8, off 8, reclen 2, type 1, name */
			unsigned short reclen;
			unsigned char type;
			const char *name = buf + off + 19;

			memcpy(&reclen, buf + off + 16, sizeof(reclen));
			type = (unsigned char)buf[off + 18];
			off += reclen;
			if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0')))
				continue;
			if (type == DT_DIR && depth < TREE_DEPTH_MAX) {
				int sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

				if (sub >= 0)
					empty_dir_fd(sub, depth + 1);
				unlinkat(fd, name, AT_REMOVEDIR);
			} else {
				unlinkat(fd, name, 0);
			}
		}
	}
	close(fd);
}

void wpkg_tempreg_remove_all(void)
{
	int i;

	for (i = 0; i < high; i++) {
		const char *p = slots[i];

		if (p == NULL)
			continue;
		if (slot_dir[i]) {
			int fd = open(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (fd >= 0)
				empty_dir_fd(fd, 0);
			rmdir(p);
		} else {
			unlink(p);
		}
	}
}
