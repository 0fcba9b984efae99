/* The SD card screen's write while it runs: the card write job
 * (platform/sdjob.h) on the wizard's loop, what it has done so far, its
 * progress as drawn, and the question before stopping it (default No).
 * The screen stays responsive throughout; stopping is safe at any moment.
 * Internal to screens/. */
#ifndef RS_SCREENS_SDCARD_WRITE_H
#define RS_SCREENS_SDCARD_WRITE_H

#include <curses.h>
#include <stdbool.h>

#include "core/board.h"
#include "platform/job.h"
#include "platform/sdjob.h"
#include "tui/dialog.h"
#include "tui/screen.h"

enum rs_sd_ask { RS_SD_ASK_NONE, RS_SD_ASK_STOP, RS_SD_ASK_BACK, RS_SD_ASK_QUIT };

struct rs_sd_run {
	struct rs_sdjob sj;
	struct rs_job *job; /* NULL when none */
	char *target;
	struct rs_sdcard_id id;
	struct rs_strv done; /* "copied to fwtmp.bin", ... as reported */
	bool over;           /* the job has finished; ended was called */
	enum rs_sd_ask ask;
	struct rs_dialog dlg;
	void (*ended)(void *data); /* once, when the write is over (any way) */
	void *data;
};

/* Starts writing fw_path to the card at target, only if it is still the
 * confirmed card (id). ended(data) is called once it is over, also when
 * that happens before this returns. */
void rs_sd_run_start(struct rs_sd_run *r, const struct rs_board *b, const char *fw_path,
		     const char *target, const struct rs_sdcard_id *id, void (*ended)(void *data),
		     void *data);
bool rs_sd_run_active(const struct rs_sd_run *r);
/* From row y of a rows x cols body: what is being written where, a progress
 * bar, the step and the bytes; the stop question on top when it is open. */
void rs_sd_run_draw(const struct rs_sd_run *r, WINDOW *w, int y, int rows, int cols);
/* c, Esc and q ask first; while asking, the question takes every key. A
 * stop confirmed with Esc or q then goes back or quits. */
enum rs_key_result rs_sd_run_key(struct rs_sd_run *r, enum rs_request req);
/* Stops a running write now (safe at any point; ended is called). */
void rs_sd_run_stop(struct rs_sd_run *r);
/* Stops a running write and frees everything but the result in r->sj,
 * which stays until the next start or rs_sd_run_free. */
void rs_sd_run_drop(struct rs_sd_run *r);
void rs_sd_run_free(struct rs_sd_run *r);

#endif
