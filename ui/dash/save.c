/* Reading the dataset's labels and writing the working copy (see save.h),
 * through labels/labelfile: every format's reader and writer, with atomic
 * saves (temporary file, fsync, rename, fsync of the folder). */
#include "ui/dash/save.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "labels/labelfile.h"
#include "ui/dash/journal.h"

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

/* Where test_label (ls's node) and the interpretation_label lines (ls's
 * lines) disagree: one row span per group of ranges that do not match.
 * Best effort: nothing is recorded when it fails. */
static void find_disagreements(App *a, const LabelSet *ls)
{
	const RangeSet *node = labelset_get(ls, LABEL_NODE);
	Range *ra = malloc((node->n + 1) * sizeof(Range)), *rb = NULL;
	LabelDisagreement *d = NULL;
	size_t nb = 0, n = 0;
	if (!ra)
		return;
	for (size_t i = 0; i < node->n; i++)
		ra[i] = node->v[i].r;
	if (labelfile_line_ranges(ls, &rb, &nb, NULL) == STATUS_OK &&
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

/* remember: note the file's state (save_remember); not for a read back
 * after a save, which would hide a change made by someone else to a file
 * this save did not write. *f: the format, or the one guessed. */
static Status read_one(App *a, LabelSet *ls, const char *path, int guess,
		       LabelFormat *f, int remember, ErrorRecord *err)
{
	Status st = STATUS_OK;
	if (guess)
		st = labelfile_guess(path, f, err);
	if (st == STATUS_OK)
		st = a->labels_ahead
			     ? labelfile_read_ahead(ls, &a->s, path, *f, err)
			     : labelfile_read(ls, &a->s, path, *f, err);
	/* a data file read for its label column is never a save target
	   taken without asking */
	if (st == STATUS_OK && *f != LABEL_FORMAT_COLUMN && remember)
		save_remember(a, path);
	return st;
}

/* The labels a start reads (a->labels_args, else the dataset's own label
 * files) into the initialised, empty into. first: the start itself, which
 * notes the files read, where SMD's files disagree and which labels were
 * left out; else a read back after a save, which touches nothing else of
 * a. */
static Status read_labels(App *a, UiLabels *into, int first,
			  ErrorRecord *err)
{
	LabelSet ls;
	memset(&ls, 0, sizeof(ls));
	int have = 0;
	LabelFormat f = LABEL_FORMAT_CSV;
	/* the --labels files, or an SMD machine's own: the metrics from
	   interpretation_label, the node from test_label (the node-level
	   ground truth); a file of one of the two keeps the other */
	LabelSources src;
	Status st = labelfile_sources(&src, &a->s, a->labels_args,
				      a->n_labels_args, NULL, err);
	if (st != STATUS_OK)
		return st;
	if (src.path) {
		st = labelfile_read_sources(&ls, &a->s, &src, a->labels_ahead,
					    err);
		have = st == STATUS_OK;
		f = src.format;
		/* a data file read for its label column is never a save
		   target taken without asking */
		if (have && first && src.format != LABEL_FORMAT_COLUMN)
			save_remember(a, src.path);
		if (have && first && src.node_path &&
		    src.node_format != LABEL_FORMAT_COLUMN)
			save_remember(a, src.node_path);
		if (have && first &&
		    src.own == (LABEL_OWN_METRICS | LABEL_OWN_NODE) &&
		    src.node_path)
			find_disagreements(a, &ls);
		if (have && first)
			a->label_src = src;
	} else if (a->s.kind == SERIES_NAB && a->s.label_path &&
		   access(a->s.label_path, R_OK) == 0) {
		f = LABEL_FORMAT_NAB;
		st = read_one(a, &ls, a->s.label_path, 0, &f, first, err);
		have = st == STATUS_OK;
	} else if (a->s.label_path && access(a->s.label_path, R_OK) == 0) {
		/* a CSV file's labels found next to it (FILE.labels.csv, its
		 * own label column, labels.csv: what `vigil synth` writes);
		 * found, not asked for, so labels that do not fit (a folder's
		 * labels.csv made for another file) are said and left out */
		ErrorRecord e2;
		error_clear(&e2);
		have = read_one(a, &ls, a->s.label_path, 1, &f, first,
				&e2) == STATUS_OK;
		if (!have && first) {
			char buf[700];
			app_message(a, "labels left out: %s",
				    error_format(&e2, buf, sizeof(buf)));
		}
	}
	if (st == STATUS_OK && have && !src.path)
		st = labelfile_complete(&ls, f != LABEL_FORMAT_INTERP, err);
	if (st == STATUS_OK && have && first && a->labels_ahead) {
		/* --follow: ranges past the rows read are kept for the rows
		   to come; said, as a file refused would be */
		int64_t reach = 0;
		for (size_t m = 0; m <= ls.metrics; m++) {
			const RangeSet *rs = labelset_get(
				&ls, m < ls.metrics ? m : LABEL_NODE);
			if (rs->n && rs->v[rs->n - 1].r.end > reach)
				reach = rs->v[rs->n - 1].r.end;
		}
		if (reach > (int64_t)a->s.rows)
			app_message(a,
				    "labels reach row %lld, past the %zu rows "
				    "read: they show as the rows arrive",
				    (long long)reach - 1, a->s.rows);
	}
	if (st == STATUS_OK && have && ui_labels_adopt(into, &ls) != 0)
		st = error_set(err, STATUS_NOMEM, NULL, 0, 0,
			       "out of memory");
	if (have)
		labelset_free(&ls);
	return st;
}

Status save_read_labels(App *a, ErrorRecord *err)
{
	return read_labels(a, &a->labels, 1, err);
}

/* 1 when a and b name one file. */
static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return a && b && stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* Whether the next start with the same arguments reads path: the
 * --labels file, or one of the dataset's own label files (for a CSV file
 * a->s.label_path as looked for again after the save). */
static int next_open_reads(const App *a, const char *path)
{
	return a->n_labels_args
		       ? same_file(path, a->label_src.path) ||
				 same_file(path, a->label_src.node_path)
		       : a->s.path && (same_file(path, a->s.label_path) ||
				       same_file(path, a->s.interp_path));
}

/* next_open_reads, with a CSV file's labels looked for again as the next
 * start looks for them (FILE.labels.csv, which a save may have made,
 * first). */
static int next_start_reads(App *a, const char *path)
{
	char *found = a->s.label_path;
	int csv = a->s.kind == SERIES_CSV && a->s.path && !a->n_labels_args;
	if (csv)
		a->s.label_path = series_csv_label_path(
			a->s.path, a->s.label_column != NULL);
	int reads = next_open_reads(a, path);
	if (csv) {
		free(a->s.label_path);
		a->s.label_path = found;
	}
	return reads;
}

/* The journal's "base" line after the sets in holds were saved to path:
 * the fingerprint of the original labels the next start will have. Read
 * back as a start reads them when path is one of the files it reads, not
 * worked out from the working labels: what a file can hold and how a
 * start completes it (a NAB file's one list is its metric's and its
 * node's, an empty node takes the metrics' union) make them differ. When
 * they cannot be read, the held sets' working extents. Read back, the
 * edits the save did not hold follow it as "keep" lines over them, so
 * that a recovery from this save gives them back, still unsaved. */
static void journal_saved(App *a, const char *path, unsigned holds)
{
	/* a CSV file's labels are looked for again: FILE.labels.csv, which
	   the save may have made, comes before the others */
	char *found = a->s.label_path;
	int csv = a->s.kind == SERIES_CSV && a->s.path && !a->n_labels_args;
	if (csv)
		a->s.label_path = series_csv_label_path(
			a->s.path, a->s.label_column != NULL);
	uint64_t fp = ui_labels_fingerprint(&a->labels); /* not read */
	int written = 0;
	if (next_open_reads(a, path)) {
		fp = ui_labels_fingerprint_saved(&a->labels, holds);
		UiLabels back;
		ErrorRecord err;
		error_clear(&err);
		if (ui_labels_init(&back, a->s.metrics) == 0 &&
		    read_labels(a, &back, 0, &err) == STATUS_OK) {
			fp = ui_labels_fingerprint(&back);
			journal_append_base(&a->journal, fp, &back, &a->labels,
					    holds);
			written = 1;
		}
		ui_labels_free(&back);
	}
	if (csv) {
		free(a->s.label_path);
		a->s.label_path = found;
	}
	if (!written)
		journal_append_base(&a->journal, fp, NULL, NULL, holds);
}

int save_format_usable(const App *a, SaveFormat f)
{
	if (f == SAVE_NAB)
		return series_has_time(&a->s) && a->s.nab_key != NULL;
	if (f == SAVE_SMD || f == SAVE_INTERP)
		return a->s.kind == SERIES_SMD; /* test rows of an SMD split */
	return f == SAVE_CSV;
}

/* Rows of x within [lo, hi) into *rows, and how many of them y covers
 * into *covered. */
static void rows_covered(const RangeSet *x, const RangeSet *y, int64_t lo,
			 int64_t hi, int64_t *rows, int64_t *covered)
{
	*rows = *covered = 0;
	for (size_t i = 0; i < x->n; i++) {
		Range r = x->v[i].r;
		if (r.start < lo)
			r.start = lo;
		if (r.end > hi)
			r.end = hi;
		if (r.end <= r.start)
			continue;
		*rows += r.end - r.start;
		*covered += rangeset_overlap(y, r);
	}
}

/* Whether working set x equals y (extents) on rows [lo, hi): each covers
 * the other's rows there. */
static int same_on(const RangeSet *x, const RangeSet *y, int64_t lo,
		   int64_t hi)
{
	int64_t px, cx, py, cy;
	rows_covered(x, y, lo, hi, &px, &cx);
	rows_covered(y, x, lo, hi, &py, &cy);
	return px == cx && py == cy;
}

/* Whether the node's working set is the union of the metrics' on
 * [lo, hi). */
static int node_is_union(const App *a, int64_t lo, int64_t hi)
{
	const LabelSet *ls = &a->labels.ls;
	RangeSet u;
	rangeset_init(&u);
	int ok = 1;
	for (size_t m = 0; m < ls->metrics && ok; m++) {
		const RangeSet *rs = labelset_get(ls, m);
		for (size_t i = 0; i < rs->n && ok; i++)
			ok = rangeset_add(&u, rs->v[i].r, LABEL_ORIGINAL, NULL,
					  NULL) == STATUS_OK;
	}
	ok = ok && same_on(labelset_get(ls, LABEL_NODE), &u, lo, hi);
	rangeset_free(&u);
	return ok;
}

/* A single-metric series (a NAB file) whose metric was edited and whose
 * node was not: NAB windows are one list, written from the metric. */
static int nab_from_metric(const App *a)
{
	const LabelSet *ls = &a->labels.ls;
	int64_t rows = (int64_t)a->s.rows;
	return ls->metrics == 1 &&
	       !same_on(labelset_get(ls, 0), labelset_get(ls, LABEL_NODE), 0,
			rows) &&
	       same_on(labelset_get(ls, LABEL_NODE),
		       labelset_get_original(ls, LABEL_NODE), 0, rows);
}

unsigned save_format_holds(const App *a, SaveFormat f)
{
	const LabelSet *ls = &a->labels.ls;
	int64_t split = (int64_t)a->s.split, rows = (int64_t)a->s.rows;
	int one = ls->metrics == 1 &&
		  same_on(labelset_get(ls, 0), labelset_get(ls, LABEL_NODE), 0,
			  rows);
	switch (f) {
	case SAVE_CSV:
		return UI_SAVED_ALL;
	case SAVE_SMD:
		return UI_SAVED_NODE | (one ? UI_SAVED_METRICS : 0);
	case SAVE_INTERP:
		return UI_SAVED_METRICS |
		       (node_is_union(a, split, rows) ? UI_SAVED_NODE : 0);
	case SAVE_NAB:
		if (ls->metrics == 1)
			return one || nab_from_metric(a)
				       ? UI_SAVED_ALL
				       : UI_SAVED_NODE;
		return UI_SAVED_METRICS |
		       (node_is_union(a, 0, rows) ? UI_SAVED_NODE : 0);
	case SAVE_FORMATS:
		break;
	}
	return 0;
}

/* The file the start read an SMD machine's scope from (UI_SAVED_NODE or
 * UI_SAVED_METRICS; a->label_src: its own files or the --labels ones),
 * its format in *f; NULL when none. */
static const char *start_file(const App *a, unsigned scope, LabelFormat *f)
{
	const LabelSources *src = &a->label_src;
	*f = scope == UI_SAVED_NODE && src->node_path ? src->node_format
							: src->format;
	if (a->s.kind != SERIES_SMD)
		return NULL;
	if (scope == UI_SAVED_NODE)
		return src->node_path ? src->node_path
		       : src->format == LABEL_FORMAT_SMD ? src->path
							 : NULL;
	return src->format == LABEL_FORMAT_INTERP ? src->path : NULL;
}

/* The other scope's set of an SMD file format's (UI_SAVED_*), 0 for the
 * others. */
static unsigned other_scope(SaveFormat f)
{
	return f == SAVE_INTERP ? UI_SAVED_NODE
	       : f == SAVE_SMD	? UI_SAVED_METRICS
				: 0;
}

/* An SMD file the start read (interpretation_label, test_label: the
 * machine's own or a --labels one) that path replaces: the next open
 * reads the other scope's labels from the other file, when there is one.
 * That file, or NULL. */
static const char *reopen_other(const App *a, const char *path, SaveFormat f)
{
	LabelFormat of, wf;
	unsigned other = other_scope(f);
	if (!other)
		return NULL;
	const char *own = start_file(a, other ^ UI_SAVED_ALL, &wf);
	const char *file = start_file(a, other, &of);
	return own && file && same_file(path, own) && access(file, R_OK) == 0
		       ? file
		       : NULL;
}

/* Whether file (format f), the next open's source of the sets in `which`
 * (UI_SAVED_NODE or UI_SAVED_METRICS), has the working labels; 1 when it
 * cannot be read. */
static int reopen_same(App *a, const char *file, LabelFormat f,
		       unsigned which)
{
	LabelSet back;
	ErrorRecord err;
	error_clear(&err);
	if (labelfile_read(&back, &a->s, file, f, &err) != STATUS_OK)
		return 1;
	int same = 1;
	for (size_t m = 0; m <= a->s.metrics && same; m++) {
		size_t k = m == a->s.metrics ? LABEL_NODE : m;
		if (which & (k == LABEL_NODE ? UI_SAVED_NODE : UI_SAVED_METRICS))
			same = rangeset_same_extents(
				labelset_get(&a->labels.ls, k),
				labelset_get(&back, k));
	}
	labelset_free(&back);
	return same;
}

/* What a save of format f to path holds (UI_SAVED_*): save_format_holds,
 * less the other SMD scope when the file the next open reads that scope
 * from beside this one (the start's: it replaces one of the two, or
 * reopens with it as the other --labels) does not have the working
 * labels (a node that is the metrics' union is not held by
 * interpretation_label when a test_label is read with it). */
static unsigned holds_at(App *a, SaveFormat f, const char *path)
{
	unsigned h = save_format_holds(a, f);
	unsigned other_set = other_scope(f);
	LabelFormat of;
	const char *other = other_set ? start_file(a, other_set, &of) : NULL;
	if (other && (h & other_set) && !same_file(other, path) &&
	    access(other, R_OK) == 0 && !reopen_same(a, other, of, other_set))
		h &= ~other_set;
	return h;
}

/* "test_label/machine-1-2.txt": a dataset's label file by its folder. */
static const char *short_path(const char *path)
{
	const char *p = path + strlen(path);
	int slashes = 0;
	while (p > path && (p[-1] != '/' || ++slashes < 2))
		p--;
	return p;
}

static const char *const long_names[SAVE_FORMATS] = {
	"vigil's CSV", "test_label", "interpretation_label", "NAB windows"};

/* The ranges of set m a save now would change: against its last save
 * (against the original when that cannot be worked out). */
static void unsaved_diff(const LabelSet *ls, size_t m, LabelDiff *d)
{
	if (labelset_diff_saved(ls, m, d, NULL) != STATUS_OK)
		labelset_diff(ls, m, d);
}

/* save_format_loss for a save that holds the sets in holds. */
static void loss_text(const App *a, SaveFormat f, unsigned holds, int compact,
		      char *buf, size_t n)
{
	buf[0] = '\0';
	const LabelSet *ls = &a->labels.ls;
	size_t used = 0;
	/* only sets with edits not saved yet: those an earlier save (of
	   the other SMD file, say) holds are not lost by this one */
	if (!(holds & UI_SAVED_NODE) && labelset_unsaved_set(ls, LABEL_NODE)) {
		LabelDiff d;
		unsaved_diff(ls, LABEL_NODE, &d);
		size_t k = d.ranges_added + d.ranges_removed;
		if (k)
			used += (size_t)snprintf(
				buf, n,
				compact ? "node-level edits not in %s: %zu "
					  "range%s"
					: "node-level edits cannot be written "
					  "to %s: %zu range%s",
				compact ? save_format_name(f) : long_names[f],
				k, k == 1 ? "" : "s");
	}
	if (!(holds & UI_SAVED_METRICS) && used < n) {
		size_t k = 0, metrics = 0;
		for (size_t m = 0; m < ls->metrics; m++) {
			if (!labelset_unsaved_set(ls, m))
				continue;
			LabelDiff d;
			unsaved_diff(ls, m, &d);
			k += d.ranges_added + d.ranges_removed;
			metrics += d.ranges_added + d.ranges_removed > 0;
		}
		if (k)
			snprintf(buf + used, n - used,
				 compact ? "%sedits of %zu metric%s not in %s: "
					   "%zu range%s"
					 : "%sedits of %zu metric%s cannot be "
					   "written to %s: %zu range%s",
				 used ? "; " : "", metrics,
				 metrics == 1 ? "" : "s",
				 compact ? save_format_name(f) : long_names[f],
				 k, k == 1 ? "" : "s");
	}
}

void save_format_loss(const App *a, SaveFormat f, int compact, char *buf,
		      size_t n)
{
	loss_text(a, f, save_format_holds(a, f), compact, buf, n);
}

/* The dataset's own format; for SMD the file that holds the scope being
 * edited (test_label for the node, interpretation_label for metrics). */
static SaveFormat default_format(const App *a)
{
	if (a->s.kind == SERIES_SMD)
		return a->node_scope ? SAVE_SMD : SAVE_INTERP;
	return save_format_usable(a, SAVE_NAB) && a->s.kind == SERIES_NAB
		       ? SAVE_NAB
		       : SAVE_CSV;
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
	/* a train.csv/test.csv folder: labels.csv in it, which the next
	   open finds before test_label.csv (never written); a CSV file:
	   FILE.labels.csv beside it, which the next open finds first */
	if (a->s.kind == SERIES_PSM && a->save_format == SAVE_CSV && a->s.path &&
	    strlen(a->s.path) + 12 < sizeof(a->input))
		snprintf(a->input, sizeof(a->input), "%s/labels.csv",
			 a->s.path);
	else if (a->s.kind == SERIES_CSV && a->save_format == SAVE_CSV &&
		 a->s.path && strlen(a->s.path) + 12 < sizeof(a->input))
		series_labels_csv_path(a->s.path, a->input, sizeof(a->input));
	a->input_len = strlen(a->input);
}

void save_begin(App *a)
{
	if (a->read_only) {
		app_message(a, "read-only: another vigil (pid %ld) edits these "
			       "labels; nothing to save here",
			    a->journal.other_pid);
		return;
	}
	a->save_format = default_format(a);
	a->save_checked = 0;
	default_path(a);
	a->prompt = PROMPT_SAVE;
	a->dirty |= DIRTY_STATUS;
}

void save_cycle_format(App *a)
{
	for (int i = 0; i < SAVE_FORMATS; i++) {
		a->save_format = (a->save_format + 1) % SAVE_FORMATS;
		if (save_format_usable(a, (SaveFormat)a->save_format))
			break;
	}
	default_path(a);
}

void save_folder(const App *a, char *buf, size_t n)
{
	char dir[1024];
	const char *slash = strrchr(a->input, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == a->input)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - a->input),
			 a->input);
	char real[4096];
	if (realpath(dir, real))
		snprintf(buf, n, "%s", real);
	else
		snprintf(buf, n, "%s", dir);
}

