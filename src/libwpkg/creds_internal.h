/* SPDX-License-Identifier: Apache-2.0 */
/* creds_internal.h - what creds.c shares inside libwpkg and with its fuzz target: reading a helper's answer. */
#ifndef WPKG_CREDS_INTERNAL_H
#define WPKG_CREDS_INTERNAL_H

#include "wpkg/buf.h"
#include "wpkg/creds.h"
#include "wpkg/log.h"

/*
 * What a helper's "get" answer (its exit code and stdout, reply) gives for
 * key: 1 with *out set (the caller clears it) when it holds credentials, 0
 * when it had none or its answer is unusable, which is a warning on log
 * (never an error, never a secret).
 */
int wpkg_creds_helper_answer(struct wpkg_credentials *out, const char *helper, const char *key, int code,
			     const struct wpkg_buf *reply, const struct wpkg_log_sink *log);

#endif
