/* ratos-setup flash --all [--dry-run] [--yes] [--json]: every MCU of the
 * printer in one pass. The plan is core/mcu_plan.h's; each MCU runs the job
 * table of its route (platform/flash_job.h, platform/uf2copy.h,
 * platform/mcu_jobs.h) with Klipper stopped once before the first and
 * started once after the last, also after a failure or Ctrl-C. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/commands.h"
#include "app/flash_after_update.h"
#include "app/flash_all.h"
#include "core/json_out.h"
#include "core/xalloc.h"
#include "platform/fwbuild.h"
#include "platform/proc.h"

void rs_flash_all_usage(FILE *out)
{
	fputs("usage: ratos-setup flash --all [--dry-run] [--yes] [--json] [--klipper DIR]\n"
	      "                         [--config FILE] [--log FILE] [--firmware-dir DIR]\n"
	      "                         [--timeout SECONDS]\n"
	      "       ratos-setup flash --all --after-update [--dry-run] [--settings FILE]\n"
	      "                         [--klippy-socket PATH] [options above]\n"
	      "Every MCU the printer uses (printer.cfg's [mcu] sections, and boards connected\n"
	      "now), each built if needed and flashed by its best route: CAN nodes before\n"
	      "their USB-to-CAN bridge, the Pi's own MCU last. Boards flashed from a card are\n"
	      "prepared and their card step named. Klipper is stopped once before and started\n"
	      "once after, also after a failure or Ctrl-C. --dry-run prints the plan only;\n"
	      "--timeout is how long to wait for a board to come back (default 300).\n"
	      "--after-update is what the after-update unit runs: nothing unless\n"
	      "auto_flash_usb = yes in --settings FILE (default:\n"
	      "  " RS_AFTER_UPDATE_CONF "),\n"
	      "then only boards on USB running Klipper whose firmware is current, and\n"
	      "only when Klipper (--klippy-socket PATH, default\n"
	      "~/printer_data/comms/klippy.sock) says no print is in progress.\n",
	      out);
}

static int parse(int argc, char **argv, struct flash_all_opts *o)
{
	const char *timeout = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = strcmp(a, "--klipper") == 0	       ? &o->klipper
				    : strcmp(a, "--config") == 0       ? &o->config
				    : strcmp(a, "--log") == 0	       ? &o->log
				    : strcmp(a, "--firmware-dir") == 0 ? &o->firmware_dir
				    : strcmp(a, "--timeout") == 0      ? &timeout
				    : strcmp(a, "--settings") == 0     ? &o->settings
				    : strcmp(a, "--klippy-socket") == 0 ? &o->klippy_socket
								       : NULL;
		if (slot) {
			if (i + 1 >= argc) {
				fprintf(stderr, "ratos-setup flash: %s needs a value\n", a);
				return RS_EXIT_USAGE;
			}
			*slot = argv[++i];
		} else if (strcmp(a, "--all") == 0) {
			continue;
		} else if (strcmp(a, "--dry-run") == 0) {
			o->dry_run = true;
		} else if (strcmp(a, "--yes") == 0) {
			o->yes = true;
		} else if (strcmp(a, "--after-update") == 0) {
			o->after_update = o->yes = true; /* nobody is there to ask */
		} else if (strcmp(a, "--json") == 0) {
			o->json = true;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			rs_flash_all_usage(stdout);
			return RS_EXIT_OK;
		} else {
			fprintf(stderr, "ratos-setup flash --all: unexpected argument '%s'\n", a);
			rs_flash_all_usage(stderr);
			return RS_EXIT_USAGE;
		}
	}
	if ((o->settings || o->klippy_socket) && !o->after_update) {
		fprintf(stderr, "ratos-setup flash: --settings and --klippy-socket go with "
				"--after-update\n");
		return RS_EXIT_USAGE;
	}
	if (timeout && ((o->wait_seconds = atoi(timeout)) <= 0 || o->wait_seconds > 3600)) {
		fprintf(stderr, "ratos-setup flash: --timeout takes 1 to 3600 seconds\n");
		return RS_EXIT_USAGE;
	}
	return -1;
}

