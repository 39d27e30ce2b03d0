/* Datasets laid out as eBay's Pooled Server Metrics (PSM): a folder holding
 * train.csv, test.csv and test_label.csv opens as one dataset (train rows,
 * then test rows, the split between them), through the library and
 * through the commands a user runs on it; a time column counting from 0
 * is elapsed time, not dates in January 1970. Also the two leftovers of
 * dataset addressing: an SMD machine whose name holds ':', and a long-
 * format CSV file (several series told apart by a text ID column). */
#include "tests/testutil.h"

#include "data/series.h"

/* A fresh copy of data/samples/psm as dir/name; returns its path. */
static const char *psm_copy(const char *name)
{
	static char path[256];
	char out[512];
	snprintf(path, sizeof(path), "%s/%s", tu_dir, name);
	assert_int_equal(tu_run(out, sizeof(out),
				"rm -rf '%s' && mkdir -p '%s' && cp "
				"data/samples/psm/*.csv '%s'",
				path, path, path),
			 0);
	return path;
}

static void put(const char *folder, const char *name, const char *text)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", folder, name);
	assert_int_equal(tu_write(p, text), 0);
}

static Status open_err(Series *s, const char *path, const SeriesOptions *o,
		       char *msg, size_t n)
{
	ErrorRecord err;
	Status st = series_open(s, path, o, &err);
	msg[0] = '\0';
	if (st != STATUS_OK)
		error_format(&err, msg, n);
	return st;
}

/* The sample folder is one series: 400 train rows then 300 test rows,
 * the split at 400, the minute counter kept as elapsed time (60 s steps),
 * test_label.csv found for the labels. */
static void test_folder_is_one_series(void **state)
{
	(void)state;
	const char *p = psm_copy("PSM");
	Series s;
	char msg[1024];
	if (open_err(&s, p, NULL, msg, sizeof(msg)) != STATUS_OK)
		fail_msg("%s", msg);
	assert_int_equal(s.kind, SERIES_PSM);
	assert_int_equal(s.rows, 700);
	assert_int_equal(s.split, 400);
	assert_int_equal(s.metrics, 25);
	assert_string_equal(s.names[0], "feature_0");
	assert_string_equal(s.names[24], "feature_24");
	assert_non_null(s.timestamps);
	assert_int_equal(s.time_elapsed, 1);
	assert_null(s.axis_note);
	assert_int_equal(s.timestamps[399], 399 * 60);
	assert_int_equal(s.timestamps[400], 400 * 60);
	assert_int_equal(s.interval, 60);
	/* the first test row is test.csv's first row (0.4... in the sample:
	   compared with the file's text) */
	char out[4096];
	assert_int_equal(tu_run(out, sizeof(out),
				"sed -n 2p '%s/test.csv' | cut -d, -f2", p),
			 0);
	assert_float_equal(series_at(&s, 0, 400), strtod(out, NULL), 1e-6);
	assert_non_null(s.label_path);
	assert_non_null(strstr(s.label_path, "/test_label.csv"));
	/* shown as elapsed time, not as a date in 1970 */
	char t[64];
	assert_string_equal(series_format_time(&s, 400, t, sizeof(t)),
			    "+06:40:00");
	series_free(&s);
	/* the folder given with a trailing slash is the same dataset */
	char slash[300];
	snprintf(slash, sizeof(slash), "%s/", p);
	assert_int_equal(open_err(&s, slash, NULL, msg, sizeof(msg)),
			 STATUS_OK);
	assert_int_equal(s.split, 400);
	assert_string_equal(s.path, p);
	assert_null(strstr(s.label_path, "//"));
	series_free(&s);
	/* one file of it alone is that file */
	snprintf(slash, sizeof(slash), "%s/test.csv", p);
	assert_int_equal(open_err(&s, slash, NULL, msg, sizeof(msg)),
			 STATUS_OK);
	assert_int_equal(s.kind, SERIES_CSV);
	assert_int_equal(s.rows, 300);
	series_free(&s);
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s'", tu_vigil(),
				slash),
			 0);
	assert_non_null(strstr(out, "rows      300\n"));
	assert_non_null(strstr(out, "/PSM holds train.csv and test.csv: name "
				    "the folder to open them as one dataset"));
	/* and so vigil info says */
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s'", tu_vigil(),
				p),
			 0);
	assert_non_null(strstr(out, "format    CSV train/test\n"));
	assert_non_null(strstr(out, "split     train 400 rows [0, 400), test "
				    "300 rows [400, 700); split at 400\n"));
	assert_non_null(strstr(out, "labels    test_label (one 0/1 a test "
				    "row, read only) "));
}

