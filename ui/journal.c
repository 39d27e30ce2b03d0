/* The edit journal for crash recovery (see journal.h): an append-only text
 * file, flushed after every edit, replayed on request at the next start. */
#include "ui/journal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static FILE *journal_file;

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

static void mkdirs(const char *dir)
{
	char buf[1024];
	snprintf(buf, sizeof(buf), "%s", dir);
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(buf, 0700);
			*p = '/';
		}
	mkdir(buf, 0700);
}

/* Count unsaved edits: events after the last "saved", with undo/redo. */
static long count_unsaved(FILE *f)
{
	char line[256];
	long n = 0;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "saved", 5))
			n = 0;
		else if (!strncmp(line, "mark ", 5) ||
			 !strncmp(line, "unmark ", 7) ||
			 !strncmp(line, "undo", 4) || !strncmp(line, "redo", 4))
			n++;
	}
	return n;
}

long journal_prepare(App *a, const char *key)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	char dir[900];
	if (xdg && *xdg)
		snprintf(dir, sizeof(dir), "%s/vigil", xdg);
	else
		snprintf(dir, sizeof(dir), "%s/.cache/vigil",
			 home && *home ? home : "/tmp");
	mkdirs(dir);
	snprintf(a->journal_path, sizeof(a->journal_path),
		 "%s/journal-%016llx.log", dir,
		 (unsigned long long)fnv1a(key));
	FILE *f = fopen(a->journal_path, "r");
	if (!f)
		return 0;
	long n = count_unsaved(f);
	fclose(f);
	return n;
}

long journal_replay(App *a)
{
	FILE *f = fopen(a->journal_path, "r");
	if (!f)
		return 0;
	/* Only the events after the last save: saved labels are already on
	 * disk, and the working copy starts from the original. Replaying
	 * everything from the start reproduces the state exactly. */
	char line[256];
	long n = 0;
	while (fgets(line, sizeof(line), f)) {
		char op[16], set[32];
		long long s, e;
		if (sscanf(line, "%15s %31s %lld %lld", op, set, &s, &e) == 4 &&
		    (!strcmp(op, "mark") || !strcmp(op, "unmark"))) {
			size_t m = set[0] == '*' ? UI_NODE
						 : (size_t)strtoul(set, NULL, 10);
			if (m != UI_NODE && m >= a->s.metrics)
				continue;
			if (!strcmp(op, "mark"))
				ui_labels_mark(&a->labels, m, s, e);
			else
				ui_labels_unmark(&a->labels, m, s, e);
			n++;
		} else if (!strncmp(line, "undo", 4)) {
			ui_labels_undo(&a->labels);
			n++;
		} else if (!strncmp(line, "redo", 4)) {
			ui_labels_redo(&a->labels);
			n++;
		} else if (!strncmp(line, "saved", 5)) {
			ui_labels_saved(&a->labels);
		}
	}
	fclose(f);
	return n;
}

void journal_start(App *a, int keep)
{
	if (journal_file)
		fclose(journal_file);
	journal_file = NULL;
	if (!a->journal_path[0])
		return;
	/* After a replay the old events stay: a second crash replays them
	 * all again from the original labels. */
	journal_file = fopen(a->journal_path, keep ? "a" : "w");
	if (journal_file && ftell(journal_file) == 0)
		fprintf(journal_file, "vigil-journal 1 %s\n",
			a->s.path ? a->s.path : "demo");
}

void journal_edit(App *a, const char *op, size_t set, int64_t start,
		  int64_t end)
{
	(void)a;
	if (!journal_file)
		return;
	if (!strcmp(op, "undo") || !strcmp(op, "redo"))
		fprintf(journal_file, "%s\n", op);
	else if (set == UI_NODE)
		fprintf(journal_file, "%s * %lld %lld\n", op, (long long)start,
			(long long)end);
	else
		fprintf(journal_file, "%s %zu %lld %lld\n", op, set,
			(long long)start, (long long)end);
}

void journal_flush(App *a)
{
	(void)a;
	if (journal_file)
		fflush(journal_file);
}

void journal_saved(App *a)
{
	(void)a;
	if (journal_file) {
		fprintf(journal_file, "saved\n");
		fflush(journal_file);
	}
}

void journal_remove(App *a)
{
	if (journal_file)
		fclose(journal_file);
	journal_file = NULL;
	if (a->journal_path[0] && unlink(a->journal_path) != 0 &&
	    errno != ENOENT)
		app_message(a, "cannot remove %s", a->journal_path);
}
