/* Column mapping with min/max per column and Braille/ASCII rendering: the
 * plot as plain C, so the curses layer only paints and the tests need no
 * terminal. */
#include "ui/dash/plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void plot_column_rows(size_t first, size_t count, size_t ncols, size_t c,
		      size_t *r0, size_t *r1)
{
	if (ncols == 0 || count == 0) {
		*r0 = first;
		*r1 = first + 1;
		return;
	}
	size_t a = (size_t)((unsigned long long)c * count / ncols);
	size_t b = (size_t)((unsigned long long)(c + 1) * count / ncols);
	if (b <= a)
		b = a + 1;
	*r0 = first + a;
	*r1 = first + b;
}

static int column_has(size_t first, size_t count, size_t ncols, size_t c,
		      size_t r)
{
	size_t r0, r1;
	plot_column_rows(first, count, ncols, c, &r0, &r1);
	return r >= r0 && r < r1;
}

long plot_row_column(size_t first, size_t count, size_t ncols, size_t r)
{
	if (ncols == 0 || count == 0 || r < first || r >= first + count)
		return -1;
	size_t c = (size_t)((unsigned long long)(r - first) * ncols / count);
	if (c >= ncols)
		c = ncols - 1;
	while (c > 0 && column_has(first, count, ncols, c - 1, r))
		c--;
	while (c + 1 < ncols && !column_has(first, count, ncols, c, r))
		c++;
	return (long)c;
}

void plot_columns(const float *x, size_t n, size_t first, size_t count,
		  size_t ncols, PlotSpan *out)
{
	for (size_t c = 0; c < ncols; c++) {
		size_t r0, r1;
		plot_column_rows(first, count, ncols, c, &r0, &r1);
		PlotSpan s = {0.0f, 0.0f, 0};
		if (r1 > n)
			r1 = n;
		for (size_t r = r0; r < r1; r++) {
			float v = x[r];
			if (!isfinite(v))
				continue;
			if (!s.has) {
				s.lo = s.hi = v;
				s.has = 1;
			} else {
				if (v < s.lo)
					s.lo = v;
				if (v > s.hi)
					s.hi = v;
			}
		}
		out[c] = s;
	}
}

int plot_extent(const float *x, size_t n, size_t first, size_t count,
		float *lo, float *hi)
{
	int has = 0;
	size_t end = first + count < n ? first + count : n;
	for (size_t r = first; r < end; r++) {
		float v = x[r];
		if (!isfinite(v))
			continue;
		if (!has) {
			*lo = *hi = v;
			has = 1;
		} else {
			if (v < *lo)
				*lo = v;
			if (v > *hi)
				*hi = v;
		}
	}
	return has;
}

void plot_mark_ranges(const Range *r, size_t nr, size_t first, size_t count,
		      size_t ncols, uint8_t value, uint8_t *out)
{
	if (ncols == 0 || count == 0)
		return;
	int64_t wlo = (int64_t)first, whi = (int64_t)(first + count);
	for (size_t i = 0; i < nr; i++) {
		int64_t a = r[i].start > wlo ? r[i].start : wlo;
		int64_t b = r[i].end < whi ? r[i].end : whi;
		if (a >= b)
			continue;
		long c0 = plot_row_column(first, count, ncols, (size_t)a);
		long c1 = plot_row_column(first, count, ncols, (size_t)(b - 1));
		if (c0 < 0 || c1 < 0)
			continue;
		/* Columns repeating the last row (zoomed in) belong too. */
		while ((size_t)c1 + 1 < ncols &&
		       column_has(first, count, ncols, (size_t)c1 + 1,
				  (size_t)(b - 1)))
			c1++;
		for (long c = c0; c <= c1; c++)
			if (out[c] < value)
				out[c] = value;
	}
}

size_t plot_grid_dots_x(const PlotGrid *g)
{
	return g->braille ? 2 * g->w : g->w;
}

size_t plot_grid_dots_y(const PlotGrid *g)
{
	return g->braille ? 4 * g->h : g->h;
}

int plot_grid_init(PlotGrid *g, size_t w, size_t h, int braille)
{
	g->w = w;
	g->h = h;
	g->braille = braille;
	g->cells = calloc(w * h > 0 ? w * h : 1, 1);
	return g->cells ? 0 : -1;
}

void plot_grid_free(PlotGrid *g)
{
	free(g->cells);
	g->cells = NULL;
	g->w = g->h = 0;
}

void plot_grid_clear(PlotGrid *g)
{
	memset(g->cells, 0, g->w * g->h);
}

size_t plot_dot_row(float v, float ymin, float ymax, size_t dy)
{
	if (dy == 0)
		return 0;
	if (!(ymax > ymin))
		return dy / 2;
	double f = ((double)v - ymin) / ((double)ymax - ymin);
	if (f < 0)
		f = 0;
	if (f > 1)
		f = 1;
	size_t up = (size_t)lround(f * (double)(dy - 1));
	return dy - 1 - up;
}

/* Braille dot bit for the dot at (dx in 0..1, dy in 0..3) of a cell. */
static const uint8_t braille_bit[4][2] = {
	{0x01, 0x08},
	{0x02, 0x10},
	{0x04, 0x20},
	{0x40, 0x80},
};

