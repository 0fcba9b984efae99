#include "tui/manager.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "tui/footer.h"
#include "platform/loop.h"
#include "tui/keymap.h"
#include "tui/overlay.h"
#include "tui/text.h"
#include "tui/tui.h"

struct rs_manager {
	const struct rs_manager_config *cfg;
	void **states;
	size_t cur;
	int rows, cols;
	bool too_small;
	WINDOW *body;
	struct rs_overlay overlay;
	const char *notice; /* one-shot message in the footer line */
	bool done;
	enum rs_manager_end end;
};

static enum rs_key_result global_back(void *st, void *ctx, enum rs_request req, int ch);
static enum rs_key_result global_help(void *st, void *ctx, enum rs_request req, int ch);
static enum rs_key_result global_quit(void *st, void *ctx, enum rs_request req, int ch);

static const struct rs_key_binding global_keys[] = {
	{ { RS_REQ_CANCEL }, "Esc", "back", false, global_back, 0 },
	{ { RS_REQ_HELP }, "?", "help", false, global_help, 0 },
	{ { RS_REQ_QUIT }, "q", "quit", false, global_quit, 0 },
	{ { 0 }, NULL, NULL, false, NULL, 0 },
};

static const struct rs_screen_ops *ops(const struct rs_manager *m, size_t i)
{
	return m->cfg->screens[i];
}

/* The current screen's mode bits (tui/screen.h). */
static unsigned cur_mode(const struct rs_manager *m)
{
	const struct rs_screen_ops *o = m->cfg->screens[m->cur];
	return o->mode ? o->mode(m->states[m->cur], m->cfg->ctx) : 0;
}

static bool applies(const struct rs_manager *m, size_t i)
{
	return !ops(m, i)->applies || ops(m, i)->applies(m->cfg->ctx);
}

static void layout_all(struct rs_manager *m)
{
	int rows = m->rows - 2, cols = m->cols;
	for (size_t i = 0; i < m->cfg->count; i++)
		if (ops(m, i)->layout)
			ops(m, i)->layout(m->states[i], m->cfg->ctx, rows, cols);
}

static void resize(struct rs_manager *m)
{
	getmaxyx(stdscr, m->rows, m->cols);
	m->too_small = m->rows < RS_TUI_MIN_ROWS || m->cols < RS_TUI_MIN_COLS;
	if (m->too_small)
		return;
	if (!m->body) {
		m->body = newwin(m->rows - 2, m->cols, 1, 0);
		/* The cursor is hidden: do not spend bytes parking it after each
		 * update (8 of the ~40 a cursor move in a list costs). */
		if (m->body)
			leaveok(m->body, TRUE);
	} else {
		wresize(m->body, m->rows - 2, m->cols);
		mvwin(m->body, 1, 0);
	}
	layout_all(m);
	clearok(curscr, TRUE); /* the terminal reflowed; repaint everything once */
}

static void switch_to(struct rs_manager *m, size_t next)
{
	const struct rs_screen_ops *o = ops(m, m->cur);
	if (o->leave)
		o->leave(m->states[m->cur], m->cfg->ctx);
	m->cur = next;
	o = ops(m, m->cur);
	if (o->layout && !m->too_small)
		o->layout(m->states[m->cur], m->cfg->ctx, m->rows - 2, m->cols);
	if (o->enter)
		o->enter(m->states[m->cur], m->cfg->ctx);
	if (m->cfg->on_step)
		m->cfg->on_step(m->cfg->ctx, o->id);
}

static bool step_of(const struct rs_manager *m, int *step, int *total)
{
	*step = *total = 0;
	for (size_t i = 0; i < m->cfg->count; i++) {
		if (!ops(m, i)->is_step || !applies(m, i))
			continue;
		(*total)++;
		if (i == m->cur)
			*step = *total;
	}
	return *step > 0;
}

