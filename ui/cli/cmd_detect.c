/* vigil detect: run the pipeline (dataset -> cached or trained model ->
 * forecast -> detection) and write the detections file of DESIGN section 6,
 * the alerts with their ranked metrics and, with --points, the per-row
 * scores, as CSV or JSON. Layouts are described in ui/cli/detout.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "labels/detfile.h"
#include "ui/cli.h"
#include "ui/commands.h"
#include "ui/cli/detout.h"
#include "ui/outfile.h"
#include "ui/pipeline.h"

static const char detect_help[] =
	"Usage: vigil detect DATASET [--model M] [--format csv|json] "
	"[-o FILE] [--points]\n"
	"                    [detection, model and dataset options]\n"
	"\n"
	"Forecast every row with the model (the cached one; trained first, with\n"
	"a progress bar on stderr, when none fits), score the forecast errors\n"
	"and write the detections with their criticality and the alerts with\n"
	"their metrics ranked by share of the score mass.\n"
	"\n"
	"  --format F         csv (default) or json\n"
	"  -o FILE            write to FILE instead of stdout ('-': stdout).\n"
	"                     CSV: detections in FILE, alerts in\n"
	"                     FILE.alerts.csv, points in FILE.points.csv.\n"
	"                     Without -o, with -o - or /dev/stdout (or when\n"
	"                     FILE is a device or FIFO, e.g. /dev/null), CSV\n"
	"                     sections (detections, alerts, points) follow\n"
	"                     each other in one stream, each with its header,\n"
	"                     separated by a blank line.\n"
	"  --points           also write every row's normalised score per metric\n"
	"  -h, --help         this help\n"
	"\n";

/* The CSV sections one after the other on one stream (stdout, or a
 * device or FIFO named by -o), each with its header, separated by a blank
 * line. */
static Status write_csv_stream(FILE *f, const Pipeline *p, const Detection *all,
			       size_t n_all, int points, ErrorRecord *err)
{
	Status st = detfile_write_stream(f, &p->series, all, n_all, err);
	if (st != STATUS_OK)
		return st;
	fputc('\n', f);
	detout_alerts_csv(f, &p->series, &p->det);
	if (points) {
		fputc('\n', f);
		st = detout_points_csv(f, &p->series, &p->det, err);
	}
	return st;
}

/* Whether path names something that exists and is not a regular file or
 * a folder (/dev/null, /dev/stdout, a FIFO): the CSV sections then go
 * into it as onto stdout, not into PATH.alerts.csv beside it. */
static int is_special(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 && !S_ISREG(sb.st_mode) &&
	       !S_ISDIR(sb.st_mode);
}

/* Whether path is the file stdout goes to (/dev/stdout or /dev/fd/1 with
 * stdout redirected to a file): written as stdout, in one stream. */
