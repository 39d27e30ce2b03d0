/* The CSV loader as it was before the streaming one (data/csv.c at commit
 * c877ff9): the whole file read, tokenised by libcsv into a table of
 * strings, then interpreted. Kept, header-only like testutil.h, as the
 * oracle of tests/test_data_csv_stream.c: the streaming loader must give
 * the same series, and the same error (status, line, column, message), on
 * every input. Its one public function is oracle_load_csv_flags. */
#ifndef VIGIL_CSV_ORACLE_H
#define VIGIL_CSV_ORACLE_H

#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "data/fileio.h"
#include "data/series.h"
#include "data/series_internal.h"

typedef struct {
	size_t first;   /* index of the row's first cell */
	size_t nfields; /* cells in the row */
	long line;      /* physical line where the row starts (1-based) */
} CsvRow;

typedef struct {
	char *arena; /* cell texts, each NUL-terminated */
	size_t alen, acap;
	size_t *cell; /* offsets into arena */
	size_t ncell, ccap;
	CsvRow *row;
	size_t nrow, rcap;
	long cur_line;  /* the physical line being fed */
	long row_line;  /* start line of the row being built (0: none yet) */
	size_t row_first;
	int nomem;
	long nul_line, nul_field; /* the first cell holding a NUL byte */
} CsvTable;

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t c = *cap ? *cap : 64;
	while (c < need)
		c = c > SIZE_MAX / 2 ? need : 2 * c;
	if (c > SIZE_MAX / elem)
		return -1;
	void *q = realloc(*p, c * elem);
	if (!q)
		return -1;
	*p = q;
	*cap = c;
	return 0;
}

static void on_field(void *s, size_t len, void *data)
{
	CsvTable *t = data;
	if (t->nomem)
		return;
	if (t->row_line == 0) {
		t->row_line = t->cur_line;
		t->row_first = t->ncell;
	}
	if (len && !t->nul_line && memchr(s, '\0', len)) {
		t->nul_line = t->cur_line;
		t->nul_field = (long)(t->ncell - t->row_first) + 1;
	}
	if (grow((void **)&t->arena, &t->acap, t->alen + len + 1, 1) ||
	    grow((void **)&t->cell, &t->ccap, t->ncell + 1, sizeof(size_t))) {
		t->nomem = 1;
		return;
	}
	if (len)
		memcpy(t->arena + t->alen, s, len);
	t->arena[t->alen + len] = '\0';
	t->cell[t->ncell++] = t->alen;
	t->alen += len + 1;
}

static void on_row(int c, void *data)
{
	(void)c;
	CsvTable *t = data;
	if (t->nomem)
		return;
	if (t->row_line == 0) /* a row without fields */
		return;
	if (grow((void **)&t->row, &t->rcap, t->nrow + 1, sizeof(CsvRow))) {
		t->nomem = 1;
		return;
	}
	t->row[t->nrow].first = t->row_first;
	t->row[t->nrow].nfields = t->ncell - t->row_first;
	t->row[t->nrow].line = t->row_line;
	t->nrow++;
	t->row_line = 0;
}

static void table_free(CsvTable *t)
{
	free(t->arena);
	free(t->cell);
	free(t->row);
	memset(t, 0, sizeof(*t));
}

static const char *cell_text(const CsvTable *t, size_t r, size_t f)
{
	return t->arena + t->cell[t->row[r].first + f];
}

