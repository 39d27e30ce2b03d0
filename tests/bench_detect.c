/* The README's detection table: event-rule precision, recall and F1 at node
 * level (all criticalities and high only) for every threshold mode (seed and
 * sigma with the DESIGN union at node level, dynamic with the DESIGN union
 * and no train floor, then the dynamic ablations up to the default: train
 * floor, top-2 node rule, both), on each
 * shared SMD machine that has train and test data and on each shared NAB
 * file (trained on its first 15% of rows, as `vigil nab` does). The model is
 * the cached one for the engine's default configuration (trained first when
 * missing, which takes a while per SMD machine). Labels: SMD test_label and
 * NAB combined_windows.json. Prints a Markdown table and the mean F1 per mode.
 * Skips cleanly when ../shared/data is absent. */
#include "tests/testutil.h"

#include <dirent.h>
#include <time.h>

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

enum { MODES = 6 };
static const BenchConfig modes[MODES] = {
	{"seed, union", THRESH_SEED, 0, 0},
	{"sigma, union", THRESH_SIGMA, 0, 0},
	{"dynamic, union, no floor", THRESH_DYNAMIC, 0, 0},
	{"dynamic, union, floor", THRESH_DYNAMIC, 3, 0},
	{"dynamic, top-2, no floor", THRESH_DYNAMIC, 0, 2},
	{"dynamic, top-2, floor (default)", THRESH_DYNAMIC, 3, 2},
};
static double sum_f1[MODES], sum_f1_high[MODES];
static size_t n_sets;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void one(const char *label, const char *dataset, double train,
		LabelFormat fmt)
{
	PipelineOptions o;
	pipeline_options_defaults(&o);
	o.dataset = dataset;
	o.series.train_fraction = train;
	o.quiet = 1;
	Pipeline p;
	pipeline_init(&p);
	ErrorRecord err;
	error_clear(&err);
	char msg[1200];
	double t0 = now();
	Status st = pipeline_load(&p, &o, NULL, &err);
	if (st == STATUS_OK)
		st = pipeline_model(&p, &o, &err);
	if (st == STATUS_OK)
		st = pipeline_forecast(&p, &err);
	double t1 = now();
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
	for (int k = 0; k < MODES; k++) {
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
		printf("| %s | %s | %.3f / %.3f / **%.3f** | %.3f / %.3f / "
		       "%.3f | %zu |\n",
		       label, modes[k].name, a->p, a->r, a->f1,
		       h->p, h->r, h->f1, p.det.n_node);
		sum_f1[k] += a->f1;
		sum_f1_high[k] += h->f1;
	}
	n_sets++;
	fprintf(stderr, "bench_detect: %s: model and forecast %.1fs\n", label,
		t1 - t0);
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
	static const char *const machines[] = {"machine-1-2", "machine-2-1",
					       "machine-3-2"};
	for (size_t i = 0; i < 3; i++) {
		char ds[4300], tr[4300];
		snprintf(tr, sizeof(tr),
			 "%s/smd/ServerMachineDataset/train/%s.txt", shared,
			 machines[i]);
		if (access(tr, R_OK) != 0)
			continue;
		snprintf(ds, sizeof(ds), "%s/smd/ServerMachineDataset:%s",
			 shared, machines[i]);
		one(machines[i], ds, 0, LABEL_FORMAT_SMD);
	}
	static const char *const cats[] = {"artificialWithAnomaly",
					   "realAWSCloudwatch"};
	for (size_t c = 0; c < 2; c++) {
		char dir[4300];
		snprintf(dir, sizeof(dir), "%s/nab/%s", shared, cats[c]);
		DIR *d = opendir(dir);
		if (!d)
			continue;
		char *names[64];
		size_t n = 0;
		struct dirent *e;
		while ((e = readdir(d)) && n < 64) {
			size_t l = strlen(e->d_name);
			if (l > 4 && !strcmp(e->d_name + l - 4, ".csv"))
				names[n++] = strdup(e->d_name);
		}
		closedir(d);
		qsort(names, n, sizeof(char *), cmp_str);
		for (size_t i = 0; i < n; i++) {
			char ds[8700];
			snprintf(ds, sizeof(ds), "%s/%s", dir, names[i]);
			one(names[i], ds, 0.15, LABEL_FORMAT_NAB);
			free(names[i]);
		}
	}
	if (n_sets == 0)
		return 0;
	printf("\nMean event F1 over %zu datasets:", n_sets);
	int best = 0;
	for (int k = 0; k < MODES; k++) {
		printf("\n- %s %.3f (high only %.3f)%s", modes[k].name,
		       sum_f1[k] / (double)n_sets,
		       sum_f1_high[k] / (double)n_sets, k + 1 < MODES ? "," : "");
		if (sum_f1[k] > sum_f1[best])
			best = k;
	}
	printf("\nBest mean F1: %s\n", modes[best].name);
	return 0;
}
