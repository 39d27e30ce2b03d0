/* Drawing: the pane table (list, plot, scores, status) and the full-screen
 * views. Each pane paints from the App into its own window; only dirty
 * panes are redrawn, each with wnoutrefresh, and the frame ends with a
 * single doupdate. Plots are painted by ui/dash/plotpaint (their numbers
 * come from ui/dash/plot, pure), colours are ui/dash/colour's roles. */
#include "ui/dash/panes.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ncursesw/curses.h>

#include "ui/dash/colour.h"
#include "ui/dash/keys.h"
#include "ui/dash/plot.h"
#include "ui/dash/plotpaint.h"
#include "ui/dash/save.h"
#include "ui/textw.h"
#include "ui/escape.h"
#include "ui/names.h"

/* The status line's attributes (ui/dash/colour.h). */
static attr_t status_attr(void)
{
	return colour_status();
}

/* ---- windows and layout ---------------------------------------------- */

/* A pane: draw paints it from the App; on_key (may be NULL) takes a key
 * (with the mouse event for KEY_MOUSE) and returns DIRTY_* flags; resize
 * (may be NULL) follows a new layout. */
typedef struct {
	void (*draw)(App *a, WINDOW *w);
	unsigned (*on_key)(App *a, WINDOW *w, int ch, const MEVENT *ev);
	void (*resize)(App *a, WINDOW *w);
} PaneOps;

static void draw_list(App *a, WINDOW *w);
static void draw_plot(App *a, WINDOW *w);
static void draw_scores(App *a, WINDOW *w);
static void draw_status(App *a, WINDOW *w);
static void resize_plot(App *a, WINDOW *w);
static unsigned key_list(App *a, WINDOW *w, int ch, const MEVENT *ev);
static unsigned key_plot(App *a, WINDOW *w, int ch, const MEVENT *ev);

static const PaneOps pane_ops[PANE_COUNT] = {
	[PANE_LIST] = {draw_list, key_list, NULL},
	[PANE_PLOT] = {draw_plot, key_plot, resize_plot},
	[PANE_SCORES] = {draw_scores, NULL, NULL},
	[PANE_STATUS] = {draw_status, NULL, NULL},
};

static WINDOW *pane_win[PANE_COUNT];
static WINDOW *overlay_win;
static WINDOW *help_win; /* the help takes the status line's row too */

static void free_windows(void)
{
	for (int i = 0; i < PANE_COUNT; i++) {
		if (pane_win[i])
			delwin(pane_win[i]);
		pane_win[i] = NULL;
	}
	if (overlay_win)
		delwin(overlay_win);
	overlay_win = NULL;
	if (help_win)
		delwin(help_win);
	help_win = NULL;
	plotpaint_free();
}

void panes_free(void)
{
	free_windows();
	plotpaint_cache_free();
}

#define SCORES_H 6

void panes_flush_stdscr(void)
{
	werase(stdscr);
	wnoutrefresh(stdscr);
}

void panes_layout(App *a)
{
	free_windows();
	panes_flush_stdscr();
	int H = LINES, W = COLS;
	if (H < 10)
		H = 10;
	if (W < 40)
		W = 40;
	int list_w = W >= 120 ? 28 : W >= 100 ? 24 : 20;
	int scores_h = H >= 24 ? SCORES_H + 1 : SCORES_H;
	int top_h = H - scores_h - 1;
	pane_win[PANE_LIST] = newwin(top_h, list_w, 0, 0);
	pane_win[PANE_PLOT] = newwin(top_h, W - list_w, 0, list_w);
	pane_win[PANE_SCORES] = newwin(scores_h, W, top_h, 0);
	pane_win[PANE_STATUS] = newwin(1, W, H - 1, 0);
	overlay_win = newwin(H - 1, W, 0, 0);
	help_win = newwin(H, W, 0, 0);
	for (int i = 0; i < PANE_COUNT; i++)
		if (pane_win[i] && pane_ops[i].resize)
			pane_ops[i].resize(a, pane_win[i]);
	a->dirty = DIRTY_ALL;
	clearok(curscr, TRUE);
}

/* ---- small drawing helpers ------------------------------------------- */

static void put_cols(WINDOW *w, int y, int x, int cols, const char *raw);

/* The pane's box with its title, at most the box's width less 4 columns
 * (columns, not bytes: an ellipsis in a name is one). */
static void frame(App *a, WINDOW *w, const char *title)
{
	werase(w);
	box(w, 0, 0);
	if (title && *title && getmaxx(w) > 4)
		put_cols(w, 0, 2, getmaxx(w) - 4, title);
	(void)a;
}

/* Print at most n columns of text (ASCII or UTF-8 glyphs of width 1);
 * control characters from data files are shown escaped (ui/escape.h). */
static void put(WINDOW *w, int y, int x, int n, const char *text)
{
	if (n <= 0)
		return;
	char safe[1024];
	mvwaddnstr(w, y, x, ui_escape(text, safe, sizeof(safe)), n);
}

/* put() for text with multi-byte glyphs: at most cols columns
 * (ui/textw.h). */
static void put_cols(WINDOW *w, int y, int x, int cols, const char *raw)
{
	char safe[1024];
	const char *text = ui_escape(raw, safe, sizeof(safe));
	size_t n = textw_fit(text, cols);
	if (n > 0)
		mvwaddnstr(w, y, x, text, (int)n);
}

static void fmt_ratio(double v, char *buf, size_t n)
{
	if (v >= 0.995)
		snprintf(buf, n, "1.0");
	else
		snprintf(buf, n, ".%02d", (int)lround(v * 100));
}

/* A duration in seconds as "45s", "12m", "3h05m" or "2d04h". */
static void fmt_duration(int64_t sec, char *buf, size_t n)
{
	if (sec < 60)
		snprintf(buf, n, "%llds", (long long)sec);
	else if (sec < 3600)
		snprintf(buf, n, "%lldm", (long long)(sec / 60));
	else if (sec < 86400)
		snprintf(buf, n, "%lldh%02lldm", (long long)(sec / 3600),
			 (long long)(sec % 3600 / 60));
	else
		snprintf(buf, n, "%lldd%02lldh", (long long)(sec / 86400),
			 (long long)(sec % 86400 / 3600));
}

/* The time of row r without seconds when they are :00, and without the
 * date when same_day_as (a formatted time, or NULL) has the same date. */
static void short_time(const Series *s, size_t r, const char *same_day_as,
		       char *buf, size_t n)
{
	char t[40];
	series_format_time(s, r, t, sizeof(t));
	if (strlen(t) == 19 && !strcmp(t + 16, ":00"))
		t[16] = '\0';
	if (same_day_as && strlen(t) >= 16 && !strncmp(t, same_day_as, 11))
		snprintf(buf, n, "%s", t + 11);
	else
		snprintf(buf, n, "%s", t);
}

/* Where metric m's name, cut to w columns, reads like another's, the byte
 * where it differs from them; else 0. */
