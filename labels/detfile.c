/* The detections file: reader and writer (see detfile.h). */
#include "labels/detfile.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "data/atomicfile.h"
#include "data/fileio.h"
#include "labels/textio.h"

static const char det_header[] =
	"metric,start,end,start_time,end_time,criticality,peak_score";

static Status nomem(ErrorRecord *err)
{
	return error_set(err, STATUS_NOMEM, NULL, 0, 0, "out of memory");
}

static void format_all(TextBuf *b, const Series *s, const Detection *d,
		       size_t n)
{
	textio_printf(b, "%s\n", det_header);
	for (size_t i = 0; i < n; i++) {
		char buf[32], t0[40] = "", t1[40] = "";
		const char *name =
			textio_metric_str(s, d[i].metric, buf, sizeof(buf));
		if (series_has_time(s) && d[i].r.start >= 0 &&
		    d[i].r.end > d[i].r.start &&
		    d[i].r.end <= (int64_t)s->rows) {
			textio_row_time(s, (size_t)d[i].r.start, t0, sizeof(t0));
			textio_row_time(s, (size_t)d[i].r.end - 1, t1, sizeof(t1));
		}
		const char *crit = crit_name(d[i].crit);
		textio_csv_field(b, name);
		textio_printf(b, ",%lld,%lld,%s,%s,%s,%.6g\n",
			      (long long)d[i].r.start, (long long)d[i].r.end,
			      t0, t1, crit ? crit : "low", (double)d[i].peak);
	}
}

Status detfile_write(const char *path, const Series *s, const Detection *d,
		     size_t n, ErrorRecord *err)
{
	TextBuf b;
	textio_init(&b);
	format_all(&b, s, d, n);
	Status st = b.failed ? nomem(err)
			     : atomicfile_write(path, b.s, b.len, err);
	textio_free(&b);
	return st;
}

Status detfile_write_stream(FILE *f, const Series *s, const Detection *d,
			    size_t n, ErrorRecord *err)
{
	TextBuf b;
	textio_init(&b);
	format_all(&b, s, d, n);
	Status st = STATUS_OK;
	if (b.failed)
		st = nomem(err);
	else if (fwrite(b.s, 1, b.len, f) != b.len || fflush(f) != 0)
		st = error_set(err, STATUS_IO, NULL, 0, 0,
			       "cannot write the detections: %s",
			       strerror(errno));
	textio_free(&b);
	return st;
}

Status detfile_read(const char *path, const Series *s, Detection **out,
		    size_t *n_out, ErrorRecord *err)
{
	*out = NULL;
	*n_out = 0;
	char *text;
	size_t text_len;
	Status st = fileio_slurp(path, &text, &text_len, err);
	if (st)
		return st;
	TextLines it = {text, text + text_len, 0};
	const char *line;
	char *buf = NULL;
	size_t len, buf_cap = 0, cap = 0, n = 0;
	Detection *v = NULL;
	int header = 0;
	while (!st && textio_next_line(&it, &line, &len)) {
		long lineno = it.number;
		if (len == 0)
			continue;
		if (!header) {
			size_t bom = lineno == 1 ? series_bom_len(line, len)
						 : 0;
			const char *hl = line + bom;
			len -= bom;
			/* Excel's `sep=,` line before the header */
			if (lineno == 1 && series_sep_line(hl, len) == ',')
				continue;
			if (len != strlen(det_header) ||
			    memcmp(hl, det_header, len)) {
				st = error_set(err, STATUS_PARSE, path, lineno,
					       1, "expected the header '%s'",
					       det_header);
				break;
			}
			header = 1;
			continue;
		}
		if (len + 1 > buf_cap) {
			char *nb = realloc(buf, len + 1);
			if (!nb) {
				st = nomem(err);
				break;
			}
			buf = nb;
			buf_cap = len + 1;
		}
		char *fl[8];
		long col[8];
		size_t nf;
		long bad = textio_csv_split(line, len, buf, fl, col, 8, &nf);
		if (bad) {
			st = error_set(err, STATUS_PARSE, path, lineno, bad,
				       "%s", textio_csv_problem(line, len, bad));
			break;
		}
		if (nf != 7) {
			st = error_set(err, STATUS_PARSE, path, lineno,
				       nf > 7 ? col[7] : (long)len + 1,
				       "expected 7 fields (%s), found %zu",
				       det_header, nf);
			break;
		}
		Detection d;
		memset(&d, 0, sizeof(d));
		if (textio_metric_lookup(s, fl[0], &d.metric)) {
			st = error_set(err, STATUS_MISMATCH, path, lineno,
				       col[0],
				       "no metric named '%s' in the data",
				       fl[0]);
			break;
		}
		if (textio_parse_row(fl[1], &d.r.start)) {
			st = error_set(err, STATUS_PARSE, path, lineno, col[1],
				       "expected a start row, found '%s'",
				       fl[1]);
			break;
		}
		if (textio_parse_row(fl[2], &d.r.end)) {
			st = error_set(err, STATUS_PARSE, path, lineno, col[2],
				       "expected an end row, found '%s'",
				       fl[2]);
			break;
		}
		if (d.r.start >= d.r.end || d.r.end > (int64_t)s->rows) {
			st = error_set(err, STATUS_RANGE, path, lineno, col[1],
				       "range %lld-%lld is not inside the %zu "
				       "rows of the series",
				       (long long)d.r.start,
				       (long long)d.r.end, s->rows);
			break;
		}
		if (crit_parse(fl[5], &d.crit)) {
			st = error_set(err, STATUS_PARSE, path, lineno, col[5],
				       "expected criticality low, medium or "
				       "high, found '%s'",
				       fl[5]);
			break;
		}
		char *end;
		errno = 0;
		double peak = strtod(fl[6], &end);
		if (!fl[6][0] || *end || errno || !isfinite(peak)) {
			st = error_set(err, STATUS_PARSE, path, lineno, col[6],
				       "expected a peak score, found '%s'",
				       fl[6]);
			break;
		}
		d.peak = (float)peak;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			Detection *nv = realloc(v, cap * sizeof(*nv));
			if (!nv) {
				st = nomem(err);
				break;
			}
			v = nv;
		}
		v[n++] = d;
	}
	if (!st && !header)
		st = error_set(err, STATUS_EMPTY, path, 1, 1,
			       "empty file: expected the header '%s'",
			       det_header);
	free(text);
	free(buf);
	if (st) {
		free(v);
		return st;
	}
	*out = v;
	*n_out = n;
	return STATUS_OK;
}
