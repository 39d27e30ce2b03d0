/* Helpers shared by the loaders in data/ (not part of the public API). */
#ifndef VIGIL_SERIES_INTERNAL_H
#define VIGIL_SERIES_INTERNAL_H

#include <stdint.h>

#include "data/series.h"

/* Set s->split from opt (--split N, --train F) or to half the rows. */
Status series_apply_split(Series *s, const SeriesOptions *opt,
			  ErrorRecord *err);

/* Median of the steps of t[0..n) (fallback when n < 2 or not positive). */
int64_t series_median_step(const int64_t *t, size_t n, int64_t fallback);

/* Nonzero when path's first line is exactly "timestamp,value". */
int series_is_nab_file(const char *path);

/* series_load_csv with flags: SERIES_CSV_REPEATS keeps rows whose
 * timestamp repeats or goes back from the previous one (NAB's files have
 * such rows where daylight saving time changed; NAB's scorer takes every
 * row, in file order). */
#define SERIES_CSV_REPEATS 1u
Status series_load_csv_flags(Series *s, const char *path,
			     const SeriesOptions *opt, unsigned flags,
			     ErrorRecord *err);

/* Nonzero when path is a regular file. */
int series_file_exists(const char *path);

/* Parses one decimal float at p (the SMD fast path); returns the end or
 * NULL when p does not start a number. */
const char *series_smd_parse_float(const char *p, float *out);

#endif
