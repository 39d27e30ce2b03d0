/* Label file readers and writers for SMD test_label, SMD
 * interpretation_label (PCRE2 grammar), NAB combined_windows.json (cJSON)
 * and vigil's CSV, plus the comparison of two range lists (see
 * labelfile.h). Every reader works on the whole file in memory and builds a
 * fresh LabelSet, so nothing is half-loaded on an error. */
#include "labels/labelfile.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <cJSON.h>
#include <errno.h>
#include <pcre2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "data/fileio.h"
#include "data/atomicfile.h"
#include "labels/textio.h"

static const char *const format_names[LABEL_FORMAT_COUNT] = {
	"smd", "interp", "nab", "csv", "column"};

const char *labelfile_format_name(LabelFormat f)
{
	return (int)f >= 0 && f < LABEL_FORMAT_COUNT ? format_names[f] : "?";
}

int labelfile_format_parse(const char *text, LabelFormat *out)
{
	for (int i = 0; i < LABEL_FORMAT_COUNT; i++)
		if (!strcmp(text, format_names[i])) {
			*out = (LabelFormat)i;
			return 0;
		}
	return -1;
}

static Status nomem(ErrorRecord *err)
{
	return error_set(err, STATUS_NOMEM, NULL, 0, 0, "out of memory");
}

/* The next record of a CSV file into *line and *len: a line, continued
 * over the line breaks that a quoted field holds (a note of several
 * lines, as the writer writes it); *first gets its first line's number
 * (it->number is its last's). Returns 0 at the end. */
static int next_record(TextLines *it, const char **line, size_t *len,
		       long *first)
{
	if (!textio_next_line(it, line, len))
		return 0;
	*first = it->number;
	for (;;) {
		int quoted = 0;
		for (size_t i = 0; i < *len; i++)
			quoted ^= (*line)[i] == '"';
		const char *more;
		size_t n;
		if (!quoted || !textio_next_line(it, &more, &n))
			return 1;
		*len = (size_t)(more + n - *line);
	}
}

/* The line and column of the 1-based column col of a record that starts
 * on line first. */
static void record_at(const char *rec, long first, long col, long *line,
		      long *colno)
{
	*line = first;
	*colno = col;
	for (long i = 0; i < col - 1; i++)
		if (rec[i] == '\n') {
			(*line)++;
			*colno = col - 1 - i;
		}
}

/* ---- format guess ---- */

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

/* Nonzero when s[0..n) holds only blanks and line ends. */
static int blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

/* A test_label line: 0 or 1, also written as a number equal to it ("1.0",
 * "0.000000e+00", blanks around) or as a boolean (pandas' True, False);
 * -1 for anything else. */
static int label_bit(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 1 && (*s == '0' || *s == '1'))
		return *s - '0';
	if (n == 4 && !strncasecmp(s, "true", 4))
		return 1;
	if (n == 5 && !strncasecmp(s, "false", 5))
		return 0;
	char buf[64];
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	char *e;
	double v = strtod(buf, &e);
	if (e != buf + n || !(buf[0] == '0' || buf[0] == '1' || buf[0] == '+' ||
			      buf[0] == '.'))
		return -1;
	return v == 0.0 ? 0 : v == 1.0 ? 1 : -1;
}

/* Nonzero when a CSV header line holds a label column's name. */
static int header_has_label(const char *line)
{
	char cell[64];
	const char *p = line;
	for (;;) {
		size_t n = strcspn(p, ",\r\n");
		const char *c = p;
		size_t cn = n;
		if (cn >= 2 && c[0] == '"' && c[cn - 1] == '"') {
			c++;
			cn -= 2;
		}
		if (cn < sizeof(cell)) {
			memcpy(cell, c, cn);
			cell[cn] = '\0';
			if (series_label_name(cell))
				return 1;
		}
		if (p[n] != ',')
			return 0;
		p += n + 1;
	}
}

Status labelfile_guess(const char *path, LabelFormat *out, ErrorRecord *err)
{
	if (ends_with(path, ".json")) {
		*out = LABEL_FORMAT_NAB;
		return STATUS_OK;
	}
	FILE *f;
	Status st = fileio_open(path, &f, err);
	if (st)
		return st;
	char line[512] = "";
	while (fgets(line, sizeof(line), f) && (line[0] == '\n' ||
						(line[0] == '\r')))
		;
	const char *p = line + series_bom_len(line, strlen(line));
	/* Excel's `sep=,` line: the format is told by the next line */
	if (series_sep_line(p, strcspn(p, "\n")) == ',') {
		if (!fgets(line, sizeof(line), f))
			line[0] = '\0';
		p = line;
	}
	fclose(f);
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '{') {
		*out = LABEL_FORMAT_NAB;
		return STATUS_OK;
	}
	if (strncmp(p, "metric,", 7) && header_has_label(p)) {
		*out = LABEL_FORMAT_COLUMN;
		return STATUS_OK;
	}
	/* a lone 0/1 first line is SMD's test_label whatever the file's
	   name (vigil labels --format smd -o FILE.csv writes it; a
	   train.csv/test.csv folder's test_label.csv may be one) */
	if (label_bit(p, strcspn(p, "\r\n")) >= 0) {
		*out = LABEL_FORMAT_SMD;
		return STATUS_OK;
	}
	if (!strncmp(p, "metric,", 7) || ends_with(path, ".csv")) {
		*out = LABEL_FORMAT_CSV;
		return STATUS_OK;
	}
	const char *q = p;
	while (*q >= '0' && *q <= '9')
		q++;
	if (q > p && *q == '-') {
		*out = LABEL_FORMAT_INTERP;
		return STATUS_OK;
	}
	return error_set(err, STATUS_FORMAT, path, 1, 0,
			 "cannot tell the label format (expected SMD "
			 "test_label 0/1 lines, interpretation_label "
			 "'start-end:dims', NAB JSON or vigil CSV); name it "
			 "with --label-format");
}

/* ---- SMD test_label ---- */

static size_t test_rows(const Series *s)
{
	return s->rows > s->split ? s->rows - s->split : 0;
}

