/* The dashboard's actions without a terminal: the App over the demo data,
 * driven through app_action and app_mouse as the keys and the mouse would,
 * checking the view, the selection, the labels and the scores a user sees. */
#include "tests/testutil.h"

#include "ui/dash/app.h"
#include "ui/dash/dash.h"
#include "ui/dash/save.h"

static void open_demo(App *a)
{
	app_init(a);
	DashOptions o;
	dash_options_defaults(&o);
	o.no_model = 1;
	ErrorRecord err;
	assert_int_equal(dash_open(a, &o, &err), STATUS_OK);
	a->plot_w = 50; /* 50 ASCII columns */
	a->unicode = 0;
}

/* Zoom keeps the cursor in view and halves / doubles the window; paging
 * and g/G clamp to the data. */
static void test_zoom_and_paging(void **state)
{
	(void)state;
	App a;
	open_demo(&a);
	assert_int_equal(a.s.rows, 1000);
	assert_int_equal(a.count, 1000);
	assert_int_equal(a.cursor, 500); /* the first test row */
	app_action(&a, ACT_ZOOM_IN);
	assert_int_equal(a.count, 500);
	assert_true(a.cursor >= a.first && a.cursor < a.first + a.count);
	app_action(&a, ACT_ZOOM_IN);
	app_action(&a, ACT_ZOOM_IN);
	assert_int_equal(a.count, 125);
	assert_true(a.cursor >= a.first && a.cursor < a.first + a.count);
	for (int i = 0; i < 20; i++)
		app_action(&a, ACT_PAGE_RIGHT);
	assert_int_equal(a.first + a.count, 1000);
	assert_true(a.cursor >= a.first && a.cursor < 1000);
	app_action(&a, ACT_START);
	assert_int_equal(a.first, 0);
	assert_int_equal(a.cursor, 0);
	app_action(&a, ACT_END);
	assert_int_equal(a.cursor, 999);
	for (int i = 0; i < 10; i++)
		app_action(&a, ACT_ZOOM_OUT);
	assert_int_equal(a.count, 1000);
	assert_int_equal(a.first, 0);
	app_free(&a);
}

/* ] jumps to the next labelled range; x removes it, u brings it back,
 * Ctrl-R removes it again; m..m a labels a selection. */
static void test_label_edits_and_undo(void **state)
{
	(void)state;
	App a;
	open_demo(&a);
	const UiRanges *L = ui_labels_set(&a.labels, 0, 0);
	size_t n0 = L->n;
	assert_true(n0 > 0);
	app_action(&a, ACT_START);
	app_action(&a, ACT_LABEL_NEXT);
	assert_true(ui_ranges_find(L, (int64_t)a.cursor) >= 0);
	Range first = L->r[0];
	assert_int_equal(a.cursor, (size_t)first.start);
	app_action(&a, ACT_UNLABEL);
	L = ui_labels_set(&a.labels, 0, 0);
	assert_int_equal(L->n, n0 - 1);
	assert_int_equal(ui_labels_unsaved(&a.labels), 1);
	/* the original is untouched */
	assert_int_equal(ui_labels_set(&a.labels, 0, 1)->n, n0);
	app_action(&a, ACT_UNDO);
	L = ui_labels_set(&a.labels, 0, 0);
	assert_int_equal(L->n, n0);
	assert_int_equal(ui_labels_unsaved(&a.labels), 0);
	app_action(&a, ACT_REDO);
	assert_int_equal(ui_labels_set(&a.labels, 0, 0)->n, n0 - 1);
	app_action(&a, ACT_UNDO);

	/* a new range by selection: rows 10..29 */
	app_action(&a, ACT_START);
	for (int i = 0; i < 10; i++)
		app_action(&a, ACT_ZOOM_IN); /* 1 row a column */
	a.cursor = 10;
	app_action(&a, ACT_MARK);
	for (int i = 0; i < 19; i++)
		app_action(&a, ACT_CURSOR_RIGHT);
	app_action(&a, ACT_MARK);
	app_action(&a, ACT_LABEL);
	L = ui_labels_set(&a.labels, 0, 0);
	long k = ui_ranges_find(L, 10);
	assert_true(k >= 0);
	assert_int_equal(L->r[k].start, 10);
	assert_int_equal(L->r[k].end, 30);
	assert_int_equal(a.selecting, 0);
	/* the node scope edits the node set, not the metric's */
	size_t node_n = ui_labels_set(&a.labels, UI_NODE, 0)->n;
	app_action(&a, ACT_SCOPE);
	a.cursor = 40;
	app_action(&a, ACT_MARK);
	app_action(&a, ACT_CURSOR_RIGHT);
	app_action(&a, ACT_LABEL);
	assert_int_equal(ui_labels_set(&a.labels, UI_NODE, 0)->n, node_n + 1);
	assert_int_equal(ui_labels_set(&a.labels, 0, 0)->n, n0 + 1);
	app_free(&a);
}

