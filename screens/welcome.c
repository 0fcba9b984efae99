/* Welcome: what the wizard does, what it found (Klipper tree, board data,
 * rejected board files), and the offer to resume an earlier run. */
#include <stdio.h>
#include <string.h>

#include "platform/doctor.h"
#include "screens/flash_all.h"
#include "screens/report_key.h"
#include "screens/update.h"
#include "screens/wizard.h"
#include "tui/text.h"
#include "tui/tui.h"

struct welcome {
	int rows, cols;
	struct rs_pager pager; /* scrolls the list of rejected files */
};

static const char intro[] =
	"From \"which board is this?\" to new Klipper firmware on it:\n"
	"  1. choose your controller board\n"
	"  2. set the driver power jumpers (boards with VIN / V_MOT jumpers)\n"
	"  3. check your endstop cables (where old RatRig cables short a rail)\n"
	"  4. review your choices, then build the firmware and put it on the board\n"
	"Choices are saved after every step: leave at any time and resume later.";

static const char *step_title(const char *id)
{
	static const struct rs_screen_ops *const all[] = {
		&rs_screen_board, &rs_screen_jumpers, &rs_screen_endstop, &rs_screen_summary,
		&rs_screen_firmware, &rs_screen_sdcard,
	};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(all[i]->id, id) == 0)
			return all[i]->title;
	return id;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static void field_in(WINDOW *w, int y, int width, const char *label, const char *text,
		     enum rs_style style)
{
	wattron(w, rs_tui_style(RS_STYLE_TITLE));
	rs_tui_put(w, y, 2, 10, label);
	wattroff(w, rs_tui_style(RS_STYLE_TITLE));
	wattron(w, rs_tui_style(style));
	rs_tui_put(w, y, 12, width - 10, text);
	wattroff(w, rs_tui_style(style));
}

static void field(WINDOW *w, int y, int width, const char *label, const char *text)
{
	field_in(w, y, width, label, text, RS_STYLE_NORMAL);
}

#define HW_LINES 2 /* per kind; more are counted */

/* What is plugged in, live: boards on USB with the board files they match,
 * and the cards that could be written. Returns the next free row. */
static int draw_hw(WINDOW *w, const struct rs_wizard *wz, int y, int width)
{
	char line[600];
	const char *problem = rs_wizard_hw_problem(wz);
	const struct rs_hw_list *l = rs_wizard_hw_list(wz);
	if (problem && !wz->hw.disc) {
		snprintf(line, sizeof(line), "not detected (%s); choose the board and the card "
			 "by hand", problem);
		field_in(w, y++, width, "Devices", line, RS_STYLE_WARN);
		return y;
	}
	if (l->board_count == 0)
		field(w, y++, width, "USB", "no controller board found");
	for (size_t i = 0; i < l->board_count && i < HW_LINES; i++) {
		rs_wizard_hw_board_text(wz, &l->boards[i], line, sizeof(line));
		field(w, y++, width, i ? "" : "USB", line);
	}
	if (l->board_count > HW_LINES) {
		snprintf(line, sizeof(line), "and %zu more ('ratos-setup devices' lists them)",
			 l->board_count - HW_LINES);
		field(w, y++, width, "", line);
	}
	size_t shown = 0, cards = 0;
	for (size_t i = 0; i < l->card_count; i++) {
		const struct rs_hw_card *c = &l->cards[i];
		if (c->refusal != RS_CARD_OK && c->refusal != RS_CARD_READ_ONLY)
			continue;
		cards++;
		if (shown >= HW_LINES)
			continue;
		rs_wizard_hw_card_text(c, line, sizeof(line));
		if (c->refusal == RS_CARD_READ_ONLY)
			snprintf(line + strlen(line), sizeof(line) - strlen(line), " (write-protected)");
		field(w, y++, width, shown++ ? "" : "SD card", line);
	}
	if (!cards)
		field(w, y++, width, "SD card", "none in a card reader");
	else if (cards > shown) {
		snprintf(line, sizeof(line), "and %zu more", cards - shown);
		field(w, y++, width, "", line);
	}
	if (problem)
		field_in(w, y++, width, "", problem, RS_STYLE_WARN);
	return y;
}

