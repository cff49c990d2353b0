/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_copy.c - wpkg copy: copy an artifact or index between registries, layouts and archives, digests unchanged. */
#include <stdlib.h>
#include <string.h>

#include "wpkg/copy.h"
#include "wpkg/pkgname.h"
#include "cli_run.h"
#include "names.h"
#include "cli_sign.h"

/* The transport and credential options of one side, applied over the shared ones. */
struct side {
	bool plain_http, insecure;
	const char *ca_file;
	const char *creds;     /* "USER:PASS" */
};

static struct {
	struct side src, dst;
	bool recursive;
	const char *verify_key;   /* --verify-key PUB */
	struct wpkg_copy_result res;
	struct names_ref src_name, dst_name;   /* either side may be a package name */
	bool src_named, dst_named;
} cp;

static const struct cli_opt_spec copy_opts[] = {
	{ CLI_OPT_SWITCH, "recursive", 'r', &cp.recursive, NULL,
	  "also copy the referrers (signatures, SBOMs...) of every manifest copied" },
	{ CLI_OPT_SWITCH, "src-plain-http", 0, &cp.src.plain_http, NULL, "speak plain HTTP to the source registry" },
	{ CLI_OPT_SWITCH, "dest-plain-http", 0, &cp.dst.plain_http, NULL,
	  "speak plain HTTP to the destination registry" },
	{ CLI_OPT_STRING, "src-ca-file", 0, &cp.src.ca_file, "FILE", "trust the CA certificates in FILE for the source" },
	{ CLI_OPT_STRING, "dest-ca-file", 0, &cp.dst.ca_file, "FILE",
	  "trust the CA certificates in FILE for the destination" },
	{ CLI_OPT_SWITCH, "src-insecure", 0, &cp.src.insecure, NULL,
	  "do not verify the source registry's TLS certificate" },
	{ CLI_OPT_SWITCH, "dest-insecure", 0, &cp.dst.insecure, NULL,
	  "do not verify the destination registry's TLS certificate" },
	{ CLI_OPT_STRING, "src-creds", 0, &cp.src.creds, "USER:PASS", "credentials for the source registry" },
	{ CLI_OPT_STRING, "dest-creds", 0, &cp.dst.creds, "USER:PASS", "credentials for the destination registry" },
	{ CLI_OPT_STRING, "verify-key", 0, &cp.verify_key, "PUB",
	  "copy only what carries a cosign signature by this public key (exit 10/11 otherwise)" },
	CLI_OPT_END,
};

/*
 * The registry options of one side: the shared ones, then its own.  user
 * receives the user name of --*-creds (the password stays in arg).
 */
static int side_registry(struct cli_registry *out, char **user, const struct side *s, const char *flag)
{
	const char *colon;

	*out = cli_reg;
	out->transport.plain_http |= s->plain_http;
	out->transport.insecure |= s->insecure;
	if (s->ca_file != NULL)
		out->transport.ca_file = s->ca_file;
	if (s->creds == NULL)
		return WPKG_EXIT_OK;
	colon = strchr(s->creds, ':');
	if (colon == NULL || colon == s->creds)
		return cli_usage_error("copy", "--%s: expected USER:PASS", flag);
	*user = strndup(s->creds, (size_t)(colon - s->creds));
	if (*user == NULL)
		return WPKG_EXIT_FAILURE;
	out->username = *user;
	out->password = colon + 1;
	out->password_stdin = false;
	return WPKG_EXIT_OK;
}

static json_t *result_json(const char *src, const char *dst, const struct wpkg_copy_result *r)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:{s:I, s:I, s:I}, s:{s:I, s:I, s:I}}", "source", src,
			 "destination", dst, "digest", r->root.digest.str, "mediaType", r->root.media_type, "size",
			 (json_int_t)r->root.size, "manifests", (json_int_t)r->manifests, "referrers",
			 (json_int_t)r->referrers, "blobs", "copied", (json_int_t)r->blobs_copied, "skipped",
			 (json_int_t)r->blobs_skipped, "mounted", (json_int_t)r->blobs_mounted, "bytes", "copied",
			 (json_int_t)r->bytes_copied, "skipped", (json_int_t)r->bytes_skipped, "mounted",
			 (json_int_t)r->bytes_mounted);
}

/* The destination's tag: its own, else the source's (or the implied "latest"), else none when SRC is a digest. */
static const char *dest_tag(const struct wpkg_ref *src, const struct wpkg_ref *dst)
{
	if (dst->tag != NULL)
		return dst->tag;
	if (src->tag != NULL)
		return src->tag;
	return src->digest != NULL ? NULL : "latest";
}