/* The two files must have the same metric columns, in order: otherwise
 * refused, naming the file and the column. */
static void test_columns_must_match(void **state)
{
	(void)state;
	const char *p = psm_copy("cols");
	put(p, "train.csv", "timestamp_(min),cpu,mem\n0,1,2\n1,1,2\n2,1,2\n");
	put(p, "test.csv", "timestamp_(min),cpu,disk\n3,1,2\n4,1,2\n");
	Series s;
	char msg[1024];
	assert_int_equal(open_err(&s, p, NULL, msg, sizeof(msg)),
			 STATUS_MISMATCH);
	assert_non_null(strstr(msg, "/cols/test.csv:1"));
	assert_non_null(strstr(msg, "metric 2 is 'disk'"));
	assert_non_null(strstr(msg, "train.csv has 'mem'"));
	put(p, "test.csv", "timestamp_(min),cpu,mem,net\n3,1,2,3\n4,1,2,3\n");
	assert_int_equal(open_err(&s, p, NULL, msg, sizeof(msg)),
			 STATUS_MISMATCH);
	assert_non_null(strstr(msg, "test.csv has a metric column 'net'"));
	/* a bad cell is reported by the CSV loader with its file, line and
	   column */
	put(p, "test.csv", "timestamp_(min),cpu,mem\n3,1,2\n4,oops,2\n");
	assert_int_equal(open_err(&s, p, NULL, msg, sizeof(msg)),
			 STATUS_PARSE);
	assert_non_null(strstr(msg, "/cols/test.csv:3:2: expected a number in "
				    "column 'cpu', found 'oops'"));
	char out[2048];
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s'", tu_vigil(),
				p),
			 2);
	assert_non_null(strstr(out, "test.csv:3:2: expected a number"));
	/* minutes that go backwards inside a file: said in minutes from the
	   start, not as dates in 1970 */
	put(p, "test.csv", "timestamp_(min),cpu,mem\n3,1,2\n5,1,2\n4,1,2\n");
	assert_int_equal(open_err(&s, p, NULL, msg, sizeof(msg)),
			 STATUS_PARSE);
	assert_non_null(strstr(msg, "/cols/test.csv:4:1: timestamp +00:04:00 "
				    "goes backwards: line 3 has +00:05:00; "
				    "expected increasing times"));
	put(p, "test.csv", "timestamp,cpu,mem\n3,1,2\n5,1,2\n5,1,2\n");
	assert_int_equal(open_err(&s, p, NULL, msg, sizeof(msg)),
			 STATUS_PARSE);
	assert_non_null(strstr(msg, "timestamp 5 repeats: line 3 has 5;"));
}

/* Test times that continue the train's are kept; times that restart,
 * overlap or repeat give the index axis, and vigil info says why. */
