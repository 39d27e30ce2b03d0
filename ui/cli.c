/* Error reporting and common option parsing for the subcommands. */
#include "ui/cli.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "data/fileio.h"
#include "ui/escape.h"

const char cli_series_help[] =
	"Dataset options:\n"
	"  --split N        the train part is the first N rows (CSV)\n"
	"  --train F        the train part is this fraction of the rows "
	"(default 0.5)\n"
	"  --interval SEC   sampling interval when the file has no timestamps\n"
	"                   or its time column counts rows (default 60)\n"
	"  --bearer-token-file F  Prometheus: send the token in F\n"
	"  --user USER:PASSWORD   Prometheus: basic auth\n"
	"  --tls            Prometheus: https (as prometheuss://)\n"
	"DATASET is a CSV file, a NAB file (several joined by ','), an SMD\n"
	"machine as PATH/ServerMachineDataset:machine-1-1, a folder holding\n"
	"train.csv and test.csv (eBay's PSM layout: one dataset, split between\n"
	"them; --split and --train refused), or a Prometheus\n"
	"range query: 'prometheus://HOST:PORT/?query=EXPR&start=T&end=T&step=S'\n"
	"(T: RFC 3339, epoch seconds, now or now-DURATION; S: 15s, 1m, ...).\n";

int cli_report(const char *cmd, Status s, const ErrorRecord *err)
{
	char buf[1200];
	if (err && (err->message[0] || err->file[0])) {
		/* messages quote file names and cells: escape them; the line
		   written whole (score FOLDER --jobs reports from threads) */
		flockfile(stderr);
		fprintf(stderr, "vigil %s: ", cmd);
		ui_escape_fputs(error_format(err, buf, sizeof(buf)), stderr);
		fputc('\n', stderr);
		funlockfile(stderr);
	}
	else
		fprintf(stderr, "vigil %s: %s\n", cmd, status_message(s));
	return status_exit_code(s);
}

Status cli_label_sources(LabelSources *src, const Series *s,
			 const char *const *given, size_t n,
			 const LabelFormat *format, ErrorRecord *err)
{
	Status st = labelfile_sources(src, s, given, n, format, err);
	const char *own = s->label_path;
	if (st == STATUS_OK && !src->path && own)
		st = labelfile_sources(src, s, &own, 1, format, err);
	return st;
}

int cli_stdout_done(const char *cmd, int rc)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return rc;
	int e = errno;
	if (rc)
		return rc;
	fprintf(stderr, "vigil %s: cannot write to stdout: %s\n", cmd,
		strerror(e ? e : EIO));
	return status_exit_code(STATUS_IO);
}

int cli_add_labels(const char *cmd, const char *file, const char **given,
		   size_t *n)
{
	if (*n == 2)
		return cli_usage_error(cmd, "--labels is given at most twice: a "
					    "node-level file (test_label) and "
					    "a per-metric file "
					    "(interpretation_label)");
	given[(*n)++] = file;
	return 0;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "vigil %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'vigil %s --help'.\n", cmd);
	return 1;
}

/* Whether a and the file st describes are one file; a named into which. */
static int same_as(const struct stat *st, const char *a, char *which,
		   size_t n)
{
	struct stat x;
	if (stat(a, &x) || x.st_dev != st->st_dev || x.st_ino != st->st_ino)
		return 0;
	snprintf(which, n, "%s", a);
	return 1;
}

int cli_is_data_file(const Series *s, const char *path, char *which,
		     size_t n)
{
	struct stat st;
	if (!path || !s->path || stat(path, &st) || !S_ISREG(st.st_mode))
		return 0;
	char p[4400];
	switch (s->kind) {
	case SERIES_SMD:
	case SERIES_PSM:
		/* a train and a test file: PATH/train/M.txt and
		   PATH/test/M.txt, or PATH/train.csv and PATH/test.csv */
		if (s->kind == SERIES_SMD && !s->machine)
			return 0;
		for (int k = 0; k < 2; k++) {
			const char *part = k ? "test" : "train";
			if (s->kind == SERIES_SMD)
				snprintf(p, sizeof(p), "%s/%s/%s.txt", s->path,
					 part, s->machine);
			else
				snprintf(p, sizeof(p), "%s/%s.csv", s->path,
					 part);
			if (same_as(&st, p, which, n))
				return 1;
		}
		return 0;
	case SERIES_CSV:
	case SERIES_NAB:
		if (same_as(&st, s->path, which, n))
			return 1;
		/* several NAB files joined by ',' */
		for (const char *a = s->path; s->kind == SERIES_NAB && *a;) {
			const char *e = strchr(a, ',');
			size_t l = e ? (size_t)(e - a) : strlen(a);
			snprintf(p, sizeof(p), "%.*s", (int)l, a);
			if (same_as(&st, p, which, n))
				return 1;
			a += l + (e != NULL);
		}
		return 0;
	default:
		return 0;
	}
}

