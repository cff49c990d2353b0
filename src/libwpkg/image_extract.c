/* SPDX-License-Identifier: Apache-2.0 */
/* image_extract.c - finds the Wasm file in an image's tar layer and copies it out, refusing anything unsafe. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <archive.h>
#include <archive_entry.h>

#include "wpkg/fsutil.h"
#include "wpkg/oci.h"
#include "wpkg/pack_image.h"

struct tar_type {
	const char *media_type;
	int filter;           /* ARCHIVE_FILTER_* the stream must use */
};

static const struct tar_type tar_types[] = {
	{ WPKG_MT_OCI_LAYER_TAR, ARCHIVE_FILTER_NONE },
	{ WPKG_MT_OCI_LAYER_TAR_GZ, ARCHIVE_FILTER_GZIP },
	{ WPKG_MT_OCI_LAYER_TAR_ZSTD, ARCHIVE_FILTER_ZSTD },
	{ WPKG_MT_DOCKER_LAYER_TAR_GZ, ARCHIVE_FILTER_GZIP },
};

static const struct tar_type *tar_type(const char *media_type)
{
	size_t i;

	for (i = 0; media_type != NULL && i < sizeof(tar_types) / sizeof(tar_types[0]); i++)
		if (strcmp(media_type, tar_types[i].media_type) == 0)
			return &tar_types[i];
	return NULL;
}

bool wpkg_image_is_tar_layer(const char *media_type)
{
	return tar_type(media_type) != NULL;
}

static bool is_wasm_name(const char *name)
{
	size_t n = strlen(name);

	return n >= 5 && strcmp(name + n - 5, ".wasm") == 0;
}

int wpkg_image_config_entrypoint(char **out, const void *config, size_t len, struct wpkg_error *err)
{
	json_t *root = NULL, *ep;
	char *s = NULL;
	size_t i;
	int rc;

	rc = wpkg_json_load(&root, config, len, "image config", err);
	if (rc < 0)
		return rc;
	ep = json_object_get(json_object_get(root, "config"), "Entrypoint");
	if (ep != NULL && !json_is_null(ep)) {
		for (i = 0; i < json_array_size(ep); i++)
			if (!json_is_string(json_array_get(ep, i)))
				break;
		if (!json_is_array(ep) || i < json_array_size(ep)) {
			rc = wpkg_error_set(err, WPKG_E_INVALID, "image config: config.Entrypoint: expected an array of strings");
			goto out;
		}
		/* Entrypoint ["/bin/sh"] names no Wasm file: the caller then looks for the only one. */
		if (json_array_size(ep) > 0 && is_wasm_name(json_string_value(json_array_get(ep, 0))) &&
		    (s = strdup(json_string_value(json_array_get(ep, 0)))) == NULL) {
			rc = wpkg_error_nomem(err);
			goto out;
		}
	}
	*out = s;
out:
	json_decref(root);
	return rc;
}

const struct wpkg_descriptor *wpkg_image_tar_layer(const struct wpkg_manifest *m)
{
	const char *cfg = m->config.media_type;

	if (cfg == NULL || (strcmp(cfg, WPKG_MT_OCI_CONFIG) != 0 && strcmp(cfg, WPKG_MT_DOCKER_IMAGE_CONFIG) != 0))
		return NULL;
	return m->n_layers == 1 && tar_type(m->layers[0].media_type) != NULL ? &m->layers[0] : NULL;
}

/* name without leading "/" and "./": how an image path and a tar entry name are compared. */
static const char *rel_name(const char *name)
{
	for (;;) {
		if (name[0] == '/')
			name++;
		else if (name[0] == '.' && name[1] == '/')
			name += 2;
		else
			return name;
	}
}

/* name without leading "./" (what a tar of "." holds), still absolute if it was. */
static const char *tar_name(const char *name)
{
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	return name;
}

/* The tar name (a directory's ends in "/") names the image path want. */
static bool names_path(const char *name, const char *want)
{
	size_t n = strlen(name);

	while (n > 0 && name[n - 1] == '/')
		n--;
	return n == strlen(want) && memcmp(name, want, n) == 0;
}

