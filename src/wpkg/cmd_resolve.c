/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_resolve.c - wpkg resolve REF: the digest a reference names; for a package name, how wkg's rules mapped it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wpkg/oci.h"
#include "cli_run.h"
#include "names.h"

static struct {
	struct wpkg_descriptor desc;
	bool have;
	char layer_digest[WPKG_DIGEST_STR_MAX];  /* a name's one application/wasm layer: what wkg.lock pins */
} res;

static int run(struct cli_run *r)
{
	struct wpkg_buf body = WPKG_BUF_INIT;
	const char *tag = wpkg_ref_reference(&r->ref);
	int rc;

	if (r->name == NULL) {
		if (wpkg_store_manifest_resolve(&res.desc, r->store, tag, &r->err) < 0)
			return cli_run_fail(r);
		res.have = true;
		return WPKG_EXIT_OK;
	}
	/* a name: the manifest itself too, for the layer digest a lock entry needs */
	rc = wpkg_store_manifest_get(r->store, tag, &body, &res.desc.media_type, &res.desc.digest, &r->err);
	if (rc == 0) {
		res.have = true;
		res.desc.size = body.len;
		names_wasm_layer(res.layer_digest, &body);
	}
	wpkg_buf_free(&body);
	return rc < 0 ? cli_run_fail(r) : WPKG_EXIT_OK;
}

static void text(struct cli_run *r)
{
	if (r->name != NULL)
		cli_out("%s %s\n", r->name->reference, res.desc.digest.str);
	else
		cli_out("%s\n", res.desc.digest.str);
}

static json_t *str_or_null(const char *s)
{
	return s != NULL && *s ? json_string(s) : json_null();
}

/* How a package name was resolved: config entry or fallback, well-known document, versions, lock fields. */
static json_t *name_json(const struct names_ref *n)
{
	const struct wpkg_wkg_target *t = &n->target;
	json_t *versions = json_array();
	char req[sizeof(n->name.spec) + 2];

	for (size_t i = 0; versions != NULL && i < n->nsorted; i++)
		json_array_append_new(versions, json_string(n->sorted[i]));
	if (n->name.kind == WPKG_PKGNAME_REQ)
		snprintf(req, sizeof(req), "%s", n->name.spec);
	else if (n->name.kind == WPKG_PKGNAME_EXACT)
		snprintf(req, sizeof(req), "=%s", n->name.spec);
	else
		snprintf(req, sizeof(req), "*");
	return json_pack("{s:s++, s:o, s:s, s:{s:s, s:s, s:o, s:o}, s:{s:s, s:s, s:b, s:b}, s:{s:s, s:o, s:b, s:o},"
			 " s:{s:s, s:s, s:s}, s:s, s:o, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:o,"
			 " s:{s:s++, s:s, s:s, s:s, s:o}}",
			 "name", n->name.ns, ":", n->name.name,
			 "requested", str_or_null(n->name.spec),
			 "registry", t->registry,
			 "resolvedBy", "kind", wpkg_wkg_source_str(t->source), "key", t->source_key,
			 "file", t->source == WPKG_WKG_FROM_FALLBACK ? json_null() : str_or_null(n->names.cfg.path),
			 "line", t->source_line ? json_integer(t->source_line) : json_null(),
			 "config", "path", n->names.path, "from", n->names.path_from, "read", n->names.cfg.path != NULL,
			 "fallbacks", n->names.cfg.fallbacks != 0,
			 "metadata", "source", wpkg_wkg_meta_source_str(t->meta_source), "url", str_or_null(t->meta_url),
			 "deprecatedForm", t->meta_deprecated != 0, "error", str_or_null(t->meta_error),
			 "oci", "registry", t->oci_host, "namespacePrefix", t->prefix, "repository", t->repository,
			 "credentials", n->cred_source,
			 "versions", versions,
			 "ignoredTags", (json_int_t)n->choice.ignored,
			 "version", n->choice.tag,
			 "tag", n->choice.tag,
			 "reference", n->reference,
			 "digest", res.desc.digest.str,
			 "mediaType", res.desc.media_type,
			 "size", (json_int_t)res.desc.size,
			 "layerDigest", str_or_null(res.layer_digest),
			 "lock", "name", n->name.ns, ":", n->name.name, "registry", t->registry, "requirement", req,
			 "version", n->choice.tag, "digest", str_or_null(res.layer_digest));
}

static json_t *result_json(struct cli_run *r)
{
	if (r->name != NULL)
		return name_json(r->name);
	return json_pack("{s:s, s:s, s:I}", "mediaType", res.desc.media_type, "digest", res.desc.digest.str, "size",
			 (json_int_t)res.desc.size);
}

static void cleanup(struct cli_run *r)
{
	(void)r;
	if (res.have)
		wpkg_descriptor_clear(&res.desc);
}

const struct cli_command cli_cmd_resolve = {
	.name = "resolve",
	.summary = "Print the digest a reference names; resolve a Wasm package name (ns:name[@VERSION]) as wkg does",
	.usage = "[OPTIONS] REF|NAME",
	.needs = CLI_REF | CLI_ANY_TRANSPORT | CLI_STORE | CLI_REGISTRY_OPTS,
	.min_pos = 1, .max_pos = 1, .pos_what = "one REF or NAME",
	.run = run, .text = text, .json = result_json, .cleanup = cleanup,
};
