/* SPDX-License-Identifier: Apache-2.0 */
/* global.c - once-per-process set-up: libcurl's global state, counted so calls can nest. */
#include <curl/curl.h>

#include "wpkg/global.h"

/* Like curl_global_init itself this is not thread-safe: the caller runs it before starting threads. */
static unsigned init_count;

int wpkg_global_init(struct wpkg_error *err)
{
	if (init_count == 0 && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return wpkg_error_set(err, WPKG_E_NETWORK, "cannot initialise libcurl");
	init_count++;
	return 0;
}

void wpkg_global_cleanup(void)
{
	if (init_count == 0)
		return;
	if (--init_count == 0)
		curl_global_cleanup();
}
