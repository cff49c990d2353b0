/* SPDX-License-Identifier: Apache-2.0 */
/* cache_index.c - the content cache's index.json: which digest each reference named when it was fetched. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "wpkg/cache.h"
#include "wpkg/fsutil.h"
#include "cache_internal.h"
#include "log_internal.h"

/* index.json holds one small entry per reference ever fetched: far below this */
#define INDEX_MAX ((size_t)64 << 20)

static char *index_path(const char *dir)
{
	char *p = NULL;

	return asprintf(&p, "%s/index.json", dir) < 0 ? NULL : p;
}

/* DIR/index.json's manifests array (a new index when it is missing or unreadable: it only saves requests). */
static json_t *load_index(const char *dir)
{
	struct wpkg_buf b = WPKG_BUF_INIT;
	char *path = index_path(dir);
	json_t *ix = NULL;

	if (path != NULL && wpkg_read_file(&b, path, INDEX_MAX, NULL) == 0)
		ix = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, NULL);
	if (ix != NULL && !json_is_array(json_object_get(ix, "manifests"))) {
		json_decref(ix);
		ix = NULL;
	}
	if (ix == NULL)
		ix = json_pack("{s:i, s:s, s:[]}", "schemaVersion", 2, "mediaType", WPKG_MT_OCI_INDEX, "manifests");
	wpkg_buf_free(&b);
	free(path);
	return ix;
}

static void store_index(const char *dir, const json_t *ix)
{
	char *path = index_path(dir), *text = json_dumps(ix, JSON_COMPACT);

	if (path != NULL && text != NULL)
		(void)wpkg_write_file_atomic(path, text, strlen(text), 0644, NULL);
	free(text);
	free(path);
}

static const char *entry_key(const json_t *e)
{
	return json_string_value(json_object_get(json_object_get(e, "annotations"), WPKG_CACHE_REF_ANNOTATION));
}

void wpkg_cache_record(const struct wpkg_cache *c, const struct wpkg_log_sink *log, const char *key,
		       const struct wpkg_descriptor *d)
{
	struct wpkg_lock l = WPKG_LOCK_INIT;
	struct wpkg_error err = { 0 };
	json_t *ix = NULL, *list, *e, *entry;
	size_t i;

	if (c == NULL || c->dir == NULL || key == NULL)
		return;
	if (wpkg_mkdir_p(c->dir, 0700, NULL) < 0 || wpkg_lock_dir(&l, c->dir, &err) < 0) {
		wpkg_log_to(log, WPKG_LOG_DEBUG, "cache: cannot record %s: %s", key, err.msg);
		return;
	}
	/* re-read under the lock: another process may have recorded something since */
	ix = load_index(c->dir);
	list = json_object_get(ix, "manifests");
	entry = json_pack("{s:s, s:s, s:I, s:{s:s}}", "mediaType",
			  d->media_type != NULL ? d->media_type : WPKG_MT_OCI_MANIFEST, "digest", d->digest.str, "size",
			  (json_int_t)d->size, "annotations", WPKG_CACHE_REF_ANNOTATION, key);
	if (list == NULL || entry == NULL)
		goto out;
	json_array_foreach(list, i, e) {
		const char *k = entry_key(e);

		if (k != NULL && strcmp(k, key) == 0) {
			/* the same answer again: nothing to write */
			if (json_equal(e, entry))
				goto out;
			json_array_remove(list, i);
			break;
		}
	}
	if (json_array_append(list, entry) == 0)
		store_index(c->dir, ix);
out:
	json_decref(entry);
	json_decref(ix);
	wpkg_unlock(&l);
}

bool wpkg_cache_lookup(struct wpkg_descriptor *out, const struct wpkg_cache *c, const char *key,
		       const struct wpkg_digest *by_digest)
{
	struct wpkg_descriptor d = { 0 };
	json_t *ix, *list;
	bool found = false;
	size_t i;

	if (c == NULL || c->dir == NULL)
		return false;
	ix = load_index(c->dir);
	list = json_object_get(ix, "manifests");
	/* the newest record first */
	for (i = json_array_size(list); i-- > 0 && !found;) {
		const json_t *e = json_array_get(list, i);
		const char *k = entry_key(e), *dg = json_string_value(json_object_get(e, "digest"));

		if (key != NULL ? k == NULL || strcmp(k, key) != 0
				: dg == NULL || strcmp(dg, by_digest->str) != 0)
			continue;
		found = wpkg_descriptor_from_json(&d, e, "cache record", NULL) == 0;
	}
	json_decref(ix);
	if (found)
		*out = d;
	return found;
}

void wpkg_cache_sweep_records(const char *dir)
{
	json_t *ix = load_index(dir), *list = json_object_get(ix, "manifests");
	bool changed = false;
	size_t i;

	for (i = json_array_size(list); i-- > 0;) {
		const char *dg = json_string_value(json_object_get(json_array_get(list, i), "digest"));
		struct wpkg_digest d;
		char *blob = NULL;
		bool gone;

		gone = dg == NULL || wpkg_digest_parse(&d, dg, NULL) < 0 ||
		       asprintf(&blob, "%s/blobs/%s/%s", dir, wpkg_digest_alg_name(d.alg), wpkg_digest_hex(&d)) < 0;
		if (!gone) {
			gone = access(blob, F_OK) != 0;
			free(blob);
		}
		if (gone) {
			json_array_remove(list, i);
			changed = true;
		}
	}
	if (changed)
		store_index(dir, ix);
	json_decref(ix);
}
