/* The plot's pure part: column mapping with min/max per column (no spike may
 * vanish at any zoom), range marks, and Braille / ASCII cell rendering. */
#include "tests/testutil.h"

#include <math.h>

#include "ui/dash/plot.h"

/* Every row of the window is shown by exactly the columns that cover it,
 * and the columns tile the window without gaps. */
static void test_columns_tile_window(void **state)
{
	(void)state;
	size_t counts[] = {1, 7, 80, 81, 159, 1000, 28479};
	size_t cols[] = {1, 13, 80, 160};
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		for (size_t j = 0; j < sizeof(cols) / sizeof(cols[0]); j++) {
			size_t first = 5, count = counts[i], nc = cols[j];
			size_t prev_end = first;
			for (size_t c = 0; c < nc; c++) {
				size_t r0, r1;
				plot_column_rows(first, count, nc, c, &r0, &r1);
				assert_true(r1 > r0);
				if (count >= nc) {
					assert_int_equal(r0, prev_end);
				} else {
					assert_true(r0 + 1 >= prev_end);
				}
				prev_end = r1;
			}
			assert_int_equal(prev_end, first + count);
			for (size_t r = first; r < first + count; r++) {
				long c = plot_row_column(first, count, nc, r);
				assert_true(c >= 0 && (size_t)c < nc);
				size_t r0, r1;
				plot_column_rows(first, count, nc, (size_t)c,
						 &r0, &r1);
				assert_true(r >= r0 && r < r1);
			}
			assert_int_equal(plot_row_column(first, count, nc,
							 first + count),
					 -1);
			assert_int_equal(plot_row_column(first, count, nc, 0),
					 -1);
		}
}

/* A single-point spike in a flat series shows up as the max of exactly the
 * column holding it, at every zoom level and window position that includes
 * it; the neighbouring columns stay flat. */
static void test_spike_survives_every_zoom(void **state)
{
	(void)state;
	enum { N = 28479, SPIKE = 17345 };
	float *x = malloc(N * sizeof(float));
	assert_non_null(x);
	for (size_t r = 0; r < N; r++)
		x[r] = 0.5f;
	x[SPIKE] = 9.0f;
	x[100] = NAN; /* gaps are skipped, not propagated */
	PlotSpan spans[200];
	for (size_t count = 10; count <= N; count = count * 3 / 2 + 1) {
		size_t first = count >= N ? 0
			       : SPIKE >= count / 2 ? SPIKE - count / 2 : 0;
		if (first + count > N)
			first = N - count;
		for (size_t nc = 40; nc <= 200; nc += 80) {
			plot_columns(x, N, first, count, nc, spans);
			long sc = plot_row_column(first, count, nc, SPIKE);
			assert_true(sc >= 0);
			size_t seen = 0;
			for (size_t c = 0; c < nc; c++) {
				assert_true(spans[c].has);
				if (spans[c].hi == 9.0f)
					seen++;
				else
					assert_true(spans[c].hi == 0.5f);
				assert_true(spans[c].lo == 0.5f ||
					    spans[c].hi == 9.0f);
			}
			assert_true(spans[sc].hi == 9.0f);
			/* zoomed in past one row a column, the row repeats */
			assert_true(seen >= 1);
			if (count >= nc)
				assert_int_equal(seen, 1);
		}
	}
	/* the window of the whole series, at 80 columns, the NaN row */
	plot_columns(x, N, 0, N, 80, spans);
	assert_true(spans[0].has && spans[0].lo == 0.5f);
	free(x);
}

static void test_extent_and_dot_rows(void **state)
{
	(void)state;
	float x[] = {3, NAN, -2, 7, 1};
	float lo, hi;
	assert_true(plot_extent(x, 5, 0, 5, &lo, &hi));
	assert_true(lo == -2 && hi == 7);
	assert_true(plot_extent(x, 5, 3, 10, &lo, &hi));
	assert_true(lo == 1 && hi == 7);
	float nan1[] = {NAN};
	assert_false(plot_extent(nan1, 1, 0, 1, &lo, &hi));
	/* 0..10 on 11 dots: value 10 at the top, 0 at the bottom */
	assert_int_equal(plot_dot_row(10, 0, 10, 11), 0);
	assert_int_equal(plot_dot_row(0, 0, 10, 11), 10);
	assert_int_equal(plot_dot_row(5, 0, 10, 11), 5);
	assert_int_equal(plot_dot_row(99, 0, 10, 11), 0);
	assert_int_equal(plot_dot_row(-9, 0, 10, 11), 10);
	assert_int_equal(plot_dot_row(3, 3, 3, 8), 4);
}

