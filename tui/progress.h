/* A progress bar: "[#####-----]  31/56  55 %". Drawn with the same cells
 * every time, so a refresh sends only the cells that moved. */
#ifndef RS_TUI_PROGRESS_H
#define RS_TUI_PROGRESS_H

#include <curses.h>

/* Draws within width columns at y,x; total 0 draws an empty bar. */
void rs_progress_draw(WINDOW *w, int y, int x, int width, unsigned done, unsigned total);
/* The same with a unit after the count: "31/56 objects  55 %" (unit NULL:
 * none). */
void rs_progress_draw_unit(WINDOW *w, int y, int x, int width, unsigned done, unsigned total,
			   const char *unit);

#endif
