#include "screens/update.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sha256.h"
#include "core/wizard_resume.h"
#include "core/xalloc.h"
#include "platform/doctor.h"
#include "platform/fsutil.h"
#include "screens/hw.h"
#include "screens/wizard.h"

#define BOARD_FILE_MAX (256 * 1024)

void rs_wizard_fw_status(const struct rs_wizard *w, const struct rs_board *b,
			 struct rs_fw_status *out)
{
	const char *tree = w->klipper_found ? w->klipper.version : NULL;
	rs_fw_status_read(b, NULL, tree, out);
}

void rs_wizard_refresh_tree(struct rs_wizard *w)
{
	struct rs_klipper_tree t;
	bool found = rs_klipper_tree_find(w->klipper_dir, &t);
	rs_klipper_tree_free(&w->klipper);
	w->klipper = t;
	w->klipper_found = found;
}

bool rs_wizard_fw_stale(struct rs_wizard *w, const struct rs_board *b, char *why, size_t len)
{
	rs_wizard_refresh_tree(w);
	struct rs_fw_status fs;
	rs_wizard_fw_status(w, b, &fs);
	bool stale = fs.cur.verdict == RS_FWCUR_OLD_KLIPPER || fs.cur.verdict == RS_FWCUR_OTHER_CONFIG;
	if (stale) {
		const char *file = strrchr(fs.firmware_path, '/');
		snprintf(why, len,
			 "%s was %s: with it the board would stop with \"MCU Protocol error\". "
			 "Enter rebuilds it first and comes back here.",
			 file ? file + 1 : fs.firmware_path, fs.reason);
	}
	rs_fw_status_free(&fs);
	return stale;
}

/* The board file's checksum, "" when it cannot be read. */
static void board_file_sha(const struct rs_board *b, char *hex, size_t len)
{
	unsigned char *data = NULL;
	size_t n = 0;
	hex[0] = '\0';
	if (!b->source_file || !rs_fs_read_file(b->source_file, BOARD_FILE_MAX, &data, &n))
		return;
	char h[RS_SHA256_HEX_LEN];
	rs_sha256_hex(data, n, h);
	snprintf(hex, len, "%s", h);
	free(data);
}

void rs_wizard_note_premises(struct rs_wizard *w)
{
	const struct rs_board *b = rs_wizard_board(w);
	if (b)
		board_file_sha(b, w->st.board_sha256, sizeof(w->st.board_sha256));
	else
		w->st.board_sha256[0] = '\0';
	/* Only once the tree was looked at: the first save may come earlier. */
	if (w->started)
		snprintf(w->st.klipper_version, sizeof(w->st.klipper_version), "%s",
			 w->klipper_found && w->klipper.version ? w->klipper.version : "");
}

void rs_wizard_plan_resume(struct rs_wizard *w)
{
	const struct rs_wizard_state *sv = &w->saved;
	const struct rs_board *b = rs_catalog_find(w->cat, sv->board);
	char now_sha[RS_STATE_ID_MAX + 1] = "";
	struct rs_fw_status fs = { 0 };
	bool have_fs = false;
	if (b) {
		board_file_sha(b, now_sha, sizeof(now_sha));
		if (rs_step_from_id(sv->step) >= RS_STEP_SDCARD) {
			rs_wizard_fw_status(w, b, &fs);
			have_fs = true;
		}
	}
	struct rs_resume_facts f = {
		.saved_step = sv->step,
		.saved_board = sv->board,
		.board_name = b ? b->name : NULL,
		.board_file_changed = sv->board_sha256[0] && now_sha[0] &&
				      strcmp(sv->board_sha256, now_sha) != 0,
		.saved_klipper = sv->klipper_version[0] ? sv->klipper_version : NULL,
		.klipper_now = w->klipper_found ? w->klipper.version : NULL,
		.firmware = have_fs ? fs.cur.verdict : RS_FWCUR_CURRENT,
		.firmware_reason = have_fs ? fs.reason : NULL,
	};
	rs_resume_plan(&f, &w->resume_plan);
	w->resume_planned = true;
	if (have_fs)
		rs_fw_status_free(&fs);
}

