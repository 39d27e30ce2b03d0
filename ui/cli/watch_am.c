/* vigil watch's Alertmanager client: a queue of alert states posted to
 * /api/v2/alerts with retries (ui/cli/watch_am.h). The HTTP POST itself is
 * data/prom.h's, the one place that links libcurl. */
#include "ui/cli/watch_am.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "data/clock.h"
#include "data/prom.h"
#include "data/series.h"

/* Key of an entry that was replaced (criticality changed) and waits for
 * its resolution to be delivered. */
#define RETIRED INT64_MIN

Status am_init(AlertManager *am, const char *base, double retry_max,
	       ErrorRecord *err)
{
	memset(am, 0, sizeof(*am));
	size_t l = strlen(base);
	while (l && base[l - 1] == '/')
		l--;
	am->url = malloc(l + 32);
	if (!am->url) {
		char shown[sizeof(err->file)];
		return error_set(err, STATUS_NOMEM,
				 prom_redact_url(base, shown, sizeof(shown)), 0,
				 0, "out of memory");
	}
	snprintf(am->url, l + 32, "%.*s/api/v2/alerts", (int)l, base);
	am->retry_max = retry_max > 1 ? retry_max : 1;
	am->resend = 60;
	am->hold = 4 * am->resend;
	return STATUS_OK;
}

static void entry_free(AmAlert *a)
{
	free(a->labels);
	free(a->annotations);
}

void am_free(AlertManager *am)
{
	for (size_t i = 0; i < am->n; i++)
		entry_free(&am->a[i]);
	free(am->a);
	free(am->url);
	memset(am, 0, sizeof(*am));
}

static AmAlert *find(AlertManager *am, int64_t key)
{
	for (size_t i = 0; i < am->n; i++)
		if (am->a[i].key == key)
			return &am->a[i];
	return NULL;
}

Status am_fire(AlertManager *am, int64_t key, const char *labels,
	       const char *annotations, int64_t starts_at, int64_t now,
	       ErrorRecord *err)
{
	AmAlert *old = find(am, key);
	if (old && !strcmp(old->labels, labels)) {
		am_annotate(am, key, annotations);
		return STATUS_OK;
	}
	if (old) {
		old->key = RETIRED;
		old->ends_at = now;
		old->dirty = 1;
	}
	if (am->n == am->cap) {
		size_t cap = am->cap ? am->cap * 2 : 8;
		AmAlert *a = realloc(am->a, cap * sizeof(*a));
		if (!a)
			return error_set(err, STATUS_NOMEM, am->url, 0, 0,
					 "out of memory");
		am->a = a;
		am->cap = cap;
	}
	AmAlert *a = &am->a[am->n];
	memset(a, 0, sizeof(*a));
	a->key = key;
	a->labels = strdup(labels);
	a->annotations = strdup(annotations);
	if (!a->labels || !a->annotations) {
		entry_free(a);
		return error_set(err, STATUS_NOMEM, am->url, 0, 0,
				 "out of memory");
	}
	a->starts_at = starts_at;
	a->dirty = 1;
	am->n++;
	return STATUS_OK;
}

void am_annotate(AlertManager *am, int64_t key, const char *annotations)
{
	AmAlert *a = find(am, key);
	if (!a || !strcmp(a->annotations, annotations))
		return;
	char *c = strdup(annotations);
	if (!c)
		return;
	free(a->annotations);
	a->annotations = c;
}

void am_resolve(AlertManager *am, int64_t key, int64_t ends_at)
{
	AmAlert *a = find(am, key);
	if (!a)
		return;
	a->key = RETIRED;
	a->ends_at = ends_at > a->starts_at ? ends_at : a->starts_at + 1;
	a->dirty = 1;
}

/* RFC 3339 UTC. */
static void rfc3339(int64_t t, char *buf, size_t n)
{
	char s[40];
	series_time_string(t, s, sizeof(s));
	s[10] = 'T';
	snprintf(buf, n, "%sZ", s);
}

