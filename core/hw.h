/* What is plugged into the Pi, as plain data: USB boards (running Klipper or
 * sitting in a bootloader) and block devices that might be SD cards. Filled by
 * platform/discovery; judged by core/board_match and core/card_policy. All
 * strings are owned by the structs; any of them may be NULL when unknown. */
#ifndef RS_CORE_HW_H
#define RS_CORE_HW_H

#include <stdbool.h>
#include <stddef.h>

/* Which USB identity a board showed up with (vendor:product, FACTS §6). */
enum rs_hw_board_kind {
	RS_HW_KLIPPER,     /* 1d50:614e, Klipper firmware running, USB serial */
	RS_HW_KATAPULT,    /* 1d50:6177, Katapult (CanBoot) bootloader */
	RS_HW_CAN_BRIDGE,  /* 1d50:606f, Klipper USB-to-CAN bridge */
	RS_HW_STM32_DFU,   /* 0483:df11, STM32 ROM DFU, no tty */
	RS_HW_RP2040_BOOT, /* 2e8a:0003, RP2040 BOOTSEL mass storage */
	RS_HW_EINSY,       /* 2c99:0002, Prusa Einsy USB-serial bridge */
};

struct rs_hw_board {
	enum rs_hw_board_kind kind;
	unsigned vid, pid;
	char *syspath;      /* the USB device; identifies the board across events */
	char *tty_syspath;  /* its tty, when it has one */
	char *devnode;      /* /dev/ttyACM0, or the usb node for tty-less kinds */
	char *by_id;        /* /dev/serial/by-id/... when udev made one */
	char *manufacturer; /* USB manufacturer string, e.g. Klipper */
	char *product;      /* USB product string; Klipper puts CONFIG_MCU here */
	char *serial;       /* USB serial string: chip id, or the board id under RatOS */
	char *mcu;          /* normalised MCU name (lower case), NULL when unknown */
	/* RP2040 BOOTSEL: the boot drive the ROM presents (a FAT volume
	 * labelled RPI-RP2): its disk (/dev/sdb) and the node holding the
	 * volume (/dev/sdb1, or the disk itself); NULL until the kernel made
	 * them. A uf2 copied there is flashed. */
	char *boot_disk;
	char *boot_volume;
	char *boot_label;
};

/* Why a block device is never offered as a write target. The order is the
 * order of importance: the first reason that applies is the one shown. */
enum rs_card_refusal {
	RS_CARD_OK = 0,
	RS_CARD_SYSTEM,        /* holds /, /boot, /boot/firmware or another system path */
	RS_CARD_VIRTUAL,       /* loop, ram, zram, device-mapper, md, nbd */
	RS_CARD_OPTICAL,       /* sr*, CD/DVD */
	RS_CARD_MMC_HW_PART,   /* mmcblkXbootY / rpmb hardware partitions of eMMC */
	RS_CARD_BOARD_BOOT,    /* a board's boot drive (RP2040 BOOTSEL), not a card */
	RS_CARD_NOT_REMOVABLE, /* fixed disk (internal SATA/NVMe/eMMC) */
	RS_CARD_WRONG_BUS,     /* neither USB nor an MMC/SD reader */
	RS_CARD_EMPTY,         /* size 0: reader slot without a card */
	RS_CARD_READ_ONLY,     /* write-protected: listed, never selectable */
};
#define RS_CARD_REFUSAL_COUNT (RS_CARD_READ_ONLY + 1)

enum rs_card_bus { RS_BUS_OTHER, RS_BUS_USB, RS_BUS_MMC };

struct rs_hw_part {
	char *name;    /* sda1 */
	char *devnode; /* /dev/sda1 */
	unsigned major, minor;
	unsigned long long size; /* bytes */
	unsigned number;         /* partition number, 0 when unknown */
	char *fs_type;           /* vfat, ext4, ... */
	char *fs_version;        /* FAT32, 1.0, ... */
	char *fs_label;
	char *mountpoint; /* first mount point, NULL when not mounted */
};

struct rs_hw_card {
	char *syspath; /* the disk; identifies the card across events */
	char *name;    /* sda, mmcblk0 */
	char *devnode; /* /dev/sda */
	unsigned major, minor;
	enum rs_card_bus bus;
	char *vendor;
	char *model;
	unsigned long long size; /* bytes, from sysfs size * 512 */
	bool removable;          /* sysfs removable flag of the disk */
	bool hotplug;            /* on a bus where it can come and go (USB, SD slot) */
	bool read_only;
	char *mountpoint;        /* where the whole disk is mounted, if it is */
	char *system_path;       /* the system mount point it holds, if any */
	struct rs_hw_part *parts;
	size_t part_count;
	enum rs_card_refusal refusal; /* RS_CARD_OK: may be offered */
	unsigned refusal_mask;        /* every reason that applies, 1u << reason */
};

