/* The SD card screen's keys (screens/sdcard_screen.h): the rows offered in
 * each phase, the confirm dialog whose answer starts on No, and the write it
 * starts; the report line under a fault. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "screens/report_key.h"
#include "screens/sdcard_screen.h"
#include "screens/update.h"
#include "tui/manager.h"

/* ---- confirm and write ---- */

static void open_dialog(struct rs_sd_screen *s)
{
	char problem[sizeof(s->msg)];
	char *text =
	    rs_sd_action_confirm(rs_sd_screen_board(s), &s->fw, rs_sd_cards_target(&s->cards),
				 &s->chosen_id, problem, sizeof(problem));
	if (!text) {
		rs_sd_screen_say(s, RS_STYLE_ERROR, "%s", problem);
		return;
	}
	free(s->dlg_text);
	s->dlg_text = text;
	free(s->chosen);
	s->chosen = rs_xstrdup(rs_sd_cards_syspath(&s->cards));
	s->dlg = (struct rs_dialog){ .title = "Write firmware?", .text = s->dlg_text,
				     .no_label = "No", .yes_label = "Yes, write",
				     .yes_selected = false };
	s->phase = RS_SDP_CONFIRM;
	s->msg[0] = '\0';
}

/* The write is over (written, failed or stopped): its result on screen. */
static void write_ended(void *data)
{
	struct rs_sd_screen *s = data;
	char problem[sizeof(s->msg)];
	if (!rs_sd_action_written(&s->run, rs_tui_utf8(), &s->result, problem, sizeof(problem),
				  s->hint, sizeof(s->hint))) {
		s->phase = RS_SDP_FAILED;
		rs_sd_screen_say(s, RS_STYLE_ERROR, "%s", problem);
		return;
	}
	free(s->written);
	s->written = rs_xstrdup(s->chosen);
	s->phase = RS_SDP_WRITTEN;
	s->pager.top = 0;
	s->msg[0] = '\0';
}

/* Starts the write on the wizard's loop; the screen stays responsive and
 * write_ended takes over when it is over. */
static void write_card(struct rs_sd_screen *s)
{
	size_t i = rs_sd_cards_find(&s->cards, s->chosen);
	if (i == SIZE_MAX) {
		s->phase = rs_sd_cards_selectable(&s->cards) ? RS_SDP_CHOOSE : RS_SDP_WAIT;
		rs_sd_screen_say(s, RS_STYLE_WARN, "The card was taken out; nothing was written.");
		return;
	}
	s->phase = RS_SDP_WRITING;
	s->msg[0] = '\0';
	rs_sd_run_start(&s->run, rs_sd_screen_board(s), s->fw_path,
			rs_sd_cards_target_at(&s->cards, i), &s->chosen_id, write_ended, s);
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

static unsigned phase_mode(const struct rs_sd_screen *s)
{
	switch (s->phase) {
	case RS_SDP_CHOOSE:
	case RS_SDP_FAILED: return MODE_CHOOSE;
	case RS_SDP_WRITING: return s->run.ask == RS_SD_ASK_NONE ? MODE_WRITING : MODE_ASK_STOP;
	case RS_SDP_WAIT: return MODE_WAIT;
	case RS_SDP_NO_FIRMWARE: return MODE_NO_FIRMWARE;
	case RS_SDP_STALE: return MODE_STALE;
	case RS_SDP_CONFIRM: return MODE_CONFIRM;
	case RS_SDP_WRITTEN:
	case RS_SDP_CHECK_WAIT: return MODE_WRITTEN;
	default: return 0;
	}
}

unsigned rs_sd_screen_mode(const void *st, const void *ctx)
{
	(void)ctx;
	const struct rs_sd_screen *s = st;
	bool fault = s->phase == RS_SDP_NO_FIRMWARE || s->phase == RS_SDP_FAILED ||
		     (s->phase != RS_SDP_CONFIRM && s->msg[0] &&
		      (s->msg_style == RS_STYLE_ERROR || s->msg_style == RS_STYLE_WARN));
	return phase_mode(s) | (fault ? MODE_FAULT : 0);
}

static enum rs_key_result key_stop(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)ch;
	struct rs_sd_screen *s = st;
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
	struct rs_sd_screen *s = st;
	return rs_sd_cards_key(&s->cards, req) ? RS_KEY_HANDLED : RS_KEY_IGNORED;
}

static enum rs_key_result key_write(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)req;
	(void)ch;
	struct rs_sd_screen *s = st;
	rs_sd_screen_follow(s); /* act on the cards as they are now */
	/* Klipper may have been updated since this screen was entered. */
	bool ready = s->phase == RS_SDP_CHOOSE || s->phase == RS_SDP_FAILED;
	if (ready &&
	    rs_wizard_fw_stale(s->wz, rs_sd_screen_board(s), s->fw_problem, sizeof(s->fw_problem)))
		s->phase = RS_SDP_STALE;
	else if (ready)
		open_dialog(s);
	return RS_KEY_HANDLED;
}

static enum rs_key_result key_wait(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)req;
	(void)ch;
	rs_sd_screen_say(st, RS_STYLE_WARN,
			 "No card yet. Insert one into a USB card reader on the Pi; q "
			 "leaves (your choices are saved).");
	return RS_KEY_HANDLED;
}

static enum rs_key_result key_reload(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)req;
	(void)ch;
	struct rs_sd_screen *s = st;
	rs_sd_screen_enter(s, ctx);
	return RS_KEY_HANDLED;
}

static enum rs_key_result key_check(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)req;
	(void)ch;
	struct rs_sd_screen *s = st;
	rs_sd_screen_follow(s);
	const char *sys = s->written ? s->written : rs_sd_cards_syspath(&s->cards);
	if (sys && rs_sd_cards_find(&s->cards, sys) != SIZE_MAX) {
		rs_sd_screen_check_card(s, sys);
	} else if (s->phase == RS_SDP_WRITTEN || s->phase == RS_SDP_CHECK_WAIT) {
		s->phase = RS_SDP_CHECK_WAIT;
		rs_sd_screen_say(s, RS_STYLE_TITLE,
				 "Put the card back into the reader on the Pi; it is checked "
				 "as soon as it appears.");
	}
	return RS_KEY_HANDLED;
}

static enum rs_key_result key_scroll(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)ch;
	struct rs_sd_screen *s = st;
	int total = (int)s->result.steps.count * 3;
	return rs_pager_key(&s->pager, req, total, 1) ? RS_KEY_HANDLED : RS_KEY_IGNORED;
}

static void answered_no(struct rs_sd_screen *s)
{
	s->phase = RS_SDP_CHOOSE;
	rs_sd_screen_say(s, RS_STYLE_NORMAL, "Nothing written.");
}

/* The dialog takes every request while it is open (help and quit wait
 * for the answer); Enter answers the selected button, which starts on No. */
static enum rs_key_result key_dialog(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)ch;
	struct rs_sd_screen *s = st;
	if (s->phase != RS_SDP_CONFIRM)
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

/* The report's line goes under the fault, which stays on the screen. */
static enum rs_key_result key_report(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)req;
	(void)ch;
	struct rs_sd_screen *s = st;
	struct rs_wizard *w = ctx;
	rs_wizard_write_report(w);
	char *buf = s->phase == RS_SDP_NO_FIRMWARE ? s->fw_problem : s->msg;
	size_t cap = s->phase == RS_SDP_NO_FIRMWARE ? sizeof(s->fw_problem) : sizeof(s->msg);
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

const struct rs_key_binding rs_sd_screen_keys[] = {
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

