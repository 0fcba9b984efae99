#include "tui/progress.h"

#include <stdio.h>

#include "tui/tui.h"

void rs_progress_draw(WINDOW *w, int y, int x, int width, unsigned done, unsigned total)
{
	if (done > total)
		done = total;
	char tail[32];
	unsigned pct = total ? (unsigned)((done * 100ull) / total) : 0;
	int tl = snprintf(tail, sizeof(tail), "  %u/%u  %3u %%", done, total, pct);
	int bar = width - tl - 2;
	if (bar < 4) {
		rs_tui_put(w, y, x, width, tail + 2);
		return;
	}
	int filled = total ? (int)(((unsigned long long)done * (unsigned)bar) / total) : 0;
	wmove(w, y, x);
	waddch(w, '[');
	wattron(w, rs_tui_style(RS_STYLE_OK));
	for (int i = 0; i < bar; i++)
		waddch(w, i < filled ? '#' : '-');
	wattroff(w, rs_tui_style(RS_STYLE_OK));
	waddch(w, ']');
	waddstr(w, tail);
}
