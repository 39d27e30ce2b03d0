/* make bench: the LSTM engine's speed and memory against the PyTorch
 * reference in ../shared/ref (LSTM 50 + Dense 38, look_back 10, batch 32,
 * Adam; one SMD-shaped machine: 38 metrics).
 *
 * - seconds per training epoch of 28,469 windows (the reference's count;
 *   vigil also runs the forward pass over its 7,117 validation windows in
 *   every epoch), with 1 and 2 threads, with the own kernels at each
 *   instruction set and with OpenBLAS;
 * - inference (lstm_forecast) windows per second;
 * - peak RSS of `vigil train` on ../shared/data SMD machine-1-2 (2 epochs),
 *   read with wait4() from the child.
 * Figures are printed, never judged: timing is noisy on a shared machine. */
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>


#include <cjson/cJSON.h>

#include "data/rng.h"
#include "data/series.h"
#include "engine/kernels.h"
#include "engine/model.h"

/* PyTorch 1.13 figures: read from ../shared/ref/torch_lstm_baseline.json
 * (38 inputs, Dense 38) when it is there, else these (its README). */
static double REF_EPOCH_1T = 2.59, REF_EPOCH_2T = 6.29, REF_INFER = 47957.0;
static double REF_RSS_MB = 322.0, REF_FLOOR_1T = 0.19;

static void read_reference(void)
{
	FILE *f = fopen("../shared/ref/torch_lstm_baseline.json", "rb");
	if (!f) {
		printf("reference: ../shared/ref not found, README figures\n");
		return;
	}
	static char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	cJSON *root = cJSON_Parse(buf);
	const cJSON *e;
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(root, "summary"))
	{
		const cJSON *mode = cJSON_GetObjectItem(e, "mode");
		const cJSON *F = cJSON_GetObjectItem(e, "F");
		const cJSON *out = cJSON_GetObjectItem(e, "out");
		if (!cJSON_IsString(mode) || !cJSON_IsNumber(F) ||
		    F->valuedouble != 38 || !cJSON_IsString(out) ||
		    strcmp(out->valuestring, "F"))
			continue;
		double ep = cJSON_GetNumberValue(
			cJSON_GetObjectItem(e, "s_per_epoch_best"));
		if (!strcmp(mode->valuestring, "1:1")) {
			REF_EPOCH_1T = ep;
			REF_INFER = cJSON_GetNumberValue(cJSON_GetObjectItem(
				e, "infer_windows_per_s_best_median"));
			REF_RSS_MB = cJSON_GetNumberValue(
				cJSON_GetObjectItem(e, "peak_rss_mib"));
			REF_FLOOR_1T = cJSON_GetNumberValue(cJSON_GetObjectItem(
				e, "limit_s_per_epoch_3x_fwd"));
		} else if (!strcmp(mode->valuestring, "2:2")) {
			REF_EPOCH_2T = ep;
		}
	}
	cJSON_Delete(root);
	printf("reference (../shared/ref/torch_lstm_baseline.json): PyTorch "
	       "%.2f s/epoch (1 thread), %.2f (2), %.0f windows/s, %.0f MiB; "
	       "one-core floor %.2f s/epoch\n",
	       REF_EPOCH_1T, REF_EPOCH_2T, REF_INFER, REF_RSS_MB,
	       REF_FLOOR_1T);
}

#define TRAIN_WINDOWS 28469
#define LOOK_BACK 10

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* 38 metrics of sines, trends and noise; rows chosen so that the training
 * windows (80% of all) are exactly TRAIN_WINDOWS. */
static int make_series(Series *s)
{
	size_t nwin = TRAIN_WINDOWS * 5 / 4 + 1; /* ntrain = nwin - nwin/5 */
	while (nwin - nwin / 5 < TRAIN_WINDOWS)
		nwin++;
	while (nwin - nwin / 5 > TRAIN_WINDOWS)
		nwin--;
	size_t rows = nwin + LOOK_BACK;
	ErrorRecord err;
	if (series_alloc(s, rows, 38, &err))
		return -1;
	s->split = rows;
	Rng rng;
	rng_seed(&rng, 12345);
	for (size_t m = 0; m < 38; m++) {
		double period = 50.0 + 13.0 * (double)m;
		for (size_t r = 0; r < rows; r++)
			s->values[m * rows + r] =
				(float)(0.5 + 0.3 * sin(6.283185 * (double)r /
							period) +
					0.05 * rng_normal(&rng));
	}
	return 0;
}

