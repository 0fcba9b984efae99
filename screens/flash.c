/* Flash: the ways the new firmware can get onto the board, best first, what
 * each needs and whether it is possible with what is connected now (board
 * on USB running Klipper? in DFU? the Klipper service?). The list is the
 * pure core/flash_route.h, made again whenever the hardware changes. The
 * card route leads on to the SD card step; the others are run by
 * `ratos-setup flash` (the command this screen names). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/flash_route.h"
#include "core/wizard_model.h"
#include "platform/klipper_service.h"
#include "screens/wizard.h"
#include "tui/manager.h"
#include "tui/text.h"
#include "tui/tui.h"

struct flash_screen {
	int rows, cols;
	struct rs_pager pager;
	struct rs_klipper_service svc;
	struct rs_route_list routes;
	unsigned long hw_gen;
	bool made;
	size_t cursor;
	char *text;
	char message[600]; /* what Enter on a route said, or "" */
};

#define INDENT "     "

static void emit_indented(void *data, const char *line, int len)
{
	fprintf(data, INDENT "%.*s\n", len, line);
}

/* A route's sentence under its title, wrapped with a hanging indent so the
 * routes stay apart. */
static void indented(FILE *f, const struct flash_screen *s, const char *fmt, const char *text)
{
	char line[700];
	snprintf(line, sizeof(line), fmt, text);
	int width = (s->cols > 0 ? s->cols - 4 : 76) - (int)strlen(INDENT);
	rs_text_wrap(line, width > 20 ? width : 20, emit_indented, f);
}

static int count_lines(const char *p)
{
	int n = 0;
	for (; *p; p++)
		n += *p == '\n';
	return n;
}

static void build_text(struct flash_screen *s, const struct rs_board *b)
{
	int cursor_at = 0, cursor_lines = 0;
	free(s->text);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	fprintf(f, "Ways to put the new firmware on the %s, best first:\n", b->name);
	/* What Enter said goes first: below the routes it would be off an
	 * 80x24 screen. */
	if (s->message[0])
		fprintf(f, "\n%s\n", s->message);
	for (size_t i = 0; i < s->routes.count; i++) {
		const struct rs_route_option *o = &s->routes.items[i];
		if (i == s->cursor) {
			fflush(f);
			cursor_at = rs_text_lines(buf, s->cols > 4 ? s->cols - 4 : 76) + 1;
		}
		long before = ftell(f);
		fprintf(f, "\n%s %zu. %s: %s\n", i == s->cursor ? ">" : " ", i + 1,
			rs_route_title(o->route),
			o->possible ? "possible now" : o->can_wait ? "waits for the board" : "not now");
		indented(f, s, "Needs %s.", o->needs);
		if (!o->possible && o->why_not[0])
			indented(f, s, "Now: %s.", o->why_not);
		if (i == s->cursor) {
			fflush(f);
			cursor_lines = count_lines(buf + before);
		}
	}
	if (s->routes.manual)
		fprintf(f, "\n!! This board is flashed by hand only after you type its id to "
			   "acknowledge its notes: %s\n",
			b->flash_notes ? b->flash_notes : "");
	/* Why the serial routes can or cannot stop Klipper (last: the routes
	 * already say what it means for them). */
	fprintf(f, "\nKlipper service: %s%s%s\n", rs_service_state_name(s->svc.state),
		s->svc.detail[0] ? " - " : "", s->svc.detail);
	fclose(f);
	s->text = buf;
	/* The chosen route stays on the screen, its needs included. */
	int height = s->rows > 2 ? s->rows - 2 : 1;
	if (cursor_at < s->pager.top)
		s->pager.top = cursor_at;
	else if (cursor_at + cursor_lines > s->pager.top + height)
		s->pager.top = cursor_at + cursor_lines - height;
}

/* The routes again when the hardware changed (or on entering). */
static bool refresh_routes(struct flash_screen *s, struct rs_wizard *w, bool force)
{
	const struct rs_board *b = rs_wizard_board(w);
	unsigned long gen = rs_wizard_hw_generation(w);
	if (!b || (!force && s->made && gen == s->hw_gen))
		return false;
	struct rs_route_input in = { .board = b, .hw = rs_wizard_hw_list(w),
				     .klipper = s->svc.state };
	rs_route_list_make(&in, &s->routes);
	if (s->cursor >= s->routes.count)
		s->cursor = 0;
	s->hw_gen = gen;
	s->made = true;
	build_text(s, b);
	return true;
}

