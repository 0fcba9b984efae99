/* Which block devices may be offered as SD-card write targets, and why the
 * others are not. Pure: the facts are gathered by platform/discovery, the
 * decision is made here so it can be tested line by line. */
#ifndef RS_CORE_CARD_POLICY_H
#define RS_CORE_CARD_POLICY_H

#include <stdbool.h>

#include "core/hw.h"

struct rs_card_facts {
	const char *name;     /* kernel name: sda, mmcblk0, loop3, sr0 */
	enum rs_card_bus bus; /* how the disk is attached */
	bool removable;       /* sysfs removable flag */
	bool hotplug;         /* on a port or slot where it can come and go */
	bool cdrom;           /* udev ID_CDROM */
	bool read_only;       /* sysfs ro (write-protect switch, locked reader) */
	unsigned long long size; /* bytes */
	bool holds_system;    /* it or one of its partitions has a system mount */
	bool board_boot;      /* presented by a board's boot ROM (RP2040 BOOTSEL) */
};

/* The reason shown (RS_CARD_OK when the disk may be offered); *mask, if not
 * NULL, gets every reason that applies as 1u << reason. */
enum rs_card_refusal rs_card_decide(const struct rs_card_facts *f, unsigned *mask);

/* Stable name for JSON: ok, system-disk, virtual, optical, mmc-hw-partition,
 * board-boot-drive, not-removable, wrong-bus, empty, read-only. */
const char *rs_card_refusal_name(enum rs_card_refusal r);
/* One line for people, e.g. "holds the running system". */
const char *rs_card_refusal_text(enum rs_card_refusal r);

/* loop, ram, zram, dm-, md, nbd devices: never physical media. */
bool rs_card_name_is_virtual(const char *name);
/* sr0, scd0: optical drives. */
bool rs_card_name_is_optical(const char *name);
/* mmcblk0boot0, mmcblk0boot1, mmcblk0rpmb: eMMC hardware partitions. */
bool rs_card_name_is_mmc_hw_part(const char *name);
/* "/", "/boot", "/boot/firmware", "/usr", "/var", "/home", ... and anything
 * below /boot, /usr, /var or /etc; also "[SWAP]". A card mounted under /media,
 * /mnt or a user's home is not a system path. */
bool rs_mount_is_system(const char *mountpoint);

#endif
