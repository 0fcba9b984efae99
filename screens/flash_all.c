/* Every MCU in one pass, from the welcome screen (screens/flash_all.h): the
 * plan, the question, the pass, the result. The work is the command line's
 * `flash --all`, run as our child on the wizard's loop; this screen only
 * shows it and asks. */
#include "screens/flash_all.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text_safe.h"
#include "platform/doctor.h"
#include "platform/flash_all_child.h"
#include "screens/report_key.h"
#include "screens/update.h"
#include "tui/dialog.h"
#include "tui/logview.h"
#include "tui/text.h"
#include "tui/tui.h"

enum phase { PH_PLANNING, PH_PLANNED, PH_PLAN_FAILED, PH_RUNNING, PH_DONE };
enum ask { ASK_NONE, ASK_GO, ASK_STOP, ASK_STOP_BACK, ASK_STOP_QUIT };

struct flash_all {
	int rows, cols;
	enum phase phase;
	enum ask ask;
	struct rs_dialog dlg;
	struct rs_flash_all_child child;
	struct rs_job *job;
	enum rs_job_state end; /* how the pass ended (PH_DONE) */
	struct rs_logview log;
	bool hide_log;
	struct rs_wizard *w; /* for the job's callbacks */
};

size_t rs_wizard_mcus_behind(const struct rs_wizard *w)
{
	size_t n = 0;
	for (size_t i = 0; w->doctor && i < w->doctor->count; i++) {
		enum rs_doctor_verdict v = w->doctor->entries[i].judged.verdict;
		n += v == RS_DOC_FIRMWARE_OLDER || v == RS_DOC_BUILT_NOT_FLASHED;
	}
	return n;
}

enum rs_key_result rs_wizard_fix_all(struct rs_wizard *w)
{
	if (rs_wizard_mcus_behind(w) < 2)
		return RS_KEY_IGNORED;
	w->flash_all_open = true;
	w->jump_to = rs_screen_flash_all.id;
	w->report_msg[0] = '\0';
	return RS_KEY_JUMP;
}

static void on_output(void *data, const char *line)
{
	struct flash_all *s = data;
	rs_logview_push(&s->log, rs_text_safe(line));
}

static void ask(struct flash_all *s, enum ask what);

/* The job said something; at its end the screen moves on. The job is
 * freed later, never from inside its own callback. */
static bool changed(void *data)
{
	struct flash_all *s = data;
	if (!s->job || !rs_job_finished(s->job))
		return true;
	enum rs_job_state st = rs_job_state(s->job);
	if (s->phase == PH_PLANNING) {
		s->phase = st == RS_JOB_SUCCEEDED ? PH_PLANNED : PH_PLAN_FAILED;
		if (s->phase == PH_PLANNED && rs_flash_all_child_may_flash())
			ask(s, ASK_GO);
		s->log.back = 0;
	} else if (s->phase == PH_RUNNING) {
		s->phase = PH_DONE;
		s->end = st;
		s->ask = ASK_NONE; /* a stop question about a pass that ended is moot */
		s->hide_log = true;
	}
	return true;
}

static void drop_job(struct flash_all *s)
{
	/* A running pass is stopped: SIGTERM, and it starts Klipper again. */
	rs_job_free(s->job);
	s->job = NULL;
}

static void start(struct flash_all *s, bool dry_run)
{
	drop_job(s);
	rs_flash_all_child_reset(&s->child);
	rs_flash_all_child_init(&s->child, dry_run);
	s->child.boards_dir = s->w->boards_dir;
	s->child.klipper_dir = s->w->klipper_dir;
	s->child.lock_fd = s->w->lock_fd;
	rs_logview_clear(&s->log);
	s->hide_log = false;
	s->phase = dry_run ? PH_PLANNING : PH_RUNNING;
	struct rs_job_opts o = { .on_output = on_output, .data = s };
	s->job = rs_flash_all_child_job(&s->child, &o);
	rs_job_start(s->job);
	if (!rs_job_finished(s->job) && !rs_job_attach(s->job, rs_tui_loop(), changed, s))
		rs_job_cancel(s->job); /* a loop without room cannot follow it */
	changed(s);
}

static void enter(void *st, void *ctx)
{
	struct flash_all *s = st;
	s->w = ctx;
	s->ask = ASK_NONE;
	start(s, true);
}

