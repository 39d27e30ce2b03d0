/* vigil watch: score a source's new rows as they arrive and report
 * detections and alerts as JSON lines when they open, change criticality
 * and close; optionally send the alerts to Alertmanager.
 *
 * The design rests on the default score being causal (engine/detect.h):
 * the series grows, only the new rows are forecast, detect_run runs again on
 * the whole series (older rows keep their scores exactly), and the
 * detections and alerts are compared with those of the previous poll. A
 * detection is open while it can still grow (fewer than merge_gap rows
 * since its end), an alert while a new node detection could still join it
 * (fewer than alert_gap rows). A source or an Alertmanager that goes away is
 * retried with backoff and reported on stderr; rows missed meanwhile are
 * fetched when the source answers again. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "data/clock.h"
#include "data/prom.h"
#include "engine/adapt.h"
#include "ui/cli.h"
#include "ui/cli/detout.h"
#include "ui/cli/watch_am.h"
#include "ui/commands.h"
#include "ui/live.h"
#include "ui/pipeline.h"

static const char watch_help[] =
	"Usage: vigil watch SOURCE --model M [--alertmanager URL] [options]\n"
	"\n"
	"Read SOURCE's history, then poll it every step for new rows, score\n"
	"them causally with the model and write detections and alerts as JSON\n"
	"lines on stdout when they open, change criticality and close:\n"
	"  {\"event\": \"open\"|\"update\"|\"close\", \"type\": \"detection\"|"
	"\"alert\",\n"
	"   \"node\": ..., \"metric\": ..., \"start\": ROW, \"end\": ROW, "
	"\"start_time\": ...,\n"
	"   \"end_time\": ..., \"criticality\": ..., \"peak_score\": ...}\n"
	"(alerts add node_detections, low, medium, high and metrics with\n"
	"their shares, as in vigil detect --format json). Status and retries\n"
	"go to stderr. Stop with Ctrl-C, SIGTERM or SIGHUP (exit 0).\n"
	"\n"
	"SOURCE is a Prometheus range query (prometheus://HOST:PORT/?query=...\n"
	"&start=now-1d&step=1m: the history is start..end, then every step up\n"
	"to now) or a CSV file that grows (new lines appended).\n"
	"\n"
	"  --model M          the model (vigil train SOURCE -o M); required\n"
	"  --alertmanager URL post alerts to URL/api/v2/alerts and resolve\n"
	"                     them when the anomaly ends\n"
	"  --node NAME        the node label of the alerts (default: the\n"
	"                     instance label shared by every series, else the\n"
	"                     query or the file's name)\n"
	"  --poll SEC         seconds between polls (default: the step, or the\n"
	"                     CSV's sampling interval)\n"
	"  --delay SEC        Prometheus: rows up to now - SEC only (fractions\n"
	"                     count), so a late scrape is not read as a gap\n"
	"                     (default 0)\n"
	"  --retry-max SEC    longest wait between two retries (default 60)\n"
	"  --keep ROWS        test rows kept in memory; older ones are dropped\n"
	"                     (default: the calibration history + 10000;\n"
	"                     row numbers keep counting)\n"
	"  --threads N        worker threads for the forecast (default 1)\n"
	"  -h, --help         this help\n"
	"\n";

/* A detection or alert reported open. */
typedef struct {
	size_t metric; /* DETECT_NODE for node level and alerts */
	int64_t start, end;
	Criticality crit;
	int seen;   /* found in this poll */
	int closed; /* reported closed (kept so it is not reported again) */
} Open;

typedef struct {
	Open *v;
	size_t n, cap;
} OpenSet;

typedef struct {
	const char *source;   /* borrowed: SOURCE */
	LiveSource live;      /* owned */
	SeriesOptions sopt;
	PipelineOptions po;
	Pipeline p;
	char *node;           /* owned: the alerts' node label (--node or
				 the default), whole however long */
	double poll, delay, retry_max;
	AlertManager am;
	int use_am;
	int stdout_lost;      /* stdout cannot be written (said once) */
	OpenSet det, alerts;
	size_t src_failures;
	double src_next_try;
	size_t keep;          /* test rows kept in memory (--keep) */
	int64_t base;         /* rows dropped so far (--keep): row
				 numbers reported are p's plus base */
	AdaptStream *adapt;   /* owned: --adapt's learning copy of the
				 model, NULL without it */
	char *model_abs;      /* owned: --model's file as an absolute path
				 (the alerts' command line) */
	char *source_abs;     /* owned: a CSV SOURCE as an absolute path */
	char **carry;         /* owned, n_carry words (argc at most): the
				 options given that change the scores, for
				 the alerts' command line */
	size_t n_carry;
} Watch;

/* stop_again: a second signal, which cuts the last Alertmanager post
 * short too */
static volatile sig_atomic_t stop_flag, stop_again;

static void on_signal(int sig)
{
	(void)sig;
	if (stop_flag)
		stop_again = 1;
	stop_flag = 1;
}

