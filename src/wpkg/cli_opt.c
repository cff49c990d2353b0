/* SPDX-License-Identifier: Apache-2.0 */
/* cli_opt.c - option parsing driven by spec tables bound to fields, option values, and the --help text. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli_opt.h"
#include "cli_output.h"
#include "exitcodes.h"

const char *cli_prog;

void cli_strings_free(struct cli_strings *s)
{
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

int cli_usage_error(const char *prog, const char *fmt, ...)
{
	va_list ap;

	cli_progress_interrupt();
	fputs("wpkg: error: ", stderr);
	if (prog != NULL)
		fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (prog != NULL)
		fprintf(stderr, "\nTry 'wpkg %s --help'.\n", prog);
	else
		fputs("\nTry 'wpkg --help'.\n", stderr);
	return WPKG_EXIT_USAGE;
}

/* The parse in progress. */
struct parser {
	const struct cli_opt_spec *const *tables;
	const char *prog;
	int argc;
	char **argv;
	int index;      /* next argument to look at */
	int end;        /* argv[end..argc) are positionals already moved aside */
};

/* Moves argv[i] behind every unscanned argument, keeping earlier moved ones first. */
static void move_to_end(struct parser *p, int i)
{
	char *s = p->argv[i];

	memmove(&p->argv[i], &p->argv[i + 1], (size_t)(p->argc - i - 1) * sizeof(p->argv[0]));
	p->argv[p->argc - 1] = s;
	p->end--;
}

static const struct cli_opt_spec *find(const struct parser *p, const char *name, size_t len, char alias)
{
	for (const struct cli_opt_spec *const *t = p->tables; *t != NULL; t++)
		for (const struct cli_opt_spec *o = *t; o->name != NULL; o++) {
			if (name != NULL && strlen(o->name) == len && strncmp(o->name, name, len) == 0)
				return o;
			if (name == NULL && alias != 0 && o->alias == alias)
				return o;
		}
	return NULL;
}

static int parse_number(const struct cli_opt_spec *o, const char *arg)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (arg[0] == '\0' || *end != '\0' || errno != 0 || v < o->min || v > o->max) {
		cli_usage_error(cli_prog, "--%s: '%s' is not %s from %ld to %ld", o->name, arg,
				o->example != NULL ? o->example : "a whole number", o->min, o->max);
		return CLI_ERROR;
	}
	*(long *)o->value = v;
	return 0;
}

static int parse_bytes(const struct cli_opt_spec *o, const char *arg)
{
	unsigned long long v;
	unsigned shift = 0;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (end != arg && end[0] != '\0' && end[1] == '\0') {
		switch (*end) {
		case 'k': case 'K': shift = 10; end++; break;
		case 'm': case 'M': shift = 20; end++; break;
		case 'g': case 'G': shift = 30; end++; break;
		}
	}
	/* strtoull takes "-1" as a huge number: a sign is refused before it can wrap */
	if (end == arg || *end != '\0' || errno != 0 || arg[0] == '-' || v > (UINT64_MAX >> shift) ||
	    ((uint64_t)v << shift) < (uint64_t)o->min) {
		cli_usage_error(cli_prog, "--%s: '%s' is not a size in bytes (e.g. %s)", o->name, arg,
				o->example != NULL ? o->example : "16K");
		return CLI_ERROR;
	}
	*(uint64_t *)o->value = (uint64_t)v << shift;
	return 0;
}

static int parse_choice(const struct cli_opt_spec *o, const char *arg)
{
	char list[256] = "";

	for (int i = 0; o->choices[i] != NULL; i++) {
		if (strcmp(o->choices[i], arg) == 0) {
			*(int *)o->value = i;
			return 0;
		}
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i > 0 ? ", " : "", o->choices[i]);
	}
	cli_usage_error(cli_prog, "--%s: '%s' is not one of %s", o->name, arg, list);
	return CLI_ERROR;
}

static int append(const struct cli_opt_spec *o, const char *arg)
{
	struct cli_strings *s = o->value;
	const char **grown = realloc(s->v, (s->n + 1) * sizeof(s->v[0]));

	if (grown == NULL)
		wpkg_exit_nomem();   /* not the user's mistake: exit 1, not 2 */
	s->v = grown;
	s->v[s->n++] = arg;
	return 0;
}

