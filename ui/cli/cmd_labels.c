/* vigil labels: convert a label file between the formats vigil knows (SMD
 * test_label, SMD interpretation_label, NAB combined_windows.json, vigil's
 * CSV), and for SMD machines report where test_label and
 * interpretation_label disagree. The original label files are never
 * overwritten unless the user names one as the destination. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "data/series.h"
#include "labels/labelfile.h"
#include "labels/labelset.h"
#include "ui/cli.h"
#include "ui/commands.h"
#include "ui/escape.h"
#include "ui/loadbar.h"

static const char labels_help[] =
	"Usage: vigil labels DATASET [--labels IN [--labels IN]] [-o OUT]\n"
	"                    [--format smd|interp|nab|csv]\n"
	"                    [--label-format smd|interp|nab|csv|column] "
	"[--force]\n"
	"\n"
	"Convert the label file IN (default: the dataset's own) into OUT in\n"
	"another format, and, for an SMD machine, report where its test_label\n"
	"and interpretation_label disagree. Without -o only the report is\n"
	"printed. The labels are read as score and the dashboard read them:\n"
	"on an SMD machine a file of one scope keeps the machine's own file\n"
	"of the other (an interpretation_label IN gives the metrics, the\n"
	"node is the machine's test_label), and without --labels both of\n"
	"the machine's files are read.\n"
	"\n"
	"Formats:\n"
	"  smd      SMD test_label: one 0/1 per test row (node level)\n"
	"  interp   SMD interpretation_label: 'start-end:d1,d2,...' per line,\n"
	"           0-based test rows, end exclusive, 1-based metrics\n"
	"  nab      NAB combined_windows.json (timestamps; other files' keys\n"
	"           already in OUT are kept)\n"
	"  csv      vigil's: metric,start,end,start_time,end_time,source,note\n"
	"           (rows of the whole series, '*' = node level)\n"
	"  column   read only: a CSV column of 0/1 named label, is_anomaly,\n"
	"           anomaly, anomaly_label, attack or is_attack, one per row\n"
	"           of the data or of its test part (node level)\n"
	"\n"
	"  --labels IN          label file to read; twice for an SMD pair, a\n"
	"                       test_label file and an interpretation_label\n"
	"                       file (either order), read together (OUT then\n"
	"                       defaults to csv, which holds both)\n"
	"  --label-format F     format of IN (guessed from the file when "
	"absent)\n"
	"  -o OUT               file to write (atomically; not '-')\n"
	"  --format F           format of OUT (default: from OUT's name, "
	".json\n"
	"                       nab, .csv csv; else the format of IN)\n"
	"  --force              allow OUT to be an original label file reached\n"
	"                       through another path (a link, '..')\n"
	"  -h, --help           this help\n"
	"\n";

static int same_file(const char *a, const char *b)
{
	struct stat x, y;
	if (!a || !b || stat(a, &x) || stat(b, &y))
		return 0;
	return x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

/* Print where the SMD test_label (a) and interpretation_label (b)
 * disagree, in test rows. Returns the number of disagreements or -1. */
