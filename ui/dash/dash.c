/* Opening data and labels for the dashboard, the model worker, the session
 * (lock, journal), the key dispatch (prompts in ui/dash/prompts.c) and the
 * actions that touch files or the engine. See dash.h. */
#include "ui/dash/dash.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include <ncursesw/curses.h>

#include "data/clock.h"
#include "data/prom.h"
#include "data/synth.h"
#include "engine/detect.h"
#include "engine/model.h"
#include "engine/modelcache.h"
#include "engine/preview.h"
#include "ui/dash/journal.h"
#include "ui/dash/keys.h"
#include "ui/dash/panes.h"
#include "ui/dash/prompts.h"
#include "ui/dash/save.h"
#include "ui/live.h"


void dash_options_defaults(DashOptions *o)
{
	memset(o, 0, sizeof(*o));
	pipeline_options_defaults(&o->pipe);
	o->pipe.quiet = 1;
}

/* The demo: the synthetic generator with range anomalies and level shifts
 * so that ranges exist, its injected anomalies as the original labels. */
static Status open_demo(App *a, ErrorRecord *err)
{
	SynthOptions so;
	synth_defaults(&so);
	so.points = 1000;
	so.anomalies = 6;
	so.max_duration = 12;
	so.level_shifts = 1;
	Range **lab = NULL;
	size_t *nlab = NULL;
	Status st = synth_generate(&so, &a->s, &lab, &nlab, err);
	if (st != STATUS_OK)
		return st;
	if (ui_labels_init(&a->labels, a->s.metrics)) {
		st = error_set(err, STATUS_NOMEM, NULL, 0, 0, "out of memory");
		goto out;
	}
	size_t total = 0;
	for (size_t m = 0; m < a->s.metrics; m++)
		total += nlab[m];
	Range *all = malloc((total + 1) * sizeof(Range));
	if (!all) {
		st = error_set(err, STATUS_NOMEM, NULL, 0, 0, "out of memory");
		goto out;
	}
	size_t k = 0;
	for (size_t m = 0; m < a->s.metrics; m++) {
		ui_labels_load(&a->labels, m, lab[m], nlab[m]);
		memcpy(all + k, lab[m], nlab[m] * sizeof(Range));
		k += nlab[m];
	}
	ui_labels_load(&a->labels, UI_NODE, all, k);
	free(all);
	a->title = strdup("demo");
	/* no path: the model cache goes to $XDG_CACHE_HOME, not the cwd */
	free(a->s.path);
	a->s.path = NULL;
out:
	for (size_t m = 0; lab && m < a->s.metrics; m++)
		free(lab[m]);
	free(lab);
	free(nlab);
	return st;
}

Status dash_open(App *a, const DashOptions *o, ErrorRecord *err)
{
	Status st;
	a->labels_args[0] = o->labels[0];
	a->labels_args[1] = o->labels[1];
	a->n_labels_args = o->n_labels;
	a->labels_ahead = o->follow;
	if (!o->dataset) {
		st = open_demo(a, err);
		/* --labels replaces the injected anomalies (e.g. a relabelled
		 * demo saved earlier) */
		if (st == STATUS_OK && o->n_labels)
			st = save_read_labels(a, err);
	} else {
		st = series_open(&a->s, o->dataset, &o->series, err);
		if (st == STATUS_OK && ui_labels_init(&a->labels, a->s.metrics))
			st = error_set(err, STATUS_NOMEM, NULL, 0, 0,
				       "out of memory");
		if (st == STATUS_OK)
			st = save_read_labels(a, err);
		/* a password in a prometheus:// source is not shown */
		char shown[PATH_MAX + 8];
		if (st == STATUS_OK)
			a->title = strdup(a->s.machine ? a->s.machine
				   : prom_redact_url(o->dataset, shown,
						     sizeof(shown)));
	}
	if (st != STATUS_OK)
		return st;
	if (a->s.rows == 0 || a->s.metrics == 0)
		return error_set(err, STATUS_EMPTY, o->dataset, 0, 0,
				 "no rows to show");
	a->model = MODEL_NONE;
	app_reset_view(a);
	if (a->n_disagree)
		app_message(a,
			    "SMD label files disagree in %zu place%s (! in "
			    "the node's labels lane)",
			    a->n_disagree, a->n_disagree == 1 ? "" : "s");
	else if (a->s.axis_note)
		app_message(a, "row index for time: %s", a->s.axis_note);
	if (!o->no_model)
		dash_start_model(a, o);
	return STATUS_OK;
}

