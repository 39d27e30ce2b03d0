/* Label files: SMD test_label and interpretation_label round trips for all
 * 28 machines (written files byte-identical), their known disagreements,
 * grammar errors with line and column, vigil's CSV, NAB windows, the
 * detections file, and saves that fail (read-only folder, file size limit)
 * leaving the earlier file intact. */
#define _GNU_SOURCE /* unshare, CLONE_NEWNS, timegm */
#include "tests/testutil.h"

#include <errno.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <time.h>

#include "labels/detfile.h"
#include "labels/labelfile.h"
#include "labels/labelset.h"

static const char *const machines[] = {
	"machine-1-1", "machine-1-2", "machine-1-3", "machine-1-4",
	"machine-1-5", "machine-1-6", "machine-1-7", "machine-1-8",
	"machine-2-1", "machine-2-2", "machine-2-3", "machine-2-4",
	"machine-2-5", "machine-2-6", "machine-2-7", "machine-2-8",
	"machine-2-9", "machine-3-1", "machine-3-2", "machine-3-3",
	"machine-3-4", "machine-3-5", "machine-3-6", "machine-3-7",
	"machine-3-8", "machine-3-9", "machine-3-10", "machine-3-11"};
#define N_MACHINES (sizeof(machines) / sizeof(machines[0]))

/* A label-only series: rows x metrics, the first split rows train. */
static Series series_of(size_t rows, size_t metrics, size_t split)
{
	Series s;
	memset(&s, 0, sizeof(s));
	s.rows = rows;
	s.metrics = metrics;
	s.split = split;
	s.interval = 60;
	return s;
}

/* The SMD label files: ../shared/data, else the copies in data/samples. */
static const char *smd_dir(void)
{
	static char path[4200];
	const char *shared = tu_shared_data();
	struct stat st;
	if (shared) {
		snprintf(path, sizeof(path), "%s/smd/ServerMachineDataset",
			 shared);
		if (stat(path, &st) == 0)
			return path;
	}
	snprintf(path, sizeof(path), "data/samples/smd/ServerMachineDataset");
	return stat(path, &st) == 0 ? path : NULL;
}

static size_t count_lines(const char *text)
{
	size_t n = 0;
	for (const char *p = text; *p; p++)
		n += *p == '\n';
	return n;
}

static void assert_same_sets(const LabelSet *a, const LabelSet *b)
{
	assert_int_equal(a->metrics, b->metrics);
	for (size_t m = 0; m <= a->metrics; m++) {
		size_t u = m == a->metrics ? LABEL_NODE : m;
		assert_true(rangeset_same_extents(labelset_get(a, u),
						  labelset_get(b, u)));
	}
}

/* Read, write, compare bytes, read again, compare sets. */
static void round_trip(const Series *s, const char *in, LabelFormat f,
		       const char *out, int bytes)
{
	LabelSet a, b;
	ErrorRecord err;
	char msg[1200];
	Status st = labelfile_read(&a, s, in, f, &err);
	if (st)
		fail_msg("%s", error_format(&err, msg, sizeof(msg)));
	assert_int_equal(labelfile_write(&a, s, out, f, &err), STATUS_OK);
	if (bytes) {
		size_t la, lb;
		char *x = tu_slurp(in, &la), *y = tu_slurp(out, &lb);
		assert_non_null(x);
		assert_non_null(y);
		assert_int_equal(la, lb);
		assert_memory_equal(x, y, la);
		free(x);
		free(y);
	}
	assert_int_equal(labelfile_read(&b, s, out, f, &err), STATUS_OK);
	assert_same_sets(&a, &b);
	labelset_free(&a);
	labelset_free(&b);
}

static void test_smd_round_trips_all_machines(void **state)
{
	(void)state;
	const char *dir = smd_dir();
	if (!dir)
		skip();
	char tmp[64], in[4400], out[4400];
	assert_non_null(tu_tmpdir(tmp, sizeof(tmp)));
	for (size_t i = 0; i < N_MACHINES; i++) {
		snprintf(in, sizeof(in), "%s/test_label/%s.txt", dir,
			 machines[i]);
		char *text = tu_slurp(in, NULL);
		assert_non_null(text);
		size_t rows = count_lines(text);
		free(text);
		/* Label only: no train part; and as a real series would be,
		 * with a train part of 1000 rows in front. */
		Series s0 = series_of(rows, 38, 0);
		Series s1 = series_of(rows + 1000, 38, 1000);
		snprintf(out, sizeof(out), "%s/%s.test_label", tmp,
			 machines[i]);
		round_trip(&s0, in, LABEL_FORMAT_SMD, out, 1);
		round_trip(&s1, in, LABEL_FORMAT_SMD, out, 1);
		snprintf(in, sizeof(in), "%s/interpretation_label/%s.txt", dir,
			 machines[i]);
		snprintf(out, sizeof(out), "%s/%s.interp", tmp, machines[i]);
		round_trip(&s0, in, LABEL_FORMAT_INTERP, out, 1);
		round_trip(&s1, in, LABEL_FORMAT_INTERP, out, 1);
		LabelFormat g;
		assert_int_equal(labelfile_guess(in, &g, NULL), STATUS_OK);
		assert_int_equal(g, LABEL_FORMAT_INTERP);
		/* Through vigil's CSV and back to SMD: the same bytes. */
		LabelSet a, b;
		assert_int_equal(labelfile_read(&a, &s1, in, LABEL_FORMAT_INTERP,
						NULL),
				 STATUS_OK);
		snprintf(out, sizeof(out), "%s/%s.csv", tmp, machines[i]);
		assert_int_equal(labelfile_write(&a, &s1, out, LABEL_FORMAT_CSV,
						 NULL),
				 STATUS_OK);
		assert_int_equal(labelfile_read(&b, &s1, out, LABEL_FORMAT_CSV,
						NULL),
				 STATUS_OK);
		assert_same_sets(&a, &b);
		labelset_free(&a);
		labelset_free(&b);
	}
	char cmd[200];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	assert_int_equal(system(cmd), 0);
}

