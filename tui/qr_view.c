#include "tui/qr_view.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "platform/qrcode.h"
#include "tui/dialog.h"
#include "tui/text.h"
#include "tui/tui.h"

enum rs_qr_style rs_qr_view_style(void)
{
	/* The Linux console and vt100-type terminals may lack the block glyphs
	 * in their font; '#' is in every font. */
	const char *term = getenv("TERM");
	bool plain_term = term && (strncmp(term, "linux", 5) == 0 ||
				   (term[0] == 'v' && term[1] == 't' && isdigit((unsigned char)term[2])));
	return rs_tui_utf8() && !plain_term ? RS_QR_HALF_BLOCKS : RS_QR_ASCII;
}

void rs_qr_view_open(struct rs_qr_view *v, const char *title, const char *url)
{
	rs_qr_view_close(v);
	v->title = rs_xstrdup(title);
	v->url = rs_xstrdup(url);
	if (!rs_qrcode_encode(url, &v->qr, &v->why))
		v->qr.size = 0;
}

void rs_qr_view_close(struct rs_qr_view *v)
{
	free(v->title);
	free(v->url);
	free(v->why);
	rs_qr_free(&v->qr);
	*v = (struct rs_qr_view){ 0 };
}

bool rs_qr_view_is_open(const struct rs_qr_view *v)
{
	return v->url != NULL;
}

/* The box for what is shown instead of the code: the reason, then the link
 * whole (never broken, so it can be typed). */
static void draw_reason(const struct rs_qr_view *v, int rows, int cols, const char *reason)
{
	int wd = cols - 4 < 72 ? cols - 4 : 72;
	int lines = rs_text_lines(reason, wd - 4);
	int url_w = rs_tui_width(v->url);
	bool url_fits = url_w <= wd - 4; /* else left out: half a link is no use */
	int h = lines + (url_fits ? 4 : 2);
	if (h > rows)
		h = rows;
	WINDOW *w = newwin(h, wd, (rows - h) / 2, (cols - wd) / 2);
	if (!w)
		return;
	char title[160];
	snprintf(title, sizeof(title), "QR code: %s", v->title);
	rs_box_draw(w, 0, 0, h, wd, title);
	int y = 1 + rs_text_draw(w, 1, 2, wd - 4, h - 2, 0, reason) + 1;
	if (url_fits && y < h - 1)
		rs_tui_put(w, y, 2, wd - 4, v->url);
	mvwaddstr(w, h - 1, 2, " Esc close ");
	wnoutrefresh(w);
	delwin(w);
}

void rs_qr_view_draw(const struct rs_qr_view *v, int rows, int cols)
{
	if (!v->qr.size) {
		draw_reason(v, rows, cols, v->why ? v->why : "No QR code.");
		return;
	}
	enum rs_qr_style style = rs_qr_view_style();
	int code_rows, code_cols;
	rs_qr_text_size(&v->qr, style, &code_rows, &code_cols);
	/* Border, code (its quiet zone included), the link, border. */
	int h = code_rows + 3, wd = code_cols + 4;
	if (h > rows || wd > cols) {
		char reason[320];
		snprintf(reason, sizeof(reason),
			 "The QR code does not fit: it needs %dx%d characters%s, this terminal "
			 "has %dx%d. Enlarge the window or choose a smaller console font, or "
			 "type the link:",
			 wd, h, style == RS_QR_ASCII ? " in plain ASCII" : "", cols, rows);
		draw_reason(v, rows, cols, reason);
		return;
	}
	int url_w = rs_tui_width(v->url);
	if (url_w + 4 > wd && url_w + 4 <= cols)
		wd = url_w + 4;
	WINDOW *w = newwin(h, wd, (rows - h) / 2, (cols - wd) / 2);
	if (!w)
		return;
	char title[160];
	snprintf(title, sizeof(title), "QR code: %s", v->title);
	rs_box_draw(w, 0, 0, h, wd, title);
	int x = (wd - code_cols) / 2;
	wattron(w, rs_tui_style(RS_STYLE_QR));
	for (int r = 0; r < code_rows; r++) {
		char *line = rs_qr_text_line(&v->qr, style, r);
		rs_tui_put(w, 1 + r, x, code_cols, line);
		free(line);
	}
	wattroff(w, rs_tui_style(RS_STYLE_QR));
	if (url_w <= wd - 4)
		rs_tui_put(w, h - 2, (wd - url_w) / 2, url_w, v->url);
	mvwaddstr(w, h - 1, 2, " Esc close ");
	wnoutrefresh(w);
	delwin(w);
}
