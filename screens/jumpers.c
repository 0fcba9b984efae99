/* Driver power jumpers (VIN vs V_MOT), for boards whose data says they have
 * them. The user gives the two supply voltages and the driver in each socket;
 * the screen shows where each jumper goes and refuses to move on while any
 * socket would feed a driver more than it is rated for. */
#include <stdio.h>
#include <string.h>

#include "core/jumper.h"
#include "core/wizard_model.h"
#include "screens/wizard.h"
#include "tui/dialog.h"
#include "tui/list.h"
#include "tui/text.h"
#include "tui/tui.h"

#define SOCKET_ROWS 8 /* socket rows shown at once; more scroll */
#define FIRST_SOCKET 2

static const unsigned main_choices[] = { 12, 24 };

struct jumpers {
	struct rs_wizard *wz;
	int rows, cols;
	int focus;        /* 0 main V, 1 motor V, sockets, then Next */
	size_t sock_top;  /* first socket row shown */
	bool picking;     /* the driver list is open */
	struct rs_list pick;
	bool tried_next;  /* Next was refused: say so prominently */
};

static size_t sockets(const struct jumpers *s)
{
	return s->wz->st.socket_count;
}

static int next_row(const struct jumpers *s)
{
	return FIRST_SOCKET + (int)sockets(s);
}

static bool is_socket_row(const struct jumpers *s, int f)
{
	return f >= FIRST_SOCKET && f < next_row(s);
}

/* Before a board is chosen every step may still come, so it counts in the
 * header's "of n"; the count shrinks once the board is known. */
static bool applies(void *ctx)
{
	return rs_model_step_applies(rs_wizard_board(ctx), RS_STEP_JUMPERS);
}

/* The board's motor voltages that some driver in the catalog is rated for. */
static size_t motor_choices(const struct rs_wizard *w, unsigned out[RS_MAX_VOLTAGES + 1])
{
	const struct rs_board *b = rs_wizard_board(w);
	const struct rs_driver *drivers[64];
	size_t n = 0;
	if (b->integrated_drivers.count) {
		for (size_t i = 0; i < b->integrated_drivers.count && n < 64; i++)
			drivers[n++] = rs_catalog_find_driver(w->cat, b->integrated_drivers.items[i]);
	} else {
		for (size_t i = 0; i < w->cat->driver_count && n < 64; i++)
			drivers[n++] = &w->cat->drivers[i];
	}
	out[0] = 0; /* no separate motor supply */
	return 1 + rs_jumper_offered_voltages(b, drivers, n, out + 1);
}

static bool socket_ok(const struct jumpers *s, size_t i, char *why, size_t len)
{
	char name[32];
	const struct rs_board *b = rs_wizard_board(s->wz);
	rs_jumper_socket_name(b, i, name, sizeof(name));
	return rs_jumper_check(name, rs_wizard_driver(s->wz, i), s->wz->st.jumpers[i],
			       s->wz->st.main_v, s->wz->st.motor_v, why, len);
}

static size_t error_count(const struct jumpers *s)
{
	size_t n = 0;
	char why[256];
	for (size_t i = 0; i < sockets(s); i++)
		n += !socket_ok(s, i, why, sizeof(why));
	return n;
}

/* Keeps the focused socket among the rows shown (called wherever the focus
 * moves, so drawing changes nothing). */
static void follow_focus(struct jumpers *s)
{
	if (!is_socket_row(s, s->focus))
		return;
	size_t f = (size_t)(s->focus - FIRST_SOCKET);
	if (f < s->sock_top)
		s->sock_top = f;
	if (f >= s->sock_top + SOCKET_ROWS)
		s->sock_top = f - SOCKET_ROWS + 1;
}

/* The driver list as high as its rows, at most what the body leaves. */
static void fit_picker(struct jumpers *s)
{
	int h = (int)s->pick.count;
	s->pick.height = h > s->rows - 6 ? s->rows - 6 : h;
	rs_list_fix(&s->pick);
}

