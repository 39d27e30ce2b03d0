/* The generic CSV loader (DESIGN section 2), the only user of libcsv.
 *
 * A streaming loader: the file is read twice in 1 MiB chunks, never whole.
 * The first pass counts the line ends, a bound on the rows, so that the
 * second pass can parse straight into column-major floats of that many
 * rows: peak memory is the floats (and timestamps) plus one chunk.
 *
 * The first rows (up to four) go through libcsv into strings and decide the
 * layout: header or not, which column holds the time, every other column a
 * metric. After that a line of plain fields (numbers, missing cells, a
 * timestamp; no quote, NUL or lone CR) is parsed in place by a fast path
 * that splits fields exactly as libcsv does; any other line, and any line
 * the fast path cannot take whole, goes through libcsv one physical line at
 * a time (so every cell knows its line and field number), and its rows are
 * checked and stored by the same code as the first rows.
 *
 * Missing cells (empty, NaN, null, NA) are forward-filled (leading ones
 * back-filled) and counted. Any error names the file, the line and the
 * column (field number, 1-based), and nothing is half-loaded: the caller's
 * Series is only filled on success. When a file has several errors, the
 * one reported is the one the whole-file loader before this one reported:
 * a quoting error first, then a NUL byte, then a row with the wrong number
 * of fields, then the first bad value; so after the first error the rest
 * of the file is still scanned (tokenised and counted, not stored).
 *
 * A file that grows (vigil watch, --follow) is read on from a cursor the
 * load leaves (SeriesCsvCursor): the whole lines after those read go
 * through the same two passes and row code, with the first read's layout,
 * its line numbers and its last row before them (the time order and the
 * forward fill go on from it); the bytes read are hashed as they go, so
 * that a file replaced or rewritten can be told from one only longer. */
#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "data/fastfloat.h"
#include "data/fileio.h"
#include "data/series.h"
#include "data/series_internal.h"

enum { CHUNK = 1 << 20 };

/* libcsv's state between rows (ROW_NOT_BEGUN in libcsv.c): the parser's
 * pstate field, public in csv.h, is this value when no row is begun. */
enum { CSV_ROW_NOT_BEGUN = 0 };

/* The error levels, most important first (see the file comment). */
enum {
	LV_NONE = 0,
	LV_NUL = 1,    /* a NUL byte in a cell */
	LV_FIELDS = 2, /* a row with the wrong number of fields */
	LV_LAYOUT = 3, /* only a time column */
	LV_VALUE = 4,  /* a bad number or timestamp */
};

/* One row of cells from libcsv. */
typedef struct {
	char *arena;  /* cell texts, each NUL-terminated */
	size_t alen, acap;
	size_t *off;  /* offsets of the cells into arena */
	size_t n, ocap;
	long line;    /* physical line where the row starts (0: none yet) */
	int64_t start; /* its byte offset in the file */
} CsvRow;

/* How many rows are kept in strings before the layout is decided: the
 * header and the three first data rows (the epoch-seconds test). */
enum { PRE_ROWS = 4 };

typedef struct {
	const char *path;
	const SeriesOptions *opt;
	unsigned flags;
	struct csv_parser csv;
	long cur_line;          /* the physical line being read (1-based) */
	CsvRow row;             /* the row libcsv is building */
	CsvRow pre[PRE_ROWS];   /* the first rows, until the layout is known */
	size_t npre;
	size_t nrow;            /* rows seen, the header included */
	size_t ncols;           /* fields of the first row */
	long line0;             /* line of the first row */
	char sep;               /* a one-field first row's ';' or tab */
	size_t bound;           /* rows of the file at most (first pass) */

	/* the layout, once decided */
	int ready;
	int header;
	long tcol;              /* the time column, -1 for none */
	double tunit;           /* seconds per unit of a numeric time cell
				   (0: epoch seconds, fraction dropped) */
	int tnumber;            /* the time column holds plain numbers
				   without a unit (epoch seconds, or a
				   step counter: see finish) */
	int blank_last;         /* the last field has no name (no header,
				   or an empty header cell) */
	size_t metrics;
	char **names;           /* owned: metrics strings */
	float *values;          /* owned: metrics x cap, column-major */
	int64_t *ts;            /* owned, may be NULL: cap timestamps */
	size_t cap;             /* rows the columns can hold */
	size_t rows;            /* data rows stored */
	long data_line;         /* line of the first data row */
	long prev_line;         /* line of the previous data row */
	size_t stale;           /* rows left out (skip_stale_times) */
	long stale_line;        /* the line of the last of them */
	size_t lab_m;           /* the label column whose every cell must
				   be 0 or 1 (SERIES_CSV_LABEL_BITS), or
				   metrics for none */
	size_t lab_k;           /* the label column taken out (finish), or
				   metrics for none */
	int64_t last_t;         /* the last row's time as read (finish) */

	/* byte offsets in the file: a read from a cursor starts past 0 */
	int64_t consumed;       /* bytes of the whole lines taken */
	int64_t row_begin;      /* where the row libcsv builds began */
	int64_t last_row;       /* where the last row stored began */
	SeriesHash *hash;       /* NULL, or fed the bytes of the whole lines
				   taken (parse_pass) */

	/* the most important error so far (level), kept while the rest of
	 * the file is scanned; a fatal one (quoting, I/O, memory) stops */
	int level;
	Status pst;
	ErrorRecord pending;
	int fatal;
	Status fst;
	ErrorRecord *err;
} Loader;

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

static void row_free(CsvRow *r)
{
	free(r->arena);
	free(r->off);
	memset(r, 0, sizeof(*r));
}

static const char *row_cell(const CsvRow *r, size_t f)
{
	return r->arena + r->off[f];
}

/* Notes an error of level lv; only the first of the most important level
 * is kept. */