static Status read_smd(LabelSet *ls, const Series *s, const char *path,
		       const char *text, size_t len, ErrorRecord *err)
{
	TextLines it = {text, text + len, 0};
	const char *line;
	size_t n;
	int64_t run = -1, row = 0;
	RangeSet *node = labelset_build(ls, LABEL_NODE);
	while (textio_next_line(&it, &line, &n)) {
		int v = label_bit(line, n);
		if (v < 0 && blank(line, n) &&
		    blank(it.p, (size_t)(it.end - it.p)))
			break; /* blank lines at the end */
		if (v < 0)
			return error_set(err, STATUS_PARSE, path, it.number, 1,
					 "expected 0 or 1 (one per test row), "
					 "found '%.*s'",
					 (int)(n < 40 ? n : 40), line);
		if (v == 1 && run < 0)
			run = row;
		if (v == 0 && run >= 0) {
			Status st = rangeset_add(
				node,
				(Range){(int64_t)s->split + run,
					(int64_t)s->split + row},
				LABEL_ORIGINAL, NULL, err);
			if (st)
				return st;
			run = -1;
		}
		row++;
	}
	if ((size_t)row != test_rows(s))
		return error_set(err, STATUS_MISMATCH, path, 0, 0,
				 "has %lld label rows but the test part has "
				 "%zu rows",
				 (long long)row, test_rows(s));
	if (run >= 0)
		return rangeset_add(node,
				    (Range){(int64_t)s->split + run,
					    (int64_t)s->split + row},
				    LABEL_ORIGINAL, NULL, err);
	return STATUS_OK;
}

static Status write_smd(const LabelSet *ls, const Series *s, TextBuf *b,
			const char *path, ErrorRecord *err)
{
	const RangeSet *node = labelset_get(ls, LABEL_NODE);
	int64_t lo = (int64_t)s->split, hi = (int64_t)s->rows;
	for (size_t i = 0; i < node->n; i++)
		if (node->v[i].r.start < lo || node->v[i].r.end > hi)
			return error_set(err, STATUS_RANGE, path, 0, 0,
					 "labelled rows %lld-%lld lie outside "
					 "the test part (rows %lld-%lld): SMD "
					 "test_label cannot hold them",
					 (long long)node->v[i].r.start,
					 (long long)node->v[i].r.end,
					 (long long)lo, (long long)hi);
	size_t k = 0;
	for (int64_t r = lo; r < hi; r++) {
		while (k < node->n && node->v[k].r.end <= r)
			k++;
		int on = k < node->n && node->v[k].r.start <= r;
		textio_append(b, on ? "1\n" : "0\n", 2);
	}
	return STATUS_OK;
}

/* ---- SMD interpretation_label ---- */

typedef struct {
	pcre2_code *full;   /* the whole line */
	pcre2_code *prefix; /* its longest valid prefix, for error columns */
	pcre2_match_data *md;
} Grammar;

static void grammar_free(Grammar *g)
{
	pcre2_match_data_free(g->md);
	pcre2_code_free(g->full);
	pcre2_code_free(g->prefix);
}

static Status grammar_init(Grammar *g, ErrorRecord *err)
{
	int code;
	PCRE2_SIZE off;
	memset(g, 0, sizeof(*g));
	g->full = pcre2_compile(
		(PCRE2_SPTR) "^([0-9]++)-([0-9]++):([0-9]++(?:,[0-9]++)*+)$",
		PCRE2_ZERO_TERMINATED, 0, &code, &off, NULL);
	g->prefix = pcre2_compile(
		(PCRE2_SPTR) "^(?:[0-9]++(?:-(?:[0-9]++(?::(?:[0-9]++(?:,[0-9]++)"
			     "*+,?)?)?)?)?)?",
		PCRE2_ZERO_TERMINATED, 0, &code, &off, NULL);
	g->md = g->full ? pcre2_match_data_create_from_pattern(g->full, NULL)
			: NULL;
	if (!g->full || !g->prefix || !g->md) {
		grammar_free(g);
		return error_set(err, STATUS_INTERNAL, NULL, 0, 0,
				 "cannot build the interpretation_label "
				 "grammar");
	}
	return STATUS_OK;
}

/* Error for a line that does not match: the column after the longest valid
 * prefix, and what was expected there. */
static Status grammar_error(Grammar *g, const char *path, long lineno,
			    const char *line, size_t n, ErrorRecord *err)
{
	pcre2_match_data *md =
		pcre2_match_data_create_from_pattern(g->prefix, NULL);
	size_t plen = 0;
	if (md && pcre2_match(g->prefix, (PCRE2_SPTR)line, n, 0, 0, md,
			      NULL) >= 0)
		plen = pcre2_get_ovector_pointer(md)[1];
	pcre2_match_data_free(md);
	const char *colon = memchr(line, ':', plen);
	const char *dash = memchr(line, '-', plen);
	char last = plen ? line[plen - 1] : '\0';
	const char *want;
	if (plen == 0)
		want = "a start row (digits)";
	else if (!dash)
		want = "a digit or '-'";
	else if (last == '-')
		want = "an end row (digits)";
	else if (!colon)
		want = "a digit or ':'";
	else if (last == ':' || last == ',')
		want = "a metric number (digits)";
	else
		want = "a digit, ',' or the end of the line";
	char found[32];
	if (plen >= n)
		snprintf(found, sizeof(found), "the end of the line");
	else if (line[plen] >= 32 && line[plen] < 127)
		snprintf(found, sizeof(found), "'%c'", line[plen]);
	else
		snprintf(found, sizeof(found), "byte 0x%02x",
			 (unsigned char)line[plen]);
	return error_set(err, STATUS_PARSE, path, lineno, (long)plen + 1,
			 "expected %s in 'start-end:d1,d2,...', found %s",
			 want, found);
}

