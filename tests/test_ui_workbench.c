/* End-to-end tests of the analyst's workbench keys in the dashboard (the
 * real binary in tmux, helpers in tests/tmuxutil.h): f / F name each
 * disagreement, d labels the detection under the cursor, the selection's
 * extent shows live, e moves a label's edge. Each test asserts on the
 * screen and on the files saved from it. Skipped when tmux is missing. */
#include "tests/testutil.h"

#include "tests/tmuxutil.h"

/* The ranges of metric in a saved vigil CSV: starts and ends, n of them. */
static size_t csv_ranges(const char *name, const char *metric, long *start,
			 long *end, size_t cap)
{
	char path[600];
	snprintf(path, sizeof(path), "%s/%s", tmp, name);
	char *csv = tu_slurp(path, NULL);
	assert_non_null(csv);
	size_t n = 0, ml = strlen(metric);
	for (char *line = strtok(csv, "\n"); line && n < cap;
	     line = strtok(NULL, "\n"))
		if (!strncmp(line, metric, ml) && line[ml] == ',' &&
		    sscanf(line + ml + 1, "%ld,%ld", &start[n], &end[n]) == 2)
			n++;
	free(csv);
	return n;
}

static int has_range(const long *s, const long *e, size_t n, long a, long b)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == a && e[i] == b)
			return 1;
	return 0;
}

/* The demo with its model: f lands on a false positive and says how many
 * rows stick out of the labels; d labels that detection in one edit and
 * the panel's recall and F1 move at once; u takes it back. f goes on to a
 * missed label and names its length, which e (edge mode) confirms. */
static void test_disagreements_and_d(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	clear_journals();
	start("", "C.UTF-8");
	expect("recall", 30);
	char before[64], now[64], st[1024];
	WAIT_CHECK((panel_recall(before, sizeof(before)), before[0]), 5);
	CHECK(press_until("f", "FP: ", 12));
	status_line(st, sizeof(st));
	int rows = 0;
	const char *fp = strstr(st, "FP: ");
	CHECK(fp && sscanf(fp, "FP: %d detected row", &rows) == 1 && rows > 0);
	CHECK(strstr(st, "outside labels"));
	/* the readout: a detection here, no label */
	CHECK(strstr(screen, "[low]") || strstr(screen, "[medium]") ||
	      strstr(screen, "[high]"));
	CHECK(!strstr(screen, "[label]"));
	keys("d");
	expect("labelled 2022", 5);
	expect("1 edit unsaved", 5);
	expect("[label]", 5);
	CHECK(wait_panel(before, 0, now, sizeof(now)));
	CHECK(recall_of(now) > recall_of(before));
	CHECK(strcmp(strstr(now, "F1"), strstr(before, "F1")) != 0);
	keys("u");
	expect("undone", 5);
	CHECK(wait_panel(before, 1, now, sizeof(now)));
	/* d off a detection says so and changes nothing */
	keys("g d");
	expect("no detection under the cursor", 5);
	expect("0 edits unsaved", 5);
	/* a missed label: "FN: label of N rows", and e sees N rows too */
	CHECK(press_until("f", "FN: label of", 12));
	status_line(st, sizeof(st));
	const char *fn = strstr(st, "FN: label of ");
	int lrows = 0;
	CHECK(fn && sscanf(fn, "FN: label of %d row", &lrows) == 1 &&
	      lrows > 0);
	expect("[label]", 5);
	keys("e");
	char edge[64];
	snprintf(edge, sizeof(edge), "EDGE start: %d row", lrows);
	expect(edge, 5);
	keys("Escape");
	expect("edge mode left, label unchanged", 5);
	/* F goes back to the false positive */
	CHECK(press_until("F", "FP: ", 12));
	keys("q");
	expect("VIGIL-EXIT=0", 5);
}

/* While selecting, the status line shows the extent live: rows, duration,
 * first and last time. The demo is 1000 one-minute rows from 00:00; at
 * 100 columns the plot has 67 columns of 2 Braille dots, so l moves 7
 * rows; at 80x24 in the C locale (ASCII: a dot a column) 51 columns, 19
 * rows a step. */
static void test_selection_extent_live(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	clear_journals();
	start("--no-model", "C.UTF-8");
	expect("metrics", 10);
	keys("g m");
	expect("MARK 1 row 1m  2022-01-01 00:00 .. 00:00", 5);
	keys("l");
	expect("MARK 8 rows 8m  2022-01-01 00:00 .. 00:07", 5);
	keys("l l");
	expect("MARK 22 rows 22m  2022-01-01 00:00 .. 00:21", 5);
	keys("m a");
	expect("labelled 2022-01-01 00:00:00 .. 2022-01-01 00:21:00 (22 rows",
	       5);
	keys("u");
	expect("undone", 5);
	keys("q");
	expect("VIGIL-EXIT=0", 5);
	start_at("--no-model", "C", 80, 24);
	expect("metrics", 10);
	keys("g m l");
	expect("MARK 20 rows 20m  2022-01-01 00:00 .. 00:19", 5);
	keys("Escape");
	WAIT_CHECK(!strstr(screen, "MARK"), 5);
	keys("q");
	expect("VIGIL-EXIT=0", 5);
}

/* e on a label, l l, Enter: the start edge moves two rows right as one
 * undoable resize; the saved CSV shows it against a save made before. */