static void note(Loader *L, int lv, Status st, long line, long col,
		 const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void note(Loader *L, int lv, Status st, long line, long col,
		 const char *fmt, ...)
{
	if (L->level != LV_NONE && L->level <= lv)
		return;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	L->level = lv;
	L->pst = error_set(&L->pending, st, L->path, line, col, "%s", msg);
}

/* A fatal error: reading stops. */
static void fail(Loader *L, Status st, long line, long col, const char *fmt,
		 ...) __attribute__((format(printf, 5, 6)));
static void fail(Loader *L, Status st, long line, long col, const char *fmt,
		 ...)
{
	if (L->fatal)
		return;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	L->fatal = 1;
	L->fst = error_set(L->err, st, L->path, line, col, "%s", msg);
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

/* Strict decimal number: [+-]digits[.digits][(e|E)[+-]digits], finite as a
 * float, at most 127 characters. */
static int parse_number(const char *s, size_t n, float *out)
{
	char buf[128];
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	float v;
	const char *end = fastfloat_parse_float(buf, &v);
	if (end != buf + n || !isfinite(v))
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
	if (series_missing_cell(s, n))
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

/* An integer of 13 digits: epoch milliseconds between 2001 and 2286 (as
 * seconds it would be more than 30,000 years away). */
static int looks_epoch_ms(const char *text)
{
	return digit_count(text) == 13;
}

/* A header cell that is exactly `t` (Exathlon's time column): the time
 * column only when its values look like epoch seconds or milliseconds. */
static int is_t_name(const char *text)
{
	size_t n;
	const char *s = trim(text, &n);
	return n == 1 && (*s == 't' || *s == 'T');
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

/* vigil's label CSV for a data file: FILE.labels.csv (FILE without .csv),
 * else labels.csv in the same folder (what `vigil synth` writes). */
void series_labels_csv_path(const char *path, char *buf, size_t n)
{
	size_t l = strlen(path);
	size_t stem = l > 4 && !strcmp(path + l - 4, ".csv") ? l - 4 : l;
	snprintf(buf, n, "%.*s.labels.csv", (int)stem, path);
}

static char *labels_next_to(const char *path, int folder_too)
{
	size_t l = strlen(path);
	char *p = malloc(l + 16);
	if (!p)
		return NULL;
	series_labels_csv_path(path, p, l + 16);
	if (series_file_present(p) && strcmp(p, path))
		return p;
	if (!folder_too) {
		free(p);
		return NULL;
	}
	const char *slash = strrchr(path, '/');
	size_t dl = slash ? (size_t)(slash - path) + 1 : 0;
	/* train.csv or test.csv of a train.csv/test.csv folder: the folder's
	   labels.csv holds rows of the two files joined (data/psm.c), not of
	   this one */
	const char *base = path + dl;
	if (!strcmp(base, "train.csv") || !strcmp(base, "test.csv")) {
		if (dl == 0)
			snprintf(p, l + 16, ".");
		else /* the folder, without its '/' unless it is the root */
			snprintf(p, l + 16, "%.*s", dl > 1 ? (int)dl - 1 : 1,
				 path);
		if (series_is_psm_dir(p)) {
			free(p);
			return NULL;
		}
	}
	snprintf(p, l + 16, "%.*slabels.csv", (int)dl, path);
	if (series_file_present(p) && strcmp(p, path))
		return p;
	free(p);
	return NULL;
}

char *series_csv_label_path(const char *path, int column)
{
	char *p = labels_next_to(path, !column);
	return p || !column ? p : strdup(path);
}

/* ---- rows: checked, kept until the layout is known, stored ------------- */

static void report(const Loader *L, size_t done, size_t total)
{
	if (L->opt && L->opt->progress)
		L->opt->progress(L->opt->progress_ctx, done, total);
}

/* Nonzero when every x[0..n) is missing (NaN). */
static int all_missing(const float *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isnan(x[i]))
			return 0;
	return 1;
}

int series_id_word(const char *c, size_t n)
{
	if (n == 0 || n > 64)
		return 0;
	int alnum = 0;
	for (size_t i = 0; i < n; i++) {
		if (isspace((unsigned char)c[i]) || c[i] == '\'')
			return 0;
		alnum |= isalnum((unsigned char)c[i]) != 0;
	}
	return alnum;
}

/* Nonzero when field f of row holds one word of text that another of the
 * first rows repeats in that field, and none of those rows has a number
 * there: the key of a file in long format (the AIOps KPI files:
 * timestamp,value,label,KPI ID, several series interleaved), not a value.
 * A placeholder repeated in a column of numbers ("-", "None", "#N/A",
 * "timeout") is no key. */
static int repeated_id(const Loader *L, const CsvRow *row, size_t f)
{
	size_t n;
	const char *c = trim(row_cell(row, f), &n);
	if (!series_id_word(c, n))
		return 0;
	int repeated = 0;
	for (size_t r = L->header; r < L->npre; r++) {
		const CsvRow *o = &L->pre[r];
		size_t on;
		float v;
		if (o == row || o->n <= f)
			continue;
		const char *oc = trim(row_cell(o, f), &on);
		if (!parse_number(oc, on, &v))
			return 0;
		if (on == n && !memcmp(oc, c, n))
			repeated = 1;
	}
	return repeated;
}

/* Stores a row of strings as data row L->rows; a bad value is noted (the
 * row is then not counted). */
static void store_row(Loader *L, const CsvRow *row)
{
	char q[96];
	size_t r = L->rows;
	if (r >= L->cap) {
		fail(L, STATUS_IO, row->line, 1,
		     "changed while it was read (more rows than counted)");
		return;
	}
	long line = row->line;
	size_t m = 0;
	for (size_t f = 0; f < L->ncols; f++) {
		const char *text = row_cell(row, f);
		size_t n;
		const char *c = trim(text, &n);
		if ((long)f == L->tcol) {
			char buf[64];
			int64_t ts;
			if (n == 0 || n >= sizeof(buf))
				ts = 0, n = 0;
			else {
				memcpy(buf, c, n);
				buf[n] = '\0';
			}
			if (n == 0 || series_parse_time_in(buf, L->tunit, &ts)) {
				note(L, LV_VALUE, STATUS_PARSE, line, (long)f + 1,
				     "expected a timestamp (YYYY-MM-DD HH:MM:SS, "
				     "YYYY-MM-DDTHH:MM:SSZ or epoch seconds), "
				     "found '%s'",
				     quoted(text, q, sizeof(q)));
				return;
			}
			int repeat_ok = (L->flags & SERIES_CSV_REPEATS) && r > 0;
			if (r > 0 && ts <= L->ts[r - 1] && !repeat_ok &&
			    L->opt && L->opt->skip_stale_times) {
				L->stale++;
				L->stale_line = line;
				return;
			}
			if (r > 0 && ts <= L->ts[r - 1] && !repeat_ok) {
				char a[32], b[32];
				series_time_cell_string(ts, L->tunit, L->tnumber,
							a, sizeof(a));
				series_time_cell_string(L->ts[r - 1], L->tunit,
							L->tnumber, b, sizeof(b));
				/* times are whole seconds: say so when the
				   column is finer (ms, a fraction), where
				   distinct cells can land in one second */
				int fine = ts == L->ts[r - 1] &&
					   ((L->tunit > 0 && L->tunit < 1) ||
					    strchr(buf, '.'));
				note(L, LV_VALUE, STATUS_PARSE, line, (long)f + 1,
				     "timestamp %s %s: line %ld has %s%s; "
				     "expected increasing times",
				     a,
				     ts == L->ts[r - 1] ? "repeats"
							: "goes backwards",
				     L->prev_line, b,
				     fine ? " (vigil keeps times to the whole "
					    "second: samples less than a "
					    "second apart fall in the same "
					    "one)"
					  : "");
				return;
			}
			L->ts[r] = ts;
			continue;
		}
		float v;
		if (series_missing_cell(c, n))
			v = NAN;
		else if (parse_number(c, n, &v) &&
			 !(series_label_name(L->names[m]) &&
			   series_bool_cell(c, n, &v))) {
			if (repeated_id(L, row, f)) {
				char how[400];
				series_long_format_advice(how, sizeof(how),
							  L->path, f + 1);
				note(L, LV_VALUE, STATUS_PARSE, line, (long)f + 1,
				     "expected a number in column '%s', found "
				     "'%s', %s",
				     L->names[m], quoted(text, q, 40), how);
				return;
			}
			note(L, LV_VALUE, STATUS_PARSE, line, (long)f + 1,
			     "expected a number in column '%s', found '%s'%s",
			     L->names[m], quoted(text, q, sizeof(q)),
			     series_range_note(c, n));
			return;
		}
		if (m == L->lab_m && v != 0.0f && v != 1.0f) {
			/* read for its labels: a cell that is not 0 or 1,
			   an empty one included, is refused where it is
			   (it used to be forward-filled from the row
			   above, or reported by its data row only) */
			if (n == 0)
				note(L, LV_VALUE, STATUS_PARSE, line,
				     (long)f + 1,
				     "expected 0 or 1 in label column '%s', "
				     "found an empty cell (a row without a "
				     "label: write 0 for a normal row)",
				     L->names[m]);
			else
				note(L, LV_VALUE, STATUS_PARSE, line,
				     (long)f + 1,
				     "expected 0 or 1 in label column '%s', "
				     "found '%s'",
				     L->names[m], quoted(text, q, sizeof(q)));
			return;
		}
		L->values[m * L->cap + r] = v;
		m++;
	}
	L->rows++;
	L->prev_line = line;
	L->last_row = row->start;
}

/* pandas' default column names, as to_csv writes a frame made from an
 * array: 0, 1, 2, ... (at least two), or an empty cell (the index's) and
 * then 0, 1, ... */
static int pandas_names(const CsvRow *r, size_t ncols)
{
	size_t n;
	const char *c = trim(row_cell(r, 0), &n);
	size_t start = n == 0;
	if (ncols < 2)
		return 0;
	for (size_t f = start; f < ncols; f++) {
		c = trim(row_cell(r, f), &n);
		if (!series_cell_is(c, n, f - start))
			return 0;
	}
	return 1;
}

/* Whether a cell of row r holds a number that is not an integer. */
static int row_has_fraction(const CsvRow *r)
{
	for (size_t f = 0; f < r->n; f++) {
		const char *c = row_cell(r, f);
		if (series_has_fraction(c, strlen(c)))
			return 1;
	}
	return 0;
}

/* Decides the layout from the first rows (all of them when the file has
 * fewer than PRE_ROWS), allocates the columns and stores the data rows
 * kept so far. */
static void setup(Loader *L)
{
	size_t ncols = L->ncols;
	const CsvRow *h = &L->pre[0];
	int any_text = 0, any_value = 0;
	for (size_t f = 0; f < ncols; f++) {
		CellKind k = classify(row_cell(h, f));
		any_text |= k == CELL_TEXT;
		any_value |= k == CELL_NUMBER || k == CELL_DATE;
	}
	int header = (any_text && !any_value) ||
		     (L->npre >= 2 && pandas_names(h, ncols) &&
		      row_has_fraction(&L->pre[1]));
	size_t first = header ? 1 : 0;
	if (L->npre == first) { /* only at the end of the file */
		note(L, LV_LAYOUT, STATUS_EMPTY, L->line0 + 1, 1,
		     "a header but no data rows: expected rows of values "
		     "after line %ld",
		     L->line0);
		return;
	}
	const CsvRow *d = &L->pre[first];
	/* one field of numbers with blanks between them: a file separated by
	   spaces or tabs, not commas */
	if (ncols == 1) {
		const CsvRow *b = h;
		size_t n;
		const char *c = trim(row_cell(h, 0), &n);
		size_t k = series_blank_separated(c, n);
		if (!k) {
			b = d;
			c = trim(row_cell(d, 0), &n);
			k = series_blank_separated(c, n);
		}
		if (k) {
			note(L, LV_LAYOUT, STATUS_PARSE, b->line, 1,
			     "%zu numbers separated by spaces or tabs: expected "
			     "comma-separated values (numpy.savetxt writes "
			     "spaces unless given delimiter=',')",
			     k);
			return;
		}
	}
	/* one field holding tabs or semicolons on the first line and the
	   next: a file separated by them, not by commas */
	if (ncols == 1 && L->sep &&
	    (!header || series_other_separator(row_cell(d, 0)) == L->sep)) {
		note(L, LV_LAYOUT, STATUS_PARSE, L->line0, 1,
		     "one field with %s in it: the file looks separated by "
		     "%s; expected comma-separated values",
		     L->sep == '\t' ? "tabs" : "';'",
		     L->sep == '\t' ? "tabs" : "semicolons");
		return;
	}
	long tcol = -1;
	L->tunit = 0;
	if (header)
		for (size_t f = 0; f < ncols && tcol < 0; f++)
			if (series_time_name(row_cell(h, f), &L->tunit))
				tcol = (long)f;
	if (tcol < 0)
		for (size_t f = 0; f < ncols && tcol < 0; f++)
			if (classify(row_cell(d, f)) == CELL_DATE)
				tcol = (long)f;
	if (tcol < 0 && ncols > 1 &&
	    (!header || !*row_cell(h, 0) || is_t_name(row_cell(h, 0)))) {
		int (*looks)(const char *) =
			looks_epoch(row_cell(d, 0))	 ? looks_epoch
			: looks_epoch_ms(row_cell(d, 0)) ? looks_epoch_ms
							 : NULL;
		int ok = looks != NULL;
		for (size_t r = first; ok && r < L->npre && r < first + 3; r++)
			ok &= looks(row_cell(&L->pre[r], 0));
		if (ok)
			tcol = 0;
	}
	/* an unnamed first column counting 0, 1, 2, ...: the index pandas
	   writes with the data, a step counter (the index axis) */
	size_t h0n = 0;
	if (header)
		trim(row_cell(h, 0), &h0n);
	if (tcol < 0 && header && ncols > 1 && h0n == 0) {
		int ok = 1;
		for (size_t r = first; ok && r < L->npre && r < first + 3;
		     r++) {
			size_t n;
			const char *c = trim(row_cell(&L->pre[r], 0), &n);
			ok = series_cell_is(c, n, r - first);
		}
		if (ok)
			tcol = 0;
	}
	/* A time column of plain numbers without a unit: 13 digits are epoch
	   milliseconds; other numbers epoch seconds, or a step counter when
	   all of them turn out to be small (see finish). */
	L->tnumber = 0;
	if (tcol >= 0 && L->tunit == 0 &&
	    classify(row_cell(d, (size_t)tcol)) == CELL_NUMBER) {
		if (looks_epoch_ms(row_cell(d, (size_t)tcol)))
			L->tunit = 1e-3;
		else
			L->tnumber = 1;
	}
	size_t ln = 0;
	if (header)
		trim(row_cell(h, ncols - 1), &ln);
	L->blank_last = (long)ncols - 1 != tcol && ln == 0;
	size_t metrics = ncols - (tcol >= 0);
	if (metrics == 0) {
		note(L, LV_LAYOUT, STATUS_EMPTY, L->line0, (long)ncols + 1,
		     "only a time column: expected at least one metric column");
		return;
	}
	size_t cap = L->bound > first ? L->bound - first : 1;
	if (cap > SIZE_MAX / sizeof(float) / metrics) {
		fail(L, STATUS_NOMEM, 0, 0, "%zu rows x %zu metrics is too large",
		     cap, metrics);
		return;
	}
	L->values = malloc(cap * metrics * sizeof(float));
	L->names = calloc(metrics, sizeof(char *));
	if (tcol >= 0)
		L->ts = malloc(cap * sizeof(int64_t));
	if (!L->values || !L->names || (tcol >= 0 && !L->ts)) {
		fail(L, STATUS_NOMEM, 0, 0, "out of memory for %zu x %zu values",
		     cap, metrics);
		return;
	}
	L->metrics = metrics;
	for (size_t f = 0, m = 0; f < ncols; f++) {
		if ((long)f == tcol)
			continue;
		size_t n = 0;
		const char *name = header ? trim(row_cell(h, f), &n) : NULL;
		if (n) {
			L->names[m] = strndup(name, n);
		} else {
			char buf[32];
			snprintf(buf, sizeof(buf), "m%02zu", m + 1);
			L->names[m] = strdup(buf);
		}
		if (!L->names[m++]) {
			fail(L, STATUS_NOMEM, 0, 0, "out of memory");
			return;
		}
	}
	if (series_unique_names(L->names, metrics)) {
		fail(L, STATUS_NOMEM, 0, 0, "out of memory");
		return;
	}
	L->lab_m = metrics;
	if (L->flags & SERIES_CSV_LABEL_BITS)
		for (size_t m = 0; m < metrics && L->lab_m == metrics; m++)
			if (series_label_name(L->names[m]))
				L->lab_m = m;
	L->header = header;
	L->tcol = tcol;
	L->cap = cap;
	L->ready = 1;
	L->data_line = d->line;
	for (size_t r = first; r < L->npre && L->level == LV_NONE && !L->fatal;
	     r++)
		store_row(L, &L->pre[r]);
	for (size_t r = 0; r < L->npre; r++)
		row_free(&L->pre[r]);
	L->npre = 0;
}

/* A whole row from libcsv: its field count is checked against the first
 * row's, then it is kept (before the layout is known) or stored; after an
 * error, rows are only checked. */
static void take_row(Loader *L)
{
	CsvRow *row = &L->row;
	L->nrow++;
	if (L->nrow == 1) {
		L->ncols = row->n;
		L->line0 = row->line;
		L->sep = row->n == 1 ? series_other_separator(row_cell(row, 0))
				     : 0;
	} else if (row->n != L->ncols) {
		note(L, LV_FIELDS, STATUS_PARSE, row->line,
		     (long)(row->n < L->ncols ? row->n : L->ncols) + 1,
		     "expected %zu fields as on line %ld, found %zu%s",
		     L->ncols, L->line0, row->n,
		     L->sep == '\t' ? " (the first line is one field with "
				      "tabs in it: is the file separated by "
				      "tabs? expected commas)"
		     : L->sep ? " (the first line is one field with ';' in "
				"it: is the file separated by semicolons? "
				"expected commas)"
			      : "");
	}
	if (L->level == LV_NONE && !L->ready) {
		L->pre[L->npre++] = *row;
		memset(row, 0, sizeof(*row));
		if (L->npre == PRE_ROWS)
			setup(L);
		return;
	}
	if (L->level == LV_NONE)
		store_row(L, row);
	row->alen = 0;
	row->n = 0;
	row->line = 0;
}

static void on_field(void *s, size_t len, void *data)
{
	Loader *L = data;
	CsvRow *r = &L->row;
	if (L->fatal)
		return;
	if (r->n == 0) {
		r->line = L->cur_line;
		r->start = L->row_begin;
	}
	/* a time column, a label column and an empty last field besides
	   the most metrics: any more and the line is refused before its
	   cells take memory (a line of 100 MB of commas) */
	if (r->n == SERIES_MAX_METRICS + 3) {
		fail(L, STATUS_PARSE, L->cur_line, (long)r->n + 1,
		     "more than %d fields on a line: vigil reads at most %d "
		     "metrics a dataset (README, Input formats)",
		     SERIES_MAX_METRICS + 3, SERIES_MAX_METRICS);
		return;
	}
	if (len && memchr(s, '\0', len))
		note(L, LV_NUL, STATUS_PARSE, L->cur_line, (long)r->n + 1,
		     "a NUL byte inside a field: expected text (is this a "
		     "binary file?)");
	if (grow((void **)&r->arena, &r->acap, r->alen + len + 1, 1) ||
	    grow((void **)&r->off, &r->ocap, r->n + 1, sizeof(size_t))) {
		fail(L, STATUS_NOMEM, 0, 0, "out of memory reading the file");
		return;
	}
	if (len)
		memcpy(r->arena + r->alen, s, len);
	r->arena[r->alen + len] = '\0';
	r->off[r->n++] = r->alen;
	r->alen += len + 1;
}

static void on_row(int c, void *data)
{
	(void)c;
	Loader *L = data;
	if (L->fatal || L->row.n == 0) /* a row without fields */
		return;
	take_row(L);
}

/* ---- the fast path ------------------------------------------------------ */

static int is_blank(int c)
{
	return c == ' ' || c == '\t';
}

/* The line [p, end) (its '\n' not included) parsed in place when it holds
 * only plain fields: numbers, missing cells and a valid timestamp, each
 * trimmed of spaces and tabs as libcsv trims them, exactly ncols of them.
 * Returns 1 when the line is taken (a row stored, or a blank line, which
 * libcsv skips too), 0 when it must go through libcsv instead: a quote, a
 * NUL byte, a CR before the end, any other cell, a wrong field count or a
 * timestamp out of order. Until a row is taken nothing changes but the
 * values of the row being written. */
static int fast_line(Loader *L, const char *p, const char *end)
{
	const char *le = end;
	if (le > p && le[-1] == '\r')
		le--;
	const char *s = p;
	while (s < le && is_blank(*s))
		s++;
	if (s == le)
		return 1;
	size_t r = L->rows, ncols = L->ncols, cap = L->cap, m = 0;
	if (r >= cap)
		return 0;
	long tcol = L->tcol;
	float *dst = L->values + r;
	int64_t t = 0;
	for (size_t f = 0; f < ncols; f++) {
		while (p < le && is_blank(*p))
			p++;
		const char *q;
		float v;
		if ((long)f != tcol && (q = fastfloat_parse_float(p, &v)) &&
		    q - p < 128 && isfinite(v)) {
			while (q < le && is_blank(*q))
				q++;
		} else {
			q = p;
			while (q < le && *q != ',') {
				if (*q == '"' || *q == '\0' || *q == '\r')
					return 0;
				q++;
			}
			const char *fe = q;
			while (fe > p && is_blank(fe[-1]))
				fe--;
			size_t n = (size_t)(fe - p);
			if ((long)f == tcol) {
				char buf[64];
				if (n == 0 || n >= sizeof(buf))
					return 0;
				memcpy(buf, p, n);
				buf[n] = '\0';
				if (series_parse_time_in(buf, L->tunit, &t) ||
				    (r > 0 && t <= L->ts[r - 1] &&
				     !(L->flags & SERIES_CSV_REPEATS)))
					return 0;
			} else if (series_missing_cell(p, n)) {
				v = NAN;
			} else {
				return 0;
			}
		}
		if (f + 1 < ncols) {
			if (q >= le || *q != ',')
				return 0;
			p = q + 1;
		} else if (q != le) {
			return 0;
		}
		if ((long)f != tcol) {
			if (m == L->lab_m && v != 0.0f && v != 1.0f)
				return 0; /* store_row names it */
			dst[m++ * cap] = v;
		}
	}
	if (tcol >= 0)
		L->ts[r] = t;
	L->rows++;
	L->nrow++;
	L->prev_line = L->cur_line;
	L->last_row = L->consumed;
	return 1;
}

/* ---- the running hash (SeriesHash) ------------------------------------- */

static uint64_t hash_word(uint64_t h, uint64_t w)
{
	return ((h << 5 | h >> 59) ^ w) * 0x517cc1b727220a95ULL;
}

/* Eight bytes as a little-endian word, on any machine. */
static uint64_t load_word(const unsigned char *p)
{
	uint64_t w = 0;
	for (int i = 7; i >= 0; i--)
		w = w << 8 | p[i];
	return w;
}

static void hash_feed(SeriesHash *x, const char *text, size_t n)
{
	const unsigned char *p = (const unsigned char *)text;
	for (; n && x->npend; p++, n--) {
		x->pend |= (uint64_t)*p << (8 * x->npend);
		if (++x->npend == 8) {
			x->h = hash_word(x->h, x->pend);
			x->pend = 0;
			x->npend = 0;
		}
	}
	for (; n >= 8; p += 8, n -= 8)
		x->h = hash_word(x->h, load_word(p));
	for (; n; p++, n--)
		x->pend |= (uint64_t)*p << (8 * x->npend++);
}

static uint64_t hash_value(const SeriesHash *x)
{
	return hash_word(hash_word(x->h, x->pend), x->npend);
}

/* One physical line, with its '\n' when nl: the fast path when the layout
 * is known, no error is pending and libcsv is between rows; else libcsv. */
static void do_line(Loader *L, const char *p, size_t len, int nl)
{
	if (L->csv.pstate == CSV_ROW_NOT_BEGUN)
		L->row_begin = L->consumed;
	if (!(L->ready && L->level == LV_NONE &&
	      L->csv.pstate == CSV_ROW_NOT_BEGUN &&
	      fast_line(L, p, p + len - (nl ? 1 : 0)))) {
		if (csv_parse(&L->csv, p, len, on_field, on_row, L) != len &&
		    !L->fatal)
			fail(L, STATUS_PARSE, L->cur_line, (long)L->row.n + 1,
			     "malformed quoted field (%s)",
			     csv_strerror(csv_error(&L->csv)));
	}
	if (nl) {
		L->cur_line++;
		L->consumed += (int64_t)len;
	}
}

/* ---- the two passes ------------------------------------------------------ */

static Status read_error(const char *path, ErrorRecord *err)
{
	return error_set(err, STATUS_IO, path, 0, 0, "cannot read: %s",
			 strerror(errno));
}

static Status too_large(const char *path, size_t n, ErrorRecord *err)
{
	return error_set(err, STATUS_IO, path, 0, 0,
			 "is too large (%zu MiB): vigil reads files of at most "
			 "%zu MiB",
			 n >> 20, FILEIO_MAX_BYTES >> 20);
}

static int is_end(char c)
{
	return c == '\n' || c == '\r';
}

/* First pass: the file's size and a bound on its rows. libcsv ends a row
 * at a '\n' or a '\r', and a row holds at least one other byte before
 * that end, so every row ends in its own run of '\n' and '\r' that
 * follows another byte (or at the end of the file): the runs are counted,
 * and blank lines (empty ones, CRLF) do not inflate the bound. */
static Status count_pass(Loader *L, int fd, char *buf, size_t *size)
{
	size_t total = 0, runs = 0;
	int prev_end = 1; /* the byte before this chunk ended a line */
	for (;;) {
		ssize_t got = read(fd, buf, CHUNK);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return read_error(L->path, L->err);
		if (got == 0)
			break;
		size_t n = (size_t)got;
		total += n;
		if (total > FILEIO_MAX_BYTES)
			return too_large(L->path, total, L->err);
		const char *e = buf + n;
		for (const char *p = buf; (p = memchr(p, '\n', (size_t)(e - p)));
		     p++)
			runs += !(p > buf ? is_end(p[-1]) : prev_end);
		for (const char *c = buf; (c = memchr(c, '\r', (size_t)(e - c)));
		     c++)
			runs += !(c > buf ? is_end(c[-1]) : prev_end);
		prev_end = is_end(buf[n - 1]);
	}
	L->bound = runs + !prev_end;
	*size = total;
	return STATUS_OK;
}

/* Excel's separator line, when the file starts with one: `sep=,` and the
 * line end (Excel writes it so that a double click opens the file split by
 * that character). A comma is what vigil reads: the line is skipped (the
 * next line is still line 2 in messages). Any other separator is refused
 * by name, where it used to give a field-count error on line 2. Returns
 * the bytes to skip. */
static size_t sep_line(Loader *L, const char *p, size_t n)
{
	const char *nl = memchr(p, '\n', n);
	size_t len = nl ? (size_t)(nl - p) : n;
	char c = series_sep_line(p, len);
	if (!c)
		return 0;
	if (c == ',') {
		if (!nl)
			return n;
		L->cur_line++;
		return len + 1;
	}
	char one[2] = {c, '\0'}, what[8];
	snprintf(what, sizeof(what), "'%c'", c);
	fail(L, STATUS_PARSE, 1, 5,
	     "Excel's separator line 'sep=%s': the file is separated by %s; "
	     "expected comma-separated values (vigil reads commas only)",
	     c == '\t' ? "\\t" : one,
	     c == '\t' ? "tabs" : c == ';' ? "semicolons" : what);
	return 0;
}

/* Second pass: lines to do_line, chunk by chunk, with progress. */
static void parse_pass(Loader *L, int fd, char **bufp, size_t *capp,
		       size_t total)
{
	size_t have = 0, done = 0;
	int bom_checked = L->consumed > 0; /* a read on: no file start */
	report(L, 0, total);
	while (!L->fatal) {
		if (have + 1 >= *capp) { /* a line longer than the buffer */
			if (grow((void **)bufp, capp, *capp * 2, 1)) {
				fail(L, STATUS_NOMEM, 0, 0,
				     "out of memory reading the file");
				return;
			}
		}
		char *buf = *bufp;
		size_t want = *capp - 1 - have;
		if (want > total - done)
			want = total - done;
		ssize_t got = want ? read(fd, buf + have, want) : 0;
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			fail(L, STATUS_IO, 0, 0, "cannot read: %s",
			     strerror(errno));
			return;
		}
		int eof = got == 0;
		done += (size_t)got;
		have += (size_t)got;
		buf[have] = '\0';
		size_t start = 0;
		if (!bom_checked) {
			if (have < 3 && !eof)
				continue;
			bom_checked = 1;
			start = series_bom_len(buf, have);
			start += sep_line(L, buf + start, have - start);
			L->consumed += (int64_t)start;
		}
		const char *p = buf + start, *lim = buf + have, *nl;
		while (!L->fatal && (nl = memchr(p, '\n', (size_t)(lim - p)))) {
			do_line(L, p, (size_t)(nl + 1 - p), 1);
			p = nl + 1;
		}
		/* the chunk's whole lines (and a BOM or separator line before
		   them), hashed in one go: line by line cost a fifth more */
		if (L->hash)
			hash_feed(L->hash, buf, (size_t)(p - buf));
		if (eof && done < total) { /* cut or rewritten meanwhile */
			fail(L, STATUS_IO, 0, 0,
			     "changed while it was read (%zu bytes, %zu when "
			     "its lines were counted)",
			     done, total);
			return;
		}
		if (eof) {
			if (!L->fatal && p < lim &&
			    !(L->opt && L->opt->complete_lines))
				do_line(L, p, (size_t)(lim - p), 0);
			return;
		}
		have = (size_t)(lim - p);
		memmove(buf, p, have);
		buf[have] = '\0';
		report(L, done, total);
	}
}

/* The end of the input for libcsv: a quoted field still open is an
 * error. */
static void end_input(Loader *L)
{
	if (!L->fatal && csv_fini(&L->csv, on_field, on_row, L) != 0) {
		long line = L->row.n ? L->row.line : L->cur_line;
		fail(L, STATUS_PARSE, line, (long)L->row.n + 1,
		     "a quoted field is never closed (%s)",
		     csv_strerror(csv_error(&L->csv)));
	}
}

/* The error a read noted (the fatal one, else the most important), or
 * STATUS_OK. */
static Status loader_status(const Loader *L)
{
	if (L->fatal)
		return L->fst;
	if (L->level == LV_NONE)
		return STATUS_OK;
	if (L->err)
		*L->err = L->pending;
	return L->pst;
}

/* After the last line: the error to report, or the columns made exact
 * (rows, not the bound), filled and handed to s. */
static Status finish(Loader *L, Series *s)
{
	end_input(L);
	if (L->fatal || L->level == LV_NUL)
		return loader_status(L);
	if (L->nrow == 0)
		return error_set(L->err, STATUS_EMPTY, L->path, 1, 1,
				 "the file is empty: expected rows of "
				 "comma-separated values");
	if (!L->ready && L->level == LV_NONE)
		setup(L);
	if (L->fatal || L->level != LV_NONE)
		return loader_status(L);

	size_t rows = L->rows, M = L->metrics, cap = L->cap;
	if (rows < cap) {
		for (size_t m = 1; m < M; m++)
			memmove(L->values + m * rows, L->values + m * cap,
				rows * sizeof(float));
		float *v = realloc(L->values, rows * M * sizeof(float));
		if (v)
			L->values = v;
		if (L->ts) {
			int64_t *t = realloc(L->ts, rows * sizeof(int64_t));
			if (t)
				L->ts = t;
		}
		L->cap = rows;
	}
	/* A last field without a name that is empty on every line (a comma
	   at the end of each line, as some exporters write) is no column */
	if (L->blank_last && M > 1 &&
	    all_missing(L->values + (M - 1) * rows, rows)) {
		free(L->names[M - 1]);
		L->names[M - 1] = NULL;
		L->metrics = --M;
	}
	/* Fill missing cells: forward, and back-fill a leading gap (unless
	   the caller fills the file joined to another: data/psm.c). The
	   label column series_csv_layout takes out below is no metric: its
	   cells are neither filled nor counted (an empty one is refused
	   where the labels are read) */
	size_t filled = 0, m = M, *first = NULL;
	if (!(L->flags & SERIES_CSV_NO_FILL)) {
		size_t lab = series_csv_label_index(L->names, L->values, rows, M,
						    L->flags);
		/* each column's first row with a value (0 for the labels) */
		first = calloc(M ? M : 1, sizeof(size_t));
		if (!first)
			return error_set(L->err, STATUS_NOMEM, L->path, 0, 0,
					 "out of memory");
		m = series_fill_missing(L->values, rows, lab, &filled, first);
		if (m == lab && lab < M)
			m = lab + 1 +
			    series_fill_missing(L->values + (lab + 1) * rows,
						rows, M - lab - 1, &filled,
						first + lab + 1);
	}
	if (m < M) {
		free(first);
		return error_set(
			L->err, STATUS_EMPTY, L->path, L->data_line,
			(long)(m + (L->tcol >= 0 && (long)m >= L->tcol)) + 1,
			"column '%s' has no values at all", L->names[m]);
	}
	/* Numbers in a time column that all stay below 10^8 seconds (before
	   March 1973 as epoch times) are not dates. Plain numbers without a
	   unit that mostly step by 1 are a step counter, as Yahoo's 1, 2,
	   3, ...: the row index is the time axis then, with the sampling
	   interval of a file without timestamps. Any other such column (a
	   unit, as PSM's timestamp_(min) counting minutes from 0, or seconds
	   from a start such as 0, 10, 20) is elapsed time: its times are
	   kept, shown counted from the start, not as dates in 1970 */
	if (L->ts && rows)
		L->last_t = L->ts[rows - 1];
	if ((L->tnumber || L->tunit > 0) && rows && L->ts[rows - 1] < 100000000) {
		if (L->tnumber && series_median_step(L->ts, rows, 1) == 1) {
			if (!(L->flags & SERIES_CSV_KEEP_TIME)) {
				free(L->ts);
				L->ts = NULL;
			}
			s->time_counter = 1;
		} else {
			s->time_elapsed = 1;
		}
	}
	s->rows = rows;
	s->metrics = M;
	s->names = L->names;
	s->values = L->values;
	s->timestamps = L->ts;
	L->names = NULL;
	L->values = NULL;
	L->ts = NULL;
	s->kind = SERIES_CSV;
	s->filled = filled;
	s->stale_rows = L->stale;
	s->stale_line = L->stale_line;
	s->first_value = first;
	int64_t fallback = L->opt && L->opt->interval > 0 ? L->opt->interval
							  : 60;
	s->interval = s->timestamps && !s->time_counter
			      ? series_median_step(s->timestamps, rows, fallback)
			      : fallback;
	size_t lab_k = series_csv_label_index(s->names, s->values, rows, M,
					      L->flags);
	L->lab_k = lab_k;
	series_csv_layout(s, L->flags);
	if (s->metrics > SERIES_MAX_METRICS) {
		/* the field of the first metric too many: past the label
		   column taken out and the time column */
		size_t o = SERIES_MAX_METRICS + (lab_k <= SERIES_MAX_METRICS);
		o += L->tcol >= 0 && (long)o >= L->tcol;
		return error_set(L->err, STATUS_PARSE, L->path, L->line0,
				 (long)o + 1,
				 "%zu metric columns: vigil reads at most %d "
				 "metrics a dataset (README, Input formats)",
				 s->metrics, SERIES_MAX_METRICS);
	}
	if (!(s->path = strdup(L->path)))
		return error_set(L->err, STATUS_NOMEM, L->path, 0, 0,
				 "out of memory");
	/* FILE.labels.csv (an analyst's relabelling), else the file's own
	   label column, else labels.csv in the folder */
	s->label_path = labels_next_to(L->path, !s->label_column);
	if (!s->label_path && s->label_column &&
	    !(s->label_path = strdup(L->path)))
		return error_set(L->err, STATUS_NOMEM, L->path, 0, 0,
				 "out of memory");
	return series_apply_split(s, L->opt, L->err);
}

static void loader_free(Loader *L)
{
	row_free(&L->row);
	for (size_t r = 0; r < L->npre; r++)
		row_free(&L->pre[r]);
	if (L->names)
		for (size_t m = 0; m < L->metrics; m++)
			free(L->names[m]);
	free(L->names);
	free(L->values);
	free(L->ts);
}

Status series_load_csv(Series *s, const char *path, const SeriesOptions *opt,
		       ErrorRecord *err)
{
	return series_load_csv_flags(s, path, opt, 0, err);
}

Status series_load_csv_labels(Series *s, const char *path, ErrorRecord *err)
{
	return series_load_csv_flags(s, path, NULL,
				     SERIES_CSV_KEEP_LABELS |
					     SERIES_CSV_LABEL_BITS,
				     err);
}

static Status cursor_fill(const Loader *L, const Series *s, int fd,
			  const struct stat *sb, char *buf,
			  SeriesCsvCursor *c);

Status series_load_csv_flags(Series *s, const char *path,
			     const SeriesOptions *opt, unsigned flags,
			     ErrorRecord *err)
{
	error_clear(err);
	series_init(s);
	FILE *f;
	Status st = fileio_open(path, &f, err);
	if (st != STATUS_OK)
		return st;
	Loader L;
	memset(&L, 0, sizeof(L));
	L.path = path;
	L.opt = opt;
	L.flags = flags;
	L.err = err;
	L.tcol = -1;
	L.cur_line = 1;
	size_t cap = CHUNK + 1, size = 0;
	char *buf = malloc(cap);
	Series tmp;
	series_init(&tmp);
	int fd = fileno(f);
	/* a cursor to read on from: the file as it was when opened (lines
	   appended meanwhile change its time, so they are read on then) */
	SeriesCsvCursor cur;
	memset(&cur, 0, sizeof(cur));
	struct stat sb;
	int want = opt && opt->cursor && opt->complete_lines &&
		   fstat(fd, &sb) == 0;
	if (want)
		L.hash = &cur.head;
	if (!buf) {
		st = error_set(err, STATUS_NOMEM, path, 0, 0,
			       "out of memory reading the file");
		goto out;
	}
	if ((st = count_pass(&L, fd, buf, &size)))
		goto out;
	if (lseek(fd, 0, SEEK_SET) != 0) {
		st = read_error(path, err);
		goto out;
	}
	if (csv_init(&L.csv, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)) {
		st = error_set(err, STATUS_NOMEM, path, 0, 0,
			       "cannot start the CSV parser");
		goto out;
	}
	parse_pass(&L, fd, &buf, &cap, size);
	st = finish(&L, &tmp);
	csv_free(&L.csv);
	if (st == STATUS_OK && want)
		st = cursor_fill(&L, &tmp, fd, &sb, buf, &cur);
	if (st == STATUS_OK)
		report(&L, size, size);
out:
	free(buf);
	fclose(f);
	loader_free(&L);
	if (st != STATUS_OK) {
		series_free(&tmp);
		return st;
	}
	*s = tmp;
	if (want)
		*opt->cursor = cur;
	return STATUS_OK;
}

/* ---- reading on from a cursor ------------------------------------------- */

/* The raw metric column m of the file (the time column left out) as the
 * series' metric index, or SIZE_MAX for the label column and a last one
 * dropped. */
static size_t cursor_metric(const SeriesCsvCursor *c, size_t m)
{
	size_t raw = c->ncols - (c->tcol >= 0);
	if ((c->blank_dropped && m == raw - 1) || m == c->label_col)
		return SIZE_MAX;
	return m - (c->label_col < m);
}

static int64_t stat_mtime_ns(const struct stat *sb)
{
	return (int64_t)sb->st_mtim.tv_sec * 1000000000 +
	       (int64_t)sb->st_mtim.tv_nsec;
}

/* The file c stands for: sb's device, inode, size and time. */
static void cursor_file(SeriesCsvCursor *c, const struct stat *sb)
{
	c->dev = (uint64_t)sb->st_dev;
	c->ino = (uint64_t)sb->st_ino;
	c->size = (int64_t)sb->st_size;
	c->mtime_ns = stat_mtime_ns(sb);
}

/* Feeds the file's bytes [from, to) to *x, read through buf (CHUNK + 1
 * bytes); STATUS_IO when they cannot be read. */
static Status hash_range(int fd, const char *path, int64_t from, int64_t to,
			 char *buf, SeriesHash *x, ErrorRecord *err)
{
	while (from < to) {
		size_t want = to - from < CHUNK ? (size_t)(to - from) : CHUNK;
		ssize_t got = pread(fd, buf, want, (off_t)from);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return read_error(path, err);
		if (got == 0)
			return error_set(err, STATUS_IO, path, 0, 0,
					 "cannot read: it ends at byte %lld",
					 (long long)from);
		hash_feed(x, buf, (size_t)got);
		from += got;
	}
	return STATUS_OK;
}

/* The hash of the last row read and what follows it up to c->end. */
static Status row_hash(int fd, const char *path, char *buf,
		       SeriesCsvCursor *c, ErrorRecord *err)
{
	SeriesHash x = {0, 0, 0};
	Status st = hash_range(fd, path, c->row_start, c->end, buf, &x, err);
	c->row_hash = hash_value(&x);
	return st;
}

/* What a load leaves a cursor: where its whole lines end, the layout,
 * and the file as it was when opened (sb). */
static Status cursor_fill(const Loader *L, const Series *s, int fd,
			  const struct stat *sb, char *buf, SeriesCsvCursor *c)
{
	cursor_file(c, sb);
	c->end = L->consumed;
	c->line = L->cur_line;
	c->row_start = L->last_row;
	c->rows = L->rows;
	c->stale = L->stale;
	c->stale_line = L->stale_line;
	c->flags = L->flags;
	c->ncols = L->ncols;
	c->tcol = L->tcol;
	c->line0 = L->line0;
	c->tunit = L->tunit;
	c->tnumber = L->tnumber;
	c->keep_ts = s->timestamps != NULL;
	c->sep = L->sep;
	c->blank_dropped = L->metrics < L->ncols - (L->tcol >= 0);
	c->label_col = L->lab_k < L->metrics ? L->lab_k : SIZE_MAX;
	c->last_t = L->last_t;
	Status st = row_hash(fd, L->path, buf, c, L->err);
	c->ready = st == STATUS_OK;
	return st;
}

/* The file at fd (sb) is the one c read, only longer: not smaller, the last
 * row read where it was, and when the inode changed or the size did not
 * (while the time did), every byte read as it was. */
static Status cursor_same(const SeriesCsvCursor *c, int fd, const char *path,
			  const struct stat *sb, char *buf, ErrorRecord *err)
{
	if ((int64_t)sb->st_size < c->size)
		return error_set(err, STATUS_MISMATCH, path, 0, 0,
				 "the file shrank from %lld to %lld bytes "
				 "(truncated or replaced): following it stops "
				 "at the %zu rows read",
				 (long long)c->size, (long long)sb->st_size,
				 c->rows);
	SeriesCsvCursor now = *c;
	Status st = row_hash(fd, path, buf, &now, err);
	if (st)
		return st;
	if (now.row_hash != c->row_hash)
		return error_set(err, STATUS_MISMATCH, path, 0, 0,
				 "row %zu is not what it was when it was read "
				 "(the file was replaced or rewritten): "
				 "following it stops at the %zu rows read",
				 c->rows, c->rows);
	if ((uint64_t)sb->st_dev == c->dev && (uint64_t)sb->st_ino == c->ino &&
	    (int64_t)sb->st_size != c->size)
		return STATUS_OK;
	SeriesHash x = {0, 0, 0};
	if ((st = hash_range(fd, path, 0, c->end, buf, &x, err)))
		return st;
	if (hash_value(&x) != hash_value(&c->head))
		return error_set(err, STATUS_MISMATCH, path, 0, 0,
				 "the rows before row %zu are not what they "
				 "were when they were read (the file was "
				 "replaced or rewritten): following it stops "
				 "at the %zu rows read",
				 c->rows, c->rows);
	return STATUS_OK;
}

static int seek_to(Loader *L, int fd, int64_t at)
{
	if (lseek(fd, (off_t)at, SEEK_SET) >= 0)
		return 0;
	fail(L, STATUS_IO, 0, 0, "cannot read: %s", strerror(errno));
	return -1;
}

/* The rows of the whole lines from c->end on into L's columns: row 0 is
 * s's last row (the time order and the forward fill go on from it), the
 * new rows follow. */
static void read_lines(Loader *L, const Series *s, const SeriesCsvCursor *c,
		       int fd, char **bufp, size_t *capp)
{
	size_t total = 0;
	if (seek_to(L, fd, c->end))
		return;
	Status st = count_pass(L, fd, *bufp, &total);
	if (st) {
		L->fatal = 1;
		L->fst = st;
		return;
	}
	size_t M = L->metrics, cap = L->bound + 1;
	L->values = malloc(cap * M * sizeof(float));
	if (L->tcol >= 0)
		L->ts = malloc(cap * sizeof(int64_t));
	if (!L->values || (L->tcol >= 0 && !L->ts)) {
		fail(L, STATUS_NOMEM, 0, 0, "out of memory for %zu x %zu values",
		     cap, M);
		return;
	}
	L->cap = cap;
	for (size_t m = 0; m < M; m++) {
		size_t k = cursor_metric(c, m);
		L->values[m * cap] =
			k == SIZE_MAX ? NAN : series_at(s, k, s->rows - 1);
	}
	if (L->ts)
		L->ts[0] = c->last_t;
	L->rows = 1;
	if (seek_to(L, fd, c->end))
		return;
	if (csv_init(&L->csv, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)) {
		fail(L, STATUS_NOMEM, 0, 0, "cannot start the CSV parser");
		return;
	}
	parse_pass(L, fd, bufp, capp, total);
	end_input(L);
	csv_free(&L->csv);
}

/* L's new rows (1 to L->rows - 1) appended to s, filled forward from its
 * last row; a value where the rows read had a label column or no column
 * at all is the file's columns changing. */
static Status append_rows(Loader *L, Series *s, const SeriesCsvCursor *c,
			  size_t *filled)
{
	size_t n = L->rows - 1, cap = L->cap, old = s->rows, rows = old + n;
	size_t M = s->metrics;
	for (size_t m = 0; m < L->metrics; m++) {
		const float *x = L->values + m * cap + 1;
		size_t r = 0;
		if (cursor_metric(c, m) != SIZE_MAX)
			continue;
		while (r < n && (m == c->label_col
					 ? x[r] == 0.0f || x[r] == 1.0f ||
						   isnan(x[r])
					 : isnan(x[r])))
			r++;
		if (r < n)
			return error_set(L->err, STATUS_MISMATCH, L->path, 0, 0,
					 "the file now has %zu metrics, not %zu",
					 M + 1, M);
	}
	if (s->timestamps) {
		int64_t *t = realloc(s->timestamps, rows * sizeof(int64_t));
		if (!t)
			return error_set(L->err, STATUS_NOMEM, L->path, 0, 0,
					 "out of memory");
		s->timestamps = t;
		int64_t step = s->interval > 0 ? s->interval : 60;
		for (size_t r = 0; r < n; r++)
			t[old + r] = c->keep_ts ? L->ts[1 + r]
						: t[old - 1] + (int64_t)(r + 1) *
								      step;
	}
	float *v = realloc(s->values, rows * M * sizeof(float));
	if (!v)
		return error_set(L->err, STATUS_NOMEM, L->path, 0, 0,
				 "out of memory");
	/* the columns move apart from the last one down: in place */
	for (size_t m = M; m-- > 1;)
		memmove(v + m * rows, v + m * old, old * sizeof(float));
	for (size_t m = 0; m < L->metrics; m++) {
		size_t k = cursor_metric(c, m);
		if (k == SIZE_MAX)
			continue;
		series_fill_missing(L->values + m * cap, n + 1, 1, filled,
				    NULL);
		memcpy(v + k * rows + old, L->values + m * cap + 1,
		       n * sizeof(float));
	}
	s->values = v;
	s->rows = rows;
	return STATUS_OK;
}

/* A loader that goes on where c's read ended: its layout, its line
 * numbers, a next row that is no first row (its fields are counted); the
 * column names for messages borrowed from s (blank: the name of a last
 * column dropped). -1 when out of memory. */
static int loader_resume(Loader *L, const SeriesCsvCursor *c,
			 const Series *s, const char *path,
			 const SeriesOptions *o, char *blank,
			 ErrorRecord *err)
{
	memset(L, 0, sizeof(*L));
	L->path = path;
	L->opt = o;
	L->flags = c->flags;
	L->err = err;
	L->cur_line = c->line;
	L->consumed = c->end;
	L->row_begin = c->end;
	L->last_row = c->row_start;
	L->ready = 1;
	L->nrow = 1;
	L->ncols = c->ncols;
	L->line0 = c->line0;
	L->sep = c->sep;
	L->tcol = c->tcol;
	L->tunit = c->tunit;
	L->tnumber = c->tnumber;
	L->metrics = c->ncols - (c->tcol >= 0);
	L->lab_m = L->metrics;
	L->names = calloc(L->metrics, sizeof(char *));
	if (!L->names)
		return -1;
	for (size_t m = 0; m < L->metrics; m++) {
		size_t k = cursor_metric(c, m);
		L->names[m] = k < s->metrics	   ? s->names[k]
			      : m == c->label_col ? s->label_column
						   : blank;
	}
	return 0;
}

Status series_csv_read_on(Series *s, SeriesCsvCursor *c, const char *path,
			  size_t *added, ErrorRecord *err)
{
	*added = 0;
	error_clear(err);
	if (!c->ready)
		return error_set(err, STATUS_USAGE, path, 0, 0,
				 "not read as a CSV file: nothing to read on "
				 "from");
	struct stat sb;
	if (stat(path, &sb) != 0)
		return error_set(err, STATUS_IO, path, 0, 0, "%s",
				 strerror(errno));
	if ((uint64_t)sb.st_dev == c->dev && (uint64_t)sb.st_ino == c->ino &&
	    (int64_t)sb.st_size == c->size && stat_mtime_ns(&sb) == c->mtime_ns)
		return STATUS_OK;
	FILE *f;
	Status st = fileio_open(path, &f, err);
	if (st)
		return st;
	int fd = fileno(f);
	size_t cap = CHUNK + 1;
	char *buf = malloc(cap);
	if (!buf || fstat(fd, &sb) != 0) {
		st = buf ? read_error(path, err)
			 : error_set(err, STATUS_NOMEM, path, 0, 0,
				     "out of memory reading the file");
		free(buf);
		fclose(f);
		return st;
	}
	SeriesCsvCursor n = *c; /* c's successor, taken on success */
	st = cursor_same(c, fd, path, &sb, buf, err);
	size_t filled = 0;
	Loader L;
	SeriesOptions o = {0};
	o.complete_lines = 1;
	o.skip_stale_times = 1;
	char blank[32];
	snprintf(blank, sizeof(blank), "m%02zu", c->ncols - (c->tcol >= 0));
	if (loader_resume(&L, c, s, path, &o, blank, err) && st == STATUS_OK)
		st = error_set(err, STATUS_NOMEM, path, 0, 0, "out of memory");
	L.hash = &n.head;
	if (st == STATUS_OK && (int64_t)sb.st_size > c->end) {
		read_lines(&L, s, c, fd, &buf, &cap);
		st = loader_status(&L);
		if (st == STATUS_OK) {
			n.rows += L.rows - 1;
			if (L.stale) {
				n.stale += L.stale;
				n.stale_line = L.stale_line;
			}
			if (L.ts && L.rows > 1)
				n.last_t = L.ts[L.rows - 1];
			n.end = L.consumed;
			n.line = L.cur_line;
			n.row_start = L.last_row;
			st = row_hash(fd, path, buf, &n, err);
		}
		/* last: s changes only when nothing can fail after it */
		if (st == STATUS_OK)
			st = append_rows(&L, s, c, &filled);
		if (st == STATUS_OK) {
			*added = L.rows - 1;
			s->filled += filled;
		}
	}
	if (st == STATUS_OK) {
		cursor_file(&n, &sb);
		*c = n;
	}
	free(L.names);
	L.names = NULL; /* borrowed */
	L.metrics = 0;
	loader_free(&L);
	free(buf);
	fclose(f);
	return st;
}