/* Disagreements of machine M between test_label and interpretation_label,
 * in test rows. */
static LabelDisagreement *disagreements(const char *dir, const char *m,
					size_t *n, Range **a, Range **b)
{
	char tl[4400], il[4400];
	snprintf(tl, sizeof(tl), "%s/test_label/%s.txt", dir, m);
	snprintf(il, sizeof(il), "%s/interpretation_label/%s.txt", dir, m);
	char *text = tu_slurp(tl, NULL);
	Series s = series_of(count_lines(text), 38, 0);
	free(text);
	LabelSet x, y;
	assert_int_equal(labelfile_read(&x, &s, tl, LABEL_FORMAT_SMD, NULL),
			 STATUS_OK);
	assert_int_equal(labelfile_read(&y, &s, il, LABEL_FORMAT_INTERP, NULL),
			 STATUS_OK);
	const RangeSet *node = labelset_get(&x, LABEL_NODE);
	*a = malloc((node->n + 1) * sizeof(Range));
	for (size_t i = 0; i < node->n; i++)
		(*a)[i] = node->v[i].r;
	size_t nb;
	assert_int_equal(labelfile_line_ranges(&y, b, &nb, NULL), STATUS_OK);
	LabelDisagreement *d;
	assert_int_equal(labelfile_compare(*a, node->n, *b, nb, &d, n, NULL),
			 STATUS_OK);
	labelset_free(&x);
	labelset_free(&y);
	return d;
}

static void test_smd_known_disagreements(void **state)
{
	(void)state;
	const char *dir = smd_dir();
	if (!dir)
		skip();
	size_t n, total = 0;
	Range *a, *b;
	LabelDisagreement *d;

	/* machine-1-1: the first range ends at 16395 in test_label and at
	 * 16368 in interpretation_label. */
	d = disagreements(dir, "machine-1-1", &n, &a, &b);
	assert_int_equal(n, 1);
	assert_int_equal(a[d[0].a_first].start, 15849);
	assert_int_equal(a[d[0].a_first].end, 16395);
	assert_int_equal(b[d[0].b_first].end, 16368);
	assert_int_equal(d[0].only_a, 16395 - 16368);
	assert_int_equal(d[0].only_b, 0);
	free(d), free(a), free(b);

	/* machine-3-3: two extra interpretation ranges (inside others). */
	d = disagreements(dir, "machine-3-3", &n, &a, &b);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(d[i].n_a, 1);
		assert_int_equal(d[i].n_b, 2);
		assert_int_equal(d[i].only_a + d[i].only_b, 0);
	}
	free(d), free(a), free(b);

	/* machine-3-2: one test_label range missing from interpretation. */
	d = disagreements(dir, "machine-3-2", &n, &a, &b);
	assert_int_equal(n, 1);
	assert_int_equal(d[0].n_a, 1);
	assert_int_equal(d[0].n_b, 0);
	assert_int_equal(a[d[0].a_first].start, 12139);
	free(d), free(a), free(b);

	/* machine-1-3: one range fewer (18460-18471), and the last range
	 * ends one row earlier (23019 vs 23020). */
	d = disagreements(dir, "machine-1-3", &n, &a, &b);
	assert_int_equal(n, 2);
	assert_int_equal(d[0].n_b, 0);
	assert_int_equal(a[d[0].a_first].start, 18460);
	assert_int_equal(d[1].only_a, 1);
	free(d), free(a), free(b);

	/* Over all 28 machines: every disagreement is one of the above or
	 * machine-2-3's 7910-8001 vs 7910-8010. */
	for (size_t i = 0; i < N_MACHINES; i++) {
		d = disagreements(dir, machines[i], &n, &a, &b);
		total += n;
		if (!strcmp(machines[i], "machine-2-3")) {
			assert_int_equal(n, 1);
			assert_int_equal(a[d[0].a_first].end, 8001);
			assert_int_equal(b[d[0].b_first].end, 8010);
		}
		free(d), free(a), free(b);
	}
	assert_int_equal(total, 1 + 2 + 1 + 2 + 1);
}

