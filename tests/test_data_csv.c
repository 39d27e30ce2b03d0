/* The generic CSV loader: the file variants a user hands vigil, and every
 * bad input the loader must refuse with file, line and column — checked both
 * through the library and through `vigil info` (exit code 2). */
#include "tests/testutil.h"

#include <math.h>
#include <unistd.h>

#include "data/series.h"

/* Writes text to dir/name and returns the path (static buffer). */
static const char *put(const char *name, const char *text)
{
	static char path[2][256];
	static int k;
	k ^= 1;
	snprintf(path[k], sizeof(path[k]), "%s/%s", tu_dir, name);
	assert_int_equal(tu_write(path[k], text), 0);
	return path[k];
}

static void load_ok(Series *s, const char *path, const SeriesOptions *opt)
{
	ErrorRecord err;
	Status st = series_open(s, path, opt, &err);
	if (st != STATUS_OK) {
		char buf[1200];
		fail_msg("%s", error_format(&err, buf, sizeof(buf)));
	}
}

static void test_header_and_space_timestamps(void **state)
{
	(void)state;
	Series s;
	load_ok(&s, put("a.csv", "timestamp,cpu,mem\n"
				 "2022-01-01 00:00:00,1.5,10\n"
				 "2022-01-01 00:01:00,2.5,20\n"
				 "2022-01-01 00:02:00,3.5,30\n"
				 "2022-01-01 00:03:00,4.5,40\n"),
		NULL);
	assert_int_equal(s.kind, SERIES_CSV);
	assert_int_equal(s.rows, 4);
	assert_int_equal(s.metrics, 2);
	assert_string_equal(s.names[0], "cpu");
	assert_string_equal(s.names[1], "mem");
	assert_non_null(s.timestamps);
	assert_int_equal(s.timestamps[0], 1640995200);
	assert_int_equal(s.interval, 60);
	assert_int_equal(s.split, 2);
	assert_true(series_at(&s, 0, 3) == 4.5f);
	assert_true(series_at(&s, 1, 1) == 20.0f);
	char t[32];
	assert_string_equal(series_format_time(&s, 1, t, sizeof(t)),
			    "2022-01-01 00:01:00");
	assert_int_equal(series_row_at_time(&s, 1640995200 + 90), 2);
	assert_int_equal(s.filled, 0);
	series_free(&s);
}

static void test_no_header_epoch_seconds(void **state)
{
	(void)state;
	Series s;
	load_ok(&s, put("b.csv", "1700000000,1,2,3\n"
				 "1700000300,4,5,6\n"
				 "1700000600,7,8,9\n"),
		NULL);
	assert_int_equal(s.rows, 3);
	assert_int_equal(s.metrics, 3);
	assert_string_equal(s.names[0], "m01");
	assert_string_equal(s.names[2], "m03");
	assert_int_equal(s.timestamps[2], 1700000600);
	assert_int_equal(s.interval, 300);
	assert_true(series_at(&s, 2, 1) == 6.0f);
	series_free(&s);
}

/* A time column named with a unit, as exported datasets name it (PSM's
 * `timestamp_(min)` counts minutes from 0): it is the time axis, not a
 * metric, and its numbers are read in that unit. A metric whose name only
 * starts like a time word stays a metric. */
static void test_time_column_with_unit(void **state)
{
	(void)state;
	Series s;
	load_ok(&s, put("psm.csv", "timestamp_(min),feature_0,feature_1\n"
				   "0.0,1,2\n1.0,3,4\n2.0,5,6\n3.0,7,8\n"),
		NULL);
	assert_int_equal(s.metrics, 2);
	assert_string_equal(s.names[0], "feature_0");
	assert_int_equal(s.timestamps[3], 180);
	assert_int_equal(s.interval, 60);
	series_free(&s);
	load_ok(&s, put("ms.csv", "Time (ms),cpu\n1700000000000,1\n"
				  "1700000300000,2\n1700000600000,3\n"),
		NULL);
	assert_int_equal(s.metrics, 1);
	assert_int_equal(s.timestamps[2], 1700000600);
	assert_int_equal(s.interval, 300);
	series_free(&s);
	load_ok(&s, put("h.csv", "epoch [h],cpu\n10,1\n10.5,2\n11,3\n"), NULL);
	assert_int_equal(s.timestamps[1], 37800);
	assert_int_equal(s.interval, 1800);
	series_free(&s);
	/* seconds said as a unit are seconds, even small ones */
	load_ok(&s, put("s.csv", "time_s,cpu\n0,1\n1.0,2\n2,3\n3.0,4\n"),
		NULL);
	assert_non_null(s.timestamps);
	assert_int_equal(s.timestamps[3], 3);
	assert_int_equal(s.interval, 1);
	series_free(&s);
	load_ok(&s, put("tw.csv", "time_wait,cpu\n1,1\n2,2\n3,3\n"), NULL);
	assert_int_equal(s.metrics, 2);
	assert_string_equal(s.names[0], "time_wait");
	assert_null(s.timestamps);
	series_free(&s);
	/* dates in such a column are still dates */
	load_ok(&s, put("d.csv", "timestamp (UTC),cpu\n2022-01-01 00:00:00,1\n"
				 "2022-01-01 00:05:00,2\n"),
		NULL);
	assert_int_equal(s.timestamps[0], 1640995200);
	series_free(&s);
}

/* A 0/1 column named as labels (Yahoo's `is_anomaly`, PSM's `label`) is
 * the file's labels, not a metric; a column so named with other values,
 * or the only column, stays a metric. */
