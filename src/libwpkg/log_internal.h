/* SPDX-License-Identifier: Apache-2.0 */
/* log_internal.h - the log sink an object (store, registry client) carries and reports through; not public. */
#ifndef WPKG_LOG_INTERNAL_H
#define WPKG_LOG_INTERNAL_H

#include <stdbool.h>

#include "wpkg/log.h"

/* Where one object's messages go; all zero drops everything. */
struct wpkg_log_sink {
	wpkg_log_fn fn;
	void *payload;
	enum wpkg_log_level min;   /* the least level passed on */
};

/* True when sink (may be NULL) wants messages at level: callers skip building costly ones otherwise. */
bool wpkg_log_on(const struct wpkg_log_sink *sink, enum wpkg_log_level level);
/* Formats and hands one message to sink (may be NULL: dropped). */
void wpkg_log_to(const struct wpkg_log_sink *sink, enum wpkg_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
