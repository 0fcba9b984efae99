/* Proof that the board took the firmware: after a flash, Klipper is started
 * again and its new start in klippy.log says which version each MCU reports
 * (core/klippy_log.h). The log is read on from where it ended before the
 * flash, so an older start is never taken for the new one (a log rotated
 * meanwhile is read from its beginning), and only for a bounded time:
 * a board whose version cannot be read in time is said to be unknown, not
 * failed. Used by `ratos-setup flash` (blocking) and the wizard's route step
 * (polled on its loop).
 *
 * RATOS_SETUP_TEST_VERSION_WAIT_MS (a knob for tests, at most 600000)
 * replaces the default wait of 60 s. */
#ifndef RS_PLATFORM_FLASH_PROOF_H
#define RS_PLATFORM_FLASH_PROOF_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "core/board.h"
#include "core/klippy_log.h"
#include "platform/flash_job.h"
#include "platform/job.h"

#define RS_FLASH_PROOF_WAIT_MS 60000

enum rs_proof_state {
	RS_PROOF_WAITING,
	RS_PROOF_SAME,    /* the board reports the Klipper tree's version */
	RS_PROOF_OTHER,   /* it reports another version (or the tree's is unknown) */
	RS_PROOF_UNKNOWN, /* not read: no new start in time, no log, no restart */
};

struct rs_flash_proof {
	char *log_path;
	bool had_log;     /* klippy.log existed before the flash */
	dev_t dev;
	ino_t ino;
	off_t offset;     /* read up to here */
	struct rs_klog *klog; /* what the log gained since the flash */
	double started, deadline; /* monotonic seconds; 0: not waiting yet */
	int wait_ms;
	enum rs_proof_state state;
	char version[RS_KLOG_STR]; /* what the board reports, "" unknown */
	char message[600];
};

/* Before the flash: where klippy.log ends now. log_path NULL: the invoking
 * user's ~/printer_data/logs/klippy.log. */
void rs_flash_proof_begin(struct rs_flash_proof *p, const char *log_path);
/* After the job: when no new Klipper start is coming (the service was not
 * running, the route leaves Klipper alone, it did not start again, the
 * flash failed), settles at once with what to do instead and returns
 * false; else the bounded wait starts now and true is returned. */
bool rs_flash_proof_arm(struct rs_flash_proof *p, const struct rs_flash_ctx *c,
			const struct rs_job_result *r);
/* Reads what the log gained; true once settled (p->state, p->message). */
bool rs_flash_proof_poll(struct rs_flash_proof *p, const struct rs_board *b,
			 const char *tree_version);
/* Settles now as unknown (the user skipped the wait). */
void rs_flash_proof_stop(struct rs_flash_proof *p);
/* For the command line: arm, say that it waits, poll until settled or
 * *cancel, print the message to out. */
void rs_flash_proof_run(struct rs_flash_proof *p, const struct rs_flash_ctx *c,
			const struct rs_job_result *r, volatile sig_atomic_t *cancel, FILE *out);
/* Seconds left to wait (for a screen). */
int rs_flash_proof_seconds_left(const struct rs_flash_proof *p);
void rs_flash_proof_free(struct rs_flash_proof *p);

#endif
