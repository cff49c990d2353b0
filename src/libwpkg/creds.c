/* SPDX-License-Identifier: Apache-2.0 */
/* creds.c - registry credentials in Docker's config.json, its credential helpers and containers' auth.json. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "wpkg/creds.h"
#include "wpkg/fsutil.h"
#include "wpkg/settings.h"
#include "log_internal.h"
#include "creds_helper.h"
#include "lock_internal.h"

/* Docker Hub's historical key, used by docker login for every name Hub answers to. */
#define HUB_KEY "https://index.docker.io/v1/"
/* What a credential helper puts in Username when Secret is an identity token. */
#define TOKEN_USERNAME "<token>"
/* config.json and auth.json are small; a bigger one is a mistake, not something to parse. */
#define CONFIG_MAX (1024 * 1024)
/* DNS names, IPv4, bracketed IPv6 and a port: nothing that could smuggle a path, user or query. */
#define HOST_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:[]"

static bool is_hub(const char *h, size_t n)
{
	static const char *const names[] = { "docker.io", "index.docker.io", "registry-1.docker.io" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == n && strncasecmp(h, names[i], n) == 0)
			return true;
	return false;
}

/*
 * The host a config key (or a REGISTRY argument) names: "host",
 * "https://host", "http://host", each optionally followed by "/", "/v1/" or
 * "/v2/" (with or without the last slash).  Any other path names something
 * else (podman's per-repository keys) and does not match a host.
 */
static bool key_host(const char *key, const char **host, size_t *len)
{
	const char *p = key, *end;

	if (strncasecmp(p, "https://", 8) == 0)
		p += 8;
	else if (strncasecmp(p, "http://", 7) == 0)
		p += 7;
	end = p + strcspn(p, "/");
	if (end == p)
		return false;
	if (*end != '\0' && strcmp(end, "/") != 0 && strcmp(end, "/v1") != 0 && strcmp(end, "/v1/") != 0 &&
	    strcmp(end, "/v2") != 0 && strcmp(end, "/v2/") != 0)
		return false;
	*host = p;
	*len = (size_t)(end - p);
	return true;
}

static bool key_matches(const char *key, const char *host)
{
	const char *h;
	size_t n;

	if (!key_host(key, &h, &n))
		return false;
	if (is_hub(h, n))
		return is_hub(host, strlen(host));
	return strlen(host) == n && strncasecmp(h, host, n) == 0;
}

const char *wpkg_creds_key(const char *registry)
{
	return is_hub(registry, strlen(registry)) ? HUB_KEY : registry;
}

