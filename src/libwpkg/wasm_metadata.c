/* SPDX-License-Identifier: Apache-2.0 */
/* wasm_metadata.c - reads wasm-metadata's custom sections leniently and maps them to OCI annotations. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "utf8_internal.h"
#include "log_internal.h"
#include "wpkg/wasm.h"
#include "wpkg/wasm_metadata.h"

#define VALUE_MAX ((size_t)64 * 1024)   /* an annotation is a line of text, not a payload */

enum kind { TEXT, SPDX, URL };

static const struct {
	const char *section;
	size_t field;         /* offset of the char * in struct wpkg_wasm_metadata */
	enum kind kind;
	const char *annotation;
} fields[] = {
	{ "authors", offsetof(struct wpkg_wasm_metadata, authors), TEXT, "org.opencontainers.image.authors" },
	{ "description", offsetof(struct wpkg_wasm_metadata, description), TEXT, "org.opencontainers.image.description" },
	{ "licenses", offsetof(struct wpkg_wasm_metadata, licenses), SPDX, "org.opencontainers.image.licenses" },
	{ "source", offsetof(struct wpkg_wasm_metadata, source), URL, "org.opencontainers.image.source" },
	{ "homepage", offsetof(struct wpkg_wasm_metadata, homepage), URL, "org.opencontainers.image.url" },
	{ "revision", offsetof(struct wpkg_wasm_metadata, revision), TEXT, "org.opencontainers.image.revision" },
	{ "version", offsetof(struct wpkg_wasm_metadata, version), TEXT, "org.opencontainers.image.version" },
};

struct walk {
	const uint8_t *data;
	struct wpkg_wasm_metadata *m;
	const struct wpkg_log_sink *log;
	char *legacy_author;
	int nomem;
};

static char **slot(struct wpkg_wasm_metadata *m, size_t i)
{
	return (char **)(void *)((char *)m + fields[i].field);
}

/* A copy without control characters (C0, DEL, C1): tab/CR/LF become one space; trimmed. */
static char *clean(const uint8_t *s, size_t n)
{
	char *out = malloc(n + 1);
	size_t o = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = s[i];

		if (c == '\t' || c == '\n' || c == '\r') {
			if (o && out[o - 1] != ' ')
				out[o++] = ' ';
		} else if (c < 0x20 || c == 0x7f) {
			continue;
		} else if (c == 0xc2 && i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] <= 0x9f) {
			i++;  /* U+0080..U+009F */
		} else {
			out[o++] = (char)c;
		}
	}
	while (o && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	return out;
}

static int idchar(char c)
{
	return isalnum((unsigned char)c) || c == '.' || c == '-';
}

/* SPDX 2.3 annex D, leniently: operands and operators alternate, parentheses balance, WITH takes an exception id. */
int wpkg_spdx_valid(const char *s)
{
	int depth = 0, want_operand = 1, after_with = 0;

	for (;;) {
		while (*s == ' ')
			s++;
		if (!*s)
			return !want_operand && depth == 0 && !after_with;
		if (*s == '(') {
			if (!want_operand)
				return 0;
			depth++;
			s++;
			continue;
		}
		if (*s == ')') {
			if (want_operand || --depth < 0)
				return 0;
			s++;
			continue;
		}
		{
			const char *start = s;
			size_t n;

			while (idchar(*s) || *s == ':' || *s == '+')
				s++;
			n = (size_t)(s - start);
			if (n == 0)
				return 0;
			if (want_operand) {
				/* an id: letters, digits, '.', '-', an optional trailing '+', DocumentRef-x:LicenseRef-y */
				for (size_t i = 0; i < n; i++)
					if ((start[i] == '+' && i + 1 != n) || (start[i] == ':' && strncmp(start, "DocumentRef-", 12)))
						return 0;
				want_operand = 0;
				after_with = 0;
			} else if ((n == 3 && strncasecmp(start, "AND", 3) == 0) || (n == 2 && strncasecmp(start, "OR", 2) == 0)) {
				want_operand = 1;
			} else if (n == 4 && strncasecmp(start, "WITH", 4) == 0) {
				want_operand = 1;
				after_with = 1;
			} else {
				return 0;
			}
		}
	}
}