static int run(struct cli_run *r)
{
	const char *src_arg = r->pos.v[0], *dst_arg = r->pos.v[1];
	struct wpkg_ref src_ref = { 0 }, dst_ref = { 0 };
	struct wpkg_store *src = NULL, *dst = NULL;
	struct cli_registry src_reg, dst_reg;
	struct wpkg_copy_opts opts = { NULL, cp.recursive };
	struct wpkg_error *err = &r->err;
	char *src_user = NULL, *dst_user = NULL;
	const char *reference;
	struct wpkg_sigkey *key = NULL;
	struct wpkg_digest pinned;
	int rc;

	rc = side_registry(&src_reg, &src_user, &cp.src, "src-creds");
	if (rc == WPKG_EXIT_OK)
		rc = side_registry(&dst_reg, &dst_user, &cp.dst, "dest-creds");
	if (rc != WPKG_EXIT_OK)
		goto done;
	/* a package name: the source's version chosen from its tags, the destination's version its tag */
	if (wpkg_pkgname_is_name(src_arg)) {
		cp.src_named = true;
		rc = names_ref_resolve(&cp.src_name, "copy", src_arg, NAMES_CHOOSE, &src_reg);
		if (rc != WPKG_EXIT_OK)
			goto done;
		src_arg = cp.src_name.reference;
	}
	if (wpkg_pkgname_is_name(dst_arg)) {
		cp.dst_named = true;
		rc = names_ref_resolve(&cp.dst_name, "copy", dst_arg, NAMES_VERSION, &dst_reg);
		if (rc != WPKG_EXIT_OK)
			goto done;
		dst_arg = cp.dst_name.reference;
	}
	if (cli_ref_parse(&src_ref, src_arg, 0, &src_reg, err) < 0 ||
	    cli_ref_parse(&dst_ref, dst_arg, 0, &dst_reg, err) < 0) {
		rc = cli_fail(err);
		goto done;
	}
	if (dst_ref.digest != NULL) {
		rc = cli_usage_error("copy", "'%s': the destination takes a tag, not a digest (digests do not change)",
				     dst_arg);
		goto done;
	}
	opts.tag = dest_tag(&src_ref, &dst_ref);
	reference = wpkg_ref_reference(&src_ref);
	if (cp.verify_key != NULL && wpkg_sigkey_load_public_file(&key, cp.verify_key, err) < 0)
		goto fail;
	if (cli_store_open(&src, &src_reg, &src_ref, CLI_STORE_READ, err) < 0) {
		wpkg_error_wrap(err, "copy %s", src_arg);
		goto fail;
	}
	/* before the destination is even opened (a layout would be made), and then by the digest verified */
	if (key != NULL) {
		rc = cli_verify_gate(&pinned, src, reference, key, cp.verify_key, err);
		if (rc != WPKG_EXIT_OK) {
			wpkg_error_wrap(err, "copy %s", src_arg);
			cli_fail(err);
			goto done;
		}
		reference = pinned.str;
	}
	if (cli_store_open(&dst, &dst_reg, &dst_ref, CLI_STORE_CREATE, err) < 0) {
		wpkg_error_wrap(err, "copy to %s", dst_arg);
		goto fail;
	}
	if (wpkg_copy(&cp.res, src, reference, dst, &opts, err) < 0 ||
	    wpkg_store_commit(dst, err) < 0) {
		wpkg_error_wrap(err, "copy %s to %s", src_arg, dst_arg);
		goto fail;
	}
	rc = WPKG_EXIT_OK;
	goto done;
fail:
	rc = cli_fail(err);
done:
	wpkg_sigkey_free(key);
	wpkg_store_close(dst);
	wpkg_store_close(src);
	wpkg_ref_free(&src_ref);
	wpkg_ref_free(&dst_ref);
	free(src_user);
	free(dst_user);
	return rc;
}

static void text(struct cli_run *r)
{
	const struct wpkg_copy_result *res = &cp.res;
	char bytes[32];

	(void)r;
	cli_out("%s\n", res->root.digest.str);
	cli_human_bytes(bytes, sizeof(bytes), res->bytes_copied);
	cli_summary("copied %zu manifest%s: %zu blobs copied (%s), %zu skipped, %zu mounted", res->manifests,
		    res->manifests == 1 ? "" : "s", res->blobs_copied, bytes, res->blobs_skipped, res->blobs_mounted);
}

static json_t *json_result(struct cli_run *r)
{
	return result_json(r->pos.v[0], r->pos.v[1], &cp.res);
}

static void cleanup(struct cli_run *r)
{
	(void)r;
	wpkg_copy_result_clear(&cp.res);
	if (cp.src_named)
		names_ref_free(&cp.src_name);
	if (cp.dst_named)
		names_ref_free(&cp.dst_name);
}

const struct cli_command cli_cmd_copy = {
	.name = "copy",
	.summary = "Copy an artifact or index between registries, layouts and archives",
	.usage = "[OPTIONS] SRC DST",
	.needs = CLI_REGISTRY_OPTS | CLI_UPLOAD_OPTS,
	.min_pos = 2, .max_pos = 2, .pos_what = "SRC and DST",
	.opts = copy_opts,
	.run = run, .text = text, .json = json_result, .cleanup = cleanup,
};