static void test_interp_errors_name_line_and_column(void **state)
{
	(void)state;
	char tmp[64], path[128];
	assert_non_null(tu_tmpdir(tmp, sizeof(tmp)));
	snprintf(path, sizeof(path), "%s/interp.txt", tmp);
	Series s = series_of(1000, 38, 0);
	LabelSet ls;
	ErrorRecord err;
	struct {
		const char *text;
		long line, col;
		Status st;
	} cases[] = {
		{"10-20:1,2\n30-40;3\n", 2, 6, STATUS_PARSE},
		{"10-20:1,2\n\n5x-9:1\n", 3, 2, STATUS_PARSE},
		{"10-20:1,,2\n", 1, 9, STATUS_PARSE},
		{"10-20:1,39\n", 1, 9, STATUS_RANGE},
		{"10-20:0\n", 1, 7, STATUS_RANGE},
		{"20-10:1\n", 1, 1, STATUS_RANGE},
		{"990-1001:1\n", 1, 1, STATUS_RANGE},
		{"10-:1\n", 1, 4, STATUS_PARSE},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(tu_write(path, cases[i].text), 0);
		error_clear(&err);
		assert_int_equal(labelfile_read(&ls, &s, path,
						LABEL_FORMAT_INTERP, &err),
				 cases[i].st);
		assert_int_equal(err.line, cases[i].line);
		assert_int_equal(err.column, cases[i].col);
		assert_string_equal(err.file, path);
		assert_true(strlen(err.message) > 10);
	}
	assert_int_equal(tu_write(path, "0\n1\n2\n"), 0);
	assert_int_equal(labelfile_read(&ls, &s, path, LABEL_FORMAT_SMD, &err),
			 STATUS_PARSE);
	assert_int_equal(err.line, 3);
	assert_non_null(strstr(err.message, "found '2'"));
	/* a blank line before the end is a row that is neither 0 nor 1 */
	assert_int_equal(tu_write(path, "0\n\n1\n"), 0);
	assert_int_equal(labelfile_read(&ls, &s, path, LABEL_FORMAT_SMD, &err),
			 STATUS_PARSE);
	assert_int_equal(err.line, 2);
	assert_int_equal(tu_write(path, "0.5\n"), 0);
	assert_int_equal(labelfile_read(&ls, &s, path, LABEL_FORMAT_SMD, &err),
			 STATUS_PARSE);
	/* A test_label of the wrong length. */
	assert_int_equal(tu_write(path, "0\n1\n"), 0);
	assert_int_equal(labelfile_read(&ls, &s, path, LABEL_FORMAT_SMD, &err),
			 STATUS_MISMATCH);
	unlink(path);
	rmdir(tmp);
}

/* Per-row 0/1 labels in a CSV column (format `column`): for every row of
 * the data or for its test part only (PSM's test_label.csv), told apart
 * by the row count; anything else is refused with the reason, and the
 * format is never written. */
static void test_label_column_files(void **state)
{
	(void)state;
	char tmp[256], data[300], full[300], test[300], bad[300];
	assert_non_null(tu_tmpdir(tmp, sizeof(tmp)));
	snprintf(data, sizeof(data), "%s/d.csv", tmp);
	snprintf(full, sizeof(full), "%s/full.csv", tmp);
	snprintf(test, sizeof(test), "%s/test.csv", tmp);
	snprintf(bad, sizeof(bad), "%s/bad.csv", tmp);
	assert_int_equal(tu_write(data, "timestamp_(min),a,b\n0,1,2\n1,1,2\n"
					"2,1,2\n3,1,2\n4,1,2\n5,1,2\n"),
			 0);
	assert_int_equal(tu_write(full, "timestamp_(min),label\n0,1\n1,0\n"
					"2,0\n3,0\n4,1\n5,1\n"),
			 0);
	assert_int_equal(tu_write(test, "\"Label\"\n0\n1\n1\n"), 0);
	Series s;
	ErrorRecord err;
	assert_int_equal(series_open(&s, data, NULL, &err), STATUS_OK);
	assert_int_equal(s.split, 3);
	LabelFormat f;
	assert_int_equal(labelfile_guess(full, &f, &err), STATUS_OK);
	assert_int_equal(f, LABEL_FORMAT_COLUMN);
	assert_int_equal(labelfile_guess(test, &f, &err), STATUS_OK);
	assert_int_equal(f, LABEL_FORMAT_COLUMN);
	LabelSet ls;
	assert_int_equal(labelfile_read(&ls, &s, full, f, &err), STATUS_OK);
	const RangeSet *node = labelset_get(&ls, LABEL_NODE);
	assert_int_equal(node->n, 2);
	assert_int_equal(node->v[0].r.start, 0);
	assert_int_equal(node->v[0].r.end, 1);
	assert_int_equal(node->v[1].r.start, 4);
	assert_int_equal(node->v[1].r.end, 6);
	assert_int_equal(labelfile_write(&ls, &s, bad, LABEL_FORMAT_COLUMN,
					 &err),
			 STATUS_USAGE);
	assert_int_equal(access(bad, F_OK), -1);
	labelset_free(&ls);
	/* the test part's 3 rows: rows 4 and 5 */
	assert_int_equal(labelfile_read(&ls, &s, test, f, &err), STATUS_OK);
	node = labelset_get(&ls, LABEL_NODE);
	assert_int_equal(node->n, 1);
	assert_int_equal(node->v[0].r.start, 4);
	assert_int_equal(node->v[0].r.end, 6);
	labelset_free(&ls);
	assert_int_equal(tu_write(bad, "label\n0\n1\n"), 0);
	assert_int_equal(labelfile_read(&ls, &s, bad, f, &err),
			 STATUS_MISMATCH);
	assert_non_null(strstr(err.message, "expected 6 (every row of the "
					    "data) or 3 (its test part)"));
	assert_int_equal(tu_write(bad, "label\n0\n2\n1\n"), 0);
	assert_int_equal(labelfile_read(&ls, &s, bad, f, &err), STATUS_PARSE);
	assert_int_equal(err.line, 3);
	assert_int_equal(err.column, 1);
	assert_non_null(strstr(err.message, "expected 0 or 1 in label column "
					    "'label', found '2'"));
	series_free(&s);
	char out[512];
	tu_run(out, sizeof(out), "rm -rf '%s'", tmp);
}

/* A bad cell of a label column (format `column`) is named by file, line
 * and column as in every other reader: it used to be "data row N" (a row
 * count that is not the line once there is a header) without a column.
 * An empty or NaN cell is refused where it is: it used to be forward-filled
 * from the row above, so a 1 before a gap stretched the labelled range. */