/* The model worker: a trainer thread, or nothing when the model came from
 * the cache. While it trains, previews (engine/preview.h) turn the latest
 * finished epoch's weights into provisional detections. */
typedef struct {
	Trainer *t;
	PreviewRunner pr;     /* its preview at work is owned */
	LstmConfig cfg;
	char cache[4096];    /* "" when no cache path could be made */
	ErrorRecord cache_err; /* why not, then */
	double t0;
	DetectConfig dc;
	AdaptConfig adapt;    /* --adapt: the forecast keeps learning */
	/* --follow */
	int follow;
	LiveSource live;      /* owned when follow */
	LstmModel *model;     /* owned when follow: forecasts the new rows */
	AdaptStream *astream; /* owned when follow with --adapt: the learning
				 copy that forecasts the test rows, kept
				 between polls */
	double next_poll;     /* monotonic seconds */
} Worker;

/* A new detection run is in a->dr: index its scores for threshold moves,
 * apply the moves made so far (on provisional detections, or before new
 * rows came), point the App at it and score it against the labels. */
static Status take_run(App *a, ErrorRecord *err)
{
	Status st = STATUS_OK;
	a->has_dr = 1;
	app_index_scores(a);
	for (size_t m = 0; a->thr_factor && m < a->s.metrics && !st; m++)
		if (a->thr_factor[m] != 1.0)
			st = a->rix_ok ? rethresh_move(&a->dr, &a->rix, m,
						       a->thr_factor[m], err)
				       : detect_rethreshold(&a->dr, m,
							    a->thr_factor[m],
							    err);
	/* the App's borrowed pointers follow a->dr in any case */
	app_take_detections(a);
	if (st != STATUS_OK)
		return st;
	if (ui_labels_attach(&a->labels, a->det, a->n_det, a->node_det,
			     a->n_node_det, a->s.split, a->s.rows) != 0)
		return error_set(err, STATUS_NOMEM, "", 0, 0,
				 "cannot score the detections (out of memory)");
	return STATUS_OK;
}

/* Forecast, detect and show: the model is ready. Takes m over. The
 * forecast goes through the shared pipeline, so a model from the cache
 * (model_file, NULL for --model or no cache) reuses and keeps its cached
 * forecast: opening a cached machine is instant. */
