/* SPDX-License-Identifier: Apache-2.0 */
/* names.h - the front end's side of package names: which wkg config, credentials, a name REF made an OCI one. */
#ifndef WPKG_NAMES_H
#define WPKG_NAMES_H

#include <stdbool.h>

#include "wpkg/creds.h"
#include "wpkg/oci.h"
#include "wpkg/pkgname.h"
#include "wpkg/versions.h"
#include "wpkg/wkg_config.h"
#include "cli_pack.h"
#include "cli_registry.h"

struct names {
	struct wpkg_wkg_config cfg;
	struct wpkg_wkg_resolver resolver;
	struct wpkg_wkg_http_fetch fetch;   /* the resolver's payload: the library's document GET */
	char path[4096];          /* the config file chosen (read or not) */
	const char *path_from;    /* "--wkg-config", "WKG_CONFIG_FILE" or "default" */
	int explicit_file;
	int loaded;
};

/*
 * Chooses and reads the wkg config: flag_path (--wkg-config), else
 * $WKG_CONFIG_FILE (both explicit: no built-in fallbacks, the file must
 * exist), else $XDG_CONFIG_HOME/wasm-pkg/config.toml (~/.config when unset).
 * http: the transport options the well-known GET uses (CA file, --insecure).
 */
int names_open(struct names *n, const char *flag_path, const struct wpkg_http_opts *http, struct wpkg_error *err);
void names_close(struct names *n);

/* What a package-name REF is made into. */
enum names_use {
	NAMES_REPOSITORY,   /* the repository only (tags) */
	NAMES_VERSION,      /* the version as written becomes the tag (push): ns:name@1.2.3 only */
	NAMES_CHOOSE,       /* the tags are listed and a version chosen (every reader) */
};

/* A package-name REF resolved: how, and the OCI reference it became. */
struct names_ref {
	struct names names;
	struct wpkg_pkgname name;
	struct wpkg_wkg_target target;
	bool chosen;                       /* choice is set (NAMES_CHOOSE) */
	struct wpkg_version_choice choice;
	const char *cred_source;           /* "flags", "env", "config", "docker", "anonymous" */
	struct wpkg_credentials creds;     /* what the store is opened with */
	char **tags;                       /* NAMES_CHOOSE: every tag read */
	size_t ntags;
	const char **sorted;               /* their versions, ascending (pointers into tags) */
	size_t nsorted;
	char reference[1024];              /* HOST/REPOSITORY[:TAG], or @DIGEST when a lock pinned it */
	char locked[WPKG_DIGEST_STR_MAX];  /* reg->wkg_lock's layer digest for the name, "" without a lock */
	char ca_path[4096];                /* the config's extra_root_certificates, written out; "" when none */
};

/*
 * Resolves the package name arg (wpkg_pkgname_is_name) for use: the wkg
 * config (reg->wkg_config or the environment's), the registry, its metadata,
 * the credentials in wkg's order, and with NAMES_CHOOSE the tags and the
 * version.  reg's transport is adjusted from the config (protocol, CA,
 * accept_invalid_certificates) and reg->credentials points at out->creds, so
 * the store the runner opens next uses them.  Errors are reported (one line,
 * plus the Docker Hub note where arg could be an image); returns the exit
 * status; a failure to list the tags is prefixed "CMD ARG (REPOSITORY): ".
 * Release with names_ref_free.
 */
int names_ref_resolve(struct names_ref *out, const char *cmd, const char *arg, enum names_use use,
		      struct cli_registry *reg);
void names_ref_free(struct names_ref *n);

/*
 * Publishing by name: the manifest's org.opencontainers.image.version is the
 * version, and the one file's layer is titled NAME.wasm (unless -a or the
 * annotation file set them).  After cli_pack_prepare.
 */
int names_publish_annotations(struct cli_pack *p, const struct names_ref *n, const char *file, size_t n_files,
			      struct wpkg_error *err);
/*
 * 0 when tag is not in store; WPKG_E_EXISTS (err says "already published,
 * --force replaces it") when it is; another code when asking failed.
 */
int names_version_exists(struct wpkg_store *store, const char *tag, struct wpkg_error *err);

/* The digest of body's one application/wasm layer into out (size WPKG_DIGEST_STR_MAX); "" if not exactly one. */
void names_wasm_layer(char *out, const struct wpkg_buf *body);

/*
 * Credentials for t's OCI host in wkg's order: WKG_REGISTRY_<HOST>_AUTH_BEARER,
 * the config's auth, Docker credentials, anonymous.  *source names the one
 * used ("env", "config", "docker", "anonymous").
 */
int names_credentials(struct wpkg_credentials *out, const char **source, const struct wpkg_wkg_target *t,
		      const struct wpkg_log_sink *log, struct wpkg_error *err);

/*
 * Writes r's extra_root_certificates (PEM as given, DER converted) to a new
 * temporary file and puts its path in path (caller unlinks it).  For the
 * transport's CA bundle, as --ca-file.
 */
int names_ca_file(char *path, size_t size, const struct wpkg_wkg_registry *r, struct wpkg_error *err);

#endif