static void test_edge_mode_saved(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	clear_journals();
	start("--no-model", "C.UTF-8");
	expect("metrics", 10);
	save_csv("edge-before.csv");
	keys("]");
	expect("[label]", 5);
	keys("e");
	expect("EDGE start: ", 5);
	char st[1024];
	status_line(st, sizeof(st));
	int n0 = 0;
	CHECK(sscanf(strstr(st, "EDGE start: "), "EDGE start: %d", &n0) == 1);
	keys("l l");
	char want[64];
	snprintf(want, sizeof(want), "EDGE start: %d rows", n0 - 2);
	expect(want, 5);
	keys("Enter");
	expect("resized 2022", 5);
	expect("1 edit unsaved", 5);
	save_csv("edge-after.csv");
	long s0[64], e0[64], s1[64], e1[64];
	size_t n_before = csv_ranges("edge-before.csv", "cpu_usage", s0, e0, 64);
	size_t n_after = csv_ranges("edge-after.csv", "cpu_usage", s1, e1, 64);
	assert_int_equal(n_before, n_after);
	/* exactly one range changed: its start is two rows later */
	int changed = 0;
	for (size_t i = 0; i < n_before; i++) {
		if (has_range(s1, e1, n_after, s0[i], e0[i]))
			continue;
		changed++;
		assert_true(e0[i] - s0[i] == n0);
		assert_true(has_range(s1, e1, n_after, s0[i] + 2, e0[i]));
	}
	assert_int_equal(changed, 1);
	/* one undo gives the label back whole; the cursor, two rows in,
	 * is nearer its end now */
	keys("u");
	expect("undone", 5);
	keys("e");
	snprintf(want, sizeof(want), "EDGE end: %d rows", n0);
	expect(want, 5);
	/* unbound keys in edge mode say what works; Esc leaves */
	keys("x");
	expect("edge mode keys: h l H L Enter Esc", 5);
	keys("Escape");
	expect("edge mode left, label unchanged", 5);
	keys("q");
	expect("unsaved edits", 5);
	keys("d");
	expect("VIGIL-EXIT=0", 5);
}

/* The train/test split on the plot and the axis, at the column of the
 * split row, on the demo (1000 rows, split 500) at 100x30 in UTF-8 and on
 * the bundled SMD cut (600 rows, split 300) at 80x24 in the C locale
 * without colour; train labels are dimmed and the readout says they are
 * not scored. */
static void test_split_drawn(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	clear_journals();
	start("--no-model", "C.UTF-8");
	expect("metrics", 10);
	check_split_mark("\xe2\x95\x8e", 100, 24, 1000, 500);
	/* the cursor starts on the split row: a test row; [ goes back to a
	 * label in the train part */
	CHECK(!strstr(screen, "[train"));
	keys("[");
	expect("[train label: not scored]", 5);
	/* a train label is drawn dimmed in the labels lane (another glyph,
	 * without the band), test labels with the band */
	char lane[4096];
	line_of("labels ", NULL, lane, sizeof(lane));
	CHECK(strstr(lane, "\xe2\x96\x94")); /* train: thin bar */
	CHECK(strstr(lane, "\xe2\x96\x80")); /* test: the label band */
	keys("g");
	expect("[train]", 5);
	keys("q");
	expect("VIGIL-EXIT=0", 5);
	char out[1024];
	assert_int_equal(tu_run(out, sizeof(out),
				"rm -rf '%s/smds' && cp -r data/samples/smd-cut "
				"'%s/smds'",
				tmp, tmp),
			 0);
	char args[600];
	snprintf(args, sizeof(args),
		 "--no-model '%s/smds/ServerMachineDataset:machine-1-2'", tmp);
	start_at(args, "C NO_COLOR=1", 80, 24);
	expect("m01", 10);
	check_split_mark(":", 80, 20, 600, 300);
	keys("q");
	expect("VIGIL-EXIT=0", 5);
}

/* The mean of the two largest metric scores of row r in the points file
 * of the SMD copy (row,time,node,m01,...). */
static double node_score_of(long r)
{
	char path[700];
	snprintf(path, sizeof(path), "%s/m12/det.csv.points.csv", tmp);
	char *csv = tu_slurp(path, NULL);
	assert_non_null(csv);
	char key[32];
	snprintf(key, sizeof(key), "\n%ld,", r);
	const char *p = strstr(csv, key);
	assert_non_null(p);
	p += strlen(key);
	p = strchr(p, ',') + 1; /* time */
	p = strchr(p, ',');     /* node */
	double a = 0, b = 0;
	while (p && *p == ',') {
		double v = strtod(p + 1, (char **)&p);
		if (v > a) {
			b = a;
			a = v;
		} else if (v > b) {
			b = v;
		}
	}
	free(csv);
	return (a + b) / 2;
}

/* "tp": A, "fp": B, "fn": C of the event rule, all detections, of the
 * metric named name in `vigil score --per-metric --json`'s output. */
static void json_event_all(const char *json, const char *name, long *tp,
			   long *fp, long *fn)
{
	char key[64];
	snprintf(key, sizeof(key), "\"name\": \"%s\"", name);
	const char *m = strstr(json, key);
	assert_non_null(m);
	const char *e = strstr(m, "\"event\": {\"all\": {");
	assert_non_null(e);
	assert_int_equal(sscanf(e, "\"event\": {\"all\": {\"tp\": %ld, "
				   "\"fp\": %ld, \"fn\": %ld",
				tp, fp, fn),
			 3);
}

/* The relabelling exercise on an SMD machine whose one node-level range
 * the analyst judges wrong: x at node scope, saved as vigil's CSV (which
 * then has metric rows only). `vigil score --labels` on the saved file
 * and the dashboard reopened on it show the node's figures as they were
 * before the save: no node labels. Before, both read the missing node
 * level as the union of the metrics' labels (TP 72 FP 103 where the
 * dashboard had shown TP 0 FP 175). */