static void test_label_column_kept_out(void **state)
{
	(void)state;
	Series s;
	const char *p = put("lab.csv", "timestamp,value,is_anomaly\n"
				       "2022-01-01 00:00:00,1.5,0\n"
				       "2022-01-01 00:01:00,2.5,1\n"
				       "2022-01-01 00:02:00,3.5,1\n"
				       "2022-01-01 00:03:00,4.5,0\n");
	load_ok(&s, p, NULL);
	assert_int_equal(s.metrics, 1);
	assert_string_equal(s.names[0], "value");
	assert_true(series_at(&s, 0, 3) == 4.5f);
	assert_string_equal(s.label_column, "is_anomaly");
	assert_string_equal(s.label_path, p);
	series_free(&s);
	/* the same file read for its labels keeps the column */
	ErrorRecord err;
	assert_int_equal(series_load_csv_labels(&s, p, &err), STATUS_OK);
	assert_int_equal(s.metrics, 2);
	assert_null(s.label_column);
	series_free(&s);
	load_ok(&s, put("lab2.csv", "cpu,label\n1,0\n2,0.5\n3,1\n4,0\n"),
		NULL);
	assert_int_equal(s.metrics, 2);
	assert_null(s.label_column);
	series_free(&s);
	load_ok(&s, put("lab3.csv", "label\n0\n1\n1\n0\n"), NULL);
	assert_int_equal(s.metrics, 1);
	assert_null(s.label_column);
	series_free(&s);
}

/* A label column is no metric: its empty cell is not a metric value that
 * was filled. `vigil info` used to count it ("filled 2 missing values"
 * for a file with one empty metric cell), and the label column's empty
 * cell was forward-filled in memory; the labels reader refuses that cell
 * with its line and column. */
static void test_label_cells_not_counted_as_filled(void **state)
{
	(void)state;
	const char *p = put("gap.csv", "timestamp,cpu,label\n"
				       "2022-01-01 00:00:00,41.2,0\n"
				       "2022-01-01 00:01:00,,0\n"
				       "2022-01-01 00:02:00,43.9,1\n"
				       "2022-01-01 00:03:00,88.4,\n"
				       "2022-01-01 00:04:00,44.1,0\n");
	Series s;
	load_ok(&s, p, NULL);
	assert_int_equal(s.metrics, 1);
	assert_string_equal(s.label_column, "label");
	assert_int_equal(s.filled, 1);
	assert_true(series_at(&s, 0, 1) == 41.2f);
	series_free(&s);
	char out[4096];
	/* info describes the file, then refuses its labels as score does
	   (it said nothing and exited 0, and score then refused the file) */
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s'", tu_vigil(), p),
			 2);
	assert_non_null(strstr(out, "metrics   1: cpu\n"));
	assert_non_null(strstr(out, "filled    1 missing"));
	assert_non_null(strstr(out, "vigil info: "));
	assert_non_null(strstr(out, "gap.csv:5:3: expected 0 or 1 in label "
				    "column 'label', found an empty cell"));
	assert_int_equal(
		tu_run(out, sizeof(out), "%s info '%s' --json", tu_vigil(), p), 2);
	assert_non_null(strstr(out, "\"filled\":\t1,"));
	assert_non_null(strstr(out, "gap.csv:5:3: expected 0 or 1"));
	assert_int_equal(tu_run(out, sizeof(out), "%s score '%s'", tu_vigil(), p),
			 2);
	assert_non_null(strstr(out, "vigil score: "));
	assert_non_null(strstr(out, "gap.csv:5:3: expected 0 or 1"));
	/* the cell written, info says nothing more and exits 0 */
	p = put("gap.csv", "timestamp,cpu,label\n"
			   "2022-01-01 00:00:00,41.2,0\n"
			   "2022-01-01 00:01:00,,0\n"
			   "2022-01-01 00:02:00,43.9,1\n"
			   "2022-01-01 00:03:00,88.4,0\n"
			   "2022-01-01 00:04:00,44.1,0\n");
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s'", tu_vigil(), p),
			 0);
	assert_null(strstr(out, "expected"));
	p = put("gap.csv", "timestamp,cpu,label\n"
			   "2022-01-01 00:00:00,41.2,0\n"
			   "2022-01-01 00:01:00,,0\n"
			   "2022-01-01 00:02:00,43.9,1\n"
			   "2022-01-01 00:03:00,88.4,\n"
			   "2022-01-01 00:04:00,44.1,0\n");
	/* the cell is still refused where the labels are read */
	assert_int_equal(tu_run(out, sizeof(out),
				"%s labels '%s' -o '%s/gap.out.csv'", tu_vigil(),
				p, tu_dir),
			 2);
	assert_non_null(strstr(out, "gap.csv:5:3: expected 0 or 1 in label "
				    "column 'label', found an empty cell"));
}

/* Yahoo S5's A1 files number their rows 1, 2, 3, ... in a column named
 * `timestamp`. Read as epoch seconds those were 1-second samples in
 * January 1970, so the 8-minute minimum detection length was 480 rows and
 * nothing shorter was ever detected. Plain numbers below 10^8 in a time
 * column without a unit count steps: the row index is the time axis, with
 * --interval (60 s) a step; epoch seconds are unchanged. */
static void test_time_counter_is_index_axis(void **state)
{
	(void)state;
	Series s;
	char p[256];
	snprintf(p, sizeof(p), "%s",
		 put("real_1.csv", "timestamp,value,is_anomaly\n"
				   "1,0.5,0\n2,0.7,0\n3,0.2,1\n"
				   "4,0.4,0\n5,0.6,0\n6,0.1,0\n"));
	load_ok(&s, p, NULL);
	assert_int_equal(s.metrics, 1);
	assert_string_equal(s.names[0], "value");
	assert_null(s.timestamps);
	assert_int_equal(s.time_counter, 1);
	assert_int_equal(s.interval, 60);
	assert_string_equal(s.label_column, "is_anomaly");
	series_free(&s);
	SeriesOptions o = {0};
	o.interval = 3600;
	load_ok(&s, p, &o);
	assert_int_equal(s.interval, 3600);
	series_free(&s);
	/* seconds from a start that step by more than 1 stay seconds */
	load_ok(&s, put("rel.csv", "time,cpu\n0,1\n10,2\n20,3\n30,4\n"),
		NULL);
	assert_non_null(s.timestamps);
	assert_int_equal(s.time_counter, 0);
	assert_int_equal(s.interval, 10);
	series_free(&s);
	/* epoch seconds stay times */
	load_ok(&s, put("ep.csv", "timestamp,value\n1416726000,1\n"
				  "1416729600,2\n1416733200,3\n"),
		NULL);
	assert_non_null(s.timestamps);
	assert_int_equal(s.time_counter, 0);
	assert_int_equal(s.interval, 3600);
	series_free(&s);
	char out[4096];
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s'", tu_vigil(),
				p),
			 0);
	assert_non_null(strstr(out, "sampling  60 s (1 min)\n"));
	assert_non_null(strstr(out, "counts steps, not epoch seconds"));
}

