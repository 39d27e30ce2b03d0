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
/* SERIES_CSV_KEEP_LABELS keeps a label column (series_label_name, all 0
 * and 1) among the metrics instead of taking it out as s->label_column. */
#define SERIES_CSV_KEEP_LABELS 2u
/* SERIES_CSV_KEEP_TIME keeps a step counter's numbers in s->timestamps
 * (time_counter still set) for a caller that compares them and drops them
 * (data/psm.c). */
#define SERIES_CSV_KEEP_TIME 4u
/* SERIES_CSV_NO_FILL leaves missing cells NaN (a column may have none at
 * all) for a caller that joins the file to another and fills the whole
 * (data/psm.c). */
#define SERIES_CSV_NO_FILL 8u
/* SERIES_CSV_LABEL_BITS: every cell of the first column named as labels
 * (series_label_name) must be 0 or 1 (`1.0`, `True` and `False` too); any
 * other, an empty or missing one included, is an error naming its line
 * and column (series_load_csv_labels, for the label format `column`). */
#define SERIES_CSV_LABEL_BITS 16u
Status series_load_csv_flags(Series *s, const char *path,
			     const SeriesOptions *opt, unsigned flags,
			     ErrorRecord *err);

/* Nonzero when something is at path: a file, a folder, a FIFO, a device.
 * A label file looked for beside the data is taken when present, so that
 * reading it says what it is when it is not a regular file (fileio.h). */
int series_file_present(const char *path);

/* Nonzero when a header cell names the time column: `timestamp`,
 * `timestamps`, `time`, `date`, `ts`, `datetime` or `epoch` (any case),
 * alone or followed by a
 * unit, as in `timestamp_(min)`, `time [s]` or `epoch_ms`. *unit is the
 * seconds one unit stands for, 0 for none (also `(UTC)`): plain epoch
 * seconds, or a step counter (data/csv.c). */
int series_time_name(const char *text, double *unit);

/* A time read from a time column, for a message: a date, or when the
 * column holds numbers (unit > 0, or plain numbers: number) and t stays
 * below 10^8 s, elapsed time (with a unit) or the number itself (a step
 * counter), as the loaders show such columns; into buf. */
void series_time_cell_string(int64_t t, double unit, int number, char *buf,
			     size_t n);

/* A time cell: a number of `unit` seconds when unit > 0 and the cell is a
 * plain number (fractions kept), else series_parse_time's forms. 0 or
 * -1. */
int series_parse_time_in(const char *text, double unit, int64_t *out);

/* Applied to a loaded CSV file by the loader and the test oracle: unless
 * SERIES_CSV_KEEP_LABELS, the first column named as labels
 * (series_label_name) that holds only 0 and 1 is taken out of the metrics
 * into s->label_column. */
void series_csv_layout(Series *s, unsigned flags);

/* The column series_csv_layout takes out of values (rows x metrics,
 * column-major; missing cells may still be NaN), or metrics when it takes
 * none. */
size_t series_csv_label_index(char *const *names, const float *values,
			      size_t rows, size_t metrics, unsigned flags);

/* Nonzero when the n bytes at c are one word that could key a long-format
 * file's series (1-64 bytes, no blank or quote, a letter or digit in it),
 * the rule the loader and the test oracle share. */
int series_id_word(const char *c, size_t n);

/* Nonzero when the cell text s[0..n) (already trimmed) means a missing
 * value: empty, NaN, null, NA or N/A, in any case. */
int series_missing_cell(const char *s, size_t n);

/* Makes the metric names names[0..n) unique as pandas does: a name equal
 * to an earlier one becomes NAME.1, NAME.2, ... (the first suffix no other
 * name has), so per-metric detections and labels name one column. A name
 * `*` is taken by the node level (vigil's label CSV and detections files):
 * it becomes `*.1` (series_star_names). Returns 0, or -1 when out of
 * memory. */
int series_unique_names(char **names, size_t n);

/* Renames a metric named `*`, the node level's name in vigil's label CSV
 * and detections files, to `*.1` (the first `*.k` no name has). 0 or -1
 * when out of memory. */
int series_star_names(char **names, size_t n);

/* A note for a cell s[0..n) (trimmed) that was refused as a number but
 * reads as one outside float's range, as vigil stores values (1e39, -1e39,
 * inf): ", beyond float's range: ..." or ", an infinity: ..." for a
 * message; "" for any other text. File readers refuse such cells with
 * their position; the Prometheus loader takes them as missing, as it takes
 * +Inf. */
const char *series_range_note(const char *s, size_t n);

/* Nonzero when the text s[0..n) holds a character of a number that is
 * not an integer ('.', 'e', 'E'): a row of measurements, not of column
 * numbers. */
int series_has_fraction(const char *s, size_t n);

/* A CSV file's first line read as one field: the separator it seems to
 * use instead of commas, '\t' or ';' (a tab wins), or 0 when it holds
 * neither. */
char series_other_separator(const char *text);

/* Nonzero when the (trimmed) cell s[0..n) is exactly the decimal k, as
 * pandas names the columns of a frame made from an array (0, 1, 2, ...)
 * and numbers its rows. */
int series_cell_is(const char *s, size_t n, size_t k);

/* A cell of a label column written as a boolean (pandas writes True and
 * False): `true` or `false` in any case (trimmed s[0..n)) sets *v to 1 or
 * 0 and returns 1; anything else returns 0. */
int series_bool_cell(const char *s, size_t n, float *v);

/* Fills the NaN cells of column-major values (rows x metrics) from the
 * previous row, a leading gap from the first value, and adds the cells
 * filled to *filled; first (may be NULL: metrics entries) gets each
 * column's first row with a value. Returns the first column that has no
 * value at all (it is left as it is), or metrics when every column has
 * one. */
size_t series_fill_missing(float *values, size_t rows, size_t metrics,
			   size_t *filled, size_t *first);

/* How many numbers the text s[0..n) holds when it is two or more numbers
 * separated by spaces or tabs and nothing else (a row of a file written
 * with blanks between its values, as numpy.savetxt does by default); else
 * 0. */
size_t series_blank_separated(const char *s, size_t n);

/* What a value column's text that the next rows repeat is (the key of a
 * file in long format, several series told apart by it) and how to split
 * the file at path by its field (1-based): one line of advice, an awk
 * command, into buf. */
void series_long_format_advice(char *buf, size_t n, const char *path,
			       size_t field);

/* Parses one decimal float at p (the SMD fast path); returns the end or
 * NULL when p does not start a number. */
const char *series_smd_parse_float(const char *p, float *out);

#endif