/* ---- Klipper stopped once, started once ---- */

static bool service_runs(const void *vctx)
{
	const struct rs_klipper_service *s = vctx;
	return s->state == RS_SERVICE_RUNNING;
}

static bool stop_argv(void *vctx, struct rs_strv *argv, struct rs_proc_opts *po,
		      struct rs_status *fail)
{
	(void)fail;
	po->keep_root = true;
	rs_klipper_service_argv(vctx, "stop", argv);
	return true;
}

static bool start_argv(void *vctx, struct rs_strv *argv, struct rs_proc_opts *po,
		       struct rs_status *fail)
{
	(void)fail;
	po->keep_root = true;
	rs_klipper_service_argv(vctx, "start", argv);
	return true;
}

static const struct rs_job_step stop_step[] = {
	{ .name = "stop-klipper", .argv = stop_argv, .wanted = service_runs, .keep_root = true },
};
static const struct rs_job_step start_step[] = {
	{ .name = "start-klipper", .argv = start_argv, .wanted = service_runs, .keep_root = true },
};
/* Two tables so the MCUs' own jobs run between them; the start is the
 * finally of the whole pass (run_all calls it on every way out). */
static const struct rs_job_table stop_job = { "stop-klipper", stop_step, 1, NULL, 0 };
static const struct rs_job_table start_job = { "start-klipper", NULL, 0, start_step, 1 };

/* ---- the plan ---- */

static const char *needs_text(const struct rs_mcu_plan_item *it)
{
	if (it->route == RS_MCU_ROUTE_BOARD && it->board_route == RS_ROUTE_SDCARD)
		return it->needs_build ? "build, then the card" : "the card";
	if (!it->needs_flash)
		return "current";
	if (it->route == RS_MCU_ROUTE_HOST)
		return "build, install";
	return it->needs_build ? "build, flash" : "flash";
}

static bool any_table(const struct flash_all *fa)
{
	for (size_t i = 0; i < fa->plan.count; i++)
		if (fa->mcus[i].table)
			return true;
	return false;
}

/* Builds first, while Klipper still runs (a failed build stops nothing);
 * then Klipper stopped, every MCU flashed, Klipper started. */
static void plan_lines(struct flash_all *fa, struct rs_strv *lines)
{
	for (size_t i = 0; i < fa->plan.count; i++)
		rs_flash_all_build_plan(&fa->mcus[i], lines);
	if (!any_table(fa))
		return;
	rs_job_plan(&stop_job, &fa->svc, lines);
	for (size_t i = 0; i < fa->plan.count; i++)
		rs_flash_all_mcu_plan(&fa->mcus[i], lines);
	rs_job_plan(&start_job, &fa->svc, lines);
}

static void print_plan(struct flash_all *fa, const struct rs_strv *lines)
{
	printf("Klipper %s in %s; the Klipper service: %s\n",
	       fa->tree_version ? fa->tree_version : "(version unknown)", fa->klipper_dir,
	       rs_service_state_name(fa->svc.state));
	printf("Every MCU, in the order they are flashed:\n");
	for (size_t i = 0; i < fa->plan.count; i++) {
		const struct rs_mcu_plan_item *it = &fa->plan.items[i];
		printf("  %zu. %-14s %-24s %-13s %s%s%s\n", i + 1, it->name,
		       it->board ? it->board->id
				 : it->route == RS_MCU_ROUTE_HOST ? "(the Pi's own MCU)" : "(unknown board)",
		       rs_mcu_route_name(it), needs_text(it),
		       it->role == RS_MCU_ROLE_BRIDGE ? ", USB-to-CAN bridge"
		       : it->role == RS_MCU_ROLE_BEHIND_BRIDGE ? ", behind the bridge" : "",
		       it->in_config ? "" : ", not in printer.cfg");
		if (it->note[0])
			printf("       %s\n", it->note);
	}
	if (fa->plan.count == 0)
		printf("  none: printer.cfg names no MCU and no board is connected\n");
	printf("Steps:\n");
	for (size_t i = 0; i < lines->count; i++)
		printf("  %s\n", lines->items[i]);
}

