/* vigil train: train the LSTM forecaster on a dataset's train part and save
 * it (to -o MODEL, or to the model cache other commands read), with a
 * progress bar on stderr and the forecast metrics of the result — next to
 * those of the naive last-value forecast — on stdout. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/model.h"
#include "ui/cli.h"
#include "ui/commands.h"
#include "ui/escape.h"
#include "ui/names.h"
#include "ui/textw.h"
#include "ui/outfile.h"
#include "ui/pipeline.h"
#include "ui/loadbar.h"

static const char train_help[] =
	"Usage: vigil train DATASET [-o MODEL] [options]\n"
	"\n"
	"Train the LSTM forecaster on DATASET's train part (its last 20% is\n"
	"the validation part for early stopping) and save the model: to MODEL\n"
	"with -o, else to the cache other commands use ($XDG_CACHE_HOME/vigil,\n"
	"else ~/.cache/vigil, or --cache-dir DIR; never beside the data; see\n"
	"vigil cache). A cached model for the same data and options is reused.\n"
	"A cached model's forecast of every row is cached with it, so the next\n"
	"vigil detect does not forecast again. Prints the forecast errors of\n"
	"the model and of the naive last-value forecast.\n"
	"\n"
	"  -o, --output MODEL write the model here instead of the cache\n"
	"  -h, --help         this help\n"
	"\n";

typedef struct {
	int tty;
	size_t last_epoch_line;
} ProgressState;

static void fmt_duration(double s, char *buf, size_t n)
{
	if (!(s >= 0) || !isfinite(s))
		snprintf(buf, n, "?");
	else if (s < 60)
		snprintf(buf, n, "%.1fs", s);
	else if (s < 3600)
		snprintf(buf, n, "%dm%02ds", (int)(s / 60), (int)s % 60);
	else
		snprintf(buf, n, "%dh%02dm", (int)(s / 3600),
			 (int)(s / 60) % 60);
}

static void progress(const TrainProgress *p, void *ctx)
{
	ProgressState *ps = ctx;
	char el[32], eta[32], val[48];
	fmt_duration(p->elapsed, el, sizeof(el));
	fmt_duration(p->eta, eta, sizeof(eta));
	if (isfinite(p->val_loss))
		snprintf(val, sizeof(val), "val %.6f (best %.6f)", p->val_loss,
			 p->best_val);
	else
		snprintf(val, sizeof(val), "val -");
	if (!ps->tty) {
		/* one line per epoch, after its validation */
		if (p->batch == p->batches && p->epoch != ps->last_epoch_line) {
			ps->last_epoch_line = p->epoch;
			fprintf(stderr,
				"epoch %zu/%zu  loss %.6f  %s  %s  eta %s%s\n",
				p->epoch, p->epochs, p->train_loss, val, el,
				p->done ? "0s" : eta,
				p->done ? "  done" : "");
		}
		return;
	}
	double frac = p->epochs && p->batches
			      ? ((double)(p->epoch - 1) +
				 (double)p->batch / (double)p->batches) /
					(double)p->epochs
			      : 0;
	if (p->done)
		frac = 1;
	const int width = 24;
	int fill = (int)(frac * width + 0.5);
	char bar[32];
	for (int i = 0; i < width; i++)
		bar[i] = i < fill ? '#' : '-';
	bar[width] = '\0';
	fprintf(stderr,
		"\r[%s] epoch %zu/%zu  batch %zu/%zu  loss %.6f  %s  %s  "
		"eta %s\033[K",
		bar, p->epoch, p->epochs, p->batch, p->batches, p->train_loss,
		val, el, p->done ? "0s" : eta);
	if (p->done)
		fputc('\n', stderr);
	fflush(stderr);
}

/* Width of the metric column of the error table. */
enum { NAME_W = 22 };