static void test_empty_node_saved_stays_empty(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	clear_journals();
	static char out[1 << 16];
	if (tu_run(out, sizeof(out),
		   "rm -rf '%s/cut' && cp -r data/samples/smd-cut '%s/cut'",
		   tmp, tmp) != 0)
		fail_msg("cannot copy the machine: %s", out);
	char args[800];
	snprintf(args, sizeof(args),
		 "'%s/cut/ServerMachineDataset:machine-1-2' --epochs 2", tmp);
	start_at(args, "C.UTF-8", 200, 60);
	expect("recall", 60);
	keys("Tab");
	expect("node | ? help", 5);
	keys("g ]");
	expect("[label]", 5);
	keys("x");
	expect("unlabelled ", 5);
	expect("(original: recall 1.00", 5);
	char shown[128];
	line_of("event, all: TP ", NULL, out, sizeof(out));
	const char *e = strstr(out, "event, all: TP ");
	CHECK(e != NULL);
	snprintf(shown, sizeof(shown), "%.*s", (int)(strstr(e, " recall") - e),
		 e);
	long tp, fp, fn;
	CHECK(sscanf(shown, "event, all: TP %ld FP %ld FN %ld", &tp, &fp,
		     &fn) == 3);
	assert_int_equal(tp, 0);
	assert_int_equal(fn, 0);
	save_csv("nonode.csv");
	keys("q");
	expect("VIGIL-EXIT=0", 5);
	/* score with the saved file: the node's figures as shown */
	if (tu_run(out, sizeof(out),
		   "XDG_CACHE_HOME='%s/cache' %s score "
		   "'%s/cut/ServerMachineDataset:machine-1-2' --epochs 2 "
		   "--labels '%s/nonode.csv' --json 2>/dev/null",
		   tmp, tu_vigil(), tmp, tmp) != 0)
		fail_msg("vigil score: %s", out);
	char want[160];
	snprintf(want, sizeof(want),
		 "\"event\": {\"all\": {\"tp\": %ld, \"fp\": %ld, \"fn\": "
		 "%ld,",
		 tp, fp, fn);
	if (!strstr(out, want))
		fail_msg("the dashboard showed %s; score gives %s", shown,
			 strstr(out, "\"event\""));
	/* the dashboard reopened on it shows them again */
	clear_journals();
	snprintf(args, sizeof(args),
		 "'%s/cut/ServerMachineDataset:machine-1-2' --epochs 2 "
		 "--labels '%s/nonode.csv'",
		 tmp, tmp);
	start_at(args, "C.UTF-8", 200, 60);
	expect("recall", 60);
	keys("Tab");
	expect("node | ? help", 5);
	expect(shown, 5);
	keys("q");
	expect("VIGIL-EXIT=0", 5);
}

/* A note of several lines (a label file from a spreadsheet, or vigil's
 * own writer, quotes it over its line breaks) is read with the rest of
 * its label: the dashboard opens on the file, shows the note, and saves
 * it back byte for byte; the saved file opens and saves again the same.
 * Before, the label CSV reader split records at every line break and
 * refused the file ("malformed CSV field"), vigil's own saves included. */
static void test_note_of_several_lines_round_trips(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	clear_journals();
	char path[600], text[16384];
	snprintf(path, sizeof(path), "%s/notes.csv", tmp);
	int o = snprintf(text, sizeof(text), "timestamp,cpu\n");
	for (int i = 0; i < 300; i++)
		o += snprintf(text + o, sizeof(text) - (size_t)o,
			      "2024-03-01 %02d:%02d:00,%d\n", i / 60, i % 60,
			      40 + i % 13);
	assert_int_equal(tu_write(path, text), 0);
	const char *note = "\"disk full, \"\"/var\"\"\nrestarted at 04:12 \xc3\xa9\"";
	const char *want =
		"metric,start,end,start_time,end_time,source,note\n"
		"*,250,260,2024-03-01 04:10:00,2024-03-01 04:19:00,analyst,"
		"\"disk full, \"\"/var\"\"\nrestarted at 04:12 \xc3\xa9\"\n"
		"cpu,250,260,2024-03-01 04:10:00,2024-03-01 04:19:00,analyst,"
		"\"disk full, \"\"/var\"\"\nrestarted at 04:12 \xc3\xa9\"\n";
	snprintf(path, sizeof(path), "%s/in.csv", tmp);
	snprintf(text, sizeof(text),
		 "metric,start,end,start_time,end_time,source,note\n"
		 "*,250,260,,,analyst,%s\ncpu,250,260,,,analyst,%s\n",
		 note, note);
	assert_int_equal(tu_write(path, text), 0);
	char args[800];
	snprintf(args, sizeof(args), "'%s/notes.csv' --labels '%s/in.csv' "
		 "--no-model", tmp, tmp);
	start_at(args, "C.UTF-8", 200, 40);
	expect(">cpu", 10);
	keys("]");
	/* the readout shows the note on one line, its break escaped */
	expect("[label] \"disk full, \"/var\"", 5);
	expect("restarted at 04:12 \xc3\xa9\"", 5);
	save_csv("out1.csv");
	keys("q");
	expect("VIGIL-EXIT=0", 5);
	snprintf(path, sizeof(path), "%s/out1.csv", tmp);
	char *one = tu_slurp(path, NULL);
	assert_non_null(one);
	assert_string_equal(one, want);
	/* the saved file, opened and saved again */
	clear_journals();
	snprintf(args, sizeof(args), "'%s/notes.csv' --labels '%s/out1.csv' "
		 "--no-model", tmp, tmp);
	start_at(args, "C.UTF-8", 200, 40);
	expect(">cpu", 10);
	keys("]");
	expect("restarted at 04:12 \xc3\xa9\"", 5);
	save_csv("out2.csv");
	keys("q");
	expect("VIGIL-EXIT=0", 5);
	snprintf(path, sizeof(path), "%s/out2.csv", tmp);
	char *two = tu_slurp(path, NULL);
	assert_non_null(two);
	assert_string_equal(two, one);
	free(one);
	free(two);
}

/* The scores panel of an SMD machine's metric is what `vigil score
 * --per-metric` prints for it with the machine's own labels: both read
 * the metrics' labels from interpretation_label and the node's from
 * test_label. Before, score read test_label alone and scored every metric
 * against no labels at all (m09 of machine-3-10: TP 0 FP 43 where the
 * dashboard showed TP 43 FP 0; m19's missed label was no FN). */
