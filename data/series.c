/* The Series container and the dispatch of a DATASET argument to its loader.
 *
 * Owns the lifetime of a Series (init, alloc, free), its time axis (row to
 * time, time to row, formatting and parsing of timestamps) and series_open,
 * which decides from the argument alone, or from a file's first line, whether
 * it names an SMD machine, one or several NAB files, a generic CSV file or a
 * Prometheus query. */
#include "data/series.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "data/fastfloat.h"
#include "data/fileio.h"
#include "data/prom.h"
#include "data/series_internal.h"

void series_init(Series *s)
{
	memset(s, 0, sizeof(*s));
}

void series_free(Series *s)
{
	if (s->names)
		for (size_t m = 0; m < s->metrics; m++)
			free(s->names[m]);
	free(s->names);
	free(s->values);
	free(s->timestamps);
	free(s->path);
	free(s->machine);
	free(s->label_path);
	free(s->interp_path);
	free(s->label_column);
	free(s->nab_key);
	free(s->axis_note);
	free(s->first_value);
	series_init(s);
}

Status series_alloc(Series *s, size_t rows, size_t metrics, ErrorRecord *err)
{
	series_init(s);
	if (metrics && rows > (size_t)-1 / sizeof(float) / metrics)
		return error_set(err, STATUS_NOMEM, NULL, 0, 0,
				 "%zu rows x %zu metrics is too large", rows,
				 metrics);
	s->values = calloc(rows * metrics > 0 ? rows * metrics : 1, sizeof(float));
	s->names = calloc(metrics ? metrics : 1, sizeof(char *));
	if (!s->values || !s->names)
		goto nomem;
	s->metrics = metrics;
	for (size_t m = 0; m < metrics; m++) {
		char name[32];
		snprintf(name, sizeof(name), "m%02zu", m + 1);
		if (!(s->names[m] = strdup(name)))
			goto nomem;
	}
	s->rows = rows;
	s->interval = 60;
	s->split = rows / 2;
	return STATUS_OK;
nomem:
	series_free(s);
	return error_set(err, STATUS_NOMEM, NULL, 0, 0,
			 "out of memory for %zu x %zu values", rows, metrics);
}

int64_t series_time(const Series *s, size_t r)
{
	if (s->timestamps)
		return s->timestamps[r];
	return s->t0 + (int64_t)r * (s->interval > 0 ? s->interval : 60);
}

size_t series_row_at_time(const Series *s, int64_t t)
{
	size_t lo = 0, hi = s->rows;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (series_time(s, mid) < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

void series_time_string(int64_t t, char *buf, size_t n)
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t sec = t - days * 86400;
	int64_t y;
	int mo, d;
	civil_from_days(days, &y, &mo, &d);
	snprintf(buf, n, "%04lld-%02d-%02d %02d:%02d:%02d", (long long)y, mo,
		 d, (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60));
}

void series_elapsed_string(int64_t t, char *buf, size_t n)
{
	const char *sign = t < 0 ? "-" : "+";
	uint64_t a = t < 0 ? (uint64_t)0 - (uint64_t)t : (uint64_t)t;
	unsigned h = (unsigned)(a / 3600 % 24), mi = (unsigned)(a / 60 % 60),
		 sec = (unsigned)(a % 60);
	if (a >= 86400)
		snprintf(buf, n, "%s%llud %02u:%02u:%02u", sign,
			 (unsigned long long)(a / 86400), h, mi, sec);
	else
		snprintf(buf, n, "%s%02u:%02u:%02u", sign, h, mi, sec);
}

static int digits(const char **p, int n, int *out);

int series_parse_elapsed(const char *text, int64_t *out)
{
	const char *p = text;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '+')
		p++;
	int64_t days = 0;
	const char *q = p;
	while (*q >= '0' && *q <= '9' && q - p < 9)
		q++;
	if (q > p && *q == 'd') {
		days = strtoll(p, NULL, 10);
		p = q + 1;
		while (*p == ' ')
			p++;
	}
	if (!*p)
		return -1;
	int h, mi, sec = 0, hl = p[1] == ':' ? 1 : 2;
	if (digits(&p, hl, &h) || *p++ != ':' || digits(&p, 2, &mi))
		return -1;
	if (*p == ':') {
		p++;
		if (digits(&p, 2, &sec))
			return -1;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p || h > 23 || mi > 59 || sec > 59)
		return -1;
	*out = days * 86400 + h * 3600 + mi * 60 + sec;
	return 0;
}

