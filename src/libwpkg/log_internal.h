/* SPDX-License-Identifier: Apache-2.0 */
/* log_internal.h - reporting through an object's log sink (wpkg/log.h); not public. */
#ifndef WPKG_LOG_INTERNAL_H
#define WPKG_LOG_INTERNAL_H

#include <stdbool.h>

#include "wpkg/log.h"

/* True when sink (may be NULL) wants messages at level: callers skip building costly ones otherwise. */
bool wpkg_log_on(const struct wpkg_log_sink *sink, enum wpkg_log_level level);
/* Formats and hands one message to sink (may be NULL: dropped). */
void wpkg_log_to(const struct wpkg_log_sink *sink, enum wpkg_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
