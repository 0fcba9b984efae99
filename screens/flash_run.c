/* The route step's run (screens/flash_run.h). */
#include "screens/flash_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/text_safe.h"
#include "core/xalloc.h"
#include "screens/flash_text.h"
#include "tui/tui.h"

#define PROOF_POLL_S 0.3

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool rs_frun_active(const struct rs_frun *r)
{
	return r->phase != RS_FRUN_NONE;
}

static void drop_job(struct rs_frun *r)
{
	/* Freeing a running job cancels it: its finally steps start Klipper
	 * again before this returns. */
	rs_job_free(r->job);
	r->job = NULL;
	if (r->have_ctx)
		rs_flash_ctx_free(&r->ctx);
	r->have_ctx = false;
	if (r->proof_begun)
		rs_flash_proof_free(&r->proof);
	r->proof_begun = false;
}

void rs_frun_free(struct rs_frun *r)
{
	drop_job(r);
	rs_logview_clear(&r->log);
	free(r->device);
	free(r->tree_version);
	free(r->panel);
	int rows = r->rows, cols = r->cols;
	memset(r, 0, sizeof(*r));
	r->rows = rows;
	r->cols = cols;
}

static void confirm(struct rs_frun *r)
{
	r->phase = RS_FRUN_CONFIRM;
	rs_flash_text_confirm(r->board, r->route, r->device, r->can_wait, &r->svc, r->dlg_text,
			      sizeof(r->dlg_text));
	r->dlg = (struct rs_dialog){
		.title = "Flash the board now?",
		.text = r->dlg_text,
		.no_label = "No",
		.yes_label = "Yes, flash",
		.yes_selected = false,
	};
}

void rs_frun_begin(struct rs_frun *r, const struct rs_board *b, const struct rs_route_option *o,
		   const struct rs_klipper_service *svc, bool manual, const char *klipper_dir,
		   const char *tree_version)
{
	rs_frun_free(r);
	r->board = b;
	r->route = o->route;
	r->device = o->device ? rs_xstrdup(o->device) : NULL;
	r->can_wait = !o->possible && o->can_wait;
	r->manual = manual;
	r->klipper_dir = klipper_dir;
	r->tree_version = tree_version ? rs_xstrdup(tree_version) : NULL;
	r->svc = *svc;
	if (manual)
		r->phase = RS_FRUN_ACK;
	else
		confirm(r);
}

/* ---- the job ---- */

/* The build's long OUT directory is shown as "out/" (as the build screen
 * does): it would push the device off an 80-column view. */
static void on_output(void *data, const char *line)
{
	struct rs_frun *r = data;
	const char *at = r->ctx.out_dir ? strstr(line, r->ctx.out_dir) : NULL;
	char *shortened = at ? rs_xasprintf("%.*sout/%s", (int)(at - line), line,
					    at + strlen(r->ctx.out_dir))
			     : NULL;
	rs_logview_push(&r->log, rs_text_safe(shortened ? shortened : line));
	free(shortened);
}

static void ended(struct rs_frun *r)
{
	if (r->over)
		return;
	r->over = true;
	r->asking_stop = false;
	const struct rs_job_result *res = rs_job_result(r->job);
	if (rs_flash_proof_arm(&r->proof, &r->ctx, res)) {
		r->phase = RS_FRUN_PROVING;
		r->proof_polled = 0;
		return;
	}
	r->phase = RS_FRUN_DONE;
	free(r->panel);
	r->panel = rs_flash_text_result(&r->ctx, res, &r->proof);
	r->pager.top = 0;
}

/* The job reported something: redraw; at its end, the result (the job is
 * kept: its result is read until the next run). */
static bool changed(void *data)
{
	struct rs_frun *r = data;
	if (rs_job_finished(r->job))
		ended(r);
	return true;
}

