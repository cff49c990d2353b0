/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/wpkg.h - the whole public API of libwpkg in one include. */
#ifndef WPKG_WPKG_H
#define WPKG_WPKG_H

/*
 * Start with global.h (wpkg_global_init) and error.h (how every call reports
 * failure).  Every installed header is listed here; the test suite checks it.
 */
#include "wpkg/common.h"
#include "wpkg/version.h"
#include "wpkg/global.h"
#include "wpkg/error.h"
#include "wpkg/settings.h"
#include "wpkg/mediatype.h"
#include "wpkg/buf.h"
#include "wpkg/log.h"
#include "wpkg/digest.h"
#include "wpkg/fsutil.h"
#include "wpkg/tempreg.h"
#include "wpkg/wasm.h"
#include "wpkg/wasm_config.h"
#include "wpkg/oci.h"
#include "wpkg/blob.h"
#include "wpkg/http.h"
#include "wpkg/explode.h"
#include "wpkg/pack.h"
#include "wpkg/pack_image.h"
#include "wpkg/ref.h"
#include "wpkg/layout.h"
#include "wpkg/creds.h"
#include "wpkg/artifact.h"
#include "wpkg/store.h"
#include "wpkg/push.h"
#include "wpkg/pull.h"
#include "wpkg/referrers_index.h"
#include "wpkg/referrers.h"
#include "wpkg/copy.h"
#include "wpkg/cache.h"
#include "wpkg/digest_cache.h"
#include "wpkg/semver.h"
#include "wpkg/pkgname.h"
#include "wpkg/versions.h"
#include "wpkg/toml.h"
#include "wpkg/wkg_config.h"
#include "wpkg/wkg_lock.h"
#include "wpkg/wasm_metadata.h"
#include "wpkg/sign.h"
#include "wpkg/signature.h"
#include "wpkg/sbom.h"

#endif
