/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/pack_image.h - Wasm packaged as an ordinary OCI container image or in runwasi's layout, and back. */
#ifndef WPKG_PACK_IMAGE_H
#define WPKG_PACK_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wpkg/common.h"
#include "wpkg/error.h"
#include "wpkg/mediatype.h"
#include "wpkg/oci.h"
#include "wpkg/pack.h"

WPKG_BEGIN_DECL

/*
 * The ways one file can be packaged:
 *  - wasm: the CNCF TAG Runtime Wasm artifact (wpkg_pack).
 *  - image: an OCI image whose one tar+gzip layer holds the file at the root
 *    of the file system, with Entrypoint ["/NAME.wasm"] and the annotation
 *    module.wasm.image/variant=compat-smart that crun's Wasm handlers select
 *    on (podman, CRI-O); plain container tooling (skopeo, umoci) handles it.
 *  - runwasi: an OCI image whose one layer is the file itself, of media type
 *    application/vnd.bytecodealliance.wasm.component.layer.v0+wasm (modules
 *    too), with rootfs.diff_ids [] and the containerd.runwasi.layers label,
 *    as runwasi's oci-tar-builder writes it for containerd's Wasm shims.
 */
enum wpkg_pack_format {
	WPKG_FORMAT_WASM = 0,
	WPKG_FORMAT_IMAGE,
	WPKG_FORMAT_RUNWASI,
};

/* The manifest annotation (and image config label) crun reads to run the Entrypoint with a Wasm runtime. */
#define WPKG_ANNOT_WASM_VARIANT "module.wasm.image/variant"
#define WPKG_WASM_VARIANT_COMPAT_SMART "compat-smart"
/* The config label runwasi sets so that images with equal (empty) rootfs still differ. */
#define WPKG_LABEL_RUNWASI_LAYERS "containerd.runwasi.layers"

/* "wasm", "image" or "runwasi"; anything else is WPKG_E_INVALID. */
WPKG_API int wpkg_pack_format_parse(enum wpkg_pack_format *out, const char *s, struct wpkg_error *err);
WPKG_API const char *wpkg_pack_format_name(enum wpkg_pack_format fmt);

/*
 * The name the file gets inside an image: its base name when that ends in
 * ".wasm" (hello-c.component.wasm stays hello-c.component.wasm), else the
 * base name + ".wasm", so that crun's compat-smart switch (which looks at the
 * Entrypoint's suffix) always selects the Wasm handler.  Caller frees; NULL
 * on ENOMEM.
 */
WPKG_API char *wpkg_image_entry_name(const char *file);

/*
 * Packages file in format fmt (WPKG_FORMAT_WASM is wpkg_pack with one file).
 * For WPKG_FORMAT_IMAGE the gzip'd tar layer is written, streamed, to a
 * temporary file in $TMPDIR (or /tmp) that the layer blob's path names; the
 * tar and its gzip stream hold no time but opts->created, so equal inputs
 * give byte-identical packages.  *out is set only on success; release it with
 * wpkg_package_free(), which also deletes that temporary (blob.temp).
 */
WPKG_API int wpkg_pack_image(struct wpkg_package **out, const char *file, enum wpkg_pack_format fmt,
		    const struct wpkg_pack_opts *opts, struct wpkg_error *err);

/* True for the tar layer media types wpkg_image_extract_wasm reads (OCI tar, tar+gzip, tar+zstd; Docker's). */
WPKG_API bool wpkg_image_is_tar_layer(const char *media_type);


/*
 * The layer pull extracts the Wasm file from: the only layer of a container
 * image manifest (config of type OCI or Docker image config) when it is a
 * tar layer; NULL for anything else (a Wasm artifact, several layers).
 */
WPKG_API const struct wpkg_descriptor *wpkg_image_tar_layer(const struct wpkg_manifest *m);

/*
 * Reads the image config's config.Entrypoint[0] into *out (caller frees) when
 * it names a ".wasm" file ("/hello.wasm"); *out is NULL when there is no
 * Entrypoint or it names something else ("/bin/sh"), so that extraction then
 * looks for the only .wasm file.  WPKG_E_INVALID when config is not JSON or
 * Entrypoint is not an array of strings.
 */
WPKG_API int wpkg_image_config_entrypoint(char **out, const void *config, size_t len, struct wpkg_error *err);

/*
 * Writes one regular file of a tar layer (read with libarchive from layer_fd,
 * from its current offset, decompressed as media_type says) to out_fd.  The
 * file is entry_name (an image path such as config.Entrypoint "/hello.wasm";
 * leading "/" and "./" are ignored when names are compared) or, when
 * entry_name is NULL, the only non-directory entry whose name ends in
 * ".wasm".  Refused, with a one-line message naming the entry: an absolute or
 * ".."-holding name, a symbolic or hard link or other non-regular file, a
 * name present twice, more than one candidate, an entry over max_size bytes
 * (WPKG_E_TOO_LARGE), no match (WPKG_E_NOT_FOUND).  Bytes may have reached
 * out_fd when an error is returned (the whole layer is read before
 * duplicates are known): write to a temporary and discard it on failure.
 * *found_name (if not NULL) receives the entry's name, "./" stripped, on
 * success; caller frees.
 */
/* The largest Wasm file pull extracts from a tar layer (a bound on what a gzip bomb can write). */
#define WPKG_IMAGE_EXTRACT_MAX ((uint64_t)1 << 32)
/* A compressed layer may expand to this many times its size, and to the floor whatever its size. */
#define WPKG_IMAGE_EXPANSION_MAX 100
#define WPKG_IMAGE_EXPANSION_FLOOR ((uint64_t)1 << 20)

WPKG_API int wpkg_image_extract_wasm(int out_fd, int layer_fd, const char *media_type, const char *entry_name,
			    uint64_t max_size, char **found_name, struct wpkg_error *err);

WPKG_END_DECL

#endif
