/* SPDX-License-Identifier: Apache-2.0 */
/* wasm_config.c - the CNCF Wasm config (written as rust-oci-wasm writes it, read strictly) and the build time. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_internal.h"
#include "wpkg/oci.h"
#include "wpkg/settings.h"
#include "wpkg/wasm_config.h"

/* Field names of the reference WasmConfig / Component structs (serde camelCase). */
static const char *const config_keys[] = {
	"created", "author", "architecture", "os", "layerDigests", "component",
};

static bool is_config_key(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(config_keys) / sizeof(config_keys[0]); i++)
		if (strcmp(key, config_keys[i]) == 0)
			return true;
	return false;
}

static int put(json_t *obj, const char *key, json_t *value, struct wpkg_error *err)
{
	if (value == NULL || json_object_set_new(obj, key, value) != 0)
		return wpkg_error_nomem(err);
	return 0;
}

/* A JSON string, or null for NULL; names the field when the text is not UTF-8. */
static int put_string(json_t *obj, const char *key, const char *s, const char *field, struct wpkg_error *err)
{
	json_t *v = s == NULL ? json_null() : json_string(s);

	/* json_string refuses bytes that are not UTF-8 (it would also fail on ENOMEM). */
	if (v == NULL)
		return wpkg_error_set(err, WPKG_E_INVALID, "wasm config: %s: \"%s\" is not valid UTF-8", field, s);
	return put(obj, key, v, err);
}

static int put_strings(json_t *obj, const char *key, char *const *v, size_t n, const char *field,
		       struct wpkg_error *err)
{
	json_t *arr = json_array();
	char name[64];
	size_t i;
	int rc = 0;

	if (arr == NULL)
		return wpkg_error_nomem(err);
	for (i = 0; i < n && rc == 0; i++) {
		json_t *s = json_string(v[i]);

		if (s == NULL) {
			snprintf(name, sizeof(name), "%s[%zu]", field, i);
			rc = wpkg_error_set(err, WPKG_E_INVALID, "wasm config: %s: \"%s\" is not valid UTF-8",
					    name, v[i]);
		} else if (json_array_append_new(arr, s) != 0) {
			rc = wpkg_error_nomem(err);
		}
	}
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	return put(obj, key, arr, err);
}

static int put_component(json_t *obj, const struct wpkg_wasm_config *c, struct wpkg_error *err)
{
	json_t *comp;
	int rc;

	if (!c->has_component)
		return put(obj, "component", json_null(), err);
	comp = json_object();
	if (comp == NULL)
		return wpkg_error_nomem(err);
	/* The reference struct's order: exports, imports, target. */
	rc = put_strings(comp, "exports", c->exports, c->n_exports, "component.exports", err);
	if (rc == 0)
		rc = put_strings(comp, "imports", c->imports, c->n_imports, "component.imports", err);
	if (rc == 0)
		rc = put_string(comp, "target", c->target, "component.target", err);
	if (rc < 0) {
		json_decref(comp);
		return rc;
	}
	return put(obj, "component", comp, err);
}

int wpkg_wasm_config_serialize(struct wpkg_buf *out, const struct wpkg_wasm_config *c,
			       struct wpkg_error *err)
{
	json_t *obj = json_object(), *v;
	const char *key;
	int rc;

	if (obj == NULL)
		return wpkg_error_nomem(err);
	rc = put_string(obj, "created", c->created, "created", err);
	if (rc == 0)
		rc = put_string(obj, "author", c->author, "author", err);
	if (rc == 0)
		rc = put_string(obj, "architecture", c->architecture, "architecture", err);
	if (rc == 0)
		rc = put_string(obj, "os", c->os, "os", err);
	if (rc == 0)
		rc = put_strings(obj, "layerDigests", c->layer_digests, c->n_layer_digests, "layerDigests", err);
	if (rc == 0)
		rc = put_component(obj, c, err);
	if (rc < 0)
		goto out;
	if (c->extra != NULL) {
		json_object_foreach(c->extra, key, v) {
			/* Setting a known key would silently replace it in place. */
			if (is_config_key(key)) {
				rc = wpkg_error_set(err, WPKG_E_INVALID,
						    "wasm config: extra field \"%s\" would replace a standard field", key);
				goto out;
			}
			rc = put(obj, key, json_incref(v), err);
			if (rc < 0)
				goto out;
		}
	}
	rc = wpkg_json_dump(out, obj, err);
out:
	json_decref(obj);
	if (rc < 0)
		wpkg_json_error_oneline(err);
	return rc;
}

static int digests_check(char *const *v, size_t n, struct wpkg_error *err)
{
	struct wpkg_digest d;
	size_t i;

	for (i = 0; i < n; i++)
		if (wpkg_digest_parse(&d, v[i], err) < 0)
			return wpkg_error_wrap(err, "layerDigests[%zu]", i);
	return 0;
}

