/* vigil score: precision, recall and F1 of detections against labels, for
 * the three rule sets (point-wise, point-adjusted, event) and the three
 * criticality filters (all, >= medium, high), at node level and per metric,
 * on the test part only. The detections come from a detections file
 * (--detections, as `vigil detect --format csv` writes it) or from the
 * model pipeline (--model, or the cached model). Text table or JSON. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/prom.h"
#include "data/series.h"
#include "engine/adapt.h"
#include "engine/preview.h"
#include "labels/detfile.h"
#include "labels/labelfile.h"
#include "labels/labelset.h"
#include "labels/score.h"
#include "ui/cli.h"
#include "ui/commands.h"
#include "ui/cli/detout.h"
#include "ui/escape.h"
#include "ui/pipeline.h"

static const char score_help[] =
	"Usage: vigil score DATASET [--labels FILE [--labels FILE]]\n"
	"                   [--detections FILE | "
	"--model MODEL]\n"
	"                   [--label-format smd|interp|nab|csv|column] "
	"[--per-metric]\n"
	"                   [--jobs N] [--json]\n"
	"\n"
	"Score detections against labels on the test part of DATASET: TP, FP,\n"
	"FN, precision, recall and F1 for each rule set and criticality "
	"filter.\n"
	"  point-wise       every row counted on its own\n"
	"  point-adjusted   a labelled range with any detected row counts as\n"
	"                   wholly detected (inflated: shown for comparison)\n"
	"  event            a detected range of D rows overlapping labels on o\n"
	"                   rows: o = 0 -> FP += D; else TP += min(D, "
	"floor(1.5 o)),\n"
	"                   FP += D - TP; a labelled range no detection "
	"touches\n"
	"                   adds all its rows as FN\n"
	"A labelled range is a run of labelled rows: ranges that touch (the "
	"end of\n"
	"one the start of the next) are one.\n"
	"Filters: all detections, >= medium, high only.\n"
	"DATASET may be a folder: an SMD folder (PATH/ServerMachineDataset, "
	"no\n"
	"machine) or a folder of CSV or NAB files (a folder holding train.csv\n"
	"and test.csv is one dataset, not a folder); every machine (file) "
	"against\n"
	"its own labels, one line each (node level, all detections) and the "
	"means;\n"
	"a machine that cannot be scored is skipped (its error on stderr and "
	"in\nthe exit code).\n"
	"\n"
	"  --labels FILE        the labels (default: the dataset's own, as "
	"the\n"
	"                       dashboard reads them: an SMD machine's "
	"metrics\n"
	"                       from interpretation_label, its node from\n"
	"                       test_label; NAB combined_windows.json);\n"
	"                       twice for an SMD pair, a test_label file "
	"and an\n"
	"                       interpretation_label file, in either order; "
	"on an\n"
	"                       SMD machine a file of one of the two keeps "
	"the\n"
	"                       machine's own other one\n"
	"  --label-format F     smd (test_label), interp "
	"(interpretation_label),\n"
	"                       nab (combined_windows.json), csv (vigil's) or\n"
	"                       column (a CSV column of 0/1 named label,\n"
	"                       is_anomaly, ...: one per row of the data or of\n"
	"                       its test part); guessed from the file when\n"
	"                       absent\n"
	"  --detections FILE    detections file (metric,start,end,start_time,\n"
	"                       end_time,criticality,peak_score); without it "
	"the\n"
	"                       model pipeline detects (--model, or the cached\n"
	"                       model, trained first when there is none); with\n"
	"                       it, the model and detection options do not\n"
	"                       apply\n"
	"  --per-metric         also a table per metric\n"
	"  --jobs N             a folder: N machines at a time (default one\n"
	"                       per core; the figures do not depend on it)\n"
	"  --json               one JSON object instead of tables\n"
	"  -h, --help           this help\n"
	"\n";

/* t's table under the line title ends (the per-metric titles print their
 * name first, whole, and pass ""). */
