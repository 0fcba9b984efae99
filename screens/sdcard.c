/* Write SD card, for boards whose bootloader flashes from a card: the cards
 * discovery considers safe, live; a confirmation whose default is No; the
 * write with its read-back; the board's steps; and a check of the card after
 * the board was powered with it. Every fault is a message on this screen,
 * never the end of the wizard. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/wizard_model.h"
#include "core/xalloc.h"
#include "screens/report_key.h"
#include "screens/sdcard_actions.h"
#include "screens/sdcard_draw.h"
#include "screens/sdcard_list.h"
#include "screens/sdcard_write.h"
#include "screens/update.h"
#include "screens/wizard.h"
#include "tui/manager.h"
#include "tui/dialog.h"
#include "tui/text.h"
#include "tui/tui.h"

enum phase {
	PH_NO_FIRMWARE, /* nothing to write: missing, empty or for another MCU */
	PH_STALE,       /* built for another Klipper version or board config */
	PH_WAIT,        /* no card to offer yet */
	PH_CHOOSE,      /* cards listed, the cursor on one */
	PH_CONFIRM,     /* the write dialog is open */
	PH_WRITING,     /* the write runs: progress, c/Esc/q ask to stop */
	PH_FAILED,      /* not written or stopped: what happened, the card's state, what to do */
	PH_WRITTEN,     /* written and verified: the board's steps */
	PH_CHECK_WAIT,  /* a check was asked for: waiting for the card to come back */
};

struct sd_screen {
	struct rs_wizard *wz;
	int rows, cols;
	enum phase phase;
	char *fw_path;
	struct rs_fwinfo fw;
	char fw_problem[600];
	struct rs_sd_cards cards;
	struct rs_dialog dlg;
	char *dlg_text;
	char *chosen; /* syspath of the card in the dialog */
	struct rs_sdcard_id chosen_id; /* serial and size of that card */
	char *written; /* syspath of the card the firmware went to */
	struct rs_sd_written result;
	struct rs_sd_run run;
	char hint[300]; /* PH_FAILED: what to do */
	struct rs_pager pager;
	char msg[1400]; /* faults, removals, check results */
	enum rs_style msg_style;
};

static const struct rs_board *board(const struct sd_screen *s)
{
	return rs_wizard_board(s->wz);
}

static void say(struct sd_screen *s, enum rs_style style, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void say(struct sd_screen *s, enum rs_style style, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->msg, sizeof(s->msg), fmt, ap);
	va_end(ap);
	s->msg_style = style;
}

static bool applies(void *ctx)
{
	return rs_model_step_applies(rs_wizard_board(ctx), RS_STEP_SDCARD);
}

static void load_firmware(struct sd_screen *s)
{
	free(s->fw_path);
	rs_fwinfo_free(&s->fw);
	rs_sd_action_firmware(board(s), &s->fw_path, &s->fw, s->fw_problem,
			      sizeof(s->fw_problem));
}

static void check_card(struct sd_screen *s, const char *syspath);

/* Follows what is plugged in: a new card is selected (the screen moves on by
 * itself), a card taken out mid-way is said, a card back in the reader after
 * the board had it is checked. True when something changed. */
static bool follow(struct sd_screen *s)
{
	struct rs_sd_cards_change ch;
	if (!rs_sd_cards_sync(&s->cards, s->wz, &ch))
		return false;
	bool any = rs_sd_cards_selectable(&s->cards) > 0;
	switch (s->phase) {
	case PH_NO_FIRMWARE:
	case PH_STALE:
		break;
	case PH_CONFIRM:
		if (ch.removed && rs_sd_cards_find(&s->cards, s->chosen) == SIZE_MAX) {
			s->phase = any ? PH_CHOOSE : PH_WAIT;
			say(s, RS_STYLE_WARN, "The card was taken out before anything was written. "
					      "Put it back to write to it.");
		}
		break;
	case PH_WRITING:
		break; /* a card pulled mid-write is the write's own failure */
	case PH_WAIT:
	case PH_CHOOSE:
	case PH_FAILED:
		if (ch.added) {
			rs_sd_cards_select(&s->cards, ch.added);
			say(s, RS_STYLE_OK, "Card found: %s. Enter shows what will be written to it "
					    "and asks first.", rs_sd_cards_target(&s->cards));
		} else if (ch.removed) {
			say(s, RS_STYLE_WARN, "The card %s was taken out.%s", ch.removed_target,
			    any ? "" : " Insert a card to go on.");
		}
		s->phase = any ? PH_CHOOSE : PH_WAIT;
		break;
	case PH_WRITTEN:
		if (ch.removed && rs_sd_cards_find(&s->cards, s->written) == SIZE_MAX)
			say(s, RS_STYLE_OK, "Card taken out. Follow the steps below; when the card "
					    "is back in the reader, press c to check it.");
		break;
	case PH_CHECK_WAIT:
		/* The same reader, or whichever card comes next. */
		if (rs_sd_cards_find(&s->cards, s->written) != SIZE_MAX)
			check_card(s, s->written);
		else if (ch.added)
			check_card(s, ch.added);
		break;
	}
	rs_sd_cards_change_free(&ch);
	return true;
}

