/* Writers for detections, alerts and per-point scores (ui/detout.h). */
#include "ui/cli/detout.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui/escape.h"

void detout_csv_field(FILE *f, const char *text)
{
	/* a file gets the exact name; a terminal never gets its controls */
	char safe[512];
	if (isatty(fileno(f)))
		text = ui_escape(text, safe, sizeof(safe));
	if (!strpbrk(text, ",\"\n\r")) {
		fputs(text, f);
		return;
	}
	fputc('"', f);
	for (const char *p = text; *p; p++) {
		if (*p == '"')
			fputc('"', f);
		fputc(*p, f);
	}
	fputc('"', f);
}

void detout_json_string(FILE *f, const char *text)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

/* Time of row r, or "" without a time axis. */
const char *detout_row_time(const Series *s, int64_t r, char *buf, size_t n)
{
	buf[0] = '\0';
	if (series_has_time(s) && r >= 0 && (size_t)r < s->rows)
		series_format_time(s, (size_t)r, buf, n);
	return buf;
}

static const char *metric_name(const Series *s, size_t m)
{
	if (m == DETECT_NODE)
		return "*";
	return s->names && s->names[m] ? s->names[m] : "?";
}

/* Shortest text that reads back as the same float. */
static void put_float(FILE *f, double v)
{
	if (isnan(v))
		fputs("nan", f);
	else if (isinf(v))
		fputs(v > 0 ? "inf" : "-inf", f);
	else
		fprintf(f, "%.6g", v);
}

void detout_alerts_csv(FILE *f, const Series *s, const DetectResult *r)
{
	char t0[40], t1[40];
	fputs("alert,start,end,start_time,end_time,criticality,peak_score,"
	      "node_detections,low,medium,high,rank,metric,share\n",
	      f);
	for (size_t i = 0; i < r->n_alerts; i++) {
		const Alert *a = &r->alerts[i];
		for (size_t k = 0; k < a->n_ranked; k++) {
			fprintf(f, "%zu,%lld,%lld,%s,%s,%s,", i + 1,
				(long long)a->r.start, (long long)a->r.end,
				detout_row_time(s, a->r.start, t0, sizeof(t0)),
				detout_row_time(s, a->r.end - 1, t1, sizeof(t1)),
				crit_name(a->crit));
			put_float(f, a->peak);
			fprintf(f, ",%zu,%zu,%zu,%zu,%zu,", a->n_node, a->n_low,
				a->n_medium, a->n_high, k + 1);
			detout_csv_field(f, metric_name(s, a->ranked[k].metric));
			fprintf(f, ",%.4f\n", a->ranked[k].share);
		}
	}
}

/* The node score of every row, the score the node detections are the runs
 * of (the mean of the node_top_k largest metric scores; the largest with the
 * union rule): a rows-float array to free, or NULL (err set). */
static float *node_column(const DetectResult *r, ErrorRecord *err)
{
	float *node = malloc((r->rows ? r->rows : 1) * sizeof(*node));
	if (!node) {
		error_set(err, STATUS_NOMEM, "", 0, 0,
			  "out of memory for the node score");
		return NULL;
	}
	if (detect_node_scores(r, node, err) != STATUS_OK) {
		free(node);
		return NULL;
	}
	return node;
}

Status detout_points_csv(FILE *f, const Series *s, const DetectResult *r,
			 ErrorRecord *err)
{
	char tb[40];
	float *node = node_column(r, err);
	if (!node)
		return STATUS_NOMEM;
	fputs("row,time,node", f);
	for (size_t m = 0; m < r->metrics; m++) {
		fputc(',', f);
		detout_csv_field(f, metric_name(s, m));
	}
	fputc('\n', f);
	for (size_t t = 0; t < r->rows; t++) {
		fprintf(f, "%zu,%s,", t, detout_row_time(s, (int64_t)t, tb, sizeof(tb)));
		put_float(f, node[t]);
		for (size_t m = 0; m < r->metrics; m++) {
			fputc(',', f);
			put_float(f, r->score[m * r->rows + t]);
		}
		fputc('\n', f);
	}
	free(node);
	return STATUS_OK;
}

