/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_credhelper.c - libFuzzer target: a docker-credential-helper's "get" answer (exit status + stdout), in memory. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../../src/libwpkg/creds_helper.h"
#include "../../src/libwpkg/creds_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The only notes the answer can cause, for helper "fuzz" and key "r.example": never a byte of what it said. */
static void log_line(void *payload, enum wpkg_log_level level, const char *msg)
{
	static const char *const fixed[] = {
		"credential helper docker-credential-fuzz get r.example: answer is not {\"Username\", \"Secret\"} "
		"JSON; continuing without it",
		"credentials for r.example from docker-credential-fuzz",
	};
	char status[160];

	(void)level;
	snprintf(status, sizeof(status), "credential helper docker-credential-fuzz get r.example: exit status %d; "
		 "continuing without it", *(int *)payload);
	if (strcmp(msg, fixed[0]) != 0 && strcmp(msg, fixed[1]) != 0 && strcmp(msg, status) != 0)
		__builtin_trap();
}

static int same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wpkg_credentials c = { 0 };
	struct wpkg_buf reply = WPKG_BUF_INIT;
	struct wpkg_log_sink log;
	const char *user = NULL, *secret = NULL, *token = NULL;
	json_t *doc = NULL;
	int code, found;

	if (size < 1)
		return 0;
	/* the first byte is the exit status (even: 0), the rest the helper's stdout */
	code = data[0] & 1 ? data[0] >> 1 : 0;
	log = (struct wpkg_log_sink){ log_line, &code, WPKG_LOG_DEBUG };
	if (wpkg_buf_put(&reply, data + 1, size - 1) < 0)
		abort();
	found = wpkg_creds_helper_answer(&c, "fuzz", "r.example", code, &reply, &log);
	/* independently: a 0 exit with {"Username": s, "Secret": s}; "<token>" makes the secret a token */
	if (code == 0)
		doc = json_loadb((const char *)data + 1, size - 1, 0, NULL);
	if (json_unpack(doc, "{s:s, s:s}", "Username", &user, "Secret", &secret) < 0)
		user = secret = NULL;
	if (user != NULL && strcmp(user, "<token>") == 0) {
		token = secret;
		user = secret = NULL;
	}
	/* empty strings are not kept */
	user = user != NULL && user[0] != '\0' ? user : NULL;
	secret = secret != NULL && secret[0] != '\0' ? secret : NULL;
	token = token != NULL && token[0] != '\0' ? token : NULL;
	if (found != (user != NULL || secret != NULL || token != NULL) || !same(c.username, user) ||
	    !same(c.password, secret) || !same(c.identity_token, token) || c.bearer_token != NULL)
		__builtin_trap();
	json_decref(doc);
	wpkg_credentials_clear(&c);
	wpkg_creds_buf_wipe(&reply);
	return 0;
}
