/* Incremental threshold moves (engine/rethresh.h): summaries of the base
 * score columns, raw runs per metric, and the detection, node and alert
 * rules of engine/detect.c and engine/alert.c replayed on the rows that can
 * have a score of at least 1. */
#include "engine/rethresh.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Relative slack of the block test: a block is scanned when its base
 * maximum reaches the threshold ratio within this (far more than the
 * rounding of two float divisions). */
#define RETHRESH_SLACK 1e-5

void rethresh_free(RethreshIndex *ix)
{
	if (ix->raw)
		for (size_t m = 0; m < ix->metrics; m++) {
			free(ix->raw[m].run);
			free(ix->raw[m].peak);
		}
	free(ix->raw);
	free(ix->thr0);
	free(ix->win0);
	free(ix->max);
	memset(ix, 0, sizeof(*ix));
}

float rethresh_score(const DetectResult *r, size_t m, size_t t)
{
	const float *sig = (r->surprise ? r->surprise : r->smooth) + m * r->rows;
	double thr = detect_threshold_at(r, m, t);
	return isnan(sig[t]) ? 0.0f : (float)((double)sig[t] / thr);
}

double rethresh_scale(const DetectResult *r, const RethreshIndex *ix,
		      size_t m)
{
	if (!ix->thr0 || m >= ix->metrics || !(r->threshold[m] > 0))
		return 1.0;
	return (double)ix->thr0[m] / (double)r->threshold[m];
}

static int runs_push(RethreshRuns *rr, int64_t a, int64_t b, float pk)
{
	if (rr->n == rr->cap) {
		size_t cap = rr->cap ? 2 * rr->cap : 16;
		Range *nr = realloc(rr->run, cap * sizeof(*nr));
		if (!nr)
			return -1;
		rr->run = nr;
		float *np = realloc(rr->peak, cap * sizeof(*np));
		if (!np)
			return -1;
		rr->peak = np;
		rr->cap = cap;
	}
	rr->run[rr->n] = (Range){a, b};
	rr->peak[rr->n++] = pk;
	return 0;
}

/* Raw runs of s >= 1 of metric m in rows [a, b) of the base scores (the
 * scores in force when the index is built). */
static int scan_base(const DetectResult *r, size_t m, size_t a, size_t b,
		     RethreshRuns *rr)
{
	const float *s = r->score + m * r->rows;
	size_t t = a;
	while (t < b) {
		if (!(s[t] >= 1.0f)) {
			t++;
			continue;
		}
		size_t st = t;
		float pk = s[t];
		for (; t < b && s[t] >= 1.0f; t++)
			if (s[t] > pk)
				pk = s[t];
		if (runs_push(rr, (int64_t)st, (int64_t)t, pk))
			return -1;
	}
	return 0;
}

/* The same with the scores in force (rethresh_score). */
static int scan_now(const DetectResult *r, size_t m, size_t a, size_t b,
		    RethreshRuns *rr)
{
	size_t t = a;
	while (t < b) {
		float v = rethresh_score(r, m, t);
		if (!(v >= 1.0f)) {
			t++;
			continue;
		}
		size_t st = t;
		float pk = v;
		for (t++; t < b; t++) {
			v = rethresh_score(r, m, t);
			if (!(v >= 1.0f))
				break;
			if (v > pk)
				pk = v;
		}
		if (runs_push(rr, (int64_t)st, (int64_t)t, pk))
			return -1;
		t++; /* row t is below 1 */
	}
	return 0;
}