/* The user-visible side of the counter: on a Yahoo A1-like file a level
 * shift of 15 rows is detected (with 1-second samples it never was). */
static void test_time_counter_shift_detected(void **state)
{
	(void)state;
	char path[256], text[64 * 1500], *w = text;
	snprintf(path, sizeof(path), "%s/real_7.csv", tu_dir);
	w += sprintf(w, "timestamp,value,is_anomaly\n");
	uint64_t x = 42;
	for (int r = 0; r < 1420; r++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		double noise = (double)(x >> 11) / 9007199254740992.0 - 0.5;
		int in = r >= 1065 && r < 1080;
		w += sprintf(w, "%d,%.3f,%d\n", r + 1,
			     100 * sin(r / 10.0) + 10 * noise + (in ? 400 : 0),
			     in);
	}
	assert_int_equal(tu_write(path, text), 0);
	char out[8192];
	assert_int_equal(tu_run(out, sizeof(out),
				"%s detect '%s' --epochs 3 --quiet "
				"--cache-dir '%s/cache' --format json",
				tu_vigil(), path, tu_dir),
			 0);
	/* 8 minutes are 8 rows (were 480) */
	assert_non_null(strstr(out, "\"min_rows\": 8,"));
	const char *d = strstr(out, "\"detections\"");
	assert_non_null(d);
	const char *key = "\"metric\": \"*\", \"start\": ";
	const char *node = strstr(d, key);
	if (!node)
		fail_msg("no node detection: %s", out);
	long start = strtol(node + strlen(key), NULL, 10);
	assert_true(start >= 1060 && start <= 1080);
}

/* Exathlon's time column is `t`, Yahoo's A3/A4 `timestamps`, and logs
 * often give epoch milliseconds (13 digits): each is the time axis, not a
 * metric or an error. A `t` column of other numbers stays a metric. */
static void test_t_timestamps_and_epoch_ms(void **state)
{
	(void)state;
	Series s;
	load_ok(&s, put("exa.csv", "t,delay,rate\n1526000000,1,2\n"
				   "1526000001,3,4\n1526000002,5,6\n"
				   "1526000003,7,8\n"),
		NULL);
	assert_int_equal(s.metrics, 2);
	assert_string_equal(s.names[0], "delay");
	assert_int_equal(s.timestamps[3], 1526000003);
	assert_int_equal(s.interval, 1);
	series_free(&s);
	load_ok(&s, put("a3.csv", "timestamps,value,anomaly\n1416726000,1,0\n"
				  "1416729600,2,1\n1416733200,3,0\n"),
		NULL);
	assert_int_equal(s.metrics, 1);
	assert_string_equal(s.names[0], "value");
	assert_int_equal(s.interval, 3600);
	series_free(&s);
	load_ok(&s, put("ms.csv", "timestamp,cpu\n1600000000000,1\n"
				  "1600000300000,2\n1600000600000,3\n"),
		NULL);
	assert_int_equal(s.metrics, 1);
	assert_int_equal(s.timestamps[1], 1600000300);
	assert_int_equal(s.interval, 300);
	series_free(&s);
	load_ok(&s, put("msx.csv", "1600000000000,1,2\n1600000060000,2,3\n"
				   "1600000120000,3,4\n"),
		NULL);
	assert_int_equal(s.metrics, 2);
	assert_int_equal(s.interval, 60);
	series_free(&s);
	load_ok(&s, put("temp.csv", "t,cpu\n21.5,1\n22.0,2\n21.0,3\n"), NULL);
	assert_int_equal(s.metrics, 2);
	assert_string_equal(s.names[0], "t");
	assert_null(s.timestamps);
	series_free(&s);
}

/* A comma at the end of every line (header included) is no column; a
 * named column without values is still an error. */
static void test_trailing_comma(void **state)
{
	(void)state;
	Series s;
	load_ok(&s, put("tc.csv", "timestamp,a,b,\n"
				  "2022-01-01 00:00:00,1,2,\n"
				  "2022-01-01 00:01:00,3,4,\r\n"
				  "2022-01-01 00:02:00,5,6,\n"),
		NULL);
	assert_int_equal(s.metrics, 2);
	assert_string_equal(s.names[1], "b");
	assert_true(series_at(&s, 1, 2) == 6.0f);
	assert_int_equal(s.filled, 0);
	series_free(&s);
	load_ok(&s, put("tc2.csv", "1,2,\n3,4,\n5,6,\n"), NULL);
	assert_int_equal(s.metrics, 2);
	series_free(&s);
	char out[4096];
	const char *p = put("tc3.csv", "a,b,c\n1,2,\n3,4,\n");
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s'", tu_vigil(),
				p),
			 2);
	assert_non_null(strstr(out, ":2:3: column 'c' has no values at all"));
	p = put("tc4.csv", "timestamp,a,b,\n2022-01-01 00:00:00,1,2,\n"
			   "2022-01-01 00:01:00,3,4,\n2022-01-01 00:02:00,5,6,\n"
			   "2022-01-01 00:03:00,7,8,\n");
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s'", tu_vigil(),
				p),
			 0);
	assert_non_null(strstr(out, "metrics   2: a, b\n"));
}

/* As many columns as a dataset may have (10,000), every one named `a`
 * (what a fuzzer made): each NAME.k was looked for by a scan of every name
 * for every k, O(n^3), and `vigil info` on it did not end in 11 minutes.
 * The alarm makes that a failure, not a stuck suite. */
