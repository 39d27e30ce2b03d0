/* vigil watch on a CSV file that grows: rows appended while it runs are
 * scored as they arrive, and because the default score is causal, the
 * node-level detections it reports (start and end of each) are exactly
 * those vigil detect finds on the finished file with the same model and
 * split; with --adapt N, those of vigil detect --adapt N, and on a series
 * that drifts, none of the drift's rows where plain detection flags some.
 * Also the usage errors a user meets first. */
#include "tests/testutil.h"
#include "tests/procutil.h"

#include <fcntl.h>
#include <signal.h>

typedef struct {
	long start, end;
} Span;

/* The injected anomaly: data rows [from, to) get +40 on every metric. */
static int write_rows(FILE *out, char **lines, size_t a, size_t b)
{
	for (size_t i = a; i < b; i++)
		if (fputs(lines[i], out) == EOF)
			return -1;
	return fflush(out);
}

static size_t node_spans_watch(const char *text, long from, Span *sp,
			       size_t max)
{
	size_t n = 0;
	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		char line[4096];
		snprintf(line, sizeof(line), "%.*s", (int)len, l);
		const char *p = strstr(line, "\"metric\": \"*\", \"start\": ");
		long s, e;
		if (strstr(line, "\"type\": \"detection\"") && p &&
		    sscanf(p, "\"metric\": \"*\", \"start\": %ld, \"end\": %ld",
			   &s, &e) == 2 &&
		    s >= from) {
			size_t k = 0;
			while (k < n && sp[k].start != s)
				k++;
			if (k == n && n < max)
				n++;
			if (k < max)
				sp[k] = (Span){s, e}; /* the latest event wins */
		}
		l = nl ? nl + 1 : NULL;
	}
	return n;
}

static size_t node_spans_detect(const char *text, long from, Span *sp,
				size_t max)
{
	size_t n = 0;
	for (const char *l = text; l && *l;) {
		long s, e;
		if (!strncmp(l, "*,", 2) && sscanf(l, "*,%ld,%ld", &s, &e) == 2 &&
		    s >= from && n < max)
			sp[n++] = (Span){s, e};
		const char *nl = strchr(l, '\n');
		l = nl ? nl + 1 : NULL;
	}
	return n;
}

/* Rows of the node-level spans from row `from` on. */
static long span_rows(const Span *sp, size_t n, long from)
{
	long rows = 0;
	for (size_t i = 0; i < n; i++)
		if (sp[i].end > from)
			rows += sp[i].end - (sp[i].start > from ? sp[i].start
							       : from);
	return rows;
}

/* opts: detection options for both; keep: watch's --keep ("" = none).
 * drift 0: 700 synthetic rows (seed 7) with +40 on rows 600-629; else
 * 1,200 rows (seed 5) whose test part drifts up by `drift` a row, and
 * the rows from 501 on that detect flags with opts' adaptation left out
 * go into *plain_rows (those watch flags into *watch_rows). */
