/* vigil score and vigil labels, run as a user would: tables and JSON with
 * the numbers the rules give, label conversion, the test_label versus
 * interpretation_label report, and the protection of original label files.
 * Works on a copy of the small SMD sample in data/samples/smd-cut. */
#include "tests/testutil.h"

#include <limits.h>

static char tmp[64];
static char ds[256];  /* TMP/ServerMachineDataset:machine-1-2 */
static char dir[200]; /* TMP/ServerMachineDataset */

static int setup(void **state)
{
	(void)state;
	if (!tu_tmpdir(tmp, sizeof(tmp)))
		return -1;
	char out[512];
	if (tu_run(out, sizeof(out),
		   "cp -r data/samples/smd-cut/ServerMachineDataset %s/", tmp))
		return -1;
	snprintf(dir, sizeof(dir), "%s/ServerMachineDataset", tmp);
	snprintf(ds, sizeof(ds), "%s:machine-1-2", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char out[256];
	tu_run(out, sizeof(out), "rm -rf %s", tmp);
	return 0;
}

/* Test rows are [300, 600); test_label marks test rows 129..188. */
static void write_detections(const char *path)
{
	assert_int_equal(
		tu_write(path,
			 "metric,start,end,start_time,end_time,criticality,"
			 "peak_score\n"
			 "m09,429,439,,,high,5.5\n"
			 "m02,310,314,,,low,1.2\n"
			 "m03,100,120,,,medium,2.5\n"),
		0);
}

static void test_score_json_numbers(void **state)
{
	(void)state;
	char det[128], out[16384];
	snprintf(det, sizeof(det), "%s/det.csv", tmp);
	write_detections(det);
	int rc = tu_run(out, sizeof(out), "%s score %s --detections %s --json",
			tu_vigil(), ds, det);
	assert_int_equal(rc, 0);
	/* Node level (union of the metrics'): [429,439) on the 59 labelled
	 * rows -> event TP 10; [310,314) FP 4; the train-part detection is
	 * not scored. */
	assert_non_null(strstr(out, "\"event\": {\"all\": {\"tp\": 10, "
				    "\"fp\": 4, \"fn\": 0,"));
	assert_non_null(strstr(out, "\"point-wise\": {\"all\": {\"tp\": 10, "
				    "\"fp\": 4, \"fn\": 49,"));
	assert_non_null(strstr(out, "\"point-adjusted\": {\"all\": {\"tp\": "
				    "59, \"fp\": 4, \"fn\": 0,"));
	/* High only: the low detection drops out. */
	assert_non_null(strstr(out, "\"high\": {\"tp\": 10, \"fp\": 0, "
				    "\"fn\": 0, \"precision\": 1.000000"));
	assert_non_null(strstr(out, "\"test_rows\": 300"));
}

/* score --detections scores the file as it is: no model runs, so the
 * model's and detection's options would be taken and ignored. They were:
 * "--mode sigma" or "--medium 3" gave the same table, exit 0, as if they
 * had applied. Now each is a usage error naming it; --quiet still goes. */
static void test_score_detections_refuse_model_options(void **state)
{
	(void)state;
	char det[128], out[16384];
	snprintf(det, sizeof(det), "%s/det.csv", tmp);
	write_detections(det);
	static const char *const opts[] = {"--mode sigma", "--medium 3",
					   "--epochs 3", "--whole",
					   "--cache-dir /tmp"};
	for (size_t k = 0; k < sizeof(opts) / sizeof(opts[0]); k++) {
		int rc = tu_run(out, sizeof(out),
				"%s score %s --detections %s %s --json",
				tu_vigil(), ds, det, opts[k]);
		char said[80];
		snprintf(said, sizeof(said),
			 "vigil score: %.*s does not apply with --detections",
			 (int)strcspn(opts[k], " "), opts[k]);
		if (rc != 1 || !strstr(out, said))
			fail_msg("'score --detections F %s': exit %d:\n%s",
				 opts[k], rc, out);
		assert_null(strstr(out, "\"event\""));
	}
	int rc = tu_run(out, sizeof(out),
			"%s score %s --detections %s --quiet --json", tu_vigil(),
			ds, det);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "\"event\": {\"all\": {\"tp\": 10, "));
}

static void test_score_table_and_per_metric(void **state)
{
	(void)state;
	char det[128], out[65536];
	snprintf(det, sizeof(det), "%s/det.csv", tmp);
	write_detections(det);
	/* Per metric against interpretation_label (metrics 9,10,11,13,15,18
	 * on test rows 129-188). */
	int rc = tu_run(out, sizeof(out),
			"%s score %s --labels %s/interpretation_label/"
			"machine-1-2.txt --detections %s --per-metric",
			tu_vigil(), ds, dir, det);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "(interp)"));
	assert_non_null(strstr(out, "point-adjusted (inflated)"));
	char *m9 = strstr(out, "metric 9: m09");
	assert_non_null(m9);
	/* m09: event TP 10 FP 0 FN 0. */
	char *ev = strstr(m9, "event");
	assert_non_null(ev);
	int tp, fp, fn;
	assert_int_equal(sscanf(ev, "event all %d %d %d", &tp, &fp, &fn), 3);
	assert_int_equal(tp, 10);
	assert_int_equal(fp, 0);
	assert_int_equal(fn, 0);
	/* m10 has labels but no detection: all 59 rows are FN. */
	char *m10 = strstr(out, "metric 10: m10");
	assert_non_null(m10);
	ev = strstr(m10, "event");
	assert_int_equal(sscanf(ev, "event all %d %d %d", &tp, &fp, &fn), 3);
	assert_int_equal(fn, 59);
}

