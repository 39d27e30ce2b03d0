/* Every key of the analyst's workbench (issue 12) with the real binary in
 * tmux, in the C locale and with NO_COLOR, at 80x24 and at 200x60, on the
 * built-in demo and on a real SMD machine (machine-3-10 of the bundled
 * data/samples/smd-fleet cut). One dashboard a size and dataset goes
 * through all the keys, asserting on the screen and on saved files against
 * what the command line computes:
 *
 *   - the split marker in the column of the split row, on the axis and in
 *     the plot; the demo's train labels "not scored";
 *   - `:` lands on the row asked;
 *   - `A` lists as many alerts as `vigil detect`'s alerts file, each with
 *     its start and its first metric's share, `S` puts the most critical
 *     first; Enter goes to one, whose band
 *     shows the file's ranked metrics and shares; Enter in the band
 *     selects the alert's second metric;
 *   - `v` stacks the alert's top four metrics (the demo has three);
 *     Space marks metrics and `v` stacks the marked ones;
 *   - `S` orders the list by score at the cursor, F1, name;
 *   - `Tab` the node scope, the node score in the readout;
 *   - `f` lands on a detection outside the labels, `d` labels it and the
 *     panel's recall and F1 change at once; `F` goes back; `u` undoes;
 *   - `m` shows the selection's extent live, `a` labels it, `x` unlabels;
 *   - `e` then `l l Enter` moves a label's start by two rows and `i` writes
 *     a note: the saved CSV shows both against a save made before;
 *   - `M` on one machine says how to get the machines view.
 *
 * And the goal in keys: from where f lands, a missed anomaly labelled and
 * saved in 3 keys, an exact range in at most 8.
 *
 * The demo's alerts file comes from `vigil detect` on `vigil synth`'s
 * copy of the demo with the demo's model options (the dashboard shows the
 * same detections). Skipped when tmux is missing. */
#include "tests/testutil.h"

#include "tests/tmuxutil.h"

/* What a tour runs on. */
typedef struct {
	const char *name;
	char args[700];     /* vigil's arguments */
	size_t rows, split; /* the series */
	const char *first;  /* the first metric's name */
	int node;           /* f d and e at node scope (else the metric's) */
	char goto_row[16];  /* a row to go to with : */
	const char *landed; /* what the status line then says */
	const char *at;     /* and what the readout (the first line) shows */
	FileAlert al[64];   /* the alerts file */
	int n_al;
} Subject;

static Subject demo, smd;

/* The list pane's width: the column where the plot's box starts (the
 * first line is "<list box><plot box>"; in the C locale tmux shows the
 * corners as 'k' and 'l'). */
static int list_width(void)
{
	const char *p = strstr(screen, "kl");
	const char *nl = strchr(screen, '\n');
	return p && (!nl || p < nl) ? (int)(p - screen) + 1 : -1;
}

/* Whether the status line of the last capture holds prefix, a number and
 * suffix (a frame painted whole: a capture may catch one half painted);
 * the number into *v. Used inside WAIT_CHECK, which captures again. */
static int status_num(const char *prefix, const char *suffix, int *v)
{
	char st[1024];
	status_line(st, sizeof(st));
	const char *p = strstr(st, prefix);
	if (!p)
		return 0;
	p += strlen(prefix);
	char *end;
	long x = strtol(p, &end, 10);
	if (end == p || strncmp(end, suffix, strlen(suffix)))
		return 0;
	*v = (int)x;
	return 1;
}

/* The panel's event line for all detections: recall and F1 as shown
 * (".51/.51" or ".51": the working labels' figure first). */
static int panel_all(char *r, char *f1, size_t n)
{
	char line[4096];
	line_of(" all ", "ALERT", line, sizeof(line));
	const char *p = strstr(line, " all ");
	char t[3][32];
	if (!p || sscanf(p + 5, "%31s %31s %31s", t[0], t[1], t[2]) != 3)
		return 0;
	snprintf(r, n, "%.*s", (int)strcspn(t[1], "/"), t[1]);
	snprintf(f1, n, "%.*s", (int)strcspn(t[2], "/"), t[2]);
	return 1;
}

