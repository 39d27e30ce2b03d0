/* vigil synth: write the synthetic generator's series and the labels of
 * exactly what it injected, as a CSV pair (synthetic.csv + labels.csv in
 * vigil's label format) or as an SMD-shaped folder that the SMD loader reads
 * back. Output depends only on the options: the same seed gives
 * byte-identical files. Each file is built in memory, then written to a
 * temporary file in the target folder, fsynced and renamed into place. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "data/atomicfile.h"
#include "data/fileio.h"
#include "data/series.h"
#include "data/synth.h"
#include "ui/cli.h"
#include "ui/commands.h"
#include "ui/escape.h"

static const char synth_help[] =
	"Usage: vigil synth [-o DIR] [--seed S] [--points N] [--anomalies K]\n"
	"                   [--duration D] [--daily] [--shifts]\n"
	"                   [--format csv|smd]\n"
	"\n"
	"Generate the tutorial's synthetic server metrics (cpu_usage 30->70,\n"
	"memory_usage 20->80, network_latency 10->50, one-minute points from\n"
	"2022-01-01 00:00 UTC, Gaussian noise) with K anomalies per metric\n"
	"(offsets of 15-25, latency 5-15, random sign), and a label file of\n"
	"exactly the injected points. The same seed gives the same bytes.\n"
	"\n"
	"  -o DIR           output folder (created; default .); a labels.csv\n"
	"                   or synthetic.csv there that is not an earlier\n"
	"                   run's is not overwritten\n"
	"  --seed S         random seed (default 42)\n"
	"  --points N       rows (default 1000)\n"
	"  --anomalies K    anomalies per metric (default 10)\n"
	"  --duration D     anomalies last 1..D points (default 1: spikes)\n"
	"  --daily          add a daily cycle\n"
	"  --shifts         add level shifts (long range anomalies)\n"
	"  --format csv     DIR/synthetic.csv and DIR/labels.csv (default);\n"
	"                   labels.csv rows: metric,start,end,start_time,\n"
	"                   end_time,source,note with 0-based half-open row\n"
	"                   ranges [start, end) and the times of rows start\n"
	"                   and end-1; metric '*' is the node level (union)\n"
	"  --format smd     DIR/ServerMachineDataset/{train,test,test_label,\n"
	"                   interpretation_label}/synthetic.txt, values\n"
	"                   min-max scaled to [0,1] as in the published SMD\n"
	"  -h, --help       this help\n";

/* mkdir -p */
static int make_dirs(const char *path)
{
	char buf[4096];
	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -1;
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0777) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0777) && errno != EEXIST)
		return -1;
	return 0;
}

/* Writes len bytes to path atomically (data/atomicfile.h); why gets the
 * reason on failure. */
static int write_atomic(const char *path, const char *data, size_t len,
			char *why, size_t wn)
{
	ErrorRecord err;
	error_clear(&err);
	if (atomicfile_write(path, data, len, &err) == STATUS_OK)
		return 0;
	snprintf(why, wn, "%s: %s", path, err.message);
	return -1;
}

/* A growing text buffer (open_memstream). */
typedef struct {
	char *data;
	size_t len;
	FILE *f;
} Text;

static int text_open(Text *t)
{
	t->data = NULL;
	t->len = 0;
	t->f = open_memstream(&t->data, &t->len);
	return t->f ? 0 : -1;
}

static int text_save(Text *t, const char *path, char *why, size_t wn)
{
	if (fclose(t->f) != 0) {
		free(t->data);
		snprintf(why, wn, "%s: out of memory", path);
		return -1;
	}
	int r = write_atomic(path, t->data, t->len, why, wn);
	free(t->data);
	return r;
}

/* Time of a row as the label files write it (labels/ uses the same). */
static void row_time(const Series *s, int64_t row, char *buf, size_t n)
{
	series_time_string(s->t0 + row * s->interval, buf, n);
}

/* Union of all injections as sorted disjoint ranges (node level);
 * returns the count, ranges in out (capacity ninj). */
static size_t node_union(const SynthInjection *inj, size_t ninj, Range *out)
{
	size_t n = 0;
	for (size_t i = 0; i < ninj; i++)
		out[n++] = inj[i].r;
	/* insertion sort by start: ninj is small */
	for (size_t i = 1; i < n; i++) {
		Range k = out[i];
		size_t j = i;
		while (j > 0 && out[j - 1].start > k.start) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = k;
	}
	size_t w = 0;
	for (size_t i = 0; i < n; i++) {
		if (w && out[i].start <= out[w - 1].end) {
			if (out[i].end > out[w - 1].end)
				out[w - 1].end = out[i].end;
		} else {
			out[w++] = out[i];
		}
	}
	return w;
}

