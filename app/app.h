/* What every subcommand gets: the global options and the board catalog,
 * loaded on first use. */
#ifndef RS_APP_APP_H
#define RS_APP_APP_H

#include <stdbool.h>

#include "core/catalog.h"
#include "platform/instance_lock.h"

/* Exit codes shared by every subcommand. */
enum { RS_EXIT_OK = 0, RS_EXIT_FAIL = 1, RS_EXIT_USAGE = 2, RS_EXIT_BUSY = 3 };

struct rs_app {
	const char *argv0;
	const char *boards_dir; /* --boards-dir, or NULL for the default search */
	struct rs_catalog catalog;
	bool catalog_loaded;
	struct rs_lock lock; /* rs_app_lock's; released when the command ends */
};

/* Loads the catalog once. Returns NULL (after printing why) when no board
 * directory could be found at all; rejected files are in catalog->errors. */
const struct rs_catalog *rs_app_catalog(struct rs_app *app);
/* The board with this id, or NULL after printing "unknown board" with the
 * closest matches. Callers exit RS_EXIT_USAGE then. */
const struct rs_board *rs_app_board(struct rs_app *app, const char *id);
/* Prints every rejected board file to stderr as file:line:col: message. */
void rs_app_report_rejected(const struct rs_catalog *cat);

/* Takes the one-instance lock (app/app_lock.c): resource NULL for the
 * wizard, "sdcard" or "build-<id>" for commands that write; command is what
 * the lock records. Returns RS_EXIT_OK, or the exit code after saying who
 * holds it (RS_EXIT_BUSY) or why it could not be taken. */
int rs_app_lock(struct rs_app *app, const char *resource, const char *command);

#endif
