/* The SMD loader: the bundled cuts (machine-1-2's, and the three machines
 * of smd-fleet) with every value against strtof, the whole machine-1-2
 * from ../shared/data (skipped when absent: its 47,388 rows), the
 * hand-written float parser on edge cases and random decimals, and bad
 * files refused with file, line and column (exit code 2 from `vigil
 * info`). */
#include "tests/testutil.h"

#include <math.h>

#include "data/rng.h"
#include "data/series.h"
#include "data/series_internal.h"
#include "labels/labelfile.h"
#include "labels/labelset.h"

#define CUT "data/samples/smd-cut/ServerMachineDataset"

/* Distance in units in the last place between two finite floats. */
static long ulps(float a, float b)
{
	int32_t x, y;
	memcpy(&x, &a, 4);
	memcpy(&y, &b, 4);
	if (x < 0)
		x = INT32_MIN - x;
	if (y < 0)
		y = INT32_MIN - y;
	long d = (long)x - (long)y;
	return d < 0 ? -d : d;
}

/* Compares the rows of a text file, parsed independently with strtof, with
 * columns of s starting at row0. Returns the values compared; counts exact
 * matches and the largest ulp distance. */
static size_t compare_file(const char *path, const Series *s, size_t row0,
			   size_t *exact, long *worst)
{
	char *text = tu_slurp(path, NULL);
	assert_non_null(text);
	size_t n = 0, r = row0;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), r++) {
		char *p = line;
		for (size_t m = 0; m < s->metrics; m++) {
			char *end;
			float want = strtof(p, &end);
			assert_true(end != p);
			float got = series_at(s, m, r);
			long d = ulps(want, got);
			*exact += d == 0;
			if (d > *worst)
				*worst = d;
			n++;
			p = *end == ',' ? end + 1 : end;
		}
	}
	free(text);
	return n;
}

static void test_cut_loads_with_labels(void **state)
{
	(void)state;
	Series s;
	ErrorRecord err;
	assert_int_equal(series_open(&s, CUT ":machine-1-2", NULL, &err),
			 STATUS_OK);
	assert_int_equal(s.kind, SERIES_SMD);
	assert_int_equal(s.rows, 600);
	assert_int_equal(s.metrics, 38);
	assert_int_equal(s.split, 300);
	assert_int_equal(s.interval, 60);
	assert_null(s.timestamps);
	assert_string_equal(s.names[0], "m01");
	assert_string_equal(s.names[37], "m38");
	assert_string_equal(s.machine, "machine-1-2");
	assert_string_equal(s.label_path, CUT "/test_label/machine-1-2.txt");
	assert_string_equal(s.interp_path,
			    CUT "/interpretation_label/machine-1-2.txt");
	/* first train line: 0.160000,0.058339,... */
	assert_true(series_at(&s, 0, 0) == 0.16f);
	assert_true(series_at(&s, 1, 0) == 0.058339f);
	size_t exact = 0;
	long worst = 0;
	size_t n = compare_file(CUT "/train/machine-1-2.txt", &s, 0, &exact,
				&worst);
	n += compare_file(CUT "/test/machine-1-2.txt", &s, 300, &exact, &worst);
	assert_int_equal(n, 600 * 38);
	assert_int_equal(exact, n);
	series_free(&s);

	/* the same machine through a train/ file path and the folder */
	assert_int_equal(series_open(&s, CUT "/train/machine-1-2.txt", NULL,
				     &err),
			 STATUS_OK);
	assert_int_equal(s.rows, 600);
	series_free(&s);
	assert_int_equal(series_open(&s, CUT, NULL, &err), STATUS_OK);
	assert_string_equal(s.machine, "machine-1-2");
	series_free(&s);
}

static void test_float_parser_edge_cases(void **state)
{
	(void)state;
	static const char *const cases[] = {
		"0",	    "0.5",	 "-0.25",	"+3",
		".5",	    "5.",	 "1e-5",	"2.5E+3",
		"0.000001", "123456.789", "3.4028234e38", "1.17549435e-38",
		"0.1",	    "0.3",	 "16777217",	"9007199254740993",
		"12345678901234567890123", "0.000000000000000000000000123",
		"1.00000005960464477539", "7.038531e-26"};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		float got, want = strtof(cases[i], NULL);
		const char *end = series_smd_parse_float(cases[i], &got);
		assert_non_null(end);
		assert_int_equal(*end, '\0');
		if (got != want)
			fail_msg("%s: got %.9g, strtof %.9g", cases[i],
				 (double)got, (double)want);
	}
	float v;
	assert_null(series_smd_parse_float("abc", &v));
	assert_null(series_smd_parse_float("-", &v));
	assert_null(series_smd_parse_float("1e", &v));
}

