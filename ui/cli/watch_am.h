/* The Alertmanager side of vigil watch: the alerts it has told Alertmanager
 * about, what is still to be delivered, and the retries with backoff.
 *
 * An alert is known to Alertmanager by its labels (alertname VigilAnomaly,
 * node, criticality, top_metrics). While it fires it is re-posted every
 * resend seconds, each post with an endsAt hold seconds ahead (as Prometheus
 * does), so Alertmanager keeps it firing between posts whatever its
 * resolve_timeout, and resolves it by itself if vigil stops; when the anomaly ends, or its criticality changes (new
 * labels, so a new alert), it is posted once more with endsAt set, which
 * resolves it. Posts that fail stay queued and are retried with a doubling
 * delay (1 s up to retry_max); nothing is dropped while vigil runs. At
 * stop, what is still queued has a last bounded chance (am_flush_last). */
#ifndef VIGIL_WATCH_AM_H
#define VIGIL_WATCH_AM_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "data/status.h"

typedef struct {
	int64_t key;        /* vigil's alert id (its start row) */
	char *labels;       /* owned: the "labels" JSON object */
	char *annotations;  /* owned: the "annotations" JSON object */
	int64_t starts_at;  /* epoch seconds */
	int64_t ends_at;    /* 0 while firing */
	int dirty;          /* 1: to be posted */
} AmAlert;

typedef struct {
	char *url;          /* owned: .../api/v2/alerts */
	AmAlert *a;         /* owned */
	size_t n, cap;
	double retry_max;   /* seconds */
	double resend;      /* seconds between posts of a firing alert */
	double hold;        /* a firing alert's endsAt: this many seconds
			       after the post (more than the time between
			       two posts) */
	double backoff;     /* current delay after a failure (0 = none) */
	double next_try;    /* monotonic seconds: no post before */
	double last_resend; /* monotonic seconds */
	size_t failures;    /* failed posts in a row */
	const volatile sig_atomic_t *cancel; /* borrowed, may be NULL: a post
						in progress gives up once it
						is nonzero (watch stopping) */
} AlertManager;

/* base is Alertmanager's address (http://host:9093); the API path is
 * added. */
Status am_init(AlertManager *am, const char *base, double retry_max,
	       ErrorRecord *err);
void am_free(AlertManager *am);

/* Start firing alert key with these labels and annotations (JSON objects,
 * copied); an alert already firing under key with other labels is resolved
 * at now first. */
Status am_fire(AlertManager *am, int64_t key, const char *labels,
	       const char *annotations, int64_t starts_at, int64_t now,
	       ErrorRecord *err);
/* Update a firing alert's annotations (posted with the next resend). */
void am_annotate(AlertManager *am, int64_t key, const char *annotations);
/* Resolve alert key at ends_at. */
void am_resolve(AlertManager *am, int64_t key, int64_t ends_at);

/* Post what is due when the backoff allows (mono: monotonic seconds).
 * Returns 1 after a delivery, 0 when nothing was due or it is not time to
 * retry, -1 after a failed post (err says why; the next try is in
 * am->backoff seconds). An answer refusing the post (4xx) is not retried:
 * resolutions in it are dropped, firing alerts go with the next resend. */
int am_flush(AlertManager *am, double mono, ErrorRecord *err);

/* At stop: post what is still queued, whatever the backoff, trying again
 * until limit seconds have passed (a post that hangs is cut at the limit;
 * cancel, which may be NULL, cuts it at once). Returns how many alerts
 * were not delivered (0: all were, or nothing was queued; err says why
 * when not). Firing alerts are not posted again only to be held. */
size_t am_flush_last(AlertManager *am, double limit,
		     const volatile sig_atomic_t *cancel, ErrorRecord *err);

#endif
