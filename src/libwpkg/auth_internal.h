/* SPDX-License-Identifier: Apache-2.0 */
/* auth_internal.h - registry authentication: WWW-Authenticate, Basic, Bearer tokens and their cache. */
#ifndef WPKG_AUTH_INTERNAL_H
#define WPKG_AUTH_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "wpkg/buf.h"
#include "wpkg/creds.h"
#include "wpkg/error.h"
#include "http_internal.h"

/* ---- pure parsing and formatting (auth_parse.c), unit tested ---- */

struct wpkg_auth_param {
	char *key;      /* lowercase */
	char *value;    /* unquoted, escapes resolved */
};

struct wpkg_challenge {
	char *scheme;   /* lowercase: "basic", "bearer", ... */
	char *token68;  /* NULL unless the challenge carried one */
	struct wpkg_auth_param *params;
	size_t n_params;
};

struct wpkg_challenges {
	struct wpkg_challenge *v;
	size_t n;
};

/*
 * Appends the challenges of one WWW-Authenticate value (RFC 7235: several
 * challenges separated by commas, quoted strings with escapes, any case).
 * Parsing stops at the first malformed part; what came before is kept.
 * Returns the number of challenges added or WPKG_E_NOMEM.
 */
int wpkg_auth_parse_challenges(struct wpkg_challenges *out, const char *value);
void wpkg_challenges_free(struct wpkg_challenges *c);
/* A parameter of c by key (case-insensitive), or NULL. */
const char *wpkg_challenge_param(const struct wpkg_challenge *c, const char *key);
/* The first challenge of that scheme (case-insensitive), or NULL. */
const struct wpkg_challenge *wpkg_challenges_find(const struct wpkg_challenges *c, const char *scheme);

/* A token server's answer: "token" or "access_token", expires_in (default 60) from issued_at or now. */
struct wpkg_token {
	char *token;
	time_t expires_at;
};
int wpkg_auth_parse_token(struct wpkg_token *out, const void *body, size_t len, time_t now, struct wpkg_error *err);
void wpkg_token_clear(struct wpkg_token *t);

/* "repository:REPO:ACTIONS" into a new string. */
char *wpkg_auth_scope(const char *repo, const char *actions);
/* realm with service and one scope= per scope (GET form of the token protocol). Caller frees. */
char *wpkg_auth_token_url(const char *realm, const char *service, const char *const *scopes, size_t n);
/* The OAuth2 refresh-token form: grant_type, service, scope (space-separated), client_id, refresh_token. */
int wpkg_auth_refresh_form(struct wpkg_buf *out, const char *service, const char *const *scopes, size_t n,
			   const char *refresh_token);
/* "Basic base64(user:pass)" into a new string. */
char *wpkg_auth_basic(const char *user, const char *pass);
/* Replaces every occurrence of secret (non-empty) in the NUL-terminated text with "***", in place. */
void wpkg_mask_secret(char *text, const char *secret);
/*
 * Masks in text (server-supplied error text about to be shown) the secrets a
 * knows: the password, base64 of user:password, the identity token and every
 * token it holds.  A server that echoes the Authorization header or the form
 * it was sent must not put them into a CI log.  a may be NULL.
 */
void wpkg_auth_mask(const struct wpkg_auth *a, char *text);
/*
 * True when one of scopes grants everything item ("repository:NAME:a,b")
 * asks for: same type and name, every action present.
 */
bool wpkg_auth_scope_covered(const char *const *scopes, size_t n, const char *item);
/* The cache key of a scope set: the scopes sorted and joined with spaces. Caller frees. */
char *wpkg_auth_scope_key(const char *const *scopes, size_t n);

/* What a token grants short of the scopes it was asked for (auth_grant.c). */
struct wpkg_auth_shortfall {
	char subject[128];   /* the JWT's "sub": who the token server took us for ("" when it did not say) */
	char repo[256];      /* the first scope's name granted less than asked */
	char granted[64];    /* the actions asked and granted there ("pull"; "" for none) */
	char missing[64];    /* the actions asked and not granted ("push") */
};
/*
 * Reads token as a JWT (Docker's token auth) and compares its access claim
 * with scopes ("repository:NAME:pull,push").  True with *out set when some
 * scope got fewer actions than it asked; false when everything was granted
 * or the token is no JWT (opaque: nothing to read).
 */
bool wpkg_auth_grant_shortfall(struct wpkg_auth_shortfall *out, const char *token, const char *const *scopes,
			       size_t n);

/* ---- the authenticator of one registry (auth.c) ---- */

struct wpkg_auth;

/* creds may be NULL (anonymous); they are copied. */
int wpkg_auth_new(struct wpkg_auth **out, const struct wpkg_credentials *creds);
void wpkg_auth_free(struct wpkg_auth *a);

/*
 * The Authorization value for a request needing scopes, or *out NULL when
 * the registry has not asked for any yet.  Once it has asked for Bearer
 * tokens, a missing or expiring token for this scope set is fetched here,
 * saving the 401 round trip.
 */
int wpkg_auth_header(struct wpkg_auth *a, struct wpkg_http *h, const char *const *scopes, size_t n, char **out,
		     struct wpkg_error *err);

/*
 * Handles a 401: learns the challenge from resp's WWW-Authenticate headers
 * and obtains what the next try should send (Basic, or a fresh Bearer token
 * for scopes).  WPKG_E_UNAUTHORIZED when that is impossible or refused.
 */
int wpkg_auth_challenged(struct wpkg_auth *a, struct wpkg_http *h, const struct wpkg_http_resp *resp,
			 const char *const *scopes, size_t n, struct wpkg_error *err);

/*
 * A 401 or 403 (status) after a JWT fetched with credentials granted less
 * than asked: err's registry text is replaced by what the token lacked ("authenticated as
 * USER but the token grants only pull on REPO; ask for push access") and
 * its code becomes WPKG_E_DENIED.  Nothing changes otherwise; a may be NULL.
 */
void wpkg_auth_explain_refusal(const struct wpkg_auth *a, long status, struct wpkg_error *err);

#endif