static void start(struct rs_frun *r)
{
	struct rs_flash_ctx_opts co = { .klipper_dir = r->klipper_dir, .device = r->device };
	rs_flash_ctx_init(&r->ctx, r->board, r->route, &co);
	r->have_ctx = true;
	r->ctx.service = r->svc;
	r->ctx.tree_version = r->tree_version ? rs_xstrdup(r->tree_version) : NULL;
	/* Where klippy.log ends before Klipper is stopped. */
	rs_flash_proof_begin(&r->proof, NULL);
	r->proof_begun = true;
	rs_logview_clear(&r->log);
	r->over = false;
	r->show_log = false;
	r->notice = NULL;
	r->phase = RS_FRUN_RUNNING;
	struct rs_job_opts jo = { .on_output = on_output, .data = r };
	r->job = rs_job_new(rs_flash_table(r->route), &r->ctx, &jo);
	rs_job_start(r->job);
	if (rs_job_finished(r->job)) {
		ended(r);
		return;
	}
	/* A loop without room cannot follow the job: stopped, Klipper started. */
	if (!rs_job_attach(r->job, rs_tui_loop(), changed, r)) {
		rs_job_cancel(r->job);
		ended(r);
	}
}

bool rs_frun_tick(struct rs_frun *r)
{
	if (r->phase == RS_FRUN_RUNNING) {
		/* The step's seconds on the "Now:" line. */
		struct rs_job_progress p;
		rs_job_get_progress(r->job, &p);
		bool changed = (int)p.step_elapsed != r->shown_secs;
		r->shown_secs = (int)p.step_elapsed;
		return changed;
	}
	if (r->phase != RS_FRUN_PROVING || now_s() - r->proof_polled < PROOF_POLL_S)
		return false;
	int left = rs_flash_proof_seconds_left(&r->proof);
	r->proof_polled = now_s();
	if (!rs_flash_proof_poll(&r->proof, r->board, r->tree_version))
		return left != rs_flash_proof_seconds_left(&r->proof);
	r->phase = RS_FRUN_DONE;
	free(r->panel);
	r->panel = rs_flash_text_result(&r->ctx, rs_job_result(r->job), &r->proof);
	r->pager.top = 0;
	return true;
}

/* ---- keys ---- */

unsigned rs_frun_mode(const struct rs_frun *r)
{
	switch (r->phase) {
	case RS_FRUN_NONE: return RS_FRUN_MODE_LIST;
	case RS_FRUN_ACK: return RS_FRUN_MODE_ACK;
	case RS_FRUN_CONFIRM: return RS_FRUN_MODE_CONFIRM;
	case RS_FRUN_RUNNING:
		return r->asking_stop ? RS_FRUN_MODE_ASKING
				      : RS_FRUN_MODE_RUNNING | RS_FRUN_MODE_LOG;
	case RS_FRUN_PROVING: return RS_FRUN_MODE_PROVING | RS_FRUN_MODE_LOG;
	case RS_FRUN_DONE:
		return (rs_job_state(r->job) == RS_JOB_SUCCEEDED ? RS_FRUN_MODE_OK
								 : RS_FRUN_MODE_FAILED) |
		       (rs_logview_count(&r->log) ? RS_FRUN_MODE_LOG : 0);
	}
	return 0;
}

static enum rs_key_result key_ack(struct rs_frun *r, enum rs_request req, int ch)
{
	size_t len = strlen(r->typed);
	if (req == RS_REQ_TYPE && ch && len + 1 < sizeof(r->typed)) {
		r->typed[len] = (char)ch;
		r->typed[len + 1] = '\0';
		r->ack_note = NULL;
	} else if (req == RS_REQ_ERASE && len > 0) {
		r->typed[len - 1] = '\0';
	} else if (req == RS_REQ_CANCEL) {
		rs_frun_free(r);
	} else if (req == RS_REQ_ACCEPT) {
		/* Only the id itself passes; Enter alone never does. */
		if (strcmp(r->typed, r->board->id) == 0) {
			confirm(r);
		} else {
			r->ack_note = r->typed[0] ? "That is not the board id: nothing was flashed."
						  : "Type the board id first: Enter alone does not "
						    "flash this board.";
			r->typed[0] = '\0';
		}
	}
	return RS_KEY_HANDLED;
}