char *series_format_time(const Series *s, size_t r, char *buf, size_t n)
{
	if (n == 0)
		return buf;
	if (!series_has_time(s))
		snprintf(buf, n, "%zu", r);
	else if (s->time_elapsed)
		series_elapsed_string(series_time(s, r), buf, n);
	else
		series_time_string(series_time(s, r), buf, n);
	return buf;
}

int series_has_time(const Series *s)
{
	return s->timestamps != NULL || s->t0 != 0;
}

static int digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

int series_parse_time(const char *text, int64_t *out)
{
	const char *p = text;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0')
		return -1;
	/* Epoch seconds: digits, optionally a fraction (dropped). */
	const char *q = p;
	while (*q >= '0' && *q <= '9')
		q++;
	if (q > p && q - p <= 12 && (*q == '\0' || *q == '.' || *q == ' ')) {
		if (*q == '.') {
			q++;
			while (*q >= '0' && *q <= '9')
				q++;
		}
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q == '\0') {
			*out = strtoll(p, NULL, 10);
			return 0;
		}
		return -1;
	}
	int y, mo, d, h = 0, mi = 0, sec = 0, offset = 0;
	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) ||
	    *p++ != '-' || digits(&p, 2, &d))
		return -1;
	if (*p == ' ' || *p == 'T') {
		p++;
		if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
			return -1;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &sec))
				return -1;
			if (*p == '.') {
				p++;
				if (*p < '0' || *p > '9')
					return -1;
				while (*p >= '0' && *p <= '9')
					p++;
			}
		}
		if (*p == 'Z') {
			p++;
		} else if ((*p == '+' || *p == '-') && p[1] >= '0' &&
			   p[1] <= '9') {
			/* a UTC offset: +HH:MM, +HHMM or +HH */
			int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
			if (digits(&p, 2, &oh))
				return -1;
			if (*p == ':')
				p++;
			if (*p >= '0' && *p <= '9' && digits(&p, 2, &om))
				return -1;
			if (oh > 23 || om > 59)
				return -1;
			offset = sign * (oh * 3600 + om * 60);
		}
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '\0')
		return -1;
	static const int mdays[] = {31, 29, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31};
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 ||
	    mi > 59 || sec > 60)
		return -1;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (mo == 2 && d == 29 && !leap)
		return -1;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
	       offset;
	return 0;
}

/* ---- dispatch ---------------------------------------------------------- */

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Both described in series_internal.h. */
int series_time_name(const char *text, double *unit)
{
	static const char *const names[] = {"timestamps", "timestamp",
					    "datetime",	  "epoch",
					    "time",	  "date",
					    "ts"};
	static const struct {
		const char *name;
		double seconds;
	} units[] = {{"s", 1},	     {"sec", 1},	 {"secs", 1},
		     {"second", 1},   {"seconds", 1},	 {"utc", 0},
		     {"ms", 1e-3},    {"msec", 1e-3},	 {"millis", 1e-3},
		     {"milliseconds", 1e-3},		 {"min", 60},
		     {"mins", 60},    {"minute", 60},	 {"minutes", 60},
		     {"h", 3600},     {"hr", 3600},	 {"hrs", 3600},
		     {"hour", 3600},  {"hours", 3600}};
	const char *s = text;
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	*unit = 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t l = strlen(names[i]);
		if (n < l || strncasecmp(s, names[i], l))
			continue;
		if (n == l)
			return 1;
		/* the rest: separators and brackets around one unit */
		const char *p = s + l, *e = s + n;
		if (!strchr("_ -([.", *p))
			continue;
		while (p < e && strchr("_ -([.", *p))
			p++;
		const char *w = p;
		while (p < e && isalpha((unsigned char)*p))
			p++;
		size_t wl = (size_t)(p - w);
		while (p < e && strchr(")] ", *p))
			p++;
		if (p != e || wl == 0)
			continue;
		for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++)
			if (strlen(units[u].name) == wl &&
			    !strncasecmp(w, units[u].name, wl)) {
				*unit = units[u].seconds;
				return 1;
			}
	}
	return 0;
}

