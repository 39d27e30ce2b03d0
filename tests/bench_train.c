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
 *   read with wait4() from the child;
 * - PyTorch on the same series in the same run (tests/bench_torch.py, the
 *   model of ../shared/ref), alternating with vigil round by round, with 1
 *   and 2 threads, when python3 can import torch; the ratios printed are
 *   from this run. Without torch it says so and the ratios use the stored
 *   figures of ../shared/ref, labelled "stored". The series goes to a
 *   temporary file under /tmp; nothing is written into ../shared.
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

#include "data/clock.h"
#include "data/rng.h"
#include "data/series.h"
#include "engine/kernels.h"
#include "engine/model.h"

/* PyTorch 1.13 figures: read from ../shared/ref/torch_lstm_baseline.json
 * (38 inputs, Dense 38) when it is there, else these (its README). */
static double REF_EPOCH_1T = 2.59, REF_EPOCH_2T = 6.29, REF_INFER = 47957.0;
static double REF_RSS_MB = 322.0, REF_FLOOR_1T = 0.19;
/* where the PyTorch figures in the ratios come from */
static const char *ref_label = "(stored, ../shared/ref)";

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
		double t0 = clock_mono_seconds();
		lstm_forecast(m, s, pred, &err);
		if (clock_mono_seconds() - t0 < t)
			t = clock_mono_seconds() - t0;
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
	double t0 = clock_mono_seconds();
	spin_work(NULL);
	double t1 = clock_mono_seconds();
	pthread_t th;
	if (pthread_create(&th, NULL, spin_work, NULL))
		return NAN;
	spin_work(NULL);
	pthread_join(th, NULL);
	double t2 = clock_mono_seconds();
	return 2.0 * (t1 - t0) / (t2 - t1);
}

/* One run of tests/bench_torch.py with `threads` threads (torch and
 * OpenBLAS), on the series in file `data`. */
typedef struct {
	int ok;
	double best, mean;  /* seconds per timed epoch */
	double infer;       /* windows per second, best of the repetitions */
	double rss_mib;     /* the child's peak RSS */
	char version[64];
	char coretype[32];  /* OPENBLAS_CORETYPE it ran with ("" = unset) */
} TorchRun;

/* A Python that imports torch: $VIGIL_BENCH_PYTHON, python3 on the PATH,
 * or Debian's /usr/bin/python3 (python3-torch installs there, which a
 * pyenv or venv python3 on the PATH does not see); NULL when none does. */
static const char *torch_python(void)
{
	const char *env = getenv("VIGIL_BENCH_PYTHON");
	const char *cand[] = {env && *env ? env : NULL, "python3",
			      "/usr/bin/python3"};
	for (size_t k = 0; k < 3; k++) {
		if (!cand[k] || strchr(cand[k], '\''))
			continue;
		char cmd[600];
		snprintf(cmd, sizeof(cmd),
			 "'%s' -c 'import torch' >/dev/null 2>&1", cand[k]);
		if (system(cmd) == 0)
			return cand[k];
	}
	return NULL;
}

