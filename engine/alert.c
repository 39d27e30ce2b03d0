/* Alerts: grouping node detections and ranking metrics by score mass.
 * The rules are stated in engine/alert.h. */
#include "engine/alert.h"

#include <stdlib.h>

static int cmp_share(const void *a, const void *b)
{
	const AlertMetric *x = a, *y = b;
	if (x->mass != y->mass)
		return x->mass < y->mass ? 1 : -1;
	return (x->metric > y->metric) - (x->metric < y->metric);
}

void alerts_free(Alert *a, size_t n)
{
	if (!a)
		return;
	for (size_t i = 0; i < n; i++)
		free(a[i].ranked);
	free(a);
}

/* Count metric detections overlapping span and rank the metrics. */
static Status alert_fill(Alert *al, Detection *const *det, const size_t *n_det,
			 size_t metrics, AlertScoreFn fn, const void *ctx,
			 size_t rows, ErrorRecord *err)
{
	al->n_low = al->n_medium = al->n_high = 0;
	for (size_t m = 0; m < metrics; m++) {
		for (size_t i = 0; i < n_det[m]; i++) {
			const Detection *d = &det[m][i];
			if (d->r.end <= al->r.start || d->r.start >= al->r.end)
				continue;
			if (d->crit == CRIT_HIGH)
				al->n_high++;
			else if (d->crit == CRIT_MEDIUM)
				al->n_medium++;
			else
				al->n_low++;
		}
	}
	if (al->n_high > 0 || al->n_medium >= 2)
		al->crit = CRIT_HIGH;
	else if (al->n_medium == 1)
		al->crit = CRIT_MEDIUM;
	else
		al->crit = CRIT_LOW;

	al->ranked = malloc((metrics ? metrics : 1) * sizeof(*al->ranked));
	if (!al->ranked)
		return error_set(err, STATUS_NOMEM, "", 0, 0,
				 "out of memory ranking %zu metrics", metrics);
	double total = 0;
	size_t n = 0;
	size_t a = (size_t)al->r.start, b = (size_t)al->r.end;
	if (b > rows)
		b = rows;
	for (size_t m = 0; m < metrics; m++) {
		double mass = 0;
		for (size_t t = a; t < b; t++) {
			float v = fn(ctx, m, t);
			if (v >= 1.0f)
				mass += v;
		}
		if (mass > 0) {
			al->ranked[n].metric = m;
			al->ranked[n].mass = mass;
			n++;
			total += mass;
		}
	}
	for (size_t i = 0; i < n; i++)
		al->ranked[i].share = al->ranked[i].mass / total;
	qsort(al->ranked, n, sizeof(*al->ranked), cmp_share);
	al->n_ranked = n;
	return STATUS_OK;
}

typedef struct {
	const float *score;
	size_t rows;
} ScoreArray;

static float array_score(const void *ctx, size_t m, size_t t)
{
	const ScoreArray *a = ctx;
	return a->score[m * a->rows + t];
}

Status alerts_build(const Detection *node, size_t n_node,
		    Detection *const *det, const size_t *n_det, size_t metrics,
		    const float *score, size_t rows, size_t alert_gap,
		    Alert **out, size_t *n_out, ErrorRecord *err)
{
	ScoreArray a = {score, rows};
	return alerts_build_fn(node, n_node, det, n_det, metrics, array_score,
			       &a, rows, alert_gap, out, n_out, err);
}

Status alerts_build_fn(const Detection *node, size_t n_node,
		       Detection *const *det, const size_t *n_det,
		       size_t metrics, AlertScoreFn fn, const void *ctx,
		       size_t rows, size_t alert_gap, Alert **out,
		       size_t *n_out, ErrorRecord *err)
{
	*out = NULL;
	*n_out = 0;
	if (n_node == 0)
		return STATUS_OK;
	Alert *al = calloc(n_node, sizeof(*al));
	if (!al)
		return error_set(err, STATUS_NOMEM, "", 0, 0,
				 "out of memory for %zu alerts", n_node);
	size_t n = 0;
	for (size_t i = 0; i < n_node; i++) {
		const Detection *d = &node[i];
		if (n > 0 && d->r.start - al[n - 1].r.end < (int64_t)alert_gap) {
			Alert *cur = &al[n - 1];
			if (d->r.end > cur->r.end)
				cur->r.end = d->r.end;
			if (d->peak > cur->peak)
				cur->peak = d->peak;
			cur->n_node++;
			continue;
		}
		al[n].r = d->r;
		al[n].peak = d->peak;
		al[n].n_node = 1;
		n++;
	}
	for (size_t i = 0; i < n; i++) {
		Status st = alert_fill(&al[i], det, n_det, metrics, fn, ctx,
				       rows, err);
		if (st != STATUS_OK) {
			alerts_free(al, n);
			return st;
		}
	}
	*out = al;
	*n_out = n;
	return STATUS_OK;
}
