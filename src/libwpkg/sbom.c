/* SPDX-License-Identifier: Apache-2.0 */
/* sbom.c - reading cargo-auditable's .dep-v0 section and writing a CycloneDX 1.5 SBOM from it. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "wpkg/digest.h"
#include "wpkg/oci.h"
#include "wpkg/sbom.h"
#include "wpkg/wasm.h"

struct find {
	const uint8_t *base;    /* the binary being walked */
	uint64_t base_off;      /* its offset in the file */
	const uint8_t *payload;
	size_t len;
	uint64_t offset;
};

static int on_section(void *payload, const struct wpkg_wasm_section *s)
{
	struct find *f = payload;
	size_t pos = (size_t)s->payload_offset, end = (size_t)(s->payload_offset + s->payload_size);
	uint32_t name_len;

	if (s->id != 0 || wpkg_leb_u32(f->base, end, &pos, &name_len) < 0 || name_len > end - pos)
		return 0;
	if (name_len != strlen(WPKG_DEP_SECTION) || memcmp(f->base + pos, WPKG_DEP_SECTION, name_len) != 0)
		return 0;
	pos += name_len;
	f->payload = f->base + pos;
	f->len = end - pos;
	f->offset = f->base_off + pos;
	return 1;
}

int wpkg_sbom_find_deps(const uint8_t **payload, size_t *len, uint64_t *offset, const uint8_t *wasm,
			size_t wasm_len, struct wpkg_error *err)
{
	struct wpkg_wasm_info *info = NULL;
	struct find f = { wasm, 0, NULL, 0, 0 };
	int rc = wpkg_wasm_inspect(&info, wasm, wasm_len, 0, err);

	if (rc < 0)
		return rc;
	rc = wpkg_wasm_sections(wasm, wasm_len, on_section, &f, err);
	for (size_t i = 0; rc == 0 && i < info->n_parts; i++) {
		f.base = wasm + info->parts[i].offset;
		f.base_off = info->parts[i].offset;
		rc = wpkg_wasm_sections(f.base, (size_t)info->parts[i].size, on_section, &f, err);
	}
	wpkg_wasm_info_free(info);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return wpkg_error_set(err, WPKG_E_NOT_FOUND, "no %s section (build the component with "
				      "\"cargo auditable build\" to embed its dependency list)", WPKG_DEP_SECTION);
	*payload = f.payload;
	*len = f.len;
	*offset = f.offset;
	return 0;
}

static int inflate_capped(struct wpkg_buf *out, const uint8_t *data, size_t len, uint64_t offset, size_t max,
			  struct wpkg_error *err)
{
	z_stream z = { 0 };
	int zr, rc = 0;

	if (inflateInit(&z) != Z_OK)
		return wpkg_error_set(err, WPKG_E_NOMEM, "zlib would not start");
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = len > UINT32_MAX ? UINT32_MAX : (uInt)len;
	do {
		if (out->len >= max) {
			rc = wpkg_error_set(err, WPKG_E_TOO_LARGE, "%s section at offset 0x%" PRIx64 ": inflates to more "
					    "than %zu bytes", WPKG_DEP_SECTION, offset, max);
			goto out;
		}
		if (wpkg_buf_grow(out, 64 * 1024) < 0) {
			rc = wpkg_error_nomem(err);
			goto out;
		}
		z.next_out = (Bytef *)out->data + out->len;
		z.avail_out = (uInt)(out->cap - out->len - 1);
		if (z.avail_out > max - out->len + 1)
			z.avail_out = (uInt)(max - out->len + 1);
		zr = inflate(&z, Z_NO_FLUSH);
		out->len = (size_t)((char *)z.next_out - out->data);
		out->data[out->len] = '\0';
		if (zr != Z_OK && zr != Z_STREAM_END) {
			rc = wpkg_error_set(err, WPKG_E_INVALID, "%s section at offset 0x%" PRIx64 ": zlib: %s (at byte "
					    "0x%" PRIx64 " of the file)", WPKG_DEP_SECTION, offset,
					    z.msg != NULL ? z.msg : zr == Z_BUF_ERROR ? "data ends early" : "corrupt data",
					    offset + (uint64_t)(len - z.avail_in));
			goto out;
		}
		if (zr == Z_OK && z.avail_in == 0 && z.avail_out > 0) {
			rc = wpkg_error_set(err, WPKG_E_INVALID, "%s section at offset 0x%" PRIx64 ": zlib data ends early",
					    WPKG_DEP_SECTION, offset);
			goto out;
		}
		if (zr == Z_STREAM_END)
			break;
	} while (1);
	if (out->len > max)
		rc = wpkg_error_set(err, WPKG_E_TOO_LARGE, "%s section at offset 0x%" PRIx64 ": inflates to more than "
				    "%zu bytes", WPKG_DEP_SECTION, offset, max);
out:
	inflateEnd(&z);
	return rc;
}

