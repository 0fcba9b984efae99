/* The wizard: the ordered screens and the entry point app/ calls. */
#ifndef RS_SCREENS_SCREENS_H
#define RS_SCREENS_SCREENS_H

#include <stdbool.h>

#include "core/catalog.h"

struct rs_discovery;

struct rs_wizard_options {
	const struct rs_catalog *catalog;
	bool reset;               /* forget the saved state and start over */
	const char *preselect_id; /* board to put the cursor on (hardware discovery) */
	const char *connected_id; /* board marked "[connected]" in the list */
	const char *klipper_dir;  /* NULL: ~/klipper of the invoking user */
	/* What is plugged in. NULL: the wizard opens the udev discovery itself
	 * (with mountinfo as the mount table, NULL for the real one). */
	struct rs_discovery *discovery;
	const char *mountinfo;
	bool *finished; /* when set: true once Next on the last screen ended it */
	/* For the help report: --boards-dir (NULL: the default search) and
	 * ratos-setup's version. */
	const char *boards_dir, *version;
	/* ratos-setup.lock as the wizard holds it, or -1 (0: none either). */
	int lock_fd;
};

/* Runs the wizard on the terminal. Returns an exit code (0 done or quit,
 * 1 failure, 128+n after signal n); prints its own messages after the
 * terminal is restored. */
int rs_wizard_run(const struct rs_wizard_options *opts);

#endif
