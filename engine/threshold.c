/* Threshold fitting: seed (k x RMSE), sigma (mean + z std) and telemanom's
 * nonparametric dynamic threshold, over one metric's error series.
 *
 * The dynamic search is written from the description in Hundman et al.,
 * "Detecting Spacecraft Anomalies Using LSTMs and Nonparametric Dynamic
 * Thresholding" (KDD 2018) and the behaviour of its reference code. Every
 * eps tried is at least mean + 2.5 std, so one pass collects the few
 * candidate points that can exceed any of them; each z then only visits the
 * candidates (the mean and std below eps come from the window's sums minus
 * the candidates above it). Cost per window of n points with c candidates:
 * O(n + 20 c), plus one O(n) pruning pass. */
#include "engine/threshold.h"

#include <math.h>
#include <stdlib.h>

double threshold_seed(const float *x, size_t n, double k)
{
	double sum = 0;
	size_t cnt = 0;
	for (size_t i = 0; i < n; i++) {
		if (isnan(x[i]))
			continue;
		sum += (double)x[i] * x[i];
		cnt++;
	}
	return cnt ? k * sqrt(sum / (double)cnt) : 0.0;
}

static void mean_std(const float *x, size_t n, double *mean, double *std,
		     size_t *count)
{
	double s = 0, ss = 0;
	size_t cnt = 0;
	for (size_t i = 0; i < n; i++) {
		if (isnan(x[i]))
			continue;
		s += x[i];
		cnt++;
	}
	double m = cnt ? s / (double)cnt : 0.0;
	for (size_t i = 0; i < n; i++) {
		if (isnan(x[i]))
			continue;
		double d = x[i] - m;
		ss += d * d;
	}
	*mean = m;
	*std = cnt ? sqrt(ss / (double)cnt) : 0.0;
	if (count)
		*count = cnt;
}