Status rethresh_init(RethreshIndex *ix, const DetectResult *r,
		     ErrorRecord *err)
{
	memset(ix, 0, sizeof(*ix));
	size_t R = r->rows, M = r->metrics;
	ix->rows = R;
	ix->metrics = M;
	ix->n_win = r->win_thr ? r->n_win : 0;
	size_t len = R ? (R + RETHRESH_BLOCK - 1) / RETHRESH_BLOCK : 0;
	size_t total = 0, lv = 0;
	while (len > 0 && lv < 64) {
		ix->off[lv] = total;
		ix->len[lv] = len;
		total += len;
		lv++;
		if (len == 1)
			break;
		len = (len + 1) / 2;
	}
	ix->levels = lv;
	ix->per_metric = total;
	ix->thr0 = malloc((M ? M : 1) * sizeof(float));
	ix->raw = calloc(M ? M : 1, sizeof(*ix->raw));
	if (total && M)
		ix->max = total <= SIZE_MAX / sizeof(float) / M
				  ? malloc(total * M * sizeof(float))
				  : NULL;
	if (ix->n_win)
		ix->win0 = malloc(M * ix->n_win * sizeof(float));
	if (!ix->thr0 || !ix->raw || (total && M && !ix->max) ||
	    (ix->n_win && !ix->win0))
		goto nomem;
	memcpy(ix->thr0, r->threshold, M * sizeof(float));
	if (ix->n_win)
		memcpy(ix->win0, r->win_thr, M * ix->n_win * sizeof(float));
	for (size_t m = 0; m < M; m++) {
		const float *s = r->score + m * R;
		float *mx = ix->max + m * total;
		for (size_t b = 0; b < ix->len[0]; b++) {
			size_t a = b * RETHRESH_BLOCK;
			size_t e = a + RETHRESH_BLOCK < R ? a + RETHRESH_BLOCK
							  : R;
			float v = -INFINITY;
			for (size_t t = a; t < e; t++)
				if (s[t] > v)
					v = s[t];
			mx[b] = v;
		}
		for (size_t j = 1; j < ix->levels; j++) {
			const float *lo = mx + ix->off[j - 1];
			float *hi = mx + ix->off[j];
			for (size_t b = 0; b < ix->len[j]; b++) {
				float v = lo[2 * b];
				if (2 * b + 1 < ix->len[j - 1] &&
				    lo[2 * b + 1] > v)
					v = lo[2 * b + 1];
				hi[b] = v;
			}
		}
		if (scan_base(r, m, r->from, R, &ix->raw[m]))
			goto nomem;
	}
	return STATUS_OK;
nomem:
	rethresh_free(ix);
	return error_set(err, STATUS_NOMEM, "", 0, 0,
			 "out of memory for the score summaries");
}

/* The smallest ratio threshold now / threshold at build of metric m (over
 * the dynamic mode's windows too). */
static double min_ratio(const DetectResult *r, const RethreshIndex *ix,
			size_t m)
{
	double q = (double)r->threshold[m] / (double)ix->thr0[m];
	for (size_t w = 0; w < ix->n_win; w++) {
		double v = (double)r->win_thr[m * ix->n_win + w] /
			   (double)ix->win0[m * ix->n_win + w];
		if (v < q)
			q = v;
	}
	return q;
}

/* Walk the summary of metric m down to the finest blocks whose base
 * maximum reaches level, scanning each stretch of adjacent ones. */
typedef struct {
	const DetectResult *r;
	const RethreshIndex *ix;
	size_t m;
	float level;
	size_t a, b; /* the stretch of rows being gathered ([a, b)) */
	int have;
	RethreshRuns *out;
	int failed;
} Walk;

static void walk_flush(Walk *w)
{
	if (!w->have)
		return;
	size_t a = w->a < w->r->from ? w->r->from : w->a;
	if (a < w->b && scan_now(w->r, w->m, a, w->b, w->out))
		w->failed = 1;
	w->have = 0;
}

static void walk(Walk *w, size_t j, size_t i)
{
	const float *mx = w->ix->max + w->m * w->ix->per_metric;
	if (!(mx[w->ix->off[j] + i] >= w->level))
		return;
	if (j > 0) {
		walk(w, j - 1, 2 * i);
		if (2 * i + 1 < w->ix->len[j - 1])
			walk(w, j - 1, 2 * i + 1);
		return;
	}
	size_t a = i * RETHRESH_BLOCK;
	size_t b = a + RETHRESH_BLOCK < w->ix->rows ? a + RETHRESH_BLOCK
						    : w->ix->rows;
	if (b <= w->r->from)
		return;
	if (w->have && a == w->b) {
		w->b = b;
		return;
	}
	walk_flush(w);
	w->a = a;
	w->b = b;
	w->have = 1;
}

/* Metric m's raw runs under the thresholds in force. */
static int collect_runs(const DetectResult *r, RethreshIndex *ix, size_t m)
{
	RethreshRuns *rr = &ix->raw[m];
	rr->n = 0;
	if (ix->levels == 0)
		return 0;
	Walk w = {r, ix, m, (float)(min_ratio(r, ix, m) * (1 - RETHRESH_SLACK)),
		  0, 0, 0, rr, 0};
	size_t top = ix->levels - 1;
	for (size_t i = 0; i < ix->len[top]; i++)
		walk(&w, top, i);
	walk_flush(&w);
	return w.failed ? -1 : 0;
}

/* Metric m's detections from its raw runs, as detect_metric finds them. */
static Status metric_detections(DetectResult *r, const RethreshRuns *rr,
				size_t m, ErrorRecord *err)
{
	r->n_det[m] = 0;
	RunJoin j;
	detect_join_init(&j, r, m);
	Detection d;
	for (size_t i = 0; i < rr->n; i++)
		if (detect_join_add(&j, rr->run[i].start, rr->run[i].end,
				    rr->peak[i], &d)) {
			Status st = detect_push(r, m, &d, err);
			if (st != STATUS_OK)
				return st;
		}
	return detect_join_end(&j, &d) ? detect_push(r, m, &d, err)
				       : STATUS_OK;
}

