/* The default command: the interactive wizard. */
#include <stdio.h>
#include <string.h>

#include "app/commands.h"
#include "app/first_boot.h"
#include "screens/screens.h"

int rs_cmd_wizard(struct rs_app *app, int argc, char **argv)
{
	struct rs_wizard_options opts = { 0 };
	bool first_boot = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--reset") == 0) {
			opts.reset = true;
		} else if (strcmp(argv[i], "--first-boot") == 0) {
			first_boot = true;
		} else if (strcmp(argv[i], "--klipper") == 0) {
			if (i + 1 >= argc || !argv[i + 1][0]) {
				fprintf(stderr, "ratos-setup: --klipper needs a directory\n");
				return RS_EXIT_USAGE;
			}
			opts.klipper_dir = argv[++i];
		} else if (strncmp(argv[i], "--klipper=", 10) == 0 && argv[i][10]) {
			opts.klipper_dir = argv[i] + 10;
		} else {
			fprintf(stderr, "ratos-setup: unknown option '%s' (see ratos-setup --help)\n",
				argv[i]);
			return RS_EXIT_USAGE;
		}
	}
	const struct rs_catalog *cat = rs_app_catalog(app);
	if (!cat)
		return RS_EXIT_FAIL;
	if (cat->board_count == 0) {
		rs_app_report_rejected(cat);
		fprintf(stderr, "ratos-setup: no usable board files; nothing to choose from.\n");
		return RS_EXIT_FAIL;
	}
	opts.catalog = cat;
	opts.boards_dir = app->boards_dir;
	opts.version = RS_VERSION;
	if (first_boot)
		return rs_first_boot_run(app, &opts);
	int rc = rs_app_lock(app, NULL, "wizard");
	if (rc != RS_EXIT_OK)
		return rc;
	opts.lock_fd = app->lock.main_fd;
	return rs_wizard_run(&opts);
}