double threshold_sigma(const float *x, size_t n, double z)
{
	double m, sd;
	size_t cnt;
	mean_std(x, n, &m, &sd, &cnt);
	return cnt ? m + z * sd : 0.0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Groups of points >= eps widened by buf each side, over a window x[0..n)
 * (NaN never exceeds). Only the positions cand[0..nc) (increasing) are
 * visited, or every position when cand is NULL: the search over z passes
 * the few candidate points, the pruning the whole window; both count the
 * same. Returns the number of widened points; *n_seq gets the number of
 * groups longer than one point. If starts/ends are non-NULL they receive the
 * groups (capacity n) and *n_groups their count. */
static size_t buffered_groups(const float *x, size_t n, const size_t *cand,
			      size_t nc, double eps, size_t buf, size_t *n_seq,
			      size_t *starts, size_t *ends, size_t *n_groups)
{
	size_t points = 0, seqs = 0, groups = 0;
	size_t cs = 0, ce = 0; /* current group, inclusive */
	int open = 0;
	size_t visits = cand ? nc : n;
	/* one pass more than there are visits: it only closes the last group */
	for (size_t k = 0; k <= visits; k++) {
		size_t i = 0, a = 0, b = 0;
		if (k < visits) {
			i = cand ? cand[k] : k;
			if (!(x[i] >= eps))
				continue;
			a = i > buf ? i - buf : 0;
			b = i + buf < n ? i + buf : n - 1;
			if (open && a <= ce + 1) {
				if (b > ce)
					ce = b;
				continue;
			}
		}
		if (open) { /* close the current group */
			points += ce - cs + 1;
			seqs += ce > cs;
			if (starts) {
				starts[groups] = cs;
				ends[groups] = ce;
			}
			groups++;
		}
		open = 1;
		cs = a;
		ce = b;
	}
	*n_seq = seqs;
	if (n_groups)
		*n_groups = groups;
	return points;
}

static int cmp_desc(const void *a, const void *b)
{
	return cmp_double(b, a);
}

double threshold_prune(const float *x, size_t n, double eps, size_t buffer,
		       double p, size_t *n_seq_out, size_t *n_kept_out)
{
	size_t *starts = malloc((n ? n : 1) * sizeof(*starts));
	size_t *ends = malloc((n ? n : 1) * sizeof(*ends));
	double *peaks = malloc((n + 1) * sizeof(*peaks));
	double threshold = eps;
	if (!starts || !ends || !peaks)
		goto out; /* out of memory: no pruning */
	size_t n_seq, n_groups;
	buffered_groups(x, n, NULL, 0, eps, buffer, &n_seq, starts, ends,
			&n_groups);
	if (n_seq_out)
		*n_seq_out = n_seq;
	double pruned_max = -INFINITY;
	size_t np = 0;
	double outside = 0.0; /* largest value outside every group */
	size_t g = 0;
	for (size_t i = 0; i < n; i++) {
		while (g < n_groups && ends[g] < i)
			g++;
		int inside = g < n_groups && starts[g] <= i;
		if (!inside && !isnan(x[i]) && x[i] > outside)
			outside = x[i];
	}
	for (g = 0; g < n_groups; g++) {
		double pk = -INFINITY;
		for (size_t i = starts[g]; i <= ends[g]; i++)
			if (!isnan(x[i]) && x[i] > pk)
				pk = x[i];
		if (ends[g] == starts[g]) {
			/* A lone point is no sequence: always pruned. */
			if (pk > pruned_max)
				pruned_max = pk;
			continue;
		}
		peaks[np++] = pk;
	}
	qsort(peaks, np, sizeof(*peaks), cmp_desc);
	peaks[np] = outside;
	/* Keep peaks[0..keep): keep = 1 + the last index with a big drop. */
	size_t keep = 0;
	for (size_t i = 0; i < np; i++) {
		double drop = peaks[i] > 0 ? (peaks[i] - peaks[i + 1]) / peaks[i]
					   : 0.0;
		if (drop >= p)
			keep = i + 1;
	}
	if (n_kept_out)
		*n_kept_out = keep;
	for (size_t i = keep; i < np; i++)
		if (peaks[i] > pruned_max)
			pruned_max = peaks[i];
	if (pruned_max >= threshold)
		threshold = nextafterf((float)pruned_max, INFINITY);
out:
	free(starts);
	free(ends);
	free(peaks);
	return threshold;
}

DynamicThreshold threshold_dynamic(const float *x, size_t n, size_t buffer,
				   double p)
{
	DynamicThreshold d = {0};
	size_t cnt;
	mean_std(x, n, &d.mean, &d.std, &cnt);
	double vmax = -INFINITY;
	for (size_t i = 0; i < n; i++)
		if (!isnan(x[i]) && x[i] > vmax)
			vmax = x[i];
	d.z = 12.0;
	d.eps = d.mean + d.z * d.std;
	if (cnt < 2 || !(d.std > 0) || !(d.mean > 0)) {
		/* Nothing stands out of a constant window. */
		d.threshold = cnt ? nextafterf((float)vmax, INFINITY) : 0.0;
		if (d.threshold < d.eps)
			d.threshold = d.eps;
		return d;
	}

	/* Every eps tried is >= mean + 2.5 std, so the points above any of
	 * them are among these candidates (in position order); the mean and
	 * std of the points below eps follow from the window's sums minus
	 * the candidates' above eps. */
	double lo_eps = d.mean + 2.5 * d.std;
	double s1 = 0, s2 = 0;
	size_t nc = 0;
	for (size_t i = 0; i < n; i++) {
		if (isnan(x[i]))
			continue;
		s1 += x[i];
		s2 += (double)x[i] * x[i];
		nc += x[i] >= lo_eps;
	}
	size_t *cand = malloc((nc ? nc : 1) * sizeof(*cand));
	if (!cand) {
		/* Out of memory: fall back to the most conservative eps. */
		d.threshold = d.eps;
		return d;
	}
	nc = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(x[i]) && x[i] >= lo_eps)
			cand[nc++] = i;

	double best = -INFINITY;
	for (int step = 0; step <= 19; step++) {
		double z = 2.5 + 0.5 * step;
		double eps = d.mean + z * d.std;
		double a1 = 0, a2 = 0;
		size_t above = 0;
		for (size_t k = 0; k < nc; k++) {
			double v = x[cand[k]];
			if (v >= eps) {
				a1 += v;
				a2 += v * v;
				above++;
			}
		}
		if (above == 0 || above == cnt)
			continue;
		size_t below = cnt - above;
		double mb = (s1 - a1) / (double)below;
		double var = (s2 - a2) / (double)below - mb * mb;
		double sb = var > 0 ? sqrt(var) : 0.0;
		size_t n_seq;
		size_t n_anom = buffered_groups(x, n, cand, nc, eps, buffer,
						&n_seq, NULL, NULL, NULL);
		double score = ((d.mean - mb) / d.mean + (d.std - sb) / d.std) /
			       ((double)n_seq * (double)n_seq + (double)n_anom);
		if (score >= best && n_seq <= 5 && 2 * n_anom < cnt) {
			best = score;
			d.z = z;
			d.eps = eps;
		}
	}
	free(cand);
	d.threshold = threshold_prune(x, n, d.eps, buffer, p, &d.n_seq,
				      &d.n_kept);
	return d;
}
