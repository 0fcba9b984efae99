#include "tui/list.h"

static bool can_select(const struct rs_list *l, size_t i)
{
	return i < l->count && (!l->selectable || l->selectable(l->data, i));
}

/* Moves by delta rows, then to the nearest selectable row in that direction
 * (or back the other way at the ends). */
static void step(struct rs_list *l, long delta)
{
	if (!l->count)
		return;
	long i = (long)l->sel + delta;
	if (i < 0)
		i = 0;
	if (i >= (long)l->count)
		i = (long)l->count - 1;
	long dir = delta < 0 ? -1 : 1;
	long j = i;
	while (j >= 0 && j < (long)l->count && !can_select(l, (size_t)j))
		j += dir;
	if (j < 0 || j >= (long)l->count) {
		j = i;
		while (j >= 0 && j < (long)l->count && !can_select(l, (size_t)j))
			j -= dir;
	}
	if (j >= 0 && j < (long)l->count)
		l->sel = (size_t)j;
	rs_list_fix(l);
}

bool rs_list_key(struct rs_list *l, enum rs_request req)
{
	long page = l->height > 1 ? l->height - 1 : 1;
	switch (req) {
	case RS_REQ_UP: step(l, -1); return true;
	case RS_REQ_DOWN: step(l, 1); return true;
	case RS_REQ_PAGE_UP: step(l, -page); return true;
	case RS_REQ_PAGE_DOWN: step(l, page); return true;
	case RS_REQ_HOME: l->sel = 0; step(l, 0); l->top = 0; rs_list_fix(l); return true;
	case RS_REQ_END: l->sel = l->count ? l->count - 1 : 0; step(l, 0); return true;
	default: return false;
	}
	return false;
}

void rs_list_select(struct rs_list *l, size_t i)
{
	l->sel = i < l->count ? i : 0;
	step(l, 0);
}

void rs_list_fix(struct rs_list *l)
{
	if (l->sel >= l->count)
		l->sel = l->count ? l->count - 1 : 0;
	size_t h = l->height > 0 ? (size_t)l->height : 1;
	if (l->sel < l->top)
		l->top = l->sel;
	/* Show a heading right above the first selectable row when possible. */
	if (l->top > 0 && l->top == l->sel && !can_select(l, l->sel - 1))
		l->top = l->sel - 1;
	if (l->sel >= l->top + h)
		l->top = l->sel - h + 1;
	if (l->count <= h)
		l->top = 0;
	else if (l->top > l->count - h)
		l->top = l->count - h;
}

void rs_list_draw(const struct rs_list *l, WINDOW *w, int y0,
		  void (*row)(void *data, size_t i, WINDOW *w, int y, bool selected))
{
	for (int y = 0; y < l->height; y++) {
		size_t i = l->top + (size_t)y;
		if (i >= l->count)
			break;
		row(l->data, i, w, y0 + y, i == l->sel);
	}
}