/* The mouse: a click moves the cursor to the clicked column's first row;
 * press, drag and release select. */
static void test_mouse_click_and_drag(void **state)
{
	(void)state;
	App a;
	open_demo(&a);
	/* whole series on 50 columns: 20 rows a column */
	app_mouse(&a, 10, 0);
	app_mouse(&a, 10, 2);
	assert_int_equal(a.cursor, 200);
	assert_int_equal(a.selecting, 0);
	app_mouse(&a, 5, 0);
	app_mouse(&a, 8, 1);
	assert_int_equal(a.selecting, 1);
	app_mouse(&a, 12, 2);
	assert_int_equal(a.selecting, 2);
	assert_int_equal(a.sel_anchor, 100);
	assert_int_equal(a.cursor, 240);
	app_action(&a, ACT_LABEL);
	const UiRanges *L = ui_labels_set(&a.labels, 0, 0);
	long k = ui_ranges_find(L, 150);
	assert_true(k >= 0);
	assert_true(L->r[k].start <= 100 && L->r[k].end >= 241);
	app_free(&a);
}

/* The / filter: a PCRE2 regex over metric names (case-insensitive);
 * j/k move among the matches only; a bad regex keeps the old list. */
static void test_filter(void **state)
{
	(void)state;
	App a;
	open_demo(&a);
	assert_int_equal(a.n_visible, 3);
	assert_int_equal(app_apply_filter(&a, "USAGE$"), 0);
	assert_int_equal(a.n_visible, 2);
	app_action(&a, ACT_METRIC_NEXT);
	assert_string_equal(a.s.names[a.metric], "memory_usage");
	app_action(&a, ACT_METRIC_NEXT);
	assert_string_equal(a.s.names[a.metric], "memory_usage");
	assert_int_equal(app_apply_filter(&a, "(unclosed"), -1);
	assert_int_equal(a.n_visible, 2);
	assert_non_null(strstr(a.message, "regex"));
	assert_int_equal(app_apply_filter(&a, "latency"), 0);
	assert_string_equal(a.s.names[a.metric], "network_latency");
	app_free(&a);
}

/* Scores follow every edit, undo and redo incrementally, and always equal
 * scoring the working labels from scratch; the original's stay put. */