int series_parse_time_in(const char *buf, double unit, int64_t *out)
{
	if (unit > 0) {
		double v;
		const char *e = fastfloat_parse_double(buf, &v);
		if (e && *e == '\0') {
			double sec = v * unit;
			if (!(fabs(sec) < 9e15))
				return -1;
			*out = llround(sec);
			return 0;
		}
	}
	return series_parse_time(buf, out);
}

void series_time_cell_string(int64_t t, double unit, int number, char *buf,
			     size_t n)
{
	if ((unit > 0 || number) && t < 100000000 && t > -100000000) {
		if (unit > 0)
			series_elapsed_string(t, buf, n);
		else
			snprintf(buf, n, "%lld", (long long)t);
	} else {
		series_time_string(t, buf, n);
	}
}

int series_label_name(const char *text)
{
	static const char *const names[] = {"label",	 "labels",
					    "is_anomaly", "anomaly",
					    "anomaly_label", "attack",
					    "is_attack"};
	while (*text == ' ' || *text == '\t')
		text++;
	size_t n = strlen(text);
	while (n && (text[n - 1] == ' ' || text[n - 1] == '\t' ||
		     text[n - 1] == '\r'))
		n--;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == n && !strncasecmp(text, names[i], n))
			return 1;
	return 0;
}

/* Nonzero when every x[0..n) is 0 or 1 (or missing: a file loaded
 * without filling, SERIES_CSV_NO_FILL, keeps its NaN). */
static int all_bits(const float *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (x[i] != 0.0f && x[i] != 1.0f && !isnan(x[i]))
			return 0;
	return 1;
}

size_t series_csv_label_index(char *const *names, const float *values,
			      size_t rows, size_t metrics, unsigned flags)
{
	if ((flags & SERIES_CSV_KEEP_LABELS) || metrics < 2)
		return metrics;
	for (size_t k = 0; k < metrics; k++)
		if (series_label_name(names[k]) &&
		    all_bits(values + k * rows, rows))
			return k;
	return metrics;
}

void series_csv_layout(Series *s, unsigned flags)
{
	size_t k = series_csv_label_index(s->names, s->values, s->rows,
					  s->metrics, flags);
	if (k == s->metrics)
		return;
	s->label_column = s->names[k];
	memmove(s->values + k * s->rows, s->values + (k + 1) * s->rows,
		(s->metrics - k - 1) * s->rows * sizeof(float));
	memmove(s->names + k, s->names + k + 1,
		(s->metrics - k - 1) * sizeof(char *));
	if (s->first_value)
		memmove(s->first_value + k, s->first_value + k + 1,
			(s->metrics - k - 1) * sizeof(size_t));
	s->metrics--;
	s->names[s->metrics] = NULL;
}

/* The names a dataset has, as a set with a lookup in O(1): each entry is
 * an owned copy, with the next suffix k to try for NAME.k. Names only join
 * it (a renamed column keeps an earlier copy of its old name), so a name
 * once taken stays taken and the search for a free NAME.k goes on from
 * where the last one for NAME stopped: n columns of one name cost O(n),
 * where a scan of every name for every k cost O(n^3) (10,000 columns
 * named `a` took minutes). */
typedef struct {
	char **key; /* NULL: a free slot */
	unsigned long *next;
	size_t cap; /* a power of two, at least twice the entries */
} NameSet;

static size_t name_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)(h ^ (h >> 32));
}

static int nameset_init(NameSet *t, size_t entries)
{
	t->cap = 16;
	while (t->cap < 2 * entries)
		t->cap *= 2;
	t->key = calloc(t->cap, sizeof(*t->key));
	t->next = calloc(t->cap, sizeof(*t->next));
	return t->key && t->next ? 0 : -1;
}

static void nameset_free(NameSet *t)
{
	for (size_t i = 0; t->key && i < t->cap; i++)
		free(t->key[i]);
	free(t->key);
	free(t->next);
}

static size_t nameset_slot(const NameSet *t, const char *name)
{
	size_t i = name_hash(name) & (t->cap - 1);
	while (t->key[i] && strcmp(t->key[i], name))
		i = (i + 1) & (t->cap - 1);
	return i;
}

static int nameset_has(const NameSet *t, const char *name)
{
	return t->key[nameset_slot(t, name)] != NULL;
}

