/* What several benchmarks share: the generated large CSV and the SMD
 * machine they time on (the shared one when ../shared is there, else the
 * repository's cut copy). */
#ifndef VIGIL_TESTS_BENCHUTIL_H
#define VIGIL_TESTS_BENCHUTIL_H

#include <math.h>
#include <stdio.h>
#include <sys/stat.h>

/* A CSV of rows x metrics: sines of several periods, noise and a spike
 * per metric, two decimals. Returns 0 when written. */
static inline int bench_write_big(const char *path, size_t rows,
				  size_t metrics)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	static char buf[1 << 20];
	setvbuf(f, buf, _IOFBF, sizeof(buf));
	for (size_t m = 0; m < metrics; m++)
		fprintf(f, "%sm%02zu", m ? "," : "", m + 1);
	fputc('\n', f);
	unsigned long long z = 88172645463325252ULL;
	for (size_t r = 0; r < rows; r++) {
		for (size_t m = 0; m < metrics; m++) {
			z ^= z << 13;
			z ^= z >> 7;
			z ^= z << 17;
			double noise = (double)(z >> 11) / 9007199254740992.0;
			double v = 50 + 20 * sin((double)r / (300.0 + 97 * m)) +
				   4 * noise;
			if (r == rows / 3 + 1000 * m)
				v += 60;
			fprintf(f, "%s%.2f", m ? "," : "", v);
		}
		fputc('\n', f);
	}
	return fclose(f);
}

/* SMD machine-1-2 as a dataset argument into buf: ../shared's, else
 * data/samples/smd-cut's. */
static inline void bench_smd_dataset(char *buf, size_t n)
{
	struct stat st;
	if (stat("../shared/data/smd/ServerMachineDataset/test/machine-1-2.txt",
		 &st) == 0)
		snprintf(buf, n,
			 "../shared/data/smd/ServerMachineDataset:machine-1-2");
	else
		snprintf(buf, n,
			 "data/samples/smd-cut/ServerMachineDataset:machine-1-2");
}

#endif