static void test_many_repeated_names_load(void **state)
{
	(void)state;
	enum { N = 10000 };
	char *text = malloc(3 * (2 * N + 16)), *w = text;
	assert_non_null(text);
	w += sprintf(w, "timestamp");
	for (int k = 0; k < N; k++)
		w += sprintf(w, ",a");
	for (int r = 1; r <= 2; r++) {
		w += sprintf(w, "\n%d", r);
		for (int k = 0; k < N; k++)
			w += sprintf(w, ",%d", r);
	}
	sprintf(w, "\n");
	const char *p = put("samename.csv", text);
	free(text);
	Series s;
	alarm(60);
	load_ok(&s, p, NULL);
	alarm(0);
	assert_int_equal(s.metrics, N);
	assert_string_equal(s.names[0], "a");
	assert_string_equal(s.names[1], "a.1");
	assert_string_equal(s.names[N - 1], "a.9999");
	series_free(&s);
}

/* Two columns with one name (an export that repeats a header): the later
 * one is NAME.1 (as pandas reads it), so a detection or a label of that
 * column names it and not the first. Before, both were 'cpu' and the
 * second one's detections were read back as the first's. */
static void test_repeated_names_made_unique(void **state)
{
	(void)state;
	Series s;
	load_ok(&s, put("dup.csv", "a,cpu,cpu,cpu.1,cpu\n1,2,3,4,5\n6,7,8,9,10\n"),
		NULL);
	assert_int_equal(s.metrics, 5);
	assert_string_equal(s.names[0], "a");
	assert_string_equal(s.names[1], "cpu");
	assert_string_equal(s.names[2], "cpu.2");
	assert_string_equal(s.names[3], "cpu.1");
	assert_string_equal(s.names[4], "cpu.3");
	series_free(&s);
	/* the detections of the second column name it */
	char path[256], text[64 * 1100], *w = text;
	snprintf(path, sizeof(path), "%s/dup2.csv", tu_dir);
	w += sprintf(w, "timestamp,cpu,cpu,mem\n");
	for (int r = 0; r < 1000; r++)
		w += sprintf(w, "%d,%.3f,%.3f,%.3f\n", 1600000000 + 60 * r,
			     50 + 5 * sin(r / 20.0), 30 + sin(r / 7.0) +
			     (r >= 700 && r < 720 ? 40 : 0),
			     20 + cos(r / 9.0));
	assert_int_equal(tu_write(path, text), 0);
	char out[8192];
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s'", tu_vigil(),
				path),
			 0);
	assert_non_null(strstr(out, "metrics   3: cpu, cpu.1, mem\n"));
	assert_int_equal(tu_run(out, sizeof(out),
				"%s detect '%s' --epochs 3 --quiet "
				"--cache-dir '%s/cache'",
				tu_vigil(), path, tu_dir),
			 0);
	if (!strstr(out, "\ncpu.1,70"))
		fail_msg("no detection of cpu.1 at row 700: %s", out);
	/* and the alert ranks it first */
	assert_non_null(strstr(out, ",1,cpu.1,0."));
}

/* An array saved through pandas (pd.DataFrame(a).to_csv(path), as SMAP or
 * MSL arrays get exported): the header is 0, 1, 2, ... and, with the
 * index, an empty cell first and a first column 0, 1, 2, ... The header
 * was read as a row of data and the index as a metric that only grows (far
 * outside its train range in the whole test part). */
static void test_pandas_default_header_and_index(void **state)
{
	(void)state;
	Series s;
	char p[256];
	snprintf(p, sizeof(p), "%s",
		 put("pd.csv", ",0,1,2\n0,0.5,1.5,2.5\n1,0.6,1.6,2.6\n"
			       "2,0.7,1.7,2.7\n3,0.8,1.8,2.8\n"));
	load_ok(&s, p, NULL);
	assert_int_equal(s.rows, 4);
	assert_int_equal(s.metrics, 3);
	assert_string_equal(s.names[0], "0");
	assert_string_equal(s.names[2], "2");
	assert_true(series_at(&s, 0, 0) == 0.5f);
	assert_null(s.timestamps);
	assert_int_equal(s.time_counter, 1);
	series_free(&s);
	load_ok(&s, put("pd2.csv", "0,1\n0.5,1.5\n0.7,1.7\n"), NULL);
	assert_int_equal(s.rows, 2);
	assert_int_equal(s.metrics, 2);
	assert_true(series_at(&s, 1, 1) == 1.7f);
	series_free(&s);
	/* integer or binary data whose first row counts up stays data */
	load_ok(&s, put("ints.csv", "0,1,2\n0,1,2\n5,6,7\n"), NULL);
	assert_int_equal(s.rows, 3);
	assert_string_equal(s.names[0], "m01");
	series_free(&s);
	load_ok(&s, put("bits.csv", "0,1\n1,0\n0,0\n"), NULL);
	assert_int_equal(s.rows, 3);
	series_free(&s);
	/* a named first column is a metric */
	load_ok(&s, put("named.csv", "idx,a\n0,1\n1,2\n2,5\n"), NULL);
	assert_int_equal(s.metrics, 2);
	assert_string_equal(s.names[0], "idx");
	series_free(&s);
	char out[4096];
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s'", tu_vigil(),
				p),
			 0);
	assert_non_null(strstr(out, "rows      4\n"));
	assert_non_null(strstr(out, "metrics   3: 0, 1, 2\n"));
}

static void test_iso_t_z_and_split_options(void **state)
{
	(void)state;
	const char *p = put("c.csv", "when,value\n"
				     "2022-03-01T10:00:00Z,1\n"
				     "2022-03-01T10:00:10Z,2\n"
				     "2022-03-01T10:00:20Z,3\n"
				     "2022-03-01T10:00:30Z,4\n"
				     "2022-03-01T10:00:50Z,5\n");
	SeriesOptions o = {0};
	o.split_rows = 3;
	Series s;
	load_ok(&s, p, &o);
	assert_int_equal(s.metrics, 1); /* detected by content */
	assert_string_equal(s.names[0], "value");
	assert_int_equal(s.interval, 10); /* median of 10,10,10,20 */
	assert_int_equal(s.split, 3);
	series_free(&s);
	o.split_rows = 0;
	o.train_fraction = 0.8;
	load_ok(&s, p, &o);
	assert_int_equal(s.split, 4);
	series_free(&s);
}

