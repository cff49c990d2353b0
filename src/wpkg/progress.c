/* SPDX-License-Identifier: Apache-2.0 */
/* progress.c - transfer progress on stderr: a redrawn block on a terminal, plain periodic lines elsewhere. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli_output.h"
#include "wpkg/digest.h"

#define MAX_LINES 8            /* transfers drawn at once on a terminal; more are counted in the total only */
#define MAX_XFERS 256          /* transfers of one command remembered (titles, totals) */
#define PLAIN_PERIOD_S 10.0    /* not on a terminal: a line at least this often ... */
#define PLAIN_LARGE (1u << 20) /* ... and, for a transfer this large, every 10% */
#define TTY_PERIOD_S 0.1       /* terminal redraws at most 10 times a second */

struct xfer {
	char id[WPKG_DIGEST_STR_MAX];
	char title[96];
	uint64_t done, total;
	double start, last_plain;
	int last_decile;            /* plain mode: the last 10% step printed */
	bool finished;
};

static struct {
	struct xfer x[MAX_XFERS];
	size_t n;
	int drawn;                  /* lines of the block on the terminal now */
	double last_draw;
	bool tty;                   /* resolved mode: redraw (true) or plain lines */
	bool mode_known;
} pg;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool cli_progress_enabled(void)
{
	return !cli_g.quiet && cli_g.progress != CLI_PROGRESS_NONE;
}

static bool tty_mode(void)
{
	if (!pg.mode_known) {
		pg.tty = cli_g.progress == CLI_PROGRESS_TTY ||
			 (cli_g.progress == CLI_PROGRESS_AUTO && isatty(STDERR_FILENO));
		pg.mode_known = true;
	}
	return pg.tty;
}

/* The terminal's width: TIOCGWINSZ, else $COLUMNS, else 80. */
static int columns(void)
{
	struct winsize ws;
	const char *env = getenv("COLUMNS");
	long c;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	c = env != NULL ? strtol(env, NULL, 10) : 0;
	return c > 0 && c < 10000 ? (int)c : 80;
}

static struct xfer *find(const char *id, bool add)
{
	for (size_t i = 0; i < pg.n; i++)
		if (strcmp(pg.x[i].id, id) == 0)
			return &pg.x[i];
	if (!add || pg.n == MAX_XFERS)
		return NULL;
	memset(&pg.x[pg.n], 0, sizeof(pg.x[0]));
	snprintf(pg.x[pg.n].id, sizeof(pg.x[0].id), "%s", id);
	pg.x[pg.n].last_decile = 0;
	return &pg.x[pg.n++];
}

void cli_progress_title(const char *digest, const char *title)
{
	struct xfer *x;

	if (digest == NULL || title == NULL || !cli_progress_enabled())
		return;
	x = find(digest, true);
	if (x != NULL)
		snprintf(x->title, sizeof(x->title), "%s", title);
}

void cli_progress_label(void *payload, const char *id, const char *label)
{
	(void)payload;
	cli_progress_title(id, label);
}

/* What a line calls the transfer: its title, else "sha256:" and twelve hex digits. */
static const char *name_of(const struct xfer *x, char *buf, size_t size)
{
	if (x->title[0] != '\0')
		return x->title;
	snprintf(buf, size, "%.19s", x->id);
	return buf;
}

/* "title  45%  6.4 MiB / 14.2 MiB  3.1 MiB/s  0:03 left" (no title part when title is NULL). */
static void describe(char *out, size_t size, const char *title, uint64_t done, uint64_t total, double elapsed)
{
	char d[16], t[16], rate[16], left[24] = "";
	double bps = elapsed > 0 ? (double)done / elapsed : 0;

	cli_human_bytes(d, sizeof(d), done);
	cli_human_bytes(t, sizeof(t), total);
	cli_human_bytes(rate, sizeof(rate), (uint64_t)bps);
	if (total > 0 && done < total && bps > 0) {
		unsigned long secs = (unsigned long)((double)(total - done) / bps);

		snprintf(left, sizeof(left), "  %lu:%02lu left", secs / 60, secs % 60);
	}
	if (total > 0)
		snprintf(out, size, "%s%s%3d%%  %s / %s  %s/s%s", title != NULL ? title : "", title != NULL ? "  " : "",
			 (int)(100.0 * (double)done / (double)total), d, t, rate, left);
	else
		snprintf(out, size, "%s%s%s  %s/s", title != NULL ? title : "", title != NULL ? "  " : "", d, rate);
}