static void finish_model(App *a, LstmModel *m, const char *model_file,
			 const char *how)
{
	ErrorRecord err;
	error_clear(&err);
	Pipeline p;
	pipeline_init(&p);
	p.series = a->s; /* lent for the forecast, taken back below */
	p.model = m;
	p.from_cache = model_file != NULL;
	if (model_file)
		snprintf(p.model_file, sizeof(p.model_file), "%s", model_file);
	/* with --adapt the forecast is the adapting one (not cached; it
	 * runs here, seconds on an SMD machine, before the view settles) */
	PipelineOptions po;
	pipeline_options_defaults(&po);
	po.quiet = 1;
	const Worker *aw = a->worker;
	/* following with --adapt, the learning copy goes on with each poll's
	 * rows as vigil watch --adapt's does: it forecasts the test part
	 * over the plain forecast and is kept */
	int stream = aw && aw->follow && aw->adapt.every;
	if (aw) {
		po.adapt = aw->adapt;
		po.detect = aw->dc;
	}
	if (stream)
		po.adapt.every = 0;
	Status st = pipeline_forecast_with(&p, &po, &err);
	app_settle(a); /* a->dr changes below */
	free(a->pred);
	a->pred = p.pred;
	a->pred_gen++;
	p.pred = NULL;
	int fc_cached = p.forecast_cached;
	int adapted = p.adapted;
	if (stream && st == STATUS_OK) {
		Worker *sw = a->worker;
		st = adapt_stream_new(&sw->astream, p.model, &sw->adapt,
				      &sw->dc, &err);
		if (st == STATUS_OK)
			st = adapt_stream_forecast(sw->astream, &a->s,
						   &sw->dc, a->pred, NULL,
						   NULL, NULL, &err);
		adapted = st == STATUS_OK;
		fc_cached = 0;
	}
	series_init(&p.series);
	Worker *fw = a->worker;
	if (fw && fw->follow && st == STATUS_OK) {
		/* kept to forecast the rows that arrive */
		fw->model = p.model;
		p.model = NULL;
	}
	pipeline_free(&p); /* deletes m unless following */
	char how2[512];
	snprintf(how2, sizeof(how2), "%s%s", how,
		 fc_cached ? " (cached forecast)"
		 : adapted ? " (forecast adapting)"
			   : "");
	how = how2;
	if (st == STATUS_OK) {
		const Worker *w = a->worker;
		st = detect_run(&a->s, a->pred, &w->dc, &a->dr, &err);
	}
	a->provisional = 0;
	if (st == STATUS_OK)
		st = take_run(a, &err);
	if (st != STATUS_OK) {
		char buf[700];
		a->model = MODEL_FAILED;
		a->has_dr = 0;
		app_take_detections(a);
		app_message(a, "model: %s", err.message[0]
						    ? error_format(&err, buf,
								   sizeof(buf))
						    : status_message(st));
		return;
	}
	a->model = MODEL_READY;
	size_t nd = a->n_node_det;
	app_message(a, "model %s: %zu node detection%s", how, nd,
		    nd == 1 ? "" : "s");
	a->dirty |= DIRTY_ALL;
}

void dash_start_model(App *a, const DashOptions *o)
{
	Worker *w = calloc(1, sizeof(*w));
	if (!w) {
		a->model = MODEL_FAILED;
		return;
	}
	a->worker = w;
	w->cfg = o->pipe.lstm;
	w->dc = o->pipe.detect;
	w->adapt = o->pipe.adapt;
	if (o->follow && o->dataset) {
		ErrorRecord ferr;
		if (live_open(&w->live, o->dataset, &o->series, NULL, &ferr) ==
		    STATUS_OK)
			w->follow = 1;
		else
			app_message(a, "follow: %s", ferr.message);
	}
	if (a->s.kind == SERIES_SYNTH) {
		/* the demo trains in a few seconds: a smaller model and
		 * fewer epochs where the user did not say otherwise; every
		 * other option is the user's (or the default) as given */
		if (!o->hidden_set)
			w->cfg.hidden = 32;
		if (!o->epochs_set)
			w->cfg.epochs = 12;
	}
	/* the demo's anomalies are short spikes and steps: the tutorial's
	 * seed rule (1.5 x train RMSE) finds them */
	if (!o->mode_set && a->s.kind == SERIES_SYNTH)
		w->dc.mode = THRESH_SEED;
	ErrorRecord err;
	error_clear(&err);
	if (o->pipe.model_path) {
		LstmModel *m = NULL;
		if (model_load(&m, o->pipe.model_path, &a->s, &err) !=
		    STATUS_OK) {
			char buf[700];
			a->model = MODEL_FAILED;
			app_message(a, "model: %s",
				    error_format(&err, buf, sizeof(buf)));
			return;
		}
		lstm_model_set_threads(m, o->pipe.lstm.threads);
		/* a model of another dataset: said on the status line, as
		   the commands say it on stderr */
		uint64_t mh;
		const char *on;
		char note[1200], sn[256], how[600];
		snprintf(how, sizeof(how), "loaded");
		if (pipeline_model_elsewhere(m, &a->s, o->pipe.model_path, note,
					     sizeof(note)) &&
		    model_origin(m, &mh, &on)) {
			/* the dataset's name alone: its train part was
			   hashed by the check above */
			model_dataset_base(&a->s, sn, sizeof(sn));
			snprintf(how, sizeof(how),
				 "loaded, trained on %s, not on %s", on, sn);
		}
		finish_model(a, m, NULL, how);
		return;
	}
	/* the cached model, where model_obtain (vigil train, detect) saves
	 * it: the cache folder */
	if (model_cache_find(&a->s, &w->cfg, w->cache, sizeof(w->cache))) {
		LstmModel *m = NULL;
		if (model_load(&m, w->cache, &a->s, &err) == STATUS_OK) {
			finish_model(a, m, w->cache, "from the cache");
			return;
		}
		/* stale or damaged: train again over it */
	}
	error_clear(&w->cache_err);
	if (model_cache_path(&a->s, &w->cfg, w->cache, sizeof(w->cache),
			     &w->cache_err) != STATUS_OK)
		w->cache[0] = '\0';
	w->t0 = clock_mono_seconds();
	preview_runner_init(&w->pr, &a->s, &w->dc, PREVIEW_DUTY);
	if (trainer_start(&w->t, &a->s, &w->cfg, &err) != STATUS_OK) {
		a->model = MODEL_FAILED;
		app_message(a, "cannot train: %s", err.message);
		return;
	}
	a->model = MODEL_TRAINING;
	snprintf(a->train_text, sizeof(a->train_text), "starting");
}