static size_t cut_names_clash(const Series *s, size_t m, size_t w)
{
	return ui_names_clash((const char *const *)s->names, s->metrics, m,
			      w);
}

/* ---- metric list ------------------------------------------------------ */

static void draw_list(App *a, WINDOW *w)
{
	char title[300];
	static const char *const order[] = {"", " by score", " by F1"};
	/* narrow: the order's name instead of "metrics" */
	int narrow = getmaxx(w) < 24 && a->list_order;
	snprintf(title, sizeof(title), " %s%s%s%.200s ",
		 narrow ? "" : "metrics", order[a->list_order % 3] + narrow,
		 a->filter[0] ? "  /" : "", a->filter);
	frame(a, w, title);
	int h = getmaxy(w) - 2, width = getmaxx(w) - 2;
	size_t pos = 0;
	for (size_t i = 0; i < a->n_visible; i++)
		if (a->visible[i] == a->metric)
			pos = i;
	if (pos < a->list_top)
		a->list_top = pos;
	if (h > 0 && pos >= a->list_top + (size_t)h)
		a->list_top = pos - (size_t)h + 1;
	for (int row = 0; row < h; row++) {
		size_t i = a->list_top + (size_t)row;
		if (i >= a->n_visible)
			break;
		size_t m = a->visible[i];
		int sel = m == a->metric;
		char name[256], line[300], f1[8] = "";
		/* room for the score at the cursor when there is one */
		int scored = a->has_dr && a->score && width > 16;
		int namew = width - (scored ? 13 : 8);
		size_t nw = (size_t)(namew > 3 ? namew : 3);
		ui_short_name(a->s.names[m], name, sizeof(name), nw,
			      a->unicode, cut_names_clash(&a->s, m, nw));
		if (a->has_dr) {
			UiScore sc[RULE_COUNT];
			app_scores(a, m, 0, CRIT_LOW, sc);
			fmt_ratio(sc[RULE_EVENT].f1, f1, sizeof(f1));
		}
		int mk = a->marked && a->marked[m];
		snprintf(line, sizeof(line), "%c%s",
			 sel ? '>' : mk ? '+' : ' ', name);
		if (sel && !a->node_scope)
			wattron(w, A_REVERSE);
		else if (sel)
			wattron(w, A_BOLD);
		if (mk)
			wattron(w, A_UNDERLINE); /* marked for v */
		mvwhline(w, row + 1, 1, ' ', width);
		put_cols(w, row + 1, 1, width, line);
		if (f1[0] && width > 12) {
			char tag[16];
			snprintf(tag, sizeof(tag), "F1 %s", f1);
			put(w, row + 1, width - 6, 7, tag);
		}
		if (scored) {
			/* the score at the cursor; at node scope a * marks
			 * the metrics that carry the node score there */
			char sc[16];
			double v = app_score_at(a, m, a->cursor);
			if (v < 9.95)
				snprintf(sc, sizeof(sc), "%4.1f", v);
			else if (v < 999.5)
				snprintf(sc, sizeof(sc), "%4.0f", v);
			else
				snprintf(sc, sizeof(sc), "999+");
			if (a->node_scope && app_carries_node(a, m, a->cursor))
				strcat(sc, "*");
			put(w, row + 1, width - 11, 5, sc);
		}
		wattroff(w, A_REVERSE | A_BOLD | A_UNDERLINE);
	}
}

/* ---- plot ----------------------------------------------------------- */

static void resize_plot(App *a, WINDOW *w)
{
	int W = getmaxx(w);
	a->plot_x = getbegx(w) + 1 + PLOTPAINT_AXIS_W;
	a->plot_w = W - 2 - PLOTPAINT_AXIS_W;
	a->plot_y = getbegy(w) + 1;
	a->plot_h = getmaxy(w) - 2;
	if (a->plot_w < 10)
		a->plot_w = 10;
}


/* The readout of the row under the cursor, fitted into width columns:
 * long words when they fit, short ones otherwise. */
static void readout(App *a, size_t m, size_t scope, int width, char *buf,
		    size_t n)
{
	const Series *s = &a->s;
	size_t r = a->cursor;
	char t[40], v[24], fc[24] = "-", sc[24] = "-";
	series_format_time(s, r, t, sizeof(t));
	size_t tl = strlen(t);
	if (tl == 19 && !strcmp(t + 16, ":00"))
		t[16] = '\0'; /* whole minutes: no seconds */
	plot_format_value(series_at(s, m, r), v, sizeof(v), 8);
	if (a->pred)
		plot_format_value(a->pred[m * s->rows + r], fc, sizeof(fc), 8);
	const float *scr = scope == UI_NODE ? a->node_score
			   : a->score	  ? a->score + m * s->rows
					  : NULL;
	if (scr)
		snprintf(sc, sizeof(sc), "%.2f",
			 scope == UI_NODE
				 ? (double)scr[r]
				 : (double)scr[r] * app_score_scale(a, m));
	const UiRanges *L = ui_labels_set(&a->labels, scope, 0);
	int lab = ui_ranges_find(L, (int64_t)r) >= 0;
	size_t nd;
	const Detection *d = plotpaint_dets(a, scope, &nd);
	int crit = 0;
	for (size_t i = 0; i < nd; i++)
		if (d[i].r.start <= (int64_t)r && (int64_t)r < d[i].r.end &&
		    (int)d[i].crit > crit)
			crit = (int)d[i].crit;
	int differ = 0;
	for (size_t i = 0; scope == UI_NODE && i < a->n_disagree; i++)
		differ |= a->disagree[i].start <= (int64_t)r &&
			  (int64_t)r < a->disagree[i].end;
	/* the train part is not scored: its labels are said to be */
	int train = r < s->split;
	/* the label's note, quoted, last */
	const char *note = lab ? ui_labels_note_at(&a->labels, scope,
						   (int64_t)r)
			       : NULL;
	const char *lab_tag = lab && train ? " [train label: not scored]"
			      : lab	   ? " [label]"
			      : train	   ? " [train]"
					   : "";
	char crit_tag[24] = "";
	if (crit)
		snprintf(crit_tag, sizeof(crit_tag), " [%s]",
			 crit_name((Criticality)crit));
	/* at node scope the value line is still one metric's, while the
	 * score, labels and detections are the node's: say both */
	int node = scope == UI_NODE;
	/* The least important parts give way first, each step only when the
	 * last did not fit: the year, then the short words (v, f, s), the
	 * train label's reason, the forecast, the note (cut, then gone), the
	 * metric's name (cut with an ellipsis to 12 columns), the value, the
	 * name (to 4), the date (the time of day stays); the tags that say what the row is ([label],
	 * the criticality, [files differ]) stay whole to the end. */
	char name[256], note_txt[512];
	int full_w = textw_cols(s->names[m]), name_w = full_w;
	for (int step = 0;; step++) {
		int shrt = step >= 2, no_fc = step >= 4, no_v = step >= 8;
		if (step == 1 && tl == 19 && t[4] == '-')
			memmove(t, t + 5, strlen(t + 5) + 1); /* drop the year */
		if (step == 10 && strlen(t) > 6 && strchr(t, ' '))
			memmove(t, strchr(t, ' ') + 1,
				strlen(strchr(t, ' ') + 1) + 1); /* the date */
		note_txt[0] = '\0';
		if (note && step < 5)
			snprintf(note_txt, sizeof(note_txt), " \"%.*s\"",
				 (int)textw_fit(note, 120), note);
		size_t nw = (size_t)name_w;
		ui_short_name(s->names[m], name, sizeof(name), nw,
			      a->unicode, cut_names_clash(s, m, nw));
		const char *lt = step >= 3 && lab && train ? " [train label]"
							   : lab_tag;
		char vpart[48] = "", fpart[48] = "";
		if (!no_v)
			snprintf(vpart, sizeof(vpart),
				 shrt ? " v %s" : "  value %s", v);
		if (!no_fc)
			snprintf(fpart, sizeof(fpart),
				 shrt ? " f %s" : "  forecast %s", fc);
		int w = snprintf(
			buf, n, "%s%s%s%s%s%s%s%s%s%s%s%s ",
			node ? (shrt ? " node(" : " node, plotted on ") : " ",
			name, node && shrt ? ")" : "", shrt ? " " : "  ", t,
			vpart, fpart,
			node ? (shrt ? " node s " : "  node score ")
			     : (shrt ? " s " : "  score "),
			sc, lt, crit_tag, differ ? " [files differ]" : "");
		int room = width - (w < 0 ? 0 : textw_cols(buf));
		if (note && step == 5 && room > 8) {
			/* the note cut to what is left (whole if it fits) */
			int keep = room - 4; /* the quotes and spaces */
			char cut[480];
			ui_short_name(note, cut, sizeof(cut),
				      (size_t)keep, a->unicode, 0);
			snprintf(note_txt, sizeof(note_txt), " \"%s\"", cut);
		}
		int nl = textw_cols(note_txt);
		if (room >= nl || step >= 11) {
			size_t used = strlen(buf);
			if (used && buf[used - 1] == ' ')
				used--; /* the note before the closing space */
			size_t add = room >= nl ? strlen(note_txt) : 0;
			if (used + add + 2 <= n) { /* (it fits in columns) */
				memcpy(buf + used, note_txt, add);
				memcpy(buf + used + add, " ", 2);
			}
			break;
		}
		if (step == 6 || step == 8) {
			/* the name cut to what the rest leaves it: 12
			   columns at least while the value shows, then 4 */
			int over = nl - room, least = step == 6 ? 12 : 4;
			int shown = textw_cols(name); /* columns, not bytes */
			name_w = shown - over > least ? shown - over : least;
			if (name_w > full_w)
				name_w = full_w;
		}
	}
}