static void test_time_axis_join(void **state)
{
	(void)state;
	const char *p = psm_copy("axis");
	put(p, "train.csv", "timestamp,cpu\n2022-01-01 00:00:00,1\n"
			    "2022-01-01 00:01:00,2\n2022-01-01 00:02:00,3\n");
	put(p, "test.csv", "timestamp,cpu\n2022-01-01 00:03:00,1\n"
			   "2022-01-01 00:04:00,5\n");
	Series s;
	char msg[1024];
	assert_int_equal(open_err(&s, p, NULL, msg, sizeof(msg)), STATUS_OK);
	assert_non_null(s.timestamps);
	assert_int_equal(s.time_elapsed, 0);
	assert_int_equal(s.timestamps[3], 1640995380);
	assert_null(s.axis_note);
	series_free(&s);
	/* the test file starts its own clock again: the index axis */
	put(p, "test.csv", "timestamp,cpu\n2022-01-01 00:00:00,1\n"
			   "2022-01-01 00:01:00,5\n");
	assert_int_equal(open_err(&s, p, NULL, msg, sizeof(msg)), STATUS_OK);
	assert_null(s.timestamps);
	assert_int_equal(s.rows, 5);
	assert_int_equal(s.split, 3);
	assert_int_equal(s.interval, 60);
	assert_non_null(s.axis_note);
	assert_non_null(strstr(s.axis_note, "test.csv starts at 2022-01-01 "
					    "00:00:00, before train.csv's last "
					    "time 2022-01-01 00:02:00"));
	series_free(&s);
	/* PSM's minutes, restarting from 0 in test.csv */
	put(p, "train.csv", "timestamp_(min),cpu\n0.0,1\n1.0,2\n2.0,3\n");
	put(p, "test.csv", "timestamp_(min),cpu\n0.0,1\n1.0,5\n");
	assert_int_equal(open_err(&s, p, NULL, msg, sizeof(msg)), STATUS_OK);
	assert_null(s.timestamps);
	assert_int_equal(s.time_elapsed, 0);
	assert_int_equal(s.interval, 60);
	assert_non_null(s.axis_note);
	assert_non_null(strstr(s.axis_note, "starts at +00:00:00, before "));
	series_free(&s);
	char out[4096];
	/* (the sample's test_label.csv, copied along, does not fit the 2
	   test rows written here: info describes the folder, then says so
	   as score would) */
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s'", tu_vigil(),
				p),
			 2);
	assert_non_null(strstr(out, "test_label.csv: column 'label' has 300 "
				    "rows: expected 5 (every row of the data) "
				    "or 2 (its test part)"));
	assert_non_null(strstr(out, "time      rows 0 .. 4 (test.csv starts at "
				    "+00:00:00, before train.csv's last time "
				    "+00:02:00 (the times restart or "
				    "overlap): index axis)\n"));
	/* and the dashboard's first screen */
	char keys[300], dump[300];
	snprintf(keys, sizeof(keys), "%s/axis-keys", tu_dir);
	snprintf(dump, sizeof(dump), "%s/axis-screen.txt", tu_dir);
	assert_int_equal(tu_write(keys, ""), 0);
	assert_int_equal(tu_run(out, sizeof(out),
				"TERM=xterm-256color COLUMNS=120 LINES=24 %s '%s' "
				"--no-model --keys '%s' --dump '%s'",
				tu_vigil(), p, keys, dump),
			 0);
	char *screen = tu_slurp(dump, NULL);
	assert_non_null(screen);
	assert_non_null(strstr(screen, "row index for time: test.csv starts "
				       "at +00:00:00"));
	free(screen);
	/* a step counter that continues stays a step counter */
	put(p, "train.csv", "timestamp,cpu\n1,1\n2,2\n3,3\n");
	put(p, "test.csv", "timestamp,cpu\n4,1\n5,5\n");
	assert_int_equal(open_err(&s, p, NULL, msg, sizeof(msg)), STATUS_OK);
	assert_null(s.timestamps);
	assert_int_equal(s.time_counter, 1);
	assert_null(s.axis_note);
	series_free(&s);
	/* times in one file only */
	put(p, "test.csv", "cpu\n1\n5\n");
	put(p, "train.csv", "cpu\n1\n2\n3\n");
	assert_int_equal(open_err(&s, p, NULL, msg, sizeof(msg)), STATUS_OK);
	assert_null(s.axis_note);
	series_free(&s);
	put(p, "train.csv", "timestamp,cpu\n2022-01-01 00:00:00,1\n"
			    "2022-01-01 00:01:00,2\n2022-01-01 00:02:00,3\n");
	assert_int_equal(open_err(&s, p, NULL, msg, sizeof(msg)), STATUS_OK);
	assert_null(s.timestamps);
	assert_non_null(s.axis_note);
	assert_non_null(strstr(s.axis_note, "train.csv has times and test.csv "
					    "has none"));
	series_free(&s);
}

