/* Model files (the cache that holds them: modelcache.c).
 *
 * File layout, version 2, little-endian:
 *   "VIGILMDL"  u32 version  u32 0  u64 file size
 *   hyperparameters: u64 look_back hidden layers batch epochs patience
 *                    rolling max_train_rows seed; u32 threads (always 1:
 *                    the weights do not depend on it, nor does the file;
 *                    the loader's caller sets it); f32 lr clip
 *   facts: u64 metrics features nparams epochs_run best_epoch; f64 best_val
 *   scaler: f32 min[features], f32 max[features]
 *   metric names: u32 length + bytes, per metric
 *   weights: f32 params[nparams] (the parameter block, lstm.h layout)
 *   version 2 only, the data it was trained on (model_origin_of):
 *            u64 hash of the train part, u32 length + bytes of its name
 *   u32 CRC-32 of everything before it
 * Version 1 files (no origin) are still read.
 * Written to a temporary file in the same folder, flushed, fsynced, renamed
 * over the target, and the folder fsynced. Nothing time-dependent is
 * stored, so a seed gives a byte-identical file. */
#include "engine/model_impl.h"
#include "data/atomicfile.h"
#include "data/checked.h"
#include "data/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MODEL_MAGIC "VIGILMDL"
#define MODEL_VERSION 2u
#define MODEL_VERSION_OLDEST 1u
#define HEADER_BYTES 24

/* ------------------------------------------------------------------ CRC-32 */

