#include "tui/progress.h"

#include <stdio.h>

#include "tui/tui.h"

void rs_progress_draw(WINDOW *w, int y, int x, int width, unsigned done, unsigned total)
{
	rs_progress_draw_unit(w, y, x, width, done, total, NULL);
}

void rs_progress_draw_unit(WINDOW *w, int y, int x, int width, unsigned done, unsigned total,
			   const char *unit)
{
	if (done > total)
		done = total;
	char tail[64];
	unsigned pct = total ? (unsigned)((done * 100ull) / total) : 0;
	/* done padded to total's width: the bar keeps its length as it fills. */
	int digits = 1;
	for (unsigned t = total; t >= 10; t /= 10)
		digits++;
	int tl = snprintf(tail, sizeof(tail), "  %*u/%u%s%.20s  %3u %%", digits, done, total,
			  unit ? " " : "", unit ? unit : "", pct);
	if (tl >= (int)sizeof(tail))
		tl = (int)sizeof(tail) - 1;
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