static void enter(void *st, void *ctx)
{
	struct flash_screen *s = st;
	s->pager.top = 0;
	s->message[0] = '\0';
	/* A read-only question to systemd, asked once per visit. */
	rs_klipper_service_detect(&s->svc);
	s->made = false;
	refresh_routes(s, ctx, true);
	/* The cursor on the best route possible now. */
	const struct rs_route_option *best = rs_route_list_best(&s->routes);
	s->cursor = best ? (size_t)(best - s->routes.items) : 0;
	const struct rs_board *b = rs_wizard_board(ctx);
	if (b)
		build_text(s, b);
}

static void leave(void *st, void *ctx)
{
	(void)ctx;
	struct flash_screen *s = st;
	free(s->text);
	s->text = NULL;
	s->made = false;
}

static void layout(void *st, void *ctx, int rows, int cols)
{
	struct flash_screen *s = st;
	s->rows = rows;
	s->cols = cols;
	const struct rs_board *b = rs_wizard_board(ctx);
	if (b && s->made)
		build_text(s, b); /* the hanging indent wraps at the new width */
}

static void draw(const void *st, const void *ctx, WINDOW *w)
{
	(void)ctx;
	const struct flash_screen *s = st;
	if (s->text)
		rs_text_draw(w, 1, 2, s->cols - 4, s->rows - 2, s->pager.top, s->text);
}

static bool on_event(void *st, void *ctx, const struct rs_event *ev)
{
	(void)ev;
	return refresh_routes(st, ctx, false);
}

static enum rs_key_result key_move(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ch;
	struct flash_screen *s = st;
	if (req == RS_REQ_UP && s->cursor > 0)
		s->cursor--;
	else if (req == RS_REQ_DOWN && s->cursor + 1 < s->routes.count)
		s->cursor++;
	else
		return RS_KEY_IGNORED;
	s->message[0] = '\0';
	build_text(s, rs_wizard_board(ctx));
	return RS_KEY_HANDLED;
}

static enum rs_key_result key_scroll(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)ch;
	struct flash_screen *s = st;
	int total = s->text ? rs_text_lines(s->text, s->cols - 4) : 0;
	return rs_pager_key(&s->pager, req, total, s->rows - 2) ? RS_KEY_HANDLED : RS_KEY_IGNORED;
}

/* Enter: the card route is the next step; the others are the flash
 * command's, named here with the route and device. */
static enum rs_key_result key_choose(void *st, void *ctx, enum rs_request req, int ch)
{
	struct flash_screen *s = st;
	const struct rs_board *b = rs_wizard_board(ctx);
	if (!b || s->cursor >= s->routes.count)
		return RS_KEY_IGNORED;
	const struct rs_route_option *o = &s->routes.items[s->cursor];
	if (o->route == RS_ROUTE_SDCARD)
		return rs_manager_key_next(st, ctx, req, ch);
	if (!o->possible && !o->can_wait)
		snprintf(s->message, sizeof(s->message), "!! %s is not possible now: %s.",
			 rs_route_title(o->route), o->why_not);
	else
		snprintf(s->message, sizeof(s->message),
			 "To run it, quit and run:\n  sudo ratos-setup flash %s --route %s%s%s\n"
			 "It shows the plan and asks first; Klipper is started again at the end.",
			 b->id, rs_route_name(o->route),
			 o->device && o->route != RS_ROUTE_DFU ? " --device " : "",
			 o->device && o->route != RS_ROUTE_DFU ? o->device : "");
	build_text(s, b);
	s->pager.top = 0; /* the answer is above the routes */
	return RS_KEY_HANDLED;
}

static const struct rs_key_binding keys[] = {
	{ { RS_REQ_UP, RS_REQ_DOWN }, "Up/Down", "route", false, key_move, 0 },
	{ { RS_REQ_ACCEPT }, "Enter", "use this route", false, key_choose, 0 },
	{ { RS_REQ_NEXT }, "n", "next step", false, rs_manager_key_next, 0 },
	{ { RS_REQ_PAGE_UP, RS_REQ_PAGE_DOWN }, "PgUp/PgDn", "scroll", true, key_scroll, 0 },
	{ { 0 }, NULL, NULL, false, NULL, 0 },
};

static bool applies(void *ctx)
{
	return rs_model_step_applies(rs_wizard_board(ctx), RS_STEP_FLASH);
}

const struct rs_screen_ops rs_screen_flash = {
	.id = "flash",
	.title = "Flash firmware",
	.help = "Every way the new firmware can get onto this board, best first: what each "
		"needs and whether it is possible with what is connected now. The list follows "
		"the hardware as it is plugged in. Enter on the SD card route goes on to writing "
		"the card; the other routes are run by `ratos-setup flash`, which stops Klipper "
		"first and starts it again at the end, also after a failure.",
	.is_step = true,
	.state_size = sizeof(struct flash_screen),
	.keys = keys,
	.applies = applies,
	.enter = enter,
	.leave = leave,
	.layout = layout,
	.draw = draw,
	.on_event = on_event,
};
