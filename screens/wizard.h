/* What the screens share: the catalog, the choices so far and where they
 * are saved. Internal to screens/. */
#ifndef RS_SCREENS_WIZARD_H
#define RS_SCREENS_WIZARD_H

#include <stdbool.h>

#include "core/catalog.h"
#include "core/wizard_resume.h"
#include "core/wizard_state.h"
#include "platform/klipper_tree.h"
#include "screens/hw.h"
#include "tui/screen.h"

struct rs_doctor_report;

struct rs_wizard {
	const struct rs_catalog *cat;
	struct rs_wizard_state st;
	/* A saved state from an earlier run, offered for resuming. */
	struct rs_wizard_state saved;
	bool resume_offered;
	char state_problem[512]; /* why the saved state was not usable, or "" */
	char save_problem[512];  /* why the last save failed, or "" */
	struct rs_klipper_tree klipper;
	bool klipper_found;
	/* The Klipper tree and the devices are looked at just after the first
	 * frame is on the screen (git and udev take longer than drawing it). */
	bool started;
	const char *klipper_dir; /* --klipper, or NULL for ~/klipper */
	const char *preselect_id;
	const char *connected_id;
	const char *jump_to;
	char *state_path;
	/* What the state file holds now, to skip writes (and their fsyncs) that
	 * would change nothing. */
	char *last_saved;
	struct rs_wizard_hw hw; /* what is plugged in (screens/hw.h) */
	/* The saved run re-validated (screens/update.h), once the tree was
	 * looked at: where it resumes and what changed. */
	struct rs_resume_plan resume_plan;
	bool resume_planned;
	/* The firmware step builds at once, then moves on by itself. */
	bool build_request;
	/* Where that build leads when it is done: the step a saved run was at
	 * past the build (the card it had chosen), NULL for the next step. */
	const char *after_build;
	enum rs_key_result request; /* taken by the manager; IGNORED: none */
	/* What `doctor` says after the last Klipper start (screens/update.h),
	 * NULL until looked at; the board "fix it" leads to, or NULL. */
	struct rs_doctor_report *doctor;
	const struct rs_board *fix_board;
	/* The "all MCUs" screen is open (screens/flash_all.h); the wizard's
	 * ratos-setup.lock, handed on to the flash --all it runs (-1: none). */
	bool flash_all_open;
	int lock_fd;
	/* For the help report (screens/report_key.h): what ratos-setup was
	 * started with, and the line that says where the last one went. */
	const char *boards_dir, *version;
	char report_msg[600];
};

const struct rs_board *rs_wizard_board(const struct rs_wizard *w);
/* The driver in a socket (integrated ones included), or NULL when empty. */
const struct rs_driver *rs_wizard_driver(const struct rs_wizard *w, size_t socket);
/* Sets the board and, when it changed, forgets the board-specific choices. */
void rs_wizard_choose_board(struct rs_wizard *w, const struct rs_board *b);
/* Every socket's jumper back to where the rules say it goes. */
void rs_wizard_recommend_jumpers(struct rs_wizard *w);
/* Applies a saved state (resume). */
void rs_wizard_resume(struct rs_wizard *w);
/* Forgets the saved state (start over). */
void rs_wizard_start_over(struct rs_wizard *w);
/* Title of the screen Next leads to from screen_id (the next one that
 * applies), or NULL when Next finishes the wizard. */
const char *rs_wizard_next_title(struct rs_wizard *w, const char *screen_id);

/* The screens, in screens/<name>.c. */
extern const struct rs_screen_ops rs_screen_welcome;
extern const struct rs_screen_ops rs_screen_board;
extern const struct rs_screen_ops rs_screen_jumpers;
extern const struct rs_screen_ops rs_screen_endstop;
extern const struct rs_screen_ops rs_screen_summary;
extern const struct rs_screen_ops rs_screen_firmware;
extern const struct rs_screen_ops rs_screen_flash;
extern const struct rs_screen_ops rs_screen_sdcard;
extern const struct rs_screen_ops rs_screen_flash_all;


#endif
