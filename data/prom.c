/* The Prometheus loader: prometheus:// sources parsed, query_range fetched
 * in chunks with libcurl, the JSON answer read with cJSON into a Series on
 * the step grid, and the growing tail appended for vigil watch. Also the
 * HTTP helpers vigil watch uses for Alertmanager, because this is the only
 * file that includes libcurl (DESIGN section 1). See data/prom.h. */
#include "data/prom.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "data/series_internal.h"

struct PromSource {
	char *url;         /* owned: the source as shown (prom_redact_url) */
	char *base;        /* owned: http[s]://[USER:PASSWORD@]HOST:PORT[/PREFIX],
			      where requests go */
	char *shown;       /* owned: base as messages name it (redacted) */
	char *query;       /* owned: the decoded PromQL expression */
	int64_t start, end, step;
	char *auth_header; /* owned, may be NULL: "Authorization: Bearer .." */
	char *userpwd;     /* owned, may be NULL: USER:PASSWORD */
	char **unknown;    /* owned: series prom_append found that the series
			      it grew has not (each once, in order) */
	size_t n_unknown;
	unsigned char *gone; /* owned: n_gone flags, per metric of the series
				prom_append grew: 1 when its last rows had
				no sample of it (all filled forward) */
	size_t n_gone;
	CURL *curl;        /* owned: reused between requests */
	const volatile sig_atomic_t *cancel; /* borrowed, may be NULL */
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_start(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

int prom_is_url(const char *text)
{
	return text && (!strncmp(text, "prometheus://", 13) ||
			!strncmp(text, "prometheuss://", 14));
}

char *prom_redact_url(const char *url, char *buf, size_t n)
{
	if (!n)
		return buf;
	const char *host = strstr(url, "://");
	size_t auth = host ? strcspn(host + 3, "/?#") : 0;
	const char *at = NULL, *colon = NULL;
	for (size_t i = 0; host && i < auth; i++) {
		if (host[3 + i] == '@')
			at = host + 3 + i;
		else if (host[3 + i] == ':' && !at && !colon)
			colon = host + 3 + i;
	}
	if (!at || !colon || colon > at) {
		snprintf(buf, n, "%s", url);
		return buf;
	}
	snprintf(buf, n, "%.*s:***%s", (int)(colon - url), url, at);
	return buf;
}

int prom_parse_duration(const char *text, int64_t *out)
{
	const char *p = text;
	int64_t total = 0;
	if (!*p)
		return -1;
	while (*p) {
		if (!isdigit((unsigned char)*p))
			return -1;
		char *end;
		errno = 0;
		long long v = strtoll(p, &end, 10);
		if (errno || v < 0 || v > 100000000000LL)
			return -1;
		p = end;
		int64_t unit = 1;
		switch (*p) {
		case 's':
			p++;
			break;
		case 'm':
			unit = 60;
			p++;
			break;
		case 'h':
			unit = 3600;
			p++;
			break;
		case 'd':
			unit = 86400;
			p++;
			break;
		case 'w':
			unit = 7 * 86400;
			p++;
			break;
		case '\0':
			if (p == end && total == 0) {
				/* plain seconds */
				*out = v;
				return 0;
			}
			return -1;
		default:
			return -1;
		}
		total += v * unit;
	}
	*out = total;
	return 0;
}

int prom_parse_time(const char *text, int64_t now, int64_t *out)
{
	if (!strcmp(text, "now")) {
		*out = now;
		return 0;
	}
	if (!strncmp(text, "now-", 4)) {
		int64_t d;
		if (prom_parse_duration(text + 4, &d))
			return -1;
		*out = now - d;
		return 0;
	}
	return series_parse_time(text, out);
}

/* Decode %XX escapes in place ('+' stays: it is PromQL's addition). */
static void percent_decode(char *s)
{
	char *w = s;
	for (char *r = s; *r; r++) {
		if (r[0] == '%' && isxdigit((unsigned char)r[1]) &&
		    isxdigit((unsigned char)r[2])) {
			char hex[3] = {r[1], r[2], '\0'};
			*w++ = (char)strtol(hex, NULL, 16);
			r += 2;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

void prom_close(PromSource *p)
{
	if (!p)
		return;
	if (p->curl)
		curl_easy_cleanup(p->curl);
	free(p->url);
	free(p->base);
	free(p->shown);
	free(p->query);
	free(p->auth_header);
	free(p->userpwd);
	for (size_t i = 0; i < p->n_unknown; i++)
		free(p->unknown[i]);
	free(p->unknown);
	free(p->gone);
	free(p);
}

/* The bearer token: the file's first line, blanks trimmed. */
static Status read_token(const char *path, char **out, ErrorRecord *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return error_set(err, STATUS_IO, path, 0, 0,
				 "cannot open the bearer token file: %s",
				 strerror(errno));
	char buf[8192];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *p = buf;
	while (*p && isspace((unsigned char)*p))
		p++;
	size_t l = strcspn(p, "\r\n");
	while (l && isspace((unsigned char)p[l - 1]))
		l--;
	if (l == 0)
		return error_set(err, STATUS_EMPTY, path, 0, 0,
				 "the bearer token file is empty");
	*out = malloc(l + 32);
	if (!*out)
		return error_set(err, STATUS_NOMEM, path, 0, 0, "out of memory");
	snprintf(*out, l + 32, "Authorization: Bearer %.*s", (int)l, p);
	return STATUS_OK;
}

static Status parse_params(PromSource *p, char *params, int64_t now,
			   ErrorRecord *err)
{
	const char *start = NULL, *end = NULL, *step = NULL;
	char *save = NULL;
	for (char *kv = strtok_r(params, "&", &save); kv;
	     kv = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(kv, '=');
		if (!eq)
			return error_set(err, STATUS_PARSE, p->url, 0, 0,
					 "'%s' is not NAME=VALUE", kv);
		*eq = '\0';
		char *v = eq + 1;
		percent_decode(v);
		if (!strcmp(kv, "query")) {
			free(p->query);
			if (!(p->query = strdup(v)))
				return error_set(err, STATUS_NOMEM, p->url, 0,
						 0, "out of memory");
		} else if (!strcmp(kv, "start")) {
			start = v;
		} else if (!strcmp(kv, "end")) {
			end = v;
		} else if (!strcmp(kv, "step")) {
			step = v;
		} else {
			return error_set(err, STATUS_PARSE, p->url, 0, 0,
					 "unknown parameter '%s' (query, start, "
					 "end and step are known)",
					 kv);
		}
	}
	if (!p->query || !*p->query)
		return error_set(err, STATUS_PARSE, p->url, 0, 0,
				 "no query: write ?query=EXPR");
	p->step = 60;
	if (step && (prom_parse_duration(step, &p->step) || p->step < 1))
		return error_set(err, STATUS_PARSE, p->url, 0, 0,
				 "step is whole seconds or a duration like "
				 "30s, 1m, 1h, not '%s'",
				 step);
	p->end = now;
	if (end && prom_parse_time(end, now, &p->end))
		return error_set(err, STATUS_PARSE, p->url, 0, 0,
				 "end is RFC 3339, epoch seconds, now or "
				 "now-DURATION, not '%s'",
				 end);
	p->start = p->end - 86400;
	if (start && prom_parse_time(start, now, &p->start))
		return error_set(err, STATUS_PARSE, p->url, 0, 0,
				 "start is RFC 3339, epoch seconds, now or "
				 "now-DURATION, not '%s'",
				 start);
	if (p->start > p->end)
		return error_set(err, STATUS_PARSE, p->url, 0, 0,
				 "start is after end");
	return STATUS_OK;
}

Status prom_open(PromSource **out, const char *url, const SeriesOptions *opt,
		 ErrorRecord *err)
{
	*out = NULL;
	char shown[sizeof(err->file)];
	prom_redact_url(url, shown, sizeof(shown));
	if (!prom_is_url(url))
		return error_set(err, STATUS_USAGE, shown, 0, 0,
				 "not a prometheus:// source");
	pthread_once(&curl_once, curl_start);
	PromSource *p = calloc(1, sizeof(*p));
	char *rest = NULL;
	size_t ul = strlen(url) + 4;
	if (!p || !(p->url = malloc(ul))) {
		free(p);
		return error_set(err, STATUS_NOMEM, shown, 0, 0,
				 "out of memory");
	}
	prom_redact_url(url, p->url, ul);
	int tls = url[10] == 's' || (opt && opt->tls);
	const char *hostpart = strstr(url, "://") + 3;
	Status st = STATUS_OK;
	if (!(rest = strdup(hostpart))) {
		st = error_set(err, STATUS_NOMEM, p->url, 0, 0, "out of memory");
		goto fail;
	}
	char *q = strchr(rest, '?');
	char *params = NULL;
	if (q) {
		*q = '\0';
		params = q + 1;
	}
	size_t hl = strlen(rest);
	while (hl && rest[hl - 1] == '/')
		rest[--hl] = '\0';
	/* HOST[:PORT]: no host, or a port that is not a number, would reach
	   libcurl as a malformed URL and be reported as "no answer from the
	   server" */
	size_t al = strcspn(rest, "/");
	const char *host = rest; /* after USER:PASSWORD@, if any */
	for (size_t i = 0; i < al; i++)
		if (rest[i] == '@')
			host = rest + i + 1;
	const char *colon = NULL, *aend = rest + al;
	if (host[0] == '[') {
		const char *rb = memchr(host, ']', (size_t)(aend - host));
		if (rb && rb + 1 < aend && rb[1] == ':')
			colon = rb + 1;
	} else {
		for (const char *c = host; c < aend; c++)
			if (*c == ':')
				colon = c;
	}
	if ((colon ? colon : aend) == host) {
		st = error_set(err, STATUS_PARSE, p->url, 0, 0,
			       "no host: write prometheus://HOST:PORT/?query=...");
		goto fail;
	}
	if (colon) {
		const char *pp = colon + 1;
		size_t pl = (size_t)(aend - pp);
		long port = 0;
		int ok = pl > 0 && pl <= 5;
		for (size_t i = 0; ok && i < pl; i++) {
			ok = isdigit((unsigned char)pp[i]);
			port = port * 10 + (pp[i] - '0');
		}
		if (!ok || port < 1 || port > 65535) {
			st = error_set(err, STATUS_PARSE, p->url, 0, 0,
				       "the port '%.*s' is not a number from 1 "
				       "to 65535: write prometheus://HOST:PORT/"
				       "?query=...",
				       (int)(pl > 40 ? 40 : pl), pp);
			goto fail;
		}
	}
	size_t bl = hl + 16;
	if (!(p->base = malloc(bl)) || !(p->shown = malloc(bl + 4))) {
		st = error_set(err, STATUS_NOMEM, p->url, 0, 0, "out of memory");
		goto fail;
	}
	snprintf(p->base, bl, "%s://%s", tls ? "https" : "http", rest);
	prom_redact_url(p->base, p->shown, bl + 4);
	if (!params) {
		st = error_set(err, STATUS_PARSE, p->url, 0, 0,
			       "no query: write ?query=EXPR");
		goto fail;
	}
	st = parse_params(p, params, (int64_t)time(NULL), err);
	if (st)
		goto fail;
	if (opt && opt->bearer_token_file &&
	    (st = read_token(opt->bearer_token_file, &p->auth_header, err)))
		goto fail;
	if (opt && opt->user && !(p->userpwd = strdup(opt->user))) {
		st = error_set(err, STATUS_NOMEM, p->url, 0, 0, "out of memory");
		goto fail;
	}
	if (!(p->curl = curl_easy_init())) {
		st = error_set(err, STATUS_INTERNAL, p->url, 0, 0,
			       "cannot start libcurl");
		goto fail;
	}
	free(rest);
	*out = p;
	return STATUS_OK;
fail:
	free(rest);
	prom_close(p);
	return st;
}

void prom_set_cancel(PromSource *p, const volatile sig_atomic_t *flag)
{
	p->cancel = flag;
}

int64_t prom_step(const PromSource *p)
{
	return p->step;
}

int64_t prom_start(const PromSource *p)
{
	return p->start;
}

int64_t prom_end(const PromSource *p)
{
	return p->end;
}

const char *prom_base_url(const PromSource *p)
{
	return p->shown;
}

const char *prom_query(const PromSource *p)
{
	return p->query;
}

int prom_metric_gone(const PromSource *p, size_t m)
{
	return m < p->n_gone && p->gone[m];
}

size_t prom_unknown_count(const PromSource *p)
{
	return p->n_unknown;
}

const char *prom_unknown_name(const PromSource *p, size_t i)
{
	return i < p->n_unknown ? p->unknown[i] : NULL;
}

/* ---- HTTP ---------------------------------------------------------------- */

typedef struct {
	char *data;
	size_t len, cap;
	int too_big;
} Buf;

#define BODY_MAX ((size_t)1 << 30)

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
	Buf *b = ud;
	size_t n = size * nmemb;
	if (b->len + n + 1 > BODY_MAX) {
		b->too_big = 1;
		return 0;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 65536;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *d = realloc(b->data, cap);
		if (!d)
			return 0;
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, ptr, n);
	b->len += n;
	b->data[b->len] = '\0';
	return n;
}

/* libcurl's progress callback (at least once a second, also while no
 * byte comes): nonzero aborts the transfer. */
static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow,
		       curl_off_t ultotal, curl_off_t ulnow)
{
	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	const volatile sig_atomic_t *cancel = ud;
	return cancel && *cancel;
}

/* One request on c (GET, or POST when body != NULL) of at most timeout_ms
 * milliseconds, connecting included; it gives up when *cancel becomes
 * nonzero (cancel may be NULL). On a transport failure the message says
 * there was no answer from shown. */
static Status http_do(CURL *c, const char *url, const char *body,
		      struct curl_slist *headers, const char *userpwd,
		      long timeout_ms, const volatile sig_atomic_t *cancel,
		      const char *shown, Buf *out, long *code, ErrorRecord *err)
{
	char ebuf[CURL_ERROR_SIZE] = "";
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms > 0 ? timeout_ms : 1L);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "vigil");
	if (cancel) {
		curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(c, CURLOPT_XFERINFODATA, (void *)cancel);
		curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	}
	if (headers)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	if (userpwd) {
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERPWD, userpwd);
	}
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	CURLcode rc = curl_easy_perform(c);
	if (rc != CURLE_OK) {
		if (out->too_big)
			return error_set(err, STATUS_RANGE, shown, 0, 0,
					 "the answer is larger than %zu MB: "
					 "use a larger step or a shorter range",
					 BODY_MAX >> 20);
		return error_set(err, STATUS_IO, shown, 0, 0,
				 "no answer from the server: %s",
				 ebuf[0] ? ebuf : curl_easy_strerror(rc));
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, code);
	if (!out->data && !(out->data = calloc(1, 1)))
		return error_set(err, STATUS_NOMEM, shown, 0, 0,
				 "out of memory");
	return STATUS_OK;
}