/* Tokenises text into t, feeding libcsv one physical line at a time. */
static Status tokenise(const char *path, const char *text, size_t len,
		       CsvTable *t, ErrorRecord *err)
{
	struct csv_parser p;
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL))
		return error_set(err, STATUS_NOMEM, path, 0, 0,
				 "cannot start the CSV parser");
	size_t pos = 0;
	t->cur_line = 1;
	/* cells take at most the text plus a NUL each: reserve that once */
	if (grow((void **)&t->arena, &t->acap, len + len / 2 + 64, 1))
		return error_set(err, STATUS_NOMEM, path, 0, 0,
				 "out of memory reading the file");
	Status st = STATUS_OK;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) + 1 : len;
		size_t chunk = end - pos;
		if (csv_parse(&p, text + pos, chunk, on_field, on_row, t) !=
		    chunk) {
			size_t f = t->row_line ? t->ncell - t->row_first : 0;
			st = error_set(err, STATUS_PARSE, path, t->cur_line,
				       (long)f + 1,
				       "malformed quoted field (%s)",
				       csv_strerror(csv_error(&p)));
			goto done;
		}
		if (t->nomem)
			break;
		pos = end;
		if (nl)
			t->cur_line++;
	}
	if (!t->nomem &&
	    csv_fini(&p, on_field, on_row, t) != 0) {
		size_t f = t->row_line ? t->ncell - t->row_first : 0;
		long line = t->row_line ? t->row_line : t->cur_line;
		st = error_set(err, STATUS_PARSE, path, line, (long)f + 1,
			       "a quoted field is never closed (%s)",
			       csv_strerror(csv_error(&p)));
	}
	if (t->nomem)
		st = error_set(err, STATUS_NOMEM, path, 0, 0,
			       "out of memory reading the file");
	else if (!st && t->nul_line)
		st = error_set(err, STATUS_PARSE, path, t->nul_line,
			       t->nul_field,
			       "a NUL byte inside a field: expected text "
			       "(is this a binary file?)");
done:
	csv_free(&p);
	return st;
}

/* ---- cell classification ------------------------------------------------ */

typedef enum { CELL_MISSING, CELL_NUMBER, CELL_DATE, CELL_TEXT } CellKind;

static const char *trim(const char *s, size_t *len)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	*len = n;
	return s;
}

static int is_missing(const char *s, size_t n)
{
	return n == 0 || (n == 3 && !strncasecmp(s, "nan", 3)) ||
	       (n == 4 && !strncasecmp(s, "null", 4)) ||
	       (n == 2 && !strncasecmp(s, "na", 2)) ||
	       (n == 3 && !strncasecmp(s, "n/a", 3));
}

/* Strict decimal number: [+-]digits[.digits][(e|E)[+-]digits]. */
static int parse_number(const char *s, size_t n, float *out)
{
	size_t i = 0, nd = 0;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	while (i < n && isdigit((unsigned char)s[i]))
		i++, nd++;
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && isdigit((unsigned char)s[i]))
			i++, nd++;
	}
	if (nd == 0)
		return -1;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		size_t ed = 0;
		while (i < n && isdigit((unsigned char)s[i]))
			i++, ed++;
		if (ed == 0)
			return -1;
	}
	if (i != n)
		return -1;
	char buf[128];
	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	float v;
	series_smd_parse_float(buf, &v); /* strtof's value */
	if (!isfinite(v))
		return -1;
	*out = v;
	return 0;
}

static int is_date_form(const char *s, size_t n)
{
	char buf[64];
	int64_t t;
	if (n < 10 || n >= sizeof(buf) || !isdigit((unsigned char)s[0]) ||
	    s[4] != '-')
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return series_parse_time(buf, &t) == 0;
}

static CellKind classify(const char *text)
{
	size_t n;
	const char *s = trim(text, &n);
	float v;
	if (is_missing(s, n))
		return CELL_MISSING;
	if (parse_number(s, n, &v) == 0)
		return CELL_NUMBER;
	if (is_date_form(s, n))
		return CELL_DATE;
	return CELL_TEXT;
}

/* Digits only (blanks around): how many, else 0. */
static size_t digit_count(const char *text)
{
	size_t n;
	const char *s = trim(text, &n);
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return n;
}

/* An integer of 9 or 10 digits: epoch seconds between 1973 and 2286. */
static int looks_epoch(const char *text)
{
	size_t n = digit_count(text);
	return n >= 9 && n <= 10;
}

/* An integer of 13 digits: epoch milliseconds. */
static int looks_epoch_ms(const char *text)
{
	return digit_count(text) == 13;
}

