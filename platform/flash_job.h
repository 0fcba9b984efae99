/* Flashing a board without a card, as job tables (platform/job.h): the
 * routes of core/flash_route.h that write the firmware themselves.
 *
 *   usb        [stop Klipper] -> make flash FLASH_DEVICE=<by-id> -> board back
 *              on USB; if make flash fails and the board re-enumerated in DFU:
 *              dfu-util check -> make flash FLASH_DEVICE=0483:df11 -> back
 *   remote-sd  [stop Klipper] -> flash-sdcard.sh -> [power cycle -> -c check]
 *   dfu        dfu-util check -> wait for 0483:df11 -> make flash -> jumper
 *              out, reset, board back on USB
 *   finally    start Klipper again when it was running (success, failure and
 *              cancel alike)
 *
 * Every route first checks that the build directory holds the current build
 * for the board's MCU: make flash and flash-sdcard.sh flash what is in OUT,
 * with the same KCONFIG_CONFIG and OUT the build used. Klipper's own tools
 * run as the invoking user (they build helpers in the tree and read
 * ~/klippy-env); only the service actions run as root. */
#ifndef RS_PLATFORM_FLASH_JOB_H
#define RS_PLATFORM_FLASH_JOB_H

#include <stdbool.h>

#include "core/flash_route.h"
#include "platform/job.h"
#include "platform/klipper_service.h"

struct rs_fw_previous;

struct rs_flash_ctx {
	const struct rs_board *board;
	enum rs_route route;
	char *device;         /* by-id link of the running board (usb, remote-sd) */
	char *klipper_dir;    /* the Klipper tree */
	char *tree_version;   /* its version, NULL when unknown */
	char *config_path;    /* KCONFIG_CONFIG of the board's build */
	char *out_dir;        /* OUT of the board's build, ending in '/' */
	char *firmware_path;  /* the installed firmware-<id>.bin */
	/* --previous: the kept previous firmware is written instead of OUT's
	 * build, with what make flash runs (platform/flash_previous.h). */
	struct rs_fw_previous *previous;
	struct rs_klipper_service service;
	bool nosudo;          /* NOSUDO=1 for make flash: we are root already */
	int wait_seconds;     /* for the board to appear (DFU, power cycle, back) */

	/* While running. */
	bool live;            /* the job has started (not a plan) */
	bool passed_check;    /* the build was checked: Klipper gets stopped */
	bool dfu_fallback;    /* make flash failed and the board went to DFU */
	char dfu_util[128];   /* first line of dfu-util --version */
	char last_line[256];  /* last output line of the flashing tool */
	int flash_code;       /* its exit code */
};

struct rs_flash_ctx_opts {
	const char *klipper_dir; /* NULL: ~/klipper */
	const char *cache_dir;   /* NULL: the build's default */
	const char *firmware_dir;
	const char *device;      /* by-id link, for usb and remote-sd */
	int wait_seconds;        /* 0: 300 */
};

/* Paths of the board's build come from the build itself (platform/fwbuild.h). */
void rs_flash_ctx_init(struct rs_flash_ctx *c, const struct rs_board *b, enum rs_route route,
		       const struct rs_flash_ctx_opts *o);
void rs_flash_ctx_free(struct rs_flash_ctx *c);

/* The table for usb, remote-sd or dfu; NULL for sdcard (its own command). */
const struct rs_job_table *rs_flash_table(enum rs_route route);

/* The image make flash writes: klipper.bin, or klipper.elf.hex for AVR. */
const char *rs_flash_image_name(const struct rs_board *b);

#endif
