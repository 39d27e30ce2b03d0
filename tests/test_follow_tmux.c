/* vigil --follow in tmux: the dashboard on a CSV file that grows. Rows
 * appended to the file appear, the view follows the end while the cursor is
 * on the last row, stays where the user moved it otherwise, and follows
 * again after G. The real binary in a private tmux server at 120x30
 * (tests/tmuxutil.h: the screen polled, no fixed sleeps; HOME in the
 * temporary folder). Skipped when tmux is missing. */
#include "tests/testutil.h"

#include <limits.h>

#include "tests/tmuxutil.h"

/* Append lines [a, b) of the synthetic file (line 0 is the header). */
static void append(int a, int b)
{
	char out[256];
	assert_int_equal(tu_run(out, sizeof(out),
				"sed -n '%d,%dp' '%s/synthetic.csv' >> "
				"'%s/grow.csv'",
				a + 1, b, tmp, tmp),
			 0);
}

/* The title line (the first line of the screen). */
static void title(char *buf, size_t n)
{
	capture();
	snprintf(buf, n, "%.*s", (int)strcspn(screen, "\n"), screen);
}

static void test_follow_growing_csv(void **state)
{
	(void)state;
	char out[8192];
	if (!have_tmux())
		skip();
	assert_int_equal(tu_run(out, sizeof(out),
				"cd '%s' && %s synth -o . --points 700 --seed 7 "
				"&& head -501 synthetic.csv > grow.csv && "
				"HOME='%s' %s train grow.csv --split 250 -o "
				"m.model --epochs 3 --hidden 8 --quiet",
				tmp, tu_vigil(), tmp, tu_vigil()),
			 0);
	char cd[400];
	snprintf(cd, sizeof(cd), "cd '%s' && ", tmp);
	pre_cmd = cd;
	start_at("--follow grow.csv --model m.model --split 250", "C.UTF-8",
		 120, 30);
	pre_cmd = "";
	/* 500 rows from 2022-01-01 00:00: the cursor starts on the last */
	expect("model loaded", 20);
	expect("2022-01-01 08:19", 5);
	/* rows arrive: they appear and the view follows */
	append(501, 560);
	expect("follow: 59 new rows, 559 in all", 10);
	expect("2022-01-01 09:18", 5);
	/* the user moves away: the view stays. One h at a time, each
	 * waited for: t0 must be the title after the third (under load the
	 * capture could see the first before the others arrived) */
	char t0[512], prev[512];
	title(t0, sizeof(t0));
	for (int i = 0; i < 3; i++) {
		snprintf(prev, sizeof(prev), "%s", t0);
		keys("h");
		double end = clock_mono_seconds() + timeout_s(5);
		do {
			title(t0, sizeof(t0));
		} while (!strcmp(t0, prev) && !server_gone && clock_mono_seconds() < end);
		CHECK(strcmp(t0, prev) != 0);
	}
	assert_null(strstr(t0, "09:18"));
	append(560, 600);
	expect("599 in all", 10);
	char t1[512];
	title(t1, sizeof(t1));
	assert_string_equal(t0, t1);
	/* G: at the end again, and following */
	keys("G");
	expect("2022-01-01 09:58", 5);
	append(600, 610);
	expect("609 in all", 10);
	expect("2022-01-01 10:08", 5);
	keys("q");
	expect("VIGIL-EXIT=0", 5);
	char path[400];
	snprintf(path, sizeof(path), "%s/vigil-%u.err", tmp, n_starts);
	char *err = tu_slurp(path, NULL);
	if (err && *err)
		fail_msg("vigil wrote on stderr: %s", err);
	free(err);
}

/* The event figures of the metric panel ('event, all: TP a FP b FN c'):
 * the rows the labels put in the test part, detected or not (TP + FN),
 * or -1 when the panel does not show them. */
static int labelled_rows(void)
{
	const char *p = strstr(screen, "event, all: TP ");
	int tp, fp, fn;
	if (!p || sscanf(p, "event, all: TP %d FP %d FN %d", &tp, &fp, &fn) != 3)
		return -1;
	return tp + fn;
}

/* A label file ahead of the data (an analyst marked rows the writer has
 * not written yet): the dashboard refused the whole file at the start,
 * 'labels left out: ... range 540-551 is not inside the 500 rows of the
 * series', so no label showed, not even once the rows were there. Now the
 * range is kept and shows (lane and scores) when its rows arrive. */