/* The alert band at row y, columns [x, x + width): the alert holding the
 * cursor (its number, criticality, span, duration) and its metrics ranked
 * by share of the score mass, with the shares as `vigil detect` writes
 * them, the selected metric highlighted; or where the alerts are. */
static void paint_alert_band(App *a, WINDOW *w, int y, int x, int width)
{
	mvwhline(w, y, x, ' ', width);
	size_t n = a->dr.n_alerts;
	long i = app_alert_at(a, a->cursor);
	char text[256];
	if (i < 0) {
		snprintf(text, sizeof(text),
			 n ? "no alert here  (%zu alert%s: A lists them)"
			   : "no alerts (%zu)",
			 n, n == 1 ? "" : "s");
		wattrset(w, A_DIM);
		put(w, y, x, width, text);
		wattrset(w, A_NORMAL);
		return;
	}
	const Alert *al = &a->dr.alerts[i];
	char t0[40], t1[40], full0[40], dur[24];
	short_time(&a->s, (size_t)al->r.start, NULL, t0, sizeof(t0));
	series_format_time(&a->s, (size_t)al->r.start, full0, sizeof(full0));
	short_time(&a->s, (size_t)(al->r.end - 1), full0, t1, sizeof(t1));
	fmt_duration(series_time(&a->s, (size_t)(al->r.end - 1)) -
			     series_time(&a->s, (size_t)al->r.start) +
			     a->s.interval,
		     dur, sizeof(dur));
	/* the date is in the readout: the band keeps the times */
	const char *h0 = strlen(t0) >= 16 ? t0 + 11 : t0;
	const char *h1 = strlen(t1) >= 16 ? t1 + 11 : t1;
	int used = snprintf(text, sizeof(text), "ALERT %ld/%zu %s %s..%s %s:",
			    i + 1, n, crit_name(al->crit), h0, h1, dur);
	wattrset(w, colour_role(colour_crit((int)al->crit), 0) | A_BOLD);
	put(w, y, x, width, text);
	wattrset(w, A_NORMAL);
	int col = used;
	for (size_t k = 0; k < al->n_ranked && col < width; k++) {
		const AlertMetric *am = &al->ranked[k];
		char item[600], cut[512];
		snprintf(item, sizeof(item), " %s %.4f", a->s.names[am->metric],
			 am->share);
		int len = textw_cols(item); /* columns, not bytes */
		/* room for it, and for "+N more" after it if others follow */
		char more[24], after[24];
		snprintf(more, sizeof(more), " +%zu more", al->n_ranked - k);
		int ml = snprintf(after, sizeof(after), " +%zu more",
				  al->n_ranked - k - 1);
		int need = len + (k + 1 < al->n_ranked ? ml : 0);
		if (k == 0 && col + need > width) {
			/* the first metric at least, its name cut as in the
			 * list ("netw… 0.7289") */
			int keep = textw_cols(a->s.names[am->metric]) -
				   (col + need - width);
			if (keep >= 3) {
				ui_short_name(a->s.names[am->metric], cut,
					      sizeof(cut), (size_t)keep,
					      a->unicode, 0);
				snprintf(item, sizeof(item), " %s %.4f", cut,
					 am->share);
				len = textw_cols(item);
				need = len + (k + 1 < al->n_ranked ? ml : 0);
			}
		}
		if (col + need > width) {
			put(w, y, x + col, width - col, more);
			break;
		}
		if (am->metric == a->metric)
			wattrset(w, A_REVERSE);
		put_cols(w, y, x + col + 1, len - 1, item + 1);
		wattrset(w, A_NORMAL);
		col += len;
	}
}

static void draw_plot(App *a, WINDOW *w)
{
	char title[512];
	readout(a, a->metric, app_scope(a), getmaxx(w) - 4, title,
		sizeof(title));
	frame(a, w, title);
	int h = getmaxy(w) - 2;
	/* a row for the alert band once there are detections */
	int band = a->has_dr && h >= 12;
	PlotSpec sp = {a->metric, app_scope(a), CRIT_LOW, 0,
		       h - band >= 16 ? 3 : 2, 1, 0};
	plotpaint_draw(a, w, 1, h - band, 1, getmaxx(w) - 2, &sp);
	if (band)
		paint_alert_band(a, w, h, 1, getmaxx(w) - 2);
}

