/* The Server Machine Dataset loader: train/M.txt followed by test/M.txt.
 *
 * SMD halves are 8 MB of plain comma-separated floats, so this loader does
 * not go through libcsv: it reads the test and the train file whole (each
 * read once), counts their rows, and parses them with the fast float parser
 * of data/fastfloat.h straight into the column-major matrix. Peak memory is
 * the two files plus the floats. Blank lines are skipped; a cell that is
 * empty, NaN, null, NA or N/A is missing and filled as in a CSV file (from
 * the previous row, a leading gap from the first value); anything else
 * that is not `v1,...,vK` with the first line's K names its file, line and
 * column (field number). */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "data/fastfloat.h"
#include "data/fileio.h"
#include "data/series.h"
#include "data/series_internal.h"

/* Parses one decimal number at p (no leading spaces) into *out and returns
 * the end, or NULL if p does not start a number: strtof's float, fast
 * (data/fastfloat.h). */
static const char *parse_float(const char *p, float *out)
{
	return fastfloat_parse_float(p, out);
}

/* Exposed for the test that checks the parser against strtof. */
const char *series_smd_parse_float(const char *p, float *out)
{
	return parse_float(p, out);
}

static int blank_line(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	return p == end;
}

/* Turn each lone CR of text[0..len) (a CR not before an LF: the line end
 * of old Mac files) into LF, so that such a file reads line by line as the
 * CSV reader reads it. SMD files have no quoted fields to keep it in. */
static void lone_cr_to_lf(char *text, size_t len)
{
	for (char *p = text; (p = memchr(p, '\r', (size_t)(text + len - p)));
	     p++)
		if (p + 1 == text + len || p[1] != '\n')
			*p = '\n';
}

/* Rows (non-blank lines) of text[0..len). */
static size_t count_rows(const char *text, size_t len)
{
	size_t rows = 0;
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		if (!blank_line(p, le))
			rows++;
		p = nl ? nl + 1 : end;
	}
	return rows;
}

/* Number of fields on the first non-blank line. */
static size_t first_fields(const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		if (!blank_line(p, le)) {
			size_t k = 1;
			for (const char *c = p; c < le; c++)
				k += *c == ',';
			return k;
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

/* The line number (1-based) of the first non-blank line. */
static long first_line(const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	long line = 1;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		if (!blank_line(p, le))
			break;
		line++;
		p = nl ? nl + 1 : end;
	}
	return line;
}

/* When the first non-blank line of text is pandas' default header, 0,1,
 * 2,...,k-1 with k >= 2 (df.to_csv(path, index=False) of a frame made from
 * an array), and the next line holds a number with a fraction, blank it
 * out (spaces: the line numbers of the rest stay) and return 1; else 0. */
static int blank_pandas_header(char *text, size_t len)
{
	char *p = text, *end = text + len;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *le = nl ? nl : end;
		if (!blank_line(p, le))
			break;
		p = nl ? nl + 1 : end;
	}
	char *le = memchr(p, '\n', (size_t)(end - p));
	le = le ? le : end;
	char *e = le;
	while (e > p && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
		e--;
	size_t k = 0;
	for (const char *c = p; c < e; k++) {
		const char *f = c;
		while (c < e && *c != ',')
			c++;
		if (!series_cell_is(f, (size_t)(c - f), k))
			return 0;
		if (c < e)
			c++;
		else
			break;
	}
	if (k + 1 < 2)
		return 0;
	/* the next line holds measurements (a number with a fraction or an
	   exponent), not integers that could count the same way */
	if (le >= end)
		return 0;
	char *q = le + 1, *qe = memchr(q, '\n', (size_t)(end - q));
	if (!series_has_fraction(q, (size_t)((qe ? qe : end) - q)))
		return 0;
	memset(p, ' ', (size_t)(e - p));
	return 1;
}

/* The error for a field that is not a number, quoting its text. */
static Status bad_number(const char *path, long line, size_t f,
			 const char *p, const char *end, ErrorRecord *err)
{
	const char *e = p;
	while (e < end && *e != ',' && *e != '\n' && *e != '\r' && e - p < 40)
		e++;
	if (memchr(p, '\0', (size_t)(e - p)))
		return error_set(err, STATUS_PARSE, path, line, (long)f + 1,
				 "expected a number, found a NUL byte (is "
				 "this a binary file?)");
	const char *fe = e;
	while (fe < end && *fe != ',' && *fe != '\n' && *fe != '\r')
		fe++;
	size_t k = series_blank_separated(p, (size_t)(fe - p));
	if (k)
		return error_set(err, STATUS_PARSE, path, line, (long)f + 1,
				 "expected a number, found '%.*s': %zu "
				 "numbers separated by spaces or tabs, where "
				 "SMD files separate them by commas",
				 (int)(e - p), p, k);
	const char *fs = p;
	while (fs < fe && (*fs == ' ' || *fs == '\t'))
		fs++;
	while (fe > fs && (fe[-1] == ' ' || fe[-1] == '\t'))
		fe--;
	return error_set(err, STATUS_PARSE, path, line, (long)f + 1,
			 "expected a number, found '%.*s'%s", (int)(e - p), p,
			 series_range_note(fs, (size_t)(fe - fs)));
}

/* A missing cell at p (empty, NaN, null, NA or N/A, blanks around it
 * allowed): where it ends (at the ',' or line end after it), else NULL. */
static const char *missing_cell(const char *p, const char *end)
{
	const char *e = p;
	while (e < end && *e != ',' && *e != '\n' && *e != '\r')
		e++;
	const char *te = e;
	while (te > p && (te[-1] == ' ' || te[-1] == '\t'))
		te--;
	return series_missing_cell(p, (size_t)(te - p)) ? e : NULL;
}

/* Nonzero when every non-blank line of text ends with a comma (blanks and
 * a CR after it aside). */
static int comma_ends_every_line(const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		if (e > p && e[-1] != ',')
			return 0;
		p = nl ? nl + 1 : end;
	}
	return 1;
}

