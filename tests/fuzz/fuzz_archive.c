/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_archive.c - libFuzzer target: any bytes opened as an oci-archive, which must never write outside its sandbox. */
#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wpkg/settings.h"
#include "wpkg/fsutil.h"
#include "wpkg/store.h"

#include "fuzz_scratch.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The sandbox: ROOT/a/b holds the input (in.tar) and, as TMPDIR, the
 * extraction directories (tmp/).  An entry that escaped by "..", an absolute
 * name or a link would leave something in tmp/, b, a or ROOT, which are
 * checked to hold exactly what we put there after every input.
 */
static char root[256], dir_a[300], dir_b[320], dir_tmp[340], input[340];

/* True when dir holds exactly the names in want (NULL-terminated). */
static bool holds_only(const char *dir, const char *const *want)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0, i;
	bool ok = d != NULL;

	while (ok && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		for (i = 0; want[i] != NULL && strcmp(want[i], e->d_name) != 0; i++)
			;
		ok = want[i] != NULL;
		n++;
	}
	if (d != NULL)
		closedir(d);
	for (i = 0; want[i] != NULL; i++)
		;
	return ok && n == i;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct wpkg_settings settings = { 0 };

	(void)argc;
	(void)argv;
	snprintf(root, sizeof(root), "%s", fuzz_scratch_dir("fuzz_archive"));
	snprintf(dir_a, sizeof(dir_a), "%s/a", root);
	snprintf(dir_b, sizeof(dir_b), "%s/b", dir_a);
	snprintf(dir_tmp, sizeof(dir_tmp), "%s/tmp", dir_b);
	snprintf(input, sizeof(input), "%s/in.tar", dir_b);
	if (wpkg_mkdir_p(dir_tmp, 0700, NULL) < 0)
		abort();
	settings.tmpdir = dir_tmp;
	if (wpkg_settings_set(&settings, NULL) < 0)
		abort();
	return 0;
}

/* What a command does next with an archive that opened: list tags, read the first tag's manifest. */
static void use_store(struct wpkg_store *s)
{
	struct wpkg_buf body = WPKG_BUF_INIT;
	struct wpkg_digest d;
	char **tags = NULL, *mt = NULL;
	size_t n = 0, i;

	if (wpkg_store_tags(s, &tags, &n, NULL) < 0)
		return;
	if (n > 0 && wpkg_store_manifest_get(s, tags[0], &body, &mt, &d, NULL) == 0 &&
	    body.len > WPKG_DOC_MAX)
		__builtin_trap();
	for (i = 0; i < n; i++)
		free(tags[i]);
	free(tags);
	free(mt);
	wpkg_buf_free(&body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const in_root[] = { "a", NULL }, *const in_a[] = { "b", NULL };
	static const char *const in_b[] = { "in.tar", "tmp", NULL }, *const in_tmp[] = { NULL };
	struct wpkg_ref ref = { .transport = WPKG_TRANSPORT_OCI_ARCHIVE, .path = input };
	struct wpkg_store_opts opts = { .size = sizeof(opts), .max_entry_size = 1u << 20, .max_entries = 64 };
	struct wpkg_store *s = NULL;
	int fd = open(input, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	/* in place, not temp + rename: nothing else reads it meanwhile */
	if (fd < 0 || write(fd, data, size) != (ssize_t)size || close(fd) != 0)
		abort();
	/* both ways an archive is opened: read in place (what tags, inspect and pull do), then extracted to change */
	for (int read_only = 1; read_only >= 0; read_only--) {
		opts.read_only = read_only;
		if (wpkg_store_open(&s, &ref, &opts, NULL) == 0) {
			use_store(s);
			wpkg_store_close(s);
		}
	}
	if (!holds_only(root, in_root) || !holds_only(dir_a, in_a) || !holds_only(dir_b, in_b) ||
	    !holds_only(dir_tmp, in_tmp))
		__builtin_trap();
	return 0;
}