static int check_package(const json_t *p, size_t i, size_t n, uint64_t offset, struct wpkg_error *err)
{
	static const char *const strings[] = { "name", "version", "source" };
	const json_t *deps = json_object_get(p, "dependencies"), *kind = json_object_get(p, "kind");
	const json_t *root = json_object_get(p, "root"), *d;
	size_t k;

	if (!json_is_object(p))
		return wpkg_error_set(err, WPKG_E_INVALID, "%s section at offset 0x%" PRIx64 ": packages[%zu] is not an "
				      "object", WPKG_DEP_SECTION, offset, i);
	for (k = 0; k < 3; k++)
		if (!json_is_string(json_object_get(p, strings[k])))
			return wpkg_error_set(err, WPKG_E_INVALID, "%s section at offset 0x%" PRIx64 ": packages[%zu]."
					      "%s is missing or not a string", WPKG_DEP_SECTION, offset, i, strings[k]);
	if (kind != NULL && (!json_is_string(kind) || (strcmp(json_string_value(kind), "build") != 0 &&
						     strcmp(json_string_value(kind), "runtime") != 0)))
		return wpkg_error_set(err, WPKG_E_INVALID, "%s section at offset 0x%" PRIx64 ": packages[%zu].kind is "
				      "not \"build\" or \"runtime\"", WPKG_DEP_SECTION, offset, i);
	if (root != NULL && !json_is_boolean(root))
		return wpkg_error_set(err, WPKG_E_INVALID, "%s section at offset 0x%" PRIx64 ": packages[%zu].root is "
				      "not a boolean", WPKG_DEP_SECTION, offset, i);
	if (deps != NULL && !json_is_array(deps))
		return wpkg_error_set(err, WPKG_E_INVALID, "%s section at offset 0x%" PRIx64 ": packages[%zu]."
				      "dependencies is not an array", WPKG_DEP_SECTION, offset, i);
	json_array_foreach(deps, k, d)
		if (!json_is_integer(d) || json_integer_value(d) < 0 || (uint64_t)json_integer_value(d) >= n)
			return wpkg_error_set(err, WPKG_E_INVALID, "%s section at offset 0x%" PRIx64 ": packages[%zu]."
					      "dependencies[%zu] is not the index of a package (0 to %zu)",
					      WPKG_DEP_SECTION, offset, i, k, n - 1);
	return 0;
}

int wpkg_sbom_decode_deps(json_t **out, const uint8_t *payload, size_t len, uint64_t offset, size_t max,
			  struct wpkg_error *err)
{
	struct wpkg_buf text = WPKG_BUF_INIT;
	json_t *root = NULL, *pkgs, *p;
	size_t i;
	int rc;

	if ((rc = inflate_capped(&text, payload, len, offset, max != 0 ? max : WPKG_DEP_INFLATED_MAX, err)) < 0)
		goto out;
	if ((rc = wpkg_json_load(&root, text.data, text.len, "dependency list", err)) < 0) {
		rc = wpkg_error_wrap(err, "%s section at offset 0x%" PRIx64, WPKG_DEP_SECTION, offset);
		goto out;
	}
	pkgs = json_object_get(root, "packages");
	if (!json_is_array(pkgs)) {
		rc = wpkg_error_set(err, WPKG_E_INVALID, "%s section at offset 0x%" PRIx64 ": no \"packages\" array",
				    WPKG_DEP_SECTION, offset);
		goto out;
	}
	json_array_foreach(pkgs, i, p)
		if ((rc = check_package(p, i, json_array_size(pkgs), offset, err)) < 0)
			goto out;
	*out = root;
	root = NULL;
out:
	json_decref(root);
	wpkg_buf_free(&text);
	return rc;
}

/* Every package gets a bom-ref: its purl-like name, made unique by its index when two would clash. */
static char **bom_refs(const json_t *pkgs)
{
	size_t n = json_array_size(pkgs), i, j;
	char **refs = calloc(n + 1, sizeof(*refs));

	for (i = 0; refs != NULL && i < n; i++) {
		const json_t *p = json_array_get(pkgs, i);
		const char *name = json_string_value(json_object_get(p, "name"));
		const char *ver = json_string_value(json_object_get(p, "version"));
		bool dup = false;

		for (j = 0; j < n && !dup; j++) {
			const json_t *q = json_array_get(pkgs, j);

			dup = j != i && strcmp(name, json_string_value(json_object_get(q, "name"))) == 0 &&
			      strcmp(ver, json_string_value(json_object_get(q, "version"))) == 0;
		}
		if ((dup ? asprintf(&refs[i], "pkg:cargo/%s@%s#%zu", name, ver, i)
			 : asprintf(&refs[i], "pkg:cargo/%s@%s", name, ver)) < 0)
			refs[i] = NULL;
		if (refs[i] == NULL) {
			for (j = 0; j < i; j++)
				free(refs[j]);
			free(refs);
			return NULL;
		}
	}
	return refs;
}