/* Quote a cell for a message, shortened if long. */
static const char *quoted(const char *text, char *buf, size_t n)
{
	size_t l = strlen(text);
	if (l + 1 <= n)
		snprintf(buf, n, "%s", text);
	else
		snprintf(buf, n, "%.*s...", (int)(n > 4 ? n - 4 : 0), text);
	return buf;
}

/* Whether row tr's field f is one word of text, with a letter or digit in
 * it, that another of the file's first four rows (the header, when there
 * is one, left out) repeats in that field, when tr is one of those rows
 * and none of the others has a number there: a long-format file's key. */
static int repeated_id(const CsvTable *t, int header, size_t tr, size_t f)
{
	enum { FIRST_ROWS = 4 };
	size_t n;
	const char *c = trim(cell_text(t, tr, f), &n);
	if (tr >= FIRST_ROWS || !series_id_word(c, n))
		return 0;
	int repeated = 0;
	for (size_t r = header ? 1 : 0; r < FIRST_ROWS && r < t->nrow; r++) {
		size_t on;
		float v;
		if (r == tr || t->row[r].nfields <= f)
			continue;
		const char *oc = trim(cell_text(t, r, f), &on);
		if (!parse_number(oc, on, &v))
			return 0;
		if (on == n && !memcmp(oc, c, n))
			repeated = 1;
	}
	return repeated;
}

/* ---- interpretation -------------------------------------------------- */

/* vigil's label CSV for a data file: FILE.labels.csv (FILE without .csv),
 * else labels.csv in the same folder (what `vigil synth` writes). */
static char *labels_next_to(const char *path)
{
	size_t l = strlen(path);
	size_t stem = l > 4 && !strcmp(path + l - 4, ".csv") ? l - 4 : l;
	char *p = malloc(l + 16);
	if (!p)
		return NULL;
	snprintf(p, l + 16, "%.*s.labels.csv", (int)stem, path);
	if (series_file_present(p) && strcmp(p, path))
		return p;
	const char *slash = strrchr(path, '/');
	size_t dl = slash ? (size_t)(slash - path) + 1 : 0;
	/* not the labels.csv of a train.csv/test.csv folder (its rows are
	   those of the two files joined) for one of those files */
	const char *base = path + dl;
	char dir[4096];
	snprintf(dir, sizeof(dir), "%.*s", dl ? (int)dl : 1, dl ? path : ".");
	if ((!strcmp(base, "train.csv") || !strcmp(base, "test.csv")) &&
	    series_is_psm_dir(dir)) {
		free(p);
		return NULL;
	}
	snprintf(p, l + 16, "%.*slabels.csv", (int)dl, path);
	if (series_file_present(p) && strcmp(p, path))
		return p;
	free(p);
	return NULL;
}

/* pandas' default column names 0, 1, ... (after an empty cell). */
static int pandas_names(const CsvTable *t, size_t r, size_t ncols)
{
	size_t n;
	const char *c = trim(cell_text(t, r, 0), &n);
	size_t start = n == 0;
	if (ncols < 2 || t->row[r].nfields < ncols)
		return 0;
	for (size_t f = start; f < ncols; f++) {
		c = trim(cell_text(t, r, f), &n);
		if (!series_cell_is(c, n, f - start))
			return 0;
	}
	return 1;
}

