#include "screens/screens.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/wizard_model.h"
#include "platform/discovery.h"
#include "platform/log.h"
#include "platform/state_file.h"
#include "screens/update.h"
#include "screens/wizard.h"
#include "platform/loop.h"
#include "tui/manager.h"
#include "tui/tui.h"

/* The wizard, in the order of the model's steps (core/wizard_model.h):
 * steps that do not apply to the chosen board are skipped by the manager
 * (each screen's applies() asks the model). */
static const struct rs_screen_ops *const wizard_screens[RS_STEP_COUNT + 1] = {
	&rs_screen_welcome,
	&rs_screen_board,
	&rs_screen_jumpers,
	&rs_screen_endstop,
	&rs_screen_summary,
	&rs_screen_firmware,
	&rs_screen_flash,
	&rs_screen_sdcard,
	/* Not a step: opened from the welcome screen only (screens/flash_all.h). */
	&rs_screen_flash_all,
};

const struct rs_board *rs_wizard_board(const struct rs_wizard *w)
{
	return rs_model_board(w->cat, &w->st);
}

const struct rs_driver *rs_wizard_driver(const struct rs_wizard *w, size_t socket)
{
	return rs_model_driver(w->cat, &w->st, socket);
}

void rs_wizard_recommend_jumpers(struct rs_wizard *w)
{
	rs_model_recommend_jumpers(w->cat, &w->st);
}

void rs_wizard_choose_board(struct rs_wizard *w, const struct rs_board *b)
{
	rs_model_choose_board(w->cat, &w->st, b);
}

/* The saved choices as far as the current data allows (core/wizard_model.h),
 * then where the run goes on (core/wizard_resume.h). */
void rs_wizard_resume(struct rs_wizard *w)
{
	w->resume_offered = false;
	if (rs_model_revalidate(w->cat, &w->saved, &w->st) == RS_MODEL_BOARD_GONE) {
		snprintf(w->state_problem, sizeof(w->state_problem),
			 "The saved board '%s' is not known any more; choose the board again.",
			 w->saved.board);
		w->jump_to = "board";
		return;
	}
	w->jump_to = w->saved.step;
	if (!w->resume_planned) {
		/* Resumed before the tree was looked at (a quick key). */
		rs_wizard_refresh_tree(w);
		rs_wizard_plan_resume(w);
	}
	/* The first step whose premise changed (the welcome screen said which). */
	w->jump_to = rs_step_id(w->resume_plan.step);
	if (w->resume_plan.step == RS_STEP_FIRMWARE &&
	    rs_step_from_id(w->saved.step) >= RS_STEP_FLASH) {
		/* The route (or the card) was next: the new build leads back there. */
		rs_wizard_request_build(w);
		w->after_build = rs_step_id(rs_step_from_id(w->saved.step));
	}
}

void rs_wizard_start_over(struct rs_wizard *w)
{
	struct rs_errors errs = { 0 };
	rs_state_file_reset(&errs);
	rs_errors_clear(&errs);
	rs_wizard_state_init(&w->st);
	w->resume_offered = false;
}

const char *rs_wizard_next_title(struct rs_wizard *w, const char *screen_id)
{
	enum rs_step next = rs_model_next_step(rs_wizard_board(w), rs_step_from_id(screen_id));
	return next < RS_STEP_COUNT ? wizard_screens[next]->title : NULL;
}

static const char *subtitle(void *ctx)
{
	const struct rs_board *b = rs_wizard_board(ctx);
	return b ? b->name : NULL;
}

static void on_step(void *ctx, const char *screen_id)
{
	struct rs_wizard *w = ctx;
	rs_log("wizard step: %s", screen_id);
	/* The welcome screen must not overwrite a state not yet resumed; a
	 * screen that is no step is no place to resume at. */
	if (w->resume_offered || strcmp(screen_id, rs_screen_flash_all.id) == 0)
		return;
	snprintf(w->st.step, sizeof(w->st.step), "%s", screen_id);
	rs_wizard_note_premises(w);
	char *text = rs_wizard_state_serialize(&w->st);
	if (w->last_saved && strcmp(text, w->last_saved) == 0) {
		free(text);
		return;
	}
	struct rs_errors errs = { 0 };
	w->save_problem[0] = '\0';
	if (rs_state_file_save(&w->st, &errs)) {
		free(w->last_saved);
		w->last_saved = text;
		text = NULL;
	} else if (errs.count) {
		rs_error_format(&errs.items[0], w->save_problem, sizeof(w->save_problem));
	}
	free(text);
	rs_errors_clear(&errs);
}

static const char *jump_target(void *ctx)
{
	struct rs_wizard *w = ctx;
	return w->jump_to;
}

