#include "app/app.h"

#include <stdio.h>
#include <stdlib.h>

#include "platform/board_dir.h"
#include "platform/catalog_cache_file.h"

const struct rs_catalog *rs_app_catalog(struct rs_app *app)
{
	if (app->catalog_loaded)
		return &app->catalog;
	char *found = app->boards_dir ? NULL : rs_boards_dir_find();
	const char *dir = app->boards_dir ? app->boards_dir : found;
	if (!dir) {
		fprintf(stderr, "ratos-setup: no board data found; reinstall ratos-setup or "
				"pass --boards-dir DIR\n");
		return NULL;
	}
	if (!rs_catalog_load_dir_cached(dir, &app->catalog)) {
		fprintf(stderr, "ratos-setup: cannot read board directory %s\n", dir);
		rs_catalog_free(&app->catalog);
		free(found);
		return NULL;
	}
	free(found);
	app->catalog_loaded = true;
	return &app->catalog;
}

void rs_app_report_rejected(const struct rs_catalog *cat)
{
	char line[1024];
	for (size_t i = 0; i < cat->errors.count; i++)
		fprintf(stderr, "%s\n", rs_error_format(&cat->errors.items[i], line, sizeof(line)));
}

const struct rs_board *rs_app_board(struct rs_app *app, const char *id)
{
	const struct rs_catalog *cat = rs_app_catalog(app);
	if (!cat)
		return NULL;
	const struct rs_board *b = rs_catalog_find(cat, id);
	if (b)
		return b;
	const char *close[5];
	size_t n = rs_catalog_suggest(cat, id, close, 5);
	fprintf(stderr, "ratos-setup: unknown board '%s'.", id);
	if (n) {
		fprintf(stderr, " Did you mean:\n");
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, "  %s\n", close[i]);
	} else {
		fprintf(stderr, " 'ratos-setup boards' lists them all.\n");
	}
	return NULL;
}
