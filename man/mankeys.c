/* Writes the man page: man/vigil.1 from stdin to stdout, with the line
 * `.\" @KEYS@` replaced by the KEYS section generated from the dashboard's
 * key table (ui/dash/keys.h), so the page lists exactly what `?` shows, and
 * the line `.\" @OPTIONS@` by every command's --help text as the binary
 * given as the first argument prints it, so the options cannot go stale
 * either. Run by the Makefile; installed pages come from its output. */
#include <stdio.h>
#include <string.h>

#include "ui/dash/keys.h"

/* The commands whose --help goes into OPTIONS; "./" makes the dashboard
 * print its own (a DATASET before --help). */
static const struct {
	const char *title;
	const char *args;
} commands[] = {
	{"vigil [DATASET]", "./"}, {"vigil info", "info"},
	{"vigil train", "train"},  {"vigil detect", "detect"},
	{"vigil score", "score"},  {"vigil labels", "labels"},
	{"vigil synth", "synth"},  {"vigil nab", "nab"},
	{"vigil cache", "cache"},  {"vigil watch", "watch"},
};

/* One line of text for troff inside .nf: backslashes escaped, a leading
 * dot or quote made literal. */
static void man_line(const char *line)
{
	if (*line == '.' || *line == '\'')
		fputs("\\&", stdout);
	for (const char *p = line; *p; p++) {
		if (*p == '\\')
			fputs("\\e", stdout);
		else
			fputc(*p, stdout);
	}
}

/* The OPTIONS section: each command's --help, verbatim. 0 or -1. */
static int write_options(const char *vigil)
{
	fputs(".SH OPTIONS\n"
	      "Each command's\n"
	      ".B \\-\\-help\n"
	      "text, as the binary prints it.\n",
	      stdout);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		char cmd[4200];
		snprintf(cmd, sizeof(cmd), "'%s' %s --help", vigil,
			 commands[i].args);
		FILE *p = popen(cmd, "r");
		if (!p)
			return -1;
		printf(".SS \"%s\"\n.nf\n", commands[i].title);
		char line[4096];
		size_t lines = 0;
		while (fgets(line, sizeof(line), p)) {
			man_line(line);
			lines++;
		}
		puts(".fi");
		if (pclose(p) != 0 || lines == 0) {
			fprintf(stderr, "mankeys: %s gave no help\n", cmd);
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fputs("usage: mankeys VIGIL < vigil.1.in > vigil.1\n", stderr);
		return 1;
	}
	char line[4096];
	int keys = 0, options = 0;
	while (fgets(line, sizeof(line), stdin)) {
		if (!strcmp(line, ".\\\" @KEYS@\n")) {
			keys_man_write(stdout);
			keys = 1;
		} else if (!strcmp(line, ".\\\" @OPTIONS@\n")) {
			if (write_options(argv[1]))
				return 1;
			options = 1;
		} else {
			fputs(line, stdout);
		}
	}
	if (!keys || !options) {
		fputs("mankeys: no @KEYS@ or @OPTIONS@ line in the page\n",
		      stderr);
		return 1;
	}
	return ferror(stdout) || fflush(stdout) ? 1 : 0;
}