/* The first line of text, at most 200 characters, into buf. */
static const char *first_line_of(const char *text, char *buf, size_t n)
{
	size_t l = text ? strcspn(text, "\r\n") : 0;
	if (l > 200)
		l = 200;
	snprintf(buf, n, "%.*s", (int)l, text ? text : "");
	return buf;
}

Status prom_http_post_json(const char *url, const char *body, long timeout_ms,
			   const volatile sig_atomic_t *cancel, ErrorRecord *err)
{
	pthread_once(&curl_once, curl_start);
	char shown[sizeof(err->file)];
	prom_redact_url(url, shown, sizeof(shown));
	CURL *c = curl_easy_init();
	if (!c)
		return error_set(err, STATUS_INTERNAL, shown, 0, 0,
				 "cannot start libcurl");
	struct curl_slist *h =
		curl_slist_append(NULL, "Content-Type: application/json");
	Buf b = {0};
	long code = 0;
	Status st = http_do(c, url, body, h, NULL, timeout_ms, cancel, shown,
			    &b, &code, err);
	if (st == STATUS_OK && (code < 200 || code > 299)) {
		char line[256];
		st = error_set(err,
			       code >= 400 && code < 500 ? STATUS_PARSE
							 : STATUS_IO,
			       shown, 0, 0, "HTTP %ld: %s", code,
			       first_line_of(b.data, line, sizeof(line)));
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	free(b.data);
	return st;
}

Status prom_http_get(const char *url, long timeout_s, char **body, long *code,
		     ErrorRecord *err)
{
	pthread_once(&curl_once, curl_start);
	char shown[sizeof(err->file)];
	prom_redact_url(url, shown, sizeof(shown));
	*body = NULL;
	CURL *c = curl_easy_init();
	if (!c)
		return error_set(err, STATUS_INTERNAL, shown, 0, 0,
				 "cannot start libcurl");
	Buf b = {0};
	Status st = http_do(c, url, NULL, NULL, NULL, timeout_s * 1000, NULL,
			    shown, &b, code, err);
	curl_easy_cleanup(c);
	if (st == STATUS_OK)
		*body = b.data;
	else
		free(b.data);
	return st;
}

/* ---- the answer: columns on a grid ----------------------------------------- */

typedef struct {
	char *name; /* owned */
	float *v;   /* owned: rows values, NaN = no sample */
} Col;

typedef struct {
	int64_t start, step; /* the grid */
	size_t rows;
	Col *col;
	size_t n, cap;
	const Series *keep; /* borrowed, may be NULL: a poll's grid holds
			       columns for keep's metrics only; the other
			       series are only named (PromSource.unknown) */
	unsigned char *other; /* owned with keep: rows flags, 1 where one
				 of the other series has a sample */
} Grid;

static void grid_free(Grid *g)
{
	for (size_t i = 0; i < g->n; i++) {
		free(g->col[i].name);
		free(g->col[i].v);
	}
	free(g->col);
	free(g->other);
	memset(g, 0, sizeof(*g));
}

/* Append text to a growing string; -1 when out of memory. */
static int sb_add(char **s, size_t *len, size_t *cap, const char *text,
		  size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t c = *cap ? *cap * 2 : 128;
		while (c < *len + n + 1)
			c *= 2;
		char *d = realloc(*s, c);
		if (!d)
			return -1;
		*s = d;
		*cap = c;
	}
	memcpy(*s + *len, text, n);
	*len += n;
	(*s)[*len] = '\0';
	return 0;
}