static void reset(struct sd_screen *s)
{
	rs_sd_written_free(&s->result);
	free(s->written);
	s->written = NULL;
	s->msg[0] = '\0';
	s->pager.top = 0;
	s->phase = rs_sd_cards_selectable(&s->cards) ? PH_CHOOSE : PH_WAIT;
}

static void enter(void *st, void *ctx)
{
	struct sd_screen *s = st;
	s->wz = ctx;
	load_firmware(s);
	rs_sd_cards_sync(&s->cards, s->wz, NULL);
	reset(s);
	if (s->fw_problem[0])
		s->phase = PH_NO_FIRMWARE;
	else if (rs_wizard_fw_stale(s->wz, board(s), s->fw_problem, sizeof(s->fw_problem)))
		s->phase = PH_STALE;
}

static void leave(void *st, void *ctx)
{
	(void)ctx;
	struct sd_screen *s = st;
	rs_sd_run_free(&s->run); /* a running write is stopped, safely */
	rs_sd_cards_free(&s->cards);
	rs_sd_written_free(&s->result);
	rs_fwinfo_free(&s->fw);
	free(s->fw_path);
	free(s->dlg_text);
	free(s->chosen);
	free(s->written);
	s->fw_path = s->dlg_text = s->chosen = s->written = NULL;
}

static void layout(void *st, void *ctx, int rows, int cols)
{
	(void)ctx;
	struct sd_screen *s = st;
	s->rows = rows;
	s->cols = cols;
	rs_sd_cards_layout(&s->cards, rows - 12 < 6 ? rows - 12 : 6, cols - 4);
}

/* ---- confirm, write, check ---- */

static void open_dialog(struct sd_screen *s)
{
	char problem[sizeof(s->msg)];
	char *text = rs_sd_action_confirm(board(s), &s->fw, rs_sd_cards_target(&s->cards),
					  &s->chosen_id, problem, sizeof(problem));
	if (!text) {
		say(s, RS_STYLE_ERROR, "%s", problem);
		return;
	}
	free(s->dlg_text);
	s->dlg_text = text;
	free(s->chosen);
	s->chosen = rs_xstrdup(rs_sd_cards_syspath(&s->cards));
	s->dlg = (struct rs_dialog){ .title = "Write firmware?", .text = s->dlg_text,
				     .no_label = "No", .yes_label = "Yes, write",
				     .yes_selected = false };
	s->phase = PH_CONFIRM;
	s->msg[0] = '\0';
}

/* The write is over (written, failed or stopped): its result on screen. */
static void write_ended(void *data)
{
	struct sd_screen *s = data;
	char problem[sizeof(s->msg)];
	if (!rs_sd_action_written(&s->run, rs_tui_utf8(), &s->result, problem, sizeof(problem),
				  s->hint, sizeof(s->hint))) {
		s->phase = PH_FAILED;
		say(s, RS_STYLE_ERROR, "%s", problem);
		return;
	}
	free(s->written);
	s->written = rs_xstrdup(s->chosen);
	s->phase = PH_WRITTEN;
	s->pager.top = 0;
	s->msg[0] = '\0';
}

/* Starts the write on the wizard's loop; the screen stays responsive and
 * write_ended takes over when it is over. */
static void write_card(struct sd_screen *s)
{
	size_t i = rs_sd_cards_find(&s->cards, s->chosen);
	if (i == SIZE_MAX) {
		s->phase = rs_sd_cards_selectable(&s->cards) ? PH_CHOOSE : PH_WAIT;
		say(s, RS_STYLE_WARN, "The card was taken out; nothing was written.");
		return;
	}
	s->phase = PH_WRITING;
	s->msg[0] = '\0';
	rs_sd_run_start(&s->run, board(s), s->fw_path, rs_sd_cards_target_at(&s->cards, i),
			&s->chosen_id, write_ended, s);
}