/* Writes s cut to width - 1 columns (UTF-8 continuation bytes take none), so the terminal never wraps. */
static void put_fitted(const char *s, int width)
{
	int cols = 0;
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		if (((unsigned char)s[i] & 0xC0) != 0x80 && ++cols > width - 1)
			break;
	}
	fwrite(s, 1, i, stderr);
}

/* Removes the block: the cursor goes back to where it started, and everything below is cleared. */
static void clear_block(void)
{
	if (pg.drawn == 0)
		return;
	fprintf(stderr, "\r\033[%dA\033[J", pg.drawn);
	pg.drawn = 0;
}

static void draw_tty(double t)
{
	char line[256], buf[24];
	uint64_t done = 0, total = 0;
	double first = t;
	int width = columns(), lines = 0, active = 0;

	clear_block();
	for (size_t i = 0; i < pg.n; i++) {
		const struct xfer *x = &pg.x[i];

		if (x->start == 0)
			continue;
		done += x->done;
		total += x->total;
		first = x->start < first ? x->start : first;
		if (x->finished || lines == MAX_LINES)
			continue;
		describe(line, sizeof(line), name_of(x, buf, sizeof(buf)), x->done, x->total, t - x->start);
		put_fitted(line, width);
		fputc('\n', stderr);
		lines++;
		active++;
	}
	if (active == 0 && lines == 0)
		return;
	describe(line, sizeof(line), "total", done, total, t - first);
	put_fitted(line, width);
	fputc('\n', stderr);
	fflush(stderr);
	pg.drawn = lines + 1;
	pg.last_draw = t;
}

/* Not a terminal: one plain line now and then, no control characters. */
static void plain(struct xfer *x, double t)
{
	char line[256], buf[24];
	int decile = x->total > 0 ? (int)(10 * x->done / x->total) : 0;
	bool large = x->total >= PLAIN_LARGE;

	if (!(t - x->last_plain >= PLAIN_PERIOD_S || (large && decile > x->last_decile)))
		return;
	x->last_plain = t;
	x->last_decile = decile;
	describe(line, sizeof(line), name_of(x, buf, sizeof(buf)), x->done, x->total, t - x->start);
	fprintf(stderr, "wpkg: progress: %s\n", line);
}

void cli_progress(void *payload, const char *id, uint64_t done, uint64_t total)
{
	struct xfer *x;
	double t;

	(void)payload;
	if (!cli_progress_enabled() || id == NULL)
		return;
	x = find(id, true);
	if (x == NULL)
		return;
	t = now_s();
	if (x->start == 0 || (x->finished && done < x->done)) {
		/* a new transfer, or this blob again (a retry): measured afresh */
		x->start = t;
		x->last_plain = t;
		x->last_decile = 0;
		x->finished = false;
	}
	x->done = done;
	x->total = total;
	if (total > 0 && done >= total)
		x->finished = true;
	if (!tty_mode())
		plain(x, t);
	else if (t - pg.last_draw >= TTY_PERIOD_S || x->finished)
		draw_tty(t);
}

void cli_progress_interrupt(void)
{
	/* the next update draws the block again below the message */
	clear_block();
	fflush(stderr);
}

void cli_progress_done(void)
{
	clear_block();
	fflush(stderr);
	pg.n = 0;
	pg.last_draw = 0;
}
