/* vigil info: what a dataset holds, as vigil reads it — rows, metrics, the
 * train/test split, the time range and sampling interval, how many missing
 * values were filled, and which label files were found next to it. As text
 * for people or as JSON (--json) for scripts. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/series.h"
#include "ui/cli.h"
#include "ui/commands.h"
#include "ui/escape.h"
#include "ui/loadbar.h"

static const char info_help[] =
	"Usage: vigil info DATASET [--split N | --train F] [--interval SEC] "
	"[--all]\n"
	"                  [--json]\n"
	"\n"
	"Load DATASET as every other command does and describe it: rows,\n"
	"metrics, train/test split, time range, sampling interval, values\n"
	"filled, and the label files found next to it, read as score reads\n"
	"them (one score would refuse is named, with its line, exit 2). A folder\n"
	"holding train.csv and test.csv is one dataset (train rows, then test rows).\n"
	"\n"
	"  --json           one JSON object instead of text\n"
	"  --all            list every metric name (text output)\n"
	"  -h, --help       this help\n"
	"\n";

/* 47388 -> "47,388" */
static const char *grouped(size_t v, char *buf, size_t n)
{
	char raw[32];
	snprintf(raw, sizeof(raw), "%zu", v);
	size_t l = strlen(raw), o = 0;
	for (size_t i = 0; i < l && o + 2 < n; i++) {
		if (i && (l - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = raw[i];
	}
	buf[o] = '\0';
	return buf;
}

static void interval_text(int64_t sec, char *buf, size_t n)
{
	if (sec % 86400 == 0)
		snprintf(buf, n, "%lld s (%lld d)", (long long)sec,
			 (long long)(sec / 86400));
	else if (sec % 3600 == 0)
		snprintf(buf, n, "%lld s (%lld h)", (long long)sec,
			 (long long)(sec / 3600));
	else if (sec % 60 == 0)
		snprintf(buf, n, "%lld s (%lld min)", (long long)sec,
			 (long long)(sec / 60));
	else
		snprintf(buf, n, "%lld s", (long long)sec);
}

/* The last metric of a CSV file without a header line (vigil named it
 * mNN) when it holds only 0 and 1, both: a label column vigil cannot
 * recognise without its name (value,label files as many benchmarks ship
 * them). NULL otherwise. */
static const char *unnamed_bit_column(const Series *s)
{
	if (s->kind != SERIES_CSV || s->label_column || s->metrics < 2)
		return NULL;
	size_t k = s->metrics - 1;
	char gen[32];
	snprintf(gen, sizeof(gen), "m%02zu", k + 1);
	if (strcmp(s->names[k], gen) != 0)
		return NULL;
	const float *x = s->values + k * s->rows;
	int zero = 0, one = 0;
	for (size_t t = 0; t < s->rows; t++) {
		if (x[t] == 0.0f)
			zero = 1;
		else if (x[t] == 1.0f)
			one = 1;
		else
			return NULL;
	}
	return zero && one ? s->names[k] : NULL;
}

static void print_text(const Series *s, int all)
{
	char a[32], b[32], c[64];
	printf("dataset   ");
	ui_escape_fputs(s->path ? s->path : "?", stdout);
	if (s->machine) {
		putchar(':');
		ui_escape_fputs(s->machine, stdout);
	}
	printf("\nformat    %s\n", series_kind_name(s->kind));
	printf("rows      %s\n", grouped(s->rows, a, sizeof(a)));
	printf("metrics   %zu:", s->metrics);
	size_t show = all || s->metrics <= 12 ? s->metrics : 8;
	for (size_t m = 0; m < show; m++) {
		printf("%s ", m ? "," : "");
		ui_escape_fputs(s->names[m], stdout);
	}
	if (show < s->metrics) {
		printf(", ... ");
		ui_escape_fputs(s->names[s->metrics - 1], stdout);
		printf(" (%zu more; --all lists them)",
		       s->metrics - show - 1);
	}
	printf("\n");
	printf("split     train %s rows [0, %zu), test %s rows [%zu, %zu); "
	       "split at %s\n",
	       grouped(s->split, a, sizeof(a)), s->split,
	       grouped(s->rows - s->split, b, sizeof(b)), s->split, s->rows,
	       grouped(s->split, c, sizeof(c)));
	if (series_has_time(s) && s->rows && s->time_elapsed) {
		series_format_time(s, 0, a, sizeof(a));
		series_format_time(s, s->rows - 1, b, sizeof(b));
		printf("time      %s .. %s elapsed (the time column counts "
		       "from a start, not epoch seconds: shown as days and "
		       "hours from its 0, not as dates)\n",
		       a, b);
	} else if (series_has_time(s) && s->rows) {
		series_format_time(s, 0, a, sizeof(a));
		series_format_time(s, s->rows - 1, b, sizeof(b));
		printf("time      %s .. %s UTC%s\n", a, b,
		       s->timestamps ? "" : " (no timestamps: start + row x "
					    "interval)");
	} else if (s->axis_note) {
		printf("time      rows 0 .. %zu (", s->rows ? s->rows - 1 : 0);
		ui_escape_fputs(s->axis_note, stdout);
		printf(")\n");
	} else if (s->time_counter) {
		printf("time      rows 0 .. %zu (the time column counts steps, "
		       "not epoch seconds: index axis, --interval sets a "
		       "step)\n",
		       s->rows ? s->rows - 1 : 0);
	} else {
		printf("time      rows 0 .. %zu (no timestamps: index axis)\n",
		       s->rows ? s->rows - 1 : 0);
	}
	interval_text(s->interval, c, sizeof(c));
	printf("sampling  %s%s\n", c,
	       s->timestamps ? " (median step)" : "");
	printf("filled    %s missing values (forward-filled, leading ones "
	       "back-filled)\n",
	       grouped(s->filled, a, sizeof(a)));
	if (s->label_path || s->interp_path) {
		int own = s->kind == SERIES_PSM && s->label_path &&
			  strstr(s->label_path, "/test_label.csv");
		const char *lname = s->kind == SERIES_SMD   ? "test_label"
				    : s->kind == SERIES_NAB ? "windows"
				    : own ? "test_label (one 0/1 a test row, "
					    "read only)"
					  : "label CSV";
		int first = 1;
		printf("labels    ");
		if (s->label_path && s->label_column &&
		    !strcmp(s->label_path, s->path)) {
			printf("column '%s' of the file (kept out of the "
			       "metrics)",
			       s->label_column);
			first = 0;
		} else if (s->label_path) {
			printf("%s %s", lname, s->label_path);
			first = 0;
		}
		if (s->interp_path)
			printf("%sinterpretation_label %s", first ? "" : "; ",
			       s->interp_path);
		if (s->nab_key)
			printf(" (key %s)", s->nab_key);
		printf("\n");
	} else {
		printf("labels    none found\n");
	}
	for (size_t m = series_untrained_metric(s, 0); m < s->metrics;
	     m = series_untrained_metric(s, m + 1)) {
		printf("note      ");
		ui_escape_fputs(s->names[m], stdout); /* whole, however long */
		printf(" has no value in the train part (rows "
		       "0-%zu are all missing, back-filled from row %zu):\n"
		       "          a model cannot learn it; move the split or "
		       "leave the column out\n",
		       s->split - 1, s->first_value[m]);
	}
	const char *bits = unnamed_bit_column(s);
	if (bits)
		printf("note      %s, the last column, holds only 0 and 1: if it "
		       "marks anomalies,\n          name it 'label' in a "
		       "header line and vigil reads it as labels\n",
		       bits);
}

static int print_json(const Series *s)
{
	cJSON *o = cJSON_CreateObject();
	char t[32];
	if (!o)
		return 3;
	cJSON_AddStringToObject(o, "dataset", s->path ? s->path : "");
	cJSON_AddStringToObject(o, "format", series_kind_name(s->kind));
	if (s->machine)
		cJSON_AddStringToObject(o, "machine", s->machine);
	cJSON_AddNumberToObject(o, "rows", (double)s->rows);
	cJSON_AddNumberToObject(o, "metrics", (double)s->metrics);
	cJSON *names = cJSON_AddArrayToObject(o, "names");
	for (size_t m = 0; m < s->metrics; m++)
		cJSON_AddItemToArray(names, cJSON_CreateString(s->names[m]));
	cJSON_AddNumberToObject(o, "split", (double)s->split);
	cJSON_AddNumberToObject(o, "train_rows", (double)s->split);
	cJSON_AddNumberToObject(o, "test_rows", (double)(s->rows - s->split));
	if (series_has_time(s) && s->rows) {
		cJSON_AddStringToObject(o, "start",
					series_format_time(s, 0, t, sizeof(t)));
		cJSON_AddStringToObject(
			o, "end", series_format_time(s, s->rows - 1, t, sizeof(t)));
	} else {
		cJSON_AddNullToObject(o, "start");
		cJSON_AddNullToObject(o, "end");
	}
	cJSON_AddBoolToObject(o, "timestamps", s->timestamps != NULL);
	cJSON_AddBoolToObject(o, "time_counter", s->time_counter != 0);
	cJSON_AddBoolToObject(o, "time_elapsed", s->time_elapsed != 0);
	if (s->axis_note)
		cJSON_AddStringToObject(o, "axis_note", s->axis_note);
	cJSON_AddNumberToObject(o, "interval", (double)s->interval);
	cJSON_AddNumberToObject(o, "filled", (double)s->filled);
	cJSON *untrained = cJSON_AddArrayToObject(o, "no_train_values");
	for (size_t m = series_untrained_metric(s, 0); m < s->metrics;
	     m = series_untrained_metric(s, m + 1))
		cJSON_AddItemToArray(untrained,
				     cJSON_CreateString(s->names[m]));
	if (s->label_path)
		cJSON_AddStringToObject(o, "label_path", s->label_path);
	else
		cJSON_AddNullToObject(o, "label_path");
	if (s->interp_path)
		cJSON_AddStringToObject(o, "interp_path", s->interp_path);
	else
		cJSON_AddNullToObject(o, "interp_path");
	if (s->nab_key)
		cJSON_AddStringToObject(o, "nab_key", s->nab_key);
	char *txt = cJSON_Print(o);
	cJSON_Delete(o);
	if (!txt)
		return 3;
	printf("%s\n", txt);
	cJSON_free(txt);
	return 0;
}

/* One file of a train.csv/test.csv folder opened alone: say how to open
 * both. */
static void psm_part_note(const Series *s)
{
	if (s->kind != SERIES_CSV || !s->path)
		return;
	const char *slash = strrchr(s->path, '/');
	const char *base = slash ? slash + 1 : s->path;
	if (strcmp(base, "train.csv") && strcmp(base, "test.csv"))
		return;
	char dir[4096];
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if ((size_t)(slash - s->path) < sizeof(dir))
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - s->path),
			 s->path);
	else
		return;
	if (!series_is_psm_dir(dir))
		return;
	fputs("vigil info: note: ", stderr);
	ui_escape_fputs(dir, stderr);
	fputs(" holds train.csv and test.csv: name the folder to open them as "
	      "one dataset (train rows, then test rows)\n",
	      stderr);
}