static char *payload(const AlertManager *am)
{
	size_t cap = 64;
	for (size_t i = 0; i < am->n; i++)
		if (am->a[i].dirty)
			cap += strlen(am->a[i].labels) +
			       strlen(am->a[i].annotations) + 160;
	char *b = malloc(cap);
	if (!b)
		return NULL;
	size_t len = 0;
	b[len++] = '[';
	int64_t hold_until = (int64_t)time(NULL) + (int64_t)am->hold;
	int first = 1;
	for (size_t i = 0; i < am->n; i++) {
		const AmAlert *a = &am->a[i];
		if (!a->dirty)
			continue;
		char s[48], e[48];
		rfc3339(a->starts_at, s, sizeof(s));
		/* firing: endsAt ahead, or Alertmanager resolves it after its
		   resolve_timeout, which may be shorter than a poll */
		rfc3339(a->ends_at ? a->ends_at : hold_until, e, sizeof(e));
		len += (size_t)snprintf(
			b + len, cap - len,
			"%s{\"labels\": %s, \"annotations\": %s, "
			"\"startsAt\": \"%s\", \"endsAt\": \"%s\"}",
			first ? "" : ", ", a->labels, a->annotations, s, e);
		first = 0;
	}
	snprintf(b + len, cap - len, "]");
	return b;
}

static int delivered(AlertManager *am, Status st, double mono);

int am_flush(AlertManager *am, double mono, ErrorRecord *err)
{
	if (mono - am->last_resend >= am->resend) {
		for (size_t i = 0; i < am->n; i++)
			if (am->a[i].key != RETIRED)
				am->a[i].dirty = 1;
		am->last_resend = mono;
	}
	int due = 0;
	for (size_t i = 0; i < am->n; i++)
		due |= am->a[i].dirty;
	if (!due || mono < am->next_try)
		return 0;
	char *body = payload(am);
	if (!body) {
		error_set(err, STATUS_NOMEM, am->url, 0, 0, "out of memory");
		return -1;
	}
	Status st = prom_http_post_json(am->url, body, 10000, am->cancel, err);
	free(body);
	return delivered(am, st, mono);
}

/* What a post's outcome st (at mono) does to the queue; am_flush's
 * return. */
static int delivered(AlertManager *am, Status st, double mono)
{
	if (st == STATUS_PARSE) {
		/* refused (4xx): sending it again would not help; firing
		   alerts go again with the next resend */
		for (size_t i = 0; i < am->n; i++)
			am->a[i].dirty = am->a[i].key == RETIRED;
		size_t k = 0;
		for (size_t i = 0; i < am->n; i++) {
			if (am->a[i].key == RETIRED)
				entry_free(&am->a[i]);
			else
				am->a[k++] = am->a[i];
		}
		am->n = k;
		return -1;
	}
	if (st != STATUS_OK) {
		am->failures++;
		am->backoff = am->backoff > 0 ? am->backoff * 2 : 1;
		if (am->backoff > am->retry_max)
			am->backoff = am->retry_max;
		am->next_try = mono + am->backoff;
		return -1;
	}
	am->failures = 0;
	am->backoff = 0;
	am->next_try = 0;
	size_t k = 0;
	for (size_t i = 0; i < am->n; i++) {
		AmAlert *a = &am->a[i];
		a->dirty = 0;
		if (a->key == RETIRED)
			entry_free(a);
		else
			am->a[k++] = *a;
	}
	am->n = k;
	return 1;
}

size_t am_flush_last(AlertManager *am, double limit,
		     const volatile sig_atomic_t *cancel, ErrorRecord *err)
{
	double until = clock_mono_seconds() + limit;
	for (;;) {
		size_t due = 0;
		for (size_t i = 0; i < am->n; i++)
			due += am->a[i].dirty != 0;
		if (!due)
			return 0;
		double left = until - clock_mono_seconds();
		if (left <= 0 || (cancel && *cancel))
			return due;
		char *body = payload(am);
		if (!body) {
			error_set(err, STATUS_NOMEM, am->url, 0, 0,
				  "out of memory");
			return due;
		}
		Status st = prom_http_post_json(am->url, body,
						(long)(left * 1000) + 1, cancel,
						err);
		free(body);
		double mono = clock_mono_seconds();
		if (st == STATUS_PARSE) {
			delivered(am, st, mono); /* refused: not again */
			return due;
		}
		delivered(am, st, mono);
		if (st != STATUS_OK) {
			/* no answer (Alertmanager starting again?): once
			   more shortly, while there is time */
			double nap = until - mono < 0.25 ? until - mono : 0.25;
			if (nap > 0) {
				struct timespec ts = {0, (long)(nap * 1e9)};
				nanosleep(&ts, NULL);
			}
		}
	}
}