static Status interpret(const char *path, const CsvTable *t,
			const SeriesOptions *opt, unsigned flags, Series *s,
			ErrorRecord *err)
{
	char q[96];
	if (t->nrow == 0)
		return error_set(err, STATUS_EMPTY, path, 1, 1,
				 "the file is empty: expected rows of "
				 "comma-separated values");
	size_t ncols = t->row[0].nfields;
	int header = 0, any_text = 0, any_value = 0;
	for (size_t f = 0; f < ncols; f++) {
		CellKind k = classify(cell_text(t, 0, f));
		any_text |= k == CELL_TEXT;
		any_value |= k == CELL_NUMBER || k == CELL_DATE;
	}
	int frac = 0;
	for (size_t f = 0; t->nrow >= 2 && f < t->row[1].nfields; f++) {
		const char *c = cell_text(t, 1, f);
		frac |= series_has_fraction(c, strlen(c));
	}
	header = (any_text && !any_value) ||
		 (t->nrow >= 2 && pandas_names(t, 0, ncols) && frac);
	size_t first = header ? 1 : 0;
	char sep = ncols == 1 ? series_other_separator(cell_text(t, 0, 0)) : 0;
	for (size_t r = 0; r < t->nrow; r++) {
		size_t nf = t->row[r].nfields;
		if (nf != ncols)
			return error_set(
				err, STATUS_PARSE, path, t->row[r].line,
				(long)(nf < ncols ? nf : ncols) + 1,
				"expected %zu fields as on line %ld, found "
				"%zu%s",
				ncols, t->row[0].line, nf,
				sep == '\t' ? " (the first line is one field "
					      "with tabs in it: is the file "
					      "separated by tabs? expected "
					      "commas)"
				: sep	     ? " (the first line is one field "
					       "with ';' in it: is the file "
					       "separated by semicolons? "
					       "expected commas)"
					     : "");
	}
	if (t->nrow == first)
		return error_set(err, STATUS_EMPTY, path, t->row[0].line + 1, 1,
				 "a header but no data rows: expected rows of "
				 "values after line %ld",
				 t->row[0].line);
	size_t rows = t->nrow - first;
	if (ncols == 1) {
		size_t n, r = 0;
		const char *c = trim(cell_text(t, 0, 0), &n);
		size_t k = series_blank_separated(c, n);
		if (!k) {
			r = first;
			c = trim(cell_text(t, r, 0), &n);
			k = series_blank_separated(c, n);
		}
		if (k)
			return error_set(err, STATUS_PARSE, path,
					 t->row[r].line, 1,
					 "%zu numbers separated by spaces or "
					 "tabs: expected comma-separated values "
					 "(numpy.savetxt writes spaces unless "
					 "given delimiter=',')",
					 k);
	}

	if (ncols == 1 && sep &&
	    (!header || series_other_separator(cell_text(t, first, 0)) == sep))
		return error_set(err, STATUS_PARSE, path, t->row[0].line, 1,
				 "one field with %s in it: the file looks "
				 "separated by %s; expected comma-separated "
				 "values",
				 sep == '\t' ? "tabs" : "';'",
				 sep == '\t' ? "tabs" : "semicolons");

	/* The time column: by header name, else by content. */
	long tcol = -1;
	double tunit = 0; /* the name rule is the loader's own */
	if (header)
		for (size_t f = 0; f < ncols && tcol < 0; f++)
			if (series_time_name(cell_text(t, 0, f), &tunit))
				tcol = (long)f;
	if (tcol < 0)
		for (size_t f = 0; f < ncols && tcol < 0; f++)
			if (classify(cell_text(t, first, f)) == CELL_DATE)
				tcol = (long)f;
	size_t hn = 0;
	const char *h0 = header ? trim(cell_text(t, 0, 0), &hn) : "";
	int t_name = hn == 1 && (*h0 == 't' || *h0 == 'T');
	if (tcol < 0 && ncols > 1 && (!header || hn == 0 || t_name)) {
		int ms = looks_epoch_ms(cell_text(t, first, 0));
		int ok = ms || looks_epoch(cell_text(t, first, 0));
		for (size_t r = first; ok && r < t->nrow && r < first + 3; r++)
			ok &= ms ? looks_epoch_ms(cell_text(t, r, 0))
				 : looks_epoch(cell_text(t, r, 0));
		if (ok)
			tcol = 0;
	}
	/* an unnamed first column 0, 1, 2, ...: pandas' index, a counter */
	if (tcol < 0 && header && ncols > 1 && hn == 0) {
		int ok = 1;
		for (size_t r = first; ok && r < t->nrow && r < first + 3; r++) {
			size_t n;
			const char *c = trim(cell_text(t, r, 0), &n);
			ok = series_cell_is(c, n, r - first);
		}
		if (ok)
			tcol = 0;
	}
	/* plain numbers: 13 digits are milliseconds; small ones a counter */
	int tnumber = 0;
	if (tcol >= 0 && tunit == 0 &&
	    classify(cell_text(t, first, (size_t)tcol)) == CELL_NUMBER) {
		if (looks_epoch_ms(cell_text(t, first, (size_t)tcol)))
			tunit = 1e-3;
		else
			tnumber = 1;
	}
	/* a nameless last field empty on every line is no column */
	size_t ln = 0;
	if (header)
		trim(cell_text(t, 0, ncols - 1), &ln);
	int drop_last = ncols > 1 && (long)ncols - 1 != tcol && ln == 0 &&
			ncols - (tcol >= 0) > 1;
	for (size_t r = first; drop_last && r < t->nrow; r++) {
		size_t n;
		const char *c = trim(cell_text(t, r, ncols - 1), &n);
		drop_last = is_missing(c, n);
	}
	size_t used = ncols - (size_t)drop_last;
	size_t metrics = used - (tcol >= 0);
	if (metrics == 0)
		return error_set(err, STATUS_EMPTY, path, t->row[0].line,
				 (long)ncols + 1,
				 "only a time column: expected at least one "
				 "metric column");

	Status st = series_alloc(s, rows, metrics, err);
	if (st != STATUS_OK)
		return st;
	s->kind = SERIES_CSV;
	if (header) {
		size_t m = 0;
		for (size_t f = 0; f < used; f++) {
			if ((long)f == tcol)
				continue;
			size_t n;
			const char *name = trim(cell_text(t, 0, f), &n);
			if (n) {
				char *d = strndup(name, n);
				if (!d)
					return error_set(err, STATUS_NOMEM,
							 path, 0, 0,
							 "out of memory");
				free(s->names[m]);
				s->names[m] = d;
			}
			m++;
		}
	}
	if (series_unique_names(s->names, metrics))
		return error_set(err, STATUS_NOMEM, path, 0, 0, "out of memory");
	if (tcol >= 0 && !(s->timestamps = malloc(rows * sizeof(int64_t))))
		return error_set(err, STATUS_NOMEM, path, 0, 0, "out of memory");

	for (size_t r = 0; r < rows; r++) {
		size_t tr = r + first;
		long line = t->row[tr].line;
		size_t m = 0;
		for (size_t f = 0; f < used; f++) {
			const char *text = cell_text(t, tr, f);
			size_t n;
			const char *c = trim(text, &n);
			if ((long)f == tcol) {
				char buf[64];
				int64_t ts;
				if (n == 0 || n >= sizeof(buf))
					ts = 0, n = 0;
				else {
					memcpy(buf, c, n);
					buf[n] = '\0';
				}
				if (n == 0 || series_parse_time_in(buf, tunit, &ts))
					return error_set(
						err, STATUS_PARSE, path, line,
						(long)f + 1,
						"expected a timestamp "
						"(YYYY-MM-DD HH:MM:SS, "
						"YYYY-MM-DDTHH:MM:SSZ or epoch "
						"seconds), found '%s'",
						quoted(text, q, sizeof(q)));
				int repeat_ok = (flags & SERIES_CSV_REPEATS) &&
						r > 0;
				if (r > 0 && ts <= s->timestamps[r - 1] &&
				    !repeat_ok) {
					char a[32], b[32];
					series_time_cell_string(ts, tunit,
								tnumber, a,
								sizeof(a));
					series_time_cell_string(
						s->timestamps[r - 1], tunit,
						tnumber, b, sizeof(b));
					int fine = ts == s->timestamps[r - 1] &&
						   ((tunit > 0 && tunit < 1) ||
						    strchr(buf, '.'));
					return error_set(
						err, STATUS_PARSE, path, line,
						(long)f + 1,
						"timestamp %s %s: line %ld has "
						"%s%s; expected increasing times",
						a,
						ts == s->timestamps[r - 1]
							? "repeats"
							: "goes backwards",
						t->row[tr - 1].line, b,
						fine ? " (vigil keeps times to "
						       "the whole second: "
						       "samples less than a "
						       "second apart fall in "
						       "the same one)"
						     : "");
				}
				s->timestamps[r] = ts;
				continue;
			}
			float v;
			if (is_missing(c, n))
				v = NAN;
			else if (parse_number(c, n, &v) &&
				 !(series_label_name(s->names[m]) &&
				   series_bool_cell(c, n, &v)) &&
				 repeated_id(t, header, tr, f)) {
				char how[400];
				series_long_format_advice(how, sizeof(how),
							  path, f + 1);
				return error_set(
					err, STATUS_PARSE, path, line,
					(long)f + 1,
					"expected a number in column '%s', "
					"found '%s', %s",
					s->names[m], quoted(text, q, 40), how);
			} else if (parse_number(c, n, &v) &&
				 !(series_label_name(s->names[m]) &&
				   series_bool_cell(c, n, &v)))
				return error_set(
					err, STATUS_PARSE, path, line,
					(long)f + 1,
					"expected a number in column '%s', "
					"found '%s'%s",
					s->names[m], quoted(text, q, sizeof(q)),
					series_range_note(c, n));
			s->values[m * rows + r] = v;
			m++;
		}
	}

	/* Fill missing cells: forward, and back-fill a leading gap; not
	   those of the label column series_csv_layout takes out below. */
	size_t lab = series_csv_label_index(s->names, s->values, rows, metrics,
					    flags);
	for (size_t m = 0; m < metrics; m++) {
		if (m == lab)
			continue;
		float *x = s->values + m * rows;
		size_t r0 = 0;
		while (r0 < rows && isnan(x[r0]))
			r0++;
		if (r0 == rows)
			return error_set(err, STATUS_EMPTY, path,
					 t->row[first].line,
					 (long)(m + (tcol >= 0 &&
						     (long)m >= tcol)) + 1,
					 "column '%s' has no values at all",
					 s->names[m]);
		for (size_t r = 0; r < r0; r++)
			x[r] = x[r0];
		s->filled += r0;
		for (size_t r = r0 + 1; r < rows; r++)
			if (isnan(x[r])) {
				x[r] = x[r - 1];
				s->filled++;
			}
	}
	/* below 10^8 s: a step counter (index axis) or elapsed time */
	if ((tnumber || tunit > 0) && rows &&
	    s->timestamps[rows - 1] < 100000000) {
		if (tnumber && series_median_step(s->timestamps, rows, 1) == 1) {
			if (!(flags & SERIES_CSV_KEEP_TIME)) {
				free(s->timestamps);
				s->timestamps = NULL;
			}
			s->time_counter = 1;
		} else {
			s->time_elapsed = 1;
		}
	}
	int64_t fallback = opt && opt->interval > 0 ? opt->interval : 60;
	s->interval = s->timestamps && !s->time_counter
			      ? series_median_step(s->timestamps, rows, fallback)
			      : fallback;
	series_csv_layout(s, flags);
	if (!(s->path = strdup(path)))
		return error_set(err, STATUS_NOMEM, path, 0, 0, "out of memory");
	s->label_path = labels_next_to(path);
	return series_apply_split(s, opt, err);
}

static Status oracle_load_csv_flags(Series *s, const char *path,
				    const SeriesOptions *opt, unsigned flags,
				    ErrorRecord *err)
{
	error_clear(err);
	series_init(s);
	char *text = NULL;
	size_t len = 0;
	Status st = fileio_slurp(path, &text, &len, err);
	if (st != STATUS_OK)
		return st;
	const char *body = text;
	if (len >= 3 && (unsigned char)text[0] == 0xEF &&
	    (unsigned char)text[1] == 0xBB && (unsigned char)text[2] == 0xBF) {
		body += 3;
		len -= 3;
	}
	CsvTable t;
	memset(&t, 0, sizeof(t));
	st = tokenise(path, body, len, &t, err);
	free(text);
	Series tmp;
	series_init(&tmp);
	if (st == STATUS_OK)
		st = interpret(path, &t, opt, flags, &tmp, err);
	table_free(&t);
	if (st != STATUS_OK) {
		series_free(&tmp);
		return st;
	}
	*s = tmp;
	return STATUS_OK;
}

#endif
