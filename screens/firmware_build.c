/* Build firmware: runs the firmware build (screens/firmware_run.h) inside
 * the wizard's one poll loop. Entering the screen only asks the build whether
 * the installed image is still up to date (a few git calls, no make); Enter
 * builds, with a progress bar, the current file, elapsed time and an
 * estimate, and a log view. A running build is never left behind: cancel,
 * Esc and q ask first, and leaving the screen any other way (a signal)
 * kills make's whole process group. Next unlocks once the firmware is built
 * or was up to date. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "screens/firmware_run.h"
#include "screens/firmware_text.h"
#include "screens/firmware_view.h"
#include "screens/report_key.h"
#include "screens/wizard.h"
#include "tui/manager.h"
#include "tui/dialog.h"
#include "tui/logview.h"
#include "tui/text.h"
#include "tui/tui.h"

#define LOG_REDRAW_MS 100

enum phase {
	PH_IDLE,     /* nothing known yet (no board) */
	PH_PROBING,  /* check-only run: is the installed image up to date? */
	PH_READY,    /* not built: Enter builds */
	PH_BUILDING,
	PH_OK,       /* built or up to date: Next unlocked */
	PH_FAILED,   /* includes "cannot build yet" found by the probe */
	PH_CANCELLED,
};

enum ask { ASK_NONE, ASK_CANCEL, ASK_BACK, ASK_QUIT };

/* What the screen shows; compared with the last drawn one so a tick that
 * changes nothing visible draws nothing. */
struct view {
	enum phase phase;
	struct rs_fwview progress;
	unsigned long log_seq;
};