static int is_stdout(const char *path)
{
	struct stat a, b;
	return stat(path, &a) == 0 && fstat(1, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static int write_csv(const char *cmd, const char *out, const Pipeline *p,
		     int points)
{
	ErrorRecord err;
	error_clear(&err);
	OutFile of;
	Status st;
	Detection *all = NULL;
	size_t n_all = 0;
	st = pipeline_detections(p, &all, &n_all, &err);
	if (st != STATUS_OK)
		return cli_report(cmd, st, &err);
	if (!out || is_special(out)) {
		st = outfile_open(&of, out, &err);
		if (st == STATUS_OK) {
			st = write_csv_stream(of.f, p, all, n_all, points,
					      &err);
			if (st == STATUS_OK)
				st = outfile_commit(&of, &err);
			else
				outfile_abort(&of);
		}
		free(all);
		return st == STATUS_OK ? 0 : cli_report(cmd, st, &err);
	}
	st = detfile_write(out, &p->series, all, n_all, &err);
	free(all);
	if (st != STATUS_OK)
		return cli_report(cmd, st, &err);
	char path[4200];
	for (int part = 1; part < 3; part++) {
		if (part == 2 && !points)
			break;
		snprintf(path, sizeof(path), "%s%s", out,
			 part == 1 ? ".alerts.csv" : ".points.csv");
		st = outfile_open(&of, path, &err);
		if (st != STATUS_OK)
			return cli_report(cmd, st, &err);
		if (part == 1)
			detout_alerts_csv(of.f, &p->series, &p->det);
		else
			st = detout_points_csv(of.f, &p->series, &p->det,
					       &err);
		if (st != STATUS_OK) {
			outfile_abort(&of);
			return cli_report(cmd, st, &err);
		}
		st = outfile_commit(&of, &err);
		if (st != STATUS_OK)
			return cli_report(cmd, st, &err);
	}
	return 0;
}

/* 0 when out and the files written beside it can be written and are none
 * of s's data or label files nor the model file read (model, may be
 * NULL); else the exit code, after saying why. */
static int check_outputs(const char *cmd, const char *out, int json,
			 int points, const Series *s, const char *dataset,
			 const char *model)
{
	static const char *const ext[] = {"", ".alerts.csv", ".points.csv"};
	/* a device or FIFO takes every section */
	int parts = !out ? 0 : json || is_special(out) ? 1 : points ? 3 : 2;
	for (int k = 0; k < parts; k++) {
		char path[4400], data_file[4400];
		snprintf(path, sizeof(path), "%s%s", out, ext[k]);
		const char *own = cli_own_file(s, path, data_file,
					       sizeof(data_file));
		if (own)
			return cli_usage_error(cmd,
					       "%s is the dataset's %s file "
					       "%s: name another file for -o",
					       path, own, data_file);
		if (cli_names_dataset(path, dataset))
			return cli_usage_error(cmd,
					       "%s is the name of the dataset "
					       "%s: a file there would be read "
					       "in its place; name another "
					       "file for -o",
					       path, dataset);
		if (cli_same_file(path, model))
			return cli_usage_error(cmd,
					       "%s is the model file --model "
					       "names: name another file for -o",
					       path);
		ErrorRecord err;
		error_clear(&err);
		Status st = outfile_check(path, &err);
		if (st != STATUS_OK)
			return cli_report(cmd, st, &err);
	}
	return 0;
}

int cmd_detect(int argc, char **argv)
{
	const char *cmd = "detect";
	PipelineOptions o;
	pipeline_options_defaults(&o);
	const char *out = NULL;
	int json = 0, points = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			printf("%s%s\n%s\n%s\n%s", detect_help,
			       pipeline_detect_help, pipeline_model_help,
			       pipeline_adapt_help, cli_series_help);
			return 0;
		}
		int r = cli_series_option(cmd, argc, argv, &i, &o.series);
		if (r < 0)
			return 1;
		if (r > 0)
			continue;
		r = pipeline_option(cmd, argc, argv, &i, &o);
		if (r < 0)
			return 1;
		if (r > 0)
			continue;
		if (!strcmp(a, "--points")) {
			points = 1;
		} else if (!strcmp(a, "--format") || !strcmp(a, "-o")) {
			if (i + 1 >= argc)
				return cli_usage_error(cmd, "%s needs a value",
						       a);
			const char *v = argv[++i];
			if (!strcmp(a, "-o")) {
				/* '-' is stdout, as without -o (./- is
				   a file of that name) */
				out = strcmp(v, "-") ? v : NULL;
			} else if (!strcmp(v, "json")) {
				json = 1;
			} else if (!strcmp(v, "csv")) {
				json = 0;
			} else {
				return cli_usage_error(
					cmd, "--format is csv or json, not '%s'",
					v);
			}
		} else if (a[0] == '-' && a[1]) {
			return cli_usage_error(cmd, "unknown option '%s'", a);
		} else if (!o.dataset) {
			o.dataset = a;
		} else {
			return cli_usage_error(cmd, "one DATASET only ('%s'?)",
					       a);
		}
	}
	if (!o.dataset)
		return cli_usage_error(cmd, "which DATASET?");
	if (pipeline_check_options(cmd, &o))
		return 1;
	if (out && is_stdout(out))
		out = NULL;

	Pipeline p;
	pipeline_init(&p);
	ErrorRecord err;
	error_clear(&err);
	Status st = pipeline_load(&p, &o, NULL, &err);
	/* -o and the files beside it: not the data read, and writable;
	   found out before the model trains */
	int rc = st == STATUS_OK ? check_outputs(cmd, out, json, points,
						 &p.series, o.dataset,
						 o.model_path)
				 : 0;
	if (st == STATUS_OK && rc == 0)
		st = pipeline_run_loaded(&p, &o, &err);
	if (st != STATUS_OK || rc) {
		pipeline_free(&p);
		return rc ? rc : cli_report(cmd, st, &err);
	}
	if (json) {
		OutFile of;
		st = outfile_open(&of, out, &err);
		if (st == STATUS_OK) {
			st = detout_json(of.f, &p.series, &p.det, points,
					 &err);
			if (st == STATUS_OK)
				st = outfile_commit(&of, &err);
			else
				outfile_abort(&of);
		}
		rc = st == STATUS_OK ? 0 : cli_report(cmd, st, &err);
	} else {
		rc = write_csv(cmd, out, &p, points);
	}
	if (rc == 0 && !o.quiet && out) {
		size_t hi = 0;
		for (size_t i = 0; i < p.det.n_node; i++)
			hi += p.det.node[i].crit == CRIT_HIGH;
		char how[160] = "";
		if (p.forecast_cached)
			snprintf(how, sizeof(how), ", forecast from the cache");
		else if (p.adapted)
			snprintf(how, sizeof(how),
				 ", forecast adapting (%zu updates, %zu skipped "
				 "for too few rows judged normal, %.1f s)",
				 p.adapt.updates, p.adapt.skipped,
				 p.adapt.elapsed);
		fprintf(stderr,
			"vigil detect: %zu node detections (%zu high), %zu "
			"alerts, %s threshold, model %s%s\n",
			p.det.n_node, hi, p.det.n_alerts,
			detect_mode_name(o.detect.mode),
			p.from_cache ? "loaded" : "trained", how);
	}
	pipeline_free(&p);
	return rc;
}