/* Whether DIR's synthetic.csv and labels.csv may be replaced: none there,
 * or an earlier run's (synthetic.csv with the header this writes; its
 * labels.csv beside it). A labels.csv without it is another dataset's
 * (`vigil labels -o labels.csv`, a folder's labels, a train.csv/test.csv
 * folder's relabelling) and is not overwritten, nor is a synthetic.csv
 * that holds other data; why gets the reason. */
static int csv_outputs_free(const char *dir, const Series *s, char *why,
			    size_t wn)
{
	char ps[4200], pl[4200], want[512], line[512] = "";
	snprintf(ps, sizeof(ps), "%s/synthetic.csv", dir);
	snprintf(pl, sizeof(pl), "%s/labels.csv", dir);
	struct stat st;
	int has_s = lstat(ps, &st) == 0, has_l = lstat(pl, &st) == 0;
	if (has_s) {
		size_t w = (size_t)snprintf(want, sizeof(want), "timestamp");
		for (size_t m = 0; m < s->metrics && w < sizeof(want); m++)
			w += (size_t)snprintf(want + w, sizeof(want) - w, ",%s",
					      s->names[m]);
		/* not fopen: a FIFO there would block it for good (a file
		   that cannot be read is not the output either) */
		FILE *f;
		ErrorRecord err;
		if (fileio_open(ps, &f, &err) == STATUS_OK) {
			if (!fgets(line, sizeof(line), f))
				line[0] = '\0';
			fclose(f);
		}
		line[strcspn(line, "\r\n")] = '\0';
		if (strcmp(line, want)) {
			snprintf(why, wn,
				 "%.4000s exists and is not vigil synth's "
				 "output (its first line is not '%.200s'): "
				 "not overwritten; -o another folder",
				 ps, want);
			return 0;
		}
	} else if (has_l) {
		snprintf(why, wn,
			 "%.4000s exists and no synthetic.csv beside it: the "
			 "labels of other data, not overwritten; -o another "
			 "folder",
			 pl);
		return 0;
	}
	return 1;
}

static int write_csv(const char *dir, const Series *s,
		     const SynthInjection *inj, size_t ninj, char *why,
		     size_t wn)
{
	char path[4200], t[32];
	Text tx;
	if (text_open(&tx))
		return snprintf(why, wn, "out of memory"), -1;
	fprintf(tx.f, "timestamp");
	for (size_t m = 0; m < s->metrics; m++)
		fprintf(tx.f, ",%s", s->names[m]);
	fprintf(tx.f, "\n");
	for (size_t r = 0; r < s->rows; r++) {
		fprintf(tx.f, "%s", series_format_time(s, r, t, sizeof(t)));
		for (size_t m = 0; m < s->metrics; m++)
			fprintf(tx.f, ",%.4f", (double)series_at(s, m, r));
		fprintf(tx.f, "\n");
	}
	snprintf(path, sizeof(path), "%s/synthetic.csv", dir);
	if (text_save(&tx, path, why, wn))
		return -1;

	if (text_open(&tx))
		return snprintf(why, wn, "out of memory"), -1;
	fprintf(tx.f, "metric,start,end,start_time,end_time,source,note\n");
	/* node level first, then each metric: the order labels/ writes */
	char a[40], b[40];
	Range *u = malloc((ninj + 1) * sizeof(Range));
	if (!u) {
		fclose(tx.f);
		free(tx.data);
		return snprintf(why, wn, "out of memory"), -1;
	}
	size_t nu = node_union(inj, ninj, u);
	for (size_t i = 0; i < nu; i++) {
		row_time(s, u[i].start, a, sizeof(a));
		row_time(s, u[i].end - 1, b, sizeof(b));
		fprintf(tx.f, "*,%lld,%lld,%s,%s,original,\n",
			(long long)u[i].start, (long long)u[i].end, a, b);
	}
	free(u);
	for (size_t i = 0; i < ninj; i++) {
		row_time(s, inj[i].r.start, a, sizeof(a));
		row_time(s, inj[i].r.end - 1, b, sizeof(b));
		fprintf(tx.f, "%s,%lld,%lld,%s,%s,original,%s %+.2f\n",
			s->names[inj[i].metric], (long long)inj[i].r.start,
			(long long)inj[i].r.end, a, b,
			inj[i].level_shift ? "level shift" : "injected",
			(double)inj[i].offset);
	}
	snprintf(path, sizeof(path), "%s/labels.csv", dir);
	return text_save(&tx, path, why, wn);
}

