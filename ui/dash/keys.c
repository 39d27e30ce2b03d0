/* The key table: which keys trigger which action in which mode, and the help
 * screen generated from it. The actions themselves (names, help text) come
 * from ACTION_LIST in keys.h. */
#include "ui/dash/keys.h"

#include <stdio.h>
#include <string.h>

#include <ncursesw/curses.h>

#define CTRL(c) ((c) & 0x1f)
#define N KEYMODE_NORMAL
#define T KEYMODE_THRESHOLD
#define E KEYMODE_EDGE

static const KeyBinding table[] = {
	{'j', ACT_METRIC_NEXT, N},
	{KEY_DOWN, ACT_METRIC_NEXT, N},
	{'k', ACT_METRIC_PREV, N},
	{KEY_UP, ACT_METRIC_PREV, N},
	{'h', ACT_CURSOR_LEFT, N | T | E},
	{KEY_LEFT, ACT_CURSOR_LEFT, N | T | E},
	{'l', ACT_CURSOR_RIGHT, N | T | E},
	{KEY_RIGHT, ACT_CURSOR_RIGHT, N | T | E},
	{'H', ACT_PAGE_LEFT, N | E},
	{KEY_PPAGE, ACT_PAGE_LEFT, N | E},
	{'L', ACT_PAGE_RIGHT, N | E},
	{KEY_NPAGE, ACT_PAGE_RIGHT, N | E},
	{'+', ACT_ZOOM_IN, N},
	{'=', ACT_ZOOM_IN, N},
	{'-', ACT_ZOOM_OUT, N},
	{'_', ACT_ZOOM_OUT, N},
	{'g', ACT_START, N},
	{KEY_HOME, ACT_START, N},
	{'G', ACT_END, N},
	{KEY_END, ACT_END, N},
	{'n', ACT_DET_NEXT, N},
	{'N', ACT_DET_PREV, N},
	{']', ACT_LABEL_NEXT, N},
	{'[', ACT_LABEL_PREV, N},
	{'f', ACT_DIS_NEXT, N},
	{'F', ACT_DIS_PREV, N},
	{'m', ACT_MARK, N},
	{'a', ACT_LABEL, N},
	{'x', ACT_UNLABEL, N},
	{'d', ACT_LABEL_DET, N},
	{'e', ACT_EDGE, N},
	{'\r', ACT_PICK, N | E},
	{'\n', ACT_PICK, N | E},
	{KEY_ENTER, ACT_PICK, N | E},
	{'u', ACT_UNDO, N},
	{CTRL('r'), ACT_REDO, N},
	{'s', ACT_SAVE, N},
	{'c', ACT_COMPARE, N},
	{'o', ACT_ORIGINAL, N},
	{'\t', ACT_SCOPE, N},
	{'/', ACT_FILTER, N},
	{'S', ACT_SORT, N},
	{'A', ACT_ALERTS, N},
	{'v', ACT_STACK, N},
	{' ', ACT_MARK_METRIC, N},
	{':', ACT_GOTO, N},
	{'i', ACT_NOTE, N},
	{'M', ACT_MACHINES, N},
	{'y', ACT_YFIT, N},
	{'t', ACT_THRESHOLD, N | T},
	{'<', ACT_THR_DOWN, T},
	{'>', ACT_THR_UP, T},
	{27, ACT_CANCEL, N | T | E},
	{CTRL('l'), ACT_REDRAW, N | T | E},
	{'?', ACT_HELP, N},
	{KEY_F(1), ACT_HELP, N},
	{'q', ACT_QUIT, N},
};

#undef N
#undef T
#undef E

static const char *const names[] = {
	"none",
#define KEYS_NAME(id, name, help) name,
	ACTION_LIST(KEYS_NAME)
#undef KEYS_NAME
};

static const char *const helps[] = {
	"",
#define KEYS_HELP(id, name, help) help,
	ACTION_LIST(KEYS_HELP)
#undef KEYS_HELP
};

const KeyBinding *keys_table(size_t *n)
{
	*n = sizeof(table) / sizeof(table[0]);
	return table;
}

Action keys_lookup(int key, KeyMode mode)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].key == key && (table[i].modes & mode))
			return table[i].act;
	return ACT_NONE;
}

