/* The card write's step table and its side in ratos-setup: opening the card,
 * reading the child's reports into struct rs_sdjob and the progress record,
 * and the words for what happened. The child's side is sdjob_child.c. */
#include "platform/sdjob.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/sdcheck.h"
#include "core/xalloc.h"
#include "platform/log.h"
#include "platform/sdjob_wire.h"

/* Long enough for any one card operation to end by itself: a stop never
 * cuts one in half (the child holds SIGTERM back meanwhile). */
#define SDJOB_KILL_GRACE_MS 30000

void rs_sdjob_init(struct rs_sdjob *j, const struct rs_board *b, const char *fw_path)
{
	memset(j, 0, sizeof(*j));
	j->board = b;
	j->fw_path = fw_path;
}

void rs_sdjob_free(struct rs_sdjob *j)
{
	if (j->card == &j->own_card)
		rs_sdcard_close(&j->own_card);
	j->card = NULL;
	rs_errors_clear(&j->errs);
	rs_sd_write_result_free(&j->res);
}

static const char *first_error(const struct rs_sdjob *j, char *buf, size_t len)
{
	if (!j->errs.count)
		return "the card was not written";
	return rs_error_format(&j->errs.items[0], buf, len);
}

static struct rs_job_verdict failed(const struct rs_sdjob *j)
{
	char line[1024];
	return rs_job_fail((int)j->status, rs_sdjob_hint(j->status), "%s",
			   first_error(j, line, sizeof(line)));
}

/* ---- open ---- */

static bool open_wanted(const void *ctx)
{
	return !((const struct rs_sdjob *)ctx)->card;
}

static struct rs_job_verdict open_card(void *ctx, struct rs_job_progress *p)
{
	(void)p;
	struct rs_sdjob *j = ctx;
	enum rs_sd_status st = rs_sdcard_open(j->target, RS_SD_WRITE, NULL, &j->own_card, &j->errs);
	if (st == RS_SD_OK && j->confirmed && !rs_sdcard_is(&j->own_card, j->confirmed)) {
		char size[32];
		rs_sd_format_size(j->confirmed->size, size, sizeof(size));
		rs_errors_add(&j->errs, RS_ERR_VALUE, j->target, 0, 0,
			      "this is not the card you confirmed (%s%s%s); nothing was written. "
			      "Choose the card again.",
			      size, j->confirmed->serial[0] ? ", serial " : "", j->confirmed->serial);
		st = RS_SD_CHANGED;
	}
	if (st != RS_SD_OK) {
		rs_sdcard_close(&j->own_card);
		j->status = st;
		return failed(j);
	}
	j->card = &j->own_card;
	return rs_job_next();
}

/* ---- the child's reports ---- */

static void set_progress(const struct rs_sdjob *j, struct rs_job_progress *p)
{
	p->total = 2 * j->fw_bytes; /* written, then read back */
	p->done = j->written + j->read_back;
	rs_sdjob_doing(j, p->current, sizeof(p->current));
}

static void on_step(struct rs_sdjob *j, enum rs_sd_step step, const char *detail)
{
	switch (step) {
	case RS_SD_STEP_COPY: j->stage = RS_SDJOB_COPYING; break;
	case RS_SD_STEP_VERIFY:
		j->stage = RS_SDJOB_COPIED;
		j->written = j->fw_bytes;
		break;
	case RS_SD_STEP_RENAME:
		j->stage = RS_SDJOB_VERIFIED;
		j->read_back = j->fw_bytes;
		break;
	case RS_SD_STEP_REMOVE: j->stage = RS_SDJOB_RENAMED; break;
	case RS_SD_STEP_DONE: j->stage = RS_SDJOB_DONE; break;
	}
	if (j->on_step)
		j->on_step(j->ud, step, detail);
}

static void hex_to_digest(const char *hex, unsigned char out[RS_SHA256_LEN])
{
	for (size_t i = 0; i < RS_SHA256_LEN && hex[2 * i] && hex[2 * i + 1]; i++) {
		unsigned v = 0;
		sscanf(hex + 2 * i, "%2x", &v);
		out[i] = (unsigned char)v;
	}
}

