/* vigil detect: placeholder until its issue lands. */
#include <stdio.h>

#include "ui/commands.h"

int cmd_detect(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "vigil: 'detect' is not built yet\n");
	return 3;
}