/* The format a path's name says, else the prompt's. A ".txt" is either
 * SMD file: the one the start read there (an SMD machine's own or a
 * --labels one), else the one the path says (interpretation, test_label),
 * else the prompt's interpretation_label when chosen, else test_label. */
static SaveFormat format_of(const App *a, const char *p)
{
	SaveFormat f = (SaveFormat)a->save_format;
	size_t l = strlen(p);
	LabelFormat mf, nf;
	const char *metrics = start_file(a, UI_SAVED_METRICS, &mf);
	const char *node = start_file(a, UI_SAVED_NODE, &nf);
	if (same_file(p, metrics))
		f = SAVE_INTERP;
	else if (same_file(p, node) && nf == LABEL_FORMAT_SMD)
		f = SAVE_SMD;
	else if (l > 4 && !strcmp(p + l - 4, ".csv"))
		f = SAVE_CSV;
	else if (l > 5 && !strcmp(p + l - 5, ".json"))
		f = SAVE_NAB;
	else if (strstr(p, "interpretation"))
		f = SAVE_INTERP;
	else if (strstr(p, "test_label"))
		f = SAVE_SMD;
	else if (l > 4 && !strcmp(p + l - 4, ".txt") && f != SAVE_INTERP)
		f = SAVE_SMD;
	return f;
}

