/* Text in and out for the label and detection files: a growable output
 * buffer, and the splitting of one CSV line into fields (RFC 4180 quotes).
 * Files are built in memory and then saved with atomicfile_write. Also the
 * small conversions both files share: metric names and row times. */
#ifndef VIGIL_TEXTIO_H
#define VIGIL_TEXTIO_H

#include <stddef.h>
#include <stdint.h>

#include "data/series.h"

typedef struct {
	char *s; /* owned: len bytes, NUL-terminated */
	size_t len;
	size_t cap;
	int failed; /* an allocation failed: the text is incomplete */
} TextBuf;

void textio_init(TextBuf *b);
void textio_free(TextBuf *b);
void textio_append(TextBuf *b, const char *s, size_t n);
void textio_printf(TextBuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Append s as one CSV field: quoted when it holds a comma, quote, CR or LF
 * (or leading/trailing space). */
void textio_csv_field(TextBuf *b, const char *s);

/* The lines of a text in memory: {text, text + len, 0} starts at line 1. */
typedef struct {
	const char *p, *end;
	long number; /* of the line last returned, 1-based */
} TextLines;

/* The next line of it into *line and *len, without its line end: "\n",
 * "\r\n", or a lone "\r" outside a quoted field (old Mac files and some
 * exports end lines so; the CSV reader takes them too). Returns 0 at the
 * end of the text. */
int textio_next_line(TextLines *it, const char **line, size_t *len);

/* Split line (len bytes, without its line end) into CSV fields. The fields
 * are written NUL-terminated into buf (size >= len + 1) and pointed to by
 * fields[0 .. *n); cols[i] is the 1-based column where field i starts.
 * Returns 0, or the 1-based column of a malformed quote or of a NUL byte
 * (text files hold none; a C string would silently end there). */
long textio_csv_split(const char *line, size_t len, char *buf, char **fields,
		      long *cols, size_t max_fields, size_t *n);

/* What is wrong at column col (as returned by textio_csv_split) of line,
 * for a message. */
const char *textio_csv_problem(const char *line, size_t len, long col);

/* Metric index of a name in s into *out ('*' = DETECT_NODE; series without
 * names use m01, m02, ...). Returns 0, or -1 when there is no such metric. */
int textio_metric_lookup(const Series *s, const char *name, size_t *out);
/* The name of metric m (or "*" for DETECT_NODE) into buf. */
void textio_metric_name(const Series *s, size_t m, char *buf, size_t n);

/* The same name whole, however long (a Prometheus series' name with its
 * labels runs past any fixed buffer): the series' own string, "*", or
 * "mNN" formatted into buf (n bytes). What the writers put in a file, so
 * that textio_metric_lookup finds it again. */
const char *textio_metric_str(const Series *s, size_t m, char *buf, size_t n);
/* A row index field (decimal digits, >= 0, nothing after them) into
 * *out. Returns 0, or -1 when text is not one. */
int textio_parse_row(const char *text, int64_t *out);
/* Row r's time as the label and detection files write it into buf: a date
 * (textio_format_time), or elapsed time when the series' times count from
 * a start (series_format_time). s has times. */
void textio_row_time(const Series *s, size_t r, char *buf, size_t n);
/* t as "YYYY-MM-DD HH:MM:SS" (micro: with ".000000") into buf. */
void textio_format_time(int64_t t, int micro, char *buf, size_t n);

#endif