static void test_label_column_cell_positions(void **state)
{
	(void)state;
	char tmp[256], data[300], lab[300], own[300], out[4096];
	assert_non_null(tu_tmpdir(tmp, sizeof(tmp)));
	snprintf(data, sizeof(data), "%s/d.csv", tmp);
	snprintf(lab, sizeof(lab), "%s/test_label.csv", tmp);
	snprintf(own, sizeof(own), "%s/own.csv", tmp);
	assert_int_equal(tu_write(data, "timestamp_(min),a,b\n0,1,2\n1,1,2\n"
					"2,1,2\n3,1,2\n4,1,2\n5,1,2\n"),
			 0);
	/* the test part's 3 rows; the empty cell is on line 4, field 2 */
	assert_int_equal(tu_write(lab, "timestamp_(min),label\n3,1\n4,1\n"
				       "5,\n"),
			 0);
	assert_int_equal(tu_run(out, sizeof(out),
				"%s score '%s' --labels '%s' --label-format "
				"column",
				tu_vigil(), data, lab),
			 2);
	assert_non_null(strstr(out, "test_label.csv:4:2: expected 0 or 1 in "
				    "label column 'label', found an empty "
				    "cell"));
	assert_null(strstr(out, "data row"));
	/* a value other than 0 or 1: line and column, on the fast path too
	   (a plain line after the first rows) */
	assert_int_equal(tu_write(lab, "timestamp_(min),label\n3,0\n4,0\n"
				       "5,0.5\n"),
			 0);
	assert_int_equal(tu_run(out, sizeof(out),
				"%s labels '%s' --labels '%s' --label-format "
				"column -o '%s/o.csv'",
				tu_vigil(), data, lab, tmp),
			 2);
	assert_non_null(strstr(out, "test_label.csv:4:2: expected 0 or 1 in "
				    "label column 'label', found '0.5'"));
	assert_int_equal(tu_write(lab, "timestamp_(min),label\n3,0\n4,0\n"
				       "5,0\n6,1\n7,NaN\n8,0\n9,1\n"),
			 0);
	Series s;
	ErrorRecord err;
	LabelSet ls;
	/* seven rows read against a seven-row series: 'NaN' is on line 6 */
	Series seven = series_of(7, 2, 0);
	assert_int_equal(labelfile_read(&ls, &seven, lab, LABEL_FORMAT_COLUMN,
					&err),
			 STATUS_PARSE);
	assert_int_equal(err.line, 6);
	assert_int_equal(err.column, 2);
	assert_non_null(strstr(err.message, "found 'NaN'"));
	/* a data file's own label column: the gap after a 1 no longer
	   stretches the range; it is refused with its position */
	assert_int_equal(tu_write(own, "timestamp_(min),cpu,label\n"
				       "0,1.5,0\n1,1.5,0\n2,1.5,0\n3,1.5,1\n"
				       "4,1.5,\n5,1.5,0\n"),
			 0);
	assert_int_equal(series_open(&s, own, NULL, &err), STATUS_OK);
	assert_int_equal(labelfile_read(&ls, &s, own, LABEL_FORMAT_COLUMN,
					&err),
			 STATUS_PARSE);
	assert_int_equal(err.line, 6);
	assert_int_equal(err.column, 3);
	series_free(&s);
	tu_run(out, sizeof(out), "rm -rf '%s'", tmp);
}

/* Labels written by pandas from a boolean column read True and False: in
 * a data file's label column (the whole file used to be refused: "expected
 * a number in column 'is_anomaly', found 'False'"), in a separate per-row
 * file, and in an SMD test_label ("cannot tell the label format"). */