static int known_index(const App *a, const char *path)
{
	for (size_t i = 0; i < a->n_known; i++)
		if (!strcmp(a->known[i].path, path))
			return (int)i;
	return -1;
}

void save_remember(App *a, const char *path)
{
	struct stat sb;
	if (!path || stat(path, &sb) != 0)
		return;
	int i = known_index(a, path);
	if (i < 0) {
		size_t cap = sizeof(a->known) / sizeof(a->known[0]);
		i = (int)(a->n_known < cap ? a->n_known++ : cap - 1);
		snprintf(a->known[i].path, sizeof(a->known[i].path), "%s", path);
	}
	a->known[i].size = (long long)sb.st_size;
	a->known[i].mtime_ns = (long long)sb.st_mtim.tv_sec * 1000000000LL +
			       sb.st_mtim.tv_nsec;
	a->known[i].ino = (long long)sb.st_ino;
}

/* 0 when path may be written without asking; else the question, in buf. */
static int replace_question(const App *a, const char *path, char *buf,
			    size_t n)
{
	struct stat sb;
	if (stat(path, &sb) != 0)
		return 0;
	int i = known_index(a, path);
	if (i >= 0 && a->known[i].size == (long long)sb.st_size &&
	    a->known[i].ino == (long long)sb.st_ino &&
	    a->known[i].mtime_ns == (long long)sb.st_mtim.tv_sec *
						    1000000000LL +
					    sb.st_mtim.tv_nsec)
		return 0;
	snprintf(buf, n,
		 i >= 0 ? "replace? y/n  changed on disk since this vigil read "
			  "or wrote it: %.180s"
			: "replace? y/n  already exists: %.180s",
		 path);
	return 1;
}