/* Parses rows of k floats (k from the first row of kfrom) from text into
 * columns of stride `stride`, starting at row `row0`; expects exactly
 * `rows` non-blank lines. A missing cell is stored as NaN and counted in
 * *missing. */
static Status parse_rows(const char *path, const char *text, size_t len,
			 size_t k, const char *kfrom, float *values,
			 size_t stride, size_t row0, size_t rows,
			 size_t *missing, ErrorRecord *err)
{
	const char *p = text, *end = text + len;
	long line = 1;
	size_t r = row0;
	while (p < end) {
		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (*p == '\n' || p >= end) {
			if (p < end)
				p++;
			line++;
			continue;
		}
		if (r >= row0 + rows)
			return error_set(err, STATUS_INTERNAL, path, line, 1,
					 "more rows than counted");
		float *dst = values + r;
		/* the usual row, "v,v,...,v\n": stored as it is read; any
		   other text goes through the careful loop below from the
		   row's start (which also finds the error to report) */
		const char *fp = p;
		size_t nf = 0;
		for (; nf < k; nf++) {
			float v;
			const char *e = fastfloat_parse_float_in(fp, end, &v);
			if (!e || !isfinite(v))
				break;
			dst[nf * stride] = v;
			if (*e != ',') {
				fp = e;
				nf++;
				break;
			}
			fp = e + 1;
		}
		if (nf == k && (*fp == '\n' || fp == end)) {
			p = fp < end ? fp + 1 : fp;
			line++;
			r++;
			continue;
		}
		const char *ns = p; /* start of the current field's number */
		for (size_t f = 0; f < k; f++) {
			while (*p == ' ' || *p == '\t')
				p++;
			float v;
			ns = p;
			const char *q = fastfloat_parse_float_in(p, end, &v);
			const char *mq = q && isfinite(v) ? NULL
							   : missing_cell(p, end);
			if (mq) {
				q = mq;
				v = NAN;
				(*missing)++;
			} else if (!q) {
				if (*p == '\n' || *p == '\r' || p >= end)
					return error_set(
						err, STATUS_PARSE, path, line,
						(long)f + 1,
						"expected %zu fields as in the "
						"first row of %s, found %zu",
						k, kfrom, f);
				return bad_number(path, line, f, p, end, err);
			} else if (!isfinite(v)) { /* 1e99 overflows a float */
				return bad_number(path, line, f, ns, end, err);
			}
			p = q;
			while (*p == ' ' || *p == '\t')
				p++;
			dst[f * stride] = v;
			if (f + 1 == k)
				break;
			if (*p == ',') {
				p++;
				continue;
			}
			if (*p == '\n' || *p == '\r' || p >= end)
				return error_set(err, STATUS_PARSE, path, line,
						 (long)f + 2,
						 "expected %zu fields as in the "
						 "first row of %s, found %zu",
						 k, kfrom, f + 1);
			/* "1.5x": the number's text goes on past the number */
			return bad_number(path, line, f, ns, end, err);
		}
		while (*p == '\r' || *p == ' ' || *p == '\t')
			p++;
		if (*p == ',') {
			size_t extra = k;
			for (const char *c = p; c < end && *c != '\n'; c++)
				extra += *c == ',';
			return error_set(err, STATUS_PARSE, path, line,
					 (long)k + 1,
					 "expected %zu fields as in the first "
					 "row of %s, found %zu",
					 k, kfrom, extra);
		}
		if (p < end && *p != '\n')
			return bad_number(path, line, k - 1, ns, end, err);
		if (p < end)
			p++;
		line++;
		r++;
	}
	if (r != row0 + rows)
		return error_set(err, STATUS_INTERNAL, path, line, 1,
				 "fewer rows than counted");
	return STATUS_OK;
}

