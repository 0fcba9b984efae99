/* The parts the SD card screen draws: the firmware it writes, a message
 * and, after a write, what was done and the board's steps. Internal to
 * screens/. */
#ifndef RS_SCREENS_SDCARD_DRAW_H
#define RS_SCREENS_SDCARD_DRAW_H

#include <curses.h>
#include <stdbool.h>

#include "core/fwinfo.h"
#include "screens/sdcard_actions.h"
#include "tui/tui.h"

/* From row y: the file, its directory and, when usable, what it was built
 * for. Returns the next free row. */
int rs_sd_draw_firmware(WINDOW *w, int y, int cols, const char *fw_path,
			const struct rs_fwinfo *fw, bool usable);
/* msg in style from row y, at most max rows; returns the row after it and
 * one blank row (y when nothing was drawn). */
int rs_sd_draw_msg(WINDOW *w, int y, int cols, int max, const char *msg, enum rs_style style);
/* From row y: why the card was not written (or where the write stopped,
 * and the card's state), the hint, and what to do here. */
void rs_sd_draw_failed(WINDOW *w, int y, int rows, int cols, const char *msg, const char *hint);
/* From row y to the bottom of a rows-high window: the verified line, what
 * was done, msg, then the steps, scrolled by top lines. */
void rs_sd_draw_written(WINDOW *w, int y, int rows, int cols, const struct rs_sd_written *r,
			const char *msg, enum rs_style style, int top);

#endif