static void test_scores_follow_edits(void **state)
{
	(void)state;
	App a;
	open_demo(&a);
	/* detections: the first labelled range of each metric, plus a false
	 * alarm at rows 900..910; the node gets their union */
	size_t M = a.s.metrics;
	Detection *det[3];
	size_t n_det[3];
	Detection node[8];
	size_t n_node = 0;
	for (size_t m = 0; m < M; m++) {
		const UiRanges *L = ui_labels_set(&a.labels, m, 0);
		det[m] = calloc(2, sizeof(Detection));
		size_t k = 0;
		for (size_t i = 0; i < L->n && !k; i++)
			if (L->r[i].start >= (int64_t)a.s.split)
				det[m][k++] = (Detection){L->r[i], m, CRIT_HIGH,
							  5.0f};
		det[m][k++] = (Detection){{900, 910}, m, CRIT_LOW, 1.2f};
		n_det[m] = k;
		for (size_t i = 0; i < k; i++) {
			node[n_node] = det[m][i];
			node[n_node++].metric = DETECT_NODE;
		}
	}
	assert_int_equal(ui_labels_attach(&a.labels, det, n_det, node, n_node,
					  a.s.split, a.s.rows),
			 0);
	UiScore w[RULE_COUNT], o[RULE_COUNT];
	ui_labels_score(&a.labels, 0, 0, CRIT_LOW, w);
	ui_labels_score(&a.labels, 0, 1, CRIT_LOW, o);
	assert_true(w[RULE_EVENT].fp >= 10); /* the false alarm */
	assert_true(w[RULE_EVENT].tp > 0);
	double p0 = w[RULE_EVENT].p;
	/* label the false alarm: precision rises; high-only is unchanged */
	UiScore h0[RULE_COUNT], h1[RULE_COUNT];
	ui_labels_score(&a.labels, 0, 0, CRIT_HIGH, h0);
	assert_int_equal(ui_labels_mark(&a.labels, 0, 900, 910), 1);
	ui_labels_score(&a.labels, 0, 0, CRIT_LOW, w);
	ui_labels_score(&a.labels, 0, 0, CRIT_HIGH, h1);
	assert_true(w[RULE_EVENT].p > p0);
	assert_int_equal(h1[RULE_EVENT].tp, h0[RULE_EVENT].tp);
	UiScore o2[RULE_COUNT];
	ui_labels_score(&a.labels, 0, 1, CRIT_LOW, o2);
	assert_memory_equal(o, o2, sizeof(o));
	/* a few more edits, undo and redo: each time equal to scratch */
	ui_labels_unmark(&a.labels, 0, 540, 560);
	ui_labels_mark(&a.labels, UI_NODE, 700, 720);
	ui_labels_undo(&a.labels, NULL);
	ui_labels_undo(&a.labels, NULL);
	ui_labels_redo(&a.labels, NULL);
	for (size_t m = 0; m <= M; m++) {
		size_t u = m == M ? UI_NODE : m;
		ScoreTable t;
		const RangeSet *rs =
			labelset_get(&a.labels.ls, m == M ? LABEL_NODE : m);
		assert_int_equal(score_compute(rs, m == M ? node : det[m],
					       m == M ? n_node : n_det[m],
					       a.s.split, a.s.rows, &t, NULL),
				 STATUS_OK);
		ui_labels_score(&a.labels, u, 0, CRIT_LOW, w);
		assert_int_equal(w[RULE_EVENT].tp,
				 t.cell[SCORE_EVENT][SCORE_ALL].tp);
		assert_int_equal(w[RULE_EVENT].fp,
				 t.cell[SCORE_EVENT][SCORE_ALL].fp);
		assert_int_equal(w[RULE_EVENT].fn,
				 t.cell[SCORE_EVENT][SCORE_ALL].fn);
		assert_int_equal(w[RULE_POINT].tp,
				 t.cell[SCORE_POINT][SCORE_ALL].tp);
		assert_int_equal(w[RULE_PA].fn,
				 t.cell[SCORE_ADJUSTED][SCORE_ALL].fn);
	}
	for (size_t m = 0; m < M; m++)
		free(det[m]);
	app_free(&a);
}

/* Relabel the demo, save as vigil CSV, open the demo again with --labels:
 * the saved working labels are the new original, metric and node. */
static void test_save_and_reopen(void **state)
{
	(void)state;
	char dir[256];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	char path[400];
	snprintf(path, sizeof(path), "%s/demo.labels.csv", dir);
	App a;
	open_demo(&a);
	assert_int_equal(ui_labels_mark(&a.labels, 1, 300, 340), 1);
	assert_int_equal(ui_labels_mark(&a.labels, UI_NODE, 600, 610), 1);
	const UiRanges *L0 = ui_labels_set(&a.labels, 0, 0);
	assert_true(L0->n > 0);
	assert_int_equal(ui_labels_unmark(&a.labels, 0, L0->r[0].start,
					  L0->r[0].end),
			 1);
	assert_int_equal(save_labels(&a, path), 0);
	assert_int_equal(ui_labels_unsaved(&a.labels), 0);
	assert_non_null(strstr(a.message, "saved"));

	App b;
	app_init(&b);
	DashOptions o;
	dash_options_defaults(&o);
	o.no_model = 1;
	o.labels[0] = path;
	o.n_labels = 1;
	ErrorRecord err;
	assert_int_equal(dash_open(&b, &o, &err), STATUS_OK);
	for (size_t m = 0; m <= a.s.metrics; m++) {
		size_t u = m == a.s.metrics ? UI_NODE : m;
		const UiRanges *x = ui_labels_set(&a.labels, u, 0);
		const UiRanges *y = ui_labels_set(&b.labels, u, 1);
		assert_int_equal(x->n, y->n);
		for (size_t i = 0; i < x->n; i++) {
			assert_int_equal(x->r[i].start, y->r[i].start);
			assert_int_equal(x->r[i].end, y->r[i].end);
		}
	}
	app_free(&a);
	app_free(&b);
	char out[512];
	tu_run(out, sizeof(out), "rm -rf '%s'", dir);
}