const char *keys_action_name(Action a)
{
	return a < ACT_COUNT ? names[a] : "?";
}

const char *keys_action_help(Action a)
{
	return a < ACT_COUNT ? helps[a] : "";
}

const char *keys_key_name(int key, char *buf, size_t n)
{
	static const struct {
		int key;
		const char *name;
	} special[] = {
		{KEY_DOWN, "Down"},   {KEY_UP, "Up"},     {KEY_LEFT, "Left"},
		{KEY_RIGHT, "Right"}, {KEY_PPAGE, "PgUp"}, {KEY_NPAGE, "PgDn"},
		{KEY_HOME, "Home"},   {KEY_END, "End"},   {'\t', "Tab"},
		{27, "Esc"},          {KEY_F(1), "F1"},   {' ', "Space"},
		{'\r', "Enter"},      {'\n', "Enter"},    {KEY_ENTER, "Enter"},
	};
	for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++)
		if (special[i].key == key) {
			snprintf(buf, n, "%s", special[i].name);
			return buf;
		}
	if (key > 0 && key < 32)
		snprintf(buf, n, "Ctrl-%c", key + 'A' - 1);
	else if (key >= 32 && key < 127)
		snprintf(buf, n, "%c", key);
	else
		snprintf(buf, n, "key%d", key);
	return buf;
}

/* Whether the space-separated list holds word. */
static int has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return 1;
	return 0;
}

size_t keys_help_lines(const char *const **lines)
{
	static char text[ACT_COUNT][96];
	static const char *ptrs[ACT_COUNT + 1];
	size_t count = 0;
	for (int a = 1; a < ACT_COUNT; a++) {
		char keys[48] = "";
		size_t used = 0;
		for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
			if (table[i].act != (Action)a)
				continue;
			char kn[16];
			keys_key_name(table[i].key, kn, sizeof(kn));
			if (has_word(keys, kn))
				continue; /* Enter: three codes, one name */
			int w = snprintf(keys + used, sizeof(keys) - used,
					 "%s%s", used ? " " : "", kn);
			if (w > 0 && used + (size_t)w < sizeof(keys))
				used += (size_t)w;
		}
		snprintf(text[count], sizeof(text[count]), "%-7s %s", keys,
			 helps[a]);
		ptrs[count] = text[count];
		count++;
	}
	snprintf(text[count], sizeof(text[count]), "%-7s %s", "mouse",
		 "click: cursor, drag: select");
	ptrs[count] = text[count];
	count++;
	*lines = ptrs;
	return count;
}

/* Text for troff: a leading . or ' escaped, - and \\ escaped. */
static void man_text(FILE *f, const char *t)
{
	if (*t == '.' || *t == '\'')
		fputs("\\&", f);
	for (; *t; t++) {
		if (*t == '-')
			fputs("\\-", f);
		else if (*t == '\\')
			fputs("\\e", f);
		else
			fputc(*t, f);
	}
}

void keys_man_write(FILE *f)
{
	fputs(".SH KEYS\n"
	      "In the dashboard (the same list as its\n"
	      ".B ?\n"
	      "help screen). Edge mode (after\n"
	      ".BR e )\n"
	      "takes h/l, H/L, Enter and Esc; the alerts view (after\n"
	      ".BR A )\n"
	      "takes j/k, H/L, g/G, S, Enter and Esc.\n",
	      f);
	for (int a = 1; a < ACT_COUNT; a++) {
		char keys[64] = "";
		size_t used = 0;
		for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
			if (table[i].act != (Action)a)
				continue;
			char kn[16];
			keys_key_name(table[i].key, kn, sizeof(kn));
			if (has_word(keys, kn))
				continue;
			int w = snprintf(keys + used, sizeof(keys) - used,
					 "%s%s", used ? " " : "", kn);
			if (w > 0 && used + (size_t)w < sizeof(keys))
				used += (size_t)w;
		}
		fputs(".TP\n.B ", f);
		man_text(f, keys);
		fputc('\n', f);
		man_text(f, helps[a]);
		fputc('\n', f);
	}
	fputs(".TP\n.B mouse\nclick: cursor, drag: select\n", f);
}