/* Missing cells are filled over the joined rows: a gap at the start of
 * test.csv continues train.csv's last value (each file filled alone, it
 * took test.csv's first value), and a column empty in test.csv alone is
 * no error. */
static void test_missing_filled_across_files(void **state)
{
	(void)state;
	const char *p = psm_copy("fill");
	put(p, "train.csv", "timestamp_(min),cpu,mem\n0,,1\n1,2,1\n2,3,1\n");
	put(p, "test.csv", "timestamp_(min),cpu,mem\n3,,\n4,9,\n");
	Series s;
	char msg[1024];
	if (open_err(&s, p, NULL, msg, sizeof(msg)) != STATUS_OK)
		fail_msg("%s", msg);
	assert_true(series_at(&s, 0, 0) == 2.0f); /* back-filled */
	assert_true(series_at(&s, 0, 3) == 3.0f); /* train's last, not 9 */
	assert_true(series_at(&s, 0, 4) == 9.0f);
	assert_true(series_at(&s, 1, 4) == 1.0f);
	assert_int_equal(s.filled, 4);
	series_free(&s);
	put(p, "train.csv", "timestamp_(min),cpu,mem\n0,1,\n1,2,\n2,3,\n");
	assert_int_equal(open_err(&s, p, NULL, msg, sizeof(msg)),
			 STATUS_EMPTY);
	assert_non_null(strstr(msg, "column 'mem' has no values at all, in "
				    "train.csv nor in test.csv"));
	/* a label column with a missing cell is still the files' labels,
	   not a metric */
	put(p, "train.csv", "timestamp_(min),cpu,label\n0,1,0\n1,2,\n2,3,0\n");
	put(p, "test.csv", "timestamp_(min),cpu,label\n3,1,1\n4,9,0\n");
	if (open_err(&s, p, NULL, msg, sizeof(msg)) != STATUS_OK)
		fail_msg("%s", msg);
	assert_int_equal(s.metrics, 1);
	assert_string_equal(s.names[0], "cpu");
	series_free(&s);
}

/* --split and --train do not apply, and vigil watch does not follow
 * such a folder: refused with the reason. */
static void test_split_refused(void **state)
{
	(void)state;
	const char *p = psm_copy("split");
	SeriesOptions o = {0};
	o.split_rows = 100;
	Series s;
	char msg[1024];
	assert_int_equal(open_err(&s, p, &o, msg, sizeof(msg)), STATUS_USAGE);
	assert_non_null(strstr(msg, "--split and --train do not apply"));
	char out[2048];
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s' --train 0.5",
				tu_vigil(), p),
			 1);
	assert_non_null(strstr(out, "its split is the row count of train.csv"));
	/* nor does it grow: vigil watch says so (it took the folder for a
	   CSV file to follow) */
	assert_int_equal(tu_run(out, sizeof(out), "%s watch '%s' --model "
				"'%s/none.model'", tu_vigil(), p, tu_dir),
			 1);
	assert_non_null(strstr(out, "a train.csv/test.csv folder does not "
				    "grow: give a Prometheus query or a CSV "
				    "file"));
}

/* A time column counting minutes from 0 in one CSV file is elapsed time:
 * vigil info, the detections file and the label CSV show no date in
 * January 1970. */
