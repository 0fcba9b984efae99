/* A scrolling list with a cursor. Some rows may be headings that the cursor
 * skips (e.g. manufacturer names). The owner draws the rows. */
#ifndef RS_TUI_LIST_H
#define RS_TUI_LIST_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "tui/keymap.h"

struct rs_list {
	size_t count;
	size_t sel;
	size_t top;
	int height; /* rows on screen, set by the owner's layout */
	bool (*selectable)(void *data, size_t i); /* NULL: every row */
	void *data;
};

/* Up/Down/PgUp/PgDn/Home/End. True when the key was a movement key. */
bool rs_list_key(struct rs_list *l, enum rs_request req);
/* Puts the cursor on the first selectable row at or after i. */
void rs_list_select(struct rs_list *l, size_t i);
/* Keeps the cursor visible and valid after count or height changed. */
void rs_list_fix(struct rs_list *l);
/* Calls row() for every visible row; y is relative to y0. */
void rs_list_draw(const struct rs_list *l, WINDOW *w, int y0,
		  void (*row)(void *data, size_t i, WINDOW *w, int y, bool selected));

#endif