typedef struct {
	double last, best, sum;
	size_t n;
} EpochClock;

static void on_progress(const TrainProgress *p, void *ctx)
{
	EpochClock *e = ctx;
	if (p->batch != p->batches)
		return;
	double t = p->elapsed - e->last;
	e->last = p->elapsed;
	if (p->epoch == 1)
		return; /* warm-up: page faults, first touches */
	if (t < e->best)
		e->best = t;
	e->sum += t;
	e->n++;
}

/* Seconds per epoch over 1 + n epochs, the first one left out: the best
 * epoch (the least disturbed by other processes) and the mean. */
static double time_epochs(const Series *s, int threads, size_t n,
			  double *mean)
{
	LstmConfig c;
	lstm_config_defaults(&c);
	c.threads = threads;
	c.patience = 0;
	c.epochs = 1 + n;
	LstmModel *m = NULL;
	ErrorRecord err;
	EpochClock ec = {0, INFINITY, 0, 0};
	if (lstm_train(s, &c, on_progress, &ec, &m, &err))
		return NAN;
	lstm_model_delete(m);
	*mean = ec.n ? ec.sum / (double)ec.n : NAN;
	return ec.best;
}

static double time_inference(const Series *s, int threads)
{
	LstmConfig c;
	lstm_config_defaults(&c);
	c.epochs = 1;
	c.max_train_rows = 64;
	c.threads = threads;
	LstmModel *m = NULL;
	ErrorRecord err;
	if (lstm_train(s, &c, NULL, NULL, &m, &err))
		return NAN;
	float *pred = malloc(s->metrics * s->rows * sizeof(float));
	lstm_forecast(m, s, pred, &err); /* warm-up */
	double t = INFINITY;
	for (int i = 0; i < 7; i++) {
		double t0 = now();
		lstm_forecast(m, s, pred, &err);
		if (now() - t0 < t)
			t = now() - t0;
	}
	free(pred);
	lstm_model_delete(m);
	return (double)(s->rows - LOOK_BACK) / t;
}

static void *spin_work(void *arg)
{
	volatile double x = 0;
	for (long i = 0; i < 100000000L; i++)
		x += 1.0;
	(void)x; /* clang -Wunused-but-set-variable: x is only written */
	(void)arg;
	return NULL;
}

/* How much a second thread can give right now: the same work on one
 * thread, then twice the work on two (2.0 = a free second core). */
static double parallel_capacity(void)
{
	double t0 = now();
	spin_work(NULL);
	double t1 = now();
	pthread_t th;
	if (pthread_create(&th, NULL, spin_work, NULL))
		return NAN;
	spin_work(NULL);
	pthread_join(th, NULL);
	double t2 = now();
	return 2.0 * (t1 - t0) / (t2 - t1);
}

static void peak_rss(void)
{
	const char *vigil = getenv("VIGIL");
	if (!vigil || !*vigil)
		vigil = "./vigil";
	char ds[4096];
	snprintf(ds, sizeof(ds),
		 "../shared/data/smd/ServerMachineDataset:machine-1-2");
	if (access("../shared/data/smd/ServerMachineDataset/train/"
		   "machine-1-2.txt",
		   R_OK) != 0) {
		printf("peak RSS: ../shared/data SMD machine-1-2 not found, "
		       "skipped\n");
		return;
	}
	char model[] = "/tmp/vigil-bench-XXXXXX";
	int fd = mkstemp(model);
	if (fd >= 0)
		close(fd);
	double t0 = now();
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		execl(vigil, vigil, "train", ds, "--epochs", "2", "-o", model,
		      (char *)NULL);
		_exit(127);
	}
	int status = 0;
	struct rusage ru;
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0) {
		printf("peak RSS: could not run %s\n", vigil);
		return;
	}
	double t = now() - t0;
	unlink(model);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		printf("peak RSS: %s train exited with status %d\n", vigil,
		       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return;
	}
	double mb = (double)ru.ru_maxrss / 1024.0;
	printf("peak RSS of `vigil train` on SMD machine-1-2 (2 epochs, "
	       "%.1f s): %.1f MiB  (PyTorch %.0f MiB: %.1fx less; target < "
	       "64 MiB)\n",
	       t, mb, REF_RSS_MB, REF_RSS_MB / mb);
}