static void test_metric_scores_match_score(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	static char out[1 << 16];
	if (tu_run(out, sizeof(out),
		   "rm -rf '%s/m13' && cp -r data/samples/smd-fleet '%s/m13'",
		   tmp, tmp) != 0)
		fail_msg("cannot copy the machine: %s", out);
	char ds[600];
	snprintf(ds, sizeof(ds), "'%s/m13/ServerMachineDataset:machine-3-10'",
		 tmp);
	if (tu_run(out, sizeof(out),
		   "XDG_CACHE_HOME='%s/cache' %s score %s --epochs 2 "
		   "--per-metric --json 2>/dev/null",
		   tmp, tu_vigil(), ds) != 0)
		fail_msg("vigil score: %s", out);
	long tp9, fp9, fn9, tp19, fp19, fn19;
	json_event_all(out, "m09", &tp9, &fp9, &fn9);
	json_event_all(out, "m19", &tp19, &fp19, &fn19);
	/* both have labels in interpretation_label (m09 155-228, m19
	 * 875-951): each is found or missed, not absent */
	assert_true(tp9 + fn9 > 0);
	assert_true(tp19 + fn19 > 0);
	char args[800];
	snprintf(args, sizeof(args), "%s --epochs 2", ds);
	start_at(args, "C.UTF-8", 200, 60);
	expect("model from the cache", 60);
	char want[128];
	keys("j j j j j j j j");
	expect(">m09", 5);
	snprintf(want, sizeof(want), "event, all: TP %ld FP %ld FN %ld ", tp9,
		 fp9, fn9);
	expect(want, 5);
	for (int i = 0; i < 10; i++)
		keys("j");
	expect(">m19", 5);
	snprintf(want, sizeof(want), "event, all: TP %ld FP %ld FN %ld ",
		 tp19, fp19, fn19);
	expect(want, 5);
	keys("q");
	expect("VIGIL-EXIT=0", 5);
}

/* A real SMD machine (a copy of data/samples/smd-fleet's machine-3-10, 2,000
 * rows), `vigil detect` and the dashboard on the same model: A
 * lists as many alerts as the alerts file, Enter goes to the chosen one,
 * whose band shows the file's ranked metrics and shares; Enter in the
 * alert selects its metrics in rank order; S orders the alerts by
 * criticality. At 200x60, then the band and the view at 80x24. */
static void test_alerts_match_detect(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	char out[8192];
	if (tu_run(out, sizeof(out),
		   "rm -rf '%s/m12' && cp -r data/samples/smd-fleet '%s/m12'",
		   tmp, tmp) != 0)
		fail_msg("cannot copy the machine: %s", out);
	char ds[600];
	snprintf(ds, sizeof(ds), "'%s/m12/ServerMachineDataset:machine-3-10'",
		 tmp);
	/* two epochs: the same model for detect and the dashboard (cached
	 * beside the copy), quick even under the sanitizers */
	if (tu_run(out, sizeof(out),
		   "XDG_CACHE_HOME='%s/cache' %s detect %s --epochs 2 --points "
		   "-o '%s/m12/det.csv'",
		   tmp, tu_vigil(), ds, tmp) != 0)
		fail_msg("vigil detect: %s", out);
	static FileAlert fa[200];
	char path[700];
	snprintf(path, sizeof(path), "%s/m12/det.csv.alerts.csv", tmp);
	int n = read_alerts(path, fa, 200);
	assert_true(n >= 3);
	char args[800];
	snprintf(args, sizeof(args), "%s --epochs 2", ds);
	start_at(args, "C.UTF-8", 200, 60);
	expect("model from the cache", 60);
	keys("A");
	char title[64];
	snprintf(title, sizeof(title), " %d alerts by time ", n);
	expect(title, 5);
	/* every alert a row, "| N <start> ...": 56 rows fit at 200x60, G
	 * scrolls to the last */
	for (int i = 1; i <= n && i <= 56; i++) {
		char row[32];
		snprintf(row, sizeof(row), " %4d %ld ", i, fa[i - 1].start);
		WAIT_CHECK(strstr(screen, row) != NULL, 5);
	}
	char row_n[32];
	snprintf(row_n, sizeof(row_n), " %4d %ld ", n, fa[n - 1].start);
	keys("G");
	expect(row_n, 5);
	/* the first alert: Enter goes there; its band is the file's */
	keys("g Enter");
	expect("alert: ", 5);
	check_band(&fa[0], 1, n);
	/* the node score at node scope is the node rule's: the mean of the
	 * two largest metric scores of that row (detect's points file) */
	keys("Tab");
	expect("node, plotted on", 5);
	double want = node_score_of(fa[0].start);
	char rl[4096];
	line_of("node score ", NULL, rl, sizeof(rl));
	const char *ns = strstr(rl, "node score ");
	CHECK(ns != NULL);
	double got = atof(ns + 11);
	if (got < want - 0.006 || got > want + 0.006) {
		dump_failure();
		fail_msg("node score %.3f at row %ld, the points file gives "
			 "%.3f",
			 got, fa[0].start, want);
	}
	keys("Tab");
	expect("metric | ? help", 5);
	/* Enter in the alert: its metrics in rank order */
	keys("Enter");
	char msg[128];
	snprintf(msg, sizeof(msg), "metric 2 of the alert: %s (share %s)",
		 fa[0].metric[1], fa[0].share[1]);
	expect(msg, 5);
	char sel[64];
	snprintf(sel, sizeof(sel), ">%s ", fa[0].metric[1]);
	expect(sel, 5);
	/* v: the alert's top four metrics (or all it ranks, when fewer)
	 * stacked, with their shares */
	int top = fa[0].n < 4 ? fa[0].n : 4;
	keys("v");
	char st_title[64];
	snprintf(st_title, sizeof(st_title),
		 "stacked: the top %d metrics of alert 1", top);
	expect(st_title, 5);
	for (int k = 0; k < top; k++) {
		char head[96];
		snprintf(head, sizeof(head), "%d %s  share %s", k + 1,
			 fa[0].metric[k], fa[0].share[k]);
		expect(head, 5);
	}
	CHECK(count_of("detect") == top);
	keys("v");
	WAIT_CHECK(!strstr(screen, "stacked:"), 5);
	/* ":" lands on the row asked (no time axis: rows) */
	char go[64], at[64];
	snprintf(go, sizeof(go), "':%ld' Enter", fa[n - 1].start + 3);
	keys(go);
	snprintf(at, sizeof(at), "row %ld ", fa[n - 1].start + 3);
	expect(at, 5);
	/* the last alert, from the view */
	keys("A G Enter");
	check_band(&fa[n - 1], n, n);
	/* S: by criticality, the most critical first */
	keys("A S");
	expect("alerts by criticality", 5);
	int worst = 0;
	for (int i = 0; i < n; i++) {
		int c = !strcmp(fa[i].crit, "high")	? 3
			: !strcmp(fa[i].crit, "medium") ? 2
							: 1;
		if (c > worst)
			worst = c;
	}
	char line[4096];
	line_of("    # start", NULL, line, sizeof(line));
	CHECK(line[0]);
	const char *first = strstr(screen, line);
	const char *row1 = first ? strchr(first, '\n') : NULL;
	CHECK(row1 != NULL);
	char r1[256];
	snprintf(r1, sizeof(r1), "%.*s", (int)strcspn(row1 + 1, "\n"),
		 row1 + 1);
	CHECK(strstr(r1, worst == 3 ? " high " : worst == 2 ? " medium "
							   : " low "));
	/* 80x24: the view scrolls to keep the choice in sight; the band
	 * still matches */
	tu_run(out, sizeof(out), "tmux -L %s resize-window -x 80 -y 24", sock);
	keys("Escape A S S g");
	expect("alerts by time", 5);
	keys("G");
	char last[32];
	snprintf(last, sizeof(last), " %4d %ld ", n, fa[n - 1].start);
	expect(last, 5);
	keys("Enter");
	check_band(&fa[n - 1], n, n);
	keys("q");
	expect("VIGIL-EXIT=0", 5);
}