/* The lines of a saved vigil CSV for one label set (a metric or "*"). */
static size_t csv_lines(const char *name, const char *set, char lines[][256],
			size_t cap)
{
	char path[600];
	snprintf(path, sizeof(path), "%s/%s", tmp, name);
	char *csv = tu_slurp(path, NULL);
	assert_non_null(csv);
	size_t n = 0, sl = strlen(set);
	char *save = NULL;
	for (char *l = strtok_r(csv, "\n", &save); l && n < cap;
	     l = strtok_r(NULL, "\n", &save))
		if (!strncmp(l, set, sl) && l[sl] == ',')
			snprintf(lines[n++], 256, "%s", l);
	free(csv);
	return n;
}

static int has_line(char lines[][256], size_t n, const char *l)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(lines[i], l))
			return 1;
	return 0;
}

/* The alerts view and the alert band against the alerts file; Enter in the
 * band; v with the alert's top metrics. Leaves the cursor in alert 1. */
static void tour_alerts(Subject *su, int rows)
{
	int n = su->n_al;
	keys("A");
	char title[64];
	snprintf(title, sizeof(title), " %d alert%s by time ", n,
		 n == 1 ? "" : "s");
	expect(title, 5);
	/* every alert a row (as many as the view holds): its number, its
	 * start, its first metric and share */
	for (int i = 1; i <= n && i <= rows - 4; i++) {
		char num[16];
		snprintf(num, sizeof(num), " %4d ", i);
		const FileAlert *a = &su->al[i - 1];
		char start[48];
		if (a->start_time[0])
			snprintf(start, sizeof(start), "%s", a->start_time);
		else
			snprintf(start, sizeof(start), "%ld ", a->start);
		/* at 80 columns the names are cut: the first share */
		WAIT_CHECK(line_with(num, start, a->share[0]), 5);
	}
	/* the last one, then the first: Enter goes there */
	keys("G Enter");
	check_band(&su->al[n - 1], n, n);
	/* S: by criticality, the most critical first */
	keys("A S");
	expect("alerts by criticality", 5);
	int worst = 0;
	for (int i = 0; i < n; i++) {
		int c = !strcmp(su->al[i].crit, "high")	  ? 3
			: !strcmp(su->al[i].crit, "medium") ? 2
							      : 1;
		worst = c > worst ? c : worst;
	}
	static const char *const crit[] = {"", " low ", " medium ", " high "};
	const char *hdr = strstr(screen, "    # start");
	const char *row1 = hdr ? strchr(hdr, '\n') : NULL;
	CHECK(row1 != NULL);
	char r1[1024];
	snprintf(r1, sizeof(r1), "%.*s", (int)strcspn(row1 + 1, "\n"),
		 row1 + 1);
	if (!strstr(r1, crit[worst])) {
		dump_failure();
		fail_msg("%s: the first alert by criticality is not%s: %s",
			 su->name, crit[worst], r1);
	}
	keys("S S");
	expect("alerts by time", 5);
	keys("g Enter");
	check_band(&su->al[0], 1, n);
	/* Enter in the band: the alert's metrics in rank order */
	if (su->al[0].n >= 2) {
		keys("Enter");
		char msg[128];
		snprintf(msg, sizeof(msg), "metric 2 of the alert: %s",
			 su->al[0].metric[1]);
		expect(msg, 5);
		char sel[64];
		snprintf(sel, sizeof(sel), ">%.4s", su->al[0].metric[1]);
		expect(sel, 5);
	}
	/* v: the top four (or as many as the alert ranks) */
	int top = su->al[0].n < 4 ? su->al[0].n : 4;
	keys("v");
	char st[96];
	snprintf(st, sizeof(st), "stacked: the top %d metric%s of alert 1",
		 top, top == 1 ? "" : "s");
	expect(st, 5);
	for (int k = 0; k < top; k++) {
		char head[96];
		snprintf(head, sizeof(head), "%d %s  share %s", k + 1,
			 su->al[0].metric[k], su->al[0].share[k]);
		expect(head, 5);
	}
	WAIT_CHECK(count_of("detect") == top, 5);
	keys("v");
	WAIT_CHECK(!strstr(screen, "stacked:"), 5);
}