static void test_elapsed_not_1970(void **state)
{
	(void)state;
	char out[65536];
	assert_int_equal(tu_run(out, sizeof(out), "%s info "
				"data/samples/psm/train.csv", tu_vigil()),
			 0);
	assert_null(strstr(out, "1970"));
	assert_non_null(strstr(out, "time      +00:00:00 .. +06:39:00 elapsed"));
	const char *p = psm_copy("el");
	assert_int_equal(tu_run(out, sizeof(out),
				"%s detect '%s' --epochs 2 --quiet "
				"--cache-dir '%s/cache'",
				tu_vigil(), p, tu_dir),
			 0);
	assert_null(strstr(out, "1970"));
	/* the injected level shift from row 520 (+08:40:00) is found */
	assert_non_null(strstr(out, ",520,"));
	assert_non_null(strstr(out, ",+08:40:00,"));
	assert_int_equal(tu_run(out, sizeof(out),
				"%s labels '%s' -o '%s/l.csv' && cat '%s/l.csv'",
				tu_vigil(), p, tu_dir, tu_dir),
			 0);
	assert_non_null(strstr(out, "*,520,541,+08:40:00,+09:00:00,original,"));
	/* a day and more */
	char t[64];
	series_elapsed_string(2 * 86400 + 3600 + 61, t, sizeof(t));
	assert_string_equal(t, "+2d 01:01:01");
}

/* vigil score on the folder scores one dataset against test_label.csv
 * (a folder of machines is a table; this is not one); labels.csv in the
 * folder (the dashboard's relabelling) comes before test_label.csv. */
static void test_score_folder_is_one_dataset(void **state)
{
	(void)state;
	const char *p = psm_copy("sc");
	char out[65536];
	assert_int_equal(tu_run(out, sizeof(out),
				"%s score '%s' --epochs 2 --cache-dir '%s/cache'",
				tu_vigil(), p, tu_dir),
			 0);
	assert_null(strstr(out, "datasets, each"));
	assert_non_null(strstr(out, "/sc/test_label.csv (column)"));
	assert_non_null(strstr(out, "test part   rows [400, 700), 300 rows"));
	put(p, "labels.csv", "metric,start,end,start_time,end_time,source,note\n"
			     "*,640,651,,,analyst,\n");
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s'", tu_vigil(),
				p),
			 0);
	assert_non_null(strstr(out, "labels    label CSV "));
	assert_non_null(strstr(out, "/sc/labels.csv\n"));
	assert_int_equal(tu_run(out, sizeof(out),
				"%s score '%s' --epochs 2 --cache-dir '%s/cache'",
				tu_vigil(), p, tu_dir),
			 0);
	assert_non_null(strstr(out, "/sc/labels.csv (csv)"));
}

/* A test_label.csv saved with a UTF-8 byte order mark (as a spreadsheet
 * writes it) whose first column is the label is still that column: the
 * mark is no part of the header, so the folder's labels are read (they
 * were taken for vigil's label CSV and refused for its header); the same
 * mark before vigil's own label CSV is skipped too. */
