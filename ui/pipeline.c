/* The shared pipeline: dataset -> model -> forecast -> detection, and the
 * command-line options that steer it. See ui/pipeline.h. */
#include "ui/pipeline.h"

#include <math.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/modelcache.h"
#include "ui/cli.h"
#include "ui/escape.h"
#include "ui/outfile.h"
#include "ui/loadbar.h"

/* the model options' help, in parts: vigil nab trains a fresh model per
 * file and takes neither --model nor --cache-dir */
#define HELP_MODEL_FILE                                                    \
	"  --model FILE       use this model file (default: the cached model,\n" \
	"                     trained first when there is none)\n"
#define HELP_MODEL_TRAIN                                                   \
	"  --epochs N         maximum training epochs (default 50)\n"           \
	"  --patience N       stop after N epochs without a better\n"           \
	"                     validation loss (default 5; 0 = never)\n"        \
	"  --hidden N         LSTM units (default 50)\n"                        \
	"  --look-back N      window length (default 10)\n"                    \
	"  --seed N           training seed (default 1)\n"                      \
	"  --layers N         LSTM layers, 1 or 2 (default 1)\n"               \
	"  --batch N          windows per batch (default 32)\n"                \
	"  --lr X             Adam learning rate (default 0.001)\n"            \
	"  --clip X           gradient clipping by global norm, 0 = off\n"     \
	"                     (default 1)\n"                                    \
	"  --rolling W        add rolling mean and std features over W\n"      \
	"                     rows (default off)\n"                             \
	"  --max-train-rows N train on at most the last N windows (default\n"  \
	"                     all)\n"                                           \
	"  --threads N        worker threads for training (default 1)\n"
#define HELP_MODEL_CACHE                                                   \
	"  --cache-dir DIR    keep cached models and forecasts in DIR\n"       \
	"                     (default $XDG_CACHE_HOME/vigil, else\n"           \
	"                     ~/.cache/vigil; never beside the data unless\n"   \
	"                     DIR is the data's folder; see vigil cache)\n"

#define HELP_QUIET                                                         \
	"  --quiet            no progress bar and no progress notes on\n"     \
	"                     stderr (errors and warnings still show)\n"

const char pipeline_model_help[] =
	"Model options:\n" HELP_MODEL_FILE HELP_MODEL_TRAIN HELP_MODEL_CACHE
	HELP_QUIET;

const char pipeline_train_help[] =
	"Model options:\n" HELP_MODEL_TRAIN
	HELP_QUIET;

const char pipeline_train_cached_help[] =
	"Model options:\n" HELP_MODEL_TRAIN HELP_MODEL_CACHE
	HELP_QUIET;