static json_t *component_json(const json_t *p, const char *ref)
{
	const char *src = json_string_value(json_object_get(p, "source"));
	const json_t *kind = json_object_get(p, "kind");
	bool build = kind != NULL && strcmp(json_string_value(kind), "build") == 0;
	bool root = json_is_true(json_object_get(p, "root"));
	json_t *c = json_pack("{s:s, s:s, s:O, s:O}", "type", root ? "application" : "library", "bom-ref", ref,
			      "name", json_object_get(p, "name"), "version", json_object_get(p, "version"));

	if (c == NULL)
		return NULL;
	json_object_set_new(c, "scope", json_string(build ? "excluded" : "required"));
	if (strcmp(src, "crates.io") == 0) {
		char *purl = NULL;

		if (asprintf(&purl, "pkg:cargo/%s@%s", json_string_value(json_object_get(p, "name")),
			     json_string_value(json_object_get(p, "version"))) >= 0) {
			json_object_set_new(c, "purl", json_string(purl));
			free(purl);
		}
	}
	json_object_set_new(c, "properties", json_pack("[{s:s, s:s}]", "name", "cargo:source", "value", src));
	return c;
}

static json_t *build_doc(const json_t *deps, const struct wpkg_digest *sha, const struct wpkg_sbom_opts *opts)
{
	const json_t *pkgs = json_object_get(deps, "packages"), *p;
	char **refs = bom_refs(pkgs);
	json_t *doc = NULL, *meta, *components, *graph, *top_deps;
	size_t i, k, n = json_array_size(pkgs);

	if (refs == NULL)
		return NULL;
	doc = json_pack("{s:s, s:s}", "bomFormat", "CycloneDX", "specVersion", "1.5");
	meta = json_object();
	components = json_array();
	graph = json_array();
	top_deps = json_array();
	if (doc == NULL || meta == NULL || components == NULL || graph == NULL || top_deps == NULL)
		goto fail;
	if (opts->serial_number != NULL)
		json_object_set_new(doc, "serialNumber", json_string(opts->serial_number));
	json_object_set_new(doc, "version", json_integer(1));
	if (opts->timestamp != (time_t)-1) {
		char ts[32];
		struct tm tm;

		gmtime_r(&opts->timestamp, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
		json_object_set_new(meta, "timestamp", json_string(ts));
	}
	if (opts->tool_name != NULL)
		json_object_set_new(meta, "tools", json_pack("{s:[{s:s, s:s, s:s*}]}", "components", "type",
							     "application", "name", opts->tool_name, "version",
							     opts->tool_version));
	json_object_set_new(meta, "component", json_pack("{s:s, s:s, s:s, s:[{s:s, s:s}]}", "type", "application",
							 "bom-ref", "component", "name", opts->name, "hashes", "alg",
							 "SHA-256", "content", wpkg_digest_hex(sha)));
	json_object_set_new(doc, "metadata", meta);
	meta = NULL;
	json_array_append_new(graph, json_pack("{s:s, s:o}", "ref", "component", "dependsOn", top_deps));
	json_array_foreach(pkgs, i, p) {
		json_t *on = json_array(), *d;

		if (json_is_true(json_object_get(p, "root")))
			json_array_append_new(top_deps, json_string(refs[i]));
		json_array_append_new(components, component_json(p, refs[i]));
		json_array_foreach(json_object_get(p, "dependencies"), k, d)
			json_array_append_new(on, json_string(refs[json_integer_value(d)]));
		json_array_append_new(graph, json_pack("{s:s, s:o}", "ref", refs[i], "dependsOn", on));
	}
	top_deps = NULL;
	json_object_set_new(doc, "components", components);
	json_object_set_new(doc, "dependencies", graph);
	goto done;
fail:
	json_decref(doc);
	json_decref(meta);
	json_decref(components);
	json_decref(graph);
	json_decref(top_deps);
	doc = NULL;
done:
	for (i = 0; i < n; i++)
		free(refs[i]);
	free(refs);
	return doc;
}

int wpkg_sbom_cyclonedx(struct wpkg_buf *out, const uint8_t *wasm, size_t len, const struct wpkg_sbom_opts *opts,
			struct wpkg_error *err)
{
	const uint8_t *payload = NULL;
	struct wpkg_digest sha;
	json_t *deps = NULL, *doc = NULL;
	size_t plen = 0;
	uint64_t offset = 0;
	char *text = NULL;
	int rc;

	if ((rc = wpkg_sbom_find_deps(&payload, &plen, &offset, wasm, len, err)) < 0 ||
	    (rc = wpkg_sbom_decode_deps(&deps, payload, plen, offset, 0, err)) < 0)
		goto out;
	wpkg_digest_bytes(&sha, WPKG_DIGEST_SHA256, wasm, len);
	doc = build_doc(deps, &sha, opts);
	text = doc != NULL ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	if (text == NULL || wpkg_buf_puts(out, text) < 0 || wpkg_buf_putc(out, '\n') < 0)
		rc = wpkg_error_nomem(err);
out:
	free(text);
	json_decref(doc);
	json_decref(deps);
	return rc;
}
