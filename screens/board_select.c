/* Board selection: every board from the data, grouped by manufacturer with
 * control boards first, type-to-filter, and a side panel with what matters
 * before choosing (MCU, how it is flashed, drivers, support level). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "screens/wizard.h"
#include "tui/dialog.h"
#include "tui/list.h"
#include "platform/loop.h"
#include "tui/manager.h"
#include "tui/text.h"
#include "tui/tui.h"

#define FILTER_MAX 32

/* A visible row: a heading (board == NULL) or a board. */
struct row {
	const struct rs_board *board;
	const char *heading;
	bool toolboards;
};

struct board_screen {
	struct rs_wizard *wz; /* for the row callbacks */
	struct row *rows;
	size_t row_count;
	struct rs_list list;
	char filter[FILTER_MAX + 1];
	int height, width, list_w;
	/* The board in the side panel. It follows the cursor once the cursor
	 * rests for PANEL_DELAY_MS: while an arrow key repeats, redrawing the
	 * panel for every board passed would send ~170 bytes a step over a
	 * serial console or SSH for text nobody reads. */
	const struct rs_board *shown;
	int panel_timer; /* loop timer handle, -1 when none */
	char link_what[96]; /* the QR code box's title */
};

#define PANEL_DELAY_MS 50

static bool contains_ci(const char *hay, const char *needle)
{
	if (!hay)
		return false;
	size_t n = strlen(needle);
	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return true;
	return false;
}

/* Every word of the filter must appear in the name, manufacturer, id or MCU. */
static bool matches(const struct rs_board *b, const char *filter)
{
	char words[FILTER_MAX + 1];
	snprintf(words, sizeof(words), "%s", filter);
	for (char *save = NULL, *t = strtok_r(words, " ", &save); t; t = strtok_r(NULL, " ", &save))
		if (!contains_ci(b->name, t) && !contains_ci(b->manufacturer, t) &&
		    !contains_ci(b->id, t) && !contains_ci(b->mcu, t))
			return false;
	return true;
}

static bool row_selectable(void *data, size_t i)
{
	struct board_screen *s = data;
	return s->rows[i].board != NULL;
}

static const struct rs_board *current(const struct board_screen *s)
{
	return s->list.sel < s->row_count ? s->rows[s->list.sel].board : NULL;
}

static void rebuild(struct board_screen *s, const char *keep_id)
{
	const struct rs_catalog *cat = s->wz->cat;
	free(s->rows);
	s->rows = rs_xcalloc(cat->board_count * 2 + 1, sizeof(*s->rows));
	s->row_count = 0;
	const struct rs_board *prev = NULL;
	size_t keep = (size_t)-1;
	for (size_t i = 0; i < cat->board_count; i++) {
		const struct rs_board *b = &cat->boards[i];
		if (!matches(b, s->filter))
			continue;
		if (!prev || prev->kind != b->kind || strcmp(prev->manufacturer, b->manufacturer))
			s->rows[s->row_count++] = (struct row){ NULL, b->manufacturer,
								b->kind == RS_KIND_TOOLBOARD };
		if (keep_id && strcmp(b->id, keep_id) == 0)
			keep = s->row_count;
		s->rows[s->row_count++] = (struct row){ b, NULL, false };
		prev = b;
	}
	s->list.count = s->row_count;
	s->list.data = s;
	s->list.selectable = row_selectable;
	s->list.top = 0;
	rs_list_select(&s->list, keep != (size_t)-1 ? keep : 0);
	s->shown = current(s);
}

static void enter(void *st, void *ctx)
{
	struct board_screen *s = st;
	struct rs_wizard *w = ctx;
	s->wz = w;
	s->panel_timer = -1;
	/* A board chosen earlier wins; else what is plugged in (as it is now). */
	const struct rs_board *best = rs_wizard_hw_best(w);
	const char *keep = w->st.board[0] ? w->st.board
			   : w->preselect_id ? w->preselect_id
			   : best ? best->id : NULL;
	const struct rs_board *cur = s->rows ? current(s) : NULL;
	if (!keep && cur)
		keep = cur->id;
	rebuild(s, keep);
}

static void stop_panel_timer(struct board_screen *s)
{
	if (s->panel_timer >= 0)
		rs_loop_remove_timer(rs_tui_loop(), s->panel_timer);
	s->panel_timer = -1;
}

static bool show_current(void *data)
{
	struct board_screen *s = data;
	s->panel_timer = -1;
	s->shown = current(s);
	return true;
}