/* The slot of name, added when missing; (size_t)-1 when out of memory. */
static size_t nameset_add(NameSet *t, const char *name)
{
	size_t i = nameset_slot(t, name);
	if (!t->key[i] && !(t->key[i] = strdup(name)))
		return (size_t)-1;
	return i;
}

/* names[i] becomes NAME.k, the first k no name in `all` has. 0 or -1. */
static int suffix_name(char **names, size_t i, NameSet *all)
{
	size_t base = nameset_add(all, names[i]);
	size_t l = strlen(names[i]);
	char *fresh = malloc(l + 24);
	if (base == (size_t)-1 || !fresh) {
		free(fresh);
		return -1;
	}
	unsigned long k = all->next[base] ? all->next[base] : 1;
	for (;; k++) {
		snprintf(fresh, l + 24, "%s.%lu", names[i], k);
		if (!nameset_has(all, fresh))
			break;
	}
	all->next[base] = k + 1;
	if (nameset_add(all, fresh) == (size_t)-1) {
		free(fresh);
		return -1;
	}
	free(names[i]);
	names[i] = fresh;
	return 0;
}

/* Every name of names[0..n) in `all`; its room for n more. 0 or -1. */
static int nameset_of(NameSet *all, char **names, size_t n)
{
	if (nameset_init(all, 2 * n + 1))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (nameset_add(all, names[i]) == (size_t)-1)
			return -1;
	return 0;
}

static int star_names(char **names, size_t n, NameSet *all)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], "*") && suffix_name(names, i, all))
			return -1;
	return 0;
}

int series_star_names(char **names, size_t n)
{
	NameSet all = {0};
	int rc = nameset_of(&all, names, n) ? -1 : star_names(names, n, &all);
	nameset_free(&all);
	return rc;
}

int series_unique_names(char **names, size_t n)
{
	NameSet all = {0}, earlier = {0};
	int rc = -1;
	if (nameset_of(&all, names, n) || star_names(names, n, &all) ||
	    nameset_init(&earlier, n))
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (nameset_has(&earlier, names[i]) &&
		    suffix_name(names, i, &all))
			goto out;
		if (nameset_add(&earlier, names[i]) == (size_t)-1)
			goto out;
	}
	rc = 0;
out:
	nameset_free(&all);
	nameset_free(&earlier);
	return rc;
}

size_t series_bom_len(const char *p, size_t n)
{
	return n >= 3 && !memcmp(p, "\xef\xbb\xbf", 3) ? 3 : 0;
}

char series_sep_line(const char *p, size_t n)
{
	if (n && p[n - 1] == '\r')
		n--;
	return n == 5 && !strncasecmp(p, "sep=", 4) ? p[4] : 0;
}

const char *series_range_note(const char *s, size_t n)
{
	char buf[128];
	if (n == 0 || n >= sizeof(buf))
		return "";
	memcpy(buf, s, n);
	buf[n] = '\0';
	char *end;
	double d = strtod(buf, &end);
	if (end != buf + n || isnan(d) || isfinite((float)d))
		return "";
	return isinf(d) && !strpbrk(buf, "0123456789")
		       ? ", an infinity: expected a finite number"
		       : ", beyond float's range: vigil keeps values of at "
			 "most 3.4e38 in size";
}

int series_has_fraction(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '.' || s[i] == 'e' || s[i] == 'E')
			return 1;
	return 0;
}

char series_other_separator(const char *text)
{
	return strchr(text, '\t') ? '\t' : strchr(text, ';') ? ';' : 0;
}

int series_cell_is(const char *s, size_t n, size_t k)
{
	char buf[32];
	int l = snprintf(buf, sizeof(buf), "%zu", k);
	return l > 0 && (size_t)l == n && !memcmp(buf, s, n);
}

int series_bool_cell(const char *s, size_t n, float *v)
{
	if (n == 4 && !strncasecmp(s, "true", 4))
		*v = 1.0f;
	else if (n == 5 && !strncasecmp(s, "false", 5))
		*v = 0.0f;
	else
		return 0;
	return 1;
}

