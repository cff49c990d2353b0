/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_version.c - wpkg version (and --version): wpkg's, libwpkg's, libcurl's and OpenSSL's versions, the commit. */
#include <curl/curl.h>
#include <openssl/crypto.h>

#include "cli_run.h"
#include "wpkg_commit.h"
#include "wpkg_version.h"
#include "wpkg/version.h"

static int run(struct cli_run *r)
{
	(void)r;
	return WPKG_EXIT_OK;
}

static void text(struct cli_run *r)
{
	(void)r;
	cli_out("wpkg %s (commit %s)\nlibwpkg %s\nlibcurl %s\n%s\n", WPKG_VERSION, WPKG_COMMIT, wpkg_version(),
		curl_version_info(CURLVERSION_NOW)->version, OpenSSL_version(OPENSSL_VERSION));
}

static json_t *result_json(struct cli_run *r)
{
	(void)r;
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "wpkg", WPKG_VERSION, "commit", WPKG_COMMIT, "libwpkg",
			 wpkg_version(), "libcurl", curl_version_info(CURLVERSION_NOW)->version, "openssl",
			 OpenSSL_version(OPENSSL_VERSION));
}

const struct cli_command cli_cmd_version = {
	.name = "version",
	.summary = "Print the versions of wpkg, libwpkg, libcurl and OpenSSL, and the commit",
	.usage = "",
	.min_pos = 0, .max_pos = 0, .pos_what = "no argument",
	.run = run, .text = text, .json = result_json,
};
