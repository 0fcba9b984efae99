/* The route step's run of a route that writes the firmware itself (USB,
 * Klipper's remote SD update, DFU): the typed board id for boards marked
 * manual, the confirmation (default No), the flash job of
 * platform/flash_job.h on the wizard's loop with its output in a log view,
 * the stop question (default No; Klipper is started again either way), the
 * wait for the version the board reports (platform/flash_proof.h), and the
 * result: what happened, the state things are in, what to do.
 * Internal to screens/. */
#ifndef RS_SCREENS_FLASH_RUN_H
#define RS_SCREENS_FLASH_RUN_H

#include <curses.h>
#include <stdbool.h>

#include "core/flash_route.h"
#include "platform/flash_job.h"
#include "platform/flash_proof.h"
#include "platform/job.h"
#include "platform/klipper_service.h"
#include "tui/dialog.h"
#include "tui/logview.h"
#include "tui/screen.h"
#include "tui/text.h"

enum rs_frun_phase {
	RS_FRUN_NONE,     /* the route list is the screen's */
	RS_FRUN_ACK,      /* a manual board: the id typed back */
	RS_FRUN_CONFIRM,  /* "Flash now?", default No */
	RS_FRUN_RUNNING,  /* the job runs */
	RS_FRUN_PROVING,  /* flashed; waiting for Klipper's new start in klippy.log */
	RS_FRUN_DONE,     /* the result */
};

/* The screen's modes for its key rows (tui/screen.h), from rs_frun_mode. */
enum {
	RS_FRUN_MODE_LIST = 1u << 0,
	RS_FRUN_MODE_ACK = 1u << 1,
	RS_FRUN_MODE_CONFIRM = 1u << 2,
	RS_FRUN_MODE_RUNNING = 1u << 3,
	RS_FRUN_MODE_ASKING = 1u << 4, /* the stop question is open */
	RS_FRUN_MODE_PROVING = 1u << 5,
	RS_FRUN_MODE_OK = 1u << 6,
	RS_FRUN_MODE_FAILED = 1u << 7, /* failed or stopped */
	RS_FRUN_MODE_LOG = 1u << 8,    /* there is output to show */
};

struct rs_frun {
	enum rs_frun_phase phase;
	const struct rs_board *board;
	enum rs_route route;
	char *device;          /* the route's device, copied (the hw list changes) */
	bool can_wait;         /* DFU: not there yet, the job waits for it */
	bool manual;
	const char *klipper_dir;
	char *tree_version;
	struct rs_klipper_service svc;
	char typed[64];        /* the id being typed */
	const char *ack_note;  /* why the last Enter did not pass, or NULL */
	struct rs_dialog dlg;  /* the confirmation or the stop question */
	char dlg_text[1200];
	bool asking_stop;
	enum rs_request stop_req; /* c, Esc or q: what follows a stop */
	struct rs_flash_ctx ctx;
	bool have_ctx;
	struct rs_job *job;
	bool over;             /* the job has finished (its result is kept) */
	struct rs_logview log;
	bool show_log;         /* the result screen shows the output instead */
	struct rs_flash_proof proof;
	bool proof_begun;
	double proof_polled;
	char *panel;           /* the result text */
	const char *notice;    /* one line at the bottom (the report key), or NULL */
	struct rs_pager pager;
	int shown_secs;        /* the running step's seconds last drawn */
	int rows, cols;
};

/* Enter on a route that runs here: the typed id first for a manual board,
 * then the confirmation. */
void rs_frun_begin(struct rs_frun *r, const struct rs_board *b, const struct rs_route_option *o,
		   const struct rs_klipper_service *svc, bool manual, const char *klipper_dir,
		   const char *tree_version);
/* The run has the screen (anything but RS_FRUN_NONE). */
bool rs_frun_active(const struct rs_frun *r);
unsigned rs_frun_mode(const struct rs_frun *r);
void rs_frun_layout(struct rs_frun *r, int rows, int cols);
void rs_frun_draw(const struct rs_frun *r, WINDOW *w);
/* A loop tick: the proof's poll; true when the screen changed. */
bool rs_frun_tick(struct rs_frun *r);
/* The screen's key rows for the run's modes call this. RS_KEY_NEXT after a
 * success goes on; RS_KEY_BACK / RS_KEY_QUIT after a confirmed stop. */
enum rs_key_result rs_frun_key(struct rs_frun *r, enum rs_request req, int ch);
/* Back to the route list; a running job is stopped first (its finally steps
 * start Klipper again). */
void rs_frun_free(struct rs_frun *r);

#endif
