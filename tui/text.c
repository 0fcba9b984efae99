#include "tui/text.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "tui/tui.h"

int rs_text_wrap(const char *s, int width, void (*emit)(void *data, const char *line, int len),
		 void *data)
{
	int lines = 0;
	if (width < 1)
		width = 1;
	while (*s) {
		const char *end = s, *brk = NULL;
		int cols = 0;
		char one[8];
		/* Walk characters until the width is used up or the paragraph ends. */
		while (*end && *end != '\n') {
			size_t n = 1;
			while ((end[n] & 0xC0) == 0x80 && n < 4)
				n++;
			memcpy(one, end, n);
			one[n] = '\0';
			int cw = rs_tui_width(one);
			if (cols + cw > width)
				break;
			if (*end == ' ')
				brk = end;
			cols += cw;
			end += n;
		}
		const char *stop = end;
		if (*end && *end != '\n' && brk && brk > s)
			stop = brk; /* break at the last space */
		if (emit)
			emit(data, s, (int)(stop - s));
		lines++;
		s = stop;
		if (*s == '\n')
			s++;
		else
			while (*s == ' ')
				s++;
	}
	return lines;
}

int rs_text_lines(const char *s, int width)
{
	return rs_text_wrap(s, width, NULL, NULL);
}

struct draw_ctx {
	WINDOW *w;
	int y, x, width, max, skip, index, drawn;
};

static void draw_line(void *data, const char *line, int len)
{
	struct draw_ctx *d = data;
	int i = d->index++;
	if (i < d->skip || d->drawn >= d->max)
		return;
	char *copy = rs_xstrndup(line, (size_t)len);
	rs_tui_put(d->w, d->y + d->drawn, d->x, d->width, copy);
	free(copy);
	d->drawn++;
}

int rs_text_draw(WINDOW *w, int y, int x, int width, int max_lines, int skip, const char *s)
{
	struct draw_ctx d = { w, y, x, width, max_lines, skip, 0, 0 };
	rs_text_wrap(s, width, draw_line, &d);
	return d.drawn;
}

int rs_text_draw_link(WINDOW *w, int y, int x, int width, int max_lines, const char *label,
		      const char *url)
{
	int lw = rs_tui_width(label), uw = rs_tui_width(url);
	if (max_lines < 1 || uw > width)
		return 0;
	if (lw + 1 + uw <= width) {
		int used = rs_tui_put(w, y, x, width, label);
		rs_tui_put(w, y, x + used + 1, width - used - 1, url);
		return 1;
	}
	if (max_lines < 2)
		return 0;
	rs_tui_put(w, y, x, width, label);
	rs_tui_put(w, y + 1, x, width, url);
	return 2;
}

bool rs_pager_key(struct rs_pager *p, enum rs_request req, int total_lines, int height)
{
	int max_top = total_lines > height ? total_lines - height : 0;
	int top = p->top;
	switch (req) {
	case RS_REQ_UP: top--; break;
	case RS_REQ_DOWN: top++; break;
	case RS_REQ_PAGE_UP: top -= height; break;
	case RS_REQ_PAGE_DOWN: top += height; break;
	case RS_REQ_HOME: top = 0; break;
	case RS_REQ_END: top = max_top; break;
	default: return false;
	}
	if (top > max_top)
		top = max_top;
	if (top < 0)
		top = 0;
	p->top = top;
	return true;
}