static void leave(void *st, void *ctx)
{
	(void)ctx;
	struct board_screen *s = st;
	stop_panel_timer(s);
	/* Rows point into the catalog; rebuilt on every entry. */
	free(s->rows);
	s->rows = NULL;
	s->row_count = 0;
	s->list.count = 0;
}

static void layout(void *st, void *ctx, int rows, int cols)
{
	(void)ctx;
	struct board_screen *s = st;
	s->height = rows;
	s->width = cols;
	s->list_w = cols / 2 + 1;
	s->list.height = rows - 2;
	rs_list_fix(&s->list);
}

static void draw_row(void *data, size_t i, WINDOW *w, int y, bool selected)
{
	struct board_screen *s = data;
	const struct row *r = &s->rows[i];
	int inner = s->list_w - 2;
	if (!r->board) {
		char head[96];
		snprintf(head, sizeof(head), "%s%s", r->heading, r->toolboards ? " toolboards" : "");
		wattron(w, rs_tui_style(RS_STYLE_TITLE));
		rs_tui_put(w, y, 2, inner - 2, head);
		wattroff(w, rs_tui_style(RS_STYLE_TITLE));
		return;
	}
	/* The cursor is a bold marker, not a reversed row: a move then rewrites
	 * two cells instead of two names, which matters on a slow serial or
	 * SSH link (bench/RESULTS.md). */
	if (selected)
		wattron(w, rs_tui_style(RS_STYLE_KEY));
	rs_tui_put(w, y, 2, 2, selected ? ">" : " ");
	wattroff(w, rs_tui_style(RS_STYLE_KEY));
	/* Live: read on every draw, so plugging the board in or out shows. */
	enum rs_hw_mark mark = rs_wizard_hw_mark(s->wz, r->board);
	if (s->wz->connected_id && strcmp(s->wz->connected_id, r->board->id) == 0)
		mark = RS_HW_MARK_CONNECTED;
	const char *tag = mark == RS_HW_MARK_CONNECTED ? "[connected]"
			  : mark == RS_HW_MARK_MAYBE   ? "[connected?]"
						       : NULL;
	int tag_w = tag ? rs_tui_width(tag) : 0;
	rs_tui_put(w, y, 4, inner - 5 - (tag ? tag_w + 1 : 0), r->board->name);
	if (tag) {
		wattron(w, rs_tui_style(RS_STYLE_OK));
		rs_tui_put(w, y, inner - tag_w, tag_w, tag);
		wattroff(w, rs_tui_style(RS_STYLE_OK));
	}
}

static const char *flash_text(const struct rs_board *b)
{
	switch (b->flash_method) {
	case RS_FLASH_SDCARD: return "SD card only";
	case RS_FLASH_USB: return "USB (make flash)";
	case RS_FLASH_DFU: return "USB DFU (BOOT0 jumper)";
	case RS_FLASH_FLASH_SDCARD: return "SD card in the board";
	case RS_FLASH_MANUAL: return "manual only";
	}
	return "?";
}

static void panel_field(WINDOW *w, int y, int x, int width, const char *label, const char *val)
{
	wattron(w, rs_tui_style(RS_STYLE_TITLE));
	rs_tui_put(w, y, x, 11, label);
	wattroff(w, rs_tui_style(RS_STYLE_TITLE));
	rs_tui_put(w, y, x + 11, width - 11, val);
}

/* The docs link whole in the bottom border, which spans the screen: the panel
 * is too narrow for most links, and a link wrapped mid-word cannot be typed
 * back. False when the screen is too narrow for it too. */
static bool draw_docs_border(const struct board_screen *s, WINDOW *w, const char *url)
{
	int width = s->width - 4;
	if (rs_tui_width("Docs: ") + rs_tui_width(url) + 2 > width)
		return false;
	wattron(w, rs_tui_style(RS_STYLE_TITLE));
	mvwaddch(w, s->height - 1, 2, ' ');
	int used = rs_tui_put(w, s->height - 1, 3, width - 2, "Docs: ");
	used += rs_tui_put(w, s->height - 1, 3 + used, width - 2 - used, url);
	waddch(w, ' ');
	wattroff(w, rs_tui_style(RS_STYLE_TITLE));
	return true;
}