static void leave(void *st, void *ctx)
{
	struct flash_all *s = st;
	struct rs_wizard *w = ctx;
	drop_job(s);
	rs_flash_all_child_reset(&s->child);
	rs_logview_clear(&s->log);
	w->flash_all_open = false;
	/* What the pass changed: the welcome screen shows doctor's word again. */
	if (w->started)
		rs_wizard_look_at_klipper_log(w);
}

static bool applies(void *ctx)
{
	const struct rs_wizard *w = ctx;
	return w->flash_all_open;
}

static void layout(void *st, void *ctx, int rows, int cols)
{
	(void)ctx;
	struct flash_all *s = st;
	s->rows = rows;
	s->cols = cols;
}

/* ---- the questions ---- */

static void ask(struct flash_all *s, enum ask what)
{
	s->ask = what;
	if (what == ASK_GO) {
		s->dlg = (struct rs_dialog){
			.title = "Flash every MCU now?",
			.text = "Klipper is stopped, each MCU above is built if needed and "
				"flashed, then Klipper is started again (also after a failure or "
				"a stop).",
			.no_label = "No",
			.yes_label = "Yes, flash all",
		};
		return;
	}
	s->dlg = (struct rs_dialog){
		.title = what == ASK_STOP_QUIT ? "Stop flashing and quit?" : "Stop flashing?",
		.text = "The MCU being flashed now is stopped and the rest are left as they "
			"are; Klipper is started again before it ends.",
		.no_label = "No, go on",
		.yes_label = "Yes, stop",
	};
}

static enum rs_key_result key_dialog(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)ch;
	struct flash_all *s = st;
	enum rs_dialog_result d = rs_dialog_key(&s->dlg, req);
	if (d == RS_DIALOG_OPEN || d == RS_DIALOG_IGNORED)
		return RS_KEY_HANDLED;
	enum ask what = s->ask;
	s->ask = ASK_NONE;
	if (d == RS_DIALOG_NO)
		return RS_KEY_HANDLED;
	if (what == ASK_GO) {
		start(s, false);
		return RS_KEY_HANDLED;
	}
	if (s->phase == PH_RUNNING)
		rs_job_cancel(s->job);
	changed(s);
	if (what == ASK_STOP_QUIT)
		return RS_KEY_QUIT;
	return RS_KEY_HANDLED;
}

static enum rs_key_result key_go(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)req;
	(void)ch;
	ask(st, ASK_GO);
	return RS_KEY_HANDLED;
}

static enum rs_key_result key_stop(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)ch;
	ask(st, req == RS_REQ_QUIT ? ASK_STOP_QUIT : req == RS_REQ_CANCEL ? ASK_STOP_BACK : ASK_STOP);
	return RS_KEY_HANDLED;
}

static enum rs_key_result key_back(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)st;
	(void)req;
	(void)ch;
	struct rs_wizard *w = ctx;
	w->jump_to = rs_screen_welcome.id;
	return RS_KEY_JUMP;
}

static enum rs_key_result key_scroll(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)ch;
	struct flash_all *s = st;
	return rs_logview_key(&s->log, req, s->rows - 6) ? RS_KEY_HANDLED : RS_KEY_IGNORED;
}

static enum rs_key_result key_log(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)req;
	(void)ch;
	struct flash_all *s = st;
	s->hide_log = !s->hide_log;
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

/* ---- drawing ---- */

static const char *title(const struct flash_all *s)
{
	switch (s->phase) {
	case PH_PLANNING: return "Working out the plan (ratos-setup flash --all --dry-run)...";
	case PH_PLANNED: return "The plan, every MCU in one pass (ratos-setup flash --all):";
	case PH_PLAN_FAILED: return "The plan could not be made:";
	case PH_RUNNING: return "Flashing every MCU; Klipper is stopped meanwhile:";
	case PH_DONE: break;
	}
	return s->end == RS_JOB_SUCCEEDED   ? "Done: every MCU is flashed or prepared."
	       : s->end == RS_JOB_CANCELLED ? "Stopped: not every MCU was flashed."
					    : "Not every MCU was flashed:";
}

