/* The README's SMD detection table: event-rule precision, recall and F1 at
 * node level (all criticalities and high only) for every threshold mode
 * (the calibrated default; dynamic with its train floor and top-2 node rule,
 * the default before it; sigma and seed with the DESIGN union at node
 * level) on every shared SMD machine that has train and test data. The
 * model is the cached one for the engine's default configuration (trained
 * first when missing, which takes a while per SMD machine). Labels: SMD
 * test_label. Prints a Markdown table, then per mode the mean F1 (all and
 * high only), the lowest F1 and the mean precision (all and high only) with
 * the targets. Then the default again with models trained with
 * seeds 2 and 3: the spread between seeds is the benchmark's own noise
 * (one machine's F1 moves by up to 0.25), so a change smaller than it is
 * not shown by these 8 machines. NAB is scored by NAB's own scorer
 * (../shared/tools/nab-score), not here. Skips cleanly when ../shared/data
 * is absent. */
#include "tests/testutil.h"

#include <dirent.h>
#include <time.h>

#include "data/clock.h"
#include "engine/detect.h"
#include "labels/labelfile.h"
#include "labels/labelset.h"
#include "labels/score.h"
#include "ui/pipeline.h"

typedef struct {
	const char *name;
	ThresholdMode mode;
	double floor_z;   /* dyn_floor_z */
	size_t top_k;     /* node_top_k */
} BenchConfig;

enum { MODES = 4 };
static const BenchConfig modes[MODES] = {
	{"calibrated (default)", THRESH_CALIBRATED, 3, 2},
	{"dynamic, top-2, floor", THRESH_DYNAMIC, 3, 2},
	{"sigma, union", THRESH_SIGMA, 0, 0},
	{"seed, union", THRESH_SEED, 0, 0},
};
static double sum_f1[MODES], sum_f1_high[MODES], sum_p[MODES],
	sum_p_high[MODES], min_f1[MODES] = {2, 2, 2, 2};
static size_t n_sets;

/* The default's F1 with model seeds 2 and 3 (index seed - 2). */
enum { SEEDS = 2 };
static double seed_sum[SEEDS], seed_min[SEEDS] = {2, 2};
static size_t seed_n[SEEDS];

/* Score dataset with every mode (seed 1, a table row each) or, with
 * seed > 1, with the default only (into seed_sum / seed_min). */
