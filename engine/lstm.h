/* The network itself: a stack of 1 or 2 LSTM layers and a Dense output,
 * forward and backward (backpropagation through time) over a batch of
 * windows. Internal to the engine.
 *
 * Shapes (F input features, H hidden units, O outputs, T steps, B windows):
 *   layer l weights W_l: (I_l + H) x 4H row-major, I_0 = F, I_1 = H; rows
 *     [0, I_l) multiply the input x_t, rows [I_l, I_l + H) the previous h;
 *     columns are the gates in the order i, f, o, g (H each)
 *   layer l bias b_l: 4H;  Dense Wd: H x O;  Dense bias bd: O
 * all in one contiguous parameter block in that order (lstm_layout()).
 * Inputs X: T x B x F (row t * B + b is window b's step t); outputs Y: B x O.
 *
 * The same code is compiled twice (lstm_core.inc): in float with the
 * dispatched kernels (the real path) and in double with plain loops (used
 * by the gradient check), so the check exercises the real equations. */
#ifndef VIGIL_LSTM_H
#define VIGIL_LSTM_H

#include <stddef.h>

#include "data/rng.h"

typedef struct {
	size_t F, H, O, T, L;
} LstmDims;

/* Offsets (in elements) of each parameter group inside the block. */
typedef struct {
	size_t W[2], b[2], Wd, bd;
	size_t total;
} LstmLayout;

void lstm_layout(const LstmDims *d, LstmLayout *lay);

/* Glorot-uniform input and Dense weights, orthogonal recurrent weights,
 * zero biases except the forget gates (1). p has lay.total floats. */
void lstm_init_params(const LstmDims *d, float *p, Rng *rng);

/* Floats of workspace a batch of B windows needs. */
size_t lstm_ws_floats(const LstmDims *d, size_t B);

/* Transposed copies of the weights the backward pass multiplies by:
 * WT_l (4H x (I_l + H)) then WdT (O x H); lstm_wt_floats() long. */
size_t lstm_wt_floats(const LstmDims *d);
void lstm_transpose_weights(const LstmDims *d, const float *p, float *wt);

/* Forward pass over B windows: X is T x B x F; Y receives B x O; ws keeps
 * the per-step activations for lstm_backward. */
void lstm_forward(const LstmDims *d, const float *p, size_t B,
		  const float *X, float *ws, float *Y);

/* Backward pass after lstm_forward with the same ws: dY is B x O (dLoss /
 * dY); gradients are ADDED into g (same layout as p). */
void lstm_backward(const LstmDims *d, const float *p, const float *wt,
		   size_t B, const float *X, float *ws, const float *dY,
		   float *g);

/* Forward over n consecutive windows of a row-major feature matrix: Z
 * holds rows (n + T - 1) x F, window b is rows b .. b+T-1. Layer 0's input
 * product is computed once per row instead of once per window step. ws has
 * lstm_rows_ws_floats(d, n) floats (enough for any smaller n too) and
 * holds a copy of p's LSTM weights that lstm_rows_prepare(d, p, ws)
 * writes once for any number of calls; Y receives n x O. */
size_t lstm_rows_ws_floats(const LstmDims *d, size_t n);
void lstm_rows_prepare(const LstmDims *d, const float *p, float *ws);
void lstm_forward_rows(const LstmDims *d, const float *p, size_t n,
		       const float *Z, float *ws, float *Y);

/* Double-precision twins of the above, plain loops, for the gradient
 * check. wt is computed inside. */
size_t lstm_ws_doubles(const LstmDims *d, size_t B);
void lstm_forward_d(const LstmDims *d, const double *p, size_t B,
		    const double *X, double *ws, double *Y);
void lstm_backward_d(const LstmDims *d, const double *p, size_t B,
		     const double *X, double *ws, const double *dY,
		     double *g);

#endif
