/* Flash: the ways the new firmware can get onto the board, best first, what
 * each needs and whether it is possible with what is connected now (board
 * on USB running Klipper? in DFU? the Klipper service?). The list is the
 * pure core/flash_route.h, made again whenever the hardware changes. The
 * card route leads on to the SD card step; the others run here
 * (screens/flash_run.h) when they can, or are named as the `sudo ratos-setup
 * flash` command when they need root the wizard does not have. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/flash_route.h"
#include "core/wizard_model.h"
#include "platform/klipper_service.h"
#include "screens/flash_run.h"
#include "screens/flash_text.h"
#include "screens/report_key.h"
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
	struct rs_frun run; /* a route running here */
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
	rs_frun_free(&s->run); /* a running flash is stopped; Klipper started again */
	free(s->text);
	s->text = NULL;
	s->made = false;
}

static void layout(void *st, void *ctx, int rows, int cols)
{
	struct flash_screen *s = st;
	s->rows = rows;
	s->cols = cols;
	rs_frun_layout(&s->run, rows, cols);
	const struct rs_board *b = rs_wizard_board(ctx);
	if (b && s->made)
		build_text(s, b); /* the hanging indent wraps at the new width */
}

static void draw(const void *st, const void *ctx, WINDOW *w)
{
	(void)ctx;
	const struct flash_screen *s = st;
	/* The confirmation is asked over the routes. */
	if (s->text && (!rs_frun_active(&s->run) || s->run.phase == RS_FRUN_CONFIRM))
		rs_text_draw(w, 1, 2, s->cols - 4, s->rows - 2, s->pager.top, s->text);
	rs_frun_draw(&s->run, w);
}

static bool on_event(void *st, void *ctx, const struct rs_event *ev)
{
	(void)ev;
	struct flash_screen *s = st;
	bool changed = rs_frun_tick(&s->run);
	/* While a route runs the list is not shown: it is made again after. */
	if (rs_frun_active(&s->run))
		return changed;
	return refresh_routes(st, ctx, false) || changed;
}

static unsigned mode(const void *st, const void *ctx)
{
	(void)ctx;
	return rs_frun_mode(&((const struct flash_screen *)st)->run);
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

/* Enter: the card route is the next step; the others run here, or, when
 * they need root the wizard does not have, the command is named. */
static enum rs_key_result key_choose(void *st, void *ctx, enum rs_request req, int ch)
{
	struct flash_screen *s = st;
	struct rs_wizard *w = ctx;
	const struct rs_board *b = rs_wizard_board(w);
	if (!b || s->cursor >= s->routes.count)
		return RS_KEY_IGNORED;
	const struct rs_route_option *o = &s->routes.items[s->cursor];
	if (o->route == RS_ROUTE_SDCARD)
		return rs_manager_key_next(st, ctx, req, ch);
	char cmd[400];
	rs_flash_text_command(b, o->route, o->device, cmd, sizeof(cmd));
	const char *root = rs_route_root_reason(b, o->route, s->svc.state, geteuid() == 0);
	if (!o->possible && !o->can_wait)
		snprintf(s->message, sizeof(s->message), "!! %s is not possible now: %s.",
			 rs_route_title(o->route), o->why_not);
	else if (root)
		snprintf(s->message, sizeof(s->message),
			 "!! %s needs root, and the wizard does not run as root: %s. Quit and "
			 "run:\n  %s\nor run the wizard with sudo (sudo ratos-setup).",
			 rs_route_title(o->route), root, cmd);
	else {
		s->message[0] = '\0';
		rs_frun_begin(&s->run, b, o, &s->svc, s->routes.manual, w->klipper_dir,
			      w->klipper_found ? w->klipper.version : NULL);
		return RS_KEY_HANDLED;
	}
	build_text(s, b);
	s->pager.top = 0; /* the answer is above the routes */
	return RS_KEY_HANDLED;
}

/* Every key of the run's modes goes to the run; after it ends, the list is
 * made again (the board may have changed on USB meanwhile). */
static enum rs_key_result key_run(void *st, void *ctx, enum rs_request req, int ch)
{
	struct flash_screen *s = st;
	enum rs_key_result r = rs_frun_key(&s->run, req, ch);
	if (!rs_frun_active(&s->run)) {
		rs_klipper_service_detect(&s->svc);
		refresh_routes(s, ctx, true);
	}
	return r;
}

static enum rs_key_result key_report(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)req;
	(void)ch;
	struct flash_screen *s = st;
	struct rs_wizard *w = ctx;
	rs_wizard_write_report(w);
	s->run.notice = w->report_msg;
	return RS_KEY_HANDLED;
}

