#include "tui/logview.h"

#include <stdlib.h>

#include "tui/dialog.h"
#include "tui/tui.h"

void rs_logview_push(struct rs_logview *v, char *line)
{
	free(v->lines[v->next]);
	v->lines[v->next] = line;
	v->next = (v->next + 1) % RS_LOGVIEW_LINES;
	v->seq++;
	if (v->back) /* reading back: keep the same lines in view */
		v->back++;
}

void rs_logview_clear(struct rs_logview *v)
{
	for (size_t i = 0; i < RS_LOGVIEW_LINES; i++) {
		free(v->lines[i]);
		v->lines[i] = NULL;
	}
	v->next = 0;
	v->seq = 0;
	v->back = 0;
}

size_t rs_logview_count(const struct rs_logview *v)
{
	return v->seq < RS_LOGVIEW_LINES ? (size_t)v->seq : RS_LOGVIEW_LINES;
}

/* The i-th newest line (0 = newest), or NULL. */
static const char *nth_newest(const struct rs_logview *v, size_t i)
{
	if (i >= rs_logview_count(v))
		return NULL;
	return v->lines[(v->next + RS_LOGVIEW_LINES - 1 - i) % RS_LOGVIEW_LINES];
}

/* The most a view of height lines can be scrolled back: the oldest line
 * at its top. */
static int max_back(const struct rs_logview *v, int height)
{
	size_t n = rs_logview_count(v);
	return n > (size_t)height ? (int)(n - (size_t)height) : 0;
}

bool rs_logview_key(struct rs_logview *v, enum rs_request req, int height)
{
	int page = height > 1 ? height - 1 : 1;
	int n = max_back(v, height);
	/* Lines kept coming while reading back: start from what is shown. */
	if (v->back > n)
		v->back = n;
	switch (req) {
	case RS_REQ_UP: v->back++; break;
	case RS_REQ_DOWN: v->back--; break;
	case RS_REQ_PAGE_UP: v->back += page; break;
	case RS_REQ_PAGE_DOWN: v->back -= page; break;
	case RS_REQ_HOME: v->back = n; break;
	case RS_REQ_END: v->back = 0; break;
	default: return false;
	}
	if (v->back < 0)
		v->back = 0;
	if (v->back > n)
		v->back = n;
	return true;
}

void rs_logview_draw(const struct rs_logview *v, WINDOW *w, int y, int x, int h, int wd)
{
	if (h < 3 || wd < 6)
		return;
	int inner = h - 2;
	int back = v->back < max_back(v, inner) ? v->back : max_back(v, inner);
	rs_box_draw(w, y, x, h, wd, back ? "Log (l hides, Up/Down scroll, End newest)"
					 : "Log (l hides, Up/Down scroll)");
	for (int i = 0; i < inner; i++) {
		const char *l = nth_newest(v, (size_t)back + (size_t)(inner - 1 - i));
		if (l)
			rs_tui_put(w, y + 1 + i, x + 2, wd - 4, l);
	}
}
