/* vigil synth: placeholder until its issue lands. */
#include <stdio.h>

#include "ui/commands.h"

int cmd_synth(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "vigil: 'synth' is not built yet\n");
	return 3;
}