static void test_label_file_with_bom(void **state)
{
	(void)state;
	const char *p = psm_copy("bom");
	char out[8192], cmd[1024];
	/* the sample's 300 test labels, the label column alone, BOM, CRLF */
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && { printf '\\357\\273\\277label\\r\\n'; "
		 "tail -n +2 test_label.csv | cut -d, -f2 | sed 's/$/\\r/'; } "
		 "> tl && mv tl test_label.csv",
		 p);
	assert_int_equal(tu_run(out, sizeof(out), "%s", cmd), 0);
	int rc = tu_run(out, sizeof(out), "%s labels '%s' -o '%s/bom.csv'",
			tu_vigil(), p, tu_dir);
	if (rc != 0)
		fail_msg("vigil labels: exit %d: %s", rc, out);
	assert_non_null(strstr(out, "2 node-level ranges"));
	assert_int_equal(tu_run(out, sizeof(out),
				"{ printf '\\357\\273\\277'; cat '%s/bom.csv'; } "
				"> '%s/bom2.csv'",
				tu_dir, tu_dir),
			 0);
	rc = tu_run(out, sizeof(out),
		    "%s labels '%s' --labels '%s/bom2.csv' -o '%s/bom3.csv'",
		    tu_vigil(), p, tu_dir, tu_dir);
	if (rc != 0)
		fail_msg("vigil labels --labels (csv with BOM): exit %d: %s",
			 rc, out);
	assert_int_equal(tu_run(out, sizeof(out), "cmp '%s/bom.csv' '%s/bom3.csv'",
				tu_dir, tu_dir),
			 0);
}

/* A test_label.csv of 0/1 lines without a header (SMD's test_label
 * layout, as numpy.savetxt writes it, and as vigil labels --format smd -o
 * FILE.csv writes it) is read as such: it was taken for vigil's label CSV
 * for its name and refused for its header, so vigil could not read back
 * what it had written. */
static void test_label_file_without_header(void **state)
{
	(void)state;
	const char *p = psm_copy("nohead");
	char out[8192];
	assert_int_equal(tu_run(out, sizeof(out),
				"%s labels '%s' -o '%s/nh-ref.csv'", tu_vigil(),
				p, tu_dir),
			 0);
	assert_int_equal(tu_run(out, sizeof(out),
				"%s labels '%s' --format smd -o '%s/nh-bits.csv'",
				tu_vigil(), p, tu_dir),
			 0);
	int rc = tu_run(out, sizeof(out),
			"%s labels '%s' --labels '%s/nh-bits.csv' -o '%s/nh-1.csv'",
			tu_vigil(), p, tu_dir, tu_dir);
	if (rc != 0)
		fail_msg("reading back --format smd: exit %d: %s", rc, out);
	assert_int_equal(tu_run(out, sizeof(out), "cmp '%s/nh-ref.csv' "
				"'%s/nh-1.csv'", tu_dir, tu_dir),
			 0);
	/* the same bits as the folder's own test_label.csv */
	assert_int_equal(tu_run(out, sizeof(out), "cp '%s/nh-bits.csv' "
				"'%s/test_label.csv'", tu_dir, p),
			 0);
	rc = tu_run(out, sizeof(out), "%s labels '%s' -o '%s/nh-2.csv'",
		    tu_vigil(), p, tu_dir);
	if (rc != 0)
		fail_msg("the folder's header-less test_label.csv: exit %d: %s",
			 rc, out);
	assert_int_equal(tu_run(out, sizeof(out), "cmp '%s/nh-ref.csv' "
				"'%s/nh-2.csv'", tu_dir, tu_dir),
			 0);
}

/* train.csv or test.csv opened alone does not take the folder's
 * labels.csv, the relabelling of the two files joined (the dashboard's
 * save): its rows are the joined series', so a range at row 100 (a train
 * row) was applied to test.csv's row 100, and train.csv was refused for a
 * test range. A test.csv in another folder still finds labels.csv there. */
static void test_part_alone_leaves_the_folder_labels(void **state)
{
	(void)state;
	const char *p = psm_copy("alone");
	char out[8192];
	put(p, "labels.csv", "metric,start,end,start_time,end_time,source,note\n"
			     "*,100,120,,,analyst,\n");
	const char *part[] = {"test.csv", "train.csv"};
	for (int i = 0; i < 2; i++) {
		assert_int_equal(tu_run(out, sizeof(out), "%s info '%s/%s'",
					tu_vigil(), p, part[i]),
				 0);
		if (!strstr(out, "labels    none found\n"))
			fail_msg("%s alone: %s", part[i], out);
	}
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s'", tu_vigil(), p),
			 0);
	assert_non_null(strstr(out, "/alone/labels.csv\n"));
	char other[512];
	snprintf(other, sizeof(other), "%s/other", tu_dir);
	assert_int_equal(tu_run(out, sizeof(out), "mkdir -p '%s' && cp "
				"'%s/test.csv' '%s/labels.csv' '%s'",
				other, p, p, other),
			 0);
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s/test.csv'",
				tu_vigil(), other),
			 0);
	assert_non_null(strstr(out, "/other/labels.csv\n"));
}