static void test_boolean_labels(void **state)
{
	(void)state;
	char tmp[256], data[300], test[300], out[4096];
	assert_non_null(tu_tmpdir(tmp, sizeof(tmp)));
	snprintf(data, sizeof(data), "%s/d.csv", tmp);
	snprintf(test, sizeof(test), "%s/test_label.csv", tmp);
	assert_int_equal(tu_write(data, "timestamp,cpu,is_anomaly\n"
					"2024-01-01 00:00:00,1.5,False\n"
					"2024-01-01 00:05:00,1.7,False\n"
					"2024-01-01 00:10:00,1.2,False\n"
					"2024-01-01 00:15:00,9.1,True\n"
					"2024-01-01 00:20:00,8.8,TRUE\n"
					"2024-01-01 00:25:00,1.4,false\n"),
			 0);
	assert_int_equal(tu_write(test, "label\nFalse\nTrue\nFalse\n"), 0);
	Series s;
	ErrorRecord err;
	assert_int_equal(series_open(&s, data, NULL, &err), STATUS_OK);
	assert_int_equal(s.metrics, 1);
	assert_string_equal(s.label_column, "is_anomaly");
	LabelSet ls;
	assert_int_equal(labelfile_read(&ls, &s, data, LABEL_FORMAT_COLUMN,
					&err),
			 STATUS_OK);
	const RangeSet *node = labelset_get(&ls, LABEL_NODE);
	assert_int_equal(node->n, 1);
	assert_int_equal(node->v[0].r.start, 3);
	assert_int_equal(node->v[0].r.end, 5);
	labelset_free(&ls);
	LabelFormat f;
	assert_int_equal(labelfile_guess(test, &f, &err), STATUS_OK);
	assert_int_equal(labelfile_read(&ls, &s, test, f, &err), STATUS_OK);
	node = labelset_get(&ls, LABEL_NODE);
	assert_int_equal(node->n, 1);
	assert_int_equal(node->v[0].r.start, 4);
	assert_int_equal(node->v[0].r.end, 5);
	labelset_free(&ls);
	series_free(&s);
	/* a metric column of True/False is still refused: only labels */
	assert_int_equal(tu_write(test, "a,b\n1,True\n2,False\n"), 0);
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s'", tu_vigil(),
				test),
			 2);
	assert_non_null(strstr(out, ":2:2: expected a number in column 'b', "
				    "found 'True'"));
	/* vigil labels on the data file: the node range, rows [3, 5) */
	char csv[300];
	snprintf(csv, sizeof(csv), "%s/out.csv", tmp);
	assert_int_equal(tu_run(out, sizeof(out), "%s labels '%s' -o '%s'",
				tu_vigil(), data, csv),
			 0);
	char *text = tu_slurp(csv, NULL);
	assert_non_null(text);
	assert_non_null(strstr(text, "\n*,3,5,2024-01-01 00:15:00,"
				     "2024-01-01 00:20:00,original,"));
	free(text);
	/* an SMD machine's test_label of True and False */
	assert_int_equal(tu_run(out, sizeof(out),
				"d='%s/S'; mkdir -p $d/train $d/test "
				"$d/test_label && printf '1,2\\n3,4\\n5,6\\n' > "
				"$d/train/m.txt && printf '7,8\\n9,9\\n1,2\\n' > "
				"$d/test/m.txt && printf 'False\\nTrue\\nTrue\\n' "
				"> $d/test_label/m.txt",
				tmp),
			 0);
	snprintf(csv, sizeof(csv), "%s/S:m", tmp);
	assert_int_equal(series_open(&s, csv, NULL, &err), STATUS_OK);
	assert_int_equal(labelfile_guess(s.label_path, &f, &err), STATUS_OK);
	assert_int_equal(f, LABEL_FORMAT_SMD);
	assert_int_equal(labelfile_read(&ls, &s, s.label_path, f, &err),
			 STATUS_OK);
	node = labelset_get(&ls, LABEL_NODE);
	assert_int_equal(node->n, 1);
	assert_int_equal(node->v[0].r.start, 4);
	assert_int_equal(node->v[0].r.end, 6);
	labelset_free(&ls);
	series_free(&s);
	tu_run(out, sizeof(out), "rm -rf '%s'", tmp);
}

static void test_csv_round_trip_with_notes_and_node(void **state)
{
	(void)state;
	char tmp[64], path[128], path2[128];
	assert_non_null(tu_tmpdir(tmp, sizeof(tmp)));
	snprintf(path, sizeof(path), "%s/labels.csv", tmp);
	snprintf(path2, sizeof(path2), "%s/labels2.csv", tmp);
	char *names[3] = {"cpu", "mem, used", "disk"};
	Series s = series_of(500, 3, 100);
	s.names = names;
	s.t0 = 1700000000;
	LabelSet ls;
	assert_int_equal(labelset_init(&ls, 3, NULL), STATUS_OK);
	labelset_mark(&ls, 1, (Range){120, 130}, "he said \"spike\", twice",
		      NULL, NULL);
	labelset_mark(&ls, LABEL_NODE, (Range){120, 140}, NULL, NULL, NULL);
	labelset_mark(&ls, 2, (Range){10, 20}, NULL, NULL, NULL);
	assert_int_equal(labelfile_write(&ls, &s, path, LABEL_FORMAT_CSV, NULL),
			 STATUS_OK);
	char *text = tu_slurp(path, NULL);
	assert_non_null(strstr(text, "metric,start,end,start_time,end_time,"
				     "source,note\n"));
	assert_non_null(strstr(text, "*,120,140,2023-11-15 00:13:20,"
				     "2023-11-15 00:32:20,analyst,\n"));
	assert_non_null(strstr(text, "\"mem, used\",120,130,"));
	assert_non_null(strstr(text, "\"he said \"\"spike\"\", twice\""));
	free(text);
	LabelSet back;
	assert_int_equal(labelfile_read(&back, &s, path, LABEL_FORMAT_CSV, NULL),
			 STATUS_OK);
	assert_same_sets(&ls, &back);
	assert_string_equal(labelset_get(&back, 1)->v[0].note,
			    "he said \"spike\", twice");
	assert_int_equal(labelset_get(&back, 1)->v[0].source, LABEL_ANALYST);
	/* SMD writers refuse rows in the train part. */
	ErrorRecord err;
	assert_int_equal(labelfile_write(&back, &s, path2, LABEL_FORMAT_INTERP,
					 &err),
			 STATUS_RANGE);
	labelset_free(&back);
	labelset_free(&ls);
	/* Unknown metric: line and column. */
	assert_int_equal(tu_write(path, "metric,start,end,start_time,end_time,"
					"source,note\ncpu,1,2,,,original,\n"
					"swap,1,2,,,original,\n"),
			 0);
	assert_int_equal(labelfile_read(&back, &s, path, LABEL_FORMAT_CSV, &err),
			 STATUS_MISMATCH);
	assert_int_equal(err.line, 3);
	assert_int_equal(err.column, 1);
	assert_int_equal(tu_write(path, "metric,start,end,start_time,end_time,"
					"source,note\ncpu,1,x,,,original,\n"),
			 0);
	assert_int_equal(labelfile_read(&back, &s, path, LABEL_FORMAT_CSV, &err),
			 STATUS_PARSE);
	assert_int_equal(err.column, 7);
	unlink(path);
	unlink(path2);
	rmdir(tmp);
}