/* name{label="value",...} as Prometheus prints a series; the query itself
 * when the series has no labels at all. NULL when out of memory. */
static char *series_name(const cJSON *metric, const char *query)
{
	char *s = NULL;
	size_t len = 0, cap = 0;
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(metric, "__name__");
	if (cJSON_IsString(name) &&
	    sb_add(&s, &len, &cap, name->valuestring, strlen(name->valuestring)))
		goto nomem;
	int n = 0;
	for (const cJSON *l = metric ? metric->child : NULL; l; l = l->next) {
		if (!l->string || !strcmp(l->string, "__name__") ||
		    !cJSON_IsString(l))
			continue;
		if (sb_add(&s, &len, &cap, n ? "," : "{", 1) ||
		    sb_add(&s, &len, &cap, l->string, strlen(l->string)) ||
		    sb_add(&s, &len, &cap, "=\"", 2))
			goto nomem;
		for (const char *c = l->valuestring; *c; c++) {
			const char *esc = *c == '"'    ? "\\\""
					  : *c == '\\' ? "\\\\"
					  : *c == '\n' ? "\\n"
						       : NULL;
			if (sb_add(&s, &len, &cap, esc ? esc : c,
				   esc ? strlen(esc) : 1))
				goto nomem;
		}
		if (sb_add(&s, &len, &cap, "\"", 1))
			goto nomem;
		n++;
	}
	if (n && sb_add(&s, &len, &cap, "}", 1))
		goto nomem;
	if (!s && sb_add(&s, &len, &cap, query, strlen(query)))
		goto nomem;
	return s;
nomem:
	free(s);
	return NULL;
}