/* Frees a string that may hold a secret, zeroing it first. */
static void wipe_free(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

void wpkg_credentials_clear(struct wpkg_credentials *c)
{
	wipe_free(c->username);
	wipe_free(c->password);
	wipe_free(c->identity_token);
	wipe_free(c->bearer_token);
	c->username = c->password = c->identity_token = c->bearer_token = NULL;
}

/* Fills c with copies; NULL and "" leave a field empty. */
static int creds_set(struct wpkg_credentials *c, const char *user, const char *pass, const char *token,
		     struct wpkg_error *err)
{
	const char *src[] = { user, pass, token };
	char **dst[] = { &c->username, &c->password, &c->identity_token };

	for (size_t i = 0; i < 3; i++) {
		if (src[i] == NULL || src[i][0] == '\0')
			continue;
		*dst[i] = strdup(src[i]);
		if (*dst[i] == NULL) {
			wpkg_credentials_clear(c);
			return wpkg_error_nomem(err);
		}
	}
	return 0;
}

int wpkg_creds_host(char **out, const char *registry, struct wpkg_error *err)
{
	const char *h;
	size_t n;
	char *s;

	if (!key_host(registry, &h, &n) || strspn(h, HOST_CHARS) < n)
		return wpkg_error_set(err, WPKG_E_INVALID, "invalid registry \"%s\": expected HOST[:PORT]", registry);
	s = strndup(h, n);
	if (s == NULL)
		return wpkg_error_nomem(err);
	for (char *p = s; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	*out = s;
	return 0;
}

static int home_path(char **out, const char *rel, struct wpkg_error *err)
{
	const char *home = wpkg_settings_get()->creds.home;

	if (home == NULL || home[0] == '\0') {
		struct passwd *pw = getpwuid(getuid());
		home = pw ? pw->pw_dir : NULL;
	}
	if (home == NULL)
		return wpkg_error_set(err, WPKG_E_NOT_FOUND, "no home directory to find %s in", rel);
	*out = wpkg_path_join(home, rel);
	return *out ? 0 : wpkg_error_nomem(err);
}

/* The settings' auth_file, else $DOCKER_CONFIG/config.json, else ~/.docker/config.json. Caller frees. */
static int docker_config_path(char **out, struct wpkg_error *err)
{
	const char *dir = wpkg_settings_get()->creds.docker_config, *only = wpkg_settings_get()->auth_file;

	if (only != NULL && only[0] != '\0') {
		*out = strdup(only);
		return *out ? 0 : wpkg_error_nomem(err);
	}
	if (dir == NULL || dir[0] == '\0')
		return home_path(out, ".docker/config.json", err);
	*out = wpkg_path_join(dir, "config.json");
	return *out ? 0 : wpkg_error_nomem(err);
}

/* $REGISTRY_AUTH_FILE, else $XDG_RUNTIME_DIR/containers/auth.json; *out NULL when neither is set. */
static int auth_json_path(char **out, struct wpkg_error *err)
{
	const char *file = wpkg_settings_get()->creds.registry_auth_file;
	const char *run = wpkg_settings_get()->creds.xdg_runtime_dir;

	*out = NULL;
	/* one file named by the caller is the only one read */
	if (wpkg_settings_get()->auth_file != NULL && wpkg_settings_get()->auth_file[0] != '\0')
		return 0;
	if (file != NULL && file[0] != '\0')
		*out = strdup(file);
	else if (run != NULL && run[0] != '\0')
		*out = wpkg_path_join(run, "containers/auth.json");
	else
		return 0;
	return *out ? 0 : wpkg_error_nomem(err);
}

/*
 * Parses a credentials file.  A missing file is no error (*out = NULL).
 * Duplicate keys are accepted (last wins) because Docker accepts them and
 * refusing a file docker uses happily would only strand the user.
 */
static int load_json(json_t **out, const char *path, struct wpkg_error *err)
{
	struct wpkg_buf text = WPKG_BUF_INIT;
	json_error_t jerr;
	json_t *doc = NULL;
	int rc;

	*out = NULL;
	rc = wpkg_read_file(&text, path, CONFIG_MAX, err);
	if (rc == WPKG_E_NOT_FOUND) {
		rc = 0;
		goto out;
	}
	if (rc < 0)
		goto out;
	doc = json_loadb(text.data, text.len, 0, &jerr);
	if (doc == NULL) {
		/* jansson's text quotes the bytes "near" the fault, which may be a secret: keep the reason only */
		char *near = strstr(jerr.text, " near ");
		if (near != NULL)
			*near = '\0';
		rc = wpkg_error_set(err, WPKG_E_INVALID, "%s: invalid JSON at line %d, column %d: %s", path, jerr.line,
				    jerr.column, jerr.text);
		goto out;
	}
	if (!json_is_object(doc)) {
		rc = wpkg_error_set(err, WPKG_E_INVALID, "%s: not a JSON object", path);
		goto out;
	}
	*out = doc;
	doc = NULL;
out:
	json_decref(doc);
	wpkg_creds_buf_wipe(&text);
	return rc;
}

/* doc[name] as an object: NULL when absent, WPKG_E_INVALID when it is something else. */
static int get_object(json_t **out, json_t *doc, const char *name, const char *path, struct wpkg_error *err)
{
	json_t *v = doc ? json_object_get(doc, name) : NULL;

	if (v != NULL && !json_is_object(v))
		return wpkg_error_set(err, WPKG_E_INVALID, "%s: \"%s\" is not an object", path, name);
	*out = v;
	return 0;
}

/* The entry of obj for host: its exact key first, then any spelling of the same host. */
static json_t *find_entry(json_t *obj, const char *host, const char **key_out)
{
	const char *key = wpkg_creds_key(host), *k;
	json_t *found, *v;

	if (obj == NULL)
		return NULL;
	found = json_object_get(obj, key);
	if (found == NULL) {
		json_object_foreach(obj, k, v) {
			if (key_matches(k, host)) {
				found = v;
				key = k;
				break;
			}
		}
	}
	if (found != NULL && key_out != NULL)
		*key_out = key;
	return found;
}

/* credHelpers[host], else credsStore: the helper that owns host's secrets, or NULL. */
static const char *helper_for(json_t *doc, const char *host)
{
	json_t *helpers = json_object_get(doc, "credHelpers");
	json_t *v = json_is_object(helpers) ? find_entry(helpers, host, NULL) : NULL;

	if (!json_is_string(v) || json_string_length(v) == 0)
		v = json_object_get(doc, "credsStore");
	if (!json_is_string(v) || json_string_length(v) == 0)
		return NULL;
	return json_string_value(v);
}

/* "auth": base64 of "user:password"; the password may itself hold ':'. */
static int decode_auth(struct wpkg_credentials *c, const char *b64, const char *token, struct wpkg_error *err)
{
	size_t n = strlen(b64), pad = 0;
	unsigned char *raw = NULL;
	char *colon;
	int len, rc;

	if (n % 4 != 0 || n > INT_MAX)
		return WPKG_E_INVALID;
	raw = malloc(n / 4 * 3 + 1);
	if (raw == NULL)
		return wpkg_error_nomem(err);
	len = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)n);
	while (pad < 2 && n > pad && b64[n - 1 - pad] == '=')
		pad++;
	if (len < 0 || (size_t)len < pad) {
		rc = WPKG_E_INVALID;
		goto out;
	}
	len -= (int)pad;   /* EVP_DecodeBlock counts the padding as zero bytes */
	raw[len] = '\0';
	colon = strchr((char *)raw, ':');
	if (colon == NULL || memchr(raw, '\0', (size_t)len) != NULL) {
		rc = WPKG_E_INVALID;
		goto out;
	}
	*colon = '\0';
	rc = creds_set(c, (char *)raw, colon + 1, token, err);
out:
	explicit_bzero(raw, n / 4 * 3 + 1);
	free(raw);
	return rc;
}

