/* log.c - the process-wide log sink the front end installs; the library never prints. */
#include <stdarg.h>
#include <stdio.h>

#include "log_internal.h"

static wpkg_log_fn log_fn;
static void *log_payload;
static enum wpkg_log_level log_min = WPKG_LOG_INFO;

void wpkg_log_set_handler(wpkg_log_fn fn, void *payload)
{
	log_fn = fn;
	log_payload = payload;
}

void wpkg_log_set_level(enum wpkg_log_level min_level)
{
	log_min = min_level;
}

int wpkg_log_enabled(enum wpkg_log_level level)
{
	return log_fn != NULL && level >= log_min;
}

void wpkg_log(enum wpkg_log_level level, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	if (!wpkg_log_enabled(level))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_fn(log_payload, level, msg);
}

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