static Col *grid_col(Grid *g, const char *name)
{
	for (size_t i = 0; i < g->n; i++)
		if (!strcmp(g->col[i].name, name))
			return &g->col[i];
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 8;
		Col *c = realloc(g->col, cap * sizeof(*c));
		if (!c)
			return NULL;
		g->col = c;
		g->cap = cap;
	}
	Col *c = &g->col[g->n];
	c->name = strdup(name);
	c->v = malloc((g->rows ? g->rows : 1) * sizeof(float));
	if (!c->name || !c->v) {
		free(c->name);
		free(c->v);
		return NULL;
	}
	for (size_t r = 0; r < g->rows; r++)
		c->v[r] = NAN;
	g->n++;
	return c;
}

/* The series of res that g has no column for yet; -1 when out of memory.
 * Prometheus names each series once in an answer, so with g empty they are
 * all new and not one name is built. */
static long new_series(const PromSource *p, const cJSON *res, const Grid *g)
{
	if (g->n == 0)
		return cJSON_GetArraySize(res);
	long n = 0;
	const cJSON *item;
	cJSON_ArrayForEach(item, res)
	{
		char *name = series_name(
			cJSON_GetObjectItemCaseSensitive(item, "metric"),
			p->query);
		if (!name)
			return -1;
		int known = 0;
		for (size_t i = 0; i < g->n && !known; i++)
			known = !strcmp(g->col[i].name, name);
		free(name);
		n += !known;
	}
	return n;
}