static void draw_panel(const struct board_screen *s, WINDOW *w, const struct rs_board *b)
{
	int x0 = s->list_w - 1, pw = s->width - x0;
	rs_box_draw(w, 0, x0, s->height, pw, b ? b->name : "No board");
	mvwaddch(w, 0, x0, ACS_TTEE);
	mvwaddch(w, s->height - 1, x0, ACS_BTEE);
	if (!b)
		return;
	int x = x0 + 2, width = pw - 4, y = 1;
	char buf[512]; /* the support reason can be long */
	panel_field(w, y++, x, width, "MCU", b->mcu);
	panel_field(w, y++, x, width, "Flashing", flash_text(b));
	if (b->power_jumpers)
		snprintf(buf, sizeof(buf), "%u sockets, VIN/V_MOT", b->driver_count);
	else if (b->integrated_drivers.count)
		snprintf(buf, sizeof(buf), "%u integrated", b->driver_count);
	else
		snprintf(buf, sizeof(buf), "%u sockets", b->driver_count);
	panel_field(w, y++, x, width, "Drivers", buf);
	if (b->motor_voltage_count) {
		int n = 0;
		buf[0] = '\0';
		for (size_t i = 0; i < b->motor_voltage_count; i++)
			n += snprintf(buf + n, sizeof(buf) - (size_t)n, "%s%u", i ? " / " : "",
				      b->motor_voltages[i]);
		panel_field(w, y++, x, width, "Motor V", buf);
	}
	snprintf(buf, sizeof(buf), "%s", b->endstop_rail == RS_RAIL_NONE ? "no warning" :
		 b->endstop_rail == RS_RAIL_5V ? "check cables (5 V rail)" :
						 "check cables (3.3 V rail)");
	panel_field(w, y++, x, width, "Endstops", buf);
	panel_field(w, y++, x, width, "Support", rs_support_level_name(b->support));
	const struct rs_hw_board *dev = rs_wizard_hw_device(s->wz, b);
	if (dev) {
		bool sure = rs_wizard_hw_mark(s->wz, b) == RS_HW_MARK_CONNECTED;
		/* Short: the panel has about 25 columns for it. */
		snprintf(buf, sizeof(buf), "%s%s (%s)", sure ? "" : "MCU of ",
			 dev->devnode ? dev->devnode : "USB", rs_hw_board_kind_name(dev->kind));
		panel_field(w, y++, x, width, "Connected", buf);
	}
	y++;
	if (b->support != RS_SUPPORT_FULL) {
		const char *rec = NULL;
		if (b->recommended) {
			const struct rs_board *r = rs_catalog_find(s->wz->cat, b->recommended);
			rec = r ? r->name : b->recommended;
		}
		/* The reason usually names the recommended board already. */
		bool named = rec && b->support_reason && strstr(b->support_reason, rec);
		snprintf(buf, sizeof(buf), "! %s support. %s%s%s",
			 b->support == RS_SUPPORT_PARTIAL ? "Partial" : "No",
			 b->support_reason ? b->support_reason : "",
			 rec && !named ? " Recommended instead: " : "", rec && !named ? rec : "");
		wattron(w, rs_tui_style(RS_STYLE_WARN));
		y += rs_text_draw(w, y, x, width, s->height - 3 - y, 0, buf);
		wattroff(w, rs_tui_style(RS_STYLE_WARN));
		y++;
	}
	if (b->docs_url && !draw_docs_border(s, w, b->docs_url))
		rs_text_draw_link(w, y, x, width, s->height - 1 - y, "Docs:", b->docs_url);
}

static void draw(const void *st, const void *ctx, WINDOW *w)
{
	(void)ctx;
	const struct board_screen *s = st;
	char title[80];
	if (s->filter[0])
		snprintf(title, sizeof(title), "Boards (filter: %s)", s->filter);
	else
		snprintf(title, sizeof(title), "Boards (type to filter)");
	rs_box_draw(w, 0, 0, s->height, s->list_w, title);
	draw_panel(s, w, s->shown);
	if (!current(s)) {
		char msg[96];
		snprintf(msg, sizeof(msg), "No board matches \"%s\". Backspace edits the filter, "
			 "Esc clears it.", s->filter);
		rs_text_draw(w, 2, 2, s->list_w - 4, 4, 0, msg);
		return;
	}
	rs_list_draw(&s->list, w, 1, draw_row);
}

static enum rs_key_result key_move(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)ch;
	struct board_screen *s = st;
	if (!rs_list_key(&s->list, req))
		return RS_KEY_IGNORED;
	stop_panel_timer(s);
	if (current(s) != s->shown)
		s->panel_timer = rs_loop_add_timer(rs_tui_loop(), PANEL_DELAY_MS, false, show_current, s);
	if (s->panel_timer < 0) /* no timer slot: show it now */
		s->shown = current(s);
	return RS_KEY_HANDLED;
}

static enum rs_key_result key_choose(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)req;
	(void)ch;
	struct board_screen *s = st;
	const struct rs_board *b = current(s);
	if (!b)
		return RS_KEY_HANDLED;
	rs_wizard_choose_board(ctx, b);
	return RS_KEY_NEXT;
}