static void one(const char *label, const char *dataset, double train,
		LabelFormat fmt, uint64_t seed)
{
	PipelineOptions o;
	pipeline_options_defaults(&o);
	o.lstm.seed = seed;
	o.dataset = dataset;
	o.series.train_fraction = train;
	o.quiet = 1;
	Pipeline p;
	pipeline_init(&p);
	ErrorRecord err;
	error_clear(&err);
	char msg[1200];
	double t0 = clock_mono_seconds();
	Status st = pipeline_load(&p, &o, NULL, &err);
	if (st == STATUS_OK)
		st = pipeline_model(&p, &o, &err);
	if (st == STATUS_OK)
		st = pipeline_forecast(&p, &err);
	double t1 = clock_mono_seconds();
	LabelSet ls;
	memset(&ls, 0, sizeof(ls));
	int have_ls = 0;
	if (st == STATUS_OK && p.series.label_path) {
		st = labelfile_read(&ls, &p.series, p.series.label_path, fmt,
				    &err);
		have_ls = st == STATUS_OK;
	}
	if (st != STATUS_OK || !have_ls) {
		printf("| %s | - | not scored: %s | | |\n", label,
		       st != STATUS_OK ? error_format(&err, msg, sizeof(msg))
				       : "no labels");
		pipeline_free(&p);
		return;
	}
	const RangeSet *node = labelset_get(&ls, LABEL_NODE);
	for (int k = 0; k < (seed > 1 ? 1 : MODES); k++) {
		o.detect.mode = modes[k].mode;
		o.detect.dyn_floor_z = modes[k].floor_z;
		o.detect.node_top_k = modes[k].top_k;
		ScoreTable tab;
		st = pipeline_detect(&p, &o, &err);
		if (st == STATUS_OK)
			st = score_compute(node, p.det.node, p.det.n_node,
					   p.series.split, p.series.rows, &tab,
					   &err);
		if (st != STATUS_OK) {
			printf("| %s | %s | error: %s | | |\n", label,
			       modes[k].name,
			       error_format(&err, msg, sizeof(msg)));
			continue;
		}
		const ScoreCell *a = &tab.cell[SCORE_EVENT][SCORE_ALL];
		const ScoreCell *h = &tab.cell[SCORE_EVENT][SCORE_HIGH];
		if (seed > 1) {
			seed_sum[seed - 2] += a->f1;
			seed_n[seed - 2]++;
			if (a->f1 < seed_min[seed - 2])
				seed_min[seed - 2] = a->f1;
			continue;
		}
		printf("| %s | %s | %.3f / %.3f / **%.3f** | %.3f / %.3f / "
		       "%.3f | %zu |\n",
		       label, modes[k].name, a->p, a->r, a->f1,
		       h->p, h->r, h->f1, p.det.n_node);
		sum_f1[k] += a->f1;
		sum_f1_high[k] += h->f1;
		sum_p[k] += a->p;
		sum_p_high[k] += h->p;
		if (a->f1 < min_f1[k])
			min_f1[k] = a->f1;
	}
	n_sets += seed == 1;
	fprintf(stderr,
		"bench_detect: %s, model seed %llu: model and forecast "
		"%.1fs\n",
		label, (unsigned long long)seed, t1 - t0);
	labelset_free(&ls);
	pipeline_free(&p);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
	const char *shared = tu_shared_data();
	if (!shared) {
		printf("bench_detect: ../shared/data absent, skipped\n");
		return 0;
	}
	printf("\n## Detection: event-rule P / R / F1 at node level "
	       "(bench_detect)\n\n"
	       "| dataset | mode | all: P / R / F1 | high only: P / R / F1 | "
	       "node detections |\n|---|---|---|---|---|\n");
	char dir[4300];
	snprintf(dir, sizeof(dir), "%s/smd/ServerMachineDataset/train", shared);
	DIR *d = opendir(dir);
	char *names[64];
	size_t n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)) && n < 64) {
		size_t l = strlen(e->d_name);
		if (l > 4 && !strcmp(e->d_name + l - 4, ".txt"))
			names[n++] = strndup(e->d_name, l - 4);
	}
	if (d)
		closedir(d);
	qsort(names, n, sizeof(char *), cmp_str);
	for (uint64_t seed = 1; seed <= 1 + SEEDS; seed++)
		for (size_t i = 0; i < n; i++) {
			char ds[4400];
			snprintf(ds, sizeof(ds),
				 "%s/smd/ServerMachineDataset:%s", shared,
				 names[i]);
			one(names[i], ds, 0, LABEL_FORMAT_SMD, seed);
		}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	if (n_sets == 0)
		return 0;
	printf("\nOver the %zu shared SMD machines (issue 9's targets: mean F1 "
	       ">= 0.60, none below 0.30; high-only precision >= the "
	       "all-criticality precision):\n\n"
	       "| mode | mean F1 (all) | lowest F1 | mean F1 (high only) | "
	       "mean P (all) | mean P (high only) |\n|---|---|---|---|---|---|\n",
	       n_sets);
	for (int k = 0; k < MODES; k++)
		printf("| %s | %.3f | %.3f | %.3f | %.3f | %.3f |\n",
		       modes[k].name, sum_f1[k] / (double)n_sets, min_f1[k],
		       sum_f1_high[k] / (double)n_sets, sum_p[k] / (double)n_sets,
		       sum_p_high[k] / (double)n_sets);
	printf("\nThe default with other model seeds (their spread is this "
	       "benchmark's noise):\n\n| model seed | mean F1 (all) | lowest "
	       "F1 |\n|---|---|---|\n| 1 | %.3f | %.3f |\n",
	       sum_f1[0] / (double)n_sets, min_f1[0]);
	double over = sum_f1[0] / (double)n_sets;
	size_t seeds_done = 1;
	for (int s = 0; s < SEEDS; s++) {
		if (seed_n[s] == 0)
			continue;
		printf("| %d | %.3f | %.3f |\n", s + 2,
		       seed_sum[s] / (double)seed_n[s], seed_min[s]);
		over += seed_sum[s] / (double)seed_n[s];
		seeds_done++;
	}
	printf("| mean of the %zu seeds | %.3f | |\n", seeds_done,
	       over / (double)seeds_done);
	double mf = sum_f1[0] / (double)n_sets;
	printf("\ndefault: mean F1 %.3f (target 0.60: %s), lowest %.3f (target "
	       "0.30: %s), high-only precision %.3f vs %.3f (%s)\n",
	       mf, mf >= 0.60 ? "met" : "NOT met", min_f1[0],
	       min_f1[0] >= 0.30 ? "met" : "NOT met",
	       sum_p_high[0] / (double)n_sets, sum_p[0] / (double)n_sets,
	       sum_p_high[0] >= sum_p[0] ? "met" : "NOT met");
	return 0;
}
