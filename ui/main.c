/* vigil's entry point: dispatch to a subcommand, or open the dashboard. */
#include <locale.h>
#include <stdio.h>
#include <string.h>

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
	{"score", cmd_score, "score DATASET --labels FILE [--detections FILE]",
	 "TP/FP/FN/P/R/F1 per rule set and criticality"},
	{"labels", cmd_labels, "labels DATASET --labels IN -o OUT",
	 "convert label files; report disagreements"},
	{"synth", cmd_synth, "synth [-o DIR] [--format csv|smd]",
	 "the synthetic generator, with its labels"},
	{"nab", cmd_nab, "nab NAB_DATA_DIR -o RESULTS_DIR",
	 "NAB-format result files (anomaly_score per row)"},
	{"watch", cmd_watch, "watch SOURCE --model M [--alertmanager URL]",
	 "score new rows as they arrive; alerts as JSON lines"},
};

static void usage(FILE *out)
{
	fprintf(out,
		"vigil %s: LSTM anomaly detection and relabelling for server "
		"metrics\n\n"
		"Usage:\n"
		"  vigil [DATASET]   open the dashboard (no DATASET: the "
		"built-in demo)\n"
		"  vigil --follow DATASET   the dashboard on a growing CSV or "
		"Prometheus query\n",
		VIGIL_VERSION);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  vigil %-52s %s\n", commands[i].usage,
			commands[i].summary);
	fprintf(out,
		"\nDATASET is a CSV file, a NAB file, an SMD machine\n"
		"(PATH/ServerMachineDataset:machine-1-1), or a Prometheus range "
		"query\n"
		"('prometheus://HOST:PORT/?query=EXPR&start=T&end=T&step=S').\n"
		"Every subcommand takes --help. Exit codes: 0 success, 1 usage "
		"error,\n2 bad input, 3 internal error.\n");
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
	}
	return cmd_dashboard(argc, argv);
}
