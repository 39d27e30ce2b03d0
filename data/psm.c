/* A folder holding train.csv and test.csv (eBay's Pooled Server Metrics,
 * PSM, and datasets laid out like it) read as one dataset.
 *
 * Each file goes through the generic CSV loader with all its rules (time
 * column and unit, label column, missing cells, errors with file, line and
 * column); the two are then joined: train rows, then test rows, the split
 * at train.csv's row count. The metric columns must be the same, in the
 * same order. Missing cells are filled over the joined rows (a gap at the
 * start of test.csv continues train.csv's last value). The time axis is
 * kept when the test times continue after the train times; otherwise (a
 * restart, an overlap, times in one file only) the row index is the time
 * axis and axis_note says why. Labels: labels.csv in the folder (vigil's
 * label CSV, where the dashboard saves a relabelling), else test_label.csv
 * (PSM's per-test-row label file, format `column`); a label column in the
 * files is kept out of the metrics, not read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/series.h"
#include "data/series_internal.h"

/* dir/name, malloc'd. */
static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/* The same metric columns in train (a) and test (b), or an error naming
 * test.csv and the first column that differs. */
static Status same_columns(const Series *a, const Series *b, ErrorRecord *err)
{
	size_t n = a->metrics < b->metrics ? a->metrics : b->metrics;
	for (size_t m = 0; m < n; m++)
		if (strcmp(a->names[m], b->names[m]))
			return error_set(err, STATUS_MISMATCH, b->path, 1, 0,
					 "metric %zu is '%s' where %s has '%s': "
					 "expected the same metric columns, in "
					 "the same order, in both files",
					 m + 1, b->names[m], a->path,
					 a->names[m]);
	if (a->metrics != b->metrics) {
		const Series *more = a->metrics > b->metrics ? a : b;
		const Series *less = more == a ? b : a;
		return error_set(err, STATUS_MISMATCH, b->path, 1, 0,
				 "%s has a metric column '%s' that %s has not "
				 "(%zu metrics against %zu): expected the same "
				 "metric columns in both files",
				 more->path, more->names[n], less->path,
				 more->metrics, less->metrics);
	}
	return STATUS_OK;
}

/* Why the joined series cannot keep the files' times, or NULL when it can
 * (timestamps in both, the test's first after the train's last). */
static char *axis_problem(const Series *a, const Series *b)
{
	char msg[512], x[40], y[40];
	if (!a->timestamps && !b->timestamps)
		return NULL;
	if (!a->timestamps || !b->timestamps) {
		snprintf(msg, sizeof(msg),
			 "%s has times and %s has none: index axis",
			 a->timestamps ? "train.csv" : "test.csv",
			 a->timestamps ? "test.csv" : "train.csv");
		return strdup(msg);
	}
	int64_t last = a->timestamps[a->rows - 1], first = b->timestamps[0];
	if (first > last && a->time_counter == b->time_counter &&
	    a->time_elapsed == b->time_elapsed)
		return NULL;
	if (a->time_counter) {
		snprintf(x, sizeof(x), "%lld", (long long)first);
		snprintf(y, sizeof(y), "%lld", (long long)last);
	} else if (a->time_elapsed) {
		series_elapsed_string(first, x, sizeof(x));
		series_elapsed_string(last, y, sizeof(y));
	} else {
		series_time_string(first, x, sizeof(x));
		series_time_string(last, y, sizeof(y));
	}
	if (a->time_counter != b->time_counter ||
	    a->time_elapsed != b->time_elapsed)
		snprintf(msg, sizeof(msg),
			 "train.csv's times are %s and test.csv's %s: index "
			 "axis",
			 a->time_counter ? "steps" : a->time_elapsed ? "elapsed"
								     : "dates",
			 b->time_counter ? "steps" : b->time_elapsed ? "elapsed"
								     : "dates");
	else
		snprintf(msg, sizeof(msg),
			 "test.csv starts at %s, %s train.csv's last time %s "
			 "(the times restart or overlap): index axis",
			 x, first == last ? "the same as" : "before", y);
	return strdup(msg);
}