/* A metric named past 255 bytes, as a Prometheus series with its labels
 * easily is: the detections file and the label CSV carry the whole name,
 * so they read back. The writers cut it at 255 bytes, and `vigil score
 * --detections` then refused vigil's own file ("no metric named ..."), as
 * did reading back a relabelling the dashboard had saved. */
static void test_long_metric_names_round_trip(void **state)
{
	(void)state;
	char tmp[64], det[128], lab[128];
	assert_non_null(tu_tmpdir(tmp, sizeof(tmp)));
	snprintf(det, sizeof(det), "%s/det.csv", tmp);
	snprintf(lab, sizeof(lab), "%s/labels.csv", tmp);
	char longname[700];
	size_t w = (size_t)snprintf(longname, sizeof(longname),
				    "container_cpu_usage_seconds_total{");
	for (int i = 0; i < 14; i++)
		w += (size_t)snprintf(longname + w, sizeof(longname) - w,
				      "%slabel%02d=\"value-%02d-abcdefghij\"",
				      i ? "," : "", i, i);
	snprintf(longname + w, sizeof(longname) - w, "}");
	assert_true(strlen(longname) > 400);
	char *names[2] = {"mem", longname};
	Series s = series_of(1000, 2, 500);
	s.names = names;
	Detection d[2] = {
		{{600, 640}, 1, CRIT_HIGH, 7.5f},
		{{600, 640}, DETECT_NODE, CRIT_HIGH, 7.5f},
	};
	assert_int_equal(detfile_write(det, &s, d, 2, NULL), STATUS_OK);
	Detection *back;
	size_t n;
	ErrorRecord err;
	assert_int_equal(detfile_read(det, &s, &back, &n, &err), STATUS_OK);
	assert_int_equal(n, 2);
	assert_true(back[0].metric == 1);
	free(back);
	LabelSet ls, lb;
	assert_int_equal(labelset_init(&ls, 2, NULL), STATUS_OK);
	labelset_mark(&ls, 1, (Range){610, 620}, "mine", NULL, NULL);
	assert_int_equal(labelfile_write(&ls, &s, lab, LABEL_FORMAT_CSV, NULL),
			 STATUS_OK);
	assert_int_equal(labelfile_read(&lb, &s, lab, LABEL_FORMAT_CSV, &err),
			 STATUS_OK);
	assert_same_sets(&ls, &lb);
	labelset_free(&lb);
	labelset_free(&ls);
	unlink(det);
	unlink(lab);
	rmdir(tmp);
}

static void test_detections_file_round_trip(void **state)
{
	(void)state;
	char tmp[64], path[128];
	assert_non_null(tu_tmpdir(tmp, sizeof(tmp)));
	snprintf(path, sizeof(path), "%s/det.csv", tmp);
	char *names[2] = {"cpu", "mem"};
	Series s = series_of(1000, 2, 500);
	s.names = names;
	Detection d[3] = {
		{{510, 520}, 0, CRIT_LOW, 1.25f},
		{{600, 640}, 1, CRIT_HIGH, 7.5f},
		{{510, 640}, DETECT_NODE, CRIT_HIGH, 7.5f},
	};
	assert_int_equal(detfile_write(path, &s, d, 3, NULL), STATUS_OK);
	char *text = tu_slurp(path, NULL);
	assert_string_equal(text,
			    "metric,start,end,start_time,end_time,criticality,"
			    "peak_score\n"
			    "cpu,510,520,,,low,1.25\n"
			    "mem,600,640,,,high,7.5\n"
			    "*,510,640,,,high,7.5\n");
	free(text);
	Detection *back;
	size_t n;
	assert_int_equal(detfile_read(path, &s, &back, &n, NULL), STATUS_OK);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(back[i].r.start, d[i].r.start);
		assert_int_equal(back[i].r.end, d[i].r.end);
		assert_true(back[i].metric == d[i].metric);
		assert_int_equal(back[i].crit, d[i].crit);
		assert_float_equal(back[i].peak, d[i].peak, 1e-6);
	}
	free(back);
	ErrorRecord err;
	assert_int_equal(tu_write(path, "metric,start,end,start_time,end_time,"
					"criticality,peak_score\n"
					"cpu,510,520,,,severe,1\n"),
			 0);
	assert_int_equal(detfile_read(path, &s, &back, &n, &err), STATUS_PARSE);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 15);
	assert_int_equal(tu_write(path, "metric,start,end,start_time,end_time,"
					"criticality,peak_score\n"
					"cpu,510,1020,,,low,1\n"),
			 0);
	assert_int_equal(detfile_read(path, &s, &back, &n, &err), STATUS_RANGE);
	unlink(path);
	rmdir(tmp);
}

/* ---- NAB ---- */

/* A series over a NAB CSV's timestamps (values are not needed). */
static int nab_series(const char *csv, const char *key, Series *s,
		      int64_t **ts)
{
	char *text = tu_slurp(csv, NULL);
	if (!text)
		return -1;
	size_t cap = count_lines(text) + 1, n = 0;
	*ts = malloc(cap * sizeof(int64_t));
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct tm tm;
		memset(&tm, 0, sizeof(tm));
		if (!strptime(line, "%Y-%m-%d %H:%M:%S", &tm))
			continue;
		(*ts)[n++] = (int64_t)timegm(&tm);
	}
	free(text);
	*s = series_of(n, 1, n / 2);
	s->timestamps = *ts;
	s->interval = 300;
	s->nab_key = (char *)key;
	return 0;
}

/* Each key's windows of root/combined_windows.json (windows[k] of them)
 * read over its CSV's timestamps, written, read back the same; all keys
 * end up in the one output file. Then a window outside the data is an
 * error that names it. */
