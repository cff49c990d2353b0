/* SPDX-License-Identifier: Apache-2.0 */
/* wasm.c - the structural walk of a module or component: preamble, sections, nested parts, world, digests. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wpkg/digest.h"
#include "wpkg/escape.h"
#include "wpkg/fsutil.h"
#include "digest_cache_internal.h"
#include "wasm_internal.h"

struct walk {
	const uint8_t *data;
	struct wpkg_map *map;   /* data's lazy fill, or NULL when data is all in memory */
	struct wpkg_wasm_info *info;
	size_t parts_cap;
	struct wasm_strv imports;
	uint8_t *import_sorts;
	size_t import_sorts_cap;
	struct wasm_strv exports;
	struct wasm_export_ref *refs;
	size_t refs_cap;
	struct wpkg_error *err;
};

static int walk_binary(struct walk *w, const struct wasm_scope *sc, size_t self);

static int add_part(struct walk *w, const struct wasm_scope *child, const struct wasm_sec *s, size_t parent)
{
	struct wpkg_wasm_info *info = w->info;
	struct wpkg_wasm_part *p;

	if (info->n_parts == w->parts_cap) {
		size_t cap = w->parts_cap ? w->parts_cap * 2 : 8;

		p = realloc(info->parts, cap * sizeof(*p));
		if (p == NULL)
			return wpkg_error_nomem(w->err);
		info->parts = p;
		w->parts_cap = cap;
	}
	p = &info->parts[info->n_parts++];
	memset(p, 0, sizeof(*p));
	p->index = info->n_parts;
	p->parent = parent;
	p->depth = child->depth;
	p->kind = child->kind;
	p->section_offset = s->s.offset;
	p->header_len = s->s.header_len;
	p->offset = s->s.payload_offset;
	p->size = s->s.payload_size;
	return 0;
}

/* FORMAT-NOTES §5: a section 1 holds one core module, a section 4 one component. */
static int walk_part(struct walk *w, const struct wasm_scope *parent, size_t parent_index, const struct wasm_sec *s)
{
	struct wasm_scope child = { s->s.payload_offset, s->s.payload_offset + s->s.payload_size,
			       s->s.id == 1 ? WPKG_WASM_MODULE : WPKG_WASM_COMPONENT, parent->depth + 1 };
	enum wpkg_wasm_kind found;
	char what[64];
	int rc;

	if (child.depth > WASM_MAX_DEPTH)
		return wpkg_error_set(w->err, WPKG_E_INVALID, "section %u at offset 0x%zx nests binaries "
				      "more than %d levels deep", s->s.id, (size_t)s->s.offset, WASM_MAX_DEPTH);
	snprintf(what, sizeof(what), "nested %s at 0x%zx", wpkg_wasm_kind_name(child.kind), child.start);
	rc = wpkg_wasm_read_preamble(w->data, w->map, child.start, child.end, what, &found, w->err);
	if (rc < 0)
		return rc;
	if (found != child.kind)
		return wpkg_error_set(w->err, WPKG_E_INVALID, "%s: section %u at offset 0x%zx holds a %s, "
				      "expected a %s", what, s->s.id, (size_t)s->s.offset,
				      wpkg_wasm_kind_name(found), wpkg_wasm_kind_name(child.kind));
	rc = add_part(w, &child, s, parent_index);
	if (rc < 0)
		return rc;
	return walk_binary(w, &child, w->info->n_parts);
}

/* The file's own imports, exports and producers; nested ones belong to their parent (§4). */
static int top_level_section(struct walk *w, const struct wasm_scope *sc, const struct wasm_sec *s)
{
	struct wasm_cur c = { w->data, w->map, s->s.payload_offset, s->s.payload_offset + s->s.payload_size, w->err };
	char section[64];

	snprintf(section, sizeof(section), "section %u at offset 0x%zx", s->s.id, (size_t)s->s.offset);
	if (s->s.id == 0) {
		if (s->custom_name.len != 9 || memcmp(s->custom_name.ptr, "producers", 9) != 0)
			return 0;
		c.pos = s->custom_data;
		return wpkg_wasm_read_producers(&c, &w->info->producers, &w->info->n_producers);
	}
	if (sc->kind != WPKG_WASM_COMPONENT)
		return 0;
	if (s->s.id == 10)
		return wpkg_wasm_read_imports(&c, section, &w->imports, &w->import_sorts, &w->import_sorts_cap);
	if (s->s.id == 11)
		return wpkg_wasm_read_exports(&c, section, &w->exports, &w->refs, &w->refs_cap);
	return 0;
}

