/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_discover.c - wpkg discover: list the artifacts that refer to a manifest, as a table or JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wpkg/referrers.h"
#include "wpkg/signature.h"
#include "cli_run.h"

/* Referrers of referrers are looked up for this many at most (one request each on a registry). */
#define NESTED_MAX 32

static struct {
	const char *artifact_type;
	struct wpkg_referrers found;
	struct wpkg_referrers *nested;   /* [i]: the referrers of found.index->manifests[i] (i < n_nested) */
	size_t n_nested;
	bool legacy;                     /* the subject has a sha256-HEX.sig tag: */
	struct wpkg_descriptor sig;      /*   its manifest */
	size_t n_sigs;                   /*   and the signatures it holds */
	char sig_tag[WPKG_SIG_TAG_MAX];
} disc;

static const struct cli_opt_spec discover_opts[] = {
	{ CLI_OPT_STRING, "artifact-type", 0, &disc.artifact_type, "TYPE",
	  "list only the referrers of this artifact type (and no legacy .sig tag)" },
	CLI_OPT_END,
};

/* An annotation of d, or "-" so that every row has every column. */
static const char *annotation(const struct wpkg_descriptor *d, const char *key)
{
	const char *v = json_string_value(json_object_get(d->annotations, key));

	return v != NULL && v[0] != '\0' ? v : "-";
}

/* One row of the tree: DIGEST  KIND  TYPE-OR-PREDICATE  SIZE  CREATED[  TITLE], under prefix. */
static void print_row(const char *prefix, const struct wpkg_descriptor *d)
{
	const char *pred, *title = json_string_value(json_object_get(d->annotations, WPKG_ANNOT_TITLE));
	enum wpkg_referrer_kind k = wpkg_referrer_classify(d, &pred);

	cli_out("%s%s  %s  %s  %lld  %s%s%s\n", prefix, d->digest.str, wpkg_referrer_kind_name(k),
		pred != NULL ? pred : d->artifact_type != NULL ? d->artifact_type : "-", (long long)d->size,
		annotation(d, WPKG_ANNOT_CREATED), title ? "  " : "", title ? title : "");
}

/* The subject, its referrers (and theirs) as branches, then the legacy .sig tag. */
static void print_tree(void)
{
	const struct wpkg_index *ix = disc.found.index;
	size_t n = ix->n_manifests + (disc.legacy ? 1 : 0);

	cli_out("%s\n", disc.found.subject.digest.str);
	for (size_t i = 0; i < ix->n_manifests; i++) {
		bool last = i + 1 == n;
		const struct wpkg_index *sub = i < disc.n_nested ? disc.nested[i].index : NULL;

		print_row(last ? "\u2514\u2500\u2500 " : "\u251c\u2500\u2500 ", &ix->manifests[i]);
		for (size_t j = 0; sub != NULL && j < sub->n_manifests; j++)
			print_row(last ? (j + 1 == sub->n_manifests ? "    \u2514\u2500\u2500 " : "    \u251c\u2500\u2500 ")
				       : (j + 1 == sub->n_manifests ? "\u2502   \u2514\u2500\u2500 "
								    : "\u2502   \u251c\u2500\u2500 "),
				  &sub->manifests[j]);
	}
	if (disc.legacy)
		cli_out("\u2514\u2500\u2500 %s  %s  %s  %lld  %zu signature%s\n", disc.sig.digest.str,
			wpkg_referrer_kind_name(WPKG_REFERRER_LEGACY_SIGNATURE), disc.sig_tag, (long long)disc.sig.size,
			disc.n_sigs, disc.n_sigs == 1 ? "" : "s");
}

static int check(struct cli_run *r)
{
	if (disc.artifact_type != NULL && !wpkg_media_type_valid(disc.artifact_type))
		return cli_usage_error(r->cmd->name, "--artifact-type '%s' is not a media type (type/subtype)",
				       disc.artifact_type);
	return WPKG_EXIT_OK;
}

