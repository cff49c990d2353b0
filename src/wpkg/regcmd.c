/* regcmd.c - the option loop, reference checks, store and error context the REF commands share. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regcmd.h"

bool regcmd_options(int *status, struct cli_args *a, struct cli_registry *reg, regcmd_opt_fn fn, void *ctx)
{
	const char *arg;
	int id, rc;

	while ((id = cli_getopt(a, &arg)) > 0) {
		rc = fn != NULL ? fn(ctx, id, arg) : 0;
		if (rc == 0)
			rc = cli_registry_opt(reg, id, arg);
		if (rc == CLI_ERROR) {
			*status = WPKG_EXIT_USAGE;
			return true;
		}
	}
	if (id == CLI_HELP || id == CLI_ERROR) {
		*status = id == CLI_HELP ? WPKG_EXIT_OK : WPKG_EXIT_USAGE;
		return true;
	}
	return false;
}

int regcmd_begin(struct regcmd *c, const struct cli_command *cmd, int argc, char **argv, regcmd_opt_fn fn,
		 void *ctx, int min_pos, int max_pos, const char *what, unsigned ref_flags)
{
	const char *s;
	int rc, n;

	memset(c, 0, sizeof(*c));
	c->cmd = cmd;
	cli_registry_init(&c->reg);
	cli_args_init(&c->args, cmd, argc, argv);
	if (regcmd_options(&rc, &c->args, &c->reg, fn, ctx))
		return rc;
	n = cli_npos(&c->args);
	if (n < min_pos || n > max_pos)
		return cli_usage_error(cmd, "expected %s, got %d argument%s", what, n, n == 1 ? "" : "s");
	s = cli_pos(&c->args, 0);
	if (wpkg_ref_parse(&c->ref, s, ref_flags & ~REGCMD_ANY_TRANSPORT, &c->err) < 0)
		return cli_fail(&c->err);
	if (c->ref.transport != WPKG_TRANSPORT_REGISTRY && !(ref_flags & REGCMD_ANY_TRANSPORT))
		return cli_usage_error(cmd, "'%s' is not a registry reference (local layouts are written by wpkg build)",
				       s);
	return -1;
}

int regcmd_fail(struct regcmd *c, const char *verb)
{
	char *name = wpkg_ref_string(&c->ref);

	wpkg_error_wrap(&c->err, "%s %s", verb, name != NULL ? name : c->ref.repository);
	free(name);
	return cli_fail(&c->err);
}

int regcmd_open(struct regcmd *c, const char *verb, bool create)
{
	struct wpkg_store_opts opts;

	cli_registry_store_opts(&opts, &c->reg, create);
	if (wpkg_store_open(&c->store, &c->ref, &opts, &c->err) < 0)
		return regcmd_fail(c, verb);
	return WPKG_EXIT_OK;
}

int regcmd_commit(struct regcmd *c, const char *verb)
{
	if (wpkg_store_commit(c->store, &c->err) < 0)
		return regcmd_fail(c, verb);
	return WPKG_EXIT_OK;
}

void regcmd_end(struct regcmd *c)
{
	wpkg_store_close(c->store);
	c->store = NULL;
	wpkg_ref_free(&c->ref);
}

char *regcmd_ref_with(const struct wpkg_ref *ref, char sep, const char *what)
{
	static const char *const prefix[] = { "", "oci-layout:", "oci-archive:" };
	char *s;
	int n;

	if (ref->transport == WPKG_TRANSPORT_REGISTRY)
		n = asprintf(&s, "%s/%s%c%s", ref->registry, ref->repository, sep, what);
	else
		n = asprintf(&s, "%s%s%c%s", prefix[ref->transport], ref->path, sep, what);
	return n < 0 ? NULL : s;
}

json_t *regcmd_descriptor_json(const struct wpkg_descriptor *d, bool with_media_type)
{
	const json_t *title = d->annotations != NULL ? json_object_get(d->annotations, WPKG_ANNOT_TITLE) : NULL;

	/* the shape wpkg build --json uses, so scripts read both alike */
	if (!with_media_type)
		return json_pack("{s:s, s:I}", "digest", d->digest.str, "size", (json_int_t)d->size);
	return json_pack("{s:s, s:I, s:s, s:s?}", "digest", d->digest.str, "size", (json_int_t)d->size, "mediaType",
			 d->media_type, "title", json_string_value(title));
}