static void json_plan(struct flash_all *fa, const struct rs_strv *lines, const char *const *results)
{
	struct rs_json j;
	rs_json_init(&j, stdout);
	rs_json_object_begin(&j);
	rs_json_kv_string(&j, "klipper_version", fa->tree_version);
	rs_json_kv_string(&j, "klipper_service", rs_service_state_name(fa->svc.state));
	rs_json_key(&j, "mcus");
	rs_json_array_begin(&j);
	for (size_t i = 0; i < fa->plan.count; i++) {
		const struct rs_mcu_plan_item *it = &fa->plan.items[i];
		rs_json_object_begin(&j);
		rs_json_kv_string(&j, "name", it->name);
		rs_json_kv_bool(&j, "in_config", it->in_config);
		rs_json_kv_string(&j, "board", it->board ? it->board->id : NULL);
		rs_json_kv_string(&j, "link", rs_mcu_link_name(it->link));
		rs_json_kv_string(&j, "role", rs_mcu_role_name(it->role));
		rs_json_kv_string(&j, "address", it->address[0] ? it->address : NULL);
		rs_json_kv_string(&j, "device", it->device ? it->device->by_id ? it->device->by_id
									: it->device->devnode
							   : NULL);
		rs_json_kv_string(&j, "running_version", it->running_version);
		rs_json_kv_string(&j, "built", rs_fw_verdict_name(it->built));
		rs_json_kv_bool(&j, "needs_build", it->needs_build);
		rs_json_kv_bool(&j, "needs_flash", it->needs_flash);
		rs_json_kv_string(&j, "route", rs_mcu_route_name(it));
		rs_json_kv_bool(&j, "blocked", it->blocked);
		rs_json_kv_string(&j, "note", it->note[0] ? it->note : NULL);
		if (results)
			rs_json_kv_string(&j, "result", results[i]);
		rs_json_key(&j, "steps");
		rs_json_array_begin(&j);
		size_t n = strlen(it->name);
		for (size_t k = 0; k < lines->count; k++)
			if (strncmp(lines->items[k], it->name, n) == 0 &&
			    strncmp(lines->items[k] + n, ": ", 2) == 0)
				rs_json_string(&j, lines->items[k] + n + 2);
		rs_json_array_end(&j);
		rs_json_object_end(&j);
	}
	rs_json_array_end(&j);
	rs_json_key(&j, "steps");
	rs_json_array_begin(&j);
	for (size_t k = 0; k < lines->count; k++)
		rs_json_string(&j, lines->items[k]);
	rs_json_array_end(&j);
	rs_json_object_end(&j);
	rs_json_finish(&j);
}

/* ---- running it ---- */

static void on_output(void *data, const char *line)
{
	FILE *out = data;
	fprintf(out, "    %s\n", line);
	fflush(out);
}

static enum rs_job_state run_table(const struct rs_job_table *t, void *ctx, FILE *out,
				   volatile sig_atomic_t *cancel, char *msg, size_t len)
{
	struct rs_job_opts jo = { .on_output = on_output, .data = out };
	struct rs_job *job = rs_job_new(t, ctx, &jo);
	enum rs_job_state st = rs_job_run(job, cancel);
	const struct rs_job_result *r = rs_job_result(job);
	snprintf(msg, len, "%s", r->status.message ? r->status.message : rs_job_state_name(st));
	/* The start of Klipper is start_job's finally step: the engine keeps
	 * the job's state when a finally step fails, so look at it here. */
	if (st == RS_JOB_SUCCEEDED && t == &start_job && r->finally_failed) {
		st = RS_JOB_FAILED;
		snprintf(msg, len, "systemctl start failed; see the lines above");
	}
	rs_job_free(job);
	return st;
}

