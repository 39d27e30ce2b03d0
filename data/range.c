/* Criticality names and the union of detections. */
#include "data/range.h"

#include <stdlib.h>
#include <string.h>

const char *crit_name(Criticality c)
{
	switch (c) {
	case CRIT_LOW:
		return "low";
	case CRIT_MEDIUM:
		return "medium";
	case CRIT_HIGH:
		return "high";
	}
	return NULL;
}

int crit_parse(const char *text, Criticality *out)
{
	static const Criticality all[] = {CRIT_LOW, CRIT_MEDIUM, CRIT_HIGH};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (strcmp(text, crit_name(all[i])) == 0) {
			*out = all[i];
			return 0;
		}
	}
	return -1;
}

static int cmp_det_start(const void *a, const void *b)
{
	const Detection *x = a, *y = b;
	if (x->r.start != y->r.start)
		return (x->r.start > y->r.start) - (x->r.start < y->r.start);
	return (x->r.end > y->r.end) - (x->r.end < y->r.end);
}

size_t detection_union(const Detection *in, size_t n, Detection *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (in[i].metric != DETECT_NODE && in[i].r.end > in[i].r.start)
			out[k++] = in[i];
	if (k == 0)
		return 0;
	qsort(out, k, sizeof(*out), cmp_det_start);
	size_t m = 0;
	for (size_t i = 0; i < k; i++) {
		if (m > 0 && out[i].r.start <= out[m - 1].r.end) {
			Detection *last = &out[m - 1];
			if (out[i].r.end > last->r.end)
				last->r.end = out[i].r.end;
			if (out[i].crit > last->crit)
				last->crit = out[i].crit;
			if (out[i].peak > last->peak)
				last->peak = out[i].peak;
			continue;
		}
		out[m] = out[i];
		out[m].metric = DETECT_NODE;
		m++;
	}
	return m;
}
