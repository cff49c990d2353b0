/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_names.c - libFuzzer target: package names, versions, requirements, registry metadata JSON, Wasm metadata. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wpkg/pkgname.h"
#include "wpkg/semver.h"
#include "wpkg/wasm_metadata.h"
#include "wpkg/wkg_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wpkg_error err;
	struct wpkg_pkgname name;
	struct wpkg_semver v, again;
	struct wpkg_wkg_meta meta;
	struct wpkg_wasm_metadata md;
	char *s = malloc(size + 1), text[512];

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (wpkg_semver_parse(&v, s, &err) == 0) {
		/* a parsed version prints back as its input and compares equal to itself */
		wpkg_semver_format(text, sizeof(text), &v);
		if (strcmp(text, s) || wpkg_semver_parse(&again, text, &err) || wpkg_semver_cmp(&v, &again))
			abort();
	}
	if (wpkg_pkgname_parse(&name, s, &err) == 0) {
		if (!wpkg_pkgname_is_name(s) || !wpkg_label_valid(name.ns, strlen(name.ns)) ||
		    !wpkg_label_valid(name.name, strlen(name.name)))
			abort();
		if (name.kind == WPKG_PKGNAME_REQ && wpkg_semver_parse(&v, "1.2.3-rc.1", &err) == 0)
			(void)wpkg_semver_req_matches(&name.req, &v);
	}
	(void)wpkg_spdx_valid(s);
	(void)wpkg_url_valid(s);
	if (wpkg_wkg_meta_parse(&meta, (const char *)data, size, &err) == 0)
		wpkg_wkg_meta_free(&meta);
	if (wpkg_wasm_metadata_read(&md, data, size, NULL, &err) == 0) {
		/* nothing kept holds a control character */
		const char *f[] = { md.authors, md.description, md.licenses, md.source, md.homepage, md.revision, md.version };

		for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
			for (const char *p = f[i]; p && *p; p++)
				if ((unsigned char)*p < 0x20 || *p == 0x7f)
					abort();
		wpkg_wasm_metadata_free(&md);
	}
	free(s);
	return 0;
}