/* Reads one auths entry into *out: 1 found, 0 holds no secret ("{}" left by a helper), or an error. */
static int entry_creds(struct wpkg_credentials *out, json_t *entry, const char *path, const char *key,
		       struct wpkg_error *err)
{
	const char *auth = NULL, *user = NULL, *pass = NULL, *token = NULL;
	struct wpkg_credentials c = { 0 };
	json_error_t jerr;
	int rc;

	if (json_unpack_ex(entry, &jerr, 0, "{s?s, s?s, s?s, s?s}", "auth", &auth, "username", &user,
			   "password", &pass, "identitytoken", &token) < 0)
		return wpkg_error_set(err, WPKG_E_INVALID, "%s: auths[\"%s\"]: %s", path, key, jerr.text);
	if (auth != NULL && auth[0] != '\0') {
		rc = decode_auth(&c, auth, token, err);
		if (rc == WPKG_E_INVALID)
			rc = wpkg_error_set(err, rc, "%s: auths[\"%s\"].auth: not base64 of \"user:password\"", path, key);
	} else {
		rc = creds_set(&c, user, pass, token, err);
	}
	if (rc < 0)
		return rc;
	if (c.username == NULL && c.password == NULL && c.identity_token == NULL)
		return 0;
	*out = c;
	return 1;
}

/* The first line of text: did a helper say it has nothing (its "credentials not found in ..." message)? */
static bool says_not_found(const char *text)
{
	while (isspace((unsigned char)*text))
		text++;
	return strncmp(text, "credentials not found", 21) == 0;
}