/* Whether s has a metric named name. */
static int has_metric(const Series *s, const char *name)
{
	for (size_t m = 0; m < s->metrics; m++)
		if (!strcmp(s->names[m], name))
			return 1;
	return 0;
}

/* Remember name, a series that s has no metric for (once each). */
static Status note_unknown(PromSource *p, const char *name, ErrorRecord *err)
{
	for (size_t k = 0; k < p->n_unknown; k++)
		if (!strcmp(p->unknown[k], name))
			return STATUS_OK;
	char **u = realloc(p->unknown, (p->n_unknown + 1) * sizeof(*u));
	if (!u)
		return error_set(err, STATUS_NOMEM, p->shown, 0, 0,
				 "out of memory");
	p->unknown = u;
	if (!(u[p->n_unknown] = strdup(name)))
		return error_set(err, STATUS_NOMEM, p->shown, 0, 0,
				 "out of memory");
	p->n_unknown++;
	return STATUS_OK;
}

/* Read one query_range answer (HTTP code, body) into g. With capped, a
 * query of more series than a dataset may hold metrics is refused before
 * their columns take memory; more_chunks: the range goes on past this
 * answer (so there may be more series than counted). */
static Status read_answer(PromSource *p, const char *body, long code, Grid *g,
			  int capped, int more_chunks, ErrorRecord *err)
{
	const char *shown = p->shown;
	cJSON *root = cJSON_Parse(body);
	char line[256];
	if (!root) {
		if (code != 200)
			return error_set(err, STATUS_IO, shown, 0, 0,
					 "HTTP %ld: %s", code,
					 first_line_of(body, line, sizeof(line)));
		return error_set(err, STATUS_PARSE, shown, 0, 0,
				 "the answer is not JSON: %s",
				 first_line_of(body, line, sizeof(line)));
	}
	Status st = STATUS_OK;
	const cJSON *status = cJSON_GetObjectItemCaseSensitive(root, "status");
	if (!cJSON_IsString(status) || strcmp(status->valuestring, "success")) {
		const cJSON *type =
			cJSON_GetObjectItemCaseSensitive(root, "errorType");
		const cJSON *text = cJSON_GetObjectItemCaseSensitive(root, "error");
		const char *ty = cJSON_IsString(type) ? type->valuestring : "";
		Status s2 = !strcmp(ty, "bad_data") ? STATUS_PARSE
			    : !strcmp(ty, "timeout") || !strcmp(ty, "canceled")
				    ? STATUS_IO
				    : STATUS_RANGE;
		st = error_set(err, s2, shown, 0, 0, "Prometheus: %s%s%s",
			       ty, *ty ? ": " : "",
			       cJSON_IsString(text) ? text->valuestring
						    : "(no error text)");
		goto done;
	}
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(root, "data");
	const cJSON *rt = cJSON_GetObjectItemCaseSensitive(data, "resultType");
	const cJSON *res = cJSON_GetObjectItemCaseSensitive(data, "result");
	if (!cJSON_IsString(rt) || strcmp(rt->valuestring, "matrix") ||
	    !cJSON_IsArray(res)) {
		st = error_set(err, STATUS_FORMAT, shown, 0, 0,
			       "the answer is not a range result (resultType "
			       "%s)",
			       cJSON_IsString(rt) ? rt->valuestring : "missing");
		goto done;
	}
	if (capped) {
		long fresh = new_series(p, res, g);
		if (fresh < 0) {
			st = error_set(err, STATUS_NOMEM, shown, 0, 0,
				       "out of memory");
			goto done;
		}
		size_t total = g->n + (size_t)fresh;
		if (total > SERIES_MAX_METRICS) {
			st = error_set(err, STATUS_RANGE, shown, 0, 0,
				       "the query returns %s%zu series: vigil "
				       "reads at most %d metrics a dataset "
				       "(README, Input formats); narrow it "
				       "with label matchers or aggregate it "
				       "(sum by (...)): %s",
				       more_chunks ? "at least " : "", total,
				       SERIES_MAX_METRICS, p->query);
			goto done;
		}
	}
	const cJSON *item;
	cJSON_ArrayForEach(item, res)
	{
		const cJSON *metric =
			cJSON_GetObjectItemCaseSensitive(item, "metric");
		const cJSON *values =
			cJSON_GetObjectItemCaseSensitive(item, "values");
		char *name = series_name(metric, p->query);
		/* a new series: named, given no column, its rows only
		   flagged (a row with no sample of the known ones is still
		   a row: they went away) */
		int other = name && g->keep && !has_metric(g->keep, name);
		if (other && (st = note_unknown(p, name, err))) {
			free(name);
			goto done;
		}
		Col *c = name && !other ? grid_col(g, name) : NULL;
		free(name);
		if (!c && !other) {
			st = error_set(err, STATUS_NOMEM, shown, 0, 0,
				       "out of memory");
			goto done;
		}
		const cJSON *pt;
		cJSON_ArrayForEach(pt, values)
		{
			const cJSON *ts = cJSON_GetArrayItem(pt, 0);
			const cJSON *val = cJSON_GetArrayItem(pt, 1);
			if (!cJSON_IsNumber(ts) || !cJSON_IsString(val))
				continue;
			double k = ((double)ts->valuedouble -
				    (double)g->start) /
				   (double)g->step;
			long long r = llround(k);
			if (r < 0 || (size_t)r >= g->rows)
				continue;
			/* +Inf, -Inf and NaN are missing (filled and
			   counted); so is a value beyond float's range
			   (1e39), which would become infinity */
			float v = (float)strtod(val->valuestring, NULL);
			if (c)
				c->v[r] = isfinite(v) ? v : NAN;
			else if (isfinite(v))
				g->other[r] = 1;
		}
	}
done:
	cJSON_Delete(root);
	return st;
}

