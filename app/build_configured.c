#include "app/build_configured.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/commands.h"
#include "core/doctor.h"
#include "core/json_out.h"
#include "core/printer_cfg.h"
#include "core/wizard_state.h"
#include "platform/discovery.h"
#include "platform/doctor_files.h"
#include "platform/proc.h"
#include "platform/state_file.h"

#define MAX_BOARDS RS_PCFG_MAX_MCUS

static void add(const struct rs_board **list, size_t *n, const struct rs_board *b)
{
	for (size_t i = 0; i < *n; i++)
		if (list[i] == b)
			return;
	if (*n < MAX_BOARDS)
		list[(*n)++] = b;
}

/* The boards, in printer.cfg's order. */
static size_t configured_boards(const struct rs_catalog *cat, const char *config,
				const struct rs_board **list)
{
	size_t n = 0;
	char *path = config ? strdup(config) : rs_doctor_default_config();
	struct rs_pcfg *cfg = calloc(1, sizeof(*cfg));
	struct rs_errors errs = { 0 };
	if (!path || !cfg)
		abort();
	rs_pcfg_read_file(path, cfg, &errs);
	struct rs_discovery *d = NULL;
	char *why = NULL;
	if (cfg->mcu_count)
		d = rs_discovery_open(NULL, &why);
	free(why);
	for (size_t i = 0; i < cfg->mcu_count; i++) {
		enum rs_doctor_source src;
		char id[256], chip[64] = "";
		/* The chip a by-id serial names keeps a connected board of
		 * another chip from standing in for this MCU. */
		rs_pcfg_serial_names(cfg->mcus[i].serial, id, sizeof(id), chip, sizeof(chip));
		const struct rs_board *b =
			rs_doctor_map_board(cat, cfg->mcus[i].serial[0] ? cfg->mcus[i].serial : NULL,
					    chip, d ? rs_discovery_list(d) : NULL, NULL, &src);
		if (b)
			add(list, &n, b);
	}
	if (d)
		rs_discovery_close(d);
	if (n == 0) {
		struct rs_wizard_state saved;
		if (rs_state_file_load(&saved, &errs) == RS_STATE_LOADED && saved.board[0]) {
			const struct rs_board *b = rs_catalog_find(cat, saved.board);
			if (b)
				add(list, &n, b);
		}
	}
	rs_errors_clear(&errs);
	free(cfg);
	free(path);
	return n;
}

int rs_build_configured(struct rs_app *app, const struct rs_fwbuild_opts *given,
			const char *config, bool json)
{
	const struct rs_catalog *cat = rs_app_catalog(app);
	if (!cat)
		return RS_EXIT_FAIL;
	const struct rs_board *boards[MAX_BOARDS];
	size_t n = configured_boards(cat, config, boards);
	struct rs_json j;
	if (json) {
		rs_json_init(&j, stdout);
		rs_json_object_begin(&j);
		rs_json_key(&j, "boards");
		rs_json_array_begin(&j);
	} else if (n == 0) {
		fprintf(stderr, "ratos-setup: no board to build: printer.cfg names none this "
				"catalog knows, and the wizard has no saved board\n");
	}
	int rc = RS_EXIT_OK;
	static volatile sig_atomic_t cancel;
	cancel = 0;
	rs_proc_catch_signals(&cancel);
	for (size_t i = 0; i < n && !cancel; i++) {
		struct rs_fwbuild_opts opts = *given;
		opts.on_line = NULL; /* quiet: for a hook */
		struct rs_fwbuild *fb = rs_fwbuild_new(boards[i], &opts);
		enum rs_fwbuild_step step = rs_fwbuild_run(fb, &cancel);
		const struct rs_fwbuild_result *r = rs_fwbuild_result(fb);
		bool ok = step == RS_FWB_DONE || step == RS_FWB_UP_TO_DATE;
		if (!ok)
			rc = RS_EXIT_FAIL;
		if (json) {
			rs_json_object_begin(&j);
			rs_json_kv_string(&j, "board", boards[i]->id);
			rs_json_kv_string(&j, "status", rs_fwbuild_step_name(step));
			rs_json_kv_string(&j, "version", r->version);
			rs_json_kv_string(&j, "firmware", r->firmware_path);
			rs_json_kv_string(&j, "message", ok ? NULL : r->message);
			rs_json_object_end(&j);
		} else if (ok) {
			printf("%s: %s (%s)\n", boards[i]->id,
			       step == RS_FWB_DONE ? "built" : "up to date",
			       r->version ? r->version : "?");
		} else {
			fprintf(stderr, "ratos-setup: %s: %s%s%s\n", boards[i]->id,
				r->message ? r->message : rs_fwbuild_step_name(step),
				r->log_path ? "; log: " : "", r->log_path ? r->log_path : "");
		}
		rs_fwbuild_free(fb);
	}
	rs_proc_restore_signals();
	if (json) {
		rs_json_array_end(&j);
		rs_json_object_end(&j);
		rs_json_finish(&j);
	}
	return cancel ? RS_EXIT_FAIL : rc;
}