static void json_det(FILE *f, const Series *s, const Detection *d, int comma)
{
	char t0[40], t1[40];
	fputs(comma ? ",\n    {\"metric\": " : "\n    {\"metric\": ", f);
	detout_json_string(f, metric_name(s, d->metric));
	fprintf(f, ", \"start\": %lld, \"end\": %lld, \"start_time\": ",
		(long long)d->r.start, (long long)d->r.end);
	detout_json_string(f, detout_row_time(s, d->r.start, t0, sizeof(t0)));
	fputs(", \"end_time\": ", f);
	detout_json_string(f, detout_row_time(s, d->r.end - 1, t1, sizeof(t1)));
	fprintf(f, ", \"criticality\": \"%s\", \"peak_score\": ",
		crit_name(d->crit));
	put_float(f, d->peak);
	fputc('}', f);
}

Status detout_json(FILE *f, const Series *s, const DetectResult *r,
		   int points, ErrorRecord *err)
{
	char t0[40], t1[40];
	float *node = NULL;
	if (points && !(node = node_column(r, err)))
		return STATUS_NOMEM;
	fputs("{\n  \"dataset\": ", f);
	detout_json_string(f, s->path ? s->path : "");
	fputs(",\n  \"machine\": ", f);
	if (s->machine)
		detout_json_string(f, s->machine);
	else
		fputs("null", f);
	fprintf(f,
		",\n  \"rows\": %zu,\n  \"split\": %zu,\n  \"from\": %zu,\n"
		"  \"mode\": \"%s\",\n  \"min_rows\": %zu,\n"
		"  \"thresholds\": {",
		r->rows, r->split, r->from, detect_mode_name(r->cfg.mode),
		r->min_rows);
	for (size_t m = 0; m < r->metrics; m++) {
		fputs(m ? ", " : "", f);
		detout_json_string(f, metric_name(s, m));
		fputs(": ", f);
		put_float(f, r->threshold[m]);
	}
	fputs("},\n  \"detections\": [", f);
	int comma = 0;
	for (size_t m = 0; m < r->metrics; m++)
		for (size_t i = 0; i < r->n_det[m]; i++, comma = 1)
			json_det(f, s, &r->det[m][i], comma);
	for (size_t i = 0; i < r->n_node; i++, comma = 1)
		json_det(f, s, &r->node[i], comma);
	fputs(comma ? "\n  ],\n  \"alerts\": [" : "],\n  \"alerts\": [", f);
	for (size_t i = 0; i < r->n_alerts; i++) {
		const Alert *a = &r->alerts[i];
		fprintf(f,
			"%s\n    {\"start\": %lld, \"end\": %lld, "
			"\"start_time\": ",
			i ? "," : "", (long long)a->r.start,
			(long long)a->r.end);
		detout_json_string(f, detout_row_time(s, a->r.start, t0, sizeof(t0)));
		fputs(", \"end_time\": ", f);
		detout_json_string(f,
				   detout_row_time(s, a->r.end - 1, t1, sizeof(t1)));
		fprintf(f, ", \"criticality\": \"%s\", \"peak_score\": ",
			crit_name(a->crit));
		put_float(f, a->peak);
		fprintf(f,
			", \"node_detections\": %zu, \"low\": %zu, "
			"\"medium\": %zu, \"high\": %zu, \"metrics\": [",
			a->n_node, a->n_low, a->n_medium, a->n_high);
		for (size_t k = 0; k < a->n_ranked; k++) {
			fputs(k ? ", {\"metric\": " : "{\"metric\": ", f);
			detout_json_string(f,
					   metric_name(s, a->ranked[k].metric));
			fprintf(f, ", \"share\": %.4f, \"mass\": %.4f}",
				a->ranked[k].share, a->ranked[k].mass);
		}
		fputs("]}", f);
	}
	fputs(r->n_alerts ? "\n  ]" : "]", f);
	if (points) {
		fputs(",\n  \"points\": {\"metrics\": [", f);
		for (size_t m = 0; m < r->metrics; m++) {
			fputs(m ? ", " : "", f);
			detout_json_string(f, metric_name(s, m));
		}
		fputs("],\n    \"rows\": [", f);
		for (size_t t = 0; t < r->rows; t++) {
			fprintf(f, "%s\n      {\"row\": %zu, \"time\": ",
				t ? "," : "", t);
			detout_json_string(f,
					   detout_row_time(s, (int64_t)t, t0, sizeof(t0)));
			fputs(", \"node\": ", f);
			put_float(f, node[t]);
			fputs(", \"scores\": [", f);
			for (size_t m = 0; m < r->metrics; m++) {
				fputs(m ? ", " : "", f);
				put_float(f, r->score[m * r->rows + t]);
			}
			fputs("]}", f);
		}
		fputs("\n    ]}", f);
	}
	fputs("\n}\n", f);
	free(node);
	return STATUS_OK;
}