#define MCU_LINES 3

/* What the last Klipper start says about each MCU (as `doctor`), and the
 * one key that fixes it. Nothing when there is no usable klippy.log. */
static int draw_doctor(WINDOW *w, const struct rs_wizard *wz, int y, int width)
{
	char line[600];
	size_t i = 0;
	for (; i < MCU_LINES && rs_wizard_doctor_line(wz, i, line, sizeof(line)); i++) {
		bool ok = wz->doctor->entries[i].judged.verdict == RS_DOC_CURRENT;
		field_in(w, y++, width, i ? "" : "Firmware", line, ok ? RS_STYLE_NORMAL : RS_STYLE_WARN);
	}
	if (i == MCU_LINES && rs_wizard_doctor_line(wz, i, line, sizeof(line)))
		field(w, y++, width, "", "and more ('ratos-setup doctor' lists them)");
	if (wz->fix_board) {
		snprintf(line, sizeof(line), rs_board_uses_sdcard(wz->fix_board)
					     ? "f: new firmware onto the %s's SD card"
					     : "f: build new firmware for the %s",
			 wz->fix_board->name);
		wattron(w, rs_tui_style(RS_STYLE_TITLE));
		rs_tui_put(w, y++, 12, width - 10, line);
		wattroff(w, rs_tui_style(RS_STYLE_TITLE));
	}
	size_t behind = rs_wizard_mcus_behind(wz);
	if (behind > 1) {
		snprintf(line, sizeof(line), "a: all %zu MCUs in one pass (ratos-setup flash --all)",
			 behind);
		wattron(w, rs_tui_style(RS_STYLE_TITLE));
		rs_tui_put(w, y++, 12, width - 10, line);
		wattroff(w, rs_tui_style(RS_STYLE_TITLE));
	}
	return y;
}

static void layout(void *st, void *ctx, int rows, int cols)
{
	(void)ctx;
	struct welcome *s = st;
	s->rows = rows;
	s->cols = cols;
}