/* While training: show the detections of a preview that has finished
 * (and let the runner start the next). */
static void poll_preview(App *a, Worker *w)
{
	ErrorRecord err;
	error_clear(&err);
	float *pred = NULL;
	DetectResult dr;
	detect_result_init(&dr);
	size_t epoch = 0;
	Status st;
	if (!preview_runner_poll(&w->pr, w->t, &pred, &dr, &epoch, &st, &err))
		return;
	if (st == STATUS_OK) {
		free(a->pred);
		a->pred = pred;
		a->pred_gen++;
		app_settle(a);
		detect_result_free(&a->dr);
		a->dr = dr;
		st = take_run(a, &err);
	}
	if (st == STATUS_OK) {
		/* said once; the status line's marker follows the epochs
		 * without taking the message line from the user */
		size_t nd = a->n_node_det;
		if (!a->provisional)
			app_message(a,
				    "provisional detections (epoch %zu): %zu "
				    "node detection%s",
				    epoch, nd, nd == 1 ? "" : "s");
		a->provisional = epoch;
	} else {
		/* the next epoch tries again */
		app_message(a, "provisional detections: %s", err.message);
	}
	a->dirty |= DIRTY_ALL;
}

void dash_close(App *a)
{
	Worker *w = a->worker;
	if (!w)
		return;
	preview_runner_stop(&w->pr);
	if (w->t) {
		LstmModel *m = NULL;
		trainer_cancel(w->t);
		trainer_join(w->t, &m, NULL);
		lstm_model_delete(m);
	}
	if (w->model)
		lstm_model_delete(w->model);
	adapt_stream_delete(w->astream);
	if (w->follow)
		live_close(&w->live);
	free(w);
	a->worker = NULL;
}