static void print_table(const char *title, const ScoreTable *t)
{
	printf("%s\n", title);
	printf("  %-27s %-9s %9s %9s %9s %6s %6s %6s\n", "rule set", "filter",
	       "TP", "FP", "FN", "P", "R", "F1");
	for (int r = 0; r < SCORE_RULES; r++) {
		char rule[40];
		snprintf(rule, sizeof(rule), "%s%s",
			 score_rule_name((ScoreRule)r),
			 r == SCORE_ADJUSTED ? " (inflated)" : "");
		for (int f = 0; f < SCORE_FILTERS; f++) {
			const ScoreCell *c = &t->cell[r][f];
			printf("  %-27s %-9s %9lld %9lld %9lld %6.3f %6.3f "
			       "%6.3f\n",
			       f == 0 ? rule : "", score_filter_name((ScoreFilter)f),
			       (long long)c->tp, (long long)c->fp,
			       (long long)c->fn, c->p, c->r, c->f1);
		}
	}
}

static const char *const json_filter[SCORE_FILTERS] = {"all", "medium",
						       "high"};

static void print_json_table(const ScoreTable *t)
{
	printf("{");
	for (int r = 0; r < SCORE_RULES; r++) {
		printf("%s\"%s\": {", r ? ", " : "",
		       score_rule_name((ScoreRule)r));
		for (int f = 0; f < SCORE_FILTERS; f++) {
			const ScoreCell *c = &t->cell[r][f];
			printf("%s\"%s\": {\"tp\": %lld, \"fp\": %lld, \"fn\": "
			       "%lld, \"precision\": %.6f, \"recall\": %.6f, "
			       "\"f1\": %.6f}",
			       f ? ", " : "", json_filter[f], (long long)c->tp,
			       (long long)c->fp, (long long)c->fn, c->p, c->r,
			       c->f1);
		}
		printf("}");
	}
	printf("}");
}

typedef struct {
	const char *dataset;
	const char *labels[2]; /* --labels, given n_labels times */
	size_t n_labels;
	const char *label_path;	   /* the labels read: the node's file */
	const char *metric_labels; /* and the metrics' when they differ (an
				      SMD pair's interpretation_label) */
	const char *detections;
	LabelFormat format;
	int has_format;
	int json;
	int per_metric;
	long jobs; /* a folder's machines at a time (0: one per core) */
	int in_folder; /* one dataset of a folder (--labels cannot be given) */
} ScoreArgs;

/* Scores and prints; returns the exit code. */
static int report(const ScoreArgs *a, const Series *s, const LabelSet *ls,
		  LabelFormat fmt, const Detection *dets, size_t nd,
		  int derived_node)
{
	ScoreBoard *sb;
	ErrorRecord err;
	error_clear(&err);
	Status st = score_board_new(&sb, ls, dets, nd, s->split, s->rows, &err);
	if (st)
		return cli_report("score", st, &err);
	ScoreTable t;
	score_board_get(sb, DETECT_NODE, &t);
	size_t n_metric = 0;
	for (size_t i = 0; i < nd; i++)
		n_metric += dets[i].metric != DETECT_NODE;
	/* a password in a prometheus:// source is not shown */
	char shown[8192];
	prom_redact_url(a->dataset, shown, sizeof(shown));
	if (a->json) {
		printf("{\"dataset\": ");
		detout_json_string(stdout, shown);
		printf(", \"labels\": ");
		detout_json_string(stdout, a->label_path);
		printf(", \"label_format\": \"%s\", ",
		       labelfile_format_name(fmt));
		if (a->metric_labels) {
			printf("\"metric_labels\": ");
			detout_json_string(stdout, a->metric_labels);
			printf(", ");
		}
		printf("\"detections\": ");
		detout_json_string(stdout, a->detections ? a->detections
							 : "(model)");
		printf(", \"metric_detections\": %zu, \"node_detections\": %zu, "
		       "\"node_derived\": %s, \"split\": %zu, \"rows\": %zu, "
		       "\"test_rows\": %zu, \"inflated\": [\"point-adjusted\"], "
		       "\"node\": ",
		       n_metric, nd - n_metric, derived_node ? "true" : "false",
		       s->split, s->rows, s->rows - s->split);
		print_json_table(&t);
		if (a->per_metric) {
			printf(", \"metrics\": [");
			for (size_t m = 0; m < s->metrics; m++) {
				ScoreTable mt;
				score_board_get(sb, m, &mt);
				printf("%s{\"index\": %zu, \"name\": ",
				       m ? ", " : "", m + 1);
				detout_json_string(stdout, s->names[m]);
				printf(", \"scores\": ");
				print_json_table(&mt);
				printf("}");
			}
			printf("]");
		}
		printf("}\n");
	} else {
		/* paths name data files (a folder's, the dataset's own
		   labels): escaped, as everywhere they are printed */
		char ds[8192], lp[8192], dp[8192];
		printf("dataset     %s\nlabels      %s (%s)\n",
		       ui_escape(shown, ds, sizeof(ds)),
		       ui_escape(a->label_path, lp, sizeof(lp)),
		       labelfile_format_name(fmt));
		if (a->metric_labels)
			printf("            metrics from %s (interp)\n",
			       ui_escape(a->metric_labels, lp, sizeof(lp)));
		printf("detections  %s: "
		       "%zu per metric, %zu node level%s\n"
		       "test part   rows [%zu, %zu), %zu rows\n\n",
		       a->detections ? ui_escape(a->detections, dp, sizeof(dp))
				     : "from the model",
		       n_metric, nd - n_metric,
		       derived_node ? " (the union of the metrics')" : "",
		       s->split, s->rows, s->rows - s->split);
		print_table("node level", &t);
		if (a->per_metric)
			for (size_t m = 0; m < s->metrics; m++) {
				ScoreTable mt;
				score_board_get(sb, m, &mt);
				/* the name whole, however long */
				printf("\nmetric %zu: ", m + 1);
				ui_escape_fputs(s->names[m], stdout);
				print_table("", &mt);
			}
	}
	score_board_delete(sb);
	return 0;
}