static int walk_binary(struct walk *w, const struct wasm_scope *sc, size_t self)
{
	struct wasm_cur c = { w->data, w->map, sc->start + 8, sc->end, w->err };
	int rc = 0;

	while (rc == 0 && c.pos < c.end) {
		struct wasm_sec s;

		rc = wpkg_wasm_next_section(&c, sc, &s);
		if (rc < 0)
			break;
		if (sc->depth == 0) {
			w->info->n_sections++;
			rc = top_level_section(w, sc, &s);
		}
		if (rc == 0 && sc->kind == WPKG_WASM_COMPONENT && (s.s.id == 1 || s.s.id == 4))
			rc = walk_part(w, sc, self, &s);
	}
	return rc;
}

/* [static]r.f and [method]r.f are the same name to wasmparser's uniqueness check. */
static const char *unique_key(const char *name, size_t *skip)
{
	*skip = strncmp(name, "[static]", 8) == 0 ? 8 : strncmp(name, "[method]", 8) == 0 ? 8 : 0;
	return name + *skip;
}

struct named {
	const char *name;
	size_t at;               /* position in the section: ties keep binary order */
};

static int cmp_key(const char *x, const char *y)
{
	size_t sx, sy;
	int c = strcmp(unique_key(x, &sx), unique_key(y, &sy));

	/* a plain label never equals a resource function: keep them apart */
	return c != 0 ? c : (sx != 0) - (sy != 0);
}

static int cmp_named(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int c = cmp_key(x->name, y->name);

	return c != 0 ? c : (x->at > y->at) - (x->at < y->at);
}

/* wasmparser refuses a binary whose top-level imports (or exports) repeat a name. */
static int check_unique(const struct wasm_strv *v, const char *what, struct wpkg_error *err)
{
	struct named *sorted;
	int rc = 0;

	if (v->n < 2)
		return 0;
	sorted = malloc(v->n * sizeof(*sorted));
	if (sorted == NULL)
		return wpkg_error_nomem(err);
	for (size_t i = 0; i < v->n; i++)
		sorted[i] = (struct named){ v->v[i], i };
	qsort(sorted, v->n, sizeof(*sorted), cmp_named);
	for (size_t i = 1; i < v->n && rc == 0; i++) {
		char a[160], b[160];

		if (cmp_key(sorted[i - 1].name, sorted[i].name) != 0)
			continue;
		wpkg_escape(a, sizeof(a), sorted[i].name, strlen(sorted[i].name), 0);
		wpkg_escape(b, sizeof(b), sorted[i - 1].name, strlen(sorted[i - 1].name), 0);
		rc = wpkg_error_set(err, WPKG_E_INVALID, "%s name \"%s\" conflicts with previous name \"%s\": a "
				    "component's %ss must have distinct names", what, a, b, what);
	}
	free(sorted);
	return rc;
}

static void hex_of(char out[65], const void *data, size_t len)
{
	struct wpkg_digest d;

	wpkg_digest_bytes(&d, WPKG_DIGEST_SHA256, data, len);
	memcpy(out, wpkg_digest_hex(&d), 65);
}