static void test_score_errors(void **state)
{
	(void)state;
	char det[128], out[4096];
	snprintf(det, sizeof(det), "%s/bad.csv", tmp);
	assert_int_equal(tu_write(det, "metric,start,end,start_time,end_time,"
				       "criticality,peak_score\n"
				       "m01,310,314,,,low,1\n"
				       "disk,310,314,,,low,1\n"),
			 0);
	int rc = tu_run(out, sizeof(out), "%s score %s --detections %s",
			tu_vigil(), ds, det);
	assert_int_equal(rc, 2);
	assert_non_null(strstr(out, "bad.csv:3:1:"));
	assert_non_null(strstr(out, "disk"));
	rc = tu_run(out, sizeof(out), "%s score %s --label-format xml",
		    tu_vigil(), ds);
	assert_int_equal(rc, 1);
	rc = tu_run(out, sizeof(out), "%s score --help", tu_vigil());
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "floor(1.5 o)"));
	rc = tu_run(out, sizeof(out), "%s labels --help", tu_vigil());
	assert_int_equal(rc, 0);
}

/* A detections file saved with a UTF-8 byte order mark (a spreadsheet,
 * pandas' encoding='utf-8-sig') and CRLF line ends scores as the plain
 * file does; it used to be refused at 1:1 with "expected the header
 * 'metric,start,...'" although the header was exactly that. */
static void test_score_detections_with_bom(void **state)
{
	(void)state;
	char det[128], out[16384];
	snprintf(det, sizeof(det), "%s/det-bom.csv", tmp);
	assert_int_equal(
		tu_write(det, "\xef\xbb\xbfmetric,start,end,start_time,"
			      "end_time,criticality,peak_score\r\n"
			      "m09,429,439,,,high,5.5\r\n"
			      "m02,310,314,,,low,1.2\r\n"
			      "m03,100,120,,,medium,2.5\r\n"),
		0);
	int rc = tu_run(out, sizeof(out), "%s score %s --detections %s --json",
			tu_vigil(), ds, det);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "\"event\": {\"all\": {\"tp\": 10, "
				    "\"fp\": 4, \"fn\": 0,"));
	/* a mark anywhere but at the start is still no header */
	assert_int_equal(tu_write(det, "\nmetric,start,end,start_time,"
				       "end_time,criticality,peak_score\xef\xbb"
				       "\xbf\n"),
			 0);
	rc = tu_run(out, sizeof(out), "%s score %s --detections %s",
		    tu_vigil(), ds, det);
	assert_int_equal(rc, 2);
	assert_non_null(strstr(out, "det-bom.csv:2:1: expected the header"));
}

/* A detections file and a label CSV whose lines end with a lone CR (old
 * Mac line ends, which the CSV data reader takes) score as the LF files
 * do; the detections file was refused at 1:1 with "expected the header
 * 'metric,start,...'" and the label file at 1:57 as "malformed CSV field".
 * A CR inside a quoted note stays in the note. */
static void test_score_lone_cr_line_ends(void **state)
{
	(void)state;
	char det[128], lab[128], out[16384];
	snprintf(det, sizeof(det), "%s/det-cr.csv", tmp);
	snprintf(lab, sizeof(lab), "%s/lab-cr.csv", tmp);
	assert_int_equal(
		tu_write(det, "metric,start,end,start_time,"
			      "end_time,criticality,peak_score\r"
			      "m09,429,439,,,high,5.5\r"
			      "m02,310,314,,,low,1.2\r"
			      "m03,100,120,,,medium,2.5\r"),
		0);
	assert_int_equal(
		tu_write(lab, "metric,start,end,start_time,end_time,source,"
			      "note\r"
			      "*,429,489,,,original,\"two\rlines\"\r"
			      "m09,429,439,,,analyst,\r"),
		0);
	int rc = tu_run(out, sizeof(out), "%s score %s --detections %s --json",
			tu_vigil(), ds, det);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "\"event\": {\"all\": {\"tp\": 10, "
				    "\"fp\": 4, \"fn\": 0,"));
	rc = tu_run(out, sizeof(out),
		    "%s score %s --detections %s --labels %s --json",
		    tu_vigil(), ds, det, lab);
	assert_int_equal(rc, 0);
	/* [429,439) inside the labelled [429,489): TP 10, FP 4 (310-314),
	 * the labelled range detected: FN 0 */
	assert_non_null(strstr(out, "\"event\": {\"all\": {\"tp\": 10, "
				    "\"fp\": 4, \"fn\": 0,"));
	assert_non_null(strstr(out, "\"point-wise\": {\"all\": {\"tp\": 10, "
				    "\"fp\": 4, \"fn\": 50,"));
}

static void test_score_from_the_model(void **state)
{
	(void)state;
	char out[16384];
	/* No --detections: the pipeline trains a tiny model (cached next to
	 * the copy) and detects; the labels default to test_label. */
	int rc = tu_run(out, sizeof(out),
			"%s score %s --epochs 2 --hidden 8 --quiet --json",
			tu_vigil(), ds);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "\"detections\": \"(model)\""));
	assert_non_null(strstr(out, "\"label_format\": \"smd\""));
	/* 59 labelled test rows: TP + FN is 59 under every rule. */
	long tp, fp, fn;
	char *pw = strstr(out, "\"point-wise\": {\"all\": {\"tp\": ");
	assert_non_null(pw);
	assert_int_equal(sscanf(pw, "\"point-wise\": {\"all\": {\"tp\": %ld, "
				    "\"fp\": %ld, \"fn\": %ld",
				&tp, &fp, &fn),
			 3);
	assert_int_equal(tp + fn, 59);
}