/* One row of the metric list as drawn: "[>]NAME SCORE[*] F1 .NN". */
typedef struct {
	char name[64];
	double score;
	int star, selected;
	double f1;
} ListRow;

/* The metric list's rows on the screen (lines holding "F1 " within the
 * list pane's width); returns how many. */
static int list_rows(ListRow *rows, int cap, int list_w)
{
	int n = 0;
	for (const char *p = screen; *p && n < cap;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[4096];
		snprintf(line, sizeof(line), "%.*s", (int)len, p);
		char *f1 = strstr(line, "F1 ");
		/* the list pane: its border, then the row */
		if (f1 && chars_in(line, (size_t)(f1 - line)) < list_w) {
			ListRow *r = &rows[n];
			memset(r, 0, sizeof(*r));
			const char *q = line;
			while (*q && ((unsigned char)*q & 0xc0) == 0x80)
				q++;
			q++; /* the border */
			while (((unsigned char)*q & 0xc0) == 0x80)
				q++;
			r->selected = *q == '>';
			char star = 0;
			if (sscanf(q + 1, "%63s %lf%c", r->name, &r->score,
				   &star) >= 2) {
				r->star = star == '*';
				r->f1 = atof(f1 + 3);
				n++;
			}
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return n;
}

/* The metric list shows each metric's score at the cursor (the readout's,
 * to one decimal); at node scope a * marks the metrics that carry the
 * node score (the node rule's 2 largest); S orders by score at the cursor,
 * then by F1, then by name again, and the score order follows the cursor.
 * On the demo with its model (100x30). */
static void test_list_score_order(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	clear_journals();
	start("", "C.UTF-8");
	expect("recall", 30);
	keys("n"); /* a detection: scores above 1 here */
	WAIT_CHECK(strstr(screen, "[low]") || strstr(screen, "[medium]") ||
			   strstr(screen, "[high]"),
		   5);
	ListRow r[8];
	WAIT_CHECK(list_rows(r, 8, 24) == 3, 5);
	/* the selected metric's score is the readout's */
	/* the readout is the first line: "... score 2.02 ..." or, when
	 * short of room, "... s 2.02 ..." */
	char line[4096];
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(screen, "\n"),
		 screen);
	const char *sc = strstr(line, " score ");
	const char *sh = strstr(line, " s ");
	CHECK(sc || sh);
	char want[16], got[16];
	snprintf(want, sizeof(want), "%.1f", sc ? atof(sc + 7) : atof(sh + 3));
	int sel = r[0].selected ? 0 : r[1].selected ? 1 : 2;
	snprintf(got, sizeof(got), "%.1f", r[sel].score);
	if (strcmp(want, got)) {
		dump_failure();
		fail_msg("list score %s, readout score %s", got, want);
	}
	CHECK(!r[0].star && !r[1].star && !r[2].star);
	/* node scope: the two largest scores are starred */
	keys("Tab");
	expect("node | ? help", 5);
	WAIT_CHECK(list_rows(r, 8, 24) == 3 &&
			   r[0].star + r[1].star + r[2].star == 2,
		   5);
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)
			if (r[i].star && !r[j].star)
				CHECK(r[i].score >= r[j].score);
	keys("Tab S");
	expect("metrics by score", 5);
	WAIT_CHECK(list_rows(r, 8, 24) == 3 && r[0].score >= r[1].score &&
			   r[1].score >= r[2].score,
		   5);
	/* the order follows the cursor */
	keys("l l l l l l");
	expect("metrics by score", 1);
	double end = clock_mono_seconds() + timeout_s(3);
	int sorted = 0;
	do {
		capture();
		sorted = list_rows(r, 8, 24) == 3 && r[0].score >= r[1].score &&
			 r[1].score >= r[2].score;
	} while (!sorted && clock_mono_seconds() < end);
	CHECK(sorted);
	keys("S");
	expect("metrics by F1", 5);
	WAIT_CHECK(list_rows(r, 8, 24) == 3 && r[0].f1 >= r[1].f1 &&
			   r[1].f1 >= r[2].f1,
		   5);
	keys("S");
	expect("metrics by name", 5);
	WAIT_CHECK(list_rows(r, 8, 24) == 3 &&
			   !strncmp(r[0].name, "cpu_", 4) &&
			   !strncmp(r[1].name, "memory", 6) &&
			   !strncmp(r[2].name, "network", 7),
		   5);
	keys("q");
	expect("VIGIL-EXIT=0", 5);
}

