#include "platform/flash_job.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "platform/flash_wait.h"
#include "platform/flash_check.h"
#include "platform/flash_previous.h"
#include "platform/fwbuild.h"
#include "platform/identity.h"
#include "platform/paths.h"

#define FLASH_FAILED 1
#define SERVICE_FAILED 3
#define DFU_UTIL_OLD 4
#define NOT_BACK 5

void rs_flash_ctx_init(struct rs_flash_ctx *c, const struct rs_board *b, enum rs_route route,
		       const struct rs_flash_ctx_opts *o)
{
	memset(c, 0, sizeof(*c));
	c->board = b;
	c->route = route;
	c->device = o->device ? rs_xstrdup(o->device) : NULL;
	c->klipper_dir = o->klipper_dir ? rs_xstrdup(o->klipper_dir) : rs_path_klipper_dir();
	c->wait_seconds = o->wait_seconds > 0 ? o->wait_seconds : 300;
	/* The build knows where its config, OUT and installed image live. */
	struct rs_fwbuild_opts bo = { .klipper_dir = o->klipper_dir, .cache_dir = o->cache_dir,
				      .firmware_dir = o->firmware_dir, .check_only = true };
	struct rs_fwbuild *fb = rs_fwbuild_new(b, &bo);
	const struct rs_fwbuild_result *r = rs_fwbuild_result(fb);
	c->config_path = rs_xstrdup(r->config_path);
	c->firmware_path = rs_xstrdup(r->firmware_path);
	const char *slash = strrchr(r->config_path, '/');
	c->out_dir = rs_xasprintf("%.*s/out/", (int)(slash ? slash - r->config_path : 1),
				  slash ? r->config_path : ".");
	rs_fwbuild_free(fb);
	/* Plain root needs no sudo in front of dfu-util; under sudo make flash
	 * runs as the user and Klipper asks sudo itself, as it does for them. */
	c->nosudo = geteuid() == 0 && !rs_identity_is_sudo();
}

void rs_flash_ctx_free(struct rs_flash_ctx *c)
{
	free(c->device);
	free(c->klipper_dir);
	free(c->tree_version);
	free(c->config_path);
	free(c->out_dir);
	free(c->firmware_path);
	if (c->previous)
		rs_fw_previous_free(c->previous);
	free(c->previous);
	memset(c, 0, sizeof(*c));
}

const char *rs_flash_image_name(const struct rs_board *b)
{
	return rs_route_mcu_is_avr(b->mcu) ? "klipper.elf.hex" : "klipper.bin";
}

/* ---- the Klipper service ---- */

static bool service_runs(const void *vctx)
{
	const struct rs_flash_ctx *c = vctx;
	return c->service.state == RS_SERVICE_RUNNING;
}

/* Start Klipper again only when it was stopped (or stopping was tried); the
 * plan, made before anything runs, shows both. */
static bool restart_wanted(const void *vctx)
{
	const struct rs_flash_ctx *c = vctx;
	return service_runs(vctx) && (!c->live || c->passed_check);
}

static bool stop_argv(void *vctx, struct rs_strv *argv, struct rs_proc_opts *po,
		      struct rs_status *fail)
{
	(void)fail;
	struct rs_flash_ctx *c = vctx;
	po->keep_root = true;
	rs_klipper_service_argv(&c->service, "stop", argv);
	return true;
}

static bool start_argv(void *vctx, struct rs_strv *argv, struct rs_proc_opts *po,
		       struct rs_status *fail)
{
	(void)fail;
	struct rs_flash_ctx *c = vctx;
	po->keep_root = true;
	rs_klipper_service_argv(&c->service, "start", argv);
	return true;
}

static struct rs_job_verdict stop_done(void *vctx, int code)
{
	struct rs_flash_ctx *c = vctx;
	if (code == 0)
		return rs_job_next();
	return rs_job_fail(SERVICE_FAILED,
			   geteuid() == 0 ? "Stop Klipper yourself (sudo systemctl stop klipper), "
					    "then try again."
					  : "Run it with sudo: stopping a service needs root.",
			   "stopping %s failed (exit %d); nothing was flashed", c->service.unit, code);
}