static int cmp_range(const void *a, const void *b)
{
	const Range *x = a, *y = b;
	if (x->start != y->start)
		return (x->start > y->start) - (x->start < y->start);
	return (x->end > y->end) - (x->end < y->end);
}

/* The node score at row t with the scores in force, as
 * detect_node_scores computes it from the base scores (the k largest,
 * descending, into topv; detect_tops_mean); *peak the largest. */
static float top_k_now(const DetectResult *r, size_t t, size_t k,
		       float *topv, float *peak)
{
	for (size_t i = 0; i < k; i++)
		topv[i] = 0;
	for (size_t m = 0; m < r->metrics; m++)
		detect_top_insert(topv, k, rethresh_score(r, m, t));
	*peak = topv[0];
	return detect_tops_mean(topv, k);
}

/* The node_top_k rule of detect.c on the union of the metrics' raw runs
 * (the only rows where the node score can reach 1). */
static Status node_top_k(DetectResult *r, const RethreshIndex *ix,
			 ErrorRecord *err)
{
	size_t M = r->metrics;
	size_t k = r->cfg.node_top_k < M ? r->cfg.node_top_k : M;
	size_t total = 0;
	for (size_t m = 0; m < M; m++)
		total += ix->raw[m].n;
	Range *u = malloc((total ? total : 1) * sizeof(*u));
	float *topv = malloc((k ? k : 1) * sizeof(*topv));
	if (!u || !topv)
		goto nomem;
	size_t n = 0;
	for (size_t m = 0; m < M; m++) {
		if (ix->raw[m].n == 0)
			continue; /* run may be NULL */
		memcpy(u + n, ix->raw[m].run, ix->raw[m].n * sizeof(*u));
		n += ix->raw[m].n;
	}
	qsort(u, n, sizeof(*u), cmp_range);
	size_t nu = 0;
	for (size_t i = 0; i < n; i++) {
		if (nu && u[i].start <= u[nu - 1].end) {
			if (u[i].end > u[nu - 1].end)
				u[nu - 1].end = u[i].end;
			continue;
		}
		u[nu++] = u[i];
	}
	/* the node score's runs >= 1 inside the union, through RunJoin as in
	   detect.c's node_top_k */
	RunJoin j;
	detect_join_init(&j, r, DETECT_NODE);
	Detection d;
	Status st = STATUS_OK;
	for (size_t i = 0; i < nu && st == STATUS_OK; i++) {
		int64_t t = u[i].start;
		while (t < u[i].end && st == STATUS_OK) {
			float pk = 0;
			if (!(top_k_now(r, (size_t)t, k, topv, &pk) >= 1.0f)) {
				t++;
				continue;
			}
			int64_t a = t;
			float run_pk = pk;
			for (t++; t < u[i].end &&
				  top_k_now(r, (size_t)t, k, topv, &pk) >= 1.0f;
			     t++)
				if (pk > run_pk)
					run_pk = pk;
			if (detect_join_add(&j, a, t, run_pk, &d))
				st = detect_push(r, DETECT_NODE, &d, err);
		}
	}
	if (st == STATUS_OK && detect_join_end(&j, &d))
		st = detect_push(r, DETECT_NODE, &d, err);
	free(u);
	free(topv);
	return st;
nomem:
	free(u);
	free(topv);
	return error_set(err, STATUS_NOMEM, "", 0, 0,
			 "out of memory for node detections");
}

static float score_now(const void *ctx, size_t m, size_t t)
{
	return rethresh_score(ctx, m, t);
}

Status rethresh_move(DetectResult *r, RethreshIndex *ix, size_t m,
		     double factor, ErrorRecord *err)
{
	Status st = detect_check_move(r, m, factor, err);
	if (st != STATUS_OK)
		return st;
	if (ix->rows != r->rows || ix->metrics != r->metrics || !ix->raw)
		return error_set(err, STATUS_INTERNAL, "", 0, 0,
				 "the score index is not this result's");
	for (size_t i = 0; i < r->metrics; i++) {
		if (m != DETECT_ALL && i != m)
			continue;
		detect_scale_threshold(r, i, factor);
		if (collect_runs(r, ix, i))
			return error_set(err, STATUS_NOMEM, "", 0, 0,
					 "out of memory for detections");
		st = metric_detections(r, &ix->raw[i], i, err);
		if (st != STATUS_OK)
			return st;
	}
	detect_node_reset(r);
	st = r->cfg.node_top_k > 0 ? node_top_k(r, ix, err)
				   : detect_node_union(r, err);
	if (st != STATUS_OK || r->n_node == 0)
		return st;
	/* the metrics ranked by the scores in force, not the base ones */
	return alerts_build_fn(r->node, r->n_node, r->det, r->n_det,
			       r->metrics, score_now, r, r->rows,
			       r->cfg.alert_gap, &r->alerts, &r->n_alerts,
			       err);
}