static TorchRun run_torch(const char *python, const char *data,
			  const Series *s, int threads, int epochs, int reps)
{
	TorchRun tr = {0};
	int fds[2];
	if (pipe(fds) != 0)
		return tr;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		char t[16], a[5][32];
		snprintf(t, sizeof(t), "%d", threads);
		setenv("OMP_NUM_THREADS", t, 1);
		setenv("MKL_NUM_THREADS", t, 1);
		setenv("OPENBLAS_NUM_THREADS", t, 1);
		snprintf(a[0], 32, "%zu", s->rows);
		snprintf(a[1], 32, "%zu", s->metrics);
		snprintf(a[2], 32, "%d", TRAIN_WINDOWS);
		snprintf(a[3], 32, "%d", epochs);
		snprintf(a[4], 32, "%d", reps);
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execlp(python, python, "tests/bench_torch.py", data,
		       a[0], a[1], a[2], t, a[3], a[4], (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return tr;
	}
	static char buf[1 << 16];
	size_t n = 0;
	ssize_t got;
	while (n + 1 < sizeof(buf) &&
	       (got = read(fds[0], buf + n, sizeof(buf) - 1 - n)) > 0)
		n += (size_t)got;
	buf[n] = '\0';
	close(fds[0]);
	int status = 0;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return tr;
	cJSON *j = cJSON_Parse(buf);
	const cJSON *ep = cJSON_GetObjectItem(j, "epoch_s"), *e;
	tr.best = INFINITY;
	int k = 0;
	cJSON_ArrayForEach(e, ep)
	{
		double v = cJSON_GetNumberValue(e);
		tr.best = v < tr.best ? v : tr.best;
		tr.mean += v;
		k++;
	}
	tr.mean = k ? tr.mean / k : NAN;
	tr.infer = cJSON_GetNumberValue(
		cJSON_GetObjectItem(j, "infer_windows_per_s"));
	const cJSON *v = cJSON_GetObjectItem(j, "torch");
	snprintf(tr.version, sizeof(tr.version), "%s",
		 cJSON_IsString(v) ? v->valuestring : "?");
	v = cJSON_GetObjectItem(j, "openblas_coretype");
	snprintf(tr.coretype, sizeof(tr.coretype), "%s",
		 cJSON_IsString(v) ? v->valuestring : "");
	tr.rss_mib = (double)ru.ru_maxrss / 1024.0;
	tr.ok = k > 0 && isfinite(tr.best);
	cJSON_Delete(j);
	return tr;
}

/* The series as bench_torch.py reads it: float32, metrics x rows. */
static int write_series(const Series *s, char *path)
{
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	size_t bytes = s->rows * s->metrics * sizeof(float);
	const char *p = (const char *)s->values;
	while (bytes) {
		ssize_t w = write(fd, p, bytes);
		if (w <= 0) {
			close(fd);
			unlink(path);
			return -1;
		}
		p += w;
		bytes -= (size_t)w;
	}
	return close(fd);
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
	double t0 = clock_mono_seconds();
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
	double t = clock_mono_seconds() - t0;
	unlink(model);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		printf("peak RSS: %s train exited with status %d\n", vigil,
		       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return;
	}
	double mb = (double)ru.ru_maxrss / 1024.0;
	printf("peak RSS of `vigil train` on SMD machine-1-2 (2 epochs, "
	       "%.1f s): %.1f MiB  (PyTorch %.0f MiB %s: %.1fx less; target "
	       "< 64 MiB)\n",
	       t, mb, REF_RSS_MB, ref_label, REF_RSS_MB / mb);
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
	/* vigil and PyTorch alternate, round by round, so that both see
	   the same load */
	const char *python = torch_python();
	int torch = python != NULL;
	char data[] = "/tmp/vigil-bench-series-XXXXXX";
	if (!torch)
		printf("PyTorch: not measured: no python3 here imports torch "
		       "(apt-get install python3-torch, or VIGIL_BENCH_PYTHON="
		       "PATH); the ratios below use the stored figures of "
		       "../shared/ref, labelled \"stored\"\n");
	else if (printf("PyTorch: measured in this run (%s "
			"tests/bench_torch.py), alternating with vigil\n",
			python) < 0 ||
		 write_series(&s, data) != 0) {
		printf("PyTorch: not measured: cannot write the series to "
		       "/tmp; the ratios below use ../shared/ref's stored "
		       "figures\n");
		torch = 0;
	}
	int rounds = quick ? 1 : 2, t_epochs = 2;
	double e1 = INFINITY, e2 = INFINITY, mm;
	TorchRun t1 = {0}, t2 = {0};
	t1.best = t2.best = INFINITY;
	for (int r = 1; r <= rounds; r++) {
		double e = time_epochs(&s, 1, n, &mm);
		printf("round %d: vigil   1 thread : %.3f s/epoch [%.3f]\n", r,
		       e, mm);
		if (e < e1) {
			e1 = e;
			m1 = mm;
		}
		TorchRun tr;
		if (torch) {
			tr = run_torch(python, data, &s, 1, t_epochs, 3);
			if (tr.ok) {
				printf("round %d: PyTorch 1 thread : %.3f "
				       "s/epoch [%.3f] (torch %s, "
				       "OPENBLAS_CORETYPE=%s, peak RSS %.0f "
				       "MiB)\n",
				       r, tr.best, tr.mean, tr.version,
				       tr.coretype[0] ? tr.coretype : "unset",
				       tr.rss_mib);
				if (tr.best < t1.best)
					t1 = tr;
			} else {
				printf("round %d: PyTorch 1 thread : failed\n",
				       r);
			}
		}
		e = time_epochs(&s, 2, n, &mm);
		printf("round %d: vigil   2 threads: %.3f s/epoch [%.3f]\n", r,
		       e, mm);
		if (e < e2) {
			e2 = e;
			m2 = mm;
		}
		if (torch) {
			tr = run_torch(python, data, &s, 2, t_epochs, 3);
			if (tr.ok) {
				printf("round %d: PyTorch 2 threads: %.3f "
				       "s/epoch [%.3f]\n",
				       r, tr.best, tr.mean);
				if (tr.best < t2.best)
					t2 = tr;
			} else {
				printf("round %d: PyTorch 2 threads: failed\n",
				       r);
			}
		}
	}
	if (torch)
		unlink(data);
	if (t1.ok) {
		REF_EPOCH_1T = t1.best;
		REF_INFER = t1.infer;
		REF_RSS_MB = t1.rss_mib;
		ref_label = "(this run)";
	}
	if (t2.ok)
		REF_EPOCH_2T = t2.best;
	const char *label2 = t2.ok ? "(this run)" : "(stored, ../shared/ref)";
	printf("train, own kernels %-7s 1 thread : %.3f s/epoch [%.3f]  "
	       "(PyTorch %.2f %s: %.1fx faster; target <= 0.5; %.1fx the "
	       "floor)\n",
	       kern_isa_name(), e1, m1, REF_EPOCH_1T, ref_label,
	       REF_EPOCH_1T / e1, e1 / REF_FLOOR_1T);
	printf("train, own kernels %-7s 2 threads: %.3f s/epoch [%.3f]  "
	       "(PyTorch 2 threads %.2f %s: %.1fx faster; %.2fx the speed "
	       "of 1 thread)\n",
	       kern_isa_name(), e2, m2, REF_EPOCH_2T, label2,
	       REF_EPOCH_2T / e2, e1 / e2);
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
	printf("inference 1 thread : %.0f windows/s  (PyTorch %.0f %s: "
	       "%.1fx; target >= 250,000)\n",
	       i1, REF_INFER, ref_label, i1 / REF_INFER);
	if (t2.ok)
		printf("inference 2 threads: %.0f windows/s  (PyTorch %.0f "
		       "(this run): %.1fx)\n",
		       i2, t2.infer, i2 / t2.infer);
	else
		printf("inference 2 threads: %.0f windows/s\n", i2);
	series_free(&s);
	peak_rss();
	return 0;
}