static struct rs_job_verdict start_done(void *vctx, int code)
{
	struct rs_flash_ctx *c = vctx;
	if (code == 0)
		return rs_job_next();
	return rs_job_fail(SERVICE_FAILED, "Start it yourself: sudo systemctl start klipper",
			   "starting %s again failed (exit %d)", c->service.unit, code);
}

/* ---- Klipper's make flash ---- */

static void make_flash(struct rs_flash_ctx *c, const char *device, struct rs_strv *argv,
		       struct rs_proc_opts *po)
{
	po->cwd = c->klipper_dir;
	rs_strv_push(argv, "make");
	rs_strv_push(argv, "flash");
	char *arg = rs_xasprintf("FLASH_DEVICE=%s", device);
	rs_strv_push(argv, arg);
	free(arg);
	arg = rs_xasprintf("KCONFIG_CONFIG=%s", c->config_path);
	rs_strv_push(argv, arg);
	free(arg);
	arg = rs_xasprintf("OUT=%s", c->out_dir);
	rs_strv_push(argv, arg);
	free(arg);
	if (c->nosudo)
		rs_strv_push(argv, "NOSUDO=1");
}

static bool usb_argv(void *vctx, struct rs_strv *argv, struct rs_proc_opts *po,
		     struct rs_status *fail)
{
	struct rs_flash_ctx *c = vctx;
	if (!c->device) {
		rs_status_fail(fail, FLASH_FAILED, "Connect the board over USB, or name it with --device.",
			       "no USB device of the board to flash");
		return false;
	}
	if (c->previous)
		return rs_flash_previous_argv(c, c->device, argv, po, fail);
	make_flash(c, c->device, argv, po);
	return true;
}

static bool dfu_argv(void *vctx, struct rs_strv *argv, struct rs_proc_opts *po,
		     struct rs_status *fail)
{
	struct rs_flash_ctx *c = vctx;
	if (c->previous)
		return rs_flash_previous_argv(c, RS_DFU_DEVICE, argv, po, fail);
	make_flash(c, RS_DFU_DEVICE, argv, po);
	return true;
}

static void remember_line(void *vctx, const char *line, struct rs_job_progress *p)
{
	struct rs_flash_ctx *c = vctx;
	/* make's own "*** [flash] Error 2" says less than the tool's last word. */
	if (line[0] && strncmp(line, "make: ***", 9) != 0 && strncmp(line, "make[", 5) != 0)
		snprintf(c->last_line, sizeof(c->last_line), "%s", line);
	snprintf(p->current, sizeof(p->current), "%s", line);
}

static bool has_dfu(const struct rs_flash_ctx *c)
{
	return c->board->has_dfu && strncmp(c->board->mcu, "stm32", 5) == 0;
}

static struct rs_job_verdict usb_done(void *vctx, int code)
{
	struct rs_flash_ctx *c = vctx;
	c->flash_code = code;
	if (code == 0)
		return rs_job_goto("back-on-usb");
	if (has_dfu(c)) {
		/* Klipper's flash_usb.py may leave the board in its ROM
		 * bootloader: look for it there before giving up. */
		c->dfu_fallback = true;
		return rs_job_next();
	}
	return rs_job_fail(FLASH_FAILED, "See the output above; the board still runs its old firmware "
			   "unless the output says otherwise.",
			   "make flash failed (exit %d): %s", code, c->last_line);
}

static bool fallback(const void *vctx)
{
	return ((const struct rs_flash_ctx *)vctx)->dfu_fallback;
}

static int wait_dfu_short(void *vctx)
{
	struct rs_flash_ctx *c = vctx;
	return rs_flash_wait(RS_WAIT_DFU, c->board, NULL, c->wait_seconds < 10 ? c->wait_seconds : 10,
			     NULL);
}

static struct rs_job_verdict dfu_appeared_done(void *vctx, int code)
{
	struct rs_flash_ctx *c = vctx;
	if (code == 0)
		return rs_job_next();
	char hint[200];
	snprintf(hint, sizeof(hint), "Check the output above; or flash by DFU: "
		 "ratos-setup flash %s --route dfu.", c->board->id);
	return rs_job_fail(FLASH_FAILED, hint, "make flash failed (exit %d): %s", c->flash_code,
			   c->last_line);
}