/* The walk over data, or over map's lazily filled view of a file when map is not NULL. */
static int inspect_view(struct wpkg_wasm_info **out, const uint8_t *data, struct wpkg_map *map, size_t len,
			unsigned flags, struct wpkg_error *err)
{
	struct walk w = { .data = data, .map = map, .err = err };
	struct wasm_scope sc = { 0, len, WPKG_WASM_MODULE, 0 };
	size_t i;
	int rc;

	w.info = calloc(1, sizeof(*w.info));
	if (w.info == NULL)
		return wpkg_error_nomem(err);
	rc = wpkg_wasm_read_preamble(data, map, 0, len, NULL, &sc.kind, err);
	if (rc < 0)
		goto out;
	w.info->kind = sc.kind;
	w.info->size = len;
	rc = walk_binary(&w, &sc, 0);
	if (rc == 0)
		rc = check_unique(&w.imports, "import", err);
	if (rc == 0)
		rc = check_unique(&w.exports, "export", err);
	if (rc < 0)
		goto out;
	/* FORMAT-NOTES §7: only a component without imports or nested binaries can be a WIT package */
	if (sc.kind == WPKG_WASM_COMPONENT && w.imports.n == 0 && w.info->n_parts == 0 && w.exports.n > 0) {
		rc = wpkg_wasm_wit_package(data, map, len, &w.exports, w.refs, &w.info->is_wit_package,
					   &w.info->wit_package, err);
		if (rc < 0)
			goto out;
	}
	if (!w.info->is_wit_package && w.exports.n > 0) {
		w.info->export_sorts = malloc(w.exports.n);
		if (w.info->export_sorts == NULL) {
			rc = wpkg_error_nomem(err);
			goto out;
		}
		/* a core sort (0x00) in a component export can only be a core module */
		for (i = 0; i < w.exports.n; i++)
			w.info->export_sorts[i] = w.refs[i].sort;
	}
	/* hashing in memory reads everything: callers with a file hash it with pread instead */
	if ((flags & (WPKG_WASM_HASH_FILE | WPKG_WASM_HASH_PARTS)) && (rc = wpkg_map_ensure(map, 0, len, err)) < 0)
		goto out;
	if (flags & WPKG_WASM_HASH_FILE)
		hex_of(w.info->sha256, data, len);
	if (flags & WPKG_WASM_HASH_PARTS)
		for (i = 0; i < w.info->n_parts; i++)
			hex_of(w.info->parts[i].sha256, data + w.info->parts[i].offset, w.info->parts[i].size);
	w.info->imports = w.imports.v;
	w.info->n_imports = w.imports.n;
	w.info->import_sorts = w.import_sorts;
	w.import_sorts = NULL;
	w.info->exports = w.exports.v;
	w.info->n_exports = w.exports.n;
	memset(&w.imports, 0, sizeof(w.imports));
	memset(&w.exports, 0, sizeof(w.exports));
	*out = w.info;
	w.info = NULL;
out:
	wpkg_wasm_strv_free(&w.imports);
	wpkg_wasm_strv_free(&w.exports);
	free(w.import_sorts);
	free(w.refs);
	wpkg_wasm_info_free(w.info);
	return rc;
}

int wpkg_wasm_inspect(struct wpkg_wasm_info **out, const uint8_t *data, size_t len, unsigned flags,
		      struct wpkg_error *err)
{
	return inspect_view(out, data, NULL, len, flags, err);
}

/*
 * One pass over the file feeds the file's hasher and those of the parts the
 * bytes belong to (nested parts overlap), so each byte is read once.
 * Digests are read with pread, never through a mapping (a file truncated
 * meanwhile would raise SIGBUS); a file that changed is caught by the fstat
 * after the pass.
 */
static int hash_one_pass(struct wpkg_wasm_info *info, int fd, bool file, bool parts, struct wpkg_error *err)
{
	size_t np = parts ? info->n_parts : 0, i;
	struct wpkg_hasher whole = { 0 }, *ph = calloc(np + 1, sizeof(*ph));
	unsigned char *chunk = malloc(WPKG_IO_CHUNK);
	uint64_t pos = 0;
	struct wpkg_digest d;
	int rc = 0;

	if (ph == NULL || chunk == NULL) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	if (file && (rc = wpkg_hasher_init(&whole, WPKG_DIGEST_SHA256, err)) < 0)
		goto out;
	for (i = 0; rc == 0 && i < np; i++)
		rc = wpkg_hasher_init(&ph[i], WPKG_DIGEST_SHA256, err);
	while (rc == 0 && pos < info->size) {
		size_t want = info->size - pos < WPKG_IO_CHUNK ? (size_t)(info->size - pos) : WPKG_IO_CHUNK;
		ssize_t got = pread(fd, chunk, want, (off_t)pos);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			rc = wpkg_error_set(err, WPKG_E_IO, "read: %s", got < 0 ? strerror(errno) : "file shrank");
			break;
		}
		if (file)
			wpkg_hasher_update(&whole, chunk, (size_t)got);
		for (i = 0; i < np; i++) {
			const struct wpkg_wasm_part *p = &info->parts[i];
			uint64_t lo = p->offset > pos ? p->offset : pos;
			uint64_t hi = p->offset + p->size < pos + (uint64_t)got ? p->offset + p->size : pos + (uint64_t)got;

			if (lo < hi)
				wpkg_hasher_update(&ph[i], chunk + (lo - pos), (size_t)(hi - lo));
		}
		pos += (uint64_t)got;
	}
	if (rc == 0 && file) {
		wpkg_hasher_final(&whole, &d);
		memcpy(info->sha256, wpkg_digest_hex(&d), 65);
	}
	for (i = 0; rc == 0 && i < np; i++) {
		wpkg_hasher_final(&ph[i], &d);
		memcpy(info->parts[i].sha256, wpkg_digest_hex(&d), 65);
	}