/* ":" goes to a row, a time (whole, or a time of the cursor's day) or an
 * offset; the readout and the status line say where. The demo: 1000
 * one-minute rows from 2022-01-01 00:00. At 80x24. */
static void test_goto(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	clear_journals();
	start_at("--no-model", "C.UTF-8", 80, 24);
	expect("metrics", 10);
	keys("':500' Enter");
	expect("row 500 (2022-01-01 08:20:00)", 5);
	expect("08:20", 5);
	keys("':2022-01-01 10:30' Enter");
	expect("row 630 (2022-01-01 10:30:00)", 5);
	keys("':+1h' Enter");
	expect("row 690 (2022-01-01 11:30:00)", 5);
	keys("':-90m' Enter");
	expect("row 600 (2022-01-01 10:00:00)", 5);
	keys("':07:15' Enter");
	expect("row 435 (2022-01-01 07:15:00)", 5);
	keys("':+10' Enter");
	expect("row 445 (2022-01-01 07:25:00)", 5);
	keys("':+1d' Enter");
	expect("past the end: the last row, 999", 5);
	keys("':soon' Enter");
	expect("not a row, time or +/-offset: 'soon'", 5);
	/* Esc leaves the prompt where the cursor was */
	keys("':12' Escape");
	WAIT_CHECK(!strstr(screen, "go to (row"), 5);
	expect("16:39", 5);
	keys("q");
	expect("VIGIL-EXIT=0", 5);
}

/* i writes a note on the labelled range under the cursor: the readout
 * shows it, it survives a kill through the journal, vigil's CSV saves it
 * and --labels reads it back; an empty note removes it, u brings it
 * back. */
static void test_note(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	clear_journals();
	start("--no-model", "C.UTF-8");
	expect("metrics", 10);
	keys("]");
	expect("[label]", 5);
	keys("i");
	expect("note (Enter set, empty removes, Esc):", 5);
	keys("'disk full on /var' Enter");
	expect("note on the range at 2022-01-01 09:14:00 (cpu_usage): disk "
	       "full on /var",
	       5);
	expect("[label] \"disk full on /var\"", 5);
	expect("1 edit unsaved", 5);
	/* a kill: the journal gives the note back */
	stop_server();
	start("--no-model", "C.UTF-8");
	expect("recover 1 edit from the journal (1 unsaved)? r recover", 10);
	keys("r");
	expect("recovered 1 edit", 5);
	keys("]");
	expect("[label] \"disk full on /var\"", 5);
	save_csv("note.csv");
	char path[600];
	snprintf(path, sizeof(path), "%s/note.csv", tmp);
	char *csv = tu_slurp(path, NULL);
	assert_non_null(csv);
	assert_non_null(strstr(csv, "\ncpu_usage,554,558,2022-01-01 09:14:00,"
				    "2022-01-01 09:17:00,original,disk full on "
				    "/var\n"));
	free(csv);
	/* an empty note removes it; u brings it back */
	keys("i C-u Enter");
	expect("note removed from the range at 2022-01-01 09:14:00", 5);
	WAIT_CHECK(!strstr(screen, "disk full"), 5);
	keys("u");
	expect("[label] \"disk full on /var\"", 5);
	expect("0 edits unsaved", 5); /* as saved */
	keys("q");
	expect("VIGIL-EXIT=0", 5);
	/* the saved file, read back as the labels */
	char args[700];
	snprintf(args, sizeof(args), "--no-model --labels '%s'", path);
	start(args, "C.UTF-8");
	expect("metrics", 10);
	keys("]");
	expect("[label] \"disk full on /var\"", 5);
	keys("q");
	expect("VIGIL-EXIT=0", 5);
}

/* Space marks metrics in the list (+ before the name); v then stacks the
 * marked ones, in the list's order, before any alert's; Space again
 * unmarks. The demo at 100x30. */
static void test_stack_marked(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	clear_journals();
	start("--no-model", "C.UTF-8");
	expect("metrics", 10);
	keys("Space");
	expect("marked cpu_usage: 1 marked for v", 5);
	keys("j j Space");
	expect("marked network_latency: 2 marked for v", 5);
	expect("+cpu_usage", 5);
	keys("v");
	expect("stacked: the 2 marked metrics", 5);
	expect("1 cpu_usage  score", 5);
	expect("2 network_latency  score", 5);
	CHECK(count_of("detect") == 2 && !strstr(screen, "memory_usage"));
	keys("v");
	WAIT_CHECK(!strstr(screen, "stacked:"), 5);
	keys("Space");
	expect("unmarked network_latency: 1 marked for v", 5);
	keys("v");
	expect("stacked: the 1 marked metric ", 5);
	CHECK(count_of("detect") == 1);
	keys("q");
	expect("VIGIL-EXIT=0", 5);
}

/* One row of the machines view: "NAME ROWS MODEL L/M/H P/R/F1 P/R/F1
 * EDITS". */
