/* The last lines of a program's output in a box: a ring of lines kept in
 * memory (the full output belongs in a file) that follows the newest line
 * until the reader scrolls back. */
#ifndef RS_TUI_LOGVIEW_H
#define RS_TUI_LOGVIEW_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "tui/keymap.h"

#define RS_LOGVIEW_LINES 400

struct rs_logview {
	char *lines[RS_LOGVIEW_LINES];
	size_t next;        /* ring position of the next line */
	unsigned long seq;  /* lines added since the last clear */
	int back;           /* lines scrolled back from the newest; 0 follows */
};

/* Adds a line (taking ownership of the malloc'ed string). */
void rs_logview_push(struct rs_logview *v, char *line);
void rs_logview_clear(struct rs_logview *v);
size_t rs_logview_count(const struct rs_logview *v);
/* Up/Down/PgUp/PgDn/Home/End for a view that shows height lines; true when
 * the request scrolled. */
bool rs_logview_key(struct rs_logview *v, enum rs_request req, int height);
/* A box of h x wd at y,x with the lines that fit, newest at the bottom. */
void rs_logview_draw(const struct rs_logview *v, WINDOW *w, int y, int x, int h, int wd);

#endif