/* What the screen is doing now (its rows' when). */
enum {
	MODE_FILTERING = 1u << 0,
	MODE_HAS_LINK = 1u << 1, /* the board in the panel has a documentation link */
};

static unsigned mode(const void *st, const void *ctx)
{
	(void)ctx;
	const struct board_screen *s = st;
	return (s->filter[0] ? MODE_FILTERING : 0) |
	       (s->shown && s->shown->docs_url ? MODE_HAS_LINK : 0);
}

static void set_filter(struct board_screen *s, const char *f)
{
	const struct rs_board *cur = current(s);
	/* f may point into s->filter itself (backspace), hence memmove. */
	size_t n = strnlen(f, sizeof(s->filter) - 1);
	memmove(s->filter, f, n);
	s->filter[n] = '\0';
	rebuild(s, cur ? cur->id : NULL);
}

static enum rs_key_result key_clear(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)req;
	(void)ch;
	set_filter(st, "");
	return RS_KEY_HANDLED;
}

static enum rs_key_result key_backspace(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)req;
	(void)ch;
	struct board_screen *s = st;
	char f[FILTER_MAX + 1];
	snprintf(f, sizeof(f), "%s", s->filter);
	size_t n = strlen(f);
	if (n)
		f[n - 1] = '\0';
	set_filter(s, f);
	return RS_KEY_HANDLED;
}

/* Typing filters. While the filter is empty, '?' and 'q' keep their global
 * meaning (no board name starts with them); once typing started every
 * printable key is text. */
static enum rs_key_result key_type(void *st, void *ctx, enum rs_request req, int key)
{
	(void)ctx;
	(void)req;
	struct board_screen *s = st;
	if (key < 0x20 || key > 0x7e)
		return RS_KEY_IGNORED;
	if (!s->filter[0] && (key == '?' || key == 'q' || key == 'Q' || key == ' '))
		return RS_KEY_IGNORED;
	size_t n = strlen(s->filter);
	if (n >= FILTER_MAX)
		return RS_KEY_HANDLED;
	char f[FILTER_MAX + 2];
	memcpy(f, s->filter, n);
	f[n] = (char)tolower(key);
	f[n + 1] = '\0';
	set_filter(s, f);
	return RS_KEY_HANDLED;
}

/* The link of the board in the panel (the one whose link the border shows). */
static const char *link(void *st, void *ctx, const char **what)
{
	(void)ctx;
	struct board_screen *s = st;
	if (!s->shown || !s->shown->docs_url)
		return NULL;
	snprintf(s->link_what, sizeof(s->link_what), "%s documentation", s->shown->name);
	*what = s->link_what;
	return s->shown->docs_url;
}

static const struct rs_key_binding keys[] = {
	{ { RS_REQ_UP, RS_REQ_DOWN }, "Up/Down", "move", false, key_move, 0 },
	{ { RS_REQ_PAGE_UP, RS_REQ_PAGE_DOWN, RS_REQ_HOME, RS_REQ_END }, "PgUp/PgDn/Home/End",
	  "move faster", true, key_move, 0 },
	{ { RS_REQ_ACCEPT }, "Enter", "choose", false, key_choose, 0 },
	{ { RS_REQ_TYPE }, "type", "filter", false, key_type, 0 },
	{ { RS_REQ_ERASE }, "Backspace", "edit filter", true, key_backspace, MODE_FILTERING },
	{ { RS_REQ_CANCEL }, "Esc", "clear filter", false, key_clear, MODE_FILTERING },
	RS_MANAGER_LINK_KEY(MODE_HAS_LINK),
	{ { 0 }, NULL, NULL, false, NULL, 0 },
};

const struct rs_screen_ops rs_screen_board = {
	.id = "board",
	.title = "Controller board",
	.help = "Choose the board the firmware is for. Boards are grouped by manufacturer, "
		"control boards first, toolboards after. Type part of a name, manufacturer, "
		"id or MCU to filter the list (several words must all match); Backspace edits "
		"the filter and Esc clears it. While the filter is empty, q quits and ? shows "
		"this help. The panel on the right shows the MCU, how the board is flashed, its "
		"drivers and how well it is supported; F2 shows its documentation link as a QR "
		"code, for a phone to open.",
	.is_step = true,
	.state_size = sizeof(struct board_screen),
	.keys = keys,
	.enter = enter,
	.leave = leave,
	.layout = layout,
	.draw = draw,
	.mode = mode,
	.link = link,
};