struct fwscreen {
	struct rs_wizard *wz;
	int rows, cols;
	struct rs_fwrun run;
	enum phase phase;
	bool show_log;
	char *panel;            /* text once the build ended */
	struct rs_pager pager;
	enum ask ask;
	struct rs_dialog dialog;
	const char *notice;
	struct view shown;
	double log_drawn_at;
	bool build_after_probe; /* Enter came while the check was running */
	bool then_next;         /* asked for a build that leads on (screens/update.h) */
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void drop_build(struct fwscreen *s)
{
	rs_fwrun_drop(&s->run);
	free(s->panel);
	s->panel = NULL;
	s->ask = ASK_NONE;
}

static void start(struct fwscreen *s, bool check_only, bool force);

static void ended(void *ctx)
{
	struct fwscreen *s = ctx;
	const struct rs_fwbuild_result *r = rs_fwbuild_result(s->run.fb);
	rs_fwrun_unregister(&s->run);
	bool was_probe = s->phase == PH_PROBING;
	if (was_probe)
		rs_logview_clear(&s->run.log); /* a few git lines: not a build log worth a view */
	if (was_probe && r->step == RS_FWB_NOT_BUILT && s->build_after_probe) {
		start(s, false, false);
		return;
	}
	s->build_after_probe = false;
	switch (r->step) {
	case RS_FWB_DONE:
	case RS_FWB_UP_TO_DATE: s->phase = PH_OK; break;
	case RS_FWB_NOT_BUILT: s->phase = PH_READY; break;
	case RS_FWB_CANCELLED: s->phase = PH_CANCELLED; break;
	default: s->phase = PH_FAILED; break;
	}
	s->ask = ASK_NONE;
	if (s->then_next) {
		s->then_next = false;
		if (s->phase == PH_OK)
			s->wz->request = RS_KEY_NEXT;
	}
	free(s->panel);
	const struct rs_board *b = rs_wizard_board(s->wz);
	s->panel = b ? rs_fwtext_result(b, r, rs_wizard_next_title(s->wz, "firmware")) : NULL;
	s->pager.top = 0;
}

static void start(struct fwscreen *s, bool check_only, bool force)
{
	const struct rs_board *b = rs_wizard_board(s->wz);
	drop_build(s);
	rs_logview_clear(&s->run.log);
	s->notice = NULL;
	s->build_after_probe = false;
	s->shown = (struct view){ 0 };
	if (!b) {
		s->phase = PH_IDLE;
		return;
	}
	/* Before starting: a build that ends at once is told apart by it. */
	s->phase = check_only ? PH_PROBING : PH_BUILDING;
	rs_fwrun_start(&s->run, b, s->wz->klipper_dir, check_only, force);
}

static void enter(void *st, void *ctx)
{
	struct fwscreen *s = st;
	s->wz = ctx;
	rs_fwrun_init(&s->run, ended, s);
	s->show_log = false;
	bool build_now = s->wz->build_request;
	s->wz->build_request = false;
	s->then_next = build_now;
	start(s, true, false);
	if (!build_now)
		return;
	/* Build right after the check, or now if it has already ended. */
	if (s->phase == PH_PROBING) {
		s->build_after_probe = true;
	} else if (s->phase == PH_READY) {
		s->then_next = true;
		start(s, false, false);
	}
}

static void leave(void *st, void *ctx)
{
	(void)ctx;
	struct fwscreen *s = st;
	drop_build(s);
	rs_fwrun_free(&s->run);
	s->phase = PH_IDLE;
	s->then_next = false;
}

static void layout(void *st, void *ctx, int rows, int cols)
{
	(void)ctx;
	struct fwscreen *s = st;
	s->rows = rows;
	s->cols = cols;
}

static struct view current_view(const struct fwscreen *s)
{
	struct view v = { .phase = s->phase, .log_seq = s->show_log ? s->run.log.seq : 0,
			  .progress.eta = -1 };
	if (s->phase == PH_BUILDING && s->run.fb)
		rs_fwview_get(&v.progress, s->run.fb);
	return v;
}

static int panel_top(void) { return 3; }
static int panel_height(const struct fwscreen *s) { return s->rows - panel_top() - 1; }

static void draw(void *st, void *ctx, WINDOW *w)
{
	struct fwscreen *s = st;
	const struct rs_board *b = rs_wizard_board(ctx);
	if (!b)
		return;
	rs_fwview_draw_header(w, s->cols, s->wz, s->run.fb, b);
	struct view v = current_view(s);
	s->shown = v;
	s->log_drawn_at = now_s();
	int bottom = s->rows - 1; /* the log path line */
	if (s->phase == PH_BUILDING) {
		rs_fwview_draw_progress(w, s->cols, &v.progress);
		if (s->show_log)
			rs_logview_draw(&s->run.log, w, 6, 0, bottom - 6, s->cols);
		else
			rs_tui_put(w, 6, 1, s->cols - 2, "l shows the build output.");
		if (s->run.log_pretty[0]) {
			char line[600];
			snprintf(line, sizeof(line), "Log file: %s", s->run.log_pretty);
			rs_tui_put(w, bottom, 1, s->cols - 2, line);
		}
	} else if (s->show_log && rs_logview_count(&s->run.log)) {
		rs_logview_draw(&s->run.log, w, panel_top(), 0, bottom - panel_top(), s->cols);
		rs_tui_put(w, bottom, 1, s->cols - 2, "l returns to the result.");
	} else if (s->phase == PH_PROBING) {
		rs_tui_put(w, panel_top(), 1, s->cols - 2,
			   "Checking whether the installed firmware is up to date...");
	} else if (s->panel) {
		int total = rs_text_lines(s->panel, s->cols - 4);
		int h = panel_height(s) - (s->notice ? 1 : 0);
		rs_text_draw(w, panel_top(), 2, s->cols - 4, h, s->pager.top, s->panel);
		if (total > h + s->pager.top)
			rs_tui_put(w, panel_top() + h - 1, s->cols - 12, 10, "(more...)");
	}
	if (s->notice) {
		wattron(w, rs_tui_style(RS_STYLE_WARN));
		rs_tui_put(w, bottom, 1, s->cols - 2, s->notice);
		wattroff(w, rs_tui_style(RS_STYLE_WARN));
	}
	if (s->ask != ASK_NONE)
		rs_dialog_draw_in(&s->dialog, w, -1);
}

/* Called on every loop wake-up that is not a key: redraw only when what
 * the screen shows has changed (on a serial console every byte counts; the
 * log view at most every LOG_REDRAW_MS). */
static bool on_event(void *st, void *ctx, const struct rs_event *ev)
{
	(void)ctx;
	(void)ev;
	struct fwscreen *s = st;
	if (rs_fwrun_running(&s->run))
		rs_fwrun_pump(&s->run);
	struct view v = current_view(s);
	const struct view *o = &s->shown;
	if (v.phase != o->phase || !rs_fwview_same(&v.progress, &o->progress))
		return true;
	return v.log_seq != o->log_seq && now_s() - s->log_drawn_at >= LOG_REDRAW_MS / 1000.0;
}

/* ---- keys ---------------------------------------------------------------- */

static bool asking(void *st, void *ctx) { (void)ctx; return ((struct fwscreen *)st)->ask != ASK_NONE; }
static bool not_asking(struct fwscreen *s) { return s->ask == ASK_NONE; }

static bool can_build(void *st, void *ctx)
{
	(void)ctx;
	struct fwscreen *s = st;
	return not_asking(s) && s->phase == PH_READY;
}

static bool can_next(void *st, void *ctx)
{
	(void)ctx;
	struct fwscreen *s = st;
	return not_asking(s) && s->phase == PH_OK;
}

static bool locked(void *st, void *ctx)
{
	(void)ctx;
	struct fwscreen *s = st;
	return not_asking(s) && s->phase != PH_OK && s->phase != PH_READY;
}

static bool can_retry(void *st, void *ctx)
{
	(void)ctx;
	struct fwscreen *s = st;
	return not_asking(s) && (s->phase == PH_FAILED || s->phase == PH_CANCELLED);
}

static bool failed(void *st, void *ctx)
{
	(void)ctx;
	struct fwscreen *s = st;
	return not_asking(s) && s->phase == PH_FAILED;
}

static enum rs_key_result key_report(void *st, void *ctx, int key)
{
	(void)key;
	struct fwscreen *s = st;
	struct rs_wizard *w = ctx;
	rs_wizard_write_report(w);
	s->notice = w->report_msg;
	return RS_KEY_HANDLED;
}

static bool can_rebuild(void *st, void *ctx)
{
	(void)ctx;
	struct fwscreen *s = st;
	return not_asking(s) && s->phase == PH_OK;
}

static bool building(void *st, void *ctx)
{
	(void)ctx;
	struct fwscreen *s = st;
	return not_asking(s) && s->phase == PH_BUILDING;
}

static bool has_log(void *st, void *ctx)
{
	(void)ctx;
	struct fwscreen *s = st;
	return not_asking(s) && (s->phase == PH_BUILDING || rs_logview_count(&s->run.log) > 0);
}

static bool can_scroll(void *st, void *ctx)
{
	(void)ctx;
	struct fwscreen *s = st;
	return not_asking(s) && (s->show_log || s->panel);
}

static enum rs_key_result key_build(void *st, void *ctx, int key)
{
	(void)ctx;
	(void)key;
	start(st, false, false);
	return RS_KEY_HANDLED;
}

static enum rs_key_result key_rebuild(void *st, void *ctx, int key)
{
	(void)ctx;
	(void)key;
	start(st, false, true);
	return RS_KEY_HANDLED;
}

static enum rs_key_result key_locked(void *st, void *ctx, int key)
{
	(void)ctx;
	(void)key;
	struct fwscreen *s = st;
	if (s->phase == PH_PROBING) {
		/* The check takes milliseconds; build right after it if needed. */
		s->build_after_probe = true;
		s->notice = "Checking the installed firmware first...";
		return RS_KEY_HANDLED;
	}
	s->notice = s->phase == PH_BUILDING ? "Next unlocks when the build has finished."
					    : "!! Next is locked until the firmware is built: "
					      "r tries again.";
	return RS_KEY_HANDLED;
}

static enum rs_key_result key_log(void *st, void *ctx, int key)
{
	(void)ctx;
	(void)key;
	struct fwscreen *s = st;
	s->notice = NULL;
	s->show_log = !s->show_log;
	s->run.log.back = 0;
	return RS_KEY_HANDLED;
}

static enum rs_key_result key_scroll(void *st, void *ctx, int key)
{
	(void)ctx;
	struct fwscreen *s = st;
	s->notice = NULL;
	if (!s->show_log || (s->phase != PH_BUILDING && !rs_logview_count(&s->run.log))) {
		int total = s->panel ? rs_text_lines(s->panel, s->cols - 4) : 0;
		return rs_pager_key(&s->pager, key, total, panel_height(s)) ? RS_KEY_HANDLED
									     : RS_KEY_IGNORED;
	}
	return rs_logview_key(&s->run.log, key, s->rows - 9) ? RS_KEY_HANDLED : RS_KEY_IGNORED;
}

static enum rs_key_result ask(struct fwscreen *s, enum ask what)
{
	static const char *const titles[] = { [ASK_CANCEL] = "Stop the build?",
					      [ASK_BACK] = "Stop the build and go back?",
					      [ASK_QUIT] = "Stop the build and quit?" };
	s->ask = what;
	s->dialog = (struct rs_dialog){
		.title = titles[what],
		.text = "make and every compiler it started are stopped; the installed firmware "
			"stays as it was.",
		.no_label = "No, keep building",
		.yes_label = "Yes, stop",
		.yes_selected = false,
	};
	return RS_KEY_HANDLED;
}

static enum rs_key_result key_cancel(void *st, void *ctx, int key)
{
	(void)ctx;
	struct fwscreen *s = st;
	s->notice = NULL;
	return ask(s, key == 27 ? ASK_BACK : key == 'q' || key == 'Q' ? ASK_QUIT : ASK_CANCEL);
}

static enum rs_key_result key_answer(void *st, void *ctx, int key)
{
	(void)ctx;
	struct fwscreen *s = st;
	s->notice = NULL;
	enum rs_dialog_result r = rs_dialog_key(&s->dialog, key);
	if (r == RS_DIALOG_OPEN)
		return RS_KEY_HANDLED;
	enum ask what = s->ask;
	s->ask = ASK_NONE;
	if (r == RS_DIALOG_NO || !s->run.fb)
		return RS_KEY_HANDLED;
	if (!rs_fwbuild_finished(s->run.fb)) {
		rs_fwbuild_cancel(s->run.fb);
		ended(s);
	}
	return what == ASK_BACK ? RS_KEY_BACK : what == ASK_QUIT ? RS_KEY_QUIT : RS_KEY_HANDLED;
}

/* While the question is open every key is its. */
static enum rs_key_result on_key(void *st, void *ctx, int key)
{
	struct fwscreen *s = st;
	if (s->ask == ASK_NONE)
		return RS_KEY_IGNORED;
	return key_answer(st, ctx, key);
}

#define ENTER_KEYS '\n', '\r', KEY_ENTER
static const struct rs_key_binding keys[] = {
	{ { ENTER_KEYS }, "Enter", "build", false, key_build, can_build },
	{ { ENTER_KEYS }, "Enter", "next", false, rs_manager_key_next, can_next },
	{ { ENTER_KEYS }, "Enter", "next (locked until built)", true, key_locked, locked },
	{ { 'r', 'R' }, "r", "retry", false, key_build, can_retry },
	{ { 'r', 'R' }, "r", "rebuild", false, key_rebuild, can_rebuild },
	{ { 'l', 'L' }, "l", "log", false, key_log, has_log },
	{ { RS_REPORT_KEYS }, RS_REPORT_LEGEND, false, key_report, failed },
	{ { 'c', 'C' }, "c", "cancel", false, key_cancel, building },
	{ { 27 }, "Esc", "stop and back", false, key_cancel, building },
	{ { 'q', 'Q' }, "q", "stop and quit", false, key_cancel, building },
	{ { KEY_UP, KEY_DOWN, KEY_PPAGE, KEY_NPAGE, KEY_HOME, KEY_END }, "Up/Down", "scroll",
	  true, key_scroll, can_scroll },
	{ { 'y', 'Y' }, "y", "stop the build", false, key_answer, asking },
	{ { 'n', 'N', 27 }, "n/Esc", "keep building", false, key_answer, asking },
	/* Not the global q or help while the question is open. */
	{ { 'q', 'Q', '?', KEY_F(1) }, "q", "answer the question first", true, key_answer,
	  asking },
	{ { 0 }, NULL, NULL, false, NULL, NULL },
};

const struct rs_screen_ops rs_screen_firmware = {
	.id = "firmware",
	.title = "Build firmware",
	.help = "Builds Klipper firmware for the chosen board from your Klipper tree "
		"(~/klipper, or ratos-setup --klipper DIR) in its own work directory, and "
		"installs it in ~/printer_data/config/firmware_binaries. When nothing changed "
		"since the last build it says \"up to date\" without building. c, Esc and q "
		"stop a running build (they ask first); the full log is kept in the file shown. "
		"Next unlocks once the firmware is built or up to date.",
	.is_step = true,
	.state_size = sizeof(struct fwscreen),
	.keys = keys,
	.enter = enter,
	.leave = leave,
	.layout = layout,
	.draw = draw,
	.on_key = on_key,
	.on_event = on_event,
};