int cli_opt_apply(const struct cli_opt_spec *o, const char *arg)
{
	switch (o->type) {
	case CLI_OPT_SWITCH: *(bool *)o->value = true; return 0;
	case CLI_OPT_STRING: *(const char **)o->value = arg; return 0;
	case CLI_OPT_LIST: return append(o, arg);
	case CLI_OPT_NUMBER: return parse_number(o, arg);
	case CLI_OPT_BYTES: return parse_bytes(o, arg);
	case CLI_OPT_CHOICE: return parse_choice(o, arg);
	case CLI_OPT_CALL: return o->call(o, arg);
	}
	return 0;
}

static int long_option(struct parser *p, const char *s)
{
	const char *eq = strchr(s, '=');
	size_t len = eq != NULL ? (size_t)(eq - s) : strlen(s);
	const struct cli_opt_spec *o = find(p, s, len, 0);
	const char *value = NULL;

	if (o == NULL)
		return cli_usage_error(p->prog, "unknown option '--%.*s'", (int)len, s), CLI_ERROR;
	if (o->value_name == NULL) {
		if (eq != NULL)
			return cli_usage_error(p->prog, "option '--%s' takes no value", o->name), CLI_ERROR;
	} else if (eq != NULL) {
		value = eq + 1;
	} else if (p->index < p->end) {
		value = p->argv[p->index++];
	} else {
		return cli_usage_error(p->prog, "option '--%s' needs a value (%s)", o->name, o->value_name), CLI_ERROR;
	}
	return cli_opt_apply(o, value);
}

/* A "-abc" group: flags one by one; an option with a value takes the rest or the next argument. */
static int short_options(struct parser *p, const char *s)
{
	while (*s != '\0') {
		const struct cli_opt_spec *o = find(p, NULL, 0, *s);
		const char *value = NULL;
		int rc;

		if (o == NULL)
			return cli_usage_error(p->prog, "unknown option '-%c'", *s), CLI_ERROR;
		if (o->value_name != NULL) {
			if (s[1] != '\0')
				value = s + 1;
			else if (p->index < p->end)
				value = p->argv[p->index++];
			else
				return cli_usage_error(p->prog, "option '-%c' needs a value (%s)", *s, o->value_name),
				       CLI_ERROR;
		}
		rc = cli_opt_apply(o, value);
		if (rc != 0 || value != NULL)
			return rc;
		s++;
	}
	return 0;
}

int cli_opt_parse(struct cli_pos *pos, const struct cli_opt_spec *const *tables, const char *prog, int argc,
		  char **argv, bool stop_at_positional)
{
	struct parser p = { tables, prog, argc, argv, 1, argc };
	int rc = 0;

	cli_prog = prog;
	while (p.index < p.end) {
		char *s = p.argv[p.index];

		if (strcmp(s, "--") == 0) {
			p.index++;
			break;
		}
		if (s[0] != '-' || s[1] == '\0') {
			/* a positional ("-" is one too: standard input or output) */
			if (stop_at_positional)
				break;
			move_to_end(&p, p.index);
			continue;
		}
		p.index++;
		rc = s[1] == '-' ? long_option(&p, s + 2) : short_options(&p, s + 1);
		if (rc != 0)
			return rc;
	}
	/* every argument still unscanned is a positional and follows the ones moved earlier */
	for (int k = p.end - p.index; k > 0; k--)
		move_to_end(&p, p.index);
	pos->n = p.argc - p.index;
	pos->v = p.argv + p.index;
	return 0;
}

/* Width of the "  -o, --output=DIR[:TAG]" column. */
static size_t opt_width(const struct cli_opt_spec *o)
{
	size_t w = 6 + strlen(o->name);

	if (o->value_name != NULL)
		w += 1 + strlen(o->value_name);
	return w;
}

void cli_opt_help(FILE *f, const struct cli_help_table *tables, size_t n)
{
	size_t width = 0;

	for (size_t t = 0; t < n; t++)
		for (const struct cli_opt_spec *o = tables[t].opts; o->name != NULL; o++)
			if (!(o->flags & CLI_OPT_HIDDEN) && opt_width(o) > width)
				width = opt_width(o);
	for (size_t t = 0; t < n; t++) {
		if (tables[t].opts[0].name == NULL)
			continue;
		fprintf(f, "\n%s:\n", tables[t].title);
		for (const struct cli_opt_spec *o = tables[t].opts; o->name != NULL; o++) {
			if (o->flags & CLI_OPT_HIDDEN)
				continue;
			if (o->alias != 0)
				fprintf(f, "  -%c, --%s", o->alias, o->name);
			else
				fprintf(f, "      --%s", o->name);
			if (o->value_name != NULL)
				fprintf(f, "=%s", o->value_name);
			fprintf(f, "%*s  %s\n", (int)(width - opt_width(o)), "", o->usage);
		}
	}
}