int dash_poll_model(App *a)
{
	Worker *w = a->worker;
	if (!w || !w->t || a->model != MODEL_TRAINING)
		return 0;
	TrainProgress p;
	trainer_progress(w->t, &p);
	double per = p.epochs ? 1.0 / (double)p.epochs : 1;
	double frac = p.epoch ? ((double)p.epoch - 1) * per : 0;
	if (p.batches)
		frac += per * (double)p.batch / (double)p.batches;
	a->train_frac = frac > 1 ? 1 : frac;
	if (p.epoch == 0 || !(p.val_loss == p.val_loss))
		snprintf(a->train_text, sizeof(a->train_text),
			 "epoch %zu/%zu  %.0fs", p.epoch ? p.epoch : 1,
			 p.epochs, p.elapsed);
	else
		snprintf(a->train_text, sizeof(a->train_text),
			 "epoch %zu/%zu  val %.4g  %.0fs", p.epoch, p.epochs,
			 p.val_loss, p.elapsed);
	a->dirty |= DIRTY_STATUS;
	if (!p.done) {
		poll_preview(a, w);
		return 1;
	}
	preview_runner_stop(&w->pr);
	LstmModel *m = NULL;
	ErrorRecord err;
	error_clear(&err);
	Status st = trainer_join(w->t, &m, &err);
	w->t = NULL;
	if (st != STATUS_OK) {
		a->model = MODEL_FAILED;
		app_message(a, "training failed: %s", err.message);
		return 1;
	}
	int cached = w->cache[0] && model_cache_save(m, &a->s, w->cache,
						     &w->cache_err) ==
					    STATUS_OK;
	char how[64];
	snprintf(how, sizeof(how), "trained in %.1fs", clock_mono_seconds() - w->t0);
	finish_model(a, m, cached ? w->cache : NULL, how);
	if (!cached && a->model == MODEL_READY) {
		/* said, as the command line says it, or every start trains
		   again without a word */
		char done[sizeof(a->message)];
		snprintf(done, sizeof(done), "%s", a->message);
		app_message(a, "%s; NOT CACHED: %s; it is trained again "
			       "next time",
			    done, w->cache_err.message[0]
					  ? w->cache_err.message
					  : "no cache folder");
	}
	return 1;
}

