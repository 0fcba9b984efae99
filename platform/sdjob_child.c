/* The card write's side that runs in a child process (platform/sdjob.h):
 * the write itself and the tidy-up after a stop, reporting as lines.
 *
 * Lines are "sd<TAB>what<TAB>field...", fields escaped (sdjob_wire.c) so a
 * name from the card or a path cannot break a line or forge one. */
#include "platform/sdjob_wire.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "core/sdcheck.h"
#include "core/xalloc.h"
#include "platform/sdfs.h"

#define MAX_TEST_DELAY_MS 10000

static bool stop_seen;

static sigset_t stop_signals(void)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGTERM);
	sigaddset(&s, SIGINT);
	sigaddset(&s, SIGHUP);
	return s;
}

/* Held back from here on: a card operation, and the mtools call doing it
 * (it inherits the mask), always runs to its end. */
static void hold_stop_signals(const struct rs_sdjob *j)
{
	sigset_t s = stop_signals();
	sigprocmask(SIG_BLOCK, &s, NULL);
	/* ratos-setup dying is a stop request too. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != j->parent)
		stop_seen = true;
}

static bool stop_requested(const struct rs_sdjob *j)
{
	if (stop_seen || getppid() != j->parent)
		return true;
	sigset_t pending, s = stop_signals();
	if (sigpending(&pending) != 0)
		return false;
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(&s, sig) == 1 && sigismember(&pending, sig) == 1)
			return true;
	return false;
}

/* RATOS_SETUP_TEST_WRITE_DELAY_MS, for tests that need time to act during
 * a write; a stop request ends the wait at once. */
static void pause_for_tests(void)
{
	const char *v = getenv("RATOS_SETUP_TEST_WRITE_DELAY_MS");
	char *end;
	if (!v || !*v)
		return;
	errno = 0;
	unsigned long ms = strtoul(v, &end, 10);
	if (errno || *end || !ms)
		return;
	if (ms > MAX_TEST_DELAY_MS)
		ms = MAX_TEST_DELAY_MS;
	struct timespec until, now;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += (time_t)(ms / 1000);
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	sigset_t s = stop_signals();
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		long long left = (long long)(until.tv_sec - now.tv_sec) * 1000000000LL +
				 (until.tv_nsec - now.tv_nsec);
		if (left <= 0)
			return;
		struct timespec ts = { (time_t)(left / 1000000000LL), (long)(left % 1000000000LL) };
		if (sigtimedwait(&s, NULL, &ts) > 0) {
			stop_seen = true;
			return;
		}
		if (errno == EAGAIN)
			return;
	}
}

/* Removes the copy under the temporary name, if there is one. True when
 * none is left. */
static bool remove_copy(const struct rs_sdcard *c, bool *was_there)
{
	struct rs_errors errs = { 0 };
	struct rs_strv names = { 0 };
	bool gone = false;
	*was_there = false;
	if (rs_sdfs_list(c, &names, &errs) == RS_SD_OK) {
		for (size_t i = 0; i < names.count; i++)
			if (rs_sd_name_eq(names.items[i], RS_SD_TEMP_NAME))
				*was_there = true;
		gone = !*was_there || rs_sdfs_remove(c, RS_SD_TEMP_NAME, &errs) == RS_SD_OK;
	}
	rs_strv_free(&names);
	rs_errors_clear(&errs);
	return gone;
}

/* A stop at a point where the card holds its old files complete: the copy
 * (if any) goes, the line says where it stopped, the child ends. */
static _Noreturn void stop_here(const struct rs_sdjob *j, enum rs_sdjob_stage stage)
{
	bool was_there = false;
	bool copy_left = stage != RS_SDJOB_UNTOUCHED && !remove_copy(j->card, &was_there);
	rs_sdwire_emit("stopped", "%d\t%d", (int)stage, copy_left);
	_exit(RS_SDWIRE_STOPPED);
}

/* Called by rs_sd_write_firmware before each step. The steps before the
 * rename are where a stop may land; the stage is what the card holds then. */
static void child_step(void *ud, enum rs_sd_step step, const char *detail)
{
	const struct rs_sdjob *j = ud;
	char *e = rs_sdwire_escape(detail);
	rs_sdwire_emit("step", "%d\t%s", (int)step, e);
	free(e);
	enum rs_sdjob_stage stage;
	switch (step) {
	case RS_SD_STEP_COPY: stage = RS_SDJOB_UNTOUCHED; break;
	case RS_SD_STEP_VERIFY: stage = RS_SDJOB_COPIED; break;
	case RS_SD_STEP_RENAME: stage = RS_SDJOB_VERIFIED; break;
	default: return; /* past the rename: finish, never stop half-way */
	}
	if (stop_requested(j))
		stop_here(j, stage);
	pause_for_tests();
	if (stop_requested(j))
		stop_here(j, stage);
}

int rs_sdjob_write_child(void *ctx)
{
	const struct rs_sdjob *j = ctx;
	hold_stop_signals(j);
	struct rs_errors errs = { 0 };
	struct rs_sd_write_result res;
	struct rs_sd_progress pr = { .fn = child_step, .ud = ctx };
	enum rs_sd_status st = rs_sd_write_firmware(j->card, j->board, j->fw_path, &pr, &res, &errs);
	for (size_t i = 0; i < errs.count; i++) {
		const struct rs_error *e = &errs.items[i];
		char *file = rs_sdwire_escape(e->file ? e->file : "");
		char *msg = rs_sdwire_escape(e->msg ? e->msg : "");
		rs_sdwire_emit("error", "%d\t%d\t%d\t%c%s\t%s", (int)e->code, e->line, e->col,
			       e->file ? '=' : '-', file, msg);
		free(file);
		free(msg);
	}
	for (size_t i = 0; i < res.removed.count; i++) {
		char *name = rs_sdwire_escape(res.removed.items[i]);
		rs_sdwire_emit("removed", "%s", name);
		free(name);
	}
	char hex[RS_SHA256_HEX_LEN];
	rs_sha256_to_hex(res.sha256, hex);
	rs_sdwire_emit("result", "%d\t%s\t%llu\t%d\t%d", (int)st, hex,
		       (unsigned long long)res.bytes, res.via_mount, res.verified);
	return st == RS_SD_OK ? 0 : 1;
}

int rs_sdjob_tidy_child(void *ctx)
{
	const struct rs_sdjob *j = ctx;
	sigset_t s = stop_signals();
	sigprocmask(SIG_BLOCK, &s, NULL);
	bool was_there;
	bool gone = remove_copy(j->card, &was_there);
	rs_sdwire_emit("tidy", "%d\t%d", was_there, gone);
	return gone ? 0 : 1;
}