/* Fetch [start, end] on the grid start + k * step into g (chunked). With
 * keep NULL (a dataset's first fetch), a column for every series, and more
 * series than SERIES_MAX_METRICS are refused; else (a poll) columns for
 * keep's metrics only, the new series named in p->unknown. */
static Status fetch_grid(PromSource *p, int64_t start, int64_t end, Grid *g,
			 const Series *keep, ErrorRecord *err)
{
	memset(g, 0, sizeof(*g));
	g->keep = keep;
	g->start = start;
	g->step = p->step;
	int64_t steps = (end - start) / p->step + 1;
	if (steps > PROM_MAX_STEPS)
		return error_set(err, STATUS_RANGE, p->shown, 0, 0,
				 "the range holds %lld steps of %lld s (at "
				 "most %d): use a larger step or a shorter "
				 "range",
				 (long long)steps, (long long)p->step,
				 PROM_MAX_STEPS);
	g->rows = (size_t)steps;
	if (keep && !(g->other = calloc(g->rows, 1)))
		return error_set(err, STATUS_NOMEM, p->shown, 0, 0,
				 "out of memory");
	char *q = curl_easy_escape(p->curl, p->query, 0);
	if (!q) {
		grid_free(g);
		return error_set(err, STATUS_NOMEM, p->shown, 0, 0,
				 "out of memory");
	}
	struct curl_slist *h = NULL;
	if (p->auth_header)
		h = curl_slist_append(NULL, p->auth_header);
	size_t ul = strlen(p->base) + strlen(q) + 128;
	char *url = malloc(ul);
	Status st = url ? STATUS_OK
			: error_set(err, STATUS_NOMEM, p->shown, 0, 0,
				    "out of memory");
	for (size_t r0 = 0; st == STATUS_OK && r0 < g->rows;
	     r0 += PROM_CHUNK) {
		size_t r1 = r0 + PROM_CHUNK < g->rows ? r0 + PROM_CHUNK
						      : g->rows;
		int64_t cs = start + (int64_t)r0 * p->step;
		int64_t ce = start + (int64_t)(r1 - 1) * p->step;
		snprintf(url, ul,
			 "%s/api/v1/query_range?query=%s&start=%lld&end=%lld"
			 "&step=%lld",
			 p->base, q, (long long)cs, (long long)ce,
			 (long long)p->step);
		Buf b = {0};
		long code = 0;
		st = http_do(p->curl, url, NULL, h, p->userpwd, 150000, p->cancel,
			     p->shown, &b, &code, err);
		if (st == STATUS_OK)
			st = read_answer(p, b.data, code, g, !keep,
					 r1 < g->rows, err);
		free(b.data);
	}
	free(url);
	curl_slist_free_all(h);
	curl_free(q);
	if (st)
		grid_free(g);
	return st;
}