static void draw_header(struct rs_manager *m)
{
	const struct rs_screen_ops *o = ops(m, m->cur);
	attr_t a = rs_tui_style(RS_STYLE_HEADER);
	wattron(stdscr, a);
	mvwhline(stdscr, 0, 0, ' ', m->cols);
	rs_tui_put(stdscr, 0, 1, 12, "ratos-setup");
	char mid[160];
	int step, total;
	if (step_of(m, &step, &total))
		snprintf(mid, sizeof(mid), "Step %d of %d %s %s", step, total, rs_tui_dash(),
			 o->title);
	else
		snprintf(mid, sizeof(mid), "%s", o->title);
	const char *sub = m->cfg->subtitle ? m->cfg->subtitle(m->cfg->ctx) : NULL;
	int sub_w = sub ? rs_tui_width(sub) : 0;
	if (sub_w > 24)
		sub_w = 24;
	int mid_w = rs_tui_width(mid);
	int x = 14 + (m->cols - 14 - sub_w - 2 - mid_w) / 2;
	if (x < 14)
		x = 14;
	rs_tui_put(stdscr, 0, x, m->cols - x - sub_w - 2, mid);
	if (sub)
		rs_tui_put(stdscr, 0, m->cols - sub_w - 1, sub_w, sub);
	wattroff(stdscr, a);
}

static void build_help(struct rs_manager *m)
{
	const struct rs_screen_ops *o = ops(m, m->cur);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	fprintf(f, "%s\n\nKeys on this screen:\n", o->help ? o->help : o->title);
	unsigned mode = cur_mode(m);
	for (const struct rs_key_binding *b = o->keys; b && b->label; b++)
		if (rs_key_available(b, mode))
			fprintf(f, "  %-12s %s\n", b->label, b->action);
	fprintf(f, "\nEverywhere:\n");
	for (const struct rs_key_binding *b = global_keys; b->label; b++)
		if (!rs_key_shadowed(b, o->keys, mode))
			fprintf(f, "  %-12s %s\n", b->label,
			b->run == global_help ? "help (also F1)" :
			b->run == global_quit ? "quit (asks first; choices are saved)" : b->action);
	fprintf(f, "\nPress Esc or Enter to close this help.");
	fclose(f);
	rs_overlay_open_help(&m->overlay, o->title, buf);
}

static void draw_too_small(struct rs_manager *m)
{
	char msg[256];
	snprintf(msg, sizeof(msg),
		 "Terminal too small %s need %dx%d, have %dx%d.\n\nEnlarge the window (or the "
		 "console font) and ratos-setup continues by itself. Ctrl-C leaves; your choices "
		 "are saved.",
		 rs_tui_dash(), RS_TUI_MIN_COLS, RS_TUI_MIN_ROWS, m->cols, m->rows);
	int w = m->cols - 2 > 0 ? m->cols - 2 : 1;
	rs_text_draw(stdscr, 0, 1, w, m->rows, 0, msg);
}

static void render(struct rs_manager *m)
{
	werase(stdscr);
	if (m->too_small) {
		draw_too_small(m);
		wnoutrefresh(stdscr);
		if (m->overlay.kind == RS_OVERLAY_QUIT)
			rs_overlay_draw(&m->overlay, m->rows, m->cols);
		doupdate();
		return;
	}
	const struct rs_screen_ops *o = ops(m, m->cur);
	draw_header(m);
	if (m->notice) {
		wattron(stdscr, rs_tui_style(RS_STYLE_WARN));
		rs_tui_put(stdscr, m->rows - 1, 1, m->cols - 2, m->notice);
		wattroff(stdscr, rs_tui_style(RS_STYLE_WARN));
	} else {
		rs_footer_draw(stdscr, m->rows - 1, m->cols, o->keys, global_keys, cur_mode(m));
	}
	wnoutrefresh(stdscr);
	werase(m->body);
	if (o->draw)
		o->draw(m->states[m->cur], m->cfg->ctx, m->body);
	if (o->drawn)
		o->drawn(m->states[m->cur], m->cfg->ctx);
	touchwin(m->body);
	wnoutrefresh(m->body);
	rs_overlay_draw(&m->overlay, m->rows, m->cols);
	doupdate();
}

static enum rs_key_result global_back(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)req;
	(void)ch;
	struct rs_manager *m = st;
	for (size_t i = m->cur; i-- > 0;) {
		if (applies(m, i)) {
			switch_to(m, i);
			return RS_KEY_HANDLED;
		}
	}
	m->notice = "This is the first screen. q quits.";
	return RS_KEY_HANDLED;
}

