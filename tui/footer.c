#include "tui/footer.h"

#include "tui/tui.h"

bool rs_key_available(const struct rs_key_binding *b, unsigned mode)
{
	return !b->when || (b->when & mode);
}

bool rs_key_bound(const struct rs_key_binding *b, enum rs_request req)
{
	for (size_t k = 0; k < sizeof(b->reqs) / sizeof(b->reqs[0]) && b->reqs[k]; k++)
		if (b->reqs[k] == req)
			return true;
	return false;
}

bool rs_key_shadowed(const struct rs_key_binding *global, const struct rs_key_binding *screen_keys,
		     unsigned mode)
{
	for (size_t k = 0; k < sizeof(global->reqs) / sizeof(global->reqs[0]) && global->reqs[k];
	     k++) {
		bool taken = false;
		for (const struct rs_key_binding *b = screen_keys; b && b->label && !taken; b++)
			taken = b->run && rs_key_available(b, mode) &&
				rs_key_bound(b, global->reqs[k]);
		if (!taken)
			return false;
	}
	return true;
}

struct legend {
	const struct rs_key_binding *screen, *global;
	unsigned mode;
};

static bool shown(const struct legend *l, const struct rs_key_binding *b, bool is_global)
{
	if (b->hide_in_footer)
		return false;
	if (is_global)
		return !rs_key_shadowed(b, l->screen, l->mode);
	return rs_key_available(b, l->mode);
}

static int entry_width(const struct rs_key_binding *b)
{
	return rs_tui_width(b->label) + 1 + rs_tui_width(b->action) + 2;
}

static int table_width(const struct legend *l, const struct rs_key_binding *t, bool is_global,
		       size_t limit)
{
	int wd = 0;
	for (size_t i = 0; t && t[i].label && i < limit; i++)
		if (shown(l, &t[i], is_global))
			wd += entry_width(&t[i]);
	return wd;
}

static int draw_entries(const struct legend *l, WINDOW *w, int y, int x,
			const struct rs_key_binding *t, bool is_global, size_t limit)
{
	for (size_t i = 0; t && t[i].label && i < limit; i++) {
		if (!shown(l, &t[i], is_global))
			continue;
		wattron(w, rs_tui_style(RS_STYLE_KEY));
		x += rs_tui_put(w, y, x, 40, t[i].label);
		wattroff(w, rs_tui_style(RS_STYLE_KEY));
		x += 1 + rs_tui_put(w, y, x + 1, 40, t[i].action);
		x += 2;
	}
	return x;
}

void rs_footer_draw(WINDOW *w, int y, int width, const struct rs_key_binding *screen_keys,
		    const struct rs_key_binding *global_keys, unsigned mode)
{
	struct legend l = { screen_keys, global_keys, mode };
	size_t n = 0;
	while (screen_keys && screen_keys[n].label)
		n++;
	int global = table_width(&l, global_keys, true, (size_t)-1);
	while (n && 1 + table_width(&l, screen_keys, false, n) + global > width)
		n--;
	wmove(w, y, 0);
	wclrtoeol(w);
	int x = draw_entries(&l, w, y, 1, screen_keys, false, n);
	draw_entries(&l, w, y, x, global_keys, true, (size_t)-1);
}
