/* Helpers shared by the subcommands: reporting errors, and the options
 * every dataset-taking command accepts (--split N, --train F, --interval S). */
#ifndef VIGIL_CLI_H
#define VIGIL_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "data/series.h"
#include "data/status.h"
#include "labels/labelfile.h"

/* Print "vigil CMD: file:line:col: message" (or the status text) to stderr
 * and return the exit code for s. */
int cli_report(const char *cmd, Status s, const ErrorRecord *err);

/* A command's last word on its stdout: rc, or, when rc is 0 and what it
 * printed could not all be written (a full disk, a closed pipe), the
 * reason on stderr and 2. */
int cli_stdout_done(const char *cmd, int rc);

/* The label files a command reads for s (labelfile_sources with the n
 * --labels files given): with none, the dataset's own, and where it has
 * none that labelfile_sources takes, the one it names (s->label_path) read
 * as any other file, to say why it cannot be. src->path NULL: no labels. */
Status cli_label_sources(LabelSources *src, const Series *s,
			 const char *const *given, size_t n,
			 const LabelFormat *format, ErrorRecord *err);

/* Add one --labels FILE to the n given so far (at most two: a node-level
 * file and a per-metric one); 0, or 1 after saying why (a usage error). */
int cli_add_labels(const char *cmd, const char *file, const char **given,
		   size_t *n);

/* Print "vigil CMD: message" and a hint to run --help; returns 1. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* If argv[*i] is one of --split N, --train F, --interval SECONDS (or the
 * Prometheus options --bearer-token-file F, --user U:P, --tls), consume it
 * (and its value) into opt, advance *i and return 1; return 0 if it is not
 * one of them; -1 (after printing) if its value is bad. */
int cli_series_option(const char *cmd, int argc, char **argv, int *i,
		      SeriesOptions *opt);

/* Help text for the dataset options above, for --help screens. */
extern const char cli_series_help[];

/* The datasets of a folder, for the dashboard's machines view and score's
 * folder table: the machines of an SMD folder (train/ and test/ inside;
 * datasets "DIR:machine") or else the CSV files in it (NAB files
 * included; datasets "DIR/NAME.csv"), sorted by name. */
typedef struct {
	size_t n;
	char (*name)[256];      /* owned: n machine or file names (no .csv) */
	char (*dataset)[4400];  /* owned: n dataset arguments */
} CliFolder;

/* Whether path is a folder of datasets: a folder, but not one dataset (a
 * folder holding train.csv and test.csv, series_is_psm_dir). */
int cli_is_folder(const char *path);

/* List dir's datasets into f. An error when there are none. */
Status cli_folder_open(CliFolder *f, const char *dir, ErrorRecord *err);
void cli_folder_free(CliFolder *f);

/* Nonzero when path is one of the data files s was read from (the same
 * file by device and inode: a CSV or NAB file, each of several NAB files
 * joined by ',', an SMD machine's train/M.txt and test/M.txt, a
 * train.csv/test.csv folder's two files), which then goes into which (n
 * bytes). An output file of a subcommand must never be one of them. */
int cli_is_data_file(const Series *s, const char *path, char *which,
		     size_t n);

/* Nonzero when path is one of s's own label files (label_path,
 * interp_path: SMD test_label and interpretation_label, NAB windows, a
 * CSV file's FILE.labels.csv), same file by device and inode; it then
 * goes into which (n bytes). Detections and models never go there. */
int cli_is_label_file(const Series *s, const char *path, char *which,
		      size_t n);

/* "data" or "label" when path is one of s's data files or its own label
 * files (cli_is_data_file, cli_is_label_file; which names it), else NULL:
 * where a detections file or a model never goes. */
const char *cli_own_file(const Series *s, const char *path, char *which,
			 size_t n);

/* Nonzero when path and other name one regular file (device and inode),
 * by whatever path: an output that would overwrite an input. */
int cli_same_file(const char *path, const char *other);

/* Whether path is the DATASET argument itself (the same name in the same
 * folder), as written for what is no file of that name: an SMD machine
 * PATH:M, NAB files joined by ','. A file written there would be read in
 * the dataset's place from then on. */
int cli_names_dataset(const char *path, const char *dataset);

/* Parse a training seed: decimal digits only, at most 2^64-1; 0 on
 * success, -1 otherwise. */
int cli_parse_seed(const char *text, uint64_t *out);

/* Parse a non-negative integer / a double; 0 on success, -1 otherwise. */
int cli_parse_long(const char *text, long *out);
int cli_parse_double(const char *text, double *out);

#endif