static void nab_round_trips(const char *root, const char *const *keys,
			    const size_t *windows, size_t n)
{
	char json[4200], csv[4400], tmp[64], out[128];
	snprintf(json, sizeof(json), "%s/combined_windows.json", root);
	assert_non_null(tu_tmpdir(tmp, sizeof(tmp)));
	snprintf(out, sizeof(out), "%s/windows.json", tmp);
	for (size_t k = 0; k < n; k++) {
		snprintf(csv, sizeof(csv), "%s/%s", root, keys[k]);
		Series s;
		int64_t *ts;
		assert_int_equal(nab_series(csv, keys[k], &s, &ts), 0);
		LabelSet a, b;
		ErrorRecord err;
		char msg[1200];
		if (labelfile_read(&a, &s, json, LABEL_FORMAT_NAB, &err))
			fail_msg("%s", error_format(&err, msg, sizeof(msg)));
		const RangeSet *node = labelset_get(&a, LABEL_NODE);
		assert_int_equal(node->n, windows[k]);
		/* Windows are most of a day or more of 5-minute rows. */
		assert_true(node->v[0].r.end - node->v[0].r.start > 100);
		assert_int_equal(labelfile_write(&a, &s, out, LABEL_FORMAT_NAB,
						 &err),
				 STATUS_OK);
		assert_int_equal(labelfile_read(&b, &s, out, LABEL_FORMAT_NAB,
						&err),
				 STATUS_OK);
		assert_same_sets(&a, &b);
		labelset_free(&a);
		labelset_free(&b);
		free(ts);
	}
	/* All the keys accumulated in the one output file. */
	char *text = tu_slurp(out, NULL);
	for (size_t k = 0; k < n; k++)
		assert_non_null(strstr(text, keys[k]));
	free(text);
	/* A window outside the data is an error that names it. */
	snprintf(csv, sizeof(csv), "%s/%s", root, keys[0]);
	Series s;
	int64_t *ts;
	assert_int_equal(nab_series(csv, keys[0], &s, &ts), 0);
	char bad[600];
	snprintf(bad, sizeof(bad),
		 "{\"%s\": [[\"2019-01-01 00:00:00.000000\", \"2019-01-02 "
		 "00:00:00.000000\"]]}",
		 keys[0]);
	assert_int_equal(tu_write(out, bad), 0);
	LabelSet a;
	ErrorRecord err;
	assert_int_equal(labelfile_read(&a, &s, out, LABEL_FORMAT_NAB, &err),
			 STATUS_RANGE);
	assert_non_null(strstr(err.message, "2019-01-01 00:00:00"));
	const char *name = strchr(keys[0], '/') + 1;
	char stem[200];
	snprintf(stem, sizeof(stem), "%.*s", (int)strcspn(name, "."), name);
	assert_non_null(strstr(err.message, stem));
	free(ts);
	unlink(out);
	rmdir(tmp);
}

/* The bundled NAB files and their windows (data/samples/nab). */
static void test_nab_windows_round_trip(void **state)
{
	(void)state;
	static const char *const keys[] = {
		"realAWSCloudwatch/ec2_network_in_257a54.csv",
		"realAWSCloudwatch/elb_request_count_8c0756.csv",
		"realKnownCause/rogue_agent_key_updown.csv"};
	static const size_t windows[] = {1, 2, 2};
	nab_round_trips("data/samples/nab", keys, windows, 3);
}

/* More files and the whole combined_windows.json of ../shared/data
 * (skipped without it). */
static void test_shared_nab_windows_round_trip(void **state)
{
	(void)state;
	const char *shared = tu_shared_data();
	if (!shared)
		skip();
	char root[4200];
	snprintf(root, sizeof(root), "%s/nab", shared);
	static const char *const keys[] = {
		"realAWSCloudwatch/ec2_cpu_utilization_5f5533.csv",
		"realAWSCloudwatch/ec2_disk_write_bytes_1ef3de.csv",
		"realAWSCloudwatch/ec2_network_in_257a54.csv",
		"realAWSCloudwatch/rds_cpu_utilization_cc0c53.csv",
		"realAWSCloudwatch/elb_request_count_8c0756.csv",
		"artificialWithAnomaly/art_daily_jumpsup.csv"};
	static const size_t windows[] = {2, 1, 1, 2, 2, 1};
	nab_round_trips(root, keys, windows, 6);
}

/* ---- failed saves ---- */

/* In a child: make dir a read-only mount (private mount namespace), then
 * save over path. Exit 0 when the save failed with a message, 1 when it
 * succeeded, 77 when the read-only mount cannot be made here. As root,
 * chmod does not stop writes; a read-only bind mount does. */
static int save_in_readonly_child(const char *dir, const char *path,
				  char *msg, size_t n)
{
	int fds[2];
	if (pipe(fds))
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		if (getuid() == 0) {
			if (unshare(CLONE_NEWNS) ||
			    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
			    mount(dir, dir, NULL, MS_BIND, NULL) ||
			    mount(NULL, dir, NULL,
				  MS_REMOUNT | MS_BIND | MS_RDONLY, NULL))
				_exit(77);
		} else if (chmod(dir, 0555)) {
			_exit(77);
		}
		Series s = series_of(4, 1, 0);
		LabelSet ls;
		labelset_init(&ls, 1, NULL);
		labelset_mark(&ls, LABEL_NODE, (Range){0, 4}, NULL, NULL, NULL);
		ErrorRecord err;
		error_clear(&err);
		Status st = labelfile_write(&ls, &s, path, LABEL_FORMAT_SMD,
					    &err);
		char buf[1200];
		error_format(&err, buf, sizeof(buf));
		if (write(fds[1], buf, strlen(buf)) < 0)
			_exit(2);
		_exit(st == STATUS_IO ? 0 : 1);
	}
	close(fds[1]);
	ssize_t got = read(fds[0], msg, n - 1);
	msg[got > 0 ? got : 0] = '\0';
	close(fds[0]);
	int status;
	waitpid(pid, &status, 0);
	if (getuid() != 0)
		chmod(dir, 0755);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A save that fails where there was no file before (its folder is
 * missing) says nothing was written; it said "the earlier file is
 * unchanged", of a file that never was. */
