/* What the build screen draws of a build: the header (the Klipper tree and
 * its version, the target) and the progress part (step or bar, the current
 * file, the clock). The progress is a value, so the screen can tell a tick
 * that changes nothing visible and draw nothing. Internal to screens/. */
#ifndef RS_SCREENS_FIRMWARE_VIEW_H
#define RS_SCREENS_FIRMWARE_VIEW_H

#include <curses.h>
#include <stdbool.h>

#include "core/board.h"
#include "platform/fwbuild.h"
#include "screens/wizard.h"

struct rs_fwview {
	enum rs_fwbuild_step step;
	unsigned done, total;
	long elapsed, eta; /* whole seconds; eta -1 when not known */
	char current[256];
};

/* The progress of fb now. */
void rs_fwview_get(struct rs_fwview *v, const struct rs_fwbuild *fb);
bool rs_fwview_same(const struct rs_fwview *a, const struct rs_fwview *b);
/* Rows 0 and 1: the tree of fb (NULL: the one the wizard found) and b's target. */
void rs_fwview_draw_header(WINDOW *w, int cols, const struct rs_wizard *wz,
			   const struct rs_fwbuild *fb, const struct rs_board *b);
/* Rows 3 and 4. */
void rs_fwview_draw_progress(WINDOW *w, int cols, const struct rs_fwview *v);

#endif
