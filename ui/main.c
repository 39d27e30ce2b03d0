/* vigil's entry point: dispatch to a subcommand, or open the dashboard. */
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ui/commands.h"

#ifndef VIGIL_VERSION
#define VIGIL_VERSION "0.1.0"
#endif

typedef struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
	const char *summary;
} Command;

static const Command commands[] = {
	{"info", cmd_info, "info DATASET",
	 "rows, metrics, split, time range, sampling, values filled"},
	{"train", cmd_train, "train DATASET [-o MODEL]",
	 "train and save a forecasting model"},
	{"detect", cmd_detect, "detect DATASET [--model MODEL]",
	 "detections and alerts as CSV or JSON"},
	{"score", cmd_score, "score DATASET [--labels FILE] [--detections FILE]",
	 "TP/FP/FN/P/R/F1 per rule set and criticality"},
	{"labels", cmd_labels, "labels DATASET [--labels IN] [-o OUT] [--format F]",
	 "convert label files; report disagreements"},
	{"synth", cmd_synth, "synth [-o DIR] [--format csv|smd]",
	 "the synthetic generator, with its labels"},
	{"nab", cmd_nab, "nab NAB_DATA_DIR -o RESULTS_DIR",
	 "NAB-format result files (anomaly_score per row)"},
	{"cache", cmd_cache, "cache [--clean]",
	 "the cached models and forecasts, with sizes"},
	{"watch", cmd_watch, "watch SOURCE --model M [--alertmanager URL]",
	 "score new rows as they arrive; alerts as JSON lines"},
};

static void usage(FILE *out)
{
	fprintf(out,
		"vigil %s: LSTM anomaly detection and relabelling for server "
		"metrics\n\n"
		"Usage (each command, then what it does):\n"
		"  vigil [DATASET]\n"
		"        the dashboard (no DATASET: the built-in demo)\n"
		"  vigil --follow DATASET\n"
		"        the dashboard on a growing CSV or Prometheus query\n",
		VIGIL_VERSION);
	/* two lines a command, so that the text holds in 80 columns */
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  vigil %s\n        %s\n", commands[i].usage,
			commands[i].summary);
	fprintf(out,
		"\nDATASET is a CSV file, a NAB file, an SMD machine\n"
		"(PATH/ServerMachineDataset:machine-1-1), a folder holding "
		"train.csv and\ntest.csv (eBay's PSM layout), or a Prometheus "
		"range query\n"
		"('prometheus://HOST:PORT/?query=EXPR&start=T&end=T&step=S'); for "
		"the\n"
		"dashboard and score also a folder of them (PATH/ServerMachineDataset,"
		"\n"
		"or a folder of CSV files).\n"
		"Every subcommand takes --help; the dashboard's options: vigil "
		"DATASET --help.\nvigil --version prints the version. Exit "
		"codes: 0 success, 1 usage\nerror, 2 bad input, 3 internal "
		"error.\n");
}

/* Edit distance between a and b with adjacent transpositions counting as
 * one edit (optimal string alignment); words up to 31 characters. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	if (n > 31 || m > 31)
		return 99;
	size_t d[32][32];
	for (size_t i = 0; i <= n; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= n; i++)
		for (size_t j = 1; j <= m; j++) {
			size_t c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < c)
				c = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < c)
				c = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < c)
				c = d[i - 2][j - 2] + 1;
			d[i][j] = c;
		}
	return d[n][m];
}

/* A word that is no file but close to a subcommand's name is a mistyped
 * subcommand: the closest name, or NULL. */
static const char *mistyped(const char *word)
{
	for (const char *p = word; *p; p++)
		if (*p < 'a' || *p > 'z')
			return NULL;
	if (access(word, F_OK) == 0)
		return NULL;
	const char *best = NULL;
	size_t best_d = 3;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		size_t d = edit_distance(word, commands[i].name);
		if (d < best_d && d * 2 <= strlen(commands[i].name)) {
			best_d = d;
			best = commands[i].name;
		}
	}
	return best;
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");
	if (argc >= 2) {
		const char *a = argv[1];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(a, "--version")) {
			printf("vigil %s\n", VIGIL_VERSION);
			return 0;
		}
		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]);
		     i++)
			if (!strcmp(a, commands[i].name))
				return commands[i].run(argc - 1, argv + 1);
		const char *near = mistyped(a);
		if (near) {
			fprintf(stderr,
				"vigil: unknown command '%s' (did you mean "
				"'%s'?)\n",
				a, near);
			return 1;
		}
	}
	return cmd_dashboard(argc, argv);
}
