/* What sysfs and the card's own first sectors say about an open card: its
 * kind and size, where its FAT volume lies, whether the system has it
 * mounted. Only reads. Used by platform/sdcard.c, which opens the card. */
#ifndef RS_PLATFORM_SDINSPECT_H
#define RS_PLATFORM_SDINSPECT_H

#include <stdbool.h>

#include "platform/sdcard.h"

/* Kind (disk or partition), disk name, size, read-only switch and partition
 * start of block device c->major:c->minor, open as fd. */
void rs_sdinspect_block(struct rs_sdcard *c, int fd);
/* The FAT volume: the whole target, or the first FAT partition of a DOS
 * table that fits the card (c->bad_table when an entry does not). False
 * with *err set when the card cannot be read. */
bool rs_sdinspect_volume(int fd, struct rs_sdcard *c, int *err);
/* c->mountpoint when the volume is mounted (mountinfo: NULL for this
 * system's table); *maj:*min get the volume's device (0:0 for an image). */
void rs_sdinspect_mount(struct rs_sdcard *c, const char *mountinfo, unsigned *maj, unsigned *min);

#endif