/* ---- scores panel ------------------------------------------------------ */

static const char *const crit_rows[] = {"all", ">=medium", "high"};
static const Criticality crit_min[] = {CRIT_LOW, CRIT_MEDIUM, CRIT_HIGH};

/* One line of the scores panel for criticality filter c. Wide: "all
 * .76/.80 .99/.95 .86/.87 | ..." (working/original for P, R, F1 of each
 * rule); narrow: "all  .76 .99 .86 (.87)  | ..." (working P R F1, original
 * F1 in parentheses), each rule's 20 columns under its header's, "event P R
 * F1 (orig)". */
static void score_line(App *a, size_t scope, int c, int wide, char *buf,
		       size_t n)
{
	UiScore w[RULE_COUNT], o[RULE_COUNT];
	app_scores(a, scope, 0, crit_min[c], w);
	app_scores(a, scope, 1, crit_min[c], o);
	size_t used = (size_t)snprintf(buf, n, " %-8s ", crit_rows[c]);
	for (int r = 0; r < RULE_COUNT && used < n; r++) {
		double wv[3] = {w[r].p, w[r].r, w[r].f1};
		double ov[3] = {o[r].p, o[r].r, o[r].f1};
		for (int k = 0; k < 3 && used < n; k++) {
			char x[8], y[8];
			fmt_ratio(wv[k], x, sizeof(x));
			fmt_ratio(ov[k], y, sizeof(y));
			if (wide)
				used += (size_t)snprintf(buf + used, n - used,
							 "%s/%s ", x, y);
			else
				used += (size_t)snprintf(buf + used, n - used,
							 k == 2 ? "%s (%s)   "
								: "%s ",
							 x, y);
		}
		if (r + 1 < RULE_COUNT && used < n)
			used += (size_t)snprintf(buf + used, n - used, "| ");
	}
}

static void draw_scores_at(App *a, WINDOW *w, int y, size_t scope,
			   int header)
{
	int width = getmaxx(w) - 2;
	int wide = width >= 86;
	if (header) {
		char h[256];
		if (wide)
			snprintf(h, sizeof(h), "%10s%-24s| %-24s| %s", "",
				 "event P/R/F1 work/orig", "point-wise P/R/F1",
				 "point-adjusted* P/R/F1");
		else
			snprintf(h, sizeof(h), "%10s%-20s| %-20s| %s", "",
				 "event P R F1 (orig)", "point P R F1 (orig)",
				 "PA* P R F1 (orig)");
		put(w, y++, 1, width, h);
	}
	for (int c = 0; c < 3; c++) {
		char line[256];
		if (!a->has_dr) {
			snprintf(line, sizeof(line), " %-8s %s", crit_rows[c],
				 a->model == MODEL_TRAINING
					 ? "waiting for the model..."
				 : a->model == MODEL_FAILED ? "no model"
							    : "no detections");
		} else {
			score_line(a, scope, c, wide, line, sizeof(line));
		}
		put(w, y + c, 1, width, line);
	}
}

static void draw_scores(App *a, WINDOW *w)
{
	char title[256];
	snprintf(title, sizeof(title),
		 " %s%s  labels: working%s vs original  (* PA is inflated) ",
		 a->node_scope ? "node" : "metric ",
		 a->node_scope ? "" : a->s.names[a->metric],
		 ui_labels_unsaved(&a->labels) ? "*" : "");
	frame(a, w, title);
	draw_scores_at(a, w, 1, app_scope(a), 1);
	if (a->provisional && getmaxy(w) >= 7) {
		/* the summary line (with its recall) waits for the model */
		char line[200];
		snprintf(line, sizeof(line),
			 " PROVISIONAL: the scores of epoch %zu's weights; "
			 "the model's when training ends",
			 a->provisional);
		put(w, 5, 1, getmaxx(w) - 2, line);
	} else if (a->has_dr && getmaxy(w) >= 7) {
		UiScore ws[RULE_COUNT], os[RULE_COUNT];
		app_scores(a, app_scope(a), 0, CRIT_LOW, ws);
		app_scores(a, app_scope(a), 1, CRIT_LOW, os);
		char line[200];
		snprintf(line, sizeof(line),
			 " event, all: TP %lld FP %lld FN %lld  recall %.2f "
			 "F1 %.2f   (original: recall %.2f F1 %.2f)",
			 (long long)ws[RULE_EVENT].tp,
			 (long long)ws[RULE_EVENT].fp,
			 (long long)ws[RULE_EVENT].fn, ws[RULE_EVENT].r,
			 ws[RULE_EVENT].f1, os[RULE_EVENT].r,
			 os[RULE_EVENT].f1);
		if ((int)strlen(line) > getmaxx(w) - 2) /* 80 columns */
			snprintf(line, sizeof(line),
				 " event, all: TP %lld FP %lld FN %lld  recall "
				 "%.2f F1 %.2f  (orig. %.2f %.2f)",
				 (long long)ws[RULE_EVENT].tp,
				 (long long)ws[RULE_EVENT].fp,
				 (long long)ws[RULE_EVENT].fn,
				 ws[RULE_EVENT].r, ws[RULE_EVENT].f1,
				 os[RULE_EVENT].r, os[RULE_EVENT].f1);
		put(w, 5, 1, getmaxx(w) - 2, line);
	}
}

/* ---- status line ------------------------------------------------------- */

/* The selection's extent while it is made (or the label's new extent in
 * edge mode), live: rows, duration, first and last time. Returns the
 * length written. */
static size_t extent_text(const App *a, char *buf, size_t n)
{
	size_t lo, hi;
	const char *what = "MARK";
	if (a->keymode == KEYMODE_EDGE) {
		lo = (size_t)a->edge_start;
		hi = (size_t)a->edge_end - 1;
		what = a->edge_end_side ? "EDGE end:" : "EDGE start:";
	} else {
		lo = a->sel_anchor < a->cursor ? a->sel_anchor : a->cursor;
		hi = a->sel_anchor < a->cursor ? a->cursor : a->sel_anchor;
	}
	const Series *s = &a->s;
	char t0[40], t1[40], dur[24];
	short_time(s, lo, NULL, t0, sizeof(t0));
	char full0[40];
	series_format_time(s, lo, full0, sizeof(full0));
	short_time(s, hi, full0, t1, sizeof(t1));
	fmt_duration(series_time(s, hi) - series_time(s, lo) + s->interval, dur,
		     sizeof(dur));
	size_t rows = hi - lo + 1;
	int w = snprintf(buf, n, " %s %zu row%s %s  %s .. %s%s  ", what, rows,
			 rows == 1 ? "" : "s", dur, t0, t1,
			 a->keymode == KEYMODE_EDGE && !a->message[0]
				 ? "  Enter apply, Esc cancel"
				 : "");
	return w < 0 ? 0 : (size_t)w < n ? (size_t)w : n - 1;
}

/* What a prompt shows of the text being typed in room columns: all of
 * it, or an ellipsis and its end, where typing happens. */
