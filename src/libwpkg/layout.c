/* SPDX-License-Identifier: Apache-2.0 */
/* layout.c - an OCI image layout directory: oci-layout, index.json and blobs/<alg>/<hex>. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wpkg/fsutil.h"
#include "wpkg/layout.h"
#include "json_internal.h"
#include "layout_index.h"
#include "lock_internal.h"

#define LAYOUT_FILE "oci-layout"
#define INDEX_FILE "index.json"
#define LAYOUT_FILE_MAX 4096
#define DIR_MODE 0755
#define FILE_MODE 0644

/* The exact bytes wpkg writes for a new layout (compact, like every document wpkg writes). */
static const char layout_doc[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
static const char empty_index[] =
	"{\"schemaVersion\":2,\"mediaType\":\"" WPKG_MT_OCI_INDEX "\",\"manifests\":[]}";

struct wpkg_layout {
	char *dir;
};

/* Where a blob's bytes come from: a file range (fd >= 0), streamed, or memory. */
struct blob_src {
	int fd;
	uint64_t offset;
	const void *data;
	uint64_t size;
	const char *name;      /* the file, for messages */
};

static int path_exists(const char *path, bool *exists, struct wpkg_error *err)
{
	struct stat st;

	if (stat(path, &st) == 0) {
		*exists = true;
		return 0;
	}
	if (errno != ENOENT)
		return wpkg_error_set(err, WPKG_E_IO, "%s: %s", path, strerror(errno));
	*exists = false;
	return 0;
}

static int dir_is_empty(const char *dir, bool *empty, struct wpkg_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d == NULL)
		return wpkg_error_set(err, WPKG_E_IO, "%s: %s", dir, strerror(errno));
	*empty = true;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			*empty = false;
	closedir(d);
	return 0;
}

/* The version check of oci-layout, on the file's bytes. */
static int check_layout_file(const char *path, struct wpkg_error *err)
{
	struct wpkg_buf b = WPKG_BUF_INIT;
	int rc;

	rc = wpkg_read_file(&b, path, LAYOUT_FILE_MAX, err);
	if (rc == 0)
		rc = wpkg_layout_version_check(b.data, b.len, path, err);
	wpkg_buf_free(&b);
	return rc;
}

/* Writes name in dir with contents doc unless it exists already. */
static int write_if_absent(const char *dir, const char *name, const char *doc, struct wpkg_error *err)
{
	char *path = wpkg_path_join(dir, name);
	bool exists = false;
	int rc;

	if (path == NULL)
		return wpkg_error_nomem(err);
	rc = path_exists(path, &exists, err);
	if (rc == 0 && !exists)
		rc = wpkg_write_file_atomic(path, doc, strlen(doc), FILE_MODE, err);
	free(path);
	return rc;
}

/*
 * An existing directory must already be a layout, or be empty when create is
 * set: writing oci-layout into someone's source tree would be a surprise.
 */