static void enter(void *st, void *ctx)
{
	struct jumpers *s = st;
	s->wz = ctx;
	struct rs_wizard_state *ws = &s->wz->st;
	if (!ws->main_v)
		ws->main_v = 24;
	for (size_t i = 0; i < ws->socket_count; i++)
		if (!rs_wizard_driver(s->wz, i))
			ws->jumpers[i] = RS_JUMPER_NONE;
	if (s->focus > next_row(s))
		s->focus = 0;
	follow_focus(s);
	s->picking = false;
	s->tried_next = false;
}

static void layout(void *st, void *ctx, int rows, int cols)
{
	(void)ctx;
	struct jumpers *s = st;
	s->rows = rows;
	s->cols = cols;
	fit_picker(s);
}

static const char *header_art(enum rs_jumper_pos p)
{
	switch (p) {
	case RS_JUMPER_VIN: return "[ VIN  o==o  o  V_MOT ]";
	case RS_JUMPER_VMOT: return "[ VIN  o  o==o  V_MOT ]";
	case RS_JUMPER_NONE: break;
	}
	return "[ VIN  o  o  o  V_MOT ]";
}

static void draw_choice(WINDOW *w, int y, const char *label, const char *value, bool focused)
{
	rs_tui_put(w, y, 0, 2, focused ? ">" : " ");
	rs_tui_put(w, y, 2, 32, label);
	if (focused)
		wattron(w, rs_tui_style(RS_STYLE_SELECTED));
	char buf[64];
	snprintf(buf, sizeof(buf), "< %s >", value);
	rs_tui_put(w, y, 34, 30, buf);
	wattroff(w, rs_tui_style(RS_STYLE_SELECTED));
}

static void draw_socket(const struct jumpers *s, WINDOW *w, int y, size_t i)
{
	const struct rs_board *b = rs_wizard_board(s->wz);
	const struct rs_driver *d = rs_wizard_driver(s->wz, i);
	enum rs_jumper_pos pos = s->wz->st.jumpers[i];
	bool focused = s->focus == FIRST_SOCKET + (int)i;
	char name[32], why[256], status[32];
	bool ok = socket_ok(s, i, why, sizeof(why));
	rs_tui_put(w, y, 0, 2, focused ? ">" : " ");
	if (focused)
		wattron(w, rs_tui_style(RS_STYLE_SELECTED));
	rs_tui_put_pad(w, y, 2, 8, rs_jumper_socket_name(b, i, name, sizeof(name)));
	wattroff(w, rs_tui_style(RS_STYLE_SELECTED));
	rs_tui_put(w, y, 11, 22, d ? d->name : "(empty)");
	rs_tui_put(w, y, 34, 6, rs_jumper_pos_name(pos));
	if (!ok) {
		wattron(w, rs_tui_style(RS_STYLE_ERROR));
		rs_tui_put(w, y, 40, 2, "!!");
	}
	rs_tui_put(w, y, 43, 24, header_art(pos));
	if (!d)
		snprintf(status, sizeof(status), "no jumper");
	else if (!ok)
		snprintf(status, sizeof(status), "max %u V", rs_jumper_driver_max(d));
	else
		snprintf(status, sizeof(status), "%u V ok",
			 pos == RS_JUMPER_VMOT ? s->wz->st.motor_v : s->wz->st.main_v);
	rs_tui_put(w, y, 68, s->cols - 68, status);
	wattroff(w, rs_tui_style(RS_STYLE_ERROR));
}

static void draw_picker(const struct jumpers *s, WINDOW *w);