static void check_card(struct sd_screen *s, const char *syspath)
{
	size_t i = rs_sd_cards_find(&s->cards, syspath);
	if (s->phase == PH_CHECK_WAIT)
		s->phase = s->written ? PH_WRITTEN : PH_CHOOSE;
	if (i == SIZE_MAX)
		return;
	enum rs_sd_verdict v = rs_sd_action_check(board(s), s->fw_path,
						  rs_sd_cards_target_at(&s->cards, i), s->msg,
						  sizeof(s->msg));
	s->msg_style = v == RS_SD_FLASHED ? RS_STYLE_OK
		       : v == RS_SD_NOT_FLASHED ? RS_STYLE_WARN
						: RS_STYLE_ERROR;
}

/* ---- keys ---- */

/* The phase as the bits the rows' when name: the card steps. */
enum {
	MODE_CHOOSE = 1u << 0,
	MODE_WAIT = 1u << 1,
	MODE_NO_FIRMWARE = 1u << 2,
	MODE_STALE = 1u << 3,
	MODE_CONFIRM = 1u << 4,
	MODE_WRITTEN = 1u << 5, /* written, or waiting for the card back to check it */
	/* A fault on the screen (no usable firmware, or a write, card or check
	 * that went wrong): p writes the report. */
	MODE_FAULT = 1u << 6,
	MODE_WRITING = 1u << 7,   /* the write runs: c/Esc/q ask to stop */
	MODE_ASK_STOP = 1u << 8,  /* "Stop writing?" is open */
};

static unsigned phase_mode(const struct sd_screen *s)
{
	switch (s->phase) {
	case PH_CHOOSE:
	case PH_FAILED: return MODE_CHOOSE;
	case PH_WRITING: return s->run.ask == RS_SD_ASK_NONE ? MODE_WRITING : MODE_ASK_STOP;
	case PH_WAIT: return MODE_WAIT;
	case PH_NO_FIRMWARE: return MODE_NO_FIRMWARE;
	case PH_STALE: return MODE_STALE;
	case PH_CONFIRM: return MODE_CONFIRM;
	case PH_WRITTEN:
	case PH_CHECK_WAIT: return MODE_WRITTEN;
	default: return 0;
	}
}

static unsigned mode(const void *st, const void *ctx)
{
	(void)ctx;
	const struct sd_screen *s = st;
	bool fault = s->phase == PH_NO_FIRMWARE || s->phase == PH_FAILED ||
		     (s->phase != PH_CONFIRM && s->msg[0] &&
		      (s->msg_style == RS_STYLE_ERROR || s->msg_style == RS_STYLE_WARN));
	return phase_mode(s) | (fault ? MODE_FAULT : 0);
}

static enum rs_key_result key_stop(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)ch;
	struct sd_screen *s = st;
	return rs_sd_run_key(&s->run, req);
}

static enum rs_key_result key_rebuild(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)st;
	(void)req;
	(void)ch;
	struct rs_wizard *w = ctx;
	/* To the build, past the route step; back here by itself once built. */
	rs_wizard_request_build(w);
	w->after_build = rs_step_id(RS_STEP_SDCARD);
	w->jump_to = rs_step_id(RS_STEP_FIRMWARE);
	return RS_KEY_JUMP;
}

static enum rs_key_result key_move(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)ch;
	struct sd_screen *s = st;
	return rs_sd_cards_key(&s->cards, req) ? RS_KEY_HANDLED : RS_KEY_IGNORED;
}

static enum rs_key_result key_write(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)req;
	(void)ch;
	struct sd_screen *s = st;
	follow(s); /* act on the cards as they are now */
	/* Klipper may have been updated since this screen was entered. */
	bool ready = s->phase == PH_CHOOSE || s->phase == PH_FAILED;
	if (ready && rs_wizard_fw_stale(s->wz, board(s), s->fw_problem, sizeof(s->fw_problem)))
		s->phase = PH_STALE;
	else if (ready)
		open_dialog(s);
	return RS_KEY_HANDLED;
}

static enum rs_key_result key_wait(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)req;
	(void)ch;
	say(st, RS_STYLE_WARN, "No card yet. Insert one into a USB card reader on the Pi; q "
			       "leaves (your choices are saved).");
	return RS_KEY_HANDLED;
}

