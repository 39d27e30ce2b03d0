/* One poll of a growing CSV file, as vigil watch and --follow make it
 * (ui/live.h): a generated file of 100,000 and of 1,000,000 rows x 38
 * metrics (written under /tmp) is read, 5 rows are appended, and one poll
 * takes them. Figures: the poll's time (best of 5 polls, 5 rows each) and
 * how far the peak RSS rose above what was resident before it (the peak
 * is reset through /proc/self/clear_refs before each poll). A poll that
 * read the whole file again took about the load's time and a second copy
 * of the series; reading on from where the last read ended, it takes the
 * appended bytes. */
#include "tests/testutil.h"

#include <time.h>

#include "data/clock.h"
#include "tests/benchutil.h"
#include "ui/live.h"

/* The process's resident and peak resident set in KiB (/proc). */
static long proc_kib(const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;
	size_t n = strlen(key);
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n))
			v = strtol(line + n, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

static void reset_peak(void)
{
	FILE *f = fopen("/proc/self/clear_refs", "w");
	if (f) {
		fputs("5", f);
		fclose(f);
	}
}

static void one_size(size_t rows)
{
	char path[128];
	snprintf(path, sizeof(path), "/tmp/vigil-bench-follow-%d.csv",
		 (int)getpid());
	if (bench_write_big(path, rows, 38)) {
		printf("follow: cannot write %s\n", path);
		return;
	}
	SeriesOptions opt = {0};
	LiveSource l;
	Series s;
	ErrorRecord err;
	double t0 = clock_mono_seconds();
	if (live_open(&l, path, &opt, &s, &err) != STATUS_OK) {
		printf("follow: %s\n", err.message);
		unlink(path);
		return;
	}
	double load = clock_mono_seconds() - t0, best = 1e9;
	long rise = 0;
	for (int k = 0; k < 5; k++) {
		FILE *f = fopen(path, "a");
		for (int r = 0; f && r < 5; r++)
			for (int m = 0; m < 38; m++)
				fprintf(f, "%s%.2f%s", m ? "," : "", 50.0 + m,
					m == 37 ? "\n" : "");
		if (f)
			fclose(f);
		reset_peak();
		long before = proc_kib("VmRSS:");
		size_t added = 0;
		t0 = clock_mono_seconds();
		Status st = live_append(&l, &s, 0, &added, &err);
		double t = clock_mono_seconds() - t0;
		long peak = proc_kib("VmHWM:") - before;
		if (st != STATUS_OK || added != 5) {
			printf("follow: poll %d: %zu rows: %s\n", k, added,
			       st ? err.message : "");
			break;
		}
		if (t < best)
			best = t;
		if (peak > rise)
			rise = peak;
	}
	struct stat sb;
	stat(path, &sb);
	printf("follow: %zu rows x 38 (%.0f MB, load %.2f s): one poll of 5 "
	       "new rows %.3f ms, peak RSS +%.1f MB (series %.0f MB)\n",
	       rows, (double)sb.st_size / 1e6, load, best * 1e3,
	       (double)rise / 1024.0,
	       (double)(s.rows * s.metrics * sizeof(float)) / 1e6);
	live_close(&l);
	series_free(&s);
	unlink(path);
}

int main(void)
{
	one_size(100000);
	one_size(1000000);
	return 0;
}