/* SMD machine-3-2: test_label has a range (test rows 12139-12143) that
 * interpretation_label lacks; the dashboard finds it. The published label
 * files (data/samples/smd) with train and test files of zeros of the
 * right length (38 metrics) around them. */
static void test_smd_label_files_disagree(void **state)
{
	(void)state;
	char dir[64], out[1024];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	const char *src = "data/samples/smd/ServerMachineDataset";
	assert_int_equal(
		tu_run(out, sizeof(out),
		       "d='%s/ServerMachineDataset' && mkdir -p \"$d/train\" "
		       "\"$d/test\" \"$d/test_label\" "
		       "\"$d/interpretation_label\" && "
		       "cp %s/test_label/machine-3-2.txt \"$d/test_label/\" && "
		       "cp %s/interpretation_label/machine-3-2.txt "
		       "\"$d/interpretation_label/\" && "
		       "z=$(printf '0,%%.0s' $(seq 37))0 && "
		       "n=$(wc -l < %s/test_label/machine-3-2.txt) && "
		       "yes \"$z\" | head -n \"$n\" > \"$d/test/machine-3-2.txt\" && "
		       "yes \"$z\" | head -n 200 > \"$d/train/machine-3-2.txt\"",
		       dir, src, src, src),
		0);
	char ds[200];
	snprintf(ds, sizeof(ds), "%s/ServerMachineDataset:machine-3-2", dir);
	App a;
	app_init(&a);
	DashOptions o;
	dash_options_defaults(&o);
	o.no_model = 1;
	o.no_session = 1;
	o.dataset = ds;
	ErrorRecord err;
	assert_int_equal(dash_open(&a, &o, &err), STATUS_OK);
	assert_int_equal(a.s.metrics, 38);
	assert_int_equal(a.s.split, 200);
	assert_int_equal(a.n_disagree, 1);
	assert_int_equal(a.disagree[0].start, (int64_t)a.s.split + 12139);
	assert_int_equal(a.disagree[0].end, (int64_t)a.s.split + 12143);
	/* the node set is test_label's, the metrics' come from
	 * interpretation_label */
	const UiRanges *node = ui_labels_set(&a.labels, UI_NODE, 0);
	assert_true(ui_ranges_find(node, (int64_t)a.s.split + 12140) >= 0);
	app_free(&a);
	tu_run(out, sizeof(out), "rm -rf '%s'", dir);
}

/* f / F visit every disagreement of the test part in row order, partial
 * overlaps included, and say what each is; d labels the detection under
 * the cursor; e, l l, Enter moves an edge; u undoes each as one edit. */