int cli_is_label_file(const Series *s, const char *path, char *which,
		      size_t n)
{
	struct stat st;
	if (!path || stat(path, &st) || !S_ISREG(st.st_mode))
		return 0;
	return (s->label_path && same_as(&st, s->label_path, which, n)) ||
	       (s->interp_path && same_as(&st, s->interp_path, which, n));
}

const char *cli_own_file(const Series *s, const char *path, char *which,
			 size_t n)
{
	if (cli_is_data_file(s, path, which, n))
		return "data";
	if (cli_is_label_file(s, path, which, n))
		return "label";
	return NULL;
}

int cli_same_file(const char *path, const char *other)
{
	struct stat st;
	char which[8];
	return path && other && stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	       same_as(&st, other, which, sizeof(which));
}

/* The folder part of path ("." when it has none) into dir, and its last
 * name. */
static const char *split_path(const char *path, char *dir, size_t n)
{
	const char *slash = strrchr(path, '/');
	if (!slash) {
		snprintf(dir, n, ".");
		return path;
	}
	snprintf(dir, n, "%.*s", slash == path ? 1 : (int)(slash - path),
		 path);
	return slash + 1;
}

int cli_names_dataset(const char *path, const char *dataset)
{
	if (!path || !dataset)
		return 0;
	char pd[4400], dd[4400];
	const char *pb = split_path(path, pd, sizeof(pd));
	const char *db = split_path(dataset, dd, sizeof(dd));
	struct stat a, b;
	return *pb && !strcmp(pb, db) && stat(pd, &a) == 0 &&
	       stat(dd, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

int cli_parse_seed(const char *text, uint64_t *out)
{
	/* digits only: strtoull takes ' -1' (as 2^64-1) and clamps what is
	   beyond 2^64-1 */
	char *end;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	if (!isdigit((unsigned char)text[0]) || *end || errno)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

int cli_parse_long(const char *text, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (errno || end == text || *end || v < 0)
		return -1;
	*out = v;
	return 0;
}

int cli_parse_double(const char *text, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(text, &end);
	if (errno || end == text || *end)
		return -1;
	*out = v;
	return 0;
}

int cli_series_option(const char *cmd, int argc, char **argv, int *i,
		      SeriesOptions *opt)
{
	const char *a = argv[*i];
	if (!strcmp(a, "--tls")) {
		opt->tls = 1;
		return 1;
	}
	if (strcmp(a, "--split") && strcmp(a, "--train") &&
	    strcmp(a, "--interval") && strcmp(a, "--bearer-token-file") &&
	    strcmp(a, "--user"))
		return 0;
	if (*i + 1 >= argc) {
		cli_usage_error(cmd, "%s needs a value", a);
		return -1;
	}
	const char *v = argv[++*i];
	/* both set the split: the one --split gave used to win silently */
	if ((!strcmp(a, "--split") && opt->train_fraction > 0) ||
	    (!strcmp(a, "--train") && opt->split_rows > 0)) {
		cli_usage_error(cmd,
				"--split and --train both set the split; give "
				"one of them");
		return -1;
	}
	if (!strcmp(a, "--bearer-token-file")) {
		opt->bearer_token_file = v;
	} else if (!strcmp(a, "--user")) {
		opt->user = v;
	} else if (!strcmp(a, "--split")) {
		long n;
		if (cli_parse_long(v, &n) || n <= 0) {
			cli_usage_error(cmd, "--split takes a row count, not '%s'",
					v);
			return -1;
		}
		opt->split_rows = n;
	} else if (!strcmp(a, "--train")) {
		double f;
		if (cli_parse_double(v, &f) || f <= 0 || f >= 1) {
			cli_usage_error(cmd,
					"--train takes a fraction in (0,1), "
					"not '%s'",
					v);
			return -1;
		}
		opt->train_fraction = f;
	} else {
		long n;
		if (cli_parse_long(v, &n) || n <= 0) {
			cli_usage_error(cmd,
					"--interval takes seconds, not '%s'", v);
			return -1;
		}
		opt->interval = n;
	}
	return 1;
}

int cli_is_folder(const char *path)
{
	struct stat st;
	return path && stat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
	       !series_is_psm_dir(path);
}

/* An SMD folder: train/ and test/ inside. */
static int smd_folder(const char *path)
{
	char sub[4200];
	snprintf(sub, sizeof(sub), "%s/train", path);
	if (!cli_is_folder(sub))
		return 0;
	snprintf(sub, sizeof(sub), "%s/test", path);
	return cli_is_folder(sub);
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Nonzero when dir/name is one of vigil's label CSV files (its header
 * line, after a byte order mark or Excel's `sep=,` line, starts as the
 * label CSV's): FILE.labels.csv or labels.csv beside the data, not a
 * dataset; a detections file starts so too and is left out as well. */
static int is_label_csv(const char *dir, const char *name)
{
	static const char head[] = "metric,start,end,start_time,end_time,";
	char path[4400], line[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	/* not fopen: a FIFO named x.csv would block it for good (what is not
	   a regular file is a dataset here, refused with what it is) */
	FILE *f;
	ErrorRecord err;
	if (fileio_open(path, &f, &err))
		return 0;
	int yes = 0;
	if (fgets(line, sizeof(line), f)) {
		char *p = line + series_bom_len(line, strlen(line));
		if (series_sep_line(p, strcspn(p, "\n")) == ',' &&
		    fgets(line, sizeof(line), f))
			p = line;
		yes = !strncmp(p, head, sizeof(head) - 1);
	}
	fclose(f);
	return yes;
}

/* Nonzero when name is X.labels.csv and dir holds X.csv: X's label file
 * (series_labels_csv_path), read as X's labels even when its header is
 * damaged, so not a dataset of its own as well. */
static int is_labels_of_a_csv(const char *dir, const char *name)
{
	static const char suffix[] = ".labels.csv";
	size_t l = strlen(name), sl = sizeof(suffix) - 1;
	if (l <= sl || strcmp(name + l - sl, suffix))
		return 0;
	char path[4400];
	snprintf(path, sizeof(path), "%s/%.*s.csv", dir, (int)(l - sl), name);
	struct stat st;
	return stat(path, &st) == 0;
}

/* The NAME of each NAME.csv in dir that is not one of vigil's label CSV
 * files, sorted: *out (malloc'd strings). */
static Status csv_files(const char *dir, char ***out, size_t *n,
			ErrorRecord *err)
{
	*out = NULL;
	*n = 0;
	DIR *d = opendir(dir);
	if (!d)
		return error_set(err, STATUS_IO, dir, 0, 0, "cannot open: %s",
				 strerror(errno));
	char **v = NULL;
	size_t cap = 0;
	struct dirent *e;
	Status st = STATUS_OK;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l < 5 || strcmp(e->d_name + l - 4, ".csv") || l - 4 >= 256 ||
		    is_labels_of_a_csv(dir, e->d_name) ||
		    is_label_csv(dir, e->d_name))
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			char **nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				st = STATUS_NOMEM;
				break;
			}
			v = nv;
		}
		if (!(v[*n] = strndup(e->d_name, l - 4))) {
			st = STATUS_NOMEM;
			break;
		}
		(*n)++;
	}
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof(*v), cmp_str);
	*out = v;
	return st == STATUS_OK ? STATUS_OK
			       : error_set(err, st, NULL, 0, 0, "out of memory");
}