typedef struct {
	char name[64], model[32], dets[32], orig[32], work[32];
	long rows;
	int edits;
} MachineRow;

static int machine_row_of(const char *name, MachineRow *r)
{
	char line[4096];
	line_of(name, NULL, line, sizeof(line));
	const char *p = strstr(line, name);
	return p && sscanf(p, "%63s %ld %31s %31s %31s %31s %d", r->name,
			   &r->rows, r->model, r->dets, r->orig, r->work,
			   &r->edits) == 7;
}

/* The event F1 (node level, all detections) of machine in the JSON of
 * `vigil score FOLDER --json`, as the dashboard prints ratios (".48",
 * "1.0"). */
static void folder_f1(const char *json, const char *machine, char *out,
		      size_t n)
{
	char key[300];
	snprintf(key, sizeof(key), "\"machine\": \"%s\"", machine);
	const char *p = strstr(json, key);
	assert_non_null(p);
	p = strstr(p, "\"event\": {\"all\": {");
	assert_non_null(p);
	p = strstr(p, "\"f1\": ");
	assert_non_null(p);
	double f1 = atof(p + 6);
	if (f1 >= 0.995)
		snprintf(out, n, "1.0");
	else
		snprintf(out, n, ".%02d", (int)(f1 * 100 + 0.5));
}

/* The machines view's model column: how many rows say training (with a
 * percentage), queued, trained. */
static void model_counts(int *training, int *queued, int *trained)
{
	*training = 0;
	for (const char *p = screen; (p = strstr(p, " training ")); p++) {
		int pc;
		if (sscanf(p + 10, "%d%%", &pc) == 1)
			(*training)++;
	}
	*queued = count_of(" queued ");
	*trained = count_of(" trained ");
}

/* `vigil FOLDER` (an SMD folder, no machine): the machines view lists every
 * machine (a copy of data/samples/smd-fleet: three cut machines), trains
 * them in the background one per core (the others queued, each training
 * row with its progress), and each row's event F1 equals the one `vigil
 * score FOLDER --json` gives for that machine; Enter opens one, f d
 * relabels, M comes back and the row shows the edit and the working F1
 * moved; q asks once when edits are unsaved, and the next start (at
 * 200x60, C locale, NO_COLOR) offers that machine's journal. At 80x24. */
static void test_machines_view(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	clear_journals();
	char out[8192];
	if (tu_run(out, sizeof(out),
		   "rm -rf '%s/fl' && cp -r data/samples/smd-fleet '%s/fl'",
		   tmp, tmp) != 0)
		fail_msg("cannot copy the machines: %s", out);
	long cores = 0;
	assert_int_equal(tu_run(out, sizeof(out), "nproc"), 0);
	cores = atol(out);
	assert_true(cores >= 1);
	static const char *const names[] = {"machine-1-2", "machine-2-1",
					    "machine-3-10"};
	/* a model big enough to train for a second or two a machine, so
	 * that the view shows it (the sanitizers slow a smaller one enough) */
	const char *model = tu_sanitized() ? "--hidden 50 --epochs 20"
					   : "--hidden 150 --epochs 20";
	char args[700];
	snprintf(args, sizeof(args), "'%s/fl/ServerMachineDataset' %s", tmp,
		 model);
	start_at(args, "C.UTF-8", 80, 24);
	expect("machines: 3", 10);
	for (int i = 0; i < 3; i++)
		expect(names[i], 5);
	/* in the background, at most one a core at a time, the rest
	 * queued; every one trained in the end */
	int most = 0, saw_queued = 0, tr = 0, qu = 0, done = 0;
	double end = clock_mono_seconds() + timeout_s(120);
	do {
		capture();
		model_counts(&tr, &qu, &done);
		most = tr > most ? tr : most;
		saw_queued |= qu > 0;
		CHECK(tr <= cores);
	} while (done < 3 && !server_gone && clock_mono_seconds() < end);
	CHECK(done == 3);
	assert_int_equal(most, cores < 3 ? cores : 3);
	if (cores < 3)
		CHECK(saw_queued);
	/* vigil score on the folder (the same models, from the cache):
	 * every machine and the means */
	static char json[65536];
	if (tu_run(json, sizeof(json),
		   "XDG_CACHE_HOME='%s/cache' %s score "
		   "'%s/fl/ServerMachineDataset' %s --json 2>/dev/null",
		   tmp, tu_vigil(), tmp, model) != 0)
		fail_msg("vigil score FOLDER: %s", json);
	CHECK(strstr(json, "\"mean\": {"));
	for (int i = 0; i < 3; i++) {
		char f1[16];
		folder_f1(json, names[i], f1, sizeof(f1));
		/* a fresh screen, the row whole: the capture that saw
		 * "trained" may have caught the row half painted */
		MachineRow r;
		WAIT_CHECK(machine_row_of(names[i], &r) &&
				   strchr(r.orig, '/') && strchr(r.work, '/'),
			   5);
		/* "P/R/F1": the F1 after the second slash */
		char want[40];
		snprintf(want, sizeof(want), "/%s", f1);
		size_t lw = strlen(want);
		if (strlen(r.orig) < lw || strcmp(r.orig + strlen(r.orig) - lw,
						  want) ||
		    strcmp(r.orig, r.work)) {
			dump_failure();
			fail_msg("%s: vigil score's event F1 is %s; the row has "
				 "%s and %s",
				 names[i], f1, r.orig, r.work);
		}
	}
	/* open the third machine, relabel a false positive (from the first
	 * row: the first test rows' detection, which no label touches),
	 * come back */
	keys("j j Enter");
	expect("m01", 10);
	keys("Tab g");
	CHECK(press_until("f", "FP: ", 12));
	keys("d");
	expect("1 edit unsaved", 5);
	keys("M");
	expect("machines: 3", 5);
	MachineRow r;
	WAIT_CHECK(machine_row_of("machine-3-10", &r) && r.edits == 1, 5);
	/* the working scores moved away from the original's */
	CHECK(strcmp(r.orig, r.work) != 0);
	CHECK(machine_row_of("machine-1-2", &r) && r.edits == 0 &&
	      !strcmp(r.orig, r.work));
	/* everything kept: the machine opens as it was left */
	keys("Enter");
	expect("1 edit unsaved", 5);
	keys("q");
	expect("machines: 3", 5);
	keys("q");
	expect("1 machine with unsaved edits (their journals keep them): q "
	       "again quits",
	       5);
	keys("q");
	expect("VIGIL-EXIT=0", 5);
	/* the next start, at 200x60 in the C locale without colour: the
	 * models from the cache at once; that machine's journal is offered
	 * when it opens */
	start_at(args, "C NO_COLOR=1", 200, 60);
	expect("machines: 3", 10);
	WAIT_CHECK(count_of(" trained ") == 3, 60);
	keys("G Enter");
	expect("recover 1 edit from the journal (1 unsaved)? r recover", 10);
	keys("r");
	expect("recovered 1 edit", 5);
	keys("M");
	WAIT_CHECK(machine_row_of("machine-3-10", &r) && r.edits == 1, 5);
	keys("q q");
	expect("VIGIL-EXIT=0", 5);
}