/* Moves the labels.csv or test_label.csv of dir into s->label_path. */
static Status find_labels(Series *s, const char *dir, ErrorRecord *err)
{
	static const char *const names[] = {"labels.csv", "test_label.csv"};
	for (size_t i = 0; i < 2; i++) {
		char *p = join(dir, names[i]);
		if (!p)
			return error_set(err, STATUS_NOMEM, dir, 0, 0,
					 "out of memory");
		if (series_file_present(p)) {
			s->label_path = p;
			return STATUS_OK;
		}
		free(p);
	}
	return STATUS_OK;
}

Status series_load_psm(Series *s, const char *folder,
		       const SeriesOptions *opt, ErrorRecord *err)
{
	series_init(s);
	error_clear(err);
	/* the folder without trailing slashes, for the paths made from it */
	char dir[4096];
	size_t dl = strlen(folder);
	while (dl > 1 && folder[dl - 1] == '/')
		dl--;
	if (dl >= sizeof(dir))
		return error_set(err, STATUS_IO, folder, 0, 0,
				 "the path is too long");
	memcpy(dir, folder, dl);
	dir[dl] = '\0';
	if (opt && (opt->split_rows > 0 || opt->train_fraction > 0))
		return error_set(err, STATUS_USAGE, dir, 0, 0,
				 "--split and --train do not apply to a "
				 "train.csv/test.csv folder: its split is the "
				 "row count of train.csv");
	Series a, b;
	series_init(&a);
	series_init(&b);
	char *pa = join(dir, "train.csv"), *pb = join(dir, "test.csv");
	Status st = STATUS_OK;
	if (!pa || !pb) {
		st = error_set(err, STATUS_NOMEM, dir, 0, 0, "out of memory");
		goto out;
	}
	SeriesOptions o = opt ? *opt : (SeriesOptions){0};
	o.cursor = NULL; /* two files joined: no one file to read on */
	unsigned flags = SERIES_CSV_KEEP_TIME | SERIES_CSV_NO_FILL;
	if ((st = series_load_csv_flags(&a, pa, &o, flags, err)) ||
	    (st = series_load_csv_flags(&b, pb, &o, flags, err)) ||
	    (st = same_columns(&a, &b, err)))
		goto out;
	size_t rows = a.rows + b.rows, M = a.metrics;
	if ((st = series_alloc(s, rows, M, err)))
		goto out;
	for (size_t m = 0; m < M; m++) {
		memcpy(s->values + m * rows, series_column(&a, m),
		       a.rows * sizeof(float));
		memcpy(s->values + m * rows + a.rows, series_column(&b, m),
		       b.rows * sizeof(float));
		free(s->names[m]);
		s->names[m] = a.names[m];
		a.names[m] = NULL;
	}
	s->axis_note = axis_problem(&a, &b);
	int keep = !s->axis_note && a.timestamps && !a.time_counter;
	if (keep) {
		s->timestamps = malloc(rows * sizeof(int64_t));
		if (!s->timestamps) {
			st = error_set(err, STATUS_NOMEM, dir, 0, 0,
				       "out of memory");
			goto out;
		}
		memcpy(s->timestamps, a.timestamps, a.rows * sizeof(int64_t));
		memcpy(s->timestamps + a.rows, b.timestamps,
		       b.rows * sizeof(int64_t));
		s->time_elapsed = a.time_elapsed;
		s->interval = series_median_step(s->timestamps, rows, a.interval);
	} else {
		s->time_counter = !s->axis_note && a.time_counter;
		s->interval = a.interval;
	}
	s->kind = SERIES_PSM;
	s->split = a.rows;
	/* missing cells filled over the joined rows: a gap at the start of
	   test.csv continues train.csv's last value */
	s->filled = 0;
	if (!(s->first_value = calloc(M ? M : 1, sizeof(size_t)))) {
		st = error_set(err, STATUS_NOMEM, dir, 0, 0, "out of memory");
		goto out;
	}
	size_t bad = series_fill_missing(s->values, rows, M, &s->filled,
					 s->first_value);
	if (bad < M) {
		st = error_set(err, STATUS_EMPTY, dir, 0, 0,
			       "column '%s' has no values at all, in train.csv "
			       "nor in test.csv",
			       s->names[bad]);
		goto out;
	}
	if (!(s->path = strdup(dir))) {
		st = error_set(err, STATUS_NOMEM, dir, 0, 0, "out of memory");
		goto out;
	}
	st = find_labels(s, dir, err);
out:
	if (st != STATUS_OK)
		series_free(s);
	series_free(&a);
	series_free(&b);
	free(pa);
	free(pb);
	return st;
}