Status cli_folder_open(CliFolder *f, const char *dir, ErrorRecord *err)
{
	memset(f, 0, sizeof(*f));
	int smd = smd_folder(dir);
	char **csv = NULL;
	size_t n = 0;
	Status st = smd ? series_smd_machines(dir, NULL, 0, &n, err)
			: csv_files(dir, &csv, &n, err);
	if (st == STATUS_OK && n == 0)
		st = error_set(err, STATUS_EMPTY, dir, 0, 0,
			       "no datasets: neither an SMD folder (train/, "
			       "test/) nor a folder of CSV files");
	if (st == STATUS_OK) {
		f->name = malloc(n * sizeof(*f->name));
		f->dataset = malloc(n * sizeof(*f->dataset));
		if (!f->name || !f->dataset)
			st = error_set(err, STATUS_NOMEM, NULL, 0, 0,
				       "out of memory");
	}
	if (st == STATUS_OK && smd)
		st = series_smd_machines(dir, f->name, n, &n, err);
	for (size_t i = 0; st == STATUS_OK && i < n; i++) {
		if (!smd)
			snprintf(f->name[i], sizeof(f->name[i]), "%s", csv[i]);
		snprintf(f->dataset[i], sizeof(f->dataset[i]),
			 smd ? "%.4000s:%s" : "%.4000s/%s.csv", dir,
			 f->name[i]);
		f->n = i + 1;
	}
	for (size_t i = 0; csv && i < n; i++)
		free(csv[i]);
	free(csv);
	if (st != STATUS_OK)
		cli_folder_free(f);
	return st;
}

void cli_folder_free(CliFolder *f)
{
	free(f->name);
	free(f->dataset);
	memset(f, 0, sizeof(*f));
}
