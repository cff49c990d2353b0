/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/tempreg.h - every temporary file and directory wpkg has made, for removal on a fatal signal. */
#ifndef WPKG_TEMPREG_H
#define WPKG_TEMPREG_H

#include <stdbool.h>

#include "wpkg/common.h"

WPKG_BEGIN_DECL

/*
 * The library registers each temporary it creates (atomic-write files, layer
 * and blob files in $TMPDIR, an archive's extraction directory) right after
 * creating it and drops it once it is renamed into place or removed.  A front
 * end that handles SIGINT/SIGTERM/SIGHUP calls wpkg_tempreg_remove_all from
 * its handler, then re-raises the signal.
 *
 * The table holds WPKG_TEMPREG_MAX entries; a temporary beyond that is not
 * covered (wpkg_tempreg_add returns -1) but still works.
 */
#define WPKG_TEMPREG_MAX 16384

/* Registers path (copied); dir: a directory to remove with everything in it. 0, or -1 (no memory, table full). */
WPKG_API int wpkg_tempreg_add(const char *path, bool dir);
/* Forgets path (it was renamed into place or removed). Harmless for a path never registered. */
WPKG_API void wpkg_tempreg_drop(const char *path);
/*
 * Removes every registered temporary.  Async-signal-safe (only unlink,
 * unlinkat, openat, getdents64, close); it frees nothing, the process is about
 * to end.
 */
WPKG_API void wpkg_tempreg_remove_all(void);

WPKG_END_DECL

#endif