/* At stop, the alerts still queued for Alertmanager are given this many
 * seconds to go out. */
#define AM_LAST_CHANCE 2.0

/* Sleep up to sec seconds, waking early on a signal. */
static void nap(double sec)
{
	double until = clock_mono_seconds() + sec;
	while (!stop_flag) {
		double left = until - clock_mono_seconds();
		if (left <= 0)
			break;
		if (left > 0.1)
			left = 0.1;
		struct timespec ts = {0, (long)(left * 1e9)};
		nanosleep(&ts, NULL);
	}
}

static void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void report(const char *fmt, ...)
{
	char ts[40];
	series_time_string((int64_t)time(NULL), ts, sizeof(ts));
	va_list ap;
	fprintf(stderr, "vigil watch: %s ", ts);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

/* Stdout's reader gone (`vigil watch ... | head`) or its disk full:
 * SIGPIPE is ignored, so the writes fail and nothing else would tell.
 * Without Alertmanager stdout is all watch has, so it stops (1 is
 * returned); with it, alerts go on, and the loss is said once. */
static int stdout_lost(Watch *w)
{
	if (w->stdout_lost || (fflush(stdout) == 0 && !ferror(stdout)))
		return 0;
	int e = errno ? errno : EIO;
	w->stdout_lost = 1;
	if (!w->use_am) {
		report("cannot write to stdout: %s; stopping", strerror(e));
		return 1;
	}
	report("cannot write to stdout: %s; alerts still go to "
	       "Alertmanager", strerror(e));
	return 0;
}

/* ---- the node's name ---------------------------------------------------- */

/* The value of label `instance` in a Prometheus series name (malloc'd,
 * escapes kept as written), NULL when it has none or out of memory. */
static char *instance_of(const char *name)
{
	const char *p = strstr(name, "instance=\"");
	if (!p || (p > name && p[-1] != '{' && p[-1] != ','))
		return NULL;
	p += 10;
	size_t l = 0;
	while (p[l] && p[l] != '"') {
		if (p[l] == '\\' && p[l + 1])
			l++;
		l++;
	}
	return strndup(p, l);
}

/* The node's name when --node gives none: the instance label every series
 * shares, else the query or the file's name; whole however long (it was
 * cut at 511 characters). -1 when out of memory. */
static int default_node(Watch *w)
{
	const Series *s = &w->p.series;
	if (w->live.prom) {
		char *first = NULL;
		int same = s->metrics > 0;
		for (size_t m = 0; m < s->metrics && same; m++) {
			char *inst = instance_of(s->names[m]);
			if (!inst)
				same = 0;
			else if (!first)
				first = inst, inst = NULL;
			else if (strcmp(first, inst))
				same = 0;
			free(inst);
		}
		if (same) {
			w->node = first;
			return 0;
		}
		free(first);
		w->node = strdup(prom_query(w->live.prom));
	} else {
		const char *slash = strrchr(w->source, '/');
		w->node = strdup(slash ? slash + 1 : w->source);
	}
	return w->node ? 0 : -1;
}

/* ---- JSON lines ----------------------------------------------------------- */

static const char *metric_name(const Series *s, size_t m)
{
	return m == DETECT_NODE ? "*" : s->names[m];
}

static void put_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.6g", v);
	else
		fputs("null", f);
}

static void emit_common(const Watch *w, const char *event, const char *type,
			size_t metric, int64_t start, int64_t end,
			Criticality crit, double peak)
{
	const Series *s = &w->p.series;
	char t0[40], t1[40], now[40];
	series_time_string((int64_t)time(NULL), now, sizeof(now));
	detout_row_time(s, start, t0, sizeof(t0));
	detout_row_time(s, end > start ? end - 1 : start, t1, sizeof(t1));
	printf("{\"event\": \"%s\", \"type\": \"%s\", \"time\": \"%s\", "
	       "\"node\": ",
	       event, type, now);
	detout_json_string(stdout, w->node);
	if (strcmp(type, "alert")) {
		fputs(", \"metric\": ", stdout);
		detout_json_string(stdout, metric_name(s, metric));
	}
	printf(", \"start\": %lld, \"end\": %lld, \"start_time\": \"%s\", "
	       "\"end_time\": \"%s\", \"criticality\": \"%s\", "
	       "\"peak_score\": ",
	       (long long)(start + w->base), (long long)(end + w->base), t0,
	       t1, crit_name(crit));
	put_num(stdout, peak);
}

static void emit_detection(const Watch *w, const char *event,
			   const Detection *d)
{
	emit_common(w, event, "detection", d->metric, d->r.start, d->r.end,
		    d->crit, d->peak);
	fputs("}\n", stdout);
}

