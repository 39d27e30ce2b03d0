/* The NAB loader: `timestamp,value` files of the Numenta Anomaly Benchmark.
 *
 * Each file is read with the generic CSV loader (so it gets the same checks
 * and messages), its metric named after the file. Several files of one host
 * become one node: the rows are the timestamps common to all of them.
 * Unlike a generic CSV, a timestamp may repeat or go back from the previous
 * one (NAB's own files do so where daylight saving time ended; NAB scores
 * every row in file order). Files joined into one node must have increasing
 * times, since rows are matched by time. Times that all stay below 10^8 s
 * (elapsed seconds, or a counter 1, 2, 3 read as seconds) are kept and
 * shown as elapsed time, as a generic CSV file's. The
 * series remembers its key in combined_windows.json ("dir/file.csv") and
 * where that labels file is, when it can be found next to the data (the NAB
 * repository layout: data/DIR/FILE.csv with labels/combined_windows.json). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "data/series.h"
#include "data/series_internal.h"

/* "parentdir/file.csv" of a path (just the file if it has no parent). */
static char *nab_key_of(const char *path)
{
	char *copy = strdup(path);
	if (!copy)
		return NULL;
	size_t l = strlen(copy);
	while (l > 1 && copy[l - 1] == '/')
		copy[--l] = '\0';
	char *last = strrchr(copy, '/');
	char *key;
	if (!last) {
		key = strdup(copy);
	} else {
		*last = '\0';
		char *prev = strrchr(copy, '/');
		const char *dir = prev ? prev + 1 : copy;
		size_t n = strlen(dir) + strlen(last + 1) + 2;
		key = malloc(n);
		if (key)
			snprintf(key, n, "%s/%s", dir, last + 1);
	}
	free(copy);
	return key;
}

/* combined_windows.json in the file's grandparent, its labels/ folder, or
 * the labels/ folder next to it (the NAB repository layout). */
static char *find_windows(const char *path)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	static const char *const rel[] = {
		"/../combined_windows.json",
		"/../labels/combined_windows.json",
		"/../../labels/combined_windows.json",
	};
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		char p[4200];
		snprintf(p, sizeof(p), "%s%s", dir, rel[i]);
		if (series_file_present(p)) {
			char *r = realpath(p, NULL);
			return r ? r : strdup(p);
		}
	}
	return NULL;
}

static char *metric_name_of(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t l = strlen(base);
	if (l > 4 && !strcmp(base + l - 4, ".csv"))
		l -= 4;
	return strndup(base, l);
}

/* Joins keys of all files with ','. */
static char *join_keys(const char *const *paths, size_t n)
{
	size_t total = 1;
	char **keys = calloc(n, sizeof(char *));
	if (!keys)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		keys[i] = nab_key_of(paths[i]);
		total += keys[i] ? strlen(keys[i]) + 1 : 0;
	}
	char *out = malloc(total);
	if (out) {
		out[0] = '\0';
		for (size_t i = 0; i < n; i++)
			if (keys[i]) {
				if (out[0])
					strcat(out, ",");
				strcat(out, keys[i]);
			}
	}
	for (size_t i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
	return out;
}

static char *join_paths(const char *const *paths, size_t n)
{
	size_t total = 1;
	for (size_t i = 0; i < n; i++)
		total += strlen(paths[i]) + 1;
	char *out = malloc(total);
	if (out) {
		out[0] = '\0';
		for (size_t i = 0; i < n; i++) {
			if (i)
				strcat(out, ",");
			strcat(out, paths[i]);
		}
	}
	return out;
}

