/* The end of a firmware build: the image's dictionary must name the board's
 * MCU and the tree's version, then image and record are installed
 * atomically. Part of the build (platform/fwbuild_steps.h), not for others. */
#ifndef RS_PLATFORM_FWINSTALL_H
#define RS_PLATFORM_FWINSTALL_H

#include "platform/fwbuild_steps.h"

/* Checks <OUT>klipper.bin and installs it; finishes the build either way. */
void rs_fwinstall_image(struct rs_fwbuild *fb);
/* What to do after a write failed with errno e in dir (disk full or not).
 * Caller frees. */
char *rs_fwinstall_disk_hint(int e, const char *dir);

#endif