static void test_disagreements_d_and_edge(void **state)
{
	(void)state;
	App a;
	open_demo(&a);
	/* metric 0: labels [100,110) (train: not scored), [600,610),
	 * [700,720), [800,805); detections [595,612) (sticks out on both
	 * sides), [705,710) (inside a label), [900,904) (no label) */
	Range lab[] = {{100, 110}, {600, 610}, {700, 720}, {800, 805}};
	ui_labels_free(&a.labels);
	assert_int_equal(ui_labels_init(&a.labels, a.s.metrics), 0);
	assert_int_equal(ui_labels_load(&a.labels, 0, lab, 4), 0);
	Detection d0[] = {{{595, 612}, 0, CRIT_LOW, 1.5f},
			  {{705, 710}, 0, CRIT_MEDIUM, 2.5f},
			  {{900, 904}, 0, CRIT_HIGH, 5.0f}};
	Detection *det[3] = {d0, NULL, NULL};
	size_t n_det[3] = {3, 0, 0};
	a.det = det;
	a.n_det = n_det;
	a.metric = 0;
	static const struct {
		size_t row;
		const char *say;
	} want[] = {
		{595, "FP: 5 detected rows outside labels  (1/6)"},
		{610, "FP: 2 detected rows outside labels  (2/6)"},
		{700, "FN: 5 of a label's 20 rows not detected  (3/6)"},
		{710, "FN: 10 of a label's 20 rows not detected  (4/6)"},
		{800, "FN: label of 5 rows not detected  (5/6)"},
		{900, "FP: 4 detected rows outside labels  (6/6)"},
	};
	app_action(&a, ACT_START);
	for (size_t i = 0; i < 6; i++) {
		app_action(&a, ACT_DIS_NEXT);
		assert_int_equal(a.cursor, want[i].row);
		assert_string_equal(a.message, want[i].say);
	}
	app_action(&a, ACT_DIS_NEXT);
	assert_int_equal(a.cursor, 900);
	assert_string_equal(a.message, "no next disagreement (6 in all)");
	app_action(&a, ACT_DIS_PREV);
	assert_int_equal(a.cursor, 800);
	/* d on the false positive at 900: labelled, one edit */
	app_action(&a, ACT_DIS_NEXT);
	app_action(&a, ACT_LABEL_DET);
	const UiRanges *L = ui_labels_set(&a.labels, 0, 0);
	assert_true(ui_ranges_find(L, 900) >= 0 && ui_ranges_find(L, 903) >= 0);
	assert_true(ui_ranges_find(L, 904) < 0);
	assert_int_equal(ui_labels_unsaved(&a.labels), 1);
	/* ...and it is no disagreement any more */
	app_action(&a, ACT_START);
	for (int i = 0; i < 6; i++)
		app_action(&a, ACT_DIS_NEXT);
	assert_int_equal(a.cursor, 800);
	/* e on [800,805) at its start, l l, Enter: [802,805) */
	app_action(&a, ACT_EDGE);
	assert_int_equal(a.keymode, KEYMODE_EDGE);
	assert_int_equal(a.cursor, 800);
	app_action(&a, ACT_CURSOR_RIGHT);
	app_action(&a, ACT_CURSOR_RIGHT);
	assert_int_equal(a.cursor, 802);
	assert_true(a.edge_start == 802 && a.edge_end == 805);
	L = ui_labels_set(&a.labels, 0, 0);
	assert_true(ui_ranges_find(L, 800) >= 0); /* nothing applied yet */
	app_action(&a, ACT_PICK);
	assert_int_equal(a.keymode, KEYMODE_NORMAL);
	L = ui_labels_set(&a.labels, 0, 0);
	assert_true(ui_ranges_find(L, 801) < 0 && ui_ranges_find(L, 802) >= 0);
	assert_int_equal(ui_labels_unsaved(&a.labels), 2);
	app_action(&a, ACT_UNDO);
	L = ui_labels_set(&a.labels, 0, 0);
	assert_true(ui_ranges_find(L, 800) >= 0);
	/* the edge cannot pass the other one: at least one row stays */
	app_action(&a, ACT_EDGE);
	for (int i = 0; i < 10; i++)
		app_action(&a, ACT_CURSOR_RIGHT);
	assert_true(a.edge_start == 804 && a.edge_end == 805);
	app_action(&a, ACT_CANCEL);
	assert_string_equal(a.message, "edge mode left, label unchanged");
	a.det = NULL;
	a.n_det = NULL;
	app_free(&a);
}

/* ":" forms: rows, times (whole or of the cursor's day), offsets with
 * units or rows; bad text changes nothing. */
