/* An SD card (or an image of one) that firmware is written to: what it is,
 * where its FAT volume starts, whether it is mounted, write-protected or the
 * system disk. Opening only reads; nothing here writes.
 *
 * A target is one of: a partition (/dev/sda1), a whole card (/dev/sda: its
 * first FAT partition is used, as the bootloaders do), or an image file (a
 * bare FAT image or a partitioned card image). */
#ifndef RS_PLATFORM_SDCARD_H
#define RS_PLATFORM_SDCARD_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "core/fat.h"

/* Outcome of every SD operation; each non-OK value comes with a message in
 * the caller's rs_errors saying what happened and what to do. */
enum rs_sd_status {
	RS_SD_OK,
	RS_SD_NOT_FOUND,    /* no such device or file */
	RS_SD_PERMISSION,   /* not allowed to open it: run with sudo */
	RS_SD_READ_ONLY,    /* write-protect switch, read-only device or image */
	RS_SD_NOT_FAT,      /* exFAT, NTFS, unformatted, no FAT partition */
	RS_SD_SYSTEM_DISK,  /* holds the running system: never written */
	RS_SD_FULL,
	RS_SD_GONE,         /* the card went away mid-way */
	RS_SD_IO,           /* I/O error */
	RS_SD_VERIFY,       /* read-back differs from what was written */
	RS_SD_BAD_FIRMWARE, /* missing, empty or not a Klipper firmware */
	RS_SD_WRONG_MCU,    /* firmware built for another MCU */
	RS_SD_BAD_BOARD,    /* the board is not flashed from an SD card */
	RS_SD_TOOL,         /* mtools missing or failed in an unexpected way */
	RS_SD_MOUNTED,      /* a destructive action on a mounted card */
};

enum rs_sd_target { RS_SD_IMAGE, RS_SD_PARTITION, RS_SD_DISK };

struct rs_sdcard {
	char *path;             /* as given */
	enum rs_sd_target kind;
	bool block;             /* a block device */
	unsigned major, minor;  /* of a block device */
	char *disk;             /* kernel name of the whole disk ("sda"), or NULL */
	uint64_t size;          /* bytes of the device or image */
	uint64_t offset;        /* byte offset of the FAT volume inside path */
	uint64_t volume_size;   /* bytes of the partition/volume */
	int partition;          /* 1-based partition used inside a whole card, 0 if none */
	bool gpt;               /* the card has a GPT partition table */
	struct rs_fat_info fs;  /* of the volume at offset */
	char *mountpoint;       /* mounted somewhere: write through it, not under it */
	bool read_only;         /* device ro attribute / image not writable */
	bool system_disk;       /* part of the disk the system runs from */
};

/* Opens path read-only and inspects it. Fails with SYSTEM_DISK (before
 * opening it) for the disk the system runs from, and with NOT_FOUND,
 * PERMISSION or IO when it cannot be read; everything else is in out. */
enum rs_sd_status rs_sdcard_open(const char *path, struct rs_sdcard *out, struct rs_errors *errs);
void rs_sdcard_close(struct rs_sdcard *c);
/* Refuses a target that must not be written (system disk, not FAT, FAT12,
 * read-only), with an explanation in errs. */
enum rs_sd_status rs_sdcard_check_writable(const struct rs_sdcard *c, struct rs_errors *errs);
/* True for cards over 32 GB (bootloaders often cannot read them). */
bool rs_sdcard_is_large(const struct rs_sdcard *c);
/* One line for humans: `15.9 GB FAT32 "RATOS"`. Caller frees. */
char *rs_sdcard_describe(const struct rs_sdcard *c);
/* "1.0 GB", "64.0 MB" (decimal units, as cards are sold). */
void rs_sd_format_size(uint64_t bytes, char *buf, unsigned len);
const char *rs_sd_status_name(enum rs_sd_status s);
/* Maps an errno from opening/reading/writing a card to a status. */
enum rs_sd_status rs_sd_status_from_errno(int err);

#endif