/* The node level's scores of dets against ls into t; the exit code. */
static int node_scores(const Series *s, const LabelSet *ls,
		       const Detection *dets, size_t nd, ScoreTable *t)
{
	ScoreBoard *sb;
	ErrorRecord err;
	error_clear(&err);
	Status st = score_board_new(&sb, ls, dets, nd, s->split, s->rows, &err);
	if (st)
		return cli_report("score", st, &err);
	score_board_get(sb, DETECT_NODE, t);
	score_board_delete(sb);
	return 0;
}

/* Score one dataset and print its report; with node_out, print nothing
 * but fill node_out with the node level's scores. Returns the exit
 * code. */
static int score_dataset(ScoreArgs *a, PipelineOptions *po,
			 ScoreTable *node_out)
{
	po->dataset = a->dataset;

	ErrorRecord err;
	error_clear(&err);
	Pipeline p;
	pipeline_init(&p);
	LabelSet ls;
	memset(&ls, 0, sizeof(ls));
	Detection *dets = NULL, *node = NULL;
	size_t nd = 0, nn = 0;
	int rc = 0;
	Status st = pipeline_load(&p, po, NULL, &err);
	if (st) {
		rc = cli_report("score", st, &err);
		goto out;
	}
	const Series *s = &p.series;
	/* the dataset's own labels unless told (each machine's in a
	 * folder): for an SMD machine, as the dashboard reads them, the
	 * metrics from interpretation_label and the node from test_label;
	 * a --labels file of one of the two keeps the machine's other one */
	ScoreArgs one = *a;
	LabelSources src;
	if ((st = cli_label_sources(&src, s, a->labels, a->n_labels,
				    a->has_format ? &a->format : NULL,
				    &err))) {
		rc = cli_report("score", st, &err);
		goto out;
	}
	if (!src.path && a->in_folder) {
		/* bad input of the folder, as a file that does not load:
		   --labels cannot be given for one of its datasets */
		error_set(&err, STATUS_EMPTY, a->dataset, 0, 0,
			  "no label file of its own (a folder's datasets are "
			  "each scored against their own labels): left out");
		rc = cli_report("score", STATUS_EMPTY, &err);
		goto out;
	}
	if (!src.path) {
		char shown[8192], ds[8192];
		prom_redact_url(a->dataset, shown, sizeof(shown));
		rc = cli_usage_error("score",
				     "--labels FILE is needed: %s has no label "
				     "file of its own",
				     ui_escape(shown, ds, sizeof(ds)));
		goto out;
	}
	/* the gaps filled as the dashboard fills them (a single metric
	 * takes the node's labels; a node the metrics' union only from
	 * interpretation_label alone, which holds no node level) */
	if ((st = labelfile_read_sources(&ls, s, &src, 0, &err))) {
		rc = cli_report("score", st, &err);
		goto out;
	}
	/* printed: the node's file, then the metrics' when they differ */
	one.label_path = src.node_path ? src.node_path : src.path;
	one.metric_labels = src.node_path ? src.path : NULL;
	LabelFormat fmt = src.node_path ? src.node_format : src.format;
	if (a->detections) {
		st = detfile_read(a->detections, s, &dets, &nd, &err);
	} else {
		st = pipeline_model(&p, po, &err);
		if (!st)
			st = pipeline_forecast_with(&p, po, &err);
		if (!st)
			st = pipeline_detect(&p, po, &err);
		if (!st)
			st = pipeline_detections(&p, &dets, &nd, &err);
	}
	if (st) {
		rc = cli_report("score", st, &err);
		goto out;
	}
	/* A detections file without node-level rows (another detector's,
	 * per metric): the node level is the union of the metrics'. The
	 * model's own node level is the node rule's, even when empty, as
	 * vigil detect and the dashboard have it. */
	int derived = 0;
	size_t have_node = 0;
	for (size_t i = 0; i < nd; i++)
		have_node += dets[i].metric == DETECT_NODE;
	if (!have_node && nd && a->detections) {
		if ((st = score_node_union(dets, nd, &node, &nn, &err))) {
			rc = cli_report("score", st, &err);
			goto out;
		}
		Detection *all = realloc(dets, (nd + nn) * sizeof(*all));
		if (!all) {
			rc = cli_report("score", STATUS_NOMEM, NULL);
			goto out;
		}
		dets = all;
		memcpy(dets + nd, node, nn * sizeof(*node));
		nd += nn;
		derived = 1;
	}
	if (node_out)
		rc = node_scores(s, &ls, dets, nd, node_out);
	else
		rc = report(&one, s, &ls, fmt, dets, nd, derived);
out:
	free(dets);
	free(node);
	labelset_free(&ls);
	pipeline_free(&p);
	return rc;
}