/* Random decimals of 1-18 digits with exponents -30..30: identical to
 * strtof (tests/test_data_fastfloat.c checks the parser further). */
static void test_float_parser_random_decimals(void **state)
{
	(void)state;
	Rng rng;
	rng_seed(&rng, 9);
	size_t n = tu_sanitized() ? 20000 : 300000, exact = 0;
	for (size_t i = 0; i < n; i++) {
		char digs[32], text[64];
		int nd = 1 + (int)rng_below(&rng, 18);
		for (int j = 0; j < nd; j++)
			digs[j] = (char)('0' + rng_below(&rng, 10));
		digs[nd] = '\0';
		int dot = (int)rng_below(&rng, (uint64_t)nd + 1);
		int ex = (int)rng_below(&rng, 61) - 30;
		snprintf(text, sizeof(text), "%s%.*s.%se%d",
			 rng_below(&rng, 2) ? "-" : "", dot, digs, digs + dot,
			 ex);
		float got, want = strtof(text, NULL);
		const char *end = series_smd_parse_float(text, &got);
		assert_non_null(end);
		assert_int_equal(*end, '\0');
		long d = ulps(got, want);
		if (d != 0)
			fail_msg("%s: got %.9g, strtof %.9g", text, (double)got,
				 (double)want);
		exact += d == 0;
	}
	print_message("      %zu random decimals: %zu identical to strtof\n", n,
		      exact);
}

#define FLEET "data/samples/smd-fleet/ServerMachineDataset"

/* The bundled machines (the published lines, cut to 2,000 rows): every
 * value equal to strtof's, and what `vigil info` says of one. The whole
 * machine, 47,388 rows, in test_shared_machine_1_2. */
static void test_fleet_values_equal_strtof(void **state)
{
	(void)state;
	static const char *const names[] = {"machine-1-2", "machine-2-1",
					    "machine-3-10"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		Series s;
		ErrorRecord err;
		assert_int_equal(series_load_smd(&s, FLEET, names[i], &err),
				 STATUS_OK);
		assert_int_equal(s.rows, 2000);
		assert_int_equal(s.metrics, 38);
		assert_int_equal(s.split, 1000);
		assert_non_null(s.label_path);
		assert_non_null(s.interp_path);
		size_t exact = 0;
		long worst = 0;
		char path[300];
		snprintf(path, sizeof(path), FLEET "/train/%s.txt", names[i]);
		size_t n = compare_file(path, &s, 0, &exact, &worst);
		snprintf(path, sizeof(path), FLEET "/test/%s.txt", names[i]);
		n += compare_file(path, &s, 1000, &exact, &worst);
		assert_int_equal(n, (size_t)2000 * 38);
		assert_int_equal(exact, n);
		series_free(&s);
	}
	char out[4096];
	assert_int_equal(tu_run(out, sizeof(out),
				"%s info '" FLEET ":machine-3-10'", tu_vigil()),
			 0);
	assert_non_null(strstr(out, "rows      2,000\n"));
	assert_non_null(strstr(out, "metrics   38: m01, m02"));
	assert_non_null(strstr(out, "split at 1,000"));
	assert_non_null(strstr(out, "60 s (1 min)"));
}

/* The whole machine-1-2 of ../shared/data (skipped without it): its size
 * and split, and all 1.8 million values against strtof. */
static void test_shared_machine_1_2(void **state)
{
	(void)state;
	const char *data = tu_shared_data();
	if (!data)
		skip();
	char ds[4200], path[4300];
	snprintf(ds, sizeof(ds), "%s/smd/ServerMachineDataset", data);
	snprintf(path, sizeof(path), "%s/train/machine-1-2.txt", ds);
	struct stat st;
	if (stat(path, &st) != 0)
		skip();
	Series s;
	ErrorRecord err;
	assert_int_equal(series_load_smd(&s, ds, "machine-1-2", &err),
			 STATUS_OK);
	assert_int_equal(s.rows, 47388);
	assert_int_equal(s.metrics, 38);
	assert_int_equal(s.split, 23694);
	assert_non_null(s.label_path);
	assert_non_null(s.interp_path);
	/* every value against strtof; comment in smd.c: equal, or 1 ulp */
	size_t exact = 0;
	long worst = 0;
	size_t n = compare_file(path, &s, 0, &exact, &worst);
	snprintf(path, sizeof(path), "%s/test/machine-1-2.txt", ds);
	n += compare_file(path, &s, 23694, &exact, &worst);
	assert_int_equal(n, (size_t)47388 * 38);
	print_message("      %zu values: %zu equal to strtof, worst %ld ulp\n",
		      n, exact, worst);
	assert_true(worst <= 1);
	assert_int_equal(exact, n); /* all equal on this file */
	series_free(&s);

	char out[4096];
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s:machine-1-2'",
				tu_vigil(), ds),
			 0);
	assert_non_null(strstr(out, "rows      47,388\n"));
	assert_non_null(strstr(out, "metrics   38: m01, m02"));
	assert_non_null(strstr(out, "split at 23,694"));
	assert_non_null(strstr(out, "60 s (1 min)"));
}

