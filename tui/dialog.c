#include "tui/dialog.h"

#include "tui/text.h"
#include "tui/tui.h"

void rs_box_draw(WINDOW *w, int y, int x, int h, int wd, const char *title)
{
	for (int r = 0; r < h; r++)
		mvwhline(w, y + r, x, ' ', wd);
	mvwaddch(w, y, x, ACS_ULCORNER);
	mvwhline(w, y, x + 1, ACS_HLINE, wd - 2);
	mvwaddch(w, y, x + wd - 1, ACS_URCORNER);
	for (int r = 1; r < h - 1; r++) {
		mvwaddch(w, y + r, x, ACS_VLINE);
		mvwaddch(w, y + r, x + wd - 1, ACS_VLINE);
	}
	mvwaddch(w, y + h - 1, x, ACS_LLCORNER);
	mvwhline(w, y + h - 1, x + 1, ACS_HLINE, wd - 2);
	mvwaddch(w, y + h - 1, x + wd - 1, ACS_LRCORNER);
	if (title && *title) {
		wattron(w, rs_tui_style(RS_STYLE_TITLE));
		mvwaddch(w, y, x + 2, ' ');
		rs_tui_put(w, y, x + 3, wd - 6, title);
		waddch(w, ' ');
		wattroff(w, rs_tui_style(RS_STYLE_TITLE));
	}
}

static void geometry(const struct rs_dialog *d, int rows, int cols, int *h, int *wd)
{
	*wd = cols - 4 < 64 ? cols - 4 : 64;
	if (*wd < 24)
		*wd = cols;
	*h = rs_text_lines(d->text, *wd - 4) + 4;
	if (*h > rows)
		*h = rows;
}

/* The box at y,x of w, h x wd. */
static void draw_at(const struct rs_dialog *d, WINDOW *w, int y, int x, int h, int wd)
{
	rs_box_draw(w, y, x, h, wd, d->title);
	rs_text_draw(w, y + 1, x + 2, wd - 4, h - 3, 0, d->text);
	const char *no = d->no_label ? d->no_label : "No";
	const char *yes = d->yes_label ? d->yes_label : "Yes";
	int bx = wd - 2 - (rs_tui_width(no) + rs_tui_width(yes) + 11);
	if (bx < 1)
		bx = 1;
	attr_t sel = rs_tui_style(RS_STYLE_SELECTED);
	wmove(w, y + h - 2, x + bx);
	if (!d->yes_selected)
		wattron(w, sel);
	wprintw(w, "[ %s ]", no);
	wattroff(w, sel);
	waddstr(w, "   ");
	if (d->yes_selected)
		wattron(w, sel);
	wprintw(w, "[ %s ]", yes);
	wattroff(w, sel);
}

void rs_dialog_draw(const struct rs_dialog *d, int rows, int cols)
{
	int h, wd;
	geometry(d, rows, cols, &h, &wd);
	/* Its own window, so the screen below keeps its cells around the box. */
	WINDOW *w = newwin(h, wd, (rows - h) / 2, (cols - wd) / 2);
	if (!w)
		return;
	draw_at(d, w, 0, 0, h, wd);
	wnoutrefresh(w);
	delwin(w);
}

void rs_dialog_draw_in(const struct rs_dialog *d, WINDOW *w, int top)
{
	int rows, cols, h, wd;
	getmaxyx(w, rows, cols);
	geometry(d, rows, cols, &h, &wd);
	int y = top < 0 ? (rows - h) / 2 : top;
	if (y + h > rows)
		y = rows - h;
	draw_at(d, w, y > 0 ? y : 0, (cols - wd) / 2, h, wd);
}

enum rs_dialog_result rs_dialog_key(struct rs_dialog *d, enum rs_request req)
{
	switch (req) {
	case RS_REQ_LEFT: case RS_REQ_RIGHT: case RS_REQ_SWITCH:
		d->yes_selected = !d->yes_selected;
		return RS_DIALOG_OPEN;
	case RS_REQ_ACCEPT:
		return d->yes_selected ? RS_DIALOG_YES : RS_DIALOG_NO;
	case RS_REQ_YES:
		return RS_DIALOG_YES;
	case RS_REQ_NO: case RS_REQ_CANCEL:
		return RS_DIALOG_NO;
	default:
		return RS_DIALOG_IGNORED;
	}
}
