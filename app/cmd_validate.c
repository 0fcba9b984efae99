/* ratos-setup validate [PATH...]: every error as file:line:col: message. */
#include <stdio.h>

#include "app/commands.h"
#include "platform/board_dir.h"

int rs_cmd_validate(struct rs_app *app, int argc, char **argv)
{
	struct rs_errors errs = { 0 };
	unsigned files = 0;
	if (argc < 2) {
		const struct rs_catalog *cat = rs_app_catalog(app);
		if (!cat)
			return RS_EXIT_FAIL;
		rs_app_report_rejected(cat);
		printf("%s: %zu boards, %zu files rejected\n", cat->dir, cat->board_count,
		       cat->errors.count);
		return cat->errors.count ? RS_EXIT_FAIL : RS_EXIT_OK;
	}
	for (int i = 1; i < argc; i++)
		files += rs_validate_path(argv[i], &errs);

	char line[1024];
	for (size_t i = 0; i < errs.count; i++)
		printf("%s\n", rs_error_format(&errs.items[i], line, sizeof(line)));
	int rc = errs.count ? RS_EXIT_FAIL : RS_EXIT_OK;
	fprintf(stderr, "%u file%s checked, %zu error%s\n", files, files == 1 ? "" : "s",
		errs.count, errs.count == 1 ? "" : "s");
	rs_errors_clear(&errs);
	return rc;
}
