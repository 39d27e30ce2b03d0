/* Reading the dataset's labels and writing the working copy (see save.h).
 * Every write builds the file in memory, writes it to a temporary file in
 * the destination folder, flushes and fsyncs it, renames it into place and
 * fsyncs the folder: a crash never leaves half a file. */
#include "ui/save.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const format_names[SAVE_FORMATS] = {"csv", "smd", "interp",
						       "nab"};

const char *save_format_name(SaveFormat f)
{
	return f < SAVE_FORMATS ? format_names[f] : "?";
}

/* ---- a growable text buffer ------------------------------------------ */

typedef struct {
	char *p;
	size_t n, cap;
	int oom;
} Buf;

static void bprintf(Buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void bprintf(Buf *b, const char *fmt, ...)
{
	if (b->oom)
		return;
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		size_t room = b->cap - b->n;
		int w = vsnprintf(b->p ? b->p + b->n : NULL, b->p ? room : 0,
				  fmt, ap);
		va_end(ap);
		if (w < 0) {
			b->oom = 1;
			return;
		}
		if (b->p && (size_t)w < room) {
			b->n += (size_t)w;
			return;
		}
		size_t cap = b->cap ? b->cap * 2 : 4096;
		while (cap < b->n + (size_t)w + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
}

static int write_atomic(const char *path, const char *data, size_t n,
			char *why, size_t whyn)
{
	char dir[1024], tmp[1100];
	snprintf(dir, sizeof(dir), "%s", path);
	char *d = dirname(dir);
	snprintf(tmp, sizeof(tmp), "%s/.vigil-save-XXXXXX", d);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(why, whyn, "%s: %s", d, strerror(errno));
		return -1;
	}
	size_t off = 0;
	while (off < n) {
		ssize_t w = write(fd, data + off, n - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			snprintf(why, whyn, "%s: %s", path, strerror(errno));
			close(fd);
			unlink(tmp);
			return -1;
		}
		off += (size_t)w;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		snprintf(why, whyn, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	chmod(tmp, 0644);
	if (rename(tmp, path) != 0) {
		snprintf(why, whyn, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	int dfd = open(d, O_RDONLY);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

/* ---- reading ----------------------------------------------------------- */

/* SMD test_label: one 0/1 per test row -> node ranges (offset by split). */
static Status read_smd_node(App *a, const char *path, ErrorRecord *err)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return error_set(err, STATUS_IO, path, 0, 0, "%s",
				 strerror(errno));
	Range *r = NULL;
	size_t n = 0, cap = 0;
	char line[64];
	long row = 0, start = -1;
	Status st = STATUS_OK;
	while (fgets(line, sizeof(line), f)) {
		int v = line[0] == '1';
		if (line[0] != '0' && line[0] != '1') {
			st = error_set(err, STATUS_PARSE, path, row + 1, 1,
				       "expected 0 or 1");
			break;
		}
		if (v && start < 0)
			start = row;
		if (!v && start >= 0) {
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				Range *q = realloc(r, cap * sizeof(Range));
				if (!q) {
					st = STATUS_NOMEM;
					break;
				}
				r = q;
			}
			r[n++] = (Range){(int64_t)a->s.split + start,
					 (int64_t)a->s.split + row};
			start = -1;
		}
		row++;
	}
	fclose(f);
	if (st == STATUS_OK && start >= 0) {
		Range *q = realloc(r, (n + 1) * sizeof(Range));
		if (!q) {
			free(r);
			return STATUS_NOMEM;
		}
		r = q;
		r[n++] = (Range){(int64_t)a->s.split + start,
				 (int64_t)a->s.split + row};
	}
	if (st == STATUS_OK)
		ui_labels_load(&a->labels, UI_NODE, r, n);
	free(r);
	return st;
}

/* SMD interpretation_label: "start-end:d1,d2" -> per-metric ranges. */
static Status read_interp(App *a, const char *path, ErrorRecord *err)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return error_set(err, STATUS_IO, path, 0, 0, "%s",
				 strerror(errno));
	size_t M = a->s.metrics;
	Range **r = calloc(M, sizeof(Range *));
	size_t *n = calloc(M, sizeof(size_t));
	char line[4096];
	long ln = 0;
	Status st = r && n ? STATUS_OK : STATUS_NOMEM;
	while (st == STATUS_OK && fgets(line, sizeof(line), f)) {
		ln++;
		long s, e;
		int used = 0;
		if (sscanf(line, "%ld-%ld:%n", &s, &e, &used) != 2 || !used) {
			if (line[0] == '\n' || line[0] == '\0')
				continue;
			st = error_set(err, STATUS_PARSE, path, ln, 1,
				       "expected start-end:dims");
			break;
		}
		for (char *p = line + used; *p && *p != '\n';) {
			char *end;
			long d = strtol(p, &end, 10);
			if (end == p || d < 1 || (size_t)d > M) {
				st = error_set(err, STATUS_PARSE, path, ln,
					       (long)(p - line) + 1,
					       "expected a dimension 1..%zu", M);
				break;
			}
			Range *q = realloc(r[d - 1],
					   (n[d - 1] + 1) * sizeof(Range));
			if (!q) {
				st = STATUS_NOMEM;
				break;
			}
			r[d - 1] = q;
			q[n[d - 1]++] = (Range){(int64_t)a->s.split + s,
						(int64_t)a->s.split + e};
			p = *end == ',' ? end + 1 : end;
		}
	}
	fclose(f);
	for (size_t m = 0; m < M && st == STATUS_OK; m++)
		ui_labels_load(&a->labels, m, r[m], n[m]);
	for (size_t m = 0; r && m < M; m++)
		free(r[m]);
	free(r);
	free(n);
	return st;
}

/* vigil CSV labels: metric,start,end,... ('*' = node). */
static Status read_csv_labels(App *a, const char *path, ErrorRecord *err)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return error_set(err, STATUS_IO, path, 0, 0, "%s",
				 strerror(errno));
	size_t M = a->s.metrics;
	Range **r = calloc(M + 1, sizeof(Range *));
	size_t *n = calloc(M + 1, sizeof(size_t));
	char line[4096];
	long ln = 0;
	Status st = r && n ? STATUS_OK : STATUS_NOMEM;
	while (st == STATUS_OK && fgets(line, sizeof(line), f)) {
		ln++;
		if (ln == 1 && !strncmp(line, "metric,", 7))
			continue;
		char *c1 = strchr(line, ',');
		if (!c1) {
			if (line[0] == '\n')
				continue;
			st = error_set(err, STATUS_PARSE, path, ln, 1,
				       "expected metric,start,end");
			break;
		}
		*c1 = '\0';
		size_t m = M;
		if (strcmp(line, "*")) {
			for (m = 0; m < M && strcmp(a->s.names[m], line); m++)
				;
			if (m == M) {
				st = error_set(err, STATUS_MISMATCH, path, ln, 1,
					       "no metric named '%s'", line);
				break;
			}
		}
		long s, e;
		if (sscanf(c1 + 1, "%ld,%ld", &s, &e) != 2) {
			st = error_set(err, STATUS_PARSE, path, ln,
				       (long)(c1 - line) + 2,
				       "expected start,end row indices");
			break;
		}
		Range *q = realloc(r[m], (n[m] + 1) * sizeof(Range));
		if (!q) {
			st = STATUS_NOMEM;
			break;
		}
		r[m] = q;
		q[n[m]++] = (Range){s, e};
	}
	fclose(f);
	for (size_t m = 0; m <= M && st == STATUS_OK; m++)
		ui_labels_load(&a->labels, m == M ? UI_NODE : m, r[m], n[m]);
	for (size_t m = 0; r && m <= M; m++)
		free(r[m]);
	free(r);
	free(n);
	return st;
}

Status save_read_labels(App *a, const char *path, ErrorRecord *err)
{
	if (path) {
		size_t l = strlen(path);
		if (l > 4 && !strcmp(path + l - 4, ".csv"))
			return read_csv_labels(a, path, err);
		if (strstr(path, "interpretation"))
			return read_interp(a, path, err);
		return read_smd_node(a, path, err);
	}
	Status st = STATUS_OK;
	if (a->s.kind == SERIES_SMD && a->s.interp_path &&
	    access(a->s.interp_path, R_OK) == 0)
		st = read_interp(a, a->s.interp_path, err);
	if (st == STATUS_OK && a->s.kind == SERIES_SMD && a->s.label_path &&
	    access(a->s.label_path, R_OK) == 0)
		st = read_smd_node(a, a->s.label_path, err);
	return st;
}

/* ---- writing ----------------------------------------------------------- */

static void iso_time(const App *a, int64_t r, char *buf, size_t n)
{
	if (!series_has_time(&a->s)) {
		buf[0] = '\0';
		return;
	}
	series_format_time(&a->s, (size_t)r, buf, n);
	char *sp = strchr(buf, ' ');
	if (sp)
		*sp = 'T';
}

static void csv_set(Buf *b, const App *a, const char *name, size_t m)
{
	const UiRanges *w = ui_labels_set(&a->labels, m, 0);
	const UiRanges *o = ui_labels_set(&a->labels, m, 1);
	for (size_t i = 0; i < w->n; i++) {
		char t0[40], t1[40];
		int64_t last = w->r[i].end - 1;
		if (last >= (int64_t)a->s.rows)
			last = (int64_t)a->s.rows - 1;
		iso_time(a, w->r[i].start, t0, sizeof(t0));
		iso_time(a, last, t1, sizeof(t1));
		int orig = 0;
		for (size_t j = 0; j < o->n && !orig; j++)
			orig = o->r[j].start == w->r[i].start &&
			       o->r[j].end == w->r[i].end;
		bprintf(b, "%s,%lld,%lld,%s,%s,%s,\n", name,
			(long long)w->r[i].start, (long long)w->r[i].end, t0, t1,
			orig ? "original" : "analyst");
	}
}

typedef struct {
	Range r;
	size_t m;
} Tagged;

static int cmp_tagged(const void *x, const void *y)
{
	const Tagged *a = x, *b = y;
	if (a->r.start != b->r.start)
		return a->r.start < b->r.start ? -1 : 1;
	if (a->r.end != b->r.end)
		return a->r.end < b->r.end ? -1 : 1;
	return (a->m > b->m) - (a->m < b->m);
}

static void build(const App *a, SaveFormat f, Buf *b)
{
	size_t M = a->s.metrics;
	int64_t split = (int64_t)a->s.split, rows = (int64_t)a->s.rows;
	switch (f) {
	case SAVE_CSV:
		bprintf(b, "metric,start,end,start_time,end_time,source,note\n");
		for (size_t m = 0; m < M; m++)
			csv_set(b, a, a->s.names[m], m);
		csv_set(b, a, "*", UI_NODE);
		break;
	case SAVE_SMD: {
		const UiRanges *w = ui_labels_set(&a->labels, UI_NODE, 0);
		size_t j = 0;
		for (int64_t r = split; r < rows; r++) {
			while (j < w->n && w->r[j].end <= r)
				j++;
			bprintf(b, "%d\n",
				j < w->n && w->r[j].start <= r ? 1 : 0);
		}
		break;
	}
	case SAVE_INTERP: {
		/* one line per distinct range, listing every metric with it */
		size_t total = 0;
		for (size_t m = 0; m < M; m++)
			total += ui_labels_set(&a->labels, m, 0)->n;
		Tagged *t = malloc((total + 1) * sizeof(Tagged));
		if (!t) {
			b->oom = 1;
			break;
		}
		size_t k = 0;
		for (size_t m = 0; m < M; m++) {
			const UiRanges *w = ui_labels_set(&a->labels, m, 0);
			for (size_t i = 0; i < w->n; i++) {
				Range r = w->r[i];
				if (r.end <= split)
					continue;
				if (r.start < split)
					r.start = split;
				t[k++] = (Tagged){r, m};
			}
		}
		qsort(t, k, sizeof(Tagged), cmp_tagged);
		for (size_t i = 0; i < k;) {
			size_t j = i;
			bprintf(b, "%lld-%lld:", (long long)(t[i].r.start - split),
				(long long)(t[i].r.end - split));
			for (; j < k && t[j].r.start == t[i].r.start &&
			       t[j].r.end == t[i].r.end;
			     j++)
				bprintf(b, "%s%zu", j > i ? "," : "",
					t[j].m + 1);
			bprintf(b, "\n");
			i = j;
		}
		free(t);
		break;
	}
	case SAVE_NAB: {
		bprintf(b, "{\n");
		const char *keys = a->s.nab_key ? a->s.nab_key : "series.csv";
		char *dup = strdup(keys);
		char *save = NULL;
		size_t m = 0;
		int firstkey = 1;
		for (char *k = dup ? strtok_r(dup, ",", &save) : NULL; k;
		     k = strtok_r(NULL, ",", &save), m++) {
			const UiRanges *w = ui_labels_set(
				&a->labels, M > 1 && m < M ? m : UI_NODE, 0);
			bprintf(b, "%s    \"%s\": [", firstkey ? "" : ",\n", k);
			firstkey = 0;
			for (size_t i = 0; i < w->n; i++) {
				char t0[40], t1[40];
				int64_t last = w->r[i].end - 1;
				if (last >= rows)
					last = rows - 1;
				series_format_time(&a->s, (size_t)w->r[i].start,
						   t0, sizeof(t0));
				series_format_time(&a->s, (size_t)last, t1,
						   sizeof(t1));
				bprintf(b,
					"%s\n        [\n            "
					"\"%s.000000\",\n            "
					"\"%s.000000\"\n        ]",
					i ? "," : "", t0, t1);
			}
			bprintf(b, "%s]", w->n ? "\n    " : "");
		}
		free(dup);
		bprintf(b, "\n}\n");
		break;
	}
	case SAVE_FORMATS:
		break;
	}
}

static SaveFormat default_format(const App *a)
{
	return a->s.kind == SERIES_SMD	 ? SAVE_SMD
	       : a->s.kind == SERIES_NAB ? SAVE_NAB
					 : SAVE_CSV;
}

static void default_path(App *a)
{
	const char *stem = a->s.machine ? a->s.machine
			   : a->title	 ? a->title
					 : "labels";
	const char *slash = strrchr(stem, '/');
	if (slash)
		stem = slash + 1;
	char base[256];
	snprintf(base, sizeof(base), "%s", stem);
	char *dot = strrchr(base, '.');
	if (dot && dot != base)
		*dot = '\0';
	static const char *const suffix[SAVE_FORMATS] = {
		".labels.csv", ".test_label.txt", ".interpretation_label.txt",
		".windows.json"};
	snprintf(a->input, sizeof(a->input), "%s%s", base,
		 suffix[a->save_format]);
	a->input_len = strlen(a->input);
}

void save_begin(App *a)
{
	a->save_format = default_format(a);
	default_path(a);
	a->prompt = PROMPT_SAVE;
	a->dirty |= DIRTY_STATUS;
}

void save_cycle_format(App *a)
{
	a->save_format = (a->save_format + 1) % SAVE_FORMATS;
	default_path(a);
}

int save_labels(App *a, const char *path)
{
	char p[512];
	snprintf(p, sizeof(p), "%s", path);
	if (!p[0]) {
		app_message(a, "no file name: not saved");
		return -1;
	}
	/* the format follows the name when it says one */
	SaveFormat f = (SaveFormat)a->save_format;
	size_t l = strlen(p);
	if (l > 4 && !strcmp(p + l - 4, ".csv"))
		f = SAVE_CSV;
	else if (l > 5 && !strcmp(p + l - 5, ".json"))
		f = SAVE_NAB;
	else if (strstr(p, "interpretation"))
		f = SAVE_INTERP;
	else if (l > 4 && !strcmp(p + l - 4, ".txt"))
		f = SAVE_SMD;
	Buf b = {0};
	build(a, f, &b);
	if (b.oom) {
		free(b.p);
		app_message(a, "out of memory: not saved");
		return -1;
	}
	char why[600];
	if (write_atomic(p, b.p ? b.p : "", b.n, why, sizeof(why)) != 0) {
		free(b.p);
		app_message(a, "not saved: %s", why);
		return -1;
	}
	free(b.p);
	a->labels.unsaved = 0;
	app_message(a, "saved %s (%s)", p, save_format_name(f));
	return 0;
}