static void test_mark_ranges(void **state)
{
	(void)state;
	uint8_t cols[10] = {0};
	/* window rows 100..200 on 10 columns: 10 rows a column */
	Range r[] = {{95, 101}, {150, 151}, {199, 400}, {300, 310}};
	plot_mark_ranges(r, 4, 100, 100, 10, 2, cols);
	uint8_t want[10] = {2, 0, 0, 0, 0, 2, 0, 0, 0, 2};
	assert_memory_equal(cols, want, 10);
	/* a higher value wins, a lower one does not overwrite */
	Range r2[] = {{100, 120}};
	plot_mark_ranges(r2, 1, 100, 100, 10, 1, cols);
	plot_mark_ranges(r2, 1, 100, 100, 10, 3, cols);
	assert_int_equal(cols[0], 3);
	assert_int_equal(cols[1], 3);
	assert_int_equal(cols[2], 0);
	/* zoomed in: 5 rows on 10 columns, row 102 covers two columns */
	uint8_t z[10] = {0};
	Range r3[] = {{102, 103}};
	plot_mark_ranges(r3, 1, 100, 5, 10, 1, z);
	uint8_t zw[10] = {0, 0, 0, 0, 1, 1, 0, 0, 0, 0};
	assert_memory_equal(z, zw, 10);
}

static void test_braille_encoding(void **state)
{
	(void)state;
	char s[4];
	plot_braille_utf8(0x00, s);
	assert_string_equal(s, "\xe2\xa0\x80"); /* U+2800 blank */
	plot_braille_utf8(0xFF, s);
	assert_string_equal(s, "\xe2\xa3\xbf"); /* U+28FF full */
	plot_braille_utf8(0x47, s);
	assert_string_equal(s, "\xe2\xa1\x87"); /* U+2847 left column */

	PlotGrid g;
	assert_int_equal(plot_grid_init(&g, 2, 1, 1), 0);
	assert_int_equal(plot_grid_dots_x(&g), 4);
	assert_int_equal(plot_grid_dots_y(&g), 4);
	/* dot (0,0) is dot 1, (1,3) is dot 8, (2,1) is dot 2 of cell 1 */
	plot_set_dot(&g, 0, 0);
	plot_set_dot(&g, 1, 3);
	plot_set_dot(&g, 2, 1);
	plot_set_dot(&g, 9, 9); /* clipped */
	assert_int_equal(g.cells[0], 0x01 | 0x80);
	assert_int_equal(g.cells[1], 0x02);
	plot_cell_text(&g, 0, 0, s);
	assert_string_equal(s, "\xe2\xa2\x81"); /* U+2881 */
	plot_grid_free(&g);
}

/* A flat line renders one dot high; a step is connected; a lone spike in
 * the middle of a flat line reaches the top. */
static void test_render_line(void **state)
{
	(void)state;
	PlotGrid g;
	assert_int_equal(plot_grid_init(&g, 4, 2, 1), 0); /* 8 x 8 dots */
	PlotSpan sp[8];
	for (int i = 0; i < 8; i++)
		sp[i] = (PlotSpan){0, 0, 1};
	sp[5] = (PlotSpan){0, 10, 1}; /* a spike in one dot column */
	plot_render(&g, sp, 0, 10);
	/* bottom dot row (y 7) is set in every column; top only at x 5 */
	for (size_t x = 0; x < 8; x++) {
		uint8_t cell = g.cells[1 * 4 + x / 2];
		uint8_t bit = x % 2 ? 0x80 : 0x40;
		assert_true(cell & bit);
	}
	/* the spike's dot column (x 5) is full in the top cell row, x 4 empty */
	assert_int_equal(g.cells[0 * 4 + 2], 0x08 | 0x10 | 0x20 | 0x80);
	assert_int_equal(g.cells[0 * 4 + 0], 0);
	plot_grid_free(&g);

	/* ASCII: a step from bottom to top over 2 columns is connected */
	assert_int_equal(plot_grid_init(&g, 4, 5, 0), 0);
	PlotSpan st[4] = {{0, 0, 1}, {0, 0, 1}, {10, 10, 1}, {10, 10, 1}};
	plot_render(&g, st, 0, 10);
	char s[4];
	plot_cell_text(&g, 0, 4, s);
	assert_string_equal(s, "-");
	plot_cell_text(&g, 3, 0, s);
	assert_string_equal(s, "-");
	for (size_t y = 0; y < 5; y++) {
		int any = g.cells[y * 4 + 1] || g.cells[y * 4 + 2];
		assert_true(any);
	}
	plot_cell_text(&g, 0, 0, s);
	assert_string_equal(s, " ");
	plot_grid_free(&g);
}

