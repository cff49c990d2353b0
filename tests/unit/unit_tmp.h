/* unit_tmp.h - a fresh temporary directory per Check test and the TAP runner, for the unit tests. */
#ifndef WPKG_UNIT_TMP_H
#define WPKG_UNIT_TMP_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>

#include <check.h>

/* The current test's directory: made by unit_tmp_make, removed with its contents by unit_tmp_remove. */
static char unit_tmp[256];

static inline int unit_tmp_rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static inline void unit_tmp_make(const char *name)
{
	const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";

	snprintf(unit_tmp, sizeof(unit_tmp), "%s/%s.XXXXXX", base, name);
	ck_assert_ptr_nonnull(mkdtemp(unit_tmp));
}

static inline void unit_tmp_remove(void)
{
	nftw(unit_tmp, unit_tmp_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Runs s with TAP on stdout (meson's protocol); the exit status of main. */
static inline int unit_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_set_tap(sr, "-");
	srunner_run_all(sr, CK_SILENT);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

#endif
