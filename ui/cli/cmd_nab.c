/* vigil nab: result files in the layout NAB's own scorer reads.
 *
 * For every *.csv under NAB_DATA_DIR (recursively, in name order) the file
 * is loaded as a NAB series whose train part is its probationary period
 * (NAB's own: 15% of the rows, at most 750); a fresh model is trained on it
 * (no cache, so the data folder is left untouched), every row is forecast
 * and scored in file order, and RESULTS_DIR/NAME/CATEGORY/NAME_FILE.csv is
 * written with the header timestamp,value,anomaly_score,label. CATEGORY is
 * the file's folder relative to NAB_DATA_DIR.
 *
 * anomaly_score reports alerts, not states: NAB's scorer counts every row
 * above its threshold as one detection, so a row reports s / (1 + s) of its
 * node score s_t (0.5 at the threshold) only when s_t exceeds every node
 * score of the previous `refractory` rows (the onset of an anomaly, or its
 * escalation), and 0 otherwise. Like the score itself this is causal. The
 * scores are calibrated (the same tail probability gives the same score in
 * every file), so NAB's one threshold for the whole corpus means the same
 * everywhere. label is 1 for rows whose
 * timestamp lies in one of the file's windows (both ends inclusive) of
 * combined_windows.json, 0 otherwise, and 0 everywhere without windows. */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <math.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "data/fileio.h"
#include "ui/cli.h"
#include "ui/commands.h"
#include "ui/cli/detout.h"
#include "ui/escape.h"
#include "ui/outfile.h"
#include "ui/pipeline.h"

static const char nab_help[] =
	"Usage: vigil nab NAB_DATA_DIR -o RESULTS_DIR [--labels FILE] "
	"[--name NAME]\n"
	"                 [--probation F] [model and detection options]\n"
	"\n"
	"Train on the probationary part of every *.csv under NAB_DATA_DIR,\n"
	"score every row and write RESULTS_DIR/NAME/CATEGORY/NAME_FILE.csv\n"
	"(timestamp,value,anomaly_score,label) for NAB's scorer.\n"
	"anomaly_score = s/(1+s) of the node score s (0.5 at the threshold)\n"
	"at rows where s exceeds the previous --refractory rows' scores, 0\n"
	"elsewhere. label comes from combined_windows.json: --labels FILE, or\n"
	"found at NAB_DATA_DIR/combined_windows.json or\n"
	"NAB_DATA_DIR/../labels/combined_windows.json. A file or subfolder\n"
	"that cannot be read is named and left out, the run said incomplete\n"
	"(exit 2).\n"
	"\n"
	"  -o DIR             results folder (created)\n"
	"  --labels FILE      combined_windows.json\n"
	"  --name NAME        detector name (default vigil)\n"
	"  --probation F      fraction of rows to train on (default 0.15)\n"
	"  --probation-max N  at most N rows (default 750: NAB's rule)\n"
	"  --refractory N     report a row only when its score exceeds the\n"
	"                     previous N rows' (default 30; 0: every row)\n"
	"  -h, --help         this help\n"
	"\n";

typedef struct {
	char **items;
	size_t n, cap;
} PathList;

static int list_push(PathList *l, const char *p)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		char **ni = realloc(l->items, cap * sizeof(*ni));
		if (!ni)
			return -1;
		l->items = ni;
		l->cap = cap;
	}
	if (!(l->items[l->n] = strdup(p)))
		return -1;
	l->n++;
	return 0;
}

