/* vigil info: placeholder until its issue lands. */
#include <stdio.h>

#include "ui/commands.h"

int cmd_info(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "vigil: 'info' is not built yet\n");
	return 3;
}
