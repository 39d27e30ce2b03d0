/* Loading speed and memory, each figure beside its target (issue 13):
 *
 * - a generated 1M x 38 CSV (the shape of bench_ui's, written under /tmp):
 *   at least 150 MB/s, and a peak RSS of at most 1.5x the float values.
 *   Each load runs in a child process (this program again, with --child),
 *   so the peak RSS that wait4 reports is the load's own, binary and
 *   libraries included. The whole-file loader the streaming one replaced
 *   (tests/csv_oracle.h) is measured once beside it.
 * - one SMD machine (machine-1-2: train + test, two 8.1 MB files, 47,388 x
 *   38 floats), best of 20, at least 5x faster than numpy.loadtxt per
 *   file: numpy is timed in the same run (best of 10 a file) when
 *   /usr/bin/python3 imports it, else its 0.051 s per file from
 *   ../shared/ref stands in. Best of many: the machine is shared. */
#include "tests/testutil.h"

#include <math.h>
#include <sys/resource.h>
#include <time.h>

#include "data/clock.h"
#include "data/series.h"
#include "tests/benchutil.h"
#include "tests/csv_oracle.h"

static size_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (size_t)st.st_size : 0;
}

static const char *verdict(int ok)
{
	return ok ? "ok" : "MISSED";
}

/* The child: load path (with the old loader when old), print seconds,
 * rows and metrics, exit. */
static int child(const char *path, int old)
{
	Series s;
	ErrorRecord err;
	double t0 = clock_mono_seconds();
	Status st = old ? oracle_load_csv_flags(&s, path, NULL, 0, &err)
			: series_load_csv(&s, path, NULL, &err);
	double t = clock_mono_seconds() - t0;
	if (st != STATUS_OK) {
		char buf[1200];
		fprintf(stderr, "bench_load: %s\n",
			error_format(&err, buf, sizeof(buf)));
		return 1;
	}
	printf("%.6f %zu %zu\n", t, s.rows, s.metrics);
	return 0;
}