static bool has_dotdot(const char *name)
{
	const char *p = name;

	while ((p = strstr(p, "..")) != NULL) {
		if ((p == name || p[-1] == '/') && (p[2] == '\0' || p[2] == '/'))
			return true;
		p += 2;
	}
	return false;
}

/* What the search has seen so far. */
struct search {
	const char *want;     /* rel_name(entry_name), or NULL: the only *.wasm */
	char *found;          /* tar_name of the first match */
	uint64_t max_size;
	uint64_t max_expanded; /* bytes the decompressed stream may reach; UINT64_MAX: uncompressed */
};

/* A bomb is refused as it expands, before most of it is read or written. */
static int check_expansion(const struct search *s, struct archive *a, struct wpkg_error *err)
{
	if ((uint64_t)archive_filter_bytes(a, 0) <= s->max_expanded)
		return 0;
	return wpkg_error_set(err, WPKG_E_TOO_LARGE, "layer: expands to more than %" PRIu64 " bytes, over %d times "
			      "its compressed size; refusing a compression bomb", s->max_expanded,
			      WPKG_IMAGE_EXPANSION_MAX);
}

/* The match must be a plain file at a relative path inside the image, within max_size. */
static int check_entry(struct archive_entry *e, const char *name, uint64_t max_size, struct wpkg_error *err)
{
	const char *link;

	if (name[0] == '/')
		return wpkg_error_set(err, WPKG_E_INVALID, "layer entry \"%s\": absolute path refused", name);
	if (has_dotdot(name))
		return wpkg_error_set(err, WPKG_E_INVALID, "layer entry \"%s\": \"..\" in path refused", name);
	link = archive_entry_hardlink(e);
	if (link != NULL)
		return wpkg_error_set(err, WPKG_E_INVALID, "layer entry \"%s\" is a hard link to \"%s\", not a regular file",
				      name, link);
	if (archive_entry_filetype(e) == AE_IFLNK)
		return wpkg_error_set(err, WPKG_E_INVALID,
				      "layer entry \"%s\" is a symbolic link to \"%s\", not a regular file", name,
				      archive_entry_symlink(e) != NULL ? archive_entry_symlink(e) : "");
	if (archive_entry_filetype(e) != AE_IFREG)
		return wpkg_error_set(err, WPKG_E_INVALID, "layer entry \"%s\" is not a regular file", name);
	if (archive_entry_size_is_set(e) && (uint64_t)archive_entry_size(e) > max_size)
		return wpkg_error_set(err, WPKG_E_TOO_LARGE, "layer entry \"%s\" is %" PRId64
				      " bytes, over the limit of %" PRIu64, name, (int64_t)archive_entry_size(e),
				      max_size);
	return 0;
}

static int copy_out(const struct search *s, struct archive *a, int out_fd, const char *name, struct wpkg_error *err)
{
	uint64_t max_size = s->max_size;
	char *buf = malloc(WPKG_IO_CHUNK);
	uint64_t done = 0;
	la_ssize_t n;
	int rc = 0;

	if (buf == NULL)
		return wpkg_error_nomem(err);
	while ((n = archive_read_data(a, buf, WPKG_IO_CHUNK)) > 0) {
		done += (uint64_t)n;
		if (done > max_size) {
			rc = wpkg_error_set(err, WPKG_E_TOO_LARGE, "layer entry \"%s\" is over the limit of %" PRIu64
					    " bytes", name, max_size);
			goto out;
		}
		rc = check_expansion(s, a, err);
		if (rc == 0)
			rc = wpkg_write_all(out_fd, buf, (size_t)n, err);
		if (rc < 0)
			goto out;
	}
	if (n < 0)
		rc = wpkg_error_set(err, WPKG_E_INVALID, "layer entry \"%s\": %s", name, archive_error_string(a));
out:
	free(buf);
	return rc;
}