static void load_saved(struct rs_wizard *w, bool reset)
{
	struct rs_errors errs = { 0 };
	if (reset) {
		rs_state_file_reset(&errs);
	} else {
		switch (rs_state_file_load(&w->saved, &errs)) {
		case RS_STATE_LOADED:
			/* Nothing worth resuming before a board was chosen. */
			w->resume_offered = w->saved.board[0] && strcmp(w->saved.step, "welcome");
			break;
		case RS_STATE_BAD:
			if (errs.count) {
				char line[400];
				snprintf(w->state_problem, sizeof(w->state_problem),
					 "The saved state could not be read (%s); starting over.",
					 rs_error_format(&errs.items[0], line, sizeof(line)));
			}
			break;
		case RS_STATE_ABSENT:
			break;
		}
	}
	rs_errors_clear(&errs);
}

#define START_SCREEN "welcome"

struct late_start {
	struct rs_wizard *w;
	const struct rs_wizard_options *opts;
	struct rs_discovery_config dcfg;
};

/* Runs once, right after the first frame: the slow look-arounds. */
static bool start_looking(void *data)
{
	struct late_start *ls = data;
	struct rs_wizard *w = ls->w;
	rs_wizard_refresh_tree(w);
	rs_wizard_hw_start(w, ls->opts->discovery, &ls->dcfg);
	w->started = true;
	if (w->resume_offered)
		rs_wizard_plan_resume(w);
	rs_wizard_look_at_klipper_log(w);
	return true;
}

int rs_wizard_run(const struct rs_wizard_options *opts)
{
	struct rs_wizard w = { .cat = opts->catalog,
			       .preselect_id = opts->preselect_id,
			       .connected_id = opts->connected_id,
			       .klipper_dir = opts->klipper_dir,
			       .boards_dir = opts->boards_dir,
			       .version = opts->version,
			       .lock_fd = opts->lock_fd > 2 ? opts->lock_fd : -1 };
	for (size_t i = 0; i < RS_STEP_COUNT; i++)
		if (strcmp(wizard_screens[i]->id, rs_step_id((enum rs_step)i)) != 0)
			abort(); /* the screens are out of step with the model */
	rs_wizard_state_init(&w.st);
	w.state_path = rs_state_file_path();
	load_saved(&w, opts->reset);
	/* A fresh start has nothing worth writing until the welcome screen is
	 * left (a write costs two fsyncs: milliseconds on a Pi's SD card). */
	if (!w.resume_offered) {
		struct rs_wizard_state first = w.st;
		snprintf(first.step, sizeof(first.step), "%s", START_SCREEN);
		w.last_saved = rs_wizard_state_serialize(&first);
	}

	char why[256];
	if (!rs_tui_init(why, sizeof(why))) {
		fprintf(stderr, "ratos-setup: %s\n", why);
		free(w.state_path);
		free(w.last_saved);
		return 1;
	}
	struct late_start ls = { .w = &w, .opts = opts,
				 .dcfg = { .mountinfo_path = opts->mountinfo } };
	rs_loop_add_timer(rs_tui_loop(), 0, false, start_looking, &ls);
	struct rs_manager_config cfg = {
		.screens = wizard_screens,
		.count = sizeof(wizard_screens) / sizeof(wizard_screens[0]),
		.ctx = &w,
		.start_id = START_SCREEN,
		.subtitle = subtitle,
		.on_step = on_step,
		.jump_target = jump_target,
		.take_request = rs_wizard_take_request,
	};
	int signo = 0;
	enum rs_manager_end end = rs_manager_run(&cfg, &signo);
	rs_tui_done();
	rs_log("wizard %s", end == RS_END_FINISHED ? "finished"
			    : end == RS_END_QUIT   ? "quit"
						   : "stopped by a signal");
	if (opts->finished)
		*opts->finished = end == RS_END_FINISHED;
	if (w.started)
		rs_wizard_hw_stop(&w);

	int rc = 0;
	if (end == RS_END_SIGNAL) {
		fprintf(stderr, "ratos-setup: stopped by %s. Your choices up to the last finished "
				"step are saved; run ratos-setup again to resume.\n",
			signo == SIGINT ? "Ctrl-C" : signo == SIGHUP ? "a hangup" : "SIGTERM");
		rc = 128 + signo;
	} else if (w.save_problem[0]) {
		fprintf(stderr, "ratos-setup: %s\n", w.save_problem);
		rc = 1;
	} else if (end == RS_END_FINISHED) {
		printf("ratos-setup: choices saved in %s.\n", w.state_path);
	}
	rs_klipper_tree_free(&w.klipper);
	rs_wizard_doctor_free(&w);
	free(w.state_path);
	free(w.last_saved);
	return rc;
}
