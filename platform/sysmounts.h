/* What the running system holds, as one mount list, so discovery and the SD
 * commands decide "system disk" from the same facts. */
#ifndef RS_PLATFORM_SYSMOUNTS_H
#define RS_PLATFORM_SYSMOUNTS_H

#include <stdbool.h>

#include "core/mountinfo.h"

/* The mount table at path (NULL: this system's, /proc/self/mountinfo), plus
 * entries that name the devices behind it:
 *  - each mount whose source is a block device, under that device's number
 *    (btrfs shows an anonymous 0:N and names its device only as the source);
 *  - every member device of a mounted btrfs (/sys/fs/btrfs/<id>/devices);
 * and, for this system's table only (a table given by path describes another
 * system, whose swap and root these are not):
 *  - swap devices from /proc/swaps, as "[SWAP]";
 *  - the device "/" lives on, as "/".
 * False (out empty) when the table cannot be read: then nothing proves a
 * disk is not the system disk. */
bool rs_sysmounts_read(const char *path, struct rs_mounts *out);

#endif
