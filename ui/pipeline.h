/* The pipeline every command and the dashboard share: open a dataset, obtain
 * a model (a given file, the cached one, or a fresh training with progress),
 * forecast every row, and run detection.
 *
 * Stages can be run one by one (the dashboard trains in the background and
 * then calls pipeline_forecast and pipeline_detect) or, once loaded, all
 * at once with pipeline_run_loaded. Options shared by the subcommands that run it (--model,
 * --epochs, --hidden, ..., --mode, --k, ...) are parsed by pipeline_option. */
#ifndef VIGIL_PIPELINE_H
#define VIGIL_PIPELINE_H

#include <stddef.h>

#include "data/series.h"
#include "engine/adapt.h"
#include "engine/detect.h"
#include "engine/model.h"

typedef struct {
	const char *dataset;     /* borrowed: DATASET as on the command line */
	SeriesOptions series;    /* --split, --train, --interval */
	const char *model_path;  /* borrowed, may be NULL: --model FILE */
	LstmConfig lstm;         /* used when training (and to find the cache) */
	DetectConfig detect;
	AdaptConfig adapt;       /* --adapt N ...: keep learning while
				    streaming (adapt.every 0: off) */
	const char *train_option; /* borrowed, may be NULL: the last option
				     given that only shapes a model being
				     trained or found in the cache
				     (--epochs, ..., --cache-dir) */
	const char *model_option; /* borrowed, may be NULL: the last option
				     given that only the model pipeline
				     uses (every one but --model and
				     --quiet), moot when no model runs
				     (score --detections) */
	int quiet;               /* 1: no progress bar on stderr */
	int no_bars;             /* 1: no progress bar, stderr's other
				    lines kept (score --jobs) */
	TrainProgressFn progress; /* NULL: pipeline_progress_stderr unless
				     quiet */
	void *progress_ctx;
} PipelineOptions;

typedef struct {
	Series series;       /* owned */
	LstmModel *model;    /* owned, NULL before pipeline_model */
	int from_cache;      /* 1 when the model came from the cache or --model */
	float *pred;         /* owned: metrics x rows, column-major, original
				units, NaN where there is no forecast */
	char model_file[4096]; /* the cached model's file ("" when the model
				  came from --model or fresh training) */
	int forecast_cached; /* 1 when pred came from the forecast cache */
	int adapted;         /* 1 when pred is the adapting forecast (--adapt) */
	AdaptProgress adapt; /* then: its updates, skipped updates, time */
	DetectResult det;    /* owned */
} Pipeline;

/* Defaults: lstm_config_defaults, detect_config_defaults, no model path. */
void pipeline_options_defaults(PipelineOptions *o);

void pipeline_init(Pipeline *p);
void pipeline_free(Pipeline *p);

/* Stage 1: open o->dataset into p->series (or take *s over when s is not
 * NULL: p->series becomes *s and *s is reset to empty). */
Status pipeline_load(Pipeline *p, const PipelineOptions *o, Series *s,
		     ErrorRecord *err);
/* Stage 2: load o->model_path, or the cached model, or train one (progress
 * through o->progress, default a bar on stderr). */
Status pipeline_model(Pipeline *p, const PipelineOptions *o, ErrorRecord *err);

/* When the model m (read from a file) was trained on other data than s's
 * train part, and on a dataset of another name, a note saying so in buf
 * ("the model M was trained on machine-1-1, not on machine-1-2: ...") and
 * 1; else 0. A model file of version 1 does not say: 0. */
int pipeline_model_elsewhere(const LstmModel *m, const Series *s,
			     const char *model_path, char *buf, size_t n);


/* An error the engine reported against s->path names an SMD machine's
 * folder only: make it name the machine as the command line does
 * (PATH:machine). Other errors are left as they are. */
void pipeline_name_machine(const Series *s, ErrorRecord *err);
/* Stage 3: forecast every row with p->model into p->pred. For a model from
 * the cache, the forecast itself is cached beside it in the cache folder
 * (MODEL.forecast: the model file's and the series' hashes, then the
 * floats) and reused while both are unchanged; a missing, stale or damaged
 * cache is recomputed and rewritten (failures to write are ignored). */
Status pipeline_forecast(Pipeline *p, ErrorRecord *err);
/* Stage 3 as the options say: with o->adapt.every > 0 the adapting
 * forecast (engine/adapt.h) of p->model, which is never cached (it
 * depends on the detection options too), with a progress bar on stderr
 * when it is a terminal and o->quiet is 0; else pipeline_forecast. */
Status pipeline_forecast_with(Pipeline *p, const PipelineOptions *o,
			      ErrorRecord *err);
/* Stage 4: detect_run with o->detect into p->det. */
Status pipeline_detect(Pipeline *p, const PipelineOptions *o,
		       ErrorRecord *err);
/* Stages 2 to 4, after pipeline_load (what needs the series, as the
 * checks of the output files, comes between). */
Status pipeline_run_loaded(Pipeline *p, const PipelineOptions *o,
			   ErrorRecord *err);

/* Every metric detection followed by the node-level ones (metric ==
 * DETECT_NODE), as one malloc'd array (free it) for scoring or writing. */
Status pipeline_detections(const Pipeline *p, Detection **out, size_t *n,
			   ErrorRecord *err);

/* If argv[*i] is a model or detection option, consume it (and its value)
 * into o, advance *i, return 1; 0 if it is not one; -1 (after printing a
 * usage error for cmd) if its value is bad. */
int pipeline_option(const char *cmd, int argc, char **argv, int *i,
		    PipelineOptions *o);

/* The model options alone (--epochs, --hidden, ..., --threads,
 * --cache-dir; vigil train's), as pipeline_option takes them, into lc. */
int pipeline_lstm_option(const char *cmd, int argc, char **argv, int *i,
			 LstmConfig *lc);

/* The checks that need every option parsed first: a usage error for cmd
 * (returns 1) when --high is below --medium, or when o names a model file
 * (--model) and an option that only shapes a model being trained or found
 * in the cache (o->train_option), which would be ignored; else 0. */
int pipeline_check_options(const char *cmd, const PipelineOptions *o);

/* Help text for the options pipeline_option accepts. */
extern const char pipeline_model_help[];
/* The same without --model and --cache-dir (vigil nab: a fresh model per
 * file, none cached). */
extern const char pipeline_train_help[];
/* The same with --cache-dir (vigil train: no --model, a model cached
 * unless -o names a file). */
extern const char pipeline_train_cached_help[];
extern const char pipeline_detect_help[];
extern const char pipeline_adapt_help[];

/* A progress bar on stderr (carriage return on a terminal, one line per
 * epoch otherwise); ctx unused. */
void pipeline_progress_stderr(const TrainProgress *p, void *ctx);

#endif