#define M_LIST RS_FRUN_MODE_LIST
#define M_ACK RS_FRUN_MODE_ACK
#define M_CONFIRM RS_FRUN_MODE_CONFIRM
#define M_RUNNING RS_FRUN_MODE_RUNNING
#define M_ASKING RS_FRUN_MODE_ASKING
#define M_PROVING RS_FRUN_MODE_PROVING
#define M_OK RS_FRUN_MODE_OK
#define M_FAILED RS_FRUN_MODE_FAILED
#define M_DONE (M_OK | M_FAILED)
#define SCROLL_REQS RS_REQ_UP, RS_REQ_DOWN, RS_REQ_PAGE_UP, RS_REQ_PAGE_DOWN, RS_REQ_HOME, RS_REQ_END

static const struct rs_key_binding keys[] = {
	{ { RS_REQ_UP, RS_REQ_DOWN }, "Up/Down", "route", false, key_move, M_LIST },
	{ { RS_REQ_ACCEPT }, "Enter", "use this route", false, key_choose, M_LIST },
	{ { RS_REQ_NEXT }, "n", "next step", false, rs_manager_key_next, M_LIST },
	{ { RS_REQ_PAGE_UP, RS_REQ_PAGE_DOWN }, "PgUp/PgDn", "scroll", true, key_scroll, M_LIST },
	/* The board id typed back: every character is text. */
	{ { RS_REQ_TYPE }, "type", "the board id", false, key_run, M_ACK },
	{ { RS_REQ_ERASE }, "Backspace", "erase", true, key_run, M_ACK },
	{ { RS_REQ_ACCEPT }, "Enter", "check the id", false, key_run, M_ACK },
	{ { RS_REQ_CANCEL }, "Esc", "back", false, key_run, M_ACK },
	/* The confirmation and the stop question. */
	{ { RS_REQ_LEFT, RS_REQ_RIGHT, RS_REQ_SWITCH }, "Left/Right", "No / Yes", false, key_run,
	  M_CONFIRM | M_ASKING },
	{ { RS_REQ_ACCEPT }, "Enter", "answer", false, key_run, M_CONFIRM | M_ASKING },
	{ { RS_REQ_YES, RS_REQ_NO }, "y/n", "answer", true, key_run, M_CONFIRM | M_ASKING },
	{ { RS_REQ_CANCEL }, "Esc", "No", false, key_run, M_CONFIRM | M_ASKING },
	{ { RS_REQ_QUIT, RS_REQ_HELP }, "q", "answer the question first", true, key_run,
	  M_CONFIRM | M_ASKING },
	/* While it runs. */
	{ { RS_REQ_STOP }, "c", "stop", false, key_run, M_RUNNING },
	{ { RS_REQ_CANCEL }, "Esc", "stop", true, key_run, M_RUNNING },
	{ { RS_REQ_QUIT }, "q", "stop and quit", false, key_run, M_RUNNING },
	{ { SCROLL_REQS }, "Up/Down", "scroll", true, key_run, M_RUNNING },
	{ { RS_REQ_STOP, RS_REQ_CANCEL }, "c", "skip the wait", false, key_run, M_PROVING },
	/* The result. */
	{ { RS_REQ_ACCEPT }, "Enter", "next", false, key_run, M_OK },
	{ { RS_REQ_ACCEPT, RS_REQ_CANCEL }, "Enter", "back to the routes", false, key_run, M_FAILED },
	{ { RS_REQ_RETRY }, "r", "try again", false, key_run, M_FAILED },
	{ { RS_REQ_REPORT }, RS_REPORT_LEGEND, false, key_report, M_FAILED },
	{ { RS_REQ_LOG }, "l", "output", false, key_run, M_DONE },
	{ { SCROLL_REQS }, "Up/Down", "scroll", true, key_run, M_DONE },
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
		"the card; on another route it asks first (default No; boards flashed by hand "
		"only want their id typed) and runs it here with its output: Klipper is stopped "
		"meanwhile and started again at the end, also after a failure or a stop (c asks "
		"first). Then it reads the version the board reports from klippy.log. Without "
		"root it names the sudo ratos-setup flash command instead.",
	.is_step = true,
	.state_size = sizeof(struct flash_screen),
	.keys = keys,
	.applies = applies,
	.mode = mode,
	.enter = enter,
	.leave = leave,
	.layout = layout,
	.draw = draw,
	.on_event = on_event,
};
