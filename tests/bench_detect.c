/* The README's detection table: event-rule precision, recall and F1 at node
 * level (all criticalities and high only) for every threshold mode, on each
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

enum { MODES = 3 };
static const ThresholdMode modes[MODES] = {THRESH_SEED, THRESH_SIGMA,
					   THRESH_DYNAMIC};
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
		o.detect.mode = modes[k];
		ScoreTable tab;
		st = pipeline_detect(&p, &o, &err);
		if (st == STATUS_OK)
			st = score_compute(node, p.det.node, p.det.n_node,
					   p.series.split, p.series.rows, &tab,
					   &err);
		if (st != STATUS_OK) {
			printf("| %s | %s | error: %s | | |\n", label,
			       detect_mode_name(modes[k]),
			       error_format(&err, msg, sizeof(msg)));
			continue;
		}
		const ScoreCell *a = &tab.cell[SCORE_EVENT][SCORE_ALL];
		const ScoreCell *h = &tab.cell[SCORE_EVENT][SCORE_HIGH];
		printf("| %s | %s | %.3f / %.3f / **%.3f** | %.3f / %.3f / "
		       "%.3f | %zu |\n",
		       label, detect_mode_name(modes[k]), a->p, a->r, a->f1,
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
		printf(" %s %.3f (high only %.3f)%s", detect_mode_name(modes[k]),
		       sum_f1[k] / (double)n_sets,
		       sum_f1_high[k] / (double)n_sets, k + 1 < MODES ? "," : "");
		if (sum_f1[k] > sum_f1[best])
			best = k;
	}
	printf("\nBest mean F1: %s\n", detect_mode_name(modes[best]));
	return 0;
}