static void test_goto_forms(void **state)
{
	(void)state;
	App a;
	open_demo(&a);
	assert_int_equal(app_goto(&a, "42"), 0);
	assert_int_equal(a.cursor, 42);
	assert_int_equal(app_goto(&a, "2022-01-01 10:30"), 0);
	assert_int_equal(a.cursor, 630);
	assert_int_equal(app_goto(&a, "+2h"), 0);
	assert_int_equal(a.cursor, 750);
	assert_int_equal(app_goto(&a, "-90m"), 0);
	assert_int_equal(a.cursor, 660);
	assert_int_equal(app_goto(&a, "-30s"), 0);
	assert_int_equal(a.cursor, 660); /* the row at or after the time */
	assert_int_equal(app_goto(&a, "+15"), 0);
	assert_int_equal(a.cursor, 675);
	assert_int_equal(app_goto(&a, "07:15"), 0);
	assert_int_equal(a.cursor, 435);
	assert_int_equal(app_goto(&a, "-1w"), 0);
	assert_int_equal(a.cursor, 0);
	assert_non_null(strstr(a.message, "before the start: the first row, 0"));
	assert_int_equal(app_goto(&a, "42 "), 0); /* a blank after the row */
	assert_int_equal(a.cursor, 42);
	assert_string_equal(a.message, "row 42 (2022-01-01 00:42:00)");
	assert_int_equal(app_goto(&a, "2021-12-31 23:00"), 0);
	assert_int_equal(a.cursor, 0);
	assert_non_null(strstr(a.message, "before the start"));
	assert_int_equal(app_goto(&a, "-99"), 0);
	assert_non_null(strstr(a.message, "before the start"));
	assert_int_equal(app_goto(&a, "5000"), 0);
	assert_int_equal(a.cursor, 999);
	assert_non_null(strstr(a.message, "past the end"));
	assert_int_equal(app_goto(&a, "+5x"), -1);
	assert_int_equal(app_goto(&a, "soon"), -1);
	assert_int_equal(app_goto(&a, ""), -1);
	assert_int_equal(a.cursor, 999);
	app_free(&a);
}

/* ":" on elapsed time (a PSM folder's minutes from 0): a time as the
 * readout shows it, "+08:40:00" or "08:40" (from the start, not a day in
 * 1970), goes to its row; offsets still move from the cursor. */
static void test_goto_elapsed(void **state)
{
	(void)state;
	App a;
	app_init(&a);
	DashOptions o;
	dash_options_defaults(&o);
	o.no_model = 1;
	o.dataset = "data/samples/psm";
	ErrorRecord err;
	assert_int_equal(dash_open(&a, &o, &err), STATUS_OK);
	assert_int_equal(app_goto(&a, "+08:40:00"), 0);
	assert_int_equal(a.cursor, 520);
	assert_string_equal(a.message, "row 520 (+08:40:00)");
	assert_int_equal(app_goto(&a, "+2h"), 0);
	assert_int_equal(a.cursor, 640);
	assert_int_equal(app_goto(&a, "6:40"), 0);
	assert_int_equal(a.cursor, 400);
	assert_int_equal(app_goto(&a, "0d 10:40"), 0);
	assert_int_equal(a.cursor, 640);
	assert_int_equal(app_goto(&a, "2022-01-01 10:30"), -1);
	assert_non_null(strstr(a.message, "+2d 10:30 from the start"));
	assert_int_equal(a.cursor, 640);
	app_free(&a);
}

/* Exported metrics often share a long prefix and differ at the end
 * (Exathlon's 1_driver_StreamingMetrics_..._processingDelay_0, _1, ...):
 * the metric list showed each as "1_driver_Str…", all alike. A cut name
 * keeps its start and its end. */
static void test_long_names_keep_their_end(void **state)
{
	(void)state;
	char dir[64], out[4096];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	char text[16384], *w = text;
	w += sprintf(w, "t");
	for (int k = 0; k < 3; k++)
		w += sprintf(w, ",1_driver_StreamingMetrics_streaming_"
				"lastCompletedBatch_processingDelay_%d",
			     k);
	w += sprintf(w, "\n");
	for (int r = 0; r < 100; r++)
		w += sprintf(w, "%d,%d,%d,%d\n", 1526000000 + r, r % 7, r % 5,
			     r % 3);
	char *screen = tu_first_screen(dir, "exa.csv", text, "LANG=C");
	assert_non_null(screen);
	if (!strstr(screen, "|>1_dri~ay_0 ") ||
	    !strstr(screen, "| 1_dri~ay_1 ") || !strstr(screen, "| 1_dri~ay_2 "))
		fail_msg("metric list:\n%.1200s", screen);
	free(screen);
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zoom_and_paging),
		cmocka_unit_test(test_label_edits_and_undo),
		cmocka_unit_test(test_mouse_click_and_drag),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_scores_follow_edits),
		cmocka_unit_test(test_save_and_reopen),
		cmocka_unit_test(test_smd_label_files_disagree),
		cmocka_unit_test(test_disagreements_d_and_edge),
		cmocka_unit_test(test_goto_forms),
		cmocka_unit_test(test_goto_elapsed),
		cmocka_unit_test(test_long_names_keep_their_end),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