static void print_metrics(FILE *out, const LstmModel *m,
			  const ModelMetrics *mm)
{
	fprintf(out, "\nforecast errors, original units (train %zu windows, "
	       "validation %zu)\n",
	       mm->train.windows, mm->val.windows);
	fprintf(out, "%-22s %10s %10s %10s  %10s %10s %10s  %10s %10s\n", "",
	       "train", "", "", "validation", "", "", "naive", "naive");
	fprintf(out, "%-22s %10s %10s %10s  %10s %10s %10s  %10s %10s\n", "metric",
	       "MAE", "MSE", "RMSE", "MAE", "MSE", "RMSE", "RMSE trn",
	       "RMSE val");
	/* the names as printed: escaped, then cut to the column keeping
	   where they differ, so names alike at the start stay apart */
	size_t n = mm->train.metrics;
	char **esc = calloc(n ? n : 1, sizeof(*esc));
	int whole = esc != NULL;
	for (size_t o = 0; esc && o < n; o++) {
		const char *raw = lstm_model_metric(m, o);
		size_t cap = 4 * strlen(raw) + 1;
		if ((esc[o] = malloc(cap)))
			ui_escape(raw, esc[o], cap);
		else
			whole = 0;
	}
	for (size_t o = 0; o < n; o++) {
		const ErrorStats *t = &mm->train.per_metric[o];
		const ErrorStats *v = &mm->val.per_metric[o];
		char name[96];
		if (whole)
			ui_short_name(esc[o], name, sizeof(name), NAME_W, 0,
				      ui_names_clash((const char *const *)esc,
						     n, o, NAME_W));
		else
			ui_escape(lstm_model_metric(m, o), name, NAME_W + 1);
		/* padded by display columns: a name in another script
		   takes fewer columns than bytes */
		int pad = NAME_W - textw_cols(name);
		fprintf(out, "%s%*s %10.4g %10.4g %10.4g  %10.4g %10.4g %10.4g  "
		       "%10.4g %10.4g\n",
		       name, pad > 0 ? pad : 0, "", t->mae, t->mse, t->rmse, v->mae,
		       v->mse, v->rmse, mm->naive_train.per_metric[o].rmse,
		       mm->naive_val.per_metric[o].rmse);
	}
	for (size_t o = 0; esc && o < n; o++)
		free(esc[o]);
	free(esc);
	const ErrorStats *rows[2][4] = {
		{&mm->train.overall, &mm->val.overall,
		 &mm->naive_train.overall, &mm->naive_val.overall},
		{&mm->train.overall_scaled, &mm->val.overall_scaled,
		 &mm->naive_train.overall_scaled,
		 &mm->naive_val.overall_scaled}};
	const char *label[2] = {"overall", "overall (scaled 0..1)"};
	for (int k = 0; k < 2; k++)
		fprintf(out, "%-22s %10.4g %10.4g %10.4g  %10.4g %10.4g %10.4g  "
		       "%10.4g %10.4g\n",
		       label[k], rows[k][0]->mae, rows[k][0]->mse,
		       rows[k][0]->rmse, rows[k][1]->mae, rows[k][1]->mse,
		       rows[k][1]->rmse, rows[k][2]->rmse, rows[k][3]->rmse);
	double v = mm->val.overall_scaled.rmse;
	double naive = mm->naive_val.overall_scaled.rmse;
	/* a validation part where every metric repeats its last value gives
	   the naive forecast no error: there is no ratio, and nothing beats
	   it (v / 1 used to read "0.02 x ... (better)") */
	if (!(naive > 0))
		fprintf(out, "validation RMSE (scaled) is %.4g; the naive forecast's "
		       "is 0, every validation value repeats the one before "
		       "(%s)\n",
		       v, v > 0 ? "not better" : "equal");
	else
		fprintf(out, "validation RMSE (scaled) is %.2f x the naive forecast's "
		       "(%s)\n",
		       v / naive, v / naive < 1 ? "better" : "not better");
}