const char pipeline_detect_help[] =
	"Detection options:\n"
	"  --mode M           threshold mode: calibrated (default; causal:\n"
	"                     tail probabilities of each metric's errors\n"
	"                     against their own history), seed (k x train\n"
	"                     RMSE), sigma (mean + z std of train errors),\n"
	"                     dynamic (telemanom's, fitted on the test\n"
	"                     errors: it looks ahead, for offline\n"
	"                     comparison only)\n"
	"  --p P              calibrated: tail probability at the threshold\n"
	"                     (default 1e-5; medium 1e-10, high 1e-20)\n"
	"  --history N        calibrated: rows of history the tails are\n"
	"                     fitted on (default 30000)\n"
	"  --refit N          calibrated: rows between two fits (default 50)\n"
	"  --tail Q           calibrated: fraction of the history in the\n"
	"                     fitted tail (default 0.02)\n"
	"  --min-scale X      calibrated: floor of the tail's scale, scaled\n"
	"                     units (default 0.001)\n"
	"  --long-span N      calibrated: span of the long-horizon error\n"
	"                     signal, rows (default 60; 0: none)\n"
	"  --level-span N     calibrated: span of the level signal, the\n"
	"                     distance from the train median (default 0: none)\n"
	"  --season SEC       calibrated: period of the seasonal signal, the\n"
	"                     distance from the same time of the 3 periods\n"
	"                     before, for metrics whose train part repeats\n"
	"                     itself (r >= 0.7) (default 86400; 0: none)\n"
	"  --k X              seed multiplier (default 1.5)\n"
	"  --z X              sigma multiplier (default 3)\n"
	"  --span N           EWMA span of the error smoothing, rows (default 5)\n"
	"  --min-duration SEC shortest detection in seconds (default 480)\n"
	"  --merge-gap N      merge runs fewer than N rows apart (default 5)\n"
	"  --alert-gap N      group node detections fewer than N rows apart\n"
	"                     into one alert (default 60)\n"
	"  --medium X         peak score for medium criticality (default 2)\n"
	"  --high X           peak score for high criticality (default 4)\n"
	"  --min-threshold X  floor of every threshold, scaled units "
	"(default 0.01)\n"
	"  --window N         dynamic: rows per window (default 2100; 0: one)\n"
	"  --buffer N         dynamic: error buffer in rows (default 100, at\n"
	"                     most 5% of a window)\n"
	"  --floor-z X        dynamic: no threshold below mean + X std of the\n"
	"                     smoothed train errors (default 3; 0: no floor)\n"
	"  --node-top-k K     node level: runs where the mean of the K largest\n"
	"                     metric scores is >= 1 (default 2; 0: the union\n"
	"                     of the metrics' detections)\n"
	"  --whole            detect in the train part too\n";

const char pipeline_adapt_help[] =
	"Adaptation options (keep learning while streaming; off by default):\n"
	"  --adapt N          every N rows of the test part, fine-tune a copy\n"
	"                     of the model on the recent windows whose rows\n"
	"                     were all judged normal, then forecast the next\n"
	"                     N rows with it (causal; not cached; 0: off;\n"
	"                     N or --adapt-recent must hold a batch, 32)\n"
	"  --adapt-steps N    Adam steps per update (default 20)\n"
	"  --adapt-lr X       their learning rate (default 1e-4)\n"
	"  --adapt-recent N   windows are taken from the last N rows (default:\n"
	"                     the --adapt rows)\n"
	"  --adapt-mix F      fraction of each batch taken from the train part,\n"
	"                     against forgetting (default 0.5)\n"
	"  --adapt-below X    a row is judged normal when its node score is\n"
	"                     below X (default 1, the threshold)\n"
	"  --adapt-head       only the output layer learns (the LSTM layers\n"
	"                     stay as trained)\n";

void pipeline_options_defaults(PipelineOptions *o)
{
	memset(o, 0, sizeof(*o));
	lstm_config_defaults(&o->lstm);
	detect_config_defaults(&o->detect);
	adapt_config_defaults(&o->adapt);
}

void pipeline_init(Pipeline *p)
{
	memset(p, 0, sizeof(*p));
	series_init(&p->series);
	detect_result_init(&p->det);
}

void pipeline_free(Pipeline *p)
{
	series_free(&p->series);
	if (p->model)
		lstm_model_delete(p->model);
	free(p->pred);
	detect_result_free(&p->det);
	pipeline_init(p);
}

Status pipeline_load(Pipeline *p, const PipelineOptions *o, Series *s,
		     ErrorRecord *err)
{
	series_free(&p->series);
	if (s) {
		p->series = *s;
		series_init(s);
		return STATUS_OK;
	}
	if (o->quiet || o->no_bars)
		return series_open(&p->series, o->dataset, &o->series, err);
	return loadbar_series_open(&p->series, o->dataset, &o->series, err);
}

