/* Prometheus as a dataset: a range query over the HTTP API read into a
 * Series, and the growing tail of one for vigil watch.
 *
 * A source is written prometheus://HOST:PORT[/PREFIX]/?query=EXPR&start=T&
 * end=T&step=S (prometheuss:// or SeriesOptions.tls for https). T is RFC
 * 3339, epoch seconds, `now` or `now-DURATION` (end defaults to now, start
 * to one day before end); S is seconds or a duration (30s, 1m, 1h), whole
 * seconds. Each series the query returns is one metric, named from its
 * labels as Prometheus writes them (node_load1{instance="a",job="node"}).
 * Rows lie on the grid start + k * step; missing samples are filled
 * forward (a leading gap backward) and counted in Series.filled, and rows
 * where no metric has a sample at the start or the end of the range are
 * left out. Long ranges are fetched in chunks of at most PROM_CHUNK points
 * per series (Prometheus refuses more than 11,000). A first fetch of more
 * series than SERIES_MAX_METRICS is refused (STATUS_RANGE) before they take
 * memory; an append only names the series it does not know.
 *
 * Errors: Prometheus's own text (bad query, too many points, timeout) is the
 * message; a server that does not answer says so. Both are bad input
 * (exit 2), and so is a source written wrong (no host, a port that is not
 * one, no query, an unknown parameter, a time or step that does not
 * read). This file is the only one that includes libcurl, so it also
 * carries the one HTTP POST that vigil watch needs (Alertmanager). */
#ifndef VIGIL_PROM_H
#define VIGIL_PROM_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "data/series.h"
#include "data/status.h"

/* Points per series in one query_range request. */
#define PROM_CHUNK 10000
/* Most steps in one range (a year of 1-s steps is about 31.5 million). */
#define PROM_MAX_STEPS 50000000

typedef struct PromSource PromSource;

/* Nonzero when text starts with prometheus:// or prometheuss://. */
int prom_is_url(const char *text);

/* url as it may be shown: the password of a SCHEME://USER:PASSWORD@HOST
 * part replaced by *** (user:***@host); anything else, a path included, is
 * copied as it is. Into buf of size n (strlen(url) + 4 always suffices),
 * cut where it does not fit. Returns buf. Every message, output and alert
 * that names a source or an Alertmanager goes through it. */
char *prom_redact_url(const char *url, char *buf, size_t n);

/* Parse url and the auth options of opt (bearer token file, user, tls);
 * nothing is fetched yet. *out is freed with prom_close. */
Status prom_open(PromSource **out, const char *url, const SeriesOptions *opt,
		 ErrorRecord *err);
void prom_close(PromSource *p);

/* A request of p in progress gives up within about a second once *flag is
 * nonzero (a transport failure); NULL: never. flag is borrowed. */
void prom_set_cancel(PromSource *p, const volatile sig_atomic_t *flag);

/* The source's step and range in epoch seconds (start and end as resolved
 * when it was opened: `now` is the time of prom_open). */
int64_t prom_step(const PromSource *p);
int64_t prom_start(const PromSource *p);
int64_t prom_end(const PromSource *p);
/* "http://HOST:PORT[/PREFIX]": where requests go, as messages name it
 * (a password in it redacted: prom_redact_url). */
const char *prom_base_url(const PromSource *p);
/* The PromQL expression. */
const char *prom_query(const PromSource *p);

/* Fetch the source's range into *s (split from opt as for any dataset). */
Status prom_fetch(PromSource *p, const SeriesOptions *opt, Series *s,
		  ErrorRecord *err);

/* Fetch the rows after s's last one up to time end and append them to s
 * (metrics matched by name; a metric missing from the answer is filled
 * forward, a series s does not have is not scored and is added to the
 * list of prom_unknown_name). *added receives the number of rows appended
 * (0 when nothing new has arrived). s keeps its split. */
Status prom_append(PromSource *p, Series *s, int64_t end, size_t *added,
		   ErrorRecord *err);

/* The series prom_append found in the answers that the series it grew
 * has no metric for (a metric that appeared after the model was made):
 * how many, and the i-th (NULL past the end), each once, in the order
 * they appeared. */
size_t prom_unknown_count(const PromSource *p);
/* Metric m of the series prom_append grows: 1 when the rows it appended
 * last held no sample of it (the series went away: its last value is
 * carried forward), else 0. */
int prom_metric_gone(const PromSource *p, size_t m);
const char *prom_unknown_name(const PromSource *p, size_t i);

/* Open url (as prom_open) and fetch it into *s: series_open's loader. */
Status series_load_prom(Series *s, const char *url, const SeriesOptions *opt,
			ErrorRecord *err);

/* POST body (JSON) to url (http or https) within timeout_ms milliseconds
 * (connecting included); a post in progress gives up at once when *cancel
 * becomes nonzero (cancel may be NULL). On an answer other than 2xx, the
 * message holds the HTTP code and the first line of the answer
 * (STATUS_PARSE for 4xx, the request was refused; STATUS_IO otherwise);
 * without an answer, why (STATUS_IO). */
Status prom_http_post_json(const char *url, const char *body, long timeout_ms,
			   const volatile sig_atomic_t *cancel,
			   ErrorRecord *err);

/* GET url into a malloc'd NUL-terminated *body (free it); *code receives
 * the HTTP code. Fails only when there is no answer. */
Status prom_http_get(const char *url, long timeout_s, char **body, long *code,
		     ErrorRecord *err);

/* Parse a time as the source's start/end take it (RFC 3339, epoch seconds,
 * now, now-DURATION; now is the given time); 0 or -1. */
int prom_parse_time(const char *text, int64_t now, int64_t *out);

/* Parse a duration: seconds, or a number with s, m, h, d or w; 0 or -1. */
int prom_parse_duration(const char *text, int64_t *out);

#endif