static void draw(const void *st, const void *ctx, WINDOW *w)
{
	(void)ctx;
	const struct jumpers *s = st;
	struct rs_wizard_state *ws = &s->wz->st;
	char val[64];
	snprintf(val, sizeof(val), "%u V", ws->main_v);
	draw_choice(w, 0, "Board power (VIN)", val, s->focus == 0);
	if (ws->motor_v)
		snprintf(val, sizeof(val), "%u V", ws->motor_v);
	else
		snprintf(val, sizeof(val), "none: one supply");
	draw_choice(w, 1, "Motor power (V_MOT terminal)", val, s->focus == 1);

	wattron(w, rs_tui_style(RS_STYLE_TITLE));
	rs_tui_put(w, 3, 2, s->cols - 2,
		   "Socket   Driver                 Jumper      Header above the socket");
	wattroff(w, rs_tui_style(RS_STYLE_TITLE));
	int y = 4;
	for (size_t i = s->sock_top; i < sockets(s) && i < s->sock_top + SOCKET_ROWS; i++)
		draw_socket(s, w, y++, i);
	y = 4 + SOCKET_ROWS + 1;
	bool on_next = s->focus == next_row(s);
	rs_tui_put(w, y, 0, 2, on_next ? ">" : " ");
	if (on_next)
		wattron(w, rs_tui_style(RS_STYLE_SELECTED));
	rs_tui_put(w, y, 2, 10, "[ Next ]");
	wattroff(w, rs_tui_style(RS_STYLE_SELECTED));
	y += 2;

	/* Errors first; while there are none, the focused socket's why. */
	int room = s->rows - 2 - y;
	char why[256], msg[320];
	size_t errors = error_count(s);
	if (errors) {
		wattron(w, rs_tui_style(RS_STYLE_ERROR));
		for (size_t i = 0; i < sockets(s) && room > 0; i++) {
			if (socket_ok(s, i, why, sizeof(why)))
				continue;
			snprintf(msg, sizeof(msg), "!! %s", why);
			int n = rs_text_draw(w, y, 1, s->cols - 2, room, 0, msg);
			y += n;
			room -= n;
		}
		if (room > 0)
			rs_text_draw(w, y, 1, s->cols - 2, room, 0,
				     s->tried_next ? "!! Next is locked until every socket is safe."
						   : "   Next is locked until every socket is safe.");
		wattroff(w, rs_tui_style(RS_STYLE_ERROR));
	} else if (is_socket_row(s, s->focus)) {
		size_t i = (size_t)(s->focus - FIRST_SOCKET);
		const struct rs_driver *d = rs_wizard_driver(s->wz, i);
		enum rs_jumper_pos p = ws->jumpers[i];
		if (!d)
			snprintf(msg, sizeof(msg), "Empty socket: no jumper on its header.");
		else if (p == RS_JUMPER_VMOT)
			snprintf(msg, sizeof(msg), "%s runs from the %u V motor supply; it is rated "
				 "for up to %u V.", d->name, ws->motor_v, rs_jumper_driver_max(d));
		else
			snprintf(msg, sizeof(msg), "%s runs from the %u V board supply%s.", d->name,
				 ws->main_v, ws->motor_v && p == RS_JUMPER_VIN ?
				 ", not from the motor terminal" : "");
		rs_text_draw(w, y, 3, s->cols - 4, room, 0, msg);
	}
	wattron(w, rs_tui_style(RS_STYLE_WARN));
	rs_tui_put(w, s->rows - 1, 1, s->cols - 2,
		   "Remove every other jumper on the board that is not marked here.");
	wattroff(w, rs_tui_style(RS_STYLE_WARN));
	if (s->picking)
		draw_picker(s, w);
}

/* The driver list: "(empty)" then every driver of the catalog. */
static void draw_pick_row(void *data, size_t i, WINDOW *w, int y, bool selected)
{
	struct jumpers *s = data;
	int x = 12, width = s->cols - 24;
	char buf[128];
	if (i == 0) {
		snprintf(buf, sizeof(buf), "(empty socket)");
	} else {
		const struct rs_driver *d = &s->wz->cat->drivers[i - 1];
		int n = snprintf(buf, sizeof(buf), "%-24s rated ", d->name);
		for (size_t v = 0; v < d->voltage_count && n < (int)sizeof(buf); v++)
			n += snprintf(buf + n, sizeof(buf) - (size_t)n, "%s%u", v ? "/" : "",
				      d->voltages[v]);
		if (n < (int)sizeof(buf))
			snprintf(buf + n, sizeof(buf) - (size_t)n, " V");
	}
	rs_tui_put(w, y, x, 2, selected ? ">" : " ");
	if (selected)
		wattron(w, rs_tui_style(RS_STYLE_SELECTED));
	rs_tui_put_pad(w, y, x + 2, width - 4, buf);
	wattroff(w, rs_tui_style(RS_STYLE_SELECTED));
}

