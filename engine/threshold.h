/* Threshold fitting over one metric's (smoothed) error series: the three
 * modes of DESIGN section 3 as pure functions over float arrays. NaN
 * entries are skipped everywhere. */
#ifndef VIGIL_THRESHOLD_H
#define VIGIL_THRESHOLD_H

#include <stddef.h>

/* seed: k x sqrt(mean(x^2)) (k x the RMSE when x are absolute errors).
 * 0 when x has no finite entry. */
double threshold_seed(const float *x, size_t n, double k);

/* sigma: mean(x) + z x std(x) (population std). 0 when empty. */
double threshold_sigma(const float *x, size_t n, double z);

/* What the dynamic search found in one window. */
typedef struct {
	double mean, std;   /* of the window */
	double z;           /* chosen z (12 when no candidate qualified) */
	double eps;         /* mean + z std */
	size_t n_seq;       /* anomalous sequences at eps (buffered groups) */
	size_t n_kept;      /* sequences left after pruning */
	double threshold;   /* eps raised above every pruned sequence's peak:
			       runs of x >= threshold are the kept ones */
} DynamicThreshold;

/* telemanom's nonparametric dynamic threshold over x[0..n):
 * for z = 2.5, 3.0, ..., 12 with eps = mean + z std, maximise
 *   (dmean/mean + dstd/std) / (n_seq^2 + n_anom)
 * where dmean, dstd are the drops of mean and std when the points >= eps
 * are removed, n_anom counts the points >= eps widened by `buffer` rows on
 * each side, and n_seq the groups they form; candidates need n_seq <= 5 and
 * n_anom < n/2; ties go to the larger z. Then threshold_prune at that
 * eps gives the result's threshold. */
/* telemanom's pruning at a given eps: the anomalous sequences are the groups
 * of points >= eps widened by `buffer` rows each side (a lone point is no
 * sequence and is always pruned). Their peaks sorted descending, followed by
 * the largest value outside every group: walking down, a relative drop below
 * p marks the peak, a larger drop clears the marks; the marked sequences are
 * pruned. Returns eps raised just above the largest pruned peak (eps itself
 * when nothing is pruned); n_seq / n_kept (may be NULL) get the counts. */
double threshold_prune(const float *x, size_t n, double eps, size_t buffer,
		       double p, size_t *n_seq, size_t *n_kept);

DynamicThreshold threshold_dynamic(const float *x, size_t n, size_t buffer,
				   double p);

#endif