/* Asks helper for key: 1 found, 0 nothing.  Every failure is a warning, never an error. */
static int helper_get(struct wpkg_credentials *out, const char *helper, const char *key,
		      const struct wpkg_log_sink *log)
{
	struct wpkg_buf reply = WPKG_BUF_INIT;
	struct wpkg_error e = { 0 };
	const char *user = NULL, *secret = NULL;
	json_t *doc = NULL;
	int code, found = 0;

	if (wpkg_creds_helper_exec(helper, "get", key, strlen(key), &reply, &code, &e) < 0) {
		wpkg_log_to(log, WPKG_LOG_WARN, "credential helper for %s: %s; continuing without it", key, e.msg);
		goto out;
	}
	if (code != 0) {
		if (!says_not_found(reply.data))
			wpkg_log_to(log, WPKG_LOG_WARN, "credential helper docker-credential-%s get %s: exit status %d; "
				 "continuing without it", helper, key, code);
		goto out;
	}
	doc = json_loadb(reply.data, reply.len, 0, NULL);
	if (json_unpack(doc, "{s:s, s:s}", "Username", &user, "Secret", &secret) < 0) {
		wpkg_log_to(log, WPKG_LOG_WARN, "credential helper docker-credential-%s get %s: answer is not "
			 "{\"Username\", \"Secret\"} JSON; continuing without it", helper, key);
		goto out;
	}
	if (strcmp(user, TOKEN_USERNAME) == 0)
		user = NULL;
	if (creds_set(out, user, user ? secret : NULL, user ? NULL : secret, &e) < 0)
		goto out;
	found = out->username || out->password || out->identity_token;
	wpkg_log_to(log, WPKG_LOG_DEBUG, "credentials for %s from docker-credential-%s", key, helper);
out:
	json_decref(doc);
	wpkg_creds_buf_wipe(&reply);
	return found;
}

/* Looks host up in a credentials file's auths: 1 found, 0 not there, or an error. */
static int file_lookup(struct wpkg_credentials *out, json_t *doc, const char *path, const char *host,
		       const struct wpkg_log_sink *log, struct wpkg_error *err)
{
	const char *key = NULL;
	json_t *auths = NULL, *entry;
	int rc;

	rc = get_object(&auths, doc, "auths", path, err);
	if (rc < 0)
		return rc;
	entry = find_entry(auths, host, &key);
	if (entry == NULL)
		return 0;
	rc = entry_creds(out, entry, path, key, err);
	if (rc > 0)
		wpkg_log_to(log, WPKG_LOG_DEBUG, "credentials for %s from %s", host, path);
	return rc;
}

/* Loads the credentials file at path and looks host up in it (helpers only for config.json). */
static int lookup_in(struct wpkg_credentials *out, const char *path, const char *host, bool helpers,
		     const struct wpkg_log_sink *log, struct wpkg_error *err)
{
	json_t *doc = NULL;
	const char *helper;
	int rc;

	rc = load_json(&doc, path, err);
	if (rc < 0 || doc == NULL)
		return rc;
	helper = helpers ? helper_for(doc, host) : NULL;
	rc = helper ? helper_get(out, helper, wpkg_creds_key(host), log) : 0;
	if (rc == 0)
		rc = file_lookup(out, doc, path, host, log, err);
	json_decref(doc);
	return rc;
}

int wpkg_creds_lookup(struct wpkg_credentials *out, const char *registry, const struct wpkg_log_sink *log,
		      struct wpkg_error *err)
{
	struct wpkg_credentials c = { 0 };
	char *host = NULL, *path = NULL;
	int rc;

	rc = wpkg_creds_host(&host, registry, err);
	if (rc < 0)
		goto out;
	rc = docker_config_path(&path, err);
	if (rc < 0)
		goto out;
	rc = lookup_in(&c, path, host, true, log, err);
	if (rc != 0)
		goto out;
	free(path);
	rc = auth_json_path(&path, err);
	if (rc == 0 && path != NULL)
		rc = lookup_in(&c, path, host, false, log, err);
out:
	if (rc >= 0) {
		*out = c;
		rc = 0;
	} else {
		wpkg_credentials_clear(&c);
	}
	free(path);
	free(host);
	return rc;
}

/*
 * Locks the folder of config.json for a read-modify-write; create makes the
 * folder (0700) first.  Without create a missing folder is no error and leaves
 * l unlocked: there is nothing to read.
 */
static int lock_config(struct wpkg_lock *l, const char *path, bool create, struct wpkg_error *err)
{
	char *dir = strndup(path, (size_t)(wpkg_path_base(path) - path));
	int rc = 0;

	if (dir == NULL)
		return wpkg_error_nomem(err);
	if (create && dir[0] != '\0')
		rc = wpkg_mkdir_p(dir, 0700, err);
	if (rc == 0)
		rc = wpkg_lock_parent(l, path, err);
	if (rc == WPKG_E_NOT_FOUND && !create)
		rc = 0;
	free(dir);
	return rc;
}