static enum rs_key_result key_reload(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)req;
	(void)ch;
	struct sd_screen *s = st;
	enter(s, ctx);
	return RS_KEY_HANDLED;
}

static enum rs_key_result key_check(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)req;
	(void)ch;
	struct sd_screen *s = st;
	follow(s);
	const char *sys = s->written ? s->written : rs_sd_cards_syspath(&s->cards);
	if (sys && rs_sd_cards_find(&s->cards, sys) != SIZE_MAX) {
		check_card(s, sys);
	} else if (s->phase == PH_WRITTEN || s->phase == PH_CHECK_WAIT) {
		s->phase = PH_CHECK_WAIT;
		say(s, RS_STYLE_TITLE, "Put the card back into the reader on the Pi; it is checked "
				       "as soon as it appears.");
	}
	return RS_KEY_HANDLED;
}

static enum rs_key_result key_scroll(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)ch;
	struct sd_screen *s = st;
	int total = (int)s->result.steps.count * 3;
	return rs_pager_key(&s->pager, req, total, 1) ? RS_KEY_HANDLED : RS_KEY_IGNORED;
}

static void answered_no(struct sd_screen *s)
{
	s->phase = PH_CHOOSE;
	say(s, RS_STYLE_NORMAL, "Nothing written.");
}

/* The dialog takes every request while it is open (help and quit wait
 * for the answer); Enter answers the selected button, which starts on No. */
static enum rs_key_result key_dialog(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)ch;
	struct sd_screen *s = st;
	if (s->phase != PH_CONFIRM)
		return RS_KEY_IGNORED;
	switch (rs_dialog_key(&s->dlg, req)) {
	case RS_DIALOG_OPEN:
	case RS_DIALOG_IGNORED:
		break;
	case RS_DIALOG_NO:
		answered_no(s);
		break;
	case RS_DIALOG_YES:
		write_card(s);
		break;
	}
	return RS_KEY_HANDLED;
}

static bool on_event(void *st, void *ctx, const struct rs_event *ev)
{
	(void)ctx;
	(void)ev;
	return follow(st);
}

/* ---- drawing ---- */

static void draw(const void *st, const void *ctx, WINDOW *w)
{
	(void)ctx;
	const struct sd_screen *s = st;
	int y = rs_sd_draw_firmware(w, 1, s->cols, s->fw_path, &s->fw, s->phase != PH_NO_FIRMWARE),
	    width = s->cols - 4;
	switch (s->phase) {
	case PH_NO_FIRMWARE:
	case PH_STALE:
		wattron(w, rs_tui_style(RS_STYLE_WARN));
		rs_text_draw(w, y, 2, width, 6, 0, s->fw_problem);
		wattroff(w, rs_tui_style(RS_STYLE_WARN));
		return;
	case PH_WRITTEN:
	case PH_CHECK_WAIT:
		rs_sd_draw_written(w, y, s->rows, s->cols, &s->result, s->msg, s->msg_style,
				   s->pager.top);
		return;
	case PH_WRITING:
		rs_sd_run_draw(&s->run, w, y, s->rows, s->cols);
		return;
	case PH_WAIT:
	case PH_CHOOSE:
	case PH_CONFIRM:
	case PH_FAILED:
		break;
	}
	wattron(w, rs_tui_style(RS_STYLE_TITLE));
	rs_tui_put(w, y++, 2, width, "Insert the SD card into a USB card reader on the Pi. "
				     "Cards appear here.");
	wattroff(w, rs_tui_style(RS_STYLE_TITLE));
	y++;
	y = rs_sd_cards_draw(&s->cards, w, y, width, rs_wizard_hw_problem(s->wz));
	/* Below the list, so the card it asks about stays in view. */
	if (s->phase == PH_CONFIRM)
		rs_dialog_draw_in(&s->dlg, w, y + 1);
	else if (s->phase == PH_FAILED)
		rs_sd_draw_failed(w, y + 1, s->rows, s->cols, s->msg, s->hint);
	else
		rs_sd_draw_msg(w, y + 1, s->cols, s->rows - y - 2, s->msg, s->msg_style);
}

/* The report's line goes under the fault, which stays on the screen. */
static enum rs_key_result key_report(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)req;
	(void)ch;
	struct sd_screen *s = st;
	struct rs_wizard *w = ctx;
	rs_wizard_write_report(w);
	char *buf = s->phase == PH_NO_FIRMWARE ? s->fw_problem : s->msg;
	size_t cap = s->phase == PH_NO_FIRMWARE ? sizeof(s->fw_problem) : sizeof(s->msg);
	char *old = rs_xstrdup(buf);
	char *cut = strstr(old, "\n\nReport for help written: ");
	if (!cut)
		cut = strstr(old, "\n\n!! No report: ");
	if (cut)
		*cut = '\0'; /* a second p replaces the first line */
	snprintf(buf, cap, "%s\n\n%s", old, w->report_msg);
	free(old);
	return RS_KEY_HANDLED;
}

