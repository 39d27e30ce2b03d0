/* vigil labels: placeholder until its issue lands. */
#include <stdio.h>

#include "ui/commands.h"

int cmd_labels(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "vigil: 'labels' is not built yet\n");
	return 3;
}