/* A CSV of one metric whose labels are its label column (node level):
 * the metric is scored against them, as the dashboard's panel scores it
 * (a single metric without labels of its own takes the node's). Before,
 * score --per-metric scored the metric against no labels: its detection
 * inside the label was 2 false positives. */
static void test_score_one_metric_takes_node_labels(void **state)
{
	(void)state;
	char csv[128], det[128], out[16384];
	snprintf(csv, sizeof(csv), "%s/one.csv", tmp);
	snprintf(det, sizeof(det), "%s/one-det.csv", tmp);
	char text[2048] = "value,label\n";
	for (int i = 0; i < 40; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "%d.5,%d\n", i % 7, i >= 30 && i < 35);
	assert_int_equal(tu_write(csv, text), 0);
	assert_int_equal(
		tu_write(det, "metric,start,end,start_time,end_time,"
			      "criticality,peak_score\n"
			      "value,31,33,,,high,3.0\n"
			      "*,31,33,,,high,3.0\n"),
		0);
	int rc = tu_run(out, sizeof(out),
			"%s score %s --detections %s --per-metric --json",
			tu_vigil(), csv, det);
	assert_int_equal(rc, 0);
	/* rows [30, 35) labelled, [31, 33) detected: event TP 2, FP 0;
	 * point-wise TP 2, FN 3; the same at node level and for the metric */
	const char *event = "\"event\": {\"all\": {\"tp\": 2, \"fp\": 0, "
			    "\"fn\": 0,";
	const char *point = "\"point-wise\": {\"all\": {\"tp\": 2, \"fp\": "
			    "0, \"fn\": 3,";
	char *m = strstr(out, "\"metrics\": [");
	assert_non_null(m);
	assert_non_null(strstr(out, event));
	assert_true(strstr(out, event) < m);
	assert_non_null(strstr(m, event));
	assert_non_null(strstr(out, point));
	assert_non_null(strstr(m, point));
}

/* The model's node level is the node rule's even when it found nothing
 * (vigil detect's): score does not put the union of the metrics' in its
 * place, as it does for a detections file without node rows (another
 * detector's). The synthetic server with seed 3 and --node-top-k 3: one
 * detection of network_latency, none at node level. */
static void test_score_empty_node_level_from_the_model(void **state)
{
	(void)state;
	char out[16384], det[300];
	assert_int_equal(tu_run(out, sizeof(out),
				"%s synth --seed 3 -o %s/syn3 >/dev/null",
				tu_vigil(), tmp),
			 0);
	snprintf(det, sizeof(det), "%s/syn3/det.csv", tmp);
	assert_int_equal(
		tu_run(out, sizeof(out),
		       "%s detect %s/syn3/synthetic.csv --node-top-k 3 --quiet "
		       "--cache-dir %s/cache -o %s && cat %s",
		       tu_vigil(), tmp, tmp, det, det),
		0);
	assert_null(strstr(out, "\n*,"));  /* no node detection */
	assert_non_null(strstr(out, "\nnetwork_latency,")); /* a metric's */
	assert_int_equal(
		tu_run(out, sizeof(out),
		       "%s score %s/syn3/synthetic.csv --node-top-k 3 --quiet "
		       "--cache-dir %s/cache",
		       tu_vigil(), tmp, tmp),
		0);
	assert_non_null(strstr(out, "per metric, 0 node level\n"));
	assert_null(strstr(out, "union"));
	/* the same detections as a file: no node rows, the union */
	assert_int_equal(tu_run(out, sizeof(out),
				"%s score %s/syn3/synthetic.csv --detections %s",
				tu_vigil(), tmp, det),
			 0);
	assert_non_null(strstr(out, "1 node level (the union of the metrics')"));
}

/* vigil labels reads a machine's labels as score and the dashboard read
 * them: one interpretation_label file gives the metrics and the node
 * keeps the machine's own test_label (rows 429-488, end exclusive),
 * where it was the metrics' union (m02's 340-350); the wrote line names
 * both files. Without --labels both of the machine's own files are read,
 * where test_label alone was (0 per-metric ranges). */
