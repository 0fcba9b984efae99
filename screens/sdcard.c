/* Write SD card, for boards whose bootloader flashes from a card: the cards
 * discovery considers safe, live; a confirmation whose default is No; the
 * write with its read-back; the board's steps; and a check of the card after
 * the board was powered with it. Every fault is a message on this screen,
 * never the end of the wizard. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/xalloc.h"
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
	const struct rs_board *b = rs_wizard_board(ctx);
	return !b || rs_board_uses_sdcard(b);
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
	rs_sd_cards_layout(&s->cards, rows - 12 < 6 ? rows - 12 : 6);
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

static bool in_phase(void *st, enum phase p)
{
	return ((struct sd_screen *)st)->phase == p;
}

static bool choosing(void *st, void *ctx)
{
	(void)ctx;
	return in_phase(st, PH_CHOOSE) || in_phase(st, PH_FAILED);
}

static bool writing(void *st, void *ctx)
{
	(void)ctx;
	struct sd_screen *s = st;
	return s->phase == PH_WRITING && s->run.ask == RS_SD_ASK_NONE;
}

static bool asking_stop(void *st, void *ctx)
{
	(void)ctx;
	struct sd_screen *s = st;
	return s->phase == PH_WRITING && s->run.ask != RS_SD_ASK_NONE;
}

static enum rs_key_result key_stop(void *st, void *ctx, int key)
{
	(void)ctx;
	struct sd_screen *s = st;
	return rs_sd_run_key(&s->run, key);
}

static bool waiting(void *st, void *ctx)
{
	(void)ctx;
	return in_phase(st, PH_WAIT);
}

static bool no_firmware(void *st, void *ctx)
{
	(void)ctx;
	return in_phase(st, PH_NO_FIRMWARE);
}

static bool stale(void *st, void *ctx)
{
	(void)ctx;
	return in_phase(st, PH_STALE);
}

static enum rs_key_result key_rebuild(void *st, void *ctx, int key)
{
	(void)st;
	(void)key;
	rs_wizard_request_build(ctx); /* back here by itself once it is built */
	return RS_KEY_BACK;
}

static bool confirming(void *st, void *ctx)
{
	(void)ctx;
	return in_phase(st, PH_CONFIRM);
}

static bool written(void *st, void *ctx)
{
	(void)ctx;
	return in_phase(st, PH_WRITTEN) || in_phase(st, PH_CHECK_WAIT);
}

static bool can_check(void *st, void *ctx)
{
	return written(st, ctx) || choosing(st, ctx);
}

static enum rs_key_result key_move(void *st, void *ctx, int key)
{
	(void)ctx;
	struct sd_screen *s = st;
	return rs_sd_cards_key(&s->cards, key) ? RS_KEY_HANDLED : RS_KEY_IGNORED;
}

static enum rs_key_result key_write(void *st, void *ctx, int key)
{
	(void)ctx;
	(void)key;
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

static enum rs_key_result key_wait(void *st, void *ctx, int key)
{
	(void)ctx;
	(void)key;
	say(st, RS_STYLE_WARN, "No card yet. Insert one into a USB card reader on the Pi; q "
			       "leaves (your choices are saved).");
	return RS_KEY_HANDLED;
}

static enum rs_key_result key_reload(void *st, void *ctx, int key)
{
	(void)key;
	struct sd_screen *s = st;
	enter(s, ctx);
	return RS_KEY_HANDLED;
}

static enum rs_key_result key_check(void *st, void *ctx, int key)
{
	(void)ctx;
	(void)key;
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

static enum rs_key_result key_scroll(void *st, void *ctx, int key)
{
	(void)ctx;
	struct sd_screen *s = st;
	int total = (int)s->result.steps.count * 3;
	return rs_pager_key(&s->pager, key, total, 1) ? RS_KEY_HANDLED : RS_KEY_IGNORED;
}

static void answered_no(struct sd_screen *s)
{
	s->phase = PH_CHOOSE;
	say(s, RS_STYLE_NORMAL, "Nothing written.");
}

static enum rs_key_result key_dialog_no(void *st, void *ctx, int key)
{
	(void)ctx;
	(void)key;
	answered_no(st);
	return RS_KEY_HANDLED;
}

/* The dialog takes every key while it is open; Enter answers the selected
 * button, which starts on No. */
static enum rs_key_result on_key(void *st, void *ctx, int key)
{
	(void)ctx;
	struct sd_screen *s = st;
	if (s->phase == PH_WRITING && s->run.ask != RS_SD_ASK_NONE)
		return rs_sd_run_key(&s->run, key);
	if (s->phase != PH_CONFIRM)
		return RS_KEY_IGNORED;
	switch (rs_dialog_key(&s->dlg, key)) {
	case RS_DIALOG_OPEN:
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

static void draw(void *st, void *ctx, WINDOW *w)
{
	(void)ctx;
	struct sd_screen *s = st;
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

static const struct rs_key_binding keys[] = {
	{ { KEY_UP, KEY_DOWN }, "Up/Down", "choose a card", false, key_move, choosing },
	{ { '\n', '\r', KEY_ENTER }, "Enter", "write to this card", false, key_write, choosing },
	{ { '\n', '\r', KEY_ENTER }, "Enter", "look again", false, key_reload, no_firmware },
	{ { '\n', '\r', KEY_ENTER }, "Enter", "rebuild it first", false, key_rebuild, stale },
	{ { '\n', '\r', KEY_ENTER }, "Enter", "(waits for a card)", true, key_wait, waiting },
	{ { '\n', '\r', KEY_ENTER }, "Enter", "finish", false, rs_manager_key_next, written },
	{ { 'c', 'C' }, "c", "check the card", false, key_check, can_check },
	{ { 'c', 'C' }, "c", "stop writing", false, key_stop, writing },
	{ { 27 }, "Esc", "stop and back", false, key_stop, writing },
	{ { 'q', 'Q' }, "q", "stop and quit", false, key_stop, writing },
	{ { 'y', 'Y' }, "y", "stop the write", false, key_stop, asking_stop },
	{ { 'n', 'N', 27 }, "n/Esc", "keep writing", false, key_stop, asking_stop },
	/* Not the global q or help while the question is open. */
	{ { 'q', 'Q', '?', KEY_F(1) }, "q", "answer the question first", true, key_stop,
	  asking_stop },
	{ { KEY_UP, KEY_DOWN, KEY_PPAGE, KEY_NPAGE }, "Up/Down", "scroll the steps", true,
	  key_scroll, written },
	/* Legend only: the dialog takes these keys in on_key. */
	{ { 0 }, "Left/Right", "No / Yes", false, NULL, confirming },
	{ { 0 }, "Enter", "answer", false, NULL, confirming },
	{ { 27 }, "Esc", "No", false, key_dialog_no, confirming },
	{ { 0 }, NULL, NULL, false, NULL, NULL },
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
	.on_key = on_key,
	.on_event = on_event,
};
