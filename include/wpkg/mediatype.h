/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/mediatype.h - every media type and artifact type wpkg writes, reads or recognises, in one place. */
#ifndef WPKG_MEDIATYPE_H
#define WPKG_MEDIATYPE_H

#include "wpkg/common.h"

WPKG_BEGIN_DECL

/* OCI image spec documents and layers. */
#define WPKG_MT_OCI_MANIFEST    "application/vnd.oci.image.manifest.v1+json"
#define WPKG_MT_OCI_INDEX       "application/vnd.oci.image.index.v1+json"
#define WPKG_MT_OCI_CONFIG      "application/vnd.oci.image.config.v1+json"
#define WPKG_MT_OCI_EMPTY       "application/vnd.oci.empty.v1+json"
#define WPKG_MT_OCI_LAYER_TAR   "application/vnd.oci.image.layer.v1.tar"
#define WPKG_MT_OCI_LAYER_TAR_GZ "application/vnd.oci.image.layer.v1.tar+gzip"
#define WPKG_MT_OCI_LAYER_TAR_ZSTD "application/vnd.oci.image.layer.v1.tar+zstd"

/* Docker's schema 2, which registries and older tools still serve. */
#define WPKG_MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define WPKG_MT_DOCKER_LIST     "application/vnd.docker.distribution.manifest.list.v2+json"
#define WPKG_MT_DOCKER_IMAGE_CONFIG "application/vnd.docker.container.image.v1+json"
#define WPKG_MT_DOCKER_LAYER_TAR_GZ "application/vnd.docker.image.rootfs.diff.tar.gzip"

/* CNCF TAG Runtime Wasm OCI artifact. */
#define WPKG_MT_WASM_CONFIG     "application/vnd.wasm.config.v0+json"
#define WPKG_MT_WASM_LAYER      "application/wasm"

/* The other layer media types pull accepts as a Wasm binary. */
#define WPKG_MT_BCA_WASM_LAYER  "application/vnd.bytecodealliance.wasm.component.layer.v0+wasm"
#define WPKG_MT_WASM_CONTENT    "application/vnd.wasm.content.layer.v1+wasm"
#define WPKG_MT_MODULE_CONTENT  "application/vnd.module.wasm.content.layer.v1+wasm"

/* The skeleton layer: what remains of the outer component once its constituents are cut out.
 * It is not a valid Wasm binary on its own, so it must not claim to be application/wasm. */
#define WPKG_MT_SKELETON "application/vnd.wpkg.wasm.skeleton.v1"
/* artifactType of an exploded manifest. */
#define WPKG_AT_EXPLODED "application/vnd.wpkg.wasm.exploded.v1"

/* Files attached as referrers, by what they are. */
#define WPKG_MT_SPDX_JSON       "application/spdx+json"
#define WPKG_MT_CYCLONEDX_JSON  "application/vnd.cyclonedx+json"
#define WPKG_MT_JSON            "application/json"
#define WPKG_MT_TEXT            "text/plain"
#define WPKG_MT_MARKDOWN        "text/markdown"
#define WPKG_MT_OCTET_STREAM    "application/octet-stream"

/* Signatures and what they sign: cosign, Sigstore bundles (any version by the prefix), in-toto, Notation. */
#define WPKG_MT_COSIGN_SIMPLESIGNING  "application/vnd.dev.cosign.simplesigning.v1+json"
#define WPKG_MT_INTOTO                "application/vnd.in-toto+json"
#define WPKG_MT_SIGSTORE_BUNDLE_V03   "application/vnd.dev.sigstore.bundle.v0.3+json"
#define WPKG_MT_SIGSTORE_BUNDLE_PREFIX "application/vnd.dev.sigstore.bundle"
#define WPKG_MT_NOTATION_SIGNATURE    "application/vnd.cncf.notary.signature"
/* SBOM formats as their specifications register them (discover classifies by them). */
#define WPKG_MT_SPDX_TEXT             "text/spdx"
#define WPKG_MT_SPDX_XML              "application/spdx+xml"
#define WPKG_MT_SPDX_YAML             "application/spdx+yaml"
#define WPKG_MT_SPDX_TAG_VALUE        "text/spdx+tag-value"
#define WPKG_MT_CYCLONEDX             "application/vnd.cyclonedx"
#define WPKG_MT_CYCLONEDX_XML         "application/vnd.cyclonedx+xml"
#define WPKG_MT_CYCLONEDX_PROTOBUF    "application/vnd.cyclonedx+protobuf"

WPKG_END_DECL

#endif
