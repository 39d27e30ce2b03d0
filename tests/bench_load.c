/* Loading speed and memory of one SMD machine (machine-1-2: train + test,
 * two 8.1 MB files, 47,388 x 38 floats), best of 5, against numpy.loadtxt's
 * 0.051 s per file measured on this kind of machine (../shared/ref). */
#include "tests/testutil.h"

#include <sys/resource.h>
#include <time.h>

#include "data/series.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static size_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (size_t)st.st_size : 0;
}

static size_t held_bytes(const Series *s)
{
	size_t b = sizeof(*s) + s->rows * s->metrics * sizeof(float);
	b += s->metrics * sizeof(char *);
	for (size_t m = 0; m < s->metrics; m++)
		b += strlen(s->names[m]) + 1;
	if (s->timestamps)
		b += s->rows * sizeof(int64_t);
	const char *strs[] = {s->path, s->machine, s->label_path,
			      s->interp_path, s->nab_key};
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		b += strs[i] ? strlen(strs[i]) + 1 : 0;
	return b;
}

int main(void)
{
	const char *data = tu_shared_data();
	char dir[4200], train[4300], test[4300];
	if (data)
		snprintf(dir, sizeof(dir), "%s/smd/ServerMachineDataset", data);
	snprintf(train, sizeof(train), "%s/train/machine-1-2.txt",
		 data ? dir : "");
	snprintf(test, sizeof(test), "%s/test/machine-1-2.txt",
		 data ? dir : "");
	if (!data || !file_size(train) || !file_size(test)) {
		printf("bench_load: skipped (no ../shared/data/smd machine-1-2)\n");
		return 0;
	}
	size_t bytes = file_size(train) + file_size(test);
	double best = 1e30;
	Series s;
	ErrorRecord err;
	for (int i = 0; i < 5; i++) {
		double t0 = now();
		Status st = series_load_smd(&s, dir, "machine-1-2", &err);
		double t = now() - t0;
		if (st != STATUS_OK) {
			char buf[1200];
			fprintf(stderr, "bench_load: %s\n",
				error_format(&err, buf, sizeof(buf)));
			return 1;
		}
		if (t < best)
			best = t;
		if (i < 4)
			series_free(&s);
	}
	size_t floats = s.rows * s.metrics * sizeof(float);
	size_t held = held_bytes(&s);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	const double numpy_per_file = 0.051;
	printf("bench_load: SMD machine-1-2 (%zu rows x %zu metrics, %.1f MB in "
	       "2 files)\n",
	       s.rows, s.metrics, (double)bytes / 1e6);
	printf("  load, best of 5:  %.4f s (%.4f s per file), %.0f MB/s\n", best,
	       best / 2, (double)bytes / 1e6 / best);
	printf("  numpy.loadtxt:    %.3f s per file -> vigil is %.1fx faster\n",
	       numpy_per_file, numpy_per_file / (best / 2));
	printf("  memory held:      %.2f MB by the Series vs %.2f MB of float "
	       "values (+%.3f%%)\n",
	       (double)held / 1e6, (double)floats / 1e6,
	       100.0 * (double)(held - floats) / (double)floats);
	printf("  peak RSS:         %.1f MB (includes one file buffer while "
	       "parsing)\n",
	       (double)ru.ru_maxrss / 1024.0);
	series_free(&s);
	return 0;
}