static void test_no_timestamps_index_axis(void **state)
{
	(void)state;
	const char *p = put("d.csv", "a,b\n1,2\n3,4\n5,6\n7,8\n9,10\n11,12\n");
	Series s;
	load_ok(&s, p, NULL);
	assert_null(s.timestamps);
	assert_int_equal(s.interval, 60);
	assert_int_equal(s.split, 3);
	char t[32];
	assert_string_equal(series_format_time(&s, 4, t, sizeof(t)), "4");
	series_free(&s);
	SeriesOptions o = {0};
	o.interval = 5;
	load_ok(&s, p, &o);
	assert_int_equal(s.interval, 5);
	series_free(&s);
}

static void test_bom_crlf_quoted(void **state)
{
	(void)state;
	Series s;
	load_ok(&s, put("e.csv", "\xEF\xBB\xBF\"timestamp\",\"cpu, %\",mem\r\n"
				 "\"2022-01-01 00:00:00.000000\",\"1.25\",2\r\n"
				 "\"2022-01-01 00:05:00.500000\", 3.5 ,4\r\n"),
		NULL);
	assert_int_equal(s.rows, 2);
	assert_string_equal(s.names[0], "cpu, %");
	assert_true(series_at(&s, 0, 0) == 1.25f);
	assert_true(series_at(&s, 0, 1) == 3.5f);
	assert_true(series_at(&s, 1, 1) == 4.0f);
	assert_int_equal(s.timestamps[1] - s.timestamps[0], 300);
	series_free(&s);
}

static void test_missing_cells_filled_and_counted(void **state)
{
	(void)state;
	Series s;
	load_ok(&s, put("f.csv", "time,a,b\n"
				 "2022-01-01 00:00:00,,1\n"
				 "2022-01-01 00:01:00,NaN,2\n"
				 "2022-01-01 00:02:00,5,null\n"
				 "2022-01-01 00:03:00,6,NA\n"
				 "2022-01-01 00:04:00,nan,7\n"),
		NULL);
	assert_int_equal(s.filled, 5);
	/* a: leading gap back-filled with 5, the last forward-filled with 6 */
	assert_true(series_at(&s, 0, 0) == 5.0f);
	assert_true(series_at(&s, 0, 1) == 5.0f);
	assert_true(series_at(&s, 0, 4) == 6.0f);
	/* b: forward-filled from 2 */
	assert_true(series_at(&s, 1, 2) == 2.0f);
	assert_true(series_at(&s, 1, 3) == 2.0f);
	assert_true(series_at(&s, 1, 4) == 7.0f);
	for (size_t m = 0; m < s.metrics; m++)
		for (size_t r = 0; r < s.rows; r++)
			assert_false(isnan(series_at(&s, m, r)));
	series_free(&s);
}

/* Bad input: the library refuses it with the line and column, leaves the
 * series empty, and `vigil info` exits 2 with "file:line:col:" and expect
 * in its message. */
static void bad(const char *name, const char *text, long line, long col,
		Status want, const char *expect)
{
	const char *p = put(name, text);
	Series s;
	ErrorRecord err;
	Status st = series_open(&s, p, NULL, &err);
	assert_int_equal(st, want);
	assert_int_equal(err.line, line);
	assert_int_equal(err.column, col);
	assert_null(s.values);
	assert_int_equal(s.rows, 0);
	assert_string_equal(err.file, p);
	char out[4096], where[400];
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s'", tu_vigil(),
				p),
			 2);
	snprintf(where, sizeof(where), "%s:%ld:%ld: ", p, line, col);
	if (!strstr(out, where) || !strstr(out, expect))
		fail_msg("want '%s' and '%s' in: %s", where, expect, out);
}

static void test_bad_number_names_line_column_and_text(void **state)
{
	(void)state;
	bad("g.csv", "timestamp,a,b\n2022-01-01 00:00:00,1,2\n"
		     "2022-01-01 00:01:00,1,12.5kb\n",
	    3, 3, STATUS_PARSE, "expected a number in column 'b', found '12.5kb'");
}

/* numpy.savetxt writes blanks between the values unless told otherwise
 * (SMAP/MSL arrays exported to text): the whole line was one field, taken
 * for a header, and the error quoted 25 numbers as a column name. Now it
 * says what the file is, as for files separated by semicolons or tabs. A
 * single column of numbers is still read. */
static void test_blank_separated_file_named(void **state)
{
	(void)state;
	bad("sp.txt",
	    "5.179386704001956998e-01 0.000000000000000000e+00 1.0e+00\n"
	    "5.2e-01 0.0e+00 1.0e+00\n",
	    1, 1, STATUS_PARSE,
	    "3 numbers separated by spaces or tabs: expected comma-separated "
	    "values");
	bad("tab.csv", "cpu mem\n1\t2\n3\t4\n", 2, 1, STATUS_PARSE,
	    "2 numbers separated by spaces or tabs");
	/* semicolons (a spreadsheet's export where the decimal mark is a
	   comma) and tabs: named, where the error was a column named
	   'timestamp;cpu;mem' or a field count */
	bad("semi.csv", "timestamp;cpu;mem\n2024-01-01 00:00:00;1.5;2.3\n"
			"2024-01-01 00:01:00;1.6;2.4\n",
	    1, 1, STATUS_PARSE,
	    "one field with ';' in it: the file looks separated by "
	    "semicolons; expected comma-separated values");
	bad("semi2.csv", "timestamp;cpu;mem\n2024-01-01 00:00:00;1,5;2,3\n",
	    2, 2, STATUS_PARSE,
	    "expected 1 fields as on line 1, found 3 (the first line is one "
	    "field with ';' in it: is the file separated by semicolons?");
	bad("tsv.csv", "timestamp\tcpu\n2024-01-01 00:00:00\t1.5\n"
		       "2024-01-01 00:01:00\t1.6\n",
	    1, 1, STATUS_PARSE,
	    "one field with tabs in it: the file looks separated by tabs");
	Series s;
	load_ok(&s, put("col.csv", "cpu\n1\n 2 \n3\n4\n"), NULL);
	assert_int_equal(s.metrics, 1);
	assert_true(series_at(&s, 0, 1) == 2.0f);
	series_free(&s);
}

