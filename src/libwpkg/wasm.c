/* wasm.c - the structural walk of a module or component: preamble, sections, nested parts, world, digests. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wpkg/digest.h"
#include "wpkg/fsutil.h"
#include "digest_cache_internal.h"
#include "wasm_internal.h"

#define HASH_CHUNK ((size_t)256 << 10)

const char *wpkg_wasm_kind_name(enum wpkg_wasm_kind kind)
{
	return kind == WPKG_WASM_MODULE ? "module" : kind == WPKG_WASM_COMPONENT ? "component" : "unknown";
}

const char *wpkg_wasm_os(enum wpkg_wasm_kind kind)
{
	return kind == WPKG_WASM_MODULE ? "wasip1" : kind == WPKG_WASM_COMPONENT ? "wasip2" : "unknown";
}

/* One binary being walked: the file itself (depth 0) or a nested part. */
struct scope {
	size_t start;
	size_t end;
	enum wpkg_wasm_kind kind;
	unsigned depth;
};

/* A section header as read, with a custom section's name. */
struct sec {
	struct wpkg_wasm_section s;
	struct wpkg_slice custom_name;
	size_t custom_data;       /* offset of a custom section's data, after its name */
};

/* Looks like WAT text (FORMAT-NOTES bad/wat-text.wasm): say so, it is a common mistake.  Only the first
 * WPKG_MAP_BLOCK bytes are looked at: leading white space longer than that is not worth reading a file for. */
static const char *text_hint(const uint8_t *d, size_t len, struct wpkg_map *map)
{
	size_t i = 0;

	if (len > WPKG_MAP_BLOCK)
		len = WPKG_MAP_BLOCK;
	if (wpkg_map_ensure(map, 0, len, NULL) < 0)
		return "";

	while (i < len && (d[i] == ' ' || d[i] == '\t' || d[i] == '\n' || d[i] == '\r'))
		i++;
	if (i < len && (d[i] == '(' || (d[i] == ';' && i + 1 < len && d[i + 1] == ';')))
		return "; this looks like WebAssembly text (WAT): compile it to a binary first";
	return "";
}

/*
 * FORMAT-NOTES §1: the layer (bytes 6..7) decides module or component, then
 * the version must be the one wpkg reads.  what is NULL for the file itself,
 * else "nested module at 0x5d" and messages are prefixed with it.
 */
static int read_preamble(const uint8_t *d, struct wpkg_map *map, size_t start, size_t end, const char *what,
			 enum wpkg_wasm_kind *kind, struct wpkg_error *err)
{
	const uint8_t *p = d + start;
	size_t len = end - start;
	unsigned version, layer;
	char pre[64] = "";
	int rc = wpkg_map_ensure(map, start, len < 8 ? len : 8, err);

	if (rc < 0)
		return rc;

	if (what)
		snprintf(pre, sizeof(pre), "%s: ", what);
	if (len == 0 && what == NULL)
		return wpkg_error_set(err, WPKG_E_INVALID, "empty file: not a WebAssembly binary");
	if (len >= 4 && memcmp(p, "\0asm", 4) != 0)
		return wpkg_error_set(err, WPKG_E_INVALID,
				      "%snot a WebAssembly binary: bad magic %02x %02x %02x %02x at offset 0x%zx "
				      "(expected 00 61 73 6d)%s",
				      pre, p[0], p[1], p[2], p[3], start, what ? "" : text_hint(p, len, map));
	if (len < 8)
		return wpkg_error_set(err, WPKG_E_INVALID, "truncated preamble: %s has %zu bytes, need 8",
				      what ? what : "file", len);
	version = p[4] | (unsigned)p[5] << 8;
	layer = p[6] | (unsigned)p[7] << 8;
	if (layer == 0 && version == 0x01) {
		*kind = WPKG_WASM_MODULE;
		return 0;
	}
	if (layer == 1 && version == 0x0d) {
		*kind = WPKG_WASM_COMPONENT;
		return 0;
	}
	if (layer == 0)
		return wpkg_error_set(err, WPKG_E_INVALID, "%sunsupported core module version 0x%02x (layer 0) "
				      "at offset 0x%zx: wpkg reads version 0x01", pre, version, start + 4);
	if (layer == 1)
		return wpkg_error_set(err, WPKG_E_INVALID, "%sunsupported component version 0x%02x (layer 1) "
				      "at offset 0x%zx: wpkg reads version 0x0d", pre, version, start + 4);
	return wpkg_error_set(err, WPKG_E_INVALID, "%sunknown layer %u at offset 0x%zx "
			      "(0 is a core module, 1 a component)", pre, layer, start + 6);
}