static void test_labels_reads_as_score_does(void **state)
{
	(void)state;
	char out[8192], d[100], m[300], il[200], csv[200], own[200], txt[200];
	snprintf(d, sizeof(d), "%s/own", tmp);
	assert_int_equal(tu_run(out, sizeof(out),
				"mkdir -p %s && cp -r data/samples/smd-cut/"
				"ServerMachineDataset %s/",
				d, d),
			 0);
	snprintf(m, sizeof(m), "%s/ServerMachineDataset:machine-1-2", d);
	snprintf(il, sizeof(il), "%s/m02.interpretation_label.txt", d);
	snprintf(csv, sizeof(csv), "%s/one.csv", d);
	snprintf(own, sizeof(own), "%s/own.csv", d);
	snprintf(txt, sizeof(txt), "%s/node.txt", d);
	assert_int_equal(tu_write(il, "40-50:2\n"), 0);
	assert_int_equal(tu_run(out, sizeof(out), "%s labels %s --labels %s -o %s",
				tu_vigil(), m, il, csv),
			 0);
	char want[1200];
	snprintf(want, sizeof(want),
		 "wrote %s (csv): 1 node-level ranges, 1 per-metric ranges from "
		 "%s/ServerMachineDataset/test_label/machine-1-2.txt (smd) and "
		 "%s (interp)\n",
		 csv, d, il);
	if (!strstr(out, want))
		fail_msg("vigil labels said: %s", out);
	char *text = tu_slurp(csv, NULL);
	assert_non_null(text);
	assert_string_equal(text, "metric,start,end,start_time,end_time,source,"
				  "note\n"
				  "*,429,488,,,original,\n"
				  "m02,340,350,,,original,\n");
	free(text);
	/* the same labels as score reads from the file: the node's events
	   at 429-488 (a detection there a true positive), m02 at 340-350 */
	char det[200];
	snprintf(det, sizeof(det), "%s/det.csv", d);
	assert_int_equal(tu_write(det, "metric,start,end,start_time,end_time,"
				       "criticality,peak_score\n"
				       "m09,429,439,,,high,5.5\n"),
			 0);
	static char a[65536], b[65536];
	assert_int_equal(tu_run(a, sizeof(a),
				"%s score %s --labels %s --detections %s --json",
				tu_vigil(), m, il, det),
			 0);
	assert_int_equal(tu_run(b, sizeof(b),
				"%s score %s --labels %s --detections %s --json",
				tu_vigil(), m, csv, det),
			 0);
	const char *na = strstr(a, "\"node\": {"), *nb = strstr(b, "\"node\": {");
	assert_non_null(na);
	assert_non_null(nb);
	assert_string_equal(na, nb);
	/* as test_label: the node the machine has, 59 test rows (the
	   metrics' union was 10) */
	assert_int_equal(tu_run(out, sizeof(out),
				"%s labels %s --labels %s -o %s --format smd",
				tu_vigil(), m, il, txt),
			 0);
	text = tu_slurp(txt, NULL);
	assert_non_null(text);
	size_t ones = 0, lines = 0;
	for (const char *q = text; *q; q++) {
		ones += *q == '1';
		lines += *q == '\n';
	}
	assert_int_equal(lines, 300);
	assert_int_equal(ones, 59);
	free(text);
	/* without --labels: the machine's two files */
	assert_int_equal(tu_run(out, sizeof(out), "%s labels %s -o %s",
				tu_vigil(), m, own),
			 0);
	snprintf(want, sizeof(want),
		 "wrote %s (csv): 1 node-level ranges, 6 per-metric ranges from "
		 "%s/ServerMachineDataset/test_label/machine-1-2.txt (smd) and "
		 "%s/ServerMachineDataset/interpretation_label/machine-1-2.txt "
		 "(interp)\n",
		 own, d, d);
	if (!strstr(out, want))
		fail_msg("vigil labels said: %s", out);
	text = tu_slurp(own, NULL);
	assert_non_null(text);
	assert_non_null(strstr(text, "*,429,488,,,original,\n"));
	assert_non_null(strstr(text, "m09,429,488,,,original,\n"));
	assert_non_null(strstr(text, "m18,429,488,,,original,\n"));
	free(text);
}

static void test_labels_convert_and_report(void **state)
{
	(void)state;
	char out[8192], csv[128], back[128], orig[256];
	snprintf(csv, sizeof(csv), "%s/labels.csv", tmp);
	snprintf(back, sizeof(back), "%s/interp.txt", tmp);
	snprintf(orig, sizeof(orig), "%s/interpretation_label/machine-1-2.txt",
		 dir);
	int rc = tu_run(out, sizeof(out), "%s labels %s --labels %s -o %s",
			tu_vigil(), ds, orig, csv);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "0 disagreements"));
	char *text = tu_slurp(csv, NULL);
	assert_non_null(strstr(text, "m09,429,488,,,original,\n"));
	assert_non_null(strstr(text, "*,429,488,,,original,\n"));
	free(text);
	rc = tu_run(out, sizeof(out), "%s labels %s --labels %s -o %s "
				      "--format interp",
		    tu_vigil(), ds, csv, back);
	assert_int_equal(rc, 0);
	size_t la, lb;
	char *x = tu_slurp(orig, &la), *y = tu_slurp(back, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(x, y, la);
	free(x);
	free(y);
	/* An analyst shortens the interpretation range: reported. */
	char edited[256];
	snprintf(edited, sizeof(edited), "%s/interpretation_label/"
					 "machine-1-2.txt",
		 dir);
	assert_int_equal(tu_write(edited, "129-180:9,10,11,13,15,18\n"), 0);
	rc = tu_run(out, sizeof(out), "%s labels %s", tu_vigil(), ds);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "1 disagreement"));
	assert_non_null(strstr(out, "test_label 129-188  vs  "
				    "interpretation_label 129-180"));
	assert_non_null(strstr(out, "8 rows only in test_label"));
}

