/* cmd_copy.c - wpkg copy: copy an artifact or index between registries, layouts and archives, digests unchanged. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "wpkg/copy.h"
#include "wpkg/log.h"

enum {
	OPT_RECURSIVE = 1,
	OPT_SRC_PLAIN_HTTP,
	OPT_DEST_PLAIN_HTTP,
	OPT_SRC_CA_FILE,
	OPT_DEST_CA_FILE,
	OPT_SRC_INSECURE,
	OPT_DEST_INSECURE,
	OPT_SRC_CREDS,
	OPT_DEST_CREDS,
};

static const struct cli_opt copy_opts[] = {
	{ "recursive", 'r', NULL, "also copy the referrers (signatures, SBOMs...) of every manifest copied",
	  OPT_RECURSIVE },
	{ "src-plain-http", 0, NULL, "speak plain HTTP to the source registry", OPT_SRC_PLAIN_HTTP },
	{ "dest-plain-http", 0, NULL, "speak plain HTTP to the destination registry", OPT_DEST_PLAIN_HTTP },
	{ "src-ca-file", 0, "FILE", "trust the CA certificates in FILE for the source", OPT_SRC_CA_FILE },
	{ "dest-ca-file", 0, "FILE", "trust the CA certificates in FILE for the destination", OPT_DEST_CA_FILE },
	{ "src-insecure", 0, NULL, "do not verify the source registry's TLS certificate", OPT_SRC_INSECURE },
	{ "dest-insecure", 0, NULL, "do not verify the destination registry's TLS certificate", OPT_DEST_INSECURE },
	{ "src-creds", 0, "USER:PASS", "credentials for the source registry", OPT_SRC_CREDS },
	{ "dest-creds", 0, "USER:PASS", "credentials for the destination registry", OPT_DEST_CREDS },
	CLI_OPT_END,
};
static const struct cli_opt *const copy_tables[] = { copy_opts, cli_registry_opts, NULL };

/* The transport and credential options of one side, applied over the shared ones. */
struct side {
	bool plain_http, insecure;
	const char *ca_file;
	const char *creds;     /* "USER:PASS" */
};

struct copy_args {
	struct cli_registry shared;
	struct side src, dst;
	bool recursive;
};

static int option(struct copy_args *a, int id, const char *arg)
{
	switch (id) {
	case OPT_RECURSIVE: a->recursive = true; return 1;
	case OPT_SRC_PLAIN_HTTP: a->src.plain_http = true; return 1;
	case OPT_DEST_PLAIN_HTTP: a->dst.plain_http = true; return 1;
	case OPT_SRC_CA_FILE: a->src.ca_file = arg; return 1;
	case OPT_DEST_CA_FILE: a->dst.ca_file = arg; return 1;
	case OPT_SRC_INSECURE: a->src.insecure = true; return 1;
	case OPT_DEST_INSECURE: a->dst.insecure = true; return 1;
	case OPT_SRC_CREDS: a->src.creds = arg; return 1;
	case OPT_DEST_CREDS: a->dst.creds = arg; return 1;
	}
	return cli_registry_opt(&a->shared, id, arg);
}

/*
 * The registry options of one side: the shared ones, then its own.  user
 * receives the user name of --*-creds (the password stays in arg).
 */
