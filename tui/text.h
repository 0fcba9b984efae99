/* Wrapped text and a scrolling pager. Text is UTF-8 with '\n' as paragraph
 * breaks; lines wrap at spaces by display width. */
#ifndef RS_TUI_TEXT_H
#define RS_TUI_TEXT_H

#include <curses.h>
#include <stdbool.h>

#include "tui/keymap.h"

/* Calls emit for every wrapped line (without the newline); returns the
 * number of lines. */
int rs_text_wrap(const char *s, int width, void (*emit)(void *data, const char *line, int len),
		 void *data);
int rs_text_lines(const char *s, int width);
/* Draws s wrapped into width columns starting at y,x; lines beyond max_lines
 * are skipped (first skip lines are skipped too). Returns the lines drawn. */
int rs_text_draw(WINDOW *w, int y, int x, int width, int max_lines, int skip, const char *s);
/* Draws "label url" at y,x: on one line when it fits in width, else the label
 * and then the URL whole on the next line. A URL is never broken or cut: one
 * wider than width (or without room for its line) is left out, since half a
 * link cannot be typed back. Returns the lines drawn. */
int rs_text_draw_link(WINDOW *w, int y, int x, int width, int max_lines, const char *label,
		      const char *url);

struct rs_pager {
	int top; /* first line shown */
};

/* Up/Down/PgUp/PgDn/Home/End/j/k; true when the key scrolled. */
bool rs_pager_key(struct rs_pager *p, enum rs_request req, int total_lines, int height);

#endif
