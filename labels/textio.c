/* TextBuf and CSV line splitting (see textio.h). */
#include "labels/textio.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void textio_init(TextBuf *b)
{
	memset(b, 0, sizeof(*b));
}

void textio_free(TextBuf *b)
{
	free(b->s);
	textio_init(b);
}

static int grow(TextBuf *b, size_t extra)
{
	if (b->failed)
		return -1;
	if (b->len + extra + 1 <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra + 1)
		cap *= 2;
	char *s = realloc(b->s, cap);
	if (!s) {
		b->failed = 1;
		return -1;
	}
	b->s = s;
	b->cap = cap;
	return 0;
}

void textio_append(TextBuf *b, const char *s, size_t n)
{
	if (grow(b, n))
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void textio_printf(TextBuf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		textio_append(b, small, (size_t)n);
		return;
	}
	if (grow(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void textio_csv_field(TextBuf *b, const char *s)
{
	if (!s)
		return;
	size_t n = strlen(s);
	int quote = n > 0 && (s[0] == ' ' || s[n - 1] == ' ');
	for (size_t i = 0; i < n && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' ||
			s[i] == '\r';
	if (!quote) {
		textio_append(b, s, n);
		return;
	}
	textio_append(b, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			textio_append(b, "\"", 1);
		textio_append(b, s + i, 1);
	}
	textio_append(b, "\"", 1);
}

int textio_next_line(TextLines *it, const char **line, size_t *len)
{
	if (it->p >= it->end)
		return 0;
	const char *q = it->p, *next = it->end;
	int quoted = 0;
	for (; q < it->end; q++) {
		if (*q == '"') {
			quoted = !quoted;
		} else if (*q == '\n') {
			next = q + 1;
			break;
		} else if (*q == '\r') {
			int crlf = q + 1 < it->end && q[1] == '\n';
			if (crlf || !quoted) {
				next = q + 1 + crlf;
				break;
			}
		}
	}
	*line = it->p;
	*len = (size_t)(q - it->p);
	it->p = next;
	it->number++;
	return 1;
}

long textio_csv_split(const char *line, size_t len, char *buf, char **fields,
		      long *cols, size_t max_fields, size_t *n)
{
	size_t i = 0, o = 0;
	*n = 0;
	for (;;) {
		if (*n == max_fields)
			return (long)i + 1;
		fields[*n] = buf + o;
		cols[*n] = (long)i + 1;
		(*n)++;
		if (i < len && line[i] == '"') {
			i++;
			for (;;) {
				if (i >= len)
					return cols[*n - 1];
				if (line[i] == '\0')
					return (long)i + 1;
				if (line[i] == '"') {
					if (i + 1 < len && line[i + 1] == '"') {
						buf[o++] = '"';
						i += 2;
						continue;
					}
					i++;
					break;
				}
				buf[o++] = line[i++];
			}
			if (i < len && line[i] != ',')
				return (long)i + 1;
		} else {
			while (i < len && line[i] != ',') {
				if (line[i] == '"' || line[i] == '\0')
					return (long)i + 1;
				buf[o++] = line[i++];
			}
		}
		buf[o++] = '\0';
		if (i >= len)
			return 0;
		i++; /* the comma */
	}
}

const char *textio_csv_problem(const char *line, size_t len, long col)
{
	if (col >= 1 && (size_t)col <= len && line[col - 1] == '\0')
		return "a NUL byte inside a field: expected text (is this a "
		       "binary file?)";
	return "malformed CSV field";
}

int textio_metric_lookup(const Series *s, const char *name, size_t *out)
{
	if (!strcmp(name, "*")) {
		*out = DETECT_NODE;
		return 0;
	}
	for (size_t m = 0; m < s->metrics; m++) {
		char buf[32];
		const char *have = s->names && s->names[m] ? s->names[m] : buf;
		if (have == buf)
			snprintf(buf, sizeof(buf), "m%02zu", m + 1);
		if (!strcmp(have, name)) {
			*out = m;
			return 0;
		}
	}
	return -1;
}

void textio_metric_name(const Series *s, size_t m, char *buf, size_t n)
{
	if (m == DETECT_NODE)
		snprintf(buf, n, "*");
	else if (s->names && m < s->metrics && s->names[m])
		snprintf(buf, n, "%s", s->names[m]);
	else
		snprintf(buf, n, "m%02zu", m + 1);
}

const char *textio_metric_str(const Series *s, size_t m, char *buf, size_t n)
{
	if (m != DETECT_NODE && s->names && m < s->metrics && s->names[m])
		return s->names[m];
	textio_metric_name(s, m, buf, n);
	return buf;
}

void textio_format_time(int64_t t, int micro, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	if (strftime(buf, n, micro ? "%Y-%m-%d %H:%M:%S.000000"
				   : "%Y-%m-%d %H:%M:%S",
		     &tm) == 0 && n)
		buf[0] = '\0';
}

int textio_parse_row(const char *text, int64_t *out)
{
	if (!*text)
		return -1;
	char *end;
	errno = 0;
	long long v = strtoll(text, &end, 10);
	if (errno || *end || v < 0)
		return -1;
	*out = v;
	return 0;
}

void textio_row_time(const Series *s, size_t r, char *buf, size_t n)
{
	if (s->time_elapsed)
		series_format_time(s, r, buf, n);
	else
		textio_format_time(series_time(s, r), 0, buf, n);
}