/* The number after key in text (key "TP " in "TP 3 FP"), or -1. */
static long number_after(const char *text, const char *key)
{
	const char *p = text ? strstr(text, key) : NULL;
	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

/* Two labelled ranges that touch (the end of one is the start of the
 * next, as a split leaves them and vigil's CSV keeps them) are one event,
 * as a run of 1s is one range in test_label: the node's detection in the
 * second piece leaves the first no false negative, in vigil score and in
 * the dashboard's panel alike, and the same rows as one range (or as
 * test_label lines) score the same. Before, the first piece was a missed
 * event of its own (event FN 10, PA TP 15 FN 10). */
static void test_touching_ranges_one_event(void **state)
{
	(void)state;
	char out[16384], det[128], touch[128], one[128], smd[128], dump[128];
	char keys[128];
	snprintf(det, sizeof(det), "%s/tdet.csv", tmp);
	snprintf(touch, sizeof(touch), "%s/touch.csv", tmp);
	snprintf(one, sizeof(one), "%s/one.csv", tmp);
	snprintf(smd, sizeof(smd), "%s/touch.txt", tmp);
	snprintf(dump, sizeof(dump), "%s/touch.dump", tmp);
	snprintf(keys, sizeof(keys), "%s/touch.keys", tmp);
	/* the node detections of the model the dashboard will use */
	assert_int_equal(tu_run(out, sizeof(out),
				"XDG_CACHE_HOME=%s/cache %s detect %s "
				"--epochs 2 --quiet -o %s",
				tmp, tu_vigil(), ds, det),
			 0);
	char *text = tu_slurp(det, NULL);
	assert_non_null(text);
	/* a gap between two node detections: [gap_s, gap_e) */
	long gap_s = -1, gap_e = -1, a, b;
	for (char *l = strstr(text, "\n*,"); l; l = strstr(l + 1, "\n*,")) {
		if (sscanf(l + 3, "%ld,%ld", &a, &b) != 2)
			continue;
		if (gap_s >= 0 && gap_e < 0 && a > gap_s + 12)
			gap_e = a;
		if (gap_e < 0)
			gap_s = b;
	}
	free(text);
	if (gap_s < 300 || gap_e < 0)
		fail_msg("no gap between node detections in %s", det);
	/* [s, s + 10) in the gap, then [s + 10, e + 5) into the detection */
	long s = gap_s + 1, m = gap_s + 11, e = gap_e + 5;
	char body[512];
	snprintf(body, sizeof(body),
		 "metric,start,end,start_time,end_time,source,note\n"
		 "*,%ld,%ld,,,original,\n*,%ld,%ld,,,analyst,split\n",
		 s, m, m, e);
	assert_int_equal(tu_write(touch, body), 0);
	snprintf(body, sizeof(body),
		 "metric,start,end,start_time,end_time,source,note\n"
		 "*,%ld,%ld,,,original,\n",
		 s, e);
	assert_int_equal(tu_write(one, body), 0);
	char json[3][8192];
	const char *files[] = {touch, one, smd};
	assert_int_equal(tu_run(out, sizeof(out),
				"%s labels %s --labels %s --format smd -o %s",
				tu_vigil(), ds, touch, smd),
			 0);
	for (int k = 0; k < 3; k++) {
		assert_int_equal(tu_run(json[k], sizeof(json[k]),
					"%s score %s --labels %s --detections "
					"%s --json",
					tu_vigil(), ds, files[k], det),
				 0);
		char *ev = strstr(json[k], "\"node\": ");
		assert_non_null(ev);
		ev = strstr(ev, "\"event\": {\"all\": ");
		assert_non_null(ev);
		if (number_after(ev, "\"fn\": ") != 0 ||
		    number_after(ev, "\"tp\": ") != 7)
			fail_msg("%s: %s", files[k], ev);
		char *pa = strstr(json[k], "\"point-adjusted\": {\"all\": ");
		assert_non_null(pa);
		if (number_after(pa, "\"tp\": ") != e - s ||
		    number_after(pa, "\"fn\": ") != 0)
			fail_msg("%s: %s", files[k], pa);
	}
	/* the dashboard's node panel on the touching ranges */
	assert_int_equal(tu_write(keys, "<wait><Tab>"), 0);
	assert_int_equal(tu_run(out, sizeof(out),
				TU_DASH_ENV "COLUMNS=120 LINES=30 "
				"XDG_CACHE_HOME=%s/cache %s %s --epochs 2 "
				"--labels %s --keys %s --dump %s",
				tmp, tu_vigil(), ds, touch, keys, dump),
			 0);
	char *screen = tu_slurp(dump, NULL);
	assert_non_null(screen);
	char *ev = strstr(json[0], "\"node\": ");
	ev = strstr(ev, "\"event\": {\"all\": ");
	char want[128];
	snprintf(want, sizeof(want), "event, all: TP %ld FP %ld FN 0 ",
		 number_after(ev, "\"tp\": "), number_after(ev, "\"fp\": "));
	if (!strstr(screen, want))
		fail_msg("no '%s' on the dashboard:\n%s", want, screen);
	free(screen);
}

static void test_labels_never_overwrite_original_unnamed(void **state)
{
	(void)state;
	char out[8192], tl[256], other[300];
	snprintf(tl, sizeof(tl), "%s/test_label/machine-1-2.txt", dir);
	snprintf(other, sizeof(other), "%s/test_label/../test_label/"
				       "machine-1-2.txt",
		 dir);
	size_t before_len;
	char *before = tu_slurp(tl, &before_len);
	/* CSV content into the original through another spelling: refused. */
	int rc = tu_run(out, sizeof(out), "%s labels %s -o %s --format csv",
			tu_vigil(), ds, other);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "original label file"));
	size_t after_len;
	char *after = tu_slurp(tl, &after_len);
	assert_int_equal(before_len, after_len);
	assert_memory_equal(before, after, before_len);
	free(after);
	/* Named exactly: allowed, with a note; SMD to SMD is byte-identical. */
	rc = tu_run(out, sizeof(out), "%s labels %s -o %s", tu_vigil(), ds, tl);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "note: overwriting the original"));
	after = tu_slurp(tl, &after_len);
	assert_int_equal(before_len, after_len);
	assert_memory_equal(before, after, before_len);
	free(after);
	free(before);
}

/* --format nab into an existing combined_windows.json keeps the other
 * files' keys; one that is not a JSON object (a trailing comma, a list)
 * is refused with its line and column and left byte for byte, where it
 * used to be replaced by a file holding this one key: the other files'
 * windows were lost. An empty file holds no keys and is written. */