static char *path_join3(const char *a, const char *b, const char *c)
{
	size_t n = strlen(a) + strlen(b) + strlen(c) + 8;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s/%s.txt", a, b, c);
	return p;
}

Status series_load_smd(Series *s, const char *dir, const char *machine,
		       ErrorRecord *err)
{
	error_clear(err);
	series_init(s);
	char *train = path_join3(dir, "train", machine);
	char *test = path_join3(dir, "test", machine);
	char *buf = NULL, *tbuf = NULL;
	size_t cap = 0, len = 0, tcap = 0, tlen = 0, test_rows = 0, train_rows;
	Series tmp;
	series_init(&tmp);
	Status st;
	if (!train || !test) {
		st = error_set(err, STATUS_NOMEM, dir, 0, 0, "out of memory");
		goto out;
	}
	/* no machine of that name: said with the machines there; a FIFO
	   or a folder in its place is named as such by the reads below */
	if (!series_file_present(train) && !series_file_present(test)) {
		char known[4][256];
		size_t n = 0;
		ErrorRecord e2;
		series_smd_machines(dir, known, 4, &n, &e2);
		st = error_set(err, STATUS_IO, train, 0, 0,
			       "cannot open: %s (no machine '%s' in %s%s%s%s%s%s)",
			       strerror(ENOENT), machine, dir,
			       n ? "; it has " : "", n ? known[0] : "",
			       n > 1 ? ", " : "", n > 1 ? known[1] : "",
			       n > 2 ? ", ..." : "");
		goto out;
	}
	if ((st = fileio_read_all(test, &tbuf, &tcap, &tlen, err)))
		goto out;
	lone_cr_to_lf(tbuf, tlen);
	blank_pandas_header(tbuf, tlen);
	test_rows = count_rows(tbuf, tlen);
	if ((st = fileio_read_all(train, &buf, &cap, &len, err)))
		goto out;
	lone_cr_to_lf(buf, len);
	blank_pandas_header(buf, len);
	train_rows = count_rows(buf, len);
	size_t k = first_fields(buf, len);
	if (k > SERIES_MAX_METRICS) {
		st = error_set(err, STATUS_PARSE, train, first_line(buf, len),
			       SERIES_MAX_METRICS + 1,
			       "%zu fields on a line: vigil reads at most %d "
			       "metrics a dataset (README, Input formats)",
			       k, SERIES_MAX_METRICS);
		goto out;
	}
	if (train_rows == 0) {
		st = error_set(err, STATUS_EMPTY, train, 1, 1,
			       "the file is empty: expected rows of "
			       "comma-separated floats");
		goto out;
	}
	if (test_rows == 0) {
		st = error_set(err, STATUS_EMPTY, test, 1, 1,
			       "the file is empty: expected rows of "
			       "comma-separated floats");
		goto out;
	}
	size_t rows = train_rows + test_rows;
	if ((st = series_alloc(&tmp, rows, k, err)))
		goto out;
	char kfrom[300];
	snprintf(kfrom, sizeof(kfrom), "train/%.250s.txt", machine);
	size_t missing = 0;
	if ((st = parse_rows(train, buf, len, k, kfrom, tmp.values, rows, 0,
			     train_rows, &missing, err)))
		goto out;
	if ((st = parse_rows(test, tbuf, tlen, k, kfrom, tmp.values, rows,
			     train_rows, test_rows, &missing, err)))
		goto out;
	if (missing) {
		if (!(tmp.first_value = calloc(k, sizeof(size_t)))) {
			st = error_set(err, STATUS_NOMEM, dir, 0, 0,
				       "out of memory");
			goto out;
		}
		size_t m = series_fill_missing(tmp.values, rows, k,
					       &tmp.filled, tmp.first_value);
		/* a last field empty on every line (a comma at the end of
		   each line) is no metric */
		if (m == k - 1 && k > 1 && comma_ends_every_line(buf, len) &&
		    comma_ends_every_line(tbuf, tlen)) {
			free(tmp.names[k - 1]);
			tmp.names[k - 1] = NULL;
			tmp.metrics = --k;
			m = k;
		}
		if (m < k) {
			st = error_set(err, STATUS_EMPTY, train, 1, (long)m + 1,
				       "field %zu has no value in any row of "
				       "train/%s.txt or test/%s.txt",
				       m + 1, machine, machine);
			goto out;
		}
	}
	tmp.kind = SERIES_SMD;
	tmp.split = train_rows;
	tmp.interval = 60;
	tmp.t0 = 0;
	if (!(tmp.path = strdup(dir)) || !(tmp.machine = strdup(machine))) {
		st = error_set(err, STATUS_NOMEM, dir, 0, 0, "out of memory");
		goto out;
	}
	char *lab = path_join3(dir, "test_label", machine);
	char *interp = path_join3(dir, "interpretation_label", machine);
	if (lab && series_file_present(lab))
		tmp.label_path = lab;
	else
		free(lab);
	if (interp && series_file_present(interp))
		tmp.interp_path = interp;
	else
		free(interp);
	st = STATUS_OK;
out:
	free(buf);
	free(tbuf);
	free(train);
	free(test);
	if (st != STATUS_OK)
		series_free(&tmp);
	else
		*s = tmp;
	return st;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

Status series_smd_machines(const char *dir, char (*names)[256], size_t max,
			   size_t *n, ErrorRecord *err)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/train", dir);
	*n = 0;
	DIR *d = opendir(path);
	if (!d)
		return error_set(err, STATUS_IO, path, 0, 0, "cannot open: %s",
				 strerror(errno));
	char **all = NULL;
	size_t cnt = 0, cap = 0;
	struct dirent *e;
	Status st = STATUS_OK;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l < 5 || strcmp(e->d_name + l - 4, ".txt") || l - 4 >= 256)
			continue;
		if (cnt == cap) {
			size_t nc = cap ? cap * 2 : 32;
			char **a = realloc(all, nc * sizeof(char *));
			if (!a) {
				st = STATUS_NOMEM;
				break;
			}
			all = a;
			cap = nc;
		}
		if (!(all[cnt] = strndup(e->d_name, l - 4))) {
			st = STATUS_NOMEM;
			break;
		}
		cnt++;
	}
	closedir(d);
	if (cnt)
		qsort(all, cnt, sizeof(char *), cmp_name);
	for (size_t i = 0; i < cnt; i++) {
		if (i < max)
			snprintf(names[i], 256, "%s", all[i]);
		free(all[i]);
	}
	free(all);
	*n = cnt;
	if (st != STATUS_OK)
		return error_set(err, st, path, 0, 0, "out of memory");
	return STATUS_OK;
}