static void draw_picker(const struct jumpers *s, WINDOW *w)
{
	char title[64], name[32];
	size_t sock = (size_t)(s->focus - FIRST_SOCKET);
	snprintf(title, sizeof(title), "Driver in %s",
		 rs_jumper_socket_name(rs_wizard_board(s->wz), sock, name, sizeof(name)));
	int h = s->pick.height + 2;
	rs_box_draw(w, 2, 10, h, s->cols - 20, title);
	rs_list_draw(&s->pick, w, 3, draw_pick_row);
}

static void open_picker(struct jumpers *s)
{
	size_t sock = (size_t)(s->focus - FIRST_SOCKET);
	s->pick = (struct rs_list){ .count = s->wz->cat->driver_count + 1, .data = s,
				    .height = s->rows - 6 };
	size_t sel = 0;
	const struct rs_driver *d = rs_wizard_driver(s->wz, sock);
	for (size_t i = 0; d && i < s->wz->cat->driver_count; i++)
		if (&s->wz->cat->drivers[i] == d)
			sel = i + 1;
	fit_picker(s);
	rs_list_select(&s->pick, sel);
	s->picking = true;
}

/* What the screen is doing now, for its rows' when. */
enum {
	MODE_PICKING = 1u << 0, /* the driver list is open */
	MODE_TABLE = 1u << 1,   /* moving through the table */
	MODE_ON_SOCKET = 1u << 2,
	MODE_ON_NEXT = 1u << 3, /* on the Next button */
};

static unsigned mode(const void *st, const void *ctx)
{
	(void)ctx;
	const struct jumpers *s = st;
	if (s->picking)
		return MODE_PICKING;
	return MODE_TABLE | (is_socket_row(s, s->focus) ? MODE_ON_SOCKET : 0) |
	       (s->focus == next_row(s) ? MODE_ON_NEXT : 0);
}

static enum rs_key_result key_move(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)ch;
	struct jumpers *s = st;
	int f = s->focus + (req == RS_REQ_UP ? -1 : 1);
	if (f >= 0 && f <= next_row(s))
		s->focus = f;
	follow_focus(s);
	return RS_KEY_HANDLED;
}

static size_t index_of(const unsigned *list, size_t n, unsigned v)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == v)
			return i;
	return 0;
}

static enum rs_key_result key_change(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ch;
	struct jumpers *s = st;
	struct rs_wizard *w = ctx;
	int dir = req == RS_REQ_LEFT ? -1 : 1;
	if (s->focus == 0 || s->focus == 1) {
		unsigned choices[RS_MAX_VOLTAGES + 1];
		size_t n;
		unsigned *target = s->focus == 0 ? &w->st.main_v : &w->st.motor_v;
		if (s->focus == 0) {
			n = sizeof(main_choices) / sizeof(main_choices[0]);
			memcpy(choices, main_choices, sizeof(main_choices));
		} else {
			n = motor_choices(w, choices);
		}
		long i = (long)index_of(choices, n, *target) + dir;
		if (i >= 0 && i < (long)n)
			*target = choices[i];
		/* New supplies: put every jumper where the rules say. */
		rs_wizard_recommend_jumpers(w);
		return RS_KEY_HANDLED;
	}
	if (is_socket_row(s, s->focus)) {
		size_t i = (size_t)(s->focus - FIRST_SOCKET);
		if (!rs_wizard_driver(w, i))
			return RS_KEY_HANDLED; /* empty: nothing to move */
		w->st.jumpers[i] = dir < 0 ? RS_JUMPER_VIN : RS_JUMPER_VMOT;
		return RS_KEY_HANDLED;
	}
	return RS_KEY_HANDLED;
}

static enum rs_key_result try_next(struct jumpers *s)
{
	if (error_count(s)) {
		s->tried_next = true;
		return RS_KEY_HANDLED;
	}
	return RS_KEY_NEXT;
}