static void test_labels_nab_keeps_unreadable_destination(void **state)
{
	(void)state;
	char out[8192], w[256], e[256];
	const char *nab = "data/samples/nab/realAWSCloudwatch/"
			  "ec2_network_in_257a54.csv";
	const char *bad =
		"{\"other/file.csv\": [[\"2014-01-01 00:00:00.000000\",\n"
		"  \"2014-01-02 00:00:00.000000\"]],\n}\n";
	snprintf(w, sizeof(w), "%s/windows.json", tmp);
	assert_int_equal(tu_write(w, bad), 0);
	int rc = tu_run(out, sizeof(out), "%s labels %s -o %s", tu_vigil(),
			nab, w);
	assert_int_equal(rc, 2);
	char where[300];
	snprintf(where, sizeof(where), "%s:3:", w);
	assert_non_null(strstr(out, where));
	assert_non_null(strstr(out, "expected a JSON object"));
	char *after = tu_slurp(w, NULL);
	assert_string_equal(after, bad);
	free(after);
	assert_int_equal(tu_write(w, "[\"other/file.csv\"]\n"), 0);
	assert_int_equal(tu_run(out, sizeof(out), "%s labels %s -o %s",
				tu_vigil(), nab, w),
			 2);
	after = tu_slurp(w, NULL);
	assert_string_equal(after, "[\"other/file.csv\"]\n");
	free(after);
	/* a valid one keeps its other key and gains this file's */
	assert_int_equal(tu_write(w, "{\"other/file.csv\": []}\n"), 0);
	assert_int_equal(tu_run(out, sizeof(out), "%s labels %s -o %s",
				tu_vigil(), nab, w),
			 0);
	after = tu_slurp(w, NULL);
	assert_non_null(strstr(after, "\"other/file.csv\""));
	assert_non_null(strstr(after, "\"realAWSCloudwatch/ec2_network_in_"
				      "257a54.csv\":\t[[\"2014-04-14 23:59:00"));
	free(after);
	snprintf(e, sizeof(e), "%s/empty.json", tmp);
	assert_int_equal(tu_write(e, ""), 0);
	assert_int_equal(tu_run(out, sizeof(out), "%s labels %s -o %s",
				tu_vigil(), nab, e),
			 0);
	after = tu_slurp(e, NULL);
	assert_non_null(strstr(after, "realAWSCloudwatch/ec2_network_in_"));
	free(after);
}

/* A data file named with an escape sequence whose labels are its own
 * label column: `vigil labels` names it escaped in its "wrote ... from"
 * line, as every message prints paths; the line used to carry the raw
 * ESC [31m to the terminal. */
static void test_labels_wrote_line_escaped(void **state)
{
	(void)state;
	char out[4096], data[256], lab[256];
	snprintf(data, sizeof(data), "%s/l\x1b[31mc.csv", tmp);
	snprintf(lab, sizeof(lab), "%s/lc-labels.csv", tmp);
	char text[8192], *w = text;
	w += sprintf(w, "a,label\n");
	for (int r = 0; r < 100; r++)
		w += sprintf(w, "%d,%d\n", r % 7, r >= 70 && r < 80);
	assert_int_equal(tu_write(data, text), 0);
	int rc = tu_run(out, sizeof(out), "%s labels '%s' -o '%s'", tu_vigil(),
			data, lab);
	assert_int_equal(rc, 0);
	assert_null(strchr(out, '\x1b'));
	assert_non_null(strstr(out, "ranges from "));
	assert_non_null(strstr(out, "/l\\x1b[31mc.csv (column)\n"));
	char *t = tu_slurp(lab, NULL);
	assert_non_null(strstr(t, "\n*,70,80,,,original,\n"));
	free(t);
}

/* --format and --force say how to write OUT; without -o there is nothing
 * to write. They were dropped silently: `vigil labels M --format csv`
 * printed the SMD report and exited 0, as if it had converted. */
static void test_labels_format_needs_output(void **state)
{
	(void)state;
	char out[4096];
	int rc = tu_run(out, sizeof(out), "%s labels %s --format csv",
			tu_vigil(), ds);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "--format goes with -o OUT"));
	rc = tu_run(out, sizeof(out), "%s labels %s --force", tu_vigil(), ds);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "--force goes with -o OUT"));
	/* the report alone is still a command */
	rc = tu_run(out, sizeof(out), "%s labels %s", tu_vigil(), ds);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "machine-1-2: test_label has "));
}

/* labels -o - is refused, as train -o - is: it wrote the labels into a
 * file named '-' in the current folder and said 'wrote - (smd)', where
 * detect -o - writes to stdout. './-' still names such a file. */
static void test_labels_dash_output_refused(void **state)
{
	(void)state;
	char out[4096], cwd[128];
	snprintf(cwd, sizeof(cwd), "%s/dashdir", tmp);
	assert_int_equal(tu_run(out, sizeof(out), "mkdir %s", cwd), 0);
	int rc = tu_run(out, sizeof(out), "cd %s && %s labels %s -o -", cwd,
			tu_vigil(), ds);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "-o - (stdout) cannot take a label file"));
	assert_int_equal(tu_run(out, sizeof(out), "ls -A %s", cwd), 0);
	assert_string_equal(out, "");
	rc = tu_run(out, sizeof(out),
		    "cd %s && %s labels %s -o ./- --format csv && head -1 ./-",
		    cwd, tu_vigil(), ds);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "metric,start,end,start_time,end_time,"
				    "source,note\n"));
}

/* A dashboard following a growing CSV (--follow) saves labels on rows not
 * written yet as they were read; vigil score on the data as it stands
 * refuses the file, and says why: the ranges are ahead of the data, which
 * --follow reads, and how many rows the data needs. It said 'range
 * 540-551 is not inside the 500 rows of the series', as for a file made
 * for other data. Once the rows are written, the same file scores. */