/* Writes an SMD folder under dir/name with the given train and test text. */
static const char *smd_dir(const char *name, const char *train,
			   const char *test)
{
	static char root[300];
	char p[400];
	snprintf(root, sizeof(root), "%s/%s", tu_dir, name);
	mkdir(root, 0777);
	snprintf(p, sizeof(p), "%s/train", root);
	mkdir(p, 0777);
	snprintf(p, sizeof(p), "%s/test", root);
	mkdir(p, 0777);
	snprintf(p, sizeof(p), "%s/train/m.txt", root);
	assert_int_equal(tu_write(p, train), 0);
	snprintf(p, sizeof(p), "%s/test/m.txt", root);
	assert_int_equal(tu_write(p, test), 0);
	return root;
}

static void bad_smd(const char *name, const char *train, const char *test,
		    const char *file, long line, long col, const char *expect)
{
	const char *root = smd_dir(name, train, test);
	char ds[400], want_file[400], where[500], out[4096];
	snprintf(ds, sizeof(ds), "%s:m", root);
	snprintf(want_file, sizeof(want_file), "%s/%s/m.txt", root, file);
	Series s;
	ErrorRecord err;
	Status st = series_open(&s, ds, NULL, &err);
	assert_int_not_equal(st, STATUS_OK);
	assert_null(s.values);
	assert_string_equal(err.file, want_file);
	assert_int_equal(err.line, line);
	assert_int_equal(err.column, col);
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s'", tu_vigil(),
				ds),
			 2);
	snprintf(where, sizeof(where), "%s:%ld:%ld: ", want_file, line, col);
	if (!strstr(out, where) || !strstr(out, expect))
		fail_msg("want '%s' and '%s' in: %s", where, expect, out);
}

static void test_good_small_folder(void **state)
{
	(void)state;
	const char *root = smd_dir("ok", "1,2,3\n\n4,5,6\r\n", "7,8,9\n10,11,12");
	char ds[400];
	snprintf(ds, sizeof(ds), "%s:m", root);
	Series s;
	ErrorRecord err;
	assert_int_equal(series_open(&s, ds, NULL, &err), STATUS_OK);
	assert_int_equal(s.rows, 4);
	assert_int_equal(s.metrics, 3);
	assert_int_equal(s.split, 2);
	assert_null(s.label_path);
	assert_true(series_at(&s, 2, 3) == 12.0f);
	assert_true(series_at(&s, 0, 2) == 7.0f);
	series_free(&s);
}

/* Files that end their lines with a lone CR (old Mac line ends; the
 * generic CSV reader takes them) load row by row; the train file was one
 * line of 7 fields, refused with "expected 7 fields as in the first row of
 * train/m.txt, found 3" at 1:4. A CR before an LF is still one line end. */
static void test_lone_cr_line_ends(void **state)
{
	(void)state;
	const char *root = smd_dir("cr", "1,2,3\r\r4,5,6\r", "7,8,9\r\n10,11,12\r");
	char ds[400];
	snprintf(ds, sizeof(ds), "%s:m", root);
	Series s;
	ErrorRecord err;
	assert_int_equal(series_open(&s, ds, NULL, &err), STATUS_OK);
	assert_int_equal(s.rows, 4);
	assert_int_equal(s.metrics, 3);
	assert_int_equal(s.split, 2);
	assert_true(series_at(&s, 0, 1) == 4.0f);
	assert_true(series_at(&s, 2, 3) == 12.0f);
	series_free(&s);
	/* the line numbers of an error count the CR-ended lines */
	bad_smd("cr-bad", "1,2,3\r4,5,6\r", "7,8,9\r10,x,12\r", "test", 2, 2,
		"expected a number, found 'x'");
}

