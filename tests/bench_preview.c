/* make bench: provisional detections while training (issue 13).
 *
 * 1. A cold SMD machine (../shared/data machine-1-2, or the bundled cut
 *    when it is absent) opened in the real dashboard at 200x60 with a fresh
 *    cache folder under /tmp, its key script waiting for the model: the
 *    time from the start to the first frame with provisional detections on
 *    screen (target: 2 s), and to the final ones (--timing).
 * 2. What the previews cost training and how often they refresh: the same
 *    machine trained in the engine's Trainer, polled every 10 ms as the
 *    dashboard polls it, without previews, with the dashboard's
 *    PreviewRunner under its rule (a preview as soon as the last one ends
 *    when a core is idle), and with the runner held to its duty (as when
 *    every core trains), alternating, three rounds of 10 epochs each: the
 *    wall time of training, previews a run, epochs between refreshes, and
 *    what one preview costs (forecast of every row, detection). */
#include "tests/testutil.h"

#include <time.h>

#include "data/clock.h"
#include "engine/detect.h"
#include "engine/model.h"
#include "engine/preview.h"
#include "tests/benchutil.h"

/* The dashboard on dataset with a fresh cache: its --timing line. */
static void first_detections(const char *vigil, const char *dataset)
{
	char dir[] = "/tmp/vigil-bench-prov-XXXXXX";
	if (!mkdtemp(dir)) {
		perror("bench_preview");
		return;
	}
	char keys[300];
	snprintf(keys, sizeof(keys), "%s/keys", dir);
	FILE *f = fopen(keys, "w");
	if (!f) {
		perror("bench_preview");
		return;
	}
	fputs("<wait>q", f);
	fclose(f);
	char cmd[4096];
	snprintf(cmd, sizeof(cmd),
		 "XDG_CACHE_HOME='%s/cache' COLUMNS=200 LINES=60 "
		 "TERM=xterm-256color LANG=C.UTF-8 %s '%s' --keys '%s' "
		 "--timing 2>&1 >/dev/null",
		 dir, vigil, dataset, keys);
	FILE *p = popen(cmd, "r");
	char line[512];
	int got = 0;
	double prov = -1, fin = -1;
	size_t epoch = 0;
	while (p && fgets(line, sizeof(line), p)) {
		const char *k = strstr(line, "provisional ");
		if (!strncmp(line, "detections on screen", 20) && k) {
			got = 1;
			if (sscanf(k, "provisional %lf s (epoch %zu)", &prov,
				   &epoch) != 2)
				prov = -1;
			const char *q = strstr(line, "final ");
			if (q)
				sscanf(q, "final %lf", &fin);
		}
	}
	int rc = p ? pclose(p) : -1;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("bench_preview: cannot remove %s\n", dir);
	if (!got) {
		printf("bench_preview: no timing from the dashboard (exit "
		       "%d)\n",
		       rc);
		return;
	}
	if (prov >= 0)
		printf("bench_preview: cold %s in the dashboard: first "
		       "provisional detections on screen after %.2f s (epoch "
		       "%zu; target 2 s: %s), final after %.2f s\n",
		       dataset, prov, epoch, prov <= 2 ? "met" : "MISSED",
		       fin);
	else
		printf("bench_preview: cold %s in the dashboard: no "
		       "provisional detections (training ended first), final "
		       "after %.2f s\n",
		       dataset, fin);
}

/* Train s (epochs fixed, no early stop) polling every 10 ms, with the
 * preview runner when r != NULL. Returns the wall time, or -1. */
static double train_polled(const Series *s, const LstmConfig *cfg,
			   PreviewRunner *r)
{
	Trainer *t = NULL;
	ErrorRecord err;
	error_clear(&err);
	double t0 = clock_mono_seconds();
	if (trainer_start(&t, s, cfg, &err) != STATUS_OK)
		return -1;
	TrainProgress pr;
	do {
		struct timespec ts = {0, 10000000};
		nanosleep(&ts, NULL);
		trainer_progress(t, &pr);
		if (r && !pr.done) {
			float *pred = NULL;
			DetectResult dr;
			detect_result_init(&dr);
			size_t ep;
			Status st;
			if (preview_runner_poll(r, t, &pred, &dr, &ep, &st,
						&err)) {
				free(pred);
				detect_result_free(&dr);
			}
		}
	} while (!pr.done);
	if (r)
		preview_runner_stop(r);
	LstmModel *m = NULL;
	Status st = trainer_join(t, &m, &err);
	double dt = clock_mono_seconds() - t0;
	lstm_model_delete(m);
	return st == STATUS_OK ? dt : -1;
}

