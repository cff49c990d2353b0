/* SPDX-License-Identifier: Apache-2.0 */
/* cli_store.c - opens the store of a REF with the front end's options: config, HTTP, credentials, progress, log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_output.h"
#include "cli_store.h"
#include "cli_tls.h"
#include "config_file.h"

/* ref with its registry and repository replaced by location's HOST and PREFIX/REPOSITORY (strings in the buffers). */
static int relocate(struct wpkg_ref *out, char *host, size_t host_size, char *repo, size_t repo_size,
		    const struct wpkg_ref *ref, const char *location, struct wpkg_error *err)
{
	const char *prefix;
	int n;

	*out = *ref;
	if (!cli_config_split_location(host, host_size, &prefix, location))
		return wpkg_error_set(err, WPKG_E_INVALID, "location %s: host too long", location);
	n = snprintf(repo, repo_size, "%s%s%s", prefix, *prefix ? "/" : "", ref->repository);
	if (n < 0 || (size_t)n >= repo_size)
		return wpkg_error_set(err, WPKG_E_INVALID, "%s/%s: repository name too long", host, repo);
	out->registry = host;
	out->repository = repo;
	return 0;
}

/* Opens ref's registry with the config's settings for the host it names (e, may be NULL) over the flags; a probe
 * tries once only. */
static int open_registry(struct wpkg_store **out, struct cli_registry *reg, const struct wpkg_ref *ref,
			 const struct cli_config *c, const struct cli_config_registry *e, enum cli_store_mode mode,
			 bool probe, struct wpkg_error *err)
{
	struct wpkg_store_opts opts;
	int rc;

	cli_registry_store_opts(&opts, reg, mode == CLI_STORE_CREATE);
	opts.read_only = mode == CLI_STORE_READ;
	opts.http.no_retries |= probe;
	/* a probe asks the mirror itself: a cached manifest says nothing of what the mirror holds */
	opts.no_cache |= probe;
	rc = cli_config_apply(&opts.http, c, e, err);
	/* a missing --ca-file is the user's to fix, said before anything is sent */
	if (rc == 0)
		rc = cli_tls_resolve(&opts.http, wpkg_ref_api_host(ref), err);
	if (rc == 0)
		rc = wpkg_store_open(out, ref, &opts, err);
	return rc;
}

/* Whether the mirror m has the manifest ref names, asked once (a mirror that is down is skipped at once). */
static int probe(struct cli_registry *reg, const struct wpkg_ref *m, const struct wpkg_ref *ref,
		 const struct cli_config *c, const struct cli_config_registry *e, struct wpkg_error *err)
{
	struct wpkg_descriptor d;
	struct wpkg_store *s = NULL;
	int rc;

	rc = open_registry(&s, reg, m, c, e, CLI_STORE_READ, true, err);
	if (rc == 0)
		rc = wpkg_store_manifest_resolve(&d, s, wpkg_ref_reference(ref), err);
	if (rc == 0)
		wpkg_descriptor_clear(&d);
	wpkg_store_close(s);
	return rc;
}

/* The first mirror that has the manifest ref names, opened as usual into *out; *out stays NULL when none has it. */
static void try_mirrors(struct wpkg_store **out, struct cli_registry *reg, const struct wpkg_ref *ref,
			const struct cli_config *c, const struct cli_config_registry *e)
{
	char host[300], repo[600];

	*out = NULL;
	for (size_t i = 0; i < e->n_mirrors; i++) {
		struct wpkg_error err = { 0 };
		struct wpkg_ref m;
		int rc = relocate(&m, host, sizeof(host), repo, sizeof(repo), ref, e->mirrors[i], &err);

		/* the mirror's own table, if the file has one, says how to reach it */
		if (rc == 0)
			rc = probe(reg, &m, ref, c, cli_config_find(c, host), &err);
		if (rc == 0)
			rc = open_registry(out, reg, &m, c, cli_config_find(c, host), CLI_STORE_READ, false, &err);
		if (rc < 0) {
			/* a mirror is a shortcut: when it fails the next one, then the registry itself, is asked */
			if (cli_g.debug)
				fprintf(stderr, "wpkg: debug: mirror %s of %s: %s; trying the next\n", e->mirrors[i],
					e->name, err.msg);
			continue;
		}
		cli_note("reading %s/%s from its mirror %s/%s", ref->registry, ref->repository, host, repo);
		return;
	}
}

int cli_store_open(struct wpkg_store **out, struct cli_registry *reg, const struct wpkg_ref *ref,
		   enum cli_store_mode mode, struct wpkg_error *err)
{
	struct wpkg_store_opts opts;
	const struct cli_config *c = NULL;
	const struct cli_config_registry *e;
	char host[300], repo[600];
	struct wpkg_ref moved;
	int rc;

	if (reg == NULL || ref->transport != WPKG_TRANSPORT_REGISTRY) {
		cli_registry_store_opts(&opts, reg, mode == CLI_STORE_CREATE);
		opts.read_only = mode == CLI_STORE_READ;
		return wpkg_store_open(out, ref, &opts, err);
	}
	rc = cli_config_get(&c, err);
	if (rc < 0)
		return rc;
	e = cli_config_find(c, ref->registry);
	/* mirrors serve reads only: never a store that is changed or a destination */
	if (e != NULL && e->n_mirrors > 0 && mode == CLI_STORE_READ) {
		try_mirrors(out, reg, ref, c, e);
		if (*out != NULL)
			return 0;
	}
	if (e != NULL && e->location != NULL) {
		rc = relocate(&moved, host, sizeof(host), repo, sizeof(repo), ref, e->location, err);
		if (rc < 0)
			return rc;
		ref = &moved;
	}
	return open_registry(out, reg, ref, c, e, mode, false, err);
}