/* Node scores of rows [a, b) into out + a, from the base scores times
 * g[m]; top: room for (b - a) x k floats. */
static void node_rows(const DetectResult *r, const float *g, size_t k,
		      size_t a, size_t b, float *top, float *out)
{
	size_t R = r->rows, n = b - a;
	memset(top, 0, n * k * sizeof(float));
	for (size_t m = 0; m < r->metrics; m++) {
		const float *sc = r->score + m * R + a;
		float gm = g[m];
		for (size_t t = 0; t < n; t++)
			detect_top_insert(top + t * k, k, sc[t] * gm);
	}
	for (size_t t = 0; t < n; t++)
		out[a + t] = detect_tops_mean(top + t * k, k);
}

/* Rows per chunk of the node score: its top-k scratch stays in cache. */
#define NODE_CHUNK 4096

/* The node scores with scales g (metrics floats); stops early (returning
 * 1) when *cancel becomes nonzero. -1: out of memory. */
static int node_scores(const DetectResult *r, const float *g, float *out,
		       const atomic_int *cancel)
{
	size_t R = r->rows, M = r->metrics;
	size_t k = r->cfg.node_top_k ? r->cfg.node_top_k : 1;
	if (k > M)
		k = M;
	if (k == 0) {
		for (size_t t = 0; t < R; t++)
			out[t] = 0;
		return 0;
	}
	float *top = malloc(NODE_CHUNK * k * sizeof(float));
	if (!top)
		return -1;
	for (size_t a = 0; a < R; a += NODE_CHUNK) {
		if (cancel && atomic_load(cancel)) {
			free(top);
			return 1;
		}
		size_t b = a + NODE_CHUNK < R ? a + NODE_CHUNK : R;
		node_rows(r, g, k, a, b, top, out);
	}
	free(top);
	return 0;
}

static float *scales(const DetectResult *r, const RethreshIndex *ix)
{
	float *g = malloc((r->metrics ? r->metrics : 1) * sizeof(float));
	for (size_t m = 0; g && m < r->metrics; m++)
		g[m] = (float)rethresh_scale(r, ix, m);
	return g;
}

Status rethresh_node_scores(const DetectResult *r, const RethreshIndex *ix,
			    float *out, ErrorRecord *err)
{
	float *g = scales(r, ix);
	int rc = g ? node_scores(r, g, out, NULL) : -1;
	free(g);
	if (rc)
		return error_set(err, STATUS_NOMEM, "", 0, 0,
				 "out of memory for the node score");
	return STATUS_OK;
}

/* ---------------------------------------------------------- node job */

struct NodeScoreJob {
	pthread_t th;
	const DetectResult *r; /* borrowed: its score columns, rows, metrics
				  and node rule are only read */
	float *g;              /* owned: the scales at the start */
	float *out;            /* owned until joined */
	atomic_int cancel;
	atomic_int done;
	int rc;
};

static void *node_job_main(void *arg)
{
	NodeScoreJob *j = arg;
	j->rc = node_scores(j->r, j->g, j->out, &j->cancel);
	atomic_store(&j->done, 1);
	return NULL;
}

Status rethresh_node_start(NodeScoreJob **out, const DetectResult *r,
			   const RethreshIndex *ix, ErrorRecord *err)
{
	*out = NULL;
	NodeScoreJob *j = calloc(1, sizeof(*j));
	if (j) {
		j->r = r;
		j->g = scales(r, ix);
		j->out = malloc((r->rows ? r->rows : 1) * sizeof(float));
		atomic_init(&j->cancel, 0);
		atomic_init(&j->done, 0);
	}
	if (!j || !j->g || !j->out) {
		if (j) {
			free(j->g);
			free(j->out);
		}
		free(j);
		return error_set(err, STATUS_NOMEM, "", 0, 0,
				 "out of memory for the node score");
	}
	if (pthread_create(&j->th, NULL, node_job_main, j)) {
		free(j->g);
		free(j->out);
		free(j);
		return error_set(err, STATUS_INTERNAL, "", 0, 0,
				 "cannot start the node score");
	}
	*out = j;
	return STATUS_OK;
}

int rethresh_node_done(NodeScoreJob *j)
{
	return atomic_load(&j->done);
}

void rethresh_node_cancel(NodeScoreJob *j)
{
	atomic_store(&j->cancel, 1);
}

float *rethresh_node_join(NodeScoreJob *j, int cancel)
{
	if (cancel)
		atomic_store(&j->cancel, 1);
	pthread_join(j->th, NULL);
	float *out = j->rc == 0 ? j->out : NULL;
	if (!out)
		free(j->out);
	free(j->g);
	free(j);
	return out;
}