static void input_tail(const App *a, const char *input, int room, char *buf,
		       size_t n)
{
	const char *ell = a->unicode ? "\xe2\x80\xa6" : "...";
	int cols = textw_cols(input), ew = a->unicode ? 1 : 3;
	if (cols <= room || room <= ew) {
		snprintf(buf, n, "%s", input);
		return;
	}
	snprintf(buf, n, "%s%s", ell,
		 input + textw_skip(input, cols - (room - ew)));
}

/* text into buf (n bytes) with the head of its word at word given to an
 * ellipsis: over columns too many, so over plus the ellipsis's width cut
 * (whole characters, ui/textw.h), at most most bytes (a character
 * boundary). text as it is where that cuts no more than the ellipsis
 * adds. */
static void elide_head(const App *a, const char *text, const char *word,
		       int over, size_t most, char *buf, size_t n)
{
	const char *ell = a->unicode ? "\xe2\x80\xa6" : "...";
	int ew = a->unicode ? 1 : 3;
	snprintf(buf, n, "%s", text);
	size_t cut = textw_skip(word, over + ew);
	if (cut > most)
		cut = most;
	if (textw_span_cols(word, cut) <= ew)
		return;
	snprintf(buf, n, "%.*s%s%s", (int)(word - text), text, ell, word + cut);
}

/* The message text fitted into room columns where a path in it makes it
 * too long: the longest path loses its head to an ellipsis
 * ("…label/machine-1-2.txt"), at most down to "…/FILE" (its file name
 * stays whole). Otherwise, or when that is not enough, the text as it
 * is (the caller cuts its end). */
static void fit_path(const App *a, const char *text, int room, char *buf,
		     size_t n)
{
	snprintf(buf, n, "%s", text);
	int over = textw_cols(text) - room;
	if (over <= 0)
		return;
	/* the longest word with a slash */
	const char *best = NULL;
	size_t best_len = 0;
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, " ");
		const char *sl = memchr(p, '/', len);
		if (sl && len > best_len) {
			best = p;
			best_len = len;
		}
		p += len;
		p += strspn(p, " ");
	}
	if (!best)
		return;
	/* its file name: after the last slash, up to the word's end */
	const char *base = best + best_len;
	while (base > best && base[-1] != '/')
		base--;
	elide_head(a, text, best, over, (size_t)(base - 1 - best), buf, n);
}

/* The brief text in buf (n bytes) fitted into room columns where it is
 * still too long: its last word, the file it names, loses its head to an
 * ellipsis ("…eviewed-by-analyst.csv"), keeping at least 8 columns.
 * Otherwise buf as it is (the caller cuts its end). */
static void fit_last_word(const App *a, char *buf, size_t n, int room)
{
	int over = textw_cols(buf) - room;
	const char *sp = strrchr(buf, ' ');
	const char *word = sp ? sp + 1 : buf;
	int cols = textw_cols(word);
	if (over <= 0 || cols < 8)
		return;
	char text[720];
	snprintf(text, sizeof(text), "%s", buf);
	word = text + (word - buf);
	/* down to 8 columns, the ellipsis included */
	size_t most = textw_skip(word, cols - 8 + (a->unicode ? 1 : 3));
	elide_head(a, text, word, over, most, buf, n);
}

static void draw_status(App *a, WINDOW *w)
{
	int W = getmaxx(w);
	werase(w);
	wbkgdset(w, ' ' | status_attr());
	wattrset(w, status_attr());
	mvwhline(w, 0, 0, ' ', W);
	char line[1000] = "";
	size_t used = 0;
	if (a->prompt == PROMPT_SAVE) {
		/* format, folder, name and keys; the folder gives way (its
		 * head elided) when the line is too narrow */
		char dir[1024];
		save_folder(a, dir, sizeof(dir));
		const char *keys = W >= 100 ? "  Tab format  Enter save  Esc "
					      "cancel"
					    : "  Tab/Enter/Esc";
		const char *fmt = save_format_name((SaveFormat)a->save_format);
		/* the folder once: the name after it is the input's last
		   part (what typing and Backspace change) */
		const char *name = strrchr(a->input, '/');
		name = name ? name + 1 : a->input;
		/* a name too long for the line: the keys' help goes, then
		   the name shows its end (the folder keeps 7 columns) */
		int head = (int)(strlen(" save as  in /: ") + strlen(fmt)) + 7;
		if (head + textw_cols(name) + (int)strlen(keys) > W)
			keys = "";
		char shown[600];
		input_tail(a, name, W - head - 1, shown, sizeof(shown));
		name = shown;
		int fixed = (int)(strlen(" save as  in /: ") + strlen(fmt) +
				  textw_cols(name) + strlen(keys));
		int room = W - fixed;
		const char *d = dir;
		int cut = 0;
		int dir_cols = textw_cols(dir);
		if (room < dir_cols) {
			/* its head cut, whole characters */
			cut = 1;
			room -= a->unicode ? 1 : 3;
			d = dir + textw_skip(dir, dir_cols - (room > 4 ? room : 4));
		}
		/* "/" itself ends with its slash already */
		const char *sep = !strcmp(dir, "/") ? "" : "/";
		snprintf(line, sizeof(line),
			 " save as %s in %s%.500s%s: %.400s%s", fmt,
			 cut ? (a->unicode ? "\xe2\x80\xa6" : "...") : "", d,
			 sep, name, keys);
		put_cols(w, 0, 0, W, line);
		return;
	}
	if (a->prompt != PROMPT_NONE) {
		static const char *const label[] = {
			[PROMPT_FILTER] = "filter /",
			[PROMPT_GOTO] = "go to (row, time, +1d, -90m): ",
			[PROMPT_NOTE] = "note (Enter set, empty removes, Esc): ",
			[PROMPT_QUIT] = "unsaved edits: s save, d discard and "
					"quit, Esc back ",
		};
		if (a->prompt == PROMPT_FILTER || a->prompt == PROMPT_GOTO ||
		    a->prompt == PROMPT_NOTE) {
			char shown[600];
			input_tail(a, a->input,
				   W - 2 - (int)strlen(label[a->prompt]), shown,
				   sizeof(shown));
			snprintf(line, sizeof(line), " %s%.520s",
				 label[a->prompt], shown);
			put_cols(w, 0, 0, W, line);
			return;
		}
		if (a->prompt == PROMPT_QUIT)
			snprintf(line, sizeof(line), " %s", label[a->prompt]);
		else
			snprintf(line, sizeof(line), " %s",
				 (int)strlen(a->question) + 1 > W &&
						 a->question_brief[0]
					 ? a->question_brief
					 : a->question);
		put(w, 0, 0, W, line);
		return;
	}
	if (a->selecting || a->keymode == KEYMODE_EDGE)
		used += extent_text(a, line + used, sizeof(line) - used);
	if (a->keymode == KEYMODE_THRESHOLD)
		used += (size_t)snprintf(line + used, sizeof(line) - used,
					 " THRESHOLD x%.2f: < lower, > raise, "
					 "t/Esc done  ",
					 a->thr_factor
						 ? a->thr_factor[a->node_scope
									 ? a->s.metrics
									 : a->metric]
						 : 1.0);
	if (a->model == MODEL_TRAINING) {
		char bar[24];
		int fill = (int)(a->train_frac * 20);
		for (int i = 0; i < 20; i++)
			bar[i] = i < fill ? '#' : '.';
		bar[20] = '\0';
		/* first: detections from an epoch's weights are not the
		 * model's yet */
		if (a->provisional)
			used += (size_t)snprintf(line + used,
						 sizeof(line) - used,
						 " PROVISIONAL (epoch %zu)",
						 a->provisional);
		used += (size_t)snprintf(line + used, sizeof(line) - used,
					 " training [%s] %s  ", bar,
					 a->train_text);
	}
	/* the unsaved count (or READ-ONLY) is always shown whole: a long
	 * message gives way to it */
	size_t uns = ui_labels_unsaved(&a->labels);
	char count[48];
	if (a->read_only)
		snprintf(count, sizeof(count), " READ-ONLY");
	else if (uns == (size_t)-1)
		snprintf(count, sizeof(count), " edits unsaved");
	else
		snprintf(count, sizeof(count), " %zu edit%s unsaved", uns,
			 uns == 1 ? "" : "s");
	int cl = (int)strlen(count);
	if (a->message[0]) {
		/* the message whole where it can be: a long path in it
		   gives way first, from its head, then the message to its
		   shorter words */
		char msg[720];
		int room = W - textw_cols(line) - 3 - cl;
		fit_path(a, a->message, room, msg, sizeof(msg));
		if (a->message_brief[0] && textw_cols(msg) > room) {
			fit_path(a, a->message_brief, room, msg, sizeof(msg));
			/* a closing parenthesis gives way at the line's
			   end, cut; whole where the cut would reach what
			   comes before it, the file the brief ends with,
			   which loses its head where even that is too long */
			char *par = strrchr(msg, '(');
			size_t ml = strlen(msg);
			int drop = textw_cols(msg) > room && par && par > msg &&
				   par[-1] == ' ' && msg[ml - 1] == ')';
			if (drop)
				par[-1] = '\0';
			if (textw_cols(msg) > room)
				fit_last_word(a, msg, sizeof(msg), room);
			else if (drop && textw_cols(msg) + 2 < room)
				par[-1] = ' ';
		}
		used += (size_t)snprintf(line + used, sizeof(line) - used,
					 " %s  ", msg);
	}
	int lc = textw_cols(line);
	if (lc + cl > W && W > cl) {
		/* cut at the column W - cl, an ellipsis before it */
		size_t i = textw_fit(line, W - cl - 3);
		used = i + 3 < sizeof(line) ? i : sizeof(line) - 4;
		memcpy(line + used, "...", 3);
		used += 3;
	}
	if (used < sizeof(line))
		snprintf(line + used, sizeof(line) - used, "%s", count);
	put_cols(w, 0, 0, W, line);
	/* the hints give way to the line: whole, then "? help", then none */
	const char *help = a->node_scope ? "node | ? help " : "metric | ? help ";
	int len = textw_cols(line);
	if (W < len + (int)strlen(help) + 1)
		help = "? help ";
	int hl = (int)strlen(help);
	if (W >= len + hl + 1)
		put(w, 0, W - hl, hl, help);
}

