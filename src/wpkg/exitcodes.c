/* SPDX-License-Identifier: Apache-2.0 */
/* exitcodes.c - one place that turns library status codes into process exit statuses. */
#include <stdio.h>
#include <stdlib.h>

#include "wpkg/error.h"
#include "exitcodes.h"

void wpkg_exit_nomem(void)
{
	fputs("wpkg: error: out of memory\n", stderr);
	exit(WPKG_EXIT_FAILURE);
}

int wpkg_exit_for_status(int status)
{
	switch (status) {
	case WPKG_OK:
		return WPKG_EXIT_OK;
	case WPKG_E_INVALID:
	case WPKG_E_UNSUPPORTED:
	case WPKG_E_TOO_LARGE:
		return WPKG_EXIT_BAD_INPUT;
	case WPKG_E_NOT_FOUND:
		return WPKG_EXIT_NOT_FOUND;
	case WPKG_E_UNAUTHORIZED:
	case WPKG_E_DENIED:
		return WPKG_EXIT_AUTH;
	case WPKG_E_DIGEST:
		return WPKG_EXIT_INTEGRITY;
	case WPKG_E_NETWORK:
	case WPKG_E_PROTOCOL:
	case WPKG_E_TOO_MANY_REQUESTS:
		return WPKG_EXIT_NETWORK;
	default:
		/* WPKG_E_NOMEM, WPKG_E_IO, WPKG_E_EXISTS and anything unknown */
		return WPKG_EXIT_FAILURE;
	}
}