static void watch_run(const char *opts, const char *keep, double drift,
		      long *plain_rows, long *watch_rows)
{
	char dir[256], out[65536];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	assert_int_equal(tu_run(out, sizeof(out),
				"%s synth -o %s --points %d --seed %d",
				tu_vigil(), dir, drift ? 1200 : 700,
				drift ? 5 : 7),
			 0);
	char path[512];
	snprintf(path, sizeof(path), "%s/synthetic.csv", dir);
	size_t len;
	char *text = tu_slurp(path, &len);
	assert_non_null(text);
	/* split into lines (kept with their newline), inject the anomaly */
	static char *lines[1300];
	static char bufs[1300][128];
	size_t n = 0;
	for (char *l = text; *l && n < 1300;) {
		char *nl = strchr(l, '\n');
		size_t ll = nl ? (size_t)(nl - l) + 1 : strlen(l);
		snprintf(bufs[n], sizeof(bufs[n]), "%.*s", (int)ll, l);
		lines[n] = bufs[n];
		n++;
		l += ll;
	}
	free(text);
	assert_int_equal(n, drift ? 1201 : 701);
	for (size_t r = drift ? 250 : 600; r < (drift ? 1200 : 630); r++) {
		char ts[32];
		double a, b, c, d = drift ? drift * (double)(r - 250) : 40;
		assert_int_equal(sscanf(lines[r + 1], "%19[^,],%lf,%lf,%lf", ts,
					&a, &b, &c),
				 4);
		snprintf(bufs[r + 1], sizeof(bufs[r + 1]),
			 "%s,%.4f,%.4f,%.4f\n", ts, a + d, b + d, c + d);
	}
	char grow[512], full[512], model[512], wout[512], werr[512];
	snprintf(grow, sizeof(grow), "%s/grow.csv", dir);
	snprintf(full, sizeof(full), "%s/full.csv", dir);
	snprintf(model, sizeof(model), "%s/m.model", dir);
	snprintf(wout, sizeof(wout), "%s/watch.out", dir);
	snprintf(werr, sizeof(werr), "%s/watch.err", dir);
	FILE *f = fopen(full, "w");
	assert_int_equal(write_rows(f, lines, 0, n), 0);
	fclose(f);
	FILE *g = fopen(grow, "w");
	assert_int_equal(write_rows(g, lines, 0, 501), 0);
	int rc = tu_run(out, sizeof(out),
			"%s train %s --split 250 -o %s --epochs 3 --hidden 8 "
			"--quiet",
			tu_vigil(), grow, model);
	if (rc)
		fail_msg("%s", out);

	pid_t pid = fork();
	if (pid == 0) {
		FILE *o = freopen(wout, "w", stdout);
		FILE *e = freopen(werr, "w", stderr);
		(void)o;
		(void)e;
		char cmd[2048];
		snprintf(cmd, sizeof(cmd),
			 "exec %s watch %s --model %s --split 250 --poll 0.2 %s "
			 "%s",
			 tu_vigil(), grow, model, opts, keep);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	if (!tu_wait_file(werr, "polling every", 1, 30)) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		fail_msg("watch did not start");
	}
	/* 50 rows at a time, each read by watch before the next (its poll
	   scores what it read, also when the stop comes meanwhile) */
	for (size_t r = 501; r < n; r += 50) {
		assert_int_equal(write_rows(g, lines, r, r + 50 < n ? r + 50 : n),
				 0);
		if (!tu_wait_reread(grow, 60)) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			fail_msg("watch did not read rows %zu on", r);
		}
	}
	fclose(g);
	kill(pid, SIGTERM);
	int st;
	waitpid(pid, &st, 0);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	char *e = tu_slurp(werr, NULL);
	assert_non_null(e);
	/* every row was read; with --keep, the oldest test rows were dropped */
	char said[64];
	snprintf(said, sizeof(said), "stopped after %zu rows", n - 1);
	if (!strstr(e, said))
		fail_msg("watch's stderr:\n%s", e);
	if (*keep)
		assert_null(strstr(e, "(700 in memory)"));
	free(e);

	char *w = tu_slurp(wout, NULL);
	assert_non_null(w);
	Span ws[64], ds[64];
	size_t nw = node_spans_watch(w, 501, ws, 64);
	/* the JSON line of an alert carries its ranked metrics */
	if (!drift) {
		assert_non_null(strstr(w, "\"type\": \"alert\""));
		assert_non_null(strstr(w, "\"metrics\": [{\"metric\": "));
	}
	free(w);
	rc = tu_run(out, sizeof(out),
		    "%s detect %s --model %s --split 250 --format csv --quiet %s",
		    tu_vigil(), full, model, opts);
	assert_int_equal(rc, 0);
	size_t nd = node_spans_detect(out, 501, ds, 64);
	if (!drift) {
		assert_true(nd >= 1);
		/* the injected anomaly is among them */
		int hit = 0;
		for (size_t i = 0; i < nd; i++)
			hit |= ds[i].start >= 600 && ds[i].start < 630;
		assert_true(hit);
	} else {
		/* the same options without adaptation */
		char plain[512];
		snprintf(plain, sizeof(plain), "%s", opts);
		char *ad = strstr(plain, "--adapt");
		if (ad)
			*ad = '\0';
		Span ps[64];
		rc = tu_run(out, sizeof(out),
			    "%s detect %s --model %s --split 250 --format csv "
			    "--quiet %s",
			    tu_vigil(), full, model, plain);
		assert_int_equal(rc, 0);
		size_t np = node_spans_detect(out, 501, ps, 64);
		*plain_rows = span_rows(ps, np, 501);
		*watch_rows = span_rows(ws, nw, 501);
	}
	assert_int_equal(nw, nd);
	for (size_t i = 0; i < nd; i++) {
		assert_int_equal(ws[i].start, ds[i].start);
		assert_int_equal(ws[i].end, ds[i].end);
	}
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