static void list_free(PathList *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* An entry below the data folder that cannot be read (a subfolder, a
 * broken link): said on stderr with why, counted in *skipped, and left
 * out; returns the exit code of the error. */
static int skip_entry(const char *path, int folder, int errnum,
		      size_t *skipped)
{
	ErrorRecord e;
	error_set(&e, STATUS_IO, path, 0, 0, "cannot read%s: %s: left out, %s",
		  folder ? " the folder" : "", strerror(errnum),
		  folder ? "the files in it have no result"
			 : "no result for it");
	(*skipped)++;
	return cli_report("nab", STATUS_IO, &e);
}

/* Relative paths (to root) of every *.csv below root/rel, appended to
 * out. STATUS_IO naming root when it cannot be read (or what it is when
 * it is not a folder), STATUS_NOMEM. Below root, a subfolder or entry
 * that cannot be read is said (skip_entry) and left out: *rc takes its
 * exit code. */
static Status walk(const char *root, const char *rel, PathList *out,
		   size_t *skipped, int *rc, ErrorRecord *err)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s%s%s", root, *rel ? "/" : "", rel);
	DIR *d = opendir(dir);
	struct stat ds;
	if (!d && *rel) {
		*rc = skip_entry(dir, 1, errno, skipped);
		return STATUS_OK;
	}
	if (!d && errno == ENOTDIR && stat(dir, &ds) == 0)
		return error_set(err, STATUS_IO, dir, 0, 0,
				 "is %s, not a folder",
				 fileio_kind(ds.st_mode));
	if (!d)
		return error_set(err, STATUS_IO, dir, 0, 0,
				 "cannot read the folder: %s",
				 strerror(errno));
	PathList names = {0};
	struct dirent *e;
	Status st = STATUS_OK;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && list_push(&names, e->d_name))
			st = STATUS_NOMEM;
	closedir(d);
	if (names.n)
		qsort(names.items, names.n, sizeof(char *), cmp_str);
	for (size_t i = 0; st == STATUS_OK && i < names.n; i++) {
		char r[4096], full[8200];
		snprintf(r, sizeof(r), "%s%s%s", rel, *rel ? "/" : "",
			 names.items[i]);
		snprintf(full, sizeof(full), "%s/%s", root, r);
		struct stat fs;
		size_t l = strlen(r);
		if (stat(full, &fs) != 0)
			*rc = skip_entry(full, 0, errno, skipped);
		else if (S_ISDIR(fs.st_mode))
			st = walk(root, r, out, skipped, rc, err);
		else if (l > 4 && !strcmp(r + l - 4, ".csv") &&
			 list_push(out, r))
			st = STATUS_NOMEM;
	}
	list_free(&names);
	if (st == STATUS_NOMEM)
		return error_set(err, st, dir, 0, 0, "out of memory");
	return st;
}

