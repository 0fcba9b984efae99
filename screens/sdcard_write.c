/* The card write on the wizard's loop (screens/sdcard_write.h). */
#include "screens/sdcard_write.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text_safe.h"
#include "core/xalloc.h"
#include "tui/progress.h"
#include "tui/text.h"
#include "tui/tui.h"

/* What was done, in the words the written screen lists. */
static void on_step(void *ud, enum rs_sd_step step, const char *detail)
{
	struct rs_strv *done = ud;
	char *line = NULL, *shown = rs_text_safe(detail);
	switch (step) {
	case RS_SD_STEP_REMOVE: line = rs_xasprintf("removed %s", shown); break;
	case RS_SD_STEP_COPY: line = rs_xasprintf("copied to %s", shown); break;
	case RS_SD_STEP_RENAME: line = rs_xasprintf("renamed to %s", shown); break;
	case RS_SD_STEP_VERIFY: line = rs_xasprintf("read %s back", shown); break;
	case RS_SD_STEP_DONE: break;
	}
	if (line)
		rs_strv_push(done, line);
	free(line);
	free(shown);
}

static void finish(struct rs_sd_run *r)
{
	if (r->over)
		return;
	rs_sdjob_finish(&r->sj, r->job);
	r->over = true;
	r->ask = RS_SD_ASK_NONE; /* a question about a write that ended is moot */
	r->ended(r->data);
	/* The card is not held a moment longer than the write needs it. */
	if (r->sj.card == &r->sj.own_card) {
		rs_sdcard_close(&r->sj.own_card);
		r->sj.card = NULL;
	}
}

/* The job reported something: redraw; at its end, the screen hears. The
 * job is freed later, never from inside its own callback. */
static bool changed(void *data)
{
	struct rs_sd_run *r = data;
	if (rs_job_finished(r->job))
		finish(r);
	return true;
}

void rs_sd_run_start(struct rs_sd_run *r, const struct rs_board *b, const char *fw_path,
		     const char *target, const struct rs_sdcard_id *id, void (*ended)(void *data),
		     void *data)
{
	rs_sd_run_free(r);
	r->target = rs_xstrdup(target);
	r->id = *id;
	r->ended = ended;
	r->data = data;
	rs_sdjob_init(&r->sj, b, fw_path);
	r->sj.target = r->target;
	r->sj.confirmed = &r->id;
	r->sj.on_step = on_step;
	r->sj.ud = &r->done;
	r->job = rs_sdjob_new(&r->sj);
	rs_job_start(r->job);
	if (rs_job_finished(r->job)) {
		finish(r);
		return;
	}
	/* A loop without room cannot follow the write: it is stopped, safely. */
	if (!rs_job_attach(r->job, rs_tui_loop(), changed, r))
		rs_sd_run_stop(r);
}

bool rs_sd_run_active(const struct rs_sd_run *r)
{
	return r->job && !r->over;
}

void rs_sd_run_stop(struct rs_sd_run *r)
{
	if (!rs_sd_run_active(r))
		return;
	rs_job_cancel(r->job);
	finish(r);
}

void rs_sd_run_drop(struct rs_sd_run *r)
{
	rs_sd_run_stop(r);
	rs_job_free(r->job);
	r->job = NULL;
}

void rs_sd_run_free(struct rs_sd_run *r)
{
	rs_sd_run_drop(r);
	rs_sdjob_free(&r->sj);
	rs_strv_free(&r->done);
	free(r->target);
	r->target = NULL;
	r->over = false;
	r->ask = RS_SD_ASK_NONE;
}

/* ---- the question ---- */

