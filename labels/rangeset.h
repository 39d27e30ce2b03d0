/* RangeSet: the labelled ranges of one metric (or of the node level).
 *
 * A sorted list of disjoint half-open row ranges [start, end) of the whole
 * series, each with its source (the original file or an analyst) and an
 * optional note. Ranges never overlap; they may touch (a split leaves two
 * touching ranges, each with its source and note; scoring takes a run of
 * touching ranges as one event, labels/score.h). Every change is a
 * splice: a slice of ranges replaced by another; the splice is handed back so
 * an edit stack can undo and redo it exactly. Queries are binary searches. */
#ifndef VIGIL_RANGESET_H
#define VIGIL_RANGESET_H

#include <stddef.h>
#include <stdint.h>

#include "data/range.h"
#include "data/status.h"

typedef enum {
	LABEL_ORIGINAL = 0, /* read from a label file */
	LABEL_ANALYST = 1,  /* made or changed by an analyst */
} LabelSource;

typedef struct {
	Range r;
	LabelSource source;
	char *note; /* owned, may be NULL */
} LabelRange;

typedef struct {
	LabelRange *v; /* owned: n ranges sorted by start, disjoint */
	size_t n;
	size_t cap;
} RangeSet;

/* One change: the slice [at, at + n_removed) was replaced by added[]. Both
 * arrays (and their notes) are owned by the splice. */
typedef struct {
	size_t at;
	LabelRange *removed;
	size_t n_removed;
	LabelRange *added;
	size_t n_added;
} RangeSplice;

#define RANGESET_NONE ((size_t)-1)

/* "original" / "analyst"; parse returns 0 or -1. */
const char *rangeset_source_name(LabelSource s);
int rangeset_source_parse(const char *text, LabelSource *out);

void rangeset_init(RangeSet *rs);
void rangeset_free(RangeSet *rs);
/* Deep copy src into dst (dst is initialised here; free it afterwards). */
Status rangeset_copy(RangeSet *dst, const RangeSet *src, ErrorRecord *err);
/* 1 when both sets hold the same extents (sources and notes ignored). */
int rangeset_same_extents(const RangeSet *a, const RangeSet *b);

/* Add r as read from a file: it is merged with the ranges it overlaps (not
 * with those it only touches). Empty ranges are an error. */
Status rangeset_add(RangeSet *rs, Range r, LabelSource src, const char *note,
		    ErrorRecord *err);

/* Mark r: the union with every range r overlaps or touches becomes one range
 * with source src and note (or, when note is NULL, the first merged note).
 * Marking inside an existing range changes nothing (sp->n_* = 0), even when
 * that range touches a neighbour (as after a split). sp (may
 * be NULL) receives the splice; free it with rangeset_splice_free. */
Status rangeset_mark(RangeSet *rs, Range r, LabelSource src, const char *note,
		     RangeSplice *sp, ErrorRecord *err);
/* Unmark r: subtract it; a range that contains r is cut in two. The pieces
 * that lose points get source src. */
Status rangeset_unmark(RangeSet *rs, Range r, LabelSource src,
		       RangeSplice *sp, ErrorRecord *err);
/* Give range i the extent r; ranges r overlaps or touches are absorbed. */
Status rangeset_resize(RangeSet *rs, size_t i, Range r, LabelSource src,
		       RangeSplice *sp, ErrorRecord *err);
/* Give range i the note (NULL or "" removes it); its extent and source
 * stay. */
Status rangeset_set_note(RangeSet *rs, size_t i, const char *note,
			 RangeSplice *sp, ErrorRecord *err);
/* Split the range containing row x (start < x < end) into [start, x) and
 * [x, end); an error when no range has x strictly inside. */
Status rangeset_split(RangeSet *rs, int64_t x, LabelSource src,
		      RangeSplice *sp, ErrorRecord *err);
/* Apply a splice again (inverse = 0: redo) or take it back (inverse = 1). */
Status rangeset_apply(RangeSet *rs, const RangeSplice *sp, int inverse,
		      ErrorRecord *err);
void rangeset_splice_free(RangeSplice *sp);

/* Index of the range containing row x, or RANGESET_NONE. */
size_t rangeset_find(const RangeSet *rs, int64_t x);
/* First range starting after x / last range starting before x, or
 * RANGESET_NONE (the ] and [ keys). */
size_t rangeset_next(const RangeSet *rs, int64_t x);
size_t rangeset_prev(const RangeSet *rs, int64_t x);
/* Index of the first range whose end is > x (rs->n when none). */
size_t rangeset_lower(const RangeSet *rs, int64_t x);
/* Rows of q covered by the set. O(log n + ranges overlapping q). */
int64_t rangeset_overlap(const RangeSet *rs, Range q);
/* Rows covered by the set. */
int64_t rangeset_points(const RangeSet *rs);
/* The rows of a that are not in b, as maximal ranges: *out (malloc'd, free
 * it) holds *n ranges. */
Status rangeset_difference(const RangeSet *a, const RangeSet *b, Range **out,
			   size_t *n, ErrorRecord *err);

#endif