static enum rs_key_result key_enter(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)req;
	(void)ch;
	struct jumpers *s = st;
	if (is_socket_row(s, s->focus)) {
		if (rs_jumper_integrated(rs_wizard_board(s->wz), (size_t)(s->focus - FIRST_SOCKET)))
			return RS_KEY_HANDLED; /* soldered on: nothing to choose */
		open_picker(s);
		return RS_KEY_HANDLED;
	}
	if (s->focus == next_row(s))
		return try_next(s);
	s->focus++;
	follow_focus(s);
	return RS_KEY_HANDLED;
}

static enum rs_key_result key_tab(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)req;
	(void)ch;
	struct jumpers *s = st;
	s->focus = s->focus == next_row(s) ? 0 : next_row(s);
	follow_focus(s);
	return RS_KEY_HANDLED;
}

static enum rs_key_result key_next(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)req;
	(void)ch;
	return try_next(st);
}

static enum rs_key_result key_pick_move(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)ch;
	struct jumpers *s = st;
	rs_list_key(&s->pick, req);
	return RS_KEY_HANDLED;
}

static enum rs_key_result key_pick(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)req;
	(void)ch;
	struct jumpers *s = st;
	struct rs_wizard *w = ctx;
	size_t sock = (size_t)(s->focus - FIRST_SOCKET);
	const struct rs_driver *d = s->pick.sel ? &w->cat->drivers[s->pick.sel - 1] : NULL;
	snprintf(w->st.drivers[sock], sizeof(w->st.drivers[sock]), "%s", d ? d->id : "");
	w->st.jumpers[sock] = rs_jumper_recommend(d, w->st.main_v, w->st.motor_v);
	s->picking = false;
	return RS_KEY_HANDLED;
}

static enum rs_key_result key_pick_cancel(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)req;
	(void)ch;
	((struct jumpers *)st)->picking = false;
	return RS_KEY_HANDLED;
}

static const struct rs_key_binding keys[] = {
	/* While the driver list is open. */
	{ { RS_REQ_UP, RS_REQ_DOWN, RS_REQ_PAGE_UP, RS_REQ_PAGE_DOWN }, "Up/Down", "choose", false,
	  key_pick_move, MODE_PICKING },
	{ { RS_REQ_ACCEPT }, "Enter", "fit this driver", false, key_pick, MODE_PICKING },
	{ { RS_REQ_CANCEL }, "Esc", "cancel", false, key_pick_cancel, MODE_PICKING },
	/* The table. */
	{ { RS_REQ_UP, RS_REQ_DOWN }, "Up/Down", "move", false, key_move, MODE_TABLE },
	{ { RS_REQ_LEFT, RS_REQ_RIGHT }, "Left/Right", "change", false, key_change, MODE_TABLE },
	{ { RS_REQ_ACCEPT }, "Enter", "driver", false, key_enter, MODE_ON_SOCKET },
	{ { RS_REQ_ACCEPT }, "Enter", "next step", false, key_enter, MODE_ON_NEXT },
	{ { RS_REQ_ACCEPT }, "Enter", "select", true, key_enter, MODE_TABLE },
	{ { RS_REQ_SWITCH }, "Tab", "to Next", false, key_tab, MODE_TABLE },
	{ { RS_REQ_NEXT }, "n", "next step", true, key_next, MODE_TABLE },
	{ { 0 }, NULL, NULL, false, NULL, 0 },
};

const struct rs_screen_ops rs_screen_jumpers = {
	.id = "jumpers",
	.title = "Driver power jumpers",
	.help = "Above each driver socket this board has a jumper that feeds the driver either "
		"from the board's main input (VIN) or from the motor power terminal (V_MOT). "
		"With one supply every jumper sits on VIN and the motor terminal stays empty. "
		"With a second, higher motor supply (36, 48 or 56 V) only sockets holding a "
		"driver rated for it move to V_MOT; a TMC2209-class driver on 48 V is "
		"destroyed. Set both voltages with Left/Right, choose the driver of each socket "
		"with Enter, and move a jumper with Left/Right. Next stays locked while any "
		"socket is unsafe. Remove every jumper that is not marked here.",
	.is_step = true,
	.state_size = sizeof(struct jumpers),
	.keys = keys,
	.applies = applies,
	.mode = mode,
	.enter = enter,
	.layout = layout,
	.draw = draw,
};