/* An SMD machine whose name holds ':' is addressed as DIR:name (split at
 * the ':' whose machine file exists), and a folder whose name holds ':'
 * still works. */
static void test_machine_name_with_colon(void **state)
{
	(void)state;
	char smd[300], out[2048];
	snprintf(smd, sizeof(smd), "%s/a:b/SMD", tu_dir);
	assert_int_equal(tu_run(out, sizeof(out),
				"mkdir -p '%s/train' '%s/test' && "
				"printf '1,2\\n3,4\\n5,6\\n' > '%s/train/web:8080.txt' && "
				"printf '1,2\\n9,9\\n' > '%s/test/web:8080.txt' && "
				"printf '1,2\\n3,4\\n' > '%s/train/db.txt' && "
				"printf '1,2\\n' > '%s/test/db.txt'",
				smd, smd, smd, smd, smd, smd),
			 0);
	Series s;
	char msg[1024], arg[400];
	snprintf(arg, sizeof(arg), "%s:web:8080", smd);
	if (open_err(&s, arg, NULL, msg, sizeof(msg)) != STATUS_OK)
		fail_msg("%s", msg);
	assert_int_equal(s.kind, SERIES_SMD);
	assert_string_equal(s.machine, "web:8080");
	assert_int_equal(s.rows, 5);
	assert_int_equal(s.split, 3);
	series_free(&s);
	snprintf(arg, sizeof(arg), "%s:db", smd);
	assert_int_equal(open_err(&s, arg, NULL, msg, sizeof(msg)), STATUS_OK);
	assert_string_equal(s.machine, "db");
	series_free(&s);
	/* a machine that is not there is said so, in the SMD folder */
	snprintf(arg, sizeof(arg), "%s:web:9090", smd);
	assert_int_not_equal(open_err(&s, arg, NULL, msg, sizeof(msg)),
			     STATUS_OK);
	assert_non_null(strstr(msg, "web:9090"));
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s:web:8080'",
				tu_vigil(), smd),
			 0);
	assert_non_null(strstr(out, "/SMD:web:8080\n"));
	assert_non_null(strstr(out, "rows      5\n"));
}

/* A long-format file (the AIOps KPI files: timestamp,value,label,KPI ID,
 * several series interleaved) is still refused, but the message says what
 * the text column is and how to split the file, and the advice works. */