static struct rs_job_verdict wait_dfu_done(void *vctx, int code)
{
	struct rs_flash_ctx *c = vctx;
	if (code == 0)
		return rs_job_next();
	return rs_job_fail(NOT_BACK, c->board->dfu_boot0_jumper
			   ? "Put the BOOT0 jumper on, connect the board to the Pi over USB, power "
			     "it and press reset; then run this again."
			   : "Hold BOOT, press and release RESET, release BOOT (board on the Pi's "
			     "USB and powered); then run this again.",
			   "no board appeared in DFU mode (%s) within %d s; nothing was flashed",
			   RS_DFU_DEVICE, c->wait_seconds);
}

static struct rs_job_verdict dfu_flash_done(void *vctx, int code)
{
	struct rs_flash_ctx *c = vctx;
	if (code == 0)
		return rs_job_next();
	return rs_job_fail(FLASH_FAILED,
			   "Klipper runs `sudo dfu-util`: the user needs sudo rights for it. "
			   "Check the output above, then try again.",
			   "make flash FLASH_DEVICE=%s failed (exit %d): %s", RS_DFU_DEVICE, code,
			   c->last_line);
}

/* ---- dfu-util must be 0.11 or newer ---- */

static bool dfu_util_argv(void *vctx, struct rs_strv *argv, struct rs_proc_opts *po,
			  struct rs_status *fail)
{
	(void)vctx;
	(void)po;
	(void)fail;
	rs_strv_push(argv, "dfu-util");
	rs_strv_push(argv, "--version");
	return true;
}

static void dfu_util_line(void *vctx, const char *line, struct rs_job_progress *p)
{
	(void)p;
	struct rs_flash_ctx *c = vctx;
	if (!c->dfu_util[0] && strncmp(line, "dfu-util ", 9) == 0)
		snprintf(c->dfu_util, sizeof(c->dfu_util), "%s", line);
}

#define DFU_UTIL_HINT                                                                        \
	"Install dfu-util 0.11 or newer: on Debian 12 or Raspberry Pi OS bookworm, "          \
	"sudo apt install dfu-util; on older systems from backports or built from source."

static struct rs_job_verdict dfu_util_done(void *vctx, int code)
{
	struct rs_flash_ctx *c = vctx;
	bool known;
	bool ok = rs_route_dfu_util_ok(c->dfu_util, &known);
	if (code == 127 || (!known && code != 0))
		return rs_job_fail(DFU_UTIL_OLD, DFU_UTIL_HINT, "dfu-util is not installed");
	if (!ok)
		return rs_job_fail(DFU_UTIL_OLD, DFU_UTIL_HINT,
				   "%s is too old: 0.11 or newer is needed for STM32 boards",
				   known ? c->dfu_util : "dfu-util (version unknown)");
	return rs_job_next();
}

/* ---- waiting for the board ---- */

static int wait_dfu_long(void *vctx)
{
	struct rs_flash_ctx *c = vctx;
	char prompt[128];
	snprintf(prompt, sizeof(prompt), "Waiting for the board in DFU mode (%s), up to %d s...",
		 RS_DFU_DEVICE, c->wait_seconds);
	return rs_flash_wait(RS_WAIT_DFU, c->board, NULL, c->wait_seconds, prompt);
}

static int wait_back(void *vctx)
{
	struct rs_flash_ctx *c = vctx;
	bool dfu = c->route == RS_ROUTE_DFU;
	if (dfu)
		printf("%s, then press the board's reset button (or power-cycle it).\n",
		       c->board->dfu_boot0_jumper ? "Remove the BOOT0 jumper" : "Release the BOOT button");
	fflush(stdout);
	/* After DFU the by-id link is the new firmware's: find it by serial. */
	return rs_flash_wait(RS_WAIT_BACK, c->board, dfu ? NULL : c->device,
			     dfu ? c->wait_seconds : 60, "Waiting for the board on USB running Klipper...");
}