static void test_score_labels_saved_ahead_while_following(void **state)
{
	(void)state;
	char out[16384], path[512], vigil[PATH_MAX];
	/* the commands run in the data's folder */
	assert_non_null(realpath(tu_vigil(), vigil));
	assert_int_equal(tu_run(out, sizeof(out),
				"cd %s && mkdir ahead && cd ahead && %s synth -o . "
				"--points 600 --seed 7 >/dev/null && head -501 "
				"synthetic.csv > grow.csv && printf 'metric,start,"
				"end,start_time,end_time,source,note\\ncpu_usage,"
				"540,551,,,analyst,\\n' > ahead.csv && printf "
				"'s<Enter><wait>' > keys",
				tmp, vigil),
			 0);
	int rc = tu_run(out, sizeof(out),
			"cd %s/ahead && " TU_DASH_ENV "%s --follow grow.csv "
			"--no-model --labels ahead.csv --keys keys --dump screen",
			tmp, vigil);
	snprintf(path, sizeof(path), "%s/ahead/screen", tmp);
	char *screen = tu_slurp(path, NULL);
	if (rc != 0 || !screen || !strstr(screen, "saved grow.labels.csv"))
		fail_msg("the dashboard (exit %d):\n%s", rc,
			 screen ? screen : out);
	free(screen);
	snprintf(path, sizeof(path), "%s/ahead/grow.labels.csv", tmp);
	char *saved = tu_slurp(path, NULL);
	assert_non_null(saved);
	assert_non_null(strstr(saved, "cpu_usage,540,551,"));
	free(saved);
	rc = tu_run(out, sizeof(out),
		    "cd %s/ahead && %s score grow.csv --labels grow.labels.csv "
		    "--split 250 --epochs 1 --hidden 4 --quiet",
		    tmp, vigil);
	if (rc != 2 ||
	    !strstr(out, "grow.labels.csv:2:11: range 540-551 is ahead of the "
			 "data, past its 500 rows") ||
	    !strstr(out, "vigil --follow reads them") ||
	    !strstr(out, "once the data has 551 rows"))
		fail_msg("vigil score (exit %d):\n%s", rc, out);
	/* the rows arrive: the file scores */
	rc = tu_run(out, sizeof(out),
		    "cd %s/ahead && sed -n '502,561p' synthetic.csv >> grow.csv "
		    "&& %s score grow.csv --labels grow.labels.csv --split 250 "
		    "--epochs 1 --hidden 4 --quiet",
		    tmp, vigil);
	if (rc != 0 || !strstr(out, "labels      grow.labels.csv (csv)"))
		fail_msg("vigil score after the rows came (exit %d):\n%s", rc,
			 out);
}

/* An SMD pair as the dashboard's s saves it, test_label (node) and
 * interpretation_label (metrics), scored with two --labels in either
 * order gives the figures of vigil's CSV holding the same labels (written
 * by hand, and by vigil labels from the pair); an
 * interpretation_label file alone keeps the machine's own test_label for
 * the node; two files of one kind are refused. Before, the second
 * --labels replaced the first, and an interpretation_label file alone
 * made the node the metrics' union. */
