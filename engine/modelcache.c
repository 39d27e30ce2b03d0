/* The model cache: where a trained model of a dataset is kept so that every
 * command and the dashboard reuse it, the note that names its dataset, and
 * the listing and removal behind `vigil cache` (modelcache.h).
 *
 * Entries live in one folder, never beside the data: the dataset's folder
 * may be shared, read-only, or a checkout that must stay clean. */
#include "engine/modelcache.h"
#include "engine/model_impl.h"
#include "data/atomicfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MODEL_SUFFIX ".vigil-model"
#define FORECAST_SUFFIX ".forecast"
#define NOTE_SUFFIX ".dataset"

/* ------------------------------------------------------------- the key */

uint64_t modelcache_fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++) {
		h ^= c[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static uint64_t fnv_u64(uint64_t h, uint64_t v)
{
	unsigned char x[8];
	for (int i = 0; i < 8; i++)
		x[i] = (unsigned char)(v >> (8 * i));
	return modelcache_fnv(h, x, 8);
}

/* Hash of the data values, shape, split, names and every option that
 * changes the trained weights (not the thread count: it does not). */
static uint64_t cache_key(const Series *s, const LstmConfig *c)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	h = fnv_u64(h, 1); /* the key's scheme */
	h = fnv_u64(h, s->rows);
	h = fnv_u64(h, s->metrics);
	h = fnv_u64(h, model_train_rows(s));
	for (size_t m = 0; m < s->metrics; m++) {
		const char *nm = s->names && s->names[m] ? s->names[m] : "";
		h = modelcache_fnv(h, nm, strlen(nm) + 1);
	}
	/* only the train part shapes the model */
	size_t n = model_train_rows(s);
	for (size_t m = 0; m < s->metrics; m++)
		h = modelcache_fnv(h, s->values + m * s->rows, n * sizeof(float));
	uint32_t lr, clip;
	memcpy(&lr, &c->lr, 4);
	memcpy(&clip, &c->clip, 4);
	uint64_t opt[] = {c->look_back, c->hidden, c->layers, c->batch,
			  c->epochs, c->patience, c->rolling,
			  c->max_train_rows, c->seed, lr, clip};
	for (size_t i = 0; i < sizeof(opt) / sizeof(opt[0]); i++)
		h = fnv_u64(h, opt[i]);
	return h;
}

/* ---------------------------------------------------------- the folder */

static int mkdir_p(const char *dir)
{
	char buf[PATH_MAX];
	if (snprintf(buf, sizeof(buf), "%s", dir) >= (int)sizeof(buf))
		return -1;
	for (char *q = buf + 1; *q; q++) {
		if (*q != '/')
			continue;
		*q = '\0';
		if (mkdir(buf, 0700) != 0 && errno != EEXIST)
			return -1;
		*q = '/';
	}
	return mkdir(buf, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

Status modelcache_dir(const char *dir, int create, char *buf, size_t n,
		      ErrorRecord *err)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	int len;
	if (dir && *dir)
		len = snprintf(buf, n, "%s", dir);
	else if (xdg && *xdg == '/')
		len = snprintf(buf, n, "%s/vigil", xdg);
	else if (home && *home)
		len = snprintf(buf, n, "%s/.cache/vigil", home);
	else
		return error_set(err, STATUS_IO, "", 0, 0,
				 "no cache folder: neither XDG_CACHE_HOME nor "
				 "HOME is set (--cache-dir DIR names one)");
	if (len < 0 || (size_t)len >= n)
		return error_set(err, STATUS_IO, "", 0, 0,
				 "cache folder path is too long");
	if (create && mkdir_p(buf) != 0)
		return error_set(err, STATUS_IO, buf, 0, 0,
				 "cannot create the cache folder: %s",
				 strerror(errno));
	return STATUS_OK;
}

/* Copy src into buf of n bytes, cut short when it does not fit. */
static void copy_str(char *buf, size_t n, const char *src)
{
	size_t len = strlen(src);
	if (len >= n)
		len = n - 1;
	memcpy(buf, src, len);
	buf[len] = '\0';
}

void model_dataset_base(const Series *s, char *buf, size_t n)
{
	if (!s->path || !*s->path || s->kind == SERIES_SYNTH ||
	    s->kind == SERIES_PROM) {
		snprintf(buf, n, "%s",
			 s->kind == SERIES_SYNTH	? "synth"
			 : s->kind == SERIES_PROM ? "prometheus"
						  : "series");
		return;
	}
	if (s->kind == SERIES_SMD && s->machine) {
		copy_str(buf, n, s->machine);
		return;
	}
	char first[PATH_MAX];
	snprintf(first, sizeof(first), "%.*s", (int)strcspn(s->path, ","),
		 s->path);
	const char *slash = strrchr(first, '/');
	copy_str(buf, n, slash ? slash + 1 : first);
}

Status model_cache_path(const Series *s, const LstmConfig *cfg, char *buf,
			size_t n, ErrorRecord *err)
{
	char dir[PATH_MAX], base[256];
	Status st = modelcache_dir(cfg->cache_dir, 1, dir, sizeof(dir), err);
	if (st)
		return st;
	model_dataset_base(s, base, sizeof(base));
	int len = snprintf(buf, n, "%s/%s.%016" PRIx64 MODEL_SUFFIX, dir, base,
			   cache_key(s, cfg));
	if (len < 0 || (size_t)len >= n)
		return error_set(err, STATUS_IO, dir, 0, 0,
				 "cache path is too long");
	return STATUS_OK;
}

/* ------------------------------------------------------------ the note */

/* The dataset as a user would name it again: absolute paths, an SMD
 * machine as FOLDER:MACHINE. */
static void dataset_name(const Series *s, char *buf, size_t n)
{
	if (!s->path || !*s->path || s->kind == SERIES_SYNTH) {
		snprintf(buf, n, "the built-in demo (synthetic)");
		return;
	}
	size_t used = 0;
	buf[0] = '\0';
	for (const char *p = s->path; *p && used + 1 < n;) {
		size_t len = strcspn(p, ",");
		char part[PATH_MAX], abs[PATH_MAX];
		snprintf(part, sizeof(part), "%.*s", (int)len, p);
		const char *name = realpath(part, abs) ? abs : part;
		int w = snprintf(buf + used, n - used, "%s%s",
				 used ? "," : "", name);
		if (w < 0)
			break;
		used += (size_t)w < n - used ? (size_t)w : n - used - 1;
		p += len;
		if (*p == ',')
			p++;
	}
	if (s->kind == SERIES_SMD && s->machine && used + 1 < n)
		snprintf(buf + used, n - used, ":%s", s->machine);
}

static Status write_note(const Series *s, const char *model_path,
			 ErrorRecord *err)
{
	char path[PATH_MAX + 64], name[PATH_MAX + 300], text[PATH_MAX + 400];
	if (snprintf(path, sizeof(path), "%s" NOTE_SUFFIX, model_path) >=
	    (int)sizeof(path))
		return error_set(err, STATUS_IO, model_path, 0, 0,
				 "cache path is too long");
	dataset_name(s, name, sizeof(name));
	int len = snprintf(text, sizeof(text),
			   "dataset %s\nrows %zu\nmetrics %zu\n", name, s->rows,
			   s->metrics);
	if (len < 0 || (size_t)len >= sizeof(text))
		len = (int)strlen(text);
	return atomicfile_write(path, text, (size_t)len, err);
}

Status model_cache_save(const LstmModel *m, const Series *s, const char *path,
			ErrorRecord *err)
{
	Status st = model_save(m, path, err);
	if (st == STATUS_OK) {
		ErrorRecord e;
		write_note(s, path, &e); /* the listing does without it */
	}
	return st;
}

/* The entry counts as used now: touch its note (write it when missing). */
static void mark_used(const Series *s, const char *model_path)
{
	char path[PATH_MAX + 64];
	if (snprintf(path, sizeof(path), "%s" NOTE_SUFFIX, model_path) >=
	    (int)sizeof(path))
		return;
	if (utimensat(AT_FDCWD, path, NULL, 0) != 0) {
		ErrorRecord e;
		write_note(s, model_path, &e);
	}
}

int model_cache_find(const Series *s, const LstmConfig *cfg, char *buf,
		     size_t n)
{
	ErrorRecord e;
	if (model_cache_path(s, cfg, buf, n, &e) != STATUS_OK ||
	    access(buf, R_OK) != 0)
		return 0;
	mark_used(s, buf);
	return 1;
}

Status model_obtain(const Series *s, const LstmConfig *cfg, TrainProgressFn fn,
		    void *ctx, LstmModel **out, int *from_cache,
		    ErrorRecord *err)
{
	*out = NULL;
	if (from_cache)
		*from_cache = 0;
	Status st = model_check_config(cfg, err);
	if (st)
		return st;
	char path[PATH_MAX + 64];
	ErrorRecord cerr;
	int have = model_cache_path(s, cfg, path, sizeof(path), &cerr) ==
		   STATUS_OK;
	if (have && access(path, R_OK) == 0) {
		LstmModel *m = NULL;
		if (model_load(&m, path, s, &cerr) == STATUS_OK) {
			m->cfg.threads = cfg->threads;
			mark_used(s, path);
			*out = m;
			if (from_cache)
				*from_cache = 1;
			return STATUS_OK;
		}
		/* a stale or damaged entry: train again over it */
	}
	st = lstm_train(s, cfg, fn, ctx, out, err);
	if (st)
		return st;
	/* caching is best effort: err says why it failed */
	if (!have || model_cache_save(*out, s, path, &cerr) != STATUS_OK)
		*err = cerr;
	return STATUS_OK;
}

/* --------------------------------------------------- listing, removing */

static void read_note(const char *path, ModelCacheEntry *e)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char line[PATH_MAX + 400];
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "dataset ", 8))
			copy_str(e->dataset, sizeof(e->dataset), line + 8);
		else if (!strncmp(line, "rows ", 5))
			e->rows = (size_t)strtoull(line + 5, NULL, 10);
		else if (!strncmp(line, "metrics ", 8))
			e->metrics = (size_t)strtoull(line + 8, NULL, 10);
	}
	fclose(f);
}

