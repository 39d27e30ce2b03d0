/* The model cache folder: what is in it, and removing from it.
 *
 * The folder ($XDG_CACHE_HOME/vigil, fallback ~/.cache/vigil, or the
 * --cache-dir folder) holds one entry per trained model:
 *   NAME.KEY.vigil-model           the model file (model.h)
 *   NAME.KEY.vigil-model.forecast  its forecast of the dataset (ui/pipeline.c)
 *   NAME.KEY.vigil-model.dataset   a note: the dataset, its rows and metrics
 * NAME is the dataset's file or SMD machine name, KEY a hash of the train
 * part's values, the metric names, the split and the training options. The
 * note's modification time is the entry's last use (model_cache_find
 * touches it). Other files in the folder (the dashboard's journals and
 * locks) are not entries and are never listed or removed here. */
#ifndef VIGIL_MODELCACHE_H
#define VIGIL_MODELCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "data/series.h"
#include "data/status.h"

typedef struct {
	char name[256];          /* the model file's name: NAME.KEY.vigil-model */
	char dataset[4096];      /* from the note; "" when there is none */
	size_t rows, metrics;    /* from the note; 0 when unknown */
	uint64_t model_bytes;    /* 0 when the model file is missing */
	uint64_t forecast_bytes; /* 0 when there is no forecast */
	uint64_t note_bytes;
	int64_t last_used;       /* newest modification time of its files,
				    seconds since the epoch */
} ModelCacheEntry;

/* FNV-1a over n bytes, continuing from h (start with
 * 0xcbf29ce484222325): the hash of every cache key. */
uint64_t modelcache_fnv(uint64_t h, const void *p, size_t n);

/* The dataset's short name, the cache entry's base and a model file's
 * origin: the SMD machine, or the (first) file's name without its folder
 * ("synth", "prometheus" for those). */
void model_dataset_base(const Series *s, char *buf, size_t n);

/* The cache folder: dir when not NULL, else $XDG_CACHE_HOME/vigil (an
 * absolute XDG_CACHE_HOME only), else $HOME/.cache/vigil. create: make it
 * (mode 0700) when missing. */
Status modelcache_dir(const char *dir, int create, char *buf, size_t n,
		      ErrorRecord *err);

/* The entries of folder dir, sorted by dataset, then most recent use
 * first, as a malloc'd array (free it; NULL with *n = 0 when there are
 * none). A missing folder has no entries. */
Status modelcache_list(const char *dir, ModelCacheEntry **out, size_t *n,
		       ErrorRecord *err);

/* Total bytes of an entry's files. */
uint64_t modelcache_entry_bytes(const ModelCacheEntry *e);

/* Which entries a clean removes: every entry last used before
 * now - older_than (older_than < 0: no age limit), then the least recently
 * used of the rest until they hold at most max_bytes (max_bytes < 0: no size
 * limit). With neither limit, every entry. remove[i] is set to 1 or 0. */
void modelcache_select(const ModelCacheEntry *e, size_t n, int64_t now,
		       int64_t older_than, int64_t max_bytes, int *remove);

/* Remove an entry's files from dir (and the temporary files interrupted
 * saves of them left). */
Status modelcache_remove(const char *dir, const ModelCacheEntry *e,
			 ErrorRecord *err);

#endif