/* Axis labels stay within their width: big values get SI suffixes. */
static void test_format_value(void **state)
{
	(void)state;
	char b[32];
	plot_format_value(2500000, b, sizeof(b), 6);
	assert_string_equal(b, "2.5M");
	plot_format_value(221405, b, sizeof(b), 6);
	assert_string_equal(b, "221k");
	plot_format_value(-1100000, b, sizeof(b), 6);
	assert_string_equal(b, "-1.1M");
	plot_format_value(61.34, b, sizeof(b), 6);
	assert_string_equal(b, "61.3");
	plot_format_value(0.0213, b, sizeof(b), 6);
	assert_string_equal(b, "0.0213");
	plot_format_value(NAN, b, sizeof(b), 6);
	assert_string_equal(b, "-");
}

/* Metrics in units of 1e-9 (or below 1e-10, or negative) used to get
 * axis labels cut to six columns: "1.7e-0" for 1.7e-09, "7.9e-1" for
 * 7.9e-11, which read as 1.7 and 0.79. Now the exponent is written short
 * and the mantissa gives way; nothing is cut. The same in the dashboard. */
static void test_format_tiny_and_huge_values(void **state)
{
	(void)state;
	static const struct {
		double v;
		int width;
		const char *want;
	} cases[] = {
		{1.7e-9, 6, "1.7e-9"},	   {7.9e-11, 6, "8e-11"},
		{-1.7e-9, 6, "-2e-9"},	   {-7.9e-11, 6, "-8e-11"},
		{4.7e-10, 8, "4.7e-10"},   {3.54e-10, 8, "3.54e-10"},
		{0.000123, 6, "1.2e-4"},  {3.4e38, 6, "3.4e38"},
		{-3.4e38, 6, "-3e38"},	   {2.5e22, 8, "2.5e22"},
		{1.7e9, 6, "1.7G"},	   {0.0015, 6, "0.0015"},
	};
	char b[32];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		plot_format_value(cases[i].v, b, sizeof(b), cases[i].width);
		if (strcmp(b, cases[i].want) ||
		    (int)strlen(b) > cases[i].width)
			fail_msg("%g in %d columns: '%s', want '%s'",
				 cases[i].v, cases[i].width, b, cases[i].want);
	}
	/* the dashboard's y axis on a metric of nanoseconds */
	char dir[64], out[4096];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	char text[8192], *w = text;
	w += sprintf(w, "latency_s\n");
	for (int r = 0; r < 200; r++)
		w += sprintf(w, "%.3g\n", (r % 10 == 3 ? 1.7 : 0.9) * 1e-9 -
						  (r % 7) * 1e-11);
	char *screen = tu_first_screen(dir, "ns.csv", text, "");
	assert_non_null(screen);
	/* max 1.7e-9, min 8.4e-10 in six columns */
	if (!strstr(screen, "||1.7e-9 ") || !strstr(screen, "|| 8e-10 "))
		fail_msg("axis labels:\n%.1500s", screen);
	assert_null(strstr(screen, "e-0 "));
	free(screen);
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_columns_tile_window),
		cmocka_unit_test(test_spike_survives_every_zoom),
		cmocka_unit_test(test_extent_and_dot_rows),
		cmocka_unit_test(test_mark_ranges),
		cmocka_unit_test(test_braille_encoding),
		cmocka_unit_test(test_render_line),
		cmocka_unit_test(test_format_value),
		cmocka_unit_test(test_format_tiny_and_huge_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