static void test_follow_labels_ahead_of_data(void **state)
{
	(void)state;
	char out[8192];
	if (!have_tmux())
		skip();
	assert_int_equal(tu_run(out, sizeof(out),
				"cd '%s' && mkdir -p ahead && cd ahead && "
				"%s synth -o . --points 700 --seed 7 && "
				"head -501 synthetic.csv > grow.csv && "
				"HOME='%s' %s train grow.csv --split 250 -o "
				"m.model --epochs 3 --hidden 8 --quiet",
				tmp, tu_vigil(), tmp, tu_vigil()),
			 0);
	char labels[400];
	snprintf(labels, sizeof(labels), "%s/ahead/grow.labels.csv", tmp);
	tu_write(labels, "metric,start,end,start_time,end_time,source,note\n"
			 "cpu_usage,540,551,,,original,\n");
	char cd[400];
	snprintf(cd, sizeof(cd), "cd '%s/ahead' && ", tmp);
	pre_cmd = cd;
	start_at("--follow grow.csv --model m.model --split 250", "C.UTF-8",
		 120, 30);
	pre_cmd = "";
	expect("model loaded", 20);
	expect("event, all: TP", 5);
	CHECK(labelled_rows() == 0);
	CHECK(!line_with("labels", "\xe2\x96\x80" /* the lane's mark */, ""));
	/* the rows arrive, the label's among them */
	assert_int_equal(tu_run(out, sizeof(out),
				"cd '%s/ahead' && sed -n '502,561p' "
				"synthetic.csv >> grow.csv",
				tmp),
			 0);
	expect("560 in all", 10);
	WAIT_CHECK(labelled_rows() > 0, 5);
	CHECK(line_with("labels", "\xe2\x96\x80" /* the lane's mark */, ""));
	keys("q");
	expect("VIGIL-EXIT=0", 5);
}

/* The alerts view's rows (number, start, duration, criticality) into al;
 * returns how many it lists. */
typedef struct {
	char start[20], dur[48], crit[16];
} ViewAlert;

static int view_alerts(ViewAlert *al, int cap)
{
	int n = 0;
	for (const char *l = screen; l && *l && n < cap;) {
		const char *nl = strchr(l, '\n');
		char line[1024];
		snprintf(line, sizeof(line), "%.*s",
			 (int)(nl ? nl - l : (long)strlen(l)), l);
		int num;
		char day[12], hm[8];
		ViewAlert v;
		/* past the border: a line-drawing character, or 'x' where
		   tmux draws it with the terminal's alternate set */
		const char *p = strncmp(line, "\xe2\x94\x82", 3) ? line + 1
								 : line + 3;
		if (*line && sscanf(p, "%d %11s %7s %47s %15s", &num, day, hm,
				    v.dur, v.crit) == 5 &&
		    num == n + 1) {
			snprintf(v.start, sizeof(v.start), "%s %s", day, hm);
			al[n++] = v;
		}
		l = nl ? nl + 1 : NULL;
	}
	return n;
}

/* vigil detect's alerts on the finished file with opts, as the alerts
 * view shows them (a minute a row: the synthetic file's sampling). */
static int detect_alerts(const char *opts, ViewAlert *al, int cap)
{
	char out[8192], path[400];
	snprintf(path, sizeof(path), "%s/adapt/det.csv", tmp);
	assert_int_equal(tu_run(out, sizeof(out),
				"cd '%s/adapt' && %s detect full.csv --model "
				"m.model --split 250 --alert-gap 1 --quiet -o "
				"det.csv %s",
				tmp, tu_vigil(), opts),
			 0);
	FileAlert fa[16];
	char ap[420];
	snprintf(ap, sizeof(ap), "%s.alerts.csv", path);
	int n = read_alerts(ap, fa, 16);
	assert_true(n <= cap);
	for (int i = 0; i < n; i++) {
		long mins = fa[i].end - fa[i].start;
		snprintf(al[i].start, sizeof(al[i].start), "%s",
			 fa[i].start_time);
		if (mins < 60)
			snprintf(al[i].dur, sizeof(al[i].dur), "%ldm", mins);
		else
			snprintf(al[i].dur, sizeof(al[i].dur), "%ldh%02ldm",
				 mins / 60, mins % 60);
		snprintf(al[i].crit, sizeof(al[i].crit), "%s", fa[i].crit);
	}
	return n;
}

