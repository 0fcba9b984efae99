#include "tui/overlay.h"

#include <stdio.h>
#include <stdlib.h>

#include "tui/tui.h"

void rs_overlay_open_help(struct rs_overlay *o, const char *title, char *text)
{
	free(o->help_text);
	o->help_text = text;
	o->help_pager.top = 0;
	snprintf(o->help_title, sizeof(o->help_title), "Help: %s", title);
	o->kind = RS_OVERLAY_HELP;
}

void rs_overlay_open_quit(struct rs_overlay *o)
{
	o->quit = (struct rs_dialog){
		.title = "Quit ratos-setup?",
		.text = "Your choices up to this step are saved; run ratos-setup again to "
			"resume where you left off.",
		.no_label = "No, stay",
		.yes_label = "Yes, quit",
		.yes_selected = false,
	};
	o->kind = RS_OVERLAY_QUIT;
}

void rs_overlay_open_qr(struct rs_overlay *o, const char *what, const char *url)
{
	rs_qr_view_open(&o->qr, what, url);
	o->kind = RS_OVERLAY_QR;
}

static void help_geometry(int rows, int cols, int *y, int *x, int *h, int *w)
{
	*w = cols - 8 < 72 ? cols - 8 : 72;
	*h = rows - 4;
	*y = 2;
	*x = (cols - *w) / 2;
}

static void draw_help(struct rs_overlay *o, int rows, int cols)
{
	int y, x, h, w;
	help_geometry(rows, cols, &y, &x, &h, &w);
	WINDOW *win = newwin(h, w, y, x);
	if (!win)
		return;
	rs_box_draw(win, 0, 0, h, w, o->help_title);
	rs_text_draw(win, 1, 2, w - 4, h - 2, o->help_pager.top, o->help_text);
	wnoutrefresh(win);
	delwin(win);
}

void rs_overlay_draw(struct rs_overlay *o, int rows, int cols)
{
	if (o->kind == RS_OVERLAY_HELP)
		draw_help(o, rows, cols);
	else if (o->kind == RS_OVERLAY_QUIT)
		rs_dialog_draw(&o->quit, rows, cols);
	else if (o->kind == RS_OVERLAY_QR)
		rs_qr_view_draw(&o->qr, rows, cols);
}

/* The help pager takes the movement requests, anything else closes it;
 * the quit question takes its answers and swallows the rest. ch: the
 * key's character, or 0. */
enum rs_overlay_result rs_overlay_key(struct rs_overlay *o, int rows, int cols,
				      const enum rs_request *reqs, size_t n, int ch)
{
	if (o->kind == RS_OVERLAY_QR) { /* any key closes it */
		rs_qr_view_close(&o->qr);
		o->kind = RS_OVERLAY_NONE;
		return RS_OVERLAY_KEPT;
	}
	if (o->kind == RS_OVERLAY_HELP) {
		int y, x, h, w;
		help_geometry(rows, cols, &y, &x, &h, &w);
		int total = rs_text_lines(o->help_text, w - 4);
		/* Space pages on, as in a pager. */
		if (ch == ' ' && rs_pager_key(&o->help_pager, RS_REQ_PAGE_DOWN, total, h - 2))
			return RS_OVERLAY_KEPT;
		for (size_t i = 0; i < n; i++)
			if (rs_pager_key(&o->help_pager, reqs[i], total, h - 2))
				return RS_OVERLAY_KEPT;
		o->kind = RS_OVERLAY_NONE;
		return RS_OVERLAY_KEPT;
	}
	enum rs_dialog_result r = RS_DIALOG_IGNORED;
	for (size_t i = 0; i < n && r == RS_DIALOG_IGNORED; i++)
		r = rs_dialog_key(&o->quit, reqs[i]);
	if (r == RS_DIALOG_NO)
		o->kind = RS_OVERLAY_NONE;
	else if (r == RS_DIALOG_YES) {
		o->kind = RS_OVERLAY_NONE;
		return RS_OVERLAY_QUIT_YES;
	}
	return RS_OVERLAY_KEPT;
}

void rs_overlay_free(struct rs_overlay *o)
{
	free(o->help_text);
	o->help_text = NULL;
	rs_qr_view_close(&o->qr);
}