/* Converted datasets carry gaps: a missing cell (empty, NaN, null, NA,
 * N/A) is filled from the previous row, a leading gap from the first
 * value, and counted, as in a CSV file; a field with no value anywhere is
 * refused. Labels written as numbers (numpy's "1.0", "0.000000e+00") and
 * blank lines at the end are read. */
static void test_missing_cells_filled(void **state)
{
	(void)state;
	const char *root = smd_dir("gaps", "1,nan,3\n,5, N/A \n",
				   "7,8,NaN\n10,null,12\n");
	char ds[400], p[400], out[4096];
	snprintf(ds, sizeof(ds), "%s:m", root);
	snprintf(p, sizeof(p), "%s/test_label", root);
	mkdir(p, 0777);
	snprintf(p, sizeof(p), "%s/test_label/m.txt", root);
	assert_int_equal(tu_write(p, "0.000000000000000000e+00\n1.0\n\n\n"),
			 0);
	Series s;
	ErrorRecord err;
	assert_int_equal(series_open(&s, ds, NULL, &err), STATUS_OK);
	assert_int_equal(s.rows, 4);
	assert_int_equal(s.filled, 5);
	static const float want[3][4] = {
		{1, 1, 7, 10}, {5, 5, 8, 8}, {3, 3, 3, 12}};
	for (size_t m = 0; m < 3; m++)
		for (size_t r = 0; r < 4; r++)
			assert_true(series_at(&s, m, r) == want[m][r]);
	series_free(&s);
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s'", tu_vigil(),
				ds),
			 0);
	assert_non_null(strstr(out, "5 missing values"));
	/* the label file is told apart and read: one node range, the last
	   test row */
	LabelFormat f;
	assert_int_equal(labelfile_guess(p, &f, &err), STATUS_OK);
	assert_int_equal(f, LABEL_FORMAT_SMD);
	assert_int_equal(series_open(&s, ds, NULL, &err), STATUS_OK);
	LabelSet ls;
	assert_int_equal(labelfile_read(&ls, &s, p, f, &err), STATUS_OK);
	const RangeSet *node = labelset_get(&ls, LABEL_NODE);
	assert_int_equal(node->n, 1);
	assert_int_equal(node->v[0].r.start, 3);
	assert_int_equal(node->v[0].r.end, 4);
	labelset_free(&ls);
	series_free(&s);

	/* a field that is missing everywhere */
	root = smd_dir("nogap", "1,\n2,nan\n", "3,\n4,NA\n");
	snprintf(ds, sizeof(ds), "%s:m", root);
	assert_int_equal(series_open(&s, ds, NULL, &err), STATUS_EMPTY);
	assert_null(s.values);
	assert_int_equal(err.column, 2);
	assert_non_null(strstr(err.message, "field 2 has no value"));
}

/* A converted machine written with a comma at the end of every line (as
 * some exporters do) has as many metrics as numbers on a line: it used to
 * be refused ("field 3 has no value in any row"). */
static void test_trailing_comma_lines(void **state)
{
	(void)state;
	const char *root = smd_dir("comma", "1,2,\n3,4,\r\n5,6 , \n",
				   "7,8,\n9,10,\n");
	char ds[400], out[4096];
	snprintf(ds, sizeof(ds), "%s:m", root);
	Series s;
	ErrorRecord err;
	assert_int_equal(series_open(&s, ds, NULL, &err), STATUS_OK);
	assert_int_equal(s.rows, 5);
	assert_int_equal(s.metrics, 2);
	assert_int_equal(s.split, 3);
	assert_int_equal(s.filled, 0);
	assert_true(series_at(&s, 1, 4) == 10.0f);
	series_free(&s);
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s'", tu_vigil(),
				ds),
			 0);
	assert_non_null(strstr(out, "metrics   2: m01, m02\n"));
	assert_non_null(strstr(out, "filled    0 missing"));
}

/* A machine converted with pandas' to_csv(index=False) and its header
 * left on: the first line of each file is 0,1,2. It was read as a row of
 * data, one row too many in each part, and the test_label then "has 2
 * label rows but the test part has 3 rows". Later lines keep their
 * numbers in messages. */