static void test_score_smd_pair_as_vigil_csv(void **state)
{
	(void)state;
	char det[128], tl[128], il[128], csv[128];
	snprintf(det, sizeof(det), "%s/pdet.csv", tmp);
	snprintf(tl, sizeof(tl), "%s/p.test_label.txt", tmp);
	snprintf(il, sizeof(il), "%s/p.interpretation_label.txt", tmp);
	snprintf(csv, sizeof(csv), "%s/p.labels.csv", tmp);
	assert_int_equal(tu_write(det, "metric,start,end,start_time,end_time,"
				       "criticality,peak_score\n"
				       "m09,429,439,,,high,5.5\n"
				       "m02,310,314,,,low,1.2\n"
				       "m02,340,345,,,medium,2.0\n"),
			 0);
	/* the node: test rows 10-20 added to the machine's 129-188 */
	char node[1024];
	size_t k = 0;
	for (int r = 0; r < 300; r++)
		k += (size_t)snprintf(node + k, sizeof(node) - k, "%d\n",
				      (r >= 10 && r < 21) ||
					      (r >= 129 && r < 189));
	assert_int_equal(tu_write(tl, node), 0);
	/* the metrics: m02 gets test rows 40-49 */
	assert_int_equal(
		tu_write(il, "129-189:9,10,11,13,15,18\n40-50:2\n"), 0);
	assert_int_equal(
		tu_write(csv, "metric,start,end,start_time,end_time,source,"
			      "note\n"
			      "*,310,321,,,original,\n*,429,489,,,original,\n"
			      "m02,340,350,,,original,\n"
			      "m09,429,489,,,original,\nm10,429,489,,,original,\n"
			      "m11,429,489,,,original,\nm13,429,489,,,original,\n"
			      "m15,429,489,,,original,\nm18,429,489,,,original,\n"),
		0);
	static char a[65536], b[65536], c[65536];
	int rc = tu_run(a, sizeof(a),
			"%s score %s --labels %s --labels %s --detections %s "
			"--per-metric --json",
			tu_vigil(), ds, tl, il, det);
	assert_int_equal(rc, 0);
	rc = tu_run(b, sizeof(b),
		    "%s score %s --labels %s --labels %s --detections %s "
		    "--per-metric --json",
		    tu_vigil(), ds, il, tl, det);
	assert_int_equal(rc, 0);
	rc = tu_run(c, sizeof(c),
		    "%s score %s --labels %s --detections %s --per-metric "
		    "--json",
		    tu_vigil(), ds, csv, det);
	assert_int_equal(rc, 0);
	/* the node file and the metrics' named, in either order */
	char want[512];
	snprintf(want, sizeof(want),
		 "\"labels\": \"%s\", \"label_format\": \"smd\", "
		 "\"metric_labels\": \"%s\"",
		 tl, il);
	assert_non_null(strstr(a, want));
	assert_non_null(strstr(b, want));
	/* node: [310,314) inside the new range (TP 4), [340,345) outside
	 * (FP 5), [429,439) inside the machine's (TP 10) */
	const char *node_a = strstr(a, "\"node\": {");
	assert_non_null(node_a);
	assert_non_null(strstr(node_a, "\"event\": {\"all\": {\"tp\": 14, "
				       "\"fp\": 5, \"fn\": 0"));
	/* m02: [340,345) inside its new range, [310,314) not */
	assert_non_null(strstr(a, "\"name\": \"m02\", \"scores\": "
				  "{\"point-wise\": {\"all\": {\"tp\": 5, "
				  "\"fp\": 4, \"fn\": 5"));
	/* the same figures as vigil's CSV of the same labels */
	const char *node_b = strstr(b, "\"node\": {");
	const char *node_c = strstr(c, "\"node\": {");
	assert_non_null(node_b);
	assert_non_null(node_c);
	assert_string_equal(node_a, node_b);
	assert_string_equal(node_a, node_c);
	/* vigil labels reads the pair as one: its CSV scores the same */
	char both[128];
	snprintf(both, sizeof(both), "%s/p.both.csv", tmp);
	rc = tu_run(b, sizeof(b), "%s labels %s --labels %s --labels %s -o %s",
		    tu_vigil(), ds, il, tl, both);
	assert_int_equal(rc, 0);
	snprintf(want, sizeof(want),
		 "wrote %s (csv): 2 node-level ranges, 7 per-metric ranges "
		 "from %s (smd) and %s (interp)",
		 both, tl, il);
	if (!strstr(b, want))
		fail_msg("vigil labels said: %s", b);
	rc = tu_run(b, sizeof(b),
		    "%s score %s --labels %s --detections %s --per-metric "
		    "--json",
		    tu_vigil(), ds, both, det);
	assert_int_equal(rc, 0);
	node_b = strstr(b, "\"node\": {");
	assert_non_null(node_b);
	assert_string_equal(node_a, node_b);

	/* interpretation_label alone: the node is the machine's test_label
	 * (test rows 129-187), not the union with m02's 40-49 */
	rc = tu_run(a, sizeof(a),
		    "%s score %s --labels %s --detections %s --json", tu_vigil(),
		    ds, il, det);
	assert_int_equal(rc, 0);
	snprintf(want, sizeof(want),
		 "\"labels\": \"%s/test_label/machine-1-2.txt\", "
		 "\"label_format\": \"smd\", \"metric_labels\": \"%s\"",
		 dir, il);
	assert_non_null(strstr(a, want));
	assert_non_null(strstr(a, "\"node\": {\"point-wise\": {\"all\": "
				  "{\"tp\": 10, \"fp\": 9, \"fn\": 49"));

	/* an empty interpretation_label (every metric's range removed and
	 * saved) beside a test_label: the metrics without labels */
	char empty[128];
	snprintf(empty, sizeof(empty), "%s/p.empty_interp.txt", tmp);
	assert_int_equal(tu_write(empty, ""), 0);
	rc = tu_run(a, sizeof(a),
		    "%s score %s --labels %s --labels %s --detections %s "
		    "--per-metric --json",
		    tu_vigil(), ds, tl, empty, det);
	if (rc != 0)
		fail_msg("exit %d: %s", rc, a);
	assert_non_null(strstr(a, "\"name\": \"m02\", \"scores\": "
				  "{\"point-wise\": {\"all\": {\"tp\": 0, "
				  "\"fp\": 9, \"fn\": 0"));
	node_b = strstr(a, "\"node\": {");
	assert_non_null(node_b);
	assert_memory_equal(node_c, node_b, 200);

	/* two files of one kind */
	rc = tu_run(a, sizeof(a),
		    "%s score %s --labels %s --labels %s --detections %s",
		    tu_vigil(), ds, il, il, det);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(a, "are both per-metric files "
				  "(interpretation_label): give one node-level "
				  "file (test_label) and one per-metric file"));
	rc = tu_run(a, sizeof(a),
		    "%s score %s --labels %s --labels %s --detections %s",
		    tu_vigil(), ds, csv, tl, det);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(a, "is csv, which holds the node and the "
				  "metrics: give it alone"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_score_json_numbers),
		cmocka_unit_test(test_score_detections_refuse_model_options),
		cmocka_unit_test(test_score_table_and_per_metric),
		cmocka_unit_test(test_score_errors),
		cmocka_unit_test(test_score_detections_with_bom),
		cmocka_unit_test(test_score_lone_cr_line_ends),
		cmocka_unit_test(test_score_from_the_model),
		cmocka_unit_test(test_score_one_metric_takes_node_labels),
		cmocka_unit_test(test_score_empty_node_level_from_the_model),
		cmocka_unit_test(test_labels_reads_as_score_does),
		cmocka_unit_test(test_labels_convert_and_report),
		cmocka_unit_test(test_touching_ranges_one_event),
		cmocka_unit_test(test_labels_never_overwrite_original_unnamed),
		cmocka_unit_test(test_labels_nab_keeps_unreadable_destination),
		cmocka_unit_test(test_labels_wrote_line_escaped),
		cmocka_unit_test(test_labels_format_needs_output),
		cmocka_unit_test(test_labels_dash_output_refused),
		cmocka_unit_test(test_score_labels_saved_ahead_while_following),
		cmocka_unit_test(test_score_smd_pair_as_vigil_csv),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