/* Nonzero when row r of g has a sample in some column. */
static int row_has_sample(const Grid *g, size_t r)
{
	if (g->other && g->other[r])
		return 1;
	for (size_t i = 0; i < g->n; i++)
		if (!isnan(g->col[i].v[r]))
			return 1;
	return 0;
}

static int col_cmp(const void *a, const void *b)
{
	return strcmp(((const Col *)a)->name, ((const Col *)b)->name);
}

/* Fill column v[0..n) forward (a leading gap backward; no value at all:
 * zeros), starting from *last when it is not NaN; returns the cells filled. */
static size_t fill_column(float *v, size_t n, float last)
{
	size_t filled = 0, first = 0;
	if (isnan(last)) {
		while (first < n && isnan(v[first]))
			first++;
		float back = first < n ? v[first] : 0.0f;
		for (size_t r = 0; r < first; r++)
			v[r] = back;
		filled += first;
		if (first < n)
			last = v[first];
	}
	for (size_t r = first; r < n; r++) {
		if (isnan(v[r])) {
			v[r] = last;
			filled++;
		} else {
			last = v[r];
		}
	}
	return filled;
}

Status prom_fetch(PromSource *p, const SeriesOptions *opt, Series *s,
		  ErrorRecord *err)
{
	series_init(s);
	Grid g;
	Status st = fetch_grid(p, p->start, p->end, &g, NULL, err);
	if (st)
		return st;
	size_t lead = 0, tail = g.rows;
	while (lead < g.rows && !row_has_sample(&g, lead))
		lead++;
	while (tail > lead && !row_has_sample(&g, tail - 1))
		tail--;
	if (lead == tail) {
		char a[32], b[32];
		series_time_string(p->start, a, sizeof(a));
		series_time_string(p->end, b, sizeof(b));
		grid_free(&g);
		return error_set(err, STATUS_EMPTY, p->shown, 0, 0,
				 "the query returned no samples between %s "
				 "and %s UTC: %s",
				 a, b, p->query);
	}
	qsort(g.col, g.n, sizeof(Col), col_cmp);
	size_t rows = tail - lead;
	st = series_alloc(s, rows, g.n, err);
	if (st) {
		grid_free(&g);
		return st;
	}
	for (size_t m = 0; m < g.n; m++) {
		float *dst = s->values + m * rows;
		memcpy(dst, g.col[m].v + lead, rows * sizeof(float));
		s->filled += fill_column(dst, rows, NAN);
		free(s->names[m]);
		s->names[m] = g.col[m].name;
		g.col[m].name = NULL;
	}
	grid_free(&g);
	s->t0 = p->start + (int64_t)lead * p->step;
	s->interval = p->step;
	s->kind = SERIES_PROM;
	if (!(s->path = strdup(p->url))) {
		series_free(s);
		return error_set(err, STATUS_NOMEM, p->shown, 0, 0,
				 "out of memory");
	}
	st = series_apply_split(s, opt, err);
	if (st)
		series_free(s);
	return st;
}