static enum rs_key_result global_help(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)req;
	(void)ch;
	struct rs_manager *m = st;
	build_help(m);
	return RS_KEY_HANDLED;
}

static enum rs_key_result global_quit(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)req;
	(void)ch;
	struct rs_manager *m = st;
	rs_overlay_open_quit(&m->overlay);
	return RS_KEY_HANDLED;
}

static void show_link(struct rs_manager *m)
{
	const struct rs_screen_ops *o = ops(m, m->cur);
	const char *what = NULL;
	const char *url = o->link ? o->link(m->states[m->cur], m->cfg->ctx, &what) : NULL;
	if (!url)
		return;
	rs_overlay_open_qr(&m->overlay, what ? what : o->title, url);
}

static void go_next(struct rs_manager *m)
{
	for (size_t i = m->cur + 1; i < m->cfg->count; i++) {
		if (applies(m, i)) {
			switch_to(m, i);
			return;
		}
	}
	m->done = true;
	m->end = RS_END_FINISHED;
}

static void go_jump(struct rs_manager *m)
{
	const char *id = m->cfg->jump_target ? m->cfg->jump_target(m->cfg->ctx) : NULL;
	for (size_t i = 0; id && i < m->cfg->count; i++) {
		if (strcmp(ops(m, i)->id, id) != 0)
			continue;
		/* A step that no longer applies resumes at the next one that does. */
		while (i < m->cfg->count && !applies(m, i))
			i++;
		if (i < m->cfg->count && i != m->cur)
			switch_to(m, i);
		return;
	}
}

static void apply_result(struct rs_manager *m, enum rs_key_result r)
{
	switch (r) {
	case RS_KEY_NEXT: go_next(m); break;
	case RS_KEY_BACK: global_back(m, m->cfg->ctx, RS_REQ_CANCEL, 0); break;
	case RS_KEY_JUMP: go_jump(m); break;
	case RS_KEY_QUIT: m->done = true; m->end = RS_END_QUIT; break;
	case RS_KEY_SHOW_LINK: show_link(m); break;
	case RS_KEY_IGNORED: case RS_KEY_HANDLED: break;
	}
}

/* An open overlay takes the key; yes to the quit question ends the run. */
static void overlay_key(struct rs_manager *m, const enum rs_request *reqs, size_t n, int ch)
{
	if (rs_overlay_key(&m->overlay, m->rows, m->cols, reqs, n, ch) == RS_OVERLAY_QUIT_YES) {
		m->done = true;
		m->end = RS_END_QUIT;
	}
}

/* Offers req to the rows of a table that answer it in mode; the first
 * that does not ignore it wins. */
static enum rs_key_result offer(const struct rs_key_binding *t, void *st, void *ctx,
				unsigned mode, enum rs_request req, int ch)
{
	for (const struct rs_key_binding *b = t; b && b->label; b++) {
		if (b->run && rs_key_bound(b, req) && rs_key_available(b, mode)) {
			enum rs_key_result r = b->run(st, ctx, req, ch);
			if (r != RS_KEY_IGNORED)
				return r;
		}
	}
	return RS_KEY_IGNORED;
}

/* The key's requests (tui/keymap.h) go to the screen first, in order, then
 * what the screen did not take falls back to the global rows. */
