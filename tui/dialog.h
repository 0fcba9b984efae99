/* A centred yes/no box. The default answer is the caller's choice; for
 * anything destructive (and for quitting) it is No. */
#ifndef RS_TUI_DIALOG_H
#define RS_TUI_DIALOG_H

#include <curses.h>
#include <stdbool.h>

#include "tui/keymap.h"

/* IGNORED: the request means nothing to the dialog (it stays open). */
enum rs_dialog_result { RS_DIALOG_OPEN, RS_DIALOG_NO, RS_DIALOG_YES, RS_DIALOG_IGNORED };

struct rs_dialog {
	const char *title;
	const char *text;
	const char *no_label;  /* default "No" */
	const char *yes_label; /* default "Yes" */
	bool yes_selected;
};

/* Draws in its own window, centred, clipped to the terminal; call after
 * the screen below was wnoutrefresh'ed and before doupdate. */
void rs_dialog_draw(const struct rs_dialog *d, int rows, int cols);
/* Draws inside w, for a screen that asks from its own draw(): centred
 * across, from row top down (moved up as far as needed to fit; top < 0
 * centres it). */
void rs_dialog_draw_in(const struct rs_dialog *d, WINDOW *w, int top);
/* Left/Right/Tab move, Enter takes the selected button, y/n answer directly,
 * Esc is No. */
enum rs_dialog_result rs_dialog_key(struct rs_dialog *d, enum rs_request req);

/* A box with a title (also used by the help overlay). */
void rs_box_draw(WINDOW *w, int y, int x, int h, int wd, const char *title);

#endif