/* The result per MCU and what to do; returns the next free row. */
static int draw_result(const struct flash_all *s, WINDOW *w, int y, int width)
{
	char line[600];
	if (s->child.exit_code >= 0)
		snprintf(line, sizeof(line), "ratos-setup flash --all ended with exit %d.",
			 s->child.exit_code);
	else
		snprintf(line, sizeof(line), "ratos-setup flash --all was stopped.");
	rs_tui_put(w, y++, 2, width, line);
	for (size_t i = 0; i < s->child.results.count && y < s->rows - 5; i++)
		rs_tui_put(w, y++, 4, width - 2, s->child.results.items[i]);
	y++;
	if (s->child.klipper_down) {
		wattron(w, rs_tui_style(RS_STYLE_ERROR));
		y += rs_text_draw(w, y, 2, width, 2, 0,
				  "Klipper could not be started again: run 'sudo systemctl start "
				  "klipper' (l shows why).");
		wattroff(w, rs_tui_style(RS_STYLE_ERROR));
	}
	if (s->end == RS_JOB_SUCCEEDED) {
		y += rs_text_draw(w, y, 2, width, 3, 0,
				  "Once Klipper has connected again, the welcome screen shows each "
				  "MCU's firmware as its new start reports it.");
		return y;
	}
	wattron(w, rs_tui_style(RS_STYLE_WARN));
	y += rs_text_draw(w, y, 2, width, 4, 0,
			  "Each MCU's line says what went wrong; l shows the whole output. Fix "
			  "that and press a on the welcome screen again, or run "
			  "'sudo ratos-setup flash --all' for the same pass. p writes a report to "
			  "post when asking for help.");
	wattroff(w, rs_tui_style(RS_STYLE_WARN));
	return y;
}

static void draw(const void *st, const void *ctx, WINDOW *w)
{
	const struct flash_all *s = st;
	const struct rs_wizard *wz = ctx;
	int width = s->cols - 4, y = 0;
	char line[600];
	wattron(w, rs_tui_style(RS_STYLE_TITLE));
	rs_tui_put(w, y++, 2, width, title(s));
	wattroff(w, rs_tui_style(RS_STYLE_TITLE));
	if (s->phase == PH_DONE)
		y = draw_result(s, w, y + 1, width);
	/* Below the log: the line being worked on, or what to do next. */
	int below = 2;
	if (s->phase == PH_PLANNED && !rs_flash_all_child_may_flash())
		below = 4;
	if (wz->report_msg[0])
		below += 2;
	int h = s->rows - y - below;
	if (!s->hide_log && h >= 3)
		rs_logview_draw(&s->log, w, y, 0, h, s->cols);
	y = s->rows - below;
	struct rs_job_progress p = { 0 };
	if (s->job)
		rs_job_get_progress(s->job, &p);
	switch (s->phase) {
	case PH_PLANNING:
	case PH_RUNNING:
		snprintf(line, sizeof(line), "Now: %s", p.current[0] ? p.current : "starting");
		rs_tui_put(w, y++, 2, width, line);
		break;
	case PH_PLANNED:
		if (rs_flash_all_child_may_flash()) {
			rs_tui_put(w, y++, 2, width, "Enter flashes them all (after asking); Esc "
						     "goes back.");
			break;
		}
		wattron(w, rs_tui_style(RS_STYLE_WARN));
		snprintf(line, sizeof(line),
			 "Flashing stops and starts the Klipper service, which needs root. Quit "
			 "and run:\n  sudo ratos-setup flash --all%s%s",
			 wz->klipper_dir ? " --klipper " : "", wz->klipper_dir ? wz->klipper_dir : "");
		y += rs_text_draw(w, y, 2, width, 3, 0, line);
		wattroff(w, rs_tui_style(RS_STYLE_WARN));
		break;
	case PH_PLAN_FAILED:
		wattron(w, rs_tui_style(RS_STYLE_WARN));
		snprintf(line, sizeof(line), "ratos-setup flash --all --dry-run ended with exit %d; "
			 "p writes a report.", s->child.exit_code);
		rs_tui_put(w, y++, 2, width, line);
		wattroff(w, rs_tui_style(RS_STYLE_WARN));
		break;
	case PH_DONE: break;
	}
	if (wz->report_msg[0]) {
		wattron(w, rs_tui_style(wz->report_msg[0] == '!' ? RS_STYLE_WARN : RS_STYLE_OK));
		rs_tui_put(w, s->rows - 2, 2, width, wz->report_msg);
		wattroff(w, rs_tui_style(wz->report_msg[0] == '!' ? RS_STYLE_WARN : RS_STYLE_OK));
	}
	if (s->ask != ASK_NONE)
		rs_dialog_draw_in(&s->dlg, w, s->ask == ASK_GO ? s->rows - 8 : -1);
}

