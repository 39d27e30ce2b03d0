/* Reading the dataset's labels and writing the working copy (see save.h),
 * through labels/labelfile: every format's reader and writer, with atomic
 * saves (temporary file, fsync, rename, fsync of the folder). */
#include "ui/save.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "labels/labelfile.h"

static const char *const format_names[SAVE_FORMATS] = {"csv", "smd", "interp",
						       "nab"};

static const LabelFormat label_format[SAVE_FORMATS] = {
	[SAVE_CSV] = LABEL_FORMAT_CSV,
	[SAVE_SMD] = LABEL_FORMAT_SMD,
	[SAVE_INTERP] = LABEL_FORMAT_INTERP,
	[SAVE_NAB] = LABEL_FORMAT_NAB,
};

const char *save_format_name(SaveFormat f)
{
	return f < SAVE_FORMATS ? format_names[f] : "?";
}

/* Copy the extents of src into the (working) set m of dst. */
static Status copy_set(LabelSet *dst, size_t m, const RangeSet *src,
		       ErrorRecord *err)
{
	RangeSet *rs = labelset_build(dst, m);
	if (!rs)
		return error_set(err, STATUS_INTERNAL, NULL, 0, 0,
				 "no label set %zu", m);
	for (size_t i = 0; i < src->n; i++) {
		Status st = rangeset_add(rs, src->v[i].r, LABEL_ORIGINAL,
					 src->v[i].note, err);
		if (st != STATUS_OK)
			return st;
	}
	return STATUS_OK;
}

/* Fill the gaps so that every view has labels: a single metric without its
 * own ranges takes the node's; a node without ranges takes the union of the
 * metrics'. */
static Status complete(LabelSet *ls, ErrorRecord *err)
{
	Status st = STATUS_OK;
	const RangeSet *node = labelset_get(ls, LABEL_NODE);
	if (ls->metrics == 1 && labelset_get(ls, 0)->n == 0 && node->n)
		st = copy_set(ls, 0, node, err);
	if (st == STATUS_OK && node->n == 0)
		for (size_t m = 0; m < ls->metrics && st == STATUS_OK; m++)
			st = copy_set(ls, LABEL_NODE, labelset_get(ls, m), err);
	if (st == STATUS_OK)
		st = labelset_reset_original(ls, err);
	return st;
}

/* Where test_label (tl's node) and the interpretation_label lines (il)
 * disagree: one row span per group of ranges that do not match. Best
 * effort: nothing is recorded when it fails. */
static void find_disagreements(App *a, const LabelSet *il, const LabelSet *tl)
{
	const RangeSet *node = labelset_get(tl, LABEL_NODE);
	Range *ra = malloc((node->n + 1) * sizeof(Range)), *rb = NULL;
	LabelDisagreement *d = NULL;
	size_t nb = 0, n = 0;
	if (!ra)
		return;
	for (size_t i = 0; i < node->n; i++)
		ra[i] = node->v[i].r;
	if (labelfile_line_ranges(il, &rb, &nb, NULL) == STATUS_OK &&
	    labelfile_compare(ra, node->n, rb, nb, &d, &n, NULL) == STATUS_OK &&
	    n > 0 && (a->disagree = malloc(n * sizeof(Range)))) {
		for (size_t i = 0; i < n; i++) {
			Range span = {INT64_MAX, INT64_MIN};
			for (size_t k = 0; k < d[i].n_a; k++) {
				Range r = ra[d[i].a_first + k];
				if (r.start < span.start)
					span.start = r.start;
				if (r.end > span.end)
					span.end = r.end;
			}
			for (size_t k = 0; k < d[i].n_b; k++) {
				Range r = rb[d[i].b_first + k];
				if (r.start < span.start)
					span.start = r.start;
				if (r.end > span.end)
					span.end = r.end;
			}
			a->disagree[i] = span;
		}
		a->n_disagree = n;
	}
	free(ra);
	free(rb);
	free(d);
}

static Status read_one(App *a, LabelSet *ls, const char *path, int guess,
		       LabelFormat f, ErrorRecord *err)
{
	Status st = STATUS_OK;
	if (guess)
		st = labelfile_guess(path, &f, err);
	if (st == STATUS_OK)
		st = labelfile_read(ls, &a->s, path, f, err);
	return st;
}