static struct rs_job_verdict back_done(void *vctx, int code)
{
	(void)vctx;
	if (code == 0)
		return rs_job_next();
	return rs_job_fail(NOT_BACK, "Power-cycle the board; if it still does not show up, flash "
			   "it from an SD card or by DFU.",
			   "the board did not come back on USB running Klipper");
}

static int wait_power_cycle(void *vctx)
{
	struct rs_flash_ctx *c = vctx;
	char prompt[300];
	snprintf(prompt, sizeof(prompt),
		 "Switch the printer off and on again (or unplug the board's power and USB, then "
		 "plug them back in): the bootloader flashes firmware.bin from the board's card at "
		 "power-on. Waiting up to %d s...", c->wait_seconds);
	/* Printed only once the watch is open: a board switched off at once is
	 * seen leaving. */
	return rs_flash_wait(RS_WAIT_POWER_CYCLE, c->board, c->device, c->wait_seconds, prompt);
}

static struct rs_job_verdict power_cycle_done(void *vctx, int code)
{
	(void)vctx;
	if (code == 0)
		return rs_job_next();
	return rs_job_fail(NOT_BACK, "Power-cycle the board, then check it with "
			   "scripts/flash-sdcard.sh -c.",
			   "the board was not power-cycled, or did not come back on USB");
}

/* ---- Klipper's flash-sdcard.sh ---- */

static void sdcard_sh(struct rs_flash_ctx *c, bool check, struct rs_strv *argv)
{
	char *s = rs_xasprintf("%s/scripts/flash-sdcard.sh", c->klipper_dir);
	rs_strv_push(argv, s);
	free(s);
	if (check)
		rs_strv_push(argv, "-c");
	rs_strv_push(argv, "-f");
	if (c->previous) {
		/* OUT's klipper.dict is the current build's, not this image's. */
		rs_strv_push(argv, c->previous->image);
		goto board;
	}
	s = rs_xasprintf("%sklipper.bin", c->out_dir);
	rs_strv_push(argv, s);
	free(s);
	s = rs_xasprintf("%sklipper.dict", c->out_dir);
	if (access(s, R_OK) == 0) {
		rs_strv_push(argv, "-d");
		rs_strv_push(argv, s);
	}
	free(s);
board:
	rs_strv_push(argv, c->device ? c->device : "(no device)");
	rs_strv_push(argv, c->board->remote_sd_board ? c->board->remote_sd_board : "?");
}

static bool remote_argv(void *vctx, struct rs_strv *argv, struct rs_proc_opts *po,
			struct rs_status *fail)
{
	(void)po;
	struct rs_flash_ctx *c = vctx;
	if (!c->device || !c->board->remote_sd_board) {
		rs_status_fail(fail, FLASH_FAILED, "Connect the board over USB, or name it with --device.",
			       "no USB device of the board, or no flash-sdcard.sh name for it");
		return false;
	}
	sdcard_sh(c, false, argv);
	return true;
}

static bool remote_check_argv(void *vctx, struct rs_strv *argv, struct rs_proc_opts *po,
			      struct rs_status *fail)
{
	bool ok = remote_argv(vctx, argv, po, fail);
	if (ok) {
		rs_strv_free(argv);
		sdcard_sh(vctx, true, argv);
	}
	return ok;
}

static struct rs_job_verdict remote_done(void *vctx, int code)
{
	struct rs_flash_ctx *c = vctx;
	if (code == 0)
		return rs_job_next();
	return rs_job_fail(FLASH_FAILED, "The board's own SD slot must hold a FAT32 card "
			   "(32 GB or smaller); ~/klippy-env must exist. See the output above.",
			   "flash-sdcard.sh failed (exit %d): %s", code, c->last_line);
}

static struct rs_job_verdict remote_check_done(void *vctx, int code)
{
	struct rs_flash_ctx *c = vctx;
	if (code == 0)
		return rs_job_next();
	return rs_job_fail(FLASH_FAILED, "Power-cycle the board once more and check again; or "
			   "put the firmware on the card from the Pi's reader.",
			   "flash-sdcard.sh -c: the board did not take the firmware (exit %d): %s",
			   code, c->last_line);
}

