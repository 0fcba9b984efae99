/* Write SD card, for boards whose bootloader flashes from a card: the cards
 * discovery considers safe, live; a confirmation whose default is No; the
 * write with its read-back; the board's steps; and a check of the card after
 * the board was powered with it. Every fault is a message on this screen,
 * never the end of the wizard. This file follows the cards and draws; the
 * keys, the confirm dialog and the write they start are in sdcard_keys.c. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/wizard_model.h"
#include "screens/sdcard_draw.h"
#include "screens/sdcard_screen.h"
#include "screens/update.h"

const struct rs_board *rs_sd_screen_board(const struct rs_sd_screen *s)
{
	return rs_wizard_board(s->wz);
}

void rs_sd_screen_say(struct rs_sd_screen *s, enum rs_style style, const char *fmt, ...)
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

static void load_firmware(struct rs_sd_screen *s)
{
	free(s->fw_path);
	rs_fwinfo_free(&s->fw);
	rs_sd_action_firmware(rs_sd_screen_board(s), &s->fw_path, &s->fw, s->fw_problem,
			      sizeof(s->fw_problem));
}

/* Follows what is plugged in: a new card is selected (the screen moves on by
 * itself), a card taken out mid-way is said, a card back in the reader after
 * the board had it is checked. True when something changed. */
bool rs_sd_screen_follow(struct rs_sd_screen *s)
{
	struct rs_sd_cards_change ch;
	if (!rs_sd_cards_sync(&s->cards, s->wz, &ch))
		return false;
	bool any = rs_sd_cards_selectable(&s->cards) > 0;
	switch (s->phase) {
	case RS_SDP_NO_FIRMWARE:
	case RS_SDP_STALE:
		break;
	case RS_SDP_CONFIRM:
		if (ch.removed && rs_sd_cards_find(&s->cards, s->chosen) == SIZE_MAX) {
			s->phase = any ? RS_SDP_CHOOSE : RS_SDP_WAIT;
			rs_sd_screen_say(s, RS_STYLE_WARN,
					 "The card was taken out before anything was written. "
					 "Put it back to write to it.");
		}
		break;
	case RS_SDP_WRITING:
		break; /* a card pulled mid-write is the write's own failure */
	case RS_SDP_WAIT:
	case RS_SDP_CHOOSE:
	case RS_SDP_FAILED:
		if (ch.added) {
			rs_sd_cards_select(&s->cards, ch.added);
			rs_sd_screen_say(s, RS_STYLE_OK,
					 "Card found: %s. Enter shows what will be written to it "
					 "and asks first.",
					 rs_sd_cards_target(&s->cards));
		} else if (ch.removed) {
			rs_sd_screen_say(s, RS_STYLE_WARN, "The card %s was taken out.%s",
					 ch.removed_target, any ? "" : " Insert a card to go on.");
		}
		s->phase = any ? RS_SDP_CHOOSE : RS_SDP_WAIT;
		break;
	case RS_SDP_WRITTEN:
		if (ch.removed && rs_sd_cards_find(&s->cards, s->written) == SIZE_MAX)
			rs_sd_screen_say(s, RS_STYLE_OK,
					 "Card taken out. Follow the steps below; when the card "
					 "is back in the reader, press c to check it.");
		break;
	case RS_SDP_CHECK_WAIT:
		/* The same reader, or whichever card comes next. */
		if (rs_sd_cards_find(&s->cards, s->written) != SIZE_MAX)
			rs_sd_screen_check_card(s, s->written);
		else if (ch.added)
			rs_sd_screen_check_card(s, ch.added);
		break;
	}
	rs_sd_cards_change_free(&ch);
	return true;
}

static void reset(struct rs_sd_screen *s)
{
	rs_sd_written_free(&s->result);
	free(s->written);
	s->written = NULL;
	s->msg[0] = '\0';
	s->pager.top = 0;
	s->phase = rs_sd_cards_selectable(&s->cards) ? RS_SDP_CHOOSE : RS_SDP_WAIT;
}