static void draw(const void *st, const void *ctx, WINDOW *w)
{
	const struct welcome *s = st;
	const struct rs_wizard *wz = ctx;
	int y = 1, width = s->cols - 4;
	y += rs_text_draw(w, y, 2, width, 7, 0, intro) + 1;

	char line[600];
	if (!wz->started) {
		field(w, y++, width, "Klipper", "looking...");
		field(w, y++, width, "Devices", "looking...");
	} else if (wz->klipper_found) {
		snprintf(line, sizeof(line), "%s  %s", wz->klipper.path,
			 wz->klipper.version ? wz->klipper.version : "(version unknown: not a git tree)");
	} else {
		snprintf(line, sizeof(line),
			 "none found in ~/klipper (the firmware step needs one)");
	}
	if (wz->started) {
		field(w, y++, width, "Klipper", line);
		y = draw_hw(w, wz, y, width);
		y = draw_doctor(w, wz, y, width);
	}
	size_t rejected = wz->cat->errors.count;
	snprintf(line, sizeof(line), "%zu boards and %zu drivers loaded%s", wz->cat->board_count,
		 wz->cat->driver_count,
		 rejected ? "; rejected files:" : "");
	field(w, y++, width, "Boards", line);

	/* Reserve the bottom for the resume question and any state problem. */
	int bottom = s->rows - 1;
	const char *changed = wz->resume_offered && wz->resume_planned &&
					      wz->resume_plan.changed[0]
				      ? wz->resume_plan.changed
				      : NULL;
	if (wz->resume_offered)
		bottom -= 3 + (changed ? rs_text_lines(changed, width) : 0);
	if (wz->state_problem[0])
		bottom -= rs_text_lines(wz->state_problem, width) + 1;
	if (wz->report_msg[0])
		bottom -= rs_text_lines(wz->report_msg, width) + 1;
	int room = bottom - y;
	if (rejected && room > 0) {
		/* Scrolled past the end: the last room lines. */
		int top = s->pager.top;
		if (top > (int)rejected - room)
			top = (int)rejected - room > 0 ? (int)rejected - room : 0;
		wattron(w, rs_tui_style(RS_STYLE_WARN));
		for (int i = 0; i < room && (size_t)(top + i) < rejected; i++) {
			const struct rs_error *e = &wz->cat->errors.items[top + i];
			if (e->line > 0)
				snprintf(line, sizeof(line), "%s:%d:%d: %s", base_name(e->file),
					 e->line, e->col, e->msg);
			else
				snprintf(line, sizeof(line), "%s: %s", base_name(e->file), e->msg);
			rs_tui_put(w, y + i, 4, width - 2, line);
		}
		wattroff(w, rs_tui_style(RS_STYLE_WARN));
	}
	y = bottom + 1;
	if (wz->state_problem[0]) {
		wattron(w, rs_tui_style(RS_STYLE_WARN));
		y += rs_text_draw(w, y, 2, width, 3, 0, wz->state_problem) + 1;
		wattroff(w, rs_tui_style(RS_STYLE_WARN));
	}
	if (wz->report_msg[0]) {
		wattron(w, rs_tui_style(wz->report_msg[0] == '!' ? RS_STYLE_WARN : RS_STYLE_OK));
		y += rs_text_draw(w, y, 2, width, 3, 0, wz->report_msg) + 1;
		wattroff(w, rs_tui_style(wz->report_msg[0] == '!' ? RS_STYLE_WARN : RS_STYLE_OK));
	}
	if (wz->resume_offered) {
		const struct rs_board *b = rs_catalog_find(wz->cat, wz->saved.board);
		snprintf(line, sizeof(line), "Saved from an earlier run: %s, at \"%s\".",
			 b ? b->name : wz->saved.board, step_title(wz->saved.step));
		rs_tui_put(w, y++, 2, width, line);
		if (changed) {
			/* What no longer holds, and so where the run picks up. */
			wattron(w, rs_tui_style(RS_STYLE_WARN));
			y += rs_text_draw(w, y, 2, width, 4, 0, changed);
			wattroff(w, rs_tui_style(RS_STYLE_WARN));
		}
		const char *at = wz->resume_planned ? rs_step_id(wz->resume_plan.step) : NULL;
		if (at && strcmp(at, wz->saved.step) != 0)
			snprintf(line, sizeof(line), "Resume at \"%s\"? [Y/n]", step_title(at));
		else
			snprintf(line, sizeof(line), "Resume where you left off? [Y/n]");
		wattron(w, rs_tui_style(RS_STYLE_TITLE));
		rs_tui_put(w, y, 2, width, line);
		wattroff(w, rs_tui_style(RS_STYLE_TITLE));
	}
}

/* The last Klipper start went wrong or an MCU needs new firmware. */
static bool trouble(const struct rs_wizard *w)
{
	const struct rs_doctor_report *d = w->doctor;
	if (!d || d->count == 0)
		return false;
	bool behind = d->protocol_error;
	for (size_t i = 0; i < d->count; i++)
		behind = behind || d->entries[i].judged.verdict == RS_DOC_FIRMWARE_OLDER ||
			 d->entries[i].judged.verdict == RS_DOC_BUILT_NOT_FLASHED;
	return behind;
}

/* What the screen offers now (its rows' when). */
enum {
	MODE_RESUME = 1u << 0, /* an earlier run is offered for resuming */
	MODE_FRESH = 1u << 1,  /* nothing to resume: Enter starts */
	MODE_FIX = 1u << 2,    /* the last Klipper start named a board to fix */
	MODE_TROUBLE = 1u << 3, /* Klipper's last start failed or an MCU is behind: p reports */
	MODE_FIX_ALL = 1u << 4, /* more than one MCU is behind: a does them all */
};