static void on_line(void *ctx, const char *text, struct rs_job_progress *p)
{
	struct rs_sdjob *j = ctx;
	char *line = rs_xstrdup(text);
	char *f[RS_SDWIRE_MAX_FIELDS];
	size_t n = rs_sdwire_split(line, f);
	if (n == 0) {
		rs_log("sdcard write: %s", text);
		if (j->echo_other)
			fprintf(stderr, "%s\n", text);
	} else if (n == 3 && strcmp(f[0], "step") == 0) {
		on_step(j, (enum rs_sd_step)atoi(f[1]), f[2]);
	} else if (n == 6 && strcmp(f[0], "error") == 0) {
		rs_errors_add(&j->errs, (enum rs_error_code)atoi(f[1]),
			      f[4][0] == '=' ? f[4] + 1 : NULL, atoi(f[2]), atoi(f[3]), "%s", f[5]);
	} else if (n == 2 && strcmp(f[0], "removed") == 0) {
		rs_strv_push(&j->res.removed, f[1]);
	} else if (n == 6 && strcmp(f[0], "result") == 0) {
		j->have_result = true;
		j->status = (enum rs_sd_status)atoi(f[1]);
		hex_to_digest(f[2], j->res.sha256);
		j->res.bytes = strtoull(f[3], NULL, 10);
		j->res.via_mount = atoi(f[4]) != 0;
		j->res.verified = atoi(f[5]) != 0;
		j->res.final_name = j->board->sd_file;
	} else if (n == 3 && strcmp(f[0], "stopped") == 0) {
		j->stopped = true;
		j->stage = (enum rs_sdjob_stage)atoi(f[1]);
		j->tidied = atoi(f[2]) == 0;
	} else if (n == 3 && strcmp(f[0], "tidy") == 0) {
		j->tidied = atoi(f[2]) != 0;
	}
	free(line);
	set_progress(j, p);
}

static struct rs_job_verdict write_done(void *ctx, int code)
{
	struct rs_sdjob *j = ctx;
	if (j->have_result)
		return j->status == RS_SD_OK ? rs_job_next() : failed(j);
	if (code == RS_SDWIRE_STOPPED)
		return rs_job_fail(RS_SD_STOPPED, rs_sdjob_hint(RS_SD_STOPPED),
				   "the write was stopped before it finished");
	return rs_job_fail(RS_SD_STOPPED, rs_sdjob_hint(RS_SD_STOPPED),
			   "the process writing the card ended unexpectedly (exit %d)", code);
}

static const char *describe_write(const void *ctx)
{
	(void)ctx;
	return "copy to " RS_SD_TEMP_NAME ", read it back and compare (SHA-256), rename it over "
	       "the board's file name, remove old copies";
}

/* Only after a write that ended without its own report while a copy under
 * the temporary name may be on the card. */
static bool tidy_wanted(const void *ctx)
{
	const struct rs_sdjob *j = ctx;
	return j->card && !j->have_result && !j->tidied && j->stage >= RS_SDJOB_COPYING &&
	       j->stage <= RS_SDJOB_VERIFIED;
}

static const char *describe_tidy(const void *ctx)
{
	(void)ctx;
	return "after a stop: remove an unfinished " RS_SD_TEMP_NAME;
}

static const struct rs_job_step steps[] = {
	{ .name = "open", .call = open_card, .wanted = open_wanted },
	{ .name = "write", .child = rs_sdjob_write_child, .on_line = on_line,
	  .on_exit = write_done, .describe = describe_write, .quiet = true },
};

static const struct rs_job_step finally[] = {
	{ .name = "tidy", .child = rs_sdjob_tidy_child, .on_line = on_line,
	  .wanted = tidy_wanted, .describe = describe_tidy, .quiet = true },
};

static const struct rs_job_table table = { "sdcard write", steps, 2, finally, 1 };

struct rs_job *rs_sdjob_new(struct rs_sdjob *j)
{
	struct stat st;
	if (j->fw_path && stat(j->fw_path, &st) == 0 && S_ISREG(st.st_mode))
		j->fw_bytes = (uint64_t)st.st_size;
	j->parent = getpid();
	struct rs_job_opts o = { .kill_grace_ms = SDJOB_KILL_GRACE_MS };
	return rs_job_new(&table, j, &o);
}