void rs_sd_screen_enter(void *st, void *ctx)
{
	struct rs_sd_screen *s = st;
	s->wz = ctx;
	load_firmware(s);
	rs_sd_cards_sync(&s->cards, s->wz, NULL);
	reset(s);
	if (s->fw_problem[0])
		s->phase = RS_SDP_NO_FIRMWARE;
	else if (rs_wizard_fw_stale(s->wz, rs_sd_screen_board(s), s->fw_problem,
				    sizeof(s->fw_problem)))
		s->phase = RS_SDP_STALE;
}

static void leave(void *st, void *ctx)
{
	(void)ctx;
	struct rs_sd_screen *s = st;
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
	struct rs_sd_screen *s = st;
	s->rows = rows;
	s->cols = cols;
	rs_sd_cards_layout(&s->cards, rows - 12 < 6 ? rows - 12 : 6, cols - 4);
}

/* ---- checking the card the board had ---- */

void rs_sd_screen_check_card(struct rs_sd_screen *s, const char *syspath)
{
	size_t i = rs_sd_cards_find(&s->cards, syspath);
	if (s->phase == RS_SDP_CHECK_WAIT)
		s->phase = s->written ? RS_SDP_WRITTEN : RS_SDP_CHOOSE;
	if (i == SIZE_MAX)
		return;
	enum rs_sd_verdict v = rs_sd_action_check(rs_sd_screen_board(s), s->fw_path,
						  rs_sd_cards_target_at(&s->cards, i), s->msg,
						  sizeof(s->msg));
	s->msg_style = v == RS_SD_FLASHED ? RS_STYLE_OK
		       : v == RS_SD_NOT_FLASHED ? RS_STYLE_WARN
						: RS_STYLE_ERROR;
}

static bool on_event(void *st, void *ctx, const struct rs_event *ev)
{
	(void)ctx;
	(void)ev;
	return rs_sd_screen_follow(st);
}

/* ---- drawing ---- */

static void draw(const void *st, const void *ctx, WINDOW *w)
{
	(void)ctx;
	const struct rs_sd_screen *s = st;
	int y = rs_sd_draw_firmware(w, 1, s->cols, s->fw_path, &s->fw,
				    s->phase != RS_SDP_NO_FIRMWARE),
	    width = s->cols - 4;
	switch (s->phase) {
	case RS_SDP_NO_FIRMWARE:
	case RS_SDP_STALE:
		wattron(w, rs_tui_style(RS_STYLE_WARN));
		rs_text_draw(w, y, 2, width, 6, 0, s->fw_problem);
		wattroff(w, rs_tui_style(RS_STYLE_WARN));
		return;
	case RS_SDP_WRITTEN:
	case RS_SDP_CHECK_WAIT:
		rs_sd_draw_written(w, y, s->rows, s->cols, &s->result, s->msg, s->msg_style,
				   s->pager.top);
		return;
	case RS_SDP_WRITING:
		rs_sd_run_draw(&s->run, w, y, s->rows, s->cols);
		return;
	case RS_SDP_WAIT:
	case RS_SDP_CHOOSE:
	case RS_SDP_CONFIRM:
	case RS_SDP_FAILED:
		break;
	}
	wattron(w, rs_tui_style(RS_STYLE_TITLE));
	rs_tui_put(w, y++, 2, width, "Insert the SD card into a USB card reader on the Pi. "
				     "Cards appear here.");
	wattroff(w, rs_tui_style(RS_STYLE_TITLE));
	y++;
	y = rs_sd_cards_draw(&s->cards, w, y, width, rs_wizard_hw_problem(s->wz));
	/* Below the list, so the card it asks about stays in view. */
	if (s->phase == RS_SDP_CONFIRM)
		rs_dialog_draw_in(&s->dlg, w, y + 1);
	else if (s->phase == RS_SDP_FAILED)
		rs_sd_draw_failed(w, y + 1, s->rows, s->cols, s->msg, s->hint);
	else
		rs_sd_draw_msg(w, y + 1, s->cols, s->rows - y - 2, s->msg, s->msg_style);
}

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
	.state_size = sizeof(struct rs_sd_screen),
	.keys = rs_sd_screen_keys,
	.applies = applies,
	.enter = rs_sd_screen_enter,
	.leave = leave,
	.layout = layout,
	.draw = draw,
	.mode = rs_sd_screen_mode,
	.on_event = on_event,
};