static const struct rs_key_binding keys[] = {
	{ { RS_REQ_UP, RS_REQ_DOWN }, "Up/Down", "choose a card", false, key_move, MODE_CHOOSE },
	{ { RS_REQ_ACCEPT }, "Enter", "write to this card", false, key_write, MODE_CHOOSE },
	{ { RS_REQ_ACCEPT }, "Enter", "look again", false, key_reload, MODE_NO_FIRMWARE },
	{ { RS_REQ_ACCEPT }, "Enter", "rebuild it first", false, key_rebuild, MODE_STALE },
	{ { RS_REQ_ACCEPT }, "Enter", "(waits for a card)", true, key_wait, MODE_WAIT },
	{ { RS_REQ_ACCEPT }, "Enter", "finish", false, rs_manager_key_next, MODE_WRITTEN },
	{ { RS_REQ_CHECK }, "c", "check the card", false, key_check, MODE_WRITTEN | MODE_CHOOSE },
	{ { RS_REQ_REPORT }, RS_REPORT_LEGEND, false, key_report, MODE_FAULT },
	{ { RS_REQ_STOP }, "c", "stop writing", false, key_stop, MODE_WRITING },
	{ { RS_REQ_CANCEL }, "Esc", "stop and back", false, key_stop, MODE_WRITING },
	{ { RS_REQ_QUIT }, "q", "stop and quit", false, key_stop, MODE_WRITING },
	{ { RS_REQ_YES }, "y", "stop the write", false, key_stop, MODE_ASK_STOP },
	{ { RS_REQ_NO, RS_REQ_CANCEL }, "n/Esc", "keep writing", false, key_stop, MODE_ASK_STOP },
	{ { RS_REQ_LEFT, RS_REQ_RIGHT, RS_REQ_SWITCH, RS_REQ_ACCEPT }, "Left/Right", "choose",
	  true, key_stop, MODE_ASK_STOP },
	/* Not the global q or help while the question is open. */
	{ { RS_REQ_QUIT, RS_REQ_HELP }, "q", "answer the question first", true, key_stop,
	  MODE_ASK_STOP },
	{ { RS_REQ_UP, RS_REQ_DOWN, RS_REQ_PAGE_UP, RS_REQ_PAGE_DOWN }, "Up/Down",
	  "scroll the steps", true, key_scroll, MODE_WRITTEN },
	/* The question. */
	{ { RS_REQ_LEFT, RS_REQ_RIGHT, RS_REQ_SWITCH }, "Left/Right", "No / Yes", false,
	  key_dialog, MODE_CONFIRM },
	{ { RS_REQ_ACCEPT }, "Enter", "answer", false, key_dialog, MODE_CONFIRM },
	{ { RS_REQ_CANCEL }, "Esc", "No", false, key_dialog, MODE_CONFIRM },
	{ { RS_REQ_YES, RS_REQ_NO, RS_REQ_HELP, RS_REQ_QUIT }, "y/n", "answer", true,
	  key_dialog, MODE_CONFIRM },
	{ { 0 }, NULL, NULL, false, NULL, 0 },
};

const struct rs_screen_ops rs_screen_sdcard = {
	.id = "sdcard",
	.title = "Write SD card",
	.help = "Puts the firmware on an SD card for boards whose bootloader flashes from a "
		"card. Insert the card into a USB card reader on the Pi: safe cards appear by "
		"themselves (the Pi's own boot card, internal disks and empty reader slots are "
		"never offered). Enter shows exactly what will be written and removed and asks "
		"first; the answer starts on No. The write shows its progress; c (or Esc, q) "
		"stops it safely after asking. After the write the file is read back and "
		"compared. Then follow the board's steps; when the card is back in the reader, c "
		"checks whether the bootloader took the firmware (it renames the file).",
	.is_step = true,
	.state_size = sizeof(struct sd_screen),
	.keys = keys,
	.applies = applies,
	.enter = enter,
	.leave = leave,
	.layout = layout,
	.draw = draw,
	.mode = mode,
	.on_event = on_event,
};