int cmd_train(int argc, char **argv)
{
	LstmConfig cfg;
	lstm_config_defaults(&cfg);
	SeriesOptions sopt;
	memset(&sopt, 0, sizeof(sopt));
	const char *dataset = NULL, *out_path = NULL;
	int quiet = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			printf("%s%s\n%s", train_help,
			       pipeline_train_cached_help, cli_series_help);
			return 0;
		}
		int r = cli_series_option("train", argc, argv, &i, &sopt);
		if (r < 0)
			return 1;
		if (r > 0)
			continue;
		if (!strcmp(a, "--quiet")) {
			quiet = 1;
			continue;
		}
		r = pipeline_lstm_option("train", argc, argv, &i, &cfg);
		if (r < 0)
			return 1;
		if (r > 0)
			continue;
		if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
			if (i + 1 >= argc)
				return cli_usage_error("train",
						       "%s needs a value", a);
			out_path = argv[++i];
		} else if (a[0] == '-' && a[1]) {
			return cli_usage_error("train", "unknown option '%s'",
					       a);
		} else if (dataset) {
			return cli_usage_error("train",
					       "one DATASET only ('%s' and "
					       "'%s')",
					       dataset, a);
		} else {
			dataset = a;
		}
	}
	if (!dataset)
		return cli_usage_error("train", "which DATASET?");
	if (out_path && !*out_path)
		return cli_usage_error("train", "-o needs a file name");
	/* '-' is stdout for the other commands' -o; a model file is written
	   under a temporary name and renamed, so it needs a real one */
	if (out_path && !strcmp(out_path, "-"))
		return cli_usage_error("train", "-o - (stdout) cannot take a "
						"model file: name a file");

	Series s;
	series_init(&s);
	ErrorRecord err;
	error_clear(&err);
	Status st = quiet ? series_open(&s, dataset, &sopt, &err)
			  : loadbar_series_open(&s, dataset, &sopt, &err);
	if (st)
		return cli_report("train", st, &err);

	char data_file[4400];
	const char *own =
		cli_own_file(&s, out_path, data_file, sizeof(data_file));
	if (own) {
		series_free(&s);
		return cli_usage_error("train",
				       "-o %s is the dataset's %s file %s: "
				       "name another file for the model",
				       out_path, own, data_file);
	}
	if (cli_names_dataset(out_path, dataset)) {
		series_free(&s);
		return cli_usage_error("train",
				       "-o %s is the name of the dataset: a "
				       "file there would be read in its "
				       "place; name another file for the "
				       "model",
				       out_path);
	}
	/* a model file that cannot be written is found out now, not after
	   the training */
	st = outfile_check(out_path, &err);
	if (st) {
		series_free(&s);
		return cli_report("train", st, &err);
	}
	/* so is a cache folder that cannot take it (a file in its place, not
	   writable), unless the model is cached there already */
	char cache_path[4200];
	if (!out_path && !model_cache_find(&s, &cfg, cache_path,
					   sizeof(cache_path))) {
		st = model_cache_path(&s, &cfg, cache_path, sizeof(cache_path),
				      &err);
		if (!st)
			st = outfile_check(cache_path, &err);
		if (st) {
			series_free(&s);
			return cli_report("train", st, &err);
		}
	}
	ProgressState ps = {isatty(2), 0};
	TrainProgressFn fn = quiet ? NULL : progress;
	LstmModel *m = NULL;
	int cached = 0;
	char where[4200];
	if (out_path) {
		st = lstm_train(&s, &cfg, fn, &ps, &m, &err);
		if (!st)
			st = model_save(m, out_path, &err);
		snprintf(where, sizeof(where), "%s", out_path);
	} else {
		struct timespec t0;
		clock_gettime(CLOCK_REALTIME, &t0);
		st = model_obtain(&s, &cfg, fn, &ps, &m, &cached, &err);
		/* a model trained now must be in the cache, not an older
		 * (stale or damaged) file that a failed save left there */
		struct stat sb;
		int found = !st && model_cache_find(&s, &cfg, where,
						    sizeof(where));
		if (found && !cached &&
		    (stat(where, &sb) != 0 ||
		     sb.st_mtim.tv_sec < t0.tv_sec ||
		     (sb.st_mtim.tv_sec == t0.tv_sec &&
		      sb.st_mtim.tv_nsec < t0.tv_nsec)))
			found = 0;
		if (!st && !found) {
			/* caching failed: say why */
			st = model_cache_path(&s, &cfg, where, sizeof(where),
					      &err);
			if (!st)
				st = model_cache_save(m, &s, where, &err);
		}
	}
	if (st) {
		pipeline_name_machine(&s, &err);
		lstm_model_delete(m);
		series_free(&s);
		return cli_report("train", st, &err);
	}
	/* a cached model's forecast of every row goes to the forecast cache
	 * (the first vigil detect then does not forecast again), and its
	 * train part gives the error table */
	float *pred = NULL;
	int fc_cached = 0;
	Pipeline p;
	pipeline_init(&p);
	if (!out_path && snprintf(p.model_file, sizeof(p.model_file), "%s",
				  where) < (int)sizeof(p.model_file)) {
		p.series = s; /* lent, taken back below */
		p.model = m;
		st = pipeline_forecast(&p, &err);
		pred = p.pred;
		fc_cached = p.forecast_cached;
		p.pred = NULL;
		p.model = NULL;
		series_init(&p.series);
		pipeline_free(&p);
		if (st) {
			free(pred);
			lstm_model_delete(m);
			series_free(&s);
			return cli_report("train", st, &err);
		}
	}
	/* -o /dev/stdout (or the file stdout goes to): the model's bytes
	   are stdout's, the table goes to stderr */
	FILE *out = out_path && outfile_is_stdout(out_path) ? stderr : stdout;
	LstmModelInfo info;
	lstm_model_info(m, &info);
	if (cached)
		fprintf(out, "model: %s (reused from the cache: same data and "
		       "options)\n",
		       where);
	else
		fprintf(out, "model: %s\n", where);
	char fc_path[4300];
	snprintf(fc_path, sizeof(fc_path), "%s.forecast", where);
	if (pred && access(fc_path, R_OK) == 0)
		fprintf(out, "forecast: %s (%zu rows x %zu metrics%s)\n", fc_path,
		       s.rows, s.metrics,
		       fc_cached ? ", reused from the cache"
				 : "; vigil detect reuses it");
	fprintf(out, "%zu metrics, %zu input features, look_back %zu, hidden %zu, "
	       "%zu layer%s, %zu parameters\n",
	       info.metrics, info.features, cfg.look_back, cfg.hidden,
	       cfg.layers, cfg.layers > 1 ? "s" : "", info.params);
	if (!cached)
		fprintf(out, "trained %zu epoch%s in %.1f s (%.3f s/epoch); best "
		       "epoch %zu, validation MSE %.6g (scaled)\n",
		       info.epochs_run, info.epochs_run == 1 ? "" : "s",
		       info.train_seconds,
		       info.epochs_run ? info.train_seconds /
						 (double)info.epochs_run
				       : 0.0,
		       info.best_epoch, info.best_val);
	ModelMetrics mm;
	st = pred ? lstm_eval_forecast(m, &s, pred, &mm, &err)
		  : lstm_eval(m, &s, &mm, &err);
	if (!st) {
		print_metrics(out, m, &mm);
		model_metrics_free(&mm);
	}
	free(pred);
	lstm_model_delete(m);
	series_free(&s);
	return cli_stdout_done("train",
			       st ? cli_report("train", st, &err) : 0);
}