static void ask_stop(struct rs_frun *r, enum rs_request req)
{
	r->asking_stop = true;
	r->stop_req = req;
	struct rs_job_progress p;
	rs_job_get_progress(r->job, &p);
	rs_flash_text_stop(&r->ctx, p.step, r->dlg_text, sizeof(r->dlg_text));
	r->dlg = (struct rs_dialog){
		.title = req == RS_REQ_QUIT ? "Stop flashing and quit?" : "Stop flashing?",
		.text = r->dlg_text,
		.no_label = "No, keep flashing",
		.yes_label = "Yes, stop",
		.yes_selected = false,
	};
}

static enum rs_key_result key_running(struct rs_frun *r, enum rs_request req)
{
	if (!r->asking_stop) {
		if (req == RS_REQ_STOP || req == RS_REQ_CANCEL || req == RS_REQ_QUIT)
			ask_stop(r, req);
		return RS_KEY_HANDLED;
	}
	/* The question takes every request until it is answered. */
	enum rs_dialog_result d = rs_dialog_key(&r->dlg, req);
	if (d == RS_DIALOG_OPEN || d == RS_DIALOG_IGNORED)
		return RS_KEY_HANDLED;
	r->asking_stop = false;
	if (d == RS_DIALOG_NO || rs_job_finished(r->job))
		return RS_KEY_HANDLED;
	/* Stops the step's process group and runs the finally steps: Klipper
	 * is started again before the result is shown. */
	rs_job_cancel(r->job);
	ended(r);
	return r->stop_req == RS_REQ_QUIT ? RS_KEY_QUIT : RS_KEY_HANDLED;
}

static int body_height(const struct rs_frun *r)
{
	return r->rows - 2;
}

enum rs_key_result rs_frun_key(struct rs_frun *r, enum rs_request req, int ch)
{
	r->notice = NULL;
	switch (r->phase) {
	case RS_FRUN_NONE: return RS_KEY_IGNORED;
	case RS_FRUN_ACK: return key_ack(r, req, ch);
	case RS_FRUN_CONFIRM: {
		enum rs_dialog_result d = rs_dialog_key(&r->dlg, req);
		if (d == RS_DIALOG_YES)
			start(r);
		else if (d == RS_DIALOG_NO)
			rs_frun_free(r);
		return RS_KEY_HANDLED;
	}
	case RS_FRUN_RUNNING:
		if (req == RS_REQ_LOG || (!r->asking_stop && req != RS_REQ_STOP &&
					  req != RS_REQ_CANCEL && req != RS_REQ_QUIT))
			return rs_logview_key(&r->log, req, body_height(r) - 6) ? RS_KEY_HANDLED
										 : RS_KEY_IGNORED;
		return key_running(r, req);
	case RS_FRUN_PROVING:
		if (req == RS_REQ_STOP || req == RS_REQ_CANCEL) {
			rs_flash_proof_stop(&r->proof);
			r->proof_polled = 0;
			rs_frun_tick(r);
		}
		return RS_KEY_HANDLED;
	case RS_FRUN_DONE:
		break;
	}
	bool ok = rs_job_state(r->job) == RS_JOB_SUCCEEDED;
	if (req == RS_REQ_LOG) {
		r->show_log = !r->show_log;
		r->log.back = 0;
		return RS_KEY_HANDLED;
	}
	if (req == RS_REQ_ACCEPT && ok)
		return RS_KEY_NEXT;
	if (req == RS_REQ_ACCEPT || req == RS_REQ_CANCEL) {
		rs_frun_free(r);
		return RS_KEY_HANDLED;
	}
	if (req == RS_REQ_RETRY && !ok) {
		drop_job(r);
		confirm(r);
		return RS_KEY_HANDLED;
	}
	if (r->show_log)
		return rs_logview_key(&r->log, req, body_height(r) - 2) ? RS_KEY_HANDLED
									 : RS_KEY_IGNORED;
	int total = r->panel ? rs_text_lines(r->panel, r->cols - 4) : 0;
	return rs_pager_key(&r->pager, req, total, body_height(r)) ? RS_KEY_HANDLED
								    : RS_KEY_IGNORED;
}

