/* Turning one libudev device into a plain rs_hw_board or rs_hw_card. Reads
 * sysfs attributes first and udev properties second, because under a udev
 * without a database (containers, emulated trees) only sysfs is complete. */
#ifndef RS_PLATFORM_UDEV_GATHER_H
#define RS_PLATFORM_UDEV_GATHER_H

#include <libudev.h>
#include <stdbool.h>

#include "core/hw.h"
#include "core/mountinfo.h"

/* dev is a usb_device. False when it is not a board we know, or one that
 * talks through a tty whose tty is not there (yet). */
bool rs_udev_gather_board(struct udev *udev, struct udev_device *dev, struct rs_hw_board *out);
/* dev is a block disk. Fills the card, its partitions, mounts and verdict.
 * mounts NULL means the mount table is unknown: the disk is then refused. */
void rs_udev_gather_card(struct udev *udev, struct udev_device *dev,
			 const struct rs_mounts *mounts, struct rs_hw_card *out);

/* The card's serial number (udev ID_SERIAL, else the USB device's or the
 * SD card's own serial), printable; NULL when none is known. Caller frees. */
char *rs_udev_disk_serial(struct udev_device *disk);

/* The usb_device above dev (borrowed from dev), or NULL. */
struct udev_device *rs_udev_usb_parent(struct udev_device *dev);

#endif