/* One line of P, R, F1 for each rule set, all detections; the name in
 * namew columns. */
static void folder_line(const char *name, int namew, const ScoreTable *t)
{
	printf("  %-*s", namew, name);
	for (int r = 0; r < SCORE_RULES; r++) {
		const ScoreCell *c = &t->cell[r][SCORE_ALL];
		printf("  %6.3f %6.3f %6.3f", c->p, c->r, c->f1);
	}
	printf("\n");
}

/* `vigil score FOLDER`: every machine of an SMD folder against its own
 * labels (the model pipeline detects), the node level of each, all
 * detections, and the means over the machines; text or JSON. A machine
 * that cannot be scored (its error is on stderr) is listed as skipped and
 * left out of the means; the others are still scored, and the exit code is
 * then the worst of the skipped ones'. */
/* The machines of a folder, scored by `jobs` threads that take the next
 * one in turn; each scores as score_dataset does alone (one training
 * thread per model unless --threads), so the results do not depend on
 * the number of jobs. */
typedef struct {
	const ScoreArgs *a;
	const PipelineOptions *po;
	const CliFolder *cf;
	ScoreTable *t;
	int *failed;
	long jobs;
	atomic_size_t next;
	pthread_mutex_t lock; /* done and stderr's lines */
	size_t done;
} FolderWork;

static void *folder_worker(void *arg)
{
	FolderWork *w = arg;
	size_t i;
	while ((i = atomic_fetch_add(&w->next, 1)) < w->cf->n) {
		ScoreArgs one = *w->a;
		one.dataset = w->cf->dataset[i];
		one.in_folder = 1;
		PipelineOptions po = *w->po;
		if (w->jobs > 1) { /* several progress bars would share a line */
			po.no_bars = 1;
			po.progress = NULL;
		}
		w->failed[i] = score_dataset(&one, &po, &w->t[i]);
		if (w->jobs > 1 && !w->po->quiet) {
			pthread_mutex_lock(&w->lock);
			w->done++;
			char nm[1100];
			fprintf(stderr, "vigil score: %s %s (%zu of %zu)\n",
				ui_escape(w->cf->name[i], nm, sizeof(nm)),
				w->failed[i] ? "not scored" : "scored", w->done,
				w->cf->n);
			pthread_mutex_unlock(&w->lock);
		}
	}
	return NULL;
}