/* A folder of NAB files (a copy of the bundled one) opens the machines
 * view too, one row a file, each row's event F1 the one `vigil score
 * FOLDER --json` gives for that file; Enter opens the file's dashboard. */
static void test_machines_view_nab_folder(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	clear_journals();
	char out[4096];
	assert_int_equal(tu_run(out, sizeof(out),
				"rm -rf '%s/nabf' && cp -r data/samples/nab "
				"'%s/nabf'",
				tmp, tmp),
			 0);
	static char json[65536];
	if (tu_run(json, sizeof(json),
		   "XDG_CACHE_HOME='%s/cache' %s score "
		   "'%s/nabf/realAWSCloudwatch' --json 2>/dev/null",
		   tmp, tu_vigil(), tmp) != 0)
		fail_msg("vigil score FOLDER: %s", json);
	char args[700];
	snprintf(args, sizeof(args), "'%s/nabf/realAWSCloudwatch'", tmp);
	start_at(args, "C.UTF-8", 100, 30);
	expect("machines: 2", 10);
	WAIT_CHECK(count_of(" trained ") == 2, 60);
	static const char *const names[] = {"ec2_network_in_257a54",
					    "elb_request_count_8c0756"};
	for (int i = 0; i < 2; i++) {
		char f1[16], want[40];
		folder_f1(json, names[i], f1, sizeof(f1));
		MachineRow r;
		WAIT_CHECK(machine_row_of(names[i], &r) &&
				   strchr(r.work, '/'),
			   5);
		snprintf(want, sizeof(want), "/%s", f1);
		size_t lw = strlen(want);
		if (strlen(r.work) < lw ||
		    strcmp(r.work + strlen(r.work) - lw, want)) {
			dump_failure();
			fail_msg("%s: vigil score's event F1 is %s, the row "
				 "has %s",
				 names[i], f1, r.work);
		}
	}
	keys("j Enter");
	expect("elb_request_count_8c0756", 5);
	expect("metric | ? help", 5);
	keys("M");
	expect("machines: 2", 5);
	keys("q");
	expect("VIGIL-EXIT=0", 5);
}

/* A folder with one machine that cannot be read (its test file starts
 * with "oops"): the machines view opens with the others, that machine's
 * row says why (file, line, column), Enter on it says it cannot be
 * opened, and the others open as usual. The dashboard used to refuse the
 * whole folder with that one machine's error. */
static void test_machines_view_bad_machine(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	clear_journals();
	char out[4096];
	if (tu_run(out, sizeof(out),
		   "rm -rf '%s/flbad' && cp -r data/samples/smd-fleet "
		   "'%s/flbad' && cd '%s/flbad/ServerMachineDataset' && "
		   "cp train/machine-1-2.txt train/machine-x.txt && "
		   "(echo oops; tail -n +2 test/machine-1-2.txt) > "
		   "test/machine-x.txt",
		   tmp, tmp, tmp) != 0)
		fail_msg("cannot make the folder: %s", out);
	char args[700];
	snprintf(args, sizeof(args), "'%s/flbad/ServerMachineDataset' "
				     "--no-model",
		 tmp);
	start_at(args, "C.UTF-8", 200, 30);
	expect("machines: 4", 10);
	expect("machine-x       - not opened: ", 5);
	expect("test/machine-x.txt:1:1: expected a number", 5);
	/* the readable machines are listed as usual */
	char line[4096];
	line_of("machine-3-10", NULL, line, sizeof(line));
	CHECK(strstr(line, " 2000 no model ") != NULL);
	keys("G Enter");
	expect("machine-x cannot be opened: ", 5);
	CHECK(strstr(screen, "machines: 4") != NULL);
	keys("g Enter");
	expect("m01", 10);
	keys("M");
	expect("machines: 4", 5);
	stop_server();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_disagreements_and_d),
		cmocka_unit_test(test_selection_extent_live),
		cmocka_unit_test(test_edge_mode_saved),
		cmocka_unit_test(test_split_drawn),
		cmocka_unit_test(test_list_score_order),
		cmocka_unit_test(test_goto),
		cmocka_unit_test(test_note),
		cmocka_unit_test(test_stack_marked),
		cmocka_unit_test(test_empty_node_saved_stays_empty),
		cmocka_unit_test(test_note_of_several_lines_round_trips),
		cmocka_unit_test(test_metric_scores_match_score),
		cmocka_unit_test(test_alerts_match_detect),
		cmocka_unit_test(test_machines_view),
		cmocka_unit_test(test_machines_view_nab_folder),
		cmocka_unit_test(test_machines_view_bad_machine),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
