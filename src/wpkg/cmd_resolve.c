/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_resolve.c - wpkg resolve: the digest (and media type and size) a tag names, in a registry, layout or archive. */
#include "cli_run.h"

static struct {
	struct wpkg_descriptor desc;
	bool have;
} res;

static int run(struct cli_run *r)
{
	if (wpkg_store_manifest_resolve(&res.desc, r->store, wpkg_ref_reference(&r->ref), &r->err) < 0)
		return cli_run_fail(r);
	res.have = true;
	return WPKG_EXIT_OK;
}

static void text(struct cli_run *r)
{
	(void)r;
	cli_out("%s\n", res.desc.digest.str);
}

static json_t *result_json(struct cli_run *r)
{
	(void)r;
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
	.summary = "Print the digest of the manifest or index a reference names",
	.usage = "[OPTIONS] REF",
	.needs = CLI_REF | CLI_ANY_TRANSPORT | CLI_STORE | CLI_REGISTRY_OPTS,
	.min_pos = 1, .max_pos = 1, .pos_what = "one REF",
	.run = run, .text = text, .json = result_json, .cleanup = cleanup,
};