int save_request(App *a, const char *path)
{
	char p[512];
	snprintf(p, sizeof(p), "%s", path);
	if (!p[0]) {
		app_message(a, "no file name: not saved");
		return -1;
	}
	SaveFormat f = format_of(a, p);
	if (!save_format_usable(a, f)) {
		app_message(a, "not saved: %s is not a format for this "
			       "dataset (%s)",
			    long_names[f],
			    f == SAVE_NAB ? "NAB windows need a NAB file with "
					    "timestamps"
					  : "SMD files count an SMD machine's "
					    "test rows");
		return -1;
	}
	snprintf(a->save_path, sizeof(a->save_path), "%s", p);
	a->save_fmt = (int)f;
	if (!a->save_checked) {
		char loss[200], brief[200];
		unsigned holds = holds_at(a, f, p);
		loss_text(a, f, holds, 0, loss, sizeof(loss));
		loss_text(a, f, holds, 1, brief, sizeof(brief));
		if (loss[0]) {
			snprintf(a->question, sizeof(a->question),
				 "save anyway? y/n  %s", loss);
			snprintf(a->question_brief, sizeof(a->question_brief),
				 "save anyway? y/n  %.200s", brief);
			a->prompt = PROMPT_LOSSY;
			a->dirty |= DIRTY_STATUS;
			return 0;
		}
		a->save_checked = 1;
	}
	if (a->save_checked != 2 &&
	    replace_question(a, p, a->question, sizeof(a->question))) {
		a->save_checked = 2;
		snprintf(a->question_brief, sizeof(a->question_brief), "%s",
			 a->question);
		a->prompt = PROMPT_REPLACE;
		a->dirty |= DIRTY_STATUS;
		return 0;
	}
	return save_labels(a, p) == 0 ? 1 : -1;
}

