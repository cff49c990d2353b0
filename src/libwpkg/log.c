/* SPDX-License-Identifier: Apache-2.0 */
/* log.c - hands messages to the sink of the object that has something to say; the library never prints. */
#include <stdarg.h>
#include <stdio.h>

#include "log_internal.h"

bool wpkg_log_on(const struct wpkg_log_sink *sink, enum wpkg_log_level level)
{
	return sink != NULL && sink->fn != NULL && level >= sink->min;
}

void wpkg_log_to(const struct wpkg_log_sink *sink, enum wpkg_log_level level, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	if (!wpkg_log_on(sink, level))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sink->fn(sink->payload, level, msg);
}