static int side_registry(struct cli_registry *out, char **user, const struct copy_args *a, const struct side *s,
			 const char *flag)
{
	const char *colon;

	*out = a->shared;
	out->transport.plain_http |= s->plain_http;
	out->transport.insecure |= s->insecure;
	if (s->ca_file != NULL)
		out->transport.ca_file = s->ca_file;
	if (s->creds == NULL)
		return WPKG_EXIT_OK;
	colon = strchr(s->creds, ':');
	if (colon == NULL || colon == s->creds)
		return cli_usage_error(NULL, "--%s: expected USER:PASS", flag);
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

static int copy(struct copy_args *a, const char *src_arg, const char *dst_arg, struct wpkg_error *err)
{
	struct wpkg_ref src_ref = { 0 }, dst_ref = { 0 };
	struct wpkg_store *src = NULL, *dst = NULL;
	struct wpkg_store_opts sopts;
	struct cli_registry src_reg, dst_reg;
	struct wpkg_copy_result res = { 0 };
	struct wpkg_copy_opts opts = { NULL, a->recursive };
	char *src_user = NULL, *dst_user = NULL;
	int rc;

	rc = side_registry(&src_reg, &src_user, a, &a->src, "src-creds");
	if (rc == WPKG_EXIT_OK)
		rc = side_registry(&dst_reg, &dst_user, a, &a->dst, "dest-creds");
	if (rc != WPKG_EXIT_OK)
		goto done;
	if (wpkg_ref_parse(&src_ref, src_arg, 0, err) < 0 || wpkg_ref_parse(&dst_ref, dst_arg, 0, err) < 0) {
		rc = cli_fail(err);
		goto done;
	}
	if (dst_ref.digest != NULL) {
		rc = cli_usage_error(NULL, "'%s': the destination takes a tag, not a digest (digests do not change)",
				     dst_arg);
		goto done;
	}
	opts.tag = dest_tag(&src_ref, &dst_ref);
	cli_registry_store_opts(&sopts, &src_reg, false);
	if (wpkg_store_open(&src, &src_ref, &sopts, err) < 0) {
		wpkg_error_wrap(err, "copy %s", src_arg);
		goto fail;
	}
	cli_registry_store_opts(&sopts, &dst_reg, true);
	if (wpkg_store_open(&dst, &dst_ref, &sopts, err) < 0) {
		wpkg_error_wrap(err, "copy to %s", dst_arg);
		goto fail;
	}
	if (wpkg_copy(&res, src, wpkg_ref_reference(&src_ref), dst, &opts, err) < 0 ||
	    wpkg_store_commit(dst, err) < 0) {
		wpkg_error_wrap(err, "copy %s to %s", src_arg, dst_arg);
		goto fail;
	}
	cli_progress_done();
	if (cli_g.json) {
		cli_out_json(result_json(src_arg, dst_arg, &res));
	} else {
		cli_out("%s\n", res.root.digest.str);
		cli_info("copied %zu manifest%s: %zu blobs copied (%" PRIu64 " bytes), %zu skipped, %zu mounted",
			 res.manifests, res.manifests == 1 ? "" : "s", res.blobs_copied, res.bytes_copied,
			 res.blobs_skipped, res.blobs_mounted);
	}
	rc = WPKG_EXIT_OK;
	goto done;
fail:
	rc = cli_fail(err);
done:
	wpkg_copy_result_clear(&res);
	wpkg_store_close(dst);
	wpkg_store_close(src);
	wpkg_ref_free(&src_ref);
	wpkg_ref_free(&dst_ref);
	free(src_user);
	free(dst_user);
	return rc;
}

static int run(const struct cli_command *cmd, int argc, char **argv)
{
	struct copy_args a;
	struct cli_args args;
	struct wpkg_error err = { 0, "" };
	const char *arg;
	int id, rc;

	memset(&a, 0, sizeof(a));
	cli_registry_init(&a.shared);
	cli_args_init(&args, cmd, argc, argv);
	while ((id = cli_getopt(&args, &arg)) > 0) {
		rc = option(&a, id, arg);
		if (rc == CLI_ERROR)
			return WPKG_EXIT_USAGE;
	}
	if (id == CLI_HELP)
		return WPKG_EXIT_OK;
	if (id == CLI_ERROR)
		return WPKG_EXIT_USAGE;
	if (cli_npos(&args) != 2)
		return cli_usage_error(cmd, "expected SRC and DST, got %d argument%s", cli_npos(&args),
				       cli_npos(&args) == 1 ? "" : "s");
	return copy(&a, cli_pos(&args, 0), cli_pos(&args, 1), &err);
}

const struct cli_command cli_cmd_copy = {
	"copy", run, "Copy an artifact or index between registries, layouts and archives", "[OPTIONS] SRC DST",
	copy_tables,
};