static void emit_alert(const Watch *w, const char *event, const Alert *a)
{
	const Series *s = &w->p.series;
	emit_common(w, event, "alert", DETECT_NODE, a->r.start, a->r.end,
		    a->crit, a->peak);
	printf(", \"node_detections\": %zu, \"low\": %zu, \"medium\": %zu, "
	       "\"high\": %zu, \"metrics\": [",
	       a->n_node, a->n_low, a->n_medium, a->n_high);
	for (size_t k = 0; k < a->n_ranked; k++) {
		fputs(k ? ", {\"metric\": " : "{\"metric\": ", stdout);
		detout_json_string(stdout, metric_name(s, a->ranked[k].metric));
		printf(", \"share\": %.4f, \"mass\": %.4f}", a->ranked[k].share,
		       a->ranked[k].mass);
	}
	fputs("]}\n", stdout);
}

/* ---- Alertmanager payloads ------------------------------------------------ */

/* A string that grows (the shares, the command line): whole whatever the
 * number of metrics and the length of their names (nomem: out of
 * memory). */
typedef struct {
	char *s;
	size_t len, cap;
	int nomem;
} Text;

static void text_add(Text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void text_add(Text *t, const char *fmt, ...)
{
	if (t->nomem)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		t->nomem = 1;
		return;
	}
	if (t->len + (size_t)n + 1 > t->cap) {
		size_t cap = 2 * (t->len + (size_t)n + 1);
		char *g = realloc(t->s, cap);
		if (!g) {
			t->nomem = 1;
			return;
		}
		t->s = g;
		t->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

/* t's text, or "" for none (or no memory). */
static const char *text_str(const Text *t)
{
	return t->s && !t->nomem ? t->s : "";
}

/* The JSON text of o (freed), NULL when out of memory. */
static char *json_take(cJSON *o)
{
	char *j = o ? cJSON_PrintUnformatted(o) : NULL;
	cJSON_Delete(o);
	return j;
}

/* The alert's labels as a JSON object (malloc'd), NULL when out of
 * memory. */
static char *alert_labels(const Watch *w, const Alert *a)
{
	const Series *s = &w->p.series;
	Text top = {0};
	for (size_t k = 0; k < a->n_ranked && k < 3; k++)
		text_add(&top, "%s%s", k ? "," : "",
			 metric_name(s, a->ranked[k].metric));
	cJSON *o = cJSON_CreateObject();
	int ok = o && !top.nomem &&
		 cJSON_AddStringToObject(o, "alertname", "VigilAnomaly") &&
		 cJSON_AddStringToObject(o, "node", w->node) &&
		 cJSON_AddStringToObject(o, "criticality", crit_name(a->crit)) &&
		 cJSON_AddStringToObject(o, "top_metrics", text_str(&top));
	free(top.s);
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return json_take(o);
}

/* text, quoted for a POSIX shell, onto t: in single quotes, each ' as
 * '\'' (the shell reads back exactly text). */
static void text_add_quoted(Text *t, const char *text)
{
	text_add(t, "'");
	for (const char *p = text; *p; p++) {
		size_t n = strcspn(p, "'");
		text_add(t, "%.*s", (int)n, p);
		p += n;
		if (!*p)
			break;
		text_add(t, "'\\''");
	}
	text_add(t, "'");
}

/* word onto t as a POSIX shell reads it back: bare when it holds only
 * characters the shell leaves alone, else quoted. */
static void text_add_word(Text *t, const char *word)
{
	if (*word && !word[strspn(word, "abcdefghijklmnopqrstuvwxyz"
				     "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				     "0123456789-_.,/:=+@%")])
		text_add(t, "%s", word);
	else
		text_add_quoted(t, word);
}

/* The Prometheus source that reads the alert's window, quoted, onto t:
 * watch's query from the history's first row to ten minutes past the
 * alert, on watch's grid. */
static void prom_window(const Watch *w, const Alert *a, Text *t)
{
	const Series *s = &w->p.series;
	int64_t step = prom_step(w->live.prom);
	int64_t from = series_time(s, 0);
	int64_t to = series_time(s, (size_t)(a->r.end > 0 ? a->r.end - 1 : 0)) +
		     600;
	const char *base = prom_base_url(w->live.prom);
	int tls = !strncmp(base, "https", 5);
	Text src = {0};
	text_add(&src, "prometheus%s://%s/?query=", tls ? "s" : "",
		 strstr(base, "://") + 3);
	for (const char *q = prom_query(w->live.prom); *q; q++) {
		if (*q == '%' || *q == '&')
			text_add(&src, "%%%02X", (unsigned)*q);
		else
			text_add(&src, "%c", *q);
	}
	text_add(&src, "&start=%lld&end=%lld&step=%lld", (long long)from,
		 (long long)to, (long long)step);
	if (src.nomem)
		t->nomem = 1;
	else
		text_add_quoted(t, src.s);
	free(src.s);
}

/* The vigil command line that opens the alert in the dashboard as watch
 * scored it, into t: the model file, the history's split and the options
 * that change the scores, and for a query the rows from the history's
 * first one to ten minutes past the alert (the calibrated score of a row
 * depends on the train part and every row before it, so a window that
 * starts later scores otherwise). The source and the model's path are
 * one word each for a POSIX shell whatever they hold (a query's ' closed
 * the quotes it was put in), and a query's % and & are escaped, so vigil
 * reads the same query back. */
static void open_command(const Watch *w, const Alert *a, Text *t)
{
	const Series *s = &w->p.series;
	text_add(t, "vigil ");
	if (w->live.prom)
		prom_window(w, a, t);
	else
		text_add_quoted(t, w->source_abs ? w->source_abs : w->source);
	text_add(t, " --model ");
	text_add_quoted(t, w->model_abs ? w->model_abs : w->po.model_path);
	text_add(t, " --split %zu", s->split);
	for (size_t k = 0; k < w->n_carry; k++) {
		text_add(t, " ");
		text_add_word(t, w->carry[k]);
	}
}

/* The alert's annotations as a JSON object (malloc'd), NULL when out of
 * memory: the ten largest shares, each metric named whole. */
static char *alert_annotations(const Watch *w, const Alert *a)
{
	const Series *s = &w->p.series;
	Text shares = {0}, summary = {0}, cmd = {0};
	char t0[40], num[64], rows[64];
	for (size_t k = 0; k < a->n_ranked && k < 10; k++)
		text_add(&shares, "%s%s %.0f%%", k ? ", " : "",
			 metric_name(s, a->ranked[k].metric),
			 100 * a->ranked[k].share);
	series_format_time(s, (size_t)a->r.start, t0, sizeof(t0));
	text_add(&summary,
		 "%s anomaly on %s since %s UTC (%zu node detections: %zu "
		 "low, %zu medium, %zu high)",
		 crit_name(a->crit), w->node, t0, a->n_node, a->n_low,
		 a->n_medium, a->n_high);
	snprintf(num, sizeof(num), "%.3g", a->peak);
	snprintf(rows, sizeof(rows), "%lld-%lld",
		 (long long)(a->r.start + w->base),
		 (long long)(a->r.end + w->base));
	open_command(w, a, &cmd);
	cJSON *o = cJSON_CreateObject();
	int ok = o && !shares.nomem && !summary.nomem && !cmd.nomem &&
		 cJSON_AddStringToObject(o, "summary", text_str(&summary)) &&
		 cJSON_AddStringToObject(o, "shares", text_str(&shares)) &&
		 cJSON_AddStringToObject(o, "peak_score", num) &&
		 cJSON_AddStringToObject(o, "rows", rows) &&
		 cJSON_AddStringToObject(o, "vigil", text_str(&cmd));
	free(shares.s);
	free(summary.s);
	free(cmd.s);
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return json_take(o);
}

/* ---- diffing polls -------------------------------------------------------- */

static Open *open_find(OpenSet *o, size_t metric, int64_t start)
{
	for (size_t i = 0; i < o->n; i++)
		if (o->v[i].metric == metric && o->v[i].start == start)
			return &o->v[i];
	return NULL;
}

/* Track a new entry (seen in this poll); NULL when out of memory. */
static Open *open_add(OpenSet *o, size_t metric, int64_t start, int64_t end,
		      Criticality crit)
{
	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 16;
		Open *v = realloc(o->v, cap * sizeof(*v));
		if (!v)
			return NULL;
		o->v = v;
		o->cap = cap;
	}
	o->v[o->n] = (Open){metric, start, end, crit, 1, 0};
	return &o->v[o->n++];
}

/* Drop the entries not seen in this poll and clear the marks. */
static void open_sweep(OpenSet *o)
{
	size_t k = 0;
	for (size_t i = 0; i < o->n; i++)
		if (o->v[i].seen) {
			o->v[i].seen = 0;
			o->v[k++] = o->v[i];
		}
	o->n = k;
}

/* What happened to one detection or alert since the last poll: "open",
 * "update", "close" events in order, as flags; *o is created or updated.
 * live: it can still grow. At startup, what closed within the history is
 * only remembered. */
enum { EV_OPEN = 1, EV_UPDATE = 2, EV_CLOSE = 4 };

static int track(OpenSet *set, size_t metric, int64_t start, int64_t end,
		 Criticality crit, int live, int startup)
{
	Open *o = open_find(set, metric, start);
	int ev = 0;
	if (!o) {
		if (!(o = open_add(set, metric, start, end, crit)))
			return 0;
		if (startup && !live) {
			o->closed = 1;
			return 0;
		}
		ev = EV_OPEN;
	} else {
		o->seen = 1;
		if (o->closed)
			return 0;
		if (o->crit != crit)
			ev |= EV_UPDATE;
	}
	o->crit = crit;
	o->end = end;
	if (!live) {
		o->closed = 1;
		ev |= EV_CLOSE;
	}
	return ev;
}

/* recent: rows before it were scored at the previous poll; detections and
 * alerts that ended before it (and could not grow) are left alone. */
static void diff_detections(Watch *w, int startup, size_t recent)
{
	const Series *s = &w->p.series;
	const DetectResult *r = &w->p.det;
	size_t gap = w->po.detect.merge_gap ? w->po.detect.merge_gap : 1;
	for (size_t m = 0; m <= r->metrics; m++) {
		size_t nd = m < r->metrics ? r->n_det[m] : r->n_node;
		const Detection *ds = m < r->metrics ? r->det[m] : r->node;
		for (size_t i = 0; i < nd; i++) {
			const Detection *d = &ds[i];
			if ((size_t)d->r.end + gap < recent)
				continue;
			int live = s->rows - (size_t)d->r.end < gap;
			int ev = track(&w->det, d->metric, d->r.start + w->base,
				       d->r.end + w->base, d->crit, live,
				       startup);
			if (ev & EV_OPEN)
				emit_detection(w, "open", d);
			if (ev & EV_UPDATE)
				emit_detection(w, "update", d);
			if (ev & EV_CLOSE)
				emit_detection(w, "close", d);
		}
	}
	/* gone without closing (not expected with a causal score) */
	for (size_t i = 0; i < w->det.n; i++) {
		const Open *o = &w->det.v[i];
		if (o->seen || o->closed || o->start < w->base)
			continue;
		Detection d = {.metric = o->metric,
			       .r = {o->start - w->base, o->end - w->base},
			       .crit = o->crit,
			       .peak = NAN};
		emit_detection(w, "close", &d);
	}
	open_sweep(&w->det);
}

static void am_fire_alert(Watch *w, const Alert *a)
{
	if (!w->use_am)
		return;
	ErrorRecord err;
	char *labels = alert_labels(w, a), *ann = alert_annotations(w, a);
	if (!labels || !ann)
		report("alertmanager: out of memory: the alert is not sent");
	else if (am_fire(&w->am, a->r.start + w->base, labels, ann,
			 series_time(&w->p.series, (size_t)a->r.start),
			 (int64_t)time(NULL), &err) != STATUS_OK)
		report("alertmanager: %s", err.message);
	free(labels);
	free(ann);
}

/* key and end_row: absolute row numbers. */
static void am_close_alert(Watch *w, int64_t key, int64_t end_row)
{
	if (!w->use_am)
		return;
	const Series *s = &w->p.series;
	end_row -= w->base;
	if (end_row < 1 || (size_t)end_row > s->rows) {
		am_resolve(&w->am, key, (int64_t)time(NULL));
		return;
	}
	int64_t now = (int64_t)time(NULL);
	int64_t t = series_time(s, (size_t)(end_row > 0 ? end_row - 1 : 0)) +
		    (s->interval > 0 ? s->interval : 1);
	am_resolve(&w->am, key, t < now ? t : now);
}

static void diff_alerts(Watch *w, int startup, size_t recent)
{
	const Series *s = &w->p.series;
	const DetectResult *r = &w->p.det;
	size_t gap = w->po.detect.alert_gap ? w->po.detect.alert_gap : 1;
	for (size_t i = 0; i < r->n_alerts; i++) {
		const Alert *a = &r->alerts[i];
		if ((size_t)a->r.end + gap < recent)
			continue;
		int live = s->rows - (size_t)a->r.end < gap;
		int64_t key = a->r.start + w->base;
		int ev = track(&w->alerts, DETECT_NODE, key,
			       a->r.end + w->base, a->crit, live, startup);
		if (ev & EV_OPEN) {
			emit_alert(w, "open", a);
			am_fire_alert(w, a);
		}
		if (ev & EV_UPDATE) {
			emit_alert(w, "update", a);
			am_fire_alert(w, a);
		}
		if (!(ev & (EV_OPEN | EV_UPDATE)) && w->use_am) {
			/* the shares move while it lasts */
			char *ann = alert_annotations(w, a);
			if (ann)
				am_annotate(&w->am, key, ann);
			free(ann);
		}
		if (ev & EV_CLOSE) {
			emit_alert(w, "close", a);
			am_close_alert(w, key, a->r.end + w->base);
		}
	}
	for (size_t i = 0; i < w->alerts.n; i++) {
		const Open *o = &w->alerts.v[i];
		if (!o->seen && !o->closed)
			am_close_alert(w, o->start, o->end);
	}
	open_sweep(&w->alerts);
}

/* ---- growing the series ------------------------------------------------- */

/* Keep at most w->keep test rows: drop the oldest test rows (a multiple of
 * the calibration's refit, so its schedule is unchanged) once there are
 * a quarter of keep (at most 5,000) too many. The train part stays; the time axis becomes explicit.
 * With keep above the calibration history (plus the smoothing's memory),
 * new rows score as they would on the whole series. */
static Status trim(Watch *w, ErrorRecord *err)
{
	Series *s = &w->p.series;
	size_t slack = w->keep / 4 < 5000 ? w->keep / 4 : 5000;
	if (s->rows - s->split <= w->keep + slack)
		return STATUS_OK;
	size_t excess = s->rows - s->split - w->keep;
	size_t refit = w->po.detect.refit ? w->po.detect.refit : 1;
	excess -= excess % refit;
	if (!excess)
		return STATUS_OK;
	size_t rows = s->rows - excess, M = s->metrics, sp = s->split;
	float *v = malloc(rows * M * sizeof(float));
	float *pr = malloc(rows * M * sizeof(float));
	int64_t *ts = malloc(rows * sizeof(int64_t));
	if (!v || !pr || !ts) {
		free(v);
		free(pr);
		free(ts);
		return error_set(err, STATUS_NOMEM, w->source, 0, 0,
				 "out of memory");
	}
	for (size_t r = 0; r < rows; r++)
		ts[r] = series_time(s, r < sp ? r : r + excess);
	for (size_t m = 0; m < M; m++) {
		const float *sv = s->values + m * s->rows;
		const float *sp_ = w->p.pred + m * s->rows;
		memcpy(v + m * rows, sv, sp * sizeof(float));
		memcpy(v + m * rows + sp, sv + sp + excess,
		       (rows - sp) * sizeof(float));
		memcpy(pr + m * rows, sp_, sp * sizeof(float));
		memcpy(pr + m * rows + sp, sp_ + sp + excess,
		       (rows - sp) * sizeof(float));
	}
	free(s->values);
	free(s->timestamps);
	free(w->p.pred);
	s->values = v;
	s->timestamps = ts;
	w->p.pred = pr;
	s->rows = rows;
	w->base += (int64_t)excess;
	if (w->adapt)
		adapt_stream_drop(w->adapt, excess);
	return STATUS_OK;
}

/* One poll: fetch new rows, score them, report. */
static void poll_once(Watch *w)
{
	ErrorRecord err;
	error_clear(&err);
	double mono = clock_mono_seconds();
	if (mono < w->src_next_try)
		return;
	size_t old = w->p.series.rows, added = 0;
	Status st;
	st = live_append(&w->live, &w->p.series, w->delay, &added,
			 &err);
	if (st != STATUS_OK && stop_flag)
		return; /* cancelled by the stop: not a failure */
	if (st != STATUS_OK) {
		w->src_failures++;
		double back = w->poll;
		for (size_t i = 1; i < w->src_failures && back < w->retry_max;
		     i++)
			back *= 2;
		if (back > w->retry_max)
			back = w->retry_max;
		w->src_next_try = mono + back;
		char buf[1200];
		report("source: %s; retrying in %g s",
		       error_format(&err, buf, sizeof(buf)), back);
		return;
	}
	if (w->src_failures) {
		report("source: answering again after %zu failed polls; %zu "
		       "rows fetched",
		       w->src_failures, added);
		w->src_failures = 0;
		w->src_next_try = 0;
	}
	long line;
	size_t stale = live_take_stale(&w->live, &line);
	if (stale)
		report("source: %s:%ld: %zu row%s whose time is not after the "
		       "row before %s left out, not scored",
		       w->source, line, stale, stale == 1 ? "" : "s",
		       stale == 1 ? "is" : "are");
	size_t m;
	for (int gone; (gone = live_next_gone(&w->live, &w->p.series, &m)) >= 0;)
		if (gone) {
			char since[40];
			series_format_time(&w->p.series, old, since,
					   sizeof(since));
			report("source: series %s has no samples since %s: its "
			       "last value is carried forward",
			       w->p.series.names[m], since);
		} else
			report("source: series %s has samples again",
			       w->p.series.names[m]);
	for (const char *name; (name = live_next_unknown(&w->live));)
		report("source: new series %s is not scored: the model knows "
		       "the %zu metrics of the history (train a new one to "
		       "include it)",
		       name, w->p.series.metrics);
	if (added == 0)
		return;
	st = w->adapt ? live_adapt_forecast(w->adapt, &w->po.detect,
					    &w->p.series, old, &w->p.pred,
					    &err)
		      : live_forecast(w->p.model, &w->p.series, old,
				      &w->p.pred, &err);
	if (st == STATUS_OK)
		st = pipeline_detect(&w->p, &w->po, &err);
	if (st != STATUS_OK) {
		char buf[1200];
		report("scoring: %s", error_format(&err, buf, sizeof(buf)));
		return;
	}
	diff_detections(w, 0, old);
	diff_alerts(w, 0, old);
	fflush(stdout);
	/* only now: the new rows are reported before old ones are dropped
	   (a batch larger than --keep would otherwise be dropped unseen) */
	if (w->keep && trim(w, &err) != STATUS_OK) {
		char buf[1200];
		report("scoring: %s", error_format(&err, buf, sizeof(buf)));
	}
}

static void am_step(Watch *w)
{
	if (!w->use_am)
		return;
	ErrorRecord err;
	error_clear(&err);
	size_t failures = w->am.failures;
	int r = am_flush(&w->am, clock_mono_seconds(), &err);
	if (r < 0 && stop_flag)
		return; /* cut short by the stop: tried once more there */
	if (r < 0) {
		char buf[1200];
		report("alertmanager: %s; retrying in %g s",
		       error_format(&err, buf, sizeof(buf)), w->am.backoff);
	} else if (r > 0 && failures) {
		report("alertmanager: delivered after %zu failed attempts",
		       failures);
	}
}

/* ---- the command ---------------------------------------------------------- */

/* Keep the words argv[from..to] of an option watch took for the alerts'
 * command line, unless the command line says it otherwise (--model as an
 * absolute path, --split as the history's rows, --tls in the scheme) or
 * it changes no score (--quiet, --threads); a --user password stays out
 * of the alerts, and a token file is named by its absolute path. -1 when
 * out of memory. */
static int carry_option(Watch *w, char **argv, int from, int to)
{
	static const char *const skip[] = {"--model",   "--split", "--train",
					   "--tls",     "--quiet", "--threads",
					   "--user"};
	for (size_t k = 0; k < sizeof(skip) / sizeof(skip[0]); k++)
		if (!strcmp(argv[from], skip[k]))
			return 0;
	int file = !strcmp(argv[from], "--bearer-token-file");
	for (int k = from; k <= to; k++) {
		char *word = file && k > from ? realpath(argv[k], NULL) : NULL;
		if (!word && !(word = strdup(argv[k])))
			return -1;
		w->carry[w->n_carry++] = word;
	}
	return 0;
}

static int parse_args(Watch *w, int argc, char **argv)
{
	const char *cmd = "watch";
	if (!(w->carry = calloc((size_t)argc + 1, sizeof(*w->carry))))
		return cli_usage_error(cmd, "out of memory");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int from = i;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			printf("%s%s%s\n%s", watch_help, pipeline_detect_help,
			       pipeline_adapt_help, cli_series_help);
			return 0;
		}
		int r = cli_series_option(cmd, argc, argv, &i, &w->sopt);
		if (r == 0)
			r = pipeline_option(cmd, argc, argv, &i, &w->po);
		if (r < 0)
			return 1;
		if (r > 0) {
			if (carry_option(w, argv, from, i))
				return cli_usage_error(cmd, "out of memory");
			continue;
		}
		if (!strcmp(a, "--alertmanager") || !strcmp(a, "--node") ||
		    !strcmp(a, "--poll") || !strcmp(a, "--delay") ||
		    !strcmp(a, "--retry-max") || !strcmp(a, "--keep")) {
			if (i + 1 >= argc)
				return cli_usage_error(cmd, "%s needs a value",
						       a);
			const char *v = argv[++i];
			double d;
			if (!strcmp(a, "--alertmanager")) {
				ErrorRecord err;
				am_free(&w->am); /* the last one given wins */
				if (am_init(&w->am, v, 60, &err) != STATUS_OK)
					return cli_report(cmd, STATUS_NOMEM,
							  &err);
				w->use_am = 1;
			} else if (!strcmp(a, "--node")) {
				free(w->node); /* the last one given wins */
				if (!(w->node = strdup(v)))
					return cli_usage_error(cmd,
							       "out of memory");
			} else if (!strcmp(a, "--keep")) {
				long k;
				if (cli_parse_long(v, &k) || k < 1)
					return cli_usage_error(
						cmd,
						"--keep takes a row count, "
						"not '%s'",
						v);
				w->keep = (size_t)k;
			} else if (cli_parse_double(v, &d) || !isfinite(d) ||
				   d < 0 ||
				   (d == 0 && strcmp(a, "--delay"))) {
				return cli_usage_error(
					cmd, "%s takes seconds, not '%s'", a, v);
			} else if (!strcmp(a, "--poll")) {
				w->poll = d;
			} else if (!strcmp(a, "--delay")) {
				w->delay = d;
			} else {
				w->retry_max = d;
			}
		} else if (a[0] == '-' && a[1]) {
			return cli_usage_error(cmd, "unknown option '%s'", a);
		} else if (!w->source) {
			w->source = a;
		} else {
			return cli_usage_error(cmd, "one SOURCE only ('%s'?)",
					       a);
		}
	}
	if (!w->source)
		return cli_usage_error(cmd, "which SOURCE?");
	if (!w->po.model_path)
		return cli_usage_error(cmd,
				       "--model is required (train one with "
				       "vigil train SOURCE -o MODEL)");
	if (pipeline_check_options(cmd, &w->po))
		return 1;
	if (w->po.detect.mode == THRESH_DYNAMIC)
		return cli_usage_error(cmd,
				       "--mode dynamic looks ahead and cannot "
				       "score rows as they arrive");
	return -1;
}

/* Read the history, load the model, score, report what is open. */
static Status start(Watch *w, ErrorRecord *err)
{
	Status st;
	/* the alerts' command line names the files wherever it is pasted */
	w->model_abs = realpath(w->po.model_path, NULL);
	st = live_open(&w->live, w->source, &w->sopt, &w->p.series, err);
	if (st == STATUS_OK && !w->live.prom)
		w->source_abs = realpath(w->source, NULL);
	if (st == STATUS_OK)
		st = pipeline_model(&w->p, &w->po, err);
	if (st == STATUS_OK)
		st = pipeline_forecast(&w->p, err);
	if (st == STATUS_OK && w->po.adapt.every) {
		/* --adapt: the history's test part is forecast by the
		   learning copy, as vigil detect --adapt does, and each poll
		   goes on from there */
		const LstmConfig *c = lstm_model_config(w->p.model);
		size_t recent = w->po.adapt.recent ? w->po.adapt.recent
						   : w->po.adapt.every;
		size_t need = recent + c->look_back + c->rolling;
		if (w->keep < need)
			return error_set(err, STATUS_USAGE, w->source, 0, 0,
					 "--keep %zu is below the %zu rows an "
					 "--adapt update learns from (the "
					 "last %zu, with the look-back and "
					 "rolling window before them)",
					 w->keep, need, recent);
		st = adapt_stream_new(&w->adapt, w->p.model, &w->po.adapt,
				      &w->po.detect, err);
		if (st == STATUS_OK)
			st = adapt_stream_forecast(w->adapt, &w->p.series,
						   &w->po.detect, w->p.pred,
						   NULL, NULL, NULL, err);
	}
	if (st == STATUS_OK)
		st = pipeline_detect(&w->p, &w->po, err);
	return st;
}


int cmd_watch(int argc, char **argv)
{
	static Watch w;
	memset(&w, 0, sizeof(w));
	pipeline_options_defaults(&w.po);
	pipeline_init(&w.p);
	w.retry_max = 60;
	int rc = parse_args(&w, argc, argv);
	if (rc >= 0)
		goto done;
	w.am.retry_max = w.retry_max;
	if (!w.keep)
		w.keep = w.po.detect.history + 10000;
	w.po.quiet = 1;
	ErrorRecord err;
	error_clear(&err);
	Status st = start(&w, &err);
	if (st != STATUS_OK) {
		rc = cli_report("watch", st, &err);
		goto done;
	}
	if (!w.node && default_node(&w)) {
		error_set(&err, STATUS_NOMEM, w.source, 0, 0, "out of memory");
		rc = cli_report("watch", STATUS_NOMEM, &err);
		goto done;
	}
	if (w.poll <= 0)
		w.poll = (double)live_step(&w.live, &w.p.series);
	if (w.poll <= 0)
		w.poll = 60;
	/* posts come after polls: a firing alert is held for four of the
	   longer of the two */
	w.am.hold = 4 * (w.poll > w.am.resend ? w.poll : w.am.resend);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* SIGHUP stops it cleanly too, unless it is ignored (nohup) */
	struct sigaction hup;
	if (sigaction(SIGHUP, NULL, &hup) == 0 && hup.sa_handler != SIG_IGN)
		sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* a Prometheus or an Alertmanager that hangs does not hold up a
	   stop */
	if (w.live.prom)
		prom_set_cancel(w.live.prom, &stop_flag);
	w.am.cancel = &stop_flag;
	diff_detections(&w, 1, 0);
	diff_alerts(&w, 1, 0);
	int lost = stdout_lost(&w);
	char am_shown[1024];
	report("%s: history of %zu rows x %zu metrics; polling every %g s%s%s",
	       w.node, w.p.series.rows, w.p.series.metrics, w.poll,
	       w.use_am ? ", alerts to " : "",
	       w.use_am ? prom_redact_url(w.am.url, am_shown, sizeof(am_shown))
			: "");
	am_step(&w);
	while (!stop_flag && !lost) {
		nap(w.poll);
		if (stop_flag)
			break;
		poll_once(&w);
		lost = stdout_lost(&w);
		am_step(&w);
	}
	if (w.use_am) {
		/* what is still queued (a post cut short by the stop, failed
		   ones waiting for their retry) has a last, bounded chance */
		error_clear(&err);
		size_t lost_alerts =
			am_flush_last(&w.am, AM_LAST_CHANCE, &stop_again, &err);
		char buf[1200];
		if (lost_alerts)
			report("alertmanager: %zu alert%s not delivered at stop: "
			       "%s",
			       lost_alerts, lost_alerts == 1 ? "" : "s",
			       stop_again ? "stopped again"
					  : error_format(&err, buf, sizeof(buf)));
	}
	report("stopped after %lld rows (%zu in memory)",
	       (long long)w.p.series.rows + (long long)w.base, w.p.series.rows);
	rc = lost ? status_exit_code(STATUS_IO) : 0;
done:
	for (size_t k = 0; k < w.n_carry; k++)
		free(w.carry[k]);
	free(w.carry);
	free(w.model_abs);
	free(w.source_abs);
	adapt_stream_delete(w.adapt);
	free(w.node);
	free(w.det.v);
	free(w.alerts.v);
	am_free(&w.am);
	live_close(&w.live);
	pipeline_free(&w.p);
	return rc;
}