static int open_dir(const char *dir, bool create, struct wpkg_error *err)
{
	struct wpkg_lock lock = WPKG_LOCK_INIT;
	char *layout_path = wpkg_path_join(dir, LAYOUT_FILE), *blobs = NULL;
	bool exists = false, empty = false;
	struct stat st;
	int rc = 0;

	if (layout_path == NULL)
		return wpkg_error_nomem(err);
	if (stat(dir, &st) < 0) {
		if (errno != ENOENT)
			rc = wpkg_error_set(err, WPKG_E_IO, "%s: %s", dir, strerror(errno));
		else if (!create)
			rc = wpkg_error_set(err, WPKG_E_NOT_FOUND, "%s: no such directory", dir);
		else
			rc = wpkg_mkdir_p(dir, DIR_MODE, err);
	} else if (!S_ISDIR(st.st_mode)) {
		rc = wpkg_error_set(err, WPKG_E_INVALID, "%s: not a directory", dir);
	}
	/* two processes creating one layout must not both find it empty and overwrite each other's index.json */
	if (rc == 0 && create)
		rc = wpkg_lock_dir(&lock, dir, err);
	if (rc == 0)
		rc = path_exists(layout_path, &exists, err);
	if (rc < 0)
		goto out;
	if (exists) {
		rc = check_layout_file(layout_path, err);
	} else if (!create) {
		rc = wpkg_error_set(err, WPKG_E_INVALID, "%s: not an OCI image layout (no oci-layout file)", dir);
	} else {
		rc = dir_is_empty(dir, &empty, err);
		if (rc == 0 && !empty)
			rc = wpkg_error_set(err, WPKG_E_INVALID,
					    "%s: directory is not empty and not an OCI image layout (no oci-layout file)",
					    dir);
		if (rc == 0)
			rc = wpkg_write_file_atomic(layout_path, layout_doc, strlen(layout_doc), FILE_MODE, err);
	}
	if (rc < 0 || !create)
		goto out;
	/* Readers such as umoci expect blobs/sha256 and index.json to be there even when empty. */
	rc = write_if_absent(dir, INDEX_FILE, empty_index, err);
	if (rc == 0 && asprintf(&blobs, "%s/blobs/sha256", dir) < 0) {
		blobs = NULL;
		rc = wpkg_error_nomem(err);
	}
	if (rc == 0)
		rc = wpkg_mkdir_p(blobs, DIR_MODE, err);
out:
	wpkg_unlock(&lock);
	free(blobs);
	free(layout_path);
	return rc;
}

int wpkg_layout_open(struct wpkg_layout **out, const char *dir, bool create, struct wpkg_error *err)
{
	struct wpkg_layout *l;
	int rc;

	if (dir[0] == '\0')
		return wpkg_error_set(err, WPKG_E_INVALID, "image layout directory name is empty");
	rc = open_dir(dir, create, err);
	if (rc < 0)
		return rc;
	l = calloc(1, sizeof(*l));
	if (l == NULL || (l->dir = strdup(dir)) == NULL) {
		free(l);
		return wpkg_error_nomem(err);
	}
	*out = l;
	return 0;
}

void wpkg_layout_close(struct wpkg_layout *l)
{
	if (l == NULL)
		return;
	free(l->dir);
	free(l);
}

const char *wpkg_layout_dir(const struct wpkg_layout *l)
{
	return l->dir;
}

char *wpkg_layout_blob_path(const struct wpkg_layout *l, const struct wpkg_digest *d)
{
	char *p;

	if (asprintf(&p, "%s/blobs/%s/%s", l->dir, wpkg_digest_alg_name(d->alg), wpkg_digest_hex(d)) < 0)
		return NULL;
	return p;
}

int wpkg_layout_has_blob(struct wpkg_layout *l, const struct wpkg_digest *d, bool *present,
			 struct wpkg_error *err)
{
	char *path = wpkg_layout_blob_path(l, d);
	int rc;

	if (path == NULL)
		return wpkg_error_nomem(err);
	rc = path_exists(path, present, err);
	free(path);
	return rc;
}

/* Feeds the source to the hasher and the temporary file. */
static int copy_in(struct wpkg_hasher *h, int out_fd, const struct blob_src *src, struct wpkg_error *err)
{
	uint64_t off = src->offset, left = src->size;
	unsigned char *chunk;
	int rc = 0;

	if (src->fd < 0) {
		wpkg_hasher_update(h, src->data, (size_t)src->size);
		return wpkg_write_all(out_fd, src->data, (size_t)src->size, err);
	}
	chunk = malloc(WPKG_IO_CHUNK);
	if (chunk == NULL)
		return wpkg_error_nomem(err);
	while (left > 0 && rc == 0) {
		size_t want = left < WPKG_IO_CHUNK ? (size_t)left : WPKG_IO_CHUNK;
		ssize_t got = pread(src->fd, chunk, want, (off_t)off);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			rc = wpkg_error_set(err, WPKG_E_IO, "%s: %s", src->name,
					    got < 0 ? strerror(errno) : "file shorter than expected");
			break;
		}
		wpkg_hasher_update(h, chunk, (size_t)got);
		rc = wpkg_write_all(out_fd, chunk, (size_t)got, err);
		off += (uint64_t)got;
		left -= (uint64_t)got;
	}
	free(chunk);
	return rc;
}