enum {
	MODE_READY = 1u << 0,   /* the plan is there and root may run it */
	MODE_RUNNING = 1u << 1, /* c/Esc/q ask to stop */
	MODE_ASK = 1u << 2,     /* a question is open: it takes every key */
	MODE_OVER = 1u << 3,    /* nothing runs: Esc/Enter go back */
	MODE_FAILED = 1u << 4,  /* p reports */
	MODE_OUTPUT = 1u << 5,  /* there is output to scroll */
};

static unsigned mode(const void *st, const void *ctx)
{
	(void)ctx;
	const struct flash_all *s = st;
	if (s->ask != ASK_NONE)
		return MODE_ASK;
	bool ready = s->phase == PH_PLANNED && rs_flash_all_child_may_flash();
	bool failed = s->phase == PH_PLAN_FAILED || (s->phase == PH_DONE && s->end != RS_JOB_SUCCEEDED);
	return (ready ? MODE_READY : 0) | (s->phase == PH_RUNNING ? MODE_RUNNING : 0) |
	       (s->phase != PH_RUNNING ? MODE_OVER : 0) | (failed ? MODE_FAILED : 0) |
	       (rs_logview_count(&s->log) ? MODE_OUTPUT : 0);
}

static const struct rs_key_binding keys[] = {
	/* The question, default No: Enter alone never flashes. */
	{ { RS_REQ_LEFT, RS_REQ_RIGHT, RS_REQ_SWITCH }, "Left/Right", "No / Yes", false, key_dialog,
	  MODE_ASK },
	{ { RS_REQ_ACCEPT }, "Enter", "answer", false, key_dialog, MODE_ASK },
	{ { RS_REQ_YES, RS_REQ_NO, RS_REQ_CANCEL }, "y/n", "answer", false, key_dialog, MODE_ASK },
	{ { RS_REQ_QUIT, RS_REQ_HELP, RS_REQ_STOP }, "q", "answer the question first", true,
	  key_dialog, MODE_ASK },
	{ { RS_REQ_ACCEPT }, "Enter", "flash all", false, key_go, MODE_READY },
	{ { RS_REQ_STOP }, "c", "stop", false, key_stop, MODE_RUNNING },
	{ { RS_REQ_CANCEL }, "Esc", "stop and back", false, key_stop, MODE_RUNNING },
	{ { RS_REQ_QUIT }, "q", "stop and quit", false, key_stop, MODE_RUNNING },
	{ { RS_REQ_REPORT }, RS_REPORT_LEGEND, false, key_report, MODE_FAILED },
	{ { RS_REQ_LOG }, "l", "output", false, key_log, MODE_OVER | MODE_OUTPUT },
	{ { RS_REQ_UP, RS_REQ_DOWN, RS_REQ_PAGE_UP, RS_REQ_PAGE_DOWN, RS_REQ_HOME }, "Up/Down",
	  "scroll", true, key_scroll, MODE_OUTPUT },
	{ { RS_REQ_CANCEL, RS_REQ_ACCEPT }, "Esc", "back to the welcome screen", false, key_back,
	  MODE_OVER },
	{ { 0 }, NULL, NULL, false, NULL, 0 },
};

const struct rs_screen_ops rs_screen_flash_all = {
	.id = "flash-all",
	.title = "All MCUs",
	.help = "Every MCU the printer uses, in one pass: the same as 'sudo ratos-setup flash "
		"--all', run by the wizard. First the plan: each MCU, its board, the route that "
		"flashes it and the steps (builds first, while Klipper still runs; then Klipper "
		"stopped once, each MCU flashed, Klipper started once). Enter asks before "
		"anything is flashed; the answer starts on No. While it runs the output is shown "
		"live; c, Esc or q stop it after asking, and Klipper is started again before it "
		"ends. Then one result line per MCU; on a failure p writes a report to ask for "
		"help. Flashing stops the Klipper service, so it needs root: run the wizard with "
		"sudo. Esc goes back to the welcome screen, which reads klippy.log again.",
	.is_step = false,
	.state_size = sizeof(struct flash_all),
	.keys = keys,
	.applies = applies,
	.mode = mode,
	.enter = enter,
	.leave = leave,
	.layout = layout,
	.draw = draw,
};