static int mkdirs(const char *path)
{
	char buf[12300];
	if (strlen(path) >= sizeof(buf))
		return -1;
	memcpy(buf, path, strlen(path) + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0755) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

static cJSON *load_windows(const char *path, ErrorRecord *err, Status *st)
{
	char *buf;
	size_t len;
	if ((*st = fileio_slurp(path, &buf, &len, err)) != STATUS_OK)
		return NULL;
	cJSON *j = cJSON_ParseWithLength(buf, len);
	free(buf);
	if (!j || !cJSON_IsObject(j)) {
		cJSON_Delete(j);
		*st = error_set(err, STATUS_PARSE, path, 0, 0,
				"not a combined_windows.json object");
	}
	return j;
}

/* label[r] = 1 inside a window of key (inclusive ends). */
static Status fill_labels(const cJSON *windows, const char *key,
			  const Series *s, unsigned char *label,
			  const char *wpath, ErrorRecord *err)
{
	memset(label, 0, s->rows);
	if (!windows)
		return STATUS_OK;
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(windows, key);
	if (!cJSON_IsArray(list))
		return STATUS_OK;
	const cJSON *w;
	cJSON_ArrayForEach(w, list)
	{
		const cJSON *a = cJSON_GetArrayItem(w, 0);
		const cJSON *b = cJSON_GetArrayItem(w, 1);
		int64_t ta, tb;
		if (!cJSON_IsString(a) || !cJSON_IsString(b) ||
		    series_parse_time(a->valuestring, &ta) ||
		    series_parse_time(b->valuestring, &tb))
			return error_set(err, STATUS_PARSE, wpath, 0, 0,
					 "window of '%s' is not a pair of "
					 "timestamps",
					 key);
		for (size_t r = 0; r < s->rows; r++) {
			int64_t t = series_time(s, r);
			if (t >= ta && t <= tb)
				label[r] = 1;
		}
	}
	return STATUS_OK;
}

typedef struct {
	double probation;     /* fraction of rows in the probationary part */
	size_t probation_max; /* at most this many rows */
	size_t refractory;    /* rows a report must exceed (0: none) */
} NabOptions;

/* Write a result row's anomaly_score for every row of r: s/(1+s) of the
 * node score where it exceeds the previous `refractory` rows' node scores,
 * 0 elsewhere (see the top of this file). */
static Status nab_scores(const DetectResult *r, size_t refractory,
			 double *out, ErrorRecord *err)
{
	float *node = malloc((r->rows ? r->rows : 1) * sizeof(*node));
	if (!node)
		return error_set(err, STATUS_NOMEM, "", 0, 0, "out of memory");
	Status st = detect_node_scores(r, node, err);
	if (st != STATUS_OK) {
		free(node);
		return st;
	}
	for (size_t t = 0; t < r->rows; t++) {
		size_t from = t > refractory ? t - refractory : 0;
		int report = node[t] > 0;
		for (size_t u = from; u < t && report; u++)
			report = node[t] > node[u];
		out[t] = report ? detect_unit_score(node[t]) : 0.0;
	}
	free(node);
	return STATUS_OK;
}

/* One file: train, score, write. A file too short for a model (its
 * probationary part holds fewer windows than training needs) is written
 * with anomaly_score 0 on every row, *untrained set and the reason in
 * *err: NAB scores every file of the corpus, and a missing one would drop
 * its windows from the score. */
static Status nab_file(const char *root, const char *rel, const char *outdir,
		       const char *name, const cJSON *windows,
		       const char *wpath, const PipelineOptions *o,
		       const NabOptions *no, int *untrained, ErrorRecord *err)
{
	*untrained = 0;
	char path[8200];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	SeriesOptions so = o->series;
	so.train_fraction = no->probation;
	so.split_rows = 0;
	Series s;
	const char *one = path;
	Status st = series_load_nab(&s, &one, 1, &so, err);
	if (st != STATUS_OK)
		return st;
	/* NAB's probationary period: floor(15% of the rows), at most 750 */
	size_t prob = (size_t)floor(no->probation * (double)s.rows);
	s.split = prob < no->probation_max ? prob : no->probation_max;
	Pipeline p;
	pipeline_init(&p);
	st = pipeline_load(&p, o, &s, err);
	ErrorRecord why;
	error_clear(&why);
	if (st == STATUS_OK && p.series.split == 0) {
		/* no probationary row (a small --probation of a short
		   file): the engine would take a split of 0 for "train on
		   every row", the rows it then scores */
		*untrained = 1;
		error_set(&why, STATUS_EMPTY, path, 0, 0,
			  "a probationary part of 0 rows (%zu rows x %g)",
			  p.series.rows, no->probation);
	}
	if (st == STATUS_OK && !*untrained) {
		TrainProgressFn fn = o->quiet ? NULL : o->progress;
		st = lstm_train(&p.series, &o->lstm, fn, o->progress_ctx,
				&p.model, &why);
		if (st == STATUS_EMPTY && p.series.rows > 0) {
			*untrained = 1;
			st = STATUS_OK;
		} else if (st != STATUS_OK) {
			*err = why;
		}
	}
	if (st == STATUS_OK && !*untrained)
		st = pipeline_forecast_with(&p, o, err);
	if (st == STATUS_OK && !*untrained)
		st = pipeline_detect(&p, o, err);
	unsigned char *label = NULL;
	double *score = NULL;
	size_t rows = p.series.rows;
	if (st == STATUS_OK) {
		label = malloc(rows ? rows : 1);
		score = calloc(rows ? rows : 1, sizeof(*score));
		if (!label || !score)
			st = error_set(err, STATUS_NOMEM, path, 0, 0,
				       "out of memory");
	}
	if (st == STATUS_OK)
		st = fill_labels(windows, rel, &p.series, label, wpath, err);
	if (st == STATUS_OK && !*untrained)
		st = nab_scores(&p.det, no->refractory, score, err);
	if (st == STATUS_OK) {
		/* RESULTS/NAME/CATEGORY/NAME_FILE.csv */
		char cat[4096], out[8200 + 4096];
		snprintf(cat, sizeof(cat), "%s", rel);
		char *slash = strrchr(cat, '/');
		const char *file = slash ? slash + 1 : cat;
		if (slash)
			*slash = '\0';
		snprintf(out, sizeof(out), "%s/%s%s%s", outdir, name,
			 slash ? "/" : "", slash ? cat : "");
		if (mkdirs(out) != 0) {
			st = error_set(err, STATUS_IO, out, 0, 0,
				       "cannot create: %s", strerror(errno));
		} else {
			size_t l = strlen(out);
			snprintf(out + l, sizeof(out) - l, "/%s_%s", name, file);
			OutFile of;
			st = outfile_open(&of, out, err);
			if (st == STATUS_OK) {
				fputs("timestamp,value,anomaly_score,label\n",
				      of.f);
				for (size_t t = 0; t < rows; t++) {
					/* dates even for elapsed times:
					   NAB's scorer parses this column
					   as dates (pandas reads epoch
					   seconds 300 as 1970-01-01
					   00:05:00) */
					char tb[40];
					series_time_string(
						series_time(&p.series, t), tb,
						sizeof(tb));
					fprintf(of.f, "%s,%.7g,%.6f,%d\n", tb,
						series_at(&p.series, 0, t),
						score[t], label[t]);
				}
				st = outfile_commit(&of, err);
			}
		}
	}
	free(label);
	free(score);
	pipeline_free(&p);
	if (st == STATUS_OK && *untrained)
		*err = why;
	return st;
}

int cmd_nab(int argc, char **argv)
{
	const char *cmd = "nab";
	PipelineOptions o;
	pipeline_options_defaults(&o);
	const char *dir = NULL, *outdir = NULL, *labels = NULL;
	const char *name = "vigil";
	NabOptions no = {.probation = 0.15, .probation_max = 750,
			 .refractory = 30};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			printf("%s%s\n%s\n%s", nab_help, pipeline_train_help,
			       pipeline_detect_help, pipeline_adapt_help);
			return 0;
		}
		/* each file trains a fresh model on its probationary part,
		   and none is cached: these were taken and ignored */
		if (!strcmp(a, "--model") || !strcmp(a, "--cache-dir"))
			return cli_usage_error(
				cmd, "%s does not apply: vigil nab trains a "
				     "fresh model on each file's probationary "
				     "part and caches none",
				a);
		int r = pipeline_option(cmd, argc, argv, &i, &o);
		if (r < 0)
			return 1;
		if (r > 0)
			continue;
		if (!strcmp(a, "-o") || !strcmp(a, "--labels") ||
		    !strcmp(a, "--name") || !strcmp(a, "--probation") ||
		    !strcmp(a, "--probation-max") ||
		    !strcmp(a, "--refractory")) {
			if (i + 1 >= argc)
				return cli_usage_error(cmd, "%s needs a value",
						       a);
			const char *v = argv[++i];
			if (!strcmp(a, "-o")) {
				/* '-' is stdout for detect's -o; the results
				   are a folder of files */
				if (!strcmp(v, "-"))
					return cli_usage_error(
						cmd, "-o - (stdout) cannot take "
						     "a results folder: name "
						     "one (./- for one named "
						     "'-')");
				outdir = v;
			} else if (!strcmp(a, "--labels")) {
				labels = v;
			} else if (!strcmp(a, "--name")) {
				/* . and .. would put the results beside
				   or above RESULTS_DIR */
				if (!*v || strchr(v, '/') || !strcmp(v, ".") ||
				    !strcmp(v, ".."))
					return cli_usage_error(
						cmd,
						"--name is a plain name (no "
						"'/', not '.' or '..'), not "
						"'%s'",
						v);
				name = v;
			} else if (!strcmp(a, "--probation-max") ||
				   !strcmp(a, "--refractory")) {
				long n;
				long least = !strcmp(a, "--refractory") ? 0 : 1;
				if (cli_parse_long(v, &n) || n < least)
					return cli_usage_error(
						cmd,
						"%s takes a number of rows "
						">= %ld, not '%s'",
						a, least, v);
				if (!strcmp(a, "--refractory"))
					no.refractory = (size_t)n;
				else
					no.probation_max = (size_t)n;
			} else if (cli_parse_double(v, &no.probation) ||
				   !(no.probation > 0 && no.probation < 1)) {
				return cli_usage_error(
					cmd,
					"--probation is a fraction in (0, 1), "
					"not '%s'",
					v);
			}
		} else if (a[0] == '-' && a[1]) {
			return cli_usage_error(cmd, "unknown option '%s'", a);
		} else if (!dir) {
			dir = a;
		} else {
			return cli_usage_error(cmd, "one NAB_DATA_DIR only");
		}
	}
	if (!dir)
		return cli_usage_error(cmd, "NAB_DATA_DIR is missing");
	if (!outdir)
		return cli_usage_error(cmd, "-o RESULTS_DIR is missing");
	if (pipeline_check_options(cmd, &o))
		return 1;

	ErrorRecord err;
	error_clear(&err);
	char found[4200];
	if (!labels) {
		static const char *const tries[] = {
			"/combined_windows.json",
			"/../labels/combined_windows.json"};
		for (size_t k = 0; k < 2 && !labels; k++) {
			snprintf(found, sizeof(found), "%s%s", dir, tries[k]);
			if (access(found, R_OK) == 0)
				labels = found;
		}
	}
	cJSON *windows = NULL;
	Status st;
	if (labels) {
		windows = load_windows(labels, &err, &st);
		if (!windows)
			return cli_report(cmd, st, &err);
	}
	PathList files = {0};
	size_t skipped = 0;
	int rc = 0;
	st = walk(dir, "", &files, &skipped, &rc, &err);
	if (st) {
		list_free(&files);
		cJSON_Delete(windows);
		return cli_report(cmd, st, &err);
	}
	if (files.n == 0) {
		list_free(&files);
		cJSON_Delete(windows);
		error_set(&err, STATUS_EMPTY, dir, 0, 0, "no *.csv files in it");
		return cli_report(cmd, STATUS_EMPTY, &err);
	}
	if (!o.quiet && !o.progress)
		o.progress = pipeline_progress_stderr;
	if (adapt_check_batch(&o.adapt, o.lstm.batch, &err)) {
		list_free(&files);
		cJSON_Delete(windows);
		return cli_usage_error(cmd, "%s", err.message);
	}
	/* the results folder, made now: one that cannot be is said before
	 * any model trains, not once per file after each one trained */
	char top[4400];
	snprintf(top, sizeof(top), "%s/%s", outdir, name);
	if (mkdirs(top) != 0) {
		error_set(&err, STATUS_IO, top, 0, 0, "cannot create: %s",
			  strerror(errno));
		list_free(&files);
		cJSON_Delete(windows);
		return cli_report(cmd, STATUS_IO, &err);
	}
	/* A file that cannot be read is reported and skipped; the exit code
	 * then says so (the worst one), the other files are still written. A
	 * file too short for a model is written with scores 0 and a note. */
	size_t written = 0;
	for (size_t i = 0; i < files.n; i++) {
		if (!o.quiet) {
			char nm[16400];
			fprintf(stderr, "vigil nab: [%zu/%zu] %s\n", i + 1,
				files.n,
				ui_escape(files.items[i], nm, sizeof(nm)));
		}
		error_clear(&err);
		int untrained = 0;
		st = nab_file(dir, files.items[i], outdir, name, windows,
			      labels, &o, &no, &untrained, &err);
		if (st != STATUS_OK) {
			int c = cli_report(cmd, st, &err);
			if (c > rc)
				rc = c;
			continue;
		}
		if (untrained) {
			char msg[1200], safe[2400];
			error_format(&err, msg, sizeof(msg));
			fprintf(stderr,
				"vigil nab: %s: too short for a model, "
				"anomaly_score 0 on every row\n",
				ui_escape(msg, safe, sizeof(safe)));
		}
		written++;
	}
	if (!o.quiet)
		fprintf(stderr, "vigil nab: %zu of %zu result files in %s/%s%s\n",
			written, files.n, outdir, name,
			labels ? "" : " (no windows: labels are 0)");
	/* even with --quiet: NAB's scorer needs every file's result */
	if (skipped)
		fprintf(stderr,
			"vigil nab: incomplete: %zu entr%s under the data folder "
			"could not be read (named above), their files have no "
			"result\n",
			skipped, skipped == 1 ? "y" : "ies");
	list_free(&files);
	cJSON_Delete(windows);
	return rc;
}