/* Runs the child on path; fills seconds and peak RSS in bytes. */
static int measure(const char *path, int old, double *secs, size_t *rss,
		   size_t *rows, size_t *metrics)
{
	int fd[2];
	if (pipe(fd) != 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execl("/proc/self/exe", "bench_load", old ? "--child-old"
							    : "--child",
		      path, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	char out[256] = "";
	ssize_t n = read(fd[0], out, sizeof(out) - 1);
	close(fd[0]);
	out[n > 0 ? n : 0] = '\0';
	int status;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return -1;
	if (sscanf(out, "%lf %zu %zu", secs, rows, metrics) != 3)
		return -1;
	*rss = (size_t)ru.ru_maxrss * 1024;
	return 0;
}

static int bench_csv(void)
{
	const size_t R = 1000000, M = 38;
	char path[] = "/tmp/vigil-bench-load-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	if (bench_write_big(path, R, M) != 0) {
		unlink(path);
		printf("bench_load: cannot write %s\n", path);
		return -1;
	}
	size_t bytes = file_size(path);
	double best = 1e30, secs;
	size_t peak = 0, rss, rows = 0, metrics = 0;
	int rc = 0;
	for (int i = 0; i < 3 && rc == 0; i++) {
		rc = measure(path, 0, &secs, &rss, &rows, &metrics);
		if (rc == 0 && secs < best)
			best = secs;
		if (rc == 0 && rss > peak)
			peak = rss;
	}
	double old_secs = 0;
	size_t old_rss = 0, r2, m2;
	int old_rc = rc ? -1 : measure(path, 1, &old_secs, &old_rss, &r2, &m2);
	unlink(path);
	if (rc != 0 || rows != R || metrics != M) {
		printf("bench_load: the generated CSV did not load\n");
		return -1;
	}
	double floats = (double)(R * M * sizeof(float));
	double mbs = (double)bytes / 1e6 / best, ratio = (double)peak / floats;
	printf("bench_load: generated CSV, %zu x %zu (%.0f MB, %.0f MB of "
	       "float values), each load in a child process\n",
	       R, M, (double)bytes / 1e6, floats / 1e6);
	printf("  load, best of 3:  %.3f s = %.0f MB/s     target >= 150 MB/s: "
	       "%s\n",
	       best, mbs, verdict(mbs >= 150));
	printf("  peak RSS:         %.0f MB = %.2fx the floats  target <= 1.5x: "
	       "%s\n",
	       (double)peak / 1e6, ratio, verdict(ratio <= 1.5));
	if (old_rc == 0)
		printf("  before (whole-file loader, tests/csv_oracle.h): %.3f s "
		       "= %.0f MB/s, peak RSS %.0f MB = %.2fx\n",
		       old_secs, (double)bytes / 1e6 / old_secs,
		       (double)old_rss / 1e6, (double)old_rss / floats);
	return 0;
}

/* numpy.loadtxt on the two files, best of 10 each: seconds per file, or a
 * negative number when numpy is not there. */
static double numpy_per_file(const char *train, const char *test)
{
	if (access("/usr/bin/python3", X_OK) != 0)
		return -1;
	char out[512];
	int rc = tu_run(out, sizeof(out),
			"/usr/bin/python3 -c '\n"
			"import sys, time\n"
			"import numpy\n"
			"best = []\n"
			"for p in sys.argv[1:]:\n"
			"    b = 1e30\n"
			"    for i in range(10):\n"
			"        t0 = time.perf_counter()\n"
			"        numpy.loadtxt(p, delimiter=\",\")\n"
			"        b = min(b, time.perf_counter() - t0)\n"
			"    best.append(b)\n"
			"print(sum(best) / len(best))\n"
			"' '%s' '%s' 2>/dev/null",
			train, test);
	double t;
	if (rc != 0 || sscanf(out, "%lf", &t) != 1)
		return -1;
	return t;
}

static int bench_smd(void)
{
	const char *data = tu_shared_data();
	char dir[4200], train[4300], test[4300];
	if (data)
		snprintf(dir, sizeof(dir), "%s/smd/ServerMachineDataset", data);
	snprintf(train, sizeof(train), "%s/train/machine-1-2.txt",
		 data ? dir : "");
	snprintf(test, sizeof(test), "%s/test/machine-1-2.txt",
		 data ? dir : "");
	if (!data || !file_size(train) || !file_size(test)) {
		printf("bench_load: SMD skipped (no ../shared/data/smd "
		       "machine-1-2)\n");
		return 0;
	}
	size_t bytes = file_size(train) + file_size(test);
	double best = 1e30;
	Series s;
	ErrorRecord err;
	for (int i = 0; i < 20; i++) {
		double t0 = clock_mono_seconds();
		Status st = series_load_smd(&s, dir, "machine-1-2", &err);
		double t = clock_mono_seconds() - t0;
		if (st != STATUS_OK) {
			char buf[1200];
			fprintf(stderr, "bench_load: %s\n",
				error_format(&err, buf, sizeof(buf)));
			return 1;
		}
		if (t < best)
			best = t;
		series_free(&s);
	}
	double np = numpy_per_file(train, test);
	const char *how = "measured now";
	if (np <= 0) {
		np = 0.051;
		how = "from ../shared/ref, numpy not found";
	}
	double x = np / (best / 2);
	printf("bench_load: SMD machine-1-2 (%.1f MB in 2 files)\n",
	       (double)bytes / 1e6);
	printf("  load, best of 20: %.4f s (%.4f s per file), %.0f MB/s\n",
	       best, best / 2, (double)bytes / 1e6 / best);
	printf("  numpy.loadtxt:    %.4f s per file (%s) -> vigil %.1fx "
	       "faster    target >= 5x: %s\n",
	       np, how, x, verdict(x >= 5));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--child"))
		return child(argv[2], 0);
	if (argc == 3 && !strcmp(argv[1], "--child-old"))
		return child(argv[2], 1);
	/* the machine is shared: say how busy it was */
	double load = -1;
	FILE *la = fopen("/proc/loadavg", "r");
	if (la) {
		if (fscanf(la, "%lf", &load) != 1)
			load = -1;
		fclose(la);
	}
	if (load >= 0)
		printf("bench_load: load average %.2f on %ld cores at the "
		       "start (a busy machine lowers every figure)\n",
		       load, sysconf(_SC_NPROCESSORS_ONLN));
	int rc = bench_smd();
	if (bench_csv() != 0)
		rc = 1;
	return rc;
}
