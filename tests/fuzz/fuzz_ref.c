/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_ref.c - libFuzzer target: references and transports, parsed and printed back. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wpkg/ref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wpkg_error err;
	struct wpkg_ref ref, again;
	char *s, *text;

	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (wpkg_ref_parse(&ref, s, 0, &err) == 0) {
		/* a parsed reference prints as text that parses to the same thing */
		text = wpkg_ref_string(&ref);
		if (text == NULL || wpkg_ref_parse(&again, text, 0, &err) != 0)
			abort();
		if ((ref.repository == NULL) != (again.repository == NULL) ||
		    (ref.repository && strcmp(ref.repository, again.repository) != 0))
			abort();
		(void)wpkg_ref_reference(&ref);
		wpkg_ref_free(&again);
		free(text);
		wpkg_ref_free(&ref);
	} else if (strchr(err.msg, '\n') != NULL) {
		abort(); /* errors are one line */
	}
	free(s);
	return 0;
}