size_t series_blank_separated(const char *s, size_t n)
{
	size_t count = 0, i = 0;
	while (i < n) {
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == n)
			break;
		size_t j = i;
		while (j < n && s[j] != ' ' && s[j] != '\t')
			j++;
		char buf[64];
		if (j - i >= sizeof(buf))
			return 0;
		memcpy(buf, s + i, j - i);
		buf[j - i] = '\0';
		float v;
		const char *e = fastfloat_parse_float(buf, &v);
		if (!e || *e != '\0')
			return 0;
		count++;
		i = j;
	}
	return count >= 2 ? count : 0;
}

int series_missing_cell(const char *s, size_t n)
{
	return n == 0 || (n == 3 && !strncasecmp(s, "nan", 3)) ||
	       (n == 4 && !strncasecmp(s, "null", 4)) ||
	       (n == 2 && !strncasecmp(s, "na", 2)) ||
	       (n == 3 && !strncasecmp(s, "n/a", 3));
}

size_t series_fill_missing(float *values, size_t rows, size_t metrics,
			   size_t *filled, size_t *first)
{
	for (size_t m = 0; m < metrics; m++) {
		float *x = values + m * rows;
		size_t r0 = 0;
		while (r0 < rows && isnan(x[r0]))
			r0++;
		if (first)
			first[m] = r0;
		if (r0 == rows)
			return m;
		for (size_t r = 0; r < r0; r++)
			x[r] = x[r0];
		*filled += r0;
		for (size_t r = r0 + 1; r < rows; r++)
			if (isnan(x[r])) {
				x[r] = x[r - 1];
				(*filled)++;
			}
	}
	return metrics;
}

size_t series_untrained_metric(const Series *s, size_t from)
{
	for (size_t m = from; s->first_value && m < s->metrics; m++)
		if (s->split > 0 && s->first_value[m] >= s->split)
			return m;
	return s->metrics;
}

int series_shell_word(const char *s, char *buf, size_t n)
{
	int plain = *s != '\0';
	for (const char *c = s; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr("._+-=@%:,/", *c))
			plain = 0;
	size_t k = 0;
#define PUT(ch)                        \
	do {                           \
		if (k + 1 >= n)        \
			return -1;     \
		buf[k++] = (ch);       \
	} while (0)
	if (!plain)
		PUT('\'');
	for (const char *c = s; *c; c++) {
		if (*c == '\'') {
			PUT('\'');
			PUT('\\');
			PUT('\'');
		}
		PUT(*c);
	}
	if (!plain)
		PUT('\'');
#undef PUT
	buf[k] = '\0';
	return 0;
}

void series_long_format_advice(char *buf, size_t n, const char *path,
			       size_t field)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	/* "FILE" when the word takes more than 80 characters: a cut name
	   would name another file */
	char word[81];
	if (series_shell_word(base, word, sizeof(word)))
		snprintf(word, sizeof(word), "FILE");
	snprintf(buf, n,
		 "an identifier the next rows repeat: several series in one "
		 "file, told apart by this column (long format); vigil reads "
		 "one series a file: split it, e.g. awk -F, -v OFS=, -v k=%zu "
		 "'{v=$k; for(i=k;i<NF;i++)$i=$(i+1); NF--} NR==1{h=$0; next} "
		 "!(v in s){s[v]; print h > (v \".csv\")} {print > (v "
		 "\".csv\")}' %s",
		 field, word);
}