out:
	wpkg_hasher_discard(&whole);
	for (i = 0; ph != NULL && i < np; i++)
		wpkg_hasher_discard(&ph[i]);
	free(ph);
	free(chunk);
	return rc;
}

/* The digests flags ask for: from the digest cache when the file is unchanged, else one pass over it. */
static int hash_file_and_parts(struct wpkg_wasm_info *info, const char *path, unsigned flags,
			       struct wpkg_error *err)
{
	bool file = (flags & WPKG_WASM_HASH_FILE) != 0, parts = (flags & WPKG_WASM_HASH_PARTS) != 0;
	struct wpkg_digest_range whole = { 0 }, *ranges = NULL;
	struct stat before, after;
	size_t i;
	int fd, rc = 0;

	if (!file && !parts)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return wpkg_error_set(err, WPKG_E_IO, "%s: %s", path, strerror(errno));
	if (fstat(fd, &before) < 0) {
		rc = wpkg_error_set(err, WPKG_E_IO, "%s: %s", path, strerror(errno));
		goto out;
	}
	whole.size = info->size;
	ranges = calloc(info->n_parts + 1, sizeof(*ranges));
	if (ranges == NULL) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	for (i = 0; i < info->n_parts; i++) {
		ranges[i].offset = info->parts[i].offset;
		ranges[i].size = info->parts[i].size;
	}
	if ((uint64_t)before.st_size == info->size &&
	    wpkg_digest_cache_lookup(&before, &whole, ranges, info->n_parts, file, parts)) {
		if (file)
			memcpy(info->sha256, whole.sha256, 65);
		for (i = 0; parts && i < info->n_parts; i++)
			memcpy(info->parts[i].sha256, ranges[i].sha256, 65);
		goto out;
	}
	/* the whole file is hashed even when only parts were asked for: that makes the entry useful later */
	rc = hash_one_pass(info, fd, true, parts, err);
	/* a file that changed while it was read is not remembered */
	if (rc == 0 && fstat(fd, &after) == 0 && (uint64_t)after.st_size == info->size &&
	    after.st_mtim.tv_sec == before.st_mtim.tv_sec && after.st_mtim.tv_nsec == before.st_mtim.tv_nsec &&
	    after.st_ctim.tv_sec == before.st_ctim.tv_sec && after.st_ctim.tv_nsec == before.st_ctim.tv_nsec) {
		memcpy(whole.sha256, info->sha256, 65);
		for (i = 0; i < info->n_parts; i++)
			memcpy(ranges[i].sha256, info->parts[i].sha256, 65);
		wpkg_digest_cache_store(&before, &whole, ranges, info->n_parts);
	}
out:
	free(ranges);
	close(fd);
	return rc;
}

int wpkg_wasm_inspect_file(struct wpkg_wasm_info **out, const char *path, unsigned flags,
			   struct wpkg_error *err)
{
	struct wpkg_wasm_info *info = NULL;
	struct wpkg_map m;
	int rc;

	rc = wpkg_map_open(&m, path, err); /* its messages already name the path */
	if (rc < 0)
		return rc;
	/* lazily: only the headers and the sections the walk decodes are read, never the code or data */
	rc = inspect_view(&info, m.data, &m, m.len, flags & ~(unsigned)(WPKG_WASM_HASH_FILE | WPKG_WASM_HASH_PARTS),
			       err);
	wpkg_unmap_file(&m);
	if (rc == 0)
		rc = hash_file_and_parts(info, path, flags, err);
	if (rc < 0) {
		wpkg_wasm_info_free(info);
		wpkg_error_wrap(err, "%s", path);
		return rc;
	}
	*out = info;
	return 0;
}

void wpkg_wasm_info_free(struct wpkg_wasm_info *info)
{
	struct wasm_strv s;

	if (info == NULL)
		return;
	s = (struct wasm_strv){ info->imports, info->n_imports, info->n_imports };
	wpkg_wasm_strv_free(&s);
	s = (struct wasm_strv){ info->exports, info->n_exports, info->n_exports };
	wpkg_wasm_strv_free(&s);
	wpkg_wasm_producers_free(info->producers, info->n_producers);
	free(info->import_sorts);
	free(info->export_sorts);
	free(info->wit_package);
	free(info->parts);
	free(info);
}
