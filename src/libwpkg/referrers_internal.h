/* referrers_internal.h - the fallback tag's index, read and written by attach and by delete; not public. */
#ifndef WPKG_REFERRERS_INTERNAL_H
#define WPKG_REFERRERS_INTERNAL_H

#include <stdbool.h>

#include "wpkg/error.h"
#include "wpkg/oci.h"
#include "wpkg/registry.h"

/*
 * The index at the fallback tag; a new empty one when the tag does not
 * exist.  Anything else there is an error, or (lenient) no referrers.
 */
int wpkg_referrers_tag_read(struct wpkg_index **out, struct wpkg_registry *r, const char *repo, const char *tag,
			    bool lenient, struct wpkg_error *err);
/* PUT ix under tag (given the OCI index media type when it has none). */
int wpkg_referrers_tag_write(struct wpkg_registry *r, const char *repo, const char *tag, struct wpkg_index *ix,
			     struct wpkg_error *err);

#endif
