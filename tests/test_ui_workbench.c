/* End-to-end tests of the analyst's workbench keys in the dashboard (the
 * real binary in tmux, helpers in tests/tmuxutil.h): f / F name each
 * disagreement, d labels the detection under the cursor, the selection's
 * extent shows live, e moves a label's edge. Each test asserts on the
 * screen and on the files saved from it. Skipped when tmux is missing. */
#include "tests/testutil.h"

#include "tests/tmuxutil.h"
#include "ui/dash/plot.h"

/* Save the labels as vigil CSV to tmp/name through the save prompt. */
static void save_csv(const char *name)
{
	char cmd[700], done[300];
	keys("s");
	expect("save as csv in", 5);
	snprintf(cmd, sizeof(cmd), "C-u '%s/%s' Enter", tmp, name);
	keys(cmd);
	snprintf(done, sizeof(done), "%s (csv)", name);
	expect(done, 5);
}

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
	panel_recall(before, sizeof(before));
	CHECK(before[0]);
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

/* Characters (UTF-8 aware) in the first n bytes of text. */
static long chars_in(const char *text, size_t n)
{
	long c = 0;
	for (size_t i = 0; i < n && text[i]; i++)
		if (((unsigned char)text[i] & 0xc0) != 0x80)
			c++;
	return c;
}

/* How many lines of the screen have glyph at screen column col. */
static int lines_with_glyph_at(const char *glyph, long col)
{
	int n = 0;
	for (const char *p = screen; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		for (const char *q = p; (q = strstr(q, glyph)) && q < p + len;
		     q++)
			if (chars_in(p, (size_t)(q - p)) == col)
				n++;
		if (!nl)
			break;
		p = nl + 1;
	}
	return n;
}

/* The split of DATASET (rows, first test row) and where the dashboard must
 * draw it: the plot's first column is list_w + 1 + 7 (the list pane, the
 * plot's border, the y axis), its width w - list_w - 9. Then the axis line
 * says "train MARK test" with the mark in that column, and the value area
 * draws the mark in the same column. */
static void check_split_mark(const char *mark, int w, int list_w, size_t rows,
			     size_t split)
{
	size_t pw = (size_t)(w - list_w - 9);
	long col = list_w + 1 + 7 +
		   plot_row_column(0, rows, pw, split);
	char axis[32];
	snprintf(axis, sizeof(axis), "train %s test", mark);
	WAIT_CHECK(strstr(screen, axis) != NULL, 5);
	char line[4096];
	line_of(axis, NULL, line, sizeof(line));
	long at = chars_in(line, (size_t)(strstr(line, axis) - line)) + 6;
	if (at != col) {
		dump_failure();
		fail_msg("split mark at column %ld, the split row's column is "
			 "%ld",
			 at, col);
	}
	/* the value area: the mark in that column on several lines */
	CHECK(lines_with_glyph_at(mark, col) >= 4);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_disagreements_and_d),
		cmocka_unit_test(test_selection_extent_live),
		cmocka_unit_test(test_edge_mode_saved),
		cmocka_unit_test(test_split_drawn),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
