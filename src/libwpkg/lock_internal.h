/* SPDX-License-Identifier: Apache-2.0 */
/* lock_internal.h - advisory locks (flock) around read-modify-writes of shared files. */
#ifndef WPKG_LOCK_INTERNAL_H
#define WPKG_LOCK_INTERNAL_H

#include "wpkg/error.h"

/* How long a lock is waited for before giving up with WPKG_E_IO (a holder is doing local work only). */
#define WPKG_LOCK_WAIT_MS 120000

struct wpkg_lock {
	int fd;         /* -1 when not held */
};

#define WPKG_LOCK_INIT { -1 }

/*
 * Takes an exclusive flock on directory dir, waiting at most WPKG_LOCK_WAIT_MS.
 * The directory (not the file) is locked because the files in it are replaced
 * by rename: a lock on the old inode would protect nothing.  Whoever holds the
 * lock must re-read what it is going to rewrite.
 */
int wpkg_lock_dir(struct wpkg_lock *l, const char *dir, struct wpkg_error *err);
/* The directory that holds path ("." for a bare name), locked as wpkg_lock_dir does. */
int wpkg_lock_parent(struct wpkg_lock *l, const char *path, struct wpkg_error *err);
/* Releases the lock; harmless on one not held. */
void wpkg_unlock(struct wpkg_lock *l);

#endif