void pipeline_progress_stderr(const TrainProgress *p, void *ctx)
{
	(void)ctx;
	static size_t last_epoch;
	int tty = isatty(2);
	if (!tty) {
		/* one line per finished epoch */
		if (p->done || (p->batches && p->batch == p->batches &&
				p->epoch != last_epoch)) {
			last_epoch = p->epoch;
			fprintf(stderr,
				"training: epoch %zu/%zu  loss %.5f  val %.5f  "
				"%.1fs%s\n",
				p->epoch, p->epochs, p->train_loss, p->val_loss,
				p->elapsed, p->done ? "  done" : "");
		}
		return;
	}
	double frac = p->epochs ? ((double)(p->epoch ? p->epoch - 1 : 0) +
				   (p->batches ? (double)p->batch /
							 (double)p->batches
					       : 0)) /
					  (double)p->epochs
				: 0;
	if (p->done)
		frac = 1;
	int width = 30, fill = (int)(frac * width + 0.5);
	char bar[64];
	for (int i = 0; i < width; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[width] = '\0';
	char val[32] = "-"; /* none before the first validation */
	if (isfinite(p->val_loss))
		snprintf(val, sizeof(val), "%.5f", p->val_loss);
	fprintf(stderr,
		"\rtraining [%s] epoch %zu/%zu  loss %.5f  val %s  %.0fs "
		"(eta %.0fs)  ",
		bar, p->epoch, p->epochs, p->train_loss, val, p->elapsed,
		p->eta);
	if (p->done)
		fputc('\n', stderr);
	fflush(stderr);
}

void pipeline_name_machine(const Series *s, ErrorRecord *err)
{
	if (!err || !s->machine || !s->path || strcmp(err->file, s->path))
		return;
	char named[sizeof(err->file)];
	if (snprintf(named, sizeof(named), "%s:%s", s->path, s->machine) <
	    (int)sizeof(named))
		memcpy(err->file, named, sizeof(named));
}

Status pipeline_model(Pipeline *p, const PipelineOptions *o, ErrorRecord *err)
{
	if (p->model) {
		lstm_model_delete(p->model);
		p->model = NULL;
	}
	/* options of --adapt without it: said before loading or training */
	if (!o->adapt.every) {
		Status au = adapt_check_batch(&o->adapt, o->lstm.batch, err);
		if (au)
			return au;
	}
	if (o->model_path) {
		p->from_cache = 1;
		Status ls = model_load(&p->model, o->model_path, &p->series,
				       err);
		if (!ls)
			lstm_model_set_threads(p->model, o->lstm.threads);
		char note[1200];
		if (!ls && pipeline_model_elsewhere(p->model, &p->series,
						    o->model_path, note,
						    sizeof(note))) {
			/* said even with --quiet: the scores rest on it */
			flockfile(stderr);
			fputs("vigil: warning: ", stderr);
			ui_escape_fputs(note, stderr);
			fputc('\n', stderr);
			funlockfile(stderr);
		}
		return ls;
	}
	/* --adapt that could never update: said before training */
	Status ab = adapt_check_batch(&o->adapt, o->lstm.batch, err);
	if (ab)
		return ab;
	TrainProgressFn fn = o->progress;
	if (!fn && !o->quiet && !o->no_bars)
		fn = pipeline_progress_stderr;
	error_clear(err);
	Status st = model_obtain(&p->series, &o->lstm, fn, o->progress_ctx,
				 &p->model, &p->from_cache, err);
	if (st)
		pipeline_name_machine(&p->series, err);
	else if (err->message[0]) {
		/* trained but not cached: said, or every run trains again
		   without a word */
		if (!o->quiet) {
			char buf[1200];
			flockfile(stderr); /* score --jobs: one line whole */
			fputs("vigil: model not cached: ", stderr);
			ui_escape_fputs(error_format(err, buf, sizeof(buf)),
					stderr);
			fputs("; it is trained again next time\n", stderr);
			funlockfile(stderr);
		}
		error_clear(err);
	}
	p->model_file[0] = '\0';
	if (st == STATUS_OK &&
	    !model_cache_find(&p->series, &o->lstm, p->model_file,
			      sizeof(p->model_file)))
		p->model_file[0] = '\0';
	return st;
}

/* ---- the forecast cache ---- */

/* VIGFCST2: magic, then key, rows, metrics and the forecasts' own hash,
 * then the forecasts (version 1 had no hash: a damaged one was read) */
static const char fc_magic[8] = {'V', 'I', 'G', 'F', 'C', 'S', 'T', '2'};

/* FNV-1a over n bytes, folded 8 bytes at a time for speed. */
static uint64_t fold_hash(uint64_t h, const void *p, size_t n)
{
	const unsigned char *v = p;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, v + i, 8);
		h ^= w;
		h *= 0x100000001b3ULL;
	}
	return modelcache_fnv(h, v + i, n - i);
}

