/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_inspect.c - "wpkg inspect": what a Wasm file holds, or what an artifact in a layout or registry holds. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_run.h"
#include "wpkg/artifact.h"
#include "wpkg/escape.h"
#include "wpkg/explode.h"
#include "wpkg/oci.h"
#include "wpkg/pkgname.h"
#include "wpkg/wasm.h"
#include "wpkg/wasm_config.h"
#include "names.h"

/* ---- a Wasm file ---- */

/*
 * Names and producers strings come from the binary (or the registry): each is
 * printed on one line with every control character escaped, newlines too
 * (cli_out keeps the line breaks of its format, not those of a value).  The
 * few most recent results stay valid; esc_release frees them.
 */
static char *esc_ring[8];
static unsigned esc_next;

static const char *esc(const char *s)
{
	size_t n = strlen(s), size = 4 * n + 1;
	char **slot = &esc_ring[esc_next++ % 8];

	free(*slot);
	*slot = malloc(size);
	if (*slot == NULL)
		return "?";
	wpkg_escape(*slot, size, s, n, 0);
	return *slot;
}

static void esc_release(void)
{
	for (size_t i = 0; i < 8; i++) {
		free(esc_ring[i]);
		esc_ring[i] = NULL;
	}
}

static json_t *strings_json(char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *file_json(const char *path, const struct wpkg_wasm_info *info)
{
	json_t *producers = json_array(), *parts = json_array();

	for (size_t i = 0; producers != NULL && i < info->n_producers; i++) {
		const struct wpkg_wasm_producer *p = &info->producers[i];

		json_array_append_new(producers, json_pack("{s:s, s:s, s:s}", "field", p->field, "name", p->name,
							   "version", p->version));
	}
	for (size_t i = 0; parts != NULL && i < info->n_parts; i++) {
		const struct wpkg_wasm_part *p = &info->parts[i];

		json_array_append_new(parts, json_pack("{s:I, s:I, s:I, s:s, s:I, s:I, s:I, s:I, s:s}",
						       "index", (json_int_t)p->index, "parent", (json_int_t)p->parent,
						       "depth", (json_int_t)p->depth, "kind", wpkg_wasm_kind_name(p->kind),
						       "offset", (json_int_t)p->offset, "size", (json_int_t)p->size,
						       "sectionOffset", (json_int_t)p->section_offset,
						       "headerLen", (json_int_t)p->header_len, "sha256", p->sha256));
	}
	return json_pack("{s:s, s:s, s:s, s:I, s:s, s:o, s:o, s:o, s:b, s:s*, s:o}", "file", path, "kind",
			 wpkg_wasm_kind_name(info->kind), "os", wpkg_wasm_os(info->kind), "size",
			 (json_int_t)info->size, "sha256", info->sha256, "imports",
			 strings_json(info->imports, info->n_imports), "exports",
			 strings_json(info->exports, info->n_exports), "producers", producers, "witPackage",
			 info->is_wit_package, "package", info->wit_package, "parts", parts);
}

/* "title:" then one name per line, all indent deeper. */
static void print_list(int indent, const char *title, char *const *v, size_t n)
{
	cli_out("%*s%s:%s\n", indent, "", title, n == 0 ? " none" : "");
	for (size_t i = 0; i < n; i++)
		cli_out("%*s  %s\n", indent, "", esc(v[i]));
}

/* push and build refuse what wit-component cannot describe as a world: said here before they do. */
static void world_note(const struct wpkg_wasm_info *info)
{
	struct wpkg_error err = { 0 };
	char **im = NULL, **ex = NULL;
	size_t ni = 0, ne = 0;

	if (info->kind != WPKG_WASM_COMPONENT)
		return;
	if (wpkg_wasm_world_lists(info, false, &im, &ni, &ex, &ne, &err) < 0) {
		cli_out("config: refused by push and build: %s\n", esc(err.msg));
		return;
	}
	for (size_t i = 0; i < ni; i++)
		free(im[i]);
	for (size_t i = 0; i < ne; i++)
		free(ex[i]);
	free(im);
	free(ex);
}

static void print_file(const char *path, const struct wpkg_wasm_info *info)
{
	cli_out("file: %s\nkind: %s\nos: %s\nsize: %llu\nsha256: %s\n", path, wpkg_wasm_kind_name(info->kind),
		wpkg_wasm_os(info->kind), (unsigned long long)info->size, info->sha256);
	if (info->is_wit_package)
		cli_out("WIT package: %s\n", info->wit_package != NULL ? esc(info->wit_package) : "yes");
	print_list(0, "imports", info->imports, info->n_imports);
	print_list(0, "exports", info->exports, info->n_exports);
	world_note(info);
	cli_out("producers:%s\n", info->n_producers == 0 ? " none" : "");
	for (size_t i = 0; i < info->n_producers; i++) {
		const struct wpkg_wasm_producer *p = &info->producers[i];

		cli_out("  %s: %s%s%s\n", esc(p->field), esc(p->name), p->version[0] != '\0' ? " " : "", esc(p->version));
	}
	/* the nesting drawn by indentation, one part per line in walk order */
	cli_out("parts:%s\n", info->n_parts == 0 ? " none" : "");
	for (size_t i = 0; i < info->n_parts; i++) {
		const struct wpkg_wasm_part *p = &info->parts[i];

		cli_out("%*s#%zu %s  size %llu  offset %llu  sha256 %.12s\n", (int)(2 * p->depth), "", p->index,
			wpkg_wasm_kind_name(p->kind), (unsigned long long)p->size, (unsigned long long)p->offset,
			p->sha256);
	}
}

static int inspect_file(const char *path, struct wpkg_error *err)
{
	struct wpkg_wasm_info *info = NULL;
	json_t *md = NULL, *doc;
	const char *key;
	json_t *v;
	int rc;

	rc = wpkg_wasm_inspect_file(&info, path, WPKG_WASM_HASH_FILE | WPKG_WASM_HASH_PARTS, err);
	if (rc < 0)
		return rc;
	/* the annotations push and build would write from the file's own metadata */
	md = json_object();
	if (md == NULL || cli_file_metadata(md, path, err) < 0) {
		rc = wpkg_error_set(err, WPKG_E_NOMEM, "out of memory");
		goto out;
	}
	if (cli_g.json) {
		doc = file_json(path, info);
		if (doc != NULL)
			json_object_set(doc, "metadata", md);
		cli_out_json(doc);
	} else {
		print_file(path, info);
		cli_out("metadata:%s\n", json_object_size(md) == 0 ? " none" : "");
		json_object_foreach(md, key, v)
			cli_out("  %s: %s\n", esc(key), esc(json_string_value(v)));
	}
	rc = WPKG_OK;
out:
	json_decref(md);
	wpkg_wasm_info_free(info);
	return rc;
}

/* ---- an artifact, in a layout or a registry ---- */

/* What inspect shows of an artifact. */
struct artifact {
	char *reference;
	struct wpkg_digest digest;
	char *media_type;
	size_t size;
	struct wpkg_manifest *manifest;
	struct wpkg_wasm_config *config;   /* NULL when the config is not a Wasm config */
	struct wpkg_recipe *recipe;        /* exploded artifacts only */
	struct wpkg_index *index;          /* the reference named an index: every entry; else NULL */
	struct wpkg_descriptor index_desc;
	size_t index_entry;                /* the entry shown */
};

static struct {
	const char *platform;              /* --platform: the index entry to show */
} insp;

static const struct cli_opt_spec inspect_opts[] = {
	{ CLI_OPT_STRING, "platform", 0, &insp.platform, "OS[/ARCH]",
	  "the index entry to show, as pull picks it (default: the first wasip1/wasip2/wasm one)" },
	CLI_OPT_END,
};

static void artifact_free(struct artifact *a)
{
	if (a->recipe != NULL)
		wpkg_recipe_clear(a->recipe);
	free(a->recipe);
	free(a->reference);
	free(a->media_type);
	wpkg_manifest_free(a->manifest);
	wpkg_wasm_config_free(a->config);
	wpkg_index_free(a->index);
	wpkg_descriptor_clear(&a->index_desc);
}

/*
 * Resolves reference as pull does (wpkg_artifact_resolve: one index rule),
 * and takes manifest, config and recipe; a Wasm config or recipe that does
 * not parse is an error here.
 */
static int load_artifact(struct artifact *out, struct wpkg_store *s, const char *reference, struct wpkg_error *err)
{
	struct wpkg_artifact *r = NULL;
	struct artifact a = { 0 };
	int rc;

	rc = wpkg_artifact_resolve(&r, s, reference, insp.platform, err);
	if (rc < 0)
		return rc;
	/* an index: every entry is listed, the one shown (pull's choice) marked */
	if (r->from_index) {
		rc = wpkg_index_parse(&a.index, r->index_bytes.data, r->index_bytes.len, err);
		if (rc < 0)
			goto out;
		a.index_desc = r->index;
		memset(&r->index, 0, sizeof(r->index));
		a.index_entry = r->index_entry;
	}
	if (r->config_error.code != 0) {
		*err = r->config_error;
		rc = err->code;
		goto out;
	}
	a.digest = r->desc.digest;
	a.media_type = r->desc.media_type;
	r->desc.media_type = NULL;
	a.size = r->manifest_bytes.len;
	a.manifest = r->manifest;
	r->manifest = NULL;
	a.config = r->config;
	r->config = NULL;
	a.recipe = r->recipe;
	r->recipe = NULL;
	*out = a;
	memset(&a, 0, sizeof(a));
out:
	wpkg_index_free(a.index);
	wpkg_descriptor_clear(&a.index_desc);
	wpkg_artifact_free(r);
	return rc;
}

static const char *platform_of(char *buf, size_t size, const struct wpkg_descriptor *d)
{
	wpkg_artifact_platform_string(buf, size, d->platform);
	return buf;
}

static json_t *index_json(const struct artifact *a)
{
	json_t *entries = json_array();

	for (size_t i = 0; entries != NULL && i < a->index->n_manifests; i++) {
		const struct wpkg_descriptor *d = &a->index->manifests[i];
		char p[256];

		json_array_append_new(entries, json_pack("{s:s?, s:s, s:I, s:s, s:b}", "mediaType", d->media_type,
							 "digest", d->digest.str, "size", (json_int_t)d->size,
							 "platform", platform_of(p, sizeof(p), d), "chosen",
							 i == a->index_entry));
	}
	return json_pack("{s:s?, s:s, s:I, s:o}", "mediaType", a->index_desc.media_type, "digest",
			 a->index_desc.digest.str, "size", (json_int_t)a->index_desc.size, "manifests", entries);
}

static void print_index(const struct artifact *a)
{
	cli_out("index: %s %s\nplatforms:\n", a->index_desc.digest.str,
		a->index_desc.media_type != NULL ? esc(a->index_desc.media_type) : "-");
	for (size_t i = 0; i < a->index->n_manifests; i++) {
		const struct wpkg_descriptor *d = &a->index->manifests[i];
		char p[256];

		cli_out("  %s %s%s\n", esc(platform_of(p, sizeof(p), d)), d->digest.str,
			i == a->index_entry ? " (shown below)" : "");
	}
}

static const char *layer_title(const struct wpkg_descriptor *d)
{
	return d->annotations != NULL ? json_string_value(json_object_get(d->annotations, WPKG_ANNOT_TITLE)) : NULL;
}

static json_t *config_json(const struct wpkg_descriptor *d, const struct wpkg_wasm_config *c)
{
	json_t *o = json_pack("{s:s?, s:s, s:I}", "mediaType", d->media_type, "digest", d->digest.str, "size",
			      (json_int_t)d->size);

	if (o == NULL || c == NULL)
		return o;
	json_object_set_new(o, "created", c->created != NULL ? json_string(c->created) : json_null());
	json_object_set_new(o, "author", c->author != NULL ? json_string(c->author) : json_null());
	json_object_set_new(o, "architecture", c->architecture != NULL ? json_string(c->architecture) : json_null());
	json_object_set_new(o, "os", c->os != NULL ? json_string(c->os) : json_null());
	json_object_set_new(o, "layerDigests", strings_json(c->layer_digests, c->n_layer_digests));
	json_object_set_new(o, "component", !c->has_component ? json_null() :
			    json_pack("{s:o, s:o, s:o}", "exports", strings_json(c->exports, c->n_exports),
				      "imports", strings_json(c->imports, c->n_imports), "target",
				      c->target != NULL ? json_string(c->target) : json_null()));
	return o;
}

/* ---- the exploded view: where each constituent goes, and which layers are used more than once ---- */

static size_t layer_uses(const struct wpkg_recipe *r, size_t layer)
{
	size_t i, n = 0;

	for (i = 0; i < r->n_parts; i++)
		n += r->parts[i].layer == layer;
	return n;
}

static json_t *exploded_json(const struct artifact *a)
{
	const struct wpkg_recipe *r = a->recipe;
	const struct wpkg_manifest *m = a->manifest;
	json_t *parts = json_array(), *layers = json_array();
	uint64_t skeleton = r->size;
	size_t i;

	for (i = 0; parts != NULL && i < r->n_parts; i++) {
		const struct wpkg_recipe_part *p = &r->parts[i];

		skeleton -= p->size;
		json_array_append_new(parts, json_pack("{s:I, s:I, s:I, s:s?}", "offset", (json_int_t)p->offset,
						       "size", (json_int_t)p->size, "layer", (json_int_t)p->layer,
						       "title", layer_title(&m->layers[p->layer])));
	}
	for (i = 1; layers != NULL && i < m->n_layers; i++)
		json_array_append_new(layers, json_pack("{s:I, s:s, s:I, s:s?, s:I, s:b}", "layer", (json_int_t)i,
							"digest", m->layers[i].digest.str, "size",
							(json_int_t)m->layers[i].size, "title", layer_title(&m->layers[i]),
							"uses", (json_int_t)layer_uses(r, i), "shared",
							layer_uses(r, i) > 1));
	return json_pack("{s:I, s:s, s:I, s:o, s:o}", "size", (json_int_t)r->size, "digest", r->digest.str,
			 "skeleton", (json_int_t)skeleton, "parts", parts, "constituents", layers);
}

static void print_exploded(const struct artifact *a)
{
	const struct wpkg_recipe *r = a->recipe;
	const struct wpkg_manifest *m = a->manifest;
	uint64_t skeleton = r->size;
	size_t i, shared = 0;

	for (i = 0; i < r->n_parts; i++)
		skeleton -= r->parts[i].size;
	cli_out("exploded: %llu bytes, %s\n  skeleton: layer 0, %llu bytes\n", (unsigned long long)r->size,
		r->digest.str, (unsigned long long)skeleton);
	for (i = 0; i < r->n_parts; i++) {
		const struct wpkg_recipe_part *p = &r->parts[i];
		const char *t = layer_title(&m->layers[p->layer]);

		cli_out("  at %llu: %llu bytes from layer %zu%s%s%s\n", (unsigned long long)p->offset,
			(unsigned long long)p->size, p->layer, t != NULL ? " (" : "", t != NULL ? t : "",
			t != NULL ? ")" : "");
	}
	for (i = 1; i < m->n_layers; i++) {
		size_t n = layer_uses(r, i);
		const char *t = layer_title(&m->layers[i]);

		if (n < 2)
			continue;
		cli_out("  shared: layer %zu%s%s%s is used %zu times\n", i, t != NULL ? " (" : "", t != NULL ? t : "",
			t != NULL ? ")" : "", n);
		shared++;
	}
	if (shared == 0)
		cli_out("  shared: none\n");
}

static json_t *artifact_json(const struct artifact *a)
{
	const struct wpkg_manifest *m = a->manifest;
	json_t *layers = json_array();

	for (size_t i = 0; layers != NULL && i < m->n_layers; i++) {
		const struct wpkg_descriptor *d = &m->layers[i];

		/* an untitled layer has no title key (the schema's title is a string) */
		json_array_append_new(layers, json_pack("{s:s?, s:s, s:I, s:s*}", "mediaType", d->media_type,
							"digest", d->digest.str, "size", (json_int_t)d->size,
							"title", layer_title(d)));
	}
	return json_pack("{s:s, s:s, s:s, s:I, s:s*, s:o, s:o, s:O*, s:o*, s:o*}", "reference", a->reference, "digest",
			 a->digest.str, "mediaType", a->media_type, "size", (json_int_t)a->size, "artifactType",
			 m->artifact_type, "config", config_json(&m->config, a->config), "layers", layers,
			 "annotations", m->annotations, "exploded", a->recipe != NULL ? exploded_json(a) : NULL,
			 "index", a->index != NULL ? index_json(a) : NULL);
}

static void print_artifact(const struct artifact *a)
{
	const struct wpkg_manifest *m = a->manifest;
	const struct wpkg_wasm_config *c = a->config;
	const char *key;
	json_t *value;

	cli_out("reference: %s\n", a->reference);
	if (a->index != NULL)
		print_index(a);
	cli_out("digest: %s\nmediaType: %s\nsize: %zu\n", a->digest.str, a->media_type, a->size);
	if (m->artifact_type != NULL)
		cli_out("artifactType: %s\n", m->artifact_type);
	cli_out("config: %s %s %lld\n", m->config.media_type != NULL ? m->config.media_type : "-",
		m->config.digest.str, (long long)m->config.size);
	if (c != NULL) {
		cli_out("  created: %s\n  author: %s\n  architecture: %s\n  os: %s\n  target: %s\n",
			c->created != NULL ? esc(c->created) : "-", c->author != NULL ? esc(c->author) : "-",
			c->architecture != NULL ? esc(c->architecture) : "-", c->os != NULL ? esc(c->os) : "-",
			c->target != NULL ? esc(c->target) : "-");
		if (c->has_component) {
			print_list(2, "imports", c->imports, c->n_imports);
			print_list(2, "exports", c->exports, c->n_exports);
		}
	}
	cli_out("layers:\n");
	for (size_t i = 0; i < m->n_layers; i++) {
		const struct wpkg_descriptor *d = &m->layers[i];

		cli_out("  %s %s %lld%s%s\n", d->media_type != NULL ? esc(d->media_type) : "-", d->digest.str,
			(long long)d->size, layer_title(d) != NULL ? " " : "",
			layer_title(d) != NULL ? esc(layer_title(d)) : "");
	}
	if (a->recipe != NULL)
		print_exploded(a);
	if (m->annotations != NULL && json_object_size(m->annotations) > 0) {
		cli_out("annotations:\n");
		json_object_foreach(m->annotations, key, value)
			cli_out("  %s: %s\n", esc(key), json_is_string(value) ? esc(json_string_value(value)) : "?");
	}
}

static int show_artifact(struct wpkg_store *s, const struct wpkg_ref *ref, const char *reference,
			 struct wpkg_error *err)
{
	struct artifact a = { 0 };
	int rc;

	rc = load_artifact(&a, s, reference, err);
	if (rc < 0)
		return rc;
	a.reference = wpkg_ref_string(ref);
	if (a.reference == NULL) {
		rc = wpkg_error_nomem(err);
		goto out;
	}
	if (cli_g.json)
		cli_out_json(artifact_json(&a));
	else
		print_artifact(&a);
out:
	artifact_free(&a);
	return rc;
}

static int inspect_ref(const char *arg, struct cli_registry *reg, struct wpkg_error *err)
{
	struct wpkg_ref ref = { 0 };
	struct wpkg_store *s = NULL;
	int rc;

	rc = cli_ref_parse(&ref, arg, 0, reg, err);
	if (rc < 0)
		return rc;
	rc = cli_store_open(&s, reg, &ref, CLI_STORE_READ, err);
	if (rc == 0)
		rc = show_artifact(s, &ref, wpkg_ref_reference(&ref), err);
	if (rc < 0)
		wpkg_error_wrap(err, "inspect %s", arg);
	wpkg_store_close(s);
	wpkg_ref_free(&ref);
	return rc;
}

/*
 * An existing path is a file, and so is a name clearly meant as one (a
 * missing one is then "not found" rather than a registry lookup); a
 * transport prefix or anything else is a reference.
 */
static bool is_file(const char *s)
{
	struct stat st;
	size_t n = strlen(s);

	if (strncmp(s, "oci-layout:", 11) == 0 || strncmp(s, "oci-archive:", 12) == 0)
		return false;
	return stat(s, &st) == 0 || s[0] == '/' || s[0] == '.' || (n > 5 && strcmp(s + n - 5, ".wasm") == 0);
}

static int run(struct cli_run *r)
{
	const char *target;
	int rc;

	if (r->pos.n == 0)
		return cli_usage_error(r->cmd->name, "missing FILE or REF");
	if (r->pos.n > 1)
		return cli_usage_error(r->cmd->name, "one FILE or REF at a time: unexpected '%s'", r->pos.v[1]);
	target = r->pos.v[0];
	if (is_file(target)) {
		rc = inspect_file(target, &r->err);
	} else if (wpkg_pkgname_is_name(target)) {
		/* a package name: the version chosen as pull chooses it (names.h) */
		struct names_ref name;

		rc = names_ref_resolve(&name, r->cmd->name, target, NAMES_CHOOSE, &cli_reg);
		if (rc != WPKG_EXIT_OK) {
			names_ref_free(&name);
			return rc;
		}
		rc = inspect_ref(name.reference, &cli_reg, &r->err);
		names_ref_free(&name);
	} else {
		rc = inspect_ref(target, &cli_reg, &r->err);
	}
	esc_release();
	return rc < 0 ? cli_fail(&r->err) : WPKG_EXIT_OK;
}

const struct cli_command cli_cmd_inspect = {
	.name = "inspect",
	.summary = "Show what a Wasm file or an OCI artifact holds",
	.usage = "[OPTIONS] FILE|REF|oci-layout:DIR[:TAG]|oci-archive:FILE[:TAG]",
	.needs = CLI_REGISTRY_OPTS,
	.min_pos = 0, .max_pos = -1,
	.opts = inspect_opts,
	.run = run,
};
