/* The LSTM's arithmetic: central-difference gradient checks in double on
 * tiny 1- and 2-layer models (every parameter group), the float path
 * agreeing with the double one, and a 2-unit LSTM whose outputs were worked
 * out by hand. */
#include "tests/testutil.h"

#include <math.h>

#include "data/rng.h"
#include "engine/lstm.h"

static double loss_d(const LstmDims *d, const double *p, size_t B,
		     const double *X, const double *tgt, double *ws, double *Y)
{
	lstm_forward_d(d, p, B, X, ws, Y);
	double s = 0;
	for (size_t i = 0; i < B * d->O; i++)
		s += (Y[i] - tgt[i]) * (Y[i] - tgt[i]);
	return s / (double)(B * d->O);
}

static const char *group_name(const LstmLayout *lay, const LstmDims *d,
			      size_t i)
{
	size_t H4 = 4 * d->H;
	for (size_t l = 0; l < d->L; l++) {
		size_t I = l ? d->H : d->F;
		if (i >= lay->W[l] && i < lay->W[l] + I * H4)
			return l ? "W1 input" : "W0 input";
		if (i >= lay->W[l] + I * H4 && i < lay->b[l])
			return l ? "W1 recurrent" : "W0 recurrent";
		if (i >= lay->b[l] && i < lay->b[l] + H4)
			return l ? "b1" : "b0";
	}
	return i < lay->bd ? "Wd" : "bd";
}

static void check_gradients(size_t layers)
{
	LstmDims d = {.F = 3, .H = 3, .O = 2, .T = 4, .L = layers};
	const size_t B = 3;
	LstmLayout lay;
	lstm_layout(&d, &lay);
	size_t P = lay.total;
	float *pf = malloc(P * sizeof(float));
	double *p = malloc(P * sizeof(double));
	double *g = calloc(P, sizeof(double));
	double *X = malloc(d.T * B * d.F * sizeof(double));
	double *tgt = malloc(B * d.O * sizeof(double));
	double *Y = malloc(B * d.O * sizeof(double));
	double *dY = malloc(B * d.O * sizeof(double));
	double *ws = malloc(lstm_ws_doubles(&d, B) * sizeof(double));
	Rng rng;
	rng_seed(&rng, 7 + layers);
	lstm_init_params(&d, pf, &rng);
	/* perturb every parameter so biases and the Dense layer are not at
	   special values */
	for (size_t i = 0; i < P; i++)
		p[i] = pf[i] + 0.3 * (rng_uniform(&rng) - 0.5);
	for (size_t i = 0; i < d.T * B * d.F; i++)
		X[i] = rng_uniform(&rng) * 2 - 1;
	for (size_t i = 0; i < B * d.O; i++)
		tgt[i] = rng_uniform(&rng);

	loss_d(&d, p, B, X, tgt, ws, Y);
	for (size_t i = 0; i < B * d.O; i++)
		dY[i] = 2 * (Y[i] - tgt[i]) / (double)(B * d.O);
	lstm_backward_d(&d, p, B, X, ws, dY, g);

	/* per group: max relative error and gradient norm */
	const double h = 1e-5;
	double worst = 0;
	size_t groups_seen = 0;
	const char *last = NULL;
	double gnorm = 0;
	for (size_t i = 0; i < P; i++) {
		const char *grp = group_name(&lay, &d, i);
		if (grp != last) {
			if (last) {
				assert_true(gnorm > 1e-8); /* group is live */
				groups_seen++;
			}
			last = grp;
			gnorm = 0;
		}
		double keep = p[i];
		p[i] = keep + h;
		double lp = loss_d(&d, p, B, X, tgt, ws, Y);
		p[i] = keep - h;
		double lm = loss_d(&d, p, B, X, tgt, ws, Y);
		p[i] = keep;
		double num = (lp - lm) / (2 * h);
		double den = fmax(fabs(num), fabs(g[i]));
		double rel = den > 1e-7 ? fabs(num - g[i]) / den
					: fabs(num - g[i]) / 1e-7;
		if (rel >= 1e-5)
			print_message("param %zu (%s): analytic %.12g numeric "
				      "%.12g rel %.3g\n",
				      i, grp, g[i], num, rel);
		assert_true(rel < 1e-5);
		if (rel > worst)
			worst = rel;
		gnorm += g[i] * g[i];
	}
	assert_true(gnorm > 1e-8);
	groups_seen++;
	assert_int_equal(groups_seen, 3 * layers + 2);

	/* the float path (dispatched kernels) computes the same numbers */
	float *Xf = malloc(d.T * B * d.F * sizeof(float));
	float *Yf = malloc(B * d.O * sizeof(float));
	float *dYf = malloc(B * d.O * sizeof(float));
	float *gf = calloc(P, sizeof(float));
	float *wsf = malloc(lstm_ws_floats(&d, B) * sizeof(float));
	float *wt = malloc(lstm_wt_floats(&d) * sizeof(float));
	for (size_t i = 0; i < P; i++)
		pf[i] = (float)p[i];
	for (size_t i = 0; i < d.T * B * d.F; i++)
		Xf[i] = (float)X[i];
	loss_d(&d, p, B, X, tgt, ws, Y);
	lstm_forward(&d, pf, B, Xf, wsf, Yf);
	for (size_t i = 0; i < B * d.O; i++) {
		assert_true(fabs(Yf[i] - Y[i]) < 1e-5);
		dYf[i] = (float)dY[i];
	}
	lstm_transpose_weights(&d, pf, wt);
	lstm_backward(&d, pf, wt, B, Xf, wsf, dYf, gf);
	for (size_t i = 0; i < P; i++)
		assert_true(fabs(gf[i] - g[i]) <= 1e-4 * fabs(g[i]) + 1e-6);
	free(Xf);
	free(Yf);
	free(dYf);
	free(gf);
	free(wsf);
	free(wt);
	free(pf);
	free(p);
	free(g);
	free(X);
	free(tgt);
	free(Y);
	free(dY);
	free(ws);
}

