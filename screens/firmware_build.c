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
		if (s->phase == PH_OK && s->wz->after_build) {
			s->wz->jump_to = s->wz->after_build;
			s->wz->request = RS_KEY_JUMP;
		} else if (s->phase == PH_OK) {
			s->wz->request = RS_KEY_NEXT;
		}
		s->wz->after_build = NULL;
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

static void draw(const void *st, const void *ctx, WINDOW *w)
{
	const struct fwscreen *s = st;
	const struct rs_board *b = rs_wizard_board(ctx);
	if (!b)
		return;
	rs_fwview_draw_header(w, s->cols, s->wz, s->run.fb, b);
	struct view v = current_view(s);
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

/* After each frame: what it showed, so a tick that changes nothing visible
 * draws nothing. */
static void drawn(void *st, void *ctx)
{
	(void)ctx;
	struct fwscreen *s = st;
	s->shown = current_view(s);
	s->log_drawn_at = now_s();
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

/* What the screen is doing now, for its rows' when. While the question is
 * open it is the only mode. */
enum {
	MODE_ASKING = 1u << 0,
	MODE_READY = 1u << 1,    /* not built: Enter builds */
	MODE_OK = 1u << 2,       /* built or up to date: Enter goes on, r rebuilds */
	MODE_LOCKED = 1u << 3,   /* neither: Enter says why it waits */
	MODE_RETRY = 1u << 4,    /* failed or cancelled */
	MODE_BUILDING = 1u << 5,
	MODE_HAS_LOG = 1u << 6,
	MODE_SCROLLS = 1u << 7,  /* a log or result panel to scroll */
	MODE_FAILED = 1u << 8,   /* the build failed: p writes the help report */
};

static unsigned mode(const void *st, const void *ctx)
{
	(void)ctx;
	const struct fwscreen *s = st;
	if (s->ask != ASK_NONE)
		return MODE_ASKING;
	unsigned m = s->phase == PH_READY ? MODE_READY
		     : s->phase == PH_OK  ? MODE_OK
					  : MODE_LOCKED;
	if (s->phase == PH_FAILED || s->phase == PH_CANCELLED)
		m |= MODE_RETRY;
	if (s->phase == PH_FAILED)
		m |= MODE_FAILED;
	if (s->phase == PH_BUILDING)
		m |= MODE_BUILDING;
	if (s->phase == PH_BUILDING || rs_logview_count(&s->run.log) > 0)
		m |= MODE_HAS_LOG;
	if (s->show_log || s->panel)
		m |= MODE_SCROLLS;
	return m;
}

static enum rs_key_result key_report(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)req;
	(void)ch;
	struct fwscreen *s = st;
	struct rs_wizard *w = ctx;
	rs_wizard_write_report(w);
	s->notice = w->report_msg;
	return RS_KEY_HANDLED;
}

static enum rs_key_result key_build(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)req;
	(void)ch;
	start(st, false, false);
	return RS_KEY_HANDLED;
}

static enum rs_key_result key_rebuild(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)req;
	(void)ch;
	start(st, false, true);
	return RS_KEY_HANDLED;
}

static enum rs_key_result key_locked(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)req;
	(void)ch;
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

static enum rs_key_result key_log(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)req;
	(void)ch;
	struct fwscreen *s = st;
	s->notice = NULL;
	s->show_log = !s->show_log;
	s->run.log.back = 0;
	return RS_KEY_HANDLED;
}

static enum rs_key_result key_scroll(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)ch;
	struct fwscreen *s = st;
	s->notice = NULL;
	if (!s->show_log || (s->phase != PH_BUILDING && !rs_logview_count(&s->run.log))) {
		int total = s->panel ? rs_text_lines(s->panel, s->cols - 4) : 0;
		return rs_pager_key(&s->pager, req, total, panel_height(s)) ? RS_KEY_HANDLED
									     : RS_KEY_IGNORED;
	}
	/* The log box's inner height, as draw() places it. */
	int shown = s->phase == PH_BUILDING ? s->rows - 9 : s->rows - 6;
	return rs_logview_key(&s->run.log, req, shown) ? RS_KEY_HANDLED : RS_KEY_IGNORED;
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

static enum rs_key_result key_cancel(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)ch;
	struct fwscreen *s = st;
	s->notice = NULL;
	return ask(s, req == RS_REQ_CANCEL ? ASK_BACK : req == RS_REQ_QUIT ? ASK_QUIT : ASK_CANCEL);
}

/* While the question is open it takes its answers and swallows the global
 * keys (no help, no second question on top). */
static enum rs_key_result key_answer(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)ch;
	struct fwscreen *s = st;
	s->notice = NULL;
	enum rs_dialog_result r = rs_dialog_key(&s->dialog, req);
	if (r == RS_DIALOG_OPEN || r == RS_DIALOG_IGNORED)
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

static const struct rs_key_binding keys[] = {
	{ { RS_REQ_ACCEPT }, "Enter", "build", false, key_build, MODE_READY },
	{ { RS_REQ_ACCEPT }, "Enter", "next", false, rs_manager_key_next, MODE_OK },
	{ { RS_REQ_ACCEPT }, "Enter", "next (locked until built)", true, key_locked, MODE_LOCKED },
	{ { RS_REQ_RETRY }, "r", "retry", false, key_build, MODE_RETRY },
	{ { RS_REQ_RETRY }, "r", "rebuild", false, key_rebuild, MODE_OK },
	{ { RS_REQ_LOG }, "l", "log", false, key_log, MODE_HAS_LOG },
	{ { RS_REQ_REPORT }, RS_REPORT_LEGEND, false, key_report, MODE_FAILED },
	{ { RS_REQ_STOP }, "c", "cancel", false, key_cancel, MODE_BUILDING },
	{ { RS_REQ_CANCEL }, "Esc", "stop and back", false, key_cancel, MODE_BUILDING },
	{ { RS_REQ_QUIT }, "q", "stop and quit", false, key_cancel, MODE_BUILDING },
	{ { RS_REQ_UP, RS_REQ_DOWN, RS_REQ_PAGE_UP, RS_REQ_PAGE_DOWN, RS_REQ_HOME, RS_REQ_END },
	  "Up/Down", "scroll", true, key_scroll, MODE_SCROLLS },
	{ { RS_REQ_YES }, "y", "stop the build", false, key_answer, MODE_ASKING },
	{ { RS_REQ_NO, RS_REQ_CANCEL }, "n/Esc", "keep building", false, key_answer, MODE_ASKING },
	{ { RS_REQ_LEFT, RS_REQ_RIGHT, RS_REQ_SWITCH, RS_REQ_ACCEPT }, "Left/Right", "choose",
	  true, key_answer, MODE_ASKING },
	/* Not the global q or help while the question is open. */
	{ { RS_REQ_QUIT, RS_REQ_HELP }, "q", "answer the question first", true, key_answer,
	  MODE_ASKING },
	{ { 0 }, NULL, NULL, false, NULL, 0 },
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
	.drawn = drawn,
	.mode = mode,
	.on_event = on_event,
};
