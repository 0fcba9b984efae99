/* ratos-setup config ID: the Klipper config fragment the build uses. */
#include <stdio.h>

#include "app/commands.h"
#include "core/kconfig.h"

int rs_cmd_config(struct rs_app *app, int argc, char **argv)
{
	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: ratos-setup config ID\n");
		return RS_EXIT_USAGE;
	}
	const struct rs_board *b = rs_app_board(app, argv[1]);
	if (!b)
		return RS_EXIT_USAGE;
	struct rs_strv lines = { 0 };
	rs_kconfig_fragment(b, &lines);
	for (size_t i = 0; i < lines.count; i++)
		printf("%s\n", lines.items[i]);
	rs_strv_free(&lines);
	return RS_EXIT_OK;
}