static bool build_one(struct flash_all *fa, const struct rs_board *b, volatile sig_atomic_t *cancel,
		      char *msg, size_t len)
{
	struct rs_fwbuild_opts bo = { .klipper_dir = fa->o.klipper,
				      .firmware_dir = fa->o.firmware_dir };
	struct rs_fwbuild *fb = rs_fwbuild_new(b, &bo);
	enum rs_fwbuild_step step = rs_fwbuild_run(fb, cancel);
	const struct rs_fwbuild_result *r = rs_fwbuild_result(fb);
	bool ok = step == RS_FWB_DONE || step == RS_FWB_UP_TO_DATE;
	snprintf(msg, len, "build failed: %s%s%s", r->message ? r->message : rs_fwbuild_step_name(step),
		 r->log_path ? "; log: " : "", r->log_path ? r->log_path : "");
	rs_fwbuild_free(fb);
	return ok;
}

static int run_all(struct flash_all *fa, char (*results)[512])
{
	FILE *out = fa->o.json ? stderr : stdout;
	static volatile sig_atomic_t cancel;
	cancel = 0;
	rs_proc_catch_signals(&cancel);
	int rc = RS_EXIT_OK;
	char msg[400];
	for (size_t i = 0; i < fa->plan.count && !cancel; i++) {
		struct flash_all_mcu *m = &fa->mcus[i];
		if (!m->build)
			continue;
		fprintf(out, "%s: building %s\n", m->it->name, m->it->board->id);
		if (!build_one(fa, m->it->board, &cancel, msg, sizeof(msg))) {
			snprintf(results[i], 512, "not flashed: %s", msg);
			m->table = NULL;
			m->failed = true;
			rc = RS_EXIT_FAIL;
		}
	}
	if (cancel || !any_table(fa)) {
		/* Nothing to flash here: Klipper is left alone. */
		for (size_t i = 0; i < fa->plan.count; i++) {
			const struct rs_mcu_plan_item *it = &fa->plan.items[i];
			if (results[i][0])
				continue;
			if (cancel)
				snprintf(results[i], 512, "not flashed: cancelled");
			else if (it->blocked && it->needs_flash)
				snprintf(results[i], 512, "not flashed: %s", it->note);
			else if (!it->needs_flash)
				snprintf(results[i], 512, "current, nothing to do");
			else
				snprintf(results[i], 512, "%s", it->note);
			if (it->blocked && it->needs_flash)
				rc = RS_EXIT_FAIL;
		}
		rs_proc_restore_signals();
		return cancel ? RS_EXIT_FAIL : rc;
	}
	if (run_table(&stop_job, &fa->svc, out, &cancel, msg, sizeof(msg)) != RS_JOB_SUCCEEDED) {
		fprintf(stderr, "ratos-setup flash: stopping Klipper failed (%s); nothing was "
				"flashed\n", msg);
		rs_proc_restore_signals();
		return RS_EXIT_FAIL;
	}
	for (size_t i = 0; i < fa->plan.count; i++) {
		struct flash_all_mcu *m = &fa->mcus[i];
		const struct rs_mcu_plan_item *it = m->it;
		char *res = results[i];
		if (m->failed)
			continue;
		if (cancel) {
			snprintf(res, 512, "not flashed: cancelled");
			rc = RS_EXIT_FAIL;
			continue;
		}
		if (it->blocked) {
			snprintf(res, 512, "not flashed: %s", it->note);
			if (it->needs_flash)
				rc = RS_EXIT_FAIL;
			continue;
		}
		if (!it->needs_flash && !m->build) {
			snprintf(res, 512, "current, nothing to do");
			continue;
		}
		if (!m->table) {
			snprintf(res, 512, "%s", it->route == RS_MCU_ROUTE_BOARD &&
						 it->board_route == RS_ROUTE_SDCARD
						 ? it->note : "built; nothing flashes it here");
			continue;
		}
		fprintf(out, "%s (%s):\n", it->name, it->board ? it->board->id : rs_mcu_route_name(it));
		enum rs_job_state st = run_table(m->table, m->ctx, out, &cancel, msg, sizeof(msg));
		if (st == RS_JOB_SUCCEEDED) {
			snprintf(res, 512, "flashed (%s)", rs_mcu_route_title(it));
		} else {
			snprintf(res, 512, "failed: %s", msg);
			rc = RS_EXIT_FAIL;
		}
	}
	/* The finally of the pass: whatever happened above. */
	sig_atomic_t was = cancel;
	cancel = 0;
	if (run_table(&start_job, &fa->svc, out, &cancel, msg, sizeof(msg)) != RS_JOB_SUCCEEDED) {
		fprintf(stderr, "ratos-setup flash: Klipper could not be started again (%s): sudo "
				"systemctl start klipper\n", msg);
		rc = RS_EXIT_FAIL;
	}
	rs_proc_restore_signals();
	return was ? RS_EXIT_FAIL : rc;
}

