/* SPDX-License-Identifier: Apache-2.0 */
/* wasm_world_lists.c - a component's imports and exports as the CNCF config lists them (wit-component's world). */
#include <stdlib.h>
#include <string.h>

#include "wpkg/escape.h"
#include "wpkg/wasm.h"

const char *wpkg_wasm_sort_name(uint8_t sort)
{
	static const char *const names[] = { "module", "func", "value", "type", "component", "instance" };

	return sort < sizeof(names) / sizeof(names[0]) ? names[sort] : "unknown";
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; v != NULL && i < n; i++)
		free(v[i]);
	free(v);
}

/* Copies the names of v whose sort keep() accepts; NULL-terminated. */
static int copy_kept(char ***out, size_t *n_out, char *const *v, const uint8_t *sorts, size_t n,
		     bool (*keep)(uint8_t), struct wpkg_error *err)
{
	char **r = calloc(n + 1, sizeof(*r));
	size_t k = 0;

	if (r == NULL)
		return wpkg_error_nomem(err);
	for (size_t i = 0; i < n; i++) {
		if (sorts != NULL && !keep(sorts[i]))
			continue;
		r[k] = strdup(v[i]);
		if (r[k] == NULL) {
			strv_free(r, k);
			return wpkg_error_nomem(err);
		}
		k++;
	}
	*out = r;
	*n_out = k;
	return 0;
}

/* wit-component's decode_component: instance, function and type imports form the world; the rest is skipped. */
static bool world_import(uint8_t sort)
{
	return sort == WPKG_WASM_SORT_INSTANCE || sort == WPKG_WASM_SORT_FUNC || sort == WPKG_WASM_SORT_TYPE;
}

/* ... and only functions and instances can be exported. */
static bool world_export(uint8_t sort)
{
	return sort == WPKG_WASM_SORT_INSTANCE || sort == WPKG_WASM_SORT_FUNC;
}

int wpkg_wasm_world_lists(const struct wpkg_wasm_info *info, bool lenient, char ***imports, size_t *n_imports,
			  char ***exports, size_t *n_exports, struct wpkg_error *err)
{
	char **im = NULL, **ex = NULL;
	size_t ni = 0, ne = 0;
	int rc;

	if (!info->is_wit_package && !lenient && info->export_sorts != NULL) {
		for (size_t i = 0; i < info->n_exports; i++) {
			char shown[160];

			if (world_export(info->export_sorts[i]))
				continue;
			wpkg_escape(shown, sizeof(shown), info->exports[i], strlen(info->exports[i]), 0);
			return wpkg_error_set(err, WPKG_E_INVALID, "component export `%s` was not a function or instance "
					      "(it is a %s): wit-component cannot describe this component's world; pass "
					      "--lenient to leave the export out of the config", shown,
					      wpkg_wasm_sort_name(info->export_sorts[i]));
		}
	}
	rc = copy_kept(&im, &ni, info->imports, info->import_sorts, info->n_imports, world_import, err);
	if (rc == 0)
		rc = copy_kept(&ex, &ne, info->exports, info->is_wit_package ? NULL : info->export_sorts,
			       info->n_exports, world_export, err);
	if (rc < 0) {
		strv_free(im, ni);
		return rc;
	}
	*imports = im;
	*n_imports = ni;
	*exports = ex;
	*n_exports = ne;
	return 0;
}