static long report_disagreements(const Series *s)
{
	LabelSet tl, il;
	ErrorRecord err;
	error_clear(&err);
	Status st = labelfile_read(&tl, s, s->label_path, LABEL_FORMAT_SMD, &err);
	if (st) {
		cli_report("labels", st, &err);
		return -1;
	}
	if ((st = labelfile_read(&il, s, s->interp_path, LABEL_FORMAT_INTERP,
				 &err))) {
		labelset_free(&tl);
		cli_report("labels", st, &err);
		return -1;
	}
	const RangeSet *node = labelset_get(&tl, LABEL_NODE);
	Range *a = malloc((node->n + 1) * sizeof(*a)), *b = NULL;
	size_t nb = 0, n = 0;
	LabelDisagreement *d = NULL;
	long result = -1;
	if (!a) {
		st = error_set(&err, STATUS_NOMEM, NULL, 0, 0, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < node->n; i++)
		a[i] = node->v[i].r;
	if ((st = labelfile_line_ranges(&il, &b, &nb, &err)) ||
	    (st = labelfile_compare(a, node->n, b, nb, &d, &n, &err)))
		goto out;
	int64_t off = (int64_t)s->split;
	char who[4400];
	printf("%s: test_label has %zu ranges, interpretation_label %zu "
	       "(%zu lines); %zu disagreement%s (test rows, end exclusive)\n",
	       ui_escape(s->machine ? s->machine : s->path, who, sizeof(who)),
	       node->n, nb, il.n_lines, n,
	       n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++) {
		const LabelDisagreement *g = &d[i];
		printf("  test_label");
		if (!g->n_a)
			printf(" -");
		for (size_t k = 0; k < g->n_a; k++)
			printf(" %lld-%lld",
			       (long long)(a[g->a_first + k].start - off),
			       (long long)(a[g->a_first + k].end - off));
		printf("  vs  interpretation_label");
		if (!g->n_b)
			printf(" -");
		for (size_t k = 0; k < g->n_b; k++)
			printf(" %lld-%lld",
			       (long long)(b[g->b_first + k].start - off),
			       (long long)(b[g->b_first + k].end - off));
		if (g->n_b == 0)
			printf("  (missing from interpretation_label)");
		else if (g->n_a == 0)
			printf("  (missing from test_label)");
		else if (g->n_b > g->n_a)
			printf("  (%zu extra interpretation range%s)",
			       g->n_b - g->n_a, g->n_b - g->n_a == 1 ? "" : "s");
		else if (g->n_a > g->n_b)
			printf("  (%zu extra test_label range%s)",
			       g->n_a - g->n_b, g->n_a - g->n_b == 1 ? "" : "s");
		printf(": %lld rows only in test_label, %lld only in "
		       "interpretation_label\n",
		       (long long)g->only_a, (long long)g->only_b);
	}
	result = (long)n;
out:
	if (result < 0)
		cli_report("labels", st, &err);
	free(a);
	free(b);
	free(d);
	labelset_free(&tl);
	labelset_free(&il);
	return result;
}

/* Notes about what the output format cannot hold. */
static void conversion_notes(const LabelSet *ls, LabelFormat out)
{
	size_t per_metric = 0;
	for (size_t m = 0; m < ls->metrics; m++)
		per_metric += labelset_get(ls, m)->n;
	if ((out == LABEL_FORMAT_SMD) && per_metric)
		fprintf(stderr,
			"vigil labels: note: smd (test_label) keeps the node "
			"level only; %zu per-metric ranges are not written\n",
			per_metric);
	if (out == LABEL_FORMAT_INTERP && labelset_get(ls, LABEL_NODE)->n &&
	    !per_metric)
		fprintf(stderr,
			"vigil labels: note: the labels have no per-metric "
			"ranges; interpretation_label lists ranges with their "
			"metrics, so the file is empty\n");
}

int cmd_labels(int argc, char **argv)
{
	const char *dataset = NULL, *in[2] = {NULL, NULL}, *out = NULL;
	size_t n_in = 0;
	LabelFormat in_fmt = LABEL_FORMAT_SMD, out_fmt = LABEL_FORMAT_SMD;
	int has_in_fmt = 0, has_out_fmt = 0, force = 0;
	SeriesOptions opt;
	memset(&opt, 0, sizeof(opt));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			printf("%s%s", labels_help, cli_series_help);
			return 0;
		}
		int r = cli_series_option("labels", argc, argv, &i, &opt);
		if (r < 0)
			return 1;
		if (r > 0)
			continue;
		if (!strcmp(a, "--force")) {
			force = 1;
		} else if (!strcmp(a, "--labels") || !strcmp(a, "-o") ||
			   !strcmp(a, "--format") ||
			   !strcmp(a, "--label-format")) {
			if (i + 1 >= argc)
				return cli_usage_error("labels",
						       "%s needs a value", a);
			const char *v = argv[++i];
			if (!strcmp(a, "--labels")) {
				if (cli_add_labels("labels", v, in, &n_in))
					return 1;
			} else if (!strcmp(a, "-o")) {
				out = v;
			} else if (labelfile_format_parse(
					   v, !strcmp(a, "--format") ? &out_fmt
								     : &in_fmt)) {
				return cli_usage_error(
					"labels",
					"%s is smd, interp, nab or csv, not "
					"'%s'",
					a, v);
			} else if (!strcmp(a, "--format")) {
				has_out_fmt = 1;
			} else {
				has_in_fmt = 1;
			}
		} else if (a[0] == '-' && a[1]) {
			return cli_usage_error("labels", "unknown option '%s'",
					       a);
		} else if (!dataset) {
			dataset = a;
		} else {
			return cli_usage_error("labels",
					       "one DATASET only ('%s' is extra)",
					       a);
		}
	}
	if (!dataset)
		return cli_usage_error("labels", "which DATASET?");
	if (n_in == 2 && has_in_fmt)
		return cli_usage_error("labels",
				       "--label-format names the format of one "
				       "--labels file; two are told apart by "
				       "what they hold (test_label, "
				       "interpretation_label)");
	if (!out && (has_out_fmt || force))
		return cli_usage_error("labels", "%s goes with -o OUT (what to "
					       "write)",
				       has_out_fmt ? "--format" : "--force");
	/* '-' is stdout for detect's -o; a label file is written under a
	   temporary name and renamed (a NAB file keeps OUT's other keys),
	   so it needs a real one */
	if (out && !strcmp(out, "-"))
		return cli_usage_error("labels", "-o - (stdout) cannot take a "
						 "label file: name a file "
						 "(./- for one named '-')");

	ErrorRecord err;
	error_clear(&err);
	Series s;
	series_init(&s);
	LabelSet ls;
	memset(&ls, 0, sizeof(ls));
	int rc = 0;
	Status st = loadbar_series_open(&s, dataset, &opt, &err);
	if (st) {
		rc = cli_report("labels", st, &err);
		goto done;
	}
	long disagreements = 0;
	if (s.kind == SERIES_SMD && s.label_path && s.interp_path) {
		disagreements = report_disagreements(&s);
		if (disagreements < 0) {
			rc = 2;
			goto done;
		}
	}
	if (!out) {
		if (!(s.kind == SERIES_SMD && s.label_path && s.interp_path))
			rc = cli_usage_error("labels",
					     "nothing to do: give -o OUT to "
					     "convert");
		goto done;
	}
	/* The data itself is never written over, --force or not. */
	char data_file[4400];
	if (cli_is_data_file(&s, out, data_file, sizeof(data_file))) {
		rc = cli_usage_error("labels",
				     "-o %s is the dataset's data file %s: "
				     "name another file for the labels",
				     out, data_file);
		goto done;
	}
	if (cli_names_dataset(out, dataset)) {
		rc = cli_usage_error("labels",
				     "-o %s is the name of the dataset: a "
				     "file there would be read in its place; "
				     "name another file for the labels",
				     out);
		goto done;
	}
	/* the labels score and the dashboard read: on an SMD machine a
	   file of one scope keeps the machine's own file of the other (an
	   interpretation_label file the node's test_label), an SMD pair is
	   read together */
	LabelSources src;
	if ((st = cli_label_sources(&src, &s, in, n_in,
				    has_in_fmt ? &in_fmt : NULL, &err))) {
		rc = cli_report("labels", st, &err);
		goto done;
	}
	if (!src.path) {
		rc = cli_usage_error("labels", "--labels IN is needed: the "
					       "dataset has no label file of "
					       "its own");
		goto done;
	}
	/* IN's format: the one file given, or the dataset's node-level
	   file, else the one read */
	const char *first = n_in ? in[0] : s.label_path;
	in_fmt = first && src.node_path && !strcmp(first, src.node_path)
			 ? src.node_format
			 : src.format;
	/* a pair's default is the one format that holds both */
	if (!has_out_fmt)
		out_fmt = ends_with(out, ".json")   ? LABEL_FORMAT_NAB
			  : ends_with(out, ".csv") || n_in == 2
				  ? LABEL_FORMAT_CSV
				  : in_fmt;
	/* The originals: IN and the dataset's own label files. */
	const char *originals[4] = {src.path, src.node_path, s.label_path,
				    s.interp_path};
	for (int k = 0; k < 4; k++) {
		if (!same_file(out, originals[k]))
			continue;
		if (!strcmp(out, originals[k]) || force) {
			fprintf(stderr,
				"vigil labels: note: overwriting the original "
				"label file %s, as named\n",
				out);
			break;
		}
		rc = cli_usage_error(
			"labels",
			"%s is the original label file %s; name it exactly "
			"as -o or add --force to overwrite it",
			out, originals[k]);
		goto done;
	}
	if ((st = labelfile_read_sources(&ls, &s, &src, 0, &err))) {
		rc = cli_report("labels", st, &err);
		goto done;
	}
	conversion_notes(&ls, out_fmt);
	if ((st = labelfile_write(&ls, &s, out, out_fmt, &err))) {
		rc = cli_report("labels", st, &err);
		goto done;
	}
	size_t per_metric = 0;
	for (size_t m = 0; m < ls.metrics; m++)
		per_metric += labelset_get(&ls, m)->n;
	/* IN is often found next to the data (labels.csv, the file's own
	   label column): escaped, as every printed path */
	char eo[8192], ei[8192], em[8192];
	printf("wrote %s (%s): %zu node-level ranges, %zu per-metric ranges "
	       "from %s (%s)",
	       ui_escape(out, eo, sizeof(eo)), labelfile_format_name(out_fmt),
	       labelset_get(&ls, LABEL_NODE)->n, per_metric,
	       ui_escape(src.node_path ? src.node_path : src.path, ei,
			 sizeof(ei)),
	       labelfile_format_name(src.node_path ? src.node_format
						   : src.format));
	if (src.node_path)
		printf(" and %s (%s)", ui_escape(src.path, em, sizeof(em)),
		       labelfile_format_name(src.format));
	printf("\n");
done:
	labelset_free(&ls);
	series_free(&s);
	return rc;
}