static void handle_key(struct rs_manager *m, int key)
{
	m->notice = NULL;
	if (key == KEY_RESIZE) {
		resize(m);
		return;
	}
	enum rs_request reqs[RS_KEYMAP_MAX_REQUESTS];
	size_t n = rs_keymap_requests(key, reqs);
	int ch = rs_keymap_char(key);
	if (m->too_small) {
		/* Nothing to act on yet; q still asks to quit (compact box). */
		for (size_t i = 0; i < n && m->overlay.kind != RS_OVERLAY_QUIT; i++)
			if (reqs[i] == RS_REQ_QUIT)
				global_quit(m, m->cfg->ctx, reqs[i], ch);
		if (m->overlay.kind == RS_OVERLAY_QUIT)
			overlay_key(m, reqs, n, ch);
		return;
	}
	if (m->overlay.kind != RS_OVERLAY_NONE) {
		overlay_key(m, reqs, n, ch);
		return;
	}
	const struct rs_screen_ops *o = ops(m, m->cur);
	unsigned mode = cur_mode(m);
	for (size_t i = 0; i < n; i++) {
		enum rs_key_result r = offer(o->keys, m->states[m->cur], m->cfg->ctx, mode,
					     reqs[i], reqs[i] == RS_REQ_TYPE ? ch : 0);
		if (r != RS_KEY_IGNORED) {
			apply_result(m, r);
			return;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (offer(global_keys, m, m->cfg->ctx, 0, reqs[i], 0) != RS_KEY_IGNORED)
			return;
}

static size_t start_index(const struct rs_manager *m)
{
	const char *id = m->cfg->start_id;
	for (size_t i = 0; id && i < m->cfg->count; i++)
		if (strcmp(ops(m, i)->id, id) == 0 && applies(m, i))
			return i;
	for (size_t i = 0; i < m->cfg->count; i++)
		if (applies(m, i))
			return i;
	return 0;
}

static bool tick_screen(struct rs_manager *m)
{
	const struct rs_screen_ops *o = ops(m, m->cur);
	struct rs_event ev = { RS_EVENT_TICK };
	return o->on_event && o->on_event(m->states[m->cur], m->cfg->ctx, &ev);
}

enum rs_manager_end rs_manager_run(const struct rs_manager_config *cfg, int *signo)
{
	struct rs_manager m = { .cfg = cfg };
	*signo = 0;
	m.states = rs_xcalloc(cfg->count, sizeof(*m.states));
	for (size_t i = 0; i < cfg->count; i++)
		m.states[i] = rs_xcalloc(1, cfg->screens[i]->state_size);
	resize(&m);
	m.cur = start_index(&m);
	if (ops(&m, m.cur)->enter)
		ops(&m, m.cur)->enter(m.states[m.cur], cfg->ctx);
	if (cfg->on_step)
		cfg->on_step(cfg->ctx, ops(&m, m.cur)->id);

	bool dirty = true;
	while (!m.done) {
		if (dirty)
			render(&m);
		dirty = false;
		enum rs_loop_wake w = rs_loop_wait(rs_tui_loop(), STDIN_FILENO, rs_tui_signal_fd());
		if (w == RS_WAKE_SIGNAL || rs_tui_pending_signal()) {
			*signo = rs_tui_pending_signal();
			m.end = RS_END_SIGNAL;
			break;
		}
		if (w == RS_WAKE_REDRAW)
			dirty = true;
		if (w == RS_WAKE_TICK && !m.too_small)
			dirty |= tick_screen(&m);
		/* Read keys even on a plain tick: ncurses reports a resize only
		 * from getch, and the SIGWINCH may have arrived just before poll. */
		int key;
		while (!m.done && (key = wgetch(stdscr)) != ERR) {
			handle_key(&m, key);
			dirty = true;
		}
		bool free_to_move = !m.done && m.overlay.kind == RS_OVERLAY_NONE;
		enum rs_key_result req = cfg->take_request && free_to_move
						 ? cfg->take_request(cfg->ctx)
						 : RS_KEY_IGNORED;
		if (req != RS_KEY_IGNORED) {
			apply_result(&m, req);
			dirty = true;
		}
	}
	if (ops(&m, m.cur)->leave)
		ops(&m, m.cur)->leave(m.states[m.cur], cfg->ctx);
	for (size_t i = 0; i < cfg->count; i++)
		free(m.states[i]);
	free(m.states);
	rs_overlay_free(&m.overlay);
	if (m.body)
		delwin(m.body);
	rs_loop_reset(rs_tui_loop());
	return m.end;
}

enum rs_key_result rs_manager_key_link(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)st;
	(void)ctx;
	(void)req;
	(void)ch;
	return RS_KEY_SHOW_LINK;
}

enum rs_key_result rs_manager_key_next(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)st;
	(void)ctx;
	(void)req;
	(void)ch;
	return RS_KEY_NEXT;
}
