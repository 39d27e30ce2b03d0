/* make bench: the dashboard's time from key to finished frame at 200x60.
 * Replays a key script (browsing, zooming, jumps, relabelling with undo and
 * redo, scope, the comparison views, threshold moves) on one SMD machine
 * (../shared/data machine-1-2, or the bundled cut when it is absent) through
 * the real binary's --keys/--timing options, with the screen written to
 * /dev/null. Prints the median and the worst; the target is 10 ms a key.
 * The model comes from the cache (trained once, not timed).
 *
 * Then large generated series (1M x 3, 10M x 3 and 1M x 38 rows x
 * metrics, written as CSV under /tmp and removed), opened with --no-model:
 * zoomed all the way out, moves, pages, metric changes, zooming in and out
 * again; the target there is issue 13's, a median of at most 3 ms and a
 * worst of at most 10 ms. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char script[] =
	"<wait>"
	"jjjjjkkkllllllllhhhh++++----HHLLLnnnNNN]]][[[ffFF"
	"m llllllll m a u <C-r> u x u"
	"<Tab> jj kk llll ++ -- nn <Tab>"
	"c <Esc> o <Esc> ? <Esc>"
	"t >>>> <<<< <Esc> <Tab> t >> << <Esc> <Tab>"
	"gG gG y y"
	"jjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjkkkkkkkkkkkkkkkkkkkk";

static const char big_script[] =
	"----------------------------"
	"llllllllllhhhhhhhhhhLLLLHHHHjjjjkkkkgGgG"
	"++++++++++llllLLLL----------------------------"
	"jjjkkk]][[";

/* A CSV of rows x metrics: sines of several periods, noise and a spike
 * per metric. Returns 0 when written. */
static int write_big(const char *path, size_t rows, size_t metrics)
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

static int run_big(const char *vigil, const char *keys, size_t rows,
		   size_t metrics)
{
	char csv[] = "/tmp/vigil-bench-big-XXXXXX";
	int fd = mkstemp(csv);
	if (fd < 0)
		return -1;
	close(fd);
	if (write_big(csv, rows, metrics) != 0) {
		unlink(csv);
		printf("bench_ui: cannot write %s\n", csv);
		return -1;
	}
	char cmd[4096];
	snprintf(cmd, sizeof(cmd),
		 "COLUMNS=200 LINES=60 TERM=xterm-256color LANG=C.UTF-8 %s "
		 "'%s' --no-model --keys %s --timing 2>&1 >/dev/null",
		 vigil, csv, keys);
	FILE *p = popen(cmd, "r");
	char line[512];
	int got = 0;
	while (p && fgets(line, sizeof(line), p))
		if (!strncmp(line, "keys ", 5)) {
			printf("bench_ui: %zuM x %zu generated, no model: %s",
			       rows / 1000000, metrics, line + 5);
			got = 1;
		}
	int rc = p ? pclose(p) : -1;
	unlink(csv);
	if (!got)
		printf("bench_ui: %zu x %zu: no timings (exit %d)\n", rows,
		       metrics, rc);
	return got ? 0 : -1;
}

int main(void)
{
	const char *vigil = getenv("VIGIL");
	if (!vigil || !*vigil)
		vigil = "./vigil";
	char dataset[1024];
	struct stat st;
	if (stat("../shared/data/smd/ServerMachineDataset/test/machine-1-2.txt",
		 &st) == 0)
		snprintf(dataset, sizeof(dataset),
			 "../shared/data/smd/ServerMachineDataset:machine-1-2");
	else
		snprintf(dataset, sizeof(dataset),
			 "data/samples/smd-cut/ServerMachineDataset:machine-1-2");
	char keys[] = "/tmp/vigil-bench-ui-XXXXXX";
	int fd = mkstemp(keys);
	if (fd < 0 || write(fd, script, strlen(script)) !=
			      (ssize_t)strlen(script)) {
		perror("bench_ui");
		return 1;
	}
	close(fd);
	char cmd[4096];
	snprintf(cmd, sizeof(cmd),
		 "COLUMNS=200 LINES=60 TERM=xterm-256color LANG=C.UTF-8 %s "
		 "'%s' --keys %s --timing 2>&1 >/dev/null",
		 vigil, dataset, keys);
	printf("bench_ui: %s (model trained on the first run, then "
	       "cached)\n",
	       dataset);
	fflush(stdout);
	FILE *p = popen(cmd, "r");
	if (!p) {
		perror("bench_ui");
		unlink(keys);
		return 1;
	}
	char line[512];
	int got = 0;
	while (fgets(line, sizeof(line), p)) {
		if (!strncmp(line, "keys ", 5)) {
			printf("bench_ui: key to frame at 200x60: %s", line + 5);
			got = 1;
		} else {
			fputs(line, stdout);
		}
	}
	int rc = pclose(p);
	unlink(keys);
	if (!got || rc != 0) {
		printf("bench_ui: the dashboard did not report timings "
		       "(exit %d)\n",
		       rc);
		return 1;
	}
	printf("bench_ui: target <= 10 ms per key (median and worst)\n");

	/* large series: the plot's summaries at work */
	char keys2[] = "/tmp/vigil-bench-ui-XXXXXX";
	fd = mkstemp(keys2);
	if (fd < 0 || write(fd, big_script, strlen(big_script)) !=
			      (ssize_t)strlen(big_script)) {
		perror("bench_ui");
		return 1;
	}
	close(fd);
	static const size_t sizes[][2] = {
		{1000000, 3}, {10000000, 3}, {1000000, 38}};
	for (size_t i = 0; i < 3; i++) {
		fflush(stdout);
		run_big(vigil, keys2, sizes[i][0], sizes[i][1]);
	}
	unlink(keys2);
	printf("bench_ui: target for the large series (issue 13): median <= "
	       "3 ms, worst <= 10 ms\n");
	return 0;
}
