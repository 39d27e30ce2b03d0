/* vigil train: placeholder until its issue lands. */
#include <stdio.h>

#include "ui/commands.h"

int cmd_train(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "vigil: 'train' is not built yet\n");
	return 3;
}