void plot_set_dot(PlotGrid *g, size_t x, size_t y)
{
	if (x >= plot_grid_dots_x(g) || y >= plot_grid_dots_y(g))
		return;
	if (g->braille) {
		uint8_t *c = &g->cells[(y / 4) * g->w + x / 2];
		*c |= braille_bit[y % 4][x % 2];
	} else {
		g->cells[y * g->w + x] = 1;
	}
}

void plot_render(PlotGrid *g, const PlotSpan *spans, float ymin, float ymax)
{
	size_t dx = plot_grid_dots_x(g), dy = plot_grid_dots_y(g);
	long prev_top = -1, prev_bot = -1;
	for (size_t x = 0; x < dx; x++) {
		if (!spans[x].has) {
			prev_top = prev_bot = -1;
			continue;
		}
		long top = (long)plot_dot_row(spans[x].hi, ymin, ymax, dy);
		long bot = (long)plot_dot_row(spans[x].lo, ymin, ymax, dy);
		long a = top, b = bot;
		/* Reach halfway to the previous column's stroke so that steep
		 * moves stay connected without thickening flat lines. */
		if (prev_top >= 0) {
			if (prev_bot < top)
				a = (prev_bot + top + 1) / 2;
			else if (prev_top > bot)
				b = (prev_top + bot) / 2;
		}
		for (long y = a; y <= b; y++)
			plot_set_dot(g, x, (size_t)y);
		/* ... and the previous column reaches the other half. */
		if (prev_top >= 0 && x > 0) {
			if (prev_bot < top)
				for (long y = prev_bot; y < a; y++)
					plot_set_dot(g, x - 1, (size_t)y);
			else if (prev_top > bot)
				for (long y = b + 1; y <= prev_top; y++)
					plot_set_dot(g, x - 1, (size_t)y);
		}
		prev_top = top;
		prev_bot = bot;
	}
	if (!g->braille) {
		/* A dot that continues a vertical stroke is '|', a lone one
		 * '-'. */
		for (size_t x = 0; x < g->w; x++)
			for (size_t y = 0; y < g->h; y++) {
				uint8_t *c = &g->cells[y * g->w + x];
				if (*c != 1)
					continue;
				int up = y > 0 && g->cells[(y - 1) * g->w + x];
				int down = y + 1 < g->h &&
					   g->cells[(y + 1) * g->w + x];
				*c = (up || down) ? '|' : '-';
			}
	}
}

void plot_braille_utf8(uint8_t bits, char out[4])
{
	unsigned cp = 0x2800u + bits;
	out[0] = (char)(0xE0 | (cp >> 12));
	out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[2] = (char)(0x80 | (cp & 0x3F));
	out[3] = '\0';
}

void plot_cell_text(const PlotGrid *g, size_t x, size_t y, char out[4])
{
	uint8_t c = g->cells[y * g->w + x];
	if (!c) {
		out[0] = ' ';
		out[1] = '\0';
	} else if (g->braille) {
		plot_braille_utf8(c, out);
	} else {
		out[0] = (char)(c == 1 ? '-' : c);
		out[1] = '\0';
	}
}

/* v as mantissa and exponent without the exponent's sign and zeros
 * ("1.7e-9", "-2e-10", "3.4e38"), with as many of at most three
 * significant digits as fit in width (width 0: three). */
static void compact_exp(double v, char *buf, size_t n, int width)
{
	for (int prec = 2; prec >= 0; prec--) {
		char t[48];
		snprintf(t, sizeof(t), "%.*e", prec, v);
		char *e = strchr(t, 'e');
		if (!e)
			break;
		int ex = atoi(e + 1);
		*e = '\0';
		if (strchr(t, '.')) {
			size_t l = strlen(t);
			while (l && t[l - 1] == '0')
				t[--l] = '\0';
			if (l && t[l - 1] == '.')
				t[--l] = '\0';
		}
		snprintf(buf, n, "%se%d", t, ex);
		if (width <= 0 || (int)strlen(buf) <= width)
			return;
	}
}

void plot_format_value(double v, char *buf, size_t n, int width)
{
	if (!isfinite(v)) {
		snprintf(buf, n, "-");
		return;
	}
	double a = fabs(v);
	if (a >= 1e4 && a < 1e21 && width < 9) {
		/* SI suffixes keep big values short: 221k, 2.5M */
		static const char sfx[] = "kMGTPE";
		int k = -1;
		while (a >= 1000 && k < 5) {
			a /= 1000;
			v /= 1000;
			k++;
		}
		if (a >= 100)
			snprintf(buf, n, "%.0f%c", v, sfx[k]);
		else
			snprintf(buf, n, "%.1f%c", v, sfx[k]);
		return;
	}
	if (a != 0 && (a >= 1e6 || a < 1e-3))
		compact_exp(v, buf, n, width);
	else if (a >= 1000)
		snprintf(buf, n, "%.0f", v);
	else if (a >= 10)
		snprintf(buf, n, "%.1f", v);
	else
		snprintf(buf, n, "%.3g", v);
	if ((int)strlen(buf) > width && width > 0)
		compact_exp(v, buf, n, width);
}