static void test_bad_field_count(void **state)
{
	(void)state;
	bad("h.csv", "a,b,c\n1,2,3\n4,5,6\n7,8\n", 4, 3, STATUS_PARSE,
	    "expected 3 fields");
	bad("h2.csv", "a,b\n1,2\n4,5,6\n", 3, 3, STATUS_PARSE,
	    "expected 2 fields as on line 1, found 3");
}

static void test_empty_file(void **state)
{
	(void)state;
	bad("i.csv", "", 1, 1, STATUS_EMPTY, "the file is empty");
	bad("i2.csv", "\xEF\xBB\xBF\r\n\n", 1, 1, STATUS_EMPTY,
	    "the file is empty");
}

static void test_header_without_rows(void **state)
{
	(void)state;
	bad("j.csv", "timestamp,cpu,mem\n", 2, 1, STATUS_EMPTY,
	    "a header but no data rows");
}

static void test_timestamps_backwards_or_repeated(void **state)
{
	(void)state;
	bad("k.csv", "ts,v\n2022-01-01 00:00:00,1\n2022-01-01 00:02:00,2\n"
		     "2022-01-01 00:01:00,3\n",
	    4, 1, STATUS_PARSE,
	    "timestamp 2022-01-01 00:01:00 goes backwards: line 3 has "
	    "2022-01-01 00:02:00");
	bad("k2.csv", "v,ts\n1,2022-01-01 00:00:00\n2,2022-01-01 00:01:00\n"
		      "3,2022-01-01 00:01:00\n",
	    4, 2, STATUS_PARSE, "repeats");
}

/* A time column finer than a second (`Time (ms)`, which the README lists,
 * or dates with fractions): times are kept to the whole second, so 500 ms
 * and 1000 ms land in one second. The message says so; it used to say
 * only that 1000 "repeats" 500, which the file plainly does not. A real
 * repeat in whole seconds gets no such note. */
static void test_timestamps_finer_than_a_second(void **state)
{
	(void)state;
	bad("ms.csv", "Time (ms),v\n0,1\n500,2\n1000,3\n", 4, 1,
	    STATUS_PARSE,
	    "timestamp +00:00:01 repeats: line 3 has +00:00:01 (vigil keeps "
	    "times to the whole second: samples less than a second apart "
	    "fall in the same one); expected increasing times");
	bad("frac.csv", "timestamp,v\n2022-01-01 00:00:00.2,1\n"
			"2022-01-01 00:00:00.7,2\n",
	    3, 1, STATUS_PARSE, "(vigil keeps times to the whole second");
	ErrorRecord err;
	Series s;
	assert_int_not_equal(
		series_load_csv(&s,
				put("whole.csv", "timestamp,v\n"
						 "2022-01-01 00:00:01,1\n"
						 "2022-01-01 00:00:01,2\n"),
				NULL, &err),
		STATUS_OK);
	assert_non_null(strstr(err.message, "repeats"));
	assert_null(strstr(err.message, "whole second"));
}

static void test_bad_timestamp_cell(void **state)
{
	(void)state;
	bad("l.csv", "timestamp,v\n2022-01-01 00:00:00,1\n2022-13-01 00:00:00,2\n",
	    3, 1, STATUS_PARSE, "expected a timestamp");
}

static void test_unclosed_quote(void **state)
{
	(void)state;
	bad("m.csv", "a,b\n1,2\n3,\"4\n", 3, 2, STATUS_PARSE,
	    "quoted field is never closed");
}

static void test_cannot_open(void **state)
{
	(void)state;
	char p[300], out[2048];
	snprintf(p, sizeof(p), "%s/absent.csv", tu_dir);
	Series s;
	ErrorRecord err;
	assert_int_equal(series_open(&s, p, NULL, &err), STATUS_IO);
	assert_string_equal(err.file, p);
	assert_non_null(strstr(err.message, "No such file or directory"));
	assert_int_equal(
		tu_run(out, sizeof(out), "%s info '%s'", tu_vigil(), p), 2);
	assert_non_null(strstr(out, "absent.csv: cannot open: No such file"));
	/* a file we may not read (root reads anything: then skip that part) */
	if (geteuid() != 0) {
		const char *q = put("secret.csv", "a\n1\n2\n");
		chmod(q, 0);
		assert_int_equal(series_open(&s, q, NULL, &err), STATUS_IO);
		assert_non_null(strstr(err.message, "Permission denied"));
	}
}

/* A header-less value,label file (as many benchmarks ship them): info says
 * that its last column of 0 and 1 could be labels, and how to say so; a
 * named 0/1 metric, or a last column with other values, gets no note. */
static void test_info_notes_unnamed_bit_column(void **state)
{
	(void)state;
	const char *p = put("vl.csv", "0.5,0\n0.7,0\n9.1,1\n0.6,0\n");
	char out[4096];
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s'", tu_vigil(), p),
			 0);
	assert_non_null(strstr(out, "metrics   2: m01, m02\n"));
	assert_non_null(strstr(out, "note      m02, the last column, holds "
				    "only 0 and 1"));
	assert_non_null(strstr(out, "name it 'label' in a header line"));
	p = put("up.csv", "cpu,up\n0.5,0\n0.7,1\n0.6,1\n0.2,1\n");
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s'", tu_vigil(), p),
			 0);
	assert_null(strstr(out, "note "));
	p = put("v2.csv", "0.5,0\n0.7,2\n9.1,1\n0.6,0\n");
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s'", tu_vigil(), p),
			 0);
	assert_null(strstr(out, "note "));
}