/* ---- full-screen views ------------------------------------------------- */

/* The help, generated from the key table: as many columns as the widest
 * line allows, filled top to bottom; when that does not fit the window, the
 * lines flow row by row and scroll (a->help_top, clamped here). Every line
 * is shown whole when the window is at least as wide as the widest one. */
static void draw_help(App *a, WINDOW *w)
{
	const char *const *lines;
	size_t n = keys_help_lines(&lines);
	/* a title rule on top and no other border: every row and column
	 * for the table */
	int h = getmaxy(w) - 1, W = getmaxx(w);
	int maxw = 1;
	for (size_t i = 0; i < n; i++)
		if ((int)strlen(lines[i]) > maxw)
			maxw = (int)strlen(lines[i]);
	int cols = (W + 1) / (maxw + 2);
	if (cols < 1)
		cols = 1;
	if ((size_t)cols > n)
		cols = (int)n;
	size_t rows = (n + (size_t)cols - 1) / (size_t)cols;
	int colw = W / cols;
	int scroll = h > 0 && rows > (size_t)h;
	if (!scroll || h <= 0)
		a->help_top = 0;
	else if (a->help_top > rows - (size_t)h)
		a->help_top = rows - (size_t)h;
	char title[128];
	if (scroll)
		snprintf(title, sizeof(title),
			 " vigil keys %zu-%zu of %zu rows: j/k Space scroll, "
			 "Esc or ? close ",
			 a->help_top + 1, a->help_top + (size_t)h, rows);
	else
		snprintf(title, sizeof(title),
			 " vigil keys (Esc or ? to close) ");
	werase(w);
	mvwhline(w, 0, 0, ACS_HLINE, W);
	put(w, 0, 2, W - 4, title);
	for (size_t i = 0; i < n; i++) {
		size_t r = scroll ? i / (size_t)cols : i % rows;
		int c = scroll ? (int)(i % (size_t)cols) : (int)(i / rows);
		if (r < a->help_top || r >= a->help_top + (size_t)h)
			continue;
		put(w, (int)(r - a->help_top) + 1, 1 + c * colw, colw - 1,
		    lines[i]);
	}
}

/* The c and o views show their panels side by side from this inner width
 * on (3 x 39 columns for c); narrower terminals stack them. */
#define PANELS_SIDE_MIN 118

/* Panel i of the c (compare) or o view: its plot spec and name. */
static PlotSpec panel_spec(const App *a, int compare, int i, int strip_h)
{
	PlotSpec sp = {a->metric, app_scope(a),
		       compare ? crit_min[i] : CRIT_LOW,
		       compare ? 0 : i == 0, strip_h, 1, 1};
	return sp;
}

static const char *panel_name(int compare, int i)
{
	static const char *const side[] = {"original labels",
					   "working labels"};
	static const char *const crit[] = {"all (low and up)", ">=medium",
					   "high"};
	return compare ? crit[i] : side[i];
}

/* The panel's P/R/F1 of the three rules as text: v[rule * 3 + k]. */
static void panel_values(App *a, const PlotSpec *sp, char v[9][8])
{
	UiScore sc[RULE_COUNT];
	app_scores(a, sp->scope, sp->original, sp->min, sc);
	for (int r = 0; r < RULE_COUNT; r++) {
		fmt_ratio(sc[r].p, v[r * 3], sizeof(v[0]));
		fmt_ratio(sc[r].r, v[r * 3 + 1], sizeof(v[0]));
		fmt_ratio(sc[r].f1, v[r * 3 + 2], sizeof(v[0]));
	}
}