/* FORMAT-NOTES §2-3: id byte, u32 LEB size, payload within the enclosing binary. */
static int next_section(struct wasm_cur *c, const struct scope *sc, struct sec *out)
{
	unsigned max_id = sc->kind == WPKG_WASM_COMPONENT ? 12 : 13;
	size_t at = c->pos;
	uint32_t size;
	uint8_t id;
	int rc;

	rc = wpkg_wasm_cur_ensure(c, c->pos, 1); /* the caller loops while pos < end */
	if (rc < 0)
		return rc;
	id = c->data[c->pos++];
	if (id > max_id)
		return wpkg_error_set(c->err, WPKG_E_INVALID, "unknown section id %u at offset 0x%zx "
				      "(a %s has ids 0 to %u)", id, at, wpkg_wasm_kind_name(sc->kind), max_id);
	rc = wpkg_wasm_cur_u32(c, &size);
	if (rc < 0)
		return rc;
	if (size > c->end - c->pos) {
		if (sc->depth == 0)
			return wpkg_error_set(c->err, WPKG_E_INVALID, "section %u at offset 0x%zx declares %u bytes "
					      "but only %zu remain in the file", id, at, size, c->end - c->pos);
		return wpkg_error_set(c->err, WPKG_E_INVALID, "section %u at offset 0x%zx in nested %s at 0x%zx "
				      "declares %u bytes but only %zu remain in the %s", id, at,
				      wpkg_wasm_kind_name(sc->kind), sc->start, size, c->end - c->pos,
				      wpkg_wasm_kind_name(sc->kind));
	}
	out->s.id = id;
	out->s.offset = at;
	out->s.header_len = (uint32_t)(c->pos - at);
	out->s.payload_offset = c->pos;
	out->s.payload_size = size;
	c->pos += size;
	if (id == 0) {
		struct wasm_cur nc = { c->data, c->map, out->s.payload_offset, c->pos, c->err };

		rc = wpkg_wasm_cur_name(&nc, "custom section name", &out->custom_name);
		if (rc < 0)
			return rc;
		out->custom_data = nc.pos;
	}
	return 0;
}

int wpkg_wasm_sections_in(const uint8_t *data, struct wpkg_map *map, size_t len, wpkg_wasm_section_fn fn,
			  void *payload, struct wpkg_error *err)
{
	struct scope sc = { 0, len, WPKG_WASM_MODULE, 0 };
	struct wasm_cur c = { data, map, 8, len, err };
	int rc;

	rc = read_preamble(data, map, 0, len, NULL, &sc.kind, err);
	while (rc == 0 && c.pos < c.end) {
		struct sec s;

		rc = next_section(&c, &sc, &s);
		if (rc == 0)
			rc = fn(payload, &s.s);
	}
	return rc;
}

int wpkg_wasm_sections(const uint8_t *data, size_t len, wpkg_wasm_section_fn fn, void *payload,
		       struct wpkg_error *err)
{
	return wpkg_wasm_sections_in(data, NULL, len, fn, payload, err);
}

struct walk {
	const uint8_t *data;
	struct wpkg_map *map;   /* data's lazy fill, or NULL when data is all in memory */
	struct wpkg_wasm_info *info;
	size_t parts_cap;
	struct wasm_strv imports;
	struct wasm_strv exports;
	struct wasm_export_ref *refs;
	size_t refs_cap;
	struct wpkg_error *err;
};

static int walk_binary(struct walk *w, const struct scope *sc, size_t self);