void rs_wizard_request_build(struct rs_wizard *w)
{
	w->build_request = true;
}

enum rs_key_result rs_wizard_take_request(void *ctx)
{
	struct rs_wizard *w = ctx;
	enum rs_key_result r = w->request;
	w->request = RS_KEY_IGNORED;
	return r;
}

void rs_wizard_look_at_klipper_log(struct rs_wizard *w)
{
	rs_wizard_doctor_free(w);
	bool saved = w->saved.board[0] != '\0';
	struct rs_doctor_opts o = {
		.cat = w->cat,
		.klipper_dir = w->klipper_dir,
		.hw = rs_wizard_hw_list(w),
		.saved_board = saved ? w->saved.board : NULL,
		/* The screen waits for this: a rotated log's last start is near
		 * its end (16 MiB: about 50 ms on the 2-core test machine). */
		.log_window = 16ull * 1024 * 1024,
	};
	w->doctor = rs_xcalloc(1, sizeof(*w->doctor));
	rs_doctor_gather(&o, w->doctor);
	for (size_t i = 0; i < w->doctor->count && !w->fix_board; i++) {
		const struct rs_doctor_entry *e = &w->doctor->entries[i];
		if (e->board && (e->judged.verdict == RS_DOC_FIRMWARE_OLDER ||
				 e->judged.verdict == RS_DOC_BUILT_NOT_FLASHED))
			w->fix_board = e->board;
	}
}

bool rs_wizard_doctor_line(const struct rs_wizard *w, size_t i, char *buf, size_t len)
{
	const struct rs_doctor_report *r = w->doctor;
	if (!r || r->log != RS_DOCLOG_OK || i >= r->count)
		return false;
	const struct rs_doctor_entry *e = &r->entries[i];
	/* 80 columns: the host's version is on the Klipper line above. */
	char fw[128], unused[128];
	rs_fw_versions_short(e->mcu_version[0] ? e->mcu_version : "version unknown", "", fw, unused,
			     sizeof(fw));
	if (e->judged.verdict == RS_DOC_BUILT_NOT_FLASHED)
		snprintf(buf, len, "%s: %s (%s)", e->name, rs_doctor_verdict_text(e->judged.verdict),
			 e->board->name);
	else
		snprintf(buf, len, "%s: %s (%s, %s)", e->name,
			 rs_doctor_verdict_text(e->judged.verdict), fw,
			 e->board ? e->board->name : "board unknown");
	return true;
}

enum rs_key_result rs_wizard_fix_it(struct rs_wizard *w)
{
	const struct rs_board *b = w->fix_board;
	if (!b)
		return RS_KEY_IGNORED;
	if (!w->resume_planned && w->saved.board[0])
		rs_wizard_plan_resume(w);
	/* The hardware steps count as confirmed when the saved run for this
	 * board got past them and its board file did not change since. */
	bool confirmed = w->saved.board[0] && strcmp(w->saved.board, b->id) == 0 &&
			 w->resume_planned && w->resume_plan.step >= RS_STEP_FIRMWARE;
	if (confirmed) {
		rs_wizard_resume(w); /* the saved choices, data checked */
		w->jump_to = rs_step_id(RS_STEP_FIRMWARE);
		rs_wizard_request_build(w);
		if (rs_step_from_id(w->saved.step) >= RS_STEP_FLASH)
			w->after_build = rs_step_id(rs_step_from_id(w->saved.step));
	} else {
		w->resume_offered = false;
		rs_wizard_choose_board(w, b);
		w->jump_to = rs_step_id(RS_STEP_JUMPERS);
	}
	w->state_problem[0] = '\0';
	return RS_KEY_JUMP;
}

void rs_wizard_doctor_free(struct rs_wizard *w)
{
	if (w->doctor) {
		rs_doctor_report_free(w->doctor);
		free(w->doctor);
	}
	w->doctor = NULL;
	w->fix_board = NULL;
}