static void test_pandas_header_line(void **state)
{
	(void)state;
	const char *root = smd_dir("pdh", "0,1,2\n1.0,2.0,3.0\n4.0,5.0,6.0\n",
				   "0,1,2\r\n7.0,8.0,9.0\r\n1.0,1.0,2.0\r\n");
	char ds[400], p[400], out[4096];
	snprintf(ds, sizeof(ds), "%s:m", root);
	snprintf(p, sizeof(p), "%s/test_label", root);
	mkdir(p, 0777);
	snprintf(p, sizeof(p), "%s/test_label/m.txt", root);
	assert_int_equal(tu_write(p, "0\n1\n"), 0);
	Series s;
	ErrorRecord err;
	assert_int_equal(series_open(&s, ds, NULL, &err), STATUS_OK);
	assert_int_equal(s.rows, 4);
	assert_int_equal(s.split, 2);
	assert_true(series_at(&s, 0, 0) == 1.0f);
	assert_true(series_at(&s, 2, 3) == 2.0f);
	series_free(&s);
	char csv[500];
	snprintf(csv, sizeof(csv), "%s/l.csv", root);
	assert_int_equal(tu_run(out, sizeof(out), "%s labels '%s' -o '%s'",
				tu_vigil(), ds, csv),
			 0);
	char *text = tu_slurp(csv, NULL);
	assert_non_null(text);
	assert_non_null(strstr(text, "\n*,3,4,"));
	free(text);
	/* a bad value on line 3 is still on line 3 */
	bad_smd("pdh2", "0,1,2\n1.5,2,3\n4,x,6\n", "0,1,2\n7.5,8,9\n",
		"train", 3, 2, "expected a number, found 'x'");
	/* integer or binary data whose first row counts 0,1,2 is data */
	root = smd_dir("pdh3", "0,1,2\n0,1,2\n", "5,6,7\n");
	snprintf(ds, sizeof(ds), "%s:m", root);
	assert_int_equal(series_open(&s, ds, NULL, &err), STATUS_OK);
	assert_int_equal(s.rows, 3);
	series_free(&s);
	root = smd_dir("pdh4", "0,1\n1,0\n", "0,0\n1,1\n");
	snprintf(ds, sizeof(ds), "%s:m", root);
	assert_int_equal(series_open(&s, ds, NULL, &err), STATUS_OK);
	assert_int_equal(s.rows, 4);
	series_free(&s);
}

static void test_bad_smd_inputs(void **state)
{
	(void)state;
	bad_smd("b1", "1,2,3\n4,5,6\n", "7,8,9\n10,11\n", "test", 2, 3,
		"expected 3 fields as in the first row of train/m.txt, found 2");
	bad_smd("b2", "1,2,3\n4,5,6,7\n", "7,8,9\n", "train", 2, 4,
		"expected 3 fields as in the first row of train/m.txt, found 4");
	bad_smd("b3", "1,2,3\n4,x5,6\n", "7,8,9\n", "train", 2, 2,
		"expected a number, found 'x5'");
	bad_smd("b4", "1,2,3\n4,5,6\n", "7,8,9\n1,2,3.5kb\n", "test", 2, 3,
		"expected a number, found '3.5kb'");
	bad_smd("b6", "1,2,3\n4,5,6\n", "7,8,9\n1,1e99,3\n", "test", 2, 2,
		"expected a number, found '1e99'");
	bad_smd("b5", "", "7,8,9\n", "train", 1, 1, "the file is empty");
	/* numpy.savetxt's default: blanks, not commas */
	bad_smd("b7", "1.5e-01 2.5e-01 3.5e-01\n", "7 8 9\n", "train", 1, 1,
		"3 numbers separated by spaces or tabs, where SMD files "
		"separate them by commas");
	char out[4096];
	snprintf(out, sizeof(out), "%s/b1:nosuch", tu_dir);
	Series s;
	ErrorRecord err;
	assert_int_equal(series_open(&s, out, NULL, &err), STATUS_IO);
	assert_non_null(strstr(err.message, "no machine 'nosuch'"));
	assert_non_null(strstr(err.message, "it has m"));
}

/* --split and --train on an SMD machine, whose split is its train file's
 * length: refused with exit 1 by every command, as for a train.csv/
 * test.csv folder. `vigil detect`, `score`, `train` and `labels` dropped
 * them silently (a user asking for a 300-row train part got 1,000), and
 * only `vigil info` said so in a note. */
