/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_pull.c - wpkg pull: fetch the Wasm layer of an artifact (registry, layout or archive) into a local file. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wpkg/pull.h"
#include "wpkg/settings.h"
#include "cli_sign.h"

static struct {
	struct wpkg_pull_opts opts;
	bool keep_old;            /* --keep-old-files */
	const char *output;       /* -o as given ("-": standard output) */
	char tmpdir[4096];        /* the private directory pulled into, when there is one */
	struct wpkg_pull_result res;
	bool have_res;
	size_t placed;            /* files of res linked into place: 0 path, 1.. files[0..] */
	const char *verify_key;   /* --verify-key PUB */
	struct wpkg_sigkey *key;
} pull;

static const struct cli_opt_spec pull_opts[] = {
	{ CLI_OPT_STRING, "output", 'o', &pull.output, "PATH",
	  "write to PATH, or into PATH when it is a directory; - for standard output" },
	{ CLI_OPT_STRING, "platform", 0, &pull.opts.platform, "OS[/ARCH]",
	  "the index entry to pull, e.g. wasi/wasm or wasip2 (default: the first wasip1/wasip2/wasm one)" },
	{ CLI_OPT_STRING, "layers-dir", 0, &pull.opts.layers_dir, "DIR",
	  "exploded artifacts: also keep every layer in DIR, under its title" },
	{ CLI_OPT_SWITCH, "no-reassemble", 0, &pull.opts.no_reassemble, NULL,
	  "exploded artifacts: only the layers (with --layers-dir), no rebuilt component" },
	{ CLI_OPT_SWITCH, "keep-old-files", 0, &pull.keep_old, NULL, "refuse to overwrite a file that exists" },
	{ CLI_OPT_STRING, "lock", 0, &cli_reg.wkg_lock, "FILE",
	  "a package name: the version wkg's lock FILE locks for it, refused if its layer digest differs" },
	{ CLI_OPT_STRING, "verify-key", 0, &pull.verify_key, "PUB",
	  "pull only what carries a cosign signature by this public key (exit 10/11 otherwise)" },
	CLI_OPT_END,
};

