/* RangeSet: sorted disjoint labelled ranges, changed only through splices
 * (see rangeset.h). Every operation first builds the replacement slice, then
 * allocates everything it needs, and only then touches the set, so a failed
 * allocation leaves the set as it was. */
#include "labels/rangeset.h"

#include <stdlib.h>
#include <string.h>

const char *rangeset_source_name(LabelSource s)
{
	return s == LABEL_ANALYST ? "analyst" : "original";
}

int rangeset_source_parse(const char *text, LabelSource *out)
{
	if (!strcmp(text, "original")) {
		*out = LABEL_ORIGINAL;
		return 0;
	}
	if (!strcmp(text, "analyst")) {
		*out = LABEL_ANALYST;
		return 0;
	}
	return -1;
}

void rangeset_init(RangeSet *rs)
{
	rs->v = NULL;
	rs->n = 0;
	rs->cap = 0;
}

static void free_ranges(LabelRange *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].note);
}

void rangeset_free(RangeSet *rs)
{
	free_ranges(rs->v, rs->n);
	free(rs->v);
	rangeset_init(rs);
}

void rangeset_splice_free(RangeSplice *sp)
{
	if (!sp)
		return;
	free_ranges(sp->removed, sp->n_removed);
	free_ranges(sp->added, sp->n_added);
	free(sp->removed);
	free(sp->added);
	memset(sp, 0, sizeof(*sp));
}

static Status nomem(ErrorRecord *err)
{
	return error_set(err, STATUS_NOMEM, NULL, 0, 0, "out of memory");
}

/* Deep copy n ranges into a new array (NULL with n == 0 is fine). */
static int dup_ranges(const LabelRange *src, size_t n, LabelRange **out)
{
	*out = NULL;
	if (n == 0)
		return 0;
	LabelRange *v = malloc(n * sizeof(*v));
	if (!v)
		return -1;
	for (size_t i = 0; i < n; i++) {
		v[i] = src[i];
		v[i].note = NULL;
		if (src[i].note && !(v[i].note = strdup(src[i].note))) {
			free_ranges(v, i);
			free(v);
			return -1;
		}
	}
	*out = v;
	return 0;
}

static int reserve(RangeSet *rs, size_t need)
{
	if (need <= rs->cap)
		return 0;
	size_t cap = rs->cap ? rs->cap * 2 : 8;
	while (cap < need)
		cap *= 2;
	LabelRange *v = realloc(rs->v, cap * sizeof(*v));
	if (!v)
		return -1;
	rs->v = v;
	rs->cap = cap;
	return 0;
}

/* Replace rs->v[at .. at+n_del) by ins[0 .. n_ins), taking ownership of
 * ins' notes (ins itself stays the caller's). When sp is given it receives
 * the removed ranges and a copy of the inserted ones. */
static Status splice(RangeSet *rs, size_t at, size_t n_del, LabelRange *ins,
		     size_t n_ins, RangeSplice *sp, ErrorRecord *err)
{
	LabelRange *removed = NULL, *added = NULL;
	if (reserve(rs, rs->n - n_del + n_ins))
		goto fail;
	if (sp) {
		memset(sp, 0, sizeof(*sp));
		if (n_del && !(removed = malloc(n_del * sizeof(*removed))))
			goto fail;
		if (dup_ranges(ins, n_ins, &added))
			goto fail;
	}
	if (removed)
		memcpy(removed, rs->v + at, n_del * sizeof(*removed));
	else
		free_ranges(rs->v + at, n_del);
	memmove(rs->v + at + n_ins, rs->v + at + n_del,
		(rs->n - at - n_del) * sizeof(*rs->v));
	if (n_ins)
		memcpy(rs->v + at, ins, n_ins * sizeof(*ins));
	rs->n = rs->n - n_del + n_ins;
	if (sp) {
		sp->at = at;
		sp->removed = removed;
		sp->n_removed = n_del;
		sp->added = added;
		sp->n_added = n_ins;
	}
	return STATUS_OK;
fail:
	free(removed);
	free(added);
	free_ranges(ins, n_ins);
	return nomem(err);
}