Status save_read_labels(App *a, const char *path, ErrorRecord *err)
{
	LabelSet ls;
	memset(&ls, 0, sizeof(ls));
	Status st = STATUS_OK;
	int have = 0;
	if (path) {
		st = read_one(a, &ls, path, 1, LABEL_FORMAT_CSV, err);
		have = st == STATUS_OK;
	} else if (a->s.kind == SERIES_SMD) {
		/* metrics from interpretation_label, the node from
		 * test_label (the node-level ground truth) */
		int interp = a->s.interp_path &&
			     access(a->s.interp_path, R_OK) == 0;
		int node = a->s.label_path && access(a->s.label_path, R_OK) == 0;
		if (interp) {
			st = read_one(a, &ls, a->s.interp_path, 0,
				      LABEL_FORMAT_INTERP, err);
			have = st == STATUS_OK;
		}
		if (st == STATUS_OK && node) {
			LabelSet tl;
			memset(&tl, 0, sizeof(tl));
			st = read_one(a, &tl, a->s.label_path, 0,
				      LABEL_FORMAT_SMD, err);
			if (st == STATUS_OK && !have) {
				ls = tl;
				have = 1;
			} else if (st == STATUS_OK) {
				find_disagreements(a, &ls, &tl);
				RangeSet *n = labelset_build(&ls, LABEL_NODE);
				rangeset_free(n);
				rangeset_init(n);
				st = copy_set(&ls, LABEL_NODE,
					      labelset_get(&tl, LABEL_NODE),
					      err);
				labelset_free(&tl);
			}
		}
	} else if (a->s.kind == SERIES_NAB && a->s.label_path &&
		   access(a->s.label_path, R_OK) == 0) {
		st = read_one(a, &ls, a->s.label_path, 0, LABEL_FORMAT_NAB,
			      err);
		have = st == STATUS_OK;
	}
	if (st == STATUS_OK && have)
		st = complete(&ls, err);
	if (st == STATUS_OK && have && ui_labels_adopt(&a->labels, &ls) != 0)
		st = error_set(err, STATUS_NOMEM, NULL, 0, 0,
			       "out of memory");
	if (have)
		labelset_free(&ls);
	return st;
}

/* The dataset's own format; for SMD the file that holds the scope being
 * edited (test_label for the node, interpretation_label for metrics). */
static SaveFormat default_format(const App *a)
{
	if (a->s.kind == SERIES_SMD)
		return a->node_scope ? SAVE_SMD : SAVE_INTERP;
	return a->s.kind == SERIES_NAB ? SAVE_NAB : SAVE_CSV;
}

static void default_path(App *a)
{
	const char *stem = a->s.machine ? a->s.machine
			   : a->title	 ? a->title
					 : "labels";
	const char *slash = strrchr(stem, '/');
	if (slash)
		stem = slash + 1;
	char base[256];
	snprintf(base, sizeof(base), "%s", stem);
	char *dot = strrchr(base, '.');
	if (dot && dot != base)
		*dot = '\0';
	static const char *const suffix[SAVE_FORMATS] = {
		".labels.csv", ".test_label.txt", ".interpretation_label.txt",
		".windows.json"};
	snprintf(a->input, sizeof(a->input), "%s%s", base,
		 suffix[a->save_format]);
	a->input_len = strlen(a->input);
}

void save_begin(App *a)
{
	a->save_format = default_format(a);
	default_path(a);
	a->prompt = PROMPT_SAVE;
	a->dirty |= DIRTY_STATUS;
}

void save_cycle_format(App *a)
{
	a->save_format = (a->save_format + 1) % SAVE_FORMATS;
	default_path(a);
}

int save_labels(App *a, const char *path)
{
	char p[512];
	snprintf(p, sizeof(p), "%s", path);
	if (!p[0]) {
		app_message(a, "no file name: not saved");
		return -1;
	}
	/* the format follows the name when it says one */
	SaveFormat f = (SaveFormat)a->save_format;
	size_t l = strlen(p);
	if (l > 4 && !strcmp(p + l - 4, ".csv"))
		f = SAVE_CSV;
	else if (l > 5 && !strcmp(p + l - 5, ".json"))
		f = SAVE_NAB;
	else if (strstr(p, "interpretation"))
		f = SAVE_INTERP;
	else if (l > 4 && !strcmp(p + l - 4, ".txt"))
		f = SAVE_SMD;
	ErrorRecord err;
	error_clear(&err);
	Status st = labelfile_write(&a->labels.ls, &a->s, p, label_format[f],
				    &err);
	if (st != STATUS_OK) {
		char buf[700];
		app_message(a, "not saved: %s",
			    err.message[0] ? error_format(&err, buf, sizeof(buf))
					   : status_message(st));
		return -1;
	}
	ui_labels_saved(&a->labels);
	app_message(a, "saved %s (%s)", p, save_format_name(f));
	return 0;
}