/* f lands on a detection outside the labels; d labels it; the panel's
 * recall and F1 change at once; u takes it back; F goes back. */
static void tour_f_d(const Subject *su)
{
	char r0[32], f0[32], r1[32], f1[32];
	/* the first metric (the demo's cpu_usage, whose recall is below 1),
	 * from the first row */
	char sel[64];
	snprintf(sel, sizeof(sel), ">%.4s", su->first); /* names are cut */
	CHECK(press_until_shown("k", sel, 40));
	keys("g");
	/* the panel of that metric (or the node), settled: the list may be
	 * painted before the panel is */
	char title[96];
	if (su->node)
		snprintf(title, sizeof(title), "node  labels: ");
	else
		snprintf(title, sizeof(title), "metric %s  labels: ", su->first);
	WAIT_CHECK(strstr(screen, title) && panel_all(r0, f0, sizeof(r0)), 5);
	for (int i = 0; i < 50; i++) {
		struct timespec ts = {0, 100 * 1000 * 1000};
		nanosleep(&ts, NULL);
		capture();
		if (!panel_all(r1, f1, sizeof(r1)))
			continue;
		if (!strcmp(r1, r0) && !strcmp(f1, f0))
			break;
		snprintf(r0, sizeof(r0), "%s", r1);
		snprintf(f0, sizeof(f0), "%s", f1);
	}
	CHECK(press_until("f", "FP: ", 12));
	int n = 0;
	WAIT_CHECK(status_num("FP: ", " detected row", &n) && n > 0, 5);
	keys("d");
	expect("labelled ", 5);
	expect("1 edit unsaved", 5);
	/* the panel moved with the edit, no other key: recall up, F1
	 * changed */
	double end = clock_mono_seconds() + timeout_s(5);
	int moved = 0;
	do {
		capture();
		moved = panel_all(r1, f1, sizeof(r1)) &&
			atof(r1) > atof(r0) && strcmp(f1, f0);
	} while (!moved && !server_gone && clock_mono_seconds() < end);
	if (!moved) {
		dump_failure();
		fail_msg("%s: f d moved recall %s -> %s, F1 %s -> %s",
			 su->name, r0, r1, f0, f1);
	}
	keys("u");
	expect("undone", 5);
	WAIT_CHECK(panel_all(r1, f1, sizeof(r1)) && !strcmp(r1, r0) &&
			   !strcmp(f1, f0),
		   5);
	/* f goes on to the second disagreement, F back to the first */
	keys("f");
	expect("(2/", 5);
	keys("F");
	expect("(1/", 5);
}

/* m shows the extent live, a labels the selection, x unlabels the range
 * under the cursor, u twice brings the labels back as they were. */
static void tour_select(const Subject *su)
{
	keys("m");
	expect("MARK 1 row", 5);
	keys("l");
	int n = 0;
	WAIT_CHECK(status_num("MARK ", " rows", &n) && n > 1, 5);
	keys("m a");
	char want[64];
	snprintf(want, sizeof(want), "(%d rows,", n);
	expect("labelled ", 5);
	expect(want, 5);
	keys("x");
	expect("unlabelled ", 5);
	keys("u u");
	expect("0 edits unsaved", 5);
	(void)su;
}

/* e l l Enter moves the start of the label under the cursor two rows; i
 * writes a note on it; the saved CSV shows both. */