static int score_folder(ScoreArgs *a, PipelineOptions *po)
{
	ErrorRecord err;
	error_clear(&err);
	CliFolder cf;
	Status st = cli_folder_open(&cf, a->dataset, &err);
	if (st)
		return cli_report("score", st, &err);
	size_t n = cf.n, scored = 0;
	ScoreTable *t = calloc(n, sizeof(*t));
	int *failed = calloc(n, sizeof(*failed));
	int rc = 0;
	if (!t || !failed) {
		rc = cli_report("score", STATUS_NOMEM, NULL);
		goto out;
	}
	long jobs = a->jobs > 0 ? a->jobs : preview_cores();
	if (po->lstm.threads > 1)
		jobs /= po->lstm.threads;
	if (jobs < 1)
		jobs = 1;
	if ((size_t)jobs > n)
		jobs = (long)n;
	FolderWork w = {.a = a, .po = po, .cf = &cf, .t = t, .failed = failed,
			.jobs = jobs};
	atomic_init(&w.next, 0);
	pthread_mutex_init(&w.lock, NULL);
	pthread_t th[64];
	long started = 0;
	for (long j = 1; j < jobs && j < 64; j++)
		if (pthread_create(&th[started], NULL, folder_worker, &w) == 0)
			started++;
	folder_worker(&w);
	for (long j = 0; j < started; j++)
		pthread_join(th[j], NULL);
	pthread_mutex_destroy(&w.lock);
	for (size_t i = 0; i < n; i++) {
		if (failed[i]) {
			char nm[1100];
			fprintf(stderr,
				"vigil score: %s skipped (left out of the "
				"means)\n",
				ui_escape(cf.name[i], nm, sizeof(nm)));
			rc = failed[i] > rc ? failed[i] : rc;
		} else {
			scored++;
		}
	}
	ScoreTable mean;
	memset(&mean, 0, sizeof(mean));
	for (size_t i = 0; i < n; i++) {
		if (failed[i])
			continue;
		for (int r = 0; r < SCORE_RULES; r++)
			for (int f = 0; f < SCORE_FILTERS; f++) {
				const ScoreCell *c = &t[i].cell[r][f];
				ScoreCell *m = &mean.cell[r][f];
				m->tp += c->tp;
				m->fp += c->fp;
				m->fn += c->fn;
				m->p += c->p / (double)scored;
				m->r += c->r / (double)scored;
				m->f1 += c->f1 / (double)scored;
			}
	}
	if (a->json) {
		printf("{\"folder\": ");
		detout_json_string(stdout, a->dataset);
		printf(", \"inflated\": [\"point-adjusted\"], \"machines\": [");
		for (size_t i = 0, k = 0; i < n; i++) {
			if (failed[i])
				continue;
			printf("%s{\"machine\": ", k++ ? ", " : "");
			detout_json_string(stdout, cf.name[i]);
			printf(", \"node\": ");
			print_json_table(&t[i]);
			printf("}");
		}
		printf("], \"skipped\": [");
		for (size_t i = 0, k = 0; i < n; i++) {
			if (!failed[i])
				continue;
			printf("%s", k++ ? ", " : "");
			detout_json_string(stdout, cf.name[i]);
		}
		printf("], \"mean\": ");
		print_json_table(&mean);
		printf("}\n");
	} else {
		char fd[8192], nm[1100];
		printf("folder      %s (%zu datasets, each against its own "
		       "labels)\n"
		       "node level, all detections; the mean is over the "
		       "datasets (TP/FP/FN summed in --json)\n\n",
		       ui_escape(a->dataset, fd, sizeof(fd)), n);
		int namew = 7;
		for (size_t i = 0; i < n; i++) {
			int l = (int)strlen(ui_escape(cf.name[i], nm,
						      sizeof(nm)));
			if (l > namew)
				namew = l;
		}
		printf("  %-*s  %20s  %20s  %20s\n", namew, "dataset",
		       "point-wise P R F1", "adjusted* P R F1",
		       "event P R F1");
		for (size_t i = 0; i < n; i++) {
			ui_escape(cf.name[i], nm, sizeof(nm));
			if (failed[i])
				printf("  %-*s  skipped: not scored (the error "
				       "is on stderr)\n",
				       namew, nm);
			else
				folder_line(nm, namew, &t[i]);
		}
		if (scored)
			folder_line("mean", namew, &mean);
		if (scored < n)
			printf("\n%zu of %zu datasets scored; the mean is "
			       "over those\n",
			       scored, n);
		printf("\n* inflated: shown for comparison\n");
	}
out:
	cli_folder_free(&cf);
	free(t);
	free(failed);
	return rc;
}