static bool confirm(const struct flash_all *fa)
{
	if (fa->o.yes)
		return true;
	if (!isatty(STDIN_FILENO)) {
		fprintf(stderr, "ratos-setup flash: pass --yes to flash without a terminal.\n");
		return false;
	}
	fprintf(stderr, "Flash every MCU above now?%s [y/N] ",
		fa->svc.state == RS_SERVICE_RUNNING ? " Klipper is stopped meanwhile and started "
						      "again afterwards." : "");
	char ans[16];
	return fgets(ans, sizeof(ans), stdin) && (ans[0] == 'y' || ans[0] == 'Y');
}

static void print_doctor(struct flash_all *fa)
{
	struct rs_doctor_report rep;
	struct rs_doctor_opts dopt = { .cat = fa->cat, .klipper_dir = fa->o.klipper,
				       .log_path = fa->o.log, .config_path = fa->o.config,
				       .hw = &fa->hw };
	rs_doctor_gather(&dopt, &rep);
	printf("Doctor (klippy.log's last start; run ratos-setup doctor again once Klipper has "
	       "connected):\n");
	for (size_t i = 0; i < rep.count; i++)
		printf("  MCU '%s': %s\n", rep.entries[i].name,
		       rs_doctor_verdict_text(rep.entries[i].judged.verdict));
	if (rep.count == 0)
		printf("  %s\n", "klippy.log names no MCU yet");
	rs_doctor_report_free(&rep);
}

static void print_results(struct flash_all *fa, const struct rs_strv *lines,
			  char (*results)[512])
{
	if (fa->o.json) {
		const char *r[RS_MCU_PLAN_MAX];
		for (size_t i = 0; i < fa->plan.count; i++)
			r[i] = results[i];
		json_plan(fa, lines, r);
		return;
	}
	printf("Result:\n");
	for (size_t i = 0; i < fa->plan.count; i++)
		printf("  %-14s %s\n", fa->plan.items[i].name, results[i]);
	print_doctor(fa);
}

int rs_cmd_flash_all(struct rs_app *app, int argc, char **argv)
{
	struct flash_all *fa = rs_xcalloc(1, sizeof(*fa));
	int rc = parse(argc, argv, &fa->o);
	if (rc >= 0) {
		free(fa);
		return rc;
	}
	if (fa->o.after_update && !rs_after_update_enabled(&fa->o, &rc)) {
		free(fa);
		return rc;
	}
	if (!rs_app_catalog(app)) {
		free(fa);
		return RS_EXIT_FAIL;
	}
	rs_flash_all_gather(fa, app);
	if (fa->o.after_update)
		rs_after_update_limit(fa);
	struct rs_strv lines = { 0 };
	plan_lines(fa, &lines);
	rc = RS_EXIT_OK;
	if (fa->o.dry_run) {
		if (fa->o.json)
			json_plan(fa, &lines, NULL);
		else
			print_plan(fa, &lines);
	} else {
		if (!fa->o.json)
			print_plan(fa, &lines);
		if (!confirm(fa)) {
			rc = RS_EXIT_FAIL;
		} else if ((rc = rs_app_lock(app, "flash-all", "flash --all")) == RS_EXIT_OK) {
			char(*results)[512] = rs_xcalloc(RS_MCU_PLAN_MAX, sizeof(*results));
			if (fa->o.after_update)
				rs_after_update_results(fa, results);
			/* Asked last, right before Klipper is stopped. */
			if (!fa->o.after_update || !any_table(fa) ||
			    rs_after_update_may_flash(fa, &rc)) {
				rc = run_all(fa, results);
				print_results(fa, &lines, results);
			}
			free(results);
		}
	}
	rs_strv_free(&lines);
	rs_flash_all_free(fa);
	free(fa);
	return rc;
}