static int parse_i64(const char *p, size_t n, int64_t *out)
{
	int64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (v > (INT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	*out = v;
	return 0;
}

static Status read_interp(LabelSet *ls, const Series *s, const char *path,
			  const char *text, size_t len, ErrorRecord *err)
{
	Grammar g;
	Status st = grammar_init(&g, err);
	if (st)
		return st;
	TextLines it = {text, text + len, 0};
	const char *line;
	size_t n;
	LabelLine *lines = NULL;
	size_t n_lines = 0, cap = 0;
	int64_t trows = (int64_t)test_rows(s), off = (int64_t)s->split;
	while (!st && textio_next_line(&it, &line, &n)) {
		if (n == 0)
			continue;
		if (pcre2_match(g.full, (PCRE2_SPTR)line, n, 0, 0, g.md,
				NULL) < 0) {
			st = grammar_error(&g, path, it.number, line, n, err);
			break;
		}
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(g.md);
		int64_t a, b;
		if (parse_i64(line + ov[2], ov[3] - ov[2], &a) ||
		    parse_i64(line + ov[4], ov[5] - ov[4], &b)) {
			st = error_set(err, STATUS_RANGE, path, it.number, 1,
				       "row number too large");
			break;
		}
		if (a >= b || b > trows) {
			st = error_set(err, STATUS_RANGE, path, it.number, 1,
				       "range %lld-%lld is not inside the %lld "
				       "test rows (0-based, end exclusive)",
				       (long long)a, (long long)b,
				       (long long)trows);
			break;
		}
		if (n_lines == cap) {
			cap = cap ? cap * 2 : 32;
			LabelLine *v = realloc(lines, cap * sizeof(*v));
			if (!v) {
				st = nomem(err);
				break;
			}
			lines = v;
		}
		LabelLine *ll = &lines[n_lines];
		ll->r = (Range){off + a, off + b};
		ll->n_dims = 0;
		ll->dims = malloc((ov[7] - ov[6] + 1) / 2 * sizeof(size_t) + 1);
		if (!ll->dims) {
			st = nomem(err);
			break;
		}
		n_lines++;
		size_t p = ov[6];
		while (p < ov[7]) {
			size_t q = p;
			while (q < ov[7] && line[q] != ',')
				q++;
			int64_t d;
			if (parse_i64(line + p, q - p, &d) || d < 1 ||
			    d > (int64_t)s->metrics) {
				st = error_set(err, STATUS_RANGE, path,
					       it.number, (long)p + 1,
					       "metric %.*s does not exist: "
					       "the series has %zu metrics "
					       "(numbered from 1)",
					       (int)(q - p), line + p,
					       s->metrics);
				break;
			}
			ll->dims[ll->n_dims++] = (size_t)(d - 1);
			st = rangeset_add(labelset_build(ls, (size_t)(d - 1)),
					  ll->r, LABEL_ORIGINAL, NULL, err);
			if (st)
				break;
			p = q + 1;
		}
		if (!st)
			st = rangeset_add(labelset_build(ls, LABEL_NODE), ll->r,
					  LABEL_ORIGINAL, NULL, err);
	}
	grammar_free(&g);
	if (st) {
		for (size_t i = 0; i < n_lines; i++)
			free(lines[i].dims);
		free(lines);
		return st;
	}
	labelset_set_lines(ls, lines, n_lines);
	return STATUS_OK;
}

typedef struct {
	Range r;
	size_t metric;
} Triple;

static int cmp_triple(const void *a, const void *b)
{
	const Triple *x = a, *y = b;
	if (x->r.start != y->r.start)
		return x->r.start < y->r.start ? -1 : 1;
	if (x->r.end != y->r.end)
		return x->r.end < y->r.end ? -1 : 1;
	return (x->metric > y->metric) - (x->metric < y->metric);
}

static Status write_interp(const LabelSet *ls, const Series *s, TextBuf *b,
			   const char *path, ErrorRecord *err)
{
	int64_t off = (int64_t)s->split;
	if (ls->lines && !labelset_modified(ls)) {
		/* Unchanged: the lines as read, order and dims kept. */
		for (size_t i = 0; i < ls->n_lines; i++) {
			const LabelLine *l = &ls->lines[i];
			textio_printf(b, "%lld-%lld:",
				      (long long)(l->r.start - off),
				      (long long)(l->r.end - off));
			for (size_t k = 0; k < l->n_dims; k++)
				textio_printf(b, k ? ",%zu" : "%zu",
					      l->dims[k] + 1);
			textio_append(b, "\n", 1);
		}
		return STATUS_OK;
	}
	size_t total = 0;
	for (size_t m = 0; m < ls->metrics; m++)
		total += labelset_get(ls, m)->n;
	Triple *t = malloc((total ? total : 1) * sizeof(*t));
	if (!t)
		return nomem(err);
	size_t k = 0;
	for (size_t m = 0; m < ls->metrics; m++) {
		const RangeSet *rs = labelset_get(ls, m);
		for (size_t i = 0; i < rs->n; i++) {
			if (rs->v[i].r.start < off ||
			    rs->v[i].r.end > (int64_t)s->rows) {
				free(t);
				return error_set(
					err, STATUS_RANGE, path, 0, 0,
					"metric %zu's labelled rows %lld-%lld "
					"lie outside the test part: SMD "
					"interpretation_label cannot hold "
					"them",
					m + 1, (long long)rs->v[i].r.start,
					(long long)rs->v[i].r.end);
			}
			t[k++] = (Triple){rs->v[i].r, m};
		}
	}
	qsort(t, k, sizeof(*t), cmp_triple);
	for (size_t i = 0; i < k;) {
		textio_printf(b, "%lld-%lld:", (long long)(t[i].r.start - off),
			      (long long)(t[i].r.end - off));
		size_t j = i;
		while (j < k && t[j].r.start == t[i].r.start &&
		       t[j].r.end == t[i].r.end) {
			textio_printf(b, j > i ? ",%zu" : "%zu",
				      t[j].metric + 1);
			j++;
		}
		textio_append(b, "\n", 1);
		i = j;
	}
	free(t);
	return STATUS_OK;
}

/* ---- vigil CSV ---- */

static const char csv_header[] =
	"metric,start,end,start_time,end_time,source,note";

/* ahead: ranges may end after the series' last row (labelfile_read_ahead) */
static Status read_csv(LabelSet *ls, const Series *s, const char *path,
		       const char *text, size_t len, int ahead,
		       ErrorRecord *err)
{
	TextLines it = {text, text + len, 0};
	const char *line;
	size_t n;
	char *buf = malloc(len + 1);
	if (!buf)
		return nomem(err);
	Status st = STATUS_OK;
	int header = 0;
	long first = 0, at, colno;
	while (!st && next_record(&it, &line, &n, &first)) {
		if (n == 0)
			continue;
		char *f[8];
		long col[8];
		size_t nf;
		long bad = textio_csv_split(line, n, buf, f, col, 8, &nf);
		if (bad) {
			record_at(line, first, bad, &at, &colno);
			st = error_set(err, STATUS_PARSE, path, at, colno,
				       "%s", textio_csv_problem(line, n, bad));
			break;
		}
		/* Excel's `sep=,` line before the header */
		if (!header && first == 1 &&
		    series_sep_line(line, n) == ',')
			continue;
		if (!header) {
			if (n != strlen(csv_header) ||
			    memcmp(line, csv_header, n)) {
				st = error_set(err, STATUS_PARSE, path,
					       first, 1,
					       "expected the header '%s'",
					       csv_header);
				break;
			}
			header = 1;
			continue;
		}
		if (nf != 7) {
			record_at(line, first, nf > 7 ? col[7] : (long)n + 1,
				  &at, &colno);
			st = error_set(err, STATUS_PARSE, path, at, colno,
				       "expected 7 fields (%s), found %zu",
				       csv_header, nf);
			break;
		}
		size_t m;
		if (textio_metric_lookup(s, f[0], &m)) {
			st = error_set(err, STATUS_MISMATCH, path, first,
				       col[0],
				       "no metric named '%s' in the data",
				       f[0]);
			break;
		}
		int64_t a, b;
		if (textio_parse_row(f[1], &a)) {
			st = error_set(err, STATUS_PARSE, path, first,
				       col[1], "expected a start row, found '%s'",
				       f[1]);
			break;
		}
		if (textio_parse_row(f[2], &b)) {
			st = error_set(err, STATUS_PARSE, path, first,
				       col[2], "expected an end row, found '%s'",
				       f[2]);
			break;
		}
		if (a < b && !ahead && b > (int64_t)s->rows) {
			/* what a dashboard following the data saves: a
			   range on rows not written yet */
			st = error_set(err, STATUS_RANGE, path, first,
				       col[1],
				       "range %lld-%lld is ahead of the data, "
				       "past its %zu rows (labels saved while "
				       "following it?): vigil --follow reads "
				       "them as the rows arrive; here they "
				       "read once the data has %lld rows",
				       (long long)a, (long long)b, s->rows,
				       (long long)b);
			break;
		}
		if (a >= b) {
			st = error_set(err, STATUS_RANGE, path, first,
				       col[1],
				       "range %lld-%lld is not inside the %zu "
				       "rows of the series",
				       (long long)a, (long long)b, s->rows);
			break;
		}
		LabelSource src = LABEL_ORIGINAL;
		if (f[5][0] && rangeset_source_parse(f[5], &src)) {
			st = error_set(err, STATUS_PARSE, path, first,
				       col[5],
				       "expected source 'original' or "
				       "'analyst', found '%s'",
				       f[5]);
			break;
		}
		st = rangeset_add(labelset_build(ls, m), (Range){a, b}, src,
				  f[6][0] ? f[6] : NULL, err);
	}
	free(buf);
	if (!st && !header)
		st = error_set(err, STATUS_EMPTY, path, 1, 1,
			       "empty file: expected the header '%s'",
			       csv_header);
	return st;
}

static void csv_set(TextBuf *b, const Series *s, size_t m, const RangeSet *rs)
{
	char buf[32], t0[40], t1[40];
	const char *name = textio_metric_str(s, m, buf, sizeof(buf));
	for (size_t i = 0; i < rs->n; i++) {
		const LabelRange *l = &rs->v[i];
		t0[0] = t1[0] = '\0';
		if (series_has_time(s) && l->r.end <= (int64_t)s->rows) {
			textio_row_time(s, (size_t)l->r.start, t0, sizeof(t0));
			textio_row_time(s, (size_t)l->r.end - 1, t1, sizeof(t1));
		}
		textio_csv_field(b, name);
		textio_printf(b, ",%lld,%lld,%s,%s,%s,", (long long)l->r.start,
			      (long long)l->r.end, t0, t1,
			      rangeset_source_name(l->source));
		textio_csv_field(b, l->note);
		textio_append(b, "\n", 1);
	}
}

static void write_csv(const LabelSet *ls, const Series *s, TextBuf *b)
{
	textio_printf(b, "%s\n", csv_header);
	csv_set(b, s, LABEL_NODE, labelset_get(ls, LABEL_NODE));
	for (size_t m = 0; m < ls->metrics; m++)
		csv_set(b, s, m, labelset_get(ls, m));
}

/* ---- NAB combined_windows.json ---- */

/* The key of metric m in combined_windows.json: the m-th of the series'
 * comma-separated NAB keys (one per file joined into the node), or the
 * metric's name as a file next to the first key. */
static void nab_key_of(const Series *s, size_t m, char *buf, size_t n)
{
	const char *keys = s->nab_key ? s->nab_key : "";
	size_t count = *keys ? 1 : 0;
	for (const char *p = keys; *p; p++)
		count += *p == ',';
	if (count == s->metrics) {
		const char *p = keys;
		for (size_t i = 0; i < m; i++)
			p = strchr(p, ',') + 1;
		const char *e = strchr(p, ',');
		snprintf(buf, n, "%.*s", (int)(e ? (size_t)(e - p) : strlen(p)),
			 p);
		return;
	}
	char name[256];
	textio_metric_name(s, m, name, sizeof(name));
	const char *first_end = strchr(keys, ',');
	size_t first_len = first_end ? (size_t)(first_end - keys) : strlen(keys);
	const char *dir_end = NULL;
	for (size_t i = 0; i < first_len; i++)
		if (keys[i] == '/')
			dir_end = keys + i;
	snprintf(buf, n, "%.*s%s%s",
		 dir_end && !strchr(name, '/') ? (int)(dir_end - keys + 1) : 0,
		 keys, name, ends_with(name, ".csv") ? "" : ".csv");
}

/* Does JSON key k name metric m (full key, or its file name with or without
 * ".csv")? */
static int nab_key_matches(const Series *s, size_t m, const char *k,
			   int exact)
{
	char want[512];
	nab_key_of(s, m, want, sizeof(want));
	if (exact)
		return !strcmp(want, k);
	char name[256];
	textio_metric_name(s, m, name, sizeof(name));
	const char *base = strrchr(k, '/');
	base = base ? base + 1 : k;
	size_t bl = strlen(base);
	if (ends_with(base, ".csv"))
		bl -= 4;
	return strlen(name) == bl && !strncmp(name, base, bl);
}

/* Line and column of cJSON's last parse error in text (1:1 when it names
 * none, as for a valid document that is not an object). */
static void json_error_at(const char *text, long *line, long *colno)
{
	const char *at = cJSON_GetErrorPtr();
	*line = 1;
	*colno = 1;
	for (const char *p = text; at && p < at && *p; p++) {
		if (*p == '\n') {
			(*line)++;
			*colno = 1;
		} else {
			(*colno)++;
		}
	}
}

static Status read_nab(LabelSet *ls, const Series *s, const char *path,
		       const char *text, size_t len, ErrorRecord *err)
{
	if (!series_has_time(s) || s->rows == 0)
		return error_set(err, STATUS_MISMATCH, path, 0, 0,
				 "NAB windows are timestamps: the series has "
				 "no time axis");
	cJSON *root = cJSON_ParseWithLength(text, len);
	if (!root || !cJSON_IsObject(root)) {
		long line, colno;
		json_error_at(text, &line, &colno);
		cJSON_Delete(root);
		return error_set(err, STATUS_PARSE, path, line, colno,
				 "expected a JSON object {\"dir/file.csv\": "
				 "[[\"start\", \"end\"], ...]}");
	}
	Status st = STATUS_OK;
	size_t found = 0;
	int64_t first = series_time(s, 0), last = series_time(s, s->rows - 1);
	for (size_t m = 0; m < s->metrics && !st; m++) {
		const cJSON *key = NULL;
		for (int exact = 1; exact >= 0 && !key; exact--)
			for (const cJSON *k = root->child; k && !key;
			     k = k->next)
				if (k->string &&
				    nab_key_matches(s, m, k->string, exact))
					key = k;
		if (!key)
			continue;
		found++;
		if (!cJSON_IsArray(key)) {
			st = error_set(err, STATUS_PARSE, path, 0, 0,
				       "\"%s\": expected a list of windows",
				       key->string);
			break;
		}
		size_t w = 0;
		for (const cJSON *win = key->child; win && !st;
		     win = win->next, w++) {
			const cJSON *a = cJSON_GetArrayItem(win, 0);
			const cJSON *b = cJSON_GetArrayItem(win, 1);
			int64_t ta, tb;
			if (!cJSON_IsArray(win) || cJSON_GetArraySize(win) != 2 ||
			    !cJSON_IsString(a) || !cJSON_IsString(b) ||
			    series_parse_time(a->valuestring, &ta) ||
			    series_parse_time(b->valuestring, &tb) || tb < ta) {
				st = error_set(err, STATUS_PARSE, path, 0, 0,
					       "\"%s\" window %zu: expected "
					       "[\"YYYY-MM-DD HH:MM:SS\", "
					       "\"YYYY-MM-DD HH:MM:SS\"] with "
					       "start <= end",
					       key->string, w + 1);
				break;
			}
			size_t ra = series_row_at_time(s, ta),
			       rb = series_row_at_time(s, tb + 1);
			if (ra >= rb) {
				char f0[40], f1[40];
				textio_format_time(first, 0, f0, sizeof(f0));
				textio_format_time(last, 0, f1, sizeof(f1));
				st = error_set(err, STATUS_RANGE, path, 0, 0,
					       "\"%s\" window %zu [%s, %s] "
					       "holds no row of the data "
					       "(%s to %s)",
					       key->string, w + 1,
					       a->valuestring, b->valuestring,
					       f0, f1);
				break;
			}
			Range r = {(int64_t)ra, (int64_t)rb};
			st = rangeset_add(labelset_build(ls, m), r,
					  LABEL_ORIGINAL, NULL, err);
			if (!st)
				st = rangeset_add(labelset_build(ls, LABEL_NODE),
						  r, LABEL_ORIGINAL, NULL, err);
		}
	}
	cJSON_Delete(root);
	if (!st && found == 0) {
		char want[512];
		nab_key_of(s, 0, want, sizeof(want));
		st = error_set(err, STATUS_MISMATCH, path, 0, 0,
			       "no windows for \"%s\" in the file", want);
	}
	return st;
}

static Status write_nab(const LabelSet *ls, const Series *s, const char *path,
			TextBuf *b, ErrorRecord *err)
{
	if (!series_has_time(s))
		return error_set(err, STATUS_MISMATCH, path, 0, 0,
				 "NAB windows are timestamps: the series has "
				 "no time axis");
	if (!s->nab_key)
		return error_set(err, STATUS_MISMATCH, path, 0, 0,
				 "the series is not a NAB file: no key for "
				 "combined_windows.json");
	/* Keep the other keys of an existing destination; one that cannot be
	   read as a JSON object is refused, not replaced: its other files'
	   windows would be lost (an empty file holds none) */
	cJSON *root = NULL;
	struct stat sb;
	if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
		char *old = NULL;
		size_t old_len;
		Status rs = fileio_slurp(path, &old, &old_len, err);
		if (rs != STATUS_OK)
			return rs;
		if (!blank(old, old_len)) {
			root = cJSON_ParseWithLength(old, old_len);
			if (!root || !cJSON_IsObject(root)) {
				long line, colno;
				json_error_at(old, &line, &colno);
				cJSON_Delete(root);
				free(old);
				return error_set(
					err, STATUS_PARSE, path, line, colno,
					"expected a JSON object {\"dir/file."
					"csv\": [[\"start\", \"end\"], ...]} "
					"whose other keys are kept: the file "
					"is left as it was (fix it, or write "
					"to a new file)");
			}
		}
		free(old);
	}
	if (!root)
		root = cJSON_CreateObject();
	if (!root)
		return nomem(err);
	for (size_t m = 0; m < s->metrics; m++) {
		const RangeSet *rs = labelset_get(ls, s->metrics == 1 ? LABEL_NODE
								      : m);
		if (s->metrics == 1 && rs->n == 0)
			rs = labelset_get(ls, 0);
		char key[512];
		nab_key_of(s, m, key, sizeof(key));
		cJSON *list = cJSON_CreateArray();
		for (size_t i = 0; list && i < rs->n; i++) {
			int64_t a = rs->v[i].r.start, e = rs->v[i].r.end;
			if (a < 0 || e > (int64_t)s->rows)
				continue;
			char t0[40], t1[40];
			textio_format_time(series_time(s, (size_t)a), 1, t0, sizeof(t0));
			textio_format_time(series_time(s, (size_t)e - 1), 1, t1,
				    sizeof(t1));
			cJSON *win = cJSON_CreateArray();
			cJSON_AddItemToArray(win, cJSON_CreateString(t0));
			cJSON_AddItemToArray(win, cJSON_CreateString(t1));
			cJSON_AddItemToArray(list, win);
		}
		if (!list) {
			cJSON_Delete(root);
			return nomem(err);
		}
		if (cJSON_GetObjectItemCaseSensitive(root, key))
			cJSON_ReplaceItemInObjectCaseSensitive(root, key, list);
		else
			cJSON_AddItemToObject(root, key, list);
	}
	char *out = cJSON_Print(root);
	cJSON_Delete(root);
	if (!out)
		return nomem(err);
	textio_printf(b, "%s\n", out);
	cJSON_free(out);
	return STATUS_OK;
}

/* ---- a label column ---- */

static Status read_column(LabelSet *ls, const Series *s, const char *path,
			  ErrorRecord *err)
{
	Series c;
	Status st = series_load_csv_labels(&c, path, err);
	if (st)
		return st;
	size_t k = 0;
	while (k < c.metrics && !series_label_name(c.names[k]))
		k++;
	size_t test = test_rows(s);
	int64_t off = 0;
	if (k == c.metrics) {
		st = error_set(err, STATUS_FORMAT, path, 1, 0,
			       "no label column: expected one named label, "
			       "is_anomaly, anomaly, anomaly_label, attack or "
			       "is_attack");
		goto out;
	}
	if (c.rows == s->rows)
		off = 0;
	else if (c.rows == test)
		off = (int64_t)s->split;
	else {
		st = error_set(err, STATUS_MISMATCH, path, 0, 0,
			       "column '%s' has %zu rows: expected %zu (every "
			       "row of the data) or %zu (its test part)",
			       c.names[k], c.rows, s->rows, test);
		goto out;
	}
	const float *x = c.values + k * c.rows;
	RangeSet *node = labelset_build(ls, LABEL_NODE);
	size_t run = 0;
	int in = 0;
	for (size_t r = 0; r <= c.rows && !st; r++) {
		/* the loader already refused any other cell with its line
		   and column (SERIES_CSV_LABEL_BITS); kept as a guard */
		if (r < c.rows && x[r] != 0.0f && x[r] != 1.0f) {
			st = error_set(err, STATUS_PARSE, path, 0, 0,
				       "column '%s', data row %zu: expected 0 "
				       "or 1, found %g",
				       c.names[k], r + 1, (double)x[r]);
			break;
		}
		int one = r < c.rows && x[r] == 1.0f;
		if (one && !in)
			run = r;
		else if (!one && in)
			st = rangeset_add(node,
					  (Range){off + (int64_t)run,
						  off + (int64_t)r},
					  LABEL_ORIGINAL, NULL, err);
		in = one;
	}
out:
	series_free(&c);
	return st;
}

/* ---- read / write ---- */

static Status read_file(LabelSet *ls, const Series *s, const char *path,
			LabelFormat f, int ahead, ErrorRecord *err)
{
	Status st = labelset_init(ls, s->metrics, err);
	if (st)
		return st;
	/* a label column is read by the CSV loader, from the file itself */
	char *text = NULL;
	size_t len = 0;
	if (f != LABEL_FORMAT_COLUMN &&
	    (st = fileio_slurp(path, &text, &len, err))) {
		labelset_free(ls);
		return st;
	}
	/* no text for a label column: NULL + 0 is undefined behaviour */
	size_t bom = text ? series_bom_len(text, len) : 0;
	const char *body = text ? text + bom : NULL;
	len -= bom;
	switch (f) {
	case LABEL_FORMAT_SMD:
		st = read_smd(ls, s, path, body, len, err);
		break;
	case LABEL_FORMAT_INTERP:
		st = read_interp(ls, s, path, body, len, err);
		break;
	case LABEL_FORMAT_NAB:
		st = read_nab(ls, s, path, body, len, err);
		break;
	case LABEL_FORMAT_CSV:
		st = read_csv(ls, s, path, body, len, ahead, err);
		break;
	case LABEL_FORMAT_COLUMN:
		st = read_column(ls, s, path, err);
		break;
	default:
		st = error_set(err, STATUS_USAGE, path, 0, 0,
			       "unknown label format");
	}
	free(text);
	if (!st)
		st = labelset_reset_original(ls, err);
	if (st)
		labelset_free(ls);
	return st;
}

Status labelfile_read(LabelSet *ls, const Series *s, const char *path,
		      LabelFormat f, ErrorRecord *err)
{
	return read_file(ls, s, path, f, 0, err);
}

Status labelfile_read_ahead(LabelSet *ls, const Series *s, const char *path,
			    LabelFormat f, ErrorRecord *err)
{
	return read_file(ls, s, path, f, 1, err);
}

/* The node level of ls replaced by that of node_path (format f): an SMD
 * pair's test_label over its interpretation_label's union. On failure ls
 * is freed. */
static Status node_from(LabelSet *ls, const Series *s, const char *node_path,
			LabelFormat f, int ahead, ErrorRecord *err)
{
	LabelSet tl;
	Status st = read_file(&tl, s, node_path, f, ahead, err);
	if (st == STATUS_OK) {
		RangeSet *n = labelset_build(ls, LABEL_NODE);
		rangeset_free(n);
		rangeset_init(n);
		st = labelset_add_set(ls, LABEL_NODE,
				      labelset_get(&tl, LABEL_NODE), err);
		if (st == STATUS_OK)
			st = labelset_reset_original(ls, err);
		labelset_free(&tl);
	}
	if (st)
		labelset_free(ls);
	return st;
}

/* Read src into ls without filling the gaps. */
static Status read_sources(LabelSet *ls, const Series *s,
			   const LabelSources *src, int ahead,
			   ErrorRecord *err)
{
	Status st = read_file(ls, s, src->path, src->format, ahead, err);
	if (st == STATUS_OK && src->node_path)
		st = node_from(ls, s, src->node_path, src->node_format, ahead,
			       err);
	return st;
}

/* What a label format holds: 1 the node level alone, 2 the metrics
 * (interpretation_label, whose node is their union), 3 both. */
static int format_scopes(LabelFormat f)
{
	return f == LABEL_FORMAT_SMD || f == LABEL_FORMAT_COLUMN ? 1
	       : f == LABEL_FORMAT_INTERP			 ? 2
								 : 3;
}

static int readable(const char *path)
{
	return path && access(path, R_OK) == 0;
}

Status labelfile_sources(LabelSources *src, const Series *s,
			 const char *const *given, size_t n,
			 const LabelFormat *format, ErrorRecord *err)
{
	memset(src, 0, sizeof(*src));
	LabelFormat f[2] = {LABEL_FORMAT_CSV, LABEL_FORMAT_CSV};
	if (n > 2)
		return error_set(err, STATUS_USAGE, NULL, 0, 0,
				 "--labels is given at most twice: a "
				 "node-level file and a per-metric file");
	for (size_t i = 0; i < n; i++) {
		Status st = format && n == 1
				    ? (f[i] = *format, STATUS_OK)
				    : labelfile_guess(given[i], &f[i], err);
		/* an empty file beside another: an interpretation_label
		   without lines (every metric's range removed, then saved),
		   as test_label has a line a test row */
		struct stat sb;
		if (st && n == 2 && stat(given[i], &sb) == 0 &&
		    S_ISREG(sb.st_mode) && sb.st_size == 0) {
			f[i] = LABEL_FORMAT_INTERP;
			st = STATUS_OK;
		}
		if (st)
			return st;
	}
	if (n == 2) {
		int a = format_scopes(f[0]), b = format_scopes(f[1]);
		if (a == 3 || b == 3)
			return error_set(
				err, STATUS_USAGE, NULL, 0, 0,
				"--labels %s is %s, which holds the node and "
				"the metrics: give it alone (a second "
				"--labels goes with an SMD pair: a test_label "
				"file and an interpretation_label file)",
				given[a == 3 ? 0 : 1],
				a == 3 ? labelfile_format_name(f[0])
				       : labelfile_format_name(f[1]));
		if (a == b)
			return error_set(
				err, STATUS_USAGE, NULL, 0, 0,
				"--labels %s and --labels %s are both %s: "
				"give one node-level file (test_label) and "
				"one per-metric file (interpretation_label)",
				given[0], given[1],
				a == 1 ? "node-level files (test_label)"
				       : "per-metric files "
					 "(interpretation_label)");
		int node = a == 1 ? 0 : 1;
		src->path = given[1 - node];
		src->format = f[1 - node];
		src->node_path = given[node];
		src->node_format = f[node];
		return STATUS_OK;
	}
	if (n == 1) {
		src->path = given[0];
		src->format = f[0];
	}
	if (s->kind != SERIES_SMD)
		return STATUS_OK;
	/* an SMD machine: the scope no file gives from its own file */
	int scopes = n ? format_scopes(f[0]) : 0;
	const char *own_node = readable(s->label_path) ? s->label_path : NULL;
	const char *own_interp =
		readable(s->interp_path) ? s->interp_path : NULL;
	if (scopes == 0 && own_interp) {
		src->path = own_interp;
		src->format = LABEL_FORMAT_INTERP;
		src->node_path = own_node;
		src->node_format = LABEL_FORMAT_SMD;
		src->own = LABEL_OWN_METRICS | (own_node ? LABEL_OWN_NODE : 0);
	} else if (scopes == 0 && own_node) {
		src->path = own_node;
		src->format = LABEL_FORMAT_SMD;
		src->own = LABEL_OWN_NODE;
	} else if (scopes == 1 && own_interp) {
		src->node_path = src->path;
		src->node_format = src->format;
		src->path = own_interp;
		src->format = LABEL_FORMAT_INTERP;
		src->own = LABEL_OWN_METRICS;
	} else if (scopes == 2 && own_node) {
		src->node_path = own_node;
		src->node_format = LABEL_FORMAT_SMD;
		src->own = LABEL_OWN_NODE;
	}
	return STATUS_OK;
}

/* Whether src's node level is given (labelfile_complete's node_given):
 * all but an interpretation_label file alone. */
static int sources_node_given(const LabelSources *src)
{
	return src->node_path || src->format != LABEL_FORMAT_INTERP;
}

Status labelfile_read_sources(LabelSet *ls, const Series *s,
			      const LabelSources *src, int ahead,
			      ErrorRecord *err)
{
	Status st = read_sources(ls, s, src, ahead, err);
	if (st == STATUS_OK &&
	    (st = labelfile_complete(ls, sources_node_given(src),
				     err)))
		labelset_free(ls);
	return st;
}


Status labelfile_complete(LabelSet *ls, int node_given, ErrorRecord *err)
{
	Status st = STATUS_OK;
	const RangeSet *node = labelset_get(ls, LABEL_NODE);
	if (ls->metrics == 1 && labelset_get(ls, 0)->n == 0 && node->n)
		st = labelset_add_set(ls, 0, node, err);
	if (st == STATUS_OK && node->n == 0 && !node_given)
		for (size_t m = 0; m < ls->metrics && st == STATUS_OK; m++)
			st = labelset_add_set(ls, LABEL_NODE,
					      labelset_get(ls, m), err);
	if (st == STATUS_OK)
		st = labelset_reset_original(ls, err);
	return st;
}

Status labelfile_write(const LabelSet *ls, const Series *s, const char *path,
		       LabelFormat f, ErrorRecord *err)
{
	if (ls->metrics != s->metrics)
		return error_set(err, STATUS_MISMATCH, path, 0, 0,
				 "the labels have %zu metrics, the series %zu",
				 ls->metrics, s->metrics);
	TextBuf b;
	textio_init(&b);
	Status st = STATUS_OK;
	switch (f) {
	case LABEL_FORMAT_SMD:
		st = write_smd(ls, s, &b, path, err);
		break;
	case LABEL_FORMAT_INTERP:
		st = write_interp(ls, s, &b, path, err);
		break;
	case LABEL_FORMAT_NAB:
		st = write_nab(ls, s, path, &b, err);
		break;
	case LABEL_FORMAT_CSV:
		write_csv(ls, s, &b);
		break;
	case LABEL_FORMAT_COLUMN:
		st = error_set(err, STATUS_USAGE, path, 0, 0,
			       "a label column in a data file is only read: "
			       "write the labels as csv, smd, interp or nab");
		break;
	default:
		st = error_set(err, STATUS_USAGE, path, 0, 0,
			       "unknown label format");
	}
	if (!st && b.failed)
		st = nomem(err);
	if (!st)
		st = atomicfile_write(path, b.s ? b.s : "", b.len, err);
	textio_free(&b);
	return st;
}

/* ---- comparison ---- */

static int cmp_range(const void *a, const void *b)
{
	const Range *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->end > y->end) - (x->end < y->end);
}