/* "sha256-<64 hex>" (the referrers API's fallback tag), optionally ".sig", ".att" or ".sbom" (cosign). */
static bool is_fallback_tag(const char *tag)
{
	size_t n;

	if (tag == NULL || strncmp(tag, "sha256-", 7) != 0)
		return false;
	n = strspn(tag + 7, "0123456789abcdef");
	return n == 64 && (tag[71] == '\0' || strcmp(tag + 71, ".sig") == 0 || strcmp(tag + 71, ".att") == 0 ||
			   strcmp(tag + 71, ".sbom") == 0);
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The directory -o writes into: itself when it is one, else its parent ("." for a bare name). */
static void dest_dir(char *out, size_t size, const char *output)
{
	const char *slash = output != NULL ? strrchr(output, '/') : NULL;

	if (output == NULL || is_dir(output))
		snprintf(out, size, "%s", output != NULL ? output : ".");
	else if (slash == NULL)
		snprintf(out, size, ".");
	else
		snprintf(out, size, "%.*s", slash == output ? 1 : (int)(slash - output), output);
}

/* Local checks before anything is fetched: -o's directory exists, --keep-old-files has nothing in the way. */
static int check(struct cli_run *r)
{
	char dir[4096];

	if (is_fallback_tag(r->ref.tag)) {
		wpkg_error_set(&r->err, WPKG_E_INVALID, "tag '%s' is the referrers fallback (or a cosign signature, "
			       "attestation or SBOM) of the manifest sha256:%.64s, not an artifact to pull: pull that digest, "
			       "or list its referrers with wpkg discover", r->ref.tag, r->ref.tag + 7);
		return cli_run_fail(r);
	}
	if (cli_reg.wkg_lock != NULL && r->name == NULL)
		return cli_usage_error(r->cmd->name, "--lock takes a package name (NAMESPACE:NAME[@REQ]), not '%s'",
				       r->pos.v[0]);
	if (pull.verify_key != NULL && wpkg_sigkey_load_public_file(&pull.key, pull.verify_key, &r->err) < 0)
		return cli_fail(&r->err);
	if (pull.output != NULL && strcmp(pull.output, "-") == 0) {
		if (pull.opts.no_reassemble)
			return cli_usage_error(r->cmd->name, "-o - writes the component: --no-reassemble has nothing to write");
		return WPKG_EXIT_OK;
	}
	dest_dir(dir, sizeof(dir), pull.output);
	if (!is_dir(dir)) {
		wpkg_error_set(&r->err, WPKG_E_IO, "-o %s: directory '%s' does not exist (create it first)", pull.output,
			       dir);
		return cli_run_fail(r);
	}
	if (pull.keep_old && pull.output != NULL && !is_dir(pull.output) && access(pull.output, F_OK) == 0) {
		wpkg_error_set(&r->err, WPKG_E_EXISTS, "-o %s: the file exists (--keep-old-files)", pull.output);
		return cli_run_fail(r);
	}
	pull.opts.output = pull.output;
	return WPKG_EXIT_OK;
}

/* Pulls into a private directory in dir (a bare, fresh place), so nothing outside it changes before it is whole. */
static int private_dir(struct cli_run *r, const char *dir)
{
	snprintf(pull.tmpdir, sizeof(pull.tmpdir), "%s/.wpkg-pull-XXXXXX", dir);
	if (mkdtemp(pull.tmpdir) == NULL) {
		wpkg_error_set(&r->err, WPKG_E_IO, "create a temporary directory in %s: %s", dir, strerror(errno));
		pull.tmpdir[0] = '\0';
		return cli_run_fail(r);
	}
	pull.opts.output = pull.tmpdir;
	return WPKG_EXIT_OK;
}

/* Copies the pulled file to standard output. */
static int to_stdout(struct cli_run *r)
{
	char buf[65536];
	ssize_t n;
	int fd = open(pull.res.path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		wpkg_error_set(&r->err, WPKG_E_IO, "open %s: %s", pull.res.path, strerror(errno));
		return cli_run_fail(r);
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			break;
	close(fd);
	if (n != 0 || ferror(stdout)) {
		wpkg_error_set(&r->err, WPKG_E_IO, "write to standard output: %s", strerror(errno));
		return cli_run_fail(r);
	}
	return WPKG_EXIT_OK;
}

/* The i-th file of the result: 0 the main one, then the others. */
static char **result_file(size_t i)
{
	return i == 0 ? &pull.res.path : &pull.res.files[i - 1];
}

/*
 * Links every pulled file from the private directory into dir, refusing a
 * name that is taken (--keep-old-files); on a refusal the files linked
 * already are taken back, so nothing changes.
 */
static int place_all(struct cli_run *r, const char *dir)
{
	size_t n = 1 + pull.res.n_files;
	char **dests = calloc(n, sizeof(*dests));
	size_t i;
	int rc = WPKG_EXIT_OK;

	if (dests == NULL)
		return wpkg_error_nomem(&r->err), cli_run_fail(r);
	for (i = 0; i < n; i++) {
		const char *p = *result_file(i), *base = strrchr(p, '/') != NULL ? strrchr(p, '/') + 1 : p;

		/* -o naming a file names the main one; the others (and a directory's) keep their names */
		if (i == 0 && pull.output != NULL && !is_dir(pull.output))
			dests[i] = strdup(pull.output);
		else if (asprintf(&dests[i], "%s/%s", dir, base) < 0)
			dests[i] = NULL;
		if (dests[i] == NULL) {
			rc = (wpkg_error_nomem(&r->err), cli_run_fail(r));
			break;
		}
		if (link(p, dests[i]) != 0) {
			int e = errno;

			wpkg_error_set(&r->err, e == EEXIST ? WPKG_E_EXISTS : WPKG_E_IO, "%s: %s%s", dests[i], strerror(e),
				       e == EEXIST ? " (--keep-old-files)" : "");
			rc = cli_run_fail(r);
			break;
		}
	}
	if (rc != WPKG_EXIT_OK) {
		while (i-- > 0)
			unlink(dests[i]);
	} else {
		/* the private copies go; the result names the files in place */
		for (i = 0; i < n; i++) {
			unlink(*result_file(i));
			free(*result_file(i));
			*result_file(i) = dests[i];
			dests[i] = NULL;
		}
		pull.placed = n;
	}
	for (i = 0; i < n; i++)
		free(dests[i]);
	free(dests);
	return rc;
}

static int run(struct cli_run *r)
{
	bool to_out = pull.output != NULL && strcmp(pull.output, "-") == 0;
	const char *reference = wpkg_ref_reference(&r->ref);
	struct wpkg_digest pinned;
	char dir[4096] = "";
	int rc = WPKG_EXIT_OK;

	/* checked before anything is made, and then what was verified is what is read */
	if (pull.key != NULL) {
		rc = cli_verify_gate(&pinned, r->store, reference, pull.key, pull.verify_key, &r->err);
		if (rc != WPKG_EXIT_OK)
			return cli_run_fail(r), rc;
		reference = pinned.str;
	}
	if (to_out)
		rc = private_dir(r, wpkg_settings_tmpdir());
	else if (pull.keep_old) {
		/* a file appearing at the path meanwhile is still refused: link() never replaces */
		dest_dir(dir, sizeof(dir), pull.output);
		rc = private_dir(r, dir);
	}
	if (rc != WPKG_EXIT_OK)
		return rc;
	if (wpkg_pull(&pull.res, r->store, reference, &pull.opts, &r->err) < 0)
		return cli_run_fail(r);
	pull.have_res = true;
	if (to_out) {
		if (pull.res.n_files > 0)
			return wpkg_error_set(&r->err, WPKG_E_INVALID, "-o -: the artifact is a package of several "
					      "files; pull it into a directory"), cli_run_fail(r);
		r->no_result = true;
		return to_stdout(r);
	}
	if (dir[0] != '\0')
		rc = place_all(r, dir);
	return rc;
}

static void text(struct cli_run *r)
{
	(void)r;
	cli_out("%s %s\n", pull.res.digest.str, pull.res.path);
	/* the layers kept, or the files of a multi-component package, under it */
	for (size_t i = 0; i < pull.res.n_files; i++)
		cli_out("  %s\n", pull.res.files[i]);
}

static json_t *result_json(struct cli_run *r)
{
	const struct wpkg_pull_result *res = &pull.res;
	const struct wpkg_wasm_config *c = res->config;
	char *name = cli_ref_with(&r->ref, '@', res->digest.str);
	json_t *doc;

	doc = json_pack("{s:s?, s:s, s:s, s:o, s:s, s:I, s:s?, s:o?, s:o?}",
			"reference", name, "digest", res->digest.str, "mediaType", res->manifest_media_type,
			"layer", cli_descriptor_json(&res->layer, true), "path", res->path,
			"size", (json_int_t)res->layer.size, "os", c != NULL ? c->os : NULL,
			"imports", c != NULL ? cli_strings_json(c->imports, c->n_imports) : NULL,
			"exports", c != NULL ? cli_strings_json(c->exports, c->n_exports) : NULL);
	if (doc != NULL && res->files != NULL)
		json_object_set_new(doc, "files", cli_strings_json(res->files, res->n_files));
	free(name);
	return doc;
}

/* Removes the private directory and whatever is still in it (a failed or streamed pull). */
static void cleanup(struct cli_run *r)
{
	(void)r;
	if (pull.tmpdir[0] != '\0') {
		for (size_t i = 0; pull.have_res && pull.placed == 0 && i < 1 + pull.res.n_files; i++)
			unlink(*result_file(i));
		rmdir(pull.tmpdir);
	}
	if (pull.have_res)
		wpkg_pull_result_clear(&pull.res);
	wpkg_sigkey_free(pull.key);
}

const struct cli_command cli_cmd_pull = {
	.name = "pull",
	.summary = "Pull a Wasm component or module from a registry, layout or archive",
	.usage = "[OPTIONS] REF",
	.needs = CLI_REF | CLI_ANY_TRANSPORT | CLI_STORE | CLI_REGISTRY_OPTS,
	.min_pos = 1, .max_pos = 1, .pos_what = "one REF",
	.opts = pull_opts,
	.check = check, .run = run, .text = text, .json = result_json, .cleanup = cleanup,
};