static int by_dataset_then_use(const void *pa, const void *pb)
{
	const ModelCacheEntry *a = pa, *b = pb;
	int c = strcmp(a->dataset, b->dataset);
	if (c)
		return c;
	if (a->last_used != b->last_used)
		return a->last_used > b->last_used ? -1 : 1;
	return strcmp(a->name, b->name);
}

Status modelcache_list(const char *dir, ModelCacheEntry **out, size_t *n,
		       ErrorRecord *err)
{
	*out = NULL;
	*n = 0;
	DIR *d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)
			return STATUS_OK;
		return error_set(err, STATUS_IO, dir, 0, 0,
				 "cannot read the cache folder: %s",
				 strerror(errno));
	}
	ModelCacheEntry *e = NULL;
	size_t count = 0, cap = 0;
	Status st = STATUS_OK;
	struct dirent *de;
	while ((de = readdir(d))) {
		/* the last ".vigil-model": the dataset's own name may hold
		   one (old.vigil-model.csv) */
		const char *hit = NULL;
		for (const char *q = strstr(de->d_name, MODEL_SUFFIX); q;
		     q = strstr(q + 1, MODEL_SUFFIX))
			hit = q;
		if (!hit || hit == de->d_name)
			continue;
		const char *suffix = hit + strlen(MODEL_SUFFIX);
		int kind = !*suffix			      ? 0
			   : !strcmp(suffix, FORECAST_SUFFIX) ? 1
			   : !strcmp(suffix, NOTE_SUFFIX)     ? 2
							      : -1;
		size_t blen = (size_t)(suffix - de->d_name);
		if (kind < 0 || blen >= sizeof(e->name))
			continue; /* temporary files of saves at work */
		char path[PATH_MAX];
		struct stat sb;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
			    (int)sizeof(path) ||
		    stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
			continue;
		size_t i = 0;
		while (i < count && (strlen(e[i].name) != blen ||
				     strncmp(e[i].name, de->d_name, blen)))
			i++;
		if (i == count) {
			if (count == cap) {
				size_t nc = cap ? 2 * cap : 16;
				ModelCacheEntry *ne =
					realloc(e, nc * sizeof(*e));
				if (!ne) {
					st = error_set(err, STATUS_NOMEM, "",
						       0, 0, "out of memory");
					break;
				}
				e = ne;
				cap = nc;
			}
			memset(&e[count], 0, sizeof(e[count]));
			memcpy(e[count].name, de->d_name, blen);
			e[count].name[blen] = '\0';
			count++;
		}
		uint64_t bytes = (uint64_t)sb.st_size;
		if (kind == 0)
			e[i].model_bytes = bytes;
		else if (kind == 1)
			e[i].forecast_bytes = bytes;
		else {
			e[i].note_bytes = bytes;
			read_note(path, &e[i]);
		}
		if ((int64_t)sb.st_mtime > e[i].last_used)
			e[i].last_used = (int64_t)sb.st_mtime;
	}
	closedir(d);
	if (st) {
		free(e);
		return st;
	}
	if (count)
		qsort(e, count, sizeof(*e), by_dataset_then_use);
	*out = e;
	*n = count;
	return STATUS_OK;
}

