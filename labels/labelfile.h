/* Label files: reading and writing every label format, and comparing two.
 *
 *   smd     SMD test_label: one 0/1 per test row -> node-level ranges
 *   interp  SMD interpretation_label: lines "start-end:d1,d2,..." (0-based
 *           test rows, end exclusive, 1-based metric dimensions) -> ranges
 *           per metric; the node set is their union
 *   nab     NAB combined_windows.json: {"dir/file.csv": [["start", "end"]]},
 *           timestamps mapped to rows of the series (both ends inclusive)
 *   csv     vigil's own: metric,start,end,start_time,end_time,source,note
 *           with row indices of the whole series and '*' for the node level
 * Ranges in a LabelSet are rows of the whole series: the SMD formats, which
 * count test rows, are offset by the series' split. Writers build the file
 * in memory and save it with atomicfile_write. Unchanged SMD labels are
 * written back byte-identical to the files they were read from. */
#ifndef VIGIL_LABELFILE_H
#define VIGIL_LABELFILE_H

#include <stddef.h>

#include "data/range.h"
#include "data/series.h"
#include "data/status.h"
#include "labels/labelset.h"

typedef enum {
	LABEL_FORMAT_SMD,
	LABEL_FORMAT_INTERP,
	LABEL_FORMAT_NAB,
	LABEL_FORMAT_CSV,
	LABEL_FORMAT_COLUMN, /* read only: a CSV file's column of 0 and 1
				named as labels (series_label_name), one
				per row of the series or of its test part */
	LABEL_FORMAT_COUNT,
} LabelFormat;

/* "smd", "interp", "nab", "csv"; parse returns 0 or -1. */
const char *labelfile_format_name(LabelFormat f);
int labelfile_format_parse(const char *text, LabelFormat *out);
/* Guess a file's format from its name and first line. */
Status labelfile_guess(const char *path, LabelFormat *out, ErrorRecord *err);

/* Read path (format f) for series s into ls (initialised here with
 * s->metrics metrics; original = working = the file). On error ls is left
 * empty and err names the file, line and column. */
Status labelfile_read(LabelSet *ls, const Series *s, const char *path,
		      LabelFormat f, ErrorRecord *err);

/* As labelfile_read, for a series that is still growing (the dashboard's
 * --follow): a vigil label CSV's ranges may end after its last row (rows
 * not written yet); they are kept whole, and scoring and drawing clip
 * them to the rows there are, so they appear as the rows arrive. Other
 * formats as labelfile_read. */
Status labelfile_read_ahead(LabelSet *ls, const Series *s, const char *path,
			    LabelFormat f, ErrorRecord *err);

/* The label files a start reads: path (the metrics' interpretation_label
 * file, or the one file) and, over its node level, node_path's. */
enum { LABEL_OWN_METRICS = 1, LABEL_OWN_NODE = 2 };
typedef struct {
	const char *path; /* borrowed; NULL: no labels */
	LabelFormat format;
	const char *node_path; /* borrowed, may be NULL: the node level's
				  own file (test_label, a label column) */
	LabelFormat node_format;
	unsigned own; /* LABEL_OWN_*: the scopes read from an SMD machine's
			 own files, which no --labels file gave */
} LabelSources;

/* The files to read for s, given n (0-2) --labels files (their formats
 * guessed, or *format for a single one): one file alone, or a node-level
 * file (test_label, a label column) and an interpretation_label file in
 * either order. On an SMD machine a scope that no given file holds comes
 * from the machine's own file of that scope when it can be read (n = 0:
 * both), so that an interpretation_label file keeps the machine's node
 * and a test_label file its metrics. Two files of one kind, or a file
 * holding both scopes (vigil's CSV, NAB windows) with another, are a
 * usage error naming them. */
Status labelfile_sources(LabelSources *src, const Series *s,
			 const char *const *given, size_t n,
			 const LabelFormat *format, ErrorRecord *err);
/* Read src (src->path not NULL) into ls and fill the gaps as
 * labelfile_complete does; ahead as labelfile_read_ahead. */
Status labelfile_read_sources(LabelSet *ls, const Series *s,
			      const LabelSources *src, int ahead,
			      ErrorRecord *err);

/* Fill the gaps so that every view and command scores the same labels: a
 * single metric without ranges of its own takes the node's; a node
 * without ranges takes the union of the metrics', unless node_given (the
 * labels came in a format that holds a node level: all but
 * interpretation_label; an empty node there is a node without labels, as
 * a save of one leaves it). The result is made the original. */
Status labelfile_complete(LabelSet *ls, int node_given, ErrorRecord *err);

/* Write ls's working copy to path in format f, atomically. smd writes the
 * node set, interp the per-metric sets, nab the node set (one file) or each
 * metric's set (several NAB files as one node; other keys already in an
 * existing destination are kept), csv everything. */
Status labelfile_write(const LabelSet *ls, const Series *s, const char *path,
		       LabelFormat f, ErrorRecord *err);

/* One place where two lists of labelled ranges disagree: a group of ranges
 * connected by overlap in which a and b do not hold exactly one identical
 * range each. */
typedef struct {
	size_t a_first, n_a; /* the group's ranges in a: a[a_first ..] */
	size_t b_first, n_b; /* and in b */
	int64_t only_a;      /* rows covered by a only */
	int64_t only_b;      /* rows covered by b only */
} LabelDisagreement;

/* Compare two lists of ranges (each sorted by start; ranges within a list
 * may overlap). *out (malloc'd) receives *n disagreements in row order. */
Status labelfile_compare(const Range *a, size_t na, const Range *b, size_t nb,
			 LabelDisagreement **out, size_t *n,
			 ErrorRecord *err);
/* The ranges of ls's interpretation_label lines, sorted by start (exact
 * duplicates kept once). *out is malloc'd. */
Status labelfile_line_ranges(const LabelSet *ls, Range **out, size_t *n,
			     ErrorRecord *err);

#endif
