/* SPDX-License-Identifier: Apache-2.0 */
/* wpkg/common.h - the export macro and C++ guards every public header uses. */
#ifndef WPKG_COMMON_H
#define WPKG_COMMON_H

/*
 * libwpkg is built with hidden symbol visibility: only declarations marked
 * WPKG_API are part of its ABI, so helpers the library shares between its
 * own files never leak into the dynamic symbol table.
 */
#if defined(__GNUC__) && __GNUC__ >= 4
#define WPKG_API __attribute__((visibility("default")))
#else
#define WPKG_API
#endif

/* Every public header wraps its declarations so C++ callers link the C names. */
#ifdef __cplusplus
#define WPKG_BEGIN_DECL extern "C" {
#define WPKG_END_DECL }
#else
#define WPKG_BEGIN_DECL
#define WPKG_END_DECL
#endif

/*
 * Option and result structs that may grow start with a size_t "size" member,
 * set by the caller to sizeof the struct it was compiled with (the struct's
 * *_INIT macro does it).  The library reads only that many bytes, and treats
 * fields added later as zero, so a program built against an older libwpkg
 * keeps working against a newer one; a size the library does not know
 * (0, or larger than its own struct) is refused with WPKG_E_INVALID.
 * New fields are only ever appended, and zero always means the old behaviour.
 * WPKG_SIZED_INIT(type) is the initialiser those *_INIT macros expand to
 * (designated in C, so -Wmissing-field-initializers stays quiet).
 */
#ifdef __cplusplus
#define WPKG_SIZED_INIT(type) { sizeof(type) }
#else
#define WPKG_SIZED_INIT(type) { .size = sizeof(type) }
#endif

#endif