static int run(struct cli_run *r)
{
	const struct wpkg_index *ix;
	int rc;

	if (wpkg_discover(&disc.found, r->store, wpkg_ref_reference(&r->ref), disc.artifact_type, &r->err) < 0)
		return cli_run_fail(r);
	ix = disc.found.index;
	/* one level further: what refers to a referrer (a signature of the SBOM), whatever its type */
	disc.nested = calloc(ix->n_manifests < NESTED_MAX ? ix->n_manifests + 1 : NESTED_MAX, sizeof(*disc.nested));
	if (disc.nested == NULL)
		return wpkg_error_nomem(&r->err), cli_run_fail(r);
	for (; disc.n_nested < ix->n_manifests && disc.n_nested < NESTED_MAX; disc.n_nested++)
		if (wpkg_discover(&disc.nested[disc.n_nested], r->store, ix->manifests[disc.n_nested].digest.str, NULL,
				  &r->err) < 0)
			return cli_run_fail(r);
	if (disc.artifact_type != NULL)
		return WPKG_EXIT_OK;
	rc = wpkg_discover_legacy(&disc.sig, &disc.n_sigs, r->store, &disc.found.subject.digest, &r->err);
	if (rc < 0)
		return cli_run_fail(r);
	disc.legacy = rc == 1;
	if (disc.legacy && wpkg_sig_tag(disc.sig_tag, &disc.found.subject.digest, &r->err) < 0)
		return cli_run_fail(r);
	return WPKG_EXIT_OK;
}

static void text(struct cli_run *r)
{
	(void)r;
	print_tree();
}

/* A referrer's descriptor with its kind (and predicate type), and its own referrers when it has some. */
static json_t *referrer_json(const struct wpkg_descriptor *d, const struct wpkg_index *sub)
{
	const char *pred;
	enum wpkg_referrer_kind k = wpkg_referrer_classify(d, &pred);
	json_t *o = wpkg_descriptor_to_json(d), *kids;

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "kind", json_string(wpkg_referrer_kind_name(k)));
	if (pred != NULL)
		json_object_set_new(o, "predicateType", json_string(pred));
	if (sub != NULL && sub->n_manifests > 0) {
		kids = json_array();
		for (size_t i = 0; kids != NULL && i < sub->n_manifests; i++)
			json_array_append_new(kids, referrer_json(&sub->manifests[i], NULL));
		json_object_set_new(o, "referrers", kids);
	}
	return o;
}

static json_t *result_json(struct cli_run *r)
{
	const struct wpkg_index *ix = disc.found.index;
	json_t *list = json_array();

	(void)r;
	for (size_t i = 0; list != NULL && i < ix->n_manifests; i++)
		json_array_append_new(list, referrer_json(&ix->manifests[i], i < disc.n_nested ? disc.nested[i].index
											       : NULL));
	if (list != NULL && disc.legacy)
		json_array_append_new(list, json_pack("{s:s, s:s, s:I, s:s, s:s, s:I}", "mediaType",
						      disc.sig.media_type, "digest", disc.sig.digest.str, "size",
						      (json_int_t)disc.sig.size, "kind",
						      wpkg_referrer_kind_name(WPKG_REFERRER_LEGACY_SIGNATURE), "tag",
						      disc.sig_tag, "signatures", (json_int_t)disc.n_sigs));
	return list;
}

static void cleanup(struct cli_run *r)
{
	(void)r;
	wpkg_referrers_clear(&disc.found);
	for (size_t i = 0; disc.nested != NULL && i <= disc.n_nested && i < NESTED_MAX; i++)
		wpkg_referrers_clear(&disc.nested[i]);
	free(disc.nested);
	wpkg_descriptor_clear(&disc.sig);
}

const struct cli_command cli_cmd_discover = {
	.name = "discover",
	.summary = "List the artifacts that refer to a manifest (signatures, SBOMs, ...)",
	.usage = "[OPTIONS] REF",
	.needs = CLI_REF | CLI_ANY_TRANSPORT | CLI_STORE | CLI_REGISTRY_OPTS,
	.min_pos = 1, .max_pos = 1, .pos_what = "one REF",
	.opts = discover_opts,
	.check = check, .run = run, .text = text, .json = result_json, .cleanup = cleanup,
};