static void test_info_reports_csv(void **state)
{
	(void)state;
	const char *p = put("n.csv", "timestamp,cpu,mem\n"
				     "2022-01-01 00:00:00,1,\n"
				     "2022-01-01 00:05:00,2,3\n"
				     "2022-01-01 00:10:00,3,4\n"
				     "2022-01-01 00:15:00,4,5\n");
	char out[4096];
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s' --split 3",
				tu_vigil(), p),
			 0);
	assert_non_null(strstr(out, "rows      4\n"));
	assert_non_null(strstr(out, "metrics   2: cpu, mem\n"));
	assert_non_null(strstr(out, "train 3 rows"));
	assert_non_null(strstr(out, "test 1 rows"));
	assert_non_null(strstr(out, "2022-01-01 00:00:00 .. 2022-01-01 00:15:00"));
	assert_non_null(strstr(out, "300 s (5 min)"));
	assert_non_null(strstr(out, "filled    1 missing"));
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s' --json",
				tu_vigil(), p),
			 0);
	assert_non_null(strstr(out, "\"rows\":\t4"));
	assert_non_null(strstr(out, "\"filled\":\t1"));
	assert_int_equal(tu_run(out, sizeof(out), "%s info --help", tu_vigil()),
			 0);
	assert_non_null(strstr(out, "Usage: vigil info"));
	assert_int_equal(tu_run(out, sizeof(out), "%s info", tu_vigil()), 1);
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s' --split 9",
				tu_vigil(), p),
			 2);
	assert_non_null(strstr(out, "leaves no test rows"));
}

static void test_parse_time_forms(void **state)
{
	(void)state;
	int64_t t;
	assert_int_equal(series_parse_time("2022-01-01 00:00:00", &t), 0);
	assert_int_equal(t, 1640995200);
	assert_int_equal(series_parse_time("2022-01-01T00:00:01Z", &t), 0);
	assert_int_equal(t, 1640995201);
	assert_int_equal(series_parse_time("2014-02-18 16:02:00.000000", &t),
			 0);
	assert_int_equal(t, 1392739320);
	assert_int_equal(series_parse_time("1392739320", &t), 0);
	assert_int_equal(t, 1392739320);
	assert_int_equal(series_parse_time("2022-01-01T02:00:00+02:00", &t),
			 0);
	assert_int_equal(t, 1640995200);
	assert_int_equal(series_parse_time("2021-12-31T19:30:00-0430", &t), 0);
	assert_int_equal(t, 1640995200);
	assert_int_equal(series_parse_time("2022-01-01 00:00", &t), 0);
	assert_int_equal(t, 1640995200);
	assert_int_equal(series_parse_time("2022-01-01T00:00:00+25:00", &t),
			 -1);
	assert_int_equal(series_parse_time("2023-02-29 00:00:00", &t), -1);
	assert_int_equal(series_parse_time("2024-02-29 00:00:00", &t), 0);
	assert_int_equal(series_parse_time("12.5kb", &t), -1);
	assert_int_equal(series_parse_time("", &t), -1);
	char buf[32];
	series_time_string(951782400, buf, sizeof(buf)); /* 2000-02-29 */
	assert_string_equal(buf, "2000-02-29 00:00:00");
}

/* A cell beyond float's range (1e39, -1e39, 1e400) or an infinity is
 * refused with its file, line and column in a CSV, NAB and SMD file, and
 * the message says why: "found '1e39'" alone read as if 1e39 were no
 * number. (The Prometheus loader takes such values as missing, as it
 * takes +Inf: tests/test_live_prom.c.) */
static void test_cell_beyond_float_range(void **state)
{
	(void)state;
	char out[4096];
	const char *p = put("big.csv", "timestamp,a\n1700000000,1\n"
				       "1700000060,2\n1700000120,3\n"
				       "1700000180,4\n1700000240,1e39\n");
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s'", tu_vigil(), p),
			 2);
	assert_non_null(strstr(out, "big.csv:6:2: expected a number in column "
				    "'a', found '1e39', beyond float's range: "
				    "vigil keeps values of at most 3.4e38 in "
				    "size"));
	p = put("inf.csv", "a,b\n1,2\n3,-inf\n");
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s'", tu_vigil(), p),
			 2);
	assert_non_null(strstr(out, "inf.csv:3:2: expected a number in column "
				    "'b', found '-inf', an infinity: expected "
				    "a finite number"));
	p = put("nab.csv", "timestamp,value\n2014-01-01 00:00:00,1\n"
			   "2014-01-01 00:05:00,-1e39\n");
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s'", tu_vigil(), p),
			 2);
	assert_non_null(strstr(out, "nab.csv:3:2: expected a number in column "
				    "'value', found '-1e39', beyond float's "
				    "range"));
	/* 3e38 is a float: kept */
	p = put("ok.csv", "a,b\n1,2\n3,3e38\n");
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s'", tu_vigil(), p),
			 0);
	/* an SMD machine */
	assert_int_equal(tu_run(out, sizeof(out),
				"mkdir -p '%s/smd/train' '%s/smd/test' && "
				"printf '1,2\\n3,4\\n' > '%s/smd/train/m.txt' && "
				"printf '1,2\\n3, 1e39\\n' > '%s/smd/test/m.txt'",
				tu_dir, tu_dir, tu_dir, tu_dir),
			 0);
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s/smd:m'",
				tu_vigil(), tu_dir),
			 2);
	assert_non_null(strstr(out, "m.txt:2:2: expected a number, found "
				    "'1e39', beyond float's range"));
}

/* Excel's separator line `sep=,` first (written for a double click to
 * split the file by commas): skipped, so the file loads, and messages
 * still give physical lines; it used to be a two-field first row and
 * "expected 2 fields as on line 1, found 3". Another separator is named.
 * A label file (column or vigil's CSV) with the line reads as well. */