static void tour_edge_note(const Subject *su)
{
	const char *set = su->node ? "*" : su->first;
	char before[64][256], after[64][256];
	/* the next label after the split (a test label) */
	char go[64];
	snprintf(go, sizeof(go), "':%zu' Enter ]", su->split);
	keys(go);
	keys("e");
	int n0 = 0;
	WAIT_CHECK(status_num("EDGE start: ", " row", &n0), 5);
	/* h a row out, H a page, Esc leaves the label as it was */
	char want[64];
	keys("h");
	snprintf(want, sizeof(want), "EDGE start: %d rows", n0 + 1);
	expect(want, 5);
	keys("H");
	int n1 = 0;
	WAIT_CHECK(status_num("EDGE start: ", " row", &n1) && n1 > n0 + 1, 5);
	keys("Escape");
	expect("edge mode left, label unchanged", 5);
	/* back on the label: l l Enter */
	keys(go);
	keys("e");
	snprintf(want, sizeof(want), "EDGE start: %d rows", n0);
	expect(want, 5);
	keys("l l");
	snprintf(want, sizeof(want), "EDGE start: %d rows", n0 - 2);
	expect(want, 5);
	keys("Enter");
	expect("resized ", 5);
	keys("i");
	expect("note (", 5);
	keys("'fan failure' Enter");
	expect("note on the range", 5);
	expect("2 edits unsaved", 5);
	char name[64];
	snprintf(name, sizeof(name), "%s-%d-after.csv", su->name, n_starts);
	save_csv(name);
	char bname[64];
	snprintf(bname, sizeof(bname), "%s-%d-before.csv", su->name, n_starts);
	size_t nb = csv_lines(bname, set, before, 64);
	size_t na = csv_lines(name, set, after, 64);
	assert_int_equal(nb, na);
	/* exactly one range changed: two rows later, with the note */
	int changed = 0;
	for (size_t i = 0; i < nb; i++) {
		if (has_line(after, na, before[i]))
			continue;
		changed++;
		long s = 0, e = 0;
		assert_int_equal(sscanf(before[i] + strlen(set) + 1,
					"%ld,%ld", &s, &e),
				 2);
		assert_int_equal(e - s, n0);
		/* metric,start,end,start_time,end_time,source,note */
		char *f[8];
		int found = 0;
		for (size_t j = 0; j < na; j++) {
			char copy[256];
			snprintf(copy, sizeof(copy), "%s", after[j]);
			if (fields(copy, f, 8) == 7 && atol(f[1]) == s + 2 &&
			    atol(f[2]) == e && !strcmp(f[6], "fan failure"))
				found = 1;
		}
		if (!found)
			fail_msg("%s: no range %ld,%ld with the note in %s",
				 su->name, s + 2, e, name);
	}
	assert_int_equal(changed, 1);
}

/* One dashboard on su at cols x rows, C locale, no colour: every key. */
static void tour(Subject *su, int cols, int rows)
{
	clear_journals();
	start_at(su->args, "C NO_COLOR=1", cols, rows);
	expect(" node detection", 120);
	/* no colour: attributes only */
	static char esc[131072];
	tu_run(esc, sizeof(esc), "tmux -L %s capture-pane -p -e", sock);
	CHECK(colour_codes(esc) == 0);
	char bname[64];
	snprintf(bname, sizeof(bname), "%s-%d-before.csv", su->name, n_starts);
	save_csv(bname);
	/* the cursor starts on the split row */
	WAIT_CHECK(list_width() > 0, 5);
	check_split_mark(":", cols, list_width(), su->rows, su->split);
	if (su->split && !su->node) {
		keys("[");
		expect(cols >= 100 ? "[train label: not scored]" : "[train label",
		       5);
	}
	/* : lands on the row asked */
	char go[64];
	snprintf(go, sizeof(go), "':%s' Enter", su->goto_row);
	keys(go);
	expect(su->landed, 5);
	WAIT_CHECK(strstr(screen, su->at) &&
			   strstr(screen, su->at) < strchr(screen, '\n'),
		   5);
	/* S: the list's orders */
	keys("S");
	expect("metrics by score", 5);
	keys("S");
	expect("metrics by F1", 5);
	keys("S");
	expect("metrics by name", 5);
	char sel[64];
	snprintf(sel, sizeof(sel), ">%.4s", su->first); /* names are cut */
	expect(sel, 5);
	tour_alerts(su, rows);
	/* Space marks, v stacks the marked ones */
	keys("Space");
	expect(": 1 marked for v", 5);
	keys("v");
	expect("stacked: the 1 marked metric ", 5);
	WAIT_CHECK(count_of("detect") == 1, 5);
	keys("v Space");
	expect("unmarked ", 5);
	/* Tab: the node scope and its score */
	keys("Tab");
	expect("node | ? help", 5);
	if (cols >= 200)
		expect("node score ", 5);
	if (!su->node) {
		keys("Tab");
		expect("metric | ? help", 5);
	}
	tour_f_d(su);
	tour_select(su);
	tour_edge_note(su);
	keys("M");
	expect("one machine open", 5);
	/* saved: q quits at once */
	keys("q");
	expect("VIGIL-EXIT=0", 5);
}