void rs_sdjob_finish(struct rs_sdjob *j, const struct rs_job *job)
{
	if (j->have_result || j->status != RS_SD_OK)
		return; /* the child (or the open step) said how it went */
	const struct rs_job_result *r = rs_job_result(job);
	char state[512];
	rs_sdjob_card_state(j, state, sizeof(state));
	const char *why = r->state == RS_JOB_CANCELLED ? "Stopped on request"
			  : j->stopped ? "Stopped (ratos-setup was asked to end)"
			  : r->status.message ? r->status.message
					      : "The write did not finish";
	j->status = RS_SD_STOPPED;
	rs_errors_add(&j->errs, RS_ERR_IO, j->card ? j->card->path : j->target, 0, 0, "%s%s %s",
		      why, r->state == RS_JOB_CANCELLED || j->stopped ? ":" : ";", state);
}

const char *rs_sdjob_card_state(const struct rs_sdjob *j, char *buf, size_t len)
{
	const char *final = j->board->sd_file;
	switch (j->stage) {
	case RS_SDJOB_UNTOUCHED:
		snprintf(buf, len, "nothing on the card was changed.");
		break;
	case RS_SDJOB_COPYING:
	case RS_SDJOB_COPIED:
	case RS_SDJOB_VERIFIED:
		if (j->stage == RS_SDJOB_VERIFIED && !j->stopped && !j->tidied)
			snprintf(buf, len, "%s on the card is the old firmware or the new verified "
					   "one, complete either way.", final);
		else if (j->tidied)
			snprintf(buf, len, "the card's old files are as they were; the unfinished "
					   "copy was removed.");
		else
			snprintf(buf, len, "the card's old files are as they were; an unfinished copy "
					   "may be left as " RS_SD_TEMP_NAME ", a name no bootloader "
					   "reads.");
		break;
	case RS_SDJOB_RENAMED:
		snprintf(buf, len, "the new %s is on the card and verified, but old copies may be "
				   "left: remove %s by hand before the board reads the card.",
			 final, j->board->sd_renamed ? j->board->sd_renamed : "FIRMWARE.CUR");
		break;
	case RS_SDJOB_DONE:
		snprintf(buf, len, "the new %s is on the card and verified.", final);
		break;
	}
	return buf;
}

const char *rs_sdjob_hint(enum rs_sd_status st)
{
	switch (st) {
	case RS_SD_GONE: return "Put the card back and try again; no half-written firmware was "
				"left under its final name.";
	case RS_SD_VERIFY: return "The card may be failing or fake: try again, or use another card.";
	case RS_SD_FULL: return "Delete files from the card, or use another card.";
	case RS_SD_READ_ONLY: return "Slide the card's lock switch away from LOCK, or use another "
				     "card.";
	case RS_SD_PERMISSION: return "Run ratos-setup with sudo.";
	case RS_SD_CHANGED: return "Choose the card again.";
	case RS_SD_TOOL: return "Install mtools (sudo apt install mtools) and try again.";
	case RS_SD_STOPPED: return "Write again when you are ready.";
	case RS_SD_BAD_FIRMWARE:
	case RS_SD_WRONG_MCU: return "Build the firmware again for this board, then write it.";
	default: return "Try again; if it fails again, use another card or card reader.";
	}
}

const char *rs_sdjob_doing(const struct rs_sdjob *j, char *buf, size_t len)
{
	const char *final = j->board->sd_file;
	switch (j->stage) {
	case RS_SDJOB_UNTOUCHED: snprintf(buf, len, "checking the card and the firmware"); break;
	case RS_SDJOB_COPYING:
		snprintf(buf, len, "copying the firmware to the card as " RS_SD_TEMP_NAME);
		break;
	case RS_SDJOB_COPIED:
		snprintf(buf, len, "reading " RS_SD_TEMP_NAME " back to compare it (SHA-256)");
		break;
	case RS_SDJOB_VERIFIED:
		snprintf(buf, len, "identical; renaming " RS_SD_TEMP_NAME " to %s", final);
		break;
	case RS_SDJOB_RENAMED: snprintf(buf, len, "removing old copies"); break;
	case RS_SDJOB_DONE: snprintf(buf, len, "%s written and verified", final); break;
	}
	return buf;
}