/* One header: skipped, or the match (checked and copied out), or a second match (refused). */
static int visit(struct search *s, struct archive *a, struct archive_entry *e, int out_fd, struct wpkg_error *err)
{
	const char *raw = archive_entry_pathname(e);
	const char *name;
	bool match;
	int rc;

	if (raw == NULL)
		return wpkg_error_set(err, WPKG_E_INVALID, "layer entry without a name");
	name = tar_name(raw);
	if (s->want != NULL)
		match = names_path(rel_name(name), s->want);
	else
		match = archive_entry_filetype(e) != AE_IFDIR && is_wasm_name(name);
	if (!match)
		return 0;
	if (s->found != NULL && s->want != NULL)
		return wpkg_error_set(err, WPKG_E_INVALID, "layer holds \"%s\" more than once", name);
	if (s->found != NULL)
		return wpkg_error_set(err, WPKG_E_INVALID,
				      "layer holds more than one .wasm file (\"%s\" and \"%s\"): name the one to extract",
				      s->found, name);
	rc = check_entry(e, name, s->max_size, err);
	if (rc < 0)
		return rc;
	s->found = strdup(name);
	if (s->found == NULL)
		return wpkg_error_nomem(err);
	return copy_out(s, a, out_fd, name, err);
}

int wpkg_image_extract_wasm(int out_fd, int layer_fd, const char *media_type, const char *entry_name,
			    uint64_t max_size, char **found_name, struct wpkg_error *err)
{
	const struct tar_type *t = tar_type(media_type);
	struct search s = { NULL, NULL, max_size, UINT64_MAX };
	struct stat st;
	struct archive *a = NULL;
	struct archive_entry *e;
	bool first = true;
	int rc = 0, r;

	if (t == NULL)
		return wpkg_error_set(err, WPKG_E_UNSUPPORTED, "layer media type \"%s\" is not a tar layer",
				      media_type != NULL ? media_type : "");
	if (entry_name != NULL) {
		s.want = rel_name(entry_name);
		if (s.want[0] == '\0' || has_dotdot(s.want))
			return wpkg_error_set(err, WPKG_E_INVALID, "entry name \"%s\": not a file inside the image",
					      entry_name);
	}
	if (t->filter != ARCHIVE_FILTER_NONE) {
		if (fstat(layer_fd, &st) < 0)
			return wpkg_error_set(err, WPKG_E_IO, "layer: %s", strerror(errno));
		s.max_expanded = (uint64_t)st.st_size > UINT64_MAX / WPKG_IMAGE_EXPANSION_MAX
					 ? UINT64_MAX
					 : (uint64_t)st.st_size * WPKG_IMAGE_EXPANSION_MAX;
		if (s.max_expanded < WPKG_IMAGE_EXPANSION_FLOOR)
			s.max_expanded = WPKG_IMAGE_EXPANSION_FLOOR;
	}
	a = archive_read_new();
	if (a == NULL)
		return wpkg_error_nomem(err);
	/* Only the compression the media type names can bid (besides none, which is then refused below). */
	if (archive_read_support_format_tar(a) != ARCHIVE_OK ||
	    (t->filter == ARCHIVE_FILTER_GZIP && archive_read_support_filter_gzip(a) != ARCHIVE_OK) ||
	    (t->filter == ARCHIVE_FILTER_ZSTD && archive_read_support_filter_zstd(a) != ARCHIVE_OK) ||
	    archive_read_open_fd(a, layer_fd, WPKG_IO_CHUNK) != ARCHIVE_OK) {
		rc = wpkg_error_set(err, WPKG_E_INVALID, "layer: %s", archive_error_string(a));
		goto out;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		if (first && archive_filter_code(a, 0) != t->filter) {
			rc = wpkg_error_set(err, WPKG_E_INVALID, "layer: content is not compressed as %s says",
					    media_type);
			goto out;
		}
		first = false;
		rc = check_expansion(&s, a, err);
		if (rc == 0)
			rc = visit(&s, a, e, out_fd, err);
		if (rc < 0)
			goto out;
	}
	if (r != ARCHIVE_EOF) {
		rc = wpkg_error_set(err, WPKG_E_INVALID, "layer: %s", archive_error_string(a));
		goto out;
	}
	if (s.found == NULL) {
		rc = entry_name != NULL ? wpkg_error_set(err, WPKG_E_NOT_FOUND, "layer has no file \"%s\"", entry_name)
					: wpkg_error_set(err, WPKG_E_NOT_FOUND, "layer holds no .wasm file");
		goto out;
	}
	if (found_name != NULL) {
		*found_name = s.found;
		s.found = NULL;
	}
out:
	free(s.found);
	archive_read_free(a);
	return rc;
}