static void test_save_into_missing_folder_names_no_earlier_file(void **state)
{
	(void)state;
	char tmp[64], path[160];
	assert_non_null(tu_tmpdir(tmp, sizeof(tmp)));
	snprintf(path, sizeof(path), "%s/no-such-folder/labels.csv", tmp);
	char *names[1] = {"cpu"};
	Series s = series_of(100, 1, 50);
	s.names = names;
	LabelSet ls;
	assert_int_equal(labelset_init(&ls, 1, NULL), STATUS_OK);
	ErrorRecord err;
	assert_int_equal(labelfile_write(&ls, &s, path, LABEL_FORMAT_CSV, &err),
			 STATUS_IO);
	assert_non_null(strstr(err.message, "No such file or directory"));
	assert_non_null(strstr(err.message, "nothing was written"));
	assert_null(strstr(err.message, "earlier file"));
	labelset_free(&ls);
	rmdir(tmp);
}

static void test_save_into_readonly_folder_keeps_old_file(void **state)
{
	(void)state;
	char tmp[64], path[128], msg[1300];
	assert_non_null(tu_tmpdir(tmp, sizeof(tmp)));
	snprintf(path, sizeof(path), "%s/test_label.txt", tmp);
	assert_int_equal(tu_write(path, "0\n0\n1\n0\n"), 0);
	int rc = save_in_readonly_child(tmp, path, msg, sizeof(msg));
	if (rc == 77) {
		unlink(path);
		rmdir(tmp);
		skip();
	}
	assert_int_equal(rc, 0);
	assert_non_null(strstr(msg, "Read-only file system") ?
				strstr(msg, "Read-only file system") :
				strstr(msg, "Permission denied"));
	assert_non_null(strstr(msg, "earlier file is unchanged"));
	char *text = tu_slurp(path, NULL);
	assert_string_equal(text, "0\n0\n1\n0\n");
	free(text);
	unlink(path);
	rmdir(tmp);
}

static void test_save_hitting_file_size_limit_keeps_old_file(void **state)
{
	(void)state;
	char tmp[64], path[128];
	assert_non_null(tu_tmpdir(tmp, sizeof(tmp)));
	snprintf(path, sizeof(path), "%s/labels.txt", tmp);
	assert_int_equal(tu_write(path, "0\n1\n"), 0);
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		/* ulimit -f: 8 KiB; the file below needs 40 KiB. */
		struct rlimit rl = {8192, 8192};
		if (setrlimit(RLIMIT_FSIZE, &rl))
			_exit(77);
		Series s = series_of(20000, 1, 0);
		LabelSet ls;
		labelset_init(&ls, 1, NULL);
		labelset_mark(&ls, LABEL_NODE, (Range){5, 50}, NULL, NULL, NULL);
		ErrorRecord err;
		Status st = labelfile_write(&ls, &s, path, LABEL_FORMAT_SMD,
					    &err);
		char buf[1200];
		error_format(&err, buf, sizeof(buf));
		if (write(fds[1], buf, strlen(buf)) < 0)
			_exit(2);
		_exit(st == STATUS_IO ? 0 : 1);
	}
	close(fds[1]);
	char msg[1300];
	ssize_t got = read(fds[0], msg, sizeof(msg) - 1);
	msg[got > 0 ? got : 0] = '\0';
	close(fds[0]);
	int status;
	waitpid(pid, &status, 0);
	/* The child was not killed by SIGXFSZ: it returned an error. */
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_non_null(strstr(msg, "File too large"));
	char *text = tu_slurp(path, NULL);
	assert_string_equal(text, "0\n1\n");
	free(text);
	/* No temporary file is left behind. */
	char cmd[200], out[256];
	snprintf(cmd, sizeof(cmd), "ls %s | wc -l", tmp);
	tu_run(out, sizeof(out), "%s", cmd);
	assert_int_equal(atoi(out), 1);
	unlink(path);
	rmdir(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smd_round_trips_all_machines),
		cmocka_unit_test(test_smd_known_disagreements),
		cmocka_unit_test(test_interp_errors_name_line_and_column),
		cmocka_unit_test(test_label_column_files),
		cmocka_unit_test(test_label_column_cell_positions),
		cmocka_unit_test(test_boolean_labels),
		cmocka_unit_test(test_csv_round_trip_with_notes_and_node),
		cmocka_unit_test(test_detections_file_round_trip),
		cmocka_unit_test(test_long_metric_names_round_trip),
		cmocka_unit_test(test_save_into_missing_folder_names_no_earlier_file),
		cmocka_unit_test(test_nab_windows_round_trip),
		cmocka_unit_test(test_shared_nab_windows_round_trip),
		cmocka_unit_test(test_save_into_readonly_folder_keeps_old_file),
		cmocka_unit_test(test_save_hitting_file_size_limit_keeps_old_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
