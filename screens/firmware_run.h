/* A firmware build (platform/fwbuild.h) run inside the wizard's one poll
 * loop: the last log lines are kept for the view, and the screen hears once
 * the build has ended. Internal to screens/. */
#ifndef RS_SCREENS_FIRMWARE_RUN_H
#define RS_SCREENS_FIRMWARE_RUN_H

#include <stdbool.h>

#include "core/board.h"
#include "platform/fwbuild.h"
#include "tui/logview.h"

struct rs_fwrun {
	struct rs_fwbuild *fb;           /* NULL when none; on the wizard's loop while running */
	struct rs_logview log;           /* the last lines; the log file has them all */
	char log_pretty[512];            /* the log file as shown, or "" */
	char *outdir; /* "<work dir>/out/", cut from log lines for the view */
	void (*ended)(void *ctx);
	void *ctx;
};

/* Before a screen uses it: ended(ctx) is called once a build has finished
 * (it has left the loop then; ended may drop it and start another). */
void rs_fwrun_init(struct rs_fwrun *r, void (*ended)(void *ctx), void *ctx);
/* Starts a build of b (check_only: only whether the installed image is up
 * to date). ended may be called before this returns. */
void rs_fwrun_start(struct rs_fwrun *r, const struct rs_board *b, const char *klipper_dir,
		    bool check_only, bool force);
/* A build is there and has not finished. */
bool rs_fwrun_running(const struct rs_fwrun *r);
/* Lets a running build read what its child wrote now (the loop does it
 * too; this keeps a wake-up for a key from waiting for the next one). */
void rs_fwrun_pump(struct rs_fwrun *r);
void rs_fwrun_unregister(struct rs_fwrun *r);
/* Frees the build; a running one is cancelled: SIGTERM to make's process
 * group, SIGKILL after 2 s. */
void rs_fwrun_drop(struct rs_fwrun *r);
/* Drops the build and forgets its log lines and work directory. */
void rs_fwrun_free(struct rs_fwrun *r);

#endif