/* Epochs between two refreshes of the provisional detections. */
static double cadence(const PreviewRunner *r)
{
	return r->n > 1 ? (double)(r->last_epoch - r->first_epoch) /
				  (double)(r->n - 1)
			: NAN;
}

static void training_cost(const char *dataset)
{
	Series s;
	series_init(&s);
	SeriesOptions so;
	memset(&so, 0, sizeof(so));
	ErrorRecord err;
	error_clear(&err);
	if (series_open(&s, dataset, &so, &err) != STATUS_OK) {
		printf("bench_preview: %s: %s\n", dataset, err.message);
		return;
	}
	LstmConfig cfg;
	lstm_config_defaults(&cfg);
	cfg.epochs = 10;
	cfg.patience = 0;
	DetectConfig dc;
	detect_config_defaults(&dc);
	/* 0: no previews; 1: the dashboard's rule (here one training thread,
	   so an idle core when the process may use two); 2: throttled to the
	   duty as when every core trains (the machines view) */
	double wall[3] = {0, 0, 0}, cad[3] = {0, 0, 0};
	size_t n[3] = {0, 0, 0}, idle[3] = {0, 0, 0}, ncad[3] = {0, 0, 0};
	double fc = 0, de = 0;
	size_t nfd = 0;
	const int rounds = 3;
	for (int i = 0; i < rounds; i++)
		for (int v = 0; v < 3; v++) {
			PreviewRunner r;
			preview_runner_init(&r, &s, &dc, PREVIEW_DUTY);
			r.throttle = v == 2;
			double t = train_polled(&s, &cfg, v ? &r : NULL);
			if (t < 0) {
				printf("bench_preview: training failed\n");
				series_free(&s);
				return;
			}
			wall[v] += t;
			if (!v)
				continue;
			n[v] += r.n;
			idle[v] += r.idle_starts;
			if (r.n > 1) {
				cad[v] += cadence(&r);
				ncad[v]++;
			}
			fc += r.forecast;
			de += r.detect;
			nfd += r.n;
		}
	printf("bench_preview: %zu rows x %zu metrics, 10 epochs, 1 training "
	       "thread, %d cores for this process, %d rounds alternating; "
	       "one preview costs %.3f s (forecast of every row %.3f s, "
	       "detection %.3f s)\n",
	       s.rows, s.metrics, preview_cores(), rounds,
	       nfd ? (fc + de) / (double)nfd : 0, nfd ? fc / (double)nfd : 0,
	       nfd ? de / (double)nfd : 0);
	printf("  training without previews:            %.2f s\n",
	       wall[0] / rounds);
	static const char *what[3] = {
		"", "with previews, idle-core rule:", "with previews, throttled:"};
	for (int v = 1; v < 3; v++)
		printf("  training %-31s %.2f s (x%.2f); %.1f previews a run "
		       "(%.1f started on an idle core), a refresh every %.1f "
		       "epochs%s\n",
		       what[v], wall[v] / rounds, wall[v] / wall[0],
		       (double)n[v] / rounds, (double)idle[v] / rounds,
		       ncad[v] ? cad[v] / (double)ncad[v] : NAN,
		       v == 2 ? " (duty at most 25%: the machines view)"
			      : "");
	series_free(&s);
}

int main(void)
{
	const char *vigil = getenv("VIGIL");
	if (!vigil || !*vigil)
		vigil = "./vigil";
	char dataset[1024];
	bench_smd_dataset(dataset, sizeof(dataset));
	fflush(stdout);
	first_detections(vigil, dataset);
	fflush(stdout);
	training_cost(dataset);
	return 0;
}