static void draw_panels(App *a, WINDOW *w, int compare)
{
	int n = compare ? 3 : 2;
	char title[256];
	snprintf(title, sizeof(title),
		 compare ? " criticality comparison: %s%s (c or Esc to close) "
			 : " original vs working labels: %s%s (o or Esc to "
			   "close) ",
		 a->node_scope ? "node, plotted on " : "",
		 a->s.names[a->metric]);
	frame(a, w, title);
	int H = getmaxy(w) - 2, W = getmaxx(w) - 2;
	if (W >= PANELS_SIDE_MIN) {
		/* side by side: a column per panel, split by a rule; each
		 * has its name, a line of scores per rule, then its plot,
		 * lanes and score strip */
		int colw = (W - (n - 1)) / n;
		int strip = H >= 30 ? 4 : H >= 20 ? 3 : 2;
		for (int i = 0; i < n; i++) {
			int left = 1 + i * (colw + 1);
			if (i > 0)
				mvwvline(w, 1, left - 1,
					 ACS_VLINE, H);
			PlotSpec sp = panel_spec(a, compare, i, strip);
			char v[9][8], line[160];
			panel_values(a, &sp, v);
			wattron(w, A_BOLD);
			put(w, 1, left, colw, panel_name(compare, i));
			wattroff(w, A_BOLD);
			static const char *const rule[] = {"event", "point",
							   "PA*"};
			for (int r = 0; r < RULE_COUNT; r++) {
				snprintf(line, sizeof(line),
					 "%-6s P %s  R %s  F1 %s", rule[r],
					 v[r * 3], v[r * 3 + 1], v[r * 3 + 2]);
				put(w, 2 + r, left, colw, line);
			}
			plotpaint_draw(a, w, 2 + RULE_COUNT, H - 1 - RULE_COUNT,
				   left, colw, &sp);
		}
		return;
	}
	/* stacked: a band of rows per panel under a one-line header */
	int each = H / n;
	for (int i = 0; i < n; i++) {
		int y = 1 + i * each;
		PlotSpec sp = panel_spec(a, compare, i, each >= 12 ? 2 : 0);
		char v[9][8], head[256];
		panel_values(a, &sp, v);
		snprintf(head, sizeof(head),
			 "%-9s event P R F1 %s %s %s | point %s %s %s | PA* "
			 "%s %s %s",
			 compare ? crit_rows[i]
			 : i == 0 ? "original"
				  : "working",
			 v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]);
		wattron(w, A_BOLD);
		put(w, y, 1, W, head);
		wattroff(w, A_BOLD);
		plotpaint_draw(a, w, y + 1, each - 1, 1, W, &sp);
	}
}

/* Whether the working node labels overlap r: the alert is a true
 * positive of the labels. */
static int alert_labelled(const App *a, Range r)
{
	const UiRanges *L = ui_labels_set(&a->labels, UI_NODE, 0);
	for (size_t i = 0; i < L->n; i++)
		if (L->r[i].start < r.end && r.start < L->r[i].end)
			return 1;
	return 0;
}

/* A: every alert, one a row (number, start, duration, criticality, TP or
 * FP against the working node labels, the top 3 metrics with their
 * shares), in the order of a->alert_sort; the chosen one highlighted, the
 * list scrolled to keep it in sight. */
static void draw_alerts(App *a, WINDOW *w)
{
	size_t n = a->has_dr ? a->dr.n_alerts : 0;
	size_t *idx = malloc((n ? n : 1) * sizeof(size_t));
	if (!idx)
		return;
	app_alert_order(a, idx);
	int h = getmaxy(w) - 3, W = getmaxx(w) - 2;
	if (h < 1)
		h = 1;
	if (a->alert_sel >= n)
		a->alert_sel = n ? n - 1 : 0;
	if (a->alert_sel < a->alert_top)
		a->alert_top = a->alert_sel;
	if (a->alert_sel >= a->alert_top + (size_t)h)
		a->alert_top = a->alert_sel - (size_t)h + 1;
	char title[200];
	snprintf(title, sizeof(title),
		 " %zu alert%s by %s  (j/k choose, Enter go there, S order, A "
		 "or Esc close) ",
		 n, n == 1 ? "" : "s", app_alert_sort_name(a->alert_sort));
	frame(a, w, title);
	if (!a->has_dr) {
		put(w, 1, 1, W,
		    a->model == MODEL_TRAINING ? " waiting for the model..."
					       : " no detections");
		free(idx);
		return;
	}
	char head[200];
	snprintf(head, sizeof(head), " %4s %-16s %8s %-6s %-5s %s", "#",
		 "start", "duration", "crit", "TP/FP", "top metrics (share)");
	wattron(w, A_BOLD);
	put(w, 1, 1, W, head);
	wattroff(w, A_BOLD);
	for (int row = 0; row < h && a->alert_top + (size_t)row < n; row++) {
		size_t k = a->alert_top + (size_t)row;
		const Alert *al = &a->dr.alerts[idx[k]];
		char t0[40], dur[24], line[512];
		short_time(&a->s, (size_t)al->r.start, NULL, t0, sizeof(t0));
		fmt_duration(series_time(&a->s, (size_t)(al->r.end - 1)) -
				     series_time(&a->s, (size_t)al->r.start) +
				     a->s.interval,
			     dur, sizeof(dur));
		int used = snprintf(line, sizeof(line),
				    " %4zu %-16.16s %8s %-6s %-5s", idx[k] + 1,
				    t0, dur, crit_name(al->crit),
				    alert_labelled(a, al->r) ? "TP" : "FP");
		/* up to three metrics, names shortened to share what is
		 * left but a column before the border; fewer when that
		 * would cut a name under 8 columns
		 * (at 80x24 three were cut to "ne…", "me…", "cp…") */
		int shown = al->n_ranked < 3 ? (int)al->n_ranked : 3;
		int namew = 0;
		for (; shown > 0; shown--) {
			namew = (W - 1 - used) / shown - 8;
			int fits = 1;
			for (int m = 0; m < shown; m++) {
				size_t l = strlen(
					a->s.names[al->ranked[m].metric]);
				fits = fits && namew >= (l < 8 ? (int)l : 8);
			}
			if (fits || shown == 1)
				break;
		}
		for (size_t m = 0; m < (size_t)shown; m++) {
			char nm[96];
			size_t mi = al->ranked[m].metric;
			size_t nw = (size_t)(namew > 3 ? namew : 3);
			ui_short_name(a->s.names[mi], nm, sizeof(nm), nw,
				      a->unicode,
				      cut_names_clash(&a->s, mi, nw));
			used += snprintf(line + used, sizeof(line) - (size_t)used,
					 " %s %.4f", nm, al->ranked[m].share);
		}
		if (k == a->alert_sel)
			wattron(w, A_REVERSE);
		mvwhline(w, 2 + row, 1, ' ', W);
		put_cols(w, 2 + row, 1, W, line);
		wattroff(w, A_REVERSE);
	}
	free(idx);
}

/* v: up to four metrics one above the other on the window's time axis,
 * each with its header (name, share in the alert or score at the cursor,
 * event F1), plot, lanes and, when there is room, its score strip. */
