/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/log.h - how the library reports what it does without printing anything itself. */
#ifndef WPKG_LOG_H
#define WPKG_LOG_H

#include <stdint.h>

#include "wpkg/common.h"

WPKG_BEGIN_DECL

enum wpkg_log_level {
	WPKG_LOG_DEBUG = 0,  /* shown with --debug: HTTP exchanges (credentials already masked) */
	WPKG_LOG_INFO = 1,   /* shown unless -q */
	WPKG_LOG_WARN = 2,   /* always shown: "wpkg: warning: ..." */
};

typedef void (*wpkg_log_fn)(void *payload, enum wpkg_log_level level, const char *msg);

/*
 * Where one object's messages go (a store and its registry client, a
 * packer, a credential lookup): fn with payload for every message at min or
 * above.  There is no process-wide sink; all zero drops everything.  The
 * sink is copied; fn and payload must outlive the object.
 */
struct wpkg_log_sink {
	wpkg_log_fn fn;
	void *payload;
	enum wpkg_log_level min;
};

/*
 * Progress of one blob transfer.  id is the blob's digest, done/total are
 * bytes (total 0 when unknown).  Called often; the front end draws the bars.
 */
typedef void (*wpkg_progress_fn)(void *payload, const char *id, uint64_t done, uint64_t total);

/*
 * What a blob transfer is, told before it starts: id is the digest the
 * progress callback will report it under, label the file's title (its
 * org.opencontainers.image.title), else its media type.
 */
typedef void (*wpkg_progress_label_fn)(void *payload, const char *id, const char *label);

WPKG_END_DECL

#endif