static int write_smd(const char *dir, const Series *s,
		     const SynthInjection *inj, size_t ninj, char *why,
		     size_t wn)
{
	static const char *const subs[] = {"train", "test", "test_label",
					   "interpretation_label"};
	char root[4200], path[4400];
	snprintf(root, sizeof(root), "%s/ServerMachineDataset", dir);
	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s", root, subs[i]);
		if (make_dirs(path))
			return snprintf(why, wn, "%s: cannot create: %s", path,
					strerror(errno)),
			       -1;
	}
	/* min-max over the whole series, as the publishers scaled SMD */
	float lo[8], hi[8];
	for (size_t m = 0; m < s->metrics && m < 8; m++) {
		const float *x = series_column(s, m);
		lo[m] = hi[m] = x[0];
		for (size_t r = 1; r < s->rows; r++) {
			lo[m] = x[r] < lo[m] ? x[r] : lo[m];
			hi[m] = x[r] > hi[m] ? x[r] : hi[m];
		}
	}
	for (int part = 0; part < 2; part++) {
		Text tx;
		if (text_open(&tx))
			return snprintf(why, wn, "out of memory"), -1;
		size_t r0 = part ? s->split : 0, r1 = part ? s->rows : s->split;
		for (size_t r = r0; r < r1; r++)
			for (size_t m = 0; m < s->metrics; m++) {
				float span = hi[m] - lo[m];
				double v = span > 0 ? (double)((series_at(s, m, r) -
								lo[m]) /
							       span)
						    : 0.0;
				fprintf(tx.f, "%.6f%c", v,
					m + 1 < s->metrics ? ',' : '\n');
			}
		snprintf(path, sizeof(path), "%s/%s/synthetic.txt", root,
			 subs[part]);
		if (text_save(&tx, path, why, wn))
			return -1;
	}
	Range *u = malloc((ninj + 1) * sizeof(Range));
	if (!u)
		return snprintf(why, wn, "out of memory"), -1;
	size_t nu = node_union(inj, ninj, u);
	int64_t split = (int64_t)s->split, rows = (int64_t)s->rows;
	Text tl, ti;
	if (text_open(&tl)) {
		free(u);
		return snprintf(why, wn, "out of memory"), -1;
	}
	if (text_open(&ti)) {
		fclose(tl.f);
		free(tl.data);
		free(u);
		return snprintf(why, wn, "out of memory"), -1;
	}
	size_t k = 0;
	for (int64_t r = split; r < rows; r++) {
		while (k < nu && u[k].end <= r)
			k++;
		fprintf(tl.f, "%d\n", k < nu && u[k].start <= r);
	}
	for (size_t i = 0; i < nu; i++) {
		int64_t a = u[i].start > split ? u[i].start : split;
		int64_t b = u[i].end;
		if (b <= a)
			continue;
		fprintf(ti.f, "%lld-%lld:", (long long)(a - split),
			(long long)(b - split));
		int first = 1;
		for (size_t m = 0; m < s->metrics; m++) {
			int hit = 0;
			for (size_t j = 0; j < ninj && !hit; j++)
				hit = inj[j].metric == m &&
				      inj[j].r.start < b && inj[j].r.end > a;
			if (hit) {
				fprintf(ti.f, "%s%zu", first ? "" : ",", m + 1);
				first = 0;
			}
		}
		fprintf(ti.f, "\n");
	}
	free(u);
	snprintf(path, sizeof(path), "%s/test_label/synthetic.txt", root);
	if (text_save(&tl, path, why, wn)) {
		fclose(ti.f);
		free(ti.data);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/interpretation_label/synthetic.txt",
		 root);
	return text_save(&ti, path, why, wn);
}