static void draw_stack(App *a, WINDOW *w)
{
	size_t ms[4];
	int why;
	size_t n = app_stack_metrics(a, ms, &why);
	long al = app_alert_at(a, a->cursor);
	char title[200];
	if (why == 0)
		snprintf(title, sizeof(title),
			 " stacked: the %zu marked metric%s (Space marks; v or "
			 "Esc to close) ",
			 n, n == 1 ? "" : "s");
	else if (al >= 0)
		snprintf(title, sizeof(title),
			 " stacked: the top %zu metrics of alert %ld (v or Esc "
			 "to close) ",
			 n, al + 1);
	else
		snprintf(title, sizeof(title),
			 " stacked: the %zu largest scores at the cursor (v or "
			 "Esc to close) ",
			 n);
	frame(a, w, title);
	int H = getmaxy(w) - 2, W = getmaxx(w) - 2;
	if (!n)
		return;
	int each = H / (int)n;
	for (size_t i = 0; i < n; i++) {
		size_t m = ms[i];
		int y = 1 + (int)i * each;
		char head[256], f1[8] = "-";
		UiScore sc[RULE_COUNT];
		if (a->has_dr) {
			app_scores(a, m, 0, CRIT_LOW, sc);
			fmt_ratio(sc[RULE_EVENT].f1, f1, sizeof(f1));
		}
		double share = -1;
		for (size_t k = 0; al >= 0 && k < a->dr.alerts[al].n_ranked; k++)
			if (a->dr.alerts[al].ranked[k].metric == m)
				share = a->dr.alerts[al].ranked[k].share;
		int used = snprintf(head, sizeof(head), "%zu %s", i + 1,
				    a->s.names[m]);
		if (share >= 0)
			used += snprintf(head + used, sizeof(head) - (size_t)used,
					 "  share %.4f", share);
		snprintf(head + used, sizeof(head) - (size_t)used,
			 "  score %.2f  F1 %s", app_score_at(a, m, a->cursor),
			 f1);
		wattron(w, A_BOLD | (m == a->metric ? A_REVERSE : 0));
		put_cols(w, y, 1, W, head);
		wattroff(w, A_BOLD | A_REVERSE);
		PlotSpec sp = {m, m, CRIT_LOW, 0, each >= 11 ? 2 : 0, 1, 0};
		plotpaint_draw(a, w, y + 1, each - 1, 1, W, &sp);
	}
}

/* A click on a list row selects that metric. */
static unsigned key_list(App *a, WINDOW *w, int ch, const MEVENT *ev)
{
	if (ch != KEY_MOUSE || !ev || !(ev->bstate & BUTTON1_PRESSED))
		return 0;
	int row = ev->y - getbegy(w) - 1;
	if (row < 0 || row >= getmaxy(w) - 2)
		return 0;
	size_t i = a->list_top + (size_t)row;
	if (i >= a->n_visible)
		return 0;
	a->metric = a->visible[i];
	return DIRTY_LIST | DIRTY_PLOT | DIRTY_SCORES | DIRTY_STATUS;
}

/* In the plot: a press moves the cursor and starts a drag; motion with
 * the button down and the release extend the selection. */
static unsigned key_plot(App *a, WINDOW *w, int ch, const MEVENT *ev)
{
	(void)w;
	if (ch != KEY_MOUSE || !ev)
		return 0;
	int col = ev->x - a->plot_x;
	if (ev->bstate & BUTTON1_PRESSED) {
		if (col < 0 || col >= a->plot_w)
			return 0;
		return app_mouse(a, col, 0);
	}
	if (ev->bstate & BUTTON1_RELEASED)
		return app_mouse(a, col, 2);
	if (ev->bstate & REPORT_MOUSE_POSITION)
		return app_mouse(a, col, 1);
	return 0;
}

/* One mouse event to the pane under the pointer; a drag or release to
 * the pane the press was in. */
static unsigned mouse_event(App *a, const MEVENT *ev)
{
	if (a->mouse_down && !(ev->bstate & BUTTON1_PRESSED))
		return key_plot(a, pane_win[PANE_PLOT], KEY_MOUSE, ev);
	for (int i = 0; i < PANE_COUNT; i++) {
		if (!pane_win[i] || !pane_ops[i].on_key ||
		    !wenclose(pane_win[i], ev->y, ev->x))
			continue;
		unsigned fl = pane_ops[i].on_key(a, pane_win[i], KEY_MOUSE, ev);
		if (fl)
			return fl;
	}
	return 0;
}

unsigned panes_on_key(App *a, int ch)
{
	if (ch == KEY_MOUSE) {
		/* Mouse reports that arrive together (a fast drag, or a busy
		 * dashboard) come as one KEY_MOUSE, and getmouse pops the
		 * latest first: take them all and replay them oldest first,
		 * or a drag's press is lost. Outside the main view and in a
		 * prompt they are dropped. */
		MEVENT ev[16];
		int n = 0;
		while (n < 16 && getmouse(&ev[n]) == OK)
			n++;
		if (a->view != VIEW_MAIN || a->prompt != PROMPT_NONE)
			return 0;
		unsigned fl = 0;
		while (n > 0)
			fl |= mouse_event(a, &ev[--n]);
		return fl;
	}
	if (a->view != VIEW_MAIN)
		return 0;
	for (int i = 0; i < PANE_COUNT; i++) {
		if (!pane_win[i] || !pane_ops[i].on_key)
			continue;
		unsigned fl = pane_ops[i].on_key(a, pane_win[i], ch, NULL);
		if (fl)
			return fl;
	}
	return 0;
}

void panes_draw(App *a)
{
	if (!pane_win[PANE_STATUS])
		return;
	if (a->view == VIEW_HELP) {
		/* the whole screen, the status line's row included, so that
		 * the table fits at 80x24 */
		if (help_win && a->dirty) {
			draw_help(a, help_win);
			wnoutrefresh(help_win);
			doupdate();
		}
		a->dirty = 0;
		return;
	}
	if (a->view != VIEW_MAIN) {
		if (overlay_win && (a->dirty & (DIRTY_ALL & ~DIRTY_STATUS))) {
			if (a->view == VIEW_ALERTS)
				draw_alerts(a, overlay_win);
			else if (a->view == VIEW_STACK)
				draw_stack(a, overlay_win);
			else
				draw_panels(a, overlay_win, a->view == VIEW_COMPARE);
			wnoutrefresh(overlay_win);
		}
	} else {
		for (int i = 0; i < PANE_COUNT; i++) {
			if (!(a->dirty & (1u << i)) || !pane_win[i])
				continue;
			if (i != PANE_STATUS)
				touchwin(pane_win[i]);
			pane_ops[i].draw(a, pane_win[i]);
			wnoutrefresh(pane_win[i]);
		}
	}
	if (a->dirty & DIRTY_STATUS) {
		draw_status(a, pane_win[PANE_STATUS]);
		wnoutrefresh(pane_win[PANE_STATUS]);
	}
	doupdate();
	a->dirty = 0;
}
