/* SPDX-License-Identifier: Apache-2.0 */
/* unit.h - what the unit tests share: the TAP runner, a temporary directory per test, files in it. */
#ifndef WPKG_UNIT_H
#define WPKG_UNIT_H

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "env.h"
#include "wpkg/buf.h"
#include "wpkg/error.h"
#include "wpkg/fsutil.h"

/* The library reads no environment: a test sets a variable the way wpkg would see it, then
 * hands the environment over as wpkg's main() does. */
static inline void unit_setenv(const char *name, const char *value)
{
	ck_assert_int_eq(setenv(name, value, 1), 0);
	ck_assert_int_eq(cli_env_load(NULL), 0);
}

static inline void unit_unsetenv(const char *name)
{
	ck_assert_int_eq(unsetenv(name), 0);
	ck_assert_int_eq(cli_env_load(NULL), 0);
}

/* The number of rows of a table, as the int tcase_add_loop_test takes. */
#define UNIT_N(a) ((int)(sizeof(a) / sizeof((a)[0])))

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

/* unit_tmp/name, in one of four static buffers used in turn, so one call may hold a few paths at once. */
static inline const char *unit_tmp_path(const char *name)
{
	static char paths[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(paths[i], sizeof(paths[i]), "%s/%s", unit_tmp, name);
	return paths[i];
}

/* Replaces out with the bytes of path (at most 64 MiB); fails the test when it cannot. */
static inline void unit_read_file(struct wpkg_buf *out, const char *path)
{
	struct wpkg_error err = { 0 };

	wpkg_buf_clear(out);
	ck_assert_msg(wpkg_read_file(out, path, (size_t)1 << 26, &err) == 0, "%s: %s", path, err.msg);
}

/* The number of entries of a directory besides . and .. */
static inline int unit_count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
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