static int component_from_json(struct wpkg_wasm_config *c, const json_t *root, struct wpkg_error *err)
{
	const json_t *comp = json_object_get(root, "component");
	int rc;

	/* Absent and null both mean "no component": serde reads a missing Option as None. */
	if (comp == NULL || json_is_null(comp))
		return 0;
	if (!json_is_object(comp))
		return wpkg_error_set(err, WPKG_E_INVALID, "component: expected an object or null");
	c->has_component = true;
	rc = wpkg_json_get_strings(&c->exports, &c->n_exports, comp, "exports", "component", err);
	if (rc == 0)
		rc = wpkg_json_get_strings(&c->imports, &c->n_imports, comp, "imports", "component", err);
	if (rc == 0)
		rc = wpkg_json_get_string(&c->target, comp, "target", false, true, "component", err);
	return rc;
}

/* Keeps the fields wpkg does not know, in order, so a reader can hand them back unchanged. */
static int extra_from_json(struct wpkg_wasm_config *c, json_t *root, struct wpkg_error *err)
{
	const char *key;
	json_t *v;

	json_object_foreach(root, key, v) {
		if (is_config_key(key))
			continue;
		if (c->extra == NULL && (c->extra = json_object()) == NULL)
			return wpkg_error_nomem(err);
		if (json_object_set(c->extra, key, v) != 0)
			return wpkg_error_nomem(err);
	}
	return 0;
}

static int config_from_json(void *obj, json_t *root, struct wpkg_error *err)
{
	struct wpkg_wasm_config *c = obj;
	int rc;

	rc = wpkg_json_get_string(&c->created, root, "created", true, false, "", err);
	if (rc == 0)
		rc = wpkg_json_get_string(&c->author, root, "author", false, true, "", err);
	if (rc == 0)
		rc = wpkg_json_get_string(&c->architecture, root, "architecture", true, false, "", err);
	if (rc == 0)
		rc = wpkg_json_get_string(&c->os, root, "os", true, false, "", err);
	if (rc == 0)
		rc = wpkg_json_get_strings(&c->layer_digests, &c->n_layer_digests, root, "layerDigests", "", err);
	if (rc == 0)
		rc = digests_check(c->layer_digests, c->n_layer_digests, err);
	if (rc == 0)
		rc = component_from_json(c, root, err);
	if (rc == 0)
		rc = extra_from_json(c, root, err);
	return rc;
}

/* wpkg_doc_parse releases through a void * (calling a typed free through it would be undefined). */
static void wasm_config_release(void *obj)
{
	wpkg_wasm_config_free(obj);
}

int wpkg_wasm_config_parse(struct wpkg_wasm_config **out, const void *data, size_t len,
			   struct wpkg_error *err)
{
	void *obj;
	int rc = wpkg_doc_parse(&obj, sizeof(struct wpkg_wasm_config), data, len, "wasm config", config_from_json,
				wasm_config_release, err);

	if (rc == 0)
		*out = obj;
	return rc;
}

void wpkg_wasm_config_free(struct wpkg_wasm_config *c)
{
	if (c == NULL)
		return;
	free(c->created);
	free(c->author);
	free(c->architecture);
	free(c->os);
	wpkg_json_strv_free(c->layer_digests, c->n_layer_digests);
	wpkg_json_strv_free(c->exports, c->n_exports);
	wpkg_json_strv_free(c->imports, c->n_imports);
	free(c->target);
	json_decref(c->extra);
	free(c);
}

/* RFC 3339 wants a four-digit year: 9999-12-31T23:59:59Z is the last second we can write. */
#define LAST_RFC3339_SECOND ((time_t)253402300799LL)

int wpkg_build_time(time_t *out, struct wpkg_error *err)
{
	const char *s = wpkg_settings_get()->source_date_epoch;
	uint64_t v = 0;
	size_t i;

	if (s == NULL) {
		*out = time(NULL);
		return 0;
	}
	/* reproducible-builds.org: a malformed value must fail the build, not fall back to now. */
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9')
			break;
		if (v <= (uint64_t)LAST_RFC3339_SECOND)
			v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (i == 0 || s[i] != '\0')
		return wpkg_error_set(err, WPKG_E_INVALID,
				      "SOURCE_DATE_EPOCH \"%s\" is not a whole number of seconds", s);
	if (v > (uint64_t)LAST_RFC3339_SECOND)
		return wpkg_error_set(err, WPKG_E_INVALID,
				      "SOURCE_DATE_EPOCH \"%s\" is after the year 9999", s);
	*out = (time_t)v;
	return 0;
}

void wpkg_format_rfc3339(char out[32], time_t t)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, 32, "1970-01-01T00:00:00Z");
}