static void test_excel_sep_line(void **state)
{
	(void)state;
	char out[4096];
	const char *p = put("sep.csv", "sep=,\r\ntimestamp,a,b\r\n"
				       "1700000000,1,2\r\n1700000060,1,3\r\n"
				       "1700000120,2,2\r\n1700000180,2,1\r\n");
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s'", tu_vigil(), p),
			 0);
	assert_non_null(strstr(out, "rows      4\n"));
	assert_non_null(strstr(out, "metrics   2: a, b\n"));
	char data[300];
	snprintf(data, sizeof(data), "%s", p);
	p = put("sepbad.csv", "\xef\xbb\xbfsep=,\ntimestamp,a,b\n"
			      "1700000000,1,2\n1700000060,x,3\n");
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s'", tu_vigil(), p),
			 2);
	assert_non_null(strstr(out, "sepbad.csv:4:2: expected a number in "
				    "column 'a', found 'x'"));
	p = put("semi.csv", "sep=;\ntimestamp;a;b\n1700000000;1;2\n");
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s'", tu_vigil(), p),
			 2);
	assert_non_null(strstr(out, "semi.csv:1:5: Excel's separator line "
				    "'sep=;': the file is separated by "
				    "semicolons; expected comma-separated "
				    "values"));
	/* labels: a column file and vigil's label CSV, each after sep=, */
	p = put("sep_label.csv", "sep=,\ntimestamp,label\n1700000000,0\n"
				 "1700000060,0\n1700000120,1\n1700000180,1\n");
	assert_int_equal(tu_run(out, sizeof(out),
				"%s labels '%s' --labels '%s' -o '%s/o1.csv'",
				tu_vigil(), data, p, tu_dir),
			 0);
	assert_non_null(strstr(out, "1 node-level ranges"));
	p = put("sep_vigil.csv",
		"sep=,\nmetric,start,end,start_time,end_time,source,note\n"
		"*,2,4,,,original,\n");
	assert_int_equal(tu_run(out, sizeof(out),
				"%s labels '%s' --labels '%s' -o '%s/o2.csv'",
				tu_vigil(), data, p, tu_dir),
			 0);
	assert_non_null(strstr(out, "1 node-level ranges"));
}

/* A metric named `*` would clash with the node level, which vigil's label
 * CSV and detections files name `*`: a relabelled metric read back as node
 * labels. It is renamed `*.1` at load, as a repeated name becomes NAME.1
 * (`*.2` when `*.1` is taken), and its labels round-trip apart from the
 * node's. */
static void test_metric_named_star(void **state)
{
	(void)state;
	char out[4096];
	const char *p = put("star.csv", "timestamp,*,b,*.1\n1700000000,1,2,3\n"
					"1700000060,1,3,3\n1700000120,2,2,3\n"
					"1700000180,2,1,3\n");
	char data[300];
	snprintf(data, sizeof(data), "%s", p);
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s'", tu_vigil(),
				data),
			 0);
	assert_non_null(strstr(out, "metrics   3: *.2, b, *.1\n"));
	p = put("star_labels.csv",
		"metric,start,end,start_time,end_time,source,note\n"
		"*,2,3,,,original,\n*.2,3,4,,,original,\n");
	assert_int_equal(tu_run(out, sizeof(out),
				"%s labels '%s' --labels '%s' -o '%s/star_out.csv'",
				tu_vigil(), data, p, tu_dir),
			 0);
	assert_non_null(strstr(out, "1 node-level ranges, 1 per-metric"));
	char path[300];
	snprintf(path, sizeof(path), "%s/star_out.csv", tu_dir);
	char *text = tu_slurp(path, NULL);
	assert_non_null(text);
	assert_non_null(strstr(text, "\n*,2,3,"));
	assert_non_null(strstr(text, "\n*.2,3,4,"));
	free(text);
	/* a NAB file named *.csv */
	p = put("*.csv", "timestamp,value\n2014-01-01 00:00:00,1\n"
			 "2014-01-01 00:05:00,2\n");
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s'", tu_vigil(), p),
			 0);
	assert_non_null(strstr(out, "metrics   1: *.1\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_and_space_timestamps),
		cmocka_unit_test(test_no_header_epoch_seconds),
		cmocka_unit_test(test_time_column_with_unit),
		cmocka_unit_test(test_label_column_kept_out),
		cmocka_unit_test(test_time_counter_is_index_axis),
		cmocka_unit_test(test_time_counter_shift_detected),
		cmocka_unit_test(test_t_timestamps_and_epoch_ms),
		cmocka_unit_test(test_trailing_comma),
		cmocka_unit_test(test_repeated_names_made_unique),
		cmocka_unit_test(test_many_repeated_names_load),
		cmocka_unit_test(test_pandas_default_header_and_index),
		cmocka_unit_test(test_iso_t_z_and_split_options),
		cmocka_unit_test(test_no_timestamps_index_axis),
		cmocka_unit_test(test_bom_crlf_quoted),
		cmocka_unit_test(test_missing_cells_filled_and_counted),
		cmocka_unit_test(test_label_cells_not_counted_as_filled),
		cmocka_unit_test(test_bad_number_names_line_column_and_text),
		cmocka_unit_test(test_bad_field_count),
		cmocka_unit_test(test_blank_separated_file_named),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_header_without_rows),
		cmocka_unit_test(test_timestamps_backwards_or_repeated),
		cmocka_unit_test(test_timestamps_finer_than_a_second),
		cmocka_unit_test(test_bad_timestamp_cell),
		cmocka_unit_test(test_unclosed_quote),
		cmocka_unit_test(test_cannot_open),
		cmocka_unit_test(test_info_reports_csv),
		cmocka_unit_test(test_parse_time_forms),
		cmocka_unit_test(test_info_notes_unnamed_bit_column),
		cmocka_unit_test(test_cell_beyond_float_range),
		cmocka_unit_test(test_excel_sep_line),
		cmocka_unit_test(test_metric_named_star),
	};
	return cmocka_run_group_tests(tests, tu_dir_setup, tu_dir_teardown);
}