static bool power_cycle_needed(const void *vctx)
{
	return ((const struct rs_flash_ctx *)vctx)->board->remote_sd_power_cycle;
}

static const char *describe_wait_dfu(const void *c)
{
	(void)c;
	return "wait for the board in DFU mode (" RS_DFU_DEVICE ")";
}

static const char *describe_back(const void *c)
{
	(void)c;
	return "wait for the board back on USB running Klipper";
}

static const char *describe_power_cycle(const void *c)
{
	(void)c;
	return "guide the power cycle and wait for the board to leave USB and come back";
}

/* ---- the tables ---- */

#define BUILD_STEP                                                                           \
	{ .name = "firmware", .call = rs_flash_check_build, .describe = rs_flash_describe_build }
#define STOP_STEP                                                                            \
	{ .name = "stop-klipper", .argv = stop_argv, .on_exit = stop_done, .wanted = service_runs, \
	  .keep_root = true }
#define TOOLS_STEP                                                                           \
	{ .name = "flash-tools", .argv = rs_flash_previous_tools_argv,                        \
	  .wanted = rs_flash_previous_tools_wanted }
#define BACK_STEP                                                                            \
	{ .name = "back-on-usb", .child = wait_back, .on_exit = back_done,                    \
	  .describe = describe_back }

static const struct rs_job_step start_steps[] = {
	{ .name = "start-klipper", .argv = start_argv, .on_exit = start_done,
	  .wanted = restart_wanted, .keep_root = true },
};

static const struct rs_job_step usb_steps[] = {
	BUILD_STEP,
	STOP_STEP,
	TOOLS_STEP,
	{ .name = "flash", .argv = usb_argv, .on_line = remember_line, .on_exit = usb_done },
	{ .name = "dfu-appeared", .child = wait_dfu_short, .on_exit = dfu_appeared_done,
	  .wanted = fallback, .describe = describe_wait_dfu },
	{ .name = "dfu-util", .argv = dfu_util_argv, .on_line = dfu_util_line,
	  .on_exit = dfu_util_done, .wanted = fallback, .quiet = true },
	{ .name = "flash-dfu", .argv = dfu_argv, .on_line = remember_line,
	  .on_exit = dfu_flash_done, .wanted = fallback },
	BACK_STEP,
};

static const struct rs_job_step remote_steps[] = {
	BUILD_STEP,
	STOP_STEP,
	{ .name = "flash-sdcard", .argv = remote_argv, .on_line = remember_line,
	  .on_exit = remote_done },
	{ .name = "power-cycle", .child = wait_power_cycle, .on_exit = power_cycle_done,
	  .wanted = power_cycle_needed, .describe = describe_power_cycle },
	{ .name = "check", .argv = remote_check_argv, .on_line = remember_line,
	  .on_exit = remote_check_done, .wanted = power_cycle_needed },
};

static const struct rs_job_step dfu_steps[] = {
	BUILD_STEP,
	{ .name = "dfu-util", .argv = dfu_util_argv, .on_line = dfu_util_line,
	  .on_exit = dfu_util_done, .quiet = true },
	{ .name = "wait-dfu", .child = wait_dfu_long, .on_exit = wait_dfu_done,
	  .describe = describe_wait_dfu },
	TOOLS_STEP,
	{ .name = "flash-dfu", .argv = dfu_argv, .on_line = remember_line,
	  .on_exit = dfu_flash_done },
	BACK_STEP,
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct rs_job_table tables[] = {
	[RS_ROUTE_USB] = { "flash-usb", usb_steps, N(usb_steps), start_steps, N(start_steps) },
	[RS_ROUTE_REMOTE_SD] = { "flash-remote-sd", remote_steps, N(remote_steps), start_steps,
				 N(start_steps) },
	[RS_ROUTE_DFU] = { "flash-dfu", dfu_steps, N(dfu_steps), NULL, 0 },
};

const struct rs_job_table *rs_flash_table(enum rs_route route)
{
	if (route == RS_ROUTE_SDCARD || (unsigned)route >= N(tables))
		return NULL;
	return &tables[route];
}
