/* SPDX-License-Identifier: Apache-2.0 */
/* opts.c - option structs that grow: copy what the caller's version has, zero the rest. */
#include <string.h>

#include "opts.h"

int wpkg_opts_load(void *dst, size_t dst_size, const void *src, const char *what, struct wpkg_error *err)
{
	size_t src_size = dst_size;

	if (src != NULL)
		memcpy(&src_size, src, sizeof(src_size));
	if (src_size < sizeof(size_t))
		return wpkg_error_set(err, WPKG_E_INVALID, "%s: size is %zu: initialise them with their _INIT macro",
				      what, src_size);
	if (src_size > dst_size)
		return wpkg_error_set(err, WPKG_E_INVALID, "%s: size is %zu, this libwpkg knows %zu bytes: the "
				      "program was built against a newer libwpkg", what, src_size, dst_size);
	memset(dst, 0, dst_size);
	if (src != NULL)
		memcpy(dst, src, src_size);
	memcpy(dst, &dst_size, sizeof(dst_size));
	return 0;
}
