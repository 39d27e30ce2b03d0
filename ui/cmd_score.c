/* vigil score: placeholder until its issue lands. */
#include <stdio.h>

#include "ui/commands.h"

int cmd_score(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "vigil: 'score' is not built yet\n");
	return 3;
}