/* The labels found read as score and the dashboard read them, so that a
 * file they refuse (an empty cell in the label column) is named here too,
 * with its line and column: the exit code, 0 when they read. */
static int check_labels(const Series *s)
{
	LabelSources src;
	ErrorRecord err;
	Status st = cli_label_sources(&src, s, NULL, 0, NULL, &err);
	if (st == STATUS_OK && src.path) {
		LabelSet ls;
		st = labelfile_read_sources(&ls, s, &src, 0, &err);
		if (st == STATUS_OK)
			labelset_free(&ls);
	}
	return st ? cli_report("info", st, &err) : 0;
}

int cmd_info(int argc, char **argv)
{
	SeriesOptions opt = {0};
	const char *dataset = NULL;
	int json = 0, all = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(info_help, stdout);
			fputs(cli_series_help, stdout);
			return 0;
		}
		int r = cli_series_option("info", argc, argv, &i, &opt);
		if (r < 0)
			return 1;
		if (r > 0)
			continue;
		if (!strcmp(a, "--json"))
			json = 1;
		else if (!strcmp(a, "--all"))
			all = 1;
		else if (a[0] == '-' && a[1])
			return cli_usage_error("info", "unknown option '%s'", a);
		else if (dataset)
			return cli_usage_error("info",
					       "one DATASET only ('%s' and '%s')",
					       dataset, a);
		else
			dataset = a;
	}
	if (!dataset)
		return cli_usage_error("info", "which DATASET?");
	Series s;
	ErrorRecord err;
	Status st = loadbar_series_open(&s, dataset, &opt, &err);
	if (st != STATUS_OK)
		return cli_report("info", st, &err);
	psm_part_note(&s);
	int rc = 0;
	if (json)
		rc = print_json(&s);
	else
		print_text(&s, all);
	if (!rc)
		rc = check_labels(&s);
	series_free(&s);
	return rc;
}