static void test_split_options_refused(void **state)
{
	(void)state;
	Series s;
	ErrorRecord err;
	SeriesOptions opt = {.split_rows = 300};
	assert_int_equal(series_open(&s, FLEET ":machine-3-10", &opt, &err),
			 STATUS_USAGE);
	assert_null(s.values);
	assert_non_null(strstr(err.message, "--split and --train do not apply "
					    "to an SMD machine: its split is "
					    "the length of "
					    "train/machine-3-10.txt"));
	opt = (SeriesOptions){.train_fraction = 0.3};
	assert_int_equal(series_open(&s, FLEET ":machine-3-10", &opt, &err),
			 STATUS_USAGE);
	char out[4096];
	const char *const cmds[] = {"info", "detect", "score", "train",
				    "labels"};
	for (int k = 0; k < 5; k++) {
		int rc = tu_run(out, sizeof(out),
				"%s %s '" FLEET ":machine-3-10' --split 300 "
				"--epochs 1 --quiet",
				tu_vigil(), cmds[k]);
		if (!strcmp(cmds[k], "info") || !strcmp(cmds[k], "labels"))
			rc = tu_run(out, sizeof(out),
				    "%s %s '" FLEET ":machine-3-10' --split 300",
				    tu_vigil(), cmds[k]);
		if (rc != 1 || !strstr(out, "do not apply to an SMD machine"))
			fail_msg("%s: exit %d: %s", cmds[k], rc, out);
	}
	/* without them, the split is the train file's length */
	opt = (SeriesOptions){.interval = 30};
	assert_int_equal(series_open(&s, FLEET ":machine-3-10", &opt, &err),
			 STATUS_OK);
	assert_int_equal(s.split, 1000);
	series_free(&s);
}

/* An SMD machine's rows have no times, so --interval is their step, as
 * --help says of any file without timestamps (1 minute unless told); it
 * was dropped silently: `vigil info M --interval 30` said 60 s, and the
 * 8-minute minimum detection stayed 8 rows. */
static void test_interval_option_applies(void **state)
{
	(void)state;
	Series s;
	ErrorRecord err;
	SeriesOptions opt = {.interval = 30};
	assert_int_equal(series_open(&s, FLEET ":machine-3-10", &opt, &err),
			 STATUS_OK);
	assert_int_equal(s.interval, 30);
	series_free(&s);
	assert_int_equal(series_open(&s, FLEET ":machine-3-10", NULL, &err),
			 STATUS_OK);
	assert_int_equal(s.interval, 60);
	series_free(&s);
	char out[4096];
	assert_int_equal(tu_run(out, sizeof(out),
				"%s info '" FLEET ":machine-3-10' --interval 30",
				tu_vigil()),
			 0);
	assert_non_null(strstr(out, "sampling  30 s\n"));
}

/* train/M.txt (or test/M.txt) named from inside the SMD folder is the
 * machine, as PATH/train/M.txt is from outside (README, Input formats); it
 * was read as a generic CSV file of the train rows alone (1,000 rows, no
 * split at the train length, no labels). */
static void test_machine_file_from_inside_the_folder(void **state)
{
	(void)state;
	char vig[4096], out[4096];
	assert_non_null(realpath(tu_vigil(), vig));
	const char *const files[] = {"train/machine-3-10.txt",
				     "test/machine-3-10.txt"};
	for (int k = 0; k < 2; k++) {
		assert_int_equal(tu_run(out, sizeof(out),
					"cd " FLEET " && %s info %s", vig,
					files[k]),
				 0);
		if (!strstr(out, "format    SMD\n") ||
		    !strstr(out, "rows      2,000\n") ||
		    !strstr(out, "split at 1,000"))
			fail_msg("%s: %s", files[k], out);
		assert_non_null(strstr(out, "dataset   .:machine-3-10\n"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cut_loads_with_labels),
		cmocka_unit_test(test_float_parser_edge_cases),
		cmocka_unit_test(test_float_parser_random_decimals),
		cmocka_unit_test(test_fleet_values_equal_strtof),
		cmocka_unit_test(test_shared_machine_1_2),
		cmocka_unit_test(test_good_small_folder),
		cmocka_unit_test(test_lone_cr_line_ends),
		cmocka_unit_test(test_bad_smd_inputs),
		cmocka_unit_test(test_missing_cells_filled),
		cmocka_unit_test(test_trailing_comma_lines),
		cmocka_unit_test(test_pandas_header_line),
		cmocka_unit_test(test_split_options_refused),
		cmocka_unit_test(test_interval_option_applies),
		cmocka_unit_test(test_machine_file_from_inside_the_folder),
	};
	return cmocka_run_group_tests(tests, tu_dir_setup, tu_dir_teardown);
}