int series_file_present(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static int smd_has(const char *dir, const char *sub)
{
	char p[4096];
	if (snprintf(p, sizeof(p), "%s/%s", dir, sub) >= (int)sizeof(p))
		return 0;
	return is_dir(p);
}

static int is_smd_dir(const char *dir)
{
	return smd_has(dir, "train") && smd_has(dir, "test");
}

int series_is_psm_dir(const char *dir)
{
	char a[4096], b[4096];
	return is_dir(dir) && !is_smd_dir(dir) &&
	       snprintf(a, sizeof(a), "%s/train.csv", dir) < (int)sizeof(a) &&
	       snprintf(b, sizeof(b), "%s/test.csv", dir) < (int)sizeof(b) &&
	       is_file(a) && is_file(b);
}

/* SMD folder given without a machine: pick the only machine in train/, or
 * say which ones there are. */
static Status open_smd_dir(Series *s, const char *dir, ErrorRecord *err)
{
	static char names[10][256];
	size_t n = 0;
	Status st = series_smd_machines(dir, names, 10, &n, err);
	if (st != STATUS_OK)
		return st;
	if (n == 1)
		return series_load_smd(s, dir, names[0], err);
	if (n == 0)
		return error_set(err, STATUS_EMPTY, dir, 0, 0,
				 "no machine files in %s/train", dir);
	char list[1024] = "";
	for (size_t i = 0; i < n && i < 10; i++) {
		size_t used = strlen(list);
		if (snprintf(list + used, sizeof(list) - used, "%s%s",
			     i ? ", " : "", names[i]) >=
		    (int)(sizeof(list) - used))
			break;
	}
	return error_set(err, STATUS_USAGE, dir, 0, 0,
			 "several machines here (%s%s): name one as %s:MACHINE",
			 list, n > 10 ? ", ..." : "", dir);
}

/* PATH/train/M.txt or PATH/test/M.txt of an SMD layout. */
static int smd_from_file(const char *path, char *dir, size_t dn, char *machine,
			 size_t mn)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return 0;
	const char *base = slash + 1;
	size_t bl = strlen(base);
	if (bl < 5 || strcmp(base + bl - 4, ".txt"))
		return 0;
	size_t pl = (size_t)(slash - path);
	const char *sub = NULL;
	if (pl >= 5 && !strncmp(slash - 5, "train", 5))
		sub = slash - 5;
	else if (pl >= 4 && !strncmp(slash - 4, "test", 4))
		sub = slash - 4;
	if (!sub || (sub > path && sub[-1] != '/'))
		return 0;
	/* train/M.txt names the machine of the current folder, /train/M.txt
	   of the root's: "." and "/", as PATH/train/M.txt names PATH's */
	size_t dl = sub > path ? (size_t)(sub - path - 1) : 0;
	if (dl + 2 > dn || bl - 4 + 1 > mn)
		return 0;
	if (sub == path) {
		snprintf(dir, dn, ".");
	} else if (dl == 0) {
		snprintf(dir, dn, "/");
	} else {
		memcpy(dir, path, dl);
		dir[dl] = '\0';
	}
	memcpy(machine, base, bl - 4);
	machine[bl - 4] = '\0';
	return is_smd_dir(dir);
}

/* Reads the first line of path (BOM and CR stripped) into buf. */
static Status first_line(const char *path, char *buf, size_t n,
			 ErrorRecord *err)
{
	FILE *f;
	Status st = fileio_open(path, &f, err);
	if (st)
		return st;
	buf[0] = '\0';
	if (!fgets(buf, (int)n, f))
		buf[0] = '\0';
	fclose(f);
	char *p = buf;
	size_t bom = series_bom_len(p, strlen(p));
	if (bom)
		memmove(p, p + bom, strlen(p + bom) + 1);
	size_t l = strlen(p);
	while (l && (p[l - 1] == '\n' || p[l - 1] == '\r'))
		p[--l] = '\0';
	return STATUS_OK;
}

int series_is_nab_file(const char *path)
{
	char line[256];
	ErrorRecord e;
	if (first_line(path, line, sizeof(line), &e) != STATUS_OK)
		return 0;
	return !strcmp(line, "timestamp,value");
}

static Status open_nab_list(Series *s, const char *dataset,
			    const SeriesOptions *opt, ErrorRecord *err)
{
	char *copy = strdup(dataset);
	size_t cap = 1;
	for (const char *c = dataset; *c; c++)
		cap += *c == ',';
	const char **paths = calloc(cap, sizeof(char *));
	if (!copy || !paths) {
		free(copy);
		free(paths);
		return error_set(err, STATUS_NOMEM, dataset, 0, 0,
				 "out of memory");
	}
	size_t n = 0;
	char *save = NULL;
	for (char *tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save))
		if (*tok)
			paths[n++] = tok;
	Status st = series_load_nab(s, paths, n, opt, err);
	free(paths);
	free(copy);
	return st;
}

/* The SMD folder of a PATH:M argument's PATH (dl bytes of dataset; empty
 * is "."): PATH itself or PATH/ServerMachineDataset, into dir. 1 when it is
 * one, -1 when PATH is another folder, 0 otherwise. */