Status labelfile_line_ranges(const LabelSet *ls, Range **out, size_t *n,
			     ErrorRecord *err)
{
	*out = NULL;
	*n = 0;
	if (ls->n_lines == 0)
		return STATUS_OK;
	Range *v = malloc(ls->n_lines * sizeof(*v));
	if (!v)
		return nomem(err);
	for (size_t i = 0; i < ls->n_lines; i++)
		v[i] = ls->lines[i].r;
	qsort(v, ls->n_lines, sizeof(*v), cmp_range);
	size_t k = 0;
	for (size_t i = 0; i < ls->n_lines; i++)
		if (k == 0 || cmp_range(&v[k - 1], &v[i]))
			v[k++] = v[i];
	*out = v;
	*n = k;
	return STATUS_OK;
}

/* Rows covered by the union of v[0..n) (sorted by start). */
static int64_t union_len(const Range *v, size_t n)
{
	int64_t sum = 0, end = INT64_MIN;
	for (size_t i = 0; i < n; i++) {
		int64_t s = v[i].start > end ? v[i].start : end;
		if (v[i].end > s)
			sum += v[i].end - s;
		if (v[i].end > end)
			end = v[i].end;
	}
	return sum;
}

/* Merge v[0..n) (sorted by start) into its union, in place; returns the
 * number of ranges left. */
