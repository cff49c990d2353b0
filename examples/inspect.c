/* SPDX-License-Identifier: Apache-2.0 */
/* inspect.c - example: what a Wasm file is (kind, imports, exports, digest), through libwpkg's installed API. */
#include <stdio.h>

#include <wpkg/wpkg.h>

/*
 * Build against an installed libwpkg:
 *   cc -o inspect inspect.c $(pkg-config --cflags --libs wpkg)
 * Run:
 *   ./inspect FILE.wasm
 * Prints "kind", "os", "sha256:HEX", then one "import NAME" / "export NAME"
 * line each, in the binary's order.  Exits 1 on an unreadable or malformed file.
 */
int main(int argc, char **argv)
{
	struct wpkg_error err = { 0 };
	struct wpkg_wasm_info *info = NULL;
	int status = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: %s FILE.wasm\n", argv[0]);
		return 2;
	}
	if (wpkg_global_init(&err) < 0) {
		fprintf(stderr, "inspect: %s\n", err.msg);
		return 1;
	}
	if (wpkg_wasm_inspect_file(&info, argv[1], WPKG_WASM_HASH_FILE, &err) < 0) {
		fprintf(stderr, "inspect: %s\n", err.msg);
		goto out;
	}
	printf("kind %s\n", wpkg_wasm_kind_name(info->kind));
	printf("os %s\n", wpkg_wasm_os(info->kind));
	printf("digest sha256:%s\n", info->sha256);
	printf("size %llu\n", (unsigned long long)info->size);
	for (size_t i = 0; i < info->n_imports; i++)
		printf("import %s\n", info->imports[i]);
	for (size_t i = 0; i < info->n_exports; i++)
		printf("export %s\n", info->exports[i]);
	status = ferror(stdout) ? 1 : 0;
out:
	wpkg_wasm_info_free(info);
	wpkg_global_cleanup();
	return status;
}