static void test_gradient_check_one_layer(void **state)
{
	(void)state;
	check_gradients(1);
}

static void test_gradient_check_two_layers(void **state)
{
	(void)state;
	check_gradients(2);
}

/* One input, two units, one output. Gate order in the block: i, f, o, g.
 * Hand computation (x = 0.5):
 *   z_i = (0.4*0.5 + 0.1, -0.6*0.5 + 0.0) = (0.3, -0.3)
 *   z_o = (0.2*0.5 - 0.1, 0.8*0.5 + 0.2)  = (0.0, 0.6)
 *   z_g = (1.0*0.5 + 0.0, -0.5*0.5 + 0.1) = (0.5, -0.15)
 *   i = sigmoid(z_i) = (0.574442516811659, 0.425557483188341)
 *   o = sigmoid(z_o) = (0.5, 0.645656306225795)
 *   g = tanh(z_g)    = (0.462117157260010, -0.148885033623318)
 *   c = i*g          = (0.265459742878289, -0.063359140193151)
 *   h = o*tanh(c)    = (0.129697541877422, -0.040853575779532)
 *   y = 1.5*h0 - 2.0*h1 + 0.25 = 0.526253464375197 */
static void test_forward_matches_hand_computation(void **state)
{
	(void)state;
	LstmDims d = {.F = 1, .H = 2, .O = 1, .T = 1, .L = 1};
	LstmLayout lay;
	lstm_layout(&d, &lay);
	assert_int_equal(lay.total, (1 + 2) * 8 + 8 + 2 + 1);
	float *p = calloc(lay.total, sizeof(float));
	/* input row of W0: columns i0 i1 f0 f1 o0 o1 g0 g1 */
	const float wx[8] = {0.4f, -0.6f, 0.3f, 0.3f, 0.2f, 0.8f, 1.0f, -0.5f};
	const float b[8] = {0.1f, 0.0f, 1.0f, 1.0f, -0.1f, 0.2f, 0.0f, 0.1f};
	memcpy(p + lay.W[0], wx, sizeof(wx));
	/* recurrent rows are irrelevant for one step: make them loud */
	for (size_t j = 0; j < 16; j++)
		p[lay.W[0] + 8 + j] = 9.0f;
	memcpy(p + lay.b[0], b, sizeof(b));
	p[lay.Wd] = 1.5f;
	p[lay.Wd + 1] = -2.0f;
	p[lay.bd] = 0.25f;
	float x = 0.5f, y = 0;
	float *ws = malloc(lstm_ws_floats(&d, 1) * sizeof(float));
	lstm_forward(&d, p, 1, &x, ws, &y);
	assert_true(fabs(y - 0.526253464375197) < 2e-6);
	free(ws);
	free(p);
}

/* The inference path (layer 0's input product once per row, no history)
 * gives bit for bit what the training forward gives on the same windows. */
static void check_rows_path(size_t layers, size_t H)
{
	LstmDims d = {.F = 5, .H = H, .O = 3, .T = 4, .L = layers};
	const size_t n = 9, nr = n + 3;
	LstmLayout lay;
	lstm_layout(&d, &lay);
	float *p = malloc(lay.total * sizeof(float));
	float *Z = malloc(nr * d.F * sizeof(float));
	float *X = malloc(d.T * n * d.F * sizeof(float));
	float *Y1 = malloc(n * d.O * sizeof(float));
	float *Y2 = malloc(n * d.O * sizeof(float));
	float *ws = malloc(lstm_ws_floats(&d, n) * sizeof(float));
	float *wr = malloc(lstm_rows_ws_floats(&d, n) * sizeof(float));
	Rng rng;
	rng_seed(&rng, 99);
	lstm_init_params(&d, p, &rng);
	for (size_t i = 0; i < nr * d.F; i++)
		Z[i] = (float)rng_uniform(&rng);
	for (size_t t = 0; t < d.T; t++)
		for (size_t b = 0; b < n; b++)
			memcpy(X + (t * n + b) * d.F, Z + (b + t) * d.F,
			       d.F * sizeof(float));
	lstm_forward(&d, p, n, X, ws, Y1);
	lstm_rows_prepare(&d, p, wr);
	lstm_forward_rows(&d, p, n, Z, wr, Y2);
	assert_memory_equal(Y1, Y2, n * d.O * sizeof(float));
	free(p);
	free(Z);
	free(X);
	free(Y1);
	free(Y2);
	free(ws);
	free(wr);
}

static void test_inference_path_matches_training_forward(void **state)
{
	(void)state;
	/* units in a ragged block only, in whole blocks of 16, in both */
	static const size_t hs[] = {7, 16, 37};
	for (size_t i = 0; i < sizeof(hs) / sizeof(hs[0]); i++) {
		check_rows_path(1, hs[i]);
		check_rows_path(2, hs[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gradient_check_one_layer),
		cmocka_unit_test(test_gradient_check_two_layers),
		cmocka_unit_test(test_forward_matches_hand_computation),
		cmocka_unit_test(test_inference_path_matches_training_forward),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