/* Hash of the model file's bytes and the series' shape and values; 0 when
 * the model file cannot be read. */
static uint64_t forecast_key(const Pipeline *p)
{
	FILE *f = fopen(p->model_file, "rb");
	if (!f)
		return 0;
	uint64_t h = 0xcbf29ce484222325ULL;
	unsigned char buf[65536];
	size_t got;
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
		h = modelcache_fnv(h, buf, got);
	int bad = ferror(f);
	fclose(f);
	if (bad)
		return 0;
	const Series *s = &p->series;
	uint64_t shape[2] = {s->rows, s->metrics};
	h = modelcache_fnv(h, shape, sizeof(shape));
	h = fold_hash(h, s->values, s->rows * s->metrics * sizeof(float));
	return h ? h : 1;
}

/* The hash a forecast cache stores of its forecasts. */
static uint64_t pred_hash(const Pipeline *p)
{
	return fold_hash(0xcbf29ce484222325ULL, p->pred,
			 p->series.rows * p->series.metrics * sizeof(float));
}

static int forecast_cache_read(Pipeline *p, const char *path, uint64_t key)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	char magic[8];
	uint64_t head[4];
	size_t cells = p->series.rows * p->series.metrics;
	int ok = fread(magic, 1, 8, f) == 8 && !memcmp(magic, fc_magic, 8) &&
		 fread(head, sizeof(uint64_t), 4, f) == 4 && head[0] == key &&
		 head[1] == p->series.rows && head[2] == p->series.metrics &&
		 fread(p->pred, sizeof(float), cells, f) == cells &&
		 fgetc(f) == EOF && pred_hash(p) == head[3];
	fclose(f);
	return ok;
}

static void forecast_cache_write(const Pipeline *p, const char *path,
				 uint64_t key)
{
	OutFile of;
	ErrorRecord e;
	if (outfile_open(&of, path, &e) != STATUS_OK)
		return;
	uint64_t head[4] = {key, p->series.rows, p->series.metrics,
			    pred_hash(p)};
	size_t cells = p->series.rows * p->series.metrics;
	fwrite(fc_magic, 1, 8, of.f);
	fwrite(head, sizeof(uint64_t), 4, of.f);
	fwrite(p->pred, sizeof(float), cells, of.f);
	outfile_commit(&of, &e);
}

/* A new p->pred for every cell of the series (not cached yet). */
static Status pred_alloc(Pipeline *p, ErrorRecord *err)
{
	free(p->pred);
	size_t cells = p->series.rows * p->series.metrics;
	p->pred = malloc((cells ? cells : 1) * sizeof(float));
	p->forecast_cached = 0;
	if (!p->pred)
		return error_set(err, STATUS_NOMEM, "", 0, 0,
				 "out of memory for %zu forecasts", cells);
	return STATUS_OK;
}

Status pipeline_forecast(Pipeline *p, ErrorRecord *err)
{
	Status st = pred_alloc(p, err);
	if (st)
		return st;
	char path[4200];
	uint64_t key = 0;
	if (p->model_file[0]) {
		snprintf(path, sizeof(path), "%s.forecast", p->model_file);
		key = forecast_key(p);
		if (key && forecast_cache_read(p, path, key)) {
			p->forecast_cached = 1;
			return STATUS_OK;
		}
	}
	st = lstm_forecast(p->model, &p->series, p->pred, err);
	if (st == STATUS_OK && key)
		forecast_cache_write(p, path, key);
	return st;
}