static int same_alerts(const ViewAlert *a, int na, const ViewAlert *b,
		       int nb)
{
	if (na != nb)
		return 0;
	for (int i = 0; i < na; i++)
		if (strcmp(a[i].start, b[i].start) ||
		    strcmp(a[i].dur, b[i].dur) || strcmp(a[i].crit, b[i].crit))
			return 0;
	return 1;
}

/* --follow --adapt N: the rows that arrive are forecast by the copy of the
 * model that keeps learning, kept between polls as vigil watch --adapt
 * keeps it, so once the file is complete the alerts view (one alert a node
 * detection: --alert-gap 1) lists what vigil detect --adapt N finds on the
 * finished file: start, duration, criticality. 700 synthetic rows with
 * +40 on rows 600-629; the adapting forecast gives one alert 10:02 28m
 * medium where the plain one gives two (04:43 17m low, 10:00 50m high).
 * Before, the dashboard refused '--adapt is not supported with --follow
 * yet'. */
static void test_follow_adapt_matches_detect(void **state)
{
	(void)state;
	char out[8192];
	if (!have_tmux())
		skip();
	assert_int_equal(tu_run(out, sizeof(out),
				"cd '%s' && mkdir -p adapt && cd adapt && "
				"%s synth -o . --points 700 --seed 7 && "
				"awk -F, 'NR >= 602 && NR < 632 { printf "
				"\"%%s,%%.4f,%%.4f,%%.4f\\n\", $1, $2 + 40, "
				"$3 + 40, $4 + 40; next } { print }' "
				"synthetic.csv > full.csv && "
				"head -501 full.csv > grow.csv && "
				"HOME='%s' %s train grow.csv --split 250 -o "
				"m.model --epochs 3 --hidden 8 --quiet",
				tmp, tu_vigil(), tmp, tu_vigil()),
			 0);
	const char *adapt = "--adapt 40 --adapt-lr 1e-3 --adapt-steps 50";
	ViewAlert want[16], plain[16], got[16];
	memset(got, 0, sizeof(got));
	int nw = detect_alerts(adapt, want, 16);
	int np = detect_alerts("", plain, 16);
	/* the data is one where adapting changes the detections */
	assert_true(nw >= 1);
	assert_false(same_alerts(want, nw, plain, np));
	char cd[400], args[400];
	snprintf(cd, sizeof(cd), "cd '%s/adapt' && ", tmp);
	snprintf(args, sizeof(args),
		 "--follow grow.csv --model m.model --split 250 --alert-gap 1 "
		 "%s",
		 adapt);
	pre_cmd = cd;
	start_at(args, "C.UTF-8", 120, 30);
	pre_cmd = "";
	expect("model loaded (forecast adapting)", 20);
	/* the rows arrive in four writes, each waited for */
	for (int a = 502; a < 702; a += 50) {
		assert_int_equal(tu_run(out, sizeof(out),
					"cd '%s/adapt' && sed -n '%d,%dp' "
					"full.csv >> grow.csv",
					tmp, a, a + 49),
				 0);
		char said[32];
		snprintf(said, sizeof(said), "%d in all", a + 48);
		expect(said, 20);
	}
	keys("A");
	expect("by time", 5);
	int ng = view_alerts(got, 16);
	if (!same_alerts(got, ng, want, nw)) {
		dump_failure();
		fail_msg("the alerts view lists %d alert%s, vigil detect %s "
			 "%d (first: %s %s %s)",
			 ng, ng == 1 ? "" : "s", adapt, nw, want[0].start,
			 want[0].dur, want[0].crit);
	}
	keys("q");
	expect("VIGIL-EXIT=0", 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_follow_growing_csv),
		cmocka_unit_test(test_follow_labels_ahead_of_data),
		cmocka_unit_test(test_follow_adapt_matches_detect),
	};
	/* the binary by its full path: the dashboard starts in the
	 * temporary folder */
	char vigil[PATH_MAX];
	if (realpath(tu_vigil(), vigil))
		setenv("VIGIL", vigil, 1);
	return cmocka_run_group_tests(tests, setup, teardown);
}
