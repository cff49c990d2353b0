/* SPDX-License-Identifier: Apache-2.0 */
/* cli_push_sbom.c - push --sbom: the component's CycloneDX SBOM, made before the push, attached to what was pushed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wpkg/fsutil.h"
#include "wpkg/referrers.h"
#include "wpkg/sbom.h"
#include "wpkg/tempreg.h"
#include "wpkg/wasm_config.h"
#include "cli_sign.h"
#include "wpkg_version.h"

int cli_push_sbom_prepare(struct cli_push_sbom *p, const char *file, struct wpkg_error *err)
{
	struct wpkg_sbom_opts opts = { wpkg_path_base(file), NULL, (time_t)-1, "wpkg", WPKG_VERSION };
	const char *tmp = getenv("TMPDIR");
	struct wpkg_buf doc = WPKG_BUF_INIT;
	struct wpkg_map map = { 0 };
	int rc;

	/* a timestamp only when the build asks for one, as wpkg sbom: the same input gives the same SBOM */
	if (getenv("SOURCE_DATE_EPOCH") != NULL && wpkg_build_time(&opts.timestamp, err) < 0)
		return err->code;
	if ((rc = wpkg_build_time(&p->created, err)) < 0)
		return rc;
	rc = wpkg_map_file(&map, file, err);
	if (rc == 0 && (rc = wpkg_sbom_cyclonedx(&doc, map.data, map.len, &opts, err)) < 0)
		wpkg_error_wrap(err, "--sbom %s", file);
	wpkg_unmap_file(&map);
	if (rc < 0)
		goto out;
	/* attach takes files: the SBOM waits in a private directory, titled after the component */
	snprintf(p->dir, sizeof(p->dir), "%s/wpkg-sbom.XXXXXX", tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	if (mkdtemp(p->dir) == NULL) {
		p->dir[0] = '\0';
		rc = wpkg_error_set(err, WPKG_E_IO, "--sbom: cannot make a temporary directory");
		goto out;
	}
	/* a signal removes it too; a failed registration only means it could stay behind */
	(void)wpkg_tempreg_add(p->dir, true);
	snprintf(p->path, sizeof(p->path), "%s/%s.cdx.json", p->dir, opts.name);
	rc = wpkg_write_file_atomic(p->path, doc.data, doc.len, 0600, err);
out:
	wpkg_buf_free(&doc);
	return rc;
}

int cli_push_sbom_attach(struct cli_push_sbom *p, struct wpkg_store *s, const struct wpkg_digest *subject,
			 struct wpkg_error *err)
{
	struct wpkg_attach_opts opts = { WPKG_MT_CYCLONEDX_JSON, WPKG_MT_CYCLONEDX_JSON, NULL, p->created };
	const char *files[1] = { p->path };

	if (wpkg_attach(&p->res, s, subject->str, files, 1, &opts, err) < 0) {
		wpkg_error_wrap(err, "--sbom: attaching the SBOM to %s", subject->str);
		return err->code;
	}
	p->attached = true;
	return 0;
}

json_t *cli_push_sbom_json(const struct cli_push_sbom *p)
{
	const struct wpkg_attach_result *a = &p->res;

	return json_pack("{s:s, s:s, s:s}", "digest", a->artifact.digest.str, "artifactType", WPKG_MT_CYCLONEDX_JSON,
			 "referrers", a->api ? "api" : a->tag[0] != '\0' ? a->tag : "index.json");
}

void cli_push_sbom_clear(struct cli_push_sbom *p)
{
	if (p->path[0] != '\0')
		unlink(p->path);
	if (p->dir[0] != '\0') {
		rmdir(p->dir);
		wpkg_tempreg_drop(p->dir);
	}
	wpkg_attach_result_clear(&p->res);
	memset(p, 0, sizeof(*p));
}