/* The first label line of metric in the CSV file at path whose
 * start_time and end_time are t0 and t1 (or, with cover, that holds
 * [t0, t1]); its rows in *n. */
static int csv_has_range(const char *path, const char *metric, const char *t0,
			 const char *t1, int cover, long *n)
{
	char *csv = tu_slurp(path, NULL);
	if (!csv)
		return 0;
	int found = 0;
	char *save = NULL;
	for (char *l = strtok_r(csv, "\n", &save); l && !found;
	     l = strtok_r(NULL, "\n", &save)) {
		char *f[8];
		if (fields(l, f, 8) != 7 || strcmp(f[0], metric))
			continue;
		if (cover ? strcmp(f[3], t0) <= 0 && strcmp(f[4], t1) >= 0
			  : !strcmp(f[3], t0) && !strcmp(f[4], t1)) {
			*n = atol(f[2]) - atol(f[1]);
			found = 1;
		}
	}
	free(csv);
	return found;
}

/* The first and last time of a "labelled/resized T0 .. T1 (N rows" status
 * line; 0 when it is not (whole) on the last capture. */
static int op_times(const char *verb, char *t0, char *t1, long *n)
{
	char st[1024];
	status_line(st, sizeof(st));
	const char *p = strstr(st, verb);
	if (!p || sscanf(p + strlen(verb) + 1, "%10s %8s .. %10s %8s (%ld rows",
			 t0, t0 + 11, t1, t1 + 11, n) != 5)
		return 0;
	t0[10] = ' ';
	t1[10] = ' ';
	return 1;
}

/* The workbench's goal, counted in keys from the moment f lands on a
 * place: a missed anomaly that a detection covers is labelled and saved
 * in 3 keys (d s Enter), an exact range made from it in at most 8 (d e l
 * l Enter s Enter: 7). The demo at 100x30; the saved file (the save
 * prompt's default, in vigil's folder) holds the ranges. */
static void test_goal_key_counts(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	clear_journals();
	char out[1024], cd[700], path[700];
	tu_run(out, sizeof(out), "mkdir -p '%s/goal'", tmp);
	snprintf(cd, sizeof(cd), "cd '%s/goal' && ", tmp);
	snprintf(path, sizeof(path), "%s/goal/demo.labels.csv", tmp);
	pre_cmd = cd;
	start("", "C.UTF-8");
	pre_cmd = "";
	expect("recall", 60);
	CHECK(press_until("f", "FP: ", 12));
	/* 3 keys: the detection labelled and saved */
	static const char *const missed[] = {"d", "s", "Enter"};
	char t0[32], t1[32];
	long n = 0, got = 0;
	keys(missed[0]);
	WAIT_CHECK(op_times("labelled", t0, t1, &n), 5);
	keys(missed[1]);
	expect("save as csv in ", 5);
	keys(missed[2]);
	expect("demo.labels.csv (csv)", 5);
	assert_int_equal(sizeof(missed) / sizeof(missed[0]), 3);
	CHECK(csv_has_range(path, "cpu_usage", t0, t1, 1, &got));
	/* back to the start, then an exact range: 7 keys */
	keys("u");
	expect("undone", 5);
	static const char *const exact[] = {"d", "e", "l", "l",
					    "Enter", "s", "Enter"};
	keys(exact[0]);
	expect("labelled ", 5);
	keys(exact[1]);
	int n0 = 0, start_edge = 0;
	WAIT_CHECK((start_edge = status_num("EDGE start: ", " row", &n0)) ||
			   status_num("EDGE end: ", " row", &n0),
		   5);
	keys(exact[2]);
	keys(exact[3]);
	char want[64];
	snprintf(want, sizeof(want), "EDGE %s: %d rows",
		 start_edge ? "start" : "end", start_edge ? n0 - 2 : n0 + 2);
	expect(want, 5);
	keys(exact[4]);
	WAIT_CHECK(op_times("resized", t0, t1, &n), 5);
	assert_int_equal(n, start_edge ? n0 - 2 : n0 + 2);
	keys(exact[5]);
	expect("save as csv in ", 5);
	keys(exact[6]);
	expect("demo.labels.csv (csv)", 5);
	expect("0 edits unsaved", 5);
	assert_true(sizeof(exact) / sizeof(exact[0]) <= 8);
	/* exactly that range, start and end, in the file */
	CHECK(csv_has_range(path, "cpu_usage", t0, t1, 0, &got));
	assert_int_equal(got, n);
	keys("q");
	expect("VIGIL-EXIT=0", 5);
}