static uint32_t crc_table[256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

/* CRC-32 (IEEE 802.3, as zlib's crc32) of p continuing from crc. */
static uint32_t crc32_update(uint32_t crc, const unsigned char *p, size_t n)
{
	pthread_once(&crc_once, crc_init);
	crc = ~crc;
	for (size_t i = 0; i < n; i++)
		crc = crc_table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* ------------------------------------------------------------- serialising */

typedef struct {
	unsigned char *buf;
	size_t len, cap;
	int failed;
} Buf;

static void put(Buf *b, const void *p, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 4096;
		while (cap < b->len + n)
			cap *= 2;
		unsigned char *nb = realloc(b->buf, cap);
		if (!nb) {
			b->failed = 1;
			return;
		}
		b->buf = nb;
		b->cap = cap;
	}
	memcpy(b->buf + b->len, p, n);
	b->len += n;
}

static void put_u32(Buf *b, uint32_t v)
{
	unsigned char x[4];
	for (int i = 0; i < 4; i++)
		x[i] = (unsigned char)(v >> (8 * i));
	put(b, x, 4);
}

static void put_u64(Buf *b, uint64_t v)
{
	unsigned char x[8];
	for (int i = 0; i < 8; i++)
		x[i] = (unsigned char)(v >> (8 * i));
	put(b, x, 8);
}

static void put_f32(Buf *b, float f)
{
	uint32_t v;
	memcpy(&v, &f, 4);
	put_u32(b, v);
}

static void put_f64(Buf *b, double f)
{
	uint64_t v;
	memcpy(&v, &f, 8);
	put_u64(b, v);
}

typedef struct {
	const unsigned char *p;
	size_t len, pos;
	int short_read;
} Rd;

static uint64_t get_n(Rd *r, int bytes)
{
	if (r->pos + (size_t)bytes > r->len) {
		r->short_read = 1;
		r->pos = r->len;
		return 0;
	}
	uint64_t v = 0;
	for (int i = 0; i < bytes; i++)
		v |= (uint64_t)r->p[r->pos + (size_t)i] << (8 * i);
	r->pos += (size_t)bytes;
	return v;
}

static uint32_t get_u32(Rd *r)
{
	return (uint32_t)get_n(r, 4);
}

static uint64_t get_u64(Rd *r)
{
	return get_n(r, 8);
}

static float get_f32(Rd *r)
{
	uint32_t v = get_u32(r);
	float f;
	memcpy(&f, &v, 4);
	return f;
}

static double get_f64(Rd *r)
{
	uint64_t v = get_u64(r);
	double f;
	memcpy(&f, &v, 8);
	return f;
}

/* The next name (u32 length, then its bytes) of at most most bytes: its
 * first byte, *len its length, r moved past it. NULL and r->short_read set
 * when it does not fit the file (or most); NULL alone when it holds a NUL
 * byte, which the writer never puts there (strlen): read on, the name
 * would be cut short at it. */
static const unsigned char *get_name(Rd *r, size_t most, size_t *len)
{
	uint32_t n = get_u32(r);
	if (r->short_read || n > r->len - r->pos || n > most) {
		r->short_read = 1;
		return NULL;
	}
	const unsigned char *at = r->p + r->pos;
	if (memchr(at, '\0', n))
		return NULL;
	r->pos += n;
	*len = n;
	return at;
}

static void serialise(const LstmModel *m, Buf *b)
{
	const LstmConfig *c = &m->cfg;
	put(b, MODEL_MAGIC, 8);
	put_u32(b, MODEL_VERSION);
	put_u32(b, 0);
	put_u64(b, 0); /* file size, patched below */
	put_u64(b, c->look_back);
	put_u64(b, c->hidden);
	put_u64(b, c->layers);
	put_u64(b, c->batch);
	put_u64(b, c->epochs);
	put_u64(b, c->patience);
	put_u64(b, c->rolling);
	put_u64(b, c->max_train_rows);
	put_u64(b, c->seed);
	put_u32(b, 1); /* threads: not the model's (see the top) */
	put_f32(b, c->lr);
	put_f32(b, c->clip);
	put_u64(b, m->metrics);
	put_u64(b, m->features);
	put_u64(b, m->nparams);
	put_u64(b, m->epochs_run);
	put_u64(b, m->best_epoch);
	put_f64(b, m->best_val);
	for (size_t f = 0; f < m->features; f++)
		put_f32(b, m->fmin[f]);
	for (size_t f = 0; f < m->features; f++)
		put_f32(b, m->fmax[f]);
	for (size_t i = 0; i < m->metrics; i++) {
		size_t n = strlen(m->names[i]);
		put_u32(b, (uint32_t)n);
		put(b, m->names[i], n);
	}
	for (size_t i = 0; i < m->nparams; i++)
		put_f32(b, m->params[i]);
	size_t on = m->has_origin ? strlen(m->origin_name) : 0;
	put_u64(b, m->has_origin ? m->origin_hash : 0);
	put_u32(b, (uint32_t)on);
	put(b, m->origin_name, on);
	if (b->failed)
		return;
	uint64_t total = b->len + 4;
	for (int i = 0; i < 8; i++)
		b->buf[16 + i] = (unsigned char)(total >> (8 * i));
	put_u32(b, crc32_update(0, b->buf, b->len));
}

/* ------------------------------------------------------------------ saving */

Status model_save(const LstmModel *m, const char *path, ErrorRecord *err)
{
	Buf b = {0};
	serialise(m, &b);
	if (b.failed) {
		free(b.buf);
		return error_set(err, STATUS_NOMEM, path, 0, 0,
				 "out of memory");
	}
	Status st = atomicfile_write(path, b.buf, b.len, err);
	free(b.buf);
	return st;
}

/* ----------------------------------------------------------------- loading */

/* Compare the model's metrics with the series'. */
static Status check_metrics(const LstmModel *m, const Series *s,
			    const char *path, ErrorRecord *err)
{
	if (s->metrics != m->metrics)
		return error_set(err, STATUS_MISMATCH, path, 0, 0,
				 "the model was trained on %zu metrics, the "
				 "data has %zu",
				 m->metrics, s->metrics);
	for (size_t i = 0; i < m->metrics; i++) {
		const char *a = m->names[i];
		const char *b = s->names && s->names[i] ? s->names[i] : "";
		if (strcmp(a, b))
			return error_set(err, STATUS_MISMATCH, path, 0, 0,
					 "the model was trained on other "
					 "metrics: metric %zu is '%s' in the "
					 "model but '%s' in the data",
					 i + 1, a, b);
	}
	return STATUS_OK;
}

/* A row is forecast from the look_back rows before it, and the thresholds
 * are fitted on the train rows that have a forecast: a train part shorter
 * than training itself needs (look_back + 2 rows) leaves fewer than two. */
static Status check_rows(const LstmModel *m, const Series *s,
			 const char *path, ErrorRecord *err)
{
	size_t n = model_train_rows(s), T = m->dims.T;
	if (n >= T + 2)
		return STATUS_OK;
	return error_set(err, STATUS_EMPTY, s->path ? s->path : "", 0, 0,
			 "the train part has %zu rows; the model %s forecasts "
			 "a row from the %zu before it (look_back %zu) and "
			 "needs at least %zu, to fit the thresholds on train "
			 "rows it forecasts",
			 n, path, T, T, T + 2);
}

static Status parse(const unsigned char *p, size_t len, uint32_t version,
		    const char *path, LstmModel **out, ErrorRecord *err)
{
	Rd r = {p, len - 4, HEADER_BYTES, 0};
	LstmConfig c;
	lstm_config_defaults(&c);
	c.look_back = get_u64(&r);
	c.hidden = get_u64(&r);
	c.layers = get_u64(&r);
	c.batch = get_u64(&r);
	c.epochs = get_u64(&r);
	c.patience = get_u64(&r);
	c.rolling = get_u64(&r);
	c.max_train_rows = get_u64(&r);
	c.seed = get_u64(&r);
	c.threads = (int)get_u32(&r);
	c.lr = get_f32(&r);
	c.clip = get_f32(&r);
	uint64_t metrics = get_u64(&r), features = get_u64(&r);
	uint64_t nparams = get_u64(&r);
	ErrorRecord tmp;
	if (r.short_read || model_check_config(&c, &tmp) || metrics == 0 ||
	    metrics > 1000000 ||
	    features != (c.rolling ? 3 * metrics : metrics))
		return error_set(err, STATUS_CORRUPT, path, 0, 0,
				 "corrupted model file: impossible "
				 "hyperparameters");
	/* The shape decides the weight count and, with it, the least the
	   file must hold; both are checked before anything is allocated, so
	   a small file cannot ask for a huge model. */
	LstmDims dims = {.F = (size_t)features, .H = c.hidden,
			 .O = (size_t)metrics, .T = c.look_back, .L = c.layers};
	LstmLayout lay;
	lstm_layout(&dims, &lay);
	if (lay.total != nparams)
		return error_set(err, STATUS_CORRUPT, path, 0, 0,
				 "corrupted model file: %llu weights where "
				 "the shape (%llu metrics, hidden %zu, %zu "
				 "layer%s) needs %zu",
				 (unsigned long long)nparams,
				 (unsigned long long)metrics, c.hidden,
				 c.layers, c.layers == 1 ? "" : "s",
				 lay.total);
	/* what follows: 3 facts, the scaler, a length per name, the weights */
	size_t need = size_add(
		size_add(r.pos + 24, size_mul(8, (size_t)features)),
		size_add(size_mul(4, (size_t)metrics), size_mul(4, lay.total)));
	if (need > r.len)
		return error_set(err, STATUS_CORRUPT, path, 0, 0,
				 "corrupted model file: its shape (%llu "
				 "metrics, hidden %zu, %zu layer%s, %zu "
				 "weights) needs at least %zu bytes, the file "
				 "has %zu",
				 (unsigned long long)metrics, c.hidden,
				 c.layers, c.layers == 1 ? "" : "s",
				 lay.total, size_add(need, 4), len);
	LstmModel *m = NULL;
	Status st = model_new(&m, &c, (size_t)metrics, NULL, err);
	if (st)
		return st;
	m->epochs_run = get_u64(&r);
	m->best_epoch = get_u64(&r);
	m->best_val = get_f64(&r);
	for (size_t f = 0; f < m->features; f++)
		m->fmin[f] = get_f32(&r);
	for (size_t f = 0; f < m->features; f++)
		m->fmax[f] = get_f32(&r);
	for (size_t i = 0; i < m->metrics && !r.short_read; i++) {
		size_t n;
		const unsigned char *at = get_name(&r, SIZE_MAX, &n);
		if (!at && r.short_read)
			break;
		if (!at) {
			lstm_model_delete(m);
			return error_set(err, STATUS_CORRUPT, path, 0, 0,
					 "corrupted model file: the name of "
					 "metric %zu holds a NUL byte",
					 i + 1);
		}
		char *name = malloc(n + 1);
		if (!name) {
			lstm_model_delete(m);
			return error_set(err, STATUS_NOMEM, path, 0, 0,
					 "out of memory");
		}
		memcpy(name, at, n);
		name[n] = '\0';
		free(m->names[i]);
		m->names[i] = name;
	}
	for (size_t i = 0; i < m->nparams && !r.short_read; i++)
		m->params[i] = get_f32(&r);
	if (version >= 2 && !r.short_read) {
		m->origin_hash = get_u64(&r);
		size_t n;
		const unsigned char *at =
			get_name(&r, sizeof(m->origin_name) - 1, &n);
		if (!at && !r.short_read) {
			lstm_model_delete(m);
			return error_set(err, STATUS_CORRUPT, path, 0, 0,
					 "corrupted model file: the name of "
					 "the data it was trained on holds a "
					 "NUL byte");
		}
		if (at) {
			memcpy(m->origin_name, at, n);
			m->origin_name[n] = '\0';
			m->has_origin = n > 0;
		}
	}
	if (r.short_read || r.pos != r.len) {
		lstm_model_delete(m);
		return error_set(err, STATUS_CORRUPT, path, 0, 0,
				 "corrupted model file: its sections do not "
				 "add up to its size");
	}
	*out = m;
	return STATUS_OK;
}

Status model_load(LstmModel **out, const char *path, const Series *s,
		  ErrorRecord *err)
{
	*out = NULL;
	char *text = NULL;
	size_t len = 0;
	Status st = fileio_slurp(path, &text, &len, err);
	unsigned char *p = (unsigned char *)text;
	if (st)
		return st;
	size_t cmp = len < 8 ? len : 8;
	if (len == 0) {
		free(p);
		return error_set(err, STATUS_CORRUPT, path, 0, 0,
				 "empty file, not a model: the save that wrote "
				 "it did not finish, or it was made by "
				 "something else");
	}
	if (memcmp(p, MODEL_MAGIC, cmp) != 0) {
		free(p);
		return error_set(err, STATUS_FORMAT, path, 0, 0,
				 "not a vigil model file");
	}
	if (len < HEADER_BYTES) {
		free(p);
		return error_set(err, STATUS_CORRUPT, path, 0, 0,
				 "truncated model file: only %zu byte%s", len,
				 len == 1 ? "" : "s");
	}
	Rd r = {p, len, 8, 0};
	uint32_t version = get_u32(&r);
	get_u32(&r);
	uint64_t total = get_u64(&r);
	if (version < MODEL_VERSION_OLDEST || version > MODEL_VERSION) {
		free(p);
		return error_set(err, STATUS_FORMAT, path, 0, 0,
				 "model file format version %u; this vigil "
				 "reads versions %u to %u (retrain the model)",
				 version, MODEL_VERSION_OLDEST, MODEL_VERSION);
	}
	if (len < total) {
		free(p);
		return error_set(err, STATUS_CORRUPT, path, 0, 0,
				 "truncated model file: %zu of %llu bytes",
				 len, (unsigned long long)total);
	}
	if (len > total || total < HEADER_BYTES + 4) {
		free(p);
		return error_set(err, STATUS_CORRUPT, path, 0, 0,
				 "corrupted model file: %zu bytes where its "
				 "header says %llu",
				 len, (unsigned long long)total);
	}
	Rd rc = {p, len, len - 4, 0};
	uint32_t stored = get_u32(&rc);
	uint32_t crc = crc32_update(0, p, len - 4);
	if (stored != crc) {
		free(p);
		return error_set(err, STATUS_CORRUPT, path, 0, 0,
				 "corrupted model file: CRC-32 is %08x, "
				 "expected %08x",
				 crc, stored);
	}
	LstmModel *m = NULL;
	st = parse(p, len, version, path, &m, err);
	free(p);
	if (st)
		return st;
	if (s) {
		st = check_metrics(m, s, path, err);
		if (!st)
			st = check_rows(m, s, path, err);
		if (st) {
			lstm_model_delete(m);
			return st;
		}
	}
	*out = m;
	return STATUS_OK;
}