int cmd_synth(int argc, char **argv)
{
	SynthOptions o;
	synth_defaults(&o);
	const char *dir = ".", *format = "csv";
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(synth_help, stdout);
			return 0;
		}
		if (!strcmp(a, "--daily")) {
			o.daily_cycle = 1;
			continue;
		}
		if (!strcmp(a, "--shifts")) {
			o.level_shifts = 1;
			continue;
		}
		static const char *const valued[] = {
			"-o",	       "--seed",     "--points", "--anomalies",
			"--duration", "--format"};
		int known = 0;
		for (size_t j = 0; j < sizeof(valued) / sizeof(valued[0]); j++)
			known |= !strcmp(a, valued[j]);
		if (!known)
			return cli_usage_error("synth", "unknown argument '%s'",
					       a);
		if (i + 1 >= argc)
			return cli_usage_error("synth", "%s needs a value", a);
		const char *v = argv[++i];
		long n = 0;
		if (!strcmp(a, "-o")) {
			/* '-' is stdout for detect's -o; synth writes two
			   files into a folder */
			if (!strcmp(v, "-"))
				return cli_usage_error(
					"synth", "-o - (stdout) cannot take "
						 "synth's two files: name a "
						 "folder (./- for one named "
						 "'-')");
			dir = v;
		} else if (!strcmp(a, "--format")) {
			if (strcmp(v, "csv") && strcmp(v, "smd"))
				return cli_usage_error(
					"synth", "--format is csv or smd, not '%s'",
					v);
			format = v;
		} else if (!strcmp(a, "--seed")) {
			/* every 64-bit seed, as train's */
			if (cli_parse_seed(v, &o.seed))
				return cli_usage_error(
					"synth",
					"--seed takes a whole number, not '%s'",
					v);
		} else if (cli_parse_long(v, &n)) {
			return cli_usage_error(
				"synth", "%s takes a whole number, not '%s'", a,
				v);
		} else if (!strcmp(a, "--points")) {
			if (n < 10)
				return cli_usage_error(
					"synth", "--points takes at least 10");
			o.points = (size_t)n;
		} else if (!strcmp(a, "--anomalies")) {
			o.anomalies = (size_t)n;
		} else {
			if (n < 1)
				return cli_usage_error(
					"synth", "--duration takes at least 1");
			o.max_duration = (size_t)n;
		}
	}
	/* an anomaly takes at least a point: more than the points cannot
	   be placed (those that do not fit are left out), and a huge count
	   used to fail as out of memory, exit 3 */
	if (o.anomalies > o.points)
		return cli_usage_error(
			"synth",
			"--anomalies takes at most %zu, the number of points "
			"(--points %zu), not %zu",
			o.points, o.points, o.anomalies);
	Series s;
	SynthInjection *inj;
	size_t ninj;
	ErrorRecord err;
	Status st = synth_generate_injections(&o, &s, &inj, &ninj, &err);
	if (st != STATUS_OK)
		return cli_report("synth", st, &err);
	char why[4600] = "";
	int rc = 0;
	if (!strcmp(format, "csv") && !csv_outputs_free(dir, &s, why,
							sizeof(why))) {
		fputs("vigil synth: ", stderr);
		ui_escape_fputs(why, stderr);
		fputc('\n', stderr);
		free(inj);
		series_free(&s);
		return 1;
	}
	rc = make_dirs(dir);
	if (rc)
		snprintf(why, sizeof(why), "%s: cannot create: %s", dir,
			 strerror(errno));
	else if (!strcmp(format, "csv"))
		rc = write_csv(dir, &s, inj, ninj, why, sizeof(why));
	else
		rc = write_smd(dir, &s, inj, ninj, why, sizeof(why));
	if (rc) {
		fprintf(stderr, "vigil synth: %s\n", why);
		rc = 2;
	} else if (!strcmp(format, "csv")) {
		printf("wrote %s/synthetic.csv (%zu rows, %zu metrics, seed "
		       "%llu) and %s/labels.csv (%zu injected ranges)\n",
		       dir, s.rows, s.metrics, (unsigned long long)o.seed, dir,
		       ninj);
	} else {
		printf("wrote %s/ServerMachineDataset (machine 'synthetic': "
		       "%zu train + %zu test rows, %zu metrics, seed %llu, "
		       "%zu injected ranges)\n"
		       "open it with: vigil info ",
		       dir, s.split, s.rows - s.split, s.metrics,
		       (unsigned long long)o.seed, ninj);
		size_t l = strlen(dir) + 64;
		char *where = malloc(l), *word = malloc(4 * l + 3);
		if (where && word) {
			snprintf(where, l, "%s/ServerMachineDataset:synthetic",
				 dir);
			if (!series_shell_word(where, word, 4 * l + 3))
				fputs(word, stdout);
		}
		free(where);
		free(word);
		putchar('\n');
	}
	free(inj);
	series_free(&s);
	return rc;
}