static void ask(struct rs_sd_run *r, enum rs_sd_ask what)
{
	static const char *const titles[] = { [RS_SD_ASK_STOP] = "Stop writing?",
					      [RS_SD_ASK_BACK] = "Stop writing and go back?",
					      [RS_SD_ASK_QUIT] = "Stop writing and quit?" };
	r->ask = what;
	r->dlg = (struct rs_dialog){
		.title = titles[what],
		.text = r->sj.stage >= RS_SDJOB_RENAMED
				? "The new firmware is already in place and verified; stopping "
				  "only finishes removing the old copies first."
				: "Safe at any moment: the card keeps its old files, and an "
				  "unfinished copy is removed. Nothing is left half-written.",
		.no_label = "No, keep writing",
		.yes_label = "Yes, stop",
		.yes_selected = false,
	};
}

enum rs_key_result rs_sd_run_key(struct rs_sd_run *r, enum rs_request req)
{
	if (r->ask == RS_SD_ASK_NONE) {
		if (!rs_sd_run_active(r))
			return RS_KEY_IGNORED;
		if (req == RS_REQ_STOP)
			ask(r, RS_SD_ASK_STOP);
		else if (req == RS_REQ_CANCEL)
			ask(r, RS_SD_ASK_BACK);
		else if (req == RS_REQ_QUIT)
			ask(r, RS_SD_ASK_QUIT);
		else
			return RS_KEY_IGNORED;
		return RS_KEY_HANDLED;
	}
	/* The question takes every request until it is answered. */
	enum rs_dialog_result d = rs_dialog_key(&r->dlg, req);
	if (d == RS_DIALOG_OPEN || d == RS_DIALOG_IGNORED)
		return RS_KEY_HANDLED;
	enum rs_sd_ask what = r->ask;
	r->ask = RS_SD_ASK_NONE;
	if (d == RS_DIALOG_NO)
		return RS_KEY_HANDLED;
	rs_sd_run_stop(r);
	return what == RS_SD_ASK_BACK ? RS_KEY_BACK
	       : what == RS_SD_ASK_QUIT ? RS_KEY_QUIT
					: RS_KEY_HANDLED;
}

/* ---- drawing ---- */

static unsigned steps_done(enum rs_sdjob_stage s)
{
	switch (s) {
	case RS_SDJOB_UNTOUCHED:
	case RS_SDJOB_COPYING: return 0;
	case RS_SDJOB_COPIED: return 1;
	case RS_SDJOB_VERIFIED: return 2;
	case RS_SDJOB_RENAMED: return 3;
	case RS_SDJOB_DONE: return 4;
	}
	return 0;
}

void rs_sd_run_draw(const struct rs_sd_run *r, WINDOW *w, int y, int rows, int cols)
{
	int width = cols - 4;
	char line[600], doing[256];
	char *shown = rs_text_safe(r->target ? r->target : "");
	wattron(w, rs_tui_style(RS_STYLE_TITLE));
	snprintf(line, sizeof(line), "Writing %s to %s", r->sj.board->sd_file, shown);
	rs_tui_put(w, y, 2, width, line);
	wattroff(w, rs_tui_style(RS_STYLE_TITLE));
	free(shown);
	y += 2;
	/* Copy, read back, rename, remove old copies. */
	rs_progress_draw_unit(w, y++, 2, width, steps_done(r->sj.stage), 4, "steps");
	y++;
	snprintf(line, sizeof(line), "Now: %s", rs_sdjob_doing(&r->sj, doing, sizeof(doing)));
	rs_tui_put(w, y++, 2, width, line);
	snprintf(line, sizeof(line), "Written %llu of %llu bytes, read back %llu of %llu.",
		 (unsigned long long)r->sj.written, (unsigned long long)r->sj.fw_bytes,
		 (unsigned long long)r->sj.read_back, (unsigned long long)r->sj.fw_bytes);
	rs_tui_put(w, y++, 2, width, line);
	y++;
	if (y < rows - 1)
		rs_text_draw(w, y, 2, width, rows - 1 - y, 0,
			     "c stops the write safely at any moment: until the new file is complete "
			     "and verified under its final name, the card keeps its old files.");
	if (r->ask != RS_SD_ASK_NONE)
		rs_dialog_draw_in(&r->dlg, w, -1);
}