static void test_long_format_advice(void **state)
{
	(void)state;
	char p[300], out[8192];
	snprintf(p, sizeof(p), "%s/kpi.csv", tu_dir);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fprintf(f, "timestamp,value,label,KPI ID\n");
	for (int r = 0; r < 40; r++)
		fprintf(f, "%d,%.2f,0,%s\n", 1476460800 + 60 * (r / 2),
			1 + 0.1 * r, r % 2 ? "71595dd7171f4540" : "02e99bd4f6cfb33f");
	fclose(f);
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s'", tu_vigil(), p),
			 2);
	assert_non_null(strstr(out, "kpi.csv:2:4: expected a number in column "
				    "'KPI ID', found '02e99bd4f6cfb33f'"));
	assert_non_null(strstr(out, "long format"));
	const char *awk = strstr(out, "awk ");
	assert_non_null(awk);
	/* the advice, run in the folder, gives one file per series that
	   vigil reads */
	char cmd[1200];
	snprintf(cmd, sizeof(cmd), "%s", awk);
	char *nl = strchr(cmd, '\n');
	if (nl)
		*nl = '\0';
	assert_int_equal(tu_run(out, sizeof(out), "cd '%s' && %s", tu_dir, cmd), 0);
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s/02e99bd4f6cfb33f.csv'",
				tu_vigil(), tu_dir),
			 0);
	assert_non_null(strstr(out, "rows      20\n"));
	assert_non_null(strstr(out, "metrics   1: value\n"));
	/* a long name with blanks and a quote: the command names the file
	   whole, as one shell word (it was cut at 40 characters, unquoted) */
	const char *name = "KPI's phase 2 ground truth, AIOps 2018.csv";
	snprintf(p, sizeof(p), "%s/long/%s", tu_dir, name);
	assert_int_equal(tu_run(out, sizeof(out), "mkdir -p '%s/long' && cp "
				"'%s/kpi.csv' \"%s\"", tu_dir, tu_dir, p),
			 0);
	assert_int_equal(tu_run(out, sizeof(out), "%s info \"%s\"", tu_vigil(),
				p),
			 2);
	awk = strstr(out, "awk ");
	assert_non_null(awk);
	snprintf(cmd, sizeof(cmd), "%s", awk);
	nl = strchr(cmd, '\n');
	if (nl)
		*nl = '\0';
	int rc = tu_run(out, sizeof(out), "cd '%s/long' && %s", tu_dir, cmd);
	if (rc != 0)
		fail_msg("the advice's command: exit %d: %s\n%s", rc, cmd, out);
	assert_int_equal(tu_run(out, sizeof(out),
				"%s info '%s/long/71595dd7171f4540.csv'",
				tu_vigil(), tu_dir),
			 0);
	assert_non_null(strstr(out, "rows      20\n"));
	/* text that does not repeat (a typo) keeps the plain message */
	snprintf(p, sizeof(p), "%s/typo.csv", tu_dir);
	assert_int_equal(tu_write(p, "timestamp,cpu\n1476460800,1\n"
				     "1476460860,x1\n1476460920,3\n"),
			 0);
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s'", tu_vigil(), p),
			 2);
	assert_non_null(strstr(out, "found 'x1'\n"));
	/* a placeholder repeated among numbers ("None", "-") is no key of
	   a long format: the plain message (it said long format, and its
	   command would have split the file by the values' column) */
	const char *tok[] = {"None", "-", "#N/A"};
	for (int i = 0; i < 3; i++) {
		char text[256];
		snprintf(text, sizeof(text),
			 "timestamp,cpu,mem\n1476460800,1,2\n1476460860,%s,3\n"
			 "1476460920,%s,4\n1476460980,4,4\n",
			 tok[i], tok[i]);
		assert_int_equal(tu_write(p, text), 0);
		assert_int_equal(tu_run(out, sizeof(out), "%s info '%s'",
					tu_vigil(), p),
				 2);
		char want[64];
		snprintf(want, sizeof(want), "found '%s'\n", tok[i]);
		if (!strstr(out, want))
			fail_msg("'%s' among numbers: %s", tok[i], out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_folder_is_one_series),
		cmocka_unit_test(test_columns_must_match),
		cmocka_unit_test(test_time_axis_join),
		cmocka_unit_test(test_missing_filled_across_files),
		cmocka_unit_test(test_split_refused),
		cmocka_unit_test(test_elapsed_not_1970),
		cmocka_unit_test(test_score_folder_is_one_dataset),
		cmocka_unit_test(test_label_file_with_bom),
		cmocka_unit_test(test_label_file_without_header),
		cmocka_unit_test(test_part_alone_leaves_the_folder_labels),
		cmocka_unit_test(test_machine_name_with_colon),
		cmocka_unit_test(test_long_format_advice),
	};
	return cmocka_run_group_tests(tests, tu_dir_setup, tu_dir_teardown);
}