Status rangeset_copy(RangeSet *dst, const RangeSet *src, ErrorRecord *err)
{
	rangeset_init(dst);
	if (dup_ranges(src->v, src->n, &dst->v))
		return nomem(err);
	dst->n = dst->cap = src->n;
	return STATUS_OK;
}

int rangeset_same_extents(const RangeSet *a, const RangeSet *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].r.start != b->v[i].r.start ||
		    a->v[i].r.end != b->v[i].r.end)
			return 0;
	return 1;
}

/* First index whose end is > x (strict = 1) or >= x (strict = 0). Ends are
 * increasing because the ranges are sorted and disjoint. */
static size_t first_end_after(const RangeSet *rs, int64_t x, int strict)
{
	size_t lo = 0, hi = rs->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int64_t e = rs->v[mid].r.end;
		if (strict ? e > x : e >= x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* First index whose start is > x (strict = 1) or >= x (strict = 0). */
static size_t first_start_after(const RangeSet *rs, int64_t x, int strict)
{
	size_t lo = 0, hi = rs->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int64_t s = rs->v[mid].r.start;
		if (strict ? s > x : s >= x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

size_t rangeset_lower(const RangeSet *rs, int64_t x)
{
	return first_end_after(rs, x, 1);
}

size_t rangeset_find(const RangeSet *rs, int64_t x)
{
	size_t i = first_end_after(rs, x, 1);
	if (i < rs->n && rs->v[i].r.start <= x)
		return i;
	return RANGESET_NONE;
}

size_t rangeset_next(const RangeSet *rs, int64_t x)
{
	size_t i = first_start_after(rs, x, 1);
	return i < rs->n ? i : RANGESET_NONE;
}

size_t rangeset_prev(const RangeSet *rs, int64_t x)
{
	size_t i = first_start_after(rs, x, 0);
	return i > 0 ? i - 1 : RANGESET_NONE;
}

int64_t rangeset_overlap(const RangeSet *rs, Range q)
{
	int64_t sum = 0;
	for (size_t i = first_end_after(rs, q.start, 1);
	     i < rs->n && rs->v[i].r.start < q.end; i++) {
		int64_t s = rs->v[i].r.start > q.start ? rs->v[i].r.start
						       : q.start;
		int64_t e = rs->v[i].r.end < q.end ? rs->v[i].r.end : q.end;
		sum += e - s;
	}
	return sum;
}

int64_t rangeset_points(const RangeSet *rs)
{
	int64_t sum = 0;
	for (size_t i = 0; i < rs->n; i++)
		sum += rs->v[i].r.end - rs->v[i].r.start;
	return sum;
}

static Status check_range(Range r, ErrorRecord *err)
{
	if (r.start < 0 || r.end <= r.start)
		return error_set(err, STATUS_RANGE, NULL, 0, 0,
				 "not a range of rows: [%lld, %lld)",
				 (long long)r.start, (long long)r.end);
	return STATUS_OK;
}

/* Build one merged range over v[i..j) and r; note NULL takes the first
 * merged note. */
static Status merged_range(const RangeSet *rs, size_t i, size_t j, Range r,
			   LabelSource src, const char *note, LabelRange *out,
			   ErrorRecord *err)
{
	out->r = r;
	out->source = src;
	out->note = NULL;
	for (size_t k = i; k < j; k++) {
		if (rs->v[k].r.start < out->r.start)
			out->r.start = rs->v[k].r.start;
		if (rs->v[k].r.end > out->r.end)
			out->r.end = rs->v[k].r.end;
		if (!note && rs->v[k].note)
			note = rs->v[k].note;
	}
	if (note && !(out->note = strdup(note)))
		return nomem(err);
	return STATUS_OK;
}

static void empty_splice(RangeSplice *sp)
{
	if (sp)
		memset(sp, 0, sizeof(*sp));
}

Status rangeset_add(RangeSet *rs, Range r, LabelSource src, const char *note,
		    ErrorRecord *err)
{
	Status st = check_range(r, err);
	if (st)
		return st;
	size_t i = first_end_after(rs, r.start, 1);
	size_t j = first_start_after(rs, r.end, 0);
	LabelRange m;
	if ((st = merged_range(rs, i, j, r, src, note, &m, err)))
		return st;
	return splice(rs, i, j - i, &m, 1, NULL, err);
}

Status rangeset_mark(RangeSet *rs, Range r, LabelSource src, const char *note,
		     RangeSplice *sp, ErrorRecord *err)
{
	Status st = check_range(r, err);
	if (st)
		return st;
	/* Already inside one range (and no new note): nothing to do, even
	 * when that range touches a neighbour (as after a split). */
	size_t c = rangeset_find(rs, r.start);
	if (c != RANGESET_NONE && rs->v[c].r.end >= r.end &&
	    (!note || (rs->v[c].note && !strcmp(note, rs->v[c].note)))) {
		empty_splice(sp);
		return STATUS_OK;
	}
	size_t i = first_end_after(rs, r.start, 0);
	size_t j = first_start_after(rs, r.end, 1);
	LabelRange m;
	if ((st = merged_range(rs, i, j, r, src, note, &m, err)))
		return st;
	return splice(rs, i, j - i, &m, 1, sp, err);
}

/* A copy of v with a new extent and source (note duplicated). */
static int piece(const LabelRange *v, Range r, LabelSource src,
		 LabelRange *out)
{
	out->r = r;
	out->source = src;
	out->note = NULL;
	if (v->note && !(out->note = strdup(v->note)))
		return -1;
	return 0;
}

Status rangeset_unmark(RangeSet *rs, Range r, LabelSource src,
		       RangeSplice *sp, ErrorRecord *err)
{
	Status st = check_range(r, err);
	if (st)
		return st;
	size_t i = first_end_after(rs, r.start, 1);
	size_t j = first_start_after(rs, r.end, 0);
	if (i >= j) {
		empty_splice(sp);
		return STATUS_OK;
	}
	LabelRange ins[2];
	size_t n = 0;
	if (rs->v[i].r.start < r.start) {
		if (piece(&rs->v[i], (Range){rs->v[i].r.start, r.start}, src,
			  &ins[n]))
			return nomem(err);
		n++;
	}
	if (rs->v[j - 1].r.end > r.end) {
		if (piece(&rs->v[j - 1], (Range){r.end, rs->v[j - 1].r.end},
			  src, &ins[n])) {
			free_ranges(ins, n);
			return nomem(err);
		}
		n++;
	}
	return splice(rs, i, j - i, ins, n, sp, err);
}

Status rangeset_resize(RangeSet *rs, size_t i, Range r, LabelSource src,
		       RangeSplice *sp, ErrorRecord *err)
{
	if (i >= rs->n)
		return error_set(err, STATUS_RANGE, NULL, 0, 0,
				 "no labelled range number %zu", i);
	Status st = check_range(r, err);
	if (st)
		return st;
	size_t a = first_end_after(rs, r.start, 0);
	size_t b = first_start_after(rs, r.end, 1);
	/* The slice [lo, hi) covers range i and every range r absorbs; ranges
	 * in between that r does not reach (when r moved far) are kept. */
	size_t lo = a < i ? a : i;
	size_t hi = b > i + 1 ? b : i + 1;
	size_t n = 0;
	LabelRange *ins = malloc((hi - lo + 1) * sizeof(*ins));
	if (!ins)
		return nomem(err);
	LabelRange m;
	m.r = r;
	m.source = src;
	m.note = NULL;
	const char *note = rs->v[i].note;
	for (size_t k = a; k < b; k++) {
		if (k == i)
			continue; /* its old extent gives way to r */
		if (rs->v[k].r.start < m.r.start)
			m.r.start = rs->v[k].r.start;
		if (rs->v[k].r.end > m.r.end)
			m.r.end = rs->v[k].r.end;
		if (!note && rs->v[k].note)
			note = rs->v[k].note;
	}
	int placed = 0;
	for (size_t k = lo; k < hi; k++) {
		if (k == i || (k >= a && k < b))
			continue;
		if (!placed && rs->v[k].r.start > m.r.start) {
			ins[n++] = m;
			placed = 1;
		}
		if (piece(&rs->v[k], rs->v[k].r, rs->v[k].source, &ins[n]))
			goto fail;
		n++;
	}
	if (!placed)
		ins[n++] = m;
	size_t mi = 0;
	while (ins[mi].r.start != m.r.start || ins[mi].r.end != m.r.end)
		mi++;
	if (note && !(ins[mi].note = strdup(note)))
		goto fail;
	st = splice(rs, lo, hi - lo, ins, n, sp, err);
	free(ins);
	return st;
fail:
	free_ranges(ins, n);
	free(ins);
	return nomem(err);
}

Status rangeset_set_note(RangeSet *rs, size_t i, const char *note,
			 RangeSplice *sp, ErrorRecord *err)
{
	if (i >= rs->n)
		return error_set(err, STATUS_RANGE, NULL, 0, 0,
				 "no labelled range number %zu", i);
	LabelRange m = rs->v[i];
	m.note = NULL;
	if (note && *note && !(m.note = strdup(note)))
		return nomem(err);
	return splice(rs, i, 1, &m, 1, sp, err); /* takes m.note */
}

Status rangeset_split(RangeSet *rs, int64_t x, LabelSource src,
		      RangeSplice *sp, ErrorRecord *err)
{
	size_t i = rangeset_find(rs, x);
	if (i == RANGESET_NONE || rs->v[i].r.start == x)
		return error_set(err, STATUS_RANGE, NULL, 0, 0,
				 "no labelled range to split at row %lld",
				 (long long)x);
	LabelRange ins[2];
	if (piece(&rs->v[i], (Range){rs->v[i].r.start, x}, src, &ins[0]))
		return nomem(err);
	if (piece(&rs->v[i], (Range){x, rs->v[i].r.end}, src, &ins[1])) {
		free_ranges(ins, 1);
		return nomem(err);
	}
	return splice(rs, i, 1, ins, 2, sp, err);
}

Status rangeset_apply(RangeSet *rs, const RangeSplice *sp, int inverse,
		      ErrorRecord *err)
{
	const LabelRange *ins = inverse ? sp->removed : sp->added;
	size_t n_ins = inverse ? sp->n_removed : sp->n_added;
	size_t n_del = inverse ? sp->n_added : sp->n_removed;
	if (sp->at + n_del > rs->n)
		return error_set(err, STATUS_INTERNAL, NULL, 0, 0,
				 "edit does not fit the label set");
	LabelRange *copy;
	if (dup_ranges(ins, n_ins, &copy))
		return nomem(err);
	Status st = splice(rs, sp->at, n_del, copy, n_ins, NULL, err);
	free(copy);
	return st;
}

static int push_range(Range **out, size_t *n, size_t *cap, Range r)
{
	if (*n > 0 && (*out)[*n - 1].end == r.start) {
		(*out)[*n - 1].end = r.end;
		return 0;
	}
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		Range *v = realloc(*out, c * sizeof(*v));
		if (!v)
			return -1;
		*out = v;
		*cap = c;
	}
	(*out)[(*n)++] = r;
	return 0;
}

Status rangeset_difference(const RangeSet *a, const RangeSet *b, Range **out,
			   size_t *n, ErrorRecord *err)
{
	*out = NULL;
	*n = 0;
	size_t cap = 0, j = 0;
	for (size_t i = 0; i < a->n; i++) {
		int64_t pos = a->v[i].r.start, end = a->v[i].r.end;
		while (j < b->n && b->v[j].r.end <= pos)
			j++;
		for (size_t k = j; pos < end;) {
			Range gap = {pos, end};
			if (k < b->n && b->v[k].r.start < end)
				gap.end = b->v[k].r.start > pos ? b->v[k].r.start
								: pos;
			if (gap.end > gap.start &&
			    push_range(out, n, &cap, gap)) {
				free(*out);
				*out = NULL;
				*n = 0;
				return nomem(err);
			}
			if (k < b->n && b->v[k].r.start < end) {
				if (b->v[k].r.end > pos)
					pos = b->v[k].r.end;
				k++;
			} else {
				pos = end;
			}
		}
	}
	return STATUS_OK;
}