int wpkg_url_valid(const char *s)
{
	const char *colon = strchr(s, ':');

	if (!colon || colon == s || !isalpha((unsigned char)s[0]) || !colon[1])
		return 0;
	for (const char *p = s; p < colon; p++)
		if (!isalnum((unsigned char)*p) && *p != '+' && *p != '-' && *p != '.')
			return 0;
	for (const char *p = colon + 1; *p; p++)
		if (*p == ' ' || (unsigned char)*p < 0x20 || *p == 0x7f)
			return 0;
	/* hierarchical schemes need a host */
	if (strncmp(colon, "://", 3) == 0 && (colon[3] == '\0' || colon[3] == '/'))
		return 0;
	return 1;
}

/* Stores section name's value when it is well-formed; else a warning, and the section is skipped. */
static void take(struct walk *w, size_t i, const uint8_t *p, size_t n, const char *name)
{
	char **dst = slot(w->m, i);
	const char *why = NULL;
	char *v = NULL;

	if (n > VALUE_MAX)
		why = "over 64 KiB";
	else if (wpkg_utf8_bad_at(p, n) != n)
		why = memchr(p, '\0', n) ? "contains a NUL byte" : "not UTF-8";
	else if (!(v = clean(p, n)))
		w->nomem = 1;
	else if (!*v)
		why = "empty";
	else if (fields[i].kind == SPDX && !wpkg_spdx_valid(v))
		why = "not an SPDX license expression";
	else if (fields[i].kind == URL && !wpkg_url_valid(v))
		why = "not a URL";
	if (why) {
		wpkg_log_to(w->log, WPKG_LOG_WARN, "custom section '%s': %s; not copied into the annotations", name, why);
		w->m->skipped++;
		free(v);
		return;
	}
	if (v) {
		/* a later section of the same name wins, as in wasm-metadata's Payload::from_binary */
		free(*dst);
		*dst = v;
	}
}

static int on_section(void *payload, const struct wpkg_wasm_section *s)
{
	struct walk *w = payload;
	const uint8_t *p = w->data + s->payload_offset;
	size_t end = (size_t)s->payload_size, pos = 0;
	uint32_t nlen;
	char name[16];

	if (s->id != 0 || wpkg_leb_u32(p, end, &pos, &nlen) || nlen > end - pos)
		return 0;
	if (nlen >= sizeof(name))
		return 0;  /* none of ours is that long */
	memcpy(name, p + pos, nlen);
	name[nlen] = '\0';
	if (memchr(name, '\0', nlen))
		return 0;
	pos += nlen;
	if (strcmp(name, "author") == 0) {
		/* the section's old name: used only when there is no authors section */
		struct wpkg_wasm_metadata tmp = { 0 };
		struct walk t = { .m = &tmp, .log = w->log };

		take(&t, 0, p + pos, end - pos, name);
		w->m->skipped += tmp.skipped;
		if (tmp.authors) {
			free(w->legacy_author);
			w->legacy_author = tmp.authors;
		}
		w->nomem |= t.nomem;
		return 0;
	}
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (strcmp(name, fields[i].section) == 0)
			take(w, i, p + pos, end - pos, name);
	return 0;
}

int wpkg_wasm_metadata_read(struct wpkg_wasm_metadata *out, const uint8_t *data, size_t len,
			    const struct wpkg_log_sink *log, struct wpkg_error *err)
{
	struct wpkg_wasm_metadata m = { 0 };
	struct walk w = { .data = data, .m = &m, .log = log };
	int rc;

	rc = wpkg_wasm_sections(data, len, on_section, &w, err);
	if (!rc && w.nomem)
		rc = wpkg_error_nomem(err);
	if (!rc && !m.authors) {
		m.authors = w.legacy_author;
		w.legacy_author = NULL;
	}
	free(w.legacy_author);
	if (rc) {
		wpkg_wasm_metadata_free(&m);
		return rc;
	}
	*out = m;
	return 0;
}

void wpkg_wasm_metadata_free(struct wpkg_wasm_metadata *m)
{
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		free(*slot(m, i));
	memset(m, 0, sizeof(*m));
}

int wpkg_wasm_metadata_annotate(json_t *annotations, const struct wpkg_wasm_metadata *m, int with_version)
{
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const char *v = *slot((struct wpkg_wasm_metadata *)(uintptr_t)m, i);

		if (!v || json_object_get(annotations, fields[i].annotation))
			continue;
		if (!with_version && strcmp(fields[i].section, "version") == 0)
			continue;
		if (json_object_set_new(annotations, fields[i].annotation, json_string(v)))
			return WPKG_E_NOMEM;
	}
	return 0;
}
