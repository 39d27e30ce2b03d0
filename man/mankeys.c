/* Writes the man page: man/vigil.1 from stdin to stdout, with the line
 * `.\" @KEYS@` replaced by the KEYS section generated from the dashboard's
 * key table (ui/dash/keys.h), so the page lists exactly what `?` shows.
 * Run by the Makefile; installed pages come from its output. */
#include <stdio.h>
#include <string.h>

#include "ui/dash/keys.h"

int main(void)
{
	char line[4096];
	int found = 0;
	while (fgets(line, sizeof(line), stdin)) {
		if (!strcmp(line, ".\\\" @KEYS@\n")) {
			keys_man_write(stdout);
			found = 1;
		} else {
			fputs(line, stdout);
		}
	}
	if (!found) {
		fputs("mankeys: no @KEYS@ line in the page\n", stderr);
		return 1;
	}
	return ferror(stdout) || fflush(stdout) ? 1 : 0;
}
