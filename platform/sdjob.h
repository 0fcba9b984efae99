/* Putting firmware on a card as a job (platform/job.h): the one sequence
 * behind both `ratos-setup sdcard write` (blocking, rs_job_run) and the
 * wizard's SD card screen (on its loop, rs_job_attach).
 *
 *   open   (in-process, only when the caller did not open the card): opens
 *          the card for writing and checks it is the card that was
 *          confirmed;
 *   write  (a function in a child process): rs_sd_write_firmware, with its
 *          order unchanged (platform/sdwrite.h: copy to a temporary name,
 *          read back, rename over the final name, then remove the old
 *          copies). Progress, messages and the result come back as output
 *          lines, parsed here into struct rs_sdjob and the progress record;
 *   finally tidy (a child, only after a write that was stopped or killed
 *          while a copy under the temporary name may exist): removes it.
 *
 * Stopping is safe at any moment: the writing child holds SIGTERM (and
 * SIGINT, SIGHUP) back while a card operation runs, so an operation (and the
 * mtools call doing it) is never cut in half, and looks for a stop request
 * only between operations and only before the rename: after it the new,
 * verified firmware is already under its final name and the old copies are
 * removed before it stops. The child also stops that way when ratos-setup
 * itself dies (PR_SET_PDEATHSIG).
 *
 * RATOS_SETUP_TEST_WRITE_DELAY_MS (a debug knob for tests, at most 10000)
 * waits that long before the copy, the read-back and the rename: only at
 * those points, where the card is consistent and a stop is taken at once.
 * It changes no check and no order. */
#ifndef RS_PLATFORM_SDJOB_H
#define RS_PLATFORM_SDJOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/board.h"
#include "core/error.h"
#include "platform/job.h"
#include "platform/sdcard.h"
#include "platform/sdwrite.h"

/* How far the card got. */
enum rs_sdjob_stage {
	RS_SDJOB_UNTOUCHED, /* nothing on the card changed yet */
	RS_SDJOB_COPYING,   /* the copy under the temporary name is being written */
	RS_SDJOB_COPIED,    /* the copy is complete, being read back */
	RS_SDJOB_VERIFIED,  /* read back and identical; the rename comes next */
	RS_SDJOB_RENAMED,   /* the new firmware is under its final name; old copies go */
	RS_SDJOB_DONE,      /* written, verified, old copies removed */
};

struct rs_sdjob {
	/* What to write where (set before rs_sdjob_new). */
	const struct rs_board *board;
	const char *fw_path;
	struct rs_sdcard *card;          /* an open card (RS_SD_WRITE), or NULL: open target */
	const char *target;              /* when card is NULL */
	const struct rs_sdcard_id *confirmed; /* NULL: no check that it is the confirmed card */
	/* Each step of the write as it is reported (before it runs), for a
	 * terminal or a list of what was done; may be NULL. */
	void (*on_step)(void *ud, enum rs_sd_step step, const char *detail);
	void *ud;
	/* Lines of the child that are not its reports (a sanitizer, a library
	 * complaining) go to the log, and to stderr when this is set. */
	bool echo_other;

	/* What happened (valid once the job has finished). */
	enum rs_sd_status status;        /* RS_SD_OK: written and verified */
	struct rs_errors errs;           /* every message, for the user */
	struct rs_sd_write_result res;
	enum rs_sdjob_stage stage;
	bool tidied;                     /* a stop removed the unfinished copy */
	uint64_t fw_bytes;               /* size of the firmware, for progress */
	uint64_t written, read_back;     /* bytes, as far as known */

	/* Private. */
	struct rs_sdcard own_card;
	bool have_result, stopped;
	pid_t parent;
};

/* Zeroes j and sets what to write. */
void rs_sdjob_init(struct rs_sdjob *j, const struct rs_board *b, const char *fw_path);
/* The job over j (j must outlive it). */
struct rs_job *rs_sdjob_new(struct rs_sdjob *j);
/* After the job has finished (whichever way): fills status and errs for a
 * write that was stopped, killed or could not start, saying what state the
 * card is in. */
void rs_sdjob_finish(struct rs_sdjob *j, const struct rs_job *job);
/* One sentence into buf: what is on the card now, for a message after a
 * stop or a failure. Returns buf. */
const char *rs_sdjob_card_state(const struct rs_sdjob *j, char *buf, size_t len);
/* What to do about a failure of this kind (never NULL). */
const char *rs_sdjob_hint(enum rs_sd_status st);
/* What the write is doing now, into buf. Returns buf. */
const char *rs_sdjob_doing(const struct rs_sdjob *j, char *buf, size_t len);
void rs_sdjob_free(struct rs_sdjob *j);

#endif
