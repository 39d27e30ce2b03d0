/* vigil dashboard: placeholder until its issue lands. */
#include <stdio.h>

#include "ui/commands.h"

int cmd_dashboard(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "vigil: 'dashboard' is not built yet\n");
	return 3;
}