/* The two subjects and their alerts files, made once. */
static int tour_setup(void **state)
{
	if (setup(state) != 0 || !have_tmux())
		return 0;
	char out[8192];
	/* the demo as vigil synth writes it, detected with the demo's
	 * model and threshold */
	if (tu_run(out, sizeof(out),
		   "cd '%s' && %s synth -o demo --anomalies 6 --duration 12 "
		   "--shifts && XDG_CACHE_HOME='%s/cli-cache' %s detect "
		   "demo/synthetic.csv --hidden 32 --epochs 12 --mode seed "
		   "--quiet -o demo/det.csv",
		   tmp, tu_vigil(), tmp, tu_vigil()) != 0) {
		print_error("the demo's alerts: %s\n", out);
		return -1;
	}
	demo.name = "demo";
	demo.args[0] = '\0';
	demo.rows = 1000;
	demo.split = 500;
	demo.first = "cpu_usage";
	demo.node = 0;
	snprintf(demo.goto_row, sizeof(demo.goto_row), "630");
	demo.landed = "row 630 (2022-01-01 10:30:00)";
	demo.at = " 10:30 ";
	char path[600];
	snprintf(path, sizeof(path), "%s/demo/det.csv.alerts.csv", tmp);
	demo.n_al = read_alerts(path, demo.al, 64);
	/* the SMD machine: a copy (the dashboard's lock and journal key on
	 * the path), the model that detect trains kept in the cache the
	 * dashboard reads */
	if (tu_run(out, sizeof(out),
		   "cp -r data/samples/smd-fleet '%s/fleet' && "
		   "XDG_CACHE_HOME='%s/cache' %s detect "
		   "'%s/fleet/ServerMachineDataset:machine-3-10' --quiet -o "
		   "'%s/fleet/det.csv'",
		   tmp, tmp, tu_vigil(), tmp, tmp) != 0) {
		print_error("the SMD machine's alerts: %s\n", out);
		return -1;
	}
	smd.name = "smd";
	snprintf(smd.args, sizeof(smd.args),
		 "'%s/fleet/ServerMachineDataset:machine-3-10'", tmp);
	smd.rows = 2000;
	smd.split = 1000;
	smd.first = "m01";
	smd.node = 1;
	snprintf(smd.goto_row, sizeof(smd.goto_row), "1500");
	smd.landed = "row 1500";
	smd.at = " 1500 ";
	snprintf(path, sizeof(path), "%s/fleet/det.csv.alerts.csv", tmp);
	smd.n_al = read_alerts(path, smd.al, 64);
	return 0;
}

static void test_demo_80x24(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	tour(&demo, 80, 24);
}

static void test_demo_200x60(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	tour(&demo, 200, 60);
}

static void test_smd_80x24(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	tour(&smd, 80, 24);
}

static void test_smd_200x60(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	tour(&smd, 200, 60);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_demo_80x24),
		cmocka_unit_test(test_demo_200x60),
		cmocka_unit_test(test_smd_80x24),
		cmocka_unit_test(test_smd_200x60),
		cmocka_unit_test(test_goal_key_counts),
	};
	return cmocka_run_group_tests(tests, tour_setup, teardown);
}
