/* ratos-setup (no command): the interactive wizard. */
#include <stdio.h>

#include "app/commands.h"

int rs_cmd_wizard(struct rs_app *app, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		fprintf(stderr, "ratos-setup: unknown option '%s' (see ratos-setup --help)\n", argv[i]);
		return RS_EXIT_USAGE;
	}
	const struct rs_catalog *cat = rs_app_catalog(app);
	if (!cat)
		return RS_EXIT_FAIL;
	printf("ratos-setup: %zu boards loaded. The interactive wizard is not available in this "
	       "build yet; see ratos-setup --help for the commands.\n",
	       cat->board_count);
	return RS_EXIT_OK;
}
