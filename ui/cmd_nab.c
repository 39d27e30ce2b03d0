/* vigil nab: placeholder until its issue lands. */
#include <stdio.h>

#include "ui/commands.h"

int cmd_nab(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "vigil: 'nab' is not built yet\n");
	return 3;
}
