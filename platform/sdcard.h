/* An SD card (or an image of one) that firmware is written to: what it is,
 * where its FAT volume starts, whether it is mounted or write-protected.
 * Opening only reads; nothing here writes.
 *
 * The path is opened once. Everything afterwards (the checks, every mtools
 * call as /dev/fd/N, the writes) uses that open file, so a symlink changed
 * or a card swapped after the check cannot send the write elsewhere. A
 * block device must be a card that discovery would offer (not the system
 * disk, a fixed disk, an eMMC boot area...): the same decision, made by
 * platform/sddevice.h.
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
	RS_SD_NOT_CARD,     /* a block device that is not a card in a reader */
	RS_SD_BUSY,         /* another program holds the device exclusively */
	RS_SD_CHANGED,      /* not the card that was confirmed */
	RS_SD_STOPPED,      /* the write was stopped (cancel, signal) at a safe point */
};

/* What the card is opened for. WRITE and FORMAT open it read-write and
 * exclusively (O_EXCL: no mount and no other exclusive user meanwhile); a
 * card already mounted is then written through its mount point. */
enum rs_sd_access {
	RS_SD_READ,
	RS_SD_WRITE,
	RS_SD_FORMAT,
	/* Written like WRITE, but the device must be the opposite of a card:
	 * an RP2040's boot drive (RS_CARD_BOARD_BOOT), and nothing else. */
	RS_SD_BOOT_DRIVE,
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
	uint64_t part_start;    /* a partition device: its first sector on the disk */
	bool gpt;               /* the card has a GPT partition table */
	struct rs_fat_info fs;  /* of the volume at offset */
	char *mountpoint;       /* mounted somewhere: write through it, not under it */
	bool read_only;         /* device ro attribute / image not writable */
	bool system_disk;       /* part of the disk the system runs from */
	bool bad_table;         /* a partition entry reaches past the end of the card */
	char *serial;           /* the card's serial number, NULL when unknown */
	int fd;                 /* the open card or image (when has_fd) */
	bool has_fd;
	bool exclusive;         /* fd was opened with O_EXCL */
	int mount_fd;           /* the mount point's directory, checked to be this card's */
	bool has_mount_fd;
	uint64_t inode, inode_dev; /* of the open file, to see it is still at path */
};

/* Which card a confirmation was about, to be compared before writing. */
struct rs_sdcard_id {
	char serial[128];
	uint64_t size;
	bool block;
};

/* Opens path for access and inspects it. Fails with SYSTEM_DISK for the disk
 * the system runs from, NOT_CARD for other disks discovery would not offer,
 * BUSY for a device another program holds, and with NOT_FOUND, PERMISSION
 * or IO when it cannot be read; everything else is in out. mountinfo: a
 * mount table describing the system (tests), NULL for this one. out is
 * always safe to close. */
enum rs_sd_status rs_sdcard_open(const char *path, enum rs_sd_access access,
				 const char *mountinfo, struct rs_sdcard *out,
				 struct rs_errors *errs);
void rs_sdcard_close(struct rs_sdcard *c);
/* The identity a confirmation shows, and whether c is that card. */
void rs_sdcard_identity(const struct rs_sdcard *c, struct rs_sdcard_id *id);
bool rs_sdcard_is(const struct rs_sdcard *c, const struct rs_sdcard_id *id);
/* RS_SD_OK while the open file is still what path names (an image not
 * deleted or replaced, a card not pulled); GONE otherwise, with a message. */
enum rs_sd_status rs_sdcard_still_there(const struct rs_sdcard *c, struct rs_errors *errs);
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