/* Writes doc back to path: folder 0700 if new, file 0600 (also tightening an existing one), atomically. */
static int save_config(json_t *doc, const char *path, struct wpkg_error *err)
{
	char *text = NULL, *dir = NULL, *real = NULL;
	struct stat st;
	int rc;

	dir = strndup(path, (size_t)(wpkg_path_base(path) - path));
	text = json_dumps(doc, JSON_INDENT(2));
	if (dir == NULL || text == NULL) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	if (dir[0] != '\0') {
		rc = wpkg_mkdir_p(dir, 0700, err);
		if (rc < 0)
			goto out;
	}
	/* like docker, write through a symlinked config.json instead of replacing the link */
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		real = realpath(path, NULL);
		if (real == NULL) {
			rc = wpkg_error_set(err, WPKG_E_IO, "%s: %s", path, strerror(errno));
			goto out;
		}
	}
	{
		size_t len = strlen(text);
		text[len] = '\n';   /* json_dumps leaves no newline; its NUL is ours to overwrite */
		rc = wpkg_write_file_atomic(real ? real : path, text, len + 1, 0600, err);
		text[len] = '\0';
	}
out:
	wipe_free(text);
	free(real);
	free(dir);
	return rc;
}

/* "ServerURL"/"Username"/"Secret" for a helper's store. Caller wipes and frees. */
static char *helper_store_doc(const char *key, const struct wpkg_credentials *c)
{
	json_t *doc;
	char *text;

	if (c->identity_token)
		doc = json_pack("{s:s, s:s, s:s}", "ServerURL", key, "Username", TOKEN_USERNAME,
				"Secret", c->identity_token);
	else
		doc = json_pack("{s:s, s:s, s:s}", "ServerURL", key, "Username", c->username,
				"Secret", c->password);
	text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	return text;
}

/* Runs helper ACTION with input; 1 done, 0 the helper had nothing (erase), or an error. */
static int helper_call(const char *helper, const char *action, const char *key, const char *input,
		       struct wpkg_error *err)
{
	struct wpkg_buf reply = WPKG_BUF_INIT;
	int code, rc;

	rc = wpkg_creds_helper_exec(helper, action, input, strlen(input), &reply, &code, err);
	if (rc == WPKG_E_NOT_FOUND) {   /* configured but not installed: a broken setup, not a missing entry */
		rc = WPKG_E_IO;
		if (err != NULL)
			err->code = rc;
	}
	if (rc < 0)
		goto out;
	if (code == 0)
		rc = 1;
	else if (strcmp(action, "erase") == 0 && says_not_found(reply.data))
		rc = 0;
	else
		rc = wpkg_error_set(err, WPKG_E_IO, "docker-credential-%s %s %s: exit status %d", helper, action,
				    key, code);
out:
	wpkg_creds_buf_wipe(&reply);
	return rc;
}

/* Sets auths[key] to c, keeping the entry's other fields and every other entry in place. */
static int auths_put(json_t *doc, const char *path, const char *key, const struct wpkg_credentials *c,
		     struct wpkg_error *err)
{
	json_t *auths = NULL, *entry;
	char *pair = NULL, *b64 = NULL;
	size_t n;
	int rc;

	rc = get_object(&auths, doc, "auths", path, err);
	if (rc < 0)
		return rc;
	if (auths == NULL) {
		auths = json_object();
		if (auths == NULL || json_object_set_new(doc, "auths", auths) < 0)
			return wpkg_error_nomem(err);
	}
	entry = json_object_get(auths, key);
	if (!json_is_object(entry)) {
		entry = json_object();
		if (entry == NULL || json_object_set_new(auths, key, entry) < 0)
			return wpkg_error_nomem(err);
	}
	/* the fields docker reads a secret from; "auth" below is the one it writes */
	json_object_del(entry, "username");
	json_object_del(entry, "password");
	json_object_del(entry, "identitytoken");
	if (asprintf(&pair, "%s:%s", c->username ? c->username : "", c->password ? c->password : "") < 0) {
		pair = NULL;
		rc = wpkg_error_nomem(err);
		goto out;
	}
	n = strlen(pair);
	b64 = malloc((n + 2) / 3 * 4 + 1);
	if (b64 == NULL) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	EVP_EncodeBlock((unsigned char *)b64, (const unsigned char *)pair, (int)n);
	if (json_object_set_new(entry, "auth", json_string(b64)) < 0 ||
	    (c->identity_token && json_object_set_new(entry, "identitytoken", json_string(c->identity_token)) < 0))
		rc = wpkg_error_nomem(err);
out:
	wipe_free(pair);
	wipe_free(b64);
	return rc;
}