static void blas_epoch(const Series *s)
{
	double vl;
	if (kern_use_blas(1) != 0) {
		printf("train, OpenBLAS sgemm: libopenblas is not installed "
		       "(skipped)\n");
		return;
	}
	const char *ct = getenv("OPENBLAS_CORETYPE");
	double b = time_epochs(s, 1, 2, &vl);
	printf("train, OpenBLAS sgemm, OPENBLAS_CORETYPE=%s (core %s), 1 "
	       "thread: %.3f s/epoch\n",
	       ct ? ct : "unset", kern_blas_corename(), b);
	kern_use_blas(0);
}

int main(int argc, char **argv)
{
	int quick = argc > 1 && !strcmp(argv[1], "--quick");
	int blas_only = argc > 1 && !strcmp(argv[1], "--blas-only");
	int own_only = argc > 1 && !strcmp(argv[1], "--own-only");
	Series s;
	if (make_series(&s)) {
		fprintf(stderr, "bench_train: out of memory\n");
		return 1;
	}
	if (blas_only || own_only) {
		if (blas_only) {
			blas_epoch(&s);
		} else {
			double vl, e = time_epochs(&s, 1, 2, &vl);
			printf("train, own kernels %s, 1 thread: %.3f s/epoch\n",
			       kern_isa_name(), e);
		}
		series_free(&s);
		return 0;
	}
	size_t n = quick ? 2 : 4;
	printf("== LSTM engine (38 inputs, LSTM 50, Dense 38, look_back 10, "
	       "batch 32, %d training windows)\n",
	       TRAIN_WINDOWS);
	printf("kernels: %s (best on this CPU)\n", kern_isa_name());
	read_reference();
	double vl = 0, m1 = 0, m2 = 0;
	double la[3];
	if (getloadavg(la, 3) == 3)
		printf("load average before: %.2f (other processes skew the "
		       "figures; best epoch of %zu after a warm-up one shown, "
		       "mean in brackets)\n",
		       la[0], n);
	printf("a second thread gives %.2fx the throughput of one on this "
	       "machine right now (2.00 = an idle second core)\n",
	       parallel_capacity());
	double e1 = time_epochs(&s, 1, n, &m1);
	double e2 = time_epochs(&s, 2, n, &m2);
	printf("train, own kernels %-7s 1 thread : %.3f s/epoch [%.3f]  "
	       "(PyTorch %.2f: %.1fx faster; target <= 0.5; %.1fx the "
	       "floor)\n",
	       kern_isa_name(), e1, m1, REF_EPOCH_1T, REF_EPOCH_1T / e1,
	       e1 / REF_FLOOR_1T);
	printf("train, own kernels %-7s 2 threads: %.3f s/epoch [%.3f]  "
	       "(PyTorch 2 threads %.2f: %.1fx faster; %.2fx the speed of 1 "
	       "thread)\n",
	       kern_isa_name(), e2, m2, REF_EPOCH_2T, REF_EPOCH_2T / e2,
	       e1 / e2);
	if (!quick) {
		KernIsa best = kern_isa();
		if (best == KERN_AVX512) {
			kern_set_isa(KERN_AVX2);
			double a = time_epochs(&s, 1, 2, &vl);
			printf("train, own kernels avx2    1 thread : %.3f "
			       "s/epoch\n",
			       a);
		}
		kern_set_isa(KERN_GENERIC);
		double g = time_epochs(&s, 1, 1, &vl);
		printf("train, portable kernels    1 thread : %.3f s/epoch "
		       "(SSE2 on x86-64)\n",
		       g);
		kern_set_isa(best);
		/* OpenBLAS reads OPENBLAS_CORETYPE when it loads: one child
		   per setting (unset: it falls back to SSE3 on this CPU) */
		const char *types[] = {"", "Haswell", "SkylakeX"};
		for (int k = 0; k < 3; k++) {
			fflush(stdout);
			pid_t pid = fork();
			if (pid == 0) {
				if (*types[k])
					setenv("OPENBLAS_CORETYPE", types[k], 1);
				else
					unsetenv("OPENBLAS_CORETYPE");
				execl("/proc/self/exe", argv[0], "--blas-only",
				      (char *)NULL);
				_exit(127);
			}
			int st;
			if (pid > 0)
				waitpid(pid, &st, 0);
		}
	}
	double i1 = time_inference(&s, 1);
	double i2 = time_inference(&s, 2);
	printf("inference 1 thread : %.0f windows/s  (PyTorch %.0f: %.1fx; "
	       "target >= 250,000)\n",
	       i1, REF_INFER, i1 / REF_INFER);
	printf("inference 2 threads: %.0f windows/s\n", i2);
	series_free(&s);
	peak_rss();
	return 0;
}