static void watch_matches_detect(const char *opts, const char *keep)
{
	watch_run(opts, keep, 0, NULL, NULL);
}

static void test_watch_growing_csv_matches_detect(void **state)
{
	(void)state;
	watch_matches_detect("", "");
}

/* --adapt N: watch forecasts the new rows with the copy of the model that
 * keeps learning, updated as the rows of each next block arrive, and
 * reports the detections vigil detect --adapt N finds on the finished
 * file. It was refused ('--adapt is not supported by vigil watch yet'). */
static void test_watch_adapt_matches_detect(void **state)
{
	(void)state;
	watch_matches_detect("--adapt 40", "");
	/* old test rows dropped from memory (--keep) change nothing */
	watch_matches_detect("--adapt 40 --history 100 --long-span 0",
			     "--keep 150");
}

/* Its effect, on a series whose test part drifts up (a load that grows,
 * 0.05 a row): without adaptation the forecast falls behind and rows of
 * the drift are flagged; watch --adapt flags none (the detections of
 * vigil detect --adapt, row for row). */
static void test_watch_adapt_follows_drift(void **state)
{
	(void)state;
	long plain = -1, adapted = -1;
	watch_run("--adapt 40 --adapt-lr 1e-3 --adapt-steps 50", "", 0.05,
		  &plain, &adapted);
	print_message("rows of the drift flagged: %ld without --adapt, %ld by "
		      "watch --adapt\n",
		      plain, adapted);
	/* 0 of the drift's rows here; allow some slack for another CPU's
	   arithmetic, not for adapting that does not follow the drift */
	if (plain <= 0 || adapted < 0 || adapted * 4 > plain)
		fail_msg("rows of the drift flagged: %ld without --adapt, %ld by "
			 "watch --adapt",
			 plain, adapted);
}

/* With a short calibration history and --keep, watch drops old test rows
 * from memory; the detections and their row numbers do not change. */
static void test_watch_keep_drops_rows_same_detections(void **state)
{
	(void)state;
	watch_matches_detect("--history 100 --long-span 0", "--keep 150");
}

/* watch's exit status, once it ends (up to 60 s, after what: why); fails
 * the test when it does not end or is killed by a signal. */
static int watch_exit(pid_t pid, const char *after)
{
	int st = 0, done = 0;
	for (int i = 0; i < 600 && !done; i++) {
		done = waitpid(pid, &st, WNOHANG) == pid;
		if (!done)
			usleep(100000);
	}
	if (!done) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		fail_msg("watch still runs 60 s after %s", after);
	}
	if (!WIFEXITED(st))
		fail_msg("watch was killed by signal %d", WTERMSIG(st));
	return WEXITSTATUS(st);
}

/* vigil watch PATH --model MODEL --split 250 --poll 0.2 and the options
 * opts (NULL-terminated), its stdout into wout; once it polls, the file
 * more is appended to path in one write, and once watch has read it, it
 * is stopped (exit 0 checked). Returns what watch wrote to stdout. */
static char *watch_more(const char *path, const char *model,
			const char *const opts[], const char *more,
			const char *wout)
{
	char werr[600];
	snprintf(werr, sizeof(werr), "%s.err", wout);
	char *argv[24] = {(char *)tu_vigil(), "watch", (char *)path,
			  "--model", (char *)model, "--split", "250", "--poll",
			  "0.2"};
	size_t k = 9;
	for (size_t i = 0; opts[i] && k < 23; i++)
		argv[k++] = (char *)opts[i];
	argv[k] = NULL;
	pid_t pid = tu_spawn(argv, wout, werr);
	if (!tu_wait_file(werr, "polling every", 1, 60)) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		fail_msg("watch did not start");
	}
	size_t len = 0;
	char *rows = tu_slurp(more, &len);
	assert_non_null(rows);
	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, rows, len), (ssize_t)len);
	close(fd);
	free(rows);
	int read = tu_wait_reread(path, 60);
	kill(pid, SIGTERM);
	assert_int_equal(watch_exit(pid, "SIGTERM"), 0);
	if (!read)
		fail_msg("watch did not read the rows appended to %s", path);
	char *out = tu_slurp(wout, NULL);
	assert_non_null(out);
	return out;
}