/* ---- drawing ---- */

void rs_frun_layout(struct rs_frun *r, int rows, int cols)
{
	r->rows = rows;
	r->cols = cols;
}

static void draw_ack(const struct rs_frun *r, WINDOW *w)
{
	char text[1200], line[200];
	snprintf(text, sizeof(text),
		 "!! %s is marked for flashing by hand only.\n%s\n\nType the board id (%s) and "
		 "press Enter to flash it anyway; Esc goes back.",
		 r->board->name, r->board->flash_notes ? r->board->flash_notes : "", r->board->id);
	int y = 1 + rs_text_draw(w, 1, 2, r->cols - 4, r->rows - 5, 0, text);
	snprintf(line, sizeof(line), "Board id: %s_", r->typed);
	rs_tui_put(w, y + 1, 2, r->cols - 4, line);
	if (r->ack_note) {
		wattron(w, rs_tui_style(RS_STYLE_WARN));
		rs_tui_put(w, y + 3, 2, r->cols - 4, r->ack_note);
		wattroff(w, rs_tui_style(RS_STYLE_WARN));
	}
}

static void draw_running(const struct rs_frun *r, WINDOW *w)
{
	char line[600];
	struct rs_job_progress p;
	rs_job_get_progress(r->job, &p);
	wattron(w, rs_tui_style(RS_STYLE_TITLE));
	snprintf(line, sizeof(line), "Flashing %s over %s", r->board->name, rs_route_title(r->route));
	rs_tui_put(w, 1, 2, r->cols - 4, line);
	wattroff(w, rs_tui_style(RS_STYLE_TITLE));
	if (r->phase == RS_FRUN_PROVING)
		snprintf(line, sizeof(line), "Now: waiting for Klipper's new start in klippy.log, "
			 "for the version the board reports (%d s left; c skips)",
			 rs_flash_proof_seconds_left(&r->proof));
	else
		snprintf(line, sizeof(line), "Now: %s (%.0f s)", rs_flash_text_step(p.step),
			 p.step_elapsed);
	rs_tui_put(w, 2, 2, r->cols - 4, line);
	rs_tui_put(w, 3, 2, r->cols - 4,
		   r->phase == RS_FRUN_PROVING || r->svc.state != RS_SERVICE_RUNNING ||
				   r->route == RS_ROUTE_DFU
			   ? "c stops (asks first)."
			   : "c stops (asks first); Klipper is started again either way.");
	rs_logview_draw(&r->log, w, 4, 0, r->rows - 4, r->cols);
	if (r->asking_stop)
		rs_dialog_draw_in(&r->dlg, w, -1);
}

void rs_frun_draw(const struct rs_frun *r, WINDOW *w)
{
	switch (r->phase) {
	case RS_FRUN_NONE: return;
	case RS_FRUN_ACK: draw_ack(r, w); break;
	case RS_FRUN_CONFIRM: rs_dialog_draw_in(&r->dlg, w, -1); break;
	case RS_FRUN_RUNNING:
	case RS_FRUN_PROVING: draw_running(r, w); break;
	case RS_FRUN_DONE:
		if (r->show_log)
			rs_logview_draw(&r->log, w, 0, 0, r->rows, r->cols);
		else if (r->panel)
			rs_text_draw(w, 1, 2, r->cols - 4, body_height(r) - (r->notice ? 1 : 0),
				     r->pager.top, r->panel);
		break;
	}
	if (r->notice) {
		wattron(w, rs_tui_style(RS_STYLE_WARN));
		rs_tui_put(w, r->rows - 1, 1, r->cols - 2, r->notice);
		wattroff(w, rs_tui_style(RS_STYLE_WARN));
	}
}
