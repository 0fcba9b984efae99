/* `ratos-setup flash --all`: every MCU in one pass (core/mcu_plan.h), each
 * with the job table of its route, Klipper stopped once before and started
 * once after. flash_all_gather.c collects the facts and prepares each MCU's
 * job; cmd_flash_all.c prints the plan and runs it. */
#ifndef RS_APP_FLASH_ALL_H
#define RS_APP_FLASH_ALL_H

#include <stdbool.h>
#include <stdio.h>

#include "app/app.h"
#include "core/mcu_plan.h"
#include "platform/doctor.h"
#include "platform/flash_job.h"
#include "platform/mcu_jobs.h"
#include "platform/uf2copy.h"

struct flash_all_opts {
	const char *klipper, *config, *log, *firmware_dir;
	int wait_seconds; /* --timeout: for a board to come back; 0: the routes' default */
	bool dry_run, yes, json;
	/* --after-update (app/flash_after_update.h), its settings file and
	 * Klipper's API socket (NULL: the defaults). */
	bool after_update;
	const char *settings, *klippy_socket;
};

struct flash_all_mcu {
	const struct rs_mcu_plan_item *it;
	bool has_flash;               /* flash below is initialised */
	struct rs_flash_ctx flash;    /* board routes; also the build's paths */
	struct rs_uf2_copy uf2;
	struct rs_katapult_ctx kat;
	struct rs_host_mcu_ctx host;
	char *uf2_path, *bin_path;
	const struct rs_job_table *table; /* NULL: nothing runs for it */
	void *ctx;
	bool build;                   /* build before the table */
	bool failed;                  /* its build failed, or left alone: not flashed */
	char left_alone[300];         /* --after-update: why it is not flashed unattended */
};

struct flash_all {
	struct flash_all_opts o;
	const struct rs_catalog *cat;
	char *klipper_dir;
	char *tree_version;
	struct rs_pcfg *cfg;
	struct rs_errors cfg_errs;
	struct rs_hw_list hw;
	struct rs_doctor_report *rep;
	struct rs_mcu_running running[RS_DOCTOR_MAX_MCUS];
	struct rs_klipper_service svc;
	struct rs_mcu_plan plan;
	struct flash_all_mcu mcus[RS_MCU_PLAN_MAX];
	char *katapult_tool;
	char *host_work;
};

/* Gathers everything and makes the plan and each MCU's job context. */
void rs_flash_all_gather(struct flash_all *fa, struct rs_app *app);
/* cmd_flash.c: what is connected now (left empty, with a warning, when
 * discovery cannot run). */
void rs_flash_snapshot(struct rs_hw_list *hw);
void rs_flash_all_free(struct flash_all *fa);
/* The MCU's build ("NAME: build: ..."), when it needs one; the Pi's own
 * MCU builds in its table. */
void rs_flash_all_build_plan(const struct flash_all_mcu *m, struct rs_strv *lines);
/* The steps one MCU's table would run, prefixed with its name. */
void rs_flash_all_mcu_plan(const struct flash_all_mcu *m, struct rs_strv *lines);

int rs_cmd_flash_all(struct rs_app *app, int argc, char **argv);
/* Its part of `flash --help`. */
void rs_flash_all_usage(FILE *out);

#endif
