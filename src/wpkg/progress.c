/* SPDX-License-Identifier: Apache-2.0 */
/* progress.c - one progress line per blob on stderr (bytes, rate, time left), redrawn at most 10 times a second. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_output.h"
#include "wpkg/digest.h"

/* The blob whose line is being drawn. */
static struct {
	bool open;                 /* a line without its newline is on stderr */
	char id[WPKG_DIGEST_STR_MAX];
	double start;              /* seconds, monotonic */
	double last_draw;
	uint64_t done, total;
	uint64_t drawn;            /* done as last drawn */
} bar;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool cli_progress_enabled(void)
{
	if (cli_g.quiet || cli_g.progress == CLI_PROGRESS_NONE)
		return false;
	return cli_g.progress != CLI_PROGRESS_AUTO || isatty(STDERR_FILENO);
}

/* "12.3 MiB" */
static void human(char *out, size_t size, double n)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	size_t u = 0;

	while (n >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		n /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(out, size, "%.0f %s", n, units[u]);
	else
		snprintf(out, size, "%.1f %s", n, units[u]);
}

static void draw(double t)
{
	char done[16], total[16], rate[16], left[24] = "";
	double elapsed = t - bar.start;
	double bps = elapsed > 0 ? (double)bar.done / elapsed : 0;
	/* "sha256:" and twelve hex digits are enough to tell blobs apart */
	int id_len = (int)strnlen(bar.id, 19);
	int pct = bar.total > 0 ? (int)(100.0 * (double)bar.done / (double)bar.total) : 0;

	human(done, sizeof(done), (double)bar.done);
	human(total, sizeof(total), (double)bar.total);
	human(rate, sizeof(rate), bps);
	if (bar.total > 0 && bar.done < bar.total && bps > 0) {
		unsigned long secs = (unsigned long)((double)(bar.total - bar.done) / bps);

		snprintf(left, sizeof(left), "  %lu:%02lu left", secs / 60, secs % 60);
	}
	if (bar.total > 0)
		fprintf(stderr, "\r\033[K%.*s  %3d%%  %s / %s  %s/s%s", id_len, bar.id, pct, done, total, rate,
			left);
	else
		fprintf(stderr, "\r\033[K%.*s  %s  %s/s", id_len, bar.id, done, rate);
	fflush(stderr);
	bar.open = true;
	bar.last_draw = t;
	bar.drawn = bar.done;
}

void cli_progress(void *payload, const char *id, uint64_t done, uint64_t total)
{
	double t;

	(void)payload;
	if (!cli_progress_enabled() || id == NULL)
		return;
	t = now_s();
	if (strncmp(bar.id, id, sizeof(bar.id)) != 0) {
		/* another blob: finish the previous line and start a new one */
		cli_progress_done();
		snprintf(bar.id, sizeof(bar.id), "%s", id);
		bar.start = t;
		bar.last_draw = 0;
	}
	bar.done = done;
	bar.total = total;
	if (t - bar.last_draw >= 0.1 || (total > 0 && done >= total))
		draw(t);
}

void cli_progress_interrupt(void)
{
	if (!bar.open)
		return;
	/* on a terminal the line is wiped and redrawn by the next update */
	fputs(isatty(STDERR_FILENO) ? "\r\033[K" : "\n", stderr);
	bar.open = false;
}

void cli_progress_done(void)
{
	if (bar.open) {
		if (bar.drawn != bar.done)
			draw(now_s());
		fputc('\n', stderr);
		bar.open = false;
	}
	bar.id[0] = '\0';
}
