#include "platform/doctor.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/printer_cfg.h"
#include "core/xalloc.h"
#include "platform/doctor_files.h"
#include "platform/fw_status.h"
#include "platform/klipper_tree.h"

static struct rs_doctor_entry *entry(struct rs_doctor_report *r, const char *name)
{
	for (size_t i = 0; i < r->count; i++)
		if (strcmp(r->entries[i].name, name) == 0)
			return &r->entries[i];
	if (r->count == RS_DOCTOR_MAX_MCUS)
		return NULL;
	struct rs_doctor_entry *e = &r->entries[r->count++];
	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s", name);
	return e;
}

static void read_log(const struct rs_doctor_opts *o, struct rs_doctor_report *r,
		     struct rs_klog *k)
{
	r->log_path = o->log_path ? rs_xstrdup(o->log_path) : rs_doctor_default_log();
	if (!rs_klog_read_file(r->log_path, o->log_window ? o->log_window : RS_KLOG_WINDOW, k,
			       &r->log_cut)) {
		r->log = RS_DOCLOG_UNREADABLE;
		r->log_errno = errno;
		return;
	}
	r->log_lines = k->lines;
	r->starts = k->starts;
	r->start_line = k->start_line;
	if (k->bytes == 0)
		r->log = RS_DOCLOG_EMPTY;
	else if (rs_klog_looks_binary(k))
		r->log = RS_DOCLOG_BINARY;
	else if (!k->have_start)
		r->log = RS_DOCLOG_NO_START;
	if (r->log != RS_DOCLOG_OK)
		return;
	snprintf(r->host_version, sizeof(r->host_version), "%s",
		 k->host_version[0] ? k->host_version : k->error_host_version);
	r->protocol_error = k->protocol_error;
	for (size_t i = 0; i < k->mcu_count; i++) {
		struct rs_doctor_entry *e = entry(r, k->mcus[i].name);
		if (!e)
			break;
		snprintf(e->mcu_version, sizeof(e->mcu_version), "%s", k->mcus[i].version);
		snprintf(e->chip, sizeof(e->chip), "%s", k->mcus[i].chip);
	}
}

void rs_doctor_gather(const struct rs_doctor_opts *o, struct rs_doctor_report *r)
{
	memset(r, 0, sizeof(*r));
	struct rs_klog *k = rs_xmalloc(sizeof(*k));
	read_log(o, r, k);
	bool listed[RS_DOCTOR_MAX_MCUS] = { false };
	for (size_t i = 0; i < r->count; i++) {
		const struct rs_klog_mcu *m = rs_klog_find(k, r->entries[i].name);
		listed[i] = m && m->listed == RS_KLOG_TO_UPDATE;
	}
	free(k);

	r->config_path = o->config_path ? rs_xstrdup(o->config_path) : rs_doctor_default_config();
	struct rs_pcfg *cfg = rs_xcalloc(1, sizeof(*cfg));
	r->config_read = rs_pcfg_read_file(r->config_path, cfg, &r->config_problems);
	for (size_t i = 0; i < cfg->mcu_count; i++) {
		struct rs_doctor_entry *e = entry(r, cfg->mcus[i].name);
		if (e)
			snprintf(e->serial, sizeof(e->serial), "%s", cfg->mcus[i].serial);
	}
	free(cfg);

	struct rs_klipper_tree tree;
	if (rs_klipper_tree_find(o->klipper_dir, &tree)) {
		if (tree.version)
			r->tree_version = rs_xstrdup(tree.version);
		rs_klipper_tree_free(&tree);
	}
	for (size_t i = 0; i < r->count; i++) {
		struct rs_doctor_entry *e = &r->entries[i];
		/* Without a chip to compare, the saved board can only be the
		 * main MCU's. */
		const char *saved = e->chip[0] || strcmp(e->name, "mcu") == 0 ? o->saved_board : NULL;
		e->board = rs_doctor_map_board(o->cat, e->serial[0] ? e->serial : NULL, e->chip,
					       o->hw, saved, &e->source);
		if (e->board) {
			struct rs_fw_status fs;
			rs_fw_status_read(e->board, NULL, r->tree_version, &fs);
			if (fs.image_version)
				snprintf(e->built_version, sizeof(e->built_version), "%s",
					 fs.image_version);
			rs_fw_status_free(&fs);
		}
		struct rs_doctor_facts f = {
			.name = e->name,
			.mcu_version = e->mcu_version[0] ? e->mcu_version : NULL,
			.host_version = r->host_version[0] ? r->host_version : NULL,
			.listed_to_update = listed[i],
			.board = e->board,
			.built_version = e->built_version[0] ? e->built_version : NULL,
			.klipper_arg = o->klipper_dir,
			.serial = e->serial[0] ? e->serial : NULL,
		};
		rs_doctor_judge(&f, &e->judged);
	}
}

int rs_doctor_exit_code(const struct rs_doctor_report *r)
{
	if (r->log != RS_DOCLOG_OK || r->count == 0)
		return 1;
	for (size_t i = 0; i < r->count; i++)
		if (r->entries[i].judged.verdict != RS_DOC_CURRENT)
			return 1;
	return 0;
}

const char *rs_doctor_log_problem(const struct rs_doctor_report *r, char *buf, size_t len)
{
	switch (r->log) {
	case RS_DOCLOG_OK:
		snprintf(buf, len, "%s", "");
		break;
	case RS_DOCLOG_UNREADABLE:
		snprintf(buf, len, "cannot read %s: %s", r->log_path, strerror(r->log_errno));
		break;
	case RS_DOCLOG_EMPTY:
		snprintf(buf, len, "%s is empty: Klipper has not started since it was rotated",
			 r->log_path);
		break;
	case RS_DOCLOG_BINARY:
		snprintf(buf, len, "%s is not a text log (binary data); is it the right file?",
			 r->log_path);
		break;
	case RS_DOCLOG_NO_START:
		snprintf(buf, len, "%s holds no Klipper start (\"Starting Klippy...\")%s; is it "
				   "klippy.log?",
			 r->log_path, r->log_cut ? " in the part read (its end)" : "");
		break;
	}
	return buf;
}

void rs_doctor_report_free(struct rs_doctor_report *r)
{
	free(r->log_path);
	free(r->tree_version);
	free(r->config_path);
	rs_errors_clear(&r->config_problems);
	memset(r, 0, sizeof(*r));
}