uint64_t modelcache_entry_bytes(const ModelCacheEntry *e)
{
	return e->model_bytes + e->forecast_bytes + e->note_bytes;
}

void modelcache_select(const ModelCacheEntry *e, size_t n, int64_t now,
		       int64_t older_than, int64_t max_bytes, int *remove)
{
	uint64_t kept = 0;
	for (size_t i = 0; i < n; i++) {
		remove[i] = (older_than < 0 && max_bytes < 0) ||
			    (older_than >= 0 &&
			     e[i].last_used < now - older_than);
		if (!remove[i])
			kept += modelcache_entry_bytes(&e[i]);
	}
	/* the least recently used go first until the rest fit */
	while (max_bytes >= 0 && kept > (uint64_t)max_bytes) {
		size_t lru = n;
		for (size_t i = 0; i < n; i++)
			if (!remove[i] &&
			    (lru == n || e[i].last_used < e[lru].last_used ||
			     (e[i].last_used == e[lru].last_used &&
			      strcmp(e[i].name, e[lru].name) < 0)))
				lru = i;
		if (lru == n)
			break;
		remove[lru] = 1;
		kept -= modelcache_entry_bytes(&e[lru]);
	}
}

Status modelcache_remove(const char *dir, const ModelCacheEntry *e,
			 ErrorRecord *err)
{
	static const char *const suffix[] = {"", FORECAST_SUFFIX, NOTE_SUFFIX};
	for (size_t k = 0; k < sizeof(suffix) / sizeof(suffix[0]); k++) {
		char path[PATH_MAX + 64];
		snprintf(path, sizeof(path), "%s/%s%s", dir, e->name,
			 suffix[k]);
		atomicfile_sweep(path, 60);
		if (unlink(path) != 0 && errno != ENOENT)
			return error_set(err, STATUS_IO, path, 0, 0,
					 "cannot remove: %s", strerror(errno));
	}
	return STATUS_OK;
}