int cmd_score(int argc, char **argv)
{
	ScoreArgs a;
	memset(&a, 0, sizeof(a));
	PipelineOptions po;
	pipeline_options_defaults(&po);
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			printf("%s%s\n%s\n%s\n%s", score_help,
			       cli_series_help, pipeline_model_help,
			       pipeline_detect_help, pipeline_adapt_help);
			return 0;
		}
		int r = cli_series_option("score", argc, argv, &i, &po.series);
		if (r < 0)
			return 1;
		if (r > 0)
			continue;
		if (!strcmp(arg, "--json")) {
			a.json = 1;
		} else if (!strcmp(arg, "--per-metric")) {
			a.per_metric = 1;
		} else if (!strcmp(arg, "--jobs")) {
			if (i + 1 >= argc || cli_parse_long(argv[i + 1], &a.jobs) ||
			    a.jobs < 1 || a.jobs > 64)
				return cli_usage_error("score",
						       "--jobs needs a count from "
						       "1 to 64");
			i++;
		} else if (!strcmp(arg, "--labels") ||
			   !strcmp(arg, "--detections") ||
			   !strcmp(arg, "--label-format")) {
			if (i + 1 >= argc)
				return cli_usage_error("score",
						       "%s needs a value", arg);
			const char *v = argv[++i];
			if (!strcmp(arg, "--labels")) {
				if (cli_add_labels("score", v, a.labels,
						   &a.n_labels))
					return 1;
			} else if (!strcmp(arg, "--detections")) {
				a.detections = v;
			} else if (labelfile_format_parse(v, &a.format)) {
				return cli_usage_error(
					"score",
					"--label-format is smd, interp, nab, "
					"csv or column, not '%s'",
					v);
			} else {
				a.has_format = 1;
			}
		} else if ((r = pipeline_option("score", argc, argv, &i,
						&po)) != 0) {
			if (r < 0)
				return 1;
		} else if (arg[0] == '-' && arg[1]) {
			return cli_usage_error("score", "unknown option '%s'",
					       arg);
		} else if (!a.dataset) {
			a.dataset = arg;
		} else {
			return cli_usage_error("score",
					       "one DATASET only ('%s' is extra)",
					       arg);
		}
	}
	if (!a.dataset)
		return cli_usage_error("score", "which DATASET?");
	if (a.n_labels == 2 && a.has_format)
		return cli_usage_error("score",
				       "--label-format names the format of one "
				       "--labels file; two are told apart by "
				       "what they hold (test_label, "
				       "interpretation_label)");
	if (a.detections && po.model_path)
		return cli_usage_error("score",
				       "--detections and --model exclude each "
				       "other");
	if (pipeline_check_options("score", &po))
		return 1;
	/* the detections file is scored as it is: the options of the model
	   and of detection would be taken and ignored */
	if (a.detections && po.model_option)
		return cli_usage_error("score",
				       "%s does not apply with --detections: "
				       "the file's detections are scored as "
				       "they are, no model runs",
				       po.model_option);
	/* --adapt's options that cannot work: said once, before anything
	   is read (a folder said it once per machine, each "not scored");
	   with --model its own batch is checked once it is loaded */
	ErrorRecord aerr;
	if ((!po.adapt.every || !po.model_path) &&
	    adapt_check_batch(&po.adapt, po.lstm.batch, &aerr))
		return cli_usage_error("score", "%s", aerr.message);
	if (cli_is_folder(a.dataset)) {
		if (a.n_labels || a.detections || a.per_metric)
			return cli_usage_error(
				"score",
				"a folder of machines is scored against each "
				"machine's own labels: no --labels, "
				"--detections or --per-metric");
		return score_folder(&a, &po);
	}
	if (a.jobs > 0)
		return cli_usage_error("score",
				       "--jobs goes with a folder of machines "
				       "(one dataset is scored by one job)");
	return score_dataset(&a, &po, NULL);
}
