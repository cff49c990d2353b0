/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_scratch.h - one scratch directory per fuzz process, made once on tmpfs (/dev/shm), removed at exit. */
#ifndef WPKG_FUZZ_SCRATCH_H
#define WPKG_FUZZ_SCRATCH_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

/*
 * Targets whose parser reads files write each input into this directory.
 * It is made once, not per input, and lives in memory: a file on disk costs
 * an fsync per atomic write, and a mkdtemp per input a directory each time.
 */
static char fuzz_scratch[256];

static int fuzz_scratch_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* libFuzzer leaves through exit(): the directory goes with it (kept after a crash, for the record). */
static void fuzz_scratch_remove(void)
{
	nftw(fuzz_scratch, fuzz_scratch_rm, 16, FTW_DEPTH | FTW_PHYS);
}

/* The directory, made on first use: /dev/shm/NAME.XXXXXX, else $TMPDIR or /tmp. Aborts if it cannot. */
static const char *fuzz_scratch_dir(const char *name)
{
	struct stat st;
	const char *base = getenv("TMPDIR");

	if (fuzz_scratch[0] != '\0')
		return fuzz_scratch;
	if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode))
		base = "/dev/shm";
	else if (base == NULL || base[0] == '\0')
		base = "/tmp";
	snprintf(fuzz_scratch, sizeof(fuzz_scratch), "%s/%s.XXXXXX", base, name);
	if (mkdtemp(fuzz_scratch) == NULL)
		abort();
	atexit(fuzz_scratch_remove);
	return fuzz_scratch;
}

#endif