/* Streams src into blobs/<alg>/<hex> through a temporary, renamed only when the digest matches. */
static int store(struct wpkg_layout *l, const struct wpkg_digest *d, const struct blob_src *src,
		 struct wpkg_error *err)
{
	struct wpkg_atomic_file f = { .fd = -1 };
	struct wpkg_hasher h = { .ctx = NULL };
	struct wpkg_digest got;
	char *path = wpkg_layout_blob_path(l, d), *alg_dir = NULL;
	struct stat st;
	int rc;

	if (path == NULL || asprintf(&alg_dir, "%s/blobs/%s", l->dir, wpkg_digest_alg_name(d->alg)) < 0) {
		alg_dir = NULL;
		rc = wpkg_error_nomem(err);
		goto out;
	}
	/* Content-addressed: a file of the right size under this name is this blob. */
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size == src->size) {
		rc = 0;
		goto out;
	}
	rc = wpkg_mkdir_p(alg_dir, DIR_MODE, err);
	if (rc == 0)
		rc = wpkg_atomic_open(&f, path, FILE_MODE, err);
	if (rc == 0)
		rc = wpkg_hasher_init(&h, d->alg, err);
	if (rc == 0)
		rc = copy_in(&h, f.fd, src, err);
	if (rc < 0)
		goto out;
	wpkg_hasher_final(&h, &got);
	if (strcmp(got.str, d->str) != 0) {
		rc = wpkg_error_set(err, WPKG_E_DIGEST, "blob %s: content does not match its digest (computed %s)",
				    d->str, got.str);
		goto out;
	}
	rc = wpkg_atomic_commit(&f, err);
out:
	wpkg_hasher_discard(&h);
	if (f.tmp_path != NULL)
		wpkg_atomic_abort(&f);
	free(alg_dir);
	free(path);
	return rc;
}

int wpkg_layout_put_bytes(struct wpkg_layout *l, const struct wpkg_digest *d, const void *data,
			  size_t len, struct wpkg_error *err)
{
	struct blob_src src = { .fd = -1, .data = data, .size = len, .name = "memory" };

	return store(l, d, &src, err);
}

int wpkg_layout_put_blob(struct wpkg_layout *l, const struct wpkg_blob *b, struct wpkg_error *err)
{
	struct blob_src src = { .fd = -1, .offset = b->offset, .size = (uint64_t)b->desc.size };
	int rc;

	if (b->desc.size < 0)
		return wpkg_error_set(err, WPKG_E_INVALID, "blob %s: negative size", b->desc.digest.str);
	if (b->path == NULL) {
		if (b->mem.len != (size_t)b->desc.size)
			return wpkg_error_set(err, WPKG_E_DIGEST, "blob %s: %zu bytes, but its descriptor says %lld",
					      b->desc.digest.str, b->mem.len, (long long)b->desc.size);
		return wpkg_layout_put_bytes(l, &b->desc.digest, b->mem.data, b->mem.len, err);
	}
	src.name = b->path;
	src.fd = open(b->path, O_RDONLY | O_CLOEXEC);
	if (src.fd < 0)
		return wpkg_error_set(err, errno == ENOENT ? WPKG_E_NOT_FOUND : WPKG_E_IO, "%s: %s", b->path,
				      strerror(errno));
	rc = store(l, &b->desc.digest, &src, err);
	close(src.fd);
	return rc;
}

int wpkg_layout_read_blob(struct wpkg_layout *l, const struct wpkg_digest *d, size_t max,
			  struct wpkg_buf *out, struct wpkg_error *err)
{
	struct wpkg_buf b = WPKG_BUF_INIT;
	struct wpkg_digest got;
	char *path = wpkg_layout_blob_path(l, d);
	int rc;

	if (path == NULL)
		return wpkg_error_nomem(err);
	rc = wpkg_read_file(&b, path, max, err);
	if (rc == WPKG_E_NOT_FOUND)
		rc = wpkg_error_set(err, rc, "blob %s not found in %s", d->str, l->dir);
	if (rc < 0)
		goto out;
	wpkg_digest_bytes(&got, d->alg, b.data, b.len);
	if (strcmp(got.str, d->str) != 0) {
		rc = wpkg_error_set(err, WPKG_E_DIGEST, "blob %s in %s: content does not match its digest",
				    d->str, l->dir);
		goto out;
	}
	wpkg_buf_free(out);
	*out = b;
	wpkg_buf_init(&b);
out:
	wpkg_buf_free(&b);
	free(path);
	return rc;
}

