/* Flashing an RP2040 in BOOTSEL: its boot ROM presents a small FAT drive
 * labelled RPI-RP2, and a UF2 file copied onto it is written to flash (the
 * chip reboots into it as soon as the last block arrived). The copy goes
 * through the card code (platform/sdcard.h, platform/sdfs.h): the device
 * is opened once, as root only for a block device, and only when discovery
 * calls it an RP2040 boot drive; the system disk, SD cards and any other
 * disk are refused. No kernel mount is needed (mtools). */
#ifndef RS_PLATFORM_UF2COPY_H
#define RS_PLATFORM_UF2COPY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "platform/job.h"
#include "platform/sdcard.h"

#define RS_RP2040_BOOT_LABEL "RPI-RP2"
#define RS_UF2_NAME_ON_DRIVE "KLIPPER.UF2"

struct rs_board;

struct rs_uf2_copy {
	const char *volume;    /* the boot drive's node (/dev/sdb1), or an image file */
	const char *uf2;       /* the installed firmware-<board>.uf2 (or any UF2 file) */
	/* The job's first step, when board is set: the UF2 must be the one the
	 * installed build's record describes (its uf2= and uf2_sha256=), and
	 * that build (firmware, firmware-<board>.bin) current for the tree and
	 * the board's MCU, the rule every other route applies. */
	const struct rs_board *board;
	const char *firmware;     /* firmware-<board>.bin, whose .meta names the UF2 */
	const char *tree_version; /* NULL: unknown (not compared, as elsewhere) */
	const char *mountinfo; /* a mount table for tests; NULL: this system's */
	/* Out: the drive went away while the copy ended, which is the RP2040
	 * rebooting into the new firmware (not an error). */
	bool rebooted;
};

/* Checks the file (a complete RP2040 UF2), opens the drive (an RP2040 boot
 * drive labelled RPI-RP2, writable) and copies the file to it. */
enum rs_sd_status rs_uf2_copy_run(struct rs_uf2_copy *o, struct rs_errors *errs);

/* The current-firmware check above: true, or false with why (one sentence
 * and what to do). */
bool rs_uf2_firmware_check(const struct rs_uf2_copy *o, char *why, size_t len);

/* The job step table (ctx: struct rs_uf2_copy): "firmware", the check above
 * when board is set, then "copy-uf2", a child step that prints what it did
 * and exits 0 when the ROM has the file. */
extern const struct rs_job_table rs_uf2_job;

#endif