static int add_part(struct walk *w, const struct scope *child, const struct sec *s, size_t parent)
{
	struct wpkg_wasm_info *info = w->info;
	struct wpkg_wasm_part *p;

	if (info->n_parts == w->parts_cap) {
		size_t cap = w->parts_cap ? w->parts_cap * 2 : 8;

		p = realloc(info->parts, cap * sizeof(*p));
		if (p == NULL)
			return wpkg_error_set(w->err, WPKG_E_NOMEM, "out of memory");
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
static int walk_part(struct walk *w, const struct scope *parent, size_t parent_index, const struct sec *s)
{
	struct scope child = { s->s.payload_offset, s->s.payload_offset + s->s.payload_size,
			       s->s.id == 1 ? WPKG_WASM_MODULE : WPKG_WASM_COMPONENT, parent->depth + 1 };
	enum wpkg_wasm_kind found;
	char what[64];
	int rc;

	if (child.depth > WASM_MAX_DEPTH)
		return wpkg_error_set(w->err, WPKG_E_INVALID, "section %u at offset 0x%zx nests binaries "
				      "more than %d levels deep", s->s.id, (size_t)s->s.offset, WASM_MAX_DEPTH);
	snprintf(what, sizeof(what), "nested %s at 0x%zx", wpkg_wasm_kind_name(child.kind), child.start);
	rc = read_preamble(w->data, w->map, child.start, child.end, what, &found, w->err);
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
static int top_level_section(struct walk *w, const struct scope *sc, const struct sec *s)
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
		return wpkg_wasm_read_imports(&c, section, &w->imports);
	if (s->s.id == 11)
		return wpkg_wasm_read_exports(&c, section, &w->exports, &w->refs, &w->refs_cap);
	return 0;
}

static int walk_binary(struct walk *w, const struct scope *sc, size_t self)
{
	struct wasm_cur c = { w->data, w->map, sc->start + 8, sc->end, w->err };
	int rc = 0;

	while (rc == 0 && c.pos < c.end) {
		struct sec s;

		rc = next_section(&c, sc, &s);
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
	struct scope sc = { 0, len, WPKG_WASM_MODULE, 0 };
	size_t i;
	int rc;

	w.info = calloc(1, sizeof(*w.info));
	if (w.info == NULL)
		return wpkg_error_set(err, WPKG_E_NOMEM, "out of memory");
	rc = read_preamble(data, map, 0, len, NULL, &sc.kind, err);
	if (rc < 0)
		goto out;
	w.info->kind = sc.kind;
	w.info->size = len;
	rc = walk_binary(&w, &sc, 0);
	if (rc < 0)
		goto out;
	/* FORMAT-NOTES §7: only a component without imports or nested binaries can be a WIT package */
	if (sc.kind == WPKG_WASM_COMPONENT && w.imports.n == 0 && w.info->n_parts == 0 && w.exports.n > 0) {
		rc = wpkg_wasm_wit_package(data, map, len, &w.exports, w.refs, &w.info->is_wit_package, err);
		if (rc < 0)
			goto out;
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
	w.info->exports = w.exports.v;
	w.info->n_exports = w.exports.n;
	memset(&w.imports, 0, sizeof(w.imports));
	memset(&w.exports, 0, sizeof(w.exports));
	*out = w.info;
	w.info = NULL;
out:
	wpkg_wasm_strv_free(&w.imports);
	wpkg_wasm_strv_free(&w.exports);
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
	unsigned char *chunk = malloc(HASH_CHUNK);
	uint64_t pos = 0;
	struct wpkg_digest d;
	int rc = 0;

	if (ph == NULL || chunk == NULL) {
		rc = wpkg_error_set(err, WPKG_E_NOMEM, "out of memory");
		goto out;
	}
	if (file && (rc = wpkg_hasher_init(&whole, WPKG_DIGEST_SHA256, err)) < 0)
		goto out;
	for (i = 0; rc == 0 && i < np; i++)
		rc = wpkg_hasher_init(&ph[i], WPKG_DIGEST_SHA256, err);
	while (rc == 0 && pos < info->size) {
		size_t want = info->size - pos < HASH_CHUNK ? (size_t)(info->size - pos) : HASH_CHUNK;
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
	struct stat before, after;
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
	if ((uint64_t)before.st_size == info->size && wpkg_digest_cache_lookup(&before, info, file, parts))
		goto out;
	/* the whole file is hashed even when only parts were asked for: that makes the entry useful later */
	rc = hash_one_pass(info, fd, true, parts, err);
	/* a file that changed while it was read is not remembered */
	if (rc == 0 && fstat(fd, &after) == 0 && (uint64_t)after.st_size == info->size &&
	    after.st_mtim.tv_sec == before.st_mtim.tv_sec && after.st_mtim.tv_nsec == before.st_mtim.tv_nsec &&
	    after.st_ctim.tv_sec == before.st_ctim.tv_sec && after.st_ctim.tv_nsec == before.st_ctim.tv_nsec)
		wpkg_digest_cache_store(&before, info);
out:
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
	free(info->parts);
	free(info);
}