/* More rows arrive in one poll than --keep holds (a batch written at once,
 * or what a source that was away sends when it is back): they are scored
 * and reported before the oldest are dropped. The anomaly in the batch was
 * dropped unseen, and the row number the report started from wrapped
 * around, so watch printed nothing at all. */
static void test_watch_batch_larger_than_keep_reported(void **state)
{
	(void)state;
	char dir[256], out[65536];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	assert_int_equal(tu_run(out, sizeof(out),
				"%s synth -o %s --points 900 --seed 7",
				tu_vigil(), dir),
			 0);
	char path[512], grow[512], more[512], full[512], model[512], wout[512];
	snprintf(path, sizeof(path), "%s/synthetic.csv", dir);
	snprintf(grow, sizeof(grow), "%s/grow.csv", dir);
	snprintf(more, sizeof(more), "%s/more.csv", dir);
	snprintf(full, sizeof(full), "%s/full.csv", dir);
	snprintf(model, sizeof(model), "%s/m.model", dir);
	snprintf(wout, sizeof(wout), "%s/watch.out", dir);
	/* rows [700, 730) get +40 on every metric; the file starts with 300
	   data rows, the other 600 come at once */
	FILE *in = fopen(path, "r"), *g = fopen(grow, "w"),
	     *m = fopen(more, "w"), *f = fopen(full, "w");
	assert_true(in && g && m && f);
	char line[256];
	for (long r = -1; fgets(line, sizeof(line), in); r++) {
		char ts[32];
		double a, b, c;
		if (r >= 700 && r < 730) {
			assert_int_equal(sscanf(line, "%19[^,],%lf,%lf,%lf", ts,
						&a, &b, &c),
					 4);
			snprintf(line, sizeof(line), "%s,%.4f,%.4f,%.4f\n", ts,
				 a + 40, b + 40, c + 40);
		}
		fputs(line, f);
		fputs(line, r < 300 ? g : m);
	}
	fclose(in);
	fclose(g);
	fclose(m);
	fclose(f);
	const char *opts = "--history 100 --long-span 0";
	assert_int_equal(tu_run(out, sizeof(out),
				"%s train %s --split 250 -o %s --epochs 3 "
				"--hidden 8 --quiet",
				tu_vigil(), grow, model),
			 0);
	static const char *const wopts[] = {"--history", "100",
					    "--long-span", "0", "--keep",
					    "150", NULL};
	char *w = watch_more(grow, model, wopts, more, wout);
	Span ws[64], ds[64];
	size_t nw = node_spans_watch(w, 300, ws, 64);
	char det[65536];
	int rc = tu_run(det, sizeof(det),
		    "%s detect %s --model %s --split 250 --format csv --quiet %s",
		    tu_vigil(), full, model, opts);
	assert_int_equal(rc, 0);
	size_t nd = node_spans_detect(det, 300, ds, 64);
	int hit = 0;
	for (size_t i = 0; i < nd; i++)
		hit |= ds[i].start >= 700 && ds[i].start < 730;
	assert_true(hit);
	if (nw != nd)
		fail_msg("watch reported %zu node detections, detect %zu:\n%s",
			 nw, nd, w);
	for (size_t i = 0; i < nd; i++) {
		assert_int_equal(ws[i].start, ds[i].start);
		assert_int_equal(ws[i].end, ds[i].end);
	}
	free(w);
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

/* A CSV file without timestamps (the row index is its time axis): watch
 * writes empty start and end times, as vigil detect's files do, not a
 * made-up date. */
static void test_watch_index_axis_times_empty(void **state)
{
	(void)state;
	char dir[64], out[8192], path[200], model[200], wout[200];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	snprintf(path, sizeof(path), "%s/a.csv", dir);
	snprintf(model, sizeof(model), "%s/m.model", dir);
	snprintf(wout, sizeof(wout), "%s/watch.out", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("cpu\n", f);
	for (int r = 0; r < 500; r++)
		fprintf(f, "%.2f\n", 10 + ((r * 37) % 11) * 0.1);
	fclose(f);
	assert_int_equal(tu_run(out, sizeof(out),
				"%s train %s --split 250 -o %s --epochs 3 "
				"--hidden 8 --quiet",
				tu_vigil(), path, model),
			 0);
	/* watch, then 100 rows more with a plateau far above */
	char more[200];
	snprintf(more, sizeof(more), "%s/more.csv", dir);
	f = fopen(more, "w");
	assert_non_null(f);
	for (int r = 0; r < 100; r++)
		fprintf(f, "%d\n", r >= 40 && r < 80 ? 60 : 10);
	fclose(f);
	static const char *const none[] = {NULL};
	char *w = watch_more(path, model, none, more, wout);
	if (!strstr(w, "\"type\": \"detection\""))
		fail_msg("no detection from watch: %s", w);
	assert_non_null(strstr(w, "\"start_time\": \"\", \"end_time\": \"\""));
	assert_null(strstr(w, "1970-"));
	free(w);
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

/* A small watch for the stop tests: a 300-row CSV (cpu only) in dir, its
 * model trained on the first 250 rows, and watch started on it (stderr
 * into dir/watch.err; stdout onto out_fd; SIGHUP at its default); returns
 * once watch polls, with path the CSV. */
static pid_t small_watch(const char *dir, int out_fd, char *path,
			 size_t pn)
{
	char out[8192], model[200], werr[200];
	snprintf(path, pn, "%s/a.csv", dir);
	snprintf(model, sizeof(model), "%s/m.model", dir);
	snprintf(werr, sizeof(werr), "%s/watch.err", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("cpu\n", f);
	for (int r = 0; r < 300; r++)
		fprintf(f, "%.2f\n", 10 + ((r * 37) % 11) * 0.1);
	fclose(f);
	assert_int_equal(tu_run(out, sizeof(out),
				"%s train %s --split 250 -o %s --epochs 2 "
				"--hidden 8 --quiet",
				tu_vigil(), path, model),
			 0);
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGHUP, SIG_DFL);
		dup2(out_fd, 1);
		FILE *e = freopen(werr, "w", stderr);
		(void)e;
		execl(tu_vigil(), "vigil", "watch", path, "--model", model,
		      "--split", "250", "--poll", "0.2", (char *)NULL);
		_exit(127);
	}
	if (!tu_wait_file(werr, "polling every", 1, 60)) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		fail_msg("watch did not start");
	}
	return pid;
}

/* SIGHUP (the terminal closed, or a supervisor's stop signal) ends watch
 * as SIGINT and SIGTERM do: exit 0, its last status line written. It
 * killed the process (exit status 129), which left the JSON lines of a poll
 * cut where stdio's buffer ended and queued Alertmanager posts unsent. */
static void test_watch_sighup_clean_exit(void **state)
{
	(void)state;
	char dir[64], out[256], path[200], werr[200];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	snprintf(werr, sizeof(werr), "%s/watch.err", dir);
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	assert_true(null >= 0);
	pid_t pid = small_watch(dir, null, path, sizeof(path));
	close(null);
	kill(pid, SIGHUP);
	assert_int_equal(watch_exit(pid, "SIGHUP"), 0);
	char *e = tu_slurp(werr, NULL);
	assert_non_null(e);
	assert_non_null(strstr(e, "stopped after 300 rows"));
	free(e);
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

/* `vigil watch CSV | head -1`: once head has gone, the next detection
 * cannot be written (SIGPIPE is ignored); watch says so and stops with
 * exit 2 instead of polling on for nobody */
static void test_watch_stops_when_stdout_closes(void **state)
{
	(void)state;
	char dir[64], out[256], path[200], werr[200];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	snprintf(werr, sizeof(werr), "%s/watch.err", dir);
	int fd[2];
	assert_int_equal(pipe(fd), 0);
	/* watch holds the write end only: the read end is head's */
	fcntl(fd[0], F_SETFD, FD_CLOEXEC);
	pid_t pid = small_watch(dir, fd[1], path, sizeof(path));
	close(fd[1]);
	close(fd[0]); /* the reader is gone */
	/* a plateau far above anything seen: a detection to write */
	FILE *f = fopen(path, "a");
	assert_non_null(f);
	for (int r = 0; r < 40; r++)
		fprintf(f, "%.2f\n", 90.0);
	fclose(f);
	assert_int_equal(watch_exit(pid, "its stdout closed"), 2);
	char *e = tu_slurp(werr, NULL);
	assert_non_null(e);
	assert_non_null(
		strstr(e, "cannot write to stdout: Broken pipe; stopping"));
	free(e);
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

/* watch on a CSV file of a header and 500 rows (synthetic, 700 points);
 * once it polls, one write appends rows [500, 640), rows [600, 630) +40 on
 * every metric, and the first 23 bytes of row 640 (its time and a cut
 * first value); with how REPEAT, row 499 is written again first (its time
 * repeats); with how REPLACE, the file is replaced instead by one of all
 * 700 rows a day later. *alert: the alert on the anomaly was reported
 * (REPLACE: the source's trouble was). Returns watch's stderr after
 * SIGTERM (exit 0 checked). */
enum { APPEND, REPEAT, REPLACE };

static char *watch_appended(int how, int *alert)
{
	char dir[256], out[8192], src[512], path[512], model[512];
	char wout[512], werr[512], other[512];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	assert_int_equal(tu_run(out, sizeof(out),
				"%s synth -o %s --points 700 --seed 7",
				tu_vigil(), dir),
			 0);
	snprintf(src, sizeof(src), "%s/synthetic.csv", dir);
	snprintf(other, sizeof(other), "%s/other.csv", dir);
	snprintf(path, sizeof(path), "%s/grow.csv", dir);
	snprintf(model, sizeof(model), "%s/m.model", dir);
	snprintf(wout, sizeof(wout), "%s/watch.out", dir);
	snprintf(werr, sizeof(werr), "%s/watch.err", dir);
	static char rest[65536];
	size_t rl = 0;
	FILE *in = fopen(src, "r"), *f = fopen(path, "w"),
	     *g = fopen(other, "w");
	assert_true(in && f && g);
	char line[256];
	for (long r = -1; fgets(line, sizeof(line), in); r++) {
		char ts[32];
		double a, b, c;
		if (r >= 600 && r < 630) {
			assert_int_equal(sscanf(line, "%19[^,],%lf,%lf,%lf", ts,
						&a, &b, &c),
					 4);
			snprintf(line, sizeof(line), "%s,%.4f,%.4f,%.4f\n", ts,
				 a + 40, b + 40, c + 40);
		}
		if (r < 500)
			fputs(line, f);
		if (!strncmp(line, "2022-01-01", 10))
			line[9] = '2'; /* a day later */
		fputs(line, g);
		if (!strncmp(line, "2022-01-02", 10))
			line[9] = '1';
		if ((r == 499 && how == REPEAT) || (r >= 500 && r < 641)) {
			size_t l = r < 640 ? strlen(line) : 23;
			assert_true(rl + l < sizeof(rest));
			memcpy(rest + rl, line, l);
			rl += l;
		}
	}
	fclose(in);
	fclose(f);
	fclose(g);
	assert_int_equal(tu_run(out, sizeof(out),
				"%s train %s --split 250 -o %s --epochs 3 "
				"--hidden 8 --quiet",
				tu_vigil(), path, model),
			 0);
	pid_t pid = fork();
	if (pid == 0) {
		FILE *o = freopen(wout, "w", stdout);
		FILE *e = freopen(werr, "w", stderr);
		(void)o;
		(void)e;
		execl(tu_vigil(), "vigil", "watch", path, "--model", model,
		      "--split", "250", "--poll", "0.2", (char *)NULL);
		_exit(127);
	}
	int ok = tu_wait_file(werr, "polling every", 1, 60);
	if (ok && how == REPLACE) {
		assert_int_equal(rename(other, path), 0);
	} else if (ok) {
		f = fopen(path, "a");
		assert_non_null(f);
		assert_int_equal(fwrite(rest, 1, rl, f), rl);
		fclose(f);
	}
	int seen = 0;
	for (int i = 0; ok && i < 600 && !seen; i++) {
		char *o = tu_slurp(how == REPLACE ? werr : wout, NULL);
		seen = o && strstr(o, how == REPLACE
					      ? "source: "
					      : "\"event\": \"open\", "
						"\"type\": \"alert\"");
		free(o);
		if (!seen)
			usleep(100000);
	}
	*alert = seen;
	kill(pid, SIGTERM);
	int st = 0;
	waitpid(pid, &st, 0);
	char *e = tu_slurp(werr, NULL);
	assert_non_null(e);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	tu_run(out, sizeof(out), "rm -rf %s", dir);
	return e;
}

/* A writer that buffers its output (stdio to a file: 4 KiB blocks) leaves
 * the file ending in half a line almost always. The rows before it are
 * read and scored; the half line is not, until its newline comes. watch
 * read nothing while the file did not end with a newline, so such a file
 * was never scored at all (and a line cut between that check and the read
 * was scored with its cut value). */
static void test_watch_reads_lines_before_a_partial_one(void **state)
{
	(void)state;
	int alert;
	char *e = watch_appended(APPEND, &alert);
	if (!alert)
		fail_msg("the rows before a half-written line were never "
			 "scored:\n%s",
			 e);
	/* 640 rows: the half line was not read, and nothing went wrong */
	if (!strstr(e, "stopped after 640 rows") || strstr(e, "source:"))
		fail_msg("watch's stderr:\n%s", e);
	free(e);
}

/* A row written twice (the writer restarted and wrote its last sample
 * again): its time repeats, so it is left out and said once, and the rows
 * after it are scored. The file was refused at every poll from then on
 * ("timestamp ... repeats"), so nothing after it was ever scored. */
static void test_watch_row_written_twice_left_out(void **state)
{
	(void)state;
	int alert;
	char *e = watch_appended(REPEAT, &alert);
	if (!alert)
		fail_msg("the rows after a repeated time were never scored:"
			 "\n%s",
			 e);
	const char *said = "grow.csv:502: 1 row whose time is not after the "
			   "row before is left out, not scored";
	const char *p = strstr(e, said);
	if (!p || strstr(p + strlen(said), "row whose time") ||
	    !strstr(e, "stopped after 640 rows") || strstr(e, "repeats"))
		fail_msg("watch's stderr:\n%s", e);
	free(e);
}

/* The file replaced by another one that holds more rows (a job that
 * writes the last hours anew, a rotation): its rows beyond the count read
 * are not the rows that came after those read. watch says so and stops
 * following it; it scored them as new rows, without a word (and a window
 * that kept its length gave no new row ever, also without a word). */
static void test_watch_replaced_file_said(void **state)
{
	(void)state;
	int said;
	char *e = watch_appended(REPLACE, &said);
	if (!said || !strstr(e, "grow.csv: row 500 is not what it was when it "
				"was read (the file was replaced or "
				"rewritten): following it stops at the 500 "
				"rows read") ||
	    !strstr(e, "stopped after 500 rows"))
		fail_msg("watch's stderr:\n%s", e);
	free(e);
}

/* A source that fails at --poll 0.2 is retried after 0.2 s, then 0.4 s,
 * and said so: the waits were printed rounded to whole seconds, "retrying
 * in 0 s" as if watch spun. */
static void test_watch_subsecond_retry_said(void **state)
{
	(void)state;
	char dir[64], out[256], path[200], werr[200];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	snprintf(werr, sizeof(werr), "%s/watch.err", dir);
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	assert_true(null >= 0);
	pid_t pid = small_watch(dir, null, path, sizeof(path));
	close(null);
	FILE *f = fopen(path, "a");
	assert_non_null(f);
	fputs("oops\n", f);
	fclose(f);
	int seen = tu_wait_file(werr, "retrying in 0.4 s", 1, 30);
	kill(pid, SIGTERM);
	assert_int_equal(watch_exit(pid, "SIGTERM"), 0);
	char *e = tu_slurp(werr, NULL);
	assert_non_null(e);
	if (!seen || !strstr(e, "a.csv:302:1: expected a number in column "
				"'cpu', found 'oops'; retrying in 0.2 s\n") ||
	    strstr(e, "retrying in 0 s"))
		fail_msg("watch's stderr:\n%s", e);
	free(e);
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

static void test_watch_usage_errors(void **state)
{
	(void)state;
	char out[8192];
	/* watch's argument is a SOURCE, in its usage and its refusals */
	assert_int_equal(tu_run(out, sizeof(out), "%s watch --model m",
				tu_vigil()),
			 1);
	assert_non_null(strstr(out, "vigil watch: which SOURCE?"));
	assert_int_equal(tu_run(out, sizeof(out),
				"%s watch x.csv --model m --hidden 8",
				tu_vigil()),
			 1);
	assert_non_null(strstr(out, "(give --hidden to vigil train SOURCE -o "
				    "MODEL)"));
	assert_null(strstr(out, "DATASET"));
	assert_int_equal(tu_run(out, sizeof(out), "%s watch x.csv", tu_vigil()),
			 1);
	assert_non_null(strstr(out, "--model is required"));
	assert_int_equal(tu_run(out, sizeof(out),
				"%s watch x.csv --model m --mode dynamic",
				tu_vigil()),
			 1);
	assert_non_null(strstr(out, "looks ahead"));
	/* seconds are a finite number: --delay nan read no row ever, --poll
	   inf never polled */
	static const char *const not_seconds[] = {"--delay nan", "--delay inf",
						  "--poll inf",
						  "--retry-max nan"};
	for (size_t k = 0; k < sizeof(not_seconds) / sizeof(not_seconds[0]);
	     k++) {
		int rc = tu_run(out, sizeof(out), "%s watch x.csv --model m %s",
				tu_vigil(), not_seconds[k]);
		if (rc != 1 || !strstr(out, "takes seconds, not '"))
			fail_msg("'watch ... %s' exits %d:\n%s", not_seconds[k],
				 rc, out);
	}
	assert_int_equal(tu_run(out, sizeof(out), "%s watch --help", tu_vigil()),
			 0);
	assert_non_null(strstr(out, "--alertmanager URL"));
	assert_non_null(strstr(out, "--threads N"));
	/* training options do not apply to the model file watch is given:
	   they were taken and ignored ('--hidden 8' watched with the
	   file's 50 units without a word) */
	static const char *const train_only[] = {
		"--hidden 8",  "--epochs 3",  "--layers 2",   "--lr 0.01",
		"--seed 5",    "--rolling 4", "--look-back 5", "--batch 16",
		"--clip 0.5",  "--patience 2", "--max-train-rows 10",
		"--cache-dir /tmp",
	};
	for (size_t k = 0; k < sizeof(train_only) / sizeof(train_only[0]);
	     k++) {
		int rc = tu_run(out, sizeof(out), "%s watch x.csv --model m %s",
				tu_vigil(), train_only[k]);
		if (rc != 1 || !strstr(out, "does not apply"))
			fail_msg("'watch ... %s' exits %d:\n%s", train_only[k],
				 rc, out);
	}
	assert_int_equal(tu_run(out, sizeof(out),
				"%s info 'prometheus://127.0.0.1:9/?start=now'",
				tu_vigil()),
			 2);
	assert_non_null(strstr(out, "no query"));
	/* a port that is not a number is named, not sent to the network
	   (it was "no answer from the server: URL using bad/illegal format
	   or missing URL"); a malformed source is bad input, exit 2 */
	assert_int_equal(tu_run(out, sizeof(out),
				"%s info 'prometheus://127.0.0.1:9O90/?query=up'",
				tu_vigil()),
			 2);
	assert_non_null(strstr(out, "the port '9O90' is not a number"));
	assert_null(strstr(out, "no answer"));
	assert_int_equal(tu_run(out, sizeof(out),
				"%s info 'prometheus://localhost:/?query=up'",
				tu_vigil()),
			 2);
	assert_non_null(strstr(out, "the port '' is not a number"));
	assert_int_equal(tu_run(out, sizeof(out),
				"%s info 'prometheus://[::1]:99999/?query=up'",
				tu_vigil()),
			 2);
	assert_non_null(strstr(out, "the port '99999'"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_watch_growing_csv_matches_detect),
		cmocka_unit_test(test_watch_keep_drops_rows_same_detections),
		cmocka_unit_test(test_watch_adapt_matches_detect),
		cmocka_unit_test(test_watch_adapt_follows_drift),
		cmocka_unit_test(test_watch_batch_larger_than_keep_reported),
		cmocka_unit_test(test_watch_index_axis_times_empty),
		cmocka_unit_test(test_watch_sighup_clean_exit),
		cmocka_unit_test(test_watch_stops_when_stdout_closes),
		cmocka_unit_test(test_watch_reads_lines_before_a_partial_one),
		cmocka_unit_test(test_watch_row_written_twice_left_out),
		cmocka_unit_test(test_watch_replaced_file_said),
		cmocka_unit_test(test_watch_usage_errors),
		cmocka_unit_test(test_watch_subsecond_retry_said),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