Status series_load_nab(Series *s, const char *const *paths, size_t n,
		       const SeriesOptions *opt, ErrorRecord *err)
{
	error_clear(err);
	series_init(s);
	if (n == 0)
		return error_set(err, STATUS_USAGE, NULL, 0, 0,
				 "no NAB files given");
	Series *parts = calloc(n, sizeof(Series));
	size_t *pos = calloc(n, sizeof(size_t));
	Series out;
	series_init(&out);
	Status st = STATUS_OK;
	if (!parts || !pos) {
		st = error_set(err, STATUS_NOMEM, paths[0], 0, 0,
			       "out of memory");
		goto done;
	}
	size_t metrics = 0;
	for (size_t i = 0; i < n; i++) {
		SeriesOptions o = opt ? *opt : (SeriesOptions){0};
		o.split_rows = 0; /* the split applies to the merged rows */
		o.train_fraction = 0;
		if (n > 1) /* files joined: no one file to read on */
			o.cursor = NULL;
		/* KEEP_TIME: a NAB file's times are its rows' times even
		   when they count 1, 2, 3 (NAB scores rows by time) */
		if ((st = series_load_csv_flags(&parts[i], paths[i], &o,
						SERIES_CSV_REPEATS |
							SERIES_CSV_KEEP_TIME,
						err)))
			goto done;
		if (!parts[i].timestamps) {
			st = error_set(err, STATUS_FORMAT, paths[i], 1, 1,
				       "a NAB file needs a timestamp column");
			goto done;
		}
		metrics += parts[i].metrics;
	}
	/* Rows: timestamps present in every file, which must then increase. */
	for (size_t i = 0; n > 1 && i < n; i++)
		for (size_t r = 1; r < parts[i].rows; r++)
			if (parts[i].timestamps[r] <= parts[i].timestamps[r - 1]) {
				st = error_set(err, STATUS_PARSE, paths[i],
					       (long)r + 2, 1,
					       "timestamp does not increase: "
					       "files with repeated or "
					       "backward times cannot be "
					       "joined into one node");
				goto done;
			}
	size_t cap = parts[0].rows, rows = 0;
	int64_t *common = malloc(cap * sizeof(int64_t));
	if (!common) {
		st = error_set(err, STATUS_NOMEM, paths[0], 0, 0,
			       "out of memory");
		goto done;
	}
	size_t **rowmap = calloc(n, sizeof(size_t *));
	int ok = rowmap != NULL;
	for (size_t i = 0; ok && i < n; i++)
		ok = (rowmap[i] = malloc(cap * sizeof(size_t))) != NULL;
	if (!ok) {
		free(common);
		if (rowmap)
			for (size_t i = 0; i < n; i++)
				free(rowmap[i]);
		free(rowmap);
		st = error_set(err, STATUS_NOMEM, paths[0], 0, 0,
			       "out of memory");
		goto done;
	}
	for (size_t r0 = 0; r0 < parts[0].rows; r0++) {
		int64_t t = parts[0].timestamps[r0];
		int all = 1;
		for (size_t i = 1; i < n && all; i++) {
			while (pos[i] < parts[i].rows &&
			       parts[i].timestamps[pos[i]] < t)
				pos[i]++;
			all = pos[i] < parts[i].rows &&
			      parts[i].timestamps[pos[i]] == t;
		}
		if (!all)
			continue;
		common[rows] = t;
		rowmap[0][rows] = r0;
		for (size_t i = 1; i < n; i++)
			rowmap[i][rows] = pos[i];
		rows++;
	}
	if (rows == 0) {
		st = error_set(err, STATUS_MISMATCH, paths[n - 1], 0, 0,
			       "no timestamp common to all %zu files: they "
			       "cannot be one node",
			       n);
	} else if ((st = series_alloc(&out, rows, metrics, err)) ==
		   STATUS_OK &&
		   !(out.first_value = calloc(metrics, sizeof(size_t)))) {
		st = error_set(err, STATUS_NOMEM, paths[0], 0, 0,
			       "out of memory");
	} else if (st == STATUS_OK) {
		size_t m = 0;
		for (size_t i = 0; i < n; i++)
			for (size_t j = 0; j < parts[i].metrics; j++, m++) {
				float *dst = out.values + m * rows;
				const float *src = series_column(&parts[i], j);
				for (size_t r = 0; r < rows; r++)
					dst[r] = src[rowmap[i][r]];
				/* the first joined row at or after the
				   file's first value (the rows before it
				   were back-filled) */
				size_t fv = parts[i].first_value
						    ? parts[i].first_value[j]
						    : 0,
				       r1 = 0;
				while (r1 < rows && rowmap[i][r1] < fv)
					r1++;
				out.first_value[m] = r1;
				char *name =
					parts[i].metrics == 1
						? metric_name_of(paths[i])
						: strdup(parts[i].names[j]);
				if (name) {
					free(out.names[m]);
					out.names[m] = name;
				}
			}
		out.timestamps = common;
		common = NULL;
		/* a file named `*.csv`: `*` is the node level's name */
		if (series_star_names(out.names, metrics))
			st = error_set(err, STATUS_NOMEM, paths[0], 0, 0,
				       "out of memory");
	}
	free(common);
	for (size_t i = 0; i < n; i++)
		free(rowmap[i]);
	free(rowmap);
	if (st != STATUS_OK)
		goto done;
	out.kind = SERIES_NAB;
	/* Times below 10^8 s (a step counter included) count from a start,
	   as in a generic CSV file: shown as elapsed time, not as dates in
	   January 1970 (NAB result files still write them as dates) */
	out.time_elapsed = 1;
	for (size_t i = 0; i < n; i++) {
		out.filled += parts[i].filled;
		if (!parts[i].time_elapsed && !parts[i].time_counter)
			out.time_elapsed = 0;
	}
	out.interval = series_median_step(out.timestamps, rows,
					  parts[0].interval);
	out.path = n == 1 ? strdup(paths[0]) : join_paths(paths, n);
	out.nab_key = join_keys(paths, n);
	out.label_path = find_windows(paths[0]);
	if (!out.path || !out.nab_key) {
		st = error_set(err, STATUS_NOMEM, paths[0], 0, 0,
			       "out of memory");
		goto done;
	}
	st = series_apply_split(&out, opt, err);
done:
	if (parts)
		for (size_t i = 0; i < n; i++)
			series_free(&parts[i]);
	free(parts);
	free(pos);
	if (st != STATUS_OK) {
		series_free(&out);
		return st;
	}
	*s = out;
	return STATUS_OK;
}
