/* regcmd.h - steps shared by the commands that take a REF (push, pull, tags, tag, delete, attach, discover). */
#ifndef WPKG_REGCMD_H
#define WPKG_REGCMD_H

#include <stdbool.h>

#include <jansson.h>

#include "wpkg/oci.h"
#include "cli.h"

/*
 * A command's own option handler: 1 handled, 0 not its option, CLI_ERROR
 * after printing a usage error.
 */
typedef int (*regcmd_opt_fn)(void *ctx, int id, const char *arg);

/*
 * The option loop alone (login and logout use it): ids go to fn (may be
 * NULL), then to the shared registry options.  Returns false when options
 * are over; true when the command must stop and return *status (--help
 * printed, or a usage error).
 */
bool regcmd_options(int *status, struct cli_args *a, struct cli_registry *reg, regcmd_opt_fn fn, void *ctx);

/* One run of a registry command: its options, its REF, its client or store. */
struct regcmd {
	const struct cli_command *cmd;
	struct cli_registry reg;
	struct cli_args args;
	struct wpkg_ref ref;
	struct wpkg_store *store;       /* NULL until regcmd_open */
	struct wpkg_error err;
};

/* A ref_flags bit of regcmd_begin: REF may also be oci-layout:DIR or oci-archive:FILE. */
#define REGCMD_ANY_TRANSPORT (1u << 16)

/*
 * Parses the command line: options (the command's through fn, which may be
 * NULL, then the shared registry ones), between min_pos and max_pos
 * positionals (what names them in the usage error), the first being a
 * registry REF (any transport with REGCMD_ANY_TRANSPORT) parsed with the
 * other ref_flags.  Returns -1 when the command goes on,
 * else the exit status to return (after --help or a reported error).
 * regcmd_end must be called either way.
 */
int regcmd_begin(struct regcmd *c, const struct cli_command *cmd, int argc, char **argv, regcmd_opt_fn fn,
		 void *ctx, int min_pos, int max_pos, const char *what, unsigned ref_flags);
/*
 * Opens the store of c->ref (wpkg_store_open with cli_registry_store_opts); create:
 * a missing layout or archive is made.  0, or the exit status after
 * reporting "VERB REF: ...".
 */
int regcmd_open(struct regcmd *c, const char *verb, bool create);
/* Makes the store's changes durable (an archive is rewritten); 0 or the reported exit status. */
int regcmd_commit(struct regcmd *c, const char *verb);
/* Reports c->err as "VERB REF: ..." and returns the exit status. */
int regcmd_fail(struct regcmd *c, const char *verb);
void regcmd_end(struct regcmd *c);

/* {"digest", "size"[, "mediaType", "title"]} of a descriptor, for --json results. */
json_t *regcmd_descriptor_json(const struct wpkg_descriptor *d, bool with_media_type);

/* "REGISTRY/REPOSITORY" (or "oci-layout:DIR") + sep + what ("...:tag", "...@sha256:..."). Caller frees. */
char *regcmd_ref_with(const struct wpkg_ref *ref, char sep, const char *what);

#endif