void dash_wait_model(App *a)
{
	while (a->model == MODEL_TRAINING) {
		dash_poll_model(a);
		struct timespec ts = {0, 20 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
}

/* ---- --follow ------------------------------------------------------------ */

/* Score the grown series: forecast the new rows, detect again (the causal
 * default keeps older rows' scores), re-apply the threshold moves, attach
 * the detections to the labels. */
static Status follow_rescore(App *a, Worker *w, size_t old, ErrorRecord *err)
{
	Status st = w->astream ? live_adapt_forecast(w->astream, &w->dc, &a->s,
						     old, &a->pred, err)
			       : live_forecast(w->model, &a->s, old, &a->pred,
					       err);
	if (st != STATUS_OK)
		return st;
	app_settle(a);
	st = detect_run(&a->s, a->pred, &w->dc, &a->dr, err);
	if (st != STATUS_OK) {
		a->has_dr = 0; /* detect_run freed the old run */
		app_take_detections(a);
		return st;
	}
	free(a->node_score); /* sized by the rows */
	a->node_score = NULL;
	return take_run(a, err);
}

int dash_follow_poll(App *a)
{
	Worker *w = a->worker;
	if (!w || !w->follow || a->model != MODEL_READY || !w->model)
		return 0;
	double now = clock_mono_seconds();
	if (now < w->next_poll)
		return 0;
	int64_t step = live_step(&w->live, &a->s);
	/* a file is cheap to look at: every second; a query every step */
	w->next_poll = now + (w->live.prom ? (double)step : 1.0);
	size_t old = a->s.rows, added = 0;
	int at_end = old && a->cursor + 1 >= old;
	int whole = a->first == 0 && a->count >= old;
	ErrorRecord err;
	error_clear(&err);
	Status st = live_append(&w->live, &a->s, 0, &added, &err);
	if (st == STATUS_OK && added)
		st = follow_rescore(a, w, old, &err);
	if (st != STATUS_OK) {
		char buf[700];
		app_message(a, "follow: %s",
			    error_format(&err, buf, sizeof(buf)));
		return 1;
	}
	/* what the source held that is not scored: said on the status line,
	   where it stays until the next message */
	const char *unknown = live_next_unknown(&w->live);
	long line;
	size_t stale = live_take_stale(&w->live, &line), gm = 0;
	/* one a poll: the others are told at the next ones */
	int gone = live_next_gone(&w->live, &a->s, &gm);
	if (unknown) {
		size_t more = 0;
		while (live_next_unknown(&w->live))
			more++;
		app_message(a, "follow: new series %.300s%s is not scored "
			       "(the model knows %zu metrics)",
			    unknown, more ? " and others" : "", a->s.metrics);
	} else if (stale) {
		app_message(a, "follow: line %ld: %zu row%s whose time is not "
			       "after the row before %s left out",
			    line, stale, stale == 1 ? "" : "s",
			    stale == 1 ? "is" : "are");
	} else if (gone >= 0) {
		app_message(a, gone ? "follow: series %.300s has no samples: "
				      "its last value is carried forward"
				    : "follow: series %.300s has samples again",
			    a->s.names[gm]);
	}
	int told = unknown || stale || gone >= 0;
	if (!added)
		return told;
	size_t rows = a->s.rows;
	if (whole)
		a->count = rows;
	if (at_end) {
		if (a->count > rows)
			a->count = rows;
		a->first = rows - a->count;
		a->cursor = rows - 1;
	}
	if (!told) /* that message stays */
		app_message(a, "follow: %zu new row%s, %zu in all", added,
			    added == 1 ? "" : "s", rows);
	a->dirty |= DIRTY_ALL;
	return 1;
}

/* t then < or >: move the threshold of the metric (or of every metric at
 * node scope) and rescore. */
static unsigned move_threshold(App *a, int up)
{
	if (!a->has_dr) {
		app_message(a, "no model yet: nothing to threshold");
		return DIRTY_STATUS;
	}
	double f = up ? 1.1 : 1 / 1.1;
	size_t m = a->node_scope ? DETECT_ALL : a->metric;
	ErrorRecord err;
	error_clear(&err);
	if (app_move_threshold(a, m, f, &err) != STATUS_OK) {
		app_message(a, "threshold: %s", err.message);
		return DIRTY_STATUS;
	}
	/* rescore what moved: the metric (or all of them) and the node */
	for (size_t k = 0; k < a->s.metrics; k++)
		if (m == DETECT_ALL || k == m)
			ui_labels_redetect(&a->labels, k, a->det[k],
					   a->n_det[k]);
	ui_labels_redetect(&a->labels, UI_NODE, a->node_det, a->n_node_det);
	if (a->thr_factor) {
		if (m == DETECT_ALL)
			for (size_t k = 0; k <= a->s.metrics; k++)
				a->thr_factor[k] *= f;
		else
			a->thr_factor[m] *= f;
	}
	size_t nd;
	app_detections(a, &nd);
	app_message(a, "threshold x%.2f: %zu detection%s",
		    a->thr_factor ? a->thr_factor[a->node_scope ? a->s.metrics
								 : a->metric]
				  : f,
		    nd, nd == 1 ? "" : "s");
	return DIRTY_ALL;
}

/* The dataset as the journal's first line names it. */
static void journal_dataset(const App *a, char *ds, size_t n)
{
	snprintf(ds, n, "%.1000s%s%.60s", a->s.path ? a->s.path : "demo",
		 a->s.machine ? ":" : "", a->s.machine ? a->s.machine : "");
}

int dash_journal_resume(App *a, const JournalScan *sc)
{
	char ds[1100];
	journal_dataset(a, ds, sizeof(ds));
	int e = journal_restart(&a->journal, sc,
				ui_labels_fingerprint(&a->labels), ds);
	dash_journal_open(a, 1);
	return e;
}

void dash_journal_open(App *a, int keep)
{
	char ds[1100];
	journal_dataset(a, ds, sizeof(ds));
	if (journal_open(&a->journal, keep, ui_labels_fingerprint(&a->labels),
			 ds) != 0)
		app_message(a, "NO JOURNAL (%s): edits are not protected "
			       "against a crash (%s)",
			    strerror(a->journal.error), a->journal.path);
}

/* The lock and journal key of the open dataset, the same for every
 * spelling of it: an SMD machine is its folder's real path and its name,
 * however it was named (PATH:M, ./PATH//:M, through a symlink, or as
 * PATH/test/M.txt); anything else the real path of what was named, or the
 * name as given when it is no file (a Prometheus query). */
static void session_key(const App *a, const char *dataset, char *buf,
			size_t n)
{
	char real[PATH_MAX];
	if (a->s.machine && a->s.path) {
		snprintf(buf, n, "%s:%s",
			 realpath(a->s.path, real) ? real : a->s.path,
			 a->s.machine);
		return;
	}
	if (!dataset) {
		snprintf(buf, n, "demo");
		return;
	}
	snprintf(buf, n, "%s", realpath(dataset, real) ? real : dataset);
}

size_t dash_journal_pending(const App *a, const char *dataset)
{
	char key[PATH_MAX + 300];
	session_key(a, dataset, key, sizeof(key));
	Journal j;
	journal_init(&j);
	journal_paths(&j, key);
	JournalScan sc;
	if (journal_scan(&j, &a->labels, &sc) != 0 || sc.mismatch ||
	    !sc.ops)
		return 0;
	return sc.unsaved;
}

void dash_session_start(App *a, const char *dataset)
{
	char key[PATH_MAX + 300];
	session_key(a, dataset, key, sizeof(key));
	int rc = journal_lock(&a->journal, key);
	if (rc == 1) {
		a->read_only = 1;
		app_message(a,
			    "already open in another vigil (pid %ld): opening "
			    "read-only",
			    a->journal.other_pid);
		return;
	}
	if (rc < 0) {
		app_message(a, "NO JOURNAL (%s): edits are not protected "
			       "against a crash",
			    strerror(a->journal.error));
		return;
	}
	JournalScan sc;
	if (journal_scan(&a->journal, &a->labels, &sc) == 0 &&
	    (sc.mismatch || (sc.past_save && sc.ops == 0))) {
		/* made over other original labels (a label file changed):
		 * replaying it would give another state; keep it aside */
		char old[1100];
		int e = journal_set_aside(&a->journal, 1, old, sizeof(old));
		if (e)
			app_message(a, "the journal could not be set aside "
				       "(%s): %s, not recovered; edits now "
				       "replace it",
				    strerror(e), a->journal.path);
		else if (sc.mismatch)
			app_message(a, "the journal was made over other labels "
				       "(a label file changed): kept as %s, "
				       "not recovered",
				    old);
		else
			app_message(a, "not recovered: the journal undoes an "
				       "edit made before these labels were "
				       "saved (kept as %s)",
				    old);
	} else if (sc.ops > 0) {
		a->prompt = PROMPT_RECOVER;
		snprintf(a->question, sizeof(a->question),
			 "recover %ld edit%s from the journal (%zu unsaved)? r "
			 "recover, d discard",
			 sc.ops, sc.ops == 1 ? "" : "s", sc.unsaved);
		/* a narrow window still shows both answers */
		snprintf(a->question_brief, sizeof(a->question_brief),
			 "recover %ld edit%s (%zu unsaved)? r recover, d "
			 "discard",
			 sc.ops, sc.ops == 1 ? "" : "s", sc.unsaved);
		return;
	}
	dash_journal_open(a, 0);
}

/* In the help: it scrolls when it does not fit (j/k a row, H/L, PgUp/PgDn
 * or Space a page, g to the top); other keys wait until it is closed.
 * Returns 1 when the key was taken here (*fl: what to redraw). */
static int help_key(App *a, int ch, Action act, unsigned *fl)
{
	size_t page = LINES > 4 ? (size_t)LINES - 3 : 1;
	*fl = DIRTY_ALL;
	switch (ch == ' ' ? ACT_PAGE_RIGHT : act) {
	case ACT_METRIC_NEXT:
		a->help_top++;
		return 1;
	case ACT_METRIC_PREV:
		a->help_top -= a->help_top > 0;
		return 1;
	case ACT_PAGE_RIGHT:
		a->help_top += page;
		return 1;
	case ACT_PAGE_LEFT:
		a->help_top = a->help_top > page ? a->help_top - page : 0;
		return 1;
	case ACT_START:
		a->help_top = 0;
		return 1;
	case ACT_HELP:
	case ACT_CANCEL:
	case ACT_QUIT:
	case ACT_REDRAW:
		return 0;
	default:
		*fl = 0;
		return 1;
	}
}

/* In the alerts view: j/k choose an alert, H/L a page, g/G the first or
 * last; Enter, S, A, Esc, ? and q go on to their actions; other keys wait
 * until it is closed. Returns 1 when the key was taken here. */
static int alerts_key(App *a, Action act, unsigned *fl)
{
	size_t n = a->has_dr ? a->dr.n_alerts : 0;
	size_t page = LINES > 8 ? (size_t)LINES - 6 : 1;
	*fl = DIRTY_ALL;
	switch (act) {
	case ACT_METRIC_NEXT:
		a->alert_sel += a->alert_sel + 1 < n;
		return 1;
	case ACT_METRIC_PREV:
		a->alert_sel -= a->alert_sel > 0;
		return 1;
	case ACT_PAGE_RIGHT:
		a->alert_sel = a->alert_sel + page < n ? a->alert_sel + page
						       : n ? n - 1 : 0;
		return 1;
	case ACT_PAGE_LEFT:
		a->alert_sel = a->alert_sel > page ? a->alert_sel - page : 0;
		return 1;
	case ACT_START:
		a->alert_sel = 0;
		return 1;
	case ACT_END:
		a->alert_sel = n ? n - 1 : 0;
		return 1;
	case ACT_PICK:
	case ACT_SORT:
	case ACT_ALERTS:
	case ACT_HELP:
	case ACT_CANCEL:
	case ACT_QUIT:
	case ACT_REDRAW:
		return 0;
	default:
		*fl = 0;
		return 1;
	}
}

unsigned dash_key(App *a, int ch)
{
	if (ch == KEY_RESIZE)
		return APP_RELAYOUT | DIRTY_ALL;
	if (ch == KEY_MOUSE && a->prompt == PROMPT_NONE) {
		/* a click or a drag is the user's next step, as a key is:
		   the last message goes (it crowded the selection's extent) */
		a->message[0] = '\0';
		return panes_on_key(a, ch) | DIRTY_STATUS;
	}
	if (ch == KEY_MOUSE)
		return panes_on_key(a, ch);
	if (a->prompt != PROMPT_NONE)
		return prompts_key(a, ch);
	a->message[0] = '\0';
	Action act = keys_lookup(ch, a->keymode);
	if (act == ACT_NONE && a->keymode == KEYMODE_EDGE) {
		app_message(a, "edge mode keys: h l H L Enter Esc");
		return DIRTY_STATUS;
	}
	if (act == ACT_NONE && a->keymode == KEYMODE_THRESHOLD) {
		a->keymode = KEYMODE_NORMAL;
		act = keys_lookup(ch, a->keymode);
	}
	if (a->view == VIEW_HELP) {
		unsigned fl;
		if (help_key(a, ch, act, &fl))
			return fl;
	}
	if (a->view == VIEW_ALERTS) {
		unsigned fl;
		if (alerts_key(a, act, &fl))
			return fl;
	}
	switch (act) {
	case ACT_QUIT:
		if (a->in_fleet)
			return APP_MACHINES; /* the view asks before quitting */
		if (ui_labels_unsaved(&a->labels)) {
			a->prompt = PROMPT_QUIT;
			return DIRTY_STATUS;
		}
		return prompts_quit(a);
	case ACT_SAVE:
		save_begin(a);
		return DIRTY_STATUS;
	case ACT_THR_DOWN:
	case ACT_THR_UP:
		return move_threshold(a, act == ACT_THR_UP);
	case ACT_MACHINES:
		if (a->in_fleet)
			return APP_MACHINES;
		app_message(a, "one machine open: vigil "
			       "PATH/ServerMachineDataset opens the machines "
			       "view");
		return DIRTY_STATUS;
	case ACT_NONE: {
		char kn[16];
		app_message(a, "%s: not bound (? for help)",
			    keys_key_name(ch, kn, sizeof(kn)));
		return DIRTY_STATUS;
	}
	default: {
		unsigned fl = app_action(a, act) | DIRTY_STATUS;
		/* the list shows each metric's score at the cursor */
		if (a->has_dr && (fl & DIRTY_PLOT))
			fl |= DIRTY_LIST;
		/* by score at the cursor: the order follows the cursor */
		if (a->list_order && (fl & (DIRTY_PLOT | DIRTY_LIST)))
			fl |= app_order_list(a);
		return fl;
	}
	}
}
