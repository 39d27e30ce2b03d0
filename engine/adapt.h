/* Keeping the model learning while it streams: the forecast of the test
 * part by a copy of the model that is fine-tuned, every `every` rows, on
 * the recent windows the detector judged normal.
 *
 * Causality (DESIGN section 3) holds by construction: the test part is cut
 * into blocks of `every` rows from its first row; a block is forecast by
 * the model as it stood at the block's first row b, which has seen the
 * train part and rows before b only, and the judgement "normal" of a row
 * before b is its node score as detect_run computes it from the rows up to
 * it (every causal mode's score of row t depends on rows up to t only).
 * The blocks start at the split whatever the series' length, so a file
 * and the same file cut short are forecast alike up to the cut.
 *
 * An update: `steps` Adam steps (fresh moments at the start of the
 * stream, kept across its updates; learning rate lr, the model's
 * clipping) on batches of the model's batch size. Each window of a batch
 * is, with probability `mix`, a window of the train part (so that the
 * model does not forget it), else one of the windows whose target lies in
 * the last `recent` rows before b and whose rows (look-back and target)
 * all have a node score below `below` (1: not anomalous). An update with fewer than one batch of
 * such windows is skipped. One thread, an Rng seeded from the model's
 * seed: the same series and options give the same forecast, bit for bit. */
#ifndef VIGIL_ADAPT_H
#define VIGIL_ADAPT_H

#include <stddef.h>

#include "data/series.h"
#include "data/status.h"
#include "engine/detect.h"
#include "engine/model.h"

typedef struct {
	size_t every;  /* rows of the test part between two updates;
			  0 = off (the default) */
	size_t steps;  /* Adam steps per update, default 20 */
	float lr;      /* learning rate, default 1e-4 */
	size_t recent; /* the windows of an update have their target in the
			  last `recent` rows; 0 = `every` (the default) */
	double mix;    /* fraction of a batch drawn from the train part,
			  default 0.5 */
	double below;  /* a row is judged normal when its node score is
			  below this, default 1 (the detection threshold) */
	int head_only; /* 1: only the Dense output layer learns (the LSTM
			  layers stay as trained); default 0 */
} AdaptConfig;

/* Where an adapted forecast stands (for a progress bar). */
typedef struct {
	size_t rows_done;  /* test rows forecast so far */
	size_t rows;       /* test rows in all */
	size_t updates;    /* updates made */
	size_t skipped;    /* updates skipped: too few normal windows */
	double elapsed;    /* seconds since the start */
	int done;
} AdaptProgress;

typedef void (*AdaptProgressFn)(const AdaptProgress *p, void *ctx);

void adapt_config_defaults(AdaptConfig *c);

/* Check ac's values (steps >= 1, lr > 0, 0 <= mix <= 1, below > 0)
 * and that dc is causal (not THRESH_DYNAMIC). */
Status adapt_check(const AdaptConfig *ac, const DetectConfig *dc,
		   ErrorRecord *err);

/* Check that an update can be made at all with the model's batch size:
 * its windows' targets lie in the last `recent` (or `every`) rows, so
 * fewer rows than a batch would skip every update. STATUS_USAGE names the
 * option. With adaptation off (every 0), the other fields must be their
 * defaults: an option of --adapt given without it is STATUS_USAGE too. */
Status adapt_check_batch(const AdaptConfig *ac, size_t batch,
			 ErrorRecord *err);

/* Forecast every row of s (lstm_forecast's layout and units) with the
 * train part forecast by m and the test part by the adapting copy of m
 * described above; m itself is not changed. dc is the detection whose
 * node scores judge the rows. fn (may be NULL) is called after every
 * block. *last (may be NULL) receives the final progress. */
Status adapt_forecast(const LstmModel *m, const Series *s,
		      const AdaptConfig *ac, const DetectConfig *dc,
		      AdaptProgressFn fn, void *ctx, float *pred,
		      AdaptProgress *last, ErrorRecord *err);

/* The same forecast driven as the rows arrive (vigil watch): a stream
 * holds the adapting copy of the model, Adam's moments, the Rng and the
 * row of the next update. Each adapt_stream_forecast forecasts the rows of
 * s beyond those it forecast before (pred is s->rows long and holds them;
 * the rows before are not touched), making the updates whose row has
 * arrived; fed a series in pieces, it gives the forecast adapt_forecast
 * gives on the whole, bit for bit. ac is copied. pr (may be NULL)
 * receives where it stands. adapt_stream_drop: n rows before those
 * forecast were taken out of the series (row numbers move down by n). */
typedef struct AdaptStream AdaptStream;

Status adapt_stream_new(AdaptStream **out, const LstmModel *m,
			const AdaptConfig *ac, const DetectConfig *dc,
			ErrorRecord *err);
Status adapt_stream_forecast(AdaptStream *a, const Series *s,
			     const DetectConfig *dc, float *pred,
			     AdaptProgressFn fn, void *ctx,
			     AdaptProgress *pr, ErrorRecord *err);
void adapt_stream_drop(AdaptStream *a, size_t n);
void adapt_stream_delete(AdaptStream *a);

#endif