/* A progress bar for the adapting forecast, on a terminal only. */
static void adapt_progress_stderr(const AdaptProgress *a, void *ctx)
{
	(void)ctx;
	double frac = a->rows ? (double)a->rows_done / (double)a->rows : 1;
	int width = 30, fill = (int)(frac * width + 0.5);
	char bar[64];
	for (int i = 0; i < width; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[width] = '\0';
	double eta = frac > 0 ? a->elapsed / frac - a->elapsed : 0;
	fprintf(stderr,
		"\radapting [%s] %zu/%zu rows  %zu updates  %.0fs (eta %.0fs)  ",
		bar, a->rows_done, a->rows, a->updates, a->elapsed,
		a->done ? 0 : eta);
	if (a->done)
		fputc('\n', stderr);
	fflush(stderr);
}

Status pipeline_forecast_with(Pipeline *p, const PipelineOptions *o,
			      ErrorRecord *err)
{
	p->adapted = 0;
	if (!o->adapt.every)
		return pipeline_forecast(p, err);
	Status st = pred_alloc(p, err);
	if (st)
		return st;
	AdaptProgressFn fn =
		!o->quiet && !o->no_bars && isatty(2) ? adapt_progress_stderr
						      : NULL;
	st = adapt_forecast(p->model, &p->series, &o->adapt, &o->detect,
				   fn, NULL, p->pred, &p->adapt, err);
	p->adapted = st == STATUS_OK;
	if (st)
		pipeline_name_machine(&p->series, err);
	return st;
}

Status pipeline_detect(Pipeline *p, const PipelineOptions *o, ErrorRecord *err)
{
	return detect_run(&p->series, p->pred, &o->detect, &p->det, err);
}

Status pipeline_run_loaded(Pipeline *p, const PipelineOptions *o,
			   ErrorRecord *err)
{
	Status st = pipeline_model(p, o, err);
	if (st == STATUS_OK)
		st = pipeline_forecast_with(p, o, err);
	if (st == STATUS_OK)
		st = pipeline_detect(p, o, err);
	return st;
}

Status pipeline_detections(const Pipeline *p, Detection **out, size_t *n,
			   ErrorRecord *err)
{
	const DetectResult *r = &p->det;
	size_t total = r->n_node;
	for (size_t m = 0; m < r->metrics; m++)
		total += r->n_det[m];
	Detection *all = malloc((total ? total : 1) * sizeof(*all));
	if (!all)
		return error_set(err, STATUS_NOMEM, "", 0, 0,
				 "out of memory for %zu detections", total);
	size_t k = 0;
	for (size_t m = 0; m < r->metrics; m++)
		for (size_t i = 0; i < r->n_det[m]; i++)
			all[k++] = r->det[m][i];
	for (size_t i = 0; i < r->n_node; i++)
		all[k++] = r->node[i];
	*out = all;
	*n = total;
	return STATUS_OK;
}

/* Option value helpers: 0 ok, -1 after printing. */
static int want_long(const char *cmd, const char *opt, const char *v,
		     long min, long *out)
{
	if (cli_parse_long(v, out) || *out < min) {
		cli_usage_error(cmd, "%s takes a whole number >= %ld, not '%s'",
				opt, min, v);
		return -1;
	}
	return 0;
}

static int want_double(const char *cmd, const char *opt, const char *v,
		       double min, double *out)
{
	if (cli_parse_double(v, out) || !(*out >= min)) {
		cli_usage_error(cmd, "%s takes a number >= %g, not '%s'", opt,
				min, v);
		return -1;
	}
	return 0;
}

/* The model options that only shape a model being trained or looked up in
 * the cache; --threads is a model option too, but a loaded model runs
 * with it. */
static const char *const train_only[] = {
	"--epochs", "--patience", "--hidden", "--look-back",
	"--seed",   "--layers",   "--batch",  "--lr",
	"--clip",   "--rolling",  "--max-train-rows", "--cache-dir",
};

static int is_train_only(const char *a)
{
	for (size_t k = 0; k < sizeof(train_only) / sizeof(train_only[0]); k++)
		if (!strcmp(a, train_only[k]))
			return 1;
	return 0;
}

int pipeline_lstm_option(const char *cmd, int argc, char **argv, int *i,
			 LstmConfig *lc)
{
	const char *a = argv[*i];
	if (!is_train_only(a) && strcmp(a, "--threads"))
		return 0;
	if (*i + 1 >= argc) {
		cli_usage_error(cmd, "%s needs a value", a);
		return -1;
	}
	const char *v = argv[++*i];
	long l;
	double d;
	if (!strcmp(a, "--cache-dir")) {
		lc->cache_dir = v;
	} else if (!strcmp(a, "--seed")) {
		/* every 64-bit seed */
		if (cli_parse_seed(v, &lc->seed)) {
			cli_usage_error(cmd, "--seed takes a whole number, not "
					     "'%s'",
					v);
			return -1;
		}
	} else if (!strcmp(a, "--lr")) {
		if (cli_parse_double(v, &d) || !(d > 0) || d > 10) {
			cli_usage_error(cmd,
					"--lr takes a rate in (0, 10], not '%s'",
					v);
			return -1;
		}
		lc->lr = (float)d;
	} else if (!strcmp(a, "--clip")) {
		if (cli_parse_double(v, &d) || !(d >= 0) || !isfinite(d)) {
			cli_usage_error(cmd,
					"--clip takes a norm >= 0, not '%s'", v);
			return -1;
		}
		lc->clip = (float)d;
	} else {
		/* the counts: --patience, --rolling and --max-train-rows
		   take 0 (never, off, all) */
		int zero = !strcmp(a, "--patience") ||
			   !strcmp(a, "--rolling") ||
			   !strcmp(a, "--max-train-rows");
		if (want_long(cmd, a, v, zero ? 0 : 1, &l))
			return -1;
		size_t n = (size_t)l;
		if (!strcmp(a, "--epochs"))
			lc->epochs = n;
		else if (!strcmp(a, "--patience"))
			lc->patience = n;
		else if (!strcmp(a, "--hidden"))
			lc->hidden = n;
		else if (!strcmp(a, "--look-back"))
			lc->look_back = n;
		else if (!strcmp(a, "--layers"))
			lc->layers = n;
		else if (!strcmp(a, "--batch"))
			lc->batch = n;
		else if (!strcmp(a, "--rolling"))
			lc->rolling = n;
		else if (!strcmp(a, "--max-train-rows"))
			lc->max_train_rows = n;
		else
			lc->threads = l > INT_MAX ? INT_MAX : (int)l;
	}
	/* the engine's bounds (--hidden at most 4096, ...): a usage error
	   here, not bad input once the data is read */
	ErrorRecord cerr;
	if (model_check_config(lc, &cerr)) {
		cli_usage_error(cmd, "%s %s: %s", a, v, cerr.message);
		return -1;
	}
	return 1;
}

int pipeline_option(const char *cmd, int argc, char **argv, int *i,
		    PipelineOptions *o)
{
	const char *a = argv[*i];
	int r = pipeline_lstm_option(cmd, argc, argv, i, &o->lstm);
	if (r > 0 && is_train_only(a))
		o->train_option = a;
	if (r > 0)
		o->model_option = a;
	if (r)
		return r;
	if (!strcmp(a, "--quiet")) {
		o->quiet = 1;
		return 1;
	}
	if (!strcmp(a, "--whole")) {
		o->detect.whole_series = 1;
		o->model_option = a;
		return 1;
	}
	if (!strcmp(a, "--adapt-head")) {
		o->adapt.head_only = 1;
		o->model_option = a;
		return 1;
	}
	static const char *const with_value[] = {
		"--model",	"--mode",	"--k",		"--z",
		"--span",	"--min-duration", "--merge-gap", "--alert-gap",
		"--medium",	"--high",	"--min-threshold", "--window",
		"--buffer",	"--floor-z",	"--node-top-k", "--p",
		"--history",	"--refit",	"--tail",	"--min-scale",
		"--long-span",	"--level-span", "--season",	"--adapt",
		"--adapt-steps", "--adapt-lr",	"--adapt-recent", "--adapt-mix",
		"--adapt-below",
	};
	int known = 0;
	for (size_t k = 0; k < sizeof(with_value) / sizeof(with_value[0]); k++)
		if (!strcmp(a, with_value[k]))
			known = 1;
	if (!known)
		return 0;
	if (*i + 1 >= argc) {
		cli_usage_error(cmd, "%s needs a value", a);
		return -1;
	}
	if (strcmp(a, "--model"))
		o->model_option = a;
	const char *v = argv[++*i];
	long l;
	double d;
	DetectConfig *dc = &o->detect;
	if (!strcmp(a, "--model")) {
		o->model_path = v;
	} else if (!strcmp(a, "--mode")) {
		if (detect_mode_parse(v, &dc->mode)) {
			cli_usage_error(cmd,
					"--mode is calibrated, seed, sigma or "
					"dynamic, not "
					"'%s'",
					v);
			return -1;
		}
	} else if (!strcmp(a, "--k")) {
		if (want_double(cmd, a, v, 1e-9, &d))
			return -1;
		dc->k = d;
	} else if (!strcmp(a, "--z")) {
		if (want_double(cmd, a, v, 0, &d))
			return -1;
		dc->z = d;
	} else if (!strcmp(a, "--span")) {
		if (want_long(cmd, a, v, 1, &l))
			return -1;
		dc->span = (size_t)l;
	} else if (!strcmp(a, "--min-duration")) {
		if (want_double(cmd, a, v, 0, &d))
			return -1;
		dc->min_duration = d;
	} else if (!strcmp(a, "--merge-gap")) {
		if (want_long(cmd, a, v, 0, &l))
			return -1;
		dc->merge_gap = (size_t)l;
	} else if (!strcmp(a, "--alert-gap")) {
		if (want_long(cmd, a, v, 0, &l))
			return -1;
		dc->alert_gap = (size_t)l;
	} else if (!strcmp(a, "--medium")) {
		if (want_double(cmd, a, v, 1, &d))
			return -1;
		dc->medium = d;
	} else if (!strcmp(a, "--high")) {
		if (want_double(cmd, a, v, 1, &d))
			return -1;
		dc->high = d;
	} else if (!strcmp(a, "--min-threshold")) {
		if (want_double(cmd, a, v, 0, &d))
			return -1;
		dc->min_threshold = d;
	} else if (!strcmp(a, "--window")) {
		if (want_long(cmd, a, v, 0, &l))
			return -1;
		dc->dyn_window = (size_t)l;
	} else if (!strcmp(a, "--buffer")) {
		if (want_long(cmd, a, v, 0, &l))
			return -1;
		dc->dyn_buffer = (size_t)l;
	} else if (!strcmp(a, "--floor-z")) {
		if (want_double(cmd, a, v, 0, &d))
			return -1;
		dc->dyn_floor_z = d;
	} else if (!strcmp(a, "--node-top-k")) {
		if (want_long(cmd, a, v, 0, &l))
			return -1;
		dc->node_top_k = (size_t)l;
	} else if (!strcmp(a, "--p")) {
		if (want_double(cmd, a, v, 1e-300, &d))
			return -1;
		if (!(d < 1)) {
			cli_usage_error(cmd, "--p is a probability below 1, "
					     "not '%s'", v);
			return -1;
		}
		dc->p = d;
	} else if (!strcmp(a, "--history")) {
		if (want_long(cmd, a, v, 1, &l))
			return -1;
		dc->history = (size_t)l;
	} else if (!strcmp(a, "--refit")) {
		if (want_long(cmd, a, v, 1, &l))
			return -1;
		dc->refit = (size_t)l;
	} else if (!strcmp(a, "--tail")) {
		if (want_double(cmd, a, v, 1e-9, &d))
			return -1;
		if (d > 0.5) {
			cli_usage_error(cmd, "--tail is at most 0.5, not '%s'",
					v);
			return -1;
		}
		dc->tail = d;
	} else if (!strcmp(a, "--min-scale")) {
		if (want_double(cmd, a, v, 1e-12, &d))
			return -1;
		dc->min_scale = d;
	} else if (!strcmp(a, "--long-span")) {
		if (want_long(cmd, a, v, 0, &l))
			return -1;
		dc->long_span = (size_t)l;
	} else if (!strcmp(a, "--level-span")) {
		if (want_long(cmd, a, v, 0, &l))
			return -1;
		dc->level_span = (size_t)l;
	} else if (!strcmp(a, "--season")) {
		if (want_double(cmd, a, v, 0, &d))
			return -1;
		dc->season = d;
	} else if (!strcmp(a, "--adapt")) {
		if (want_long(cmd, a, v, 0, &l))
			return -1;
		o->adapt.every = (size_t)l;
	} else if (!strcmp(a, "--adapt-steps")) {
		if (want_long(cmd, a, v, 1, &l))
			return -1;
		o->adapt.steps = (size_t)l;
	} else if (!strcmp(a, "--adapt-lr")) {
		if (want_double(cmd, a, v, 1e-12, &d))
			return -1;
		if (d > 1) {
			cli_usage_error(cmd, "--adapt-lr is at most 1, not '%s'",
					v);
			return -1;
		}
		o->adapt.lr = (float)d;
	} else if (!strcmp(a, "--adapt-recent")) {
		if (want_long(cmd, a, v, 0, &l))
			return -1;
		o->adapt.recent = (size_t)l;
	} else if (!strcmp(a, "--adapt-mix")) {
		if (want_double(cmd, a, v, 0, &d))
			return -1;
		if (d > 1) {
			cli_usage_error(cmd, "--adapt-mix is a fraction, at "
					     "most 1, not '%s'", v);
			return -1;
		}
		o->adapt.mix = d;
	} else if (!strcmp(a, "--adapt-below")) {
		if (want_double(cmd, a, v, 1e-9, &d))
			return -1;
		o->adapt.below = d;
	}
	if (o->adapt.every && dc->mode == THRESH_DYNAMIC) {
		cli_usage_error(cmd, "--adapt judges rows by causal scores; "
				     "--mode dynamic looks ahead");
		return -1;
	}
	return 1;
}

int pipeline_check_options(const char *cmd, const PipelineOptions *o)
{
	/* here, not as each is parsed: '--medium 5 --high 8' passes by a
	   --high of 4 (the default) on the way */
	if (o->detect.high < o->detect.medium)
		return cli_usage_error(cmd,
				       "--high (%g) must not be below --medium "
				       "(%g)",
				       o->detect.high, o->detect.medium);
	if (!o->model_path || !o->train_option)
		return 0;
	if (!strcmp(o->train_option, "--cache-dir"))
		return cli_usage_error(cmd,
				       "--cache-dir does not apply with --model: "
				       "the model file is used, no cached model "
				       "or forecast");
	/* watch's argument is a SOURCE (its usage line) */
	return cli_usage_error(cmd,
			       "%s does not apply with --model: the model "
			       "file is used as it was trained (give %s to "
			       "vigil train %s -o MODEL)",
			       o->train_option, o->train_option,
			       !strcmp(cmd, "watch") ? "SOURCE" : "DATASET");
}

int pipeline_model_elsewhere(const LstmModel *m, const Series *s,
			     const char *model_path, char *buf, size_t n)
{
	uint64_t mh, sh;
	const char *mname;
	char sname[256];
	if (!model_origin(m, &mh, &mname))
		return 0;
	model_origin_of(s, &sh, sname, sizeof(sname));
	/* the same train part (a renamed copy of the file), or the same
	   dataset with another split or more rows: its own model */
	if (mh == sh || !strcmp(mname, sname))
		return 0;
	snprintf(buf, n,
		 "the model %s was trained on %s, not on %s: its scaler and "
		 "weights learnt another dataset's values (fine for a sister "
		 "machine on purpose; else train one on this dataset)",
		 model_path, mname, sname);
	return 1;
}