static size_t merge_union(Range *v, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (k && v[i].start <= v[k - 1].end) {
			if (v[i].end > v[k - 1].end)
				v[k - 1].end = v[i].end;
		} else {
			v[k++] = v[i];
		}
	}
	return k;
}

/* Rows covered by both unions (both sorted by start); -1 without memory. */
static int64_t union_both(const Range *a, size_t na, const Range *b,
			  size_t nb)
{
	Range *ua = malloc((na + nb + 1) * sizeof(*ua));
	if (!ua)
		return -1;
	Range *ub = ua + na;
	memcpy(ua, a, na * sizeof(*a));
	memcpy(ub, b, nb * sizeof(*b));
	size_t ka = merge_union(ua, na), kb = merge_union(ub, nb);
	int64_t sum = 0;
	for (size_t i = 0, j = 0; i < ka && j < kb;) {
		int64_t s = ua[i].start > ub[j].start ? ua[i].start
						      : ub[j].start;
		int64_t e = ua[i].end < ub[j].end ? ua[i].end : ub[j].end;
		if (e > s)
			sum += e - s;
		if (ua[i].end < ub[j].end)
			i++;
		else
			j++;
	}
	free(ua);
	return sum;
}

Status labelfile_compare(const Range *a, size_t na, const Range *b, size_t nb,
			 LabelDisagreement **out, size_t *n, ErrorRecord *err)
{
	*out = NULL;
	*n = 0;
	size_t cap = 0, i = 0, j = 0;
	while (i < na || j < nb) {
		LabelDisagreement g = {i, 0, j, 0, 0, 0};
		int64_t end;
		if (j >= nb || (i < na && a[i].start <= b[j].start))
			end = a[i].end;
		else
			end = b[j].end;
		/* Grow the group while the next range overlaps its hull. */
		for (;;) {
			if (i < na && a[i].start < end) {
				if (a[i].end > end)
					end = a[i].end;
				i++;
				g.n_a++;
			} else if (j < nb && b[j].start < end) {
				if (b[j].end > end)
					end = b[j].end;
				j++;
				g.n_b++;
			} else {
				break;
			}
		}
		if (g.n_a == 1 && g.n_b == 1 &&
		    a[g.a_first].start == b[g.b_first].start &&
		    a[g.a_first].end == b[g.b_first].end)
			continue;
		int64_t both = union_both(a + g.a_first, g.n_a, b + g.b_first,
					  g.n_b);
		if (both < 0) {
			free(*out);
			*out = NULL;
			*n = 0;
			return nomem(err);
		}
		g.only_a = union_len(a + g.a_first, g.n_a) - both;
		g.only_b = union_len(b + g.b_first, g.n_b) - both;
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			LabelDisagreement *v = realloc(*out, cap * sizeof(*v));
			if (!v) {
				free(*out);
				*out = NULL;
				*n = 0;
				return nomem(err);
			}
			*out = v;
		}
		(*out)[(*n)++] = g;
	}
	return STATUS_OK;
}