static int machine_dir(const char *dataset, size_t dl, char *dir, size_t dn)
{
	if (dl >= dn)
		return 0;
	memcpy(dir, dataset, dl);
	dir[dl] = '\0';
	if (dl == 0)
		snprintf(dir, dn, ".");
	if (is_smd_dir(dir))
		return 1;
	char sub[4096];
	if (snprintf(sub, sizeof(sub), "%s/ServerMachineDataset", dir) <
		    (int)sizeof(sub) &&
	    is_smd_dir(sub)) {
		snprintf(dir, dn, "%s", sub);
		return 1;
	}
	return is_dir(dir) ? -1 : 0;
}

/* PATH:M split at a ':' that leaves an SMD folder on its left. A machine's
 * name may hold ':' and so may a folder's: the rightmost ':' whose M has a
 * train/M.txt wins, else the rightmost that leaves an SMD folder (the
 * loader then says the machine is missing). 1 with dir and *machine set;
 * -1 when the part before the last ':' is a folder but not an SMD one
 * (dir names it); 0 when the argument is no PATH:M. */
static int split_machine(const char *dataset, char *dir, size_t dn,
			 const char **machine)
{
	const char *last = strrchr(dataset, ':'), *fallback = NULL;
	int other = 0;
	for (const char *c = last; c; ) {
		const char *m = c + 1;
		if (*m && !strchr(m, '/') && !strchr(m, ',')) {
			char d[4096], p[4600];
			int k = machine_dir(dataset, (size_t)(c - dataset), d,
					    sizeof(d));
			if (k < 0 && c == last) {
				other = 1;
				snprintf(dir, dn, "%s", d);
			}
			if (k > 0 && !fallback)
				fallback = c;
			if (k > 0 && snprintf(p, sizeof(p), "%s/train/%s.txt", d,
					      m) < (int)sizeof(p) &&
			    is_file(p)) {
				fallback = c;
				break;
			}
		}
		/* the ':' before c */
		const char *prev = NULL;
		for (const char *q = dataset; q < c; q++)
			if (*q == ':')
				prev = q;
		c = prev;
	}
	if (!fallback)
		return other ? -1 : 0;
	machine_dir(dataset, (size_t)(fallback - dataset), dir, dn);
	*machine = fallback + 1;
	return 1;
}

static Status open_any(Series *s, const char *dataset,
		       const SeriesOptions *opt, ErrorRecord *err);

Status series_open(Series *s, const char *dataset, const SeriesOptions *opt,
		   ErrorRecord *err)
{
	Status st = open_any(s, dataset, opt, err);
	/* An SMD machine's split is its train file's length, as a
	   train.csv/test.csv folder's is train.csv's (data/psm.c): --split
	   and --train are refused, not silently dropped */
	if (st == STATUS_OK && s->kind == SERIES_SMD && opt &&
	    (opt->split_rows > 0 || opt->train_fraction > 0)) {
		char where[4400];
		snprintf(where, sizeof(where), "%s:%s", s->path,
			 s->machine ? s->machine : "");
		char m[300];
		snprintf(m, sizeof(m), "%s", s->machine ? s->machine : "M");
		series_free(s);
		return error_set(err, STATUS_USAGE, where, 0, 0,
				 "--split and --train do not apply to an SMD "
				 "machine: its split is the length of "
				 "train/%s.txt",
				 m);
	}
	/* its rows have no times: --interval is their step, as for a CSV
	   file without timestamps (1 minute unless told) */
	if (st == STATUS_OK && s->kind == SERIES_SMD && opt &&
	    opt->interval > 0)
		s->interval = opt->interval;
	return st;
}

