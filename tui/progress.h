/* A progress bar: "[#####-----]  31/56  55 %". */
#ifndef RS_TUI_PROGRESS_H
#define RS_TUI_PROGRESS_H

#include <curses.h>

/* Draws within width columns at y,x; total 0 draws an empty bar. */
void rs_progress_draw(WINDOW *w, int y, int x, int width, unsigned done, unsigned total);

#endif