/*
 * Loads index.json, keeping every field (unknown ones included) for
 * rewriting; *manifests (may be NULL) borrows its "manifests" array.
 */
static int load_index(struct wpkg_layout *l, json_t **out, json_t **manifests, struct wpkg_error *err)
{
	struct wpkg_buf b = WPKG_BUF_INIT;
	char *path = wpkg_path_join(l->dir, INDEX_FILE);
	int rc;

	if (path == NULL)
		return wpkg_error_nomem(err);
	rc = wpkg_read_file(&b, path, WPKG_DOC_MAX, err);
	if (rc == 0)
		rc = wpkg_layout_index_parse(out, b.data, b.len, path, err);
	if (rc == 0 && manifests != NULL)
		*manifests = json_object_get(*out, "manifests");
	wpkg_buf_free(&b);
	free(path);
	return rc;
}

static int save_index(struct wpkg_layout *l, const json_t *root, struct wpkg_error *err)
{
	struct wpkg_buf b = WPKG_BUF_INIT;
	char *path = wpkg_path_join(l->dir, INDEX_FILE);
	int rc;

	if (path == NULL)
		return wpkg_error_nomem(err);
	rc = wpkg_json_dump(&b, root, err);
	if (rc == 0)
		rc = wpkg_write_file_atomic(path, b.data, b.len, FILE_MODE, err);
	wpkg_buf_free(&b);
	free(path);
	return rc;
}

/* The manifest's descriptor with ref.name=tag added to its annotations (none when tag is NULL). */
static json_t *index_entry(const struct wpkg_descriptor *m, const char *tag)
{
	struct wpkg_descriptor d = *m;
	json_t *annots = NULL, *entry;

	if (tag != NULL) {
		annots = m->annotations ? json_deep_copy(m->annotations) : json_object();
		if (annots == NULL || json_object_set_new(annots, WPKG_ANNOT_REF_NAME, json_string(tag)) != 0) {
			json_decref(annots);
			return NULL;
		}
		d.annotations = annots;
	}
	entry = wpkg_descriptor_to_json(&d);
	json_decref(annots);
	return entry;
}

int wpkg_layout_tag(struct wpkg_layout *l, const char *tag, const struct wpkg_descriptor *manifest,
		    struct wpkg_error *err)
{
	struct wpkg_lock lock = WPKG_LOCK_INIT;
	json_t *root = NULL, *arr, *entry = NULL;
	size_t i;
	bool placed = false;
	int rc;

	if (manifest->media_type == NULL)
		return wpkg_error_set(err, WPKG_E_INVALID, "tag %s: the manifest has no media type",
				      tag ? tag : "(none)");
	if (tag != NULL && tag[0] == '\0')
		return wpkg_error_set(err, WPKG_E_INVALID, "empty tag");
	/* read under the lock, so that a parallel tag's entry is kept */
	rc = wpkg_lock_dir(&lock, l->dir, err);
	if (rc == 0)
		rc = load_index(l, &root, &arr, err);
	if (rc < 0)
		goto out;
	entry = index_entry(manifest, tag);
	if (entry == NULL) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	/* The tag moves to the new manifest; every other entry stays where it is. */
	for (i = 0; i < json_array_size(arr);) {
		const json_t *e = json_array_get(arr, i);
		bool same = tag ? (wpkg_layout_entry_tag(e) && strcmp(wpkg_layout_entry_tag(e), tag) == 0)
				: (wpkg_layout_entry_digest(e) && strcmp(wpkg_layout_entry_digest(e), manifest->digest.str) == 0);

		if (same && !tag) {
			rc = 0;     /* untagged and already listed: nothing to write */
			goto out;
		}
		if (same && placed) {
			json_array_remove(arr, i);
			continue;
		}
		if (same) {
			json_array_set(arr, i, entry);
			placed = true;
		}
		i++;
	}
	if (!placed && json_array_append(arr, entry) != 0) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	rc = save_index(l, root, err);
out:
	wpkg_unlock(&lock);
	json_decref(entry);
	json_decref(root);
	return rc;
}