Status prom_append(PromSource *p, Series *s, int64_t end, size_t *added,
		   ErrorRecord *err)
{
	*added = 0;
	if (s->rows == 0)
		return error_set(err, STATUS_EMPTY, p->shown, 0, 0,
				 "nothing to append to");
	int64_t from = series_time(s, s->rows - 1) + p->step;
	if (from > end)
		return STATUS_OK;
	Grid g;
	Status st = fetch_grid(p, from, end, &g, s, err);
	if (st)
		return st;
	size_t k = g.rows;
	while (k > 0 && !row_has_sample(&g, k - 1))
		k--;
	if (k == 0) {
		grid_free(&g);
		return STATUS_OK;
	}
	size_t rows = s->rows + k;
	float *v = malloc(rows * s->metrics * sizeof(float));
	if (p->n_gone != s->metrics) {
		free(p->gone);
		p->gone = calloc(s->metrics ? s->metrics : 1, 1);
		p->n_gone = p->gone ? s->metrics : 0;
	}
	if (!v || !p->gone) {
		free(v);
		grid_free(&g);
		return error_set(err, STATUS_NOMEM, p->shown, 0, 0,
				 "out of memory");
	}
	for (size_t m = 0; m < s->metrics; m++) {
		float *dst = v + m * rows;
		memcpy(dst, s->values + m * s->rows, s->rows * sizeof(float));
		const Col *c = NULL;
		for (size_t i = 0; i < g.n && !c; i++)
			if (!strcmp(g.col[i].name, s->names[m]))
				c = &g.col[i];
		for (size_t r = 0; r < k; r++)
			dst[s->rows + r] = c ? c->v[r] : NAN;
		size_t filled = fill_column(dst + s->rows, k,
					    s->rows ? dst[s->rows - 1] : NAN);
		s->filled += filled;
		p->gone[m] = filled == k;
	}
	grid_free(&g);
	if (s->timestamps) {
		int64_t *ts = realloc(s->timestamps, rows * sizeof(int64_t));
		if (!ts) {
			free(v);
			return error_set(err, STATUS_NOMEM, p->shown, 0, 0,
					 "out of memory");
		}
		for (size_t r = 0; r < k; r++)
			ts[s->rows + r] = from + (int64_t)r * p->step;
		s->timestamps = ts;
	}
	free(s->values);
	s->values = v;
	s->rows = rows;
	*added = k;
	return STATUS_OK;
}

Status series_load_prom(Series *s, const char *url, const SeriesOptions *opt,
			ErrorRecord *err)
{
	series_init(s);
	PromSource *p;
	Status st = prom_open(&p, url, opt, err);
	if (st)
		return st;
	st = prom_fetch(p, opt, s, err);
	prom_close(p);
	return st;
}