static unsigned mode(const void *st, const void *ctx)
{
	(void)st;
	const struct rs_wizard *w = ctx;
	return (w->resume_offered ? MODE_RESUME : MODE_FRESH) | (w->fix_board ? MODE_FIX : 0) |
	       (trouble(w) ? MODE_TROUBLE : 0) | (rs_wizard_mcus_behind(w) > 1 ? MODE_FIX_ALL : 0);
}

static enum rs_key_result key_start(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)st;
	(void)req;
	(void)ch;
	struct rs_wizard *w = ctx;
	w->state_problem[0] = '\0';
	return RS_KEY_NEXT;
}

static enum rs_key_result key_resume(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)st;
	(void)req;
	(void)ch;
	rs_wizard_resume(ctx);
	return RS_KEY_JUMP;
}

static enum rs_key_result key_start_over(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)st;
	(void)req;
	(void)ch;
	rs_wizard_start_over(ctx);
	return RS_KEY_HANDLED;
}

static enum rs_key_result key_report(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)st;
	(void)req;
	(void)ch;
	rs_wizard_write_report(ctx);
	return RS_KEY_HANDLED;
}

static enum rs_key_result key_fix(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)st;
	(void)req;
	(void)ch;
	return rs_wizard_fix_it(ctx);
}

static enum rs_key_result key_fix_all(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)st;
	(void)req;
	(void)ch;
	return rs_wizard_fix_all(ctx);
}

static enum rs_key_result key_scroll(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ch;
	struct welcome *s = st;
	struct rs_wizard *w = ctx;
	int total = (int)w->cat->errors.count;
	return rs_pager_key(&s->pager, req, total, 1) ? RS_KEY_HANDLED : RS_KEY_IGNORED;
}

static const struct rs_key_binding keys[] = {
	{ { RS_REQ_ACCEPT, RS_REQ_YES }, "Enter", "resume", false, key_resume, MODE_RESUME },
	{ { RS_REQ_NO }, "n", "start over", false, key_start_over, MODE_RESUME },
	{ { RS_REQ_FIX }, "f", "fix it", false, key_fix, MODE_FIX },
	{ { RS_REQ_REPORT }, RS_REPORT_LEGEND, false, key_report, MODE_TROUBLE },
	{ { RS_REQ_ACCEPT }, "Enter", "start", false, key_start, MODE_FRESH },
	/* After Enter: on a narrow footer the line above the footer names it. */
	{ { RS_REQ_FIX_ALL }, "a", "fix all", false, key_fix_all, MODE_FIX_ALL },
	{ { RS_REQ_UP, RS_REQ_DOWN }, "Up/Down", "scroll", true, key_scroll, 0 },
	{ { 0 }, NULL, NULL, false, NULL, 0 },
};

const struct rs_screen_ops rs_screen_welcome = {
	.id = "welcome",
	.title = "Welcome",
	.help = "This first screen says what the wizard does and what it found on this "
		"machine: the Klipper source tree the firmware is built from, the boards on USB "
		"and the SD cards in card readers (updated as they are plugged in or out), how "
		"many boards "
		"the board data describes, and any board file that was rejected (as "
		"file:line:col). When an earlier run was left unfinished, Enter resumes it and "
		"n starts over. After a Klipper update it shows, per MCU, what the last Klipper "
		"start said (as 'ratos-setup doctor'); when a board needs new firmware, f goes "
		"straight to its build and, for SD-card boards, on to the card, past the hardware "
		"steps already confirmed for it. When more than one MCU needs new firmware (a "
		"toolboard too, the Pi's own MCU), a runs 'ratos-setup flash --all' for all of "
		"them in one pass: first its plan, then, after asking, the pass itself, with "
		"Klipper stopped once and started again at the end; it needs sudo.",
	.is_step = false,
	.state_size = sizeof(struct welcome),
	.keys = keys,
	.mode = mode,
	.layout = layout,
	.draw = draw,
};