int wpkg_layout_resolve(struct wpkg_layout *l, const char *tag_or_digest, struct wpkg_descriptor *out,
			struct wpkg_error *err)
{
	json_t *root = NULL;
	char what[512];
	int rc;

	if (strchr(tag_or_digest, ':') != NULL) {
		struct wpkg_digest want;

		/* a bad digest is reported before index.json is read */
		rc = wpkg_digest_parse(&want, tag_or_digest, err);
		if (rc < 0)
			return rc;
	}
	rc = load_index(l, &root, NULL, err);
	if (rc < 0)
		return rc;
	snprintf(what, sizeof(what), "%s/%s", l->dir, INDEX_FILE);
	rc = wpkg_layout_index_find(root, tag_or_digest, out, l->dir, what, err);
	json_decref(root);
	return rc;
}

int wpkg_layout_tags(struct wpkg_layout *l, char ***tags, size_t *n_tags, struct wpkg_error *err)
{
	json_t *root = NULL;
	int rc;

	rc = load_index(l, &root, NULL, err);
	if (rc == 0)
		rc = wpkg_layout_index_tags(root, tags, n_tags, err);
	json_decref(root);
	return rc;
}

int wpkg_layout_untag_digest(struct wpkg_layout *l, const struct wpkg_digest *digest, size_t *removed,
			     struct wpkg_error *err)
{
	struct wpkg_lock lock = WPKG_LOCK_INIT;
	json_t *root = NULL, *arr;
	size_t i, n = 0;
	int rc;

	rc = wpkg_lock_dir(&lock, l->dir, err);
	if (rc == 0)
		rc = load_index(l, &root, &arr, err);
	if (rc < 0) {
		wpkg_unlock(&lock);
		return rc;
	}
	for (i = 0; i < json_array_size(arr);) {
		const char *e = wpkg_layout_entry_digest(json_array_get(arr, i));

		if (e != NULL && strcmp(e, digest->str) == 0) {
			json_array_remove(arr, i);
			n++;
		} else {
			i++;
		}
	}
	/* nothing matched: index.json stays byte for byte as it was */
	if (n > 0)
		rc = save_index(l, root, err);
	wpkg_unlock(&lock);
	if (rc == 0 && removed != NULL)
		*removed = n;
	json_decref(root);
	return rc;
}

int wpkg_layout_entries(struct wpkg_layout *l, struct wpkg_descriptor **entries, size_t *n_entries,
			struct wpkg_error *err)
{
	json_t *root = NULL;
	char what[512];
	int rc;

	rc = load_index(l, &root, NULL, err);
	if (rc < 0)
		return rc;
	snprintf(what, sizeof(what), "%s/%s", l->dir, INDEX_FILE);
	rc = wpkg_layout_index_entries(root, entries, n_entries, what, err);
	json_decref(root);
	return rc;
}

int wpkg_layout_write_package(struct wpkg_layout *l, const struct wpkg_package *p, const char *tag,
			      struct wpkg_error *err)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < p->n_layers && rc == 0; i++)
		rc = wpkg_layout_put_blob(l, &p->layers[i], err);
	if (rc == 0)
		rc = wpkg_layout_put_blob(l, &p->config, err);
	if (rc == 0 && p->manifest.len != (size_t)p->manifest_desc.size)
		rc = wpkg_error_set(err, WPKG_E_DIGEST, "manifest %s: %zu bytes, but its descriptor says %lld",
				    p->manifest_desc.digest.str, p->manifest.len, (long long)p->manifest_desc.size);
	if (rc == 0)
		rc = wpkg_layout_put_bytes(l, &p->manifest_desc.digest, p->manifest.data, p->manifest.len, err);
	if (rc == 0)
		rc = wpkg_layout_tag(l, tag, &p->manifest_desc, err);
	return rc;
}