int wpkg_creds_store(const char *registry, const struct wpkg_credentials *c, const struct wpkg_log_sink *log,
		     struct wpkg_error *err)
{
	struct wpkg_lock lock = WPKG_LOCK_INIT;
	char *host = NULL, *path = NULL, *input = NULL;
	const char *helper;
	json_t *doc = NULL;
	int rc;

	if (c->identity_token == NULL && (c->username == NULL || c->password == NULL))
		return wpkg_error_set(err, WPKG_E_INVALID, "store credentials: need a username and a password "
				      "or an identity token");
	rc = wpkg_creds_host(&host, registry, err);
	if (rc == 0)
		rc = docker_config_path(&path, err);
	if (rc == 0)
		rc = lock_config(&lock, path, true, err);
	/* read under the lock: a parallel login's entry must be in what is written back */
	if (rc == 0)
		rc = load_json(&doc, path, err);
	if (rc < 0)
		goto out;
	if (doc == NULL && (doc = json_object()) == NULL) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	helper = helper_for(doc, host);
	if (helper != NULL) {
		input = helper_store_doc(wpkg_creds_key(host), c);
		rc = input ? helper_call(helper, "store", wpkg_creds_key(host), input, err)
			   : wpkg_error_nomem(err);
		if (rc > 0) {
			rc = 0;
			wpkg_log_to(log, WPKG_LOG_INFO, "credentials for %s stored by docker-credential-%s", host, helper);
		}
		goto out;
	}
	rc = auths_put(doc, path, wpkg_creds_key(host), c, err);
	if (rc == 0)
		rc = save_config(doc, path, err);
	if (rc == 0)
		wpkg_log_to(log, WPKG_LOG_INFO, "credentials for %s stored unencrypted in %s", host, path);
out:
	wpkg_unlock(&lock);
	wipe_free(input);
	json_decref(doc);
	free(path);
	free(host);
	return rc;
}

/* Removes every auths entry naming host (docker logout does the same for old key spellings). */
static int auths_remove(json_t *doc, const char *path, const char *host, struct wpkg_error *err)
{
	const char *key;
	json_t *auths = NULL, *v;
	void *tmp;
	int rc, removed = 0;

	rc = get_object(&auths, doc, "auths", path, err);
	if (rc < 0 || auths == NULL)
		return rc;
	json_object_foreach_safe(auths, tmp, key, v) {
		if (key_matches(key, host)) {
			json_object_del(auths, key);
			removed++;
		}
	}
	return removed;
}

int wpkg_creds_erase(const char *registry, struct wpkg_error *err)
{
	struct wpkg_lock lock = WPKG_LOCK_INIT;
	char *host = NULL, *path = NULL;
	const char *helper;
	json_t *doc = NULL;
	int rc, found = 0;

	rc = wpkg_creds_host(&host, registry, err);
	if (rc == 0)
		rc = docker_config_path(&path, err);
	if (rc == 0)
		rc = lock_config(&lock, path, false, err);
	if (rc == 0 && lock.fd >= 0)
		rc = load_json(&doc, path, err);
	if (rc < 0 || doc == NULL)
		goto out;
	helper = helper_for(doc, host);
	if (helper != NULL) {
		rc = helper_call(helper, "erase", wpkg_creds_key(host), wpkg_creds_key(host), err);
		if (rc < 0)
			goto out;
		found = rc;
	}
	rc = auths_remove(doc, path, host, err);
	if (rc < 0)
		goto out;
	if (rc > 0) {
		found = 1;
		rc = save_config(doc, path, err);
	}
out:
	wpkg_unlock(&lock);
	if (rc >= 0 && !found)
		rc = wpkg_error_set(err, WPKG_E_NOT_FOUND, "no credentials stored for %s", host ? host : registry);
	json_decref(doc);
	free(path);
	free(host);
	return rc;
}