int save_labels(App *a, const char *path)
{
	char p[512];
	snprintf(p, sizeof(p), "%s", path);
	if (!p[0]) {
		app_message(a, "no file name: not saved");
		return -1;
	}
	SaveFormat f = format_of(a, p);
	unsigned holds = holds_at(a, f, p);
	ErrorRecord err;
	error_clear(&err);
	Status st;
	if (f == SAVE_NAB && nab_from_metric(a)) {
		/* the metric's windows, as the node's (the writer's) */
		LabelSet one;
		st = labelset_init(&one, 1, &err);
		if (st == STATUS_OK)
			st = labelset_add_set(&one, 0,
					      labelset_get(&a->labels.ls, 0),
					      &err);
		if (st == STATUS_OK)
			st = labelset_add_set(&one, LABEL_NODE,
					      labelset_get(&a->labels.ls, 0),
					      &err);
		if (st == STATUS_OK)
			st = labelfile_write(&one, &a->s, p, label_format[f],
					     &err);
		labelset_free(&one);
	} else {
		st = labelfile_write(&a->labels.ls, &a->s, p, label_format[f],
				     &err);
	}
	if (st != STATUS_OK) {
		char buf[700];
		app_message(a, "not saved: %s",
			    err.message[0] ? error_format(&err, buf, sizeof(buf))
					   : status_message(st));
		/* where the line is too narrow for it: the reason first (the
		   system's words, before "(cannot ...)"), then the file's
		   name without its folder, which the user has just typed,
		   then what was done, which gives way first */
		const char *base = strrchr(err.file, '/');
		base = base ? base + 1 : err.file;
		size_t why = strcspn(err.message, "(");
		const char *tail = err.message + why;
		while (why && err.message[why - 1] == ' ')
			why--;
		if (why && *base) {
			char brief[700];
			snprintf(brief, sizeof(brief),
				 "not saved (%.*s): %.300s%s%.300s",
				 (int)(why < 300 ? why : 300), err.message, base,
				 *tail ? " " : "", tail);
			app_message_brief(a, brief);
		}
		return -1;
	}
	save_remember(a, p);
	UiOp op = {UI_OP_SAVED, 0, 0, 0, 0, holds, NULL};
	app_apply(a, &op);
	/* when this was the dataset's own label file, the next start reads
	   these labels as its original ones: the journal goes on from here */
	journal_saved(a, p, holds);
	char jerr[120] = "";
	if (a->journal.error)
		snprintf(jerr, sizeof(jerr), "  (JOURNAL NOT WRITTEN: %s)",
			 strerror(a->journal.error));
	size_t left = ui_labels_unsaved(&a->labels);
	/* an SMD machine's own file replaced: the next open reads the other
	   scope from the other file */
	const char *other = reopen_other(a, p, f);
	/* a file the next start does not read: how to start from it (the
	   file named once; where the line is too narrow, only how) */
	int tell = !other && !next_start_reads(a, p) && !jerr[0];
	if (other && !left)
		app_message(a, "saved (%s); %s labels reopen from %.300s%s",
			    save_format_name(f),
			    f == SAVE_INTERP ? "node" : "metric",
			    short_path(other), jerr);
	else if ((holds == UI_SAVED_ALL || !left) && tell)
		app_message(a, "saved %.300s (%s); reopen with --labels FILE",
			    p, save_format_name(f));
	else if (holds == UI_SAVED_ALL || !left)
		app_message(a, "saved %.300s (%s)%s", p, save_format_name(f),
			    jerr);
	else {
		char part[400];
		snprintf(part, sizeof(part),
			 "saved without the %s edits (they stay unsaved): "
			 "%.300s (%s)",
			 holds & UI_SAVED_NODE ? "metrics'" : "node-level", p,
			 save_format_name(f));
		app_message(a, "%s%s%s", part, jerr,
			    tell ? "; reopen with --labels FILE" : "");
		if (tell)
			app_message_brief(a, part);
	}
	if (tell && !left) {
		char brief[400];
		snprintf(brief, sizeof(brief), "reopen with --labels %.300s",
			 p);
		app_message_brief(a, brief);
	}
	return 0;
}