static Status open_any(Series *s, const char *dataset,
		       const SeriesOptions *opt, ErrorRecord *err)
{
	series_init(s);
	error_clear(err);
	if (!dataset || !*dataset)
		return error_set(err, STATUS_USAGE, NULL, 0, 0,
				 "no dataset given");
	if (prom_is_url(dataset))
		return series_load_prom(s, dataset, opt, err);
	struct stat st0;
	int stat_errno = stat(dataset, &st0) == 0 ? 0 : errno;
	if (is_dir(dataset)) {
		if (is_smd_dir(dataset))
			return open_smd_dir(s, dataset, err);
		char sub[4096];
		if (snprintf(sub, sizeof(sub), "%s/ServerMachineDataset",
			     dataset) < (int)sizeof(sub) &&
		    is_smd_dir(sub))
			return open_smd_dir(s, sub, err);
		if (series_is_psm_dir(dataset))
			return series_load_psm(s, dataset, opt, err);
		/* train.csv and test.csv there, one of them not a file (a
		   FIFO, a device, a folder): say which */
		char pa[2][4096];
		struct stat ps[2];
		int there = 1;
		for (int i = 0; i < 2; i++)
			there = there &&
				snprintf(pa[i], sizeof(pa[i]), "%s/%s", dataset,
					 i ? "test.csv" : "train.csv") <
					(int)sizeof(pa[i]) &&
				stat(pa[i], &ps[i]) == 0;
		for (int i = 0; there && i < 2; i++)
			if (!S_ISREG(ps[i].st_mode))
				return error_set(err, STATUS_IO, pa[i], 0, 0,
						 "is %s, not a regular file: "
						 "a train.csv/test.csv folder "
						 "needs two files",
						 fileio_kind(ps[i].st_mode));
		return error_set(err, STATUS_FORMAT, dataset, 0, 0,
				 "a folder, but neither an SMD folder (train/ "
				 "and test/ in it) nor a train.csv/test.csv "
				 "pair: name one file of it here (vigil score "
				 "and the dashboard take a folder of CSV or NAB "
				 "files)");
	}
	if (stat_errno == 0 && !S_ISREG(st0.st_mode))
		return error_set(err, STATUS_IO, dataset, 0, 0,
				 "is %s, not a regular file or a folder",
				 fileio_kind(st0.st_mode));
	if (is_file(dataset)) {
		char dir[4096], machine[256];
		if (smd_from_file(dataset, dir, sizeof(dir), machine,
				  sizeof(machine)))
			return series_load_smd(s, dir, machine, err);
		if (series_is_nab_file(dataset))
			return series_load_nab(s, &dataset, 1, opt, err);
		return series_load_csv(s, dataset, opt, err);
	}
	/* PATH:machine */
	char dir[4096];
	const char *machine = NULL;
	int smd = split_machine(dataset, dir, sizeof(dir), &machine);
	if (smd > 0)
		return series_load_smd(s, dir, machine, err);
	if (smd < 0)
		return error_set(err, STATUS_FORMAT, dir, 0, 0,
				 "not an SMD folder (no train/ and test/ in it)");
	if (strchr(dataset, ','))
		return open_nab_list(s, dataset, opt, err);
	return error_set(err, STATUS_IO, dataset, 0, 0, "cannot open: %s",
			 strerror(stat_errno ? stat_errno : ENOENT));
}

const char *series_kind_name(SeriesKind k)
{
	switch (k) {
	case SERIES_CSV:
		return "CSV";
	case SERIES_SMD:
		return "SMD";
	case SERIES_NAB:
		return "NAB";
	case SERIES_SYNTH:
		return "synthetic";
	case SERIES_PROM:
		return "Prometheus";
	case SERIES_PSM:
		return "CSV train/test";
	}
	return "?";
}

/* Split point from the options: --split N rows, --train F, or half. */
Status series_apply_split(Series *s, const SeriesOptions *opt,
			  ErrorRecord *err)
{
	size_t split = s->rows / 2;
	if (opt && opt->split_rows > 0) {
		if ((size_t)opt->split_rows >= s->rows)
			return error_set(err, STATUS_RANGE, s->path, 0, 0,
					 "--split %ld leaves no test rows (the "
					 "data has %zu rows)",
					 opt->split_rows, s->rows);
		split = (size_t)opt->split_rows;
	} else if (opt && opt->train_fraction > 0) {
		split = (size_t)((double)s->rows * opt->train_fraction);
		if (split == 0)
			split = 1;
		if (split >= s->rows)
			split = s->rows - 1;
	}
	if (s->rows >= 2 && split == 0)
		split = 1;
	s->split = split;
	return STATUS_OK;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

int64_t series_median_step(const int64_t *t, size_t n, int64_t fallback)
{
	if (!t || n < 2)
		return fallback;
	int64_t *d = malloc((n - 1) * sizeof(int64_t));
	if (!d)
		return t[1] - t[0];
	for (size_t i = 0; i + 1 < n; i++)
		d[i] = t[i + 1] - t[i];
	qsort(d, n - 1, sizeof(int64_t), cmp_i64);
	int64_t med = d[(n - 1) / 2];
	free(d);
	return med > 0 ? med : fallback;
}