struct rs_hw_list {
	struct rs_hw_board *boards;
	size_t board_count;
	struct rs_hw_card *cards; /* every disk seen, refused ones included */
	size_t card_count;
};

void rs_hw_board_free(struct rs_hw_board *b);
void rs_hw_part_free(struct rs_hw_part *p);
void rs_hw_card_free(struct rs_hw_card *c);
void rs_hw_list_free(struct rs_hw_list *l);
/* Deep copies, for callers that keep a snapshot across changes. */
void rs_hw_board_copy(struct rs_hw_board *dst, const struct rs_hw_board *src);
void rs_hw_card_copy(struct rs_hw_card *dst, const struct rs_hw_card *src);
void rs_hw_list_copy(struct rs_hw_list *dst, const struct rs_hw_list *src);
/* Copies for printing: every string made display-safe (core/text_safe.h).
 * Device nodes, by-id links and mount points stay raw in the originals,
 * because they are opened and compared; these copies are only shown. */
void rs_hw_board_copy_shown(struct rs_hw_board *dst, const struct rs_hw_board *src);
void rs_hw_card_copy_shown(struct rs_hw_card *dst, const struct rs_hw_card *src);

/* Replaces the entry with the same syspath or appends; takes ownership. */
void rs_hw_list_put_board(struct rs_hw_list *l, struct rs_hw_board *b);
void rs_hw_list_put_card(struct rs_hw_list *l, struct rs_hw_card *c);
/* Drops entries whose syspath (or tty syspath) equals syspath or lies below
 * it, so removing a USB hub drops everything behind it. Returns the count. */
size_t rs_hw_list_remove(struct rs_hw_list *l, const char *syspath);

const struct rs_hw_board *rs_hw_list_find_board(const struct rs_hw_list *l, const char *syspath);
const struct rs_hw_card *rs_hw_list_find_card(const struct rs_hw_list *l, const char *syspath);
/* Number of cards that may be offered as write targets. */
size_t rs_hw_list_candidates(const struct rs_hw_list *l);
/* The partition firmware goes to: the first FAT partition, else the first
 * partition; NULL for a card without partitions (written as a whole). */
const struct rs_hw_part *rs_hw_card_target_part(const struct rs_hw_card *c);
/* The node to write: that partition's, else the whole card's. */
const char *rs_hw_card_target(const struct rs_hw_card *c);

enum rs_hw_change { RS_HW_ADDED, RS_HW_REMOVED, RS_HW_CHANGED };

/* One difference between two lists: exactly one of board and card is set.
 * Added and changed entries point into the newer list, removed ones into the
 * older one. */
struct rs_hw_event {
	enum rs_hw_change change;
	const struct rs_hw_board *board;
	const struct rs_hw_card *card;
	/* For RS_HW_CHANGED: the entry as it was (in the older list). */
	const struct rs_hw_board *old_board;
	const struct rs_hw_card *old_card;
};

/* Reports what a user would notice between before and after: boards and
 * cards that came, went, or changed (node, serial, size, verdict, partitions,
 * filesystems, mounts). Removals first, then additions and changes. */
void rs_hw_list_diff(const struct rs_hw_list *before, const struct rs_hw_list *after,
		     void (*fn)(void *ctx, const struct rs_hw_event *ev), void *ctx);
const char *rs_hw_change_name(enum rs_hw_change c); /* add, remove, change */

/* The USB identity for vendor:product, false when it is not a board we know. */
bool rs_hw_board_kind_from_usb(unsigned vid, unsigned pid, enum rs_hw_board_kind *out);
/* Whether this kind shows up with a tty (Klipper, Katapult, Einsy). */
bool rs_hw_board_kind_has_tty(enum rs_hw_board_kind kind);
/* Short stable name for JSON and --watch: klipper, katapult, can-bridge, dfu,
 * rp2040-boot, einsy. */
const char *rs_hw_board_kind_name(enum rs_hw_board_kind kind);
/* Human description: "Klipper firmware", "STM32 DFU bootloader", ... */
const char *rs_hw_board_kind_title(enum rs_hw_board_kind kind);
/* The MCU a board reports, lower case, or NULL. Klipper, Katapult and the CAN
 * bridge put CONFIG_MCU in the product string; the rest are fixed. */
char *rs_hw_board_guess_mcu(enum rs_hw_board_kind kind, const char *product);

const char *rs_card_bus_name(enum rs_card_bus bus);

#endif
