/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/error.h - status codes and the error record every libwpkg call fills. */
#ifndef WPKG_ERROR_H
#define WPKG_ERROR_H

#include <stddef.h>

#include "wpkg/common.h"

WPKG_BEGIN_DECL

/*
 * Every fallible libwpkg function returns 0 on success or one of these
 * negative codes (WPKG_E_FIRST..WPKG_E_LAST, far below any -errno, which never
 * travels in this channel: a system error becomes WPKG_E_IO with strerror in
 * the message; see docs/errors-and-ownership.md), and fills the caller's struct wpkg_error (which may be NULL
 * when the caller does not care about the message).  The front end maps the
 * code to an exit status; the message is what the user reads.
 */
enum wpkg_status {
	WPKG_OK = 0,
	WPKG_E_NOMEM = -1001,        /* out of memory */
	WPKG_E_IO = -1002,           /* local file system or pipe failure */
	WPKG_E_INVALID = -1003,      /* bad input: wasm, JSON, reference, argument value */
	WPKG_E_NOT_FOUND = -1004,    /* repository, tag, manifest, blob or file missing */
	WPKG_E_UNAUTHORIZED = -1005, /* credentials missing or refused */
	WPKG_E_DENIED = -1006,       /* authenticated but not allowed */
	WPKG_E_DIGEST = -1007,       /* integrity: bytes do not match their digest or size */
	WPKG_E_UNSUPPORTED = -1008,  /* media type, algorithm or feature we do not handle */
	WPKG_E_TOO_LARGE = -1009,    /* a document or entry over its size cap */
	WPKG_E_NETWORK = -1010,     /* connect, TLS, timeout, dropped connection, 5xx after retries */
	WPKG_E_PROTOCOL = -1011,    /* the server answered something the spec does not allow */
	WPKG_E_TOO_MANY_REQUESTS = -1012, /* 429 after every retry */
	WPKG_E_EXISTS = -1013,      /* something that must not exist already does */
};

/* The range of the codes above, for checks that a value is a wpkg status and not an errno. */
#define WPKG_E_FIRST WPKG_E_EXISTS
#define WPKG_E_LAST WPKG_E_NOMEM

#define WPKG_ERROR_MSG_MAX 1024

struct wpkg_error {
	int code;                       /* one of enum wpkg_status */
	char msg[WPKG_ERROR_MSG_MAX];   /* one line, no trailing newline, no "error:" prefix */
};

/* Records code and a printf-style message in err (if err is not NULL). Returns code. */
WPKG_API int wpkg_error_set(struct wpkg_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Prefixes the message already in err with context: "ctx: old message".
 * Returns err->code (or WPKG_E_IO when err is NULL) so callers can write
 * "return wpkg_error_wrap(err, "push %s", ref);".
 */
WPKG_API int wpkg_error_wrap(struct wpkg_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Records WPKG_E_NOMEM, "out of memory", in err (if not NULL). Returns WPKG_E_NOMEM. */
WPKG_API int wpkg_error_nomem(struct wpkg_error *err);

/* Clears err to WPKG_OK and an empty message. */
WPKG_API void wpkg_error_clear(struct wpkg_error *err);

/* A short constant name for a status code ("not found", "unauthorized", ...). */
WPKG_API const char *wpkg_status_str(int code);

WPKG_END_DECL

#endif
